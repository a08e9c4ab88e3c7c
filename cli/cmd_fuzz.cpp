// SPDX-License-Identifier: GPL-2.0
// refdrv fuzz: the command line of a fuzzing campaign (engine/fuzz_campaign):
// runs the libFuzzer differential target for a while, then turns every
// finding into a shrunk scenario that `refdrv run` replays, and says what
// the campaign compared.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <ranges>
#include <string_view>

#include "cli/common.hpp"
#include "engine/fuzz_campaign.hpp"
#include "engine/fuzz_input.hpp"
#include "host/store_watch.hpp"
#include "kernel/cache.hpp"
#include "kernel/groups.hpp"

namespace refdrv::cli {

namespace {

namespace fs = std::filesystem;

// A file meant as a scenario, whether or not it loads: named .yaml or .yml,
// or text (libFuzzer's inputs are bytes) with a top-level steps: or models:.
bool looks_like_a_scenario(const std::string& file) {
  const std::string ext = fs::path(file).extension().string();
  if (ext == ".yaml" || ext == ".yml") return true;
  const auto text = kernel::read_file(file);
  if (!text || text->find('\0') != std::string::npos) return false;
  return text->starts_with("steps:") || text->starts_with("models:") || text->find("\nsteps:") != std::string::npos ||
         text->find("\nmodels:") != std::string::npos;
}

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
  std::string snapshots = "off";  // on: runs start from a snapshot taken after their attach
};

// A corpus holds fuzz inputs only: a findings directory (its scenarios,
// libFuzzer's log) given instead was counted as inputs, each decoded as
// bytes into some other scenario (a review, 2026-12-07); given as --corpus,
// libFuzzer read its log as an input and added its own (a walkthrough).
Result<void> no_corpus(const char* option, const std::vector<fs::path>& files, const fs::path& dir) {
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    if (looks_like_a_scenario(f.string()) || name == "libfuzzer.log" || name == "libfuzzer-flags.log")
      return fail(
          fmt::format("{}: {} is {}, not a fuzz input: {} is no corpus (refdrv fuzz --corpus DIR keeps one; findings "
                      "and logs go to --findings)",
                      option, f.string(), name.ends_with(".log") ? "libFuzzer's log" : "a scenario", dir.string()));
  }
  return {};
}

// Replays a corpus through the kernel side built with coverage and counts
// the basic blocks it reaches: how much of phylib and the kernel drivers a
// corpus drives, comparable between corpora.
int cmd_coverage_of(const Common& c, const fs::path& dir) {
  auto inputs = corpus_inputs(dir);
  if (!inputs) return report_error(inputs.error());
  if (inputs->empty())
    return report_error({fmt::format("--coverage-of: {} holds no input (no regular file): nothing to count",
                                     dir.string())});
  if (auto r = no_corpus("--coverage-of", *inputs, dir); !r) return report_error(r.error());
  EnvironmentOptions eo = c.env;
  eo.kernel_coverage = true;
  auto env = Environment::open(eo);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  const CorpusCoverage cov = corpus_coverage(**env, *inputs, *impls);
  fmt::print("{}: {} inputs reach {} basic blocks of phylib and the kernel drivers ({}; Linux {})\n", dir.string(),
             cov.inputs, cov.blocks, fmt::join(*impls | std::views::transform(impl_title), ", "), (*env)->tree().version);
  if (cov.missed) {
    fmt::print(stderr, "refdrv: {} more blocks ran after all {} coverage counters were taken: the count above is short\n",
               cov.missed, cov.counters);
    return kExitBadInput;
  }
  return 0;
}

// How the replays observe phylib's state: on check's build, which has the
// store hooks, a hardware watchpoint where this machine has one, else the
// hooks (host/context.cpp), unless watching is switched off.
std::string replay_observation() {
  if (const std::string off = watch::switched_off(); !off.empty())
    return "sampled at callback and API boundaries, not watched at every store (" + off + ")";
  if (const std::string why = watch::unavailable_reason(); !why.empty())
    return "watched at every store by the kernel side's store hooks (no hardware watchpoint: " + why + ")";
  return "watched at every store by a hardware watchpoint";
}

