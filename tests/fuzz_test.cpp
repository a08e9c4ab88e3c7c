// SPDX-License-Identifier: GPL-2.0
// Differential fuzzing on the real phylib: the seeds are quiet, decoding and
// running is deterministic (in process and forked), and a real divergence
// becomes a shrunk scenario that replays.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <random>

#include "engine/compare.hpp"
#include "engine/fuzz.hpp"
#include "engine/fuzz_input.hpp"
#include "engine/suite.hpp"
#include "host/store_watch.hpp"
#include "tests/test_support.hpp"

namespace refdrv::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(Fuzz, EverySeedOfTheDefaultSuiteRunsEquivalentlyOnAllThreeImplementations) {
  Environment& env = environment("6.12");
  const auto suite = load_default_suite();
  ASSERT_TRUE(suite);
  const std::vector<Impl> impls = {Impl::kC, Impl::kRust, Impl::kCxx};
  std::size_t seeds = 0;
  for (const auto& sc : *suite)
    for (const auto& model : sc.models) {
      Scenario one = sc;
      one.models = {model};
      const Scenario decoded = decode_fuzz_input(encode_fuzz_input(one));
      std::vector<RunResult> runs;
      const FuzzVerdict v = judge_in_process(env, decoded, impls, &runs);
      EXPECT_FALSE(v.finding) << sc.name << " on " << model << ": " << v.description;
      EXPECT_GT(runs[0].mdio_accesses, 0u);
      ++seeds;
    }
  EXPECT_GE(seeds, 80u);
}

TEST(Fuzz, TheSameInputGivesByteIdenticalTracesInProcessForkedAndAgain) {
  Environment& env = environment("6.12");
  std::mt19937_64 rng(7);
  for (int i = 0; i < 40; ++i) {
    std::vector<std::uint8_t> bytes(24 + rng() % 40);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    auto sc = std::make_shared<const Scenario>(decode_fuzz_input(bytes));
    RunOptions ro;
    ro.logs = false;
    const RunResult a = run_scenario(env, *sc, sc->models[0], Impl::kRust, ro);
    const RunResult b = run_scenario(env, *sc, sc->models[0], Impl::kRust, ro);
    SupervisorOptions forked;
    const RunResult c = run_contained(env, {sc, sc->models[0], Impl::kRust, ro}, forked);
    ASSERT_EQ(a.trace.format(), b.trace.format()) << i;
    ASSERT_EQ(a.trace.format(), c.trace.format()) << i;
    ASSERT_EQ(a.digest, c.digest) << i;
  }
}

TEST(Fuzz, ARealDivergenceIsShrunkToTheStepThatShowsItAndReplays) {
  EnvironmentOptions eo = env_options();
  eo.overlay = altered_driver_overlay();
  eo.quiet = true;
  auto env = Environment::open(eo);
  ASSERT_TRUE(env) << env.error().message;
  // A seed: the link-up scenario on the AX88796B, with everything after it.
  const auto suite = load_default_suite();
  Scenario seed;
  for (const auto& s : *suite)
    if (s.name == "unplug-replug") seed = s;
  seed.models = {"AX88796B"};
  const Scenario decoded = decode_fuzz_input(encode_fuzz_input(seed));
  ASSERT_GT(decoded.steps.size(), 4u);
  ReproduceOptions ro;
  ro.impls = {Impl::kC, Impl::kCxx};
  ro.out_dir = (fs::temp_directory_path() / ("refdrv-fuzz-" + std::to_string(::getpid()))).string();
  ro.origin = "test input";
  const Reproducer r = reproduce_finding(**env, decoded, ro);
  ASSERT_TRUE(r.verdict.finding);
  EXPECT_EQ(r.verdict.signature, "divergence-cxx-mdio");
  // The altered C driver differs as soon as it resets the PHY: at attach.
  ASSERT_EQ(r.scenario.steps.size(), 1u);
  EXPECT_EQ(r.scenario.steps[0].kind, Step::Kind::kAttach);
  EXPECT_EQ(r.stats.steps_before, decoded.steps.size());
  ASSERT_TRUE(fs::exists(r.path));
  auto replay = load_scenario(r.path);
  ASSERT_TRUE(replay) << replay.error().message;
  const RunResult a = run_scenario(**env, *replay, "AX88796B", Impl::kC);
  const RunResult b = run_scenario(**env, *replay, "AX88796B", Impl::kCxx);
  auto d = compare(*replay, a, b);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->level, Level::kMdio);
  bool mentions_divergence = false;
  bool names_the_reproducer = false;
  for (const auto& n : r.notes) {
    mentions_divergence |= n.find("first divergence (MDIO sequence)") != std::string::npos;
    // The step where the reproducer has it, not the decoded input's "(fuzz input):L:C".
    names_the_reproducer |= n.find("(attach, " + r.path + ":") != std::string::npos;
  }
  EXPECT_TRUE(mentions_divergence);
  EXPECT_TRUE(names_the_reproducer);
  fs::remove_all(ro.out_dir);
}

