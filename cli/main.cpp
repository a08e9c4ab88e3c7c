// SPDX-License-Identifier: GPL-2.0
// refdrv: run Linux PHY drivers (C, Rust, C++) on the real phylib against
// hardware models, and compare them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/check.hpp"
#include "engine/environment.hpp"
#include "engine/suite.hpp"
#include "hw/catalog.hpp"
#include "hw/regdump.hpp"
#include "report/check_report.hpp"

namespace {

using namespace refdrv;

int report_error(const Error& e) {
  fmt::print(stderr, "refdrv: error: {}\n", e.message);
  return e.exit_code;
}

struct Common {
  EnvironmentOptions env;
  std::string impls = "all";
  std::string color = "auto";
};

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

struct CheckArgs {
  std::vector<std::string> scenarios;
  std::string ktap, json, repro_dir = "refdrv-repro";
  bool in_process = false;
  double wall = 30;
  bool no_logs = false;
};

void add_containment_options(CLI::App* cmd, CheckArgs& a) {
  cmd->add_flag("--in-process", a.in_process,
                "run the instances in this process: faster, but a crash or busy loop in host code (the C++ driver) "
                "ends the run instead of becoming a finding");
  cmd->add_option("--wall-budget", a.wall, "wall-clock seconds one instance may take before it is a hang")
      ->check(CLI::PositiveNumber);
}

int cmd_check(const Common& c, const CheckArgs& a) {
  auto scenarios = scenarios_from(a.scenarios);
  if (!scenarios) return report_error(scenarios.error());
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  CheckOptions opt;
  std::map<Impl, std::string> absent;
  auto impls = select_impls(**env, c.impls, &absent);
  if (!impls) return report_error(impls.error());
  opt.impls = *impls;
  opt.containment = a.in_process ? Containment::kInProcess : Containment::kFork;
  opt.wall_seconds = a.wall;
  opt.repro_dir = a.repro_dir;
  opt.logs = !a.no_logs;
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (!c.env.quiet && tty)
    opt.progress = [](std::size_t done, std::size_t total, const std::string& what) {
      fmt::print(stderr, "\r\033[K[{}/{}] {}", done, total, what);
      if (done == total) fmt::print(stderr, "\r\033[K");
    };
  CheckReport rep = run_check(**env, *scenarios, opt);
  rep.absent = absent;
  fmt::print("{}", format_terminal(rep, {.color = use_color(c.color)}));
  if (!a.ktap.empty())
    if (auto w = write_text(a.ktap, format_ktap(rep)); !w) return report_error(w.error());
  if (!a.json.empty())
    if (auto w = write_text(a.json, check_report_json(rep).dump(2) + "\n"); !w) return report_error(w.error());
  return rep.exit_code();
}

struct TraceArgs {
  std::string scenario;
  std::string model;
  std::string partner = "switch-10-100";
  double seconds = 5.0;
  bool decode = false;
  bool logs = true;
};

// A scenario for `trace` without a file: attach, start, run.
Scenario quick_scenario(const std::string& model, const std::string& partner, double seconds) {
  const std::string yaml = fmt::format(
      "name: quick-trace\nmodels: [{}]\npartner: {}\nsteps:\n  - attach\n  - start\n  - wait: {}s\n", model, partner,
      seconds);
  return *parse_scenario(yaml, "(command line)");
}

int cmd_trace(const Common& c, const TraceArgs& t) {
  Scenario sc;
  if (!t.scenario.empty()) {
    auto s = load_scenario(t.scenario);
    if (!s) return report_error(s.error());
    sc = std::move(*s);
  } else {
    const std::string model = t.model.empty() ? "AX88772A" : t.model;
    if (!hw::find_phy_model(model)) return report_error({fmt::format("unknown model '{}'; `refdrv models` lists them", model)});
    if (t.partner != "none" && !hw::find_partner(t.partner))
      return report_error({fmt::format("unknown partner '{}'; `refdrv models` lists them", t.partner)});
    sc = quick_scenario(model, t.partner, t.seconds);
  }
  const std::string model = t.model.empty() ? sc.models.front() : t.model;
  if (std::find(sc.models.begin(), sc.models.end(), model) == sc.models.end())
    return report_error({fmt::format("{} does not run on model {} (its models: {})", sc.file, model,
                                     fmt::join(sc.models, ", "))});
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls == "all" ? "c" : c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  int status = 0;
  for (Impl impl : *impls) {
    RunOptions ro;
    ro.logs = t.logs;
    const RunResult r = run_scenario(**env, sc, model, impl, ro);
    fmt::print("# refdrv trace: {} on {} with the {} implementation; Linux {} ({})\n", sc.name, model,
               impl_title(impl), (*env)->tree().version, (*env)->tree().origin);
    fmt::print("{}", r.trace.format({.decode_registers = t.decode, .logs = t.logs}));
    for (const auto& e : r.expectations)
      if (!e.ok) fmt::print("# FAIL {}: {}\n", e.where, e.message);
    fmt::print("# {}\n", r.passed() ? "all expectations hold" : r.failure_summary());
    if (!r.passed()) status = kExitFailure;
  }
  return status;
}

struct DiffArgs {
  std::string scenario;
  std::string model;
  int lines = 20;
};

int cmd_diff(const Common& c, const DiffArgs& d) {
  auto s = load_scenario(d.scenario);
  if (!s) return report_error(s.error());
  const std::string model = d.model.empty() ? s->models.front() : d.model;
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls == "all" ? "c,rust" : c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  if (impls->size() != 2) return report_error({"diff compares exactly two implementations: --impl c,rust"});
  const RunResult a = run_scenario(**env, *s, model, (*impls)[0]);
  const RunResult b = run_scenario(**env, *s, model, (*impls)[1]);
  auto div = compare(*s, a, b);
  if (!div) {
    fmt::print("{} and {} are equivalent on {} ({}) at all three levels.\n", impl_title((*impls)[0]),
               impl_title((*impls)[1]), s->name, model);
    return 0;
  }
  fmt::print("{}\n", format_divergence(*div, (*impls)[0], (*impls)[1]));
  // Side by side from a few events before the divergence.
  auto lines_of = [](const RunResult& r) {
    std::vector<std::string> v;
    for (const auto& e : r.trace.events())
      if (e.kind != TraceKind::kLog) v.push_back(format_event(e));
    return v;
  };
  const auto la = lines_of(a), lb = lines_of(b);
  std::size_t first = 0;
  while (first < la.size() && first < lb.size() && la[first] == lb[first]) ++first;
  const std::size_t from = first > 3 ? first - 3 : 0;
  fmt::print("{:<64} | {}\n", impl_title((*impls)[0]), impl_title((*impls)[1]));
  for (std::size_t i = from; i < from + static_cast<std::size_t>(d.lines) && (i < la.size() || i < lb.size()); ++i) {
    const std::string l = i < la.size() ? la[i] : "";
    const std::string r = i < lb.size() ? lb[i] : "";
    fmt::print("{}{:<64.64} | {}\n", l == r ? " " : "*", l, r);
  }
  return kExitFailure;
}

int cmd_list(const Common& c) {
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  const auto& tree = (*env)->tree();
  fmt::print("Linux {} ({})\n\n", tree.version, tree.origin);
  fmt::print("Reference-driver pairs declared by the tree (drivers/net/phy/Makefile + Kconfig):\n");
  if (tree.groups.empty()) fmt::print("  none: no Rust reference driver in this tree\n");
  for (const auto& g : tree.groups)
    fmt::print("  CONFIG_{}: C {} | Rust {} (CONFIG_{}, depends on {})\n", g.kconfig, g.c_source, g.rust_source,
               g.rust_kconfig, g.rust_depends);
  fmt::print("\nImplementations of CONFIG_AX88796B_PHY hosted by refdrv:\n");
  std::map<Impl, std::string> absent;
  const auto avail = available_impls(**env, &absent);
  for (const auto& m : (*env)->image().modules()) {
    if (m.kconfig != "AX88796B_PHY" || m.drivers.empty()) continue;
    std::string sel = m.impl == Impl::kC      ? "CONFIG_AX88796B_PHY (default)"
                      : m.impl == Impl::kRust ? "CONFIG_AX88796B_RUST_PHY (depends on RUST_PHYLIB_ABSTRACTIONS && AX88796B_PHY)"
                                              : "CONFIG_AX88796B_CXX_PHY (depends on CXX_PHYLIB_ABSTRACTIONS && AX88796B_PHY)";
    fmt::print("  {:<5} {:<14} {:<34} --impl {}  selected by {}\n", impl_title(m.impl), m.name, m.source,
               impl_name(m.impl), sel);
  }
  for (const auto& [impl, why] : absent) fmt::print("  {:<5} not hosted: {}\n", impl_title(impl), why);
  fmt::print("\nOther Rust drivers built from the tree:\n");
  bool any = false;
  for (const auto& d : (*env)->built().rust_drivers)
    if (d.kconfig != "AX88796B_PHY") {
      fmt::print("  {} (CONFIG_{}): compiled and registered, not exercised\n", d.source, d.kconfig);
      any = true;
    }
  if (!any) fmt::print("  none\n");
  (void)avail;
  return 0;
}

int cmd_modinfo(const Common& c) {
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  for (const auto& m : (*env)->image().modules()) {
    if (m.drivers.empty()) continue;
    fmt::print("module:      {}\n", m.name);
    fmt::print("source:      {}\n", m.source);
    fmt::print("language:    {}\n", m.impl == Impl::kNone ? "C (phylib core)" : impl_title(m.impl));
    if (!m.kconfig.empty()) fmt::print("kconfig:     CONFIG_{}\n", m.kconfig);
    if (!m.author.empty()) fmt::print("author:      {}\n", m.author);
    if (!m.description.empty()) fmt::print("description: {}\n", m.description);
    if (!m.license.empty()) fmt::print("license:     {}\n", m.license);
    for (const auto& d : m.drivers) {
      std::string cbs;
      for (int cb = 0; cb < REFDRV_CB_COUNT; ++cb)
        if (d.callbacks & (1u << cb)) cbs += std::string(cbs.empty() ? "" : " ") + callback_name(cb);
      fmt::print("driver:      {} (phy_id 0x{:08x} mask 0x{:08x}; {})\n", d.name, d.phy_id, d.mask,
                 cbs.empty() ? "no callbacks" : cbs);
    }
    fmt::print("\n");
  }
  return 0;
}

int cmd_models() {
  fmt::print("PHY models:\n");
  for (const auto& m : hw::phy_models()) fmt::print("  {:<16} 0x{:08x}  {}\n", m.name, m.phy_id, m.description);
  fmt::print("\nLink partners:\n");
  for (const auto& p : hw::partner_profiles()) fmt::print("  {:<16} {}\n", p.name, p.description);
  fmt::print("  {:<16} {}\n", "none", "no cable / no partner");
  fmt::print("\nQuirks:\n");
  for (const auto& q : hw::quirk_catalog()) fmt::print("  {:<26} {:<10} {}\n", q.name, q.models, q.record);
  return 0;
}

int cmd_suite(bool show, const std::string& name) {
  for (const auto& e : embedded_suite()) {
    auto s = parse_scenario(e.text, e.file);
    if (!s) return report_error(s.error());
    if (show) {
      if (s->name == name || e.file == name) {
        fmt::print("{}", e.text);
        return 0;
      }
      continue;
    }
    fmt::print("{:<34} {:<30} {}\n", s->name, fmt::join(s->models, ","), s->description);
  }
  if (show) return report_error({fmt::format("no scenario '{}' in the default suite", name)});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"refdrv: reference-driver workbench (C, Rust and C++ PHY drivers on the real phylib)"};
  app.require_subcommand(1);
  Common common;

