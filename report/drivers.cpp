// SPDX-License-Identifier: GPL-2.0
#include "report/drivers.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <memory>
#include <ranges>
#include <set>
#include <string_view>

#include "base/text.hpp"
#include "engine/check_report.hpp"
#include "engine/compare.hpp"
#include "engine/scenario.hpp"
#include "engine/supervisor.hpp"
#include "host/trace.hpp"
#include "hw/catalog.hpp"
#include "hw/clause45.hpp"
#include "kernel/cache.hpp"
#include "kernel/kbuild.hpp"
#include "report/source_scan.hpp"

namespace refdrv::report {

namespace {

constexpr const char* kPhyDir = "drivers/net/phy/";

// A driver file as the table names it: "davicom.c", "aquantia/aquantia_main.c".
std::string in_phy_dir(const std::string& path) {
  return path.rfind(kPhyDir, 0) == 0 ? path.substr(std::string_view(kPhyDir).size()) : path;
}

nlohmann::json impl_titles(const std::vector<Impl>& impls) {
  nlohmann::json out = nlohmann::json::array();
  for (Impl i : impls) out.push_back(impl_title(i));
  return out;
}

nlohmann::json mmd_registers_json(const std::vector<std::pair<unsigned, unsigned>>& regs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [mmd, reg] : regs) out.push_back({{"mmd", mmd}, {"reg", reg}});
  return out;
}

// A YAML double-quoted string.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The tree's driver sources (drivers/net/phy and its subdirectories) with
// the Kconfig symbol that builds each: one row per file.
std::map<std::string, std::string> driver_files(const kernel::LinuxTree& tree) {
  std::map<std::string, std::string> out;
  for (const auto& [sym, objs] : kernel::phy_driver_symbols(tree))
    for (const auto& o : objs) {
      const std::string c = o.substr(0, o.size() - 2) + ".c";
      if (std::filesystem::exists(tree.root / c)) out.emplace(c, sym);
    }
  return out;
}

// "step 5 (expect)" for the 0-based step `index`.
std::string step_label(const Scenario& sc, std::size_t index) {
  return fmt::format("step {} ({})", index + 1, step_name(sc.steps[index].kind));
}

// Where a run was when it stopped: bus registration (the driver's probe) or
// a step.
std::string stopped_in(const RunResult& r, const Scenario& sc) {
  if (r.steps_run == 0) return "during MDIO bus registration (the probe)";
  return "in " + step_label(sc, r.steps_run - 1);
}

}  // namespace

std::optional<std::string> differential_verdict(const Scenario& sc, const RunResult& c, Impl impl,
                                                const RunResult& other) {
  // Both died in their workers: only their last events were kept, no basis
  // for a comparison (the C run's failure is the entry's own finding). One
  // that died where the other did not (a crash or a hang of that
  // implementation alone) differs, whether the other passed or failed: on a
  // leg where C fails by design (an attach that returns the error), a Rust
  // or C++ crash there was skipped, unsaid (a review, 2026-12-07).
  if (c.trace_cut && other.trace_cut) return std::nullopt;
  const auto outcome = [](const RunResult& r) {
    if (r.passed()) return std::string("passed");
    if (r.trace_cut) return "died in its worker (" + r.stop.value_or("?") + ")";
    return "failed (" + r.failure_summary() + ")";
  };
  if (c.passed() != other.passed() || c.trace_cut != other.trace_cut)
    return fmt::format("C {}, {} {}", outcome(c), impl_title(impl), outcome(other));
  if (auto d = compare(sc, c, other, CompareOptions{.bound_drivers_only = true}))
    return fmt::format("{} differs from C at the {} level in step {} ({}): C '{}', {} '{}'", impl_title(impl),
                       level_name(d->level), d->step + 1, d->step_name, trimmed(d->a), impl_title(impl), trimmed(d->b));
  return std::string();
}

bool model_stands_in(const DriverRow& row) {
  if (row.model.empty() || hw::is_generic_model(row.model)) return false;
  const auto spec = hw::find_phy_model(row.model);
  return spec && (spec->phy_id & row.mask) != (row.phy_id & row.mask);
}

std::vector<PassCaveat> pass_caveats(const DriverRow& row) {
  std::vector<PassCaveat> out;
  if (row.conformance != Conformance::kPass) return out;
  if (model_stands_in(row)) out.push_back(PassCaveat::kStandInModel);
  if (hw::is_generic_model(row.model) && (!row.vendor_registers.empty() || !row.vendor_mmd_registers.empty()))
    out.push_back(PassCaveat::kUncheckedVendorRegisters);
  // The generic models have no 1000BASE-T control or status (no extended
  // status, registers 9 and 10 read 0; no 1000BASE-T advertisement in
  // Clause 45): a gigabit driver's pass there covers 10 and 100 Mb/s (a
  // review, 2026-12-07).
  if (hw::is_generic_model(row.model) && row.gigabit) out.push_back(PassCaveat::kGigabitOnGenericModel);
  return out;
}

bool has_caveat(const DriverRow& row, PassCaveat c) {
  const auto all = pass_caveats(row);
  return std::find(all.begin(), all.end(), c) != all.end();
}