// A stop at a kernel function refdrv does not emulate is no verdict on
// what came after it, but a divergence in an earlier step is still the
// finding, as in check (unemulated_gap): it was NOT COMPARED whatever came
// first (a review, 2026-12-07).
TEST(Fuzz, AStopAtAStubDoesNotHideAnEarlierDivergence) {
  Environment& env = environment("6.12");
  const std::uint8_t in[] = {0, 1, 0, 0x00, 0x02, 0x0d, 0x40};  // attach, start, wait 513 ms
  const Scenario s = decode_fuzz_input(in);
  ASSERT_EQ(s.steps.size(), 3u);
  const std::vector<Impl> impls = {Impl::kC, Impl::kCxx};
  std::vector<RunResult> runs;
  for (Impl impl : impls) runs.push_back(run_scenario(env, s, s.models.front(), impl, {}));
  ASSERT_FALSE(judge_runs(impls, runs, &s).finding);
  // C++ stopped at a stub in step 2 (start); its runs so far agree with C's.
  runs[1].stop = "unemulated kernel function dump_stack() was called";
  runs[1].steps_run = 2;
  const FuzzVerdict gap = judge_runs(impls, runs, &s);
  EXPECT_TRUE(gap.gap) << gap.signature;
  EXPECT_EQ(gap.signature, "unemulated-dump_stack");
  // The same, with one of its reads in the attach (step 1) different.
  Trace changed;
  bool flipped = false, in_attach = false;
  for (TraceEvent ev : runs[1].trace.events()) {
    if (ev.kind == TraceKind::kStep) in_attach = ev.value == 0;
    if (in_attach && !flipped && ev.kind == TraceKind::kMdioRead && ev.value >= 0) {
      ev.value ^= 0x0004;  // BMSR's link bit, or another register's bit 2
      flipped = true;
    }
    changed.add(ev);
  }
  ASSERT_TRUE(flipped) << "the attach reads a register";
  runs[1].trace = std::move(changed);
  const FuzzVerdict found = judge_runs(impls, runs, &s);
  EXPECT_FALSE(found.gap);
  EXPECT_TRUE(found.finding);
  EXPECT_EQ(found.signature, "divergence-cxx-mdio");
  EXPECT_THAT(found.description, ::testing::HasSubstr("differ in step 1 (attach), before a stop at a kernel function"));
  EXPECT_TRUE(judge_runs(impls, runs).gap) << "without the scenario: the gap, as before";
}

