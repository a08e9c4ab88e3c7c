// SPDX-License-Identifier: GPL-2.0
// The single-fault sweep: every access of a scenario failed once, each
// outcome classified; implementations that handle an error differently are
// reported with a reproducer that replays.
#include "engine/fault_sweep.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <numeric>

#include "engine/fault_report.hpp"
#include "engine/scenario.hpp"
#include "engine/suite.hpp"
#include "engine/supervisor.hpp"
#include "kernel/cache.hpp"
#include "kernel/process.hpp"
#include "tests/drivers/test_drivers.h"
#include "tests/test_support.hpp"

namespace refdrv::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<Scenario> scenarios(std::initializer_list<const char*> names) {
  std::vector<Scenario> out;
  const auto suite = load_default_suite();
  if (!suite) ADD_FAILURE() << suite.error().message;
  for (const auto& s : *suite)
    for (const char* n : names)
      if (s.name == n) out.push_back(s);
  EXPECT_EQ(out.size(), names.size());
  return out;
}

const SweepPoint* find_point(const SweepReport& rep, const std::string& model, const std::string& step,
                             const std::string& access) {
  for (const auto& p : rep.points)
    if (p.model == model && p.step == step && p.access == access) return &p;
  return nullptr;
}

TEST(FaultSweep, EveryAccessFailsOnceAndTheThreeImplementationsHandleEachAlike) {
  Environment& env = environment("6.12");
  SweepOptions opt;
  opt.impls = {Impl::kC, Impl::kRust, Impl::kCxx};
  const SweepReport rep = run_fault_sweep(env, scenarios({"link-up-switch-10-100"}), opt);
  ASSERT_EQ(rep.pairs.size(), 3u);
  const std::uint64_t accesses = std::accumulate(rep.pairs.begin(), rep.pairs.end(), std::uint64_t{0},
                                                 [](std::uint64_t n, const SweepPair& p) { return n + p.accesses; });
  EXPECT_GT(accesses, 60u);
  EXPECT_EQ(rep.points.size(), accesses);
  EXPECT_EQ(rep.runs, 3 * 3 + 3 * accesses);
  EXPECT_EQ(rep.differing(), 0u) << format_fault_terminal(rep, {});
  EXPECT_EQ(rep.exit_code(), 0);
  EXPECT_EQ(rep.counts.at(Impl::kC), rep.counts.at(Impl::kRust));
  EXPECT_EQ(rep.counts.at(Impl::kC), rep.counts.at(Impl::kCxx));
  EXPECT_EQ(rep.counts.at(Impl::kC)[static_cast<int>(FaultOutcome::kCrash)], 0u);

  // The AX88796B's reset toggle (BMCR written 0) fails: soft_reset returns
  // the error to phy_init_hw, and attach fails.
  const SweepPoint* toggle = find_point(rep, "AX88796B", "attach", "wr phy:0x10 reg:0x00 BMCR <- 0x0000");
  ASSERT_NE(toggle, nullptr);
  for (const auto& r : toggle->runs) {
    EXPECT_EQ(r.origin, AccessOrigin::kDriver);  // asix_soft_reset's own write
    EXPECT_EQ(r.outcome, FaultOutcome::kReturned);
    EXPECT_THAT(r.detail, HasSubstr("soft_reset returned -EIO"));
    EXPECT_TRUE(r.mac_outcome_changed);
  }
  // An error an outer callback drops is ignored, whatever the inner one
  // returned: the AX88772A's link_change_notify goes on after the
  // soft_reset it reached through phy_init_hw() failed (those points were
  // "error returned" while the innermost callback decided).
  std::size_t dropped = 0;
  for (const auto& p : rep.points)
    for (const auto& r : p.runs)
      if (r.detail.find("soft_reset returned -EIO, then link_change_notify returned 0") != std::string::npos) {
        ++dropped;
        EXPECT_EQ(r.outcome, FaultOutcome::kIgnored) << p.model << " " << p.step << " " << p.access << ": " << r.detail;
      }
  EXPECT_GT(dropped, 0u);
  // BMSR in the AX88772A's read_status while polling: phylib gives up.
  bool error_state = false;
  for (const auto& p : rep.points)
    if (p.model == "AX88772A" && p.step == "wait" && p.access == "rd phy:0x10 reg:0x01 BMSR" &&
        p.runs[0].outcome == FaultOutcome::kErrorState) {
      error_state = true;
      for (const auto& r : p.runs) EXPECT_THAT(r.detail, HasSubstr("read_status returned -EIO: phylib gave up"));
    }
  EXPECT_TRUE(error_state);
  // The PHY's own ID read during the bus scan: phylib finds no PHY and says
  // nothing; the MAC never sees a link.
  const SweepPoint* id = find_point(rep, "AX88772C", "", "rd phy:0x10 reg:0x02 PHYSID1");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->runs[0].outcome, FaultOutcome::kIgnored);
  EXPECT_EQ(id->runs[0].origin, AccessOrigin::kPhylib);
  EXPECT_THAT(id->runs[0].detail, HasSubstr("mdiobus_register"));
  EXPECT_TRUE(id->runs[0].mac_outcome_changed);

  // Issue 19: the summary separates phylib's own accesses (the bus
  // registration every run repeats) from the driver's, and the two add up.
  for (Impl impl : opt.impls)
    for (std::size_t o = 0; o < kFaultOutcomes; ++o)
      EXPECT_EQ(rep.counts_by_origin.at(impl)[0][o] + rep.counts_by_origin.at(impl)[1][o], rep.counts.at(impl)[o]);
  const auto ignored = static_cast<std::size_t>(FaultOutcome::kIgnored);
  const auto driver = static_cast<std::size_t>(AccessOrigin::kDriver), phylib = static_cast<std::size_t>(AccessOrigin::kPhylib);
  EXPECT_GT(rep.counts_by_origin.at(Impl::kC)[phylib][ignored], rep.counts_by_origin.at(Impl::kC)[driver][ignored]);
  EXPECT_GT(rep.counts_by_origin.at(Impl::kC)[driver][static_cast<std::size_t>(FaultOutcome::kReturned)], 0u);
  const std::string text = format_fault_terminal(rep, {});
  EXPECT_THAT(text, HasSubstr("Accesses the driver made (in its callbacks):"));
  EXPECT_THAT(text, HasSubstr("Accesses phylib made itself (bus registration, state machine, phylib calls):"));

  const auto j = fault_report_json(rep);
  EXPECT_EQ(j["schema"], "refdrv-faults/2");
  EXPECT_EQ(j["counts_by_origin"]["driver"]["c"]["ignored"], rep.counts_by_origin.at(Impl::kC)[driver][ignored]);
  EXPECT_EQ(j["points"].size(), rep.points.size());
  EXPECT_EQ(j["counts"]["rust"]["phylib_error_state"], rep.counts.at(Impl::kRust)[2]);
}

