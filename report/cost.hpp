// SPDX-License-Identifier: GPL-2.0
// What each implementation costs: instructions executed per scenario
// (valgrind's callgrind, deterministic) and the size of each driver's code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "engine/scenario.hpp"
#include "host/kernel_image.hpp"

namespace refdrv {
class Environment;
}

namespace refdrv::report {

struct CostRow {
  std::string scenario, model;
  std::map<Impl, std::uint64_t> instructions;
};

struct DriverSize {
  std::string object;      // what was measured
  std::string how;         // "kbuild object (kernel flags)", ...
  std::uint64_t text = 0;  // .text*, .init.text, .exit.text
  std::uint64_t data = 0;  // .rodata*, .data*, .bss*
  std::string error;       // why it could not be measured (then text and data mean nothing)
};

struct CostReport {
  bool measured = false;
  bool failed = false;  // the callgrind run was asked for and failed (a tool failure, not "not measured")
  std::string note;  // why not, or how
  std::vector<CostRow> rows;
  std::map<std::string, DriverSize> sizes;  // by implementation label
  double seconds = 0;
};

// Runs in the process valgrind started: every (scenario, model,
// implementation) once natively, then once measured, each measured run
// dumped by callgrind as "scenario|model|impl". Returns the exit status.
int cost_worker(Environment& env, const std::vector<Scenario>& scenarios, const std::vector<Impl>& impls);

// Starts `worker_argv` (refdrv cost-worker ...) under callgrind and reads its
// dumps. Without valgrind, says how to get it.
CostReport measure_instructions(const std::vector<std::string>& worker_argv);

// Section sizes of the drivers: the C and Rust drivers' kbuild objects
// (kernel flags) and their userspace recompiles, the C++ driver's symbols in
// `refdrv_exe`. An object that should exist and does not is a row with an
// error, never a silently missing row.
void measure_sizes(Environment& env, const std::filesystem::path& refdrv_exe,
                   const std::vector<std::string>& cxx_names, CostReport& out);

}  // namespace refdrv::report