std::string pass_caveat(const DriverRow& row) {
  std::vector<std::string> parts;
  for (const PassCaveat c : pass_caveats(row)) {
    switch (c) {
      case PassCaveat::kStandInModel:
        parts.push_back(
            fmt::format("passed on the {} model standing in for this PHY: its abilities and vendor registers are that "
                        "model's PHY's, not necessarily this one's",
                        row.model));
        break;
      case PassCaveat::kUncheckedVendorRegisters:
        parts.push_back(
            fmt::format("passed on the {} model, which stores the vendor registers the driver used without meaning: "
                        "what the driver does through them was not checked",
                        row.model));
        break;
      case PassCaveat::kGigabitOnGenericModel:
        parts.push_back(fmt::format(
            "passed on the {} model, which has no 1000BASE-T registers, while the PHY was taken for a gigabit one "
            "(1000BASE-T in phylib's supported modes, or CTRL1000, STAT1000 or ESTATUS accessed): what the driver "
            "does at 1000 Mb/s was not run",
            row.model));
        break;
      case PassCaveat::kNone:
        break;
    }
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

namespace {

// For a failure on the generic model, or on a vendor family's model that
// stands in for another PHY of the family, after the driver used vendor
// registers: that the model gives them no meaning, or not this PHY's.
std::string vendor_hint(const DriverRow& row) {
  if (row.vendor_registers.empty() && row.vendor_mmd_registers.empty()) return {};
  const bool generic = hw::is_generic_model(row.model);
  if (!generic && !model_stands_in(row)) return {};
  std::vector<std::string> regs;
  for (int v : row.vendor_registers) regs.push_back(fmt::format("0x{:02x}", v));
  for (const auto& [mmd, reg] : row.vendor_mmd_registers) regs.push_back(fmt::format("{}.0x{:04x}", mmd, reg));
  return fmt::format(
      "; the driver used vendor register(s) {}, which the {} model {}: if it relies on them for what failed, only a "
      "model of this PHY can tell a driver bug from the model's gap",
      fmt::join(regs, ", "), row.model,
      generic ? "stores but does not drive" : "(another PHY of the family, standing in) may not drive as this PHY does");
}

// A run that failed (an expectation; not a crash, hang or leak, which are
// the driver's whatever it lacked) after asking for a firmware file refdrv
// could not find: input refdrv lacks, which says nothing of the driver (it
// was "fail", with a hint about vendor registers). "" otherwise.
std::string missing_firmware(const RunResult& r) {
  if (r.passed() || r.stop || r.leaked_bytes || r.firmware_missing.empty()) return {};
  return fmt::format(
      "needs firmware {} (not found in /lib/firmware or the --firmware directory; give it with "
      "--firmware DIR)",
      fmt::join(r.firmware_missing, ", "));
}

// A stop at a kernel function refdrv does not emulate: that function, else "".
std::string unemulated_function(const RunResult& r) { return r.stop ? unemulated_function_in(*r.stop) : ""; }

// The driver the run bound, when it is another entry's (registered earlier
// for the same ID): what the run then did was that driver's.
std::optional<std::string> bound_other(const RunResult& r, const DriverRow& row) {
  for (const auto& e : r.trace.events())
    if (e.kind == TraceKind::kBind && !e.name.view().empty()) {
      if (e.name.view() == row.name) return std::nullopt;
      return std::string(e.name.view());
    }
  return std::nullopt;
}

// For a failure after the driver wrote to a PHY whose reset was still in
// progress: that the PHY ignored those writes, as IEEE 802.3 allows.
std::string reset_hint(const RunResult& r) {
  if (!r.writes_during_reset) return {};
  return fmt::format(
      "; {} write(s) reached the PHY while its reset was in progress and were ignored (IEEE 802.3 22.2.4.1.1 lets a "
      "PHY refuse writes until the reset completes): the driver did not wait for BMCR_RESET to clear",
      r.writes_during_reset);
}

}  // namespace

// A crash, hang or leak of one of the entry's runs, whatever failed first
// (DriverRow::stopped, leaked).
void note_trouble(const RunResult& r, DriverRow& row) {
  if (r.stop && unemulated_function(r).empty()) row.stopped = true;
  if (r.leaked_bytes) row.leaked = true;
}

// Bound: the expectation of step 2 (the entry's own driver is bound) held.
// Then the first failure: a kernel service refdrv does not emulate (n/a:
// not the driver's fault), else the first failed expectation, crash, hang
// or leak (fail).
void classify_conformance(const RunResult& r, const Scenario& sc, DriverRow& row) {
  std::set<int> vendor;
  std::set<std::pair<unsigned, unsigned>> vendor_mmd;
  long probe_error = 0;
  bool gigabit_registers = false;
  for (const auto& e : r.trace.events()) {
    if (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite) {
      const auto reg = static_cast<unsigned>(e.reg);
      if (reg == 9 || reg == 10 || reg == 15) gigabit_registers = true;
      if (hw::c45::is_c45(reg)) {
        if (hw::c45_vendor_register(hw::c45::devad_of(reg), hw::c45::reg_of(reg)))
          vendor_mmd.emplace(hw::c45::devad_of(reg), hw::c45::reg_of(reg));
      } else if (hw::c22::is_vendor(reg)) {
        vendor.insert(e.reg);
      }
    }
    if (e.kind == TraceKind::kCallbackExit && e.name.view() == "probe" && e.value < 0 && !probe_error)
      probe_error = e.value;
  }
  row.vendor_registers.assign(vendor.begin(), vendor.end());
  row.vendor_mmd_registers.assign(vendor_mmd.begin(), vendor_mmd.end());
  row.gigabit =
      gigabit_registers || std::any_of(r.mac_after_step.begin(), r.mac_after_step.end(), [](const MacView& v) {
        return (v.supported & (REFDRV_ADV_1000HALF | REFDRV_ADV_1000FULL)) != 0;
      });
  note_trouble(r, row);
  const ExpectationResult* first_failed = nullptr;
  for (const auto& e : r.expectations) {
    if (e.step == 1 && e.ok) row.bound = true;
    if (!e.ok && !first_failed) first_failed = &e;
  }
  if (const std::string fn = unemulated_function(r); !fn.empty() && !r.failed_before_stop()) {
    row.conformance = Conformance::kNotApplicable;
    row.reason = fmt::format("needs {} (not emulated), {}", fn, stopped_in(r, sc));
    return;
  }
  // A crash, hang or leak before the bound check ran (at the probe, in
  // attach) is the entry's finding: nothing says another driver was bound.
  // Once the check found another driver bound, what follows is not this
  // entry's (n/a below, with the stop in its reason).
  const bool bound_checked =
      std::any_of(r.expectations.begin(), r.expectations.end(), [](const ExpectationResult& e) { return e.step == 1; });
  if (!row.bound && !bound_checked && (r.stop || r.leaked_bytes)) {
    row.conformance = Conformance::kFail;
    row.failed_step = r.steps_run ? step_label(sc, r.steps_run - 1) : "bus registration";
    row.reason = r.stop ? "stopped " + stopped_in(r, sc) + " before the driver was seen bound: " + *r.stop
                        : r.failure_summary() + " (the driver was not bound)";
    return;
  }
  if (!row.bound) {
    row.conformance = Conformance::kNotApplicable;
    // Another entry of the same ID bound first: its errors and registers
    // are not this entry's (they were reported as this one's).
    if (const auto other = bound_other(r, row); other && *other != "Generic PHY" && *other != "Generic Clause 45 PHY") {
      // An entry matching by its own match_phy_device() was not beaten by
      // the order of registration: its function turned the model down (a
      // review, 2026-12-07: mv88e2110's row blamed a driver registered
      // after it).
      row.reason = row.matches_by_callback
                       ? fmt::format(
                             "not bound: the driver '{}' bound the PHY; this entry matches with its own "
                             "match_phy_device(), which did not accept the {} model (it may need more than "
                             "the model gives it), so this entry's driver never ran",
                             *other, row.model)
                       : fmt::format(
                             "not bound: the driver '{}' bound the PHY (it matches this ID too and was "
                             "registered earlier), so this entry's driver never ran",
                             *other);
      if (r.stop) row.reason += fmt::format("; the run then stopped {} (in '{}'): {}", stopped_in(r, sc), *other, *r.stop);
      row.stopped = row.leaked = false;  // the other driver's run, not this entry's
      row.vendor_registers.clear();
      row.vendor_mmd_registers.clear();
      row.gigabit = false;
      return;
    }
    if (first_failed && first_failed->step <= 1)
      row.reason = "not bound: " + first_failed->message +
                   (r.stop ? fmt::format("; the run then stopped {} (not this entry's driver): {}", stopped_in(r, sc),
                                         *r.stop)
                           : "");
    else
      row.reason = "not bound: " + r.failure_summary();
    if (probe_error)
      row.reason += fmt::format(
          "; its probe() returned -{} at bus registration, so attach bound phylib's generic "
          "driver",
          errno_name(static_cast<int>(-probe_error)));
    row.reason += vendor_hint(row);
    if (row.matches_by_callback && row.phy_id == 0 && row.mask == 0)
      row.reason += "; it matches with its own match_phy_device() only (its table gives no ID: phy_id 0, mask 0), and "
                    "the ID refdrv presents (0x00000000, on the generic model) is not one it accepts: what it accepts "
                    "is in that function, not in its table";
    else if (row.matches_by_callback)
      row.reason += fmt::format(
          "; it matches with its own match_phy_device(), which may need more than the {} model gives it ({})",
          row.model,
          row.model == "generic-c45" ? "a vendor register, other Clause-45 device identifiers"
                                     : "Clause-45 device identifiers, a vendor register");
    return;
  }
  if (r.passed()) {
    row.conformance = Conformance::kPass;
    return;
  }
  // The entry's own driver bound, and the run failed at attach, after
  // asking for a firmware file refdrv could not find (drivers load it in
  // config_init): input refdrv lacks, not a finding. Checked here, after
  // the bound check: an entry another driver took is that one's (a review
  // found VSC8572 of vitesse.c blamed on mscc's firmware).
  if (const std::string fw = missing_firmware(r); !fw.empty() && first_failed && first_failed->step <= 1) {
    row.conformance = Conformance::kNotApplicable;
    row.reason = fw + "; the run: " + r.failure_summary();
    return;
  }
  row.conformance = Conformance::kFail;
  if (first_failed) {
    row.failed_step = step_label(sc, first_failed->step);
    row.reason = first_failed->message + reset_hint(r) + vendor_hint(row);
  } else if (r.stop) {
    row.failed_step = r.steps_run ? step_label(sc, r.steps_run - 1) : "bus registration";
    row.reason = "stopped: " + *r.stop;
  } else {
    row.failed_step = "teardown";
    row.reason = r.failure_summary();
  }
}

const char* conformance_name(Conformance c) {
  switch (c) {
    case Conformance::kPass:
      return "pass";
    case Conformance::kFail:
      return "fail";
    case Conformance::kNotApplicable:
      break;
  }
  return "n/a";
}

namespace {

// The files with a row for which `pred` holds.
template <typename Pred>
std::size_t files_where(const std::vector<DriverRow>& rows, Pred pred) {
  std::set<std::string> f;
  for (const auto& r : rows)
    if (pred(r)) f.insert(r.file);
  return f.size();
}

}  // namespace

std::size_t DriversReport::files() const {
  return files_where(rows, [](const DriverRow&) { return true; });
}
std::size_t DriversReport::files_built() const {
  return files_where(rows, [](const DriverRow& r) { return r.built; });
}
std::size_t DriversReport::files_bound() const {
  return files_where(rows, [](const DriverRow& r) { return r.bound; });
}

DifferentialTotals DriversReport::differential() const {
  DifferentialTotals d;
  std::set<std::string> others;
  for (const auto& row : rows) {
    if (row.implementations.empty()) continue;
    ++d.entries;
    d.comparisons += row.comparisons;
    d.diverged += row.divergence.empty() ? 0 : 1;
    for (Impl i : row.implementations)
      if (i != Impl::kC) others.insert(impl_title(i));
  }
  d.others.assign(others.begin(), others.end());
  return d;
}

std::size_t DriversReport::count(Conformance c) const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [c](const DriverRow& r) { return r.name.size() && r.conformance == c; }));
}

