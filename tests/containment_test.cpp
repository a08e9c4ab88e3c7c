// SPDX-License-Identifier: GPL-2.0
// Containment: deliberately broken drivers (a C one that dereferences NULL
// in read_status, C++ ones whose read_status never returns) are reported as
// findings with their last trace lines, and the runs after them go on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "engine/check.hpp"
#include "engine/check_report.hpp"
#include "engine/supervisor.hpp"
#include "cxx/abstractions/registration.hpp"
#include "tests/drivers/hanging_cxx.hpp"
#include "tests/drivers/test_drivers.h"
#include "tests/test_support.hpp"

namespace refdrv::test {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

// The broken modules registered with the 6.12 environment for one test.
class BrokenDrivers {
 public:
  explicit BrokenDrivers(Environment& env) : env_(env) {
    EXPECT_TRUE(env.image().register_foreign_module(refdrv_test_broken_c_module));
    auto r = phy::Registration::register_module(env.image(), test_drivers::hanging_cxx());
    EXPECT_TRUE(r);
    if (r) hanging_ = std::move(*r);
  }
  ~BrokenDrivers() {
    hanging_.reset();
    env_.image().unregister_foreign_module(refdrv_test_broken_c_module);
  }

 private:
  Environment& env_;
  std::unique_ptr<phy::Registration> hanging_;
};

std::shared_ptr<const Scenario> link_up(std::optional<std::uint32_t> phy_id) {
  const std::string yaml = fmt::format(R"(name: link-up-{}
models: [generic]
partner: switch-10-100
{}
steps:
  - attach
  - start
  - wait: 3s
  - expect: {{link: up, speed: 100}}
)",
                                       phy_id ? fmt::format("{:08x}", *phy_id) : "generic",
                                       phy_id ? fmt::format("phy-id: {:#010x}", *phy_id) : "");
  auto sc = parse_scenario(yaml, "(test)");
  EXPECT_TRUE(sc) << (sc ? "" : sc.error().message);
  return std::make_shared<const Scenario>(*sc);
}

Job job(std::shared_ptr<const Scenario> sc, Impl impl) { return {std::move(sc), "generic", impl, RunOptions{}}; }

bool mentions(const std::vector<std::string>& lines, const std::string& what) {
  for (const auto& l : lines)
    if (l.find(what) != std::string::npos) return true;
  return false;
}

TEST(Containment, ACrashAndAHangBecomeFindingsAndTheBatchGoesOn) {
  Environment& env = environment("6.12");
  BrokenDrivers broken(env);
  const auto good = link_up(std::nullopt);
  const std::vector<Job> jobs = {
      job(good, Impl::kC),
      job(link_up(REFDRV_TEST_PHY_NULL_DEREF), Impl::kC),
      job(good, Impl::kRust),
      job(link_up(REFDRV_TEST_PHY_BUSY_LOOP), Impl::kCxx),
      job(good, Impl::kCxx),
  };
  SupervisorOptions opt;
  opt.wall_seconds = 1.5;
  std::vector<std::size_t> order;
  opt.on_result = [&](std::size_t i, const RunResult&) { order.push_back(i); };
  const std::vector<RunResult> r = run_jobs(env, jobs, opt);
  ASSERT_EQ(r.size(), jobs.size());
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));

  EXPECT_TRUE(r[0].passed()) << r[0].failure_summary();
  EXPECT_TRUE(r[2].passed()) << r[2].failure_summary();
  EXPECT_TRUE(r[4].passed()) << r[4].failure_summary();

  // The NULL dereference: the worker died of SIGSEGV (or, in a sanitizer
  // build, ASan reported the SEGV); the last lines show where it was.
  ASSERT_TRUE(r[1].stop) << r[1].trace.format();
  EXPECT_EQ(classify_stop(r[1]), StopClass::kCrash);
  EXPECT_THAT(*r[1].stop, ContainsRegex("^crash: .*(SIGSEGV|signal 11|Segmentation fault|SEGV|null pointer)"));
  EXPECT_TRUE(mentions(r[1].last_lines, "read_status")) << ::testing::PrintToString(r[1].last_lines);
  EXPECT_TRUE(mentions(r[1].last_lines, "NULL dereference in read_status"));
  EXPECT_EQ(r[1].scenario, "link-up-0bad0001");
  EXPECT_FALSE(r[1].passed());

  // The busy loop: killed after the wall-clock budget.
  ASSERT_TRUE(r[3].stop);
  EXPECT_EQ(classify_stop(r[3]), StopClass::kHang);
  EXPECT_THAT(*r[3].stop, HasSubstr("hang: no result after 1.5 s of wall-clock time"));
  EXPECT_TRUE(mentions(r[3].last_lines, "read_status"));
  EXPECT_GE(r[3].wall_seconds, 1.5);
}

