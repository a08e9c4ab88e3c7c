// SPDX-License-Identifier: GPL-2.0
// `refdrv check --kernel GIT_TREE --commits A..B`: the check on each commit
// of a range, oldest first, each built from refdrv's own checkout of the
// commit (kernel/checkout.hpp; the repository's working tree is never
// touched). A commit that differs from an already configured tree only in
// sources refdrv compiles reuses that configuration, so a step costs the
// objects that changed and the suite.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/check.hpp"
#include "engine/environment.hpp"
#include "kernel/checkout.hpp"

namespace refdrv {

struct CommitResult {
  kernel::GitCommit commit;
  // The check ran (else `error` says why: the kernel side did not build, an
  // implementation the check needs is missing, ...).
  bool checked = false;
  bool build_failed = false;  // the commit's kernel side did not build or load: a finding about the commit
  std::string error;
  std::string version;      // the tree's kernel version at this commit
  std::string reused_from;  // the configured tree it reused, if any
  std::size_t runs = 0, failed_runs = 0, divergences = 0;
  bool equivalent = false;  // some pair was compared, and every pair compared was equivalent
  int exit_code = 2;        // the check's: 0 clean, 1 a failure or a divergence, 2 no check
  double seconds = 0;       // checkout, build and check
  std::string first_divergence;  // "scenario on MODEL: C vs Rust", for the summary
  std::vector<std::string> problems;  // the check's, beside its verdict (CheckReport::problems)
  std::vector<std::string> registration;  // CheckReport::registration_differences: a divergence too
  // Where this commit's reproducers were written, and how many ("", 0: none).
  std::string reproducer_dir;
  std::size_t reproducers = 0;
};

struct CommitsReport {
  std::string repo, range;
  std::vector<CommitResult> results;
  // What the lines do not say: merges in the range, uncommitted changes.
  std::vector<std::string> notes;
  // The first commit that is not clean: not equivalent, a failed
  // expectation, or no check.
  [[nodiscard]] std::optional<std::size_t> first_broken() const;
  // 0 every commit clean; 1 a commit has a finding (a divergence, a failed
  // expectation, a kernel side that does not build), whatever else the
  // range holds; else 2 where a commit could not be checked for another
  // reason (its checkout failed, an implementation the check needs is
  // missing): the range was compared less than asked.
  [[nodiscard]] int exit_code() const;
};

struct CommitsOptions {
  EnvironmentOptions env;  // env.kernel: the git repository
  std::string range;
  std::vector<Scenario> scenarios;
  CheckOptions check;  // impls ignored: chosen per commit by `select`
  std::function<Result<std::vector<Impl>>(Environment&)> select;
  // Each result as it comes, with its index in the range's commits.
  std::function<void(const CommitResult&, std::size_t index, const std::vector<kernel::GitCommit>& range)> on_result;
  kernel::Progress progress = [](const std::string&) {};
};

// The commits of the range are listed before any work: a bad range is an
// error, not a report.
// What the per-commit lines do not say of a range: its merges (their
// branches' commits are in it), an A..B whose A is not an ancestor of B,
// changes in `repo` not committed.
[[nodiscard]] std::vector<std::string> commit_range_notes(const std::string& repo, const std::string& range,
                                                          const std::vector<kernel::GitCommit>& commits);
Result<CommitsReport> check_commits(const CommitsOptions& options);

}  // namespace refdrv
