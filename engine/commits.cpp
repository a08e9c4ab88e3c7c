// SPDX-License-Identifier: GPL-2.0
#include "engine/commits.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace refdrv {

std::optional<std::size_t> CommitsReport::first_broken() const {
  for (std::size_t i = 0; i < results.size(); ++i)
    if (results[i].exit_code != 0) return i;
  return std::nullopt;
}

int CommitsReport::exit_code() const {
  bool finding = false, unchecked = false;
  for (const auto& r : results) {
    if (r.checked ? r.exit_code != 0 : r.build_failed) finding = true;
    else if (!r.checked) unchecked = true;
  }
  // A commit that breaks the check is a finding whatever else the range
  // holds; a commit not checked makes the range no verdict only where
  // nothing was found (format_commits_summary() says which were not).
  return finding ? 1 : unchecked ? 2 : 0;
}

namespace {

CommitResult check_one(const CommitsOptions& o, const kernel::GitCommit& commit) {
  const auto t0 = std::chrono::steady_clock::now();
  CommitResult r;
  r.commit = commit;
  const auto done = [&] {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };
  // The checkout stays locked until this commit's check is done.
  auto checkout = kernel::checkout_commit(o.env.kernel, commit, o.progress);
  if (!checkout) {
    r.error = checkout.error().message;
    return done();
  }
  EnvironmentOptions eo = o.env;
  eo.kernel = checkout->tree.string();
  auto env = Environment::open(eo);
  if (!env) {
    // The commit's kernel side does not build (or load): a finding about
    // the commit, said with the build's own message. Anything else (a tool
    // missing, refdrv's own failure) is no finding about the commit: it was
    // not checked.
    // (A kernel side that stops in its initcalls at a function refdrv does
    // not emulate is refdrv's gap, not the commit's.)
    const ErrorOrigin origin = env.error().origin;
    const bool unemulated = !unemulated_function_in(env.error().message).empty();
    r.build_failed = !unemulated && (origin == ErrorOrigin::kKernelBuild || origin == ErrorOrigin::kKernelInit);
    r.error = env.error().message;
    return done();
  }
  r.version = (*env)->tree().version;
  r.reused_from = (*env)->built().reused_from.string();
  auto impls = o.select(**env);
  if (!impls) {
    r.error = impls.error().message;
    return done();
  }
  CheckOptions co = o.check;
  co.impls = *impls;
  // Each commit's reproducers in a directory of their own, replayed on that
  // commit (the checkout they ran in is the next commit's after this one).
  if (!co.repro_dir.empty()) co.repro_dir = (std::filesystem::path(co.repro_dir) / commit.short_sha()).string();
  co.replay_command = [&](const std::string& impls, const std::string& path) {
    // X^!: the commit alone, a merge's or a root commit's too (X~1..X is
    // a merge's whole merged branch, and no range for a root commit).
    // Its reproducers into a directory of the replay's own: check removes
    // the earlier reproducers of the directory it writes to, and those
    // beside the replayed file (the commit's other pairs') went (a review,
    // 2026-12-07).
    return fmt::format("refdrv check --kernel {} --commits {} --impl {} --repro-dir {} --scenario {}",
                       shell_word(std::filesystem::absolute(o.env.kernel).string()),
                       shell_word(commit.short_sha() + "^!"), impls,
                       shell_word((std::filesystem::path(co.repro_dir) / "replayed").string()), path);
  };
  const CheckReport rep = run_check(**env, o.scenarios, co);
  if (rep.ran_pairs() == 0) {
    // Nothing ran on this commit (no selected implementation has a driver
    // for a model of the scenarios): not checked, not a commit that breaks.
    r.error = "nothing ran: no selected implementation has a driver for any model of these scenarios";
    return done();
  }
  if (rep.comparison_not_made()) {
    // Runs, but none on two of the implementations asked for.
    r.error =
        fmt::format("nothing compared: no pair ran on two of the selected implementations ({})", impl_list(rep.impls));
    return done();
  }
  // A check whose every finding is refdrv's gap did not check the commit.
  if (auto gap = unemulated_gap(rep)) {
    r.error = *gap;
    return done();
  }
  // Nor one that compared no two implementations' own drivers, or that is
  // otherwise no verdict (exit 2): it was named the first commit that broke
  // the check (a review, 2026-12-07).
  if (rep.exit_code() == kExitBadInput) {
    r.error = rep.drivers_not_compared()
                  ? fmt::format(
                        "nothing compared: in no compared pair did two of the selected implementations' own "
                        "drivers run ({})",
                        impl_list(rep.impls))
                  : "the check gave no verdict (exit status 2)";
    return done();
  }
  r.checked = true;
  r.exit_code = rep.exit_code();
  // What went wrong beside the verdict (a reproducer that could not be
  // written) goes with the commit's line, as check prints it.
  r.problems = rep.problems;
  // Equivalent only where something was compared (one implementation, or
  // pairs with one each, compare nothing).
  r.equivalent = rep.compared_pairs() > 0 && rep.all_equivalent();
  r.registration = rep.registration_differences;
  r.reproducer_dir = co.repro_dir;
  for (const auto& row : rep.rows) {
    for (const auto& rp : row.reproducers) r.reproducers += rp.empty() ? 0 : 1;
    r.runs += row.runs.size();
    for (const auto& run : row.runs) r.failed_runs += run.passed() ? 0 : 1;
    for (std::size_t i = 1; i < row.divergence.size(); ++i) {
      if (!row.divergence[i]) continue;
      ++r.divergences;
      if (r.first_divergence.empty())
        r.first_divergence = fmt::format("{} on {}: {} vs {}", row.scenario->name, row.model,
                                         impl_title(row.impls[0]), impl_title(row.impls[i]));
    }
  }
  return done();
}

}  // namespace

