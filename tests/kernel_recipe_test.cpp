// SPDX-License-Identifier: GPL-2.0
// The per-tree recipe without building anything: what is accepted as a Linux
// tree (and what each rejection says), the reference pairs read from the
// tree's Makefile and Kconfig, and how kbuild's compile lines are adapted.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "kernel/cache.hpp"
#include "kernel/groups.hpp"
#include "kernel/kbuild.hpp"
#include "kernel/process.hpp"
#include "kernel/toolchain.hpp"
#include "kernel/tree.hpp"
#include "tests/scratch_tree.hpp"

namespace refdrv::kernel {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class FakeTree : public test::ScratchTree {
 protected:
  void complete_tree() {
    put("Makefile", "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\n");
    for (const char* f : {"drivers/net/phy/phy.c", "drivers/net/phy/phy_device.c", "drivers/net/phy/mdio_bus.c",
                          "drivers/net/phy/ax88796b.c", "drivers/net/phy/ax88796b_rust.rs",
                          "scripts/kconfig/merge_config.sh", "arch/x86/Makefile"})
      put(f, "");
    put("drivers/net/phy/Makefile",
        "obj-$(CONFIG_AMCC_QT2025_PHY)\t+= qt2025.o\n"
        "ifdef CONFIG_AX88796B_RUST_PHY\n"
        "  obj-$(CONFIG_AX88796B_PHY)\t+= ax88796b_rust.o\n"
        "else\n"
        "  obj-$(CONFIG_AX88796B_PHY)\t+= ax88796b.o\n"
        "endif\n"
        "obj-$(CONFIG_BCM54140_PHY)\t+= bcm54140.o\n");
    put("drivers/net/phy/Kconfig",
        "config AX88796B_PHY\n\ttristate \"Asix PHYs\"\n\n"
        "config AX88796B_RUST_PHY\n\tbool \"Rust reference driver for Asix PHYs\"\n"
        "\tdepends on RUST_PHYLIB_ABSTRACTIONS && AX88796B_PHY\n\thelp\n\t  ...\n\n"
        "config BROADCOM_PHY\n\ttristate \"Broadcom 54XX PHYs\"\n");
  }
};

// A Makefile syntax error fails with or without Rust: reported as the tree's,
// not as "the Rust drivers are left out" after configuring twice; only the
// Rust side's own failures are remembered.
TEST(ConfigureErrors, ATreeBuildFileErrorIsNotTheRustSides) {
  const std::string makefile =
      "make prepare failed (exit status 2). Last lines of configure.log:\n"
      "drivers/net/phy/Makefile:42: *** extraneous 'else'.  Stop.\nmake[3]: *** [scripts/Makefile.build:478] Error 2\n";
  EXPECT_EQ(tree_build_file_error(makefile), "drivers/net/phy/Makefile:42: *** extraneous 'else'.  Stop.");
  EXPECT_FALSE(rust_side_failure(makefile));
  EXPECT_EQ(tree_build_file_error("drivers/net/phy/Kconfig:12: syntax error\n"),
            "drivers/net/phy/Kconfig:12: syntax error");
  // rust/'s own Makefile, and errors that name the toolchain, are the Rust side's.
  const std::string rust_makefile = "rust/Makefile:300: *** bindgen 0.60.1 is too old.  Stop.\n";
  EXPECT_EQ(tree_build_file_error(rust_makefile), "");
  EXPECT_TRUE(rust_side_failure(rust_makefile));
  EXPECT_TRUE(rust_side_failure("error[E0425]: cannot find value `x` in this scope\n --> rust/kernel/net/phy.rs:12:5\n"));
  // A killed compiler or a full disk names neither: not remembered.
  EXPECT_FALSE(rust_side_failure("make prepare failed (exit status 2): cc1: out of memory; Killed\n"));
  EXPECT_FALSE(rust_side_failure("No space left on device\n"));
  // A rustc the machine killed names rust all the same: make's "Error 137"
  // (SIGKILL) is the machine's, not the Rust side's to remember (a review).
  const std::string killed_rustc =
      "make prepare failed (exit status 2). Last lines of configure.log:\n"
      "  RUSTC L rust/core.o\nmake[2]: *** [rust/Makefile:464: rust/core.o] Error 137\n";
  EXPECT_EQ(machine_failure(killed_rustc), "] Error 137");
  EXPECT_FALSE(rust_side_failure(killed_rustc));
}

// A Rust driver of the tree that does not compile in the configure's kbuild
// run is the tree's error ("does not build"), as refdrv's own build says
// of it; it was taken for a Rust side to leave out, so one commit was "does
// not build" or "not checked" by what the cache held (a review, 2026-12-07).
// Errors in rust/'s crates stay the toolchain's.
TEST(ConfigureErrors, ARustDriverThatDoesNotCompileIsTheTreesError) {
  const fs::path root = fs::temp_directory_path() / ("refdrv-rust-driver-" + std::to_string(::getpid()));
  fs::create_directories(root / "drivers/net/phy");
  std::ofstream(root / "drivers/net/phy/ax88796b_rust.rs") << "// x\n";
  const std::string make_only =
      "building drivers/net/phy with kbuild failed (exit status 2). Last lines of configure.log:\n"
      "       |     ^ expected expression\nerror: aborting due to 1 previous error\n"
      "make[6]: *** [/c/tree/scripts/Makefile.build:289: drivers/net/phy/ax88796b_rust.o] Error 1\n";
  EXPECT_EQ(tree_rust_driver_error(make_only, root), "drivers/net/phy/ax88796b_rust.rs");
  EXPECT_EQ(tree_rust_driver_error("error: expected expression\n  --> drivers/net/phy/ax88796b_rust.rs:91:5\n", root),
            "drivers/net/phy/ax88796b_rust.rs:91:5");
  // A C object of drivers/ (no .rs beside it) and rust/'s crates are not it.
  EXPECT_EQ(tree_rust_driver_error("make[6]: *** [scripts/Makefile.build:244: drivers/net/phy/phy.o] Error 1\n", root), "");
  EXPECT_EQ(tree_rust_driver_error("error[E0425]: cannot find value\n --> rust/kernel/net/phy.rs:12:5\n", root), "");
  // A warning's location is no error of the driver (a configure killed for
  // another reason, a warning in the log's tail).
  EXPECT_EQ(tree_rust_driver_error("warning: unused variable\n  --> drivers/net/phy/ax88796b_rust.rs:10:5\nKilled\n", root),
            "");
  fs::remove_all(root);
}

// A remembered Rust-side failure holds while nothing in the tree changed:
// an edit, a file added or removed moves the tree's latest status change;
// .git does not.
TEST_F(FakeTree, AnEditAnAddedOrARemovedFileMovesTheTreesLastChange) {
  complete_tree();
  const auto settle = [] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); };
  std::int64_t last = tree_changed_ns(root_);
  EXPECT_GT(last, 0);
  settle();
  EXPECT_EQ(tree_changed_ns(root_), last) << "nothing changed";
  fs::create_directories(root_ / ".git");
  const std::int64_t with_git_dir = tree_changed_ns(root_);  // the root directory itself changed
  settle();
  put(".git/HEAD", "ref: refs/heads/main\n");
  EXPECT_EQ(tree_changed_ns(root_), with_git_dir) << ".git is left out";
  settle();
  put("include/linux/phy.h", "/* edited */\n");
  EXPECT_GT(tree_changed_ns(root_), with_git_dir);
  last = tree_changed_ns(root_);
  settle();
  fs::remove(root_ / "include/linux/phy.h");
  EXPECT_GT(tree_changed_ns(root_), last) << "a removed file changes its directory";
}

