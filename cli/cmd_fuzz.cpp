// SPDX-License-Identifier: GPL-2.0
// refdrv fuzz: runs the libFuzzer differential target for a while, then
// turns every finding (the target's own records and libFuzzer's crash,
// timeout and OOM artifacts) into a shrunk scenario that `refdrv run`
// replays. The corpus persists in refdrv's cache between runs.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <ranges>
#include <regex>
#include <set>
#include <sstream>

#include "cli/common.hpp"
#include "engine/fuzz.hpp"
#include "engine/fuzz_input.hpp"
#include "engine/suite.hpp"
#include "host/store_watch.hpp"
#include "kernel/cache.hpp"
#include "kernel/kbuild.hpp"
#include "kernel/process.hpp"

namespace refdrv::cli {

namespace {

namespace fs = std::filesystem;

struct FuzzArgs {
  double seconds = 60;
  std::string corpus, findings = "refdrv-findings", fuzzer;
  std::vector<std::string> replay;
  std::string write_seeds;
  std::string coverage_of;
  std::vector<std::string> extra;  // passed to libFuzzer
  double wall = 10;
  bool no_build = false;
  std::string state = "watched";  // how the campaign observes phylib's state
};

constexpr const char* kTarget = "refdrv-fuzz-differential";

// The fuzz target: given, or built with the `fuzz` CMake preset in refdrv's source tree.
Result<fs::path> fuzzer_binary(const FuzzArgs& a, bool quiet) {
  if (!a.fuzzer.empty()) {
    if (!fs::exists(a.fuzzer)) return fail(fmt::format("--fuzzer {}: no such file", a.fuzzer));
    return fs::path(a.fuzzer);
  }
  const fs::path src = kernel::data_dir();
  const fs::path bin = src / "build-fuzz" / "fuzz" / kTarget;
  if (a.no_build) {
    if (fs::exists(bin)) return bin;
    return fail(fmt::format("{} is not built (drop --no-build, or: cmake --preset fuzz && cmake --build --preset fuzz)",
                            bin.string()));
  }
  if (!kernel::on_path("clang++-19"))
    return fail("the fuzz targets need clang-19 with libFuzzer: apt-get install clang-19 libclang-rt-19-dev");
  const fs::path log = kernel::cache_root() / "fuzz" / "build.log";
  fs::create_directories(log.parent_path());
  if (!quiet) fmt::print(stderr, "refdrv: building the fuzz targets (cmake --preset fuzz; log: {})\n", log.string());
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"cmake", "--preset", "fuzz"},
        std::vector<std::string>{"cmake", "--build", "--preset", "fuzz", "--target", kTarget}}) {
    auto st = kernel::run({argv, src, log, {}});
    if (!st) return std::unexpected(st.error());
    if (*st != 0)
      return fail(fmt::format("building the fuzz target failed ({}); see {}", fmt::join(argv, " "), log.string()));
  }
  return bin;
}

// The default suite, encoded, as the seed corpus.
void seed_corpus(const fs::path& dir) {
  fs::create_directories(dir);
  auto suite = load_default_suite();
  if (!suite) return;
  for (const auto& seed : fuzz_seeds(*suite)) {
    const fs::path f = dir / seed.name;
    if (fs::exists(f)) continue;
    std::ofstream(f, std::ios::binary).write(reinterpret_cast<const char*>(seed.bytes.data()),
                                             static_cast<std::streamsize>(seed.bytes.size()));
  }
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Stats {
  std::uint64_t execs = 0, exec_per_sec = 0, peak_rss_mb = 0;
  std::string last_status;  // libFuzzer's last "#N ... cov: ... exec/s" line
};

Stats parse_stats(const std::string& log) {
  Stats s;
  std::istringstream in(log);
  static const std::regex stat(R"(^stat::(\w+):\s+(\d+))");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, stat)) {
      const std::uint64_t v = std::stoull(m[2]);
      if (m[1] == "number_of_executed_units") s.execs = v;
      if (m[1] == "average_exec_per_sec") s.exec_per_sec = v;
      if (m[1] == "peak_rss_mb") s.peak_rss_mb = v;
    }
    if (line.rfind('#', 0) == 0 && line.find("exec/s") != std::string::npos) s.last_status = line;
  }
  return s;
}

