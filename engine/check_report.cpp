// SPDX-License-Identifier: GPL-2.0
#include "engine/check_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "engine/groups.hpp"
#include "engine/serialize.hpp"
#include "hw/catalog.hpp"
#include "refdrv_abi.h"

namespace refdrv {

namespace {

struct Colors {
  const char *red = "", *green = "", *yellow = "", *bold = "", *reset = "";
};

Colors colors(bool on) {
  if (!on) return {};
  return {"\033[31m", "\033[32m", "\033[33m", "\033[1m", "\033[0m"};
}

std::string verdict(const RunResult& r) { return r.passed() ? "pass" : "FAIL"; }

// What the store hooks (emul/instance.c) see of phylib's state, and what not.
constexpr std::string_view kHookedCaveat =
    "every store phylib and the C drivers make is seen as it happens; a store by uninstrumented code (the Rust and "
    "C++ sides, whose abstractions only read the state) would be seen at the next sample";

// Why a selected implementation did not run on a row: its driver group
// (the model's hardware) has none.
std::string not_applicable(const CheckRow& row, Impl impl) {
  return fmt::format("no {} driver for {} in this tree", impl_title(impl), row.model);
}

}  // namespace

std::string ktap_escape(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '#') c = ' ';
  return s;
}

std::string equivalence_text(const CheckRow& row) {
  if (row.runs.empty()) return "nothing ran";
  if (!row.uncompared.empty()) return "not compared: " + row.uncompared;
  if (!row.compared()) return fmt::format("only {} ran: not compared", impl_title(row.impls[0]));
  // Every implementation that differs, not only the first.
  std::vector<std::string> differ;
  for (std::size_t i = 1; i < row.divergence.size(); ++i)
    if (row.divergence[i])
      differ.push_back(fmt::format("{} differs from {} ({})", impl_title(row.impls[i]), impl_title(row.impls[0]),
                                   level_name(row.divergence[i]->level)));
  // Equivalent instances in which no two implementations' own drivers ran
  // (a PHY ID none of them takes, the generic model) compared phylib's
  // generic driver with itself: said in the row, not a bare "yes".
  if (differ.empty()) return row.own_drivers_compared() ? "yes" : "yes (no two own drivers ran)";
  return fmt::format("{}", fmt::join(differ, "; "));
}

std::string format_problems(const std::vector<std::string>& problems, const char* red, const char* reset) {
  if (problems.empty()) return {};
  return fmt::format("{}error{}: {}{}\n", red, reset, problems.front(),
                     problems.size() > 1 ? fmt::format(" (and {} more)", problems.size() - 1) : "");
}

std::string format_divergence(const Divergence& d, Impl a, Impl b) {
  std::string out = d.step_name == "(bus registration)"
                        ? fmt::format("first divergence ({}) in bus registration, before step 1 ({}):\n",
                                      level_name(d.level), d.where)
                        : fmt::format("first divergence ({}) in step {} ({}, {}):\n", level_name(d.level), d.step + 1,
                                      d.step_name, d.where);
  out += fmt::format("  {:<5} {}\n  {:<5} {}\n", impl_title(a), d.a, impl_title(b), d.b);
  out += fmt::format("  {} trace:\n", impl_title(a));
  for (const auto& l : d.context_a) out += "    " + l + "\n";
  out += fmt::format("  {} trace:\n", impl_title(b));
  for (const auto& l : d.context_b) out += "    " + l + "\n";
  return out;
}

std::vector<std::string> state_observation_notes(const RunCount& sampled, const RunCount& hooked) {
  std::vector<std::string> notes;
  if (sampled.first)
    notes.push_back(
        fmt::format("in {} run(s) phylib's state was sampled, not watched at every store ({}): a state "
                    "entered and left between two samples would not be compared.",
                    sampled.first, sampled.second));
  if (hooked.first)
    notes.push_back(
        fmt::format("in {} run(s) phylib's state was watched by the store hooks compiled into phylib and "
                    "the C drivers, not by a hardware watchpoint ({}): {}.",
                    hooked.first, hooked.second, kHookedCaveat));
  return notes;
}

nlohmann::json state_observation_json(const RunCount& sampled, const RunCount& hooked) {
  return {{"runs_sampled", sampled.first},
          {"reason", sampled.second},
          {"runs_store_hooks", hooked.first},
          {"store_hooks_reason", hooked.second}};
}

