// SPDX-License-Identifier: GPL-2.0
// The report's source scans: the tokenizers, unsafe counting, definitions
// lifted from sources, dropped results, driver tables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/source_scan.hpp"

namespace refdrv::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> kinds_of(std::string_view src, Lang lang, Tok kind) {
  std::vector<std::string> out;
  for (const auto& t : tokenize(src, lang))
    if (t.kind == kind) out.emplace_back(src.substr(t.begin, t.end - t.begin));
  return out;
}

TEST(Tokenizer, IsLossless) {
  const std::string src = "fn a<'b>(x: &'b str) -> char { /* c /* nested */ */ let r = r#\"q\"#; 'x' }\n";
  std::string joined;
  for (const auto& t : tokenize(src, Lang::kRust)) joined += src.substr(t.begin, t.end - t.begin);
  EXPECT_EQ(joined, src);
}

TEST(Tokenizer, RustCommentsNestAndLiteralsHideWords) {
  const std::string src = R"(/* outer /* unsafe { inner */ still comment */
let a = "unsafe { in a string";
let b = r##"unsafe "# still raw"##;
let c = b"unsafe";
let d = '{';
let e: &'static str = "x";
// unsafe { in a line comment
unsafe { real() }
)";
  EXPECT_THAT(kinds_of(src, Lang::kRust, Tok::kComment),
              ElementsAre("/* outer /* unsafe { inner */ still comment */", "// unsafe { in a line comment"));
  EXPECT_THAT(kinds_of(src, Lang::kRust, Tok::kString),
              ElementsAre("\"unsafe { in a string\"", "r##\"unsafe \"# still raw\"##", "b\"unsafe\"", "\"x\""));
  EXPECT_THAT(kinds_of(src, Lang::kRust, Tok::kChar), ElementsAre("'{'"));
  EXPECT_THAT(kinds_of(src, Lang::kRust, Tok::kLifetime), ElementsAre("'static"));
  const RustUnsafe u = scan_rust_unsafe(src);
  EXPECT_EQ(u.blocks, 1u);
  EXPECT_EQ(u.total(), 1u);
  EXPECT_EQ(u.sites.at(0).line, 8);
}

TEST(Tokenizer, CPreprocessorLinesCharsAndCxxRawStrings) {
  const std::string c = "#define X(a) \\\n  (a + 1)\nint f(void) { return 'x' + X(1); } /* done */\n";
  EXPECT_THAT(kinds_of(c, Lang::kC, Tok::kPreproc), ElementsAre("#define X(a) \\\n  (a + 1)"));
  EXPECT_THAT(kinds_of(c, Lang::kC, Tok::kChar), ElementsAre("'x'"));
  const std::string cxx = "auto s = R\"x(a \" quote )\" and )x\"; int n = 1'000'000;";
  EXPECT_THAT(kinds_of(cxx, Lang::kCxx, Tok::kString), ElementsAre("R\"x(a \" quote )\" and )x\""));
  EXPECT_THAT(kinds_of(cxx, Lang::kCxx, Tok::kNumber), ElementsAre("1'000'000"));
}

TEST(RustUnsafe, EveryKindWithItsContext) {
  const std::string src = R"(
// SAFETY: not a site, a comment.
pub unsafe fn a() {}
unsafe extern "C" fn cb() {}
pub struct Device;
impl Device {
    pub fn read(&self) -> u16 {
        // SAFETY: the pointer is valid.
        unsafe { bindings::phy_read(self.0) }
    }
    fn raw(&self) {
        let p = unsafe { *self.ptr };
    }
    fn zeroed() -> bindings::phy_driver {
        unsafe { core::mem::MaybeUninit::<bindings::phy_driver>::zeroed().assume_init() }
    }
}
unsafe impl Send for Device {}
unsafe trait Marker {}
macro_rules! m { () => { unsafe { x() } } }
)";
  const RustUnsafe u = scan_rust_unsafe(src);
  EXPECT_EQ(u.fns, 2u);
  EXPECT_EQ(u.blocks, 4u);
  EXPECT_EQ(u.impls, 1u);
  EXPECT_EQ(u.traits, 1u);
  EXPECT_EQ(u.safety_comments, 2u);
  std::vector<std::string> ctx;
  for (const auto& s : u.sites)
    if (s.kind == "block") ctx.push_back(s.context + (s.calls_c ? " (C)" : ""));
  // A C type named in a block is no call of C (counted as one until 2026-12-07).
  EXPECT_THAT(
      ctx, ElementsAre("impl Device, fn read (C)", "impl Device, fn raw", "impl Device, fn zeroed", "macro_rules! m"));
}

