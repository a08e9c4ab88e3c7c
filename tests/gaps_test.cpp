// SPDX-License-Identifier: GPL-2.0
// The abstraction-gap map (refdrv gaps): the scanners it rests on, pinned on
// small sources, and the map itself on a tree made here.
#include "report/gaps.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cxx/abstractions/registration.hpp"
#include "report/api_map.hpp"
#include "report/source_scan.hpp"
#include "tests/scratch_tree.hpp"

namespace refdrv::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

TEST(GapScanners, FunctionPointerMembersOfOneStruct) {
  const char* src = R"(struct phy_device { int (*not_this)(void); };
struct phy_driver {
	const char *name;
	u32 phy_id;
	int (*config_init)(struct phy_device *phydev);   /* a callback */
	void (*remove)(struct phy_device *phydev);
	int (*read_mmd)(struct phy_device *dev, int devnum, u16 regnum);
	struct { int (*nested)(int); } inner;
};
struct phy_driver *later = NULL;
)";
  EXPECT_THAT(report::c_struct_function_pointers(src, "phy_driver"),
              ElementsAre("config_init", "remove", "read_mmd", "nested"));
  EXPECT_TRUE(report::c_struct_function_pointers(src, "absent").empty());
}

TEST(GapScanners, TheFunctionsOfOneRustTrait) {
  const char* src = R"(pub trait Other { fn nope(); }
#[vtable]
pub trait Driver {
    const FLAGS: u32 = 0;
    /// Issues a PHY software reset.
    fn soft_reset(_dev: &mut Device) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
    fn read_mmd(_dev: &mut Device, _devnum: u8, _regnum: u16) -> Result<u16> { let f = |x: u8| -> u8 { x }; Ok(0) }
    fn link_change_notify(_dev: &mut Device) {}
}
)";
  EXPECT_THAT(report::rust_trait_fns(src, "Driver"), ElementsAre("soft_reset", "read_mmd", "link_change_notify"));
}

TEST(GapScanners, TablesSinglesMacroEntriesAndDisabledBlocks) {
  const char* src = R"(static struct phy_driver a_drivers[] = {
{
	PHY_ID_MATCH_MODEL(0x1),
	.name = "one",
	.config_init = one_init,
}, {
	.name = "two",
	.read_status = genphy_read_status,
},
#if 0
{
	.name = "three",
},
#endif
	MACRO_DRIVER(0x5, "four"),
	MACRO_DRIVER(0x6, "five")
};
static struct phy_driver single = {
	.name = "six",
	.suspend = genphy_suspend,
};
static struct phy_driver b_drivers[] = { { .name = "seven", .probe = p } };
)";
  const report::CDriverTables t = report::c_phy_driver_tables(src);
  // "three" is compiled out (#if 0): no entry, as kbuild never builds it
  // (marvell.c's 88E1145, 88E1149R and 88E1240 were counted until
  // 2026-12-07).
  ASSERT_EQ(t.entries.size(), 4u);
  EXPECT_EQ(t.entries[0].name, "one");
  EXPECT_EQ(t.entries[0].fields.at(".config_init"), "one_init");
  EXPECT_EQ(t.entries[1].name, "two");
  EXPECT_EQ(t.entries[2].name, "six");
  EXPECT_EQ(t.entries[3].fields.at(".probe"), "p");
  EXPECT_EQ(t.unread, 2u);  // the two MACRO_DRIVER items
}