namespace {

// The scenario head every conformance run of an entry shares.
std::string scenario_head(const std::string& name, const std::string& driver, std::uint32_t phy_id,
                          const std::string& model, const std::string& partner,
                          std::optional<unsigned> page_register) {
  return fmt::format(
      "name: {}\n"
      "description: refdrv's conformance scenario for one phy_driver entry\n"
      "models: [{}]\n"
      "phy-id: 0x{:08x}\n"
      "{}"
      "partner: {}\n"
      "mdio-frame: 25.6us\n"
      "steps:\n",
      quoted(name + ": " + driver), model, phy_id,
      page_register ? fmt::format("page-register: {}\n", *page_register) : "", partner);
}

// One more run of an entry whose main scenario passed.
struct Leg {
  std::string label;  // "partner forced-10-half", "attach error at access 3"
  std::string yaml;
  std::size_t attach_fault = 0;  // 1 + the access index for an attach-sweep leg, else 0
};

// The MDIO accesses the attach step of a run made.
std::size_t attach_accesses(const RunResult& r) {
  std::size_t n = 0;
  bool in_attach = false;
  for (const auto& e : r.trace.events()) {
    if (e.kind == TraceKind::kStep) {
      if (in_attach) break;
      in_attach = e.name.view() == "attach";
    } else if (in_attach && (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite)) {
      ++n;
    }
  }
  return n;
}

// `row.attach_accesses` is the main run's count (attach_accesses()).
std::vector<Leg> legs_of(const DriverRow& row) {
  std::vector<Leg> out;
  const auto spec = hw::find_phy_model(row.model);
  // Every other partner: link up with what the model resolves.
  for (const auto& p : hw::partner_profiles()) {
    if (p.name == "switch-10-100" || !spec) continue;
    hw::PhyModelSpec s = *spec;
    s.phy_id = row.phy_id;
    hw::PhyModel m(s);
    m.plug(p, 0);
    const auto mode = m.link_mode(10 * 1000 * hw::kMs);
    if (!mode) continue;  // no common technology: nothing to link (no such partner today)
    out.push_back(
        {"partner " + p.name,
         scenario_head("partner " + p.name, row.name, row.phy_id, row.model, p.name, row.page_register) +
             fmt::format("  - attach: {{returns: 0}}\n"
                         "  - expect: {{bound: true, driver: {}}}\n"
                         "  - start\n"
                         "  - wait: 6s\n"
                         "  - expect: {{link: up, carrier: on, speed: {}, duplex: {}}}\n"
                         "  - stop\n"
                         "  - detach\n",
                         quoted(row.name), hw::mode_speed(*mode), hw::mode_full_duplex(*mode) ? "full" : "half")});
  }
  // Forced modes, against a partner forced alike (22.2.4.1.3). Clause 45
  // forces the speed only (45.2.1.1.3), always at full duplex: phylib refuses
  // a forced half duplex on a Clause-45 PHY (genphy_c45_pma_setup_forced), so
  // a Clause-45-only model has no forced-half leg.
  const bool c45_only = spec && spec->clause45 && !spec->clause22;
  for (const auto& [partner, speed, duplex] :
       {std::tuple{"forced-100-full", 100, "full"}, std::tuple{"forced-10-half", 10, "half"}}) {
    if (c45_only && std::string_view(duplex) == "half") continue;
    out.push_back({fmt::format("forced {}-{}", speed, duplex),
                   scenario_head(fmt::format("forced {}-{}", speed, duplex), row.name, row.phy_id, row.model, partner,
                                 row.page_register) +
                       fmt::format("  - attach: {{returns: 0}}\n"
                                   "  - expect: {{bound: true, driver: {}}}\n"
                                   "  - start\n"
                                   "  - ethtool: {{autoneg: off, speed: {}, duplex: {}}}\n"
                                   "  - wait: 6s\n"
                                   "  - expect: {{link: up, carrier: on, speed: {}, duplex: {}}}\n"
                                   "  - stop\n"
                                   "  - detach\n",
                                   quoted(row.name), speed, duplex, speed, duplex)});
  }
  // Each leg checks the entry's own driver bound first: its reproducer,
  // replayed on a kernel side without that driver (no --all-phy-drivers),
  // fails there instead of passing on the Generic PHY.
  out.push_back({"flap", scenario_head("flap", row.name, row.phy_id, row.model, "switch-10-100", row.page_register) +
                             "  - attach: {returns: 0}\n" +
                             fmt::format("  - expect: {{bound: true, driver: {}}}\n", quoted(row.name)) +
                             "  - start\n"
                             "  - wait: 5s\n"
                             "  - flap: 100ms\n"
                             "  - wait: 6s\n"
                             "  - expect: {link: up, carrier: on}\n"
                             "  - stop\n"
                             "  - detach\n"});
  // An MDIO error at each access of attach, every one (the most, 457 of a
  // Broadcom entry on 6.12, are a few hundred milliseconds of runs): attach
  // may fail, nothing may crash, hang or leak.
  for (std::size_t k = 0; k < row.attach_accesses; ++k)
    out.push_back({fmt::format("attach error at access {}", k + 1),
                   scenario_head(fmt::format("attach error at access {}", k + 1), row.name, row.phy_id, row.model,
                                 "switch-10-100", row.page_register) +
                       fmt::format("  - fault: {{kind: error, access: {}}}\n"
                                   "  - attach: {{returns: 0}}\n"
                                   "  - wait: 1s\n",
                                   k),
                   k + 1});
  return out;
}

// The register a driver's write_page() selects pages with: the first
// Clause-22 vendor register written inside that callback.
std::optional<unsigned> page_register_of(const RunResult& r) {
  int depth = 0;
  for (const auto& e : r.trace.events()) {
    if (e.kind == TraceKind::kCallbackEnter && e.name.view() == "write_page") {
      ++depth;
    } else if (e.kind == TraceKind::kCallbackExit && e.name.view() == "write_page") {
      --depth;
    } else if (depth > 0 && e.kind == TraceKind::kMdioWrite) {
      const auto reg = static_cast<unsigned>(e.reg);
      if (!hw::c45::is_c45(reg) && hw::c22::is_vendor(reg)) return reg;
    }
  }
  return std::nullopt;
}

// What a leg found, into its row: the first failing leg fails the entry.
void classify_leg(const RunResult& r, const Scenario& sc, const Leg& leg, DriverRow& row) {
  ++row.legs;
  note_trouble(r, row);
  bool failed = r.stop.has_value() || r.leaked_bytes != 0;
  if (leg.attach_fault) {
    // The attach expectation (returns 0) failing is the error propagated.
    bool attach_ok = true;
    for (const auto& e : r.expectations)
      if (e.step == 1 && !e.ok) attach_ok = false;
    if (!failed) ++(attach_ok ? row.attach_errors_ignored : row.attach_errors_propagated);
  } else {
    failed = failed || !r.passed();
  }
  if (!failed || row.conformance == Conformance::kFail) return;
  // A kernel function refdrv does not emulate is no finding of the
  // driver's, in a leg as in the main scenario (a leg made the entry
  // "fail"), unless the leg had failed before it stopped there. A missing
  // firmware file is not taken so in a leg: the main scenario passed
  // without it, so what fails after is the driver's.
  if (const std::string fn = unemulated_function(r); !fn.empty() && !r.failed_before_stop()) {
    if (row.conformance == Conformance::kPass) {
      row.conformance = Conformance::kNotApplicable;
      row.reason = fmt::format("needs {} (not emulated), in {}, {}", fn, leg.label,
                               r.steps_run ? step_label(sc, r.steps_run - 1) : "bus registration");
    }
    return;
  }
  row.conformance = Conformance::kFail;
  const ExpectationResult* first = nullptr;
  for (const auto& e : r.expectations)
    if (!e.ok && !first) first = &e;
  if (r.stop) {
    row.failed_step = leg.label + ", " + (r.steps_run ? step_label(sc, r.steps_run - 1) : "bus registration");
    row.reason = "stopped: " + *r.stop;
  } else if (r.leaked_bytes) {
    row.failed_step = leg.label + ", teardown";
    row.reason = fmt::format("leaked {} bytes", r.leaked_bytes);
  } else if (first) {
    row.failed_step = leg.label + ", " + step_label(sc, first->step);
    row.reason = first->message + reset_hint(r) + vendor_hint(row);
  } else {
    row.failed_step = leg.label;
    row.reason = r.failure_summary();
  }
}

}  // namespace

