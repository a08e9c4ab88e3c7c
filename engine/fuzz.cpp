// SPDX-License-Identifier: GPL-2.0
#include "engine/fuzz.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/check_report.hpp"
#include "engine/compare.hpp"
#include "engine/environment.hpp"
#include "engine/runner.hpp"
#include "host/kernel_image.hpp"
#include "kernel/cache.hpp"

namespace refdrv {

namespace {

const char* level_slug(Level l) {
  switch (l) {
    case Level::kMdio: return "mdio";
    case Level::kEvents: return "events";
    case Level::kOutcome: return "outcome";
  }
  return "?";
}

}  // namespace

KernelCoverage::KernelCoverage(std::span<std::uint8_t> counters, const KernelImage& image) : counters_(counters) {
  const auto [text, end] = image.text_extent();
  slots_.resize((end - text) / 4 + 1);
  abi_.counters = counters_.data();
  abi_.size = std::min<std::size_t>(counters_.size(), 0xfffe);
  abi_.slots = slots_.data();
  abi_.nslots = slots_.size();
  abi_.text = text;
}

std::size_t KernelCoverage::hits() const {
  return static_cast<std::size_t>(std::count_if(counters_.begin(), counters_.end(), [](std::uint8_t c) { return c != 0; }));
}

void KernelCoverage::clear_counters() { std::fill(counters_.begin(), counters_.end(), std::uint8_t{0}); }

FuzzVerdict judge_runs(const std::vector<Impl>& impls, const std::vector<RunResult>& runs, const Scenario* scenario) {
  // A stop at a kernel function refdrv does not emulate is its gap (as in
  // check, drivers, mutate and faults), not a crash of the code: it was
  // "crash-c" until a review (2026-12-07). Any other stop or leak of any
  // run is still the finding.
  std::optional<FuzzVerdict> gap;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    if (r.stop) {
      if (const std::string fn = unemulated_function_in(*r.stop); !fn.empty()) {
        if (!gap)
          gap = FuzzVerdict{true, "unemulated-" + fn,
                            fmt::format("the {} implementation called {}(), which refdrv does not emulate: the runs "
                                        "were not compared (refdrv's gap, not a finding)",
                                        impl_title(impls[i]), fn),
                            true};
        continue;
      }
      const bool hang = classify_stop(r) == StopClass::kHang;
      return {true, fmt::format("{}-{}", hang ? "hang" : "crash", impl_name(impls[i])),
              fmt::format("the {} implementation stopped: {}", impl_title(impls[i]), *r.stop)};
    }
    if (r.leaked_bytes)
      return {true, fmt::format("leak-{}", impl_name(impls[i])),
              fmt::format("the {} implementation leaked {} bytes at teardown", impl_title(impls[i]), r.leaked_bytes)};
  }
  if (gap && scenario) {
    // A divergence from the first implementation's run in a step before
    // either run's stop at a stub is the code's (check's rule).
    for (std::size_t i = 1; i < runs.size(); ++i) {
      if (runs[0].trace_cut || runs[i].trace_cut) continue;
      const auto d = compare(*scenario, runs[0], runs[i]);
      if (d && diverged_before_stub(d->step, runs[0], runs[i]))
        return {
            true, fmt::format("divergence-{}-{}", impl_name(impls[i]), level_slug(d->level)),
            fmt::format("{} and {} differ in step {} ({}), before a stop at a kernel function refdrv does not "
                        "emulate: {}",
                        impl_title(impls[0]), impl_title(impls[i]), d->step + 1, d->step_name, level_name(d->level))};
    }
  }
  if (gap) return *gap;
  // The first level at which any two differ, and who agrees with whom
  // there: the signature the shrinker keeps, so a candidate where another
  // implementation is the odd one out, or where all differ, is another
  // finding, not a smaller one of this (it used to name only the first
  // implementation that differed from impls[0], blaming Rust for a bug
  // planted in C).
  for (Level l : {Level::kMdio, Level::kEvents, Level::kOutcome}) {
    const auto k = static_cast<std::size_t>(l) - 1;
    // The implementations grouped by their digest, in order of first
    // appearance.
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const auto same = std::find_if(groups.begin(), groups.end(), [&](const std::vector<std::size_t>& g) {
        return runs[g.front()].digest[k] == runs[i].digest[k];
      });
      if (same == groups.end())
        groups.push_back({i});
      else
        same->push_back(i);
    }
    if (groups.size() < 2) continue;  // all the same
    const auto title = [&](std::size_t i) { return std::string(impl_title(impls[i])); };
    if (runs.size() == 2)
      return {true, fmt::format("divergence-{}-{}", impl_name(impls[1]), level_slug(l)),
              fmt::format("{} and {} differ: {}", title(0), title(1), level_name(l))};
    if (groups.size() == 2 && (groups[0].size() == 1 || groups[1].size() == 1)) {
      // One differs from all the others, which agree.
      const auto& odd = groups[0].size() == 1 ? groups[0] : groups[1];
      const auto& rest = groups[0].size() == 1 ? groups[1] : groups[0];
      std::vector<std::string> agreeing;
      for (std::size_t i : rest) agreeing.push_back(title(i));
      return {true, fmt::format("divergence-{}-{}", impl_name(impls[odd[0]]), level_slug(l)),
              fmt::format("{} differs from {} (which agree): {}", title(odd[0]), fmt::join(agreeing, " and "),
                          level_name(l))};
    }
    // No single odd one: every group.
    std::vector<std::string> texts, names;
    for (const auto& g : groups) {
      std::vector<std::string> t, n;
      for (std::size_t i : g) {
        t.push_back(title(i));
        n.push_back(std::string(impl_name(impls[i])));
      }
      texts.push_back(fmt::format("{}", fmt::join(t, " = ")));
      names.push_back(fmt::format("{}", fmt::join(n, "+")));
    }
    return {true, fmt::format("divergence-{}-{}", fmt::join(names, "-"), level_slug(l)),
            fmt::format("{} differ: {}", fmt::join(texts, ", "), level_name(l))};
  }
  return {};
}

