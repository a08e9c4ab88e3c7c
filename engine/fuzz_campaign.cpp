// SPDX-License-Identifier: GPL-2.0
#include "engine/fuzz_campaign.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "engine/fuzz_input.hpp"
#include "engine/suite.hpp"
#include "kernel/cache.hpp"
#include "kernel/kbuild.hpp"
#include "kernel/process.hpp"

namespace refdrv {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTarget = "refdrv-fuzz-differential";

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    // A finding the target was still writing when it was killed (its
    // FILE.PID.tmp, renamed only once whole) is no input.
    if (e.is_regular_file() && e.path().extension() != ".tmp") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// libFuzzer's flags that refdrv sets or reads back itself, and those that
// make the fuzzer do something other than the one campaign refdrv reports
// on, with what to do instead.
struct ReservedFlag {
  std::string_view name, why;
};
constexpr ReservedFlag kReserved[] = {
    {"max_total_time", "refdrv sets it: use --time"},
    {"timeout", "refdrv sets it: use --wall-budget"},
    {"artifact_prefix", "refdrv collects the raw findings in --findings DIR/raw/TIME and replays them from there"},
    {"exact_artifact_path", "refdrv collects the raw findings in --findings DIR/raw/TIME and replays them from there"},
    {"print_final_stats", "refdrv reads libFuzzer's final statistics for its summary"},
    {"close_fd_mask", "refdrv reads the fuzz target's lines (how it observed phylib's state) from its output"},
    {"help", "not a campaign; run the fuzzer binary itself with -help=1"},
    {"ignore_remaining_args", "it would hand refdrv's own flags after it to the target unread"},
};
constexpr std::string_view kOtherModes[] = {"merge", "set_cover_merge", "minimize_crash", "cleanse_crash",
                                            "minimize_crash_internal_step", "merge_control_file",
                                            "merge_inner", "analyze_dict", "fork", "jobs", "workers",
                                            "run_equivalence_server", "use_equivalence_server"};

// <parent>/<UTC time>[-N], not yet there.
fs::path unique_campaign_dir(const fs::path& parent) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  fs::path dir = parent / stamp;
  for (int n = 2; fs::exists(dir); ++n) dir = parent / fmt::format("{}-{}", stamp, n);
  return dir;
}

long whole_seconds(double seconds) { return std::max(1L, static_cast<long>(std::ceil(seconds))); }

}  // namespace

std::string libfuzzer_arg_problem(std::string_view arg) {
  if (arg.rfind("--", 0) == 0)
    return "libFuzzer ignores flags that start with '--'; its flags are -name=value (one dash)";
  const auto eq = arg.find('=');
  const bool named = arg.size() > 1 && arg[0] == '-' && eq != std::string_view::npos && eq > 1 &&
                     std::all_of(arg.begin() + 1, arg.begin() + static_cast<std::ptrdiff_t>(eq),
                                 [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; });
  if (!named) return "not a libFuzzer flag of the form -name=value";
  const std::string_view name = arg.substr(1, eq - 1);
  for (const auto& r : kReserved)
    if (r.name == name) return fmt::format("-{} is not passed on: {}", name, r.why);
  for (const auto& m : kOtherModes)
    if (m == name)
      return fmt::format("-{} makes libFuzzer do something other than one campaign, which refdrv cannot report on; "
                         "run the fuzzer binary itself for it",
                         name);
  return {};
}