// What the runs compared of phylib's state, and the campaign's statistics:
// a campaign that only sampled the state says so beside its verdict. The
// campaign's runs observe it as the target said (a fuzzing build watches with
// its store hooks, emul/instance.c); the replays as replay_observation() says.
void print_campaign_summary(const FuzzArgs& a, const FuzzerStats& stats) {
  const std::string replays = replay_observation();
  if (a.replay.empty()) {
    // The time the fuzzer ran, measured here with its start-up (a libFuzzer
    // -runs=N may end it long before --time, and libFuzzer counts whole
    // seconds only), and libFuzzer's own average beside it.
    const double rate = stats.wall_seconds > 0 ? static_cast<double>(stats.execs) / stats.wall_seconds : 0;
    fmt::print(
        "refdrv fuzz: {} executions in {:.1f} s, start-up included ({:.0f} exec/s{}; each execution runs "
        "every implementation fuzzed), peak RSS {} MB\n  {}\n",
        stats.execs, stats.wall_seconds, rate,
        stats.exec_per_sec ? fmt::format(", libFuzzer's average {}", stats.exec_per_sec) : "", stats.peak_rss_mb,
        stats.last_status);
    std::vector<std::string> others;
    for (const auto& g : kernel::driver_groups())
      if (&g != &kernel::reference_group()) others.push_back(g.title);
    fmt::print("  models fuzzed: {} ({}){}\n", fmt::join(fuzz_models(), ", "),
               kernel::reference_group().title,
               others.empty() ? "" : fmt::format("; not fuzzed: {} (refdrv check runs them)", fmt::join(others, ", ")));
    fmt::print("  phylib's state in the campaign: {}; in the replays: {}\n",
               stats.state.empty() ? "the fuzz target did not say how it observed it" : stats.state, replays);
    if (stats.kernel_coverage_off)
      fmt::print("  kernel-side coverage off: phylib and the C and Rust drivers gave libFuzzer no feedback\n");
    else if (stats.kernel_blocks >= 0)
      fmt::print("  kernel-side coverage: {} basic blocks of phylib and the kernel drivers reached (the target's "
                 "start-up checks included: an attach on each implementation and one link-up scenario){}\n",
                 stats.kernel_blocks,
                 stats.kernel_blocks_missed > 0
                     ? fmt::format(", and {} more after all {} counters were taken (they gave libFuzzer no feedback)",
                                   stats.kernel_blocks_missed, kKernelCoverageCounters)
                     : "");
    if (a.snapshots == "on")
      fmt::print("  runs of the campaign started from a snapshot of their beginning (up to their first check, else their first "
                 "attach) where one "
                 "was kept (--snapshots on; {}); findings were replayed from nothing\n",
                 stats.snapshots.empty() ? "the target did not say how many" : stats.snapshots);
    // libFuzzer's flags can narrow what a campaign explores (-max_len,
    // -only_ascii) or end it early (-runs, -max_total_time): named here,
    // beside the verdict they bound (a review, 2026-12-07: -max_len=3 cut
    // every input to its header, and the summary said only "No finding").
    if (!a.extra.empty())
      fmt::print("  libFuzzer flags given (--libfuzzer-arg): {}; what ran, and the verdict below, is under them\n",
                 fmt::join(a.extra, " "));
    if (stats.wall_seconds < 0.9 * a.seconds)
      fmt::print("  the campaign ran {:.1f} s of the {} s asked: libFuzzer ended it early{}\n", stats.wall_seconds,
                 a.seconds, a.extra.empty() ? "" : " (a flag above may have)");
    if (a.state == "sampled")
      fmt::print("  phylib's state was sampled at callback and API boundaries during the campaign (--state sampled): a "
                 "divergence that only a watched store shows was not looked for; findings were replayed {}\n",
                 replays.rfind("watched", 0) == 0 ? "with every store watched" : "with it sampled too");
  } else if (replays.rfind("watched at every store by a hardware", 0) != 0) {
    fmt::print("phylib's state was {}\n", replays);
  }
}

