// SPDX-License-Identifier: GPL-2.0
// Looking at one run or at the environment: refdrv trace, diff, list,
// modinfo, models, suite.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <ranges>
#include <span>
#include <string_view>

#include "abi/refdrv_abi.h"
#include "cli/common.hpp"
#include "engine/check.hpp"
#include "engine/check_report.hpp"
#include "engine/compare.hpp"
#include "engine/groups.hpp"
#include "engine/suite.hpp"
#include "hw/catalog.hpp"
#include "hw/qt2025.hpp"

namespace refdrv::cli {

namespace {

struct TraceArgs {
  std::string scenario;
  std::string model;
  std::string partner;  // "" = the default for the model's medium
  double seconds = 5.0;
  bool decode = false;
  bool registers = false;
  bool no_logs = false;
};

// A scenario for `trace` without a file: attach, start, run.
Result<Scenario> quick_scenario(const std::string& model, const std::string& partner, double seconds) {
  const std::string yaml =
      // The seconds as given (fmt's shortest exact form): rounded to
      // milliseconds, 0.0004 became "wait 0ms" (a review, 2026-12-07).
      fmt::format("name: quick-trace\nmodels: [{}]\npartner: {}\nsteps:\n  - attach\n  - start\n  - wait: {}s\n", model,
                  partner, seconds);
  return parse_scenario(yaml, "(command line)");
}

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const auto& m : hw::all_models()) out.push_back(m.name);
  return out;
}

std::vector<std::string> partner_names() {
  std::vector<std::string> out;
  for (const auto& p : hw::partner_profiles()) out.push_back(p.name);
  out.emplace_back("none");
  return out;
}

// --model, when given, must be one the scenario runs on.
Result<std::string> model_of(const Scenario& sc, const std::string& given) {
  if (given.empty()) return sc.models.front();
  if (std::find(sc.models.begin(), sc.models.end(), given) == sc.models.end())
    return fail(fmt::format("{} does not run on model {} (its models: {})", sc.file, given, fmt::join(sc.models, ", ")));
  return given;
}

// Every implementation of `impls` has a driver for `model` in this
// environment: otherwise its instance would bind another one (the tree's Rust
// QT2025 driver in a "C" instance), and a trace or a diff would name an
// implementation that did not run.
Result<void> require_hosted(Environment& env, const std::string& model, const std::vector<Impl>& impls) {
  const DriverGroup* g = group_of_model(model);
  if (!g) return {};
  const std::vector<Impl> have = group_impls(env, *g);
  for (Impl i : impls)
    if (i != Impl::kNone && std::find(have.begin(), have.end(), i) == have.end())
      return fail(fmt::format("--impl {}: the {} implementation is not hosted for model {}: {} (hosted: {}; refdrv list)",
                              impl_name(i), impl_title(i), model, absence_reason(env, *g, i),
                              have.empty() ? std::string("none")
                                           : fmt::format("{}", fmt::join(have | std::views::transform(impl_name), ", "))));
  return {};
}

// The --impl a trace (count 1) or a diff (count 2) takes when none is given:
// the first implementations hosted for the model (C and Rust for the
// Asix PHYs, Rust and C++ for the QT2025), C and Rust for a model no group
// claims.
Result<std::string> default_impls(Environment& env, const std::string& model, std::size_t count) {
  std::vector<Impl> have = {Impl::kC, Impl::kRust};
  if (const DriverGroup* g = group_of_model(model)) have = group_impls(env, *g);
  if (have.size() < count)
    return fail(fmt::format("model {} has {} implementation(s) hosted here ({}), {} needed (refdrv list)", model,
                            have.size(), fmt::join(have | std::views::transform(impl_name), ", "), count));
  have.resize(count);
  return impl_list(have);
}

// What a run on a model no driver group claims compares: the driver that
// binds it is the same in every implementation's instance (phylib's generic
// driver, or a C driver of the tree such as marvell.c).
std::string ungrouped_note(const std::string& model) {
  if (group_of_model(model)) return {};
  return fmt::format("model {} belongs to no driver group: every implementation's instance binds the same driver",
                     model);
}

