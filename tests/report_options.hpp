// SPDX-License-Identifier: GPL-2.0
// Report options for tests of one section: no fault sweep, escape-hatch
// check, callgrind or sizes; in process; reproducers under a directory of
// the test's own in the temporary directory (the caller removes it).
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "report/evaluation.hpp"

namespace refdrv::test {

inline report::ReportOptions section_report_options(std::vector<Impl> impls, const std::string& tag) {
  report::ReportOptions o;
  o.fault_sweep = false;
  o.escape_hatches = false;
  o.cost = false;
  o.containment = Containment::kInProcess;
  o.refdrv_exe = "";
  o.impls = std::move(impls);
  o.out_dir = std::filesystem::temp_directory_path() / fmt::format("refdrv-report-{}-{}", tag, ::getpid());
  return o;
}

}  // namespace refdrv::test