// Replays a corpus through the kernel side built with coverage and counts
// the counters it reaches: how much of phylib and the kernel drivers a
// corpus drives, comparable between corpora.
int cmd_coverage_of(const Common& c, const fs::path& dir) {
  if (!fs::is_directory(dir)) return report_error({fmt::format("--coverage-of {}: not a directory", dir.string())});
  EnvironmentOptions eo = c.env;
  eo.kernel_coverage = true;
  auto env = Environment::open(eo);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::uint8_t> counters(kKernelCoverageCounters);
  (*env)->image().ops().set_coverage(counters.data(), counters.size());
  for (const auto& f : files) judge_in_process(**env, decode_fuzz_input(read_bytes(f)), *impls);
  (*env)->image().ops().set_coverage(nullptr, 0);
  const std::size_t hit = kernel_coverage_hits(counters);
  fmt::print("{}: {} inputs reach {} of {} kernel-side coverage counters ({}; Linux {})\n", dir.string(), files.size(),
             hit, counters.size(), fmt::join(*impls | std::views::transform(impl_title), ", "),
             (*env)->tree().version);
  return 0;
}

int cmd_fuzz(const Common& c, const FuzzArgs& a) {
  if (!a.coverage_of.empty()) return cmd_coverage_of(c, a.coverage_of);
  if (!a.write_seeds.empty()) {
    seed_corpus(a.write_seeds);
    fmt::print("seed corpus (the default suite, encoded) in {}\n", a.write_seeds);
    return 0;
  }
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  if (impls->size() < 2 && a.replay.empty())
    fmt::print(stderr, "refdrv: note: one implementation only: findings are crashes, hangs and leaks, no divergences\n");

  ReproduceOptions ro;
  ro.impls = *impls;
  ro.supervisor.wall_seconds = a.wall;
  ro.out_dir = a.findings;

  std::vector<fs::path> inputs;
  Stats stats;
  if (!a.replay.empty()) {
    for (const auto& r : a.replay) {
      if (!fs::exists(r)) return report_error({fmt::format("--replay {}: no such file", r)});
      inputs.emplace_back(r);
    }
  } else {
    auto bin = fuzzer_binary(a, c.env.quiet);
    if (!bin) return report_error(bin.error());
    // The fuzz target loads the kernel side built with coverage
    // instrumentation; build it here, with progress lines, rather than
    // silently inside the target.
    EnvironmentOptions with_coverage = c.env;
    with_coverage.kernel_coverage = true;
    if (auto built = kernel::build_kernel((*env)->tree(), build_options(with_coverage)); !built)
      return report_error(built.error());
    const fs::path corpus =
        a.corpus.empty() ? kernel::cache_root() / "fuzz" / ("corpus-" + (*env)->tree().version) : fs::path(a.corpus);
    seed_corpus(corpus);
    const fs::path findings = fs::absolute(a.findings);
    const fs::path raw = findings / "raw";
    fs::create_directories(raw);
    const fs::path log = findings / "libfuzzer.log";
    fs::remove(log);
    std::vector<std::string> argv = {bin->string(),
                                     corpus.string(),
                                     fmt::format("-max_total_time={}", static_cast<long>(a.seconds)),
                                     "-artifact_prefix=" + (raw / "").string(),
                                     fmt::format("-timeout={}", static_cast<long>(a.wall)),
                                     "-print_final_stats=1",
                                     "-rss_limit_mb=4096"};
    for (const auto& e : a.extra) argv.push_back(e);
    std::vector<std::string> envv = {"REFDRV_FUZZ_FINDINGS=" + raw.string(), "REFDRV_FUZZ_IMPLS=" + c.impls,
                                     "REFDRV_FUZZ_SERIES=" + c.env.series};
    if (!c.env.kernel.empty()) envv.push_back("REFDRV_FUZZ_KERNEL=" + c.env.kernel);
    if (a.state == "sampled") envv.emplace_back("REFDRV_STATE_WATCH=off");
    if (!c.env.quiet)
      fmt::print(stderr, "refdrv: fuzzing for {} s ({}; corpus {}; log {})\n", a.seconds,
                 fmt::join(*impls | std::views::transform(impl_title), ", "), corpus.string(), log.string());
    auto st = kernel::run({argv, {}, log, envv});
    if (!st) return report_error(st.error());
    const auto text = kernel::read_file(log);
    stats = parse_stats(text.value_or(""));
    // Exit status 0: time is up; libFuzzer's own status for a crash it
    // caught (a finding, handled below); anything else is a failure to run.
    if (*st != 0 && stats.execs == 0)
      return report_error({fmt::format("the fuzzer did not run (exit status {}); see {}", *st, log.string())});
    for (const auto& e : fs::directory_iterator(raw))
      if (e.is_regular_file()) inputs.push_back(e.path());
    std::sort(inputs.begin(), inputs.end());
  }

  std::set<std::string> seen;
  std::vector<Reproducer> found;
  for (const auto& in : inputs) {
    const auto bytes = read_bytes(in);
    Scenario sc = decode_fuzz_input(bytes);
    ro.origin = in.filename().string();
    Reproducer r = reproduce_finding(**env, sc, ro);
    if (!r.verdict.finding) {
      fmt::print("{}: does not reproduce outside the fuzzer (no divergence, crash, hang or leak)\n", in.string());
      continue;
    }
    if (!seen.insert(r.verdict.signature).second) continue;
    found.push_back(std::move(r));
  }

  // What the runs compared of phylib's state: a campaign that only sampled
  // it says so beside its verdict.
  const std::string& unwatched = watch::unavailable_reason();
  if (a.replay.empty()) {
    fmt::print("refdrv fuzz: {} executions in {:.0f} s ({} exec/s, every implementation per execution), peak RSS {} MB\n  {}\n",
               stats.execs, a.seconds, stats.exec_per_sec, stats.peak_rss_mb, stats.last_status);
    if (!unwatched.empty())
      fmt::print("  phylib's state was sampled at callback and API boundaries, not watched at every store ({}), in the "
                 "campaign and in the replays\n",
                 unwatched);
    else if (a.state == "sampled")
      fmt::print("  phylib's state was sampled at callback and API boundaries during the campaign (--state sampled): a "
                 "divergence that only a watched store shows was not looked for; findings were replayed with every "
                 "store watched\n");
  } else if (!unwatched.empty()) {
    fmt::print("phylib's state was sampled at callback and API boundaries, not watched at every store ({})\n", unwatched);
  }
  if (found.empty()) {
    fmt::print("No finding: every input gave equivalent runs with no crash, hang or leak.\n");
    return 0;
  }
  for (const auto& r : found) {
    fmt::print("\nFINDING {}: {}\n  reproducer: {} ({} step(s), shrunk from {} in {} candidate runs)\n",
               r.verdict.signature, r.verdict.description, r.path, r.stats.steps_after, r.stats.steps_before,
               r.stats.tests);
    for (const auto& n : r.notes) fmt::print("  {}\n", n);
  }
  fmt::print("\n{} finding(s); replay one with: refdrv run {}\n", found.size(), found.front().path);
  return kExitFailure;
}

}  // namespace