int cmd_trace(const Common& c, const TraceArgs& t) {
  Scenario sc;
  if (!t.scenario.empty()) {
    auto s = load_scenario(t.scenario);
    if (!s) return report_error(s.error());
    sc = std::move(*s);
  } else {
    const std::string m = t.model.empty() ? reference_group().models.front() : t.model;
    // The default partner is on the model's own medium: a twisted-pair
    // switch would give an SFP+ PHY no signal at all.
    const bool fiber = hw::model_medium(m) == hw::Medium::kFiber10G;
    const std::string partner = !t.partner.empty() ? t.partner : fiber ? "10gbase-sr" : "switch-10-100";
    if (auto p = hw::find_partner(partner); p && p->medium != hw::model_medium(m))
      fmt::print(stderr, "refdrv: note: partner {} is on another medium than {}: the PHY sees no signal from it\n",
                 partner, m);
    auto s = quick_scenario(m, partner, t.seconds);
    if (!s) return report_error(s.error());
    sc = std::move(*s);
  }
  const auto model = model_of(sc, t.model);
  if (!model) return report_error(model.error());
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  // --impl cannot be "all" here (its validator says so): "all" is the unset default.
  const auto wanted = c.impls == "all" ? default_impls(**env, *model, 1) : Result<std::string>(c.impls);
  if (!wanted) return report_error(wanted.error());
  auto impls = select_impls(**env, *wanted, nullptr);
  if (!impls) return report_error(impls.error());
  if (auto hosted = require_hosted(**env, *model, *impls); !hosted) return report_error(hosted.error());
  const std::string note = ungrouped_note(*model);
  int status = 0;
  for (Impl impl : *impls) {
    RunOptions ro;
    ro.logs = !t.no_logs;
    ro.register_dump = t.registers;
    ro.check_wire = true;  // as check does: a link the MAC is told wrong fails here too
    const RunResult r = run_scenario(**env, sc, *model, impl, ro);
    fmt::print("# refdrv trace: {} on {} with {}; Linux {} ({})\n", sc.name, *model,
               impl == Impl::kNone ? std::string("no implementation's driver (phylib's generic drivers)")
                                   : fmt::format("the {} implementation", impl_title(impl)),
               (*env)->tree().version, (*env)->tree().origin);
    if (!note.empty()) fmt::print("# {} (its bind line below)\n", note);
    fmt::print("{}", r.trace.format({.decode_registers = t.decode, .logs = !t.no_logs}));
    if (t.registers) {
      fmt::print("# {}'s registers after the last step, before the teardown above (phy_disconnect(), "
                 "mdiobus_unregister()); read without side effects:\n",
                 *model);
      std::istringstream lines(r.register_dump);
      for (std::string line; std::getline(lines, line);) fmt::print("#   {}\n", line);
    }
    // How phylib's state was seen: a trace made otherwise orders a
    // transition and the MAC's report of it differently.
    if (!r.states_sampled.empty())
      fmt::print("# phylib's state was sampled at callback and API boundaries, not watched at every store ({})\n",
                 r.states_sampled);
    else if (!r.states_hooked.empty())
      fmt::print("# phylib's state was watched at every store by the store hooks compiled into phylib and the C "
                 "drivers, not by a hardware watchpoint ({})\n",
                 r.states_hooked);
    std::size_t failed = 0;
    for (const auto& e : r.expectations)
      if (!e.ok) fmt::print("# FAIL {}: {}\n", e.where, e.message), ++failed;
    // The FAIL lines say what failed; a run that stopped says why here.
    // Without expectations nothing judges the run: the calls phylib's API
    // failed are said, or "did not stop" read as a clean run where the
    // attach had failed (a review).
    std::vector<std::string> errors, not_called;
    for (const auto& ev : r.trace.events())
      if (ev.kind == TraceKind::kApiExit && ev.detail.view() == REFDRV_TR_NOT_CALLED) {
        // Not an error the kernel returned: refdrv made no call (a MAC
        // driver has no PHY to start before it attached one).
        not_called.emplace_back(ev.name.view());
      } else if (ev.kind == TraceKind::kApiExit && ev.value < 0) {
        const std::string line = format_event(ev);
        const std::size_t at = line.find("api    ");
        errors.push_back(at == std::string::npos ? line : line.substr(at + 7));
      }
    if (!not_called.empty())
      fmt::print("# {} operation(s) not called, no PHY device being attached then: {}\n", not_called.size(),
                 fmt::join(not_called, ", "));
    if (r.passed() && r.expectations.empty())
      fmt::print("# no expectations to check; the run did not stop and leaked nothing{}\n",
                 errors.empty()
                     ? ""
                     : fmt::format("; {} API call(s) returned an error: {}", errors.size(), fmt::join(errors, ", ")));
    else if (r.passed())
      fmt::print("# all expectations hold\n");
    else if (r.stop || !failed)
      fmt::print("# {}\n", r.failure_summary());
    else
      fmt::print("# {} of {} expectation(s) failed{}\n", failed, r.expectations.size(),
                 r.leaked_bytes ? fmt::format("; teardown leaked {} bytes", r.leaked_bytes) : "");
    // A run that stopped at a kernel function refdrv does not emulate,
    // having failed nothing before: refdrv's gap, no verdict (as run and
    // check say it), unless another run failed for the code.
    if (stub_stop_step(r)) {
      fmt::print("# refdrv does not emulate {}(): refdrv's gap, not a finding (exit 2)\n",
                 unemulated_function_in(*r.stop));
      if (status == 0) status = kExitBadInput;
    } else if (!r.passed()) {
      status = kExitFailure;
    }
  }
  return status;
}

