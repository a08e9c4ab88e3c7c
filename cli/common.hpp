// SPDX-License-Identifier: GPL-2.0
// What the refdrv subcommands share: the environment and implementation
// options, error reporting, output files.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "cxx/drivers/modules.hpp"
#include "engine/environment.hpp"
#include "engine/scenario.hpp"
#include "engine/supervisor.hpp"

namespace refdrv::cli {

struct Common {
  // refdrv's C++ driver modules registered with every environment.
  EnvironmentOptions env{.cxx_modules = drivers::cxx_modules()};
  std::string impls = "all";
  std::string color = "auto";
  std::string help_topic;  // refdrv help COMMAND
};

// Prints "refdrv: error: ..." and returns the error's exit code.
int report_error(const Error& e);

// Validators for option values. Each rejects what it cannot take (empty,
// not a number, NaN, infinite, out of range, not one of the names) with a
// one-line message naming the value, before any work is done.
[[nodiscard]] CLI::Validator number_in(double min, double max, bool min_exclusive = false);
[[nodiscard]] CLI::Validator integer_in(long long min, long long max);
[[nodiscard]] CLI::Validator one_of(std::vector<std::string> names, const std::string& what,
                                    const std::string& listed_by = {});
// A directory the command writes into: not empty, and not something that
// exists and is no directory (checked before the work, whose results would
// otherwise have nowhere to go).
[[nodiscard]] CLI::Validator directory_to_write();
// A file the command writes (or - for stdout where `dash` is true): not
// empty, not a directory, in a directory that exists.
[[nodiscard]] CLI::Validator file_to_write(bool dash = true);
// A file the command reads: exists and is not a directory.
[[nodiscard]] CLI::Validator file_to_read();

// --kernel, --series, -q: which tree (commands that only read its sources).
void add_tree_options(CLI::App* cmd, Common& c);
// The tree options and those of the kernel side's build: -j, --replace, and --firmware
// where the command runs instances (`firmware`).
void add_env_options(CLI::App* cmd, Common& c, bool firmware = true);

// --all-phy-drivers: the kernel side with every PHY driver of the tree, as
// refdrv drivers builds it (to replay its reproducers).
void add_all_phy_drivers_option(CLI::App* cmd, Common& c);

// What --impl may name on a command.
enum class ImplChoice {
  kAll,   // "all" (the default) or a list
  kList,  // a list only; not given: the command's default
  kPair,  // exactly two; not given: the command's default
};
void add_impl_option(CLI::App* cmd, Common& c, ImplChoice choice = ImplChoice::kAll);
// --color: always, never, or auto (when `fd` is a terminal and NO_COLOR is unset).
[[nodiscard]] bool use_color(const std::string& mode, int fd = 1);
void add_color_option(CLI::App* cmd, Common& c);

// An --impl value: empty for "all", else the implementations named, each
// once (c, rust, cxx, none). `all_allowed`: whether the error for an unknown
// name offers "all" (the commands whose --impl cannot be "all" refuse it).
Result<std::vector<Impl>> parse_impls(const std::string& spec, bool all_allowed = true);

// The implementations to run: all available, or the ones named (each must exist).
Result<std::vector<Impl>> select_impls(Environment& env, const std::string& spec, std::map<Impl, std::string>* absent);

// The scenarios in these files/directories, or the default suite.
Result<std::vector<Scenario>> scenarios_from(const std::vector<std::string>& paths);

// Writes `text` to `path` ("-": stdout).
Result<void> write_text(const std::string& path, const std::string& text);

// Machine output (KTAP, JSON) goes to a file, or to stdout for "-". With
// "-", stdout holds that format alone: whatever else the command prints
// (its table, progress) goes to stderr.
[[nodiscard]] inline bool to_stdout(const std::string& path) { return path == "-"; }

// The files a command reads that none of its outputs may overwrite: the
// scenario files it loaded (`scenario_paths` as given, each directory's
// scenario files; none for the embedded suite) and every --replace source.
[[nodiscard]] std::vector<std::string> read_inputs(const Common& c, const std::vector<Scenario>& loaded,
                                                   const std::vector<std::string>& scenario_paths);
// An output file (`option` PATH) that is one of `inputs` under any name (./x,
// a symlink, a hard link): the error, before any work, that would otherwise
// be the input overwritten by the command's report.
[[nodiscard]] Result<void> output_spares_inputs(std::string_view option, const std::string& path,
                                                const std::vector<std::string>& inputs);

// A command's --ktap and --json: at most one of them may be "-".
struct MachineOutputs {
  std::string ktap, json;
  // The error when both want stdout, when both name one file, or when one
  // names an input (read_inputs()), before any work.
  [[nodiscard]] Result<void> check(const std::vector<std::string>& inputs = {}) const;
  // One of them goes to stdout (the command's own text then to stderr).
  [[nodiscard]] bool on_stdout() const { return to_stdout(ktap) || to_stdout(json); }
  // Writes those asked for; a format's text is made only when asked for.
  [[nodiscard]] Result<void> write(const std::function<std::string()>& ktap_text,
                                   const std::function<std::string()>& json_text) const;
};
// --ktap FILE|- and --json FILE|-.
void add_machine_output_options(CLI::App* cmd, MachineOutputs& out,
                                const std::string& ktap_help = "write KTAP to this file (- for stdout)");

// Containment options: --in-process, --wall-budget.
struct ContainmentArgs {
  bool in_process = false;
  double wall = 30;
  [[nodiscard]] Containment containment() const { return in_process ? Containment::kInProcess : Containment::kFork; }
};
void add_containment_options(CLI::App* cmd, ContainmentArgs& a);

// A progress line on stderr when it is a terminal (and not --quiet).
std::function<void(std::size_t, std::size_t, const std::string&)> progress_line(const Common& c);

// A subcommand: registered on the app, run when it was the one parsed.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Every subcommand of refdrv, registered on `app` (which must outlive them).
std::vector<Command> build_app(CLI::App& app, Common& common);

std::vector<Command> check_commands(CLI::App& app, Common& common);    // check, run
std::vector<Command> inspect_commands(CLI::App& app, Common& common);  // trace, diff, list, modinfo, models, suite
std::vector<Command> fault_commands(CLI::App& app, Common& common);    // faults
std::vector<Command> mutate_commands(CLI::App& app, Common& common);   // mutate
std::vector<Command> fuzz_commands(CLI::App& app, Common& common);     // fuzz
std::vector<Command> report_commands(CLI::App& app, Common& common);   // report, cost-worker
std::vector<Command> help_commands(CLI::App& app, Common& common);     // help

// "unknown command 'chek' (did you mean 'check'?); commands: ..." when
// `word` is not a command (nor an option); empty otherwise.
[[nodiscard]] std::string unknown_command(CLI::App& app, std::string_view word);

// The one line refdrv prints for an argument error CLI11 raised (set as the
// app's failure message by build_app).
[[nodiscard]] std::string failure_line(const CLI::App* app, const CLI::Error& e);

}  // namespace refdrv::cli
