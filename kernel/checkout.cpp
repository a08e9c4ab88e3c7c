// SPDX-License-Identifier: GPL-2.0
#include "kernel/checkout.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <span>
#include <sstream>

#include "kernel/cache.hpp"
#include "kernel/process.hpp"

namespace refdrv::kernel {

namespace fs = std::filesystem;

namespace {

// Variables that would point git elsewhere than the repository named (a
// hook's GIT_DIR): unset for every git refdrv runs.
constexpr std::array<const char*, 7> kGitRedirects = {
    "GIT_DIR",        "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_NAMESPACE"};

// The command line of `git -C repo ARGS` as refdrv runs every git: without
// those variables, and without the user's configuration adding to what
// refdrv parses (a signature under each commit of git log) or changing the
// bytes (autocrlf).
std::vector<std::string> git_argv(const fs::path& repo, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"env"};
  for (const char* name : kGitRedirects) argv.insert(argv.end(), {"-u", name});
  argv.insert(argv.end(), {"git", "-c", "log.showSignature=false", "-c", "core.autocrlf=false", "-C", repo.string()});
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// `git -C repo ARGS`: its standard output, or an error with git's own
// message (its stderr goes to `log`, which is removed afterwards).
Result<std::string> git(const fs::path& repo, std::vector<std::string> args, const fs::path& log) {
  const std::vector<std::string> argv = git_argv(repo, args);
  std::error_code ec;
  fs::remove(log, ec);
  // GIT_OPTIONAL_LOCKS=0: no index refresh as a side effect (git status
  // writes the user's .git/index otherwise).
  auto out = capture({argv, {}, log, {"LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0"}});
  const std::string why = out ? std::string() : chomp(tail_of(log, 3));
  fs::remove(log, ec);
  if (out) return out;
  return fail(why.empty() ? out.error().message : why);
}

// `git archive` of `sha` (the files `paths` name, or all of it when none)
// unpacked into `dest`: whether it all came through. -m: files get the time
// of the export, not the commit's, so that make and ninja order them by
// when they changed here. pipefail: git failing part-way (an object it
// cannot read) leaves tar a well-formed prefix of the archive, which it
// extracts with status 0.
bool archive_into(const fs::path& repo, const std::string& sha, const fs::path& dest,
                  std::span<const std::string> paths, const fs::path& log) {
  std::vector<std::string> argv = {"bash", "-ec", "set -o pipefail; t=$1; shift; \"$@\" | tar -x -m -C \"$t\"", "bash",
                                   dest.string()};
  const std::vector<std::string> archive = git_argv(repo, {"archive", "--format=tar", sha, "--"});
  argv.insert(argv.end(), archive.begin(), archive.end());
  for (const std::string& p : paths) argv.push_back(":(literal)" + p);
  const auto st = run({argv, {}, log, {"LC_ALL=C"}});
  return st && *st == 0;
}

}  // namespace

bool worktree_has_changes(const fs::path& repo_in) {
  std::error_code ec;
  const fs::path repo = fs::weakly_canonical(repo_in, ec);
  const fs::path log = fs::temp_directory_path() / fmt::format("refdrv-git-{}.log", ::getpid());
  // Staged or unstaged changes to tracked files (untracked ones are no
  // edit of the tree's sources a user could think checked); a bare
  // repository has no work tree.
  auto bare = git(repo, {"rev-parse", "--is-bare-repository"}, log);
  if (!bare || chomp(*bare) == "true") return false;
  auto out = git(repo, {"status", "--porcelain", "--untracked-files=no"}, log);
  return out && !chomp(*out).empty();
}

fs::path checkout_dir(const fs::path& repo) {
  return cache_root() / "checkouts" / (repo.filename().string() + "-" + hash_hex(repo.string()).substr(0, 12));
}

Result<std::vector<GitCommit>> commit_range(const fs::path& repo_in, const std::string& range) {
  std::error_code ec;
  const fs::path repo = fs::weakly_canonical(repo_in, ec);
  const fs::path log = fs::temp_directory_path() / fmt::format("refdrv-git-{}.log", ::getpid());
  if (!fs::is_directory(repo_in, ec))
    return fail(
        fmt::format("{} is not a directory: --commits needs the git checkout of a Linux tree", repo_in.string()));
  // git's own words where it refuses: "detected dubious ownership" (a
  // repository of another user, sudo, a container: safe.directory) is not
  // "not a git repository".
  if (auto dir = git(repo, {"rev-parse", "--git-dir"}, log); !dir)
    return fail(
        fmt::format("{} is not a git repository git will read (git: {}): --commits needs the git checkout "
                    "of a Linux tree",
                    repo_in.string(), dir.error().message));
  // A subdirectory of a work tree (--kernel . in drivers/net/phy) would
  // export only itself, after the work.
  if (auto prefix = git(repo, {"rev-parse", "--show-prefix"}, log); prefix && !chomp(*prefix).empty()) {
    auto top = git(repo, {"rev-parse", "--show-toplevel"}, log);
    return fail(fmt::format("{} is the directory {} of the git work tree at {}: give --kernel {}", repo_in.string(),
                            chomp(*prefix), top ? chomp(*top) : "?", top ? chomp(*top) : "its top"));
  }
  // A..B (A.. and ..B with HEAD for the end left out, as git has them), or
  // X^! for the one commit X (a merge or a root commit too).
  const auto dots = range.find("..");
  std::vector<std::string> ends;
  // One "..": a..b..c split at its first was "'b..c' is not a commit".
  if (dots != std::string::npos && range.find("...") == std::string::npos && range.size() > 2 &&
      range.find("..", dots + 2) == std::string::npos) {
    for (const std::string& end : {range.substr(0, dots), range.substr(dots + 2)})
      if (!end.empty()) ends.push_back(end);
  } else if (range.size() > 2 && range.ends_with("^!") && range.find("..") == std::string::npos) {
    ends.push_back(range.substr(0, range.size() - 2));
  }
  if (ends.empty())
    return fail(fmt::format("'{}' is not a range of commits: give A..B (the commits reachable from B and not "
                            "from A, as git rev-list A..B; A.. and ..B mean HEAD for the end left out) or X^! "
                            "(the commit X alone)",
                            range));
  for (const std::string& end : ends)
    if (!git(repo, {"rev-parse", "--verify", "--quiet", end + "^{commit}"}, log))
      return fail(fmt::format("'{}' is not a commit of {}", end, repo.string()));
  auto out = git(repo, {"log", "--reverse", "--topo-order", "--format=%H%x09%P%x09%s", range, "--"}, log);
  if (!out) return fail(fmt::format("git log {} in {}: {}", range, repo.string(), out.error().message));
  std::vector<GitCommit> commits;
  std::size_t pos = 0;
  while (pos < out->size()) {
    const auto nl = out->find('\n', pos);
    const std::string line = out->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? out->size() : nl + 1;
    if (line.empty()) continue;
    // SHA, TAB, the parents' SHAs (space-separated), TAB, the subject.
    const auto tab = line.find('\t');
    const auto tab2 = tab == std::string::npos ? std::string::npos : line.find('\t', tab + 1);
    GitCommit c{line.substr(0, tab), tab2 == std::string::npos ? std::string() : line.substr(tab2 + 1), {}};
    std::istringstream parents(tab2 == std::string::npos ? std::string() : line.substr(tab + 1, tab2 - tab - 1));
    for (std::string p; parents >> p;) c.parents.push_back(p);
    commits.push_back(std::move(c));
  }
  if (commits.empty()) {
    // A..B with B an ancestor of A: the reverse is what was meant, usually.
    std::string hint;
    if (ends.size() == 2)
      if (auto back = git(repo, {"rev-list", "--count", ends[1] + ".." + ends[0], "--"}, log);
          back && chomp(*back) != "0")
        hint = fmt::format(" ({}..{} has {}: the older commit goes first)", ends[1], ends[0], chomp(*back));
    return fail(fmt::format("the range {} of {} has no commits{}", range, repo.string(), hint));
  }
  // A Linux tree at both ends of the range, before any work: another git
  // repository's commits would each fail as a kernel that "does not build",
  // the first named as the commit that breaks the check.
  for (const GitCommit* c : {&commits.front(), &commits.back()})
    for (const char* file : {"Makefile", "Kconfig", "drivers/net/phy/phy_device.c"})
      if (!git(repo, {"cat-file", "-e", c->sha + ":" + file}, log))
        return fail(fmt::format("{} is not a Linux tree at commit {} ({}): it has no {}; --commits needs the git "
                                "checkout of a Linux tree",
                                repo.string(), c->short_sha(), c->subject, file));
  return commits;
}

Result<Checkout> checkout_commit(const fs::path& repo_in, const GitCommit& commit, const Progress& progress) {
  std::error_code ec;
  const fs::path repo = fs::weakly_canonical(repo_in, ec);
  const fs::path dir = checkout_dir(repo);
  fs::create_directories(dir, ec);
  auto lock = FileLock::acquire(dir / ".lock");
  if (!lock) return std::unexpected(lock.error());
  const fs::path tree = dir / "tree";
  const fs::path head = dir / "HEAD";
  const fs::path log = dir / "git.log";
  std::string current = fs::is_directory(tree) ? chomp(read_file(head).value_or("")) : "";
  if (current == commit.sha) return Checkout{tree, std::move(*lock)};
  // The commit the checkout holds may be gone from the repository (cloned
  // again at the same path, or collected after a rebase): no diff from it,
  // so the commit is exported whole.
  if (!current.empty() && !git(repo, {"cat-file", "-e", current + "^{commit}"}, log)) {
    progress(fmt::format("{} no longer has {}, which refdrv's checkout holds: exporting afresh", repo.string(),
                         current.substr(0, 12)));
    current.clear();
  }
  // A checkout interrupted half-way has no HEAD: it is exported again.
  fs::remove(head, ec);
  if (current.empty()) {
    progress(fmt::format("exporting {} of {} into {} (once per repository)", commit.short_sha(), repo.string(),
                         tree.string()));
    const fs::path staging = dir / "tree.tmp";
    fs::remove_all(tree, ec);
    fs::remove_all(staging, ec);
    fs::create_directories(staging, ec);
    if (!archive_into(repo, commit.sha, staging, {}, log)) {
      fs::remove_all(staging, ec);  // a part of a tree, which no later run reads
      return fail(fmt::format("could not export {} of {}:\n{}", commit.short_sha(), repo.string(), tail_of(log, 5)));
    }
    fs::rename(staging, tree, ec);
    if (ec) return fail(fmt::format("cannot move {} to {}: {}", staging.string(), tree.string(), ec.message()));
  } else {
    auto diff = git(repo, {"diff", "--name-status", "-z", "--no-renames", current, commit.sha, "--"}, log);
    if (!diff) return fail(fmt::format("git diff {}..{} in {}: {}", current, commit.sha, repo.string(),
                                       diff.error().message));
    std::vector<std::string> fields;
    for (std::size_t pos = 0; pos < diff->size();) {
      const auto z = diff->find('\0', pos);
      fields.push_back(diff->substr(pos, z == std::string::npos ? std::string::npos : z - pos));
      pos = z == std::string::npos ? diff->size() : z + 1;
    }
    std::vector<std::string> rewrite;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      const std::string& status = fields[i];
      const std::string& path = fields[i + 1];
      fs::remove(tree / path, ec);  // changed files get a new inode, deleted ones go
      if (status != "D") {
        rewrite.push_back(path);
        continue;
      }
      // A directory the commit emptied goes too, as git leaves none: an
      // export of the commit has no such directory, and the checkout's
      // listing (kernel/tree_record) would differ from every other tree's.
      for (fs::path dir = fs::path(path).parent_path(); !dir.empty(); dir = dir.parent_path())
        if (!fs::remove(tree / dir, ec)) break;  // removes only an empty one
    }
    const std::size_t n = fields.size() / 2;
    progress(fmt::format("checking out {} in {} ({} file{} differ{} from {})", commit.short_sha(), tree.string(), n,
                         n == 1 ? "" : "s", n == 1 ? "s" : "", current.substr(0, 12)));
    constexpr std::size_t kChunk = 500;
    for (std::size_t i = 0; i < rewrite.size(); i += kChunk) {
      const std::span<const std::string> chunk(rewrite.data() + i, std::min(kChunk, rewrite.size() - i));
      if (!archive_into(repo, commit.sha, tree, chunk, log))
        return fail(fmt::format("could not check out {} of {}:\n{}", commit.short_sha(), repo.string(),
                                tail_of(log, 5)));
    }
  }
  if (auto w = write_file(head, commit.sha + "\n"); !w) return std::unexpected(w.error());
  return Checkout{tree, std::move(*lock)};
}

}  // namespace refdrv::kernel
