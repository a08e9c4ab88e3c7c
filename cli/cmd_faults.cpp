// SPDX-License-Identifier: GPL-2.0
// refdrv faults: the exhaustive single-fault sweep.
#include <fmt/format.h>
#include <unistd.h>

#include <memory>

#include "cli/common.hpp"
#include "engine/fault_sweep.hpp"
#include "engine/fault_report.hpp"

namespace refdrv::cli {

namespace {

struct FaultArgs {
  std::vector<std::string> scenarios;
  std::string json, repro_dir = "refdrv-repro";
  ContainmentArgs containment;
  bool all = false;
  bool delivered = false;
};

int cmd_faults(const Common& c, const FaultArgs& a) {
  const bool machine_stdout = to_stdout(a.json);
  auto scenarios = scenarios_from(a.scenarios);
  if (!scenarios) return report_error(scenarios.error());
  if (auto r = output_spares_inputs("--json", a.json, read_inputs(c, *scenarios, a.scenarios)); !r)
    return report_error(r.error());
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  SweepOptions opt;
  opt.impls = *impls;
  opt.containment = a.containment.containment();
  opt.wall_seconds = a.containment.wall;
  opt.repro_dir = a.repro_dir;
  opt.delivered = a.delivered;
  if (auto line = progress_line(c))
    opt.progress = [line](std::size_t done, std::size_t total) {
      if (done % 256 == 0 || done == total) line(done, total, "single-fault runs");
    };
  const SweepReport rep = run_fault_sweep(**env, *scenarios, opt);
  // With --json -, stdout holds the JSON alone; the summary goes to stderr.
  if (!machine_stdout)
    fmt::print("{}", format_fault_terminal(rep, {.color = use_color(c.color), .all_points = a.all}));
  else if (!c.env.quiet)
    fmt::print(stderr, "{}", format_fault_terminal(rep, {.color = use_color(c.color, STDERR_FILENO), .all_points = a.all}));
  if (!a.json.empty())
    if (auto w = write_text(a.json, fault_report_json(rep).dump(1) + "\n"); !w) return report_error(w.error());
  if (rep.exit_code() == kExitBadInput) return report_error({rep.no_verdict()});
  return rep.exit_code();
}

}  // namespace

std::vector<Command> fault_commands(CLI::App& app, Common& common) {
  auto fa = std::make_shared<FaultArgs>();
  auto* faults = app.add_subcommand(
      "faults", "single-fault sweep: fail each MDIO access of each scenario once, on every implementation");
  add_env_options(faults, common);
  add_impl_option(faults, common);
  faults->add_option("--scenario", fa->scenarios, "scenario files or directories (a directory: its *.yaml and *.yml files, not its subdirectories; default: the embedded suite)");
  faults->add_option("--json", fa->json, "write the JSON report (every point) to this file (- for stdout)")
      ->check(file_to_write());
  faults
      ->add_option(
          "--repro-dir", fa->repro_dir,
          "where reproducers of points that differ, or where every implementation stopped, are written (default: "
          "refdrv-repro)")
      ->check(directory_to_write());
  faults->add_flag("--all", fa->all, "list every point, not only where the implementations differ");
  faults->add_flag("--delivered", fa->delivered,
                   "each failed access reaches the PHY before the error (a write takes effect, a read consumes its "
                   "latching bits), as on the Asix USB adapters' MDIO; without it the frame never reaches the PHY");
  add_containment_options(faults, fa->containment);
  add_color_option(faults, common);
  return {{faults, [&common, fa] { return cmd_faults(common, *fa); }}};
}

}  // namespace refdrv::cli