std::vector<std::string> check_notes(const CheckReport& rep) {
  std::vector<std::string> notes;
  const std::size_t compared = rep.compared_pairs();
  if (rep.earlier_reproducers_removed)
    notes.push_back(
        fmt::format("{} reproducer(s) an earlier check or run had written in the reproducer directory were "
                    "removed first: the check and run reproducers there are this run's (refdrv faults' and its "
                    "subdirectories, such as --commits', are left as they were).",
                    rep.earlier_reproducers_removed));
  // A scenario without steps (the fuzzer's reproducer of a finding at bus
  // registration or probe) compares the bus scan and the probe alone.
  std::size_t stepless = 0;
  for (const auto& row : rep.rows) stepless += row.compared() && row.scenario->steps.empty() ? 1 : 0;
  if (stepless)
    notes.push_back(
        fmt::format("{} compared pair(s) ran a scenario without steps: they compared the bus "
                    "registration and the drivers' probe alone (no attach, no link).",
                    stepless));
  // Models no driver group claims (generic PHYs): every instance binds the
  // same driver, whichever implementation's module is loaded.
  std::size_t ungrouped = 0;
  for (const auto& row : rep.rows) ungrouped += row.compared() && !group_of_model(row.model) ? 1 : 0;
  if (ungrouped)
    notes.push_back(
        fmt::format("{} compared pair(s) ran on a model no driver group claims (a generic PHY): there every "
                    "implementation's instance bound the same driver, so \"equivalent\" says that none of their "
                    "drivers claimed the PHY.",
                    ungrouped));
  // On a group's model too, a phy-id none of the implementations' drivers
  // matches leaves the same driver from elsewhere bound in every instance.
  // Where the bus never registered, no driver was even looked for.
  std::size_t no_bus = 0, foreign = 0;
  for (const auto& row : rep.rows) {
    // What "equivalent" there means: a pair that diverged is no such pair
    // (a review, 2026-12-07: counted, under --impl c,none every one).
    if (!row.compared() || !row.equivalent()) continue;
    if (std::all_of(row.runs.begin(), row.runs.end(), bus_registration_failed))
      ++no_bus;
    else if (group_of_model(row.model) && !row.own_drivers_compared())
      ++foreign;
  }
  if (no_bus)
    notes.push_back(
        fmt::format("in {} compared pair(s) mdiobus_register() failed in every run (a fault in the bus scan): no "
                    "driver bound and no later step entered the kernel side, so \"equivalent\" there says only that "
                    "the bus registration failed alike (refdrv trace shows it).",
                    no_bus));
  if (foreign)
    notes.push_back(
        fmt::format("in {} compared pair(s) on a model of a driver group, fewer than two implementations' "
                    "own drivers bound (the PHY ID matched none of them, or a probe failed): \"equivalent\" there "
                    "compares instances in which the same other driver, or none, ran (refdrv trace shows the bind).",
                    foreign));
  if (!rep.logs && compared)
    notes.push_back("the kernel log was not compared (--no-logs): its lines were not kept; WARNs were compared.");
  // A WARN is compared like every event, and fails nothing by itself (the
  // suite's fault scenarios make phylib WARN on purpose): said, not hidden
  // behind "pass".
  std::size_t warned = 0, warns = 0;
  std::set<std::string> warned_scenarios;
  for (const auto& row : rep.rows)
    for (const auto& r : row.runs)
      if (r.warnings) {
        ++warned;
        warns += r.warnings;
        warned_scenarios.insert(row.scenario->name);
      }
  if (warned)
    notes.push_back(
        fmt::format("{} run(s) hit {} kernel WARN(s) (in {}): {}, no failure by itself; refdrv trace shows "
                    "where.",
                    warned, warns, fmt::join(warned_scenarios, ", "),
                    compared ? "compared like every event (a divergence where the implementations differ)"
                             : "nothing was compared, so not with another implementation's either"));
  // A scenario's firmware: entry for a file no run asked for (a misspelled
  // name) changed nothing: the runs used the default files.
  std::map<std::string, std::set<std::string>> unrequested;  // scenario -> files
  std::map<std::string, std::set<std::string>> requested;
  for (const auto& row : rep.rows)
    for (std::size_t i = 0; i < row.runs.size(); ++i) {
      const RunResult& r = row.runs[i];
      if (r.trace_cut) continue;  // a run that died: what it asked for is not known
      // Only runs in which a driver of their own implementation ran: with
      // --impl none, or a PHY ID no driver takes, no driver was there to ask.
      if (i >= row.own_driver_ran.size() || !row.own_driver_ran[i] || r.impl == Impl::kNone) continue;
      requested[row.scenario->name].insert(r.firmware_requested.begin(), r.firmware_requested.end());
    }
  for (const auto& row : rep.rows)
    for (const auto& [file, how] : row.scenario->firmware)
      if (requested.contains(row.scenario->name) && !requested[row.scenario->name].contains(file))
        unrequested[row.scenario->name].insert(file);
  // A file a driver asked for and no directory had (request_firmware()
  // returned -ENOENT): input refdrv lacks, not the driver's doing; said by
  // name (only the JSON had it).
  std::set<std::string> missing;
  for (const auto& row : rep.rows)
    for (const auto& r : row.runs)
      for (const auto& file : r.firmware_missing)
        if (const auto it = row.scenario->firmware.find(file);  // not one the scenario made missing on purpose
            it == row.scenario->firmware.end() || it->second.kind != FirmwareFile::Kind::kMissing)
          missing.insert(file);
  if (!missing.empty())
    notes.push_back(
        fmt::format("no file was found for the firmware {} a driver asked for (request_firmware() "
                    "returned -ENOENT): --firmware DIR gives it (a --firmware directory replaces "
                    "/lib/firmware and refdrv's test images).",
                    fmt::join(missing, ", ")));
  for (const auto& [scenario, files] : unrequested)
    notes.push_back(
        fmt::format("{}'s firmware: names {}, which no run of it asked for: it changed nothing there "
                    "(a misspelled file name?).",
                    scenario, fmt::join(files, ", ")));
  // A partner on the other medium than the PHY's (a fibre module's partner
  // plugged into a twisted-pair PHY): the PHY sees no signal, as with no
  // cable; said, not run as if it meant something else.
  for (const auto& row : rep.rows) {
    const hw::Medium medium = hw::model_medium(row.model);
    std::set<std::string> other;
    if (row.scenario->partner && row.scenario->partner->medium != medium) other.insert(row.scenario->partner->name);
    for (const auto& st : row.scenario->steps)
      if (st.kind == Step::Kind::kPlug && st.partner.medium != medium) other.insert(st.partner.name);
    if (!other.empty())
      notes.push_back(
          fmt::format("{} on {}: partner {} is on another medium than the PHY's ({}): the PHY sees no "
                      "signal from it, as with no cable.",
                      row.scenario->name, row.model, fmt::join(other, ", "), hw::medium_name(medium)));
  }
  // A partner-restart-aneg step with no partner on the cable then (none at
  // the start, or unplugged before it): nothing restarted, and the runs
  // passed as if it had.
  std::set<std::string> restart_alone;
  for (const auto& row : rep.rows) {
    bool plugged = row.scenario->partner.has_value();
    for (const auto& st : row.scenario->steps) {
      if (st.kind == Step::Kind::kPlug) plugged = true;
      if (st.kind == Step::Kind::kUnplug) plugged = false;
      if (st.kind == Step::Kind::kPartnerRestartAneg && !plugged)
        restart_alone.insert(fmt::format("{} ({})", row.scenario->name, st.where.str()));
    }
  }
  if (!restart_alone.empty())
    notes.push_back(
        fmt::format("partner-restart-aneg with no partner on the cable at that step, so nothing "
                    "restarted: {}.",
                    fmt::join(restart_alone, ", ")));
  // An operation a MAC driver makes only on the PHY it attached, run with
  // none attached (before the attach, after a failed one or a detach): not
  // called, so it checked nothing of the drivers (emul/instance.c traces it
  // with REFDRV_TR_NOT_CALLED).
  std::set<std::string> not_called;
  for (const auto& row : rep.rows)
    for (const auto& r : row.runs) {
      std::optional<std::size_t> step;
      for (const auto& e : r.trace.events()) {
        if (e.kind == TraceKind::kStep) step = static_cast<std::size_t>(e.value);
        if (e.kind == TraceKind::kApiEnter && e.detail.view() == REFDRV_TR_NOT_CALLED && step &&
            *step < row.scenario->steps.size())
          not_called.insert(
              fmt::format("{} ({}: {})", row.scenario->name, row.scenario->steps[*step].where.str(), e.name.view()));
      }
    }
  if (!not_called.empty())
    notes.push_back(
        fmt::format("operation(s) run with no PHY device attached, so not called: {}.", fmt::join(not_called, ", ")));
  // firmware-loaded: on a model that takes no firmware: false always holds
  // and true never does, whatever the driver did (a review, 2026-12-07).
  std::set<std::string> no_firmware;
  for (const auto& row : rep.rows) {
    if (hw::model_takes_firmware(row.model)) continue;
    for (const auto& st : row.scenario->steps)
      if (st.kind == Step::Kind::kExpect && st.expect.firmware_loaded)
        no_firmware.insert(fmt::format("{} on {} ({})", row.scenario->name, row.model, st.where.str()));
  }
  if (!no_firmware.empty())
    notes.push_back(
        fmt::format("firmware-loaded: on a model that takes no firmware, where false always holds and "
                    "true never does: {}.",
                    fmt::join(no_firmware, ", ")));
  // seed: seeds the probability fault rules alone: in a scenario with none
  // (at the start or in a fault step) it changed nothing of its runs.
  std::set<std::string> unseeded;
  for (const auto& row : rep.rows) {
    const Scenario& sc = *row.scenario;
    const auto random = [](const hw::FaultRule& f) { return f.trigger == hw::FaultTrigger::kProbability; };
    if (sc.seed_at && std::none_of(sc.faults.begin(), sc.faults.end(), random) &&
        std::none_of(sc.steps.begin(), sc.steps.end(),
                     [&](const Step& st) { return st.kind == Step::Kind::kFault && random(st.fault); }))
      unseeded.insert(fmt::format("{} ({})", sc.name, sc.seed_at->str()));
  }
  if (!unseeded.empty())
    notes.push_back(
        fmt::format("seed: seeds only fault rules with a probability, and these scenarios have "
                    "none, so it changed nothing: {}.",
                    fmt::join(unseeded, ", ")));
  // A scenario without an expect step (nor a returns:) beside others that
  // have some: "all expectations hold" says nothing of it, which only the
  // comparison and what every run is held to (the MAC's link against the
  // model's, crashes, hangs, leaks) checked (a review, 2026-12-07).
  std::set<std::string> unchecked;
  bool any_checked = false;
  for (const auto& row : rep.rows) {
    const bool checks = std::any_of(row.scenario->steps.begin(), row.scenario->steps.end(), [](const Step& st) {
      return st.kind == Step::Kind::kExpect || st.returns.has_value();
    });
    if (checks)
      any_checked = true;
    else
      unchecked.insert(row.scenario->name);
  }
  if (any_checked && !unchecked.empty())
    notes.push_back(fmt::format(
        "{} scenario(s) have no expect step and no returns: ({}): their runs were {}held to the model's link, "
        "crashes, hangs and leaks, and \"all expectations hold\" says nothing more of them.",
        unchecked.size(), fmt::join(unchecked, ", "), compared ? "compared where two implementations ran, and " : ""));
  // A fault rule whose trigger never fired in any run of a pair that ran
  // to its end: the runs passed without the fault it describes (a register
  // the driver does not access there, an nth or access index past the
  // last one).
  for (const auto& row : rep.rows) {
    std::optional<std::set<std::string>> unfired;
    for (const auto& r : row.runs) {
      if (r.stop || r.trace_cut || r.steps_run < row.scenario->steps.size()) {
        unfired.reset();
        break;
      }
      const std::set<std::string> mine(r.faults_never_fired.begin(), r.faults_never_fired.end());
      if (!unfired) {
        unfired = mine;
      } else {
        std::set<std::string> both;
        std::set_intersection(unfired->begin(), unfired->end(), mine.begin(), mine.end(),
                              std::inserter(both, both.begin()));
        unfired = std::move(both);
      }
    }
    if (unfired && !unfired->empty())
      notes.push_back(
          fmt::format("{} on {}: fault rule(s) that never fired in any run ({}): the runs did not see "
                      "the faults they describe (an access that never came, a register not accessed "
                      "there).",
                      row.scenario->name, row.model, fmt::join(*unfired, "; ")));
  }
  // Every finding a stop at a function refdrv does not emulate: refdrv's
  // gap, no verdict (exit 2).
  if (auto gap = unemulated_gap(rep))
    notes.push_back(*gap + ". Those runs say nothing of the code: no verdict (exit 2).");
  // Where a model's quirk acted, what the runs show rests on refdrv's
  // reading of a record that leaves parts open: said per quirk, with the
  // pairs (a maintainer weighs a pass or a divergence there by it).
  std::map<std::string, std::vector<std::string>> quirk_pairs;
  for (const auto& row : rep.rows) {
    std::set<std::string> acted;
    for (const auto& run : row.runs) acted.insert(run.quirks_acted.begin(), run.quirks_acted.end());
    for (const auto& q : acted) quirk_pairs[q].push_back(fmt::format("{} on {}", row.scenario->name, row.model));
  }
  for (const auto& [q, pairs] : quirk_pairs)
    notes.push_back(fmt::format(
        "the model's quirk {} acted in {} pair(s) ({}{}): what those runs show rests on "
        "refdrv's reading of its record, which `refdrv models` gives with what the record "
        "leaves open.",
        q, pairs.size(),
        fmt::join(pairs.begin(), pairs.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(pairs.size(), 4)),
                  ", "),
        pairs.size() > 4 ? fmt::format(" and {} more", pairs.size() - 4) : ""));
  for (auto& note : state_observation_notes(rep.sampled_states(), rep.hooked_states()))
    notes.push_back(std::move(note));
  return notes;
}