// Issue 17: the sweep's fault is the harness's, not the scenario's: a
// `clear-faults` step does not remove it, and a point counts as reached only
// when the fault was injected (before, the access after clear-faults went
// through and the point was classified as "ignored").
TEST(FaultSweep, AClearFaultsStepKeepsTheSweepsOwnFaultAndAPointIsReachedOnlyWhenInjected) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario(R"(name: cleared
models: [AX88772A]
partner: switch-10-100
steps:
  - attach
  - start
  - wait: 3s
  - clear-faults
  - wait: 3s
)", "cleared.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  const RunResult base = run_scenario(env, *sc, "AX88772A", Impl::kC);
  ASSERT_FALSE(base.stop) << *base.stop;
  // The first access after the clear-faults step.
  std::uint64_t k = 0;
  bool after = false;
  for (const auto& e : base.trace.events()) {
    if (e.kind == TraceKind::kStep && e.name == "clear-faults") after = true;
    if (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite) {
      if (after) break;
      ++k;
    }
  }
  ASSERT_TRUE(after);
  ASSERT_LT(k, base.mdio_accesses);
  hw::FaultRule rule;
  rule.kind = hw::FaultKind::kError;
  rule.trigger = hw::FaultTrigger::kAccessIndex;
  rule.index = k;
  RunOptions o;
  o.extra_fault = rule;
  const RunResult r = run_scenario(env, *sc, "AX88772A", Impl::kC, o);
  ASSERT_TRUE(r.fault);
  EXPECT_TRUE(r.fault->reached);
  EXPECT_TRUE(r.fault->injected);
  EXPECT_NE(r.digest, base.digest);  // the failed access changed the run
  const SweepRun run = classify_fault_run(r, base, k);
  EXPECT_NE(run.outcome, FaultOutcome::kNotReached) << run.detail;
  EXPECT_NE(run.outcome, FaultOutcome::kIgnored) << run.detail;

  // A run the fault did not touch (its rule matched no access) is "not
  // reached", whatever its access count says.
  RunResult untouched = r;
  untouched.fault->injected = false;
  EXPECT_EQ(classify_fault_run(untouched, base, k).outcome, FaultOutcome::kNotReached);
}

