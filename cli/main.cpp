// SPDX-License-Identifier: GPL-2.0
// refdrv: run Linux PHY drivers (C, Rust, C++) on the real phylib against
// hardware models, and compare them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

#include "engine/environment.hpp"
#include "host/instance.hpp"
#include "hw/catalog.hpp"
#include "hw/regdump.hpp"

namespace {

using namespace refdrv;

int report(const Error& e) {
  fmt::print(stderr, "refdrv: error: {}\n", e.message);
  return e.exit_code;
}

void add_env_options(CLI::App* cmd, EnvironmentOptions& env) {
  cmd->add_option("--kernel", env.kernel, "Linux source tree or git checkout (default: Debian's linux-source)");
  cmd->add_option("--series", env.series, "Debian linux-source series when --kernel is not given (6.12, 6.1)");
  cmd->add_option("-j,--jobs", env.jobs, "parallel jobs for the per-tree build (default: CPUs)");
  cmd->add_flag("-q,--quiet", env.quiet, "no progress lines");
}

struct TraceOptions {
  std::string model = "AX88772A";
  std::string partner = "switch-10-100";
  std::string impl = "c";
  double seconds = 5.0;
  bool decode = false;
  bool logs = true;
};

int cmd_trace(const EnvironmentOptions& eo, const TraceOptions& to) {
  auto spec = hw::find_phy_model(to.model);
  if (!spec) return report({fmt::format("unknown model '{}'; `refdrv models` lists them", to.model)});
  std::optional<hw::PartnerProfile> partner;
  if (to.partner != "none") {
    partner = hw::find_partner(to.partner);
    if (!partner) return report({fmt::format("unknown partner '{}'; `refdrv models` lists them", to.partner)});
  }
  auto impl = impl_from(to.impl);
  if (!impl) return report({fmt::format("unknown implementation '{}' (c, rust, cxx, none)", to.impl)});
  auto env = Environment::open(eo);
  if (!env) return report(env.error());

  Instance inst((*env)->image(), InstanceConfig{.impl = *impl});
  const int addr = static_cast<int>(spec->default_addr);
  inst.add_device(addr, std::make_unique<hw::PhyModel>(*spec));
  if (partner) inst.phy(addr)->plug(*partner, 0);
  inst.create();
  inst.op(REFDRV_OP_ATTACH, addr);
  inst.op(REFDRV_OP_START);
  inst.run_for(static_cast<std::uint64_t>(to.seconds * 1e9));
  auto st = inst.status();
  fmt::print("# refdrv trace: Linux {} ({}), model {} (0x{:08x}) at MDIO address {}, partner {}, implementation {}\n",
             (*env)->tree().version, (*env)->tree().origin, spec->name, spec->phy_id, addr, to.partner,
             impl_title(*impl));
  fmt::print("{}", inst.trace().format({.decode_registers = to.decode, .logs = to.logs}));
  if (st)
    fmt::print("# final: driver \"{}\", state {}, link {}, {}, carrier {}\n", st->driver, st->state_name,
               st->link ? "up" : "down", speed_duplex_name(st->speed, st->duplex), st->carrier ? "on" : "off");
  if (inst.stopped()) fmt::print("# stopped: {}\n", *inst.stop_reason());
  fmt::print("# registers at the end:\n{}", hw::dump_registers(*inst.phy(addr), inst.now_ns()));
  inst.destroy();
  return inst.stopped() ? kExitFailure : 0;
}

int cmd_modinfo(const EnvironmentOptions& eo) {
  auto env = Environment::open(eo);
  if (!env) return report(env.error());
  for (const auto& m : (*env)->image().modules()) {
    if (m.drivers.empty()) continue;
    fmt::print("module:      {}\n", m.name);
    fmt::print("source:      {}\n", m.source);
    fmt::print("language:    {}\n", m.impl == Impl::kNone ? "C (phylib core)" : impl_title(m.impl));
    if (!m.kconfig.empty()) fmt::print("kconfig:     CONFIG_{}\n", m.kconfig);
    if (!m.author.empty()) fmt::print("author:      {}\n", m.author);
    if (!m.description.empty()) fmt::print("description: {}\n", m.description);
    if (!m.license.empty()) fmt::print("license:     {}\n", m.license);
    for (const auto& d : m.drivers) fmt::print("driver:      {} (phy_id 0x{:08x} mask 0x{:08x})\n", d.name, d.phy_id, d.mask);
    fmt::print("\n");
  }
  return 0;
}

int cmd_models() {
  fmt::print("PHY models:\n");
  for (const auto& m : hw::phy_models())
    fmt::print("  {:<16} 0x{:08x}  {}\n", m.name, m.phy_id, m.description);
  fmt::print("\nLink partners:\n");
  for (const auto& p : hw::partner_profiles()) fmt::print("  {:<16} {}\n", p.name, p.description);
  fmt::print("  {:<16} {}\n", "none", "no cable / no partner");
  fmt::print("\nQuirks:\n");
  for (const auto& q : hw::quirk_catalog()) fmt::print("  {:<26} {:<10} {}\n", q.name, q.models, q.record);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"refdrv: reference-driver workbench (C, Rust and C++ PHY drivers on the real phylib)"};
  app.require_subcommand(1);
  EnvironmentOptions env;

  TraceOptions to;
  auto* trace = app.add_subcommand("trace", "run one implementation on one model and print the trace");
  add_env_options(trace, env);
  trace->add_option("--model", to.model, "PHY model (refdrv models)");
  trace->add_option("--partner", to.partner, "link partner profile, or none");
  trace->add_option("--impl", to.impl, "implementation: c, rust, cxx, none (Generic PHY)");
  trace->add_option("--seconds", to.seconds, "virtual seconds to run after phy_start");
  trace->add_flag("--decode", to.decode, "decode every MDIO register value");
  trace->add_flag("!--no-logs", to.logs, "omit kernel log lines");

  auto* modinfo = app.add_subcommand("modinfo", "modules and drivers the kernel side registered");
  add_env_options(modinfo, env);
  auto* models = app.add_subcommand("models", "hardware models, link partners and quirks");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (*trace) return cmd_trace(env, to);
  if (*modinfo) return cmd_modinfo(env);
  if (*models) return cmd_models();
  return 0;
}