TEST(LineCounts, CodeCommentBlank) {
  const std::string src = "// c\n\nint a; // trailing\n/* multi\n line */\n  \nint b;\n";
  const LineCounts l = count_lines(src, Lang::kC);
  EXPECT_EQ(l.code, 2u);
  EXPECT_EQ(l.comment, 3u);
  EXPECT_EQ(l.blank, 2u);
  EXPECT_EQ(l.total, 7u);
}

const char* kCDriver = R"(/**
 * helper - resets
 */
static int helper(struct phy_device *phydev)
{
	return phy_write(phydev, MII_BMCR, 0);
}

static void notify(struct phy_device *phydev)
{
	if (phydev->state == PHY_NOLINK)
		phy_init_hw(phydev);
	/* on purpose */
	_phy_start_aneg(phydev);
	(void)0;
}

static struct phy_driver drv[] = {
{
	PHY_ID_MATCH_EXACT(0x1),
	.name		= "One",
	.soft_reset	= helper,
	.resume		= genphy_resume,
}, {
	.phy_id		= 2,
	.name		= "Two",
	.link_change_notify = notify,
} };

module_phy_driver(drv);
)";

TEST(CSources, FunctionsDriverTableAndDroppedResults) {
  auto f = find_function(kCDriver, Lang::kC, "helper");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->first_line, 1);
  EXPECT_THAT(f->code, HasSubstr("* helper - resets"));
  EXPECT_THAT(f->code, HasSubstr("return phy_write(phydev, MII_BMCR, 0);\n}"));
  EXPECT_FALSE(find_function(kCDriver, Lang::kC, "phy_write"));  // only called here
  const auto table = c_phy_driver_table(kCDriver);
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].name, "One");
  EXPECT_EQ(table[0].fields.at(".soft_reset"), "helper");
  EXPECT_EQ(table[0].fields.at("match"), "PHY_ID_MATCH_EXACT(0x1)");
  EXPECT_THAT(table[0].order, ElementsAre("match", ".name", ".soft_reset", ".resume"));
  EXPECT_EQ(table[1].fields.at(".link_change_notify"), "notify");
  const auto d = dropped_results(kCDriver, Lang::kC, {"phy_init_hw", "_phy_start_aneg", "phy_write"});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].call, "phy_init_hw");
  EXPECT_FALSE(d[0].explained);
  EXPECT_EQ(d[1].call, "_phy_start_aneg");
  EXPECT_TRUE(d[1].explained);
  // After a label, cast to void, as an unbraced body: each a drop; the `:`
  // of a conditional expression and a (void) of no call are not (the first
  // three were counted nowhere).
  const auto more = dropped_results(
      "static int f(struct phy_device *phydev)\n{\n\tswitch (phydev->speed) {\n"
      "\tcase SPEED_10:\n\t\tphy_init_hw(phydev);\n\tdefault:\n\t\tbreak;\n\t}\n"
      "\t(void)phy_write(phydev, 0, 0);\n\tif (phydev->link) (void)phy_init_hw(phydev);\n"
      "\tret = phydev->link ? 0 : phy_init_hw(phydev);\n\t(void)ret;\nerr:\n"
      "\tphy_write(phydev, 1, 0);\n\treturn 0;\n}\n",
      Lang::kC, {"phy_init_hw", "phy_write"});
  std::vector<std::pair<int, std::string>> got;
  for (const auto& r : more) got.emplace_back(r.line, r.how + " " + r.call);
  EXPECT_THAT(
      got,
      ElementsAre(std::pair(5, std::string("statement phy_init_hw")), std::pair(9, std::string("(void) phy_write")),
                  std::pair(10, std::string("(void) phy_init_hw")), std::pair(14, std::string("statement phy_write"))));
  EXPECT_THAT(free_functions(kCDriver, Lang::kC), ElementsAre("helper", "notify"));
  auto m = find_invocation(kCDriver, Lang::kC, "module_phy_driver");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->code, "module_phy_driver(drv);");
}