FuzzVerdict judge_in_process(Environment& env, const Scenario& s, const std::vector<Impl>& impls,
                             std::vector<RunResult>* runs, SnapshotCache* snapshots) {
  std::vector<RunResult> local;
  std::vector<RunResult>& out = runs ? *runs : local;
  out.clear();
  RunOptions ro;
  ro.snapshots = snapshots;
  for (Impl impl : impls) out.push_back(run_scenario(env, s, s.models.front(), impl, ro));
  return judge_runs(impls, out, &s);
}

std::string wall_budget_option(const SupervisorOptions& o) {
  // refdrv run's own default says nothing; any other budget is the one the
  // finding was judged with (a hang at 2 ms is a pass at 30 s).
  return o.wall_seconds == SupervisorOptions{}.wall_seconds ? "" : fmt::format(" --wall-budget {}", o.wall_seconds);
}

Reproducer reproduce_finding(Environment& env, const Scenario& decoded, const ReproduceOptions& opt) {
  Reproducer rep;
  auto run_all = [&](const Scenario& s, std::vector<RunResult>* keep) {
    auto shared = std::make_shared<const Scenario>(s);
    std::vector<Job> jobs;
    RunOptions ro;
    for (Impl impl : opt.impls) jobs.push_back({shared, s.models.front(), impl, ro});
    std::vector<RunResult> runs = run_jobs(env, jobs, opt.supervisor);
    FuzzVerdict v = judge_runs(opt.impls, runs, &s);
    if (keep) *keep = std::move(runs);
    return v;
  };
  rep.verdict = run_all(decoded, nullptr);
  rep.scenario = decoded;
  if (!rep.verdict.finding) return rep;

  const std::string signature = rep.verdict.signature;
  if (opt.already && opt.already->contains(signature)) {
    rep.duplicate = true;
    return rep;
  }
  rep.scenario = shrink_scenario(
      decoded, [&](const Scenario& c) { return run_all(c, nullptr).signature == signature; }, &rep.stats,
      opt.max_shrink_tests);
  rep.scenario.name = "fuzz-" + signature;
  rep.scenario.description = rep.verdict.description;

  // What the shrunk scenario shows, for the header and the terminal.
  std::vector<RunResult> runs;
  FuzzVerdict shrunk = run_all(rep.scenario, &runs);
  // Where it no longer shows the finding, the input as found is the
  // reproducer if that still shows it: a file that shows another finding,
  // or none, was written as this one's (a review, 2026-12-07).
  bool unshrunk = false;
  if (shrunk.signature != signature) {
    Scenario whole = decoded;
    whole.name = rep.scenario.name;
    whole.description = rep.scenario.description;
    std::vector<RunResult> whole_runs;
    if (FuzzVerdict again = run_all(whole, &whole_runs); again.signature == signature) {
      rep.scenario = std::move(whole);
      rep.stats.steps_after = rep.stats.steps_before;
      runs = std::move(whole_runs);
      shrunk = std::move(again);
      unshrunk = true;
      rep.notes.push_back(
          "the reproducer is the input as found, not shrunk: the shrunk scenario did not show the "
          "finding when run again");
    }
  }
  std::filesystem::create_directories(opt.out_dir);
  rep.path = (std::filesystem::path(opt.out_dir) / (signature + ".yaml")).string();
  std::string header = fmt::format(
      "Found by refdrv fuzz ({}): {}. Shrunk from {} to {} step(s) in {} runs of candidates. Replay: refdrv run{} "
      "--impl {} {}",
      opt.origin, rep.verdict.description, rep.stats.steps_before, rep.stats.steps_after, rep.stats.tests,
      env.replay_options() + wall_budget_option(opt.supervisor), impl_list(opt.impls), shell_word(rep.path));
  std::string flaky;
  if (unshrunk) header += " (not shrunk: the shrunk scenario did not show it when run again)";
  if (!shrunk.finding) {
    // Shrinking ended on a candidate that showed it, and a last run of it
    // did not: said, not "shows: " and nothing.
    flaky =
        "its last run showed no finding: what it found depends on timing or load (a hang near the wall-clock "
        "budget) or the runs are not deterministic";
    header += " (" + flaky + ")";
  } else if (shrunk.signature != signature) {
    header += fmt::format(" (the shrunk scenario shows: {})", shrunk.description);
    // On the terminal too, beside the original finding's name (it was in
    // the file's header alone; a review, 2026-12-07).
    rep.notes.push_back(fmt::format("the reproducer shows another finding when run alone: {} ({})", shrunk.signature,
                                    shrunk.description));
  }
  const std::string yaml = scenario_to_yaml(rep.scenario, rep.scenario.steps.size(), header);
  // The notes name the steps where the reproducer has them (file:line),
  // not where the decoded input had them ((fuzz input):7:15 for its step 1).
  const auto written = parse_scenario(yaml, rep.path);
  const Scenario& named = written ? *written : rep.scenario;
  // The file as a replay reads it, run: what it shows is what the terminal
  // says of it, not of the scenario in memory it was written from.
  if (!written)
    rep.notes.push_back(fmt::format("the reproducer cannot be read back ({}): refdrv's own writing is at fault",
                                    written.error().message));
  else if (shrunk.finding && run_all(*written, nullptr).signature != shrunk.signature)
    rep.notes.push_back(
        fmt::format("the reproducer as written, read back and run, does not show {}: replay it "
                    "before trusting it",
                    shrunk.signature));
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (runs[i].stop) {
      rep.notes.push_back(fmt::format("{} stopped: {}", impl_title(opt.impls[i]), *runs[i].stop));
      for (const auto& l : runs[i].last_lines) rep.notes.push_back("  " + l);
    }
  // Runs that stopped are not compared (as check's "uncompared"): the
  // events of a run cut short differ from any other's without diverging.
  for (std::size_t i = 1; i < runs.size(); ++i)
    if (runs[0].stop || runs[i].stop)
      continue;
    else if (auto d = compare(named, runs[0], runs[i])) {
      std::istringstream in(format_divergence(*d, opt.impls[0], opt.impls[i]));
      for (std::string line; std::getline(in, line);) rep.notes.push_back(line);
    }
  if (!flaky.empty()) rep.notes.push_back("the reproducer: " + flaky);
  if (auto w = kernel::write_file(rep.path, yaml); !w) {
    // The finding stands; only its file is missing: said, never a path that
    // does not exist.
    rep.notes.push_back(fmt::format("the reproducer could not be written to {}: {}", rep.path, w.error().message));
    rep.path = kNotWritten;
  }
  return rep;
}

}  // namespace refdrv
