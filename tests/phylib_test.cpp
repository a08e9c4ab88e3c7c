// SPDX-License-Identifier: GPL-2.0
// The real phylib and the real C Asix driver of each Linux series, in
// userspace, against the hardware models: binding, the soft-reset sequence,
// the state machine, the MAC side, suspend/resume, the quirks, determinism.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>

#include "engine/firmware.hpp"
#include "engine/runner.hpp"
#include "engine/scenario.hpp"
#include "engine/suite.hpp"
#include "host/store_watch.hpp"
#include "tests/test_support.hpp"

namespace refdrv::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr hw::Nanos kSec = 1'000'000'000;

// A Linux series and the implementation of the Asix driver under test.
struct Target {
  std::string series;
  Impl impl;
};
void PrintTo(const Target& t, std::ostream* os) { *os << impl_title(t.impl) << " on Linux " << t.series; }

class Phylib : public ::testing::TestWithParam<Target> {
 protected:
  Environment& env() { return environment(GetParam().series); }
  Impl impl() const { return GetParam().impl; }
};

std::string bound_driver(const Trace& t) {
  for (const auto& e : t.events())
    if (e.kind == TraceKind::kBind) return e.name;
  return "";
}

TEST_P(Phylib, BusScanBindsTheAsixDriverMatchingEachPhyId) {
  struct Case {
    const char* model;
    std::optional<std::uint32_t> id;
    const char* driver;
  };
  const Case cases[] = {
      {"AX88772A", std::nullopt, "Asix Electronics AX88772A"},
      {"AX88772C", std::nullopt, "Asix Electronics AX88772C"},
      {"AX88796B", std::nullopt, "Asix Electronics AX88796B"},
      // A revision variant: the AX88796B driver matches with a model mask.
      {"AX88796B", 0x003b1842, "Asix Electronics AX88796B"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.model);
    Rig r = make_rig(env(), c.model, "", impl(), c.id);
    // Bound at registration: the real mdiobus_scan -> phy_device_register -> probe.
    EXPECT_EQ(bound_driver(r.inst->trace()), c.driver);
    auto st = r.inst->status();
    ASSERT_TRUE(st);
    EXPECT_STREQ(st->driver, c.driver);
    EXPECT_EQ(st->phy_id, c.id.value_or(r.phy->spec().phy_id));
    EXPECT_EQ(st->impl, static_cast<int>(impl()));
  }
}

TEST_P(Phylib, UnknownIdBindsTheGenericPhyDriverAtAttach) {
  Rig r = make_rig(env(), "generic", "", impl());
  EXPECT_EQ(bound_driver(r.inst->trace()), "") << "no driver matches 0x0a0b0c10 at scan time";
  ASSERT_EQ(r.inst->op(REFDRV_OP_ATTACH, r.addr).ret, 0);
  EXPECT_EQ(bound_driver(r.inst->trace()), "Generic PHY");
}

// What ethtool shows as the transceiver: the AX88772A and AX88772C are
// internal to their MAC (PHY_IS_INTERNAL); the AX88796B's driver and the
// generic PHY's do not say so; nothing before attach.
TEST_P(Phylib, EthtoolSeesTheAx88772PhysAsInternalTransceivers) {
  for (const char* model : {"AX88772A", "AX88772C", "AX88796B", "generic"}) {
    Rig r = make_rig(env(), model, "", impl());
    EXPECT_FALSE(r.inst->status()->transceiver_internal) << model << " before attach";
    ASSERT_EQ(r.inst->op(REFDRV_OP_ATTACH, r.addr).ret, 0) << model;
    const bool internal = std::string(model) == "AX88772A" || std::string(model) == "AX88772C";
    EXPECT_EQ(r.inst->status()->transceiver_internal != 0, internal) << model;
  }
}

TEST_P(Phylib, InitHwRunsTheAsixSoftResetToggleThenGenericReset) {
  // A reset that takes 120 ms makes phy_poll_reset() poll more than once.
  Rig r = make_rig(env(), "AX88772C", "", impl(), std::nullopt, 120 * hw::kMs);
  ASSERT_EQ(r.inst->op(REFDRV_OP_ATTACH, r.addr).ret, 0);  // phy_attach_direct -> phy_init_hw
  // asix_soft_reset: BMCR written 0 first (the bit toggles), then
  // genphy_soft_reset: read-modify-write of RESET|ANRESTART, then
  // phy_poll_reset: sleep 50 ms before each read until RESET clears.
  EXPECT_THAT(mdio_in_callback(r.inst->trace(), "soft_reset"),
              ElementsAre("wr 00 0x0000", "rd 00 0x0000", "wr 00 0x8200", "rd 00 0x8000", "rd 00 0x8000",
                          "rd 00 0x3100"));
  // The polls happen in virtual time: 50 ms apart, the last after the reset.
  std::vector<std::uint64_t> poll_times;
  bool in = false;
  for (const auto& e : r.inst->trace().events()) {
    if (e.kind == TraceKind::kCallbackEnter && e.name == "soft_reset") in = true;
    if (e.kind == TraceKind::kCallbackExit && e.name == "soft_reset") break;
    if (in && e.kind == TraceKind::kMdioRead && poll_times.size() < 4) poll_times.push_back(e.time_ns);
  }
  ASSERT_EQ(poll_times.size(), 4u);
  EXPECT_EQ(poll_times[2] - poll_times[1], 50 * hw::kMs);
  EXPECT_EQ(poll_times[3] - poll_times[2], 50 * hw::kMs);
  EXPECT_EQ(r.phy->resets_completed(), 1u);
}

TEST_P(Phylib, LinkUpReachesRunningAndTheMacSeesSpeedAndDuplex) {
  Rig r = make_rig(env(), "AX88772C", "switch-10-100", impl());
  ASSERT_EQ(r.inst->op(REFDRV_OP_ATTACH, r.addr).ret, 0);
  r.inst->op(REFDRV_OP_START);
  r.inst->run_for(5 * kSec);
  auto st = r.inst->status();
  ASSERT_TRUE(st);
  EXPECT_STREQ(st->state_name, "RUNNING");
  EXPECT_EQ(st->link, 1);
  EXPECT_EQ(st->speed, 100);
  EXPECT_EQ(st->duplex, 1);
  EXPECT_EQ(st->carrier, 1);
  auto links = events_of(r.inst->trace(), {TraceKind::kLink});
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links.back().link, 1);
  EXPECT_EQ(links.back().speed, 100);
  EXPECT_EQ(links.back().duplex, 1);
}