// A scenario's own fault rule that matches an access (here one that
// changes nothing: every BMSR read, a bit held at the 0 it reads) does not take the access
// from the sweep: the sweep's rule comes first, so every point is injected
// on every implementation. Before, the scenario's rule won at each BMSR
// read, nothing was injected there, and those points were counted as
// "handled identically". A point no run was injected at is no verdict.
TEST(FaultSweep, AScenariosOwnFaultRuleDoesNotShadowTheSweepsFault) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario(R"(name: shadow
models: [AX88772A]
partner: switch-10-100
faults:
  - {kind: stuck-bits, register: BMSR, mask: 0x0100, value: 0}  # bit 8 (extended status) reads 0 already
steps:
  - attach
  - start
  - wait: 2s
)", "shadow.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  SweepOptions opt;
  opt.impls = {Impl::kC, Impl::kRust};
  opt.containment = Containment::kInProcess;
  const SweepReport rep = run_fault_sweep(env, {*sc}, opt);
  ASSERT_FALSE(rep.points.empty());
  std::size_t bmsr = 0;
  for (const auto& p : rep.points) {
    bmsr += p.access.find("BMSR") != std::string::npos ? 1 : 0;
    for (const auto& r : p.runs) EXPECT_NE(r.outcome, FaultOutcome::kNotReached) << p.index << " " << r.detail;
  }
  EXPECT_GT(bmsr, 0U);
  EXPECT_EQ(rep.uninjected(), 0U);
  EXPECT_EQ(rep.exit_code(), 0) << format_fault_terminal(rep, {});

  // And a point where no implementation's run was injected makes the sweep
  // no verdict: exit 2, said, never "identically".
  SweepReport broken = rep;
  for (auto& r : broken.points.front().runs) r.outcome = FaultOutcome::kNotReached;
  EXPECT_EQ(broken.uninjected(), 1U);
  EXPECT_EQ(broken.exit_code(), kExitBadInput);
  EXPECT_EQ(rep.no_verdict(), "");
  EXPECT_EQ(broken.no_verdict(), fmt::format("the sweep is no verdict: at 1 of {} points no implementation's run had "
                                             "the sweep's fault injected",
                                             broken.points.size()));
  const std::string text = format_fault_terminal(broken, {});
  EXPECT_THAT(text, HasSubstr("no implementation's run had the sweep's fault injected"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("identically")));
}

// A point where every implementation crashed (or hung) at the fault does
// not differ, but it is no "handled identically": exit 1, named, counted.
// A report of C and Rust on one pair of `sc` on the AX88772A, with one
// point at which both returned the error; its tables' counts zero (not what
// the tests that build their points test).
SweepReport c_and_rust_report(const Scenario& sc) {
  SweepReport rep;
  rep.impls = {Impl::kC, Impl::kRust};
  rep.pairs.push_back({std::make_shared<const Scenario>(sc), "AX88772A", 3, true});
  for (Impl i : rep.impls) {
    rep.counts[i] = {};
    rep.mac_outcome_changed[i] = 0;
    rep.warned[i] = 0;
    rep.counts_by_origin[i] = {};
    rep.mac_outcome_changed_by_origin[i] = {};
    rep.warned_by_origin[i] = {};
  }
  SweepPoint ok;
  ok.scenario = rep.pairs.front().scenario;
  ok.model = "AX88772A";
  ok.runs = {SweepRun{.outcome = FaultOutcome::kReturned}, SweepRun{.outcome = FaultOutcome::kReturned}};
  rep.points.push_back(ok);
  return rep;
}