// A ninja log whose failed edges are all refdrv's emulation (compiled
// against a tree's headers) is refdrv's gap, not the tree's build failing.
TEST(ConfigureErrors, AFailureOfRefdrvsOwnEmulationIsNotTheTreesBuild) {
  const fs::path build = "/c/builds/6.12-k", emul = build / "emul";
  const std::string ours = "[3/90] CC /c/builds/6.12-k/emul/core.o\nFAILED: /c/builds/6.12-k/emul/drivercore.o\n"
                           "emul/drivercore.c:313: error: initialization of 'int (*)(struct device *, "
                           "struct device_driver *)'\nninja: build stopped: subcommand failed.\n";
  EXPECT_TRUE(only_refdrvs_own_failed(ours, emul, build));
  EXPECT_TRUE(only_refdrvs_own_failed("FAILED: /c/builds/6.12-k/stubs.o\n", emul, build)) << "the generated stubs";
  // A tree object among them, or the link, may be the tree's.
  EXPECT_FALSE(only_refdrvs_own_failed(ours + "FAILED: /c/builds/6.12-k/obj/drivers/net/phy/ax88796b.o\n", emul, build));
  EXPECT_FALSE(only_refdrvs_own_failed("FAILED: /c/builds/6.12-k/libkernel.so\n", emul, build));
  EXPECT_FALSE(only_refdrvs_own_failed("ninja: error: loading 'build.ninja'\n", emul, build)) << "no edge named";
  // A derived build's emulation is its parent's.
  EXPECT_TRUE(only_refdrvs_own_failed("FAILED: /c/builds/6.12-p/emul/bug.o\n", "/c/builds/6.12-p/emul", build));
}

