// SPDX-License-Identifier: GPL-2.0
// Differential fuzzing: what counts as a finding (a divergence between
// implementations, a crash, a hang, a leak), and turning a finding into a
// minimal, readable scenario that `refdrv run` replays.
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/runner.hpp"
#include "engine/shrink.hpp"
#include "engine/supervisor.hpp"
#include "refdrv_abi.h"

namespace refdrv {

class Environment;

// The kernel side's coverage (refdrv_kernel_ops.set_coverage, struct
// refdrv_coverage): a counter per basic block of phylib and the kernel
// drivers that ran, given in the order blocks first run. The differential
// fuzz target gives libFuzzer kKernelCoverageCounters of them; `refdrv fuzz
// --coverage-of` counts the blocks a corpus reaches.
constexpr std::size_t kKernelCoverageCounters = std::size_t{1} << 13;

class KernelImage;

class KernelCoverage {
 public:
  // For the kernel side `image` (its text is what the slots cover);
  // `counters` must outlive this object, at most 0xfffe of them.
  KernelCoverage(std::span<std::uint8_t> counters, const KernelImage& image);
  KernelCoverage(const KernelCoverage&) = delete;
  KernelCoverage& operator=(const KernelCoverage&) = delete;

  // What to hand to the image's set_coverage (the blocks keep their counters
  // across sets).
  [[nodiscard]] refdrv_coverage* abi() { return &abi_; }
  // Blocks that have a counter: every block run since the first set().
  [[nodiscard]] std::size_t blocks() const { return abi_.used; }
  // Blocks that ran when every counter was taken: they gave no feedback.
  [[nodiscard]] std::size_t missed() const { return abi_.missed; }
  // Counters set since they were last cleared.
  [[nodiscard]] std::size_t hits() const;
  void clear_counters();

 private:
  std::span<std::uint8_t> counters_;
  std::vector<unsigned short> slots_;
  refdrv_coverage abi_{};
};

struct FuzzVerdict {
  bool finding = false;
  std::string signature;    // stable across shrinking: "divergence-rust-mdio", "crash-cxx", "hang-c", "leak-c"
  std::string description;  // one line
  // With `finding`: a run stopped at a kernel function refdrv does not
  // emulate ("unemulated-NAME"), and no run crashed, hung or leaked. Not
  // the code's finding but refdrv's gap: the runs were not compared (what
  // one does after such a stop is not the kernel's), so the input gives no
  // verdict. Kept and shrunk as findings are, so that it is seen; refdrv
  // fuzz lists it apart and exits 2 when it is all there is.
  bool gap = false;
};

// The runs of one scenario, one per implementation (impls[0] the reference).
// With the scenario they ran, a stop at an unemulated function does not
// hide a divergence in an earlier step (check's rule, unemulated_gap):
// that is the finding. Without it, such a stop is a gap whatever came first.
[[nodiscard]] FuzzVerdict judge_runs(const std::vector<Impl>& impls, const std::vector<RunResult>& runs,
                                     const Scenario* scenario = nullptr);

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
  // Signatures already reproduced: an input showing one of them is neither
  // shrunk nor written (Reproducer::duplicate), as its file would replace
  // the first one's while the terminal describes the first.
  const std::set<std::string>* already = nullptr;
};

// Reproducer::path of a finding whose file could not be written (its notes say why).
inline constexpr std::string_view kNotWritten = "(not written)";

struct Reproducer {
  FuzzVerdict verdict;          // of the original input
  Scenario scenario;            // shrunk
  ShrinkStats stats;
  std::string path;             // the YAML written ("" if nothing reproduced, kNotWritten if it could not be)
  std::vector<std::string> notes;  // the divergence or the stop, for the terminal
  bool duplicate = false;          // its signature was in ReproduceOptions::already: nothing written
};

// Runs a decoded input contained; if it shows a finding, shrinks it (same
// signature) and writes it as <out_dir>/<signature>.yaml.
// The `refdrv run` option that replays with the wall-clock budget a finding
// was judged with: empty for run's own default.
[[nodiscard]] std::string wall_budget_option(const SupervisorOptions& o);

Reproducer reproduce_finding(Environment& env, const Scenario& decoded, const ReproduceOptions& options);

}  // namespace refdrv