// A file of the project's own sources compiled into the fuzz targets that
// was modified after `bin` was, if any.
std::optional<fs::path> source_newer_than(const fs::path& src, const fs::path& bin) {
  std::error_code ec;
  const auto built = fs::last_write_time(bin, ec);
  if (ec) return std::nullopt;
  for (const char* dir : {"abi", "base", "cxx", "engine", "fuzz", "host", "hw", "kernel", "scenarios", "cmake"}) {
    for (auto it = fs::recursive_directory_iterator(src / dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code stat;
      // What the build reads: sources, headers, CMake files, the embedded
      // scenarios, the coverage ignorelist. Not a lint configuration or a
      // document (cxx/drivers/.clang-tidy made every later --no-build
      // refuse a target no rebuild would relink; a walkthrough).
      static const std::set<std::string> kBuilt = {".c",   ".h",     ".cpp", ".hpp",  ".rs", ".S",    ".lds",
                                                   ".inc", ".cmake", ".txt", ".yaml", ".in", ".json", ".mustache"};
      if (!kBuilt.contains(it->path().extension().string())) continue;
      if (it->is_regular_file(stat) && it->last_write_time(stat) > built && !stat) return it->path();
    }
    ec.clear();
  }
  if (fs::last_write_time(src / "CMakeLists.txt", ec) > built && !ec) return src / "CMakeLists.txt";
  return std::nullopt;
}

Result<fs::path> fuzzer_binary(const std::string& given, bool no_build, bool quiet) {
  if (!given.empty()) {
    if (!fs::exists(given)) return fail(fmt::format("--fuzzer {}: no such file", given));
    return fs::path(given);
  }
  const fs::path src = kernel::data_dir();
  const fs::path bin = src / "build-fuzz" / "fuzz" / kTarget;
  if (no_build) {
    if (!fs::exists(bin))
      return fail(fmt::format(
          "{} is not built (drop --no-build, or: cmake --preset fuzz && cmake --build --preset fuzz)", bin.string()));
    // The target holds the C++ driver, the input decoder and the judge: one
    // built before a source it is made of changed fuzzes the old ones while
    // the verdict names the new (a review, 2026-12-07).
    if (const auto newer = source_newer_than(src, bin))
      return fail(
          fmt::format("{} is older than {}, which it is built from: it would fuzz what the sources were "
                      "before (drop --no-build to rebuild it, or give it as --fuzzer to use it as it is)",
                      bin.string(), newer->string()));
    return bin;
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

void seed_corpus(const fs::path& dir) {
  fs::create_directories(dir);
  auto suite = load_default_suite();
  if (!suite) return;
  for (const auto& seed : fuzz_seeds(*suite)) {
    const fs::path f = dir / seed.name;
    if (fs::exists(f)) continue;
    std::ofstream(f, std::ios::binary)
        .write(reinterpret_cast<const char*>(seed.bytes.data()), static_cast<std::streamsize>(seed.bytes.size()));
  }
}

FuzzerStats parse_fuzzer_stats(const std::string& log) {
  FuzzerStats s;
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
    constexpr std::string_view kSnapshots = "refdrv-fuzz-differential: snapshots: ";
    if (line.rfind(kSnapshots, 0) == 0) s.snapshots = line.substr(kSnapshots.size());
    constexpr std::string_view kState = "refdrv-fuzz-differential: phylib's state: ";
    if (line.rfind(kState, 0) == 0) s.state = line.substr(kState.size());
    constexpr std::string_view kImpls = "refdrv-fuzz-differential: implementations: ";
    if (line.rfind(kImpls, 0) == 0) s.impls = line.substr(kImpls.size());
    constexpr std::string_view kReplaced = "refdrv-fuzz-differential: sources replaced: ";
    if (line.rfind(kReplaced, 0) == 0) s.replaced = std::atoi(line.c_str() + kReplaced.size());
    static const std::regex blocks(R"(^refdrv-fuzz-differential: kernel-side blocks reached: (\d+), without a counter: (\d+)$)");
    if (std::regex_search(line, m, blocks)) {
      s.kernel_blocks = std::stoll(m[1]);
      s.kernel_blocks_missed = std::stoll(m[2]);
    }
    if (line.rfind("refdrv-fuzz-differential: kernel-side coverage off", 0) == 0) s.kernel_coverage_off = true;
  }
  return s;
}

std::vector<std::string> fuzz_target_environment(const EnvironmentOptions& env) {
  // Each one set, empty where unused (the target reads empty as unset): one
  // left out was the user's environment's, whatever refdrv was asked for.
  std::vector<std::string> out = {"REFDRV_FUZZ_SERIES=" + env.series};
  out.push_back("REFDRV_FUZZ_KERNEL=" + (env.kernel.empty() ? std::string() : fs::absolute(env.kernel).string()));
  out.push_back("REFDRV_FUZZ_FIRMWARE=" +
                (env.firmware_dir.empty() ? std::string() : fs::absolute(env.firmware_dir).string()));
  std::string replace;
  for (const auto& [path, file] : env.overlay) replace += path + "=" + fs::absolute(file).string() + "\n";
  out.push_back("REFDRV_FUZZ_REPLACE=" + replace);
  return out;
}

Result<void> read_fuzz_target_environment(EnvironmentOptions& eo) {
  const auto get = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  if (const std::string k = get("REFDRV_FUZZ_KERNEL"); !k.empty()) eo.kernel = k;
  if (const std::string s = get("REFDRV_FUZZ_SERIES"); !s.empty()) eo.series = s;
  if (const std::string f = get("REFDRV_FUZZ_FIRMWARE"); !f.empty()) eo.firmware_dir = f;
  std::istringstream lines(get("REFDRV_FUZZ_REPLACE"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == line.size())
      return fail(fmt::format("REFDRV_FUZZ_REPLACE: '{}' is not TREE_PATH=FILE", line));
    if (!fs::is_regular_file(line.substr(eq + 1)))
      return fail(fmt::format("REFDRV_FUZZ_REPLACE: {}: no such file", line.substr(eq + 1)));
    eo.overlay[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return {};
}

namespace {

// libFuzzer warns about a flag it does not know and goes on without it: a
// misspelt -runs=N would turn into a campaign of --time. Asked first, with
// -help=1 (which stops after parsing the flags), so nothing runs on a flag
// it would have dropped.
Result<void> check_flags_known(const CampaignOptions& o, const std::vector<std::string>& envv, const fs::path& log) {
  for (const auto& a : o.libfuzzer_args)
    if (std::string why = libfuzzer_arg_problem(a); !why.empty()) return fail(fmt::format("--libfuzzer-arg {}: {}", a, why));
  if (o.libfuzzer_args.empty()) return {};
  std::vector<std::string> argv = {o.fuzzer.string(), "-help=1"};
  argv.insert(argv.end(), o.libfuzzer_args.begin(), o.libfuzzer_args.end());
  fs::remove(log);
  auto st = kernel::run({argv, {}, log, envv});
  if (!st) return std::unexpected(st.error());
  const std::string out = kernel::read_file(log).value_or("");
  if (*st != 0) return fail(fmt::format("the fuzzer did not start (exit status {} with -help=1); see {}", *st, log.string()));
  static const std::regex unknown(R"(WARNING: unrecognized flag '([^']*)')");
  std::vector<std::string> dropped;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), unknown); it != std::sregex_iterator(); ++it)
    dropped.push_back((*it)[1]);
  if (!dropped.empty())
    return fail(fmt::format("--libfuzzer-arg {}: libFuzzer does not know {} (it would go on without {}; its flags: {} "
                            "-help=1)",
                            fmt::join(dropped, ", "), dropped.size() == 1 ? "this flag" : "these flags",
                            dropped.size() == 1 ? "it" : "them", o.fuzzer.string()));
  fs::remove(log);
  return {};
}

// The fuzz target's own reason for stopping before any input (its die()
// line), as ": REASON"; "" when it gave none.
std::string target_refusal(const std::string& log) {
  constexpr std::string_view kTarget = "refdrv-fuzz-differential: cannot fuzz: ";
  std::istringstream in(log);
  std::string why;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(kTarget)) why = line.substr(kTarget.size());
  return why.empty() ? "" : ": " + why;
}

}  // namespace

