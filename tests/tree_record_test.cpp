// SPDX-License-Identifier: GPL-2.0
// kernel/tree_record: what a configured tree was made from, on a small tree
// and kbuild output made here (the kernel tests use Linux 6.12's).
#include "kernel/tree_record.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fstream>

#include "kernel/cache.hpp"
#include "kernel/kbuild.hpp"
#include "kernel/process.hpp"

namespace refdrv::kernel {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

class TreeRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("refdrv-tree-record-{}-{}", ::getpid(), counter_++);
    fs::remove_all(dir_);
    tree_ = dir_ / "linux";
    kb_ = dir_ / "kbuild";
    write(tree_ / "Makefile", "VERSION = 6\n");
    write(tree_ / "Kconfig", "source \"drivers/Kconfig\"\n");
    write(tree_ / "drivers/net/phy/Kconfig.extra", "config X\n");
    write(tree_ / "drivers/net/phy/ax.c", "#include <linux/phy.h>\nint x;\n");
    write(tree_ / "drivers/net/phy/ax_rust.rs", "// driver\n");
    write(tree_ / "include/linux/phy.h", "struct phy_device;\n");
    write(tree_ / "drivers/net/phy/unused.h", "/* no object includes it */\n");
    write(tree_ / "rust/helpers/helpers.c", "#include \"mutex.c\"\n");
    write(tree_ / "scripts/gen.sh", "#!/bin/sh\n");
    write(tree_ / "rust/kernel/lib.rs", "mod net;\n");
    write(tree_ / "rust/macros/lib.rs", "// proc macros\n");
    write(tree_ / "kernel/configs/tiny.config", "# CONFIG_X is not set\n");
    write(tree_ / "Documentation/phy.rst", "text\n");
    const std::string t = tree_.string();
    write(kb_ / "drivers/net/phy/.ax.o.cmd",
          fmt::format("savedcmd_drivers/net/phy/ax.o := gcc -I{0}/include -include {0}/include/linux/phy.h -c -o "
                      "drivers/net/phy/ax.o {0}/drivers/net/phy/ax.c\n\nsource_drivers/net/phy/ax.o := "
                      "{0}/drivers/net/phy/ax.c\n\ndeps_drivers/net/phy/ax.o := \\\n  {0}/include/linux/phy.h \\\n"
                      "    $(wildcard include/config/PHYLIB) \\\n\ndrivers/net/phy/ax.o: $(deps_drivers/net/phy/ax.o)\n",
                      t));
    write(kb_ / "include/generated/.gen.h.cmd", fmt::format("savedcmd_gen.h := sh {0}/scripts/gen.sh; true\n", t));
    // bindgen reads the helpers' source, which refdrv compiles itself too.
    write(kb_ / "rust/helpers/.helpers.o.cmd",
          fmt::format("savedcmd_rust/helpers/helpers.o := gcc -c {0}/rust/helpers/helpers.c\n", t));
    write(
        kb_ / "rust/bindings/.bindings_helpers_generated.rs.cmd",
        fmt::format("savedcmd_rust/bindings/bindings_helpers_generated.rs := bindgen {0}/rust/helpers/helpers.c\n", t));
  }
  void TearDown() override { fs::remove_all(dir_); }

  TreeRecord record() {
    auto r = record_tree(tree_, kb_,
                         {{"drivers/net/phy/ax.c", {"drivers/net/phy/.ax.o.cmd"}},
                          {"drivers/net/phy/ax_rust.rs", {"drivers/net/phy/.ax_rust.o.cmd"}},
                          {"rust/kernel/lib.rs", {"rust/.kernel.o.cmd"}},
                          {"rust/helpers/helpers.c", {"rust/helpers/.helpers.o.cmd"}}});
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(TreeRecord{});
  }

  static inline int counter_ = 0;
  fs::path dir_, tree_, kb_;
};

std::vector<std::string> paths(const TreeRecord& r) {
  std::vector<std::string> out;
  for (const auto& [rel, s] : r.files) out.push_back(rel);
  return out;
}

