// SPDX-License-Identifier: GPL-2.0
// Small text helpers shared by refdrv's parts.
#pragma once

#include <string>
#include <string_view>

namespace refdrv {

// `s` without its leading blanks and tabs and its trailing blanks, tabs and
// carriage returns.
[[nodiscard]] inline std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace refdrv
