// SPDX-License-Identifier: GPL-2.0
#include "kernel/tree_record.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <vector>

#include "kernel/cache.hpp"

namespace refdrv::kernel {

namespace fs = std::filesystem;

namespace {

// 2: directory listings (D lines), every header under include/ and
// arch/x86/include/, a compiled source another step reads kept. 3: the
// listings hold build files, and subdirectories and headers only in the
// include trees. 4: each listing with its directory's stat data, so that an
// unchanged directory is not read again (reading the 3 600 of them on every
// run doubled the sanitizer pass's time).
constexpr std::string_view kHeader = "# refdrv tree record 4";

// A file's state as stat() gives it (no content hash).
FileState stat_state(const struct stat& st) {
  FileState s;
  s.size = static_cast<std::uintmax_t>(st.st_size);
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  s.dev = static_cast<std::uint64_t>(st.st_dev);
  s.ino = static_cast<std::uint64_t>(st.st_ino);
  return s;
}

// The same file, unwritten: device, inode, size and modification time.
bool same_identity(const FileState& a, const FileState& b) {
  return a.dev == b.dev && a.ino == b.ino && a.size == b.size && a.mtime_ns == b.mtime_ns;
}

// Files named like a build or configuration file, wherever they are.
bool build_file_name(const std::string& name) {
  return name.rfind("Makefile", 0) == 0 || name.rfind("Kbuild", 0) == 0 || name.rfind("Kconfig", 0) == 0 ||
         (name.size() > 3 && name.compare(name.size() - 3, 3, ".mk") == 0);
}

// Whether a tree-relative directory is in one of the include trees on
// every compile's include path (include/, arch/x86/include/).
bool in_include_tree(const std::string& rel) {
  for (std::string_view top : {"include", "arch/x86/include"})
    if (rel == top || (rel.starts_with(top) && rel.size() > top.size() && rel[top.size()] == '/')) return true;
  return false;
}

// A directory entry that can change a build when added or removed: a build
// or configuration file anywhere (kbuild reads a directory's Kbuild before
// its Makefile); in the include trees, a header or a subdirectory too (one
// that shadows another on the include path: arch/x86/include/linux/x.h
// before include/linux/x.h). Hidden names and everything else (an editor's
// backup, a patch's .rej, a directory of reproducers refdrv wrote into the
// tree's top) are left out: adding one changes no build. (Not seen: a
// header added beside a source that a quoted #include finds before the one
// it found on the include path.)
bool listed(const fs::directory_entry& e, bool include_tree) {
  const std::string n = e.path().filename().string();
  if (n.empty() || n[0] == '.') return false;
  std::error_code ec;
  if (e.is_directory(ec)) return include_tree;
  return build_file_name(n) || (include_tree && n.ends_with(".h"));
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string file_stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return fmt::format("{}:{}:{}:{}.{}:{}.{}", st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                     st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

std::optional<FileState> file_state(const fs::path& path, const FileState* known) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  FileState s = stat_state(st);
  if (known && same_identity(s, *known)) {
    s.hash = known->hash;
    return s;
  }
  auto text = read_file(path);
  if (!text) return std::nullopt;
  s.hash = hash_hex(*text);
  return s;
}

bool same_content(const fs::path& a, const fs::path& b) {
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino) return true;
  if (sa.st_size != sb.st_size) return false;
  auto ta = read_file(a);
  auto tb = read_file(b);
  return ta && tb && *ta == *tb;
}

std::set<std::string> cmd_tree_files(const fs::path& cmd_file, const fs::path& root) {
  std::set<std::string> out;
  auto text = read_file(cmd_file);
  if (!text) return out;
  const std::string prefix = root.string() + "/";
  std::istringstream in(*text);
  for (std::string w; in >> w;) {
    if (w.rfind(prefix, 0) != 0) continue;
    // A path followed by make's punctuation (`file:` or `file;`).
    while (!w.empty() && (w.back() == ':' || w.back() == ';' || w.back() == ')')) w.pop_back();
    out.insert(w.substr(prefix.size()));
  }
  return out;
}

std::optional<std::vector<std::string>> listed_entries(const fs::path& root, const std::string& rel) {
  std::vector<std::string> names;
  std::error_code ec;
  const bool include_tree = in_include_tree(rel);
  for (const auto& e : fs::directory_iterator(root / rel, ec))
    if (listed(e, include_tree)) names.push_back(e.path().filename().string() + (e.is_directory(ec) ? "/" : ""));
  if (ec) return std::nullopt;
  std::sort(names.begin(), names.end());
  return names;
}

std::string directory_listing(const fs::path& root, const std::string& rel) {
  const auto names = listed_entries(root, rel);
  if (!names) return "(unreadable)";
  std::string all;
  for (const auto& n : *names) all += n + "\n";
  return hash_hex(all);
}

Result<TreeRecord> record_tree(const fs::path& root, const fs::path& kb, const OwnSources& own_sources) {
  std::set<std::string> names;
  // The sources refdrv compiles that a step other than their own object's
  // reads too (bindgen reads rust/helpers/helpers.c for the bindings of
  // the Rust helpers): their content decides a generated file.
  std::set<std::string> read_elsewhere;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(kb, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.size() > 5 && n[0] == '.' && n.compare(n.size() - 4, 4, ".cmd") == 0 && it->is_regular_file()) {
      auto files = cmd_tree_files(it->path(), root);
      const std::string cmd = it->path().lexically_relative(kb).string();
      for (const auto& f : files)
        if (const auto o = own_sources.find(f); o != own_sources.end() && !o->second.contains(cmd))
          read_elsewhere.insert(f);
      names.insert(files.begin(), files.end());
    }
  }
  if (ec) return fail(fmt::format("cannot read the configured tree {}: {}", kb.string(), ec.message()));
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(root).string();
    if (it->is_directory()) {
      if (it->path().filename() == ".git") it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const std::string parent = it->path().parent_path().filename().string();
    // Every header of the include directories, not only those a kbuild
    // object read: refdrv's emulation is compiled against them too
    // (include/linux/utsname.h, which no object of the configure reads).
    if (build_file_name(it->path().filename().string()) || rel.starts_with("scripts/") || rel.starts_with("rust/") ||
        rel.starts_with("include/") || rel.starts_with("arch/x86/include/") || parent == "configs")
      names.insert(rel);
  }
  if (ec) return fail(fmt::format("cannot read the tree {}: {}", root.string(), ec.message()));
  TreeRecord r;
  r.root = root;
  for (const auto& rel : names) {
    if (own_sources.contains(rel) && !read_elsewhere.contains(rel)) continue;
    auto s = file_state(root / rel);
    if (!s) continue;  // a directory named in a command line, a file kbuild made and removed
    r.files.emplace(rel, std::move(*s));
  }
  // The listing of every directory on the way to a recorded file, the
  // tree's own included: a file the record cannot name because it did not
  // exist then (a Kbuild beside a Makefile, a header that shadows one) is
  // a new entry there.
  std::set<std::string> dirs = {"."};
  for (const auto& [rel, state] : r.files)
    for (fs::path d = fs::path(rel).lexically_normal().parent_path(); !d.empty() && !d.string().starts_with("..");
         d = d.parent_path())
      if (!dirs.insert(d.string()).second) break;
  for (const auto& d : dirs) {
    struct stat st {};
    FileState s = ::stat((root / d).c_str(), &st) == 0 ? stat_state(st) : FileState{};
    s.hash = directory_listing(root, d);
    r.dirs.emplace(d, std::move(s));
  }
  return r;
}

std::string format_record(const TreeRecord& r) {
  std::string out = fmt::format("{}\nroot\t{}\nversion\t{}\nkey\t{}\n", kHeader, r.root.string(), r.version,
                                r.config_key);
  for (const auto& [rel, s] : r.files)
    out += fmt::format("F\t{}\t{}\t{}\t{}\t{}\t{}\n", s.hash, s.size, s.mtime_ns, s.dev, s.ino, rel);
  for (const auto& [rel, s] : r.dirs)
    out += fmt::format("D\t{}\t{}\t{}\t{}\t{}\n", s.hash, s.mtime_ns, s.dev, s.ino, rel);
  return out;
}

Result<TreeRecord> parse_record(std::string_view text) {
  TreeRecord r;
  std::size_t line_no = 0;
  bool header = false;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line_no == 1) {
      if (line != kHeader) return fail("not a tree record of this refdrv");
      header = true;
      continue;
    }
    std::vector<std::string_view> f;
    for (std::string_view rest = line;;) {
      const auto tab = rest.find('\t');
      f.push_back(rest.substr(0, tab));
      if (tab == std::string_view::npos || f.size() == 7) {
        if (tab != std::string_view::npos) f.back() = rest;  // a path with tabs
        break;
      }
      rest = rest.substr(tab + 1);
    }
    const auto bad = [&] { return fail(fmt::format("tree record line {}: malformed", line_no)); };
    if (f[0] == "root" && f.size() == 2) r.root = std::string(f[1]);
    else if (f[0] == "version" && f.size() == 2) r.version = std::string(f[1]);
    else if (f[0] == "key" && f.size() == 2) r.config_key = std::string(f[1]);
    else if (f[0] == "F" && f.size() == 7) {
      FileState s;
      s.hash = std::string(f[1]);
      if (!parse_number(f[2], s.size) || !parse_number(f[3], s.mtime_ns) || !parse_number(f[4], s.dev) ||
          !parse_number(f[5], s.ino) || f[6].empty())
        return bad();
      r.files.emplace(std::string(f[6]), std::move(s));
    } else if (f[0] == "D" && f.size() == 6 && !f[1].empty() && !f[5].empty()) {
      FileState s;
      s.hash = std::string(f[1]);
      if (!parse_number(f[2], s.mtime_ns) || !parse_number(f[3], s.dev) || !parse_number(f[4], s.ino)) return bad();
      r.dirs.emplace(std::string(f[5]), std::move(s));
    } else {
      return bad();
    }
  }
  if (!header || r.root.empty() || r.version.empty()) return fail("tree record: incomplete");
  return r;
}

