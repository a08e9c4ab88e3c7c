// SPDX-License-Identifier: GPL-2.0
#include "engine/suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace refdrv {

Result<std::vector<Scenario>> load_default_suite() {
  std::vector<Scenario> out;
  for (const auto& e : embedded_suite()) {
    auto s = parse_scenario(e.text, fmt::format("scenarios/{}", e.file));
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths) {
  std::vector<Scenario> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : std::filesystem::directory_iterator(p, ec))
        if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      if (files.empty()) return fail(fmt::format("{}: no *.yaml scenario files in this directory", p));
      for (const auto& f : files) {
        auto s = load_scenario(f);
        if (!s) return std::unexpected(s.error());
        out.push_back(std::move(*s));
      }
      continue;
    }
    if (!std::filesystem::exists(p, ec)) return fail(fmt::format("{}: no such scenario file or directory", p));
    auto s = load_scenario(p);
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace refdrv
