// SPDX-License-Identifier: GPL-2.0
#include "report/history.hpp"

#include <fmt/format.h>
#include <git2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "kernel/process.hpp"

namespace refdrv::report {

namespace {

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using Repo = std::unique_ptr<git_repository, Free<git_repository, git_repository_free>>;
using Walk = std::unique_ptr<git_revwalk, Free<git_revwalk, git_revwalk_free>>;
using Commit = std::unique_ptr<git_commit, Free<git_commit, git_commit_free>>;
using TreeP = std::unique_ptr<git_tree, Free<git_tree, git_tree_free>>;
using Entry = std::unique_ptr<git_tree_entry, Free<git_tree_entry, git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Free<git_blob, git_blob_free>>;
using Patch = std::unique_ptr<git_patch, Free<git_patch, git_patch_free>>;
using Diff = std::unique_ptr<git_diff, Free<git_diff, git_diff_free>>;

std::string last_git_error() {
  const ::git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

// The id of `path` in `tree`; none where the path is absent. Any other
// libgit2 error is an error (a repository missing objects is no history).
Result<std::optional<git_oid>> entry_id(git_tree* tree, const std::string& path) {
  if (!tree) return std::nullopt;
  git_tree_entry* e = nullptr;
  if (const int err = git_tree_entry_bypath(&e, tree, path.c_str()); err != 0) {
    if (err == GIT_ENOTFOUND) return std::nullopt;
    return fail(fmt::format("cannot look {} up in a tree: {}", path, last_git_error()));
  }
  Entry hold(e);
  return *git_tree_entry_id(e);
}

bool same(const std::optional<git_oid>& a, const std::optional<git_oid>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || git_oid_equal(&*a, &*b);
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

Result<std::pair<std::size_t, std::size_t>> line_stats(git_repository* repo, const std::optional<git_oid>& a,
                                                       const std::optional<git_oid>& b, const std::string& path) {
  git_blob* ba = nullptr;
  git_blob* bb = nullptr;
  const auto unread = [&](const git_oid& id) {
    return fail(fmt::format("cannot read blob {} of {}: {}", hex(id), path, last_git_error()));
  };
  if (a && git_blob_lookup(&ba, repo, &*a) != 0) return unread(*a);
  Blob ha(ba);
  if (b && git_blob_lookup(&bb, repo, &*b) != 0) return unread(*b);
  Blob hb(bb);
  git_patch* p = nullptr;
  if (git_patch_from_blobs(&p, ba, path.c_str(), bb, path.c_str(), nullptr) != 0)
    return fail(fmt::format("cannot diff two versions of {}: {}", path, last_git_error()));
  Patch hp(p);
  std::size_t ctx = 0, add = 0, del = 0;
  git_patch_line_stats(&ctx, &add, &del, p);
  return std::pair{add, del};
}

// The path `path` had in `parent`, if `commit` renamed it. Rename detection
// reads the blobs: one it cannot read is an error, not "not renamed".
Result<std::optional<std::string>> renamed_from(git_repository* repo, git_tree* parent, git_tree* tree,
                                                const std::string& path) {
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  const std::string dir = dir_of(path);
  char* spec = const_cast<char*>(dir.c_str());  // libgit2's strarray is not const
  if (!dir.empty()) {
    opts.pathspec.strings = &spec;
    opts.pathspec.count = 1;
  }
  git_diff* d = nullptr;
  if (git_diff_tree_to_tree(&d, repo, parent, tree, &opts) != 0)
    return fail(fmt::format("cannot diff two trees for renames of {}: {}", path, last_git_error()));
  Diff hold(d);
  git_diff_find_options fopts = GIT_DIFF_FIND_OPTIONS_INIT;
  fopts.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(d, &fopts) != 0)
    return fail(fmt::format("cannot look for renames of {}: {}", path, last_git_error()));
  for (std::size_t i = 0; i < git_diff_num_deltas(d); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(d, i);
    if (delta->status == GIT_DELTA_RENAMED && delta->new_file.path == path) return std::string(delta->old_file.path);
  }
  return std::nullopt;
}

struct Message {
  std::string subject;
  std::vector<std::string> fixes;
  bool fix_subject = false;
  std::vector<std::string> memory_safety;
  bool leak = false;
};

Message parse_message(const std::string& msg) {
  Message m;
  m.subject = msg.substr(0, msg.find('\n'));
  static const std::regex fixes(R"(^Fixes:\s*([0-9a-fA-F]{7,40}))", std::regex::multiline);
  for (auto it = std::sregex_iterator(msg.begin(), msg.end(), fixes); it != std::sregex_iterator(); ++it) {
    // Commit ids are kept in lower case: an upper-case trailer named none
    // (a review, 2026-12-07).
    std::string id = (*it)[1].str();
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char ch) { return std::tolower(ch); });
    m.fixes.push_back(std::move(id));
  }
  static const std::regex fix_word(R"(\bfix(es|ed|ing)?\b)", std::regex::icase);
  m.fix_subject = std::regex_search(m.subject, fix_word);
  // What the fix is about: its subject, and the sanitizer or oops report
  // lines a body quotes (BUG: KASAN: slab-use-after-free ...). Not the whole
  // body: "spotted while hunting a memory leak elsewhere" in a typo fix made
  // it a memory-safety fix (a review, 2026-12-07).
  std::string about = m.subject;
  static const std::regex report_line(
      R"(^\s*(\[\s*[0-9.]+\]\s*)?(BUG: |KASAN: |UBSAN: |kmemleak: |Unable to handle kernel |general protection fault).*$)",
      std::regex::multiline);
  for (auto it = std::sregex_iterator(msg.begin(), msg.end(), report_line); it != std::sregex_iterator(); ++it)
    about += "\n" + it->str();
  for (const auto& [label, pattern] : memory_safety_patterns()) {
    const std::regex re(pattern, std::regex::icase);
    if (std::regex_search(about, re)) m.memory_safety.push_back(label);
  }
  // A leak is no memory-safety bug in Rust's terms (safe Rust may leak):
  // counted apart, so that the C and Rust sides compare like with like (it
  // was one of the memory-safety kinds until a review, 2026-12-07).
  static const std::regex leak(R"(memory leak|\bleak(s|ed|ing)?\b|kmemleak)", std::regex::icase);
  m.leak = std::regex_search(about, leak);
  return m;
}

int year_of(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm.tm_year + 1900;
}

double fractional_year(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm.tm_year + 1900 + tm.tm_yday / 366.0;
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& memory_safety_patterns() {
  static const std::vector<std::pair<std::string, std::string>> p = {
      {"use-after-free", R"(use[- ]after[- ]free|\bUAF\b)"},
      {"NULL dereference", R"(null[- ](pointer|ptr)([- ]deref(erence)?)?|NULL[- ]deref)"},
      {"out-of-bounds", R"(out[- ]of[- ]bounds|\bOOB\b|buffer overflow)"},
      {"double free", R"(double[- ]free)"},
      {"uninitialized memory", R"(uninitiali[sz]ed)"},
      {"data race", R"(data[- ]race|race condition)"},
  };
  return p;
}

namespace {

// What commit `t` (parent tree `parent`, null for a root commit) changed of
// a group's `paths`, path -> lines added, deleted. A path that appears by a
// rename adds its former name to `paths` and `followed`, so older commits
// are followed to it. `dir_changed` caches, per directory, whether the
// commit touched it at all (shared by the groups).
Result<std::map<std::string, std::pair<std::size_t, std::size_t>>> churn_of(git_repository* r, git_tree* t,
                                                                            git_tree* parent,
                                                                            std::vector<std::string>& paths,
                                                                            std::map<std::string, bool>& dir_changed,
                                                                            std::vector<std::string>& followed) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> churn;
  std::set<std::string> renamed_away;  // old paths this commit renamed to a tracked one
  for (std::size_t pi = 0; pi < paths.size(); ++pi) {
    const std::string p = paths[pi];
    if (renamed_away.contains(p)) continue;  // its lines are the new path's, diffed there
    const std::string dir = dir_of(p);
    auto [it, fresh] = dir_changed.try_emplace(dir, true);
    if (fresh && !dir.empty()) {
      auto a = entry_id(t, dir), b = entry_id(parent, dir);
      if (!a) return std::unexpected(a.error());
      if (!b) return std::unexpected(b.error());
      it->second = !same(*a, *b);
    }
    if (!it->second) continue;
    const auto now = entry_id(t, p);
    if (!now) return std::unexpected(now.error());
    const auto before = entry_id(parent, p);
    if (!before) return std::unexpected(before.error());
    if (same(*now, *before)) continue;
    auto base = *before;  // what the commit changed the file from
    if (*now && !*before && parent) {
      auto old = renamed_from(r, parent, t, p);
      if (!old) return std::unexpected(old.error());
      if (*old) {
        // A rename's churn is its diff against the file it renamed, not
        // the whole file added (asix.c -> ax88796b.c counted every line).
        auto was = entry_id(parent, **old);
        if (!was) return std::unexpected(was.error());
        base = *was;
        renamed_away.insert(**old);
        if (std::find(paths.begin(), paths.end(), **old) == paths.end()) {
          paths.push_back(**old);
          followed.push_back(**old);
        }
      }
    }
    auto lines = line_stats(r, base, *now, p);
    if (!lines) return std::unexpected(lines.error());
    churn[p] = *lines;
  }
  return churn;
}

// Who, when and what a commit says, from its author and parsed message.
void describe_commit(CommitRecord& rec, git_commit* c, const git_oid& oid, const Message& msg) {
  const git_signature* a = git_commit_author(c);
  rec.id = hex(oid);
  rec.subject = msg.subject;
  rec.author = fmt::format("{} <{}>", a->name ? a->name : "", a->email ? a->email : "");
  rec.time = a->when.time;
  rec.fixes = msg.fixes;
  rec.fixes_trailer = !msg.fixes.empty();
  rec.fix_subject = msg.fix_subject;
  if (rec.is_fix()) {
    rec.memory_safety = msg.memory_safety;
    rec.leak = msg.leak;
  }
}

// A group's commits oldest first, and its totals.
void summarise(GroupHistory& gh) {
  std::reverse(gh.commits.begin(), gh.commits.end());
  for (const auto& c : gh.commits) {
    gh.authors.insert(c.author);
    if (c.is_fix()) ++gh.fixes;
    if (c.is_fix() && !c.memory_safety.empty()) ++gh.memory_safety_fixes;
    if (c.is_fix() && c.leak) ++gh.leak_fixes;
    if (c.introduced_bug) ++gh.introduced_bugs;
    for (const auto& [p, ad] : c.churn) {
      FileChurn& fc = gh.churn[p];
      ++fc.commits;
      fc.added += ad.first;
      fc.deleted += ad.second;
    }
  }
}

}  // namespace

namespace {

// libgit2 initialised for as long as it lives (its calls need it).
struct Libgit2 {
  Libgit2() { git_libgit2_init(); }
  ~Libgit2() { git_libgit2_shutdown(); }
  Libgit2(const Libgit2&) = delete;
  Libgit2& operator=(const Libgit2&) = delete;
};

// Opened, or why not (the message both callers give); libgit2 must be
// initialised.
Result<Repo> open_repository(const std::string& path) {
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, path.c_str(), 0, nullptr) != 0)
    return fail(fmt::format("{} is not a git repository ({}); the history section needs a git checkout of Linux, "
                            "e.g. git clone https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git",
                            path, last_git_error()));
  return Repo(r);
}

}  // namespace