const char* kRust = R"(
fn helper(dev: &mut phy::Device) -> Result {
    dev.write(C22::BMCR, 0)?;
    dev.genphy_soft_reset()
}

struct PhyA;

#[vtable]
impl Driver for PhyA {
    const NAME: &'static CStr = c_str!("One");

    /// Doc comment.
    fn soft_reset(dev: &mut phy::Device) -> Result {
        helper(dev)
    }

    fn link_change_notify(dev: &mut phy::Device) {
        let _ = dev.init_hw();
    }
}
)";

// The callbacks are in the type's trait impl, wherever its inherent impls
// are: one above it with helpers (one of them named like a callback) hid them
// all (a review, 2026-12-07).
TEST(RustSources, CallbacksAreFoundInTheTraitImplBehindAnInherentOne) {
  constexpr std::string_view kTwoImpls = R"(
impl PhyB {
    fn read_status(dev: &mut phy::Device) -> Result<u16> {
        dev.genphy_read_status()
    }
    fn helper() {}
}

#[vtable]
impl Driver for PhyB {
    fn read_status(dev: &mut phy::Device) -> Result<u16> {
        dev.genphy_update_link()?;
        Ok(0)
    }
    fn soft_reset(dev: &mut phy::Device) -> Result {
        dev.genphy_soft_reset()
    }
}
)";
  const auto soft = find_rust_fn(kTwoImpls, "PhyB", "soft_reset");
  ASSERT_TRUE(soft);
  EXPECT_THAT(soft->code, HasSubstr("genphy_soft_reset"));
  const auto read = find_rust_fn(kTwoImpls, "PhyB", "read_status");
  ASSERT_TRUE(read);
  EXPECT_THAT(read->code, HasSubstr("genphy_update_link")) << "the callback, not the helper of the same name";
  const auto helper = find_rust_fn(kTwoImpls, "PhyB", "helper");
  ASSERT_TRUE(helper);  // an inherent impl's own function is still found
  EXPECT_FALSE(find_rust_fn(kTwoImpls, "PhyB", "suspend"));
}

TEST(RustSources, ImplsFunctionsAndDrops) {
  const auto impls = rust_driver_impls(kRust);
  ASSERT_EQ(impls.size(), 1u);
  EXPECT_EQ(impls[0].type, "PhyA");
  EXPECT_EQ(impls[0].name, "One");
  EXPECT_THAT(impls[0].functions, ElementsAre("soft_reset", "link_change_notify"));
  auto f = find_rust_fn(kRust, "PhyA", "soft_reset");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, "/// Doc comment.\nfn soft_reset(dev: &mut phy::Device) -> Result {\n    helper(dev)\n}");
  auto h = find_rust_fn(kRust, "", "helper");
  ASSERT_TRUE(h);
  EXPECT_THAT(h->code, HasSubstr("dev.genphy_soft_reset()"));
  EXPECT_FALSE(find_rust_fn(kRust, "", "soft_reset"));  // not at module level
  EXPECT_THAT(free_functions(kRust, Lang::kRust), ElementsAre("helper"));
  const auto d = dropped_results(kRust, Lang::kRust);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].call, "init_hw");
  EXPECT_EQ(d[0].how, "let _ =");
  // `_ = f();`, the wildcard assignment, drops the same (it was not counted).
  const auto wild =
      dropped_results("fn f(dev: &mut Device) {\n    _ = dev.init_hw();\n    let x = a == b;\n}\n", Lang::kRust);
  ASSERT_EQ(wild.size(), 1u);
  EXPECT_EQ(wild[0].call, "init_hw");
  EXPECT_EQ(wild[0].how, "_ =");
  EXPECT_THAT(called_names(kRust, Lang::kRust), ::testing::IsSupersetOf({"write", "genphy_soft_reset", "helper", "init_hw"}));
  // The C string literal later trees write instead of c_str!(): the same name.
  std::string literal(kRust);
  literal.replace(literal.find("c_str!(\"One\")"), std::string_view("c_str!(\"One\")").size(), "c\"One\"");
  const auto with_literal = rust_driver_impls(literal);
  ASSERT_EQ(with_literal.size(), 1u);
  EXPECT_EQ(with_literal[0].name, "One");
}

