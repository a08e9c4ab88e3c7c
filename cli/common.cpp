// SPDX-License-Identifier: GPL-2.0
#include "cli/common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/check.hpp"
#include "engine/suite.hpp"

namespace refdrv::cli {

int report_error(const Error& e) {
  fmt::print(stderr, "refdrv: error: {}\n", e.message);
  return e.exit_code;
}

void add_env_options(CLI::App* cmd, Common& c) {
  cmd->add_option("--kernel", c.env.kernel, "Linux source tree or git checkout (default: Debian's linux-source)");
  cmd->add_option("--series", c.env.series, "Debian linux-source series when --kernel is not given (6.12, 6.1)");
  cmd->add_option("-j,--jobs", c.env.jobs, "parallel jobs for the per-tree build (default: CPUs)");
  cmd->add_flag("-q,--quiet", c.env.quiet, "no progress lines");
}

void add_impl_option(CLI::App* cmd, Common& c) {
  cmd->add_option("--impl", c.impls, "implementations: all, or a list of c,rust,cxx (none = Generic PHY)");
}

bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never" || std::getenv("NO_COLOR")) return false;
  return isatty(STDOUT_FILENO) != 0;
}

// The implementations to run: all available, or the ones named (each must exist).
Result<std::vector<Impl>> select_impls(Environment& env, const std::string& spec, std::map<Impl, std::string>* absent) {
  std::map<Impl, std::string> missing;
  const auto available = available_impls(env, &missing);
  if (spec == "all") {
    if (auto r = require_declared_impls(env); !r) return std::unexpected(r.error());
    if (absent) *absent = missing;
    return available;
  }
  std::vector<Impl> out;
  std::stringstream ss(spec);
  for (std::string item; std::getline(ss, item, ',');) {
    auto impl = impl_from(item);
    if (!impl) return fail(fmt::format("--impl: unknown implementation '{}' (c, rust, cxx, none, or all)", item));
    if (*impl != Impl::kNone && std::find(available.begin(), available.end(), *impl) == available.end())
      return fail(fmt::format("the {} implementation is not available: {}", impl_title(*impl), missing[*impl]));
    out.push_back(*impl);
  }
  if (out.empty()) return fail("--impl: no implementation given");
  return out;
}

Result<std::vector<Scenario>> scenarios_from(const std::vector<std::string>& paths) {
  if (paths.empty()) return load_default_suite();
  return load_scenarios(paths);
}

Result<void> write_text(const std::string& path, const std::string& text) {
  if (path == "-") {
    fmt::print("{}", text);
    return {};
  }
  std::ofstream out(path);
  if (!out) return fail(fmt::format("cannot write {}", path));
  out << text;
  return {};
}

void add_containment_options(CLI::App* cmd, ContainmentArgs& a) {
  cmd->add_flag("--in-process", a.in_process,
                "run the instances in this process: faster, but a crash or busy loop in host code (the C++ driver) "
                "ends the run instead of becoming a finding");
  cmd->add_option("--wall-budget", a.wall, "wall-clock seconds one instance may take before it is a hang")
      ->check(CLI::PositiveNumber);
}

std::vector<Command> build_app(CLI::App& app, Common& common) {
  app.require_subcommand(1);
  std::vector<Command> commands;
  for (auto add : {check_commands, inspect_commands, fault_commands, fuzz_commands, report_commands})
    for (auto& c : add(app, common)) commands.push_back(std::move(c));
  return commands;
}

std::function<void(std::size_t, std::size_t, const std::string&)> progress_line(const Common& c) {
  if (c.env.quiet || !isatty(STDERR_FILENO)) return nullptr;
  return [](std::size_t done, std::size_t total, const std::string& what) {
    fmt::print(stderr, "\r\033[K[{}/{}] {}", done, total, what);
    if (done == total) fmt::print(stderr, "\r\033[K");
  };
}

}  // namespace refdrv::cli