// A shallow clone's history ends at its boundary, and libgit2 fails the
// walk there: the counts would be of a part presented as the whole.
// A partial clone (git clone --filter=blob:none) lacks the objects it has not
// needed yet: libgit2 does not fetch them, so renames and churn could not
// be read. Asked of git before libgit2 opens the repository: Debian's
// libgit2 1.5 leaks a PCRE2 match block per configuration entry when it
// opens one with extensions (LeakSanitizer saw it), and refuses nothing.
Result<void> refuse_partial(const std::string& path) {
  // --local: the repository's own configuration (outside a repository git
  // fails, and open_repository() says what is wrong).
  auto out = kernel::capture(
      {{"git", "-C", path, "config", "--local", "--get-regexp", R"(^(extensions\.partialclone|remote\..*\.promisor)$)"},
       {},
       "/dev/null",  // git's "fatal: ..." is not refdrv's one line: open_repository() says what is wrong
       {"LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1"}});
  // git config exits 1 where nothing matches: not partial.
  if (!out || out->empty()) return {};
  return fail(
      fmt::format("{} is a partial clone (a promisor remote, as git clone --filter makes): it lacks objects "
                  "the history needs (renames and line counts read the files' blobs), which refdrv cannot "
                  "fetch; give a full clone",
                  path));
}

