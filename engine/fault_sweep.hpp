// SPDX-License-Identifier: GPL-2.0
// The exhaustive single-fault sweep (`refdrv faults`): for each scenario and
// model, and each MDIO access the scenario makes, rerun it with that one
// access failing (-EIO, the access does not reach the device), on every
// implementation; classify what became of the error and report where the
// implementations differ.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/compare.hpp"
#include "engine/runner.hpp"
#include "engine/supervisor.hpp"

namespace refdrv {

class Environment;

// What became of the injected error, most severe first.
enum class FaultOutcome : std::uint8_t {
  kCrash,       // the instance stopped: a fault, BUG(), a stub, a sanitizer report
  kHang,        // virtual-time, MDIO or wall-clock budget exhausted
  kErrorState,  // phylib gave up on the PHY (ERROR; HALTED before Linux 6.5)
  kReturned,    // the error was returned: by the driver callback to phylib, or by phylib to the MAC
  kIgnored,     // nobody returned it: the driver (or phylib) went on as if the access had worked
  kNotReached,  // this implementation made fewer accesses: nothing was injected
  // The run stopped at a kernel function refdrv does not emulate: refdrv's
  // gap, no verdict on the code (it was a crash, and a difference).
  kUnemulated,
};
inline constexpr std::size_t kFaultOutcomes = 7;

[[nodiscard]] const char* fault_outcome_name(FaultOutcome o);  // "crash", "error returned", ...

// Whose access failed: the driver's (made inside one of its callbacks) or
// phylib's own (the bus scan and registration, the state machine, phylib's
// API before or after a callback). Most of phylib's are the bus
// registration every run repeats, so the two are counted apart.
enum class AccessOrigin : std::uint8_t { kDriver, kPhylib };
inline constexpr std::size_t kAccessOrigins = 2;
[[nodiscard]] const char* access_origin_name(AccessOrigin o);  // "driver", "phylib"

// One implementation's run with the fault at one access.
struct SweepRun {
  AccessOrigin origin = AccessOrigin::kPhylib;
  FaultOutcome outcome = FaultOutcome::kIgnored;
  std::string detail;         // who returned or ignored it, or why it stopped
  bool mac_outcome_changed = false;  // what the MAC saw differs from the run without the fault
  bool warned = false;  // the kernel side hit more WARN()s than in the run without the fault
  std::array<std::uint64_t, 3> digest{};
  std::vector<std::string> last_lines;  // for a crash or hang
};

// One (scenario, model, access index): the runs of every implementation.
struct SweepPoint {
  std::shared_ptr<const Scenario> scenario;
  std::string model;
  std::uint64_t index = 0;
  std::string access;   // "rd phy:0x10 reg:0x01 BMSR" (the first implementation's access)
  std::string step;     // the step it happened in
  std::vector<SweepRun> runs;  // per implementation
  // Outcome or traces differ between the implementations: the first
  // difference against the first implementation, and a reproducer.
  bool differs = false;
  // A run stopped at a kernel function refdrv does not emulate: the point
  // says nothing of error handling, and is no difference (the sweep is no
  // verdict there).
  [[nodiscard]] bool unemulated() const {
    return std::any_of(runs.begin(), runs.end(),
                       [](const SweepRun& r) { return r.outcome == FaultOutcome::kUnemulated; });
  }
  std::vector<std::optional<Divergence>> divergence;
  std::string reproducer;
};

struct SweepOptions {
  std::vector<Impl> impls;   // the first is the reference
  Containment containment = Containment::kFork;
  double wall_seconds = 30;
  std::string repro_dir;     // where reproducers of differences go ("" = none)
  // Each failed access reaches the device first (hw::FaultRule::delivered:
  // a write takes effect, a read consumes its latches), as on the Asix USB
  // adapters' MDIO; else the frame never reaches it.
  bool delivered = false;
  std::function<void(std::size_t done, std::size_t total)> progress;
};

struct SweepPair {
  std::shared_ptr<const Scenario> scenario;
  std::string model;
  std::uint64_t accesses = 0;  // in the run without a fault (max over implementations)
  bool baseline_ok = true;     // the runs without a fault neither stopped nor differed
  // Why not: a run stopped, or the runs already differ (then the pair is
  // not swept: every point would show the difference the runs have without
  // any fault, and count it against error handling).
  std::string baseline_problem;
  // Every run without a fault that stopped stopped at a kernel function
  // refdrv does not emulate, having failed nothing before: refdrv's gap, not
  // a finding (the sweep is then no verdict, as check is).
  bool baseline_gap = false;
  bool swept = true;  // false where the runs without a fault already differ
};

struct SweepReport {
  std::string tree_version, tree_origin;
  std::vector<Impl> impls;
  bool delivered = false;  // SweepOptions::delivered
  std::vector<SweepPair> pairs;
  // Scenario/model pairs not swept: the model's driver group lacks one of
  // the implementations compared (the QT2025 has no C driver). Each with why.
  struct Skipped {
    std::string scenario, model, reason;
  };
  std::vector<Skipped> skipped;
  std::vector<SweepPoint> points;  // every point, in order
  // Per implementation, per outcome: how many points.
  std::map<Impl, std::array<std::size_t, kFaultOutcomes>> counts;
  std::map<Impl, std::size_t> mac_outcome_changed;
  std::map<Impl, std::size_t> warned;  // points at which the fault made the kernel WARN
  // The same, per origin of the failed access.
  std::map<Impl, std::array<std::array<std::size_t, kFaultOutcomes>, kAccessOrigins>> counts_by_origin;
  std::map<Impl, std::array<std::size_t, kAccessOrigins>> mac_outcome_changed_by_origin;
  std::map<Impl, std::array<std::size_t, kAccessOrigins>> warned_by_origin;
  std::size_t runs = 0;
  // Runs (with and without a fault) whose phylib state was only sampled, and
  // runs the store hooks watched for want of a hardware watchpoint; each
  // with the first reason given (RunResult::states_sampled, states_hooked).
  RunCount states_sampled, states_hooked;
  double wall_seconds = 0;
  // What went wrong beside the verdict (a reproducer that could not be
  // written), said after the summary.
  std::vector<std::string> problems;

