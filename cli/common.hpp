// SPDX-License-Identifier: GPL-2.0
// What the refdrv subcommands share: the environment and implementation
// options, error reporting, output files.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/environment.hpp"
#include "engine/scenario.hpp"
#include "engine/supervisor.hpp"
#include "host/error.hpp"

namespace refdrv::cli {

struct Common {
  EnvironmentOptions env;
  std::string impls = "all";
  std::string color = "auto";
};

// Prints "refdrv: error: ..." and returns the error's exit code.
int report_error(const Error& e);

void add_env_options(CLI::App* cmd, Common& c);
void add_impl_option(CLI::App* cmd, Common& c);
[[nodiscard]] bool use_color(const std::string& mode);

// The implementations to run: all available, or the ones named (each must exist).
Result<std::vector<Impl>> select_impls(Environment& env, const std::string& spec, std::map<Impl, std::string>* absent);

// The scenarios in these files/directories, or the default suite.
Result<std::vector<Scenario>> scenarios_from(const std::vector<std::string>& paths);

// Writes `text` to `path` ("-": stdout).
Result<void> write_text(const std::string& path, const std::string& text);

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
std::vector<Command> fuzz_commands(CLI::App& app, Common& common);     // fuzz
std::vector<Command> report_commands(CLI::App& app, Common& common);   // report, cost-worker

}  // namespace refdrv::cli