// A lock another holder has is waited for after saying so (a first check
// beside a running build stalled for a minute without a word).
TEST(FileLock, AWaitForAnotherHolderIsSaid) {
  const fs::path path = fs::temp_directory_path() / ("refdrv-lock-test-" + std::to_string(::getpid())) / ".lock";
  std::atomic<int> notices{0};
  std::string said;
  FileLock::set_wait_notice([&](const std::string& what) {
    said = what;
    ++notices;
  });
  {
    auto first = FileLock::acquire(path);
    ASSERT_TRUE(first) << first.error().message;
    std::atomic<bool> got{false};
    std::thread second([&] {
      auto l = FileLock::acquire(path);  // another open file description: it conflicts
      EXPECT_TRUE(l);
      got = true;
    });
    for (int i = 0; i < 500 && notices == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(notices, 1);
    EXPECT_FALSE(got) << "it waits while the first holds the lock";
    { const FileLock released = std::move(*first); }  // closed here: the lock is free
    second.join();
    EXPECT_TRUE(got);
  }
  EXPECT_THAT(said, HasSubstr("waiting for another refdrv process that holds " + path.string()));
  // A free lock is taken without a word.
  auto again = FileLock::acquire(path);
  EXPECT_TRUE(again);
  EXPECT_EQ(notices, 1);
  FileLock::set_wait_notice(nullptr);
  std::error_code ec;
  fs::remove_all(path.parent_path(), ec);
}

TEST_F(FakeTree, ACompleteTreeIsReadWithItsVersionAndReferencePair) {
  complete_tree();
  auto t = open_tree(root_);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->version, "6.12.117");
  ASSERT_EQ(t->groups.size(), 1u);
  EXPECT_EQ(t->groups[0].kconfig, "AX88796B_PHY");
  EXPECT_EQ(t->groups[0].c_source, "drivers/net/phy/ax88796b.c");
  EXPECT_EQ(t->groups[0].rust_source, "drivers/net/phy/ax88796b_rust.rs");
  EXPECT_EQ(t->groups[0].rust_kconfig, "AX88796B_RUST_PHY");
  EXPECT_EQ(t->groups[0].rust_depends, "RUST_PHYLIB_ABSTRACTIONS && AX88796B_PHY");
  EXPECT_EQ(t->object_kconfig.at("drivers/net/phy/ax88796b.o"), "AX88796B_PHY");
  EXPECT_EQ(t->object_kconfig.at("drivers/net/phy/bcm54140.o"), "BCM54140_PHY");
}

TEST_F(FakeTree, ATreeWithoutTheRustPairHasNoGroup) {
  complete_tree();
  put("drivers/net/phy/Makefile", "obj-$(CONFIG_AX88796B_PHY)\t+= ax88796b.o\n");
  auto t = open_tree(root_);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->groups.empty());
}

TEST_F(FakeTree, NotATreeSaysHowToGetOne) {
  put("README", "hello");
  auto t = open_tree(root_);
  ASSERT_FALSE(t);
  EXPECT_THAT(t.error().message, HasSubstr("is not a Linux source tree"));
  EXPECT_THAT(t.error().message, HasSubstr("apt-get download linux-source-6.12"));
  EXPECT_EQ(t.error().exit_code, 2);
  EXPECT_THAT(open_tree(root_ / "missing").error().message, HasSubstr("is not a directory"));
}

TEST_F(FakeTree, ATreeWithoutPhylibIsNamedSo) {
  complete_tree();
  fs::remove(root_ / "drivers/net/phy/mdio_bus.c");
  EXPECT_THAT(open_tree(root_).error().message, HasSubstr("lacks phylib: drivers/net/phy/mdio_bus.c is missing"));
}

