// SPDX-License-Identifier: GPL-2.0
// refdrv check (the main job: the default suite) and refdrv run (given
// scenario files): every implementation, compared.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "cli/common.hpp"
#include "engine/check.hpp"
#include "engine/commits.hpp"
#include "engine/check_report.hpp"

namespace refdrv::cli {

namespace {

struct CheckArgs {
  std::vector<std::string> scenarios;
  std::optional<std::string> commits;  // check --commits A..B (given, even empty)
  MachineOutputs out;
  std::string repro_dir = "refdrv-repro";
  ContainmentArgs containment;
  bool no_logs = false;
  std::string command = "refdrv check";  // how the output names what ran
};

// What the check options ask of each run (the implementations aside).
CheckOptions check_options(const Common& c, const CheckArgs& a) {
  CheckOptions opt;
  // Named as it replays: a reproducer of the build with every driver runs
  // on that build again.
  opt.command = a.command + (c.env.all_phy_drivers ? " --all-phy-drivers" : "");
  opt.compare.bound_drivers_only = c.env.all_phy_drivers;
  opt.containment = a.containment.containment();
  opt.wall_seconds = a.containment.wall;
  opt.repro_dir = a.repro_dir;
  opt.logs = !a.no_logs;
  return opt;
}

// check --kernel GIT_TREE --commits A..B: the check on every commit.
int cmd_check_commits(const Common& c, const CheckArgs& a) {
  if (c.env.kernel.empty())
    return report_error({"--commits needs --kernel GIT_TREE: the git checkout of a Linux tree whose commits to check"});
  if (!a.out.ktap.empty() || !a.out.json.empty())
    return report_error({"--commits prints a line per commit; --ktap and --json are for the check of one tree"});
  // Each commit is checked as committed: a --replace would patch every one
  // alike, unsaid, and blame the commit for the file it gave.
  if (!c.env.overlay.empty())
    return report_error(
        {fmt::format("--commits checks each commit's own sources; --replace {} would replace that file "
                     "in every commit of the range (commit it on a branch and check that branch)",
                     c.env.overlay.begin()->first)});
  auto scenarios = scenarios_from(a.scenarios);
  if (!scenarios) return report_error(scenarios.error());
  CommitsOptions o;
  o.env = c.env;
  o.range = *a.commits;
  o.scenarios = std::move(*scenarios);
  o.check = check_options(c, a);
  o.select = [&c](Environment& env) { return select_impls(env, c.impls, nullptr); };
  o.progress = [&c](const std::string& line) {
    if (!c.env.quiet) fmt::print(stderr, "refdrv: {}\n", line);
  };
  o.env.quiet = true;  // the per-commit builds' lines would bury the commit lines
  const bool color = use_color(c.color);
  o.on_result = [color](const CommitResult& r, std::size_t i, const std::vector<kernel::GitCommit>& range) {
    fmt::print("{}", format_commit_line(r, i, range, color));
    std::fflush(stdout);
  };
  auto rep = check_commits(o);
  if (!rep) return report_error(rep.error());
  fmt::print("{}", format_commits_summary(*rep));
  return rep->exit_code();
}

int cmd_check(const Common& c, const CheckArgs& a) {
  if (a.commits) return cmd_check_commits(c, a);
  auto scenarios = scenarios_from(a.scenarios);
  if (!scenarios) return report_error(scenarios.error());
  if (auto r = a.out.check(read_inputs(c, *scenarios, a.scenarios)); !r) return report_error(r.error());
  const bool machine_stdout = a.out.on_stdout();
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  std::map<Impl, std::string> absent;
  auto impls = select_impls(**env, c.impls, &absent);
  if (!impls) return report_error(impls.error());
  CheckOptions opt = check_options(c, a);
  opt.impls = *impls;
  opt.progress = progress_line(c);
  CheckReport rep = run_check(**env, *scenarios, opt);
  rep.absent = absent;
  rep.command = a.command;
  // With --ktap - or --json -, stdout holds that format alone; the table goes
  // to stderr (unless --quiet), like the progress lines.
  if (!machine_stdout)
    fmt::print("{}", format_terminal(rep, {.color = use_color(c.color)}));
  else if (!c.env.quiet)
    fmt::print(stderr, "{}", format_terminal(rep, {.color = use_color(c.color, STDERR_FILENO)}));
  if (auto w = a.out.write([&] { return format_ktap(rep); }, [&] { return check_report_json(rep).dump(2) + "\n"; });
      !w)
    return report_error(w.error());
  return rep.exit_code();
}

void add_check_options(CLI::App* cmd, Common& common, CheckArgs& a) {
  add_env_options(cmd, common);
  add_impl_option(cmd, common);
  add_machine_output_options(cmd, a.out);
  cmd->add_option("--repro-dir", a.repro_dir, "where reproducers of divergences are written (default: refdrv-repro; check first removes those an "
                  "earlier check or run wrote there)")
      ->check(directory_to_write());
  add_containment_options(cmd, a.containment);
  cmd->add_flag("--no-logs", a.no_logs, "do not keep kernel log lines in traces (the kernel log is then not compared; WARNs still are)");
  add_color_option(cmd, common);
}

}  // namespace

std::vector<Command> check_commands(CLI::App& app, Common& common) {
  auto ca = std::make_shared<CheckArgs>();
  auto* check = app.add_subcommand("check", "run the scenarios on every implementation and compare them (main job)");
  check->add_option("--scenario", ca->scenarios, "scenario files or directories (a directory: its *.yaml and *.yml files, not its subdirectories; default: the embedded suite)");
  check->add_option("--commits", ca->commits,
                    "with --kernel GIT_TREE: check each commit of the range A..B (also A.., ..B, or X^! for one "
                    "commit), oldest first, in refdrv's own checkout (the repository is only read); one line per "
                    "commit, the first that breaks named");
  add_check_options(check, common, *ca);

  auto ra = std::make_shared<CheckArgs>();
  ra->command = "refdrv run";
  auto* run = app.add_subcommand("run", "run scenario files on the selected implementations");
  run->add_option("scenario", ra->scenarios, "scenario files or directories")->required();
  add_check_options(run, common, *ra);
  add_all_phy_drivers_option(run, common);
  return {{check, [&common, ca] { return cmd_check(common, *ca); }},
          {run, [&common, ra] { return cmd_check(common, *ra); }}};
}

}  // namespace refdrv::cli
