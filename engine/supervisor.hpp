// SPDX-License-Identifier: GPL-2.0
// Containment: runs a batch of instances so that a driver which crashes the
// process, trips a sanitizer or never returns becomes a finding about that
// one run, and the batch goes on.
//
// Fork mode: a worker child (forked from the loaded environment, so it costs
// no rebuild or reload) runs the jobs one after the other and sends each
// result back over a pipe. While it runs, every trace event is mirrored into
// memory shared with the parent, and the worker's stderr goes to a memory
// file. When the worker dies (a signal, abort, a sanitizer report) or sends
// nothing for longer than the wall-clock budget of one run (it is then
// killed), the run it was in becomes a finding with its last trace lines and
// what it printed, and a new worker takes the next job.
//
// In-process mode runs the jobs directly: faster, and still contains what
// the kernel gate catches (faults in kernel-side code, stubs, BUG(), virtual
// time and MDIO budgets), but not a crash or a busy loop in host code.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/runner.hpp"

namespace refdrv {

struct Job {
  std::shared_ptr<const Scenario> scenario;
  std::string model;
  Impl impl = Impl::kC;
  RunOptions options;
};

enum class Containment : std::uint8_t { kInProcess, kFork };

struct SupervisorOptions {
  Containment containment = Containment::kFork;
  double wall_seconds = 30;     // per run, fork mode
  bool with_trace = true;       // results carry their whole trace
  std::size_t last_lines = 24;  // trace lines kept with a crash or hang finding
  // Called after each result, in job order.
  std::function<void(std::size_t index, const RunResult& result)> on_result;
};

// Runs every job; result i belongs to job i.
std::vector<RunResult> run_jobs(Environment& env, std::span<const Job> jobs, const SupervisorOptions& options);

// One job (fork mode: in its own child).
RunResult run_contained(Environment& env, const Job& job, const SupervisorOptions& options);

// Why a run stopped, as the fault sweep and the reports classify it.
enum class StopClass : std::uint8_t { kNone, kCrash, kHang };
[[nodiscard]] StopClass classify_stop(const RunResult& r);

}  // namespace refdrv
