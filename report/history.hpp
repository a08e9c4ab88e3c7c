// SPDX-License-Identifier: GPL-2.0
// The history of the drivers and the abstraction in a git checkout of
// Linux, read with libgit2: commits, authors, churn, and bug fixes by the
// method of the published null_blk/rnull studies — a commit is a fix when it
// carries a `Fixes:` trailer or its subject says it fixes something; a
// commit named by a `Fixes:` trailer introduced a bug; a fix is a
// memory-safety fix when its message says so (use-after-free, NULL
// dereference, out-of-bounds, double free, leak, ...).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace refdrv::report {

struct HistoryGroup {
  std::string label;               // "C driver"
  std::vector<std::string> paths;  // as of HEAD; renames are followed back
};

struct CommitRecord {
  std::string id;       // full hex id
  std::string subject;
  std::string author;   // name <email>
  std::int64_t time = 0;  // author time, seconds since the epoch
  bool fixes_trailer = false;
  bool fix_subject = false;
  bool introduced_bug = false;              // named by another commit's Fixes: trailer
  std::vector<std::string> fixes;           // ids its Fixes: trailers name (as written)
  std::vector<std::string> memory_safety;   // what its message says (when it is a fix)
  bool leak = false;                        // a fix of a memory leak (counted apart: safe Rust does not rule leaks out)
  std::map<std::string, std::pair<std::size_t, std::size_t>> churn;  // path -> lines added, deleted
  [[nodiscard]] bool is_fix() const { return fixes_trailer || fix_subject; }
};

struct FileChurn {
  std::size_t commits = 0, added = 0, deleted = 0;
};

struct GroupHistory {
  HistoryGroup group;
  std::vector<std::string> followed;  // former paths found by rename detection
  // Its paths HEAD does not have. All of them: the part is not in this
  // checkout (a tree from before it was added), which is no history of 0
  // commits and 0 fixes.
  std::vector<std::string> absent;
  [[nodiscard]] bool in_checkout() const { return absent.size() < group.paths.size(); }
  std::vector<CommitRecord> commits;  // oldest first
  std::size_t fixes = 0, memory_safety_fixes = 0, leak_fixes = 0, introduced_bugs = 0;
  std::set<std::string> authors;
  std::map<std::string, FileChurn> churn;  // per path
};

struct History {
  std::string repo, head;
  std::size_t commits_walked = 0;
  double seconds = 0;
  std::vector<GroupHistory> groups;
};

// The memory-safety words looked for in fix messages, as reported.
[[nodiscard]] const std::vector<std::pair<std::string, std::string>>& memory_safety_patterns();

// Walks HEAD's history (non-merge commits, newest first) for the groups' paths.
// Whether `path` opens as a git repository (what read_history needs first),
// with the same message when it does not: `refdrv report --git` asks before
// any work.
Result<void> check_git_repository(const std::string& path);

Result<History> read_history(const std::string& repo, const std::vector<HistoryGroup>& groups,
                             const std::function<void(std::size_t commits)>& progress = nullptr);

// Per year: commits and fixes.
[[nodiscard]] std::map<int, std::pair<std::size_t, std::size_t>> commits_per_year(const GroupHistory& g);

// A time chart: one lane per group, a mark per commit (fixes and
// memory-safety fixes coloured), per-year counts. Self-contained SVG.
[[nodiscard]] std::string history_svg(const History& h);

}  // namespace refdrv::report