TEST(Fuzz, AKernelSideCopiedAwayFromItsTreeAndCacheStillRuns) {
  // What OSS-Fuzz's build.sh ships next to the fuzz targets.
  Environment& env = environment("6.12");
  const fs::path dir = fs::temp_directory_path() / ("refdrv-prebuilt-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const fs::path& f : {env.built().object, env.built().symbols, env.built().build_dir / kernel::kManifest,
                            env.built().build_dir / kernel::kIrqSites})
    fs::copy_file(f, dir / f.filename(), fs::copy_options::overwrite_existing);
  {
    auto pre = Environment::open_prebuilt(dir, env_options());
    ASSERT_TRUE(pre) << pre.error().message;
    EXPECT_EQ((*pre)->tree().version, env.tree().version);
    EXPECT_THAT((*pre)->tree().origin, HasSubstr("prebuilt"));
    const auto suite = load_default_suite();
    const Scenario seed = decode_fuzz_input(encode_fuzz_input((*suite)[0]));
    EXPECT_FALSE(judge_in_process(**pre, seed, {Impl::kC, Impl::kRust, Impl::kCxx}).finding);
  }
  fs::remove_all(dir);
  auto none = Environment::open_prebuilt(dir, env_options());
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error().message, HasSubstr("is not a prebuilt kernel side: no refdrv-kernel.json"));
}

TEST(Fuzz, AKernelSideBuiltWithCoverageCountsPhylibAndBothKernelDriversAndBehavesTheSame) {
  Environment& plain = environment("6.12");
  auto cov = fuzzing_environment();
  ASSERT_TRUE(cov) << cov.error().message;
  EXPECT_TRUE((*cov)->built().coverage);
  EXPECT_FALSE(plain.built().coverage);
  EXPECT_NE((*cov)->built().build_dir, plain.built().build_dir);
  // Derived from the plain build: what coverage instruments (phylib, the
  // drivers, the kernel crate) is compiled again, the rest is the plain
  // build's objects (the lib/ helpers, Rust's library crates, the bindings).
  const kernel::BuiltKernel& cb = (*cov)->built();
  EXPECT_EQ(cb.base_build_dir, plain.built().build_dir);
  for (const char* o : {"drivers/net/phy/phy.o", "drivers/net/phy/phy_device.o", "drivers/net/phy/ax88796b.o",
                        "rust/kernel.o", "drivers/net/phy/ax88796b_rust.o"})
    EXPECT_FALSE(cb.inherited.contains(o)) << o;
  for (const char* o : {"rust/core.o", "rust/bindings.o", "lib/vsprintf.o"}) {
    EXPECT_TRUE(cb.inherited.contains(o)) << o;
    EXPECT_EQ(kernel::object_file(cb, o), kernel::object_file(plain.built(), o)) << o;
  }

  const auto suite = load_default_suite();
  ASSERT_TRUE(suite);
  const auto it = std::find_if(suite->begin(), suite->end(),
                               [](const Scenario& s) { return s.name == "link-up-switch-10-100"; });
  ASSERT_NE(it, suite->end());
  RunOptions ro;
  ro.logs = false;
  static std::array<std::uint8_t, kKernelCoverageCounters> counters;
  KernelCoverage coverage(counters, (*cov)->image());
  (*cov)->image().ops().set_coverage(coverage.abi());
  auto hits = [&](Impl impl) {
    coverage.clear_counters();
    const RunResult r = run_scenario(**cov, *it, "AX88772A", impl, ro);
    EXPECT_FALSE(r.stop) << *r.stop;
    // Instrumentation changes no behaviour: the same trace as without it.
    EXPECT_EQ(r.trace.format(), run_scenario(plain, *it, "AX88772A", impl, ro).trace.format()) << impl_name(impl);
    return coverage.hits();
  };
  // The C++ driver is not instrumented (clang's own coverage covers it), so
  // its run counts phylib alone; the C and Rust drivers add their blocks.
  const auto phylib = hits(Impl::kCxx);
  EXPECT_GT(phylib, 200u);
  // A block keeps its counter: the same run sets the same counters.
  const std::vector<std::uint8_t> first(counters.begin(), counters.end());
  EXPECT_EQ(hits(Impl::kCxx), phylib);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), counters.begin()));
  // Counters are given densely, one per block, in the order blocks first
  // ran: so far exactly the first `phylib` ones.
  EXPECT_EQ(coverage.blocks(), phylib);
  EXPECT_EQ(std::count(counters.begin(), counters.begin() + static_cast<long>(phylib), 1), static_cast<long>(phylib));
  const auto c = hits(Impl::kC);
  EXPECT_GT(c, phylib);
  EXPECT_GT(hits(Impl::kRust), phylib);
  EXPECT_GT(coverage.blocks(), c);  // the Rust driver's blocks are its own
  EXPECT_EQ(coverage.missed(), 0u);

  (*cov)->image().ops().set_coverage(nullptr);
  coverage.clear_counters();
  run_scenario(**cov, *it, "AX88772A", Impl::kC, ro);
  EXPECT_EQ(std::count(counters.begin(), counters.end(), 0), static_cast<long>(counters.size()));

  // Fewer counters than blocks: the blocks beyond them are counted as
  // missed, and set no counter (nothing is written out of bounds).
  std::array<std::uint8_t, 64> few{};
  KernelCoverage small(few, (*cov)->image());
  (*cov)->image().ops().set_coverage(small.abi());
  run_scenario(**cov, *it, "AX88772A", Impl::kC, ro);
  (*cov)->image().ops().set_coverage(nullptr);
  EXPECT_EQ(small.blocks(), few.size());
  EXPECT_EQ(small.hits(), few.size());
  EXPECT_GT(small.missed(), 100u);
}

