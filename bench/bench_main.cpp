// SPDX-License-Identifier: GPL-2.0
// Google Benchmark: the hardware model alone, the host's event queue, and
// the full stack (real phylib + driver + model) per implementation, and one
// differential-fuzz input as the fuzzer runs it, without libFuzzer.
//   build/bench/refdrv_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "cxx/drivers/modules.hpp"
#include "engine/check.hpp"
#include "engine/compare.hpp"
#include "engine/environment.hpp"
#include "engine/fuzz.hpp"
#include "engine/fuzz_input.hpp"
#include "engine/snapshot.hpp"
#include "engine/suite.hpp"
#include "host/event_queue.hpp"
#include "host/instance.hpp"
#include "host/store_watch.hpp"
#include "hw/catalog.hpp"

namespace {

using namespace refdrv;

// ---- the model alone ----

void BM_ModelReadBmsrLinked(benchmark::State& state) {
  hw::PhyModel phy(*hw::find_phy_model("AX88772A"));
  phy.plug(*hw::find_partner("switch-10-100"), 0);
  hw::Nanos t = 2'000'000'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(phy.read(hw::c22::kBmsr, t));
    t += 1000;  // time moves: every read brings the model up to date first
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("register reads");
}
BENCHMARK(BM_ModelReadBmsrLinked);

void BM_ModelNegotiation(benchmark::State& state) {
  const auto spec = *hw::find_phy_model("AX88772C");
  const auto partner = *hw::find_partner("switch-gigabit");
  for (auto _ : state) {
    hw::PhyModel phy(spec);
    phy.plug(partner, 0);
    benchmark::DoNotOptimize(phy.read(hw::c22::kLpa, 2'000'000'000));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ModelNegotiation);

void noop(void*) {}

void BM_EventQueueReschedule(benchmark::State& state) {
  EventQueue q;
  int keys[4];
  std::uint64_t t = 0;
  for (auto _ : state) {
    for (int& k : keys) q.schedule(t + 1000, noop, &k);
    while (auto ev = q.pop_due(t + 1000)) benchmark::DoNotOptimize(ev->key);
    t += 1000;
  }
  state.SetItemsProcessed(state.iterations() * 4);
}
BENCHMARK(BM_EventQueueReschedule);

// ---- the hardware watchpoint on phydev->state (host/store_watch.hpp) ----

volatile long g_watched_word;
std::atomic<long> g_watch_hits;  // counted in the SIGTRAP handler
void count_hit() { g_watch_hits.fetch_add(1, std::memory_order_relaxed); }

// Where there are no hardware watchpoints (valgrind, REFDRV_STATE_WATCH=off,
// a perf_event_paranoid that refuses): nothing to measure, and the label says so.
bool watch_unavailable(benchmark::State& state) {
  const std::string why = watch::unavailable_reason();
  if (why.empty()) return false;
  for (auto _ : state) {
  }
  state.SetLabel("not measured: " + why);
  return true;
}

// One store to a watched word: the debug trap, the SIGTRAP, the callback.
void BM_StoreWatchTrap(benchmark::State& state) {
  if (watch_unavailable(state)) return;
  std::string why;
  const int slot = watch::arm(const_cast<const long*>(&g_watched_word), sizeof g_watched_word, count_hit, &why);
  if (slot < 0) {
    state.SkipWithError(("no hardware watchpoint: " + why).c_str());
    return;
  }
  const long before = g_watch_hits;
  long v = 0;
  for (auto _ : state) g_watched_word = ++v;
  watch::disarm(slot);
  if (g_watch_hits - before != static_cast<long>(state.iterations())) state.SkipWithError("a store did not trap");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreWatchTrap);

// Arming and disarming it (perf_event_open, close): once per instance.
void BM_StoreWatchArm(benchmark::State& state) {
  if (watch_unavailable(state)) return;
  std::string why;
  for (auto _ : state) {
    const int slot = watch::arm(const_cast<const long*>(&g_watched_word), sizeof g_watched_word, count_hit, &why);
    if (slot < 0) {
      state.SkipWithError(("no hardware watchpoint: " + why).c_str());
      break;
    }
    watch::disarm(slot);
  }
}
BENCHMARK(BM_StoreWatchArm);

// ---- the full stack ----

std::unique_ptr<Environment> open_environment(bool fuzzing) {
  EnvironmentOptions o;
  o.cxx_modules = drivers::cxx_modules();
  o.quiet = true;
  o.kernel_coverage = fuzzing;
  auto r = Environment::open(o);
  if (!r) {
    fprintf(stderr, "refdrv_bench: %s\n", r.error().message.c_str());
    std::exit(2);
  }
  return std::move(*r);
}

// check's build: phylib's state watched by the hardware watchpoint.
Environment& env() {
  static std::unique_ptr<Environment> e = open_environment(false);
  return *e;
}

// The fuzzers' build: coverage instrumentation (its counters not collected
// here) and the store hooks that watch phylib's state without traps.
Environment& fuzzing_env() {
  static std::unique_ptr<Environment> e = open_environment(true);
  return *e;
}

std::unique_ptr<Instance> linked_instance(Impl impl) {
  auto inst = std::make_unique<Instance>(env().image(), InstanceConfig{.impl = impl});
  inst->set_record_logs(false);
  const auto spec = *hw::find_phy_model("AX88772A");
  inst->add_device(16, std::make_unique<hw::PhyModel>(spec));
  inst->phy(16)->plug(*hw::find_partner("switch-10-100"), 0);
  inst->create();
  inst->op(REFDRV_OP_ATTACH, 16);
  inst->op(REFDRV_OP_START);
  inst->run_for(3'000'000'000);
  return inst;
}

// One virtual second of a linked PHY at a time, traced as runs are; the trace
// is emptied, untimed, when it holds `room` events. With `reserve` its room
// is reserved first, so it never grows.
void poll_traced(benchmark::State& state, std::size_t room, bool reserve) {
  auto inst = linked_instance(static_cast<Impl>(state.range(0)));
  if (reserve) {
    inst->trace().clear();
    inst->trace().reserve(room);
  }
  for (auto _ : state) {
    inst->run_for(1'000'000'000);
    if (inst->trace().size() > room - 256) {
      state.PauseTiming();
      inst->trace().clear();
      state.ResumeTiming();
    }
  }
  state.counters["virtual_s_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(impl_name(static_cast<Impl>(state.range(0))));
}

// One virtual second of a linked PHY: one phylib poll (read_status), run by its
// timer and recorded as every run records it (the trace, the state watch).
// The trace grows as in a run: its vector doubles, and the fresh pages fault
// in; over a benchmark's ~10^5 polls that growth is most of what is timed.
void BM_PollTraced(benchmark::State& state) { poll_traced(state, 1'000'000, false); }
BENCHMARK(BM_PollTraced)->Arg(REFDRV_IMPL_C)->Arg(REFDRV_IMPL_RUST)->Arg(REFDRV_IMPL_CXX);

// The same, the trace's growth left out: it is reserved once (64 Ki events,
// ~5 MB) and emptied, untimed, before it would have to grow. What recording
// and the event loop cost per poll, to compare with BM_PollBare (issue 22,
// item 5: within 2x).
void BM_PollTracedReserved(benchmark::State& state) { poll_traced(state, 1 << 16, true); }
BENCHMARK(BM_PollTracedReserved)->Arg(REFDRV_IMPL_C)->Arg(REFDRV_IMPL_RUST)->Arg(REFDRV_IMPL_CXX);

// The same poll bare: phy_state_machine() called directly on the same linked
// instance, nothing recorded (no trace, no log), no timer popped. What the
// real phylib, the driver, the emulated kernel services and the model cost
// per poll; BM_PollTraced over this is what refdrv's recording and
// event loop add.
void BM_PollBare(benchmark::State& state) {
  auto inst = linked_instance(static_cast<Impl>(state.range(0)));
  inst->set_tracing(false);
  const std::size_t before = inst->trace().size();
  for (auto _ : state) {
    const CallResult r = inst->op(REFDRV_OP_POLL);
    if (!r.ok()) {
      state.SkipWithError(("phy_state_machine: " + r.stop.value_or(return_text(r.ret))).c_str());
      break;
    }
  }
  if (inst->trace().size() != before) state.SkipWithError("a bare poll recorded trace events");
  state.counters["virtual_s_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(impl_name(static_cast<Impl>(state.range(0))));
}
BENCHMARK(BM_PollBare)->Arg(REFDRV_IMPL_C)->Arg(REFDRV_IMPL_RUST)->Arg(REFDRV_IMPL_CXX);

// One MDIO read through mdiobus_read() (bus lock, statistics, the bridge, the model).
void BM_MdioReadFullStack(benchmark::State& state) {
  auto inst = linked_instance(Impl::kC);
  for (auto _ : state) {
    benchmark::DoNotOptimize(inst->op(REFDRV_OP_MDIO_READ, 16, 1).ret);
    if (inst->trace().size() > 1'000'000) {
      state.PauseTiming();
      inst->trace().clear();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MdioReadFullStack);

// A scenario of the default suite by name (the benchmark stops when there is
// none: a renamed scenario must not make a benchmark measure nothing).
const Scenario& suite_scenario(std::string_view name) {
  static const std::vector<Scenario> suite = *load_default_suite();
  for (const auto& s : suite)
    if (s.name == name) return s;
  std::fprintf(stderr, "no scenario %.*s in the default suite\n", static_cast<int>(name.size()), name.data());
  std::abort();
}

// A run as the fuzzer makes them: no log recorded.
RunOptions without_logs() {
  RunOptions ro;
  ro.logs = false;
  return ro;
}

void BM_ScenarioLinkUp(benchmark::State& state) {
  const Scenario& sc = suite_scenario("link-up-switch-10-100");
  const RunOptions ro = without_logs();
  for (auto _ : state) benchmark::DoNotOptimize(run_scenario(env(), sc, "AX88772A", static_cast<Impl>(state.range(0)), ro));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(impl_name(static_cast<Impl>(state.range(0))));
}
BENCHMARK(BM_ScenarioLinkUp)->Arg(REFDRV_IMPL_C)->Arg(REFDRV_IMPL_RUST)->Arg(REFDRV_IMPL_CXX);

// The three digests (engine/compare.hpp) of one run's trace: what every run
// pays at its end and what the fuzzer compares first. items_per_second is
// trace events per second.
void BM_Digests(benchmark::State& state) {
  const RunResult r = run_scenario(env(), suite_scenario("unplug-replug"), "AX88772A", Impl::kC, without_logs());
  for (auto _ : state) benchmark::DoNotOptimize(digests(r));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(r.trace.size()));
  state.SetLabel(std::to_string(r.trace.size()) + " events");
}
BENCHMARK(BM_Digests);

void BM_DefaultSuiteAllImplementations(benchmark::State& state) {
  const auto suite = *load_default_suite();
  CheckOptions o;
  o.impls = available_impls(env(), nullptr);
  o.logs = false;
  for (auto _ : state) benchmark::DoNotOptimize(run_check(env(), suite, o).exit_code());
  state.SetLabel(std::to_string(suite.size()) + " scenarios");
}
BENCHMARK(BM_DefaultSuiteAllImplementations)->Unit(benchmark::kMillisecond);

// ---- the differential fuzzer's execution, without libFuzzer ----
// What one fuzz input costs before any coverage instrumentation or mutation:
// decode it, run it on every available implementation (fresh instance each),
// compare. items_per_second is the most `refdrv fuzz` could do on one core.

void fuzz_execs(benchmark::State& state, const std::vector<std::vector<std::uint8_t>>& inputs,
                SnapshotCache* snapshots = nullptr, Environment& e = env()) {
  const auto impls = available_impls(e, nullptr);
  std::vector<RunResult> runs;
  std::size_t i = 0;
  for (auto _ : state) {
    const Scenario s = decode_fuzz_input(inputs[i]);
    benchmark::DoNotOptimize(judge_in_process(e, s, impls, &runs, snapshots).finding);
    i = (i + 1) % inputs.size();
  }
  state.SetItemsProcessed(state.iterations());
  std::string label = std::to_string(impls.size()) + " implementations per input, " + std::to_string(inputs.size()) +
                      " input(s)";
  if (snapshots) {
    const auto& st = snapshots->stats();
    label += ", " + std::to_string(st.restored) + " runs restored, " + std::to_string(st.fresh) + " fresh";
    if (st.refused) label += ", " + std::to_string(st.refused) + " refused: " + st.last_refusal;
  }
  state.SetLabel(label);
}

std::vector<std::vector<std::uint8_t>> seed_inputs() {
  std::vector<std::vector<std::uint8_t>> inputs;
  for (auto& seed : fuzz_seeds(*load_default_suite())) inputs.push_back(std::move(seed.bytes));
  return inputs;
}

// The smallest input that reaches a driver: header bytes, then one attach.
// Bus registration, probe, phy_attach_direct, teardown: a floor per exec.
void BM_FuzzExecAttachOnly(benchmark::State& state) { fuzz_execs(state, {{0, 0, 0, 0}}); }
BENCHMARK(BM_FuzzExecAttachOnly);

// The seed corpus: the default suite encoded, one model each, in turn.
void BM_FuzzExecSeedCorpus(benchmark::State& state) { fuzz_execs(state, seed_inputs()); }
BENCHMARK(BM_FuzzExecSeedCorpus);

// The same inputs, each run starting from a snapshot of its beginning (its
// steps up to the first check: engine/snapshot.hpp), as the fuzz target runs
// them. The first passes over the corpus take the snapshots; the benchmark
// runs many passes.
void BM_FuzzExecSnapshotSeedCorpus(benchmark::State& state) {
  SnapshotCache cache;
  fuzz_execs(state, seed_inputs(), &cache);
}
BENCHMARK(BM_FuzzExecSnapshotSeedCorpus);

// The same on the fuzzers' build, as the fuzz target runs the seeds without
// libFuzzer: every store to phydev->state watched by the store hooks (unless
// REFDRV_STATE_WATCH=off), not by the hardware watchpoint's traps.
void BM_FuzzExecSeedCorpusFuzzingBuild(benchmark::State& state) {
  fuzz_execs(state, seed_inputs(), nullptr, fuzzing_env());
}
BENCHMARK(BM_FuzzExecSeedCorpusFuzzingBuild);
void BM_FuzzExecSnapshotSeedCorpusFuzzingBuild(benchmark::State& state) {
  SnapshotCache cache;
  fuzz_execs(state, seed_inputs(), &cache, fuzzing_env());
}
BENCHMARK(BM_FuzzExecSnapshotSeedCorpusFuzzingBuild);

// The attach-only input from its snapshot: what is left of an exec when the
// input does nothing after the attach (restore, teardown, compare).
void BM_FuzzExecSnapshotAttachOnly(benchmark::State& state) {
  SnapshotCache cache;
  fuzz_execs(state, {{0, 0, 0, 0}}, &cache);
}
BENCHMARK(BM_FuzzExecSnapshotAttachOnly);

// Restoring one instance's snapshot after attach (the kernel side's data,
// both heaps, the models): the cost each implementation pays per input.
void BM_SnapshotRestore(benchmark::State& state) {
  auto inst = std::make_unique<Instance>(env().image(), InstanceConfig{.impl = static_cast<Impl>(state.range(0))});
  inst->add_device(16, std::make_unique<hw::PhyModel>(*hw::find_phy_model("AX88772A")));
  inst->phy(16)->plug(*hw::find_partner("switch-10-100"), 0);
  inst->create();
  inst->op(REFDRV_OP_ATTACH, 16);
  Instance::Snapshot snap;
  if (auto r = inst->save(snap); !r) {
    state.SkipWithError(r.error().message.c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(inst->restore(snap).has_value());
  state.SetItemsProcessed(state.iterations());
  // What each part stands for, and what the snapshot keeps of it (the blocks
  // that differ from its owner's reference copy).
  state.counters["data"] = static_cast<double>(snap.image.data.bytes);
  state.counters["data_kept"] = static_cast<double>(snap.image.data.data.size());
  state.counters["image_heap"] = static_cast<double>(snap.image.context.memory.bytes.bytes);
  state.counters["image_heap_kept"] = static_cast<double>(snap.image.context.memory.bytes.data.size());
  state.counters["heap"] = static_cast<double>(snap.context.memory.bytes.bytes);
  state.counters["heap_kept"] = static_cast<double>(snap.context.memory.bytes.data.size());
  state.counters["events"] = static_cast<double>(snap.context.trace.size() + snap.image.context.trace.size());
  state.SetLabel(impl_name(static_cast<Impl>(state.range(0))));
}
BENCHMARK(BM_SnapshotRestore)->Arg(REFDRV_IMPL_C)->Arg(REFDRV_IMPL_RUST)->Arg(REFDRV_IMPL_CXX);

}  // namespace

BENCHMARK_MAIN();