std::string conformance_scenario_yaml(const std::string& driver, std::uint32_t phy_id, const std::string& model,
                                      std::optional<unsigned> page_register) {
  return scenario_head("conformance", driver, phy_id, model, "switch-10-100", page_register) +
         fmt::format(
             "  - attach: {{returns: 0}}\n"
             "  - expect: {{bound: true, driver: {}}}\n"
             "  - start\n"
             "  - wait: 5s\n"
             "  - expect: {{link: up, carrier: on}}\n"
             "  - unplug\n"
             "  - wait: 3s\n"
             "  - expect: {{link: down, carrier: off}}\n"
             "  - plug: switch-10-100\n"
             "  - wait: 5s\n"
             "  - expect: {{link: up, carrier: on}}\n"
             "  - restart-aneg: {{returns: 0}}\n"
             "  - wait: 5s\n"
             "  - expect: {{link: up}}\n"
             "  - stop\n"
             "  - start\n"
             "  - wait: 5s\n"
             "  - expect: {{link: up}}\n"
             "  - stop\n"
             "  - detach\n",
             quoted(driver));
}

namespace {

// A run of the conformance: the MAC's "link up" held to the model's link as
// check holds it (RunOptions::check_wire; the runner leaves it out where the
// scenario injects faults or writes registers behind the driver's back).
Job conformance_job(std::shared_ptr<const Scenario> sc, const std::string& model, Impl impl = Impl::kC) {
  Job job{std::move(sc), model, impl, {}};
  job.options.check_wire = true;
  return job;
}

}  // namespace

Result<std::set<std::string>> select_driver_files(const kernel::LinuxTree& tree,
                                                  const std::vector<std::string>& wanted) {
  const auto files = driver_files(tree);
  std::set<std::string> out;
  for (const auto& w : wanted) {
    std::string path = w;
    if (path.rfind(kPhyDir, 0) != 0) path = kPhyDir + path;
    if (!path.ends_with(".c")) path += ".c";
    // A file in a subdirectory by its name alone (aquantia_main for
    // aquantia/aquantia_main.c), when exactly one file has that name.
    if (!files.contains(path) && w.find('/') == std::string::npos) {
      const std::string base = "/" + path.substr(std::string_view(kPhyDir).size());
      std::vector<std::string> found;
      for (const auto& [f, sym] : files)
        if (f.ends_with(base)) found.push_back(f);
      if (found.size() == 1) path = found.front();
    }
    if (!files.contains(path)) {
      std::vector<std::string> names;
      for (const auto& [f, sym] : files) names.push_back(in_phy_dir(f));
      return fail(fmt::format("'{}' is no PHY driver file of Linux {} (its {}: {})", w, tree.version, names.size(),
                              fmt::join(names, ", ")));
    }
    // As run refuses a scenario given twice: a repeated --file (davicom and
    // davicom.c) is a mistake in what was asked, not a selection.
    if (!out.insert(path).second) return fail(fmt::format("'{}' names {} a second time", w, in_phy_dir(path)));
  }
  return out;
}