// The groups' sources and configuration lines come from the tree's Makefile:
// the pair's C and Rust objects, a Rust-only driver selected by its own
// symbol, nothing for a group the tree lacks.
TEST_F(FakeTree, TheGroupsSourcesAndConfigurationLinesAreTheTrees) {
  complete_tree();
  put("drivers/net/phy/qt2025.rs", "");
  put("drivers/net/phy/Kconfig", read_file(root_ / "drivers/net/phy/Kconfig").value() +
                                     "\nconfig AMCC_QT2025_PHY\n\ttristate \"AMCC QT2025 PHY\"\n"
                                     "\tdepends on RUST_PHYLIB_ABSTRACTIONS\n");
  auto t = open_tree(root_);
  ASSERT_TRUE(t) << t.error().message;
  const GroupSources asix = sources_of(*t, reference_group());
  EXPECT_EQ(reference_group().kconfig, "AX88796B_PHY");
  EXPECT_EQ(asix.c_source, "drivers/net/phy/ax88796b.c");
  EXPECT_EQ(asix.rust_source, "drivers/net/phy/ax88796b_rust.rs");
  EXPECT_EQ(asix.rust_kconfig, "AX88796B_RUST_PHY");
  EXPECT_TRUE(asix.pair());
  const GroupSources qt = sources_of(*t, *find_group("AMCC_QT2025_PHY"));
  EXPECT_EQ(qt.c_source, "");
  EXPECT_EQ(qt.rust_source, "drivers/net/phy/qt2025.rs");
  EXPECT_EQ(qt.rust_kconfig, "AMCC_QT2025_PHY");
  EXPECT_EQ(qt.rust_depends, "RUST_PHYLIB_ABSTRACTIONS");
  EXPECT_THAT(group_fragment(*t, false), HasSubstr("\nCONFIG_AX88796B_PHY=y\n"));
  EXPECT_THAT(group_fragment(*t, false), Not(HasSubstr("QT2025")));
  EXPECT_THAT(group_fragment(*t, true), HasSubstr("\nCONFIG_AX88796B_RUST_PHY=y\nCONFIG_AMCC_QT2025_PHY=y\n"));
  EXPECT_EQ(find_group("BROADCOM_PHY"), nullptr);
}

// A tree without the Asix driver is still a tree: refdrv runs the drivers
// it has, and its configuration asks for no Asix symbol.
TEST_F(FakeTree, ATreeWithoutTheAsixDriverOpensAndConfiguresNoAsixSymbol) {
  complete_tree();
  fs::remove(root_ / "drivers/net/phy/ax88796b.c");
  fs::remove(root_ / "drivers/net/phy/ax88796b_rust.rs");
  put("drivers/net/phy/Makefile", "obj-$(CONFIG_BCM54140_PHY)\t+= bcm54140.o\n");
  auto t = open_tree(root_);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(sources_of(*t, reference_group()).any());
  EXPECT_EQ(group_fragment(*t, false), "");
  EXPECT_EQ(group_fragment(*t, true), "");
}

TEST_F(FakeTree, AConfiguredTreeIsRefusedBecauseRefdrvNeverWritesIntoIt) {
  complete_tree();
  put(".config", "CONFIG_X=y\n");
  EXPECT_THAT(open_tree(root_).error().message, HasSubstr("configured in place"));
}

// What the user's environment would add to kbuild's commands (KCFLAGS,
// LLVM, W=1 through MAKEFLAGS) is in no cache key: the first run to
// configure a tree baked it into every later run's build. refdrv's commands
// run without it; what refdrv itself passes stays, and so do gcc's search
// paths (in the configuration's key: a host may need them).
TEST(Commands, RunWithoutTheEnvironmentThatWouldChangeABuild) {
  const std::vector<std::pair<const char*, const char*>> set = {
      {"KCFLAGS", "-DDEBUG"}, {"LLVM", "1"}, {"MAKEFLAGS", "W=1"}, {"CPATH", "/tmp/x"}, {"REFDRV_KEPT", "yes"}};
  for (const auto& [name, value] : set) ::setenv(name, value, 1);
  auto out = capture(Command{
      {"sh", "-c", "echo \"[$KCFLAGS][$LLVM][$MAKEFLAGS][$CPATH][$REFDRV_KEPT][$ARCH]\""}, {}, {}, {"ARCH=x86_64"}});
  for (const auto& [name, value] : set) ::unsetenv(name);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "[][][][/tmp/x][yes][x86_64]\n");
}

// Without HOME (nor XDG_CACHE_HOME, nor REFDRV_CACHE_DIR) the cache is this
// user's own private directory in the temporary directory: a name shared by
// every user (/tmp/refdrv-cache) could be made first by another user, who
// would plant the builds refdrv loads.
TEST(Cache, WithoutAHomeIsThisUsersOwnPrivateDirectory) {
  std::map<std::string, std::string> saved;
  for (const char* name : {"REFDRV_CACHE_DIR", "XDG_CACHE_HOME", "HOME"})
    if (const char* v = std::getenv(name)) saved[name] = v;
  for (const char* name : {"REFDRV_CACHE_DIR", "XDG_CACHE_HOME", "HOME"}) ::unsetenv(name);
  const std::filesystem::path dir = cache_root();
  for (const auto& [name, value] : saved) ::setenv(name.c_str(), value.c_str(), 1);
  EXPECT_EQ(dir.parent_path(), std::filesystem::temp_directory_path());
  EXPECT_THAT(dir.filename().string(), ::testing::StartsWith("refdrv-cache-"));
  struct stat st {};
  ASSERT_EQ(::lstat(dir.c_str(), &st), 0) << dir;
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_uid, ::getuid());
  EXPECT_EQ(st.st_mode & 077, 0u) << "group or others may use " << dir;
  // The environment put back, so is the cache (the fallback again where the
  // tests run without any of the three).
  EXPECT_EQ(cache_root(), saved.count("REFDRV_CACHE_DIR") ? std::filesystem::path(saved["REFDRV_CACHE_DIR"])
                          : saved.count("XDG_CACHE_HOME") ? std::filesystem::path(saved["XDG_CACHE_HOME"]) / "refdrv"
                          : saved.count("HOME")           ? std::filesystem::path(saved["HOME"]) / ".cache/refdrv"
                                                          : dir);
}

