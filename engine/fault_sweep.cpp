// SPDX-License-Identifier: GPL-2.0
#include "engine/fault_sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/check.hpp"
#include "engine/environment.hpp"
#include "engine/fuzz.hpp"
#include "engine/groups.hpp"
#include "kernel/cache.hpp"

namespace refdrv {

const char* fault_outcome_name(FaultOutcome o) {
  switch (o) {
    case FaultOutcome::kCrash: return "crash";
    case FaultOutcome::kHang: return "hang";
    case FaultOutcome::kErrorState: return "phylib error state";
    case FaultOutcome::kReturned: return "error returned";
    case FaultOutcome::kIgnored: return "ignored";
    case FaultOutcome::kNotReached: return "not reached";
    case FaultOutcome::kUnemulated:
      return "unemulated";
  }
  return "?";
}

const char* access_origin_name(AccessOrigin o) { return o == AccessOrigin::kDriver ? "driver" : "phylib"; }

std::size_t SweepReport::differing() const {
  std::size_t n = 0;
  for (const auto& p : points) n += p.differs ? 1 : 0;
  return n;
}

bool SweepReport::stops(const SweepPoint& p) const {
  if (p.differs) return false;
  // Every run stopped (a crash or a hang; one at a function refdrv does
  // not emulate stopped too), and one for a crash or a hang.
  const auto stopped = [](const SweepRun& r) {
    return r.outcome == FaultOutcome::kCrash || r.outcome == FaultOutcome::kHang;
  };
  return std::any_of(p.runs.begin(), p.runs.end(), stopped) &&
         std::all_of(p.runs.begin(), p.runs.end(),
                     [&](const SweepRun& r) { return stopped(r) || r.outcome == FaultOutcome::kUnemulated; });
}

std::size_t SweepReport::stopping() const {
  return static_cast<std::size_t>(std::count_if(points.begin(), points.end(), [this](const SweepPoint& p) { return stops(p); }));
}

std::size_t SweepReport::unemulated() const {
  return static_cast<std::size_t>(
      std::count_if(points.begin(), points.end(), [](const SweepPoint& p) { return p.unemulated(); }));
}

std::size_t SweepReport::uninjected() const {
  return static_cast<std::size_t>(std::count_if(points.begin(), points.end(), [](const SweepPoint& p) {
    return std::all_of(p.runs.begin(), p.runs.end(),
                       [](const SweepRun& r) { return r.outcome == FaultOutcome::kNotReached; });
  }));
}

std::string SweepReport::not_compared() const {
  if (pairs.empty())
    return skipped.empty() ? "no scenario/model pair to sweep"
                           : fmt::format(
                                 "no scenario/model pair was swept ({} skipped: their model lacks one of the "
                                 "implementations asked for, as each says)",
                                 skipped.size());
  if (points.empty()) {
    const auto unswept = static_cast<std::size_t>(
        std::count_if(pairs.begin(), pairs.end(), [](const SweepPair& p) { return !p.swept; }));
    // Why, as the pairs say it: their runs differ, stop, or are not the
    // implementations' own (it said "already differ" for all of them).
    if (unswept == pairs.size())
      return fmt::format(
          "no pair was swept: {} on {}: {}{}", pairs.front().scenario->name, pairs.front().model,
          pairs.front().baseline_problem,
          unswept > 1 ? fmt::format(" (and {} more pair(s) not swept, each saying why)", unswept - 1) : "");
    return "no run made an MDIO access to fail";
  }
  if (impls.size() < 2)
    return fmt::format("one implementation only ({}): its outcomes were not compared with another's",
                       impl_title(impls.front()));
  return {};
}

std::string SweepReport::no_verdict() const {
  if (pairs.empty() || points.empty()) return "nothing was swept: " + not_compared();
  if (const std::size_t n = uninjected(); n && exit_code() == kExitBadInput)
    return fmt::format("the sweep is no verdict: at {} of {} points no implementation's run had the sweep's fault "
                       "injected",
                       n, points.size());
  if (const std::size_t n = unemulated(); n && exit_code() == kExitBadInput)
    return fmt::format(
        "the sweep is no verdict: at {} of {} points a run stopped at a kernel function refdrv does "
        "not emulate (refdrv's gap, not the code's)",
        n, points.size());
  if (const auto n = static_cast<std::size_t>(std::count_if(
          pairs.begin(), pairs.end(), [](const SweepPair& p) { return !p.baseline_ok && p.baseline_gap; }));
      n && exit_code() == kExitBadInput)
    return fmt::format(
        "the sweep is no verdict: {} pair(s) already stop without a fault at a kernel function refdrv "
        "does not emulate (refdrv's gap, not the code's), so they were not swept",
        n);
  return {};
}

int SweepReport::exit_code() const {
  // A pair whose runs already stop or differ without a fault has no
  // meaningful points: that is a finding, never a clean sweep (also where
  // no pair was left to sweep).
  // Where every such stop is at a function refdrv does not emulate, the
  // pair is refdrv's gap: no verdict (a review, 2026-12-07: exit 1).
  bool gap = false;
  for (const auto& p : pairs)
    if (!p.baseline_ok) {
      if (!p.baseline_gap) return kExitFailure;
      gap = true;
    }
  if (pairs.empty() || points.empty()) return kExitBadInput;
  if (differing() || stopping()) return kExitFailure;
  return gap || uninjected() || unemulated() ? kExitBadInput : 0;
}

namespace {

std::string ret_text(long v) {
  if (v == FaultEffect::kNoReturn) return "never returned";
  return v < 0 ? "-" + errno_name(static_cast<int>(-v)) : std::to_string(v);
}

hw::FaultRule fault_at(std::uint64_t index, bool delivered) {
  hw::FaultRule f;
  f.kind = hw::FaultKind::kError;
  f.delivered = delivered;
  f.trigger = hw::FaultTrigger::kAccessIndex;
  f.index = index;
  return f;
}

std::uint64_t mdio_events(const Trace& t) {
  std::uint64_t n = 0;
  for (const auto& e : t.events()) n += (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite) ? 1 : 0;
  return n;
}

}  // namespace

SweepRun classify_fault_run(const RunResult& r, const RunResult& baseline, std::uint64_t index) {
  SweepRun s;
  // Where the access is: in the run without the fault (it is there even when
  // the faulted run crashed before reporting), else in the faulted run.
  const FaultEffect base = fault_effect(baseline.trace, index);
  const bool in_callback = base.reached ? !base.callbacks.empty() : (r.fault && !r.fault->callbacks.empty());
  s.origin = in_callback ? AccessOrigin::kDriver : AccessOrigin::kPhylib;
  s.digest = r.digest;
  s.mac_outcome_changed = r.digest[2] != baseline.digest[2];
  s.warned = r.warnings > baseline.warnings;
  s.last_lines = r.last_lines;
  if (r.stop && !baseline.stop) {
    // A stub of a kernel function refdrv does not emulate: refdrv's gap
    // (it was a crash, and made a difference of the point).
    s.outcome = !unemulated_function_in(*r.stop).empty() ? FaultOutcome::kUnemulated
                : classify_stop(r) == StopClass::kHang   ? FaultOutcome::kHang
                                                         : FaultOutcome::kCrash;
    s.detail = *r.stop;
    return s;
  }
  if (!r.fault || !r.fault->reached) {
    s.outcome = FaultOutcome::kNotReached;
    s.detail = "the run made fewer MDIO accesses";
    return s;
  }
  if (!r.fault->injected) {
    // Made, but not failed by the sweep (a scenario's own fault took it):
    // nothing of what follows is the sweep's doing.
    s.outcome = FaultOutcome::kNotReached;
    s.detail = "the access was made but the sweep's fault was not injected";
    return s;
  }
  const FaultEffect& fx = *r.fault;
  std::string chain;
  for (const auto& [name, ret] : fx.callbacks)
    chain += fmt::format("{}{} returned {}", chain.empty() ? "" : ", then ", name, ret_text(ret));
  const std::string api = fx.api.empty() ? "the state machine" : fx.api + "()";
  const std::size_t base_after = base.error_states_after;
  if (fx.error_states_after > base_after) {
    s.outcome = FaultOutcome::kErrorState;
    s.detail = chain.empty() ? fmt::format("in {}: phylib gave up on the PHY", api)
                             : fmt::format("{}: phylib gave up on the PHY", chain);
  } else if (!fx.callbacks.empty() && fx.callbacks.back().second < 0) {
    // What the outermost callback, the one phylib called, returned: an
    // inner one's error that it dropped (link_change_notify going on after
    // the soft_reset it reached through phy_init_hw() failed) is ignored.
    // The innermost decided until a review on 2026-12-07, and 332 of the
    // default suite's 1 184 "error returned" points per implementation were
    // such drops.
    s.outcome = FaultOutcome::kReturned;
    s.detail = chain + " (to phylib)";
  } else if (fx.callbacks.empty() && !fx.api.empty() && fx.api_ret < 0) {
    s.outcome = FaultOutcome::kReturned;
    s.detail = fmt::format("{} returned {} to the MAC", api, ret_text(fx.api_ret));
  } else {
    s.outcome = FaultOutcome::kIgnored;
    s.detail = chain.empty() ? fmt::format("phylib's own access in {}, not reported", api) : chain;
  }
  return s;
}

namespace {

// The runs without a fault, one per implementation for each (scenario,
// model) pair, in that order. Every point compares the same
// implementations: a model whose group lacks one of them is left out, and
// said so in rep.skipped.
std::vector<Job> baseline_jobs(Environment& env, const std::vector<Scenario>& scenarios, const SweepOptions& opt,
                               SweepReport& rep) {
  std::vector<Job> jobs;
  for (const auto& sc : scenarios) {
    auto shared = std::make_shared<const Scenario>(sc);
    for (const auto& model : sc.models) {
      const std::vector<Impl> here = impls_for_model(env, model, opt.impls);
      if (here.size() != opt.impls.size()) {
        std::string lacking;
        for (Impl i : opt.impls)
          if (std::find(here.begin(), here.end(), i) == here.end())
            lacking += std::string(lacking.empty() ? "" : ", ") + impl_title(i);
        std::vector<std::string> have;
        for (Impl i : here) have.emplace_back(impl_name(i));
        rep.skipped.push_back(
            {sc.name, model,
             fmt::format("no {} driver for {} in this tree{}", lacking, model,
                         have.size() >= 2 ? fmt::format(" (--impl {} sweeps it)", fmt::join(have, ",")) : "")});
        continue;
      }
      for (Impl impl : opt.impls) jobs.push_back({shared, model, impl, RunOptions{}});
    }
  }
  return jobs;
}

// From the baseline: the pairs (with how many accesses each makes, the
// most of its implementations) into rep.pairs, and the faulted runs, one
// per access and implementation, in pair order.
std::vector<Job> faulted_jobs(Environment& env, const std::vector<Job>& base_jobs, const std::vector<RunResult>& base,
                              const SweepOptions& opt, SweepReport& rep) {
  const std::size_t n_impls = opt.impls.size();
  std::vector<Job> jobs;
  for (std::size_t p = 0; p * n_impls < base_jobs.size(); ++p) {
    SweepPair pair;
    pair.scenario = base_jobs[p * n_impls].scenario;
    pair.model = base_jobs[p * n_impls].model;
    bool other_stop = false;
    for (std::size_t i = 0; i < n_impls; ++i) {
      const RunResult& r = base[p * n_impls + i];
      pair.accesses = std::max(pair.accesses, mdio_events(r.trace));
      if (r.stop) {
        (stub_stop_step(r) ? pair.baseline_gap : other_stop) = true;
        if (pair.baseline_ok) {
          pair.baseline_ok = false;
          pair.baseline_problem =
              fmt::format("the {} run already stops without a fault ({})", impl_title(opt.impls[i]), *r.stop);
        }
      }
    }
    // A stop of the code's beside one at refdrv's gap is the finding.
    if (other_stop) pair.baseline_gap = false;
    if (pair.baseline_gap)
      pair.baseline_problem += ": a kernel function refdrv does not emulate, refdrv's gap, not a finding";
    // A divergence before the stop at refdrv's gap is the code's finding,
    // as check has it: the pair is then no gap (a review, 2026-12-07: a
    // stop hid it).
    if (pair.baseline_gap)
      for (std::size_t i = 1; i < n_impls; ++i)
        if (const auto d = compare(*pair.scenario, base[p * n_impls], base[p * n_impls + i]);
            d && diverged_before_stub(d->step, base[p * n_impls], base[p * n_impls + i])) {
          pair.baseline_gap = false;
          pair.baseline_problem +=
              fmt::format("; but the runs differ before it ({} vs {}, first at step {} {}): a finding, as check has it",
                          impl_title(opt.impls[0]), impl_title(opt.impls[i]), d->step + 1, d->step_name);
          break;
        }
    // The runs without a fault must be equivalent for a point to say
    // anything about error handling.
    bool differs = false;
    for (std::size_t i = 1; i < n_impls && pair.baseline_ok; ++i)
      if (const auto d = compare(*pair.scenario, base[p * n_impls], base[p * n_impls + i])) {
        pair.baseline_ok = false;
        differs = true;
        pair.baseline_problem = fmt::format("the runs without a fault already differ ({} vs {}, first at step {} {}: "
                                            "{} / {}); refdrv check shows it",
                                            impl_title(opt.impls[0]), impl_title(opt.impls[i]), d->step + 1,
                                            d->step_name, d->a.empty() ? "(nothing)" : d->a,
                                            d->b.empty() ? "(nothing)" : d->b);
      }
    // A pair whose run stops without a fault is not swept either: every
    // point would compare that stop (a faulted run of the same
    // implementation stops alike, the others' points count as differing),
    // and say nothing about error handling. It was swept, and its points
    // counted as differences and classified as handled (2026-12-07).
    if (differs || !pair.baseline_ok) {
      pair.swept = false;
      rep.pairs.push_back(std::move(pair));
      continue;
    }
    // Nor one where fewer than two implementations' own drivers ran (every
    // other instance bound another driver, such as phylib's Generic PHY):
    // its points compare no two implementations' code. Such a pair's points
    // were counted among those "handled identically" (a review, 2026-12-07).
    if (n_impls >= 2) {
      std::size_t own = 0;
      for (std::size_t i = 0; i < n_impls; ++i) own += own_driver_ran(env, base[p * n_impls + i]) ? 1 : 0;
      if (own < 2) {
        pair.swept = false;
        pair.baseline_problem = fmt::format(
            "{} of the {} implementations' own drivers ran without a fault (the other instances' PHY was bound "
            "by another driver, such as phylib's Generic PHY, or by none, as when the bus registration failed): "
            "its points would compare no two implementations' code",
            own, n_impls);
        rep.pairs.push_back(std::move(pair));
        continue;
      }
    }
    for (std::uint64_t k = 0; k < pair.accesses; ++k)
      for (Impl impl : opt.impls) {
        RunOptions o;
        o.extra_fault = fault_at(k, opt.delivered);
        jobs.push_back({pair.scenario, pair.model, impl, o});
      }
    rep.pairs.push_back(std::move(pair));
  }
  return jobs;
}

// One classified run of `impl` added to the report's totals.
void tally(SweepReport& rep, Impl impl, const SweepRun& run) {
  const auto outcome = static_cast<std::size_t>(run.outcome);
  const auto origin = static_cast<std::size_t>(run.origin);
  ++rep.counts[impl][outcome];
  ++rep.counts_by_origin[impl][origin][outcome];
  rep.mac_outcome_changed[impl] += run.mac_outcome_changed ? 1 : 0;
  rep.mac_outcome_changed_by_origin[impl][origin] += run.mac_outcome_changed ? 1 : 0;
  rep.warned[impl] += run.warned ? 1 : 0;
  rep.warned_by_origin[impl][origin] += run.warned ? 1 : 0;
}

// The scenario that replays point `pt` (its fault as a top-level rule),
// written to the reproducer directory; `what` says what the point found.
// A reproducer that cannot be written is said (in `problems`); the finding
// stays.
// The clear-faults step of `sc` that the MDIO access `index` of `trace`
// comes after (the last one before it), and how many accesses came before
// that step; none where no clear-faults step precedes it.
std::optional<std::pair<std::size_t, std::uint64_t>> clear_before(const Scenario& sc, const Trace& trace,
                                                                  std::uint64_t index) {
  std::optional<std::pair<std::size_t, std::uint64_t>> out;
  std::uint64_t accesses = 0;
  for (const auto& e : trace.events()) {
    if (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite) {
      if (accesses == index) return out;
      ++accesses;
    }
    if (e.kind == TraceKind::kStep && e.value >= 0 && static_cast<std::size_t>(e.value) < sc.steps.size() &&
        sc.steps[static_cast<std::size_t>(e.value)].kind == Step::Kind::kClearFaults)
      out = std::pair{static_cast<std::size_t>(e.value), accesses};
  }
  return std::nullopt;  // the access was not made
}

// `trace`: a run of the point's (without the fault, or with it: the same up
// to the access), to place the fault where a clear-faults step would remove
// it.
void write_point_reproducer(const Environment& env, SweepPoint& pt, const SweepOptions& opt, const std::string& what,
                            const Trace& trace, std::vector<std::string>& problems) {
  const std::size_t n_impls = opt.impls.size();
  const std::uint64_t k = pt.index;
  if (opt.repro_dir.empty()) return;
  Scenario repro = *pt.scenario;
  // Named as its file (the model too): a directory of reproducers replays
  // as one run, whose names are unique.
  repro.name = fmt::format("{}-{}",
                           reproducer_name_part(fmt::format("{}-{}error-at-access-{}", pt.scenario->name,
                                                            opt.delivered ? "delivered-" : "", k)),
                           reproducer_name_part(pt.model));
  repro.models = {pt.model};
  // First, as the sweep ran it: the first rule that matches an access
  // decides it (a scenario rule of its own would otherwise take access k).
  // After a clear-faults step, which removes a scenario's rules (the
  // sweep's own survived it), the fault is a step right after it, at the
  // same access (a review, 2026-12-07: the file did not replay the point).
  const auto cleared = clear_before(*pt.scenario, trace, k);
  if (cleared) {
    Step fault;
    fault.kind = Step::Kind::kFault;
    fault.fault = fault_at(k - cleared->second, opt.delivered);
    repro.steps.insert(repro.steps.begin() + static_cast<std::ptrdiff_t>(cleared->first) + 1, fault);
  } else {
    repro.faults.insert(repro.faults.begin(), fault_at(k, opt.delivered));
  }
  // Without the scenario's expectations: they describe the run without a
  // fault, and the sweep compares the implementations, not them. Kept, a
  // replay failed the implementations that returned the error and passed
  // the one that ignored it (a review, 2026-12-07). An expectation reads
  // no register, so access k stays the sweep's.
  std::erase_if(repro.steps, [](const Step& st) { return st.kind == Step::Kind::kExpect; });
  // The clear-faults step's number in this file (its expect steps left out).
  std::size_t cleared_step_here = 0;
  if (cleared)
    for (std::size_t i = 0; i <= cleared->first; ++i)
      cleared_step_here += pt.scenario->steps[i].kind != Step::Kind::kExpect ? 1 : 0;
  for (Step& st : repro.steps)
    if (st.returns) {
      st.returns.reset();
      st.source = YAML::Node();  // written again from the step, without its returns:
    }
  std::error_code ec;
  std::filesystem::create_directories(opt.repro_dir, ec);
  const std::string path = fmt::format("{}/{}.yaml", opt.repro_dir, repro.name);
  std::string outcomes;
  for (std::size_t i = 0; i < n_impls; ++i)
    outcomes +=
        fmt::format("{}{}: {}", i ? "; " : "", impl_title(opt.impls[i]), fault_outcome_name(pt.runs[i].outcome));
  const auto w = kernel::write_file(
      path, scenario_to_yaml(repro, repro.steps.size(),
                             fmt::format("Reproducer written by refdrv faults: MDIO access {} ({}) of {} on {} fails "
                                         "with -EIO{}. {}: {}. The scenario's expectations and returns: are left "
                                         "out (they are its run without a fault's); the replay compares the "
                                         "implementations.{} Replay: refdrv run{} --impl {} {}",
                                         k, pt.access, pt.scenario->name, pt.model,
                                         opt.delivered ? " after reaching the PHY (--delivered)" : "", what, outcomes,
                                         cleared ? fmt::format(" The access comes after the clear-faults step {}, "
                                                               "which removes a scenario's fault rules: the fault "
                                                               "is the fault step after it.",
                                                               cleared_step_here)
                                                 : "",
                                         // With the sweep's wall-clock budget: a hang at 1 s is a pass at run's 30 s.
                                         env.replay_options() +
                                             wall_budget_option(SupervisorOptions{.wall_seconds = opt.wall_seconds}),
                                         impl_list(opt.impls), shell_word(path))));
  if (w)
    pt.reproducer = path;
  else
    problems.push_back("the reproducer was not written: " + w.error().message);
}

// A point where implementations differ: reruns them with their traces for
// the first difference, and writes the scenario that shows it.
void explain_difference(Environment& env, SweepPoint& pt, const SweepOptions& opt, const SupervisorOptions& so,
                        std::vector<std::string>& problems) {
  RunOptions o;
  o.extra_fault = fault_at(pt.index, opt.delivered);
  SupervisorOptions with_traces = so;
  with_traces.with_trace = true;
  const RunResult a = run_contained(env, {pt.scenario, pt.model, opt.impls[0], o}, with_traces);
  for (std::size_t i = 1; i < opt.impls.size(); ++i) {
    const RunResult b = run_contained(env, {pt.scenario, pt.model, opt.impls[i], o}, with_traces);
    pt.divergence[i] = compare(*pt.scenario, a, b);
  }
  write_point_reproducer(env, pt, opt, "The implementations differ", a.trace, problems);
}

}  // namespace

SweepReport run_fault_sweep(Environment& env, const std::vector<Scenario>& scenarios, const SweepOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepReport rep;
  rep.tree_version = env.tree().version;
  rep.tree_origin = env.tree().origin;
  rep.impls = opt.impls;
  rep.delivered = opt.delivered;
  SupervisorOptions so;
  so.containment = opt.containment;
  so.wall_seconds = opt.wall_seconds;

  // The runs without a fault: how many accesses each pair makes.
  const std::vector<Job> base_jobs = baseline_jobs(env, scenarios, opt, rep);
  const std::vector<RunResult> base = run_jobs(env, base_jobs, so);
  rep.runs += base.size();
  const std::vector<Job> jobs = faulted_jobs(env, base_jobs, base, opt, rep);

  so.with_trace = false;
  if (opt.progress) so.on_result = [&](std::size_t i, const RunResult&) { opt.progress(i + 1, jobs.size()); };
  const std::vector<RunResult> results = run_jobs(env, jobs, so);
  so.on_result = nullptr;
  rep.runs += results.size();
  for (const auto* runs : {&base, &results})
    for (const RunResult& r : *runs) {
      count_run(rep.states_sampled, r.states_sampled);
      count_run(rep.states_hooked, r.states_hooked);
    }

  for (Impl impl : opt.impls) {
    rep.counts[impl] = {};
    rep.counts_by_origin[impl] = {};
    rep.mac_outcome_changed[impl] = 0;
    rep.mac_outcome_changed_by_origin[impl] = {};
    rep.warned[impl] = 0;
    rep.warned_by_origin[impl] = {};
  }
  const std::size_t n_impls = opt.impls.size();
  std::size_t next = 0;
  for (std::size_t p = 0; p < rep.pairs.size(); ++p) {
    const SweepPair& pair = rep.pairs[p];
    if (!pair.swept) continue;  // no faulted run was made for it
    for (std::uint64_t k = 0; k < pair.accesses; ++k) {
      SweepPoint pt;
      pt.scenario = pair.scenario;
      pt.model = pair.model;
      pt.index = k;
      for (std::size_t i = 0; i < n_impls; ++i) {
        const RunResult& r = results[next + i];
        pt.runs.push_back(classify_fault_run(r, base[p * n_impls + i], k));
        if (pt.access.empty() && r.fault && r.fault->reached && r.fault->injected) {
          pt.access = r.fault->access;
          pt.step = r.fault->step;
        }
        tally(rep, opt.impls[i], pt.runs.back());
      }
      // Where every faulted run died before it could say (its worker
      // killed or crashed), the access is where the run without a fault
      // made it (it printed "access 69 (, bus registration)").
      for (std::size_t i = 0; i < n_impls && pt.access.empty(); ++i)
        if (const FaultEffect at = fault_effect(base[p * n_impls + i].trace, k); at.reached) {
          pt.access = at.access;
          pt.step = at.step;
        }
      next += n_impls;
      pt.divergence.resize(n_impls);
      // A run stopped at a function refdrv does not emulate says nothing;
      // the others are still compared among themselves (one stub hid a
      // difference between the other two; a review, 2026-12-07).
      const SweepRun* first = nullptr;
      for (const SweepRun& r : pt.runs) {
        if (r.outcome == FaultOutcome::kUnemulated) continue;
        if (!first)
          first = &r;
        else if (r.outcome != first->outcome || r.digest != first->digest)
          pt.differs = true;
      }
      if (pt.differs) explain_difference(env, pt, opt, so, rep.problems);
      // A point where every implementation stopped is a finding too: its
      // reproducer is written as a difference's is (it had none).
      else if (rep.stops(pt))
        write_point_reproducer(env, pt, opt, "Every implementation stopped", base[p * n_impls].trace, rep.problems);
      rep.points.push_back(std::move(pt));
    }
  }
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace refdrv