std::string format_terminal(const CheckReport& rep, const TerminalStyle& style) {
  const Colors c = colors(style.color);
  std::string out = fmt::format("{}{}{}: Linux {} ({}){}\n", c.bold, rep.command, c.reset, rep.tree_version,
                                rep.tree_origin, rep.rustc.empty() ? "" : ", " + rep.rustc);
  for (const auto& [impl, why] : rep.absent) out += fmt::format("{}: not run: {}\n", impl_title(impl), why);
  std::size_t w = 8;
  for (const auto& row : rep.rows) w = std::max(w, row.scenario->name.size());
  out += fmt::format("\n{:<{}}  {:<9}", "scenario", w, "model");
  for (Impl i : rep.impls) out += fmt::format("  {:<5}", impl_title(i));
  out += rep.impls.size() > 1 ? "  equivalent\n" : "\n";
  for (const auto& row : rep.rows) {
    out += fmt::format("{:<{}}  {:<9}", row.scenario->name, w, row.model);
    for (Impl impl : rep.impls) {
      const RunResult* r = row.run_of(impl);
      if (!r)
        out += fmt::format("  {:<5}", "n/a");
      else
        out += fmt::format("  {}{:<5}{}", r->passed() ? c.green : c.red, verdict(*r), c.reset);
    }
    if (rep.impls.size() > 1) {
      const std::string eq = equivalence_text(row);
      out += fmt::format("  {}{}{}", eq == "yes" ? c.green : row.equivalent() ? c.yellow : c.red, eq, c.reset);
    }
    out += "\n";
  }

  if (!rep.coverage.empty()) out += "\ncallback coverage (callbacks a driver implements that these scenarios ran):\n";
  for (const auto& cov : rep.coverage) {
    std::string missing;
    for (const auto& cb : cov.implemented)
      if (std::find(cov.covered.begin(), cov.covered.end(), cb) == cov.covered.end()) missing += " " + cb;
    out += fmt::format("  {:<5} {:<28} {}/{}{}\n", impl_title(cov.impl), cov.driver, cov.covered.size(),
                       cov.implemented.size(), missing.empty() ? "" : fmt::format("  (not run:{})", missing));
  }

  if (style.details) {
    for (const auto& row : rep.rows) {
      for (const auto& r : row.runs) {
        if (r.passed()) continue;
        out += fmt::format("\n{}FAIL{} {} on {} ({}):\n", c.red, c.reset, row.scenario->name, row.model,
                           impl_title(r.impl));
        for (const auto& e : r.expectations)
          if (!e.ok) out += fmt::format("  {}: {}\n", e.where, e.message);
        if (r.stop) {
          out += fmt::format("  stopped: {}\n", *r.stop);
          if (!r.last_lines.empty()) out += "  last trace lines:\n";
          for (const auto& l : r.last_lines) out += fmt::format("    {}\n", l);
          if (!r.output.empty()) {
            out += "  its output (stderr):\n";
            std::istringstream in(r.output);
            int n = 0;
            for (std::string line; std::getline(in, line) && n < 40; ++n) out += fmt::format("    {}\n", line);
          }
        }
        if (r.leaked_bytes) out += fmt::format("  teardown leaked {} bytes\n", r.leaked_bytes);
      }
      for (std::size_t i = 1; i < row.divergence.size(); ++i) {
        if (!row.divergence[i]) continue;
        out += fmt::format("\n{}DIVERGENCE{} {} on {}: {} vs {}\n", c.red, c.reset, row.scenario->name, row.model,
                           impl_title(row.impls[0]), impl_title(row.impls[i]));
        out += format_divergence(*row.divergence[i], row.impls[0], row.impls[i]);
        if (!row.reproducers[i].empty()) out += fmt::format("  reproducer: {}\n", row.reproducers[i]);
      }
    }
  }

  // Divergences are counted per implementation compared with the reference
  // (as DIVERGENCE blocks and reproducers are), and the pairs they are in.
  std::size_t failed = 0, diverged = 0, diverged_pairs = 0;
  for (const auto& row : rep.rows) {
    for (const auto& r : row.runs) failed += r.passed() ? 0 : 1;
    diverged_pairs += row.equivalent() ? 0 : 1;
    for (const auto& d : row.divergence) diverged += d ? 1 : 0;
  }
  const std::size_t empty = rep.rows.size() - rep.ran_pairs(), single = rep.single_pairs(),
                    compared = rep.compared_pairs(), registration = rep.registration_differences.size();
  if (registration) {
    out += fmt::format(
        "\n{}The implementations register different phy_drivers{} (struct phy_driver, compared "
        "whether or not a scenario reaches it):\n",
        c.red, c.reset);
    for (const auto& d : rep.registration_differences) out += "  " + d + "\n";
  }
  out += fmt::format("\n{} run{} of {} scenario/model pair{} in {:.2f} s{}: ", rep.instances,
                     rep.instances == 1 ? "" : "s", rep.rows.size(), rep.rows.size() == 1 ? "" : "s", rep.wall_seconds,
                     rep.stopped_at_first_failure ? " (stopped at the first that failed)" : "");
  // Scenarios without an expectation (steps: [], or only operations) hold
  // nothing: said, not "all expectations hold".
  const char* held = rep.expectations() ? "all expectations hold" : "no run had an expectation to check";
  const std::string not_run =
      empty ? fmt::format(" ({} pair(s) not run: no selected implementation has a driver for the model)", empty) : "";
  if (rep.ran_pairs() == 0) {
    out += fmt::format("{}nothing ran{}: no selected implementation has a driver for any model of these scenarios.\n",
                       c.red, c.reset);
  } else if (!failed && !diverged && !compared && !registration) {
    // One implementation per pair: expectations were checked, nothing was
    // compared. Where two or more were selected, the comparison asked for
    // was not made (exit 2).
    const bool asked = rep.comparison_not_made();
    out += fmt::format(
        "{}{}{}; no pair had two implementations to compare, so equivalence was "
        "not checked{}{}.\n",
        asked ? c.red : c.green, held, c.reset, not_run,
        asked ? fmt::format(" (none of these scenarios' models has a driver in two of the selected implementations, "
                            "{}: the comparison asked for was not made)",
                            impl_list(rep.impls))
              : "");
  } else if (!failed && !diverged && !registration && rep.drivers_not_compared()) {
    out += fmt::format(
        "{}{}; the instances were equivalent, but in no compared pair did two of the selected implementations' "
        "own drivers run, so the drivers were not compared (see the notes; with one implementation selected, "
        "--impl c, the expectations alone are the verdict){}{}.\n",
        c.red, held, c.reset, not_run);
  } else if (!failed && !diverged && !registration) {
    out += fmt::format("{}{}, all implementations equivalent{}", c.green, held, c.reset);
    const std::size_t no_own = rep.no_own_driver_pairs();
    if (no_own == compared)
      out += " (but in no compared pair did two implementations' own drivers run: see the notes)";
    else if (no_own)
      out += fmt::format(" ({} of the {} compared pair(s) with no two implementations' own drivers run: see the notes)",
                         no_own, compared);
    if (single) out += fmt::format(" ({} pair(s) had a single implementation to run, so nothing to compare)", single);
    out += not_run + ".\n";
  } else {
    const std::size_t uncompared = rep.uncompared_pairs();
    out += fmt::format(
        "{}{} failed run(s), {} divergence(s){}{}{}{}{}.\n", c.red, failed, diverged,
        diverged ? fmt::format(" in {} scenario/model pair(s)", diverged_pairs) : "",
        registration ? fmt::format(", {} difference(s) in the drivers' registration", registration) : "",
        uncompared ? fmt::format(", {} pair(s) not compared (a run killed or died in its worker)", uncompared) : "",
        not_run, c.reset);
  }
  out += format_problems(rep.problems, c.red, c.reset);
  for (const auto& note : check_notes(rep)) out += "Note: " + note + "\n";
  return out;
}

