// SPDX-License-Identifier: GPL-2.0
// refdrv drivers: the conformance scenario it runs on every phy_driver
// entry, and how it reads which objects a tree's drivers/net/phy builds.
#include "report/drivers.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "engine/scenario.hpp"
#include "hw/catalog.hpp"
#include "kernel/kbuild.hpp"
#include "kernel/tree.hpp"
#include "tests/scratch_tree.hpp"

namespace refdrv::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(Drivers, TheConformanceScenarioBindsTheEntryByItsIdAndReadsBack) {
  const std::string name = R"(Odd "quoted" \ name)";
  auto sc = parse_scenario(report::conformance_scenario_yaml(name, 0x0181b8a0), "conf.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  EXPECT_EQ(sc->phy_id, 0x0181b8a0u);
  EXPECT_THAT(sc->models, ElementsAre("generic"));
  EXPECT_EQ(sc->mdio_frame_ns, 25'600u);  // a 64-bit frame at a 2.5 MHz MDC
  ASSERT_GE(sc->steps.size(), 2u);
  EXPECT_EQ(sc->steps[0].kind, Step::Kind::kAttach);
  EXPECT_EQ(sc->steps[1].kind, Step::Kind::kExpect);
  EXPECT_EQ(sc->steps[1].expect.driver, name);
  std::vector<Step::Kind> kinds;
  for (const auto& s : sc->steps) kinds.push_back(s.kind);
  for (Step::Kind k : {Step::Kind::kStart, Step::Kind::kUnplug, Step::Kind::kPlug, Step::Kind::kRestartAneg,
                       Step::Kind::kStop, Step::Kind::kDetach})
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << step_name(k);
  // Suspend and resume as a MAC takes them: phy_stop() (which suspends the
  // PHY), then phy_start() (which resumes it and restarts autonegotiation),
  // with the link checked after; a bare phy_suspend()/phy_resume() while the
  // state machine runs is no path of the kernel's.
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), Step::Kind::kStop), 2);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), Step::Kind::kStart), 2);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), Step::Kind::kSuspend), 0);
  const auto second_start = std::find(std::find(kinds.begin(), kinds.end(), Step::Kind::kStart) + 1, kinds.end(),
                                      Step::Kind::kStart);
  ASSERT_NE(second_start, kinds.end());
  EXPECT_EQ(*(second_start - 1), Step::Kind::kStop);
  EXPECT_EQ(*(second_start + 1), Step::Kind::kWait);
  EXPECT_EQ(*(second_start + 2), Step::Kind::kExpect);
}

// The main run's verdict: a crash or hang is the entry's finding wherever it
// happened, before the driver could be seen bound too (it was "n/a: not
// bound", which KTAP reports as a SKIP); a kernel service refdrv lacks, or a
// model that does not give the entry what it binds to, is n/a.
TEST(Drivers, ACrashBeforeTheDriverIsSeenBoundFailsTheEntry) {
  auto sc = parse_scenario(report::conformance_scenario_yaml("Some PHY", 0x0181b8a0), "conf.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  auto verdict = [&](std::optional<std::string> stop, std::size_t steps_run, bool bound, std::size_t leaked = 0) {
    RunResult r;
    r.stop = std::move(stop);
    r.steps_run = steps_run;
    r.leaked_bytes = leaked;
    if (steps_run > 1)
      r.expectations.push_back({.step = 1, .where = "conf.yaml:5:5", .ok = bound, .message = "driver is Other"});
    report::DriverRow row;
    row.model = "generic";
    report::classify_conformance(r, *sc, row);
    return row;
  };
  const auto crash_at_probe = verdict("crash: SIGSEGV in sp_probe+0x12", 0, false);
  EXPECT_EQ(crash_at_probe.conformance, report::Conformance::kFail);
  EXPECT_EQ(crash_at_probe.failed_step, "bus registration");
  EXPECT_THAT(crash_at_probe.reason, ::testing::HasSubstr("crash: SIGSEGV"));
  const auto hang_in_attach = verdict("hang: no progress", 1, false);
  EXPECT_EQ(hang_in_attach.conformance, report::Conformance::kFail);
  EXPECT_EQ(hang_in_attach.failed_step, "step 1 (attach)");
  EXPECT_EQ(verdict(std::nullopt, 1, false, 64).conformance, report::Conformance::kFail);  // a leak
  // Once the bound check found another driver bound, a later stop is that
  // driver's: n/a, with the stop in the reason.
  const auto other_driver_crashed = verdict("crash: SIGSEGV in other_read_status", 4, false);
  EXPECT_EQ(other_driver_crashed.conformance, report::Conformance::kNotApplicable);
  EXPECT_THAT(other_driver_crashed.reason, ::testing::HasSubstr("crash: SIGSEGV in other_read_status"));
  EXPECT_EQ(verdict("unemulated kernel function clk_get (a stub)", 0, false).conformance,
            report::Conformance::kNotApplicable);
  EXPECT_EQ(verdict(std::nullopt, sc->steps.size(), false).conformance, report::Conformance::kNotApplicable);
  EXPECT_EQ(verdict(std::nullopt, sc->steps.size(), true).conformance, report::Conformance::kPass);
  EXPECT_EQ(verdict("crash: SIGSEGV", 4, true).conformance, report::Conformance::kFail);
}