TEST_P(Phylib, UnplugGivesNolinkAndLinkDownAtTheMac) {
  Rig r = make_rig(env(), "AX88772C", "switch-10-100", impl());
  r.inst->op(REFDRV_OP_ATTACH, r.addr);
  r.inst->op(REFDRV_OP_START);
  r.inst->run_for(5 * kSec);
  r.phy->unplug(r.inst->now_ns());
  r.inst->run_for(2 * kSec);
  auto st = r.inst->status();
  ASSERT_TRUE(st);
  EXPECT_STREQ(st->state_name, "NOLINK");
  EXPECT_EQ(st->link, 0);
  EXPECT_EQ(st->carrier, 0);
  auto links = events_of(r.inst->trace(), {TraceKind::kLink});
  ASSERT_GE(links.size(), 2u);
  EXPECT_EQ(links[links.size() - 2].link, 1);
  EXPECT_EQ(links.back().link, 0);
}

TEST_P(Phylib, SuspendSetsAndResumeClearsBmcrPowerDown) {
  Rig r = make_rig(env(), "AX88772C", "switch-10-100", impl());
  r.inst->op(REFDRV_OP_ATTACH, r.addr);
  ASSERT_EQ(r.inst->op(REFDRV_OP_SUSPEND).ret, 0);
  EXPECT_TRUE(r.phy->peek(hw::c22::kBmcr, r.inst->now_ns()) & hw::c22::bmcr::kPowerDown);
  EXPECT_THAT(mdio_in_callback(r.inst->trace(), "suspend"), ElementsAre("rd 00 0x3100", "wr 00 0x3900"));
  ASSERT_EQ(r.inst->op(REFDRV_OP_RESUME).ret, 0);
  EXPECT_FALSE(r.phy->peek(hw::c22::kBmcr, r.inst->now_ns()) & hw::c22::bmcr::kPowerDown);
}

TEST_P(Phylib, Ax88796bHasNoSuspendSoPowerDownIsNeverSet) {
  Rig r = make_rig(env(), "AX88796B", "switch-10-100", impl());
  r.inst->op(REFDRV_OP_ATTACH, r.addr);
  const std::size_t before = r.inst->trace().events().size();
  ASSERT_EQ(r.inst->op(REFDRV_OP_SUSPEND).ret, 0);
  EXPECT_FALSE(r.phy->peek(hw::c22::kBmcr, r.inst->now_ns()) & hw::c22::bmcr::kPowerDown);
  // No suspend callback ran, and nothing else wrote BMCR in its place.
  const auto& events = r.inst->trace().events();
  ASSERT_GE(events.size(), before);
  for (std::size_t i = before; i < events.size(); ++i) {
    EXPECT_FALSE(events[i].kind == TraceKind::kCallbackEnter && events[i].name == "suspend") << i;
    EXPECT_FALSE(events[i].kind == TraceKind::kMdioWrite && events[i].reg == hw::c22::kBmcr) << i;
  }
}

TEST_P(Phylib, Ax88796bResetQuirkAsixResetSucceedsGenericResetTimesOut) {
  // The C driver toggles BMCR_RESET: the reset happens.
  Rig asix = make_rig(env(), "AX88796B", "", impl());
  ASSERT_EQ(asix.inst->op(REFDRV_OP_ATTACH, asix.addr).ret, 0);
  EXPECT_EQ(asix.phy->resets_completed(), 1u);
  // Without the Asix driver (CONFIG_AX88796B_PHY=n) the Generic PHY binds; a
  // plain genphy_soft_reset() is ignored by the chip and phy_poll_reset()
  // gives up after 600 ms with -ETIMEDOUT.
  Rig generic = make_rig(env(), "AX88796B", "", Impl::kNone);
  ASSERT_EQ(generic.inst->op(REFDRV_OP_ATTACH, generic.addr).ret, 0);
  EXPECT_EQ(bound_driver(generic.inst->trace()), "Generic PHY");
  const auto t0 = generic.inst->now_ns();
  EXPECT_EQ(generic.inst->op(REFDRV_OP_GENPHY_SOFT_RESET).ret, -110);
  EXPECT_GE(generic.inst->now_ns() - t0, 600 * hw::kMs);
  EXPECT_EQ(generic.phy->resets_completed(), 0u);
}

TEST_P(Phylib, Ax88772aWithOldSwitchFallsBackToBmcrWhileAx88772cResolvesLpa) {
  Rig a = make_rig(env(), "AX88772A", "old-switch", impl());
  a.inst->op(REFDRV_OP_ATTACH, a.addr);
  a.inst->op(REFDRV_OP_START);
  a.inst->run_for(5 * kSec);
  auto sa = a.inst->status();
  ASSERT_TRUE(sa);
  EXPECT_STREQ(sa->state_name, "RUNNING");
  EXPECT_EQ(sa->speed, 100);  // from BMCR (0x3100: SPEED100 | FULLDPLX)
  EXPECT_EQ(sa->duplex, 1);
  EXPECT_EQ(sa->lp_advertising, 0u) << "LPA read 0: nothing to resolve";
  EXPECT_EQ(a.phy->peek(hw::c22::kLpa, a.inst->now_ns()), 0);

  Rig c = make_rig(env(), "AX88772C", "old-switch", impl());
  c.inst->op(REFDRV_OP_ATTACH, c.addr);
  c.inst->op(REFDRV_OP_START);
  c.inst->run_for(5 * kSec);
  auto sc = c.inst->status();
  ASSERT_TRUE(sc);
  EXPECT_EQ(sc->speed, 100);
  EXPECT_EQ(sc->duplex, 1);
  EXPECT_NE(sc->lp_advertising, 0u) << "AX88772C latches the partner's base page";

  // The generic path on the AX88772A cannot resolve anything from LPA = 0.
  Rig g = make_rig(env(), "AX88772A", "old-switch", Impl::kNone);
  g.inst->op(REFDRV_OP_ATTACH, g.addr);
  g.inst->op(REFDRV_OP_START);
  g.inst->run_for(5 * kSec);
  auto sg = g.inst->status();
  ASSERT_TRUE(sg);
  EXPECT_EQ(sg->link, 1);
  EXPECT_EQ(sg->speed, -1) << "SPEED_UNKNOWN";
}

TEST_P(Phylib, FlapShorterThanAPollIsSeenThroughTheLatchedLowBit) {
  // Forced 100/full on both sides: the link is back 150 ms after the cable,
  // so a 200 ms flap is over before the next poll (1.024 s apart); only BMSR's
  // latching-low link bit tells phylib.
  Rig r = make_rig(env(), "AX88772C", "forced-100-full", impl());
  r.inst->op(REFDRV_OP_ATTACH, r.addr);
  ASSERT_EQ(r.inst->op(REFDRV_OP_KSETTINGS_SET, 0, 100, 1, -1).ret, 0);
  r.inst->op(REFDRV_OP_START);
  r.inst->run_for(4 * kSec);
  ASSERT_STREQ(r.inst->status()->state_name, "RUNNING");
  const auto before = events_of(r.inst->trace(), {TraceKind::kLink}).size();
  // Find the next poll and flap right after it.
  r.inst->run_for(1 * kSec / 10);
  r.phy->flap(r.inst->now_ns(), 200 * hw::kMs);
  r.inst->run_for(600 * hw::kMs);
  ASSERT_TRUE(r.phy->link_up(r.inst->now_ns())) << "the model's link is back before any poll saw it down";
  r.inst->run_for(3 * kSec);
  auto links = events_of(r.inst->trace(), {TraceKind::kLink});
  ASSERT_GE(links.size(), before + 2);
  EXPECT_EQ(links[before].link, 0);
  EXPECT_EQ(links[before + 1].link, 1);
  EXPECT_STREQ(r.inst->status()->state_name, "RUNNING");
}