  CheckArgs ca;
  auto* check = app.add_subcommand("check", "run the scenarios on every implementation and compare them (main job)");
  add_env_options(check, common);
  add_impl_option(check, common);
  check->add_option("--scenario", ca.scenarios, "scenario files or directories (default: the embedded suite)");
  check->add_option("--ktap", ca.ktap, "write KTAP to this file (- for stdout)");
  check->add_option("--json", ca.json, "write the JSON report to this file (- for stdout)");
  check->add_option("--repro-dir", ca.repro_dir, "where reproducers of divergences are written");
  add_containment_options(check, ca);
  check->add_flag("--no-logs", ca.no_logs, "do not keep kernel log lines in traces");
  check->add_option("--color", common.color, "auto, always, never");

  CheckArgs ra;
  auto* run = app.add_subcommand("run", "run scenario files on the selected implementations");
  add_env_options(run, common);
  add_impl_option(run, common);
  run->add_option("scenario", ra.scenarios, "scenario files or directories")->required();
  run->add_option("--ktap", ra.ktap, "write KTAP to this file (- for stdout)");
  run->add_option("--json", ra.json, "write the JSON report to this file (- for stdout)");
  run->add_option("--repro-dir", ra.repro_dir, "where reproducers of divergences are written");
  add_containment_options(run, ra);
  run->add_flag("--no-logs", ra.no_logs, "do not keep kernel log lines in traces");
  run->add_option("--color", common.color, "auto, always, never");