// The differential leg of an entry: a Rust or C++ run that died in its
// worker where the C run did not is a difference, also where the C run
// fails by design (an attach that passes the error back fails `returns: 0`);
// such a crash was skipped and the entry passed. Two runs that died are not
// compared.
TEST(Drivers, AnImplementationThatDiesAloneDiffersFromC) {
  auto sc = parse_scenario(report::conformance_scenario_yaml("Some PHY", 0x0181b8a0), "conf.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  RunResult c_failed;  // the attach returned the error, as the leg has it fail
  c_failed.steps_run = 1;
  c_failed.expectations.push_back(
      {.step = 0, .where = "conf.yaml:4:5", .ok = false, .message = "attach returned -EIO"});
  RunResult died;
  died.stop = "crash: the process died with signal 11 (Segmentation fault)";
  died.trace_cut = true;
  const auto crash = report::differential_verdict(*sc, c_failed, Impl::kRust, died);
  ASSERT_TRUE(crash);
  EXPECT_THAT(*crash, ::testing::HasSubstr("Rust died in its worker (crash: the process died with signal 11"));
  EXPECT_THAT(*crash, ::testing::HasSubstr("C failed (")) << *crash;
  RunResult c_died = died;
  EXPECT_THAT(report::differential_verdict(*sc, c_died, Impl::kCxx, c_failed).value_or(""),
              ::testing::HasSubstr("C died in its worker"));
  EXPECT_FALSE(report::differential_verdict(*sc, c_died, Impl::kCxx, died)) << "both died: not compared";
  EXPECT_EQ(report::differential_verdict(*sc, RunResult{}, Impl::kRust, RunResult{}), "") << "both passed, alike";
}

// --baseline: an entry that fails now is a new failure unless it failed in
// the baseline; one that failed there and passes now is fixed; the baseline
// is refused, naming its file, when it is no report of refdrv drivers.
TEST(Drivers, ABaselineTellsNewFailuresFromKnownOnes) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("refdrv-baseline-{}", ::getpid());
  fs::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  const auto base = report::read_drivers_baseline(
      write("base.json", R"json({"schema": "refdrv-drivers/4", "tree_version": "6.12.118", "entries": [
        {"file": "drivers/net/phy/a.c", "name": "A", "conformance": "fail", "failed_step": "flap, step 3 (expect)",
         "reason": "expected link down"},
        {"file": "drivers/net/phy/f.c", "name": "F", "conformance": "fail", "failed_step": "flap, step 3 (expect)",
         "reason": "expected link down"},
        {"file": "drivers/net/phy/g.c", "name": "G", "conformance": "fail", "failed_step": "flap, step 3 (expect)",
         "reason": "expected link down"},
        {"file": "drivers/net/phy/a.c", "name": "B", "conformance": "pass"},
        {"file": "drivers/net/phy/c.c", "name": "C", "conformance": "fail"},
        {"file": "drivers/net/phy/d.c", "name": null, "conformance": "n/a"}]})json"));
  ASSERT_TRUE(base) << base.error().message;
  EXPECT_EQ(base->tree_version, "6.12.118");
  report::DriversReport now;
  const auto row = [](const std::string& file, const std::string& name, report::Conformance c) {
    report::DriverRow r;
    r.file = file;
    r.name = name;
    r.conformance = c;
    return r;
  };
  now.rows = {row("drivers/net/phy/a.c", "A", report::Conformance::kFail),
              row("drivers/net/phy/a.c", "B", report::Conformance::kFail),
              row("drivers/net/phy/c.c", "C", report::Conformance::kPass),
              row("drivers/net/phy/e.c", "E", report::Conformance::kFail),
              row("drivers/net/phy/f.c", "F", report::Conformance::kFail),
              row("drivers/net/phy/g.c", "G", report::Conformance::kFail)};
  for (auto& r : now.rows) r.failed_step = "flap, step 3 (expect)", r.reason = "expected link down";
  // A known failure that fails elsewhere, or now crashes, is new (a
  // review: a patch making a known-failing entry crash passed).
  now.rows[4].failed_step = "main scenario, step 5 (expect)";
  now.rows[5].reason = "stopped: crash: NULL pointer dereference";
  const auto c = report::compare_with_baseline(now, *base);
  EXPECT_THAT(c.known, ElementsAre("a.c:A"));
  EXPECT_THAT(c.new_failures,
              ElementsAre("a.c:B (was pass)", "e.c:E (was not in the baseline)",
                          "f.c:F (failed at flap, step 3 (expect) by an expectation, now at main scenario, step 5 "
                          "(expect) by an expectation)",
                          "g.c:G (failed at flap, step 3 (expect) by an expectation, now at flap, step 3 (expect) by a "
                          "stop)"));
  EXPECT_THAT(c.fixed, ElementsAre("c.c:C"));
  for (const auto& [name, text, why] :
       {std::tuple{"not-json", "{", "it is not JSON"},
        std::tuple{"check", R"({"schema": "refdrv-check-report/11", "entries": []})", "is not refdrv-drivers/N"},
        std::tuple{"no-entries", R"({"schema": "refdrv-drivers/4"})", "it has no \"entries\" list"},
        std::tuple{"bad-verdict",
                   R"({"schema": "refdrv-drivers/4", "entries": [{"file": "x", "name": "X", "conformance": "ok"}]})",
                   "entry 1: conformance 'ok'"}}) {
    const fs::path f = write(std::string(name) + ".json", text);
    const auto r = report::read_drivers_baseline(f);
    ASSERT_FALSE(r) << name;
    EXPECT_THAT(r.error().message, ::testing::HasSubstr(f.string())) << name;
    EXPECT_THAT(r.error().message, ::testing::HasSubstr(why)) << name;
  }
  fs::remove_all(dir);
}