Result<void> refuse_shallow(git_repository* r, const std::string& path) {
  if (git_repository_is_shallow(r) != 1) return {};
  return fail(fmt::format("{} is a shallow clone: its history stops at the clone's depth, so the commits and fixes "
                          "per driver would be counted over a part of it; fetch the rest (git -C {} fetch "
                          "--unshallow) or give a full clone",
                          path, path));
}

// Another project's repository would give its own history under the
// drivers' names (their paths simply absent: 0 commits, no fixes), so HEAD
// must be a Linux tree.
Result<void> refuse_non_linux(git_repository* r, const std::string& path) {
  git_object* obj = nullptr;
  const int err = git_revparse_single(&obj, r, "HEAD:drivers/net/phy/phy_device.c");
  git_object_free(obj);
  if (err == 0) return {};
  return fail(fmt::format("{} is not a git checkout of Linux: its HEAD has no drivers/net/phy/phy_device.c; the "
                          "history section needs one, e.g. git clone "
                          "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git",
                          path));
}

Result<void> check_git_repository(const std::string& path) {
  const Libgit2 lib;
  if (auto whole = refuse_partial(path); !whole) return whole;
  auto repo = open_repository(path);
  if (!repo) return std::unexpected(repo.error());
  if (auto linux_tree = refuse_non_linux(repo->get(), path); !linux_tree) return linux_tree;
  return refuse_shallow(repo->get(), path);
}