std::string format_ktap(const CheckReport& rep) {
  // Group rows by scenario (rows are in scenario order).
  std::vector<std::vector<const CheckRow*>> groups;
  for (const auto& row : rep.rows) {
    if (groups.empty() || groups.back().front()->scenario != row.scenario) groups.emplace_back();
    groups.back().push_back(&row);
  }
  std::string out = "KTAP version 1\n";
  out += fmt::format("# {}: Linux {} ({})\n", rep.command, rep.tree_version, ktap_escape(rep.tree_origin));
  // The notes the terminal gives beside its verdict, as diagnostics before
  // the plan: a KTAP reader gets the same caveats.
  for (const auto& note : check_notes(rep)) out += "# Note: " + ktap_escape(note) + "\n";
  // What went wrong beside the cases (a reproducer that could not be
  // written or removed): said, as on the terminal. Not a finding, so not in
  // the exit status (1 is for a finding only; a divergence whose reproducer
  // was not written exits 1 for the divergence).
  for (const auto& p : rep.problems) out += "# error: " + ktap_escape(p) + "\n";
  const bool registration = !rep.registration_compared.empty();
  // Two implementations or more asked for and none compared: the exit
  // status is 2, and a KTAP reader gets a test that is not ok, the last
  // (its leaves all pass; a diagnostic alone read as a pass to kunit.py).
  const bool not_compared = rep.comparison_not_made() || rep.drivers_not_compared();
  out += fmt::format("1..{}\n", groups.size() + (registration ? 1 : 0) + (not_compared ? 1 : 0));
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const Scenario& sc = *groups[g].front()->scenario;
    bool scenario_ok = true, scenario_ran = false;
    out += "    KTAP version 1\n";
    out += fmt::format("    # Subtest: {}\n", sc.name);
    out += fmt::format("    1..{}\n", groups[g].size());
    for (std::size_t m = 0; m < groups[g].size(); ++m) {
      const CheckRow& row = *groups[g][m];
      const std::size_t cases = rep.impls.size() + rep.absent.size() + (rep.impls.size() > 1 ? 1 : 0);
      out += "        KTAP version 1\n";
      out += fmt::format("        # Subtest: {}\n", row.model);
      out += fmt::format("        1..{}\n", cases);
      std::size_t n = 0;
      for (const auto& r : row.runs) {
        if (!r.passed()) {
          for (const auto& e : r.expectations)
            if (!e.ok) out += fmt::format("        # {}: {}\n", e.where, ktap_escape(e.message));
          if (r.stop) out += fmt::format("        # stopped: {}\n", ktap_escape(*r.stop));
          if (r.leaked_bytes) out += fmt::format("        # teardown leaked {} bytes\n", r.leaked_bytes);
        }
        out += fmt::format("        {} {} {}\n", r.passed() ? "ok" : "not ok", ++n, impl_name(r.impl));
      }
      for (Impl impl : rep.impls)
        if (!row.run_of(impl))
          out += fmt::format("        ok {} {} # SKIP {}\n", ++n, impl_name(impl), ktap_escape(not_applicable(row, impl)));
      for (const auto& [impl, why] : rep.absent)
        out += fmt::format("        ok {} {} # SKIP {}\n", ++n, impl_name(impl), ktap_escape(why));
      if (rep.impls.size() > 1) {
        for (std::size_t i = 1; i < row.divergence.size(); ++i)
          if (row.divergence[i])
            out += fmt::format("        # {} differs from {} ({}) in step {}: {} / {}\n", impl_name(row.impls[i]),
                               impl_name(row.impls[0]), level_name(row.divergence[i]->level),
                               row.divergence[i]->step + 1, ktap_escape(row.divergence[i]->a),
                               ktap_escape(row.divergence[i]->b));
        if (row.compared() && row.equivalent() && !row.own_drivers_compared())
          out += fmt::format(
              "        ok {} equivalent # SKIP no two implementations' own drivers ran (the same other "
              "driver, or none, in each)\n",
              ++n);
        else if (row.compared())
          out += fmt::format("        {} {} equivalent\n", row.equivalent() ? "ok" : "not ok", ++n);
        else
          out += fmt::format("        ok {} equivalent # SKIP {}\n", ++n, ktap_escape(equivalence_text(row)));
      }
      if (row.runs.empty()) {
        // Not applicable: a SKIP, as its cases are.
        out += fmt::format("    ok {} {} # SKIP no selected implementation has a driver for it\n", m + 1, row.model);
        continue;
      }
      scenario_ran = true;
      const bool ok = row.passed() && row.equivalent();
      scenario_ok = scenario_ok && ok;
      out += fmt::format("    {} {} {}\n", ok ? "ok" : "not ok", m + 1, row.model);
    }
    out += fmt::format("{} {} {}{}\n", scenario_ok ? "ok" : "not ok", g + 1, sc.name,
                       scenario_ran ? "" : " # SKIP no selected implementation has a driver for its models");
  }
  // The drivers' registrations (struct phy_driver), compared once.
  if (registration) {
    for (const auto& d : rep.registration_differences) out += "# registration differs: " + ktap_escape(d) + "\n";
    out +=
        fmt::format("{} {} registration\n", rep.registration_differences.empty() ? "ok" : "not ok", groups.size() + 1);
  }
  if (not_compared)
    out += fmt::format("# error: {} ({}): the comparison asked for was not made\nnot ok {} comparison\n",
                       rep.comparison_not_made()
                           ? "no pair ran on two of the selected implementations"
                           : "in no compared pair did two of the selected implementations' own drivers run",
                       impl_list(rep.impls), groups.size() + (registration ? 1 : 0) + 1);
  return out;
}