Result<DriversReport> run_drivers(Environment& env, const std::set<std::string>& only,
                                  const std::function<void(std::size_t, std::size_t)>& progress) {
  DriversReport rep;
  const auto& tree = env.tree();
  rep.tree_version = tree.version;
  rep.stubbed = env.built().stubbed;
  auto files = driver_files(tree);
  rep.tree_files = files.size();
  if (!only.empty()) {
    for (const auto& f : only)
      if (!files.contains(f)) return fail(fmt::format("'{}' is no PHY driver file of Linux {}", f, tree.version));
    std::erase_if(files, [&](const auto& kv) { return !only.contains(kv.first); });
    rep.selected.assign(only.begin(), only.end());
  }

  // The entries the C modules registered, per source file.
  std::map<std::string, std::vector<DriverRow>> by_file;
  for (const auto& m : env.image().modules()) {
    if (m.impl != Impl::kC || m.source.rfind(kPhyDir, 0) != 0 || !files.count(m.source)) continue;
    for (const auto& d : m.drivers) {
      DriverRow row;
      row.file = m.source;
      row.name = d.name;
      row.kconfig = files.at(m.source);
      row.phy_id = d.phy_id;
      row.mask = d.mask;
      row.matches_by_callback = d.callbacks & (1u << REFDRV_CB_match_phy_device);
      row.built = true;
      by_file[m.source].push_back(std::move(row));
    }
  }

  // One job per entry.
  std::vector<Job> jobs;
  std::vector<DriverRow*> job_rows;
  std::vector<std::string> job_yaml;  // kept for a failing entry's reproducer
  for (auto& [file, rows] : by_file)
    for (auto& row : rows) {
      row.model = hw::model_for_phy_id(row.phy_id, row.mask);
      job_yaml.push_back(conformance_scenario_yaml(row.name, row.phy_id, row.model));
      auto sc = parse_scenario(job_yaml.back(), "(conformance of " + row.name + ")");
      if (!sc) return std::unexpected(sc.error());
      jobs.push_back(conformance_job(std::make_shared<const Scenario>(std::move(*sc)), row.model));
      job_rows.push_back(&row);
    }
  const auto t0 = std::chrono::steady_clock::now();
  SupervisorOptions so;
  so.with_trace = true;  // the vendor registers a run used
  so.on_result = [&](std::size_t i, const RunResult&) {
    if (progress) progress(i + 1, jobs.size());
  };
  std::vector<RunResult> results = run_jobs(env, jobs, so);

  // An entry whose driver pages its registers (write_page) on a model
  // without pages of its own runs again, every run of it with the page
  // register the driver wrote; without, its pages would share one register
  // file. The run before serves only to learn the register.
  std::vector<Job> paged_jobs;
  std::vector<std::size_t> paged;
  for (std::size_t i = 0; i < results.size(); ++i) {
    DriverRow& row = *job_rows[i];
    const auto spec = hw::find_phy_model(row.model);
    if (!spec || spec->page_reg || !spec->clause22) continue;
    const auto reg = page_register_of(results[i]);
    if (!reg) continue;
    row.page_register = reg;
    job_yaml[i] = conformance_scenario_yaml(row.name, row.phy_id, row.model, reg);
    auto sc = parse_scenario(job_yaml[i], "(conformance of " + row.name + ")");
    if (!sc) return std::unexpected(sc.error());
    jobs[i].scenario = std::make_shared<const Scenario>(std::move(*sc));
    paged_jobs.push_back(jobs[i]);
    paged.push_back(i);
  }
  if (!paged_jobs.empty()) {
    so.on_result = nullptr;
    auto again = run_jobs(env, paged_jobs, so);
    for (std::size_t k = 0; k < paged.size(); ++k) results[paged[k]] = std::move(again[k]);
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    DriverRow& row = *job_rows[i];
    classify_conformance(results[i], *jobs[i].scenario, row);
    if (row.conformance == Conformance::kFail) row.failing_scenario = std::move(job_yaml[i]);
    if (rep.states_sampled.empty()) rep.states_sampled = results[i].states_sampled;
    if (rep.states_hooked.empty()) rep.states_hooked = results[i].states_hooked;
  }

  // The legs of the entries that passed, contained alike; no traces needed.
  std::vector<Job> leg_jobs;
  std::vector<std::pair<DriverRow*, Leg>> leg_rows;
  for (std::size_t i = 0; i < results.size(); ++i) {
    DriverRow& row = *job_rows[i];
    if (row.conformance != Conformance::kPass) continue;
    row.attach_accesses = attach_accesses(results[i]);
    for (auto& leg : legs_of(row)) {
      auto sc = parse_scenario(leg.yaml, "(conformance of " + row.name + ", " + leg.label + ")");
      if (!sc) return std::unexpected(sc.error());
      leg_jobs.push_back(conformance_job(std::make_shared<const Scenario>(std::move(*sc)), row.model));
      leg_rows.emplace_back(&row, std::move(leg));
    }
  }
  so.with_trace = false;
  so.on_result = [&](std::size_t i, const RunResult&) {
    if (progress) progress(jobs.size() + i + 1, jobs.size() + leg_jobs.size());
  };
  const std::vector<RunResult> leg_results = run_jobs(env, leg_jobs, so);
  for (std::size_t i = 0; i < leg_results.size(); ++i) {
    auto& [row, leg] = leg_rows[i];
    const bool failed_before = row->conformance == Conformance::kFail;
    classify_leg(leg_results[i], *leg_jobs[i].scenario, leg, *row);
    if (!failed_before && row->conformance == Conformance::kFail) row->failing_scenario = leg.yaml;
  }
  // Entries another implementation registers too (the Asix group's Rust and
  // C++ drivers, same name, PHY ID and mask): the main scenario and every leg
  // again on C and on each of them, traced, each compared with C's run.
  std::map<DriverRow*, std::vector<Impl>> twins;
  for (const auto& m : env.image().modules()) {
    if (m.impl == Impl::kC) continue;
    for (const auto& d : m.drivers)
      for (auto& [file, rows] : by_file)
        for (auto& row : rows) {
          if (row.name != d.name || row.phy_id != d.phy_id || row.mask != d.mask) continue;
          auto& impls = twins[&row];
          if (std::ranges::find(impls, m.impl) == impls.end()) impls.push_back(m.impl);
        }
  }
  for (auto& [row, impls] : twins) {
    row->implementations = {Impl::kC};
    row->implementations.insert(row->implementations.end(), impls.begin(), impls.end());
  }
  std::size_t diff_runs = 0;
  if (!twins.empty()) {
    struct Pair {
      DriverRow* row;
      std::string label;  // "main scenario", "partner switch-gigabit", ...
      std::size_t c;      // index of its C job
      Impl impl;
      std::size_t other;  // index of the other implementation's job
    };
    std::vector<Job> diff_jobs;
    std::vector<Pair> pairs;
    auto add = [&](DriverRow* row, const std::string& label, const std::shared_ptr<const Scenario>& sc) {
      const std::size_t c = diff_jobs.size();
      diff_jobs.push_back(conformance_job(sc, row->model));
      for (Impl impl : twins.at(row)) {
        pairs.push_back({row, label, c, impl, diff_jobs.size()});
        diff_jobs.push_back(conformance_job(sc, row->model, impl));
      }
    };
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (twins.contains(job_rows[i])) add(job_rows[i], "main scenario", jobs[i].scenario);
    for (std::size_t i = 0; i < leg_jobs.size(); ++i)
      if (twins.contains(leg_rows[i].first)) add(leg_rows[i].first, leg_rows[i].second.label, leg_jobs[i].scenario);
    so.with_trace = true;
    so.on_result = nullptr;
    const std::vector<RunResult> diff = run_jobs(env, diff_jobs, so);
    diff_runs = diff.size();
    for (const auto& p : pairs) {
      DriverRow& row = *p.row;
      note_trouble(diff[p.other], row);
      // After a row's first divergence its other pairs are not compared, so
      // not counted.
      if (!row.divergence.empty()) continue;
      const Scenario& sc = *diff_jobs[p.c].scenario;
      const auto verdict = differential_verdict(sc, diff[p.c], p.impl, diff[p.other]);
      if (!verdict) continue;
      ++row.comparisons;
      const std::string& what = *verdict;
      if (what.empty()) continue;
      row.divergence = fmt::format("{}: {}", p.label, what);
      if (row.conformance != Conformance::kFail) {
        row.conformance = Conformance::kFail;
        row.failed_step = p.label + ", differential";
        row.reason = what;
        row.failing_scenario = scenario_to_yaml(sc, sc.steps.size(), "");
      }
    }
  }

  rep.runs = results.size() + paged.size() + leg_results.size() + diff_runs;
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Every file of the tree: its entries, or one row saying why it has none.
  std::set<std::string> compiled, symbol_built;  // driver files compiled, and their symbols
  for (const auto& k : env.built().objects)
    if (auto it = files.find(kernel::tree_source(tree, k)); it != files.end()) {
      compiled.insert(it->first);
      symbol_built.insert(it->second);
    }
  for (const auto& [file, sym] : files) {
    auto it = by_file.find(file);
    if (it != by_file.end()) {
      for (auto& row : it->second) rep.rows.push_back(std::move(row));
      continue;
    }
    DriverRow row;
    row.file = file;
    row.kconfig = sym;
    row.built = compiled.count(file) != 0;
    const auto text = kernel::read_file(tree.root / file);
    const std::size_t entries = text ? c_phy_driver_tables(*text).entries.size() : 0;
    row.file_entries = entries;
    const std::string not_run = entries ? fmt::format("; its {} phy_driver entries are not run", entries) : "";
    if (row.built && entries) {
      // Its source declares entries and none registered: the module's
      // phy_drivers_register() failed (an entry phylib refuses), which the
      // kernel only logs. Every entry of the file is lost: a failure.
      row.conformance = Conformance::kFail;
      row.failed_step = "module registration";
      row.reason = fmt::format(
          "built, and its source declares {} phy_driver entr{}, but none registered: its module's registration "
          "failed (refdrv trace --all-phy-drivers shows the log)",
          entries, entries == 1 ? "y" : "ies");
    } else if (row.built)
      row.reason =
          "built, but registers no phy_driver (a part of a module, a library of other drivers, or an MDIO "
          "device driver)";
    else if (symbol_built.count(sym))
      row.reason = fmt::format(
          "not built: an optional part of CONFIG_{}'s module that refdrv's configuration leaves "
          "out (a condition in the Makefile){}",
          sym, not_run);
    else
      row.reason = fmt::format(
          "not built: the tree's Kconfig turns CONFIG_{} off in refdrv's configuration (an unmet "
          "dependency){}",
          sym, not_run);
    rep.rows.push_back(std::move(row));
  }
  return rep;
}

std::size_t DriversReport::registration_failures() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const DriverRow& r) {
    return r.name.empty() && r.conformance == Conformance::kFail;
  }));
}