int print_findings(const std::vector<Reproducer>& found, const std::vector<Impl>& impl_set, const std::string& replay,
                   bool under_flags) {
  const std::size_t impls = impl_set.size();
  if (found.empty()) {
    const char* under = under_flags ? " (under the libFuzzer flags given)" : "";
    if (impls < 2)
      fmt::print(
          "No finding{}: no input crashed, hung or leaked; one implementation only, so no run was compared with "
          "another.\n",
          under);
    else
      fmt::print("No finding{}: every input gave equivalent runs with no crash, hang or leak.\n", under);
    return 0;
  }
  for (const auto& r : found) {
    fmt::print("\n{} {}: {}\n  reproducer: {} ({} step(s), shrunk from {} in {} candidate runs)\n",
               r.verdict.gap ? "NOT COMPARED" : "FINDING", r.verdict.signature, r.verdict.description, r.path,
               r.stats.steps_after, r.stats.steps_before, r.stats.tests);
    for (const auto& n : r.notes) fmt::print("  {}\n", n);
  }
  const auto gaps = static_cast<std::size_t>(
      std::count_if(found.begin(), found.end(), [](const Reproducer& r) { return r.verdict.gap; }));
  const std::size_t findings = found.size() - gaps;
  const std::string counted =
      gaps == 0 ? fmt::format("{} finding(s)", findings)
      : findings == 0
          ? fmt::format(
                "No finding, but {} kind(s) of input stopped at a kernel function refdrv does not emulate "
                "(NOT COMPARED above: refdrv's gap, so no verdict on those inputs)",
                gaps)
          : fmt::format("{} finding(s), and {} kind(s) of input stopped at a kernel function refdrv does not emulate",
                        findings, gaps);
  const auto written = std::find_if(found.begin(), found.end(), [](const Reproducer& r) { return r.path != kNotWritten; });
  if (written == found.end())
    fmt::print("\n{}; no reproducer could be written (see above)\n", counted);
  else
    fmt::print("\n{}; replay one with: refdrv run{} --impl {} {}\n", counted, replay, impl_list(impl_set),
               shell_word(written->path));
  return findings ? kExitFailure : kExitBadInput;
}