// The lines `diff` shows of a run (its trace without kernel log lines), and
// what they are aligned by: what happened without when (once one side
// sleeps longer, every later line has another time), and for a bind the
// driver alone (module and language differ between implementations by
// design, as the comparator's normalisation says).
struct TraceView {
  std::vector<std::string> lines, keys;
};

TraceView trace_view(const RunResult& r) {
  TraceView v;
  for (const auto& e : r.trace.events()) {
    if (e.kind == TraceKind::kLog) continue;
    v.lines.push_back(format_event(e));
    TraceEvent timeless = e;
    timeless.time_ns = 0;
    if (e.kind == TraceKind::kBind) timeless.detail.clear(), timeless.value = 0;
    v.keys.push_back(format_event(timeless));
  }
  return v;
}

struct DiffArgs {
  std::string scenario;
  std::string model;
  int lines = 20;
};

int cmd_diff(const Common& c, const DiffArgs& d) {
  auto s = load_scenario(d.scenario);
  if (!s) return report_error(s.error());
  const auto model_or = model_of(*s, d.model);
  if (!model_or) return report_error(model_or.error());
  const std::string& model = *model_or;
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  // --impl cannot be "all" here (its validator says so): "all" is the unset default.
  const auto wanted = c.impls == "all" ? default_impls(**env, model, 2) : Result<std::string>(c.impls);
  if (!wanted) return report_error(wanted.error());
  auto impls = select_impls(**env, *wanted, nullptr);
  if (!impls) return report_error(impls.error());
  if (auto hosted = require_hosted(**env, model, *impls); !hosted) return report_error(hosted.error());
  RunOptions ro;
  ro.check_wire = true;  // as check does: a link the MAC is told wrong fails both runs here too
  const RunResult a = run_scenario(**env, *s, model, (*impls)[0], ro);
  const RunResult b = run_scenario(**env, *s, model, (*impls)[1], ro);
  auto div = compare(*s, a, b);
  // The two drivers' registrations (struct phy_driver: names, IDs and
  // masks, flags, the callbacks set), compared as check compares them: a
  // difference there is a finding whatever the runs show (diff said
  // "equivalent" and exited 0 where check and run exit 1).
  std::vector<std::string> registration;
  if (const DriverGroup* g = group_of_model(model))
    registration = registration_differences((*env)->image().modules(), *g, {(*impls)[0], (*impls)[1]},
                                            phy_driver_member_names((*env)->tree().root))
                       .value_or(std::vector<std::string>{});
  const auto registration_note = [&] {
    if (registration.empty()) return 0;
    fmt::print(
        "{} and {} register different phy_drivers (struct phy_driver, compared whether or not a scenario "
        "reaches it):\n",
        impl_title((*impls)[0]), impl_title((*impls)[1]));
    for (const auto& r : registration) fmt::print("  {}\n", r);
    return kExitFailure;
  };
  // A scenario without steps compared the bus registration and the probe
  // alone, as run and check say.
  const auto no_steps_note = [&] {
    if (s->steps.empty())
      fmt::print("({} has no steps: the runs compared the bus registration and the drivers' probe alone)\n", s->name);
  };
  // Every failure a stop at a kernel function refdrv does not emulate, and
  // no divergence before it: refdrv's gap, no verdict (exit 2), as check
  // and run have it (a review, 2026-12-07: exit 1). check's own rule
  // (unemulated_gap()), on this pair as a check of it.
  const auto gap_only = [&] {
    CheckRow row;
    row.scenario = std::make_shared<const Scenario>(*s);
    row.model = model;
    row.impls = {(*impls)[0], (*impls)[1]};
    row.runs = {a, b};
    row.divergence = {std::nullopt, div};
    CheckReport pair;
    pair.rows.push_back(std::move(row));
    pair.registration_differences = registration;
    if (!unemulated_gap(pair)) return false;
    fmt::print(
        "(a run stopped at a kernel function refdrv does not emulate: refdrv's gap, not a finding: no verdict, "
        "exit 2)\n");
    return true;
  };
  const auto only_model_note = [&] {
    if (d.model.empty() && s->models.size() > 1)
      fmt::print(
          "(only {}, the scenario's first of {} models, was compared: --model MODEL compares another, or "
          "refdrv check --scenario FILE all of them)\n",
          model, s->models.size());
  };
  if (!div) {
    fmt::print("{} and {} are equivalent on {} ({}) at all three levels.\n({}; {}; {})\n", impl_title((*impls)[0]),
               impl_title((*impls)[1]), s->name, model, level_name(Level::kMdio), level_name(Level::kEvents),
               level_name(Level::kOutcome));
    // One model is compared; a scenario of several says which were not.
    only_model_note();
    no_steps_note();
    if (bus_registration_failed(a) && bus_registration_failed(b))
      fmt::print(
          "(in both runs mdiobus_register() failed: no driver bound and no later step entered the kernel "
          "side, so equivalent here says only that the bus registration failed alike)\n");
    else if (group_of_model(model) && !(own_driver_ran(**env, a) && own_driver_ran(**env, b)))
      fmt::print("(neither or only one of them bound a driver of its own implementation: equivalent here compares "
                 "instances in which the same other driver, or none, ran; refdrv trace shows the bind)\n");
    if (const std::string note = ungrouped_note(model); !note.empty())
      fmt::print("({}: equivalent here means neither implementation's driver claimed this PHY, and the driver "
                 "that did ran alike in both instances; it compared no two implementations of one driver)\n",
                 note);
    // Equivalent is not good: runs that stopped (a hang, a crash) or failed
    // an expectation the same way are still a finding.
    int status = 0;
    for (const RunResult* r : {&a, &b})
      if (!r->passed()) {
        fmt::print("but the {} run failed: {}\n", impl_title(r->impl), r->failure_summary());
        status = kExitFailure;
      }
    if (!registration.empty()) fmt::print("but ");
    if (const int reg = registration_note(); reg || status) return gap_only() ? kExitBadInput : kExitFailure;
    // Equivalent instances none of whose drivers under test ran compared
    // no drivers: no verdict, as check and run say (a review, 2026-12-07:
    // exit 0).
    // With `none` on one side, the other's own driver against none is what
    // was asked for.
    const bool a_none = (*impls)[0] == Impl::kNone, b_none = (*impls)[1] == Impl::kNone;
    const bool drivers_ran = group_of_model(model) && (a_none || own_driver_ran(**env, a)) &&
                             (b_none || own_driver_ran(**env, b)) && !(a_none && b_none);
    if (!drivers_ran) {
      fmt::print("no verdict: the drivers of {} and {} were not compared (exit 2)\n", impl_title((*impls)[0]),
                 impl_title((*impls)[1]));
      return kExitBadInput;
    }
    return 0;
  }
  fmt::print("{}\n", format_divergence(*div, (*impls)[0], (*impls)[1]));
  // Side by side from the first line that differs, the two traces aligned
  // (an extra line on one side is one row, the rest lines up again).
  const TraceView va = trace_view(a), vb = trace_view(b);
  // The lines before the first that differs as the comparison sees them
  // (its keys): a line only at another time, or a bind from the other
  // implementation's module, is the same event and does not start the view.
  std::size_t same = 0, moved = 0;
  while (same < va.lines.size() && same < vb.lines.size() && va.keys[same] == vb.keys[same]) {
    moved += va.lines[same] != vb.lines[same] ? 1 : 0;
    ++same;
  }
  const auto rows = align(std::span(va.keys).subspan(same), std::span(vb.keys).subspan(same),
                          static_cast<std::size_t>(d.lines));
  using Kind = AlignedRow::Kind;
  std::size_t width = std::string_view(impl_title((*impls)[0])).size();
  for (const auto& r : rows)
    if (r.kind != Kind::kRightOnly) width = std::max(width, va.lines[same + r.a].size());
  // As diff -y marks them, in the column between the sides.
  fmt::print("The first {} trace lines are the same{}. From the first that differs, between the sides as diff -y "
             "marks them: '|' changed, '<' or '>' only on that side, '~' the same event at another time (or, for a "
             "bind, from the other implementation's module), blank the same.\n",
             same, moved ? fmt::format(" ({} of them the same event at another time or, a bind, from the other "
                                       "implementation's module)",
                                       moved)
                         : "");
  fmt::print("{:<{}}   {}\n", impl_title((*impls)[0]), width, impl_title((*impls)[1]));
  for (const auto& r : rows) {
    const std::string left = r.kind == Kind::kRightOnly ? "" : va.lines[same + r.a];
    const std::string right = r.kind == Kind::kLeftOnly ? "" : vb.lines[same + r.b];
    char mark = r.kind == Kind::kChanged ? '|' : r.kind == Kind::kLeftOnly ? '<' : r.kind == Kind::kRightOnly ? '>' : ' ';
    if (r.kind == Kind::kSame && left != right) mark = '~';
    fmt::print("{:<{}} {} {}\n", left, width, mark, right);
  }
  // The verdict last, as the equivalent case has it: which model was
  // compared, and a run that failed, said whatever the view above showed
  // (a failed run was only a row of the view, if --lines reached it).
  fmt::print("\n{} and {} are not equivalent on {} ({}): they first differ at the {} level, step {} ({}).\n",
             impl_title((*impls)[0]), impl_title((*impls)[1]), s->name, model, level_name(div->level), div->step + 1,
             div->step_name);
  only_model_note();
  no_steps_note();
  for (const RunResult* r : {&a, &b})
    if (!r->passed()) fmt::print("and the {} run failed: {}\n", impl_title(r->impl), r->failure_summary());
  if (!registration.empty()) fmt::print("and ");
  registration_note();
  return gap_only() ? kExitBadInput : kExitFailure;
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
  for (const DriverGroup& g : driver_groups()) {
    fmt::print("\n{} (CONFIG_{}; models {}):\n", g.title, g.kconfig, fmt::join(g.models, ", "));
    const std::vector<Impl> have = group_impls(**env, g);
    for (const auto& m : (*env)->image().modules()) {
      if (m.kconfig != g.kconfig || m.drivers.empty()) continue;
      const Selection sel = selection_of(**env, m);
      fmt::print("  {:<5} {:<14} {:<34} --impl {:<5} selected by CONFIG_{}{}\n", impl_title(m.impl), m.name,
                 m.source, impl_name(m.impl), sel.symbol,
                 sel.depends.empty() ? " (default)" : fmt::format(" (depends on {})", sel.depends));
    }
    for (Impl i : {Impl::kC, Impl::kRust, Impl::kCxx}) {
      if (std::find(have.begin(), have.end(), i) != have.end()) continue;
      fmt::print("  {:<5} not hosted: {}\n", impl_title(i), absence_reason(**env, g, i));
    }
  }
  fmt::print("\nOther Rust drivers built from the tree:\n");
  bool any = false;
  for (const auto& d : (*env)->built().rust_drivers) {
    if (find_group(d.kconfig)) continue;
    fmt::print("  {} (CONFIG_{}): compiled and registered, not exercised\n", d.source, d.kconfig);
    any = true;
  }
  if (!any) fmt::print("  none\n");
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
    if (!m.kconfig.empty()) {
      const Selection sel = selection_of(**env, m);
      fmt::print("kconfig:     CONFIG_{}{}\n", sel.symbol,
                 sel.depends.empty() ? "" : fmt::format(" (depends on {})", sel.depends));
    }
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
  // A driver the tree declares that is not among the modules above is said,
  // not left out silently (check and run refuse to compare without it).
  for (const std::string& why : missing_declared_impls(**env))
    fmt::print("missing:     {}\n\n", why.substr(0, why.find('\n')));
  if ((*env)->built().coverage)
    fmt::print("coverage:    phylib and the C drivers (gcc -fsanitize-coverage=trace-pc){} call "
               "__sanitizer_cov_trace_pc (in {})\n",
               (*env)->built().rust_drivers.empty() ? "" : " and the Rust drivers (LLVM sancov trace-pc)",
               (*env)->built().build_dir.string());
  if ((*env)->built().store_hooks)
    fmt::print("store hooks: phylib and the C drivers (gcc -fsanitize=kernel-address, outline, stores only) call "
               "__asan_store<N>_noabort before every store: phylib's state is watched by them {} (unless "
               "REFDRV_STATE_WATCH=off)\n",
               (*env)->image().hooks_first() ? "first, without a hardware watchpoint (a fuzzing build)"
                                             : "where no hardware watchpoint can be had");
  return 0;
}