TEST(FaultSweep, RunsThatStopAlikeAtAFaultAreAFindingNotIdentical) {
  auto sc = parse_scenario("name: s\nmodels: [AX88772A]\nsteps:\n  - attach\n", "s.yaml");
  ASSERT_TRUE(sc);
  SweepReport rep = c_and_rust_report(*sc);
  const SweepPoint ok = rep.points.front();
  EXPECT_EQ(rep.exit_code(), 0);
  EXPECT_THAT(format_fault_terminal(rep, {}), HasSubstr("handled the error identically"));
  SweepPoint crash = ok;
  crash.index = 1;
  crash.runs = {SweepRun{.outcome = FaultOutcome::kCrash, .detail = "crash: NULL pointer dereference"},
                SweepRun{.outcome = FaultOutcome::kCrash, .detail = "crash: NULL pointer dereference"}};
  rep.points.push_back(crash);
  EXPECT_EQ(rep.stopping(), 1u);
  EXPECT_EQ(rep.differing(), 0u);
  EXPECT_EQ(rep.exit_code(), 1);
  const std::string out = format_fault_terminal(rep, {});
  EXPECT_THAT(out, HasSubstr("STOPS s on AX88772A, access 1"));
  EXPECT_THAT(out, HasSubstr("At 1 point(s) the runs stopped (a crash or a hang) on every implementation swept"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("identically")));
  EXPECT_EQ(fault_report_json(rep)["stopping_points"], 1);
}

// A run that stops at a kernel function refdrv does not emulate (a driver's
// error path calling krealloc()) is refdrv's gap: the point is no verdict
// and no difference, and the sweep is no verdict where nothing else was
// found (it was a crash, "DIFFERS" and exit 1). And "identically" says of
// how many pairs, where some were not swept.
TEST(FaultSweep, AStopAtAnUnemulatedFunctionIsNoVerdictNotACrash) {
  auto sc = parse_scenario("name: s\nmodels: [AX88772A]\nsteps:\n  - attach\n", "s.yaml");
  ASSERT_TRUE(sc);
  RunResult base;
  base.steps_run = 1;
  RunResult stopped = base;
  stopped.stop = "unemulated kernel function krealloc_noprof() was called";
  EXPECT_EQ(classify_fault_run(stopped, base, 3).outcome, FaultOutcome::kUnemulated);
  stopped.stop = "crash: NULL pointer dereference";
  EXPECT_EQ(classify_fault_run(stopped, base, 3).outcome, FaultOutcome::kCrash);

  SweepReport rep = c_and_rust_report(*sc);
  rep.skipped.push_back({"q", "QT2025", "no C driver for QT2025 in this tree"});
  const SweepPoint ok = rep.points.front();
  EXPECT_EQ(rep.exit_code(), 0);
  EXPECT_THAT(format_fault_terminal(rep, {}),
              HasSubstr("At all 1 points of the 1 pair(s) swept the implementations handled the error identically (1 "
                        "pair(s) not swept, listed under \"Not swept\" above)."));
  // A pair not swept for its runs (here: one whose own drivers did not run)
  // is in the notes, and the count says where each is.
  SweepReport noted = rep;
  SweepPair generic = noted.pairs.front();
  generic.swept = false;
  generic.baseline_problem = "1 of the 2 implementations' own drivers ran without a fault";
  noted.pairs.push_back(generic);
  EXPECT_THAT(format_fault_terminal(noted, {}),
              HasSubstr("identically (2 pair(s) not swept: 1 under \"Not swept\", 1 in the notes above)."));
  // Nothing swept: no "every access of 0 pairs".
  SweepReport none;
  none.impls = {Impl::kC, Impl::kRust};
  none.runs = 2;
  EXPECT_THAT(format_fault_terminal(none, {}),
              HasSubstr("No scenario/model pair was swept: 2 run(s) without a fault on 2 implementation(s)"));
  EXPECT_THAT(format_fault_terminal(none, {}), ::testing::Not(HasSubstr("Every MDIO access of 0")));
  SweepPoint gap = ok;
  gap.index = 1;
  gap.runs = {SweepRun{.outcome = FaultOutcome::kUnemulated, .detail = "unemulated kernel function krealloc_noprof()"},
              SweepRun{.outcome = FaultOutcome::kReturned}};
  rep.points.push_back(gap);
  EXPECT_EQ(rep.differing(), 0u);
  EXPECT_EQ(rep.stopping(), 0u);
  EXPECT_EQ(rep.unemulated(), 1u);
  EXPECT_EQ(rep.exit_code(), 2);
  EXPECT_THAT(rep.no_verdict(),
              HasSubstr("at 1 of 2 points a run stopped at a kernel function refdrv does not emulate"));
  const std::string out = format_fault_terminal(rep, {});
  EXPECT_THAT(out, HasSubstr("NO VERDICT (a function refdrv does not emulate) s on AX88772A, access 1"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("identically")));
  EXPECT_EQ(fault_report_json(rep)["unemulated_points"], 1);
  // So is a pair whose run without a fault stopped there: refdrv's gap, no
  // verdict (a review, 2026-12-07: exit 1, a finding); a stop of the code's
  // is the finding.
  SweepReport base_gap = c_and_rust_report(*sc);
  SweepPair stub = base_gap.pairs.front();
  stub.baseline_ok = false;
  stub.swept = false;
  stub.baseline_gap = true;
  base_gap.pairs.push_back(stub);
  EXPECT_EQ(base_gap.exit_code(), 2);
  EXPECT_THAT(format_fault_terminal(base_gap, {}),
              HasSubstr("1 scenario/model pair(s) already stop without a fault at a kernel function refdrv does not "
                        "emulate (refdrv's gap, not the code's): not swept, so the sweep is no verdict."));
  EXPECT_THAT(format_fault_terminal(base_gap, {}), ::testing::Not(HasSubstr("identically")));
  // The exit 2 has its reason, and the JSON says which pair.
  EXPECT_THAT(base_gap.no_verdict(), HasSubstr("1 pair(s) already stop without a fault at a kernel function refdrv "
                                               "does not emulate"));
  EXPECT_EQ(fault_report_json(base_gap)["pairs"].back()["baseline_gap"], true);
  base_gap.pairs.back().baseline_gap = false;
  EXPECT_EQ(base_gap.exit_code(), 1);
}