TEST(UserspaceFlags, AdaptsTheKbuildCompileLine) {
  const std::vector<std::string> kbuild = {
      "gcc", "-Wp,-MMD,drivers/net/phy/.phy.o.d", "-nostdinc", "-I./include", "-include", "./include/x.h",
      "-fno-PIE", "-mcmodel=kernel", "-mpreferred-stack-boundary=3", "-mskip-rax-setup",
      "-fstack-protector-strong", "-pg", "-mfentry", "-mindirect-branch=thunk-extern", "-mfunction-return=thunk-extern",
      "-fpatchable-function-entry=16,16", "-O2", "-DKBUILD_MODNAME=\"libphy\"", "-c", "-o",
      "drivers/net/phy/phy.o", "/src/drivers/net/phy/phy.c"};
  auto out = userspace_flags(kbuild, "/kb");
  EXPECT_THAT(out, ::testing::ElementsAre("gcc", "-fPIC", "-mcmodel=small", "-nostdinc", "-I/kb/include", "-include",
                                          "/kb/include/x.h", "-O2", "-DKBUILD_MODNAME=\"libphy\""));
}

TEST(ShellSplit, HandlesKbuildQuoting) {
  auto w = shell_split("gcc -DKBUILD_MODNAME='\"libphy\"' -D'X=a b' \"q\\\"\" x\\ y");
  ASSERT_TRUE(w);
  EXPECT_THAT(*w, ::testing::ElementsAre("gcc", "-DKBUILD_MODNAME=\"libphy\"", "-DX=a b", "q\"", "x y"));
  EXPECT_FALSE(shell_split("gcc 'unterminated"));
  EXPECT_EQ(shell_quote("a b'c"), "'a b'\\''c'");
  EXPECT_EQ(shell_quote("-O2"), "-O2");
}

TEST(RustUserspaceArgs, RetargetsKbuildsRustcLine) {
  // kbuild's saved line for a Rust driver (6.12), shortened.
  const std::vector<std::string> kbuild = {
      "/usr/bin/rustc", "--edition=2021", "-Cpanic=abort", "-Crelocation-model=static", "-Zfunction-sections=n",
      "--target=./scripts/target.json", "-Ctarget-feature=-sse,-sse2,-avx", "-Ztune-cpu=generic", "-Cno-redzone=y",
      "-Ccode-model=kernel", "-Copt-level=2", "@./include/generated/rustc_cfg", "-Zcrate-attr=no_std", "--extern",
      "kernel", "--crate-type", "rlib", "-L", "./rust/", "--crate-name", "ax88796b_rust", "--sysroot=/dev/null",
      "--out-dir", "drivers/net/phy/", "--emit=dep-info=drivers/net/phy/.ax88796b_rust.o.d",
      "--emit=obj=drivers/net/phy/ax88796b_rust.o", "/src/drivers/net/phy/ax88796b_rust.rs"};
  EXPECT_THAT(rust_userspace_args(kbuild),
              ::testing::ElementsAre("/usr/bin/rustc", "--target=x86_64-unknown-linux-gnu", "-Crelocation-model=pic",
                                     "--edition=2021", "-Cpanic=abort", "-Zfunction-sections=n", "-Copt-level=2",
                                     "@./include/generated/rustc_cfg", "-Zcrate-attr=no_std", "--extern", "kernel",
                                     "--crate-type", "rlib", "--crate-name", "ax88796b_rust", "--sysroot=/dev/null",
                                     "/src/drivers/net/phy/ax88796b_rust.rs"));
}

TEST(Toolchain, VersionsCompareAsTheKernelsScriptsDo) {
  EXPECT_EQ(version_number("1.78.0"), 107800);
  EXPECT_EQ(version_number("0.65.1"), 6501);
  EXPECT_LT(version_number("0.60.1"), version_number("0.65.1"));
  EXPECT_LT(version_number("1.63.0"), version_number("1.78.0"));
  EXPECT_GT(version_number("1.96.0"), version_number("1.78.0"));
  EXPECT_EQ(version_number("no version"), 0);
  EXPECT_EQ(first_version("rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball)"), "1.96.0");
  EXPECT_EQ(first_version("bindgen 0.60.1"), "0.60.1");
  EXPECT_EQ(first_version("none"), "");
}

