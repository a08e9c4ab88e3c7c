// SPDX-License-Identifier: GPL-2.0
// The `refdrv faults` report: a terminal summary (outcomes per
// implementation, every point where they differ) and JSON
// (docs/schema/fault-report.schema.json).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "engine/fault_sweep.hpp"

namespace refdrv {

struct FaultReportStyle {
  bool color = false;
  bool all_points = false;  // list every point, not only the differing ones
};

[[nodiscard]] std::string format_fault_terminal(const SweepReport& report, const FaultReportStyle& style);
[[nodiscard]] nlohmann::json fault_report_json(const SweepReport& report);

}  // namespace refdrv