TEST_P(Phylib, TheSameRunTwiceGivesIdenticalTraces) {
  auto run = [&] {
    Rig r = make_rig(env(), "AX88772A", "switch-10-100", impl());
    r.inst->op(REFDRV_OP_ATTACH, r.addr);
    r.inst->op(REFDRV_OP_START);
    r.inst->run_for(3 * kSec);
    r.phy->unplug(r.inst->now_ns());
    r.inst->run_for(2 * kSec);
    r.phy->plug(*hw::find_partner("forced-10-half"), r.inst->now_ns());
    r.inst->run_for(4 * kSec);
    r.inst->destroy();
    return r.inst->trace().events();
  };
  const auto first = run();
  const auto second = run();
  ASSERT_GT(first.size(), 100u);
  EXPECT_EQ(first, second);
}

TEST_P(Phylib, TeardownFreesEverythingTheInstanceAllocated) {
  Rig r = make_rig(env(), "AX88772A", "switch-10-100", impl());
  r.inst->op(REFDRV_OP_ATTACH, r.addr);
  r.inst->op(REFDRV_OP_START);
  r.inst->run_for(3 * kSec);
  EXPECT_GT(r.inst->memory().live_allocations(), 0u);
  r.inst->destroy();
  EXPECT_FALSE(r.inst->stopped()) << r.inst->stop_reason().value_or("");
  EXPECT_EQ(r.inst->leaked_bytes(), 0u);
  EXPECT_TRUE(events_of(r.inst->trace(), {TraceKind::kLeak}).empty());
}

INSTANTIATE_TEST_SUITE_P(Drivers, Phylib,
                         ::testing::Values(Target{"6.12", Impl::kC}, Target{"6.12", Impl::kRust},
                                           Target{"6.12", Impl::kCxx}, Target{"6.1", Impl::kC},
                                           Target{"6.1", Impl::kCxx}),
                         [](const auto& info) {
                           std::string s = "linux_" + info.param.series + "_" + impl_name(info.param.impl);
                           std::replace(s.begin(), s.end(), '.', '_');
                           return s;
                         });

// ---- the Rust reference driver against the C driver ----

struct Scenario {
  const char* name;
  const char* model;
  const char* partner;
  void (*steps)(Rig&);
};

void start_and_run(Rig& r) {
  r.inst->op(REFDRV_OP_ATTACH, r.addr);
  r.inst->op(REFDRV_OP_START);
  r.inst->run_for(4 * kSec);
}

void relink_new_partner(Rig& r) {
  start_and_run(r);
  r.phy->unplug(r.inst->now_ns());
  r.inst->run_for(2 * kSec);
  r.phy->plug(*hw::find_partner("switch-100-only"), r.inst->now_ns());
  r.inst->run_for(4 * kSec);
}

void suspend_resume(Rig& r) {
  start_and_run(r);
  r.inst->op(REFDRV_OP_SUSPEND);
  r.inst->run_for(2 * kSec);
  r.inst->op(REFDRV_OP_RESUME);
  r.inst->run_for(4 * kSec);
}

void forced_mode(Rig& r) {
  r.inst->op(REFDRV_OP_ATTACH, r.addr);
  r.inst->op(REFDRV_OP_KSETTINGS_SET, 0, 10, 0, -1);
  r.inst->op(REFDRV_OP_START);
  r.inst->run_for(4 * kSec);
}

// The reference drivers (Rust on 6.12, C++ on both) against the C driver.
struct Comparison {
  std::string series;
  Impl impl;
  Scenario scenario;
};
void PrintTo(const Comparison& c, std::ostream* os) {
  *os << impl_title(c.impl) << " against C on Linux " << c.series << ": " << c.scenario.name;
}

class AgainstC : public ::testing::TestWithParam<Comparison> {};

TEST_P(AgainstC, IdenticalMdioTraceStatesAndLinkEvents) {
  Environment& env = environment(GetParam().series);
  const Scenario& sc = GetParam().scenario;
  ASSERT_TRUE(env.image().has_impl(GetParam().impl, "AX88796B_PHY")) << env.built().rust_note;
  auto run = [&](Impl impl) {
    Rig r = make_rig(env, sc.model, sc.partner, impl);
    sc.steps(r);
    EXPECT_FALSE(r.inst->stopped()) << r.inst->stop_reason().value_or("");
    return r;
  };
  Rig c = run(Impl::kC);
  Rig other = run(GetParam().impl);
  EXPECT_EQ(mdio_lines(c.inst->trace()), mdio_lines(other.inst->trace()));
  const auto kinds = {TraceKind::kState, TraceKind::kLink, TraceKind::kCallbackEnter, TraceKind::kCallbackExit};
  auto strip = [&](std::vector<TraceEvent> v) {
    for (auto& e : v) e.detail.clear();  // the callback's driver name is the same, the module is not
    return v;
  };
  EXPECT_EQ(strip(events_of(c.inst->trace(), kinds)), strip(events_of(other.inst->trace(), kinds)));
}

const Scenario kScenarios[] = {
    {"ax88772a_link", "AX88772A", "switch-10-100", start_and_run},
    {"ax88772a_old_switch", "AX88772A", "old-switch", start_and_run},
    {"ax88772a_relink", "AX88772A", "switch-10-100", relink_new_partner},
    {"ax88772c_suspend", "AX88772C", "switch-10-100", suspend_resume},
    {"ax88796b_link", "AX88796B", "switch-10-100", start_and_run},
    {"ax88796b_forced", "AX88796B", "forced-10-half", forced_mode},
};

