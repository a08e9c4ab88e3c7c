// SPDX-License-Identifier: GPL-2.0
// refdrv mutate: mutation testing of a tree driver against the suite.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "cli/common.hpp"
#include "engine/check_report.hpp"
#include "engine/mutate.hpp"

namespace refdrv::cli {

namespace {

struct MutateArgs {
  std::string impl = "c";
  std::vector<std::string> scenarios;
  MachineOutputs out;
  double min_score = 95;
  std::size_t limit = 0;
  std::string compare_with;  // "" or a list: c,rust,cxx
  bool quiet_survivors = false;
};

// ", checked with C alone (--compare-with)" where --compare-with chose the
// implementations, else "".
std::string checked_with(const MutationReport& rep) {
  if (!rep.impls_chosen) return {};
  std::vector<std::string> names;
  for (Impl i : rep.impls) names.push_back(impl_title(i));
  return fmt::format(", checked with {}{} (--compare-with)", fmt::join(names, " and "),
                     names.size() == 1 ? " alone" : "");
}

// The mutant as a unified-diff hunk of its line(s).
std::string diff_of(const Mutant& m) {
  std::string out = fmt::format("    @@ line {} @@{}\n    -{}\n", m.line, m.function.empty() ? "" : " " + m.function + "()", m.before);
  if (!m.after.empty()) out += fmt::format("    +{}\n", m.after);
  return out;
}

std::string line_of(const MutantResult& r) {
  const Mutant& m = r.mutant;
  std::string out = fmt::format("{:<10} #{:<3} line {:<4} {:<20} {}", mutant_status_name(r.status), m.id, m.line,
                                m.op, m.after.empty() ? "deleted: " + m.before : m.after);
  if (!r.by.empty()) out += fmt::format("\n           {}", r.by);
  if (!r.model_quirks.empty())
    out += fmt::format(
        "\n           (in a run where the model's quirk {} acted: refdrv models says what its record "
        "leaves open)",
        fmt::join(r.model_quirks, ", "));
  return out;
}

// The score's line, as the terminal's last: "mutation score: 49/50 = 98.0%
// (minimum 95%)", or nullopt when no mutant was scored. Cut down to 0.1,
// never rounded up: 28/29 = 96.55 printed as 96.6 beside a minimum of 96.6
// and exit 1 read as a score that reached it.
std::optional<std::string> score_line(const MutationReport& rep, double min_score) {
  const std::optional<double> score = rep.score();
  if (!score) return std::nullopt;
  const std::size_t killed = rep.count(MutantResult::Status::kKilled);
  const std::size_t scored = killed + rep.count(MutantResult::Status::kSurvived);
  const std::string partial =
      rep.results.size() < rep.generated
          ? fmt::format(" of the first {} of the source's {} mutants only (--limit)", rep.results.size(), rep.generated)
          : "";
  // As many decimals as the minimum has (at least one): 28/29 printed as
  // 96.5% beside a minimum of 96.55% that it reached (a review, 2026-12-07).
  const std::string min_text = fmt::format("{}", min_score);  // shortest exact: {:g} cut 33.333333 to 33.3333
  const std::size_t dot = min_text.find('.');
  const int decimals = dot == std::string::npos ? 1 : std::max(1, static_cast<int>(min_text.size() - dot - 1));
  const double unit = std::pow(10.0, decimals);
  return fmt::format("mutation score{}: {}/{} = {:.{}f}% (minimum {}%)", partial, killed, scored,
                     std::floor(*score * unit + 1e-9) / unit, decimals, min_text);
}

bool reaches(const MutationReport& rep, double min_score) {
  const std::optional<double> score = rep.score();
  return score && *score + 1e-9 >= min_score;
}

// A test per mutant (a survivor is not ok: each is a finding to look at),
// each one's diagnostic before its result line, as KTAP places them; then
// the score against the minimum, the command's verdict (its exit status),
// as the last test. A run with survivors whose score reaches the minimum
// exits 0 while its KTAP has not ok lines: docs/mutate.md says so.
std::string ktap_of(const MutationReport& rep, double min_score) {
  std::string out = fmt::format(
      "KTAP version 1\n# refdrv mutate: {} on Linux {}{}{}\n1..{}\n", ktap_escape(rep.source), rep.tree_version,
      (rep.replaced.empty() ? "" : " with " + ktap_escape(rep.replaced)) + checked_with(rep),
      rep.results.size() < rep.generated
          ? fmt::format(" (the first {} of its {} mutants: --limit)", rep.results.size(), rep.generated)
          : "",
      rep.results.size() + 1);
  for (std::size_t i = 0; i < rep.results.size(); ++i) {
    const MutantResult& r = rep.results[i];
    const std::string name = fmt::format("mutant_{}_line_{}", r.mutant.id, r.mutant.line);
    switch (r.status) {
      case MutantResult::Status::kKilled:
        out += fmt::format("# killed by {}\n", ktap_escape(r.by));
        if (!r.model_quirks.empty())
          out += fmt::format("# in a run where the model's quirk {} acted\n",
                             ktap_escape(fmt::format("{}", fmt::join(r.model_quirks, ", "))));
        out += fmt::format("ok {} {}\n", i + 1, name);
        break;
      case MutantResult::Status::kSurvived:
        out += fmt::format("# survived: {} -> {}\n", ktap_escape(r.mutant.before),
                           r.mutant.after.empty() ? "(deleted)" : ktap_escape(r.mutant.after));
        out += fmt::format("not ok {} {}\n", i + 1, name);
        break;
      default:
        out += fmt::format("ok {} {} # SKIP {}: {}\n", i + 1, name, mutant_status_name(r.status), ktap_escape(r.by));
    }
  }
  if (const auto line = score_line(rep, min_score))
    // A --limit run's verdict is on those mutants only, and its name says
    // so: a KTAP reader that takes "ok ... score" for the driver's is wrong.
    out += fmt::format("# {}\n{} {} {}\n", *line, reaches(rep, min_score) ? "ok" : "not ok", rep.results.size() + 1,
                       rep.results.size() < rep.generated
                           ? fmt::format("score_of_the_first_{}_of_{}_mutants", rep.results.size(), rep.generated)
                           : "score");
  else
    out += fmt::format(
        "# no mutant was scored (every one equivalent, stillborn or undecided): no mutation score\n"
        "not ok {} score\n",
        rep.results.size() + 1);
  return out;
}

int cmd_mutate(const Common& c, const MutateArgs& a) {
  auto impl = impl_from(a.impl);
  if (!impl) return report_error({fmt::format("--impl: unknown implementation '{}' (c, rust or cxx)", a.impl)});
  auto scenarios = scenarios_from(a.scenarios);
  if (!scenarios) return report_error(scenarios.error());
  if (auto r = a.out.check(read_inputs(c, *scenarios, a.scenarios)); !r) return report_error(r.error());
  const bool machine_stdout = a.out.on_stdout();
  MutateOptions opt;
  opt.impl = *impl;
  opt.env = c.env;
  opt.suite = std::move(*scenarios);
  opt.suite_paths = a.scenarios;
  opt.limit = a.limit;
  if (!a.compare_with.empty()) {
    auto with = parse_impls(a.compare_with, false);
    if (!with) return report_error({"--compare-with: " + with.error().message});
    if (with->empty())  // "all": the default, given as if it chose
      return report_error({"--compare-with: all is the default: leave the option out, or name implementations"});
    if (std::find(with->begin(), with->end(), Impl::kNone) != with->end())
      return report_error({"--compare-with: none is no implementation to compare a mutant with"});
    opt.compare_with = *with;
  }
  std::FILE* text = machine_stdout ? stderr : stdout;
  opt.on_result = [&](const MutantResult& r, std::size_t done, std::size_t total) {
    if (c.env.quiet && r.status != MutantResult::Status::kSurvived) return;
    fmt::print(text, "[{}/{}] {}\n", done, total, line_of(r));
    if (r.status == MutantResult::Status::kSurvived) fmt::print(text, "{}", diff_of(r.mutant));
  };
  auto rep = run_mutation(opt);
  if (!rep) return report_error(rep.error());
  const std::optional<double> score = rep->score();
  const std::size_t killed = rep->count(MutantResult::Status::kKilled);
  fmt::print(text,
             "\n{}: {} mutants on Linux {}{} in {:.0f} s: {} killed, {} survived, {} equivalent (object unchanged or "
             "value dropped), "
             "{} stillborn (do not compile){}\n",
             rep->source, rep->results.size(), rep->tree_version,
             (rep->replaced.empty() ? "" : " with " + rep->replaced) + checked_with(*rep), rep->wall_seconds, killed,
             rep->count(MutantResult::Status::kSurvived), rep->count(MutantResult::Status::kEquivalent),
             rep->count(MutantResult::Status::kStillborn),
             rep->count(MutantResult::Status::kUndecided)
                 ? fmt::format(", {} undecided (stopped at refdrv's gap, a kernel function it does not emulate, or a "
                               "worker killed from outside the run: not scored)",
                               rep->count(MutantResult::Status::kUndecided))
                 : "");
  if (const std::string q = quirk_kills_sentence(quirk_kills(*rep), killed, "the"); !q.empty())
    fmt::print(text, "{}\n", q);
  if (auto w = a.out.write([&] { return ktap_of(*rep, a.min_score); },
                           [&] { return mutation_report_json(*rep, a.min_score).dump(1) + "\n"; });
      !w)
    return report_error(w.error());
  // No mutant scored (all equivalent or stillborn): no verdict, as the
  // fault sweep with nothing swept; not a finding (it exited 1).
  if (!score) {
    fmt::print(text, "mutation score: none (no mutant was scored)\n");
    return report_error({"no mutant was scored (every one equivalent, stillborn or undecided): no mutation score"});
  }
  fmt::print(text, "{}\n", score_line(*rep, a.min_score).value_or(""));
  return reaches(*rep, a.min_score) ? 0 : kExitFailure;
}

}  // namespace

std::vector<Command> mutate_commands(CLI::App& app, Common& common) {
  auto ma = std::make_shared<MutateArgs>();
  auto* cmd = app.add_subcommand(
      "mutate", "mutation testing: small changes to a tree driver, each rebuilt and checked; the survivors and the score");
  add_env_options(cmd, common);
  cmd->add_option("--impl", ma->impl,
                  "whose driver to mutate: c (the tree's C driver), rust (the tree's Rust one) or cxx (refdrv's, "
                  "built into a second refdrv per mutant); default: c")
      ->check(one_of({"c", "rust", "cxx"}, "implementation to mutate"));
  cmd->add_option("--scenario", ma->scenarios, "scenario files or directories (a directory: its *.yaml and *.yml files, not its subdirectories; default: the embedded suite)");
  cmd->add_option("--min-score", ma->min_score, "the score (percent of scored mutants killed) below which it exits 1 (default: 95)")
      ->check(number_in(0, 100));
  cmd->add_option("--limit", ma->limit, "only the first N mutants (in source order)")->check(integer_in(1, 100000));
  cmd->add_option("--compare-with", ma->compare_with,
                  "the implementations each mutant is compared with, a list of c,rust,cxx (default: every "
                  "implementation of the group; the mutated one always runs; alone, only the scenarios' "
                  "expectations can kill a mutant)")
      ->check(CLI::Validator(
          [](std::string& in) { return in.empty() ? std::string("an empty list names no implementation") : ""; }, ""));
  add_machine_output_options(cmd, ma->out, "write KTAP to this file (- for stdout): a mutant per test, survivors not ok");
  return {{cmd, [&common, ma] { return cmd_mutate(common, *ma); }}};
}

}  // namespace refdrv::cli