// A point where every faulted run died in its worker (here a C driver that
// dereferences NULL when an access fails, which takes the worker down) is
// a stop, and says where its access is: from the run without a fault, as
// the dead runs say nothing ("access 69 (, bus registration)" before).
TEST(FaultSweep, APointWhereEveryRunDiedSaysWhereItsAccessIs) {
  Environment& env = environment("6.12");
  ASSERT_TRUE(env.image().register_foreign_module(refdrv_test_broken_c_module));
  auto sc = parse_scenario(fmt::format("name: crash-on-error\nmodels: [generic]\npartner: switch-10-100\n"
                                       "phy-id: {:#010x}\nsteps:\n  - attach\n  - start\n  - wait: 2s\n",
                                       REFDRV_TEST_PHY_CRASH_ON_ERROR),
                           "crash-on-error.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  SweepOptions opt;
  opt.impls = {Impl::kC};
  opt.repro_dir = (fs::temp_directory_path() / fmt::format("refdrv-stop-repro-{}", ::getpid())).string();
  fs::remove_all(opt.repro_dir);
  const SweepReport rep = run_fault_sweep(env, {*sc}, opt);
  std::size_t stops = 0;
  std::string reproducer;
  for (const auto& p : rep.points) {
    if (!rep.stops(p)) continue;
    ++stops;
    EXPECT_EQ(p.runs[0].outcome, FaultOutcome::kCrash) << p.runs[0].detail;
    EXPECT_THAT(p.access, HasSubstr("rd phy:")) << "point " << p.index;
    EXPECT_FALSE(p.step.empty()) << "point " << p.index << " (" << p.access << ")";
    // Its reproducer is written, as a difference's is (a stop had none),
    // and stops again when replayed.
    EXPECT_FALSE(p.reproducer.empty()) << "point " << p.index;
    if (reproducer.empty()) reproducer = p.reproducer;
  }
  EXPECT_GT(stops, 0u) << format_fault_terminal(rep, {});
  ASSERT_FALSE(reproducer.empty());
  const auto text = kernel::read_file(reproducer);
  ASSERT_TRUE(text);
  EXPECT_THAT(*text, HasSubstr("Every implementation stopped: C: crash"));
  auto replay = parse_scenario(*text, reproducer);
  ASSERT_TRUE(replay) << replay.error().message;
  SupervisorOptions fork;
  fork.containment = Containment::kFork;
  const RunResult again =
      run_contained(env, {std::make_shared<const Scenario>(*replay), "generic", Impl::kC, {}}, fork);
  env.image().unregister_foreign_module(refdrv_test_broken_c_module);
  EXPECT_TRUE(again.stop) << "the replay did not stop";
  fs::remove_all(opt.repro_dir);
}

// A point after a clear-faults step: the reproducer's fault is a step after
// it, which the step does not remove, so the file replays the point (a
// review, 2026-12-07: the rule was the scenario's, cleared on replay).
TEST(FaultSweep, AReproducerOfAPointAfterClearFaultsReplaysIt) {
  Environment& env = environment("6.12");
  ASSERT_TRUE(env.image().register_foreign_module(refdrv_test_broken_c_module));
  auto sc = parse_scenario(fmt::format("name: crash-after-clear\nmodels: [generic]\npartner: switch-10-100\n"
                                       "phy-id: {:#010x}\nsteps:\n  - attach\n  - clear-faults\n  - start\n"
                                       "  - wait: 2s\n",
                                       REFDRV_TEST_PHY_CRASH_ON_ERROR),
                           "crash-after-clear.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  SweepOptions opt;
  opt.impls = {Impl::kC};
  opt.repro_dir = (fs::temp_directory_path() / fmt::format("refdrv-clear-repro-{}", ::getpid())).string();
  fs::remove_all(opt.repro_dir);
  const SweepReport rep = run_fault_sweep(env, {*sc}, opt);
  std::string reproducer;
  for (const auto& p : rep.points)
    if (rep.stops(p) && p.step != "attach" && !p.step.empty() && reproducer.empty()) reproducer = p.reproducer;
  ASSERT_FALSE(reproducer.empty()) << format_fault_terminal(rep, {});
  const auto text = kernel::read_file(reproducer);
  ASSERT_TRUE(text);
  EXPECT_THAT(*text, HasSubstr("The access comes after the clear-faults step 2, which removes a scenario's fault "
                               "rules: the fault is the fault step after it."));
  EXPECT_THAT(*text, HasSubstr("  - clear-faults\n  - fault: {kind: error, access: "));
  auto replay = parse_scenario(*text, reproducer);
  ASSERT_TRUE(replay) << replay.error().message;
  EXPECT_TRUE(replay->faults.empty());
  SupervisorOptions fork;
  fork.containment = Containment::kFork;
  const RunResult again =
      run_contained(env, {std::make_shared<const Scenario>(*replay), "generic", Impl::kC, {}}, fork);
  env.image().unregister_foreign_module(refdrv_test_broken_c_module);
  EXPECT_TRUE(again.stop) << "the replay did not stop:\n" << *text;
  fs::remove_all(opt.repro_dir);
}

// A pair where no two implementations' own drivers ran (each instance bound
// phylib's Generic PHY) is not swept: its points would compare no
// implementation's code. They were swept and counted among the points
// "handled identically" (a review, 2026-12-07); the sweep of such a
// scenario alone said so at every point and exited 0.
TEST(FaultSweep, APairWhereNoImplementationsOwnDriverRanIsNotSwept) {
  Environment& env = environment("6.12");
  SweepOptions opt;
  opt.impls = {Impl::kC, Impl::kRust, Impl::kCxx};
  const SweepReport rep = run_fault_sweep(env, scenarios({"generic-phy-keeps-the-generic-driver"}), opt);
  ASSERT_FALSE(rep.pairs.empty());
  for (const auto& p : rep.pairs) {
    EXPECT_FALSE(p.swept) << p.model;
    EXPECT_TRUE(p.baseline_ok) << p.model;  // no finding: nothing of theirs ran
    EXPECT_THAT(p.baseline_problem, HasSubstr("0 of the 3 implementations' own drivers ran without a fault"));
  }
  EXPECT_TRUE(rep.points.empty());
  EXPECT_FALSE(rep.compared());
  EXPECT_EQ(rep.exit_code(), 2);
  const std::string text = format_fault_terminal(rep, {});
  EXPECT_THAT(text, HasSubstr("Nothing was compared: no pair was swept: generic-phy-keeps-the-generic-driver on"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("identically")));
}

TEST(FaultSweep, InProcessAndForkedSweepsAgree) {
  Environment& env = environment("6.12");
  SweepOptions opt;
  opt.impls = {Impl::kC, Impl::kCxx};
  const auto sc = scenarios({"suspend-resume"});
  const SweepReport forked = run_fault_sweep(env, sc, opt);
  opt.containment = Containment::kInProcess;
  const SweepReport in = run_fault_sweep(env, sc, opt);
  ASSERT_GT(in.points.size(), 10u);  // suspend-resume makes dozens of MDIO accesses
  ASSERT_EQ(in.points.size(), forked.points.size());
  for (std::size_t i = 0; i < in.points.size(); ++i) {
    ASSERT_EQ(in.points[i].runs.size(), 2u);
    ASSERT_EQ(forked.points[i].runs.size(), 2u);
  }
  for (std::size_t i = 0; i < in.points.size(); ++i)
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_EQ(in.points[i].runs[k].outcome, forked.points[i].runs[k].outcome);
      EXPECT_EQ(in.points[i].runs[k].origin, forked.points[i].runs[k].origin);
      EXPECT_EQ(in.points[i].runs[k].detail, forked.points[i].runs[k].detail);
      EXPECT_EQ(in.points[i].runs[k].digest, forked.points[i].runs[k].digest);
    }
}

// --delivered fails each access after it reached the PHY: the same points,
// but where a write failed the PHY took it, so what follows differs from the
// sweep whose failed write never arrived (the digests of some points differ;
// none would if the flag were dropped on its way to the rule).
TEST(FaultSweep, ADeliveredSweepFailsAccessesThatReachedThePhy) {
  Environment& env = environment("6.12");
  SweepOptions opt;
  opt.impls = {Impl::kC, Impl::kCxx};
  opt.containment = Containment::kInProcess;
  const auto sc = scenarios({"suspend-resume"});
  const SweepReport lost = run_fault_sweep(env, sc, opt);
  opt.delivered = true;
  const SweepReport delivered = run_fault_sweep(env, sc, opt);
  ASSERT_EQ(lost.points.size(), delivered.points.size());
  ASSERT_GT(lost.points.size(), 10u);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < lost.points.size(); ++i)
    differ += lost.points[i].runs[0].digest != delivered.points[i].runs[0].digest ? 1 : 0;
  EXPECT_GT(differ, 0u);
  EXPECT_EQ(delivered.exit_code(), 0) << format_fault_terminal(delivered, {});
  EXPECT_TRUE(delivered.delivered);
}