// --baseline, what the first version missed (a review, 2026-12-07): an
// entry checked then that is not bound now (its probe failed), or no longer
// registered, is a new failure; one not checked now for refdrv's reason is
// "unchecked"; a known failure that now also crashes or leaks after its
// first failure is new (a report before schema 6 does not say, so such an
// entry stays known); a file that registers none of its entries is a
// failure of its own.
TEST(Drivers, ABaselineSeesEntriesThatNoLongerRunAndLaterCrashes) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("refdrv-baseline-lost-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path file = dir / "base.json";
  std::ofstream(file) << R"json({"schema": "refdrv-drivers/6", "tree_version": "6.12.118", "entries": [
        {"file": "drivers/net/phy/h.c", "name": "H", "conformance": "pass"},
        {"file": "drivers/net/phy/i.c", "name": "I", "conformance": "pass"},
        {"file": "drivers/net/phy/j.c", "name": "J", "conformance": "pass"},
        {"file": "drivers/net/phy/j.c", "name": "K", "conformance": "pass"},
        {"file": "drivers/net/phy/k.c", "name": "L", "conformance": "fail", "failed_step": "step 5 (expect)",
         "reason": "expected link up", "stopped": false, "leaked": false},
        {"file": "drivers/net/phy/k.c", "name": "M", "conformance": "fail", "failed_step": "step 5 (expect)",
         "reason": "expected link up", "stopped": false, "leaked": false},
        {"file": "drivers/net/phy/k.c", "name": "N", "conformance": "fail", "failed_step": "step 5 (expect)",
         "reason": "expected link up"},
        {"file": "drivers/net/phy/l.c", "name": null, "conformance": "fail", "failed_step": "module registration"},
        {"file": "drivers/net/phy/m.c", "name": "X", "conformance": "pass"},
        {"file": "drivers/net/phy/o.c", "name": "O", "conformance": "n/a"},
        {"file": "drivers/net/phy/p.c", "name": "P", "conformance": "pass"},
        {"file": "drivers/net/phy/q.c", "name": "Q", "conformance": "pass"},
        {"file": "drivers/net/phy/r.c", "name": null, "conformance": "fail", "failed_step": "module registration"}]})json";
  const auto base = report::read_drivers_baseline(file);
  ASSERT_TRUE(base) << base.error().message;
  const auto row = [](const std::string& f, const std::string& name, report::Conformance c, const std::string& reason) {
    report::DriverRow r;
    r.file = "drivers/net/phy/" + f;
    r.name = name;
    r.conformance = c;
    r.reason = reason;
    if (c == report::Conformance::kFail) r.failed_step = name.empty() ? "module registration" : "step 5 (expect)";
    return r;
  };
  using report::Conformance;
  report::DriversReport now;
  now.rows = {row("h.c", "H", Conformance::kNotApplicable, "not bound: its probe() returned -EIO"),
              row("i.c", "I", Conformance::kNotApplicable, "needs foo (not emulated), step 3 (start)"),
              row("j.c", "J", Conformance::kPass, ""),
              row("k.c", "L", Conformance::kFail, "expected link up"),
              row("k.c", "M", Conformance::kFail, "expected link up"),
              row("k.c", "N", Conformance::kFail, "expected link up"),
              row("l.c", "", Conformance::kFail, "none registered"),
              row("m.c", "", Conformance::kFail, "none registered"),
              row("o.c", "O", Conformance::kNotApplicable, "not bound: no model"),
              row("q.c", "", Conformance::kNotApplicable, "not built: the tree's Kconfig turns CONFIG_Q off"),
              row("r.c", "R", Conformance::kPass, "")};
  for (auto& r : now.rows) r.built = r.file != "drivers/net/phy/q.c";
  now.rows[3].stopped = true;
  now.rows[4].leaked = true;
  now.rows[5].stopped = true;
  now.rows[7].file_entries = 2;
  // p.c is not in this run (--file left it out): its entry is not lost.
  for (const auto& r : now.rows)
    if (std::find(now.selected.begin(), now.selected.end(), r.file) == now.selected.end())
      now.selected.push_back(r.file);
  const auto c = report::compare_with_baseline(now, *base);
  EXPECT_THAT(c.new_failures,
              ElementsAre("h.c:H (was pass, now n/a: not bound: its probe() returned -EIO)",
                          "k.c:L (fails at step 5 (expect) as in the baseline, and now crashes or hangs too)",
                          "k.c:M (fails at step 5 (expect) as in the baseline, and now leaks too)",
                          "m.c (registers none of its 2 entries)", "j.c:K (was pass, now not registered)",
                          "m.c:X (was pass, now not registered)"));
  // A file refdrv's configuration does not build now: its entries were not
  // checked, for refdrv's reason (a review: "now not registered", exit 1).
  EXPECT_THAT(c.unchecked, ElementsAre("i.c:I (was pass, now n/a: needs foo (not emulated), step 3 (start))",
                                       "q.c:Q (was pass, now not built: the tree's Kconfig turns CONFIG_Q off)"));
  EXPECT_THAT(c.known, ElementsAre("k.c:N", "l.c"));
  EXPECT_THAT(c.fixed, ElementsAre("r.c")) << "its registration failed there, and it registers now";
  // KTAP's "not ok" for the n/a row that is new, and for the entries lost.
  EXPECT_THAT(c.new_failure_entries, ElementsAre("h.c:H"));
  EXPECT_THAT(c.lost, ElementsAre("drivers/net/phy/j.c:K", "drivers/net/phy/m.c:X"));
  const std::string ktap = report::drivers_ktap(now, &c);
  EXPECT_THAT(ktap, HasSubstr("1..13\n"));
  EXPECT_THAT(ktap,
              HasSubstr("# new failure: checked in the baseline, not bound now\nnot ok 1 drivers/net/phy/h.c:H\n"));
  EXPECT_THAT(ktap, HasSubstr("# new failure: in the baseline, not registered now\nnot ok 12 drivers/net/phy/j.c:K\n"));
  EXPECT_THAT(ktap, HasSubstr("not ok 13 drivers/net/phy/m.c:X\n"));
  EXPECT_EQ(now.registration_failures(), 2u);
  EXPECT_EQ(now.count(Conformance::kFail), 3u) << "the entries' count leaves the file rows out";
  // Of the baseline's 13 rows, p.c's is in no file of this run.
  EXPECT_EQ(c.baseline_entries_covered, 12u);
  EXPECT_EQ(report::baseline_json(*base, c)["entries_covered"], 12);
  // A selection that shares no file with the baseline holds nothing to it.
  report::DriversReport elsewhere;
  elsewhere.rows = {row("z.c", "Z", Conformance::kFail, "expected link up")};
  const auto none = report::compare_with_baseline(elsewhere, *base);
  EXPECT_EQ(none.baseline_entries_covered, 0u);
  EXPECT_THAT(none.new_failures, ElementsAre("z.c:Z (was not in the baseline)"));
  fs::remove_all(dir);
}