  [[nodiscard]] std::size_t differing() const;
  // Points where no implementation differs but the runs stopped (a crash or
  // a hang): every implementation alike, but an MDIO error must not stop
  // the kernel, so a finding too.
  [[nodiscard]] bool stops(const SweepPoint& p) const;
  [[nodiscard]] std::size_t stopping() const;
  // Points at which no implementation's run had the sweep's fault injected:
  // nothing was compared there, so they are no part of an "identically".
  // (The sweep's rule comes before the scenario's own, so every access made
  // is failed; one such point means the sweep did not do what it says.)
  [[nodiscard]] std::size_t uninjected() const;
  // Points at which a run stopped at a kernel function refdrv does not
  // emulate (SweepPoint::unemulated): no verdict there.
  [[nodiscard]] std::size_t unemulated() const;
  // Whether anything was compared: two implementations or more, and a point.
  [[nodiscard]] bool compared() const { return impls.size() >= 2 && !points.empty(); }
  // Why nothing was compared, in words ("" when something was).
  [[nodiscard]] std::string not_compared() const;
  // Why the sweep is no verdict (exit 2), in words: nothing swept, or
  // points without the sweep's fault ("" when it is a verdict).
  [[nodiscard]] std::string no_verdict() const;
  // 0: no difference; 1: implementations differ somewhere, a run stops (a
  // crash, a hang) at a fault, or one already stops without a fault; 2: no
  // pair was swept, no run made an access to fail (an empty run is no
  // verdict), the sweep failed to inject its fault at a point, or a run
  // stopped at a function refdrv does not emulate.
  [[nodiscard]] int exit_code() const;
};

SweepReport run_fault_sweep(Environment& env, const std::vector<Scenario>& scenarios, const SweepOptions& options);

// Classifies one run of the sweep against the run without the fault.
[[nodiscard]] SweepRun classify_fault_run(const RunResult& faulted, const RunResult& baseline, std::uint64_t index);

}  // namespace refdrv