Result<CampaignRun> run_campaign(const Environment& env, const CampaignOptions& o) {
  EnvironmentOptions with_coverage = o.env;
  with_coverage.kernel_coverage = true;
  if (auto built = kernel::build_kernel(env.tree(), build_options(with_coverage)); !built)
    return std::unexpected(built.error());
  CampaignRun run;
  run.corpus = o.corpus.empty() ? kernel::cache_root() / "fuzz" / ("corpus-" + env.tree().version) : o.corpus;
  seed_corpus(run.corpus);
  const fs::path findings = fs::absolute(o.findings);
  std::vector<std::string> envv = fuzz_target_environment(o.env);
  envv.push_back("REFDRV_FUZZ_IMPLS=" + o.impls);
  // The target refuses to fuzz a kernel side of another tree (a prebuilt
  // one: REFDRV_PREBUILT, refdrv-kernel/ beside it) than the verdict names.
  envv.push_back("REFDRV_FUZZ_TREE=" + env.tree().root.string());
  if (o.sampled_state) envv.emplace_back("REFDRV_STATE_WATCH=off");
  envv.emplace_back(o.snapshots ? "REFDRV_FUZZ_SNAPSHOTS=1" : "REFDRV_FUZZ_SNAPSHOTS=0");
  // Flags libFuzzer does not know are refused before anything of the last
  // campaign is touched (its log was removed first, and an empty raw
  // directory made, for a call refused as bad input).
  fs::create_directories(findings);
  if (auto known = check_flags_known(o, envv, findings / "libfuzzer-flags.log"); !known)
    return std::unexpected(known.error());
  // This campaign's own directory: an earlier campaign's raw inputs (kept,
  // never deleted) are not replayed again as if this one had flagged them.
  const fs::path raw = unique_campaign_dir(findings / "raw");
  fs::create_directories(raw);
  envv.push_back("REFDRV_FUZZ_FINDINGS=" + raw.string());
  run.log = findings / "libfuzzer.log";
  fs::remove(run.log);
  std::vector<std::string> argv = {o.fuzzer.string(),
                                   run.corpus.string(),
                                   // Whole seconds for libFuzzer, rounded up: 0 is
                                   // "no limit" to it (a --time 0.5 ran forever).
                                   fmt::format("-max_total_time={}", whole_seconds(o.seconds)),
                                   "-artifact_prefix=" + (raw / "").string(),
                                   fmt::format("-timeout={}", whole_seconds(o.wall_seconds)),
                                   "-print_final_stats=1",
                                   "-rss_limit_mb=4096"};
  argv.insert(argv.end(), o.libfuzzer_args.begin(), o.libfuzzer_args.end());
  if (o.on_start) o.on_start(run.corpus, run.log);
  const auto t0 = std::chrono::steady_clock::now();
  // Ctrl-C or a `timeout` ends libFuzzer, not refdrv: what the campaign
  // recorded until then is still replayed and shrunk below (a review,
  // 2026-12-07: refdrv died with it, the findings left unread).
  auto st = kernel::run({.argv = argv, .log = run.log, .env = envv, .pass_on_interrupts = true});
  const int interrupt = kernel::interrupted_by();
  const std::string interrupted =
      interrupt ? fmt::format(" (refdrv was sent SIG{} and passed it on)", sigabbrev_np(interrupt)) : "";
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!st) return std::unexpected(st.error());
  run.stats = parse_fuzzer_stats(kernel::read_file(run.log).value_or(""));
  run.stats.wall_seconds = wall;
  // The target must have compiled in what --replace asked for, or the
  // campaign fuzzed another driver than the one the verdict names.
  if (run.stats.execs && run.stats.replaced != static_cast<int>(o.env.overlay.size()))
    return fail(fmt::format("the fuzz target {} instead of the {} source(s) --replace gave; see {}",
                            run.stats.replaced < 0 ? "did not say which sources it replaced"
                                                   : fmt::format("replaced {} source(s)", run.stats.replaced),
                            o.env.overlay.size(), run.log.string()));
  // And fuzzed the implementations asked for: the verdict names them.
  if (run.stats.execs && run.stats.impls != o.impls)
    return fail(fmt::format("the fuzz target {} instead of {}, which refdrv asked for; see {}",
                            run.stats.impls.empty() ? "did not say which implementations it fuzzed"
                                                    : fmt::format("fuzzed {}", run.stats.impls),
                            o.impls, run.log.string()));
  // And said how it observed phylib's state (watched, sampled): a target
  // that does not say may not compare the states at all.
  if (run.stats.execs && run.stats.state.empty())
    return fail(fmt::format("the fuzz target did not say how it observed phylib's state; see {}", run.log.string()));
  // libFuzzer's slow-unit-* artifacts are inputs that took long, not
  // findings: replayed, they showed nothing and made the campaign say it
  // flagged inputs that did not reproduce. (A hang is a timeout-* one.)
  for (const fs::path& f : files_in(raw))
    if (!f.filename().string().starts_with("slow-unit-")) run.raw.push_back(f);
  run.raw_dir = raw;
  // Exit status 0: time is up; libFuzzer's own status for a crash it
  // caught (a finding, replayed by the caller). A campaign that left no
  // statistics (killed: the OOM killer's SIGKILL) gives no verdict; what it
  // recorded before (the target's finding-* inputs) is still replayed (a
  // review, 2026-12-07: it was dropped, and "executed no input" said).
  if (run.stats.execs == 0) {
    const std::string why = fmt::format(
        "the fuzzer left no libFuzzer statistics in its log (exit status {}{}{}): it was killed or did not run; see "
        "{}{}",
        *st, *st == 137 ? ", SIGKILL: the OOM killer?" : "", interrupted, run.log.string(),
        target_refusal(kernel::read_file(run.log).value_or("")));
    if (run.raw.empty()) return fail(why);
    run.cut_short = why;
    return run;
  }
  // Any other status is libFuzzer stopping at an input it caught (a crash,
  // timeout, OOM or leak: its artifact is in the raw directory) or stopping
  // without one: interrupted (72), killed, its own failure. Without an
  // artifact the campaign ran less than was asked and caught nothing to
  // show for it: no verdict ("No finding" once followed a SIGTERM).
  if (*st != 0) {
    static constexpr std::array<std::string_view, 5> kArtifacts = {"crash-", "timeout-", "oom-", "leak-", "slow-unit-"};
    const bool artifact = std::any_of(run.raw.begin(), run.raw.end(), [](const fs::path& f) {
      const std::string name = f.filename().string();
      return std::any_of(kArtifacts.begin(), kArtifacts.end(), [&](std::string_view a) { return name.starts_with(a); });
    });
    if (!artifact) {
      const std::string why = fmt::format(
          "libFuzzer stopped with exit status {}{} after {} executions ({:.1f} s of the {} s asked) "
          "and left no input it caught (crash, timeout, OOM, leak): the campaign was cut short, "
          "so it gives no verdict; see {}",
          *st, interrupted, run.stats.execs, wall, whole_seconds(o.seconds), run.log.string());
      if (run.raw.empty()) return fail(why);
      run.cut_short = why;  // the findings it recorded before are replayed
    }
  }
  return run;
}