// The fuzzing build watches phylib's state with its store hooks instead of a
// hardware watchpoint (emul/instance.c): on that same build, every seed input
// on every implementation gives the trace the hardware watchpoint gives, byte
// for byte (every event, its place and its formatting), and the hooks saw
// the stores. Where this machine has no watchpoint there is nothing to
// compare with.
TEST(Fuzz, TheStoreHooksSeeWhatTheHardwareWatchpointSees) {
  if (const std::string why = watch::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  auto cov = fuzzing_environment();
  ASSERT_TRUE(cov) << cov.error().message;
  ASSERT_TRUE((*cov)->built().store_hooks);
  EXPECT_TRUE((*cov)->image().hooks_first()) << "the fuzzing build watches with its hooks first";
  EXPECT_FALSE(environment("6.12").image().hooks_first()) << "check's build watches with the hardware first";
  KernelImage& image = (*cov)->image();
  const auto suite = load_default_suite();
  ASSERT_TRUE(suite);
  const std::vector<Impl> impls = {Impl::kC, Impl::kRust, Impl::kCxx};
  const TraceFormat all{.decode_registers = true, .logs = true};
  std::size_t runs = 0, states = 0;
  for (const auto& seed : fuzz_seeds(*suite)) {
    const Scenario s = decode_fuzz_input(seed.bytes);
    for (Impl impl : impls) {
      image.set_store_hooks(false);
      const RunResult hardware = run_scenario(**cov, s, s.models.front(), impl, {});
      image.set_store_hooks(true);
      const unsigned long before = image.store_hook_hits();
      const RunResult hooked = run_scenario(**cov, s, s.models.front(), impl, {});
      ASSERT_EQ(hardware.trace.format(all), hooked.trace.format(all)) << seed.name << " " << impl_name(impl);
      EXPECT_EQ(hardware.digest, hooked.digest) << seed.name;
      EXPECT_EQ(hardware.states_sampled, "") << seed.name;
      EXPECT_EQ(hooked.states_sampled, "") << seed.name << ": watched, not sampled";
      // A transition (a state after a first one) is a store phylib made while watched.
      const auto transitions = std::count_if(hooked.trace.events().begin(), hooked.trace.events().end(),
                                             [](const TraceEvent& e) { return e.kind == TraceKind::kState && !e.detail.empty(); });
      states += static_cast<std::size_t>(transitions);
      if (transitions) {
        EXPECT_GT(image.store_hook_hits(), before) << seed.name << " " << impl_name(impl) << ": the hooks saw its stores";
      }
      ++runs;
    }
  }
  EXPECT_GT(runs, 250u);
  EXPECT_GT(states, runs) << "the runs change phylib's state, most of them more than once";

  // check's build, whose store hooks watch where no hardware watchpoint can
  // be had (REFDRV_STATE_WATCH=hooks, as on such a machine): the same too.
  Environment& plain = environment("6.12");
  std::size_t plain_runs = 0;
  for (const auto& seed : fuzz_seeds(*suite)) {
    const Scenario s = decode_fuzz_input(seed.bytes);
    for (Impl impl : impls) {
      const RunResult hardware = run_scenario(plain, s, s.models.front(), impl, {});
      ::setenv("REFDRV_STATE_WATCH", "hooks", 1);
      const RunResult hooked = run_scenario(plain, s, s.models.front(), impl, {});
      ::unsetenv("REFDRV_STATE_WATCH");
      ASSERT_EQ(hardware.trace.format(all), hooked.trace.format(all)) << seed.name << " " << impl_name(impl);
      EXPECT_EQ(hardware.digest, hooked.digest) << seed.name;
      EXPECT_EQ(hardware.states_hooked, "") << seed.name;
      EXPECT_EQ(hooked.states_sampled, "") << seed.name;
      if (!hooked.trace.events().empty()) ++plain_runs;
    }
  }
  EXPECT_GT(plain_runs, 250u);

  // A state entered and left between two samples (the blip self-test, its
  // stores announced as instrumented code announces them) is seen by the
  // hooks as by the watchpoint, and not without either.
  auto blip = [&](bool hooks, bool off) {
    image.set_store_hooks(hooks);
    if (off) ::setenv("REFDRV_STATE_WATCH", "off", 1);
    Rig rig = make_rig(**cov, "generic", "", Impl::kC);
    EXPECT_TRUE(rig.inst->op(REFDRV_OP_ATTACH, rig.addr).ok());
    const std::size_t from = rig.inst->trace().events().size();
    EXPECT_EQ(rig.inst->op(REFDRV_OP_SELFTEST_TRAP, REFDRV_SELFTEST_STATE_BLIP).ret, 0);
    std::vector<std::string> seen;
    const auto& ev = rig.inst->trace().events();
    for (std::size_t i = from; i < ev.size(); ++i) {
      if (ev[i].kind == TraceKind::kState) seen.push_back(ev[i].detail + "->" + ev[i].name);
      if (ev[i].kind == TraceKind::kLog && ev[i].detail.view().find("state blip") != std::string_view::npos)
        seen.emplace_back("log");
    }
    ::unsetenv("REFDRV_STATE_WATCH");
    return std::make_pair(seen, rig.inst->sampled_because());
  };
  // The log line the blip prints between its two stores comes between them.
  const std::vector<std::string> both = {"READY->HALTED", "log", "HALTED->READY"};
  EXPECT_EQ(blip(false, false), std::make_pair(both, std::string()));
  EXPECT_EQ(blip(true, false), std::make_pair(both, std::string()));
  EXPECT_EQ(blip(true, true), std::make_pair(std::vector<std::string>{"log"}, std::string("REFDRV_STATE_WATCH=off")));

  // A store, then a fault in kernel code with nothing in between: the stop
  // comes from the host, and the store is in the trace before it.
  auto store_then_fault = [&](bool hooks) {
    image.set_store_hooks(hooks);
    Rig rig = make_rig(**cov, "generic", "", Impl::kC);
    EXPECT_TRUE(rig.inst->op(REFDRV_OP_ATTACH, rig.addr).ok());
    const std::size_t from = rig.inst->trace().events().size();
    EXPECT_TRUE(rig.inst->op(REFDRV_OP_SELFTEST_TRAP, REFDRV_SELFTEST_STATE_THEN_FAULT).stop);
    std::vector<std::string> seen;
    const auto& ev = rig.inst->trace().events();
    for (std::size_t i = from; i < ev.size(); ++i) {
      if (ev[i].kind == TraceKind::kState) seen.push_back(ev[i].detail + "->" + ev[i].name);
      if (ev[i].kind == TraceKind::kFatal) seen.emplace_back("stop");
    }
    return seen;
  };
  const std::vector<std::string> store_stop = {"READY->HALTED", "stop"};
  EXPECT_EQ(store_then_fault(false), store_stop);
  EXPECT_EQ(store_then_fault(true), store_stop);
  image.set_store_hooks(true);
}

}  // namespace
}  // namespace refdrv::test