TEST(FaultSweep, ADriverThatIgnoresAWriteErrorDiffersAndItsReproducerReplays) {
  EnvironmentOptions eo = env_options();
  eo.overlay = altered_error_path_overlay();
  eo.quiet = true;
  auto env = Environment::open(eo);
  ASSERT_TRUE(env) << env.error().message;
  SweepOptions opt;
  opt.impls = {Impl::kC, Impl::kCxx};
  opt.repro_dir = (fs::temp_directory_path() / ("refdrv-sweep-" + std::to_string(::getpid()))).string();
  auto sc = scenarios({"quirk-ax88796b-reset-toggle"});
  const SweepReport rep = run_fault_sweep(**env, sc, opt);
  EXPECT_GT(rep.differing(), 0u);
  EXPECT_EQ(rep.exit_code(), 1);
  const SweepPoint* first = nullptr;
  for (const auto& p : rep.points)
    if (p.differs) {
      first = &p;
      break;
    }
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->divergence[1]);
  ASSERT_FALSE(first->reproducer.empty());
  auto repro = load_scenario(first->reproducer);
  ASSERT_TRUE(repro) << repro.error().message;
  ASSERT_EQ(repro->faults.size(), 1u);
  EXPECT_EQ(repro->faults[0].index, first->index);
  EXPECT_EQ(repro->faults[0].kind, hw::FaultKind::kError);
  // Named as its file, model included: the directory replays as one run.
  EXPECT_EQ(repro->name, fs::path(first->reproducer).stem().string());
  // Without the scenario's expectations (of its run without a fault) and
  // returns: kept, the replay failed the implementation that returned the
  // error and passed the one that ignored it.
  ASSERT_TRUE(std::any_of(sc.front().steps.begin(), sc.front().steps.end(),
                          [](const Step& st) { return st.kind == Step::Kind::kExpect || st.returns; }));
  EXPECT_TRUE(std::none_of(repro->steps.begin(), repro->steps.end(),
                           [](const Step& st) { return st.kind == Step::Kind::kExpect || st.returns; }));
  EXPECT_THAT(kernel::read_file(first->reproducer).value_or(""), HasSubstr("expectations and returns: are left out"));
  auto all = load_scenarios({opt.repro_dir});
  ASSERT_TRUE(all) << all.error().message;
  // Replayed as a plain scenario, it shows the same first difference.
  const RunResult a = run_scenario(**env, *repro, repro->models[0], Impl::kC);
  const RunResult b = run_scenario(**env, *repro, repro->models[0], Impl::kCxx);
  auto d = compare(*repro, a, b);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->a, first->divergence[1]->a);
  EXPECT_TRUE(a.expectations.empty());
  EXPECT_TRUE(b.expectations.empty());
  EXPECT_THAT(format_fault_terminal(rep, {}), HasSubstr("DIFFERS quirk-ax88796b-reset-toggle on AX88796B"));
  // The verdict line counts them, and says nothing of "identically".
  EXPECT_THAT(format_fault_terminal(rep, {}),
              HasSubstr(fmt::format("\n{} of {} points differ between implementations.\n", rep.differing(),
                                    rep.points.size())));
  EXPECT_THAT(format_fault_terminal(rep, {}), ::testing::Not(HasSubstr("identically")));
  const nlohmann::json j = fault_report_json(rep);
  EXPECT_EQ(j["differing_points"], rep.differing());
  EXPECT_EQ(j["delivered"], false);
  fs::remove_all(opt.repro_dir);

  // With a rule of the scenario's own on the same register (a no-op on every
  // BMCR read: bit 7, collision test, held at the 0 it reads), the
  // reproducer lists the sweep's fault first, as the sweep ran it: last, a
  // scenario rule that matched took the access on replay and the reproducer
  // showed another run than the sweep's.
  Scenario shadowed = sc.front();
  shadowed.faults.push_back(
      {.kind = hw::FaultKind::kStuckBits, .trigger = hw::FaultTrigger::kRegister, .reg = 0, .mask = 0x0080, .value = 0});
  const SweepReport rep2 = run_fault_sweep(**env, {shadowed}, opt);
  const SweepPoint* at_bmcr = nullptr;
  for (const auto& p : rep2.points)
    if (p.differs && p.access.find("BMCR") != std::string::npos) {
      at_bmcr = &p;
      break;
    }
  ASSERT_NE(at_bmcr, nullptr) << format_fault_terminal(rep2, {});
  auto repro2 = load_scenario(at_bmcr->reproducer);
  ASSERT_TRUE(repro2) << repro2.error().message;
  ASSERT_EQ(repro2->faults.size(), 2u);
  EXPECT_EQ(repro2->faults[0].trigger, hw::FaultTrigger::kAccessIndex);
  EXPECT_EQ(repro2->faults[0].index, at_bmcr->index);
  const RunResult a2 = run_scenario(**env, *repro2, repro2->models[0], Impl::kC);
  const RunResult b2 = run_scenario(**env, *repro2, repro2->models[0], Impl::kCxx);
  auto d2 = compare(*repro2, a2, b2);
  ASSERT_TRUE(d2);
  EXPECT_EQ(d2->a, at_bmcr->divergence[1]->a);
  fs::remove_all(opt.repro_dir);

  // The driver that drops the reset toggle differs without any fault: its
  // pairs are not swept (each point would show that difference), and the
  // sweep is a finding that says why.
  EnvironmentOptions toggle = env_options();
  toggle.overlay = altered_driver_overlay();
  toggle.quiet = true;
  auto env3 = Environment::open(toggle);
  ASSERT_TRUE(env3) << env3.error().message;
  const SweepReport rep3 = run_fault_sweep(**env3, sc, opt);
  ASSERT_FALSE(rep3.pairs.empty());
  EXPECT_EQ(rep3.points.size(), 0u);
  EXPECT_EQ(rep3.exit_code(), 1);
  EXPECT_FALSE(rep3.pairs.front().swept);
  EXPECT_THAT(rep3.pairs.front().baseline_problem, HasSubstr("the runs without a fault already differ (C vs C++"));
  EXPECT_THAT(format_fault_terminal(rep3, {}), HasSubstr("its points say nothing of error handling (not swept)"));
  EXPECT_THAT(format_fault_terminal(rep3, {}),
              HasSubstr("Nothing was compared: no pair was swept: quirk-ax88796b-reset-toggle on AX88796B: the runs "
                        "without a fault already differ (C vs C++"));
  EXPECT_EQ(fault_report_json(rep3)["pairs"][0]["swept"], false);
  fs::remove_all(opt.repro_dir);
}

}  // namespace
}  // namespace refdrv::test