int cmd_fuzz(const Common& c, const FuzzArgs& a) {
  if (!a.coverage_of.empty()) return cmd_coverage_of(c, a.coverage_of);
  if (!a.write_seeds.empty()) {
    seed_corpus(a.write_seeds);
    fmt::print("seed corpus (the default suite, encoded) in {}\n", a.write_seeds);
    return 0;
  }
  // The fuzz inputs run the reference group's models only: a driver of
  // another group given to --replace would never run, and the campaign
  // would say "No finding" of it. Refused before the build.
  if (!c.env.overlay.empty()) {
    auto tree = tree_of(c.env);
    if (!tree) return report_error(tree.error());
    for (const auto& g : kernel::driver_groups()) {
      if (&g == &kernel::reference_group()) continue;
      const kernel::GroupSources src = kernel::sources_of(*tree, g);
      for (const auto& [path, file] : c.env.overlay)
        if (path == src.c_source || path == src.rust_source)
          return report_error({fmt::format(
              "--replace {}: that is a driver of the {} group, which refdrv fuzz never runs (its inputs run "
              "the {} models {}); refdrv check --replace runs it",
              path, g.title, kernel::reference_group().title, fmt::join(fuzz_models(), ", "))});
    }
    // Nor does a campaign run a driver of an implementation --impl leaves
    // out (c,cxx with the Rust driver replaced: a review, 2026-12-07).
    if (auto named = parse_impls(c.impls); named && !named->empty()) {
      const kernel::GroupSources src = kernel::sources_of(*tree, kernel::reference_group());
      for (const auto& [path, file] : c.env.overlay)
        for (const auto& [source, impl] : {std::pair{src.c_source, Impl::kC}, std::pair{src.rust_source, Impl::kRust}})
          if (!source.empty() && path == source && std::find(named->begin(), named->end(), impl) == named->end())
            return report_error({fmt::format(
                "--replace {}: that is the {} driver, and --impl {} leaves the {} implementation out, so no input "
                "would run it; add {} to --impl",
                path, impl_title(impl), c.impls, impl_title(impl), impl_name(impl))});
    }
  }
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  if (impls->size() < 2 && a.replay.empty())
    fmt::print(stderr,
               "refdrv: note: one implementation only: findings are crashes, hangs and leaks, no divergences{}\n",
               impls->front() == Impl::kNone
                   ? "; with --impl none every instance binds phylib's Generic PHY driver, so no Asix driver runs"
                   : "");

  std::vector<fs::path> inputs;
  FuzzerStats stats;
  fs::path raw_dir;
  std::string cut_short;  // the campaign was cut short after recording inputs (CampaignRun)
  if (!a.replay.empty()) {
    // Each one a file: the option's validator (file_to_read) refused the rest.
    // A scenario (what a finding becomes) is no fuzz input: decoded as bytes
    // it would be some other scenario.
    // Whatever its name: a file that reads as a whole scenario is one.
    for (const auto& f : a.replay) {
      const auto sc = load_scenario(f);
      if (sc)
        return report_error(
            {fmt::format("--replay: {} is a scenario, not a fuzz input (--replay decodes the "
                         "bytes libFuzzer wrote); replay it with refdrv run {}",
                         f, f)});
      // One that does not load (a typo in a finding's scenario) is still
      // no fuzz input: decoded, it passed as some other scenario.
      if (looks_like_a_scenario(f))
        return report_error(
            {fmt::format("--replay: {} is a scenario file that does not load ({}); --replay "
                         "decodes the bytes libFuzzer wrote, refdrv run replays scenarios",
                         f, sc.error().message)});
      // Nor is libFuzzer's log, which --corpus and --coverage-of refuse by
      // name (a review, 2026-12-07: decoded, "No finding").
      if (const std::string name = fs::path(f).filename().string();
          name == "libfuzzer.log" || name == "libfuzzer-flags.log")
        return report_error(
            {fmt::format("--replay: {} is libFuzzer's log, not a fuzz input (--replay decodes the "
                         "bytes libFuzzer wrote: the files in the findings directory's raw/)",
                         f)});
    }
    inputs.assign(a.replay.begin(), a.replay.end());
  } else {
    if (!a.corpus.empty()) {
      std::error_code ec;
      const fs::path corpus = fs::weakly_canonical(fs::absolute(a.corpus), ec);
      const fs::path findings = fs::weakly_canonical(fs::absolute(a.findings), ec);
      if (corpus == findings)
        return report_error(
            {fmt::format("--corpus and --findings are the same directory ({}): the corpus would "
                         "hold the findings, their scenarios and libFuzzer's log",
                         a.corpus)});
      // libFuzzer reads a corpus directory recursively: findings inside it
      // (--corpus . with the default refdrv-findings) would be read as
      // inputs too.
      if (const auto rel = findings.lexically_relative(corpus); !rel.empty() && *rel.begin() != "..")
        return report_error(
            {fmt::format("--findings {} lies inside --corpus {}: libFuzzer reads a corpus's "
                         "subdirectories too, and would take the findings and its log for inputs",
                         a.findings, a.corpus)});
      if (fs::is_directory(a.corpus, ec)) {
        std::vector<fs::path> files;
        for (auto it = fs::recursive_directory_iterator(a.corpus, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
          if (std::error_code f; it->is_regular_file(f)) files.push_back(it->path());
        if (auto r = no_corpus("--corpus", files, a.corpus); !r) return report_error(r.error());
      }
    }
    auto bin = fuzzer_binary(a.fuzzer, a.no_build, c.env.quiet);
    if (!bin) return report_error(bin.error());
    CampaignOptions co;
    co.fuzzer = *bin;
    co.seconds = a.seconds;
    co.corpus = a.corpus;
    co.findings = a.findings;
    co.wall_seconds = a.wall;
    co.sampled_state = a.state == "sampled";
    co.snapshots = a.snapshots == "on";
    // The list this summary names, not "all": the target refuses one it
    // does not have, so it runs exactly these.
    co.impls = fmt::format("{}", fmt::join(*impls | std::views::transform(impl_name), ","));
    co.libfuzzer_args = a.extra;
    co.env = c.env;
    if (!c.env.quiet)
      co.on_start = [&](const fs::path& corpus, const fs::path& log) {
        const std::string replaced = replaced_sources(c.env.overlay);
        // libFuzzer counts whole seconds: what will run, not what was typed.
        const double whole = std::max(1.0, std::ceil(a.seconds));
        fmt::print(stderr, "refdrv: fuzzing for {} s{} ({}; corpus {}; log {}{})\n", whole,
                   whole != a.seconds ? fmt::format(" (--time {} rounded up to whole seconds)", a.seconds) : "",
                   fmt::join(*impls | std::views::transform(impl_title), ", "), corpus.string(), log.string(),
                   replaced.empty() ? "" : "; " + replaced);
      };
    auto run = run_campaign(**env, co);
    if (!run) return report_error(run.error());
    stats = run->stats;
    inputs = run->raw;
    raw_dir = run->raw_dir;
    cut_short = run->cut_short;
  }

  ReproduceOptions ro;
  ro.impls = *impls;
  ro.supervisor.wall_seconds = a.wall;
  ro.out_dir = a.findings;
  std::size_t unreproduced = 0;
  const std::vector<Reproducer> found = reproduce_inputs(
      **env, inputs, ro,
      [&](const fs::path& in) {
        fmt::print("{}: shows no finding when run outside the fuzzer (no divergence, crash, hang or leak)\n",
                   in.string());
        ++unreproduced;
      },
      [](const fs::path& in, const FuzzVerdict& v) {
        fmt::print("{}: shows {} again, as an input before it did: not shrunk (one reproducer per finding)\n",
                   in.string(), v.signature);
      });
  const std::string replay = replay_options(c.env) + wall_budget_option(ro.supervisor);
  // A campaign cut short gives no verdict of its own: the findings it
  // recorded before are findings, and without one the cause is the error.
  if (!cut_short.empty()) {
    if (found.empty()) return report_error(fail(cut_short).error());
    const int status = print_findings(found, *impls, replay, false);
    fmt::print("Note: {}; the finding(s) above are what it recorded before it stopped.\n", cut_short);
    return status;
  }
  print_campaign_summary(a, stats);
  // What the campaign flagged and its replay did not show is no "every input
  // was equivalent": a timeout or out-of-memory under load, or runs that are
  // not deterministic. (Files given to --replay are the user's: not showing
  // anything is their ordinary outcome.)
  // (Beside inputs that only stopped at a function refdrv does not
  // emulate, NOT COMPARED, the same: they are said too, and the flagged
  // ones still decide the status; a review, 2026-12-07.)
  const bool only_gaps = std::all_of(found.begin(), found.end(), [](const Reproducer& r) { return r.verdict.gap; });
  if (only_gaps && unreproduced && a.replay.empty()) {
    if (!found.empty()) (void)print_findings(found, *impls, replay, !a.extra.empty());
    fmt::print("No finding that reproduces outside the fuzzer, but {} input(s) the campaign flagged did not "
               "(listed above, kept in {}): a timeout or out-of-memory under load, or runs that are not "
               "deterministic.\n",
               unreproduced, raw_dir.string());
    return kExitFailure;
  }
  return print_findings(found, *impls, replay, a.replay.empty() && !a.extra.empty());
}

}  // namespace

std::vector<Command> fuzz_commands(CLI::App& app, Common& common) {
  auto fa = std::make_shared<FuzzArgs>();
  auto* fuzz = app.add_subcommand("fuzz", "differential fuzzing with libFuzzer; findings become shrunk scenarios");
  add_env_options(fuzz, common);
  add_impl_option(fuzz, common);
  auto* time = fuzz->add_option("--time", fa->seconds, "seconds to fuzz, up to 2592000 (30 days), rounded up to whole seconds (default: 60)")
      ->check(number_in(0, 2592000, true));
  auto* corpus = fuzz->add_option("--corpus", fa->corpus, "corpus directory (default: in refdrv's cache, kept between runs)")
      ->check(directory_to_write());
  auto* findings = fuzz->add_option("--findings", fa->findings, "where findings and their reproducers go (default: refdrv-findings)")
      ->check(directory_to_write());
  auto* fuzzer = fuzz->add_option("--fuzzer", fa->fuzzer, "the libFuzzer binary (default: build it with the fuzz preset)")
      ->check(file_to_read());
  auto* state = fuzz->add_option("--state", fa->state,
                   "how the campaign observes phylib's state: watched (every store: the fuzzing build's phylib and C "
                   "drivers report each store to the kernel side's store hooks, where check uses a hardware watchpoint) "
                   "or sampled (at callback and API boundaries only: the hooks' cost saved; findings are replayed "
                   "watched; default: watched)")
      ->check(CLI::IsMember({"watched", "sampled"}));
  auto* snapshots = fuzz->add_option("--snapshots", fa->snapshots,
                   "on: each run starts from a snapshot of the instance and the kernel side, taken by an earlier run "
                   "that began the same way (its steps up to the first check, else up to its first attach), instead of registering "
                   "the bus, probing, attaching and polling again; off: every run from nothing. Findings are always replayed from nothing. Off by "
                   "default: measured, it does not pay here (docs/robustness.md; default: off)")
      ->check(CLI::IsMember({"on", "off"}));
  auto* no_build = fuzz->add_flag("--no-build", fa->no_build,
                                  "do not build the fuzz target (refused if it is missing, or older than a source it "
                                  "is built from: give such a binary as --fuzzer to use it as it is)");
  auto* wall_budget =
      fuzz->add_option(
              "--wall-budget", fa->wall,
              "seconds one input may take before it is a hang, 0.01 to 86400; libFuzzer's limit in a campaign is "
              "this rounded up to whole seconds (default: 10)")
          ->check(number_in(0.01, 86400, false));
  auto* replay = fuzz->add_option("--replay", fa->replay, "decode these inputs (or libFuzzer artifacts), shrink and write them; no fuzzing")
      ->check(file_to_read());
  auto* write_seeds = fuzz->add_option("--write-seeds", fa->write_seeds, "write the seed corpus (the default suite, encoded) to DIR and stop")
      ->check(directory_to_write());
  auto* libfuzzer_arg = fuzz->add_option("--libfuzzer-arg", fa->extra,
                   "a flag for libFuzzer, -name=value (repeatable; write --libfuzzer-arg=-name=value); refused if "
                   "libFuzzer does not know it, if a refdrv option sets it or if it would move what refdrv reads back")
      ->check(CLI::Validator(
          [](std::string& in) {
            const std::string why = libfuzzer_arg_problem(in);
            return why.empty() ? why : in + ": " + why;
          },
          ""));
  auto* coverage_of = fuzz->add_option("--coverage-of", fa->coverage_of,
                   "run every input of DIR (a corpus) and count the basic blocks of phylib and the kernel drivers it reaches; no "
                   "fuzzing")
      // Empty would read as not given, and a whole campaign run instead.
      ->check(CLI::Validator([](std::string& in) { return in.empty() ? std::string("an empty path names no directory") : std::string(); }, ""));
  // The modes other than a campaign ignore the campaign's options: refused
  // together rather than ignored.
  for (CLI::Option* mode : {replay, write_seeds, coverage_of})
    for (CLI::Option* o : {time, corpus, fuzzer, snapshots, no_build, libfuzzer_arg}) mode->excludes(o);
  replay->excludes(write_seeds)->excludes(coverage_of);
  // A replay watches every store, whatever --state says (findings are
  // replayed watched), and --coverage-of counts blocks with no budget: the
  // two would be ignored (a review, 2026-12-07).
  replay->excludes(state);
  coverage_of->excludes(state)->excludes(wall_budget);
  // Writing the seeds reads no tree and runs nothing: every other option
  // but -q and --color would be ignored (--kernel, --impl, --state,
  // --wall-budget, -j, ...).
  for (CLI::Option* o : fuzz->get_options())
    if (o != write_seeds && !o->check_name("--help") && !o->check_name("--quiet") && !o->check_name("--color"))
      write_seeds->excludes(o);
  coverage_of->excludes(findings);
  return {{fuzz, [&common, fa] { return cmd_fuzz(common, *fa); }}};
}

}  // namespace refdrv::cli