namespace {

// "5042 runs: ...": what ran beyond each entry's main scenario.
std::string runs_summary(const DriversReport& r) {
  std::size_t legs = 0, propagated = 0, ignored = 0, swept = 0;
  for (const auto& row : r.rows) {
    legs += row.legs;
    propagated += row.attach_errors_propagated;
    ignored += row.attach_errors_ignored;
    swept += row.legs ? 1 : 0;
  }
  std::string out = fmt::format(
      "{} run{}: each entry's main scenario, then for the {} whose main scenario's expectations held {} leg{} (the other "
      "partners, both forced modes, a flap, an MDIO error at each access of attach: {} error{} propagated, {} "
      "ignored by attach).",
      r.runs, r.runs == 1 ? "" : "s", swept, legs, legs == 1 ? "" : "s", propagated, propagated == 1 ? "" : "s",
      ignored);
  const DifferentialTotals d = r.differential();
  if (d.entries)
    out += fmt::format(
        " Differential: {} entr{} that {} register{} too ran each of {} scenarios again on C and on {}: {} "
        "comparison{} with C, {} entr{} diverged{}.",
        d.entries, d.entries == 1 ? "y" : "ies", fmt::join(d.others, " and "), d.others.size() == 1 ? "s" : "",
        d.entries == 1 ? "its" : "their", d.others.size() == 1 ? "it" : "each", d.comparisons,
        d.comparisons == 1 ? "" : "s", d.diverged, d.diverged == 1 ? "y" : "ies",
        // The runs were made; the comparisons counted end at an entry's
        // first divergence (108 runs read as 3 comparisons, and only the
        // first implementation that differed was named).
        d.diverged ? fmt::format(" (an entry's comparisons end at its first divergence, which names the one "
                                 "implementation that differed first: the later runs of {} were made, not "
                                 "compared)",
                                 d.diverged == 1 ? "it" : "those")
                   : "");
  return out;
}

// "Only 2 of the tree's 59 driver files were run (--file): ...".
std::string selection_note(const DriversReport& r) {
  const bool one = r.selected.size() == 1;
  return fmt::format("Only {} of the tree's {} driver files {} run (--file): {}; the counts above are {}.",
                     r.selected.size(), r.tree_files, one ? "was" : "were",
                     fmt::join(r.selected | std::views::transform(in_phy_dir), ", "),
                     one ? "that file's" : "those files'");
}

}  // namespace

Result<DriversBaseline> read_drivers_baseline(const std::filesystem::path& file) {
  const auto text = kernel::read_file(file);
  if (!text) return fail(fmt::format("--baseline: {}", text.error().message));
  const auto j = nlohmann::json::parse(*text, nullptr, false);
  const auto refuse = [&](const std::string& why) {
    return fail(fmt::format("--baseline: {} is not a report of refdrv drivers --json: {}", file.string(), why));
  };
  if (j.is_discarded()) return refuse("it is not JSON");
  if (!j.is_object() || !j.contains("schema") || !j["schema"].is_string() ||
      !j["schema"].get<std::string>().starts_with("refdrv-drivers/"))
    return refuse("its \"schema\" is not refdrv-drivers/N");
  // One this refdrv does not know (a later one's) may mean its fields
  // otherwise: refused, not read as if it were (a review, 2026-12-07).
  {
    const std::string schema = j["schema"].get<std::string>();
    int version = 0;
    const char* const digits = schema.data() + std::string_view("refdrv-drivers/").size();
    const auto [end, ec] = std::from_chars(digits, schema.data() + schema.size(), version);
    if (ec != std::errc() || end != schema.data() + schema.size() || version < 1)
      return refuse(fmt::format("its \"schema\" {} is not refdrv-drivers/N", schema));
    if (version > kDriversSchemaVersion)
      return refuse(fmt::format("its \"schema\" is {}, and this refdrv writes and reads up to refdrv-drivers/{}",
                                schema, kDriversSchemaVersion));
  }
  if (!j.contains("entries") || !j["entries"].is_array()) return refuse("it has no \"entries\" list");
  // A field of the wrong type is said, not thrown (it ended refdrv with
  // exit 134; a review, 2026-12-07).
  const auto text_of = [](const nlohmann::json& o, const char* key) -> std::optional<std::string> {
    if (!o.contains(key) || o[key].is_null()) return std::string();
    if (!o[key].is_string()) return std::nullopt;
    return o[key].get<std::string>();
  };
  DriversBaseline b;
  b.path = file.string();
  const auto tree_version = text_of(j, "tree_version");
  if (!tree_version) return refuse("its \"tree_version\" is not a string");
  b.tree_version = *tree_version;
  for (std::size_t i = 0; i < j["entries"].size(); ++i) {
    const auto& e = j["entries"][i];
    if (!e.is_object() || !e.contains("file") || !e["file"].is_string() || !e.contains("conformance") ||
        !e["conformance"].is_string() || !e.contains("name"))
      return refuse(fmt::format("entry {} has no file, name and conformance", i + 1));
    // A file without an entry: its row is keyed by its file and "".
    if (!e["name"].is_null() && !e["name"].is_string())
      return refuse(fmt::format("entry {}: its name is neither a string nor null", i + 1));
    const std::string name = e["name"].is_null() ? std::string() : e["name"].get<std::string>();
    const std::string c = e["conformance"].get<std::string>();
    if (c != "pass" && c != "fail" && c != "n/a") return refuse(fmt::format("entry {}: conformance '{}'", i + 1, c));
    const auto failed_step = text_of(e, "failed_step"), reason = text_of(e, "reason");
    if (!failed_step || !reason)
      return refuse(fmt::format("entry {}: its {} is not a string", i + 1, !failed_step ? "failed_step" : "reason"));
    DriversBaseline::Verdict v{c, *failed_step, *reason, {}, {}};
    for (const char* flag : {"stopped", "leaked"})
      if (e.contains(flag) && !e[flag].is_null() && !e[flag].is_boolean())
        return refuse(fmt::format("entry {}: its {} is not true or false", i + 1, flag));
    if (e.contains("stopped") && e["stopped"].is_boolean()) v.stopped = e["stopped"].get<bool>();
    if (e.contains("leaked") && e["leaked"].is_boolean()) v.leaked = e["leaked"].get<bool>();
    b.entries[{e["file"].get<std::string>(), name}] = std::move(v);
  }
  return b;
}

namespace {
// A failure's own words, before refdrv's hints ("; ..." after them).
std::string_view first_clause(std::string_view reason) { return reason.substr(0, reason.find("; ")); }
}  // namespace

