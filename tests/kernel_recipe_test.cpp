// SPDX-License-Identifier: GPL-2.0
// The per-tree recipe without building anything: what is accepted as a Linux
// tree (and what each rejection says), the reference pairs read from the
// tree's Makefile and Kconfig, and how kbuild's compile lines are adapted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kernel/kbuild.hpp"
#include "kernel/process.hpp"
#include "kernel/tree.hpp"

namespace refdrv::kernel {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class FakeTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("refdrv-fake-tree-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void put(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
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
  fs::path root_;
};

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

TEST_F(FakeTree, ATreeWithoutPhylibOrTheDriverIsNamedSo) {
  complete_tree();
  fs::remove(root_ / "drivers/net/phy/mdio_bus.c");
  EXPECT_THAT(open_tree(root_).error().message, HasSubstr("lacks phylib: drivers/net/phy/mdio_bus.c is missing"));
  put("drivers/net/phy/mdio_bus.c", "");
  fs::remove(root_ / "drivers/net/phy/ax88796b.c");
  EXPECT_THAT(open_tree(root_).error().message, HasSubstr("has no Asix PHY driver"));
}

TEST_F(FakeTree, AConfiguredTreeIsRefusedBecauseRefdrvNeverWritesIntoIt) {
  complete_tree();
  put(".config", "CONFIG_X=y\n");
  EXPECT_THAT(open_tree(root_).error().message, HasSubstr("configured in place"));
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

}  // namespace
}  // namespace refdrv::kernel
