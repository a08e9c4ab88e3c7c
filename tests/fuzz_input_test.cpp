// SPDX-License-Identifier: GPL-2.0
// The fuzz input format (any bytes are a valid, replayable scenario; the
// default suite encodes into seeds) and the shrinker, without a kernel.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "engine/fuzz.hpp"
#include "engine/fuzz_input.hpp"
#include "engine/shrink.hpp"
#include "engine/suite.hpp"

namespace refdrv {
namespace {

TEST(FuzzInput, AnyBytesDecodeIntoAScenarioThatReadsBackFromYaml) {
  std::mt19937_64 rng(12345);
  std::size_t steps = 0;
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::uint8_t> bytes(rng() % 96);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    const Scenario s = decode_fuzz_input(bytes);
    ASSERT_EQ(s.models.size(), 1u);
    ASSERT_LE(s.steps.size(), FuzzLimits{}.max_steps);
    const std::string yaml = scenario_to_yaml(s, s.steps.size());
    auto again = parse_scenario(yaml, "fuzz.yaml");
    ASSERT_TRUE(again) << again.error().message << "\n" << yaml;
    ASSERT_EQ(scenario_to_yaml(without_sources(*again), again->steps.size()), yaml);
    // Decoding is a function of the bytes.
    ASSERT_EQ(scenario_to_yaml(decode_fuzz_input(bytes), s.steps.size()), yaml);
    steps += s.steps.size();
  }
  EXPECT_GT(steps, 10000u);
}

TEST(FuzzInput, TheEmptyInputIsAnAx88772aWithNothingToDo) {
  const Scenario s = decode_fuzz_input({});
  EXPECT_EQ(s.models, std::vector<std::string>{"AX88772A"});
  EXPECT_FALSE(s.partner);
  EXPECT_TRUE(s.steps.empty());
}

// A partner byte from 0x80 is a partner written inline (issue 19), so the
// fuzzer reaches any advertisement and parallel detection, not only the six
// profiles; it is written back inline and replays.
TEST(FuzzInput, InlinePartnersDecodeAndReplay) {
  // model AX88772A, inline partner: not negotiating, 10-full; seed; then a
  // plug of an inline partner: negotiating with pause and a PHY ID,
  // advertising 10-half and 100-full.
  const std::vector<std::uint8_t> bytes = {0, 0x80, 0x00, 0x00, 0x01, 0};
  const Scenario s = decode_fuzz_input(bytes);
  ASSERT_TRUE(s.partner);
  EXPECT_FALSE(s.partner->negotiates);
  EXPECT_EQ(s.partner->forced_mode, hw::Mode::k10Full);
  Scenario with_plug = s;
  Step plug;
  plug.kind = Step::Kind::kPlug;
  plug.partner = inline_partner(true, hw::ModeSet{hw::Mode::k10Half, hw::Mode::k100Full}, hw::Mode::k100Full, true,
                                false, false, false, 0x00221556u);
  with_plug.steps.push_back(plug);
  const Scenario back = decode_fuzz_input(encode_fuzz_input(with_plug));
  ASSERT_EQ(back.steps.size(), 1u);
  EXPECT_EQ(back.partner, s.partner);
  EXPECT_EQ(back.steps[0].partner, plug.partner);
  const std::string yaml = scenario_to_yaml(back, 1);
  EXPECT_THAT(yaml, ::testing::HasSubstr("partner: {autoneg: false, speed: 10, duplex: full}"));
  EXPECT_THAT(yaml, ::testing::HasSubstr("- plug: {advertise: [10-half, 100-full, pause], phy-id: 0x00221556}"));
  auto replayed = parse_scenario(yaml, "finding.yaml");
  ASSERT_TRUE(replayed) << replayed.error().message;
  EXPECT_EQ(replayed->steps[0].partner, plug.partner);
}

TEST(FuzzInput, DefaultScenariosEncodeIntoSeedsThatDecodeToTheirSteps) {
  auto suite = load_default_suite();
  ASSERT_TRUE(suite);
  std::size_t encoded = 0;
  std::size_t other_groups = 0;
  for (const auto& original : *suite) {
    // The fuzz format covers the Asix group's models (fuzz_models()); the
    // QT2025 scenarios and the generic-PHY one are left out of it.
    const auto fm = fuzz_models();
    if (std::find(fm.begin(), fm.end(), original.models.front()) == fm.end()) {
      ++other_groups;
      continue;
    }
    Scenario s = original;
    s.models = {original.models.front()};
    const Scenario d = decode_fuzz_input(encode_fuzz_input(s));
    // What the format keeps: model, revision, partner, seed, and every step
    // but expectations, without `returns` (not the scenario's faults, nor
    // its timing: the fuzzer's inputs run on the models' own times).
    Scenario want = without_sources(s);
    want.steps.clear();
    for (const auto& st : s.steps) {
      if (st.kind == Step::Kind::kExpect) continue;
      Step k = st;
      k.source = YAML::Node();
      k.returns.reset();
      want.steps.push_back(k);
    }
    want.name = d.name;
    want.description = d.description;
    want.tags = d.tags;
    want.faults.clear();
    want.timing = {};
    if (want.phy_id == 0x003b1841u) want.phy_id.reset();  // the AX88796B's own ID, written out
    EXPECT_EQ(scenario_to_yaml(d, d.steps.size()), scenario_to_yaml(want, want.steps.size())) << original.name;
    ++encoded;
  }
  EXPECT_GE(encoded, 30u);
  EXPECT_EQ(other_groups, 7u);  // the six QT2025 scenarios, generic-phy-keeps-the-generic-driver
}

Step step(Step::Kind k, std::uint64_t ns = 0) {
  Step s;
  s.kind = k;
  s.ns = ns;
  return s;
}

TEST(Shrink, DeltaDebuggingKeepsOnlyWhatTheFindingNeeds) {
  Scenario s;
  s.name = "x";
  s.models = {"AX88772A"};
  for (int i = 0; i < 9; ++i) {
    s.steps.push_back(step(Step::Kind::kStart));
    s.steps.push_back(step(Step::Kind::kWait, 100000000));
  }
  s.steps.insert(s.steps.begin() + 7, step(Step::Kind::kUnplug));
  s.steps.push_back(step(Step::Kind::kWait, 8000000000ULL));
  hw::FaultRule f;
  s.faults = {f, f};
  // The "finding": an unplug, later followed by a wait of at least 1 s.
  auto fails = [](const Scenario& c) {
    bool unplugged = false;
    for (const auto& st : c.steps) {
      if (st.kind == Step::Kind::kUnplug) unplugged = true;
      if (unplugged && st.kind == Step::Kind::kWait && st.ns >= 1000000000ULL) return true;
    }
    return false;
  };
  ShrinkStats stats;
  const Scenario m = shrink_scenario(s, fails, &stats);
  ASSERT_EQ(m.steps.size(), 2u);
  EXPECT_EQ(m.steps[0].kind, Step::Kind::kUnplug);
  EXPECT_EQ(m.steps[1].kind, Step::Kind::kWait);
  EXPECT_EQ(m.steps[1].ns, 1000000000ULL);  // halved from 8 s while it still failed
  EXPECT_TRUE(m.faults.empty());
  EXPECT_EQ(stats.steps_before, 20u);
  EXPECT_EQ(stats.steps_after, 2u);
  EXPECT_LT(stats.tests, 200u);
  EXPECT_TRUE(fails(m));
}

// A finding every candidate shows (one at bus registration or probe)
// shrinks to no step at all; the last step was never tried away (a review,
// 2026-12-07).
TEST(Shrink, AFindingThatNeedsNoStepShrinksToNone) {
  Scenario s;
  s.steps = {step(Step::Kind::kWait, 1000000), step(Step::Kind::kStart), step(Step::Kind::kWait, 1000000)};
  const Scenario m = shrink_scenario(s, [](const Scenario&) { return true; });
  EXPECT_TRUE(m.steps.empty());
}

TEST(Shrink, ABudgetOfZeroLeavesTheScenarioAlone) {
  Scenario s;
  s.steps = {step(Step::Kind::kStart), step(Step::Kind::kStop)};
  const Scenario m = shrink_scenario(s, [](const Scenario&) { return true; }, nullptr, 0);
  EXPECT_EQ(m.steps.size(), 2u);
}


// A finding's signature says who disagrees with whom at the first level
// that differs: the implementation that is alone against the others, which
// agree, is named (a bug planted in C used to be "divergence-rust-mdio",
// "C and Rust differ", because Rust was the first to differ from C), and the
// shrinker, which keeps the signature, can no longer swap one divergence for
// another (a review, 2026-12-07).
TEST(FuzzVerdict, TheOddImplementationOutIsNamedAndTheSignatureKeepsWhoAgrees) {
  const std::vector<Impl> three = {Impl::kC, Impl::kRust, Impl::kCxx};
  const auto runs = [](std::array<std::uint64_t, 3> c, std::array<std::uint64_t, 3> rust,
                       std::array<std::uint64_t, 3> cxx) {
    std::vector<RunResult> r(3);
    r[0].digest = c;
    r[1].digest = rust;
    r[2].digest = cxx;
    return r;
  };
  EXPECT_FALSE(judge_runs(three, runs({1, 2, 3}, {1, 2, 3}, {1, 2, 3})).finding);
  const FuzzVerdict c = judge_runs(three, runs({9, 2, 3}, {1, 2, 3}, {1, 2, 3}));
  EXPECT_EQ(c.signature, "divergence-c-mdio");
  EXPECT_EQ(c.description, "C differs from Rust and C++ (which agree): MDIO sequence");
  EXPECT_EQ(judge_runs(three, runs({1, 2, 3}, {1, 9, 3}, {1, 2, 3})).signature, "divergence-rust-events");
  EXPECT_EQ(judge_runs(three, runs({1, 2, 3}, {1, 2, 3}, {1, 2, 9})).signature, "divergence-cxx-outcome");
  const FuzzVerdict all = judge_runs(three, runs({1, 2, 3}, {5, 2, 3}, {7, 2, 3}));
  EXPECT_EQ(all.signature, "divergence-c-rust-cxx-mdio");
  EXPECT_EQ(all.description, "C, Rust, C++ differ: MDIO sequence");
  // The first level decides: C alone at the MDIO level, though C++ alone
  // differs in events.
  EXPECT_EQ(judge_runs(three, runs({9, 2, 3}, {1, 2, 3}, {1, 8, 3})).signature, "divergence-c-mdio");
  const std::vector<Impl> two = {Impl::kC, Impl::kCxx};
  std::vector<RunResult> pair(2);
  pair[1].digest = {0, 4, 0};
  const FuzzVerdict p = judge_runs(two, pair);
  EXPECT_EQ(p.signature, "divergence-cxx-events");
  EXPECT_EQ(p.description, "C and C++ differ: events: states, return codes, link changes, WARNs, log");
}

// A stop at a kernel function refdrv does not emulate is its gap, not the
// code's crash ("crash-c" until a review, 2026-12-07): the verdict says so
// (gap), and any other stop or leak, of any run, is still the finding.
TEST(FuzzVerdict, AStopAtAnUnemulatedFunctionIsAGapNotACrash) {
  const std::vector<Impl> three = {Impl::kC, Impl::kRust, Impl::kCxx};
  std::vector<RunResult> runs(3);
  runs[0].stop = "unemulated kernel function dump_stack() was called (refdrv has a stub for it)";
  runs[0].digest = {1, 1, 1};
  const FuzzVerdict gap = judge_runs(three, runs);
  EXPECT_TRUE(gap.finding);
  EXPECT_TRUE(gap.gap);
  EXPECT_EQ(gap.signature, "unemulated-dump_stack");
  EXPECT_THAT(gap.description, ::testing::HasSubstr("C implementation called dump_stack(), which refdrv does not "
                                                    "emulate: the runs were not compared"));
  runs[2].leaked_bytes = 64;
  const FuzzVerdict leak = judge_runs(three, runs);
  EXPECT_FALSE(leak.gap);
  EXPECT_EQ(leak.signature, "leak-cxx");
  runs[2].leaked_bytes = 0;
  runs[1].stop = "kernel oops: NULL pointer dereference";
  const FuzzVerdict crash = judge_runs(three, runs);
  EXPECT_FALSE(crash.gap);
  EXPECT_EQ(crash.signature, "crash-rust");
}

// A reproducer's replay command carries the wall-clock budget its finding
// was judged with (refdrv fuzz's 10 s, or --wall-budget's), not refdrv run's
// 30 s: a hang found at 2 ms passed at 30 s (a review, 2026-12-07).
TEST(FuzzVerdict, TheReplayCommandKeepsTheWallClockBudget) {
  EXPECT_EQ(wall_budget_option(SupervisorOptions{}), "");
  SupervisorOptions o;
  o.wall_seconds = 10;
  EXPECT_EQ(wall_budget_option(o), " --wall-budget 10");
  o.wall_seconds = 0.002;
  EXPECT_EQ(wall_budget_option(o), " --wall-budget 0.002");
}

}  // namespace
}  // namespace refdrv