nlohmann::json check_report_json(const CheckReport& rep) {
  using nlohmann::json;
  json j;
  j["schema"] = "refdrv-check-report/12";
  j["registration"] = {{"compared_groups", rep.registration_compared}, {"differences", rep.registration_differences}};
  j["tree"] = {{"version", rep.tree_version}, {"origin", rep.tree_origin}};
  j["rustc"] = rep.rustc;
  json impls = json::array();
  for (Impl i : rep.impls) impls.push_back(impl_name(i));
  j["implementations"] = impls;
  json absent = json::object();
  for (const auto& [i, why] : rep.absent) absent[impl_name(i)] = why;
  j["absent"] = absent;
  j["state_observation"] = state_observation_json(rep.sampled_states(), rep.hooked_states());
  j["kernel_log_compared"] = rep.logs;
  json rows = json::array();
  for (const auto& row : rep.rows) {
    json r = {{"scenario", row.scenario->name},
              {"file", row.scenario->file},
              {"model", row.model},
              // null where nothing ran: false read as a failure in a check that passed
              {"passed", row.runs.empty() ? json(nullptr) : json(row.passed())},
              {"equivalent", row.equivalent() && row.compared()},
              {"compared", row.compared()},
              {"own_drivers_compared", row.own_drivers_compared()}};
    if (!row.uncompared.empty()) r["not_compared"] = row.uncompared;
    json ran = json::array();
    for (Impl i : row.impls) ran.push_back(impl_name(i));
    r["implementations"] = ran;
    json na = json::object();
    for (Impl i : rep.impls)
      if (!row.run_of(i)) na[impl_name(i)] = not_applicable(row, i);
    r["not_applicable"] = na;
    json runs = json::array();
    for (const auto& run : row.runs) runs.push_back(run_result_to_json(run, false));
    r["runs"] = runs;
    json divs = json::array();
    for (std::size_t i = 1; i < row.divergence.size(); ++i) {
      if (!row.divergence[i]) continue;
      const Divergence& d = *row.divergence[i];
      divs.push_back({{"implementation", impl_name(row.impls[i])},
                      {"against", impl_name(row.impls[0])},
                      {"level", static_cast<int>(d.level)},
                      {"level_name", level_name(d.level)},
                      {"step", d.step + 1},
                      {"step_name", d.step_name},
                      {"where", d.where},
                      {"reference", d.a},
                      {"other", d.b},
                      {"context_reference", d.context_a},
                      {"context_other", d.context_b},
                      {"reproducer", row.reproducers[i]}});
    }
    r["divergences"] = divs;
    rows.push_back(r);
  }
  j["results"] = rows;
  json cov = json::array();
  for (const auto& c : rep.coverage)
    cov.push_back({{"implementation", impl_name(c.impl)},
                   {"module", c.module},
                   {"driver", c.driver},
                   {"implemented", c.implemented},
                   {"covered", c.covered}});
  j["coverage"] = cov;
  j["timings"] = {{"wall_seconds", rep.wall_seconds}, {"instances", rep.instances}};
  // Verdicts only where something ran, or was compared: a job reading
  // .passed must not accept a run that checked nothing.
  j["passed"] = rep.all_passed() && rep.ran_pairs() > 0;
  j["equivalent"] = rep.all_equivalent() && rep.compared_pairs() > 0 && !rep.drivers_not_compared();
  j["ran_pairs"] = rep.ran_pairs();
  j["compared_pairs"] = rep.compared_pairs();
  // The exit status and the notes the terminal gives, for a job that reads
  // the JSON alone: 2 when the check is no verdict (nothing ran, nothing
  // compared, every finding a function refdrv does not emulate).
  j["exit_code"] = rep.exit_code();
  j["notes"] = check_notes(rep);
  return j;
}

}  // namespace refdrv