TEST_F(TreeRecordTest, RecordsHeadersScriptsAndBuildFilesButNotTheSourcesRefdrvCompiles) {
  const TreeRecord r = record();
  // The header the .cmd names, the script a generated file's command runs,
  // the build and configuration files, rust/ but for the crate source
  // refdrv compiles; the helpers' source, which refdrv compiles but bindgen
  // reads too; not the driver sources, not a header outside include/ that
  // nothing includes, not the documentation.
  EXPECT_THAT(paths(r), ElementsAre("Kconfig", "Makefile", "drivers/net/phy/Kconfig.extra", "include/linux/phy.h",
                                    "kernel/configs/tiny.config", "rust/helpers/helpers.c", "rust/macros/lib.rs",
                                    "scripts/gen.sh"));
  EXPECT_EQ(r.files.at("Makefile").hash, hash_hex("VERSION = 6\n"));
  // The directories on the way to them, listed.
  std::vector<std::string> dirs;
  for (const auto& [d, listing] : r.dirs) dirs.push_back(d);
  EXPECT_THAT(dirs, ElementsAre(".", "drivers", "drivers/net", "drivers/net/phy", "include", "include/linux", "kernel",
                                "kernel/configs", "rust", "rust/helpers", "rust/macros", "scripts"));
}

