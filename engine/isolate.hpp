// SPDX-License-Identifier: GPL-2.0
// Fork isolation: one instance in a child process with a wall-clock budget,
// so a driver that crashes the process or never returns becomes a finding
// about that run, not the end of the harness.
#pragma once

#include "engine/runner.hpp"

namespace refdrv {

struct IsolationOptions {
  double wall_seconds = 60;  // the child is killed after this long
};

RunResult run_isolated(Environment& env, const Scenario& scenario, const std::string& model, Impl impl,
                       const RunOptions& run_options, const IsolationOptions& options = {});

}  // namespace refdrv
