// SPDX-License-Identifier: GPL-2.0
// The commits of a git repository as Linux trees refdrv can build, without
// touching the repository's working tree, index or refs: git reads the
// repository (rev-list, diff, archive) and refdrv writes each commit's tree
// into a checkout of its own in its cache.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "kernel/cache.hpp"
#include "kernel/debian.hpp"

namespace refdrv::kernel {

struct GitCommit {
  std::string sha;      // full
  std::string subject;  // first line of the message
  std::vector<std::string> parents;  // full ids (commit_range fills them)
  [[nodiscard]] std::string short_sha() const { return sha.substr(0, 12); }
};

// Whether the work tree of the git repository `repo` has changes to its
// tracked files, staged or not (read without writing its index).
[[nodiscard]] bool worktree_has_changes(const std::filesystem::path& repo);

// The commits of `range` ("A..B": reachable from B, not from A, as `git
// rev-list A..B`), oldest first (topological order). Errors name the cause:
// not a git repository, an unknown revision, an empty range.
Result<std::vector<GitCommit>> commit_range(const std::filesystem::path& repo, const std::string& range);

// The tree of `commit` of `repo`, written into refdrv's checkout of that
// repository (cache_root()/checkouts/<repository>/tree). The first commit
// is exported whole (`git archive`); later ones rewrite only the files that
// differ from the commit already there (new files: new inodes and mtimes,
// so kbuild, ninja and the tree records see every change). The returned
// path is the same for every commit of the repository, so its configured
// tree and builds are reused from one commit to the next.
// The checkout stays locked (against another refdrv checking out another
// commit of the same repository) for as long as the object lives.
struct Checkout {
  std::filesystem::path tree;
  FileLock lock;
};
Result<Checkout> checkout_commit(const std::filesystem::path& repo, const GitCommit& commit, const Progress& progress);

// Where refdrv keeps its checkout of `repo` (an absolute, canonical path):
// the tree, its HEAD, git's log and the lock.
[[nodiscard]] std::filesystem::path checkout_dir(const std::filesystem::path& repo);

}  // namespace refdrv::kernel
