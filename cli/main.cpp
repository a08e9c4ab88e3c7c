// SPDX-License-Identifier: GPL-2.0
// refdrv: run Linux PHY drivers (C, Rust, C++) on the real phylib against
// hardware models, and compare them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "cli/common.hpp"

namespace {

// Levenshtein distance, for "did you mean" on a mistyped command.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// CLI11 reports a mistyped command only as "A subcommand is required"; name
// it, list the commands and suggest the nearest one instead.
bool unknown_command(CLI::App& app, std::string_view word) {
  if (word.empty() || word.front() == '-') return false;
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->check_name(std::string(word))) return false;
    if (!sub->get_group().empty()) names.push_back(sub->get_name());  // hidden ones have no group
  }
  std::string nearest;
  std::size_t best = 3;  // suggest only what is at most two edits away
  for (const auto& n : names)
    if (const std::size_t d = edit_distance(word, n); d < best) best = d, nearest = n;
  fmt::print(stderr, "refdrv: error: unknown command '{}'{}\ncommands: {}\n", word,
             nearest.empty() ? "" : fmt::format(" (did you mean '{}'?)", nearest), fmt::join(names, ", "));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace refdrv::cli;
  CLI::App app{"refdrv: reference-driver workbench (C, Rust and C++ PHY drivers on the real phylib)"};
  Common common;
  const std::vector<Command> commands = build_app(app, common);
  if (argc > 1 && unknown_command(app, argv[1])) return refdrv::kExitBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : refdrv::kExitBadInput;
  }
  for (const auto& c : commands)
    if (c.app->parsed()) return c.run();
  return 0;
}