// --baseline, what a review found the comparison hid (2026-12-07): a
// known failure at the same step that fails otherwise; a file whose
// registration failed there and that is not built now (unchecked, not
// fixed); on a whole-tree run, a file the baseline checked that the tree no
// longer has (unchecked, not dropped); and a baseline with a field of the
// wrong type or of a later schema is refused, not thrown or misread.
TEST(Drivers, ABaselineSeesFailuresThatChangedAndFilesThatWentAway) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("refdrv-baseline-gone-{}", ::getpid());
  fs::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  const auto base = report::read_drivers_baseline(write("base.json", R"json({"schema": "refdrv-drivers/8",
      "tree_version": "6.12.118", "entries": [
        {"file": "drivers/net/phy/a.c", "name": "A", "conformance": "fail", "failed_step": "step 3 (attach)",
         "reason": "attach returned -EINVAL, expected 0"},
        {"file": "drivers/net/phy/b.c", "name": null, "conformance": "fail", "failed_step": "module registration"},
        {"file": "drivers/net/phy/gone.c", "name": "Gone", "conformance": "pass"},
        {"file": "drivers/net/phy/never.c", "name": "Never", "conformance": "n/a"}]})json"));
  ASSERT_TRUE(base) << base.error().message;
  report::DriversReport now;
  report::DriverRow a;
  a.file = "drivers/net/phy/a.c";
  a.name = "A";
  a.conformance = report::Conformance::kFail;
  a.failed_step = "step 3 (attach)";
  a.reason = "attach returned -ETIMEDOUT, expected 0";
  report::DriverRow b;
  b.file = "drivers/net/phy/b.c";
  b.conformance = report::Conformance::kNotApplicable;
  b.built = false;
  b.reason = "not built: the tree's Kconfig turns CONFIG_B off";
  now.rows = {a, b};
  const auto c = report::compare_with_baseline(now, *base);
  EXPECT_THAT(c.new_failures, ElementsAre("a.c:A (fails at step 3 (attach) as in the baseline, but otherwise: was "
                                          "\"attach returned -EINVAL, expected 0\", now \"attach returned -ETIMEDOUT, "
                                          "expected 0\")"));
  EXPECT_THAT(c.fixed, ::testing::IsEmpty());
  EXPECT_THAT(c.unchecked,
              ElementsAre("b.c (registered none of its entries, now not built: the tree's Kconfig turns CONFIG_B off)",
                          "gone.c (checked in the baseline; no longer among this tree's PHY driver files)"));
  // With --file, a file left out is no file gone.
  now.selected = {"drivers/net/phy/a.c", "drivers/net/phy/b.c"};
  EXPECT_EQ(report::compare_with_baseline(now, *base).unchecked.size(), 1u);
  for (const auto& [name, text, why] :
       {std::tuple{"later", R"({"schema": "refdrv-drivers/99", "entries": []})",
                   "its \"schema\" is refdrv-drivers/99, and this refdrv writes and reads up to refdrv-drivers/8"},
        std::tuple{"not-a-number", R"({"schema": "refdrv-drivers/x", "entries": []})", "is not refdrv-drivers/N"},
        std::tuple{"tree-number", R"({"schema": "refdrv-drivers/8", "tree_version": 612, "entries": []})",
                   "its \"tree_version\" is not a string"},
        std::tuple{"step-number",
                   R"({"schema": "refdrv-drivers/8", "entries": [{"file": "x", "name": "X", "conformance": "fail",
                       "failed_step": 5}]})",
                   "entry 1: its failed_step is not a string"},
        std::tuple{"stopped-text",
                   R"({"schema": "refdrv-drivers/8", "entries": [{"file": "x", "name": "X", "conformance": "fail",
                       "stopped": "yes"}]})",
                   "entry 1: its stopped is not true or false"}}) {
    const fs::path f = write(std::string(name) + ".json", text);
    report::DriversBaseline r;
    ASSERT_NO_THROW({
      const auto read = report::read_drivers_baseline(f);
      ASSERT_FALSE(read) << name;
      EXPECT_THAT(read.error().message, HasSubstr(why)) << name;
    });
  }
  EXPECT_TRUE(report::read_drivers_baseline(
      write("null-reason.json", R"({"schema": "refdrv-drivers/8", "entries": [{"file": "x", "name": "X",
             "conformance": "fail", "reason": null}]})")));
  fs::remove_all(dir);
}