Result<History> read_history(const std::string& path, const std::vector<HistoryGroup>& groups,
                             const std::function<void(std::size_t)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const Libgit2 lib;
  if (auto whole = refuse_partial(path); !whole) return std::unexpected(whole.error());
  auto opened = open_repository(path);
  if (!opened) return std::unexpected(opened.error());
  const Repo repo = std::move(*opened);
  git_repository* r = repo.get();
  if (auto linux_tree = refuse_non_linux(r, path); !linux_tree) return std::unexpected(linux_tree.error());
  if (auto whole = refuse_shallow(r, path); !whole) return std::unexpected(whole.error());
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, r) != 0) return fail(fmt::format("{}: {}", path, last_git_error()));
  Walk walk(w);
  git_revwalk_sorting(w, GIT_SORT_TIME);
  if (git_revwalk_push_head(w) != 0) return fail(fmt::format("{}: no HEAD to read history from: {}", path, last_git_error()));

  History h;
  h.repo = path;
  git_oid head_id;
  if (git_reference_name_to_id(&head_id, r, "HEAD") == 0) h.head = hex(head_id);
  // The paths HEAD has: a group's file it does not have is said, not
  // counted as a file without commits.
  TreeP head_tree;
  {
    git_oid id;
    git_commit* c = nullptr;
    git_tree* t = nullptr;
    if (git_reference_name_to_id(&id, r, "HEAD") != 0 || git_commit_lookup(&c, r, &id) != 0)
      return fail(fmt::format("{}: cannot read HEAD: {}", path, last_git_error()));
    const Commit hold(c);
    if (git_commit_tree(&t, c) != 0)
      return fail(fmt::format("{}: cannot read HEAD's tree: {}", path, last_git_error()));
    head_tree.reset(t);
  }
  std::vector<std::vector<std::string>> paths;  // per group, growing with renames
  for (const auto& g : groups) {
    GroupHistory gh;
    gh.group = g;
    for (const auto& p : g.paths) {
      auto id = entry_id(head_tree.get(), p);
      if (!id) return fail(fmt::format("{}: {}", path, id.error().message));
      if (!*id) gh.absent.push_back(p);
    }
    h.groups.push_back(gh);
    paths.push_back(g.paths);
  }
  std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>> by_id;  // id -> (group, commit index)

  // Every commit is read whole or the history fails: a commit, tree or
  // parent that cannot be read (a repository missing objects) would
  // otherwise drop out of the counts unseen.
  const auto unreadable = [&](const git_oid& id, const char* what) {
    return fail(fmt::format("{}: cannot read {} of commit {}: {}", path, what, hex(id), last_git_error()));
  };
  git_oid oid;
  int walked;
  while ((walked = git_revwalk_next(&oid, w)) == 0) {
    ++h.commits_walked;
    if (progress && h.commits_walked % 20000 == 0) progress(h.commits_walked);
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, r, &oid) != 0) return unreadable(oid, "the object");
    Commit commit(c);
    const unsigned parents = git_commit_parentcount(c);
    if (parents > 1) continue;  // merges change nothing of their own
    git_tree* t = nullptr;
    if (git_commit_tree(&t, c) != 0) return unreadable(oid, "the tree");
    TreeP tree(t);
    TreeP parent_tree;
    if (parents == 1) {
      git_commit* p = nullptr;
      if (git_commit_parent(&p, c, 0) != 0) return unreadable(oid, "the parent");
      Commit parent(p);
      git_tree* pt = nullptr;
      if (git_commit_tree(&pt, p) != 0) return unreadable(oid, "the parent's tree");
      parent_tree.reset(pt);
    }
    // Directories first: most commits change none of them.
    std::map<std::string, bool> dir_changed;
    std::optional<Message> msg;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      CommitRecord rec;
      auto churn = churn_of(r, t, parent_tree.get(), paths[g], dir_changed, h.groups[g].followed);
      if (!churn) return fail(fmt::format("{}: commit {}: {}", path, hex(oid), churn.error().message));
      rec.churn = std::move(*churn);
      if (rec.churn.empty()) continue;
      if (!msg) msg = parse_message(git_commit_message(c) ? git_commit_message(c) : "");
      describe_commit(rec, c, oid, *msg);
      by_id[rec.id].emplace_back(g, h.groups[g].commits.size());
      h.groups[g].commits.push_back(std::move(rec));
    }
  }

  if (walked != GIT_ITEROVER)
    return fail(fmt::format("{}: the history walk stopped after {} commits: {}", path, h.commits_walked,
                            last_git_error()));

  // Commits that a tracked fix names introduced a bug.
  for (const auto& gh : h.groups)
    for (const auto& c : gh.commits)
      for (const auto& f : c.fixes)
        for (auto it = by_id.lower_bound(f); it != by_id.end() && it->first.starts_with(f); ++it)
          for (const auto& [g, i] : it->second) h.groups[g].commits[i].introduced_bug = true;

  for (auto& gh : h.groups) summarise(gh);
  h.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return h;
}

