// SPDX-License-Identifier: GPL-2.0
// The `locked` column of REFDRV_PHY_CALLBACKS (refdrv_phy_callbacks.h) is
// what every foreign driver's SAFETY argument rests on: the C++ adapter's,
// and the tree's phy.rs makes the same claims per callback. It is held to
// what phylib does: over the default suite on every implementation, and a
// C++ test driver that implements every callback the abstractions offer, a
// callback marked locked is never called without phydev->lock, and one
// marked unlocked is, at least once.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cxx/abstractions/registration.hpp"
#include "engine/check.hpp"
#include "engine/check_report.hpp"
#include "engine/suite.hpp"
#include "engine/supervisor.hpp"
#include "tests/drivers/every_callback_cxx.hpp"
#include "tests/drivers/test_drivers.h"
#include "tests/test_support.hpp"

namespace refdrv::test {
namespace {

// Every C++ callback, each reached: bind (match_phy_device, probe,
// get_features, read_mmd from phy_probe's EEE read), attach (soft_reset),
// start (config_aneg), polling (read_status, link_change_notify), suspend
// and resume.
std::shared_ptr<const Scenario> every_callback_scenario() {
  const std::string yaml = fmt::format(R"(name: every-callback
models: [generic]
partner: switch-10-100
phy-id: {:#010x}
steps:
  - attach
  - start
  - wait: 3s
  - expect: {{link: up}}
  - restart-aneg
  - wait: 3s
  - suspend
  - resume
  - wait: 3s
  - expect: {{link: up}}
  - detach
)",
                                       REFDRV_TEST_PHY_EVERY_CALLBACK);
  auto sc = parse_scenario(yaml, "(test)");
  EXPECT_TRUE(sc) << (sc ? "" : sc.error().message);
  return std::make_shared<const Scenario>(*sc);
}

// The column as it holds for the tree's phylib (callback_always_locked(cb,
// version)): on 6.1 link_change_notify is called without the lock (taken
// under it since 6.7), which the C++ adapter's SAFETY argument said it was
// on every tree until 2026-12-07.
class Locking : public ::testing::TestWithParam<const char*> {};

TEST_P(Locking, EveryCallbacksLockedColumnIsWhatPhylibDoes) {
  Environment& env = environment(GetParam());
  const CallbackLocking before = env.image().callback_locking();

  auto suite = load_default_suite();
  ASSERT_TRUE(suite);
  CheckOptions co;
  co.impls = available_impls(env, nullptr);
  co.containment = Containment::kInProcess;
  const CheckReport rep = run_check(env, *suite, co);
  ASSERT_TRUE(rep.all_passed()) << format_terminal(rep, {});

  {
    auto reg = phy::Registration::register_module(env.image(), test_drivers::every_callback_cxx());
    ASSERT_TRUE(reg);
    SupervisorOptions so;
    so.containment = Containment::kInProcess;
    const std::vector<Job> jobs = {{every_callback_scenario(), "generic", Impl::kCxx, RunOptions{}}};
    const std::vector<RunResult> r = run_jobs(env, jobs, so);
    ASSERT_EQ(r.size(), 1u);
    ASSERT_TRUE(r[0].passed()) << r[0].failure_summary() << r[0].trace.format();
  }

  const CallbackLocking after = env.image().callback_locking();
  std::vector<std::string> unseen;
  for (int cb = 0; cb < REFDRV_CB_COUNT; ++cb) {
    const unsigned long locked = after.locked[cb] - before.locked[cb];
    const unsigned long unlocked = after.unlocked[cb] - before.unlocked[cb];
    if (locked + unlocked == 0) {
      unseen.emplace_back(callback_name(cb));
      continue;
    }
    if (callback_always_locked(cb, env.tree().version))
      EXPECT_EQ(unlocked, 0u) << callback_name(cb) << " is marked locked but phylib called it " << unlocked << " of "
                              << locked + unlocked << " times without phydev->lock";
    else
      EXPECT_GT(unlocked, 0u) << callback_name(cb) << " is marked unlocked but all " << locked
                              << " calls held phydev->lock";
  }
  // Where the column is read from phylib's source, not measured: callbacks
  // neither the Asix and QT2025 drivers nor the C++ abstractions have
  // (interrupts: refdrv polls; pages, loopback), and write_mmd, which phylib
  // reaches only through generic routines that test driver does not call;
  // on 6.1 read_mmd too (its phy_probe() reads no EEE abilities).
  std::vector<std::string> expected = {"config_init", "aneg_done", "config_intr", "handle_interrupt", "remove",
                                       "write_mmd",   "read_page", "write_page",  "set_loopback"};
  if (std::string_view(GetParam()) == "6.1") expected.insert(expected.begin() + 5, "read_mmd");
  EXPECT_EQ(unseen, expected);
}

INSTANTIATE_TEST_SUITE_P(Series, Locking, ::testing::Values("6.12", "6.1"));

// A C++ driver with a flag its tree's phylib does not have: 6.1 has no
// PHY_ALWAYS_CALL_SUSPEND. Its registration is refused there (it registered
// with no flag at all, silently), and goes through on 6.12.
struct AlwaysSuspended {
  static constexpr phy::CStr name = "refdrv test: always call suspend";
  static constexpr phy::DeviceId phy_device_id = phy::DeviceId::new_with_exact_mask(0x0bad00f0);
  static constexpr phy::Flags flags = phy::Flag::always_call_suspend;
  static constexpr phy::Callbacks callbacks = phy::Callback::suspend;
  static phy::Result<> suspend(phy::Device& dev) { return dev.genphy_suspend(); }
};

REFDRV_MODULE_PHY_DRIVER(always_suspended, (AlwaysSuspended),
                         {.name = "refdrv_test_always_suspended",
                          .author = "refdrv developers",
                          .description = "A driver with PHY_ALWAYS_CALL_SUSPEND",
                          .license = "GPL",
                          .kconfig = "REFDRV_TEST_ALWAYS_SUSPENDED",
                          .impl_kconfig = "REFDRV_TEST_ALWAYS_SUSPENDED_CXX",
                          .depends = "CXX_PHYLIB_ABSTRACTIONS",
                          .source = "tests/locking_test.cpp"})

TEST(Locking, AFlagTheTreeDoesNotHaveIsRefusedNotDropped) {
  auto old = phy::Registration::register_module(environment("6.1").image(), always_suspended());
  ASSERT_FALSE(old);
  EXPECT_THAT(old.error().message, ::testing::HasSubstr("PHY_ALWAYS_CALL_SUSPEND"));
  auto now = phy::Registration::register_module(environment("6.12").image(), always_suspended());
  EXPECT_TRUE(now) << now.error().message;
}

TEST(Locking, LinkChangeNotifyIsLockedSince67) {
  EXPECT_TRUE(callback_always_locked(REFDRV_CB_link_change_notify, "6.12.118"));
  EXPECT_TRUE(callback_always_locked(REFDRV_CB_link_change_notify, "6.7"));
  EXPECT_FALSE(callback_always_locked(REFDRV_CB_link_change_notify, "6.6.60"));
  EXPECT_FALSE(callback_always_locked(REFDRV_CB_link_change_notify, "6.1.119"));
  EXPECT_FALSE(callback_always_locked(REFDRV_CB_link_change_notify, "5.15.0"));
  EXPECT_TRUE(callback_always_locked(REFDRV_CB_read_status, "6.1.119"));
}

}  // namespace
}  // namespace refdrv::test