BaselineComparison compare_with_baseline(const DriversReport& r, const DriversBaseline& b) {
  // How a failure failed: a stop (a crash, a hang), a leak, or an
  // expectation. A known failure that now crashes is new.
  const auto how = [](const std::string& reason) {
    return reason.starts_with("stopped") ? "a stop" : reason.starts_with("leaked") ? "a leak" : "an expectation";
  };
  BaselineComparison c;
  std::set<std::string> files;  // the files this report covers (all, or --file's)
  std::map<std::string, std::string> not_built;  // of those, the ones not built: why
  std::set<std::string> unregistered;            // and those whose registration failed
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& row : r.rows) {
    files.insert(row.file);
    if (row.name.empty()) {
      if (!row.built) not_built[row.file] = row.reason;
      // A file whose registration failed: one failure of its own.
      const auto was = b.entries.find({row.file, ""});
      const bool failed_before = was != b.entries.end() && was->second.conformance == "fail";
      if (row.conformance == Conformance::kFail) {
        unregistered.insert(row.file);
        if (failed_before)
          c.known.push_back(in_phy_dir(row.file));
        else
          c.new_failures.push_back(
              fmt::format("{} (registers none of its {} entries)", in_phy_dir(row.file), row.file_entries));
      }
      continue;
    }
    seen.insert({row.file, row.name});
    const std::string name = in_phy_dir(row.file) + ":" + row.name;
    const auto was = b.entries.find({row.file, row.name});
    const bool checked_before = was != b.entries.end() && was->second.conformance != "n/a";
    const bool failed_before = was != b.entries.end() && was->second.conformance == "fail";
    if (row.conformance == Conformance::kFail) {
      if (!failed_before)
        c.new_failures.push_back(
            fmt::format("{} (was {})", name, was == b.entries.end() ? "not in the baseline" : was->second.conformance));
      else if (was->second.failed_step != row.failed_step || how(was->second.reason) != how(row.reason))
        c.new_failures.push_back(fmt::format("{} (failed at {} by {}, now at {} by {})", name, was->second.failed_step,
                                             how(was->second.reason), row.failed_step, how(row.reason)));
      // At the same step, otherwise (another errno, another mode told to
      // the MAC): a change, not the known failure (a review, 2026-12-07:
      // "the same way").
      // Of an expectation's failure only, and only its own words (refdrv's
      // hints after "; " change with refdrv, a stop's text carries the
      // wall-clock budget, addresses and paths).
      else if (how(row.reason) == std::string_view("an expectation") && !was->second.reason.empty() &&
               first_clause(was->second.reason) != first_clause(row.reason))
        c.new_failures.push_back(
            fmt::format("{} (fails at {} as in the baseline, but otherwise: was \"{}\", now \"{}\")", name,
                        row.failed_step, was->second.reason, row.reason));
      // The first failure the same, and a crash, hang or leak after it
      // that the baseline's run did not have.
      else if (row.stopped && was->second.stopped == false)
        c.new_failures.push_back(
            fmt::format("{} (fails at {} as in the baseline, and now crashes or hangs too)", name, row.failed_step));
      else if (row.leaked && was->second.leaked == false)
        c.new_failures.push_back(
            fmt::format("{} (fails at {} as in the baseline, and now leaks too)", name, row.failed_step));
      else
        c.known.push_back(name);
    } else if (failed_before && row.conformance == Conformance::kPass) {
      c.fixed.push_back(name);
    } else if (checked_before && row.conformance == Conformance::kNotApplicable) {
      // Checked then, not now. Not bound (its probe failed, another driver
      // took its ID): the driver's doing, a failure. A kernel function
      // refdrv does not emulate, or a firmware file it cannot find: not the
      // driver's, but not checked either.
      const std::string now = fmt::format("{} (was {}, now n/a: {})", name, was->second.conformance, row.reason);
      if (row.reason.starts_with("not bound")) {
        c.new_failures.push_back(now);
        c.new_failure_entries.insert(name);  // KTAP's "not ok" for an n/a row
      } else {
        c.unchecked.push_back(now);
      }
    }
  }
  // A file whose registration failed in the baseline and that registers its
  // entries now.
  // Not built now, it was not checked: unchecked, not fixed (a review,
  // 2026-12-07).
  for (const auto& [key, was] : b.entries)
    if (key.second.empty() && was.conformance == "fail" && files.contains(key.first) &&
        !unregistered.contains(key.first)) {
      if (const auto nb = not_built.find(key.first); nb != not_built.end())
        c.unchecked.push_back(
            fmt::format("{} (registered none of its entries, now {})", in_phy_dir(key.first), nb->second));
      else
        c.fixed.push_back(in_phy_dir(key.first));
    }
  // A whole-tree run: a file the baseline checked that the tree no longer
  // has among its PHY drivers (deleted, or its Makefile line gone) was not
  // checked now; it was dropped without a word (a review, 2026-12-07).
  if (r.selected.empty()) {
    std::set<std::string> gone;
    for (const auto& [key, was] : b.entries)
      if (!files.contains(key.first) && was.conformance != "n/a") gone.insert(key.first);
    for (const auto& file : gone)
      c.unchecked.push_back(
          fmt::format("{} (checked in the baseline; no longer among this tree's PHY driver files)", in_phy_dir(file)));
  }
  // Entries the baseline checked that this run no longer has, in a file it
  // covers: the file no longer registers them, or refdrv's configuration no
  // longer builds it (not the driver's doing: unchecked).
  for (const auto& [key, was] : b.entries) {
    if (key.second.empty() || !files.contains(key.first) || seen.contains(key) || was.conformance == "n/a") continue;
    const std::string name = in_phy_dir(key.first) + ":" + key.second;
    if (const auto nb = not_built.find(key.first); nb != not_built.end()) {
      c.unchecked.push_back(fmt::format("{} (was {}, now {})", name, was.conformance, nb->second));
    } else {
      c.new_failures.push_back(fmt::format("{} (was {}, now not registered)", name, was.conformance));
      c.lost.push_back(key.first + ":" + key.second);
    }
  }
  for (const auto& [key, was] : b.entries)
    if (files.contains(key.first)) ++c.baseline_entries_covered;
  return c;
}

nlohmann::json baseline_json(const DriversBaseline& b, const BaselineComparison& c) {
  return {{"file", b.path},
          {"tree_version", b.tree_version},
          {"new_failures", c.new_failures},
          {"known_failures", c.known},
          {"unchecked", c.unchecked},
          {"fixed", c.fixed},
          {"entries", b.entries.size()},
          {"entries_covered", c.baseline_entries_covered}};
}

namespace {
// A note's list of entries: the first six, then "..." for the rest.
std::string first_names(const std::vector<std::string>& names) {
  return fmt::format("{}{}", fmt::join(names.begin(), names.begin() + std::min<std::size_t>(names.size(), 6), ", "),
                     names.size() > 6 ? ", ..." : "");
}
}  // namespace

std::string format_drivers(const DriversReport& r) {
  std::string out =
      fmt::format("refdrv drivers: Linux {}, every C PHY driver on refdrv's model of its PHY, of its vendor's family "
                  "(standing in), else a generic model (Clause 22; Clause 45 for the drivers of Clause-45 PHYs)\n\n",
                  r.tree_version);
  out += fmt::format("{:<40} {:<28} {:<10} {:<5} {:<5} {:<5} {}\n", "file", "phy_driver", "phy_id", "built", "bound",
                     "conf", "reason");
  for (const auto& row : r.rows) {
    const std::string file = in_phy_dir(row.file);
    out += fmt::format(
        "{:<40} {:<28} {:<10} {:<5} {:<5} {:<5} {}\n", file, row.name.empty() ? "-" : row.name,
        row.name.empty() ? "-" : fmt::format("{:08x}", row.phy_id), row.built ? "yes" : "no", row.bound ? "yes" : "no",
        row.name.empty() && row.conformance != Conformance::kFail ? "-" : conformance_name(row.conformance),
        row.failed_step.empty() ? row.reason : row.failed_step + ": " + row.reason);
  }
  const std::size_t entries = static_cast<std::size_t>(
      std::count_if(r.rows.begin(), r.rows.end(), [](const DriverRow& x) { return !x.name.empty(); }));
  out += fmt::format(
      "\n{} driver file{}: {} built, {} with an entry bound; {} phy_driver entr{} run in {:.2f} s: {} pass, {} fail, "
      "{} n/a.\n",
      r.files(), r.files() == 1 ? "" : "s", r.files_built(), r.files_bound(), entries, entries == 1 ? "y" : "ies",
      r.seconds, r.count(Conformance::kPass),
      r.count(Conformance::kFail), r.count(Conformance::kNotApplicable));
  if (const std::size_t lost = r.registration_failures())
    out += fmt::format("{} built file{} registered none of the entries {} source declares (a failure each).\n", lost,
                       lost == 1 ? "" : "s", lost == 1 ? "its" : "their");
  out += runs_summary(r) + "\n";
  if (!r.selected.empty()) out += selection_note(r) + "\n";
  // A pass on a generic model that stores vendor registers without meaning
  // checked the standard registers only.
  const auto weak_pass = [](const DriverRow& row) { return has_caveat(row, PassCaveat::kUncheckedVendorRegisters); };
  if (const auto weak = static_cast<std::size_t>(std::count_if(r.rows.begin(), r.rows.end(), weak_pass)))
    out += fmt::format("Note: {} of the passes ran on a generic model and used vendor registers, which it stores "
                       "without meaning: what the driver does through them was not checked (the JSON names each "
                       "entry's model and registers).\n",
                       weak);
  // A pass on a vendor family's model standing in for another PHY of the
  // family: the abilities phylib read (where the entry sets no .features)
  // and the vendor registers are that model's PHY's. A 10/100 part passed a
  // 1000 Mb/s leg so (the RTL8201F on the RTL8211F's model).
  std::vector<std::string> stand_in;
  for (const auto& row : r.rows)
    if (has_caveat(row, PassCaveat::kStandInModel)) stand_in.push_back(row.name);
  if (!stand_in.empty())
    out += fmt::format(
        "Note: {} of the passes ran on a vendor family's model standing in for their PHY ({}): "
        "its abilities and vendor registers are the family model's PHY's, not necessarily theirs (a "
        "10/100 part among them was taken through gigabit legs it cannot do).\n",
        stand_in.size(), first_names(stand_in));
  std::vector<std::string> gigabit;
  for (const auto& row : r.rows)
    if (has_caveat(row, PassCaveat::kGigabitOnGenericModel)) gigabit.push_back(row.name);
  if (!gigabit.empty())
    out += fmt::format(
        "Note: {} of the passes are of PHYs taken for gigabit ones (1000BASE-T in phylib's supported modes, or "
        "CTRL1000, STAT1000 or ESTATUS accessed), on a generic model with no 1000BASE-T registers ({}): what their "
        "drivers do at 1000 Mb/s was not run.\n",
        gigabit.size(), first_names(gigabit));
  if (!r.states_sampled.empty())
    out += fmt::format("Note: phylib's state was sampled, not watched at every store ({}).\n", r.states_sampled);
  if (!r.states_hooked.empty())
    out += fmt::format("Note: phylib's state was watched at every store by the store hooks compiled into phylib and the "
                       "C drivers, not by a hardware watchpoint ({}).\n",
                       r.states_hooked);
  return out;
}

