// SPDX-License-Identifier: GPL-2.0
// The report's mustache templates (report/templates/), embedded at build time.
#pragma once

#include <optional>
#include <string_view>

namespace refdrv::report {
[[nodiscard]] std::optional<std::string_view> report_template(std::string_view name);
}