const char* kCxx = R"(
namespace refdrv::drivers {
namespace {
Result<> helper(Device& dev) { return dev.genphy_soft_reset(); }

struct PhyA {
  static constexpr CStr name = "One";
  // Comment above.
  static Result<> soft_reset(Device& dev) { return helper(dev); }
  static void link_change_notify(Device& dev) {
    // Why.
    std::ignore = dev.init_hw();
    (void)dev.start_aneg();
    if (dev.is_link_up()) (void)dev.init_hw();
  }
};
}  // namespace
}  // namespace refdrv::drivers
)";

TEST(CxxSources, StructsMembersAndDrops) {
  const auto s = cxx_driver_structs(kCxx);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].name, "One");
  EXPECT_THAT(s[0].functions, ElementsAre("soft_reset", "link_change_notify"));
  auto m = find_cxx_member(kCxx, "PhyA", "soft_reset");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->code, "// Comment above.\nstatic Result<> soft_reset(Device& dev) { return helper(dev); }");
  EXPECT_THAT(free_functions(kCxx, Lang::kCxx), ElementsAre("helper"));
  auto h = find_function(kCxx, Lang::kCxx, "helper");
  ASSERT_TRUE(h);
  const auto d = dropped_results(kCxx, Lang::kCxx);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].how, "std::ignore =");
  EXPECT_TRUE(d[0].explained);
  EXPECT_EQ(d[1].how, "(void)");
  EXPECT_FALSE(d[1].explained);
  EXPECT_EQ(d[2].how, "(void)");  // an unbraced if's body (it was not counted)
  EXPECT_EQ(d[2].call, "init_hw");
  EXPECT_EQ(count_safety_comments("// SAFETY: x\n/* SAFETY: y */ // not SAFETY\n", Lang::kCxx), 2u);
}

// The callbacks are what the driver's `callbacks` declaration registers: a
// static helper in the struct is none, and a callback defined outside the
// struct is one, its code found there (a review, 2026-12-07: both were read
// from the member bodies alone).
TEST(CxxSources, TheCallbacksAreTheDeclaredOnes) {
  constexpr std::string_view kDeclared = R"(
struct PhyB final {
  static constexpr CStr name = "Two";
  static constexpr Callbacks callbacks = Callback::soft_reset | Callback::suspend;
  static int helper(Device& dev) { return 0; }
  static Result<> soft_reset(Device& dev) { return dev.genphy_soft_reset(); }
  static Result<> suspend(Device& dev);
};

Result<> PhyB::suspend(Device& dev) { return dev.genphy_suspend(); }
)";
  const auto s = cxx_driver_structs(kDeclared);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].name, "Two");
  EXPECT_THAT(s[0].functions, ElementsAre("soft_reset", "suspend"));
  const auto out_of_line = find_cxx_member(kDeclared, "PhyB", "suspend");
  ASSERT_TRUE(out_of_line);
  EXPECT_EQ(out_of_line->code, "Result<> PhyB::suspend(Device& dev) { return dev.genphy_suspend(); }");
  EXPECT_FALSE(find_cxx_member(kDeclared, "PhyB", "resume"));
}

TEST(Highlight, EscapesAndMarksKinds) {
  const std::string h = highlight_html("if (a < b) return \"<x>\"; // c&d", Lang::kC);
  EXPECT_THAT(h, HasSubstr("<span class=\"k\">if</span>"));
  EXPECT_THAT(h, HasSubstr("a &lt; b"));
  EXPECT_THAT(h, HasSubstr("<span class=\"s\">&quot;&lt;x&gt;&quot;</span>"));
  EXPECT_THAT(h, HasSubstr("<span class=\"c\">// c&amp;d</span>"));
  EXPECT_THAT(h, Not(HasSubstr("<x>")));
}

}  // namespace
}  // namespace refdrv::report