std::vector<std::string> commit_range_notes(const std::string& repo, const std::string& range,
                                            const std::vector<kernel::GitCommit>& commits) {
  std::vector<std::string> notes;
  // What the per-commit lines do not say: merged branches' commits are in
  // the range (git log's topological order, oldest first), and edits not
  // committed are in none of the commits checked.
  std::size_t merges = 0;
  for (const auto& c : commits) merges += c.parents.size() > 1 ? 1 : 0;
  if (merges)
    notes.push_back(
        fmt::format("the range has {} merge commit(s): the commits of the branches they merged are checked too, in "
                    "git log's topological order (oldest first), so a break named first may be on a merged branch "
                    "(git log --first-parent {} lists the mainline's)",
                    merges, range));
  // A..B where A is not an ancestor of B: git gives B's commits that A
  // lacks, from their merge base on, not a line from A to B (a review,
  // 2026-12-07: said nothing).
  if (const std::size_t dots = range.find(".."); dots != std::string::npos && range.find("...") == std::string::npos) {
    const std::string a = range.substr(0, dots), b = dots + 2 < range.size() ? range.substr(dots + 2) : "HEAD";
    if (!a.empty())
      if (auto st = kernel::run({{"git", "-C", repo, "merge-base", "--is-ancestor", a, b}, {}, {}, {}}); st && *st == 1)
        notes.push_back(fmt::format(
            "{} is not an ancestor of {}: {} is the commits of {} that {} lacks, from where their histories part, not "
            "a line of commits from {} to {} (a bisect would need {} to be an ancestor)",
            a, b, range, b, a, a, b, a));
  }
  if (kernel::worktree_has_changes(repo))
    notes.push_back(
        fmt::format("{} has changes not committed: --commits checks the commits, not them (check "
                    "--kernel {} checks the tree as it is)",
                    repo, repo));
  return notes;
}

Result<CommitsReport> check_commits(const CommitsOptions& o) {
  auto commits = kernel::commit_range(o.env.kernel, o.range);
  if (!commits) return std::unexpected(commits.error());
  CommitsReport rep;
  rep.repo = o.env.kernel;
  rep.range = o.range;
  rep.notes = commit_range_notes(o.env.kernel, o.range, *commits);
  for (std::size_t i = 0; i < commits->size(); ++i) {
    rep.results.push_back(check_one(o, (*commits)[i]));
    if (o.on_result) o.on_result(rep.results.back(), i, *commits);
  }
  return rep;
}

}  // namespace refdrv