std::optional<std::string> first_difference(TreeRecord& r, const fs::path& root, bool& refreshed) {
  for (auto& [rel, known] : r.files) {
    auto now = file_state(root / rel, &known);
    if (!now || now->hash != known.hash) return rel;
    if (now->mtime_ns != known.mtime_ns || now->ino != known.ino || now->dev != known.dev) {
      known = std::move(*now);
      refreshed = true;
    }
  }
  for (auto& [rel, known] : r.dirs) {
    // A directory with the stat data it was listed under is unchanged: an
    // entry added, removed or renamed moves its modification time.
    struct stat st {};
    const bool stated = ::stat((root / rel).c_str(), &st) == 0;
    FileState now = stated ? stat_state(st) : FileState{};
    if (stated && now.dev == known.dev && now.ino == known.ino && now.mtime_ns == known.mtime_ns) continue;
    now.hash = directory_listing(root, rel);
    if (now.hash != known.hash)
      return rel == "." ? std::string("the tree's top directory (a file or directory added or removed)")
                        : rel + "/ (a file or directory added or removed)";
    if (stated) {  // the same listing under new stat data (an editor's file came and went)
      known = std::move(now);
      refreshed = true;
    }
  }
  return std::nullopt;
}

void walk_tree(const fs::path& root, const std::function<void(const fs::path&)>& visit) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    visit(it->path());
  }
}

FileIdentities file_identities(const fs::path& root) {
  FileIdentities out;
  walk_tree(root, [&](const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    out.emplace(p.lexically_relative(root).string(), stat_state(st));
  });
  return out;
}

std::optional<std::string> modified_between(const TreeRecord& r, std::int64_t from_ns, std::int64_t to_ns,
                                            const FileIdentities& at_start) {
  for (const auto& [rel, known] : r.files) {
    if (known.ctime_ns < from_ns || known.ctime_ns > to_ns) continue;
    // (A .cmd file names some as kbuild reached them: lib/../mm/internal.h.)
    if (const auto it = at_start.find(fs::path(rel).lexically_normal().string());
        it != at_start.end() && same_identity(it->second, known))
      continue;
    return rel;
  }
  return std::nullopt;
}

}  // namespace refdrv::kernel
