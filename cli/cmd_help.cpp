// SPDX-License-Identifier: GPL-2.0
// refdrv help [COMMAND], and how argument errors read: one line, prefixed
// "refdrv: error:", naming the option, value or command that is wrong.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "cli/common.hpp"

namespace refdrv::cli {

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

std::vector<std::string> command_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (!sub->get_group().empty()) names.push_back(sub->get_name());  // hidden ones have no group
  return names;
}

}  // namespace

// CLI11 reports a mistyped command only as "A subcommand is required"; name
// it, list the commands and suggest the nearest one instead. Returns the
// message, empty if `word` is a command (or an option).
std::string unknown_command(CLI::App& app, std::string_view word) {
  if (word.empty() || word.front() == '-') return {};
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (sub->check_name(std::string(word))) return {};
  const auto names = command_names(app);
  std::string nearest;
  std::size_t best = 3;  // suggest only what is at most two edits away
  for (const auto& n : names)
    if (const std::size_t d = edit_distance(word, n); d < best) best = d, nearest = n;
  return fmt::format("unknown command '{}'{}; commands: {}", word,
                     nearest.empty() ? "" : fmt::format(" (did you mean '{}'?)", nearest), fmt::join(names, ", "));
}

// One line, as git and ethtool print them: "refdrv: error: ...", naming the
// option or argument and what is wrong, with where to read more.
std::string failure_line(const CLI::App* app, const CLI::Error& e) {
  std::string what = e.what();
  std::replace(what.begin(), what.end(), '\n', ' ');
  const auto selected = app->get_subcommands();
  const std::string cmd = selected.empty() ? "" : selected.front()->get_name();
  const std::string help = cmd.empty() ? "refdrv help" : "refdrv help " + cmd;
  if (selected.empty() && dynamic_cast<const CLI::RequiredError*>(&e)) {
    // No command was recognised: say what was given instead.
    const auto rest = app->remaining();
    if (!rest.empty() && !rest.front().empty() && rest.front().front() == '-')
      return fmt::format("refdrv: error: unknown option '{}' (options follow the command; {} lists the commands)\n",
                         rest.front(), help);
    return fmt::format("refdrv: error: no command given ({} lists them)\n", help);
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {  // get_name() is the app's name here
    // CLI11 leaves what no command took with the app or with the command.
    auto rest = app->remaining();
    if (rest.empty() && !selected.empty()) rest = selected.front()->remaining();
    if (!rest.empty() && !rest.front().empty() && rest.front().front() == '-') {
      // An option of the command written before it (refdrv -q check).
      const std::string name = rest.front().substr(0, rest.front().find('='));
      if (!cmd.empty() && selected.front()->get_option_no_throw(name))
        return fmt::format("refdrv: error: {} is an option of {}: write it after the command (refdrv {} {} ...)\n",
                           name, cmd, cmd, rest.front());
      return fmt::format("refdrv: error: unknown option '{}'{} ({} lists the options)\n", rest.front(),
                         cmd.empty() ? "" : " for " + cmd, help);
    }
    if (!rest.empty())
      return fmt::format("refdrv: error: unexpected argument '{}'{} ({} says what it takes)\n", rest.front(),
                         cmd.empty() ? "" : " to " + cmd, help);
  }
  // CLI11's words for an option given twice: "--impl: At Most 1 required
  // but received 2".
  if (const auto at = what.find(": At Most 1 required but received "); at != std::string::npos)
    return fmt::format("refdrv: error: {} given {} times: give it once ({})\n", what.substr(0, at),
                       what.substr(at + std::string_view(": At Most 1 required but received ").size()), help);
  return fmt::format("refdrv: error: {} ({})\n", what, help);
}


std::vector<Command> help_commands(CLI::App& app, Common& common) {
  auto* help = app.add_subcommand("help", "print the options of a command (refdrv help COMMAND), or the commands");
  auto* topic_option = help->add_option("command", common.help_topic, "a command");
  return {{help, [&app, &common, topic_option]() -> int {
             const std::string& topic = common.help_topic;
             // Given empty is not absent: `refdrv help ""` printed the commands.
             if (topic.empty() && topic_option->count() > 0) {
               fmt::print(stderr, "refdrv: error: help: an empty command name names no command\n");
               return kExitBadInput;
             }
             if (topic.empty()) {
               // Not app.help(): that describes the selected command, this one.
               fmt::print("{}", app.get_formatter()->make_help(&app, "refdrv", CLI::AppFormatMode::Normal));
               return 0;
             }
             if (const std::string bad = unknown_command(app, topic); !bad.empty()) {
               fmt::print(stderr, "refdrv: error: {}\n", bad);
               return kExitBadInput;
             }
             if (topic.front() == '-') {
               fmt::print(stderr, "refdrv: error: help takes a command, not an option ('{}')\n", topic);
               return kExitBadInput;
             }
             fmt::print("{}", app.get_subcommand(topic)->help("refdrv"));
             return 0;
           }}};
}

}  // namespace refdrv::cli