std::vector<Command> fuzz_commands(CLI::App& app, Common& common) {
  auto fa = std::make_shared<FuzzArgs>();
  auto* fuzz = app.add_subcommand("fuzz", "differential fuzzing with libFuzzer; findings become shrunk scenarios");
  add_env_options(fuzz, common);
  add_impl_option(fuzz, common);
  fuzz->add_option("--time", fa->seconds, "seconds to fuzz, up to 2592000 (30 days; default: 60)")
      ->check(number_in(0, 2592000, true));
  fuzz->add_option("--corpus", fa->corpus, "corpus directory (default: in refdrv's cache, kept between runs)");
  fuzz->add_option("--findings", fa->findings, "where findings and their reproducers go");
  fuzz->add_option("--fuzzer", fa->fuzzer, "the libFuzzer binary (default: build it with the fuzz preset)");
  fuzz->add_option("--state", fa->state,
                   "how the campaign observes phylib's state: watched (every store, a hardware watchpoint, as check "
                   "does) or sampled (at callback and API boundaries, without a trap per state change: more executions a "
                   "second; findings are replayed watched; default: watched)")
      ->check(CLI::IsMember({"watched", "sampled"}));
  fuzz->add_flag("--no-build", fa->no_build, "do not build the fuzz target if it is missing");
  fuzz->add_option("--wall-budget", fa->wall, "seconds one input may take before it is a hang, up to 86400 (default: 10)")
      ->check(number_in(0, 86400, true));
  fuzz->add_option("--replay", fa->replay, "decode these inputs (or libFuzzer artifacts), shrink and write them; no fuzzing");
  fuzz->add_option("--write-seeds", fa->write_seeds, "write the seed corpus (the default suite, encoded) to DIR and stop");
  fuzz->add_option("--libfuzzer-arg", fa->extra, "extra argument for libFuzzer (repeatable)");
  fuzz->add_option("--coverage-of", fa->coverage_of,
                   "run every input of DIR (a corpus) and count the kernel-side coverage counters it reaches; no "
                   "fuzzing");
  return {{fuzz, [&common, fa] { return cmd_fuzz(common, *fa); }}};
}

}  // namespace refdrv::cli
