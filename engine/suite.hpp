// SPDX-License-Identifier: GPL-2.0
// The default suite (scenarios/*.yaml, embedded in the binary so it works
// with no files of the user's) and loading scenario files.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace refdrv {

struct EmbeddedScenario {
  const char* file;
  const char* text;
};

[[nodiscard]] std::span<const EmbeddedScenario> embedded_suite();

Result<std::vector<Scenario>> load_default_suite();

// Scenario files, or directories of *.yaml files.
Result<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths);

}  // namespace refdrv