// A tree with just what the map reads.
class GapTree : public ScratchTree {
 protected:
  void SetUp() override {
    ScratchTree::SetUp();
    put("include/linux/phy.h", R"(struct phy_driver {
	int (*config_init)(struct phy_device *);
	int (*probe)(struct phy_device *);
	int (*read_status)(struct phy_device *);
	int (*config_intr)(struct phy_device *);
};)");
    put("rust/kernel/net/phy.rs", "pub trait Driver { fn probe(d: &mut Device) -> Result; fn read_status(d: &mut Device) -> Result<u16>; }");
    // a: only what Rust offers. b: config_init too. c: config_init and
    // config_intr. d: a macro table only.
    put("drivers/net/phy/a.c", "static struct phy_driver d[] = { { .name = \"a\", .read_status = r } };");
    put("drivers/net/phy/b.c",
        "static struct phy_driver d[] = { { .name = \"b1\", .config_init = i, .probe = p }, { .name = \"b2\", "
        ".config_init = i } };");
    put("drivers/net/phy/vendor/c.c",
        "static struct phy_driver d[] = { { .name = \"c\", .config_init = i, .config_intr = x } };");
    put("drivers/net/phy/d.c", "static struct phy_driver d[] = { DRV(1), DRV(2) };");
    put("drivers/net/phy/helpers.c", "int not_a_driver(void) { return 0; }");
    // phylib's own file, with its generic driver: not a driver file.
    put("drivers/net/phy/phy_device.c",
        "static struct phy_driver genphy_driver = { .name = \"Generic PHY\", "
        ".config_init = i };");
    put("drivers/net/phy/Makefile",
        "libphy-y := phy_device.o\nobj-$(CONFIG_PHYLIB) += libphy.o\nobj-$(CONFIG_A) += a.o\n"
        "obj-$(CONFIG_B) += b.o helpers.o\nobj-$(CONFIG_D) += d.o\nobj-$(CONFIG_V) += vendor/\n");
    put("drivers/net/phy/vendor/Makefile", "obj-$(CONFIG_C) += c.o\n");
  }
};

TEST_F(GapTree, MissingCallbacksAreRankedByTheFilesThatSetThem) {
  auto r = report::abstraction_gaps(root_, {"probe", "read_status", "config_init"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(r->phy_driver_callbacks, ElementsAre("config_init", "probe", "read_status", "config_intr"));
  EXPECT_THAT(r->rust_offers, ElementsAre("probe", "read_status"));
  ASSERT_EQ(r->files.size(), 4u);
  EXPECT_EQ(r->files[0].file, "drivers/net/phy/a.c");
  EXPECT_EQ(r->files[3].file, "drivers/net/phy/vendor/c.c");
  EXPECT_EQ(r->entries, 4u);
  EXPECT_EQ(r->unread_entries, 2u);
  EXPECT_EQ(r->files_with_unread, 1u);
  // config_init: set by b (two entries) and c; the one gap of b for Rust.
  ASSERT_GE(r->needs.size(), 2u);
  EXPECT_EQ(r->needs[0].callback, "config_init");
  EXPECT_EQ(r->needs[0].files, 2u);
  EXPECT_EQ(r->needs[0].entries, 3u);
  EXPECT_FALSE(r->needs[0].rust);
  EXPECT_TRUE(r->needs[0].cxx);
  EXPECT_EQ(r->needs[0].only_gap_rust, 1u);
  // a is expressible in Rust; a and b in the C++ set given. d is not known
  // to be: none of its entries was read.
  EXPECT_EQ(r->rust_expressible, 1u);
  EXPECT_EQ(r->cxx_expressible, 2u);
  const std::string text = report::format_gaps(*r, "test");
  EXPECT_THAT(text, HasSubstr("Rust: config_init: 2 files, config_intr: 1 file"));
  EXPECT_THAT(text, HasSubstr("not read: 2 entries written through macros, in 1 file: drivers/net/phy/d.c (2)"));
  const auto j = report::gaps_json(*r, "test");
  EXPECT_EQ(j["schema"], "refdrv-gaps/2");
  EXPECT_EQ(j["files"][1]["rust_missing"], nlohmann::json({"config_init"}));
}

TEST_F(GapTree, WithoutTheTreesRustAbstractionTheRustColumnIsNotApplicable) {
  fs::remove(root_ / "rust/kernel/net/phy.rs");
  auto r = report::abstraction_gaps(root_, phy::offered_callbacks());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_rust);
  EXPECT_EQ(r->rust_expressible, 0u);
  EXPECT_THAT(report::format_gaps(*r, "test"), HasSubstr("not in this tree"));
  const auto j = report::gaps_json(*r, "test");
  EXPECT_TRUE(j["rust_offers"].is_null());
  // Nor is any callback the Rust side's only gap of a file: not 0, n/a (a
  // review, 2026-12-07).
  ASSERT_FALSE(j["callbacks"].empty());
  for (const auto& n : j["callbacks"]) EXPECT_TRUE(n["only_gap_rust"].is_null()) << n.dump();
  EXPECT_THAT(report::format_gaps(*r, "test"), HasSubstr(" n/a / "));
}

// A phy.rs whose Driver trait the scanner does not find is an error, not a
// Rust side that offers nothing (a review, 2026-12-07: every callback
// counted "missing" in Rust).
TEST_F(GapTree, ARustAbstractionTheScannerCannotReadIsAnError) {
  put("rust/kernel/net/phy.rs", "pub trait PhyDriver { fn probe(d: &mut Device) -> Result; }");
  auto r = report::abstraction_gaps(root_, phy::offered_callbacks());
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("rust/kernel/net/phy.rs: no function of a `Driver` trait found"));
}