  TraceArgs ta;
  auto* trace = app.add_subcommand("trace", "print one implementation's trace of a scenario (or of a quick attach/start)");
  add_env_options(trace, common);
  add_impl_option(trace, common);
  trace->add_option("scenario", ta.scenario, "scenario file (default: attach, start, wait)");
  trace->add_option("--model", ta.model, "PHY model (refdrv models)");
  trace->add_option("--partner", ta.partner, "without a scenario: link partner, or none");
  trace->add_option("--seconds", ta.seconds, "without a scenario: virtual seconds to run after phy_start");
  trace->add_flag("--decode", ta.decode, "decode every MDIO register value");
  trace->add_flag("!--no-logs", ta.logs, "omit kernel log lines");

  DiffArgs da;
  auto* diff = app.add_subcommand("diff", "two implementations side by side from their first divergence");
  add_env_options(diff, common);
  add_impl_option(diff, common);
  diff->add_option("scenario", da.scenario, "scenario file")->required();
  diff->add_option("--model", da.model, "PHY model (default: the scenario's first)");
  diff->add_option("--lines", da.lines, "lines of trace to show");

  auto* list = app.add_subcommand("list", "implementations and reference-driver pairs in the tree, and which are hosted");
  add_env_options(list, common);
  auto* modinfo = app.add_subcommand("modinfo", "modules and drivers the kernel side registered");
  add_env_options(modinfo, common);
  auto* models = app.add_subcommand("models", "hardware models, link partners and quirks");
  bool suite_show = false;
  std::string suite_name;
  auto* suite = app.add_subcommand("suite", "the embedded default suite");
  suite->add_option("--show", suite_name, "print one scenario's YAML")->each([&](const std::string&) { suite_show = true; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (*check) return cmd_check(common, ca);
  if (*run) return cmd_check(common, ra);
  if (*trace) return cmd_trace(common, ta);
  if (*diff) return cmd_diff(common, da);
  if (*list) return cmd_list(common);
  if (*modinfo) return cmd_modinfo(common);
  if (*models) return cmd_models();
  if (*suite) return cmd_suite(suite_show, suite_name);
  return 0;
}
