// SPDX-License-Identifier: GPL-2.0
// What a configured tree was made from: the content of every file of the
// Linux tree that decides its configuration, its generated files and its
// compile lines. refdrv keeps one record per configured tree and uses it
//  - to notice that the tree changed under a cached configuration (a header
//    bindgen read, a Kconfig or Makefile edited): the tree is configured
//    again, and
//  - to reuse a configured tree for another tree (a patched copy, another
//    checkout of the same version) whose recorded files are all identical:
//    only the sources refdrv compiles itself may differ, and those are
//    recompiled from the other tree (kernel/kbuild.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace refdrv::kernel {

// A file's content hash with the stat data it was read under: a file whose
// device, inode, size and modification time are unchanged is not read again
// (an edit that keeps all four, `cp -p` onto the file at the same size, goes
// unseen; the status change time would see it, but making a `cp -al` copy
// changes it on every file, which would then all be read again).
struct FileState {
  std::string hash;
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  // The status change time (st_ctim), which a program cannot set back: only
  // as read by record_tree() (modified_between), not kept in a record.
  std::int64_t ctime_ns = 0;
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
};

// `path`'s identity without reading it: device, inode, size, modification
// and status change times, as "dev:ino:size:mtime:ctime"; empty if it
// cannot be stat'ed. A file replaced (a package upgrade, `cp`, a rename
// onto it) changes it, even with its old modification time put back.
[[nodiscard]] std::string file_stamp(const std::filesystem::path& path);

// `path`'s state; the content is hashed unless `known` has the same stat
// data (then its hash is taken). nullopt: not a readable regular file.
[[nodiscard]] std::optional<FileState> file_state(const std::filesystem::path& path, const FileState* known = nullptr);

// Whether two files have the same content (the same inode, as in a copy made
// with `cp -al`, without reading either).
[[nodiscard]] bool same_content(const std::filesystem::path& a, const std::filesystem::path& b);

struct TreeRecord {
  std::filesystem::path root;  // the tree the configuration was made from
  std::string version;
  std::string config_key;  // what else went in: fragment, toolchain, recipe
  std::map<std::string, FileState> files;  // tree-relative path -> state
  // Tree-relative directory ("." the top) -> its listing: as `hash`, the
  // hash of its entries that can change a build when added or removed
  // (build files; in include/ and arch/x86/include/, headers and
  // subdirectories too), with the directory's modification time, device
  // and inode when it was listed (one unchanged is not read again; no size
  // is kept). Every directory on the way to a recorded file.
  std::map<std::string, FileState> dirs;
};

// The sources refdrv compiles itself, each with the .cmd files (relative to
// the kbuild directory) of the objects it is compiled into.
using OwnSources = std::map<std::string, std::set<std::string>>;

// The entries of the directory `rel` of the tree at `root` that a listing
// of the record holds (see TreeRecord::dirs), sorted, a subdirectory's with
// a trailing '/'; nullopt if it cannot be read.
[[nodiscard]] std::optional<std::vector<std::string>> listed_entries(const std::filesystem::path& root,
                                                                     const std::string& rel);

// The record of the tree at `root`, configured in `kb`: every file of the
// tree that a .cmd file of kbuild's output names (sources and headers of
// every object and generated file, the scripts run), every Makefile, Kbuild
// and Kconfig file, everything under scripts/, rust/, include/ and
// arch/x86/include/ and the configs/ fragments tinyconfig reads, except
// `own_sources`: the sources refdrv recompiles itself, which a tree reusing
// this configuration may change; one that the .cmd file of another object
// than its own names is recorded all the same (bindgen's input
// rust/helpers/helpers.c). And the listing of each directory on the way to
// a recorded file (TreeRecord::dirs).
Result<TreeRecord> record_tree(const std::filesystem::path& root, const std::filesystem::path& kb,
                               const OwnSources& own_sources);

// The tree files a .cmd file names (absolute paths under `root`, made
// relative): its source_ and deps_ entries and the words of its command.
[[nodiscard]] std::set<std::string> cmd_tree_files(const std::filesystem::path& cmd_file,
                                                   const std::filesystem::path& root);

[[nodiscard]] std::string format_record(const TreeRecord& r);
Result<TreeRecord> parse_record(std::string_view text);

// The first recorded file whose content under `root` differs from the
// record (a missing file differs), or the first recorded directory whose
// listing does, or nullopt. A file with new stat data
// and the recorded content has its stat data updated in `r` (`refreshed`).
[[nodiscard]] std::optional<std::string> first_difference(TreeRecord& r, const std::filesystem::path& root,
                                                          bool& refreshed);

// The identity (device, inode, size, modification time; no hash) of every
// regular file of a tree, by tree-relative path, as a configure starts
// (file_identities): what tells a file whose status changed while kbuild
// read the tree but that was not written (a hard link made to it, as
// `cp -al` makes a copy of a tree; chmod) from one that was edited.
using FileIdentities = std::map<std::string, FileState>;

// Calls `visit` for every file and directory under `root`, .git left out.
void walk_tree(const std::filesystem::path& root, const std::function<void(const std::filesystem::path&)>& visit);

// Every regular file under `root` (.git left out), stat'ed now.
[[nodiscard]] FileIdentities file_identities(const std::filesystem::path& root);

// The first recorded file changed at or after `from_ns` (nanoseconds since
// the epoch; its status change time, which an edit that keeps the old
// modification time changes too), or nullopt: taken when the configure
// started, such a file changed while kbuild was reading the tree, so the
// record (its content now) need not be what the configuration was made
// from. A time later than `to_ns` (the record's) is not counted: a file
// server's clock ahead of this one, not an edit. Nor is a file whose
// identity in `at_start` (taken after `from_ns`, before kbuild ran) is the
// record's: by the rule the record itself keeps (FileState), kbuild read
// the content recorded.
[[nodiscard]] std::optional<std::string> modified_between(const TreeRecord& r, std::int64_t from_ns, std::int64_t to_ns,
                                                          const FileIdentities& at_start = {});

}  // namespace refdrv::kernel