// A rustc's answers to --version and --print sysroot are remembered in the
// cache for its binary: asked once, then not again until the binary is
// another file. A rustc that is not its sysroot's own bin/rustc (rustup's
// proxy, which picks a toolchain per directory and environment) is asked
// every time.
class RustcAnswers : public test::ScratchTree {
 protected:
  void SetUp() override {
    ScratchTree::SetUp();
    for (const char* name : {"REFDRV_CACHE_DIR", "REFDRV_RUSTC", "REFDRV_BINDGEN", "RUST_LIB_SRC", "LIBCLANG_PATH",
                             "RUSTC_OVERRIDE_VERSION_STRING"})
      if (const char* v = std::getenv(name)) saved_[name] = v;
    ::setenv("REFDRV_CACHE_DIR", (root_ / "cache").c_str(), 1);
    ::unsetenv("RUST_LIB_SRC");
    ::unsetenv("RUSTC_OVERRIDE_VERSION_STRING");
    put("sysroot/lib/rustlib/src/rust/library/core/src/lib.rs", "");
    put("bindgen", "#!/bin/sh\necho 'bindgen 0.70.0'\n");
    fs::permissions(root_ / "bindgen", fs::perms::owner_all);
    ::setenv("REFDRV_BINDGEN", (root_ / "bindgen").c_str(), 1);
    tree_.root = root_ / "tree";
    tree_.version = "6.12.0";
  }
  void TearDown() override {
    for (const char* name : {"REFDRV_CACHE_DIR", "REFDRV_RUSTC", "REFDRV_BINDGEN", "RUST_LIB_SRC", "LIBCLANG_PATH",
                             "RUSTC_OVERRIDE_VERSION_STRING"}) {
      if (auto it = saved_.find(name); it != saved_.end()) ::setenv(name, it->second.c_str(), 1);
      else ::unsetenv(name);
    }
    ScratchTree::TearDown();
  }
  // A rustc at `rel` that logs each call and answers `version` and the
  // scratch sysroot; written as a new file (a new inode), as an upgrade does.
  void fake_rustc(const std::string& rel, const std::string& version) {
    put(rel + ".new", "#!/bin/sh\necho \"$*\" >> " + (root_ / "calls").string() +
                          "\ncase \"$1\" in --version) echo '" + version + "';; --print) echo " +
                          (root_ / "sysroot").string() + ";; esac\n");
    fs::permissions(root_ / (rel + ".new"), fs::perms::owner_all);
    fs::rename(root_ / (rel + ".new"), root_ / rel);
    ::setenv("REFDRV_RUSTC", (root_ / rel).c_str(), 1);
  }
  int calls() {
    const std::string log = read_file(root_ / "calls").value_or("");
    return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
  }
  LinuxTree tree_;
  std::map<std::string, std::string> saved_;
};

TEST_F(RustcAnswers, AreRememberedForTheirBinaryAndAskedAgainOfAnotherFile) {
  fake_rustc("sysroot/bin/rustc", "rustc 1.96.0 (fake)");
  const std::string lib_src = (root_ / "sysroot/lib/rustlib/src/rust/library").string();
  RustToolchain t = find_rust_toolchain(tree_);
  ASSERT_TRUE(t.usable()) << t.problem;
  EXPECT_EQ(t.version, "rustc 1.96.0 (fake)");
  EXPECT_EQ(t.lib_src, lib_src);
  EXPECT_EQ(calls(), 2);
  t = find_rust_toolchain(tree_);
  ASSERT_TRUE(t.usable()) << t.problem;
  EXPECT_EQ(t.version, "rustc 1.96.0 (fake)");
  EXPECT_EQ(t.lib_src, lib_src);
  EXPECT_EQ(calls(), 2) << "the same binary was asked again";
  // Another rustc in its place: asked, and its own answer taken.
  fake_rustc("sysroot/bin/rustc", "rustc 1.97.0 (fake)");
  t = find_rust_toolchain(tree_);
  EXPECT_EQ(t.version, "rustc 1.97.0 (fake)");
  EXPECT_EQ(calls(), 4);
  // With RUSTC_OVERRIDE_VERSION_STRING (rustc then reports that version),
  // or with RUST_LIB_SRC set, nothing remembered is used.
  ::setenv("RUSTC_OVERRIDE_VERSION_STRING", "9.9.9", 1);
  t = find_rust_toolchain(tree_);
  ::unsetenv("RUSTC_OVERRIDE_VERSION_STRING");
  EXPECT_EQ(calls(), 6);
  ::setenv("RUST_LIB_SRC", lib_src.c_str(), 1);
  t = find_rust_toolchain(tree_);
  EXPECT_EQ(t.version, "rustc 1.97.0 (fake)");
  EXPECT_EQ(calls(), 7);
}

