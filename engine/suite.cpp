// SPDX-License-Identifier: GPL-2.0
#include "engine/suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

namespace refdrv {

namespace {

// Where a scenario's name is (file:line:col), or its file alone for one
// built in code.
std::string where(const Scenario& s) { return s.name_at.line > 0 ? s.name_at.str() : s.file; }

// A scenario's name names its reproducers, KTAP subtests and report rows:
// two scenarios of one run with the same name would overwrite and hide
// each other.
// Two names that differ only where a file name cannot hold them ("u r",
// "u.r") name the same reproducer file: the second overwrote the first.
Result<void> unique_names(const std::vector<Scenario>& scenarios) {
  std::map<std::string, const Scenario*> seen, files;
  for (const Scenario& s : scenarios) {
    if (const auto [it, fresh] = seen.emplace(s.name, &s); !fresh) {
      // The same file given twice (a directory and a file in it, or twice
      // by name) said that its name "is also its own's".
      std::error_code ec;
      if (!s.file.empty() && (s.file == it->second->file || std::filesystem::equivalent(s.file, it->second->file, ec)))
        return fail(
            fmt::format("{} is given twice (a scenario runs once per run; a directory given takes its files "
                        "too)",
                        s.file));
      return fail(
          fmt::format("{}: the scenario name '{}' is also {}'s: names are unique in a run (they name "
                      "reproducers and KTAP subtests)",
                      where(s), s.name, where(*it->second)));
    }
    if (const auto [it, fresh] = files.emplace(reproducer_name_part(s.name), &s); !fresh)
      return fail(
          fmt::format("{}: the scenario names '{}' and '{}' (of {}) both name reproducers '{}-...': names "
                      "must differ in a letter, a digit, '-' or '_'",
                      where(s), s.name, it->second->name, where(*it->second), it->first));
  }
  return {};
}

}  // namespace

Result<std::vector<Scenario>> load_default_suite() {
  std::vector<Scenario> out;
  for (const auto& e : embedded_suite()) {
    auto s = parse_scenario(e.text, fmt::format("scenarios/{}", e.file));
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  if (auto u = unique_names(out); !u) return std::unexpected(u.error());
  return out;
}

Result<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths) {
  std::vector<Scenario> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> files;
      std::size_t subdirectories = 0;
      for (std::filesystem::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code dir_ec;
        if (it->is_directory(dir_ec)) {  // not searched, whatever its name (a directory called x.yaml too)
          ++subdirectories;
          continue;
        }
        if (it->path().extension() == ".yaml" || it->path().extension() == ".yml") files.push_back(it->path().string());
      }
      if (ec) return fail(fmt::format("{}: cannot read this directory: {}", p, ec.message()));
      std::sort(files.begin(), files.end());
      if (files.empty())
        return fail(fmt::format("{}: no *.yaml or *.yml scenario files in this directory{}", p,
                                subdirectories ? fmt::format(" (its {} subdirector{} not searched: name {})", subdirectories,
                                                             subdirectories == 1 ? "y is" : "ies are",
                                                             subdirectories == 1 ? "it" : "them")
                                               : ""));
      for (const auto& f : files) {
        auto s = load_scenario(f);
        if (!s) return std::unexpected(s.error());
        out.push_back(std::move(*s));
      }
      continue;
    }
    if (p.empty()) return fail("an empty path names no scenario file or directory");
    if (!std::filesystem::exists(p, ec)) return fail(fmt::format("{}: no such scenario file or directory", p));
    auto s = load_scenario(p);
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  if (auto u = unique_names(out); !u) return std::unexpected(u.error());
  return out;
}

}  // namespace refdrv