std::vector<Comparison> comparisons() {
  std::vector<Comparison> out;
  for (const auto& s : kScenarios) {
    out.push_back({"6.12", Impl::kRust, s});
    out.push_back({"6.12", Impl::kCxx, s});
    out.push_back({"6.1", Impl::kCxx, s});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, AgainstC, ::testing::ValuesIn(comparisons()), [](const auto& info) {
  std::string s = std::string(impl_name(info.param.impl)) + "_linux_" + info.param.series + "_" +
                  info.param.scenario.name;
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
});

TEST(RustReference, Linux61HasNoRustDriverAndSaysSo) {
  Environment& env = environment("6.1");
  EXPECT_FALSE(env.image().has_impl(Impl::kRust, "AX88796B_PHY"));
  EXPECT_TRUE(env.built().rust_drivers.empty());
  EXPECT_THAT(env.built().rust_note, ::testing::HasSubstr("no Rust driver in this tree"));
  EXPECT_TRUE(env.tree().groups.empty());
}

TEST(RustReference, Linux612HostsTheTreesRustModulesWithTheirModinfo) {
  Environment& env = environment("6.12");
  ASSERT_EQ(env.tree().groups.size(), 1u);
  EXPECT_EQ(env.tree().groups[0].rust_depends, "RUST_PHYLIB_ABSTRACTIONS && AX88796B_PHY");
  bool asix = false, qt2025 = false;
  for (const auto& m : env.image().modules()) {
    if (m.name == "rust_asix_phy") {
      asix = true;
      EXPECT_EQ(m.impl, Impl::kRust);
      EXPECT_EQ(m.kconfig, "AX88796B_PHY");
      EXPECT_EQ(m.author, "FUJITA Tomonori <fujita.tomonori@gmail.com>");
      EXPECT_EQ(m.description, "Rust Asix PHYs driver");
      EXPECT_EQ(m.license, "GPL");
      ASSERT_EQ(m.drivers.size(), 3u);
      EXPECT_EQ(m.drivers[2].name, "Asix Electronics AX88796B");
      EXPECT_EQ(m.drivers[2].mask, 0xfffffff0u);
    }
    if (m.name == "qt2025_phy") {
      qt2025 = true;
      EXPECT_EQ(m.impl, Impl::kRust);
      EXPECT_EQ(m.kconfig, "AMCC_QT2025_PHY");
      EXPECT_EQ(m.description, "AMCC QT2025 PHY driver");
      ASSERT_EQ(m.drivers.size(), 1u);
      EXPECT_EQ(m.drivers[0].phy_id, 0x0043a400u);
    }
  }
  EXPECT_TRUE(asix);
  EXPECT_TRUE(qt2025);
}

// The tree's Rust-only qt2025.rs and refdrv's C++ one on the QT2025 model:
// the probe sequence, pinned, and the whole firmware upload.
class Qt2025 : public ::testing::TestWithParam<Impl> {};

TEST_P(Qt2025, ProbeChecksTheRevisionConfiguresTheMicroAndUploadsTheFirmware) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario("name: q\nmodels: [QT2025]\nsteps: []\n", "q.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  const RunResult r = run_scenario(env, *sc, "QT2025", GetParam());
  ASSERT_FALSE(r.stop) << *r.stop;
  const auto probe = mdio_in_callback(r.trace, "probe");
  const std::size_t image = 20 * 1024;  // refdrv's stand-in for qt2025-2.0.3.3.fw
  ASSERT_EQ(probe.size(), 12 + image + 1);
  // Clause-45 accesses, as "rd MMD.REG value" of mdio_in_callback.
  EXPECT_THAT(std::vector<std::string>(probe.begin(), probe.begin() + 12),
              ::testing::ElementsAre("rd 1.d001 0xb300", "wr 1.c300 0x0000", "wr 1.c302 0x0004", "wr 1.c319 0x0038",
                                     "wr 1.c31a 0x0098", "wr 3.0026 0x0e00", "wr 3.0027 0x0893", "wr 3.0028 0xa528",
                                     "wr 3.0029 0x0003", "wr 1.a30a 0x06e1", "wr 1.c300 0x0002",
                                     "wr 3.e854 0x00c0"));
  const auto bytes = test_image("qt2025-2.0.3.3.fw", image);
  for (std::size_t i = 0; i < image; ++i) {
    const std::string want = i < 16384 ? fmt::format("wr 3.{:04x} 0x{:04x}", 0x8000 + i, bytes[i])
                                       : fmt::format("wr 4.{:04x} 0x{:04x}", 0x8000 + i - 16384, bytes[i]);
    ASSERT_EQ(probe[12 + i], want) << "byte " << i;
  }
  EXPECT_EQ(probe.back(), "wr 3.e854 0x0040");
}

// Issue 17: state changes are observed where other code could see them (at
// every lock, MDIO access, callback, call and event), not only around the
// driver's callbacks. A QT2025 the driver refused runs on the generic
// Clause-45 driver; at teardown phy_disconnect() stops it (HALTED) and
// detaches it (DOWN) within one call, around no driver callback: sampled only
// at callbacks and call boundaries, HALTED went unseen.
TEST_P(Qt2025, EveryStateTheGenericDriverPassesThroughIsInTheTrace) {
  Environment& env = environment("6.12");
  auto suite = load_default_suite();
  ASSERT_TRUE(suite);
  auto sc = std::find_if(suite->begin(), suite->end(), [](const refdrv::Scenario& s) { return s.name == "qt2025-wrong-revision"; });
  ASSERT_NE(sc, suite->end());
  const RunResult r = run_scenario(env, *sc, "QT2025-A3", GetParam());
  ASSERT_TRUE(r.passed()) << r.failure_summary();
  std::vector<std::string> states;
  for (const auto& e : r.trace.events())
    if (e.kind == TraceKind::kState) states.push_back(e.detail + "->" + e.name);
  EXPECT_THAT(states, ::testing::ElementsAre("->DOWN", "DOWN->READY", "READY->UP", "UP->NOLINK", "NOLINK->HALTED",
                                             "HALTED->DOWN"));
}

INSTANTIATE_TEST_SUITE_P(RustAndCxx, Qt2025, ::testing::Values(Impl::kRust, Impl::kCxx),
                         [](const auto& info) { return std::string(impl_name(info.param)); });

// jiffies_to_msecs() and jiffies_to_usecs() compute as kernel/time/time.c
// does at HZ=250: 4 (4000) times j, truncated to unsigned int, so a large j
// wraps where the kernel's does (a review, 2026-12-07: 64-bit arithmetic
// gave 790273978 for jiffies_to_msecs(-1UL) where the kernel gives
// 4294967292, and moved __usecs_to_jiffies()'s limit). Pure functions,
// called straight at their addresses in the kernel side.
TEST(Timing, JiffiesConvertAsTheKernelsDo) {
  Environment& env = environment("6.12");
  const auto at = [&](const char* name) {
    const auto a = env.image().symbol_address(name);
    EXPECT_TRUE(a) << name;
    return a ? *a : 0;
  };
  using ToTime = unsigned int (*)(unsigned long);
  using ToJiffies = unsigned long (*)(unsigned int);
  const auto msecs = reinterpret_cast<ToTime>(at("jiffies_to_msecs"));
  const auto usecs = reinterpret_cast<ToTime>(at("jiffies_to_usecs"));
  const auto from_usecs = reinterpret_cast<ToJiffies>(at("__usecs_to_jiffies"));
  ASSERT_TRUE(msecs && usecs && from_usecs);
  EXPECT_EQ(msecs(250), 1000u);
  EXPECT_EQ(usecs(1), 4000u);
  EXPECT_EQ(msecs(~0UL), 4294967292u);
  constexpr unsigned long kMaxJiffyOffset = (LONG_MAX >> 1) - 1;  // include/linux/jiffies.h
  EXPECT_EQ(usecs(kMaxJiffyOffset), 4294959296u);
  // Between the two limits: u / 4000 jiffies, rounded up, not MAX_JIFFY_OFFSET.
  EXPECT_EQ(from_usecs(1'000'000'000u), 250'000u);
  EXPECT_EQ(from_usecs(4'294'967'295u), kMaxJiffyOffset);
}

// phylib's poll (PHY_STATE_TIME: HZ jiffies, 250 at HZ=250) runs where the
// kernel's timer wheel runs it: its delay is on the wheel's second level (8
// jiffies per bucket), so on the first multiple of 8 jiffies after the
// expiry, never early: every 1.024 s, not every second. With 1 ms MDIO
// frames the work re-arms after its reads, from jiffies that followed them.
TEST(Timing, ThePollRunsOnTheTimerWheelsTick) {
  Environment& env = environment("6.12");
  for (const char* frame : {"0", "1ms"}) {
    auto sc = parse_scenario(fmt::format("name: poll\nmodels: [AX88772C]\npartner: switch-10-100\nmdio-frame: {}\n"
                                         "steps:\n  - attach\n  - start\n  - wait: 5s\n",
                                         frame),
                             "poll.yaml");
    ASSERT_TRUE(sc) << sc.error().message;
    const RunResult r = run_scenario(env, *sc, "AX88772C", Impl::kC);
    ASSERT_TRUE(r.passed()) << r.failure_summary();
    // The first access of each poll after start: a gap of more than 0.5 s.
    std::vector<std::uint64_t> polls;  // in microseconds
    std::uint64_t last = 0;
    for (const auto& e : r.trace.events()) {
      if (e.kind != TraceKind::kMdioRead && e.kind != TraceKind::kMdioWrite) continue;
      if (last && e.time_ns - last > 500'000'000) polls.push_back(e.time_ns / 1000);
      last = e.time_ns;
    }
    // Start's status read ends at 0.056 s without frames (tick 14: the
    // re-arm's expiry is tick 264, a multiple of 8, so its bucket is tick
    // 272, 1.088 s), at 0.076 s with them (tick 19: 269, bucket 272, the
    // access done 1 ms later). Then every 256 ticks. The last gap is the
    // run's end (phy_disconnect after the wait).
    ASSERT_EQ(polls.size(), 5u) << frame;
    polls.pop_back();
    if (std::string_view(frame) == "0")
      EXPECT_THAT(polls, ElementsAre(1'088'000, 2'112'000, 3'136'000, 4'160'000)) << frame;
    else
      EXPECT_THAT(polls, ElementsAre(1'089'000, 2'113'000, 3'137'000, 4'161'000)) << frame;
  }
}

// The wire does not wait for kernel code that sleeps: after start, the
// AX88772A's link_change_notify resets the PHY on NOLINK, sleeping from
// 0.056 s to 0.112 s; an unplug 20 ms after start happens at 0.076 s, in
// the middle of it (the step's marker, written when the scenario gets there,
// says so), and the waits count from the scenario's clock: the run ends at
// 0.176 s. Steps used to wait for the kernel side (unplug at 0.132 s, end at
// 0.232 s).
TEST(Timing, ACableStepHappensWhileKernelCodeSleeps) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario(
      "name: unplug-during-reset\nmodels: [AX88772A]\npartner: forced-100-full\nsteps:\n  - attach\n"
      "  - start\n  - wait: 20ms\n  - unplug\n  - wait: 100ms\n",
      "unplug.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  const RunResult r = run_scenario(env, *sc, "AX88772A", Impl::kC);
  ASSERT_TRUE(r.passed()) << r.failure_summary();
  const std::string text = r.trace.format({});
  EXPECT_THAT(text, ::testing::HasSubstr("   0.112000  ret    soft_reset() = 0"));
  EXPECT_THAT(text, ::testing::HasSubstr("   0.112000  step   unplug at 0.076000 s"));
  EXPECT_THAT(text, ::testing::HasSubstr("   0.176000  api    phy_disconnect()"));
}

// A Clause-45-only PHY on a Clause-45 bus (the generic-c45 model, an ID no
// driver has): the real phylib finds it by its devices in package, binds
// "Generic Clause 45 PHY" at attach, negotiates through the AN MMD and reads
// the link from the PMA/PMD, as IEEE 802.3 clause 45 and phy-c45.c say. The
// whole MDIO sequence of the run, pinned.
TEST(GenericC45, TheRealPhylibScansBindsNegotiatesAndPollsAClause45Phy) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario(
      "name: c45\nmodels: [generic-c45]\npartner: switch-gigabit\nsteps:\n"
      "  - attach: {returns: 0}\n"
      "  - expect: {bound: true, driver: \"Generic Clause 45 PHY\"}\n"
      "  - start\n"
      "  - wait: 4s\n"
      "  - expect: {link: up, speed: 100, duplex: full, carrier: on, state: RUNNING}\n"
      "  - unplug\n"
      "  - wait: 1s\n"
      "  - expect: {link: down, carrier: off, state: NOLINK}\n",
      "c45.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  const RunResult r = run_scenario(env, *sc, "generic-c45", Impl::kC);
  ASSERT_TRUE(r.passed()) << r.failure_summary();
  const auto steps = mdio_by_step(r.trace);
  ASSERT_EQ(steps.size(), 9u);
  using ::testing::ElementsAre;
  // The scan (get_phy_c45_ids): devices in package from the PMA/PMD, then
  // each present MMD's identifier, the vendor MMDs after their status 2.
  EXPECT_THAT(steps[0], ElementsAre("rd 1.0006 0xc000", "rd 1.0005 0x008a", "rd 1.0002 0x0a0b", "rd 1.0003 0x0c30",
                                    "rd 3.0002 0x0a0b", "rd 3.0003 0x0c30", "rd 7.0002 0x0a0b", "rd 7.0003 0x0c30",
                                    "rd 30.0008 0x8000", "rd 30.0002 0x0a0b", "rd 30.0003 0x0c30",
                                    "rd 31.0008 0x8000", "rd 31.0002 0x0a0b", "rd 31.0003 0x0c30"));
  // Attach, the generic driver's probe (genphy_c45_pma_read_abilities): AN
  // ability, extended abilities, 10/100, the EEE capability (none).
  EXPECT_THAT(steps[1], ElementsAre("rd 7.0001 0x0008", "rd 1.0008 0x8200", "rd 1.000b 0x0180", "rd 3.0014 0x0000"));
  // Start: genphy_c45_config_aneg writes the advertisement only if it
  // changes (it does not: 10/100 with the selector; the MAC asked no pause),
  // finds AN enabled and does not restart; then the first status read.
  const std::vector<std::string> start(steps[3].begin(), steps[3].begin() + std::min<std::size_t>(6, steps[3].size()));
  EXPECT_THAT(start, ElementsAre("rd 1.000b 0x0180", "rd 7.0010 0x01e1", "rd 7.0020 0x0000", "rd 7.0000 0x1000",
                                 "rd 7.0000 0x1000", "rd 1.0001 0x0002"));
  // Each poll once the link is up (the polls every 1.024 s, the timer
  // wheel's, the link up at 1.6 s: the last poll here is the second to see
  // it, so AN status's page received, latched at the negotiation, was read
  // before): AN control (restart?), the PMA/PMD's link, AN status, the
  // partner's base page and multi-gigabit status.
  const auto& wait = steps[4];
  ASSERT_GE(wait.size(), 5u);
  EXPECT_THAT(std::vector<std::string>(wait.end() - 5, wait.end()),
              ElementsAre("rd 7.0000 0x1000", "rd 1.0001 0x0006", "rd 7.0001 0x002d", "rd 7.0013 0x4de1",
                          "rd 7.0021 0x0000"));
}

// Issue 17: CONFIG_BUG=y, and x86's ud2-based WARN and BUG handled as the
// kernel's trap handler does. Each trap runs in code compiled with the
// kernel's flags (REFDRV_OP_SELFTEST_TRAP, emul/bug.c).
class Traps : public ::testing::Test {
 protected:
  // A fresh instance with one PHY, and the result of the trap of `kind`.
  CallResult trap(int kind) {
    rig_ = make_rig(environment("6.12"), "generic", "", Impl::kC);
    return rig_.inst->op(REFDRV_OP_SELFTEST_TRAP, kind);
  }
  std::vector<std::string> log() const {
    std::vector<std::string> out;
    for (const auto& l : rig_.inst->log_lines()) out.push_back(l.text);
    return out;
  }
  Rig rig_;
};

// Issue 17: every store to phydev->state is seen (a hardware watchpoint,
// else the store hooks check's build has too), also a state entered and left
// with no sample in between; with watching switched off
// (REFDRV_STATE_WATCH=off) the same blip goes unseen, and the instance says
// its states were sampled. Where watchpoints are granted but never fire (a
// Firecracker VM), or with REFDRV_STATE_WATCH=hooks, the store hooks watch
// and the instance says why: it never claims a watch it does not have.
TEST(StateWatch, AStateEnteredAndLeftBetweenTwoSamplesIsInTheTrace) {
  const std::string unavailable = watch::unavailable_reason();
  struct Seen {
    std::vector<std::string> states;
    std::string sampled_because, hooks_because;
  };
  auto blips = [](const char* mode) {
    if (mode) ::setenv("REFDRV_STATE_WATCH", mode, 1);
    Rig rig = make_rig(environment("6.12"), "generic", "", Impl::kC);
    EXPECT_TRUE(rig.inst->op(REFDRV_OP_ATTACH, rig.addr).ok());
    Seen seen;
    seen.sampled_because = rig.inst->sampled_because();
    seen.hooks_because = rig.inst->hooks_because();
    const std::size_t from = rig.inst->trace().events().size();
    EXPECT_EQ(rig.inst->op(REFDRV_OP_SELFTEST_TRAP, REFDRV_SELFTEST_STATE_BLIP).ret, 0);
    const auto& ev = rig.inst->trace().events();
    for (std::size_t i = from; i < ev.size(); ++i)
      if (ev[i].kind == TraceKind::kState) seen.states.push_back(ev[i].detail + "->" + ev[i].name);
    ::unsetenv("REFDRV_STATE_WATCH");
    return seen;
  };
  ASSERT_TRUE(environment("6.12").built().store_hooks) << "every build has the store hooks";
  ASSERT_FALSE(environment("6.12").image().hooks_first()) << "check's build watches with the hardware first";
  const Seen watched = blips(nullptr);
  EXPECT_THAT(watched.states, ElementsAre("READY->HALTED", "HALTED->READY"));
  EXPECT_EQ(watched.sampled_because, "");
  EXPECT_EQ(watched.hooks_because, unavailable) << "the hooks watch exactly where the hardware cannot";
  const Seen hooked = blips("hooks");
  EXPECT_THAT(hooked.states, ElementsAre("READY->HALTED", "HALTED->READY"));
  EXPECT_EQ(hooked.sampled_because, "");
  EXPECT_EQ(hooked.hooks_because, "REFDRV_STATE_WATCH=hooks");
  const Seen off = blips("off");
  EXPECT_THAT(off.states, IsEmpty());
  EXPECT_EQ(off.sampled_because, "REFDRV_STATE_WATCH=off");
  EXPECT_EQ(off.hooks_because, "");
}

TEST_F(Traps, WarnOnOncePrintsTheWarningOnceTaintsAndExecutionGoesOn) {
  for (int boot = 0; boot < 2; ++boot) {  // once per instance: each is a fresh boot
    const CallResult r = trap(REFDRV_SELFTEST_WARN_ON_ONCE);
    ASSERT_FALSE(r.stop) << *r.stop;
    EXPECT_EQ(r.ret, 0);
    const auto warns = events_of(rig_.inst->trace(), {TraceKind::kWarn});
    ASSERT_EQ(warns.size(), 1u) << "boot " << boot;
    EXPECT_EQ(warns[0].name, "WARNING");
    EXPECT_THAT(warns[0].detail, ::testing::MatchesRegex(".*emul/bug\\.c:[0-9]+"));
    EXPECT_EQ(warns[0].value, 9);  // TAINT_WARN
    const auto lines = log();
    EXPECT_THAT(lines, ::testing::Contains("------------[ cut here ]------------"));
    EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex(
                           "WARNING: CPU: 0 PID: 0 at .*emul/bug\\.c:[0-9]+ emul_selftest_warn_once\\+0x[0-9a-f]+/0x[0-9a-f]+")));
    // The taint comes after the report, as in the kernel's __warn(): the
    // first WARN of a boot says "Not tainted" (a fresh boot: both times).
    EXPECT_THAT(lines, ::testing::Contains(::testing::HasSubstr("Comm: refdrv Not tainted")));
    EXPECT_THAT(lines, ::testing::Not(::testing::Contains(::testing::HasSubstr("Tainted: G"))));
    EXPECT_THAT(lines, ::testing::Contains("---[ end trace 0000000000000000 ]---"));
  }
}

// WARN_ONCE() keeps its flag apart from the bug table (DO_ONCE_LITE, the
// .data..once section): each instance, a fresh boot, warns once too, not only
// the first of the process (the flags were not cleared before).
TEST_F(Traps, WarnOncePrintsItsMessageOncePerInstance) {
  for (int boot = 0; boot < 3; ++boot) {
    const CallResult r = trap(REFDRV_SELFTEST_WARN_ONCE);
    ASSERT_FALSE(r.stop) << *r.stop;
    EXPECT_EQ(r.ret, 0);
    EXPECT_EQ(events_of(rig_.inst->trace(), {TraceKind::kWarn}).size(), 1u) << "boot " << boot;
    const auto lines = log();
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "refdrv selftest: WARN_ONCE"), 1) << "boot " << boot;
  }
}