TEST_F(TreeRecordTest, AFileAddedWhereItCanChangeTheBuildIsADifferenceAnEditorsBackupIsNot) {
  TreeRecord r = record();
  bool refreshed = false;
  // Not an editor's backup, a patch's leftovers, a hidden file, a source,
  // a directory or header outside the include trees (refdrv's own
  // reproducers written into the tree's top: the next run was configured
  // again, minutes).
  write(tree_ / "drivers/net/phy/ax.c~", "old\n");
  write(tree_ / "drivers/net/phy/ax.c.rej", "--- a\n");
  write(tree_ / "drivers/net/phy/.ax.c.swp", "swap\n");
  write(tree_ / "drivers/net/phy/new.c", "int z;\n");
  write(tree_ / "drivers/net/phy/new.h", "int z;\n");
  write(tree_ / "refdrv-repro/x.yaml", "name: x\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  // kbuild reads a directory's Kbuild before its Makefile (it was reused
  // with a Kbuild adding -DDEBUG to phylib's flags, unseen).
  write(tree_ / "drivers/net/phy/Kbuild", "ccflags-y += -DDEBUG\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "drivers/net/phy/ (a file or directory added or removed)");
  fs::remove(tree_ / "drivers/net/phy/Kbuild");
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  // A header that can shadow another on an include path; a directory of them.
  write(tree_ / "include/linux/mdio.h", "/* new */\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "include/linux/ (a file or directory added or removed)");
  fs::remove(tree_ / "include/linux/mdio.h");
  write(tree_ / "include/net/phy.h", "/* new */\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "include/ (a file or directory added or removed)");
  fs::remove_all(tree_ / "include/net");
  write(tree_ / "Kbuild", "obj-y += drivers/\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "the tree's top directory (a file or directory added or removed)");
  fs::remove(tree_ / "Kbuild");
  // The helpers' source is recorded: a change to it reconfigures.
  write(tree_ / "rust/helpers/helpers.c", "#include \"mutex.c\"\n#include \"new.c\"\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "rust/helpers/helpers.c");
  // A listing differs as a file does when read back.
  r.version = "6";
  auto back = parse_record(format_record(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(first_difference(*back, tree_, refreshed), "rust/helpers/helpers.c");
  write(tree_ / "rust/helpers/helpers.c", "#include \"mutex.c\"\n");
  write(tree_ / "drivers/net/phy/Kbuild", "ccflags-y += -DDEBUG\n");
  EXPECT_EQ(first_difference(*back, tree_, refreshed), "drivers/net/phy/ (a file or directory added or removed)");
}

TEST_F(TreeRecordTest, AChangedHeaderOrBuildFileIsNamedAChangedDriverSourceIsNot) {
  TreeRecord r = record();
  bool refreshed = false;
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  write(tree_ / "drivers/net/phy/ax.c", "int y;\n");
  write(tree_ / "rust/kernel/lib.rs", "mod net; mod other;\n");
  write(tree_ / "drivers/net/phy/unused.h", "/* changed */\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  write(tree_ / "include/linux/phy.h", "struct phy_device { int changed; };\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "include/linux/phy.h");
  write(tree_ / "include/linux/phy.h", "struct phy_device;\n");
  write(tree_ / "drivers/net/phy/Kconfig.extra", "config Y\n");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "drivers/net/phy/Kconfig.extra");
  write(tree_ / "drivers/net/phy/Kconfig.extra", "config X\n");
  fs::remove(tree_ / "scripts/gen.sh");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "scripts/gen.sh");
}

std::int64_t mtime_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// The tree as it was before a configure started, an hour ago, and the
// configure's start (configure.started's time) now.
std::int64_t start_configure(const fs::path& tree, const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(tree))
    if (e.is_regular_file()) fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::hours(1));
  // File times come from a clock that ticks every few milliseconds: the
  // start, and the edits after it, each in a tick of its own.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(dir / "configure.started") << "";
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return mtime_of(dir / "configure.started");
}

TEST_F(TreeRecordTest, AFileChangedWhileTheTreeWasConfiguredIsNamedEvenWithItsOldDate) {
  const std::int64_t started = start_configure(tree_, dir_);
  const std::int64_t now = started + 60LL * 1000000000;
  EXPECT_EQ(modified_between(record(), started, now), std::nullopt);
  // Edited and given its old date back (cp -p, rsync -a): its status change
  // time says so (its modification time does not).
  write(tree_ / "scripts/gen.sh", "#!/bin/sh\necho edited\n");
  fs::last_write_time(tree_ / "scripts/gen.sh", fs::file_time_type::clock::now() - std::chrono::hours(1));
  EXPECT_EQ(modified_between(record(), started, now), "scripts/gen.sh");
  // Edited during the configure (named first: the record is in path order).
  write(tree_ / "include/linux/phy.h", "struct phy_device { int edited; };\n");
  EXPECT_EQ(modified_between(record(), started, now), "include/linux/phy.h");
  // Changes later than the record's time are a clock ahead, not an edit.
  EXPECT_EQ(modified_between(record(), started, started), std::nullopt);
}

// A hard link made to a recorded file while the tree was configured (a
// `cp -al` copy of the tree) moves its status change time and nothing else:
// with the identity it had when the configure started, it is not named; an
// edit (even one that puts the old date back) still is.
TEST_F(TreeRecordTest, AFileLinkedWhileTheTreeWasConfiguredIsNotNamedWhereItsIdentityIsTheOneAtTheStart) {
  const std::int64_t started = start_configure(tree_, dir_);
  const std::int64_t now = started + 60LL * 1000000000;
  const FileIdentities at_start = file_identities(tree_);
  ASSERT_TRUE(at_start.contains("include/linux/phy.h"));
  ASSERT_TRUE(at_start.contains("scripts/gen.sh"));
  fs::create_hard_link(tree_ / "include/linux/phy.h", dir_ / "phy.h-link");
  EXPECT_EQ(modified_between(record(), started, now), "include/linux/phy.h") << "without the start's identities";
  EXPECT_EQ(modified_between(record(), started, now, at_start), std::nullopt);
  // Named as a .cmd file can name it (lib/../mm/internal.h in Linux 6.12).
  TreeRecord r = record();
  r.files["drivers/../include/linux/phy.h"] = r.files.at("include/linux/phy.h");
  EXPECT_EQ(modified_between(r, started, now, at_start), std::nullopt);
  write(tree_ / "scripts/gen.sh", "#!/bin/sh\necho edited\n");
  fs::last_write_time(tree_ / "scripts/gen.sh", fs::file_time_type::clock::now() - std::chrono::hours(1));
  EXPECT_EQ(modified_between(record(), started, now, at_start), "scripts/gen.sh");
}

// file_stamp(): the same file keeps its stamp; the same bytes written as a
// new file under the old name, with the old modification time put back
// (cp -p), get another; a missing file has none.
TEST_F(TreeRecordTest, AFileStampChangesWithTheFileNotWithItsBytesOrDate) {
  const fs::path f = tree_ / "include/linux/phy.h";
  const std::string before = file_stamp(f);
  EXPECT_FALSE(before.empty());
  EXPECT_EQ(file_stamp(f), before);
  const auto mtime = fs::last_write_time(f);
  fs::rename(f, dir_ / "old-phy.h");  // kept, so its inode is not reused
  write(f, "struct phy_device;\n");
  fs::last_write_time(f, mtime);
  EXPECT_NE(file_stamp(f), before);
  EXPECT_EQ(file_stamp(dir_ / "no-such-file"), "");
}

// A directory with the stat data it was listed under is not read again; one
// whose entries changed is (its modification time moved), and a change that
// came and went refreshes the record.
TEST_F(TreeRecordTest, AnUnchangedDirectoryIsNotListedAgain) {
  TreeRecord r = record();
  bool refreshed = false;
  // A listing recorded wrong, under the directory's own stat data: not read,
  // so not seen (what proves the shortcut is taken).
  r.dirs.at("drivers/net/phy").hash = "wrong";
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  EXPECT_FALSE(refreshed);
  // Its modification time moved: read, and the wrong listing differs.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write(tree_ / "drivers/net/phy/x.tmp", "");
  EXPECT_EQ(first_difference(r, tree_, refreshed), "drivers/net/phy/ (a file or directory added or removed)");
  // A file that came and went: listed again, the same, the record refreshed.
  r = record();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  fs::remove(tree_ / "drivers/net/phy/x.tmp");
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  EXPECT_TRUE(refreshed);
  refreshed = false;
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  EXPECT_FALSE(refreshed);
}

TEST_F(TreeRecordTest, TheSameContentWithNewStatDataIsTheSameAndRefreshesTheRecord) {
  TreeRecord r = record();
  const auto old = r.files.at("include/linux/phy.h");
  // A new inode with the same bytes (the old one kept, so it is not reused).
  fs::rename(tree_ / "include/linux/phy.h", dir_ / "old-phy.h");
  write(tree_ / "include/linux/phy.h", "struct phy_device;\n");
  bool refreshed = false;
  EXPECT_EQ(first_difference(r, tree_, refreshed), std::nullopt);
  EXPECT_TRUE(refreshed);
  EXPECT_NE(r.files.at("include/linux/phy.h").ino, old.ino);
  EXPECT_EQ(r.files.at("include/linux/phy.h").hash, old.hash);
}

TEST_F(TreeRecordTest, AHardLinkedCopyWithOneDriverChangedMatchesAndSharesContent) {
  const TreeRecord r = record();
  const fs::path copy = dir_ / "copy";
  auto st = run({{"cp", "-al", tree_.string(), copy.string()}, {}, {}, {}});
  ASSERT_TRUE(st && *st == 0);
  fs::remove(copy / "drivers/net/phy/ax.c");
  write(copy / "drivers/net/phy/ax.c", "int patched;\n");
  TreeRecord for_copy = r;
  bool refreshed = false;
  EXPECT_EQ(first_difference(for_copy, copy, refreshed), std::nullopt);
  // Hard links are the recorded files: none re-read (the copy's directories
  // are new ones, listed again).
  for (const auto& [rel, state] : for_copy.files) EXPECT_EQ(state.ino, r.files.at(rel).ino) << rel;
  EXPECT_TRUE(same_content(tree_ / "include/linux/phy.h", copy / "include/linux/phy.h"));
  EXPECT_FALSE(same_content(tree_ / "drivers/net/phy/ax.c", copy / "drivers/net/phy/ax.c"));
  // A build file changed in the copy (through a new file, not the link).
  fs::remove(copy / "Makefile");
  write(copy / "Makefile", "VERSION = 7\n");
  EXPECT_EQ(first_difference(for_copy, copy, refreshed), "Makefile");
}

// A configured tree's record decides whether it is reconfigured: a header
// changed since is a change; so is a record that is missing (a run stopped
// between the configure and the record), which said "unchanged" and let
// later header edits go unseen.
TEST_F(TreeRecordTest, AConfiguredTreeWithoutItsRecordCountsAsChanged) {
  const fs::path configured = dir_ / "configured";
  fs::create_directories(configured);
  auto missing = changed_since_configured(configured, tree_);
  ASSERT_TRUE(missing);
  EXPECT_EQ(*missing, "tree.record is missing");
  write(configured / "tree.record", "# something else\n");
  EXPECT_THAT(changed_since_configured(configured, tree_).value_or(""),
              HasSubstr("tree.record cannot be read: not a tree record"));
  TreeRecord rec = record();
  rec.version = "6.12";
  rec.config_key = "k";
  write(configured / "tree.record", format_record(rec));
  EXPECT_EQ(changed_since_configured(configured, tree_), std::nullopt);
  write(tree_ / "include/linux/phy.h", "struct phy_device; /* changed */\n");
  EXPECT_EQ(changed_since_configured(configured, tree_), std::optional<std::string>("include/linux/phy.h"));
}

TEST_F(TreeRecordTest, TheRecordReadsBackAndABrokenOneIsAnError) {
  TreeRecord r = record();
  r.version = "6.12.118";
  r.config_key = "0123456789abcdef";
  auto back = parse_record(format_record(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->root, tree_);
  EXPECT_EQ(back->version, "6.12.118");
  EXPECT_EQ(back->config_key, "0123456789abcdef");
  ASSERT_EQ(back->files.size(), r.files.size());
  for (const auto& [rel, s] : r.files) {
    EXPECT_EQ(back->files.at(rel).hash, s.hash) << rel;
    EXPECT_EQ(back->files.at(rel).mtime_ns, s.mtime_ns) << rel;
    EXPECT_EQ(back->files.at(rel).ino, s.ino) << rel;
  }
  EXPECT_THAT(parse_record("# something else\n").error().message, HasSubstr("not a tree record"));
  const std::string text = format_record(r);
  EXPECT_THAT(parse_record(text + "F\tabc\tnot-a-number\t1\t2\t3\tx\n").error().message,
              HasSubstr(fmt::format("line {}: malformed", 5 + r.files.size() + r.dirs.size())));
  ASSERT_EQ(back->dirs.size(), r.dirs.size());
  for (const auto& [d, s] : r.dirs) {
    EXPECT_EQ(back->dirs.at(d).hash, s.hash) << d;
    EXPECT_EQ(back->dirs.at(d).mtime_ns, s.mtime_ns) << d;
    EXPECT_EQ(back->dirs.at(d).ino, s.ino) << d;
  }
  // A record of an older refdrv (without the directory listings, or with
  // the broader ones of format 2) is none.
  for (const char* older :
       {"# refdrv tree record 1\nroot\t/l\nversion\t6.12\n", "# refdrv tree record 2\nroot\t/l\nversion\t6.12\n"})
    EXPECT_THAT(parse_record(older).error().message, HasSubstr("not a tree record"));
  EXPECT_THAT(parse_record("# refdrv tree record 4\nversion\t6.12\n").error().message, HasSubstr("incomplete"));
}

TEST_F(TreeRecordTest, CmdFilesNameTheTreeFilesOfTheirCommandsAndDependencies) {
  EXPECT_THAT(cmd_tree_files(kb_ / "drivers/net/phy/.ax.o.cmd", tree_),
              ElementsAre("drivers/net/phy/ax.c", "include/linux/phy.h"));
  EXPECT_THAT(cmd_tree_files(kb_ / "include/generated/.gen.h.cmd", tree_), ElementsAre("scripts/gen.sh"));
}

}  // namespace
}  // namespace refdrv::kernel