// --replace's sources are the ones the map reads: a replaced phy.rs that
// offers config_init, and a replaced a.c that sets it, move the counts (the
// Rust column was the tree's phy.rs under --replace; a review, 2026-12-07).
TEST_F(GapTree, ReplacedSourcesAreReadInsteadOfTheTrees) {
  const fs::path rs = root_ / "replaced-phy.rs", a = root_ / "replaced-a.c";
  std::ofstream(rs) << "pub trait Driver {\n fn probe(d: &mut Device) -> Result;\n fn read_status(d: &mut Device) -> "
                       "Result;\n fn config_init(d: &mut Device) -> Result;\n}\n";
  auto plain = report::abstraction_gaps(root_, {});
  ASSERT_TRUE(plain) << plain.error().message;
  auto r = report::abstraction_gaps(root_, {}, {{"rust/kernel/net/phy.rs", rs}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(plain->rust_offers, ::testing::Not(::testing::Contains("config_init")));
  EXPECT_THAT(r->rust_offers, ::testing::Contains("config_init"));
  EXPECT_GT(r->rust_expressible, plain->rust_expressible);
  std::ofstream(a) << "static struct phy_driver a_drv[] = { { .name = \"A\", .config_intr = x } };";
  auto with_a = report::abstraction_gaps(root_, {}, {{"drivers/net/phy/a.c", a}});
  ASSERT_TRUE(with_a) << with_a.error().message;
  ASSERT_FALSE(with_a->files.empty());
  EXPECT_THAT(with_a->files[0].callbacks, ElementsAre("config_intr"));
  EXPECT_THAT(plain->files[0].callbacks, ::testing::Not(ElementsAre("config_intr")));
}

TEST_F(GapTree, ATreeWithoutPhylibIsAnError) {
  fs::remove(root_ / "include/linux/phy.h");
  auto r = report::abstraction_gaps(root_, {});
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("include/linux/phy.h has no struct phy_driver"));
}

// The C++ abstractions offer exactly the callbacks the tree's Rust one does
// (the `cxx` column of REFDRV_PHY_CALLBACKS mirrors 6.12's trait Driver).
TEST(GapScanners, TheCxxAbstractionsOfferTheElevenCallbacksOfRust612) {
  EXPECT_THAT(phy::offered_callbacks(),
              UnorderedElementsAreArray({"soft_reset", "probe", "get_features", "match_phy_device", "config_aneg",
                                         "read_status", "suspend", "resume", "read_mmd", "write_mmd",
                                         "link_change_notify"}));
}

// The table shows the first functions an abstraction lacks and counts the
// rest: it ended at its 25th row with no word of the 49 after it.
TEST(GapScanners, TheApiTableSaysHowManyFunctionsItLeavesOut) {
  report::ApiMap m;
  m.has_rust = true;
  m.uses = {{"phy_both", 9, true, true},
            {"phy_a", 7, false, false},
            {"phy_b", 5, true, false},
            {"phy_c", 3, false, true},
            {"phy_d", 1, false, false}};
  const std::string two = report::format_api_map(m, 2);
  EXPECT_THAT(two, ::testing::HasSubstr("phy_b"));
  EXPECT_THAT(two, ::testing::Not(::testing::HasSubstr("phy_c")));
  EXPECT_THAT(two, ::testing::Not(::testing::HasSubstr("phy_both")));
  EXPECT_THAT(two, ::testing::HasSubstr("... and 2 more function(s) an abstraction lacks"));
  EXPECT_THAT(report::format_api_map(m, 4), ::testing::Not(::testing::HasSubstr("more function(s)")));
}

}  // namespace
}  // namespace refdrv::test