// A run that died in its worker keeps only the last events of its trace
// (names cut, MAC views and expectations lost): no basis for a comparison.
// Its pair is "not compared", never "equivalent" (before, two runs that
// crashed alike were compared on those last events and could pass as
// equivalent), and the check as a whole is not equivalent either.
TEST(Containment, APairWithARunThatDiedInItsWorkerIsNotCompared) {
  Environment& env = environment("6.12");
  BrokenDrivers broken(env);
  CheckOptions co;
  co.impls = {Impl::kC, Impl::kRust};
  const CheckReport rep = run_check(env, {*link_up(REFDRV_TEST_PHY_NULL_DEREF)}, co);
  ASSERT_EQ(rep.rows.size(), 1U);
  const CheckRow& row = rep.rows.front();
  ASSERT_EQ(row.runs.size(), 2U);
  // The broken module is foreign, so both instances load it: both crash.
  EXPECT_TRUE(row.runs[0].trace_cut);
  EXPECT_TRUE(row.runs[1].trace_cut);
  EXPECT_FALSE(row.compared());
  EXPECT_THAT(row.uncompared, HasSubstr("the C run died in its worker (crash: "));
  EXPECT_FALSE(rep.all_equivalent());
  EXPECT_EQ(rep.uncompared_pairs(), 1U);
  EXPECT_EQ(rep.exit_code(), kExitFailure);
  const auto j = check_report_json(rep);
  EXPECT_FALSE(j["equivalent"].get<bool>());
  EXPECT_FALSE(j["results"][0]["equivalent"].get<bool>());
  EXPECT_THAT(format_terminal(rep, {}), HasSubstr("1 pair(s) not compared (a run killed or died in its worker)"));
}

// A hang is what the budgets and the wall clock call one, not any stop
// whose text contains the letters (a stub named phy_link_change_notify).
TEST(Containment, OnlyTheHangReasonsAreHangs) {
  RunResult r;
  const auto cls = [&](const char* why) {
    r.stop = why;
    return classify_stop(r);
  };
  EXPECT_EQ(cls("hang: no result after 30.0 s of wall-clock time (the worker was killed)"), StopClass::kHang);
  EXPECT_EQ(cls("virtual time budget exhausted while the kernel side was sleeping or polling: hang"), StopClass::kHang);
  EXPECT_EQ(cls("MDIO access budget exhausted (5 accesses) without the scenario ending: hang (the kernel side keeps "
                "using the bus)"),
            StopClass::kHang);
  EXPECT_EQ(cls("kernel function not emulated: phy_link_change_notify"), StopClass::kCrash);
  EXPECT_EQ(cls("crash: the process died with signal 11 (Segmentation fault) in changed_handler"), StopClass::kCrash);
}

TEST(Containment, APollingLoopWithoutSleepIsAHangEvenInProcess) {
  Environment& env = environment("6.12");
  BrokenDrivers broken(env);
  Job j = job(link_up(REFDRV_TEST_PHY_MDIO_LOOP), Impl::kCxx);
  j.options.mdio_budget = 5000;
  j.options.mdio_per_virtual_second = 0;  // exactly 5000, whatever the scenario waits
  for (Containment c : {Containment::kInProcess, Containment::kFork}) {
    SupervisorOptions opt;
    opt.containment = c;
    // Several rounds: an abandoned instance must leave nothing behind that a
    // later one (often at the same addresses) could trip over.
    for (int round = 0; round < 5; ++round) {
      const RunResult r = run_contained(env, j, opt);
      ASSERT_TRUE(r.stop);
      EXPECT_EQ(classify_stop(r), StopClass::kHang);
      EXPECT_THAT(*r.stop, HasSubstr("MDIO access budget exhausted (5000 accesses)"));
      EXPECT_EQ(r.mdio_accesses, 5001u);
      // The instance was abandoned inside a work item with a mutex held; the
      // process (or worker) is fine: the next run in it passes.
      const RunResult next = run_contained(env, job(link_up(std::nullopt), Impl::kCxx), opt);
      EXPECT_TRUE(next.passed()) << "round " << round << ": " << next.failure_summary();
    }
  }
}

// A C++ exception out of a driver callback is the driver's BUG(): the
// instance stops and says so, and nothing of the exception is left in the
// process (the adapter called bug(), which never returns, from inside its
// catch handler: the exception stayed "being handled" for good, and
// std::current_exception() still returned it after the run).
TEST(Containment, AnExceptionOutOfACxxCallbackStopsTheInstanceAndLeavesNothingBehind) {
  Environment& env = environment("6.12");
  BrokenDrivers broken(env);
  SupervisorOptions opt;
  opt.containment = Containment::kInProcess;
  for (int round = 0; round < 3; ++round) {
    const RunResult r = run_contained(env, job(link_up(REFDRV_TEST_PHY_THROWS), Impl::kCxx), opt);
    ASSERT_TRUE(r.stop);
    EXPECT_THAT(*r.stop, HasSubstr("a C++ exception reached phylib through a driver callback"));
    EXPECT_FALSE(std::current_exception()) << "round " << round;
    const RunResult next = run_contained(env, job(link_up(std::nullopt), Impl::kCxx), opt);
    EXPECT_TRUE(next.passed()) << "round " << round << ": " << next.failure_summary();
  }
}

TEST(Containment, TheBrokenModulesAreVisibleAndOnlyBindTheirTestIds) {
  Environment& env = environment("6.12");
  BrokenDrivers broken(env);
  std::vector<std::string> names;
  for (const auto& m : env.image().modules()) names.push_back(m.name);
  EXPECT_THAT(names, Contains("refdrv_test_broken_c"));
  EXPECT_THAT(names, Contains("refdrv_test_hanging_cxx"));
  // An Asix model still binds the Asix driver of the selected implementation.
  Rig rig = make_rig(env, "AX88772A", "switch-10-100", Impl::kC);
  const auto st = rig.inst->status();
  ASSERT_TRUE(st);
  EXPECT_EQ(std::string(st->driver), "Asix Electronics AX88772A");
}

}  // namespace
}  // namespace refdrv::test
