// SPDX-License-Identifier: GPL-2.0
// RunResult <-> JSON: the fork-isolation channel and the JSON report use it.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/runner.hpp"

namespace refdrv {

[[nodiscard]] nlohmann::json trace_event_to_json(const TraceEvent& e);
[[nodiscard]] TraceEvent trace_event_from_json(const nlohmann::json& j);

// `with_trace`: include every trace event (large).
[[nodiscard]] nlohmann::json run_result_to_json(const RunResult& r, bool with_trace);
[[nodiscard]] RunResult run_result_from_json(const nlohmann::json& j);

}  // namespace refdrv