// A delayed work never set up: cancelled with cancel_delayed_work_sync()
// it warns as __flush_work() does, queued with a delay it warns as
// __queue_delayed_work() does (its timer has no function, its list entry
// was never initialised), and it never runs: the kernel's timer code
// discards a timer without a function. The emulation used to say nothing
// and then call through the NULL function when the timer fired (a review,
// 2026-12-07).
TEST_F(Traps, AWorkNeverSetUpWarnsAsTheKernelDoesAndNeverRuns) {
  const CallResult r = trap(REFDRV_SELFTEST_UNINIT_WORK);
  ASSERT_FALSE(r.stop) << *r.stop;
  EXPECT_EQ(r.ret, 0);
  EXPECT_EQ(events_of(rig_.inst->trace(), {TraceKind::kWarn}).size(), 3u)
      << "__flush_work()'s WARN_ON(!work->func), and two of __queue_delayed_work()'s";
  rig_.inst->run_for(1'000'000'000);
  EXPECT_FALSE(rig_.inst->stopped()) << "the work never ran";
}

// A timer whose expiry is already past runs on the next tick, as the
// kernel's wheel puts it in the base clock's bucket for the next softirq;
// it ran at once, in the tick it was armed in (a review, 2026-12-07).
TEST_F(Traps, ATimerArmedInThePastRunsOnTheNextTick) {
  const CallResult r = trap(REFDRV_SELFTEST_PAST_TIMER);
  ASSERT_FALSE(r.stop) << *r.stop;
  EXPECT_THAT(log(), ::testing::Not(::testing::Contains(::testing::HasSubstr("refdrv selftest: timer"))))
      << "not in the tick it was armed in";
  rig_.inst->run_for(100'000'000);
  unsigned long armed = 0, ran = 0;
  for (const auto& l : log())
    if (std::sscanf(l.c_str(), "refdrv selftest: timer armed at jiffy %lu ran at %lu", &armed, &ran) == 2) break;
  ASSERT_NE(armed, 0u);
  EXPECT_EQ(ran, armed + 1);
}

// schedule_timeout() of a task still TASK_RUNNING returns at once with the
// whole timeout left, as the kernel's (schedule() does not take a runnable
// task off the run queue): a driver that forgot set_current_state() waits
// no time on a kernel, and waited the whole timeout here (a review,
// 2026-12-07). After a real sleep the task is running again.
TEST_F(Traps, ScheduleTimeoutOfARunningTaskDoesNotSleep) {
  const CallResult r = trap(REFDRV_SELFTEST_SCHEDULE_TIMEOUT_STATE);
  ASSERT_FALSE(r.stop) << *r.stop;
  EXPECT_EQ(r.ret, 0);
  long r1 = -1, r2 = -1, r3 = -1;
  unsigned long j1 = 99, j2 = 0, j3 = 99;
  for (const auto& l : log())
    if (std::sscanf(l.c_str(),
                    "refdrv selftest: schedule_timeout running %ld after %lu jiffies, uninterruptible %ld after %lu, "
                    "then running %ld after %lu",
                    &r1, &j1, &r2, &j2, &r3, &j3) == 6)
      break;
  EXPECT_EQ(r1, 10);
  EXPECT_EQ(j1, 0u);
  EXPECT_EQ(r2, 0);
  EXPECT_GE(j2, 10u);
  EXPECT_EQ(r3, 10);
  EXPECT_EQ(j3, 0u);
}

// devres_release_all() releases newest first, after taking the list off
// the device as the kernel's remove_nodes() does: a release that
// devm_kfree()s another of the device's resources finds none and WARNs, as
// in the kernel; the emulation found it on the live list and freed it,
// silently (a review, 2026-12-07).
TEST_F(Traps, DevresReleasesNewestFirstFromAListTakenOffTheDevice) {
  const CallResult r = trap(REFDRV_SELFTEST_DEVRES_RELEASE);
  ASSERT_FALSE(r.stop) << *r.stop;
  EXPECT_EQ(r.ret, 0);
  std::vector<std::string> released;
  for (const auto& l : log())
    if (l.starts_with("refdrv selftest: devres release ")) released.push_back(l.substr(l.size() - 1));
  EXPECT_THAT(released, ::testing::ElementsAre("B", "A"));
  EXPECT_EQ(events_of(rig_.inst->trace(), {TraceKind::kWarn}).size(), 1u) << "devm_kfree()'s WARN_ON";
}

// The locking and workqueue checks the emulation claims (emul/locking.c,
// emul/workqueue.c), each reached by kernel-side code: a mutex taken twice
// by one context, one released that nobody holds, a work item that waits
// for itself stop the run; a delayed work queued again while pending is
// not re-armed, mod_delayed_work() re-arms it (no test reached them before
// a review, 2026-12-07).
TEST_F(Traps, LockingMistakesTheKernelWouldHangInStopTheRun) {
  const struct {
    int kind;
    const char* stop;
  } cases[] = {
      {REFDRV_SELFTEST_MUTEX_TWICE, "already held by this context: deadlock"},
      {REFDRV_SELFTEST_MUTEX_UNLOCK_UNHELD, "of a mutex this context does not hold"},
  };
  for (const auto& c : cases) {
    const CallResult r = trap(c.kind);
    ASSERT_TRUE(r.stop) << c.stop;
    EXPECT_THAT(*r.stop, ::testing::HasSubstr(c.stop));
  }
  const CallResult r = trap(REFDRV_SELFTEST_WORK_CANCELS_ITSELF);
  ASSERT_FALSE(r.stop) << *r.stop;
  rig_.inst->run_for(100'000'000);
  ASSERT_TRUE(rig_.inst->stopped());
  EXPECT_THAT(*rig_.inst->stop_reason(),
              ::testing::HasSubstr("cancel_work_sync() called from the work item it waits for"));
}

TEST_F(Traps, ADelayedWorkQueuedAgainIsNotReArmedAndModDelayedWorkIs) {
  const CallResult r = trap(REFDRV_SELFTEST_DELAYED_WORK_REQUEUE);
  ASSERT_FALSE(r.stop) << *r.stop;
  rig_.inst->run_for(1'000'000'000);
  std::vector<std::string> ran;
  for (const auto& l : log())
    if (l.starts_with("refdrv selftest: delayed work")) ran.push_back(l);
  ASSERT_EQ(ran.size(), 1u) << "it runs once";
  unsigned long queued = 0, at = 0;
  int again = -1, mod = -1;
  ASSERT_EQ(std::sscanf(ran[0].c_str(),
                        "refdrv selftest: delayed work queued at jiffy %lu ran at %lu (queue again: %d, mod: %d)",
                        &queued, &at, &again, &mod),
            4);
  EXPECT_EQ(again, 0) << "queue_delayed_work() of a pending work returns false";
  EXPECT_EQ(mod, 1) << "mod_delayed_work() of a pending work returns true";
  EXPECT_GE(at, queued + 20) << "re-armed by mod_delayed_work(), not left at 1 or 10 jiffies";
  EXPECT_LE(at, queued + 21);
}

// A message with two level prefixes is logged at the first, as
// printk_parse_prefix() takes it (the last one won).
TEST_F(Traps, TheFirstLevelPrefixOfAMessageIsItsLevel) {
  const CallResult r = trap(REFDRV_SELFTEST_PRINTK_TWO_LEVELS);
  ASSERT_FALSE(r.stop) << *r.stop;
  int level = -1;
  for (const auto& l : rig_.inst->log_lines())
    if (l.text == "refdrv selftest: two levels") level = l.level;
  EXPECT_EQ(level, 3);
}

TEST_F(Traps, BugStopsTheInstanceNamingFileAndLine) {
  const CallResult r = trap(REFDRV_SELFTEST_BUG);
  ASSERT_TRUE(r.stop);
  EXPECT_THAT(*r.stop, ::testing::MatchesRegex("kernel BUG at .*emul/bug\\.c:[0-9]+!.*"));
  EXPECT_THAT(log(), ::testing::Contains(::testing::HasSubstr("kernel BUG at")));
  EXPECT_TRUE(rig_.inst->stopped());
}

TEST_F(Traps, DivideErrorNullDereferenceAndStrayUd2AreOopsesWithTheirSymbol) {
  const struct {
    int kind;
    const char* what;
  } cases[] = {
      {REFDRV_SELFTEST_DIVIDE_ERROR, "divide error (SIGFPE)"},
      {REFDRV_SELFTEST_NULL_DEREF, "page fault (SIGSEGV)"},
      {REFDRV_SELFTEST_INVALID_OPCODE, "invalid opcode"},
  };
  for (const auto& c : cases) {
    const CallResult r = trap(c.kind);
    ASSERT_TRUE(r.stop) << c.what;
    EXPECT_THAT(*r.stop, ::testing::HasSubstr(c.what));
    EXPECT_THAT(*r.stop, ::testing::HasSubstr("emul_selftest_trap+0x"));
  }
  // The process and the image are fine: the next instance runs.
  EXPECT_FALSE(trap(REFDRV_SELFTEST_WARN_ON_ONCE).stop);
}

// phylib's own WARN: phy_error_precise() names the callback that failed and
// its error, the way a kernel log shows it, on every implementation.
TEST_P(Qt2025, PhylibsWarnOnAFailedCallbackIsTracedWithTheKernelsText) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario(R"(name: w
models: [QT2025]
partner: 10gbase-sr
steps:
  - attach
  - start
  - wait: 2s
  - fault: {kind: read-error, register: 1.0x0001, nth: 0}
  - wait: 2s
)", "w.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  const RunResult r = run_scenario(env, *sc, "QT2025", GetParam());
  ASSERT_FALSE(r.stop) << *r.stop;
  const auto warns = events_of(r.trace, {TraceKind::kWarn});
  ASSERT_EQ(warns.size(), 1u);
  EXPECT_EQ(warns[0].detail, "drivers/net/phy/phy.c:1313");
  std::vector<std::string> logs;
  for (const auto& e : events_of(r.trace, {TraceKind::kLog})) logs.push_back(e.detail);
  EXPECT_THAT(logs, ::testing::Contains(::testing::MatchesRegex(
                        "WARNING: CPU: 0 PID: 0 at drivers/net/phy/phy.c:1313 _phy_state_machine\\+0x[0-9a-f]+/0x[0-9a-f]+")));
  EXPECT_THAT(logs, ::testing::Contains(::testing::EndsWith(": returned: -5")));
}

// mii-read/mii-write of a Clause-45 register: SIOCGMIIREG/SIOCSMIIREG with
// the ioctl's own Clause-45 phy_id (mdio_phy_id_c45), which phy_mii_ioctl()
// turns into Clause-45 accesses of that MMD, as phytool's are.
TEST_P(Qt2025, MiiIoctlsReachAClause45RegisterAsPhytoolsDo) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario(R"(name: m
models: [QT2025]
partner: 10gbase-sr
steps:
  - attach
  - mii-read: {register: 1.0xd001, returns: 0xb300}
  - mii-write: {register: 3.0xe854, value: 0x00c0, returns: 0}
)", "m.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  const RunResult r = run_scenario(env, *sc, "QT2025", GetParam());
  ASSERT_FALSE(r.stop) << *r.stop;
  for (const auto& e : r.expectations) EXPECT_TRUE(e.ok) << e.where << ": " << e.message;
  std::vector<std::string> mdio, api;
  bool in_ioctl = false;
  for (const auto& e : r.trace.events()) {
    if (e.kind == TraceKind::kApiEnter) in_ioctl = e.name.view().starts_with("phy_mii_ioctl");
    if (in_ioctl && e.kind == TraceKind::kApiEnter) api.push_back(format_event(e));
    if (in_ioctl && (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite)) mdio.push_back(format_event(e));
  }
  ASSERT_EQ(mdio.size(), 2u);
  EXPECT_THAT(mdio[0], ::testing::HasSubstr("rd phy:0x01 dev:0x01 reg:0xd001"));
  EXPECT_THAT(mdio[1], ::testing::HasSubstr("wr phy:0x01 dev:0x03 reg:0xe854"));
  // The call as written once: phy_mii_ioctl(SIOCGMIIREG)() it was.
  ASSERT_EQ(api.size(), 2u);
  EXPECT_THAT(api[0], ::testing::EndsWith("api    phy_mii_ioctl(SIOCGMIIREG)"));
  EXPECT_THAT(api[1], ::testing::EndsWith("api    phy_mii_ioctl(SIOCSMIIREG)"));
}

}  // namespace
}  // namespace refdrv::test
