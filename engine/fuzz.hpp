// SPDX-License-Identifier: GPL-2.0
// Differential fuzzing: what counts as a finding (a divergence between
// implementations, a crash, a hang, a leak), and turning a finding into a
// minimal, readable scenario that `refdrv run` replays.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/runner.hpp"
#include "engine/shrink.hpp"
#include "engine/supervisor.hpp"

namespace refdrv {

class Environment;

// The kernel side's coverage counters (refdrv_kernel_ops.set_coverage) the
// differential fuzz target gives libFuzzer, and `refdrv fuzz --coverage-of`
// counts.
constexpr std::size_t kKernelCoverageCounters = std::size_t{1} << 16;
// How many of them a run set.
[[nodiscard]] std::size_t kernel_coverage_hits(std::span<const std::uint8_t> counters);

struct FuzzVerdict {
  bool finding = false;
  std::string signature;    // stable across shrinking: "divergence-rust-mdio", "crash-cxx", "hang-c", "leak-c"
  std::string description;  // one line
};

// The runs of one scenario, one per implementation (impls[0] the reference).
[[nodiscard]] FuzzVerdict judge_runs(const std::vector<Impl>& impls, const std::vector<RunResult>& runs);

// Runs `s` on its first model with every implementation (in process, as the
// libFuzzer target does) and judges. With `snapshots`, each run starts from
// a snapshot of its beginning where the cache has one (engine/snapshot.hpp).
FuzzVerdict judge_in_process(Environment& env, const Scenario& s, const std::vector<Impl>& impls,
                             std::vector<RunResult>* runs = nullptr, SnapshotCache* snapshots = nullptr);

struct ReproduceOptions {
  std::vector<Impl> impls;
  SupervisorOptions supervisor;  // containment for every run (a crash must not end the shrinking)
  std::size_t max_shrink_tests = 2000;
  std::string out_dir;           // where the YAML goes
  std::string origin;            // where the finding came from (input file), for the header
};

struct Reproducer {
  FuzzVerdict verdict;          // of the original input
  Scenario scenario;            // shrunk
  ShrinkStats stats;
  std::string path;             // the YAML written ("" if nothing reproduced)
  std::vector<std::string> notes;  // the divergence or the stop, for the terminal
};

// Runs a decoded input contained; if it shows a finding, shrinks it (same
// signature) and writes it as <out_dir>/<signature>.yaml.
Reproducer reproduce_finding(Environment& env, const Scenario& decoded, const ReproduceOptions& options);

}  // namespace refdrv