namespace refdrv {

namespace {

// What a commit's check found, in a few words.
std::string commit_verdict(const CommitResult& r) {
  if (!r.checked) {
    const std::string first = r.error.substr(0, r.error.find('\n'));
    return r.build_failed ? "does not build: " + first : "not checked: " + first;
  }
  if (r.exit_code == 0)
    return fmt::format("all expectations hold, {} ({} run{})",
                       r.equivalent ? "all implementations equivalent" : "nothing to compare", r.runs,
                       r.runs == 1 ? "" : "s");
  std::string out;
  if (r.divergences)
    out = fmt::format("NOT EQUIVALENT: {} divergence{} (first: {})", r.divergences, r.divergences == 1 ? "" : "s",
                      r.first_divergence);
  if (!r.registration.empty())
    out += fmt::format("{}NOT EQUIVALENT: {} difference{} in the drivers' registration (first: {})",
                       out.empty() ? "" : "; ", r.registration.size(), r.registration.size() == 1 ? "" : "s",
                       r.registration.front());
  if (r.failed_runs)
    out += fmt::format("{}{} failed run{}", out.empty() ? "" : "; ", r.failed_runs, r.failed_runs == 1 ? "" : "s");
  return out.empty() ? fmt::format("exit status {}", r.exit_code) : out;
}

}  // namespace

std::string format_commit_line(const CommitResult& r, std::size_t index, const std::vector<kernel::GitCommit>& range,
                               bool color) {
  constexpr std::size_t kMaxSubject = 64;
  std::size_t width = 0;
  for (const auto& c : range) width = std::max(width, std::min(c.subject.size(), kMaxSubject));
  std::string subject = r.commit.subject;
  if (subject.size() > kMaxSubject) subject = subject.substr(0, kMaxSubject - 3) + "...";
  const Colors c = colors(color);
  return fmt::format("{:>{}}/{}  {}  {:<{}}  {}{}{}  [{}{:.1f} s]\n", index + 1, fmt::format("{}", range.size()).size(),
                     range.size(), r.commit.short_sha(), subject, width, r.exit_code == 0 ? c.green : c.red,
                     commit_verdict(r), c.reset, r.version.empty() ? "" : "Linux " + r.version + ", ", r.seconds) +
         format_problems(r.problems, c.red, c.reset);
}

namespace {

bool clean(const CommitResult& r) { return r.checked && r.exit_code == 0; }
bool breaks(const CommitResult& r) { return r.checked && r.exit_code != 0; }
bool unchecked(const CommitResult& r) { return !r.checked && !r.build_failed; }

// Where the commit at `index` stands against what came before it: its
// parents' results where they are in the range (topological order puts
// them before it), else that they were not checked. Only a commit whose
// every parent passes is the one that broke it; otherwise the break may be
// older.
std::string provenance(const CommitsReport& rep, std::size_t index) {
  const CommitResult& r = rep.results[index];
  if (r.commit.parents.empty())
    // git gives every commit but a root its parents, and a shallow clone's
    // boundary commits none.
    return "  (it has no parent in the repository: a root commit, or the boundary of a shallow clone, where "
           "nothing before it can be checked)\n";
  std::vector<std::string> said;
  bool all_pass = true;
  for (const auto& parent : r.commit.parents) {
    const std::string sha = parent.substr(0, 12);
    const auto at = std::find_if(rep.results.begin(), rep.results.begin() + static_cast<std::ptrdiff_t>(index),
                                 [&](const CommitResult& c) { return c.commit.sha == parent; });
    if (at == rep.results.begin() + static_cast<std::ptrdiff_t>(index)) {
      said.push_back(fmt::format("its parent {} is outside the range and was not checked", sha));
      all_pass = false;
    } else if (clean(*at)) {
      said.push_back(fmt::format("its parent {} passes", sha));
    } else {
      said.push_back(fmt::format("its parent {} {}", sha,
                                 at->build_failed ? "does not build" : breaks(*at) ? "breaks it too" : "was not checked"));
      all_pass = false;
    }
  }
  return fmt::format("  ({}: {})\n", fmt::join(said, "; "),
                     all_pass ? "this commit is where it breaks"
                              : "the break may be older: a range that starts before it says");
}

std::optional<std::size_t> first_of(const CommitsReport& rep, bool (*pred)(const CommitResult&)) {
  for (std::size_t i = 0; i < rep.results.size(); ++i)
    if (pred(rep.results[i])) return i;
  return std::nullopt;
}

}  // namespace

std::string format_commits_summary(const CommitsReport& rep) {
  std::string notes;
  for (const auto& n : rep.notes) notes += "Note: " + n + ".\n";
  if (!rep.first_broken()) {
    const bool compared = std::all_of(rep.results.begin(), rep.results.end(), [](const CommitResult& r) { return r.equivalent; });
    return notes +
           fmt::format("{} commit{} of {}: every one passes the check{}.\n", rep.results.size(),
                       rep.results.size() == 1 ? "" : "s", rep.range,
                       compared
                           ? ", all implementations equivalent"
                           : " (equivalence was not checked where a commit had no two implementations to compare)");
  }
  // Each kind of trouble named on its own, in the range's order: a commit
  // that does not build does not hide a later one that breaks the check
  // (git bisect skips the first), and neither does one not checked.
  std::vector<std::pair<std::size_t, std::string>> parts;
  const auto name = [&](bool (*pred)(const CommitResult&), const char* what, bool against_parents) {
    const auto at = first_of(rep, pred);
    if (!at) return;
    const CommitResult& r = rep.results[*at];
    std::string text = fmt::format("first commit that {}: {} {}\n  {}\n{}", what, r.commit.short_sha(),
                                   r.commit.subject, commit_verdict(r), against_parents ? provenance(rep, *at) : "");
    if (r.error.find('\n') != std::string::npos) text += r.error + "\n";  // a build's or a tool's own lines
    // Where its reproducers are (README said; the output did not).
    if (r.reproducers)
      text += fmt::format("  its {} reproducer(s): {}/ (each names the command that replays it)\n", r.reproducers,
                          r.reproducer_dir);
    parts.emplace_back(*at, std::move(text));
  };
  name(breaks, "breaks the check", true);
  name([](const CommitResult& r) { return r.build_failed; }, "does not build", true);
  name(unchecked, "could not be checked", false);
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = notes;
  for (const auto& [index, text] : parts) out += text;
  return out;
}

}  // namespace refdrv
