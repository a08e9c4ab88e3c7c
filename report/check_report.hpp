// SPDX-License-Identifier: GPL-2.0
// The `refdrv check` report in its three forms: a terminal table, KTAP (the
// kernel's test output format) and JSON (docs/schema/check-report.schema.json).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "engine/check.hpp"

namespace refdrv {

struct TerminalStyle {
  bool color = false;
  bool details = true;  // failures and divergences below the table
};

[[nodiscard]] std::string format_terminal(const CheckReport& report, const TerminalStyle& style);
[[nodiscard]] std::string format_ktap(const CheckReport& report);
[[nodiscard]] nlohmann::json check_report_json(const CheckReport& report);

// A divergence as text: level, step, the two entries and their context.
[[nodiscard]] // The equivalence column of a row: "yes", "Rust differs from C (...)",
// "only Rust ran: not compared".
[[nodiscard]] std::string equivalence_text(const CheckRow& row);

std::string format_divergence(const Divergence& d, Impl a, Impl b);

}  // namespace refdrv