std::string history_svg(const History& h) {
  std::int64_t lo = 0, hi = 0;
  for (const auto& g : h.groups)
    for (const auto& c : g.commits) {
      if (!lo || c.time < lo) lo = c.time;
      hi = std::max(hi, c.time);
    }
  const int lanes = static_cast<int>(h.groups.size());
  const int width = 900, left = 170, right = 20, lane_h = 46, top = 24;
  const int height = top + lanes * lane_h + 40;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" )"
      R"(aria-label="Commits over time, fixes marked" font-family="sans-serif" font-size="12">)"
      "\n",
      width, height);
  if (!lo) {
    svg += fmt::format(R"(<text x="{}" y="{}">no commits</text></svg>)", left, top + 20);
    return svg;
  }
  const double y0 = std::floor(fractional_year(lo)), y1 = std::floor(fractional_year(hi)) + 1;
  auto x = [&](double year) { return left + (year - y0) / (y1 - y0) * (width - left - right); };
  for (int y = static_cast<int>(y0); y <= static_cast<int>(y1); ++y) {
    svg += fmt::format(R"(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" stroke="#ddd"/>)"
                       "\n",
                       x(y), top - 6, top + lanes * lane_h);
    if (y < y1)
      svg += fmt::format(R"(<text x="{:.1f}" y="{}" fill="#555">{}</text>)"
                         "\n",
                         x(y) + 2, height - 12, y);
  }
  for (int l = 0; l < lanes; ++l) {
    const GroupHistory& g = h.groups[static_cast<std::size_t>(l)];
    const int cy = top + l * lane_h + lane_h / 2;
    svg += fmt::format(R"(<text x="8" y="{}" font-weight="bold">{}</text>)"
                       "\n"
                       R"(<text x="8" y="{}" fill="#555">{} commits, {} fixes</text>)"
                       "\n",
                       cy - 2, xml_escape(g.group.label), cy + 13, g.commits.size(), g.fixes);
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#999"/>)"
                       "\n",
                       left, width - right, cy, cy);
    for (const auto& c : g.commits) {
      const char* color = !c.is_fix() ? "#3b6ea8" : c.memory_safety.empty() ? "#e08a00" : "#c0392b";
      svg += fmt::format(R"(<circle cx="{:.1f}" cy="{}" r="{}" fill="{}" fill-opacity="0.8"><title>{} {}{}</title></circle>)"
                         "\n",
                         x(fractional_year(c.time)), cy, c.is_fix() ? 6 : 4, color, c.id.substr(0, 12),
                         xml_escape(c.subject), c.is_fix() ? " (fix)" : "");
    }
  }
  const int ly = height - 28;
  svg += fmt::format(
      R"(<circle cx="{0}" cy="{1}" r="4" fill="#3b6ea8"/><text x="{2}" y="{3}">commit</text>)"
      R"(<circle cx="{4}" cy="{1}" r="6" fill="#e08a00"/><text x="{5}" y="{3}">fix</text>)"
      R"(<circle cx="{6}" cy="{1}" r="6" fill="#c0392b"/><text x="{7}" y="{3}">memory-safety fix</text>)"
      "\n</svg>\n",
      left, ly, left + 8, ly + 4, left + 80, left + 90, left + 130, left + 140);
  return svg;
}

std::map<int, std::pair<std::size_t, std::size_t>> commits_per_year(const GroupHistory& g) {
  std::map<int, std::pair<std::size_t, std::size_t>> out;
  for (const auto& c : g.commits) {
    auto& [commits, fixes] = out[year_of(c.time)];
    ++commits;
    if (c.is_fix()) ++fixes;
  }
  return out;
}

}  // namespace refdrv::report