TEST_F(RustcAnswers, OfARustcOutsideItsSysrootAreAskedEveryTime) {
  fake_rustc("proxy/bin/rustc", "rustc 1.96.0 (fake proxy)");
  for (int i = 1; i <= 2; ++i) {
    const RustToolchain t = find_rust_toolchain(tree_);
    ASSERT_TRUE(t.usable()) << t.problem;
    EXPECT_EQ(t.version, "rustc 1.96.0 (fake proxy)");
    EXPECT_EQ(calls(), 2 * i);
  }
}

// kernel/bindgen-compat in front of a fake "real" bindgen that records its
// arguments and environment, as 0.60.1 would answer.
class BindgenCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("refdrv-bindgen-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "bindgen") << "#!/bin/sh\n"
                                       "case \"$1\" in --version) echo 'bindgen 0.60.1'; exit 0;; --help)\n"
                                       "  echo '    --rust-target <rust-target>'\n"
                                       "  echo '        Valid options are: [\"1.0\", \"1.19\", \"1.40\", \"1.47\",'\n"
                                       "  echo '        \"nightly\"]. Defaults to \"1.47\".'; exit 0;; esac\n"
                                       "printf '%s\\n' \"$@\" > \"$ARGS\"; echo \"LIBCLANG_PATH=$LIBCLANG_PATH\" >> \"$ARGS\"\n"
                                       "while [ $# -gt 0 ]; do [ \"$1\" = -o ] && if [ -n \"$RAW\" ]; then printf "
                                       "'extern \"C\" { pub fn rust_helper_BUG () ; }\\n' > \"$2\"; else printf "
                                       "'extern \"C\" {\\n    pub fn rust_helper_BUG();\\n}\\n' > \"$2\"; fi; shift; done\n";
    fs::permissions(dir_ / "bindgen", fs::perms::owner_all);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // raw: the fake answers as bindgen does without rustfmt on PATH.
  Result<std::string> run(std::vector<std::string> args, const std::string& as = "0.65.1", bool raw = false) {
    std::vector<std::string> argv = {(data_dir() / "kernel/bindgen-compat").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return capture({argv, {}, {}, {"REFDRV_BINDGEN=" + (dir_ / "bindgen").string(), "REFDRV_BINDGEN_AS=" + as,
                                   "REFDRV_LIBCLANG_PATH=/usr/lib/llvm-14/lib", "ARGS=" + (dir_ / "args").string(),
                                   std::string("RAW=") + (raw ? "1" : "")}});
  }
  std::string args() { return read_file(dir_ / "args").value_or(""); }
  fs::path dir_;
};

TEST_F(BindgenCompat, StandsInForTheVersionTheTreeAsksForAndSaysSo) {
  auto v = run({"--version", "workaround-for-0.69.0"});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, "bindgen 0.60.1 (refdrv's bindgen-compat, standing in for bindgen 0.65.1)\n");
  // What the tree's scripts/rust_is_available.sh reads from that line.
  auto seen = capture({{"sh", "-c", "printf '%s' \"$1\" | sed -nE '1s:.*bindgen ([0-9]+\\.[0-9]+\\.[0-9]+).*:\\1:p'",
                        "sh", *v},
                       {}, {}, {}});
  ASSERT_TRUE(seen);
  EXPECT_EQ(*seen, "0.65.1\n");
  // A bindgen new enough is reported as it is.
  EXPECT_EQ(run({"--version"}, "").value_or(""), "bindgen 0.60.1\n");
}

TEST_F(BindgenCompat, MapsAnUnknownRustTargetRestoresNoreturnAndPinsLibclang) {
  const std::string out = (dir_ / "bindings.rs").string();
  auto r = run({"header.h", "--rust-target", "1.68", "--use-core", "-o", out, "--", "-DMODULE"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(args(), "header.h\n--rust-target\n1.47\n--use-core\n-o\n" + out +
                        "\n--\n-DMODULE\nLIBCLANG_PATH=/usr/lib/llvm-14/lib\n");
  EXPECT_THAT(read_file(out).value_or(""), HasSubstr("pub fn rust_helper_BUG() -> !;"));
  // Without rustfmt on PATH (Debian's rustc-web has none) bindgen writes
  // raw tokens; the noreturn is restored all the same (a bare Debian 12
  // failed to build the kernel crate before).
  ASSERT_TRUE(run({"header.h", "--rust-target", "1.68", "-o", out}, "0.65.1", true));
  EXPECT_THAT(read_file(out).value_or(""), HasSubstr("pub fn rust_helper_BUG() -> !;"));
  // A target the real bindgen knows is passed as it is.
  ASSERT_TRUE(run({"header.h", "--rust-target", "1.40", "-o", out}));
  EXPECT_THAT(args(), HasSubstr("--rust-target\n1.40\n"));
}

}  // namespace
}  // namespace refdrv::kernel