// Another entry of the same ID registered first binds the PHY: this entry's
// row says so, and the bound driver's errors and registers are not put on
// it (VSC8572's row reported mscc's -ENOENT and registers as its own).
// A row on a vendor family's model standing in for another PHY of the
// family says so (RTL8201F passed gigabit legs on the RTL8211F's model).
TEST(Drivers, AnotherEntryBoundFirstAndAFamilyModelStandingInAreSaid) {
  auto sc = parse_scenario(report::conformance_scenario_yaml("Vitesse VSC8572", 0x000704d0), "conf.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  RunResult r;
  r.steps_run = 2;
  r.expectations.push_back({.step = 0, .where = "conf.yaml:5:5", .ok = false, .message = "attach returned -ENOENT"});
  r.expectations.push_back({.step = 1, .where = "conf.yaml:6:5", .ok = false, .message = "driver is Other"});
  TraceEvent bind;
  bind.kind = TraceKind::kBind;
  bind.name = "Microsemi GE VSC8572 SyncE";
  r.trace.add(bind);
  TraceEvent vendor;
  vendor.kind = TraceKind::kMdioRead;
  vendor.reg = 0x1f;
  r.trace.add(vendor);
  report::DriverRow row;
  row.name = "Vitesse VSC8572";
  row.model = "generic";
  report::classify_conformance(r, *sc, row);
  EXPECT_EQ(row.conformance, report::Conformance::kNotApplicable);
  EXPECT_EQ(row.reason,
            "not bound: the driver 'Microsemi GE VSC8572 SyncE' bound the PHY (it matches this ID too and was "
            "registered earlier), so this entry's driver never ran");
  EXPECT_TRUE(row.vendor_registers.empty()) << "the other driver's registers";

  report::DriverRow rtl8201f;
  rtl8201f.phy_id = 0x001cc816;
  rtl8201f.mask = 0xffffffff;
  rtl8201f.model = hw::model_for_phy_id(rtl8201f.phy_id, rtl8201f.mask);
  EXPECT_EQ(rtl8201f.model, "Realtek-RTL821x");
  EXPECT_TRUE(report::model_stands_in(rtl8201f));
  report::DriverRow rtl8211f = rtl8201f;
  rtl8211f.phy_id = 0x001cc916;
  EXPECT_FALSE(report::model_stands_in(rtl8211f)) << "the model's own PHY";
  report::DriverRow generic;
  generic.model = "generic";
  EXPECT_FALSE(report::model_stands_in(generic)) << "a generic model is said in its own note";
  // A pass of a PHY phylib took for a gigabit one, on a generic model with
  // no 1000BASE-T registers, says so, beside its other caveats (a review,
  // 2026-12-07: nothing marked it).
  generic.conformance = report::Conformance::kPass;
  EXPECT_TRUE(report::pass_caveats(generic).empty());
  generic.gigabit = true;
  generic.vendor_registers = {0x1f};
  EXPECT_THAT(report::pass_caveats(generic),
              ElementsAre(report::PassCaveat::kUncheckedVendorRegisters, report::PassCaveat::kGigabitOnGenericModel));
  EXPECT_THAT(report::pass_caveat(generic),
              ::testing::HasSubstr("; passed on the generic model, which has no 1000BASE-T registers, while the PHY "
                                   "was taken for a gigabit one"));
  rtl8211f.conformance = report::Conformance::kPass;
  rtl8211f.gigabit = true;
  EXPECT_FALSE(report::has_caveat(rtl8211f, report::PassCaveat::kGigabitOnGenericModel)) << "its own model";
}

using MakefileTree = ScratchTree;

TEST_F(MakefileTree, DriverObjectsSubdirectoriesAndCompositeModules) {
  put("drivers/net/phy/Makefile",
        "libphy-y := phy.o phy_device.o\n"
        "obj-$(CONFIG_PHYLIB) += libphy.o\n"
        "obj-$(CONFIG_FOO_PHY)\t+= foo.o\n"
        "ifdef CONFIG_X_RUST_PHY\n  obj-$(CONFIG_X_PHY) += x_rust.o\nelse\n  obj-$(CONFIG_X_PHY) += x.o\nendif\n"
        "obj-$(CONFIG_SUB_PHY) += sub/\n"
        "obj-y += other/\n");
  put("drivers/net/phy/x_rust.rs", "");
  put("drivers/net/phy/sub/Makefile",
        "obj-$(CONFIG_SUB_PHY) := sub.o\n"
        "sub-objs := sub_main.o\n"
        "sub-objs += sub_extra.o\n"
        "obj-$(CONFIG_LIB_PHY) += lib_a.o lib_b.o\n");
  const auto objects = kernel::phy_makefile_objects(root_);
  EXPECT_THAT(objects,
              UnorderedElementsAre(
                  Pair("drivers/net/phy/libphy.o", "PHYLIB"), Pair("drivers/net/phy/foo.o", "FOO_PHY"),
                  Pair("drivers/net/phy/x_rust.o", "X_PHY"), Pair("drivers/net/phy/x.o", "X_PHY"),
                  Pair("drivers/net/phy/sub/sub.o", "SUB_PHY"), Pair("drivers/net/phy/sub/sub_main.o", "SUB_PHY"),
                  Pair("drivers/net/phy/sub/sub_extra.o", "SUB_PHY"), Pair("drivers/net/phy/sub/lib_a.o", "LIB_PHY"),
                  Pair("drivers/net/phy/sub/lib_b.o", "LIB_PHY")));
  // The driver symbols: not phylib's own, not a Rust driver's object.
  kernel::LinuxTree tree;
  tree.root = root_;
  tree.object_kconfig = objects;
  const auto symbols = kernel::phy_driver_symbols(tree);
  EXPECT_THAT(
      symbols,
      UnorderedElementsAre(
          Pair("FOO_PHY", ElementsAre("drivers/net/phy/foo.o")), Pair("X_PHY", ElementsAre("drivers/net/phy/x.o")),
          Pair("SUB_PHY", UnorderedElementsAre("drivers/net/phy/sub/sub.o", "drivers/net/phy/sub/sub_main.o",
                                               "drivers/net/phy/sub/sub_extra.o")),
          Pair("LIB_PHY", ElementsAre("drivers/net/phy/sub/lib_a.o", "drivers/net/phy/sub/lib_b.o"))));

  // --file: a path, a name with or without .c, and a file in a
  // subdirectory by its name alone when only one file has it.
  for (const char* f : {"foo.c", "x.c", "sub/sub_main.c", "sub/sub_extra.c", "sub/lib_a.c", "sub/lib_b.c"})
    put(std::string("drivers/net/phy/") + f, "");
  EXPECT_THAT(report::select_driver_files(tree, {"foo", "sub_main", "drivers/net/phy/sub/lib_a.c", "lib_b.c"}).value(),
              UnorderedElementsAre("drivers/net/phy/foo.c", "drivers/net/phy/sub/sub_main.c",
                                   "drivers/net/phy/sub/lib_a.c", "drivers/net/phy/sub/lib_b.c"));
  auto wrong = report::select_driver_files(tree, {"nope"});
  ASSERT_FALSE(wrong);
  EXPECT_THAT(wrong.error().message, ::testing::HasSubstr("'nope' is no PHY driver file"));
}

// The differential's comparisons end at an entry's first divergence: said,
// where 108 runs read as "3 comparisons" and only Rust was named of the two
// implementations that differed (a walkthrough).
TEST(Drivers, TheDifferentialSaysItsComparisonsEndAtAFirstDivergence) {
  report::DriversReport r;
  report::DriverRow row;
  row.file = "drivers/net/phy/a.c";
  row.name = "A";
  row.implementations = {Impl::kC, Impl::kRust, Impl::kCxx};
  row.comparisons = 1;
  row.divergence = "main scenario: Rust differs";
  r.rows = {row};
  EXPECT_THAT(report::format_drivers(r),
              ::testing::HasSubstr(
                  "1 comparison with C, 1 entry diverged (an entry's comparisons end at its first divergence"));
  r.rows[0].divergence.clear();
  EXPECT_THAT(report::format_drivers(r), ::testing::Not(::testing::HasSubstr("end at its first divergence")));
}

}  // namespace
}  // namespace refdrv::test