int cmd_models() {
  fmt::print("PHY models (Clause 22):\n");
  for (const auto& m : hw::phy_models())
    if (m.clause22) fmt::print("  {:<16} 0x{:08x}  {}\n", m.name, m.phy_id, m.description);
  fmt::print("\nPHY models (Clause 45, on a Clause-45-only MDIO bus; the QT2025s connect to the MAC by XAUI):\n");
  for (const auto& m : hw::phy_models())
    if (!m.clause22) fmt::print("  {:<16} 0x{:08x}  {}\n", m.name, m.phy_id, m.description);
  for (const auto& q : hw::qt2025_models()) fmt::print("  {:<16} 0x{:08x}  {}\n", q.name, q.phy_id, q.description);
  fmt::print("\nLink partners:\n");
  for (const auto& p : hw::partner_profiles()) fmt::print("  {:<16} {}\n", p.name, p.description);
  fmt::print("  {:<16} {}\n", "none", "no cable / no partner");
  fmt::print("  or written inline in a scenario (docs/scenarios.md, Link partners):\n"
             "    {{advertise: [10-half, 100-full, pause, asym-pause]}}  negotiates, advertising exactly those\n"
             "    {{autoneg: false, speed: 100, duplex: full}}         does not negotiate: parallel detection\n"
             "    with phy-id: 0x00221556, legacy-an: true, remote-fault: true as needed\n");
  fmt::print("\nQuirks:\n");
  std::size_t name_width = 0, models_width = 0;
  for (const auto& q : hw::quirk_catalog()) {
    name_width = std::max(name_width, q.name.size());
    models_width = std::max(models_width, q.models.size());
  }
  for (const auto& q : hw::quirk_catalog())
    fmt::print("  {:<{}} {:<{}} {}\n  {:<{}} {:<{}} Beyond the record (refdrv's reading): {}\n", q.name, name_width,
               q.models, models_width, q.record, "", name_width, "", models_width, q.beyond_the_record);
  return 0;
}