std::string drivers_ktap(const DriversReport& r, const BaselineComparison* baseline) {
  std::string out = "KTAP version 1\n";
  out += fmt::format("# refdrv drivers: Linux {}\n# {}\n", r.tree_version, ktap_escape(runs_summary(r)));
  if (!r.selected.empty()) out += "# " + ktap_escape(selection_note(r)) + "\n";
  // With --baseline, the entries it had that this run no longer registers
  // are tests too, after the rows (each a new failure).
  out += fmt::format("1..{}\n", r.rows.size() + (baseline ? baseline->lost.size() : 0));
  std::size_t n = 0;
  for (const auto& row : r.rows) {
    ++n;
    const std::string name = ktap_escape(row.name.empty() ? row.file : row.file + ":" + row.name);
    // An entry the baseline checked that is not bound now: a new failure,
    // so "not ok" though n/a (it was "ok # SKIP" while the run exited 1).
    if (baseline && row.conformance == Conformance::kNotApplicable && !row.name.empty() &&
        baseline->new_failure_entries.contains(in_phy_dir(row.file) + ":" + row.name)) {
      out += fmt::format("# {}\n# new failure: checked in the baseline, not bound now\n", ktap_escape(row.reason));
      out += fmt::format("not ok {} {}\n", n, name);
      continue;
    }
    if ((row.name.empty() && row.conformance != Conformance::kFail) || row.conformance == Conformance::kNotApplicable) {
      out += fmt::format("ok {} {} # SKIP {}\n", n, name, ktap_escape(row.reason));
    } else if (row.conformance == Conformance::kPass) {
      // A pass with less behind it says so (it was a bare "ok" in KTAP and
      // JSON, the caveat only in the terminal's notes).
      if (const std::string caveat = pass_caveat(row); !caveat.empty()) out += "# " + ktap_escape(caveat) + "\n";
      out += fmt::format("ok {} {}\n", n, name);
    } else {
      out += fmt::format("# {}: {}\n", ktap_escape(row.failed_step), ktap_escape(row.reason));
      // With --baseline, which failures it already had: each failure stays
      // not ok, and says whether it is one of them (the totals alone, after
      // the last test, did not say which).
      if (baseline) {
        const std::string key = in_phy_dir(row.file) + (row.name.empty() ? "" : ":" + row.name);
        const bool known = std::find(baseline->known.begin(), baseline->known.end(), key) != baseline->known.end();
        out += known ? "# known failure: the baseline has it, at the same step, the same way\n"
                     : "# new failure: not as in the baseline\n";
      }
      out += fmt::format("not ok {} {}\n", n, name);
    }
  }
  if (baseline)
    for (const auto& lost : baseline->lost)
      out += fmt::format("# new failure: in the baseline, not registered now\nnot ok {} {}\n", ++n, ktap_escape(lost));
  return out;
}

nlohmann::json drivers_json(const DriversReport& r) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& row : r.rows)
    entries.push_back(
        {{"file", row.file},
         {"name", row.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.name)},
         {"kconfig", row.kconfig},
         {"phy_id", row.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.phy_id)},
         {"phy_id_mask", row.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.mask)},
         {"model", row.model.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.model)},
         {"page_register", row.page_register ? nlohmann::json(*row.page_register) : nlohmann::json(nullptr)},
         {"built", row.built},
         {"bound", row.bound},
         {"conformance", conformance_name(row.conformance)},
         {"failed_step", row.failed_step},
         {"matches_by_callback", row.matches_by_callback},
         {"vendor_registers", row.vendor_registers},
         {"vendor_mmd_registers", mmd_registers_json(row.vendor_mmd_registers)},
         {"differential",
          row.implementations.empty()
              ? nlohmann::json(nullptr)
              : nlohmann::json({{"implementations", impl_titles(row.implementations)},
                                {"comparisons", row.comparisons},
                                {"divergence",
                                 row.divergence.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.divergence)}})},
         {"legs", row.legs},
         {"attach_sweep", row.legs ? nlohmann::json({{"accesses", row.attach_accesses},
                                                     {"errors_propagated", row.attach_errors_propagated},
                                                     {"errors_ignored", row.attach_errors_ignored}})
                                   : nlohmann::json(nullptr)},
         {"reason", row.reason},
         {"stopped", row.stopped},
         {"leaked", row.leaked},
         {"file_entries", row.name.empty() ? nlohmann::json(row.file_entries) : nlohmann::json(nullptr)},
         {"caveat", [&] {
            const std::string c = pass_caveat(row);
            return c.empty() ? nlohmann::json(nullptr) : nlohmann::json(c);
          }()}});
  const auto passes_with = [&](PassCaveat c) {
    return static_cast<std::size_t>(
        std::count_if(r.rows.begin(), r.rows.end(), [&](const DriverRow& row) { return has_caveat(row, c); }));
  };
  return {{"schema", fmt::format("refdrv-drivers/{}", kDriversSchemaVersion)},
          {"tree_version", r.tree_version},
          {"files", r.files()},
          {"selection", r.selected.empty() ? nlohmann::json(nullptr)
                                           : nlohmann::json({{"files", r.selected}, {"tree_files", r.tree_files}})},
          {"files_built", r.files_built()},
          {"files_bound", r.files_bound()},
          {"pass", r.count(Conformance::kPass)},
          {"passes_with_a_caveat",
           {{"stand_in_model", passes_with(PassCaveat::kStandInModel)},
            {"unchecked_vendor_registers", passes_with(PassCaveat::kUncheckedVendorRegisters)},
            {"gigabit_on_generic_model", passes_with(PassCaveat::kGigabitOnGenericModel)}}},
          {"fail", r.count(Conformance::kFail)},
          {"registration_failures", r.registration_failures()},
          {"not_applicable", r.count(Conformance::kNotApplicable)},
          {"seconds", r.seconds},
          {"runs", r.runs},
          {"differential",
           [&] {
             const DifferentialTotals d = r.differential();
             return nlohmann::json({{"entries", d.entries}, {"comparisons", d.comparisons}, {"diverged", d.diverged}});
           }()},
          {"state_observation",
           {{"sampled", !r.states_sampled.empty()},
            {"reason", r.states_sampled},
            {"store_hooks", !r.states_hooked.empty()},
            {"store_hooks_reason", r.states_hooked}}},
          {"stubbed", r.stubbed},
          {"entries", entries}};
}

}  // namespace refdrv::report
