// SPDX-License-Identifier: GPL-2.0
#include "engine/fault_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/check_report.hpp"

namespace refdrv {

namespace {

constexpr std::array<FaultOutcome, kFaultOutcomes> kOutcomes = {
    FaultOutcome::kIgnored, FaultOutcome::kReturned,   FaultOutcome::kErrorState, FaultOutcome::kCrash,
    FaultOutcome::kHang,    FaultOutcome::kNotReached, FaultOutcome::kUnemulated};

std::string outcome_key(FaultOutcome o) {
  std::string s = fault_outcome_name(o);
  for (char& c : s)
    if (c == ' ') c = '_';
  return s;
}

}  // namespace

std::string format_fault_terminal(const SweepReport& rep, const FaultReportStyle& style) {
  const char* red = style.color ? "\033[31m" : "";
  const char* green = style.color ? "\033[32m" : "";
  const char* reset = style.color ? "\033[0m" : "";
  std::string out = fmt::format("refdrv faults: Linux {} ({})\n", rep.tree_version, rep.tree_origin);
  std::size_t points = rep.points.size();
  const auto swept = static_cast<std::size_t>(
      std::count_if(rep.pairs.begin(), rep.pairs.end(), [](const SweepPair& p) { return p.swept; }));
  const char* delivered =
      rep.delivered ? " after reaching the PHY (--delivered: a write took effect, a read consumed its latches)" : "";
  // Nothing swept is not "every access of 0 pairs": what follows says why.
  out += swept ? fmt::format(
                     "Every MDIO access of {} scenario/model pairs failed once with -EIO{}: {} points, {} runs "
                     "on {} implementation(s), {:.1f} s.\n\n",
                     swept, delivered, points, rep.runs, rep.impls.size(), rep.wall_seconds)
               : fmt::format(
                     "No scenario/model pair was swept: {} run(s) without a fault on {} implementation(s), "
                     "{:.1f} s.\n\n",
                     rep.runs, rep.impls.size(), rep.wall_seconds);
  if (!rep.skipped.empty()) {
    out += fmt::format("Not swept ({} pair(s): every point compares {} implementation(s)):\n", rep.skipped.size(),
                       rep.impls.size());
    for (const auto& s : rep.skipped) out += fmt::format("  {} on {}: {}\n", s.scenario, s.model, s.reason);
    out += "\n";
  }

  // Two tables: what the drivers did with their own failed accesses, and
  // what happened when one of phylib's own accesses failed (mostly the bus
  // registration every run repeats, before any driver is bound).
  // No tables of zeros where no point was swept: what follows says why.
  for (AccessOrigin origin : {AccessOrigin::kDriver, AccessOrigin::kPhylib}) {
    if (rep.points.empty()) break;
    const auto oi = static_cast<std::size_t>(origin);
    out += origin == AccessOrigin::kDriver
               ? "Accesses the driver made (in its callbacks):\n"
               : "\nAccesses phylib made itself (bus registration, state machine, phylib calls):\n";
    out += fmt::format("{:<22}", "outcome");
    for (Impl i : rep.impls) out += fmt::format("{:>9}", impl_title(i));
    out += "\n";
    for (FaultOutcome o : kOutcomes) {
      out += fmt::format("{:<22}", fault_outcome_name(o));
      for (Impl i : rep.impls)
        out += fmt::format("{:>9}", rep.counts_by_origin.at(i)[oi][static_cast<std::size_t>(o)]);
      out += "\n";
    }
    out += fmt::format("{:<22}", "MAC saw a difference");
    for (Impl i : rep.impls) out += fmt::format("{:>9}", rep.mac_outcome_changed_by_origin.at(i)[oi]);
    out += "\n";
    out += fmt::format("{:<22}", "kernel WARN");
    for (Impl i : rep.impls) out += fmt::format("{:>9}", rep.warned_by_origin.at(i)[oi]);
    out += "\n";
    out += fmt::format("{:<22}", "points");
    for (Impl i : rep.impls) {
      std::size_t n = 0;
      for (std::size_t c : rep.counts_by_origin.at(i)[oi]) n += c;
      out += fmt::format("{:>9}", n);
    }
    out += "\n";
  }

  for (const auto& p : rep.pairs)
    if (!p.baseline_ok || !p.swept)
      out += fmt::format("\nnote: {} on {}: {}; its points say nothing of error handling{}\n", p.scenario->name,
                         p.model, p.baseline_problem, p.swept ? "" : " (not swept)");

  for (const auto& pt : rep.points) {
    const bool stops = rep.stops(pt), gap = pt.unemulated();
    if (!pt.differs && !stops && !gap && !style.all_points) continue;
    out += fmt::format("\n{}{}{} {} on {}, access {} ({}{}):\n", pt.differs || stops || gap ? red : "",
                       pt.differs ? "DIFFERS"
                       : stops    ? "STOPS"
                       : gap      ? "NO VERDICT (a function refdrv does not emulate)"
                                  : "point",
                       pt.differs || stops || gap ? reset : "", pt.scenario->name, pt.model, pt.index, pt.access,
                       pt.step.empty() ? ", bus registration" : ", step " + pt.step);
    for (std::size_t i = 0; i < rep.impls.size(); ++i) {
      const SweepRun& r = pt.runs[i];
      out += fmt::format("  {:<5} {:<20} {} access: {}{}{}\n", impl_title(rep.impls[i]), fault_outcome_name(r.outcome),
                         access_origin_name(r.origin), r.detail,
                         r.mac_outcome_changed ? " [MAC saw a difference]" : "", r.warned ? " [kernel WARN]" : "");
      for (const auto& l : r.last_lines) out += "          " + l + "\n";
    }
    for (std::size_t i = 1; i < pt.divergence.size(); ++i)
      if (pt.divergence[i]) out += format_divergence(*pt.divergence[i], rep.impls[0], rep.impls[i]);
    if (!pt.reproducer.empty()) out += fmt::format("  reproducer: {}\n", pt.reproducer);
  }
  const std::size_t d = rep.differing();
  std::size_t broken = 0, gaps = 0;
  for (const auto& p : rep.pairs)
    if (!p.baseline_ok) ++(p.baseline_gap ? gaps : broken);
  if (broken)
    out += fmt::format("\n{}{} scenario/model pair(s) already stop or differ without a fault: their points say "
                       "nothing.{}\n",
                       red, broken, reset);
  if (gaps)
    out += fmt::format(
        "\n{}{} scenario/model pair(s) already stop without a fault at a kernel function refdrv does "
        "not emulate (refdrv's gap, not the code's): not swept, so the sweep is no verdict.{}\n",
        red, gaps, reset);
  broken += gaps;
  const std::size_t stopping = rep.stopping();
  if (stopping)
    out += fmt::format("\n{}At {} point(s) the runs stopped (a crash or a hang) on every implementation swept: an "
                       "MDIO error must not stop the kernel, whoever's code it was.{}\n",
                       red, stopping, reset);
  if (d) {
    out += fmt::format("\n{}{} of {} points differ between implementations.{}\n", red, d, points, reset);
  } else if (!rep.compared()) {
    const bool empty = rep.exit_code() == kExitBadInput;  // no verdict at all, not one implementation
    out += fmt::format("\n{}Nothing was compared: {}.{}\n", empty ? red : "", rep.not_compared(), empty ? reset : "");
  } else if (const std::size_t ni = rep.uninjected(); ni) {
    out += fmt::format("\n{}At {} of {} points no implementation's run had the sweep's fault injected: those were not "
                       "compared, and the sweep is no verdict.{}\n",
                       red, ni, points, reset);
  } else if (const std::size_t nu = rep.unemulated(); nu) {
    out += fmt::format(
        "\n{}At {} of {} points a run stopped at a kernel function refdrv does not emulate (refdrv's "
        "gap, not the code's): those were not compared, and the sweep is no verdict.{}\n",
        red, nu, points, reset);
  } else if (!broken && !stopping) {
    // Of the pairs swept: one not swept (its model lacks an implementation,
    // its runs are not the implementations' own) is said above, and not
    // part of "all".
    const auto noted = static_cast<std::size_t>(
        std::count_if(rep.pairs.begin(), rep.pairs.end(), [](const SweepPair& p) { return !p.swept; }));
    std::string unswept;
    if (!rep.skipped.empty() && noted)
      unswept = fmt::format(" ({} pair(s) not swept: {} under \"Not swept\", {} in the notes above)",
                            rep.skipped.size() + noted, rep.skipped.size(), noted);
    else if (!rep.skipped.empty())
      unswept = fmt::format(" ({} pair(s) not swept, listed under \"Not swept\" above)", rep.skipped.size());
    else if (noted)
      unswept = fmt::format(" ({} pair(s) not swept, in the notes above)", noted);
    out += fmt::format(
        "\n{}At all {} points of the {} pair(s) swept the implementations handled the error "
        "identically{}.{}\n",
        green, points, swept, unswept, reset);
  }
  out += format_problems(rep.problems, red, reset);
  for (const auto& note : state_observation_notes(rep.states_sampled, rep.states_hooked)) out += "Note: " + note + "\n";
  return out;
}

nlohmann::json fault_report_json(const SweepReport& rep) {
  using nlohmann::json;
  json j;
  j["schema"] = "refdrv-faults/2";
  j["tool"] = "refdrv faults";
  j["tree"] = {{"version", rep.tree_version}, {"origin", rep.tree_origin}};
  json impls = json::array();
  for (Impl i : rep.impls) impls.push_back(impl_name(i));
  j["implementations"] = impls;
  j["delivered"] = rep.delivered;
  j["runs"] = rep.runs;
  j["wall_seconds"] = rep.wall_seconds;
  j["differing_points"] = rep.differing();
  j["stopping_points"] = rep.stopping();
  j["uninjected_points"] = rep.uninjected();
  j["unemulated_points"] = rep.unemulated();
  j["compared"] = rep.compared();
  if (!rep.compared()) j["not_compared"] = rep.not_compared();
  j["state_observation"] = state_observation_json(rep.states_sampled, rep.states_hooked);
  json pairs = json::array();
  for (const auto& p : rep.pairs)
    pairs.push_back({{"scenario", p.scenario->name},
                     {"model", p.model},
                     {"accesses", p.accesses},
                     {"baseline_ok", p.baseline_ok},
                     {"baseline_problem", p.baseline_problem},
                     {"baseline_gap", p.baseline_gap},
                     {"swept", p.swept}});
  j["pairs"] = pairs;
  json skipped = json::array();
  for (const auto& s : rep.skipped) skipped.push_back({{"scenario", s.scenario}, {"model", s.model}, {"reason", s.reason}});
  j["skipped"] = skipped;
  json counts = json::object();
  for (Impl i : rep.impls) {
    json c = json::object();
    for (FaultOutcome o : kOutcomes) c[outcome_key(o)] = rep.counts.at(i)[static_cast<std::size_t>(o)];
    c["mac_saw_a_difference"] = rep.mac_outcome_changed.at(i);
    c["kernel_warn"] = rep.warned.at(i);
    counts[impl_name(i)] = c;
  }
  j["counts"] = counts;
  json by_origin = json::object();
  for (AccessOrigin origin : {AccessOrigin::kDriver, AccessOrigin::kPhylib}) {
    const auto oi = static_cast<std::size_t>(origin);
    json per_impl = json::object();
    for (Impl i : rep.impls) {
      json c = json::object();
      for (FaultOutcome o : kOutcomes) c[outcome_key(o)] = rep.counts_by_origin.at(i)[oi][static_cast<std::size_t>(o)];
      c["mac_saw_a_difference"] = rep.mac_outcome_changed_by_origin.at(i)[oi];
      c["kernel_warn"] = rep.warned_by_origin.at(i)[oi];
      per_impl[impl_name(i)] = c;
    }
    by_origin[access_origin_name(origin)] = per_impl;
  }
  j["counts_by_origin"] = by_origin;
  json points = json::array();
  for (const auto& pt : rep.points) {
    json runs = json::array();
    for (std::size_t i = 0; i < rep.impls.size(); ++i) {
      const SweepRun& r = pt.runs[i];
      json jr = {{"implementation", impl_name(rep.impls[i])},
                 {"origin", access_origin_name(r.origin)},
                 {"outcome", outcome_key(r.outcome)},
                 {"detail", r.detail},
                 {"mac_saw_a_difference", r.mac_outcome_changed},
                 {"kernel_warn", r.warned}};
      if (!r.last_lines.empty()) jr["last_lines"] = r.last_lines;
      runs.push_back(jr);
    }
    json jp = {{"scenario", pt.scenario->name}, {"model", pt.model}, {"access", pt.index},
               {"what", pt.access},             {"step", pt.step},   {"differs", pt.differs},
               {"runs", runs}};
    if (!pt.reproducer.empty()) jp["reproducer"] = pt.reproducer;
    points.push_back(jp);
  }
  j["points"] = points;
  return j;
}

}  // namespace refdrv