std::vector<Reproducer> reproduce_inputs(Environment& env, const std::vector<fs::path>& inputs,
                                         ReproduceOptions options,
                                         const std::function<void(const fs::path&)>& not_reproduced,
                                         const std::function<void(const fs::path&, const FuzzVerdict&)>& again) {
  std::set<std::string> seen;
  std::vector<Reproducer> found;
  options.already = &seen;
  for (const auto& in : inputs) {
    const Scenario sc = decode_fuzz_input(read_bytes(in));
    options.origin = in.filename().string();
    Reproducer r = reproduce_finding(env, sc, options);
    if (!r.verdict.finding) {
      if (not_reproduced) not_reproduced(in);
      continue;
    }
    // One reproducer per signature, the first input's: a later one with the
    // same signature is not shrunk, and its file would have replaced the
    // first's while the summary described the first (a review, 2026-12-07).
    if (r.duplicate) {
      if (again) again(in, r.verdict);
      continue;
    }
    seen.insert(r.verdict.signature);
    found.push_back(std::move(r));
  }
  return found;
}

Result<std::vector<fs::path>> corpus_inputs(const fs::path& dir) {
  if (!fs::is_directory(dir)) return fail(fmt::format("--coverage-of {}: not a directory", dir.string()));
  // Its subdirectories too, as libFuzzer reads a corpus (a review,
  // 2026-12-07: the top level alone was counted).
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() != ".tmp") files.push_back(it->path());
  if (ec) return fail(fmt::format("--coverage-of {}: cannot read it: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

CorpusCoverage corpus_coverage(Environment& env, const std::vector<fs::path>& files, const std::vector<Impl>& impls) {
  // More counters than the fuzz target has: nothing scans them per input.
  std::vector<std::uint8_t> counters(0xfffe);
  KernelCoverage coverage(counters, env.image());
  env.image().ops().set_coverage(coverage.abi());
  for (const auto& f : files) judge_in_process(env, decode_fuzz_input(read_bytes(f)), impls);
  env.image().ops().set_coverage(nullptr);
  return CorpusCoverage{files.size(), coverage.blocks(), coverage.missed(), counters.size()};
}

}  // namespace refdrv