namespace refdrv::kernel {
namespace {

// A tree reusing another's configuration gets that tree's compile lines with
// the root replaced where a path starts with it, and nowhere else.
TEST(Reroot, TheRootIsReplacedWherePathsStartWithIt) {
  const std::string a = "/src/linux", c = "/tmp/copy";
  EXPECT_EQ(reroot_word("/src/linux", a, c), "/tmp/copy");
  EXPECT_EQ(reroot_word("/src/linux/drivers/net/phy/phy.c", a, c), "/tmp/copy/drivers/net/phy/phy.c");
  EXPECT_EQ(reroot_word("-I/src/linux/include", a, c), "-I/tmp/copy/include");
  EXPECT_EQ(reroot_word("-iquote/src/linux/drivers/net/phy", a, c), "-iquote/tmp/copy/drivers/net/phy");
  EXPECT_EQ(reroot_word("-fmacro-prefix-map=/src/linux/=", a, c), "-fmacro-prefix-map=/tmp/copy/=");
  EXPECT_EQ(reroot_word("srctree=/src/linux", a, c), "srctree=/tmp/copy");
  EXPECT_EQ(reroot_word("/x/src/linux/include", a, c), "/x/src/linux/include");
  EXPECT_EQ(reroot_word("/src/linux-2/include", a, c), "/src/linux-2/include");
  EXPECT_EQ(reroot_word("@./include/generated/rustc_cfg", a, c), "@./include/generated/rustc_cfg");
  EXPECT_EQ(reroot_word("/src/linux/a:/src/linux/b", a, c), "/tmp/copy/a:/tmp/copy/b");
}

// A build step that failed is the tree's code failing, a finding (check
// --commits: "does not build"; refdrv mutate: a stillborn mutant, left out of
// the score), unless it was killed or its log shows the machine failing.
TEST(ConfigureErrors, AStepTheMachineKilledIsNoVerdictOnTheCode) {
  const fs::path log = fs::temp_directory_path() / fmt::format("refdrv-run-logged-{}.log", ::getpid());
  const auto step = [&](const std::string& script) {
    fs::remove(log);
    return run_logged(Command{{"sh", "-c", script}, {}, log, {}}, "make");
  };
  auto code = step("echo 'drivers/net/phy/x.c:3:1: error: expected declaration' >&2; exit 2");
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().origin, ErrorOrigin::kKernelBuild);
  for (const char* machine : {"echo 'gcc: fatal error: Killed signal terminated program cc1' >&2; exit 2",
                              "echo 'x.o: No space left on device' >&2; exit 2", "kill -9 $$"}) {
    auto killed = step(machine);
    ASSERT_FALSE(killed) << machine;
    EXPECT_EQ(killed.error().origin, ErrorOrigin::kOther) << machine;
    EXPECT_THAT(killed.error().message, HasSubstr("for a reason of this machine's, not the tree's code")) << machine;
  }
  EXPECT_TRUE(step("exit 0"));
  fs::remove(log);
}

// A build that fails names its first compiler error on its first line,
// where check --commits' one-line "does not build: ..." shows it (the line
// ended in "Last lines of build.log:" and named no error).
TEST(BuildErrors, TheFirstCompilerErrorIsNamed) {
  EXPECT_EQ(first_compiler_error("  CC      drivers/net/phy/ax88796b.o\n"
                                 "drivers/net/phy/ax88796b.c: In function 'asix_soft_reset':\n"
                                 "drivers/net/phy/ax88796b.c:37:45: error: expected ';' before 'if'\n"
                                 "drivers/net/phy/ax88796b.c:40:1: error: second\n"),
            "drivers/net/phy/ax88796b.c:37:45: error: expected ';' before 'if'");
  EXPECT_EQ(first_compiler_error(
                "error[E0425]: cannot find value `x` in this scope\nerror: aborting due to 1 previous error\n"),
            "error[E0425]: cannot find value `x` in this scope");
  EXPECT_EQ(first_compiler_error("make: *** [Makefile:1] Error 2\n"), "");
  EXPECT_EQ(first_compiler_error("x.c:1:1: warning: unused\n"), "");
}

}  // namespace
}  // namespace refdrv::kernel