int cmd_suite(bool show, const std::string& name) {
  std::vector<std::array<std::string, 3>> rows = {{"scenario", "models", "description"}};
  for (const auto& e : embedded_suite()) {
    auto s = parse_scenario(e.text, e.file);
    if (!s) return report_error(s.error());
    if (show && (s->name == name || e.file == name)) {
      fmt::print("{}", e.text);
      return 0;
    }
    rows.push_back({s->name, fmt::format("{}", fmt::join(s->models, ",")), s->description});
  }
  if (show)
    return report_error({fmt::format("no scenario '{}' in the default suite (refdrv suite lists them)", name)});
  // Columns as wide as their widest entry: a long name never shifts a row.
  std::size_t w0 = 0, w1 = 0;
  for (const auto& r : rows) w0 = std::max(w0, r[0].size()), w1 = std::max(w1, r[1].size());
  for (const auto& r : rows) fmt::print("{:<{}}  {:<{}}  {}\n", r[0], w0, r[1], w1, r[2]);
  return 0;
}

}  // namespace

std::vector<Command> inspect_commands(CLI::App& app, Common& common) {
  std::vector<Command> out;
  auto ta = std::make_shared<TraceArgs>();
  auto* trace = app.add_subcommand("trace", "print the trace of a scenario (or of a quick attach/start) on one implementation, or on each of --impl's, one after the other");
  add_env_options(trace, common);
  add_all_phy_drivers_option(trace, common);
  add_impl_option(trace, common, ImplChoice::kList);
  auto* file = trace->add_option("scenario", ta->scenario, "scenario file (default: attach, start, wait)");
  trace->add_option("--model", ta->model, fmt::format("PHY model (refdrv models; default: the scenario's first, or {})",
                                                   reference_group().models.front()))
      ->check(one_of(model_names(), "model", "refdrv models lists them"));
  trace->add_option("--partner", ta->partner, "without a scenario: link partner, or none (default: switch-10-100, 10gbase-sr for the QT2025 models)")
      ->check(one_of(partner_names(), "partner", "refdrv models lists them"))
      ->excludes(file);
  trace->add_option("--seconds", ta->seconds,
                    fmt::format("without a scenario: virtual seconds to run after phy_start, up to {} (default: 5)",
                                kMaxVirtualSeconds))
      ->check(number_in(0, kMaxVirtualSeconds))
      ->excludes(file);
  trace->add_flag("--decode", ta->decode, "decode every MDIO register value");
  trace->add_flag("--registers", ta->registers,
                  "after the trace, the model's registers as the last step left them (Clause-22 models)");
  // A plain flag: CLI11 2.3's negated form ("!--no-logs") converts
  // --no-logs=VALUE with std::stoll outside any try, so a 20-digit value
  // ended refdrv with std::terminate (found by fuzz/cli_args.cpp).
  trace->add_flag("--no-logs", ta->no_logs, "omit kernel log lines");
  out.push_back({trace, [&common, ta] { return cmd_trace(common, *ta); }});

  auto da = std::make_shared<DiffArgs>();
  auto* diff = app.add_subcommand("diff", "two implementations side by side from their first divergence");
  add_env_options(diff, common);
  add_impl_option(diff, common, ImplChoice::kPair);
  diff->add_option("scenario", da->scenario, "scenario file")->required();
  diff->add_option("--model", da->model, "PHY model (default: the scenario's first)")
      ->check(one_of(model_names(), "model", "refdrv models lists them"));
  diff->add_option("--lines", da->lines, "rows of the side-by-side view, 1 to 100000 (default: 20)")
      ->check(integer_in(1, 100000));
  out.push_back({diff, [&common, da] { return cmd_diff(common, *da); }});

  auto* list = app.add_subcommand("list", "implementations and reference-driver pairs in the tree, and which are hosted");
  add_env_options(list, common, /*firmware=*/false);
  out.push_back({list, [&common] { return cmd_list(common); }});
  auto* modinfo = app.add_subcommand("modinfo", "modules and drivers the kernel side registered");
  add_env_options(modinfo, common, /*firmware=*/false);  // it runs no instance: no file is requested
  modinfo->add_flag("--kernel-coverage", common.env.kernel_coverage,
                    "the kernel side built with coverage instrumentation, as the differential fuzz target loads it "
                    "(builds it: OSS-Fuzz's build.sh ships it)");
  out.push_back({modinfo, [&common] { return cmd_modinfo(common); }});
  auto* models = app.add_subcommand("models", "hardware models, link partners and quirks");
  out.push_back({models, [] { return cmd_models(); }});

  auto show = std::make_shared<std::string>();
  auto* suite = app.add_subcommand("suite", "the embedded default suite");
  suite->add_option("--show", *show, "print one scenario's YAML")
      ->check(CLI::Validator([](std::string& in) { return in.empty() ? std::string("an empty name names no scenario") : std::string(); }, ""));
  out.push_back({suite, [show] { return cmd_suite(!show->empty(), *show); }});
  return out;
}

}  // namespace refdrv::cli
