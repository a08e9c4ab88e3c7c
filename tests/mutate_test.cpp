// SPDX-License-Identifier: GPL-2.0
// refdrv mutate's generator: each operator on refdrv's own sample sources
// (written here, in the style of a PHY driver), and what it must never touch.
#include "engine/mutate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "engine/check.hpp"
#include "kernel/cache.hpp"

namespace refdrv {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

const char* const kC = R"(#include <linux/phy.h>
/* a comment with a == b and 42 */
static int sample_reset(struct phy_device *dev)
{
	int ret;

	ret = phy_write(dev, MII_BMCR, 0);
	if (ret < 0)
		return ret;
	if (dev->link && dev->speed == SPEED_100)
		return -EIO;
	if (dev->link)
		phy_resolve_aneg_linkmode(dev);
	else
		dev->speed = SPEED_10;
	pr_info("x != y\n");
	return genphy_soft_reset(dev);
}

static struct phy_driver sample_driver[] = { {
	.soft_reset = sample_reset,
} };
)";

std::vector<std::string> afters(const std::vector<Mutant>& ms, const std::string& op) {
  std::vector<std::string> out;
  for (const auto& m : ms)
    if (m.op == op) out.push_back(m.after.empty() ? "deleted: " + m.before : m.after);
  return out;
}

TEST(Mutate, EachCOperatorMakesItsMutantsAndLeavesCommentsStringsAndIncludesAlone) {
  const auto ms = generate_mutants(kC, MutantLang::kC);
  EXPECT_THAT(afters(ms, "relational"),
              ::testing::UnorderedElementsAre("if (ret <= 0)", "if (dev->link && dev->speed != SPEED_100)"));
  EXPECT_THAT(afters(ms, "logical"), ::testing::ElementsAre("if (dev->link || dev->speed == SPEED_100)"));
  EXPECT_THAT(afters(ms, "negated condition"),
              ::testing::ElementsAre("if (!(ret < 0))", "if (!(dev->link && dev->speed == SPEED_100))",
                                     "if (!(dev->link))"));
  // Not `ret < 1`: on integers it is `ret <= 0`, the relational mutant.
  EXPECT_THAT(afters(ms, "constant"), ::testing::ElementsAre("ret = phy_write(dev, MII_BMCR, 1);"));
  EXPECT_THAT(afters(ms, "errno"), ::testing::ElementsAre("return -EINVAL;", "return -EINVAL;"));
  EXPECT_THAT(afters(ms, "dropped error check"), ::testing::ElementsAre("deleted: if (ret < 0) return ret;"));
  // Under an unbraced if, the statement becomes an empty one (the if keeps a body).
  EXPECT_THAT(afters(ms, "deleted statement"),
              ::testing::ElementsAre(";", ";", "deleted: pr_info(\"x != y\\n\");"));
  EXPECT_THAT(afters(ms, "removed initialiser"), ::testing::ElementsAre("deleted: .soft_reset = sample_reset,"));
  for (const auto& m : ms) {
    // Never in the comment, the string, the #include, the `->`.
    EXPECT_NE(m.line, 1u) << m.after;
    EXPECT_NE(m.line, 2u) << m.after;
    EXPECT_EQ(m.after.find("x == y"), std::string::npos);
    EXPECT_EQ(m.after.find("->="), std::string::npos);
    // Line numbers stay the original's: a deletion leaves empty lines.
    EXPECT_EQ(std::count(m.source.begin(), m.source.end(), '\n'), std::count(kC, kC + std::strlen(kC), '\n'));
  }
  for (std::size_t i = 0; i < ms.size(); ++i) EXPECT_EQ(ms[i].id, i + 1);
  for (const auto& m : ms)
    EXPECT_EQ(m.function, m.op == "removed initialiser" ? "" : "sample_reset") << m.op << ": " << m.before;
}

const char* const kRust = R"(// SPDX-License-Identifier: GPL-2.0
#[vtable]
impl Driver for PhySample {
    const FLAGS: u32 = phy::flags::IS_INTERNAL;
    fn soft_reset<'a>(dev: &'a mut phy::Device) -> Result<u16> {
        dev.write(C22::BMCR, 0)?;
        let v = dev.read(C22::BMSR)?;
        if v & 0x4 == 0 {
            return Err(code::EIO);
        }
        let s = "a < b";
        dev.set_speed(100);
        Ok(v)
    }
}
)";

TEST(Mutate, RustOperatorsKeepGenericsLifetimesAttributesAndStringsIntact) {
  const auto ms = generate_mutants(kRust, MutantLang::kRust);
  EXPECT_THAT(afters(ms, "dropped error check"), ::testing::ElementsAre("let _ = dev.write(C22::BMCR, 0);"));
  EXPECT_THAT(afters(ms, "deleted statement"),
              ::testing::ElementsAre("deleted: dev.write(C22::BMCR, 0)?;", "deleted: dev.set_speed(100);"));
  EXPECT_THAT(afters(ms, "errno"), ::testing::ElementsAre("return Err(code::EINVAL);"));
  // Not `if !(v & 0x4 == 0)`: it is `v & 0x4 != 0`, the relational mutant.
  EXPECT_THAT(afters(ms, "negated condition"), IsEmpty());
  EXPECT_THAT(afters(ms, "relational"), ::testing::ElementsAre("if v & 0x4 != 0 {"));
  EXPECT_THAT(afters(ms, "removed initialiser"), ::testing::ElementsAre("deleted: const FLAGS: u32 = phy::flags::IS_INTERNAL;"));
  for (const auto& m : ms) {
    EXPECT_NE(m.line, 2u) << "the attribute: " << m.after;
    EXPECT_NE(m.line, 11u) << "the string: " << m.after;
    EXPECT_EQ(m.after.find("Result<="), std::string::npos);
  }
}

const char* const kRustValues = R"(struct PhyA;
impl Driver for PhyA {
    const PHY_DEVICE_ID: DeviceId = DeviceId::new_with_model_mask(0x003b1841);
    const OTHER_ID: DeviceId = DeviceId::new_with_exact_mask(0x003b1861);
    fn read_status(dev: &mut phy::Device) -> Result<u16> {
        if !dev.is_link_up() {
            return Ok(0);
        }
        Ok(2)
    }
}

fn helper() -> Result<u16> {
    Ok(3)
}
)";

// Off by one where it matters, and what tells a dropped Ok value.
TEST(Mutate, RustConstantsKnowTheirFunctionTheirOkAndTheModelMask) {
  const auto ms = generate_mutants(kRustValues, MutantLang::kRust);
  EXPECT_THAT(afters(ms, "constant"),
              ::testing::ElementsAre("const PHY_DEVICE_ID: DeviceId = DeviceId::new_with_model_mask(0x003b1851);",
                                     "const OTHER_ID: DeviceId = DeviceId::new_with_exact_mask(0x003b1862);",
                                     "return Ok(1);", "Ok(3)", "Ok(4)"));
  std::vector<std::pair<std::string, bool>> where;
  for (const auto& m : ms)
    if (m.op == "constant") where.emplace_back(m.function, m.ok_value);
  EXPECT_THAT(where, ::testing::ElementsAre(std::pair{std::string(), false}, std::pair{std::string(), false},
                                            std::pair{std::string("read_status"), true},
                                            std::pair{std::string("read_status"), true},
                                            std::pair{std::string("helper"), true}));

  const char* const abstraction = R"(    unsafe extern "C" fn read_status_callback(phydev: *mut bindings::phy_device) -> c_int {
        from_result(|| {
            T::read_status(dev)?;
            Ok(0)
        })
    }
    unsafe extern "C" fn read_mmd_callback() -> c_int {
        from_result(|| {
            let ret = T::read_mmd(dev, devnum as u8, regnum)?;
            Ok(ret.into())
        })
    }
)";
  const auto dropped = discarded_rust_values(abstraction, "rust/kernel/net/phy.rs");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped.at("read_status"), "rust/kernel/net/phy.rs:3");
}

const char* const kCxx = R"(// SPDX-License-Identifier: GPL-2.0
#include "cxx/drivers/modules.hpp"
Result<> sample_reset(Device& dev) {
  TRY(dev.write(reg::C22::BMCR, 0));
  return dev.genphy_soft_reset();
}
struct PhySample {
  static constexpr Flags flags = Flag::is_internal;
  static Result<std::uint16_t> read_status(Device& dev) {
    if (!dev.is_link_up()) return 0;
    dev.set_speed(dev.x() != 0 ? 10 : 100);
    return 0;
  }
  static void link_change_notify(Device& dev) {
    std::ignore = dev.init_hw();
  }
};
)";

// refdrv's C++ drivers: C's operators, TRY() as the error check, and the
// function each change is in.
TEST(Mutate, CxxOperatorsKnowTryAndTheirFunctions) {
  const auto ms = generate_mutants(kCxx, MutantLang::kCxx);
  EXPECT_THAT(afters(ms, "dropped error check"), ::testing::ElementsAre("std::ignore = dev.write(reg::C22::BMCR, 0);"));
  EXPECT_THAT(afters(ms, "deleted statement"),
              ::testing::ElementsAre("deleted: TRY(dev.write(reg::C22::BMCR, 0));",
                                     "deleted: dev.set_speed(dev.x() != 0 ? 10 : 100);",
                                     "deleted: std::ignore = dev.init_hw();"));
  EXPECT_THAT(afters(ms, "negated condition"), ::testing::ElementsAre("if (!(!dev.is_link_up())) return 0;"));
  EXPECT_THAT(afters(ms, "relational"), ::testing::ElementsAre("dev.set_speed(dev.x() == 0 ? 10 : 100);"));
  EXPECT_THAT(afters(ms, "removed initialiser"), ::testing::ElementsAre("deleted: static constexpr Flags flags = Flag::is_internal;"));
  EXPECT_THAT(afters(ms, "errno"), IsEmpty());
  for (const auto& m : ms) {
    EXPECT_NE(m.line, 2u) << "the #include: " << m.after;
    const std::string want = m.line == 4 ? "sample_reset"
                             : m.line >= 10 && m.line <= 12 ? "read_status"
                             : m.line == 15 ? "link_change_notify" : "";
    EXPECT_EQ(m.function, want) << m.line << ": " << m.after;
  }
}

TEST(Mutate, TheCxxAdapterSaysWhichValuesItDrops) {
  // The real adapter and callback table: a pattern written against an
  // older adapter (`T::read_status(dev)`) matched nothing in the adapter of
  // 2026-12-03 on, and mutate --impl cxx scored the two read_status value
  // mutants as survivors (a review, 2026-12-07).
  const std::filesystem::path root = kernel::data_dir();
  const std::string adapter_rel = "cxx/include/refdrv/phy/detail/adapter.hpp";
  const auto adapter = kernel::read_file(root / adapter_rel);
  const auto table = kernel::read_file(root / "abi/refdrv_phy_callbacks.h");
  ASSERT_TRUE(adapter && table);
  const auto dropped = discarded_cxx_values(*adapter, *table, adapter_rel);
  ASSERT_EQ(dropped.size(), 1u);
  ASSERT_TRUE(dropped.contains("read_status"));
  EXPECT_THAT(dropped.at("read_status"), ::testing::StartsWith(adapter_rel + ":"));
  const std::size_t line = std::stoul(dropped.at("read_status").substr(adapter_rel.size() + 1));
  std::istringstream lines(*adapter);
  std::string text;
  for (std::size_t n = 0; n < line && std::getline(lines, text);) ++n;
  EXPECT_THAT(text, ::testing::HasSubstr("= F(dev);")) << "the line named is the call whose value is dropped";
  const auto ms = generate_mutants(kCxx, MutantLang::kCxx);
  std::vector<std::string> returned;
  for (const auto& m : ms)
    if (m.ok_value) returned.push_back(m.function + ": " + m.after);
  EXPECT_THAT(returned, ::testing::ElementsAre("read_status: if (!dev.is_link_up()) return 1;", "read_status: return 1;"));
}

// rustfmt's layouts: a one-line `if` expression's condition ends at its
// first brace (it was taken to the line's last: `if !(a { 1 } else) { 2 }`),
// and a call broken over lines is one statement (its last line alone,
// `)?;`, became `let _ = );`): each gave a mutant that does not compile, left
// out of the score, instead of the real one.
TEST(Mutate, RustStatementsOverSeveralLinesAndOneLineIfsAreWhole) {
  const std::string rust =
      "fn f(dev: &mut Device) -> Result {\n"
      "    let x = if dev.is_on() { 1 } else { 2 };\n"
      "    dev.write(\n"
      "        C22::BMCR,\n"
      "        x,\n"
      "    )?;\n"
      "    Ok(())\n"
      "}\n";
  const auto ms = generate_mutants(rust, MutantLang::kRust);
  EXPECT_THAT(afters(ms, "negated condition"), ::testing::ElementsAre("let x = if !(dev.is_on()) { 1 } else { 2 };"));
  EXPECT_THAT(afters(ms, "dropped error check"), ::testing::ElementsAre("let _ = dev.write("));
  for (const auto& m : ms) {
    if (m.op != "dropped error check") continue;
    EXPECT_NE(m.source.find("    let _ = dev.write(\n        C22::BMCR,\n        x,\n    );\n    Ok(())"),
              std::string::npos)
        << m.source;
  }
  EXPECT_THAT(afters(ms, "deleted statement"), ::testing::Contains("deleted: dev.write( C22::BMCR, x, )?;"));
  for (const auto& m : ms) EXPECT_EQ(m.source.find("let _ = );"), std::string::npos) << m.op;
}

// What a review found on 2026-12-07: one change of meaning scored twice
// (`x < N + 1` and `x <= N`; `!(a == b)` and `a != b`), C's octal read as
// decimal, the body of an `else if` deleted so that the next statement
// became it, and calls whose deletion C had but Rust's `let _ =` and C++'s
// one-line `if` had not.
TEST(Mutate, OneChangeOfMeaningIsOneMutantAndEveryStatementShapeHasItsDeletion) {
  const std::string c =
      "static int f(struct phy_device *dev, int x)\n"
      "{\n"
      "\tif (x >= 4)\n"
      "\t\treturn 0644;\n"
      "\tif (7 > x)\n"
      "\t\treturn 0x00AB;\n"
      "\tif (dev->link == 1)\n"
      "\t\tx = 1;\n"
      "\telse if (x)\n"
      "\t\tphy_a(dev);\n"
      "\t} else\n"
      "\t\tphy_b(dev);\n"
      "\treturn x;\n"
      "}\n";
  const auto ms = generate_mutants(c, MutantLang::kC);
  EXPECT_THAT(afters(ms, "relational"), ::testing::ElementsAre("if (x > 4)", "if (7 >= x)", "if (dev->link != 1)"));
  // Not x >= 5 nor 8 > x (the relational ones); 0644 + 1 in octal; the hex
  // literal's width and case kept.
  EXPECT_THAT(afters(ms, "constant"),
              ::testing::ElementsAre("return 0645;", "return 0x00AC;", "if (dev->link == 2)", "x = 2;"));
  // Not !(dev->link == 1), which is dev->link != 1.
  EXPECT_THAT(afters(ms, "negated condition"),
              ::testing::ElementsAre("if (!(x >= 4))", "if (!(7 > x))", "else if (!(x))"));
  // Under `else if (x)` and `} else` the call becomes `;`: deleting its line
  // made the next statement the branch's body.
  EXPECT_THAT(afters(ms, "deleted statement"), ::testing::ElementsAre(";", ";"));

  // Only where the literal is the whole operand: `x < 4 * y` with 5 is no
  // relational mutant, nor `x - 1 > y` with 2; and C's `a & b == c` is
  // `a & (b == c)`, whose negation is not `a & b != c`.
  const std::string operands =
      "static int g(int x, int y, int a)\n"
      "{\n"
      "\tif (x < 4 * y)\n"
      "\t\treturn 1;\n"
      "\tif (x - 1 > y)\n"
      "\t\treturn 2;\n"
      "\tif (a & x == y)\n"
      "\t\treturn 3;\n"
      "\treturn 0;\n"
      "}\n";
  const auto om = generate_mutants(operands, MutantLang::kC);
  EXPECT_THAT(afters(om, "constant"), ::testing::IsSupersetOf({"if (x < 5 * y)", "if (x - 2 > y)"}));
  EXPECT_THAT(afters(om, "negated condition"), ::testing::Contains("if (!(a & x == y))"));

  const std::string rust =
      "fn f(dev: &mut Device) {\n"
      "    let _ = dev.init_hw();\n"
      "    let _ = dev.start_aneg();\n"
      "}\n";
  EXPECT_THAT(afters(generate_mutants(rust, MutantLang::kRust), "deleted statement"),
              ::testing::ElementsAre("deleted: let _ = dev.init_hw();", "deleted: let _ = dev.start_aneg();"));

  const std::string cxx =
      "static Result<std::uint16_t> read_status(Device& dev) {\n"
      "  if (dev.is_autoneg_enabled() && dev.is_autoneg_completed()) dev.resolve_aneg_linkmode();\n"
      "  return 0;\n"
      "}\n";
  EXPECT_THAT(afters(generate_mutants(cxx, MutantLang::kCxx), "deleted statement"),
              ::testing::ElementsAre("if (dev.is_autoneg_enabled() && dev.is_autoneg_completed()) {}"));
}

// The verdict on a mutant of the C driver whose check ran `r` (the C run)
// alone, as run_mutation() judges it.
MutantResult judge_c_run(RunResult r) {
  CheckReport rep;
  rep.impls = {Impl::kC};
  CheckRow row;
  row.scenario = std::make_shared<const Scenario>(Scenario{.name = "s"});
  row.model = "AX88772A";
  row.impls = {Impl::kC};
  r.impl = Impl::kC;
  row.runs = {std::move(r)};
  row.divergence.resize(1);
  row.reproducers.resize(1);
  row.own_driver_ran = {true};
  rep.rows = {std::move(row)};
  MutantResult res;
  judge_mutant(res, rep, Impl::kC);
  return res;
}

// A worker killed by SIGKILL was killed from outside the run (refdrv says
// "hang" of one it killed itself): no verdict on the mutant.
TEST(Mutate, AWorkerKilledFromOutsideIsNoKill) {
  const auto [status, said] =
      failure_verdict("link-up on AX88772A: C fails (stopped: crash: the process died with signal 9 (Killed))");
  EXPECT_EQ(status, MutantResult::Status::kUndecided);
  EXPECT_THAT(said, HasSubstr("killed from outside the run"));
  EXPECT_EQ(failure_verdict("link-up on AX88772A: C fails (stopped: crash: the process died with signal 11 "
                            "(Segmentation fault))")
                .first,
            MutantResult::Status::kKilled);
  EXPECT_EQ(
      failure_verdict("link-up on AX88772A: C fails (stopped: hang: no result after 30 s of wall-clock time)").first,
      MutantResult::Status::kKilled);
  // An expectation that failed before it still killed the mutant.
  RunResult r;
  r.steps_run = 6;
  r.stop = "crash: the process died with signal 9 (Killed)";
  r.expectations.push_back({.step = 2, .where = "s.yaml:7:5", .ok = false, .message = "expected link up"});
  EXPECT_EQ(judge_c_run(r).status, MutantResult::Status::kKilled);
}

// A literal wider than 64 bits gets no constant mutant, and the others in
// the file still do: std::stoull threw on it and ended refdrv (exit 134).
TEST(Mutate, ALiteralWiderThan64BitsIsLeftAlone) {
  const std::string rust =
      "fn f() -> u128 {\n    let a = 99999999999999999999;\n    let b = 0x1ffffffffffffffffff;\n    a + b + 7\n}\n";
  std::vector<Mutant> ms;
  ASSERT_NO_THROW(ms = generate_mutants(rust, MutantLang::kRust));
  EXPECT_THAT(afters(ms, "constant"), ::testing::ElementsAre("a + b + 8"));
}

TEST(Mutate, TheScoreCountsOnlyKilledAndSurvivedMutants) {
  MutationReport rep;
  auto add = [&](MutantResult::Status s, int n) {
    for (int i = 0; i < n; ++i) rep.results.push_back({.status = s});
  };
  EXPECT_FALSE(rep.score()) << "nothing scored is no score, not 100";
  add(MutantResult::Status::kEquivalent, 2);
  EXPECT_FALSE(rep.score()) << "equivalent mutants only: still none";
  add(MutantResult::Status::kKilled, 19);
  add(MutantResult::Status::kSurvived, 1);
  add(MutantResult::Status::kEquivalent, 3);
  add(MutantResult::Status::kStillborn, 7);
  add(MutantResult::Status::kUndecided, 4);
  ASSERT_TRUE(rep.score());
  EXPECT_DOUBLE_EQ(*rep.score(), 95.0);
  EXPECT_EQ(rep.count(MutantResult::Status::kStillborn), 7u);
  const auto j = mutation_report_json(rep, 95.0);
  EXPECT_EQ(j["counts"]["undecided"], 4);
  EXPECT_EQ(j["counts"]["killed"], 19);
}

// A mutant's check that first stops at a kernel function refdrv does not
// emulate is refdrv's gap, not the suite noticing the mutant: undecided,
// not killed (it counted as killed, which raised the score).
TEST(Mutate, AStopAtAnUnemulatedKernelFunctionIsNoKill) {
  const auto [gap, gap_said] = failure_verdict(
      "link-up on AX88772A: C fails (stopped: unemulated kernel function phy_queue_state_change() was called)");
  EXPECT_EQ(gap, MutantResult::Status::kUndecided);
  EXPECT_THAT(gap_said, HasSubstr("phy_queue_state_change()"));
  EXPECT_THAT(gap_said, HasSubstr("not scored"));
  const auto [kill, kill_said] = failure_verdict("link-up on AX88772A: C and Rust differ (mdio)");
  EXPECT_EQ(kill, MutantResult::Status::kKilled);
  EXPECT_EQ(kill_said, "link-up on AX88772A: C and Rust differ (mdio)");
  EXPECT_STREQ(mutant_status_name(MutantResult::Status::kUndecided), "undecided");
  // An expectation that failed before the step the run stopped in killed
  // the mutant, whatever stopped it after.
  RunResult r;
  r.steps_run = 6;
  r.stop = "unemulated kernel function phy_queue_state_change() was called";
  r.expectations.push_back(
      {.step = 2, .where = "s.yaml:7:5", .ok = false, .message = "expected link up (phylib: down)"});
  const MutantResult killed = judge_c_run(r);
  EXPECT_EQ(killed.by, "s on AX88772A: C fails (s.yaml:7:5: expected link up (phylib: down))");
  EXPECT_EQ(killed.status, MutantResult::Status::kKilled);
  r.expectations.back().step = 5;  // in the step it stopped in: the stop came first
  EXPECT_EQ(judge_c_run(r).status, MutantResult::Status::kUndecided);
}

// A mutant's check is judged by check's rules and by whose run failed (a
// review, 2026-12-07): a failure of an implementation that was not mutated
// (its runs passed unmutated; the mutant is not its driver) is no kill; a
// divergence before a stop at refdrv's gap is one, as check has it; the
// kind names what killed it.
TEST(Mutate, AMutantIsJudgedByItsOwnRunsAndByChecksRules) {
  auto sc = std::make_shared<const Scenario>(Scenario{.name = "s"});
  const auto row_of = [&](RunResult c, RunResult rust) {
    CheckRow row;
    row.scenario = sc;
    row.model = "AX88772A";
    row.impls = {Impl::kC, Impl::kRust};
    c.impl = Impl::kC;
    rust.impl = Impl::kRust;
    row.runs = {c, rust};
    row.divergence.resize(2);
    row.reproducers.resize(2);  // as run_check() sizes them
    row.own_driver_ran = {true, true};
    return row;
  };
  RunResult ok;
  ok.steps_run = 6;
  RunResult hung = ok;
  hung.stop = "hang: no result after 30 s of wall-clock time (the worker was killed)";
  const auto judge = [](const CheckReport& rep, Impl mutated) {
    MutantResult res;
    judge_mutant(res, rep, mutated);
    return res;
  };
  CheckReport rep;
  rep.impls = {Impl::kC, Impl::kRust};
  // The Rust run hung in a check of a C mutant: not the mutant's doing.
  rep.rows = {row_of(ok, hung)};
  MutantResult r = judge(rep, Impl::kC);
  EXPECT_EQ(r.status, MutantResult::Status::kUndecided) << r.by;
  EXPECT_THAT(r.by, HasSubstr("Rust was not mutated"));
  // The same in a check of a Rust mutant kills it.
  EXPECT_EQ(judge(rep, Impl::kRust).status, MutantResult::Status::kKilled);
  EXPECT_EQ(judge(rep, Impl::kRust).kind, "stop");
  // A divergence at step 2 before the mutant's run stopped at refdrv's gap
  // in step 6: check's finding, so a kill (it was undecided).
  RunResult gap = ok;
  gap.stop = "unemulated kernel function krealloc_noprof() was called";
  CheckRow diverged = row_of(gap, ok);
  diverged.divergence[1] = Divergence{.level = Level::kMdio, .step = 1, .step_name = "start"};
  rep.rows = {diverged};
  r = judge(rep, Impl::kC);
  EXPECT_EQ(r.status, MutantResult::Status::kKilled) << r.by;
  EXPECT_EQ(r.kind, "divergence");
  // After the stop: the stop's doing, undecided.
  rep.rows.front().divergence[1]->step = 5;
  EXPECT_EQ(judge(rep, Impl::kC).status, MutantResult::Status::kUndecided);
  // An expectation that failed before the gap killed it, and is its kind.
  RunResult expected = gap;
  expected.expectations.push_back({.step = 2, .where = "s.yaml:7:5", .ok = false, .message = "expected link up"});
  rep.rows = {row_of(expected, ok)};
  r = judge(rep, Impl::kC);
  EXPECT_EQ(r.status, MutantResult::Status::kKilled);
  EXPECT_EQ(r.kind, "expectation");
  // The same from a second refdrv's check --json.
  nlohmann::json j = {{"exit_code", 1},
                      {"results",
                       {{{"scenario", "s"},
                         {"model", "AX88772A"},
                         {"runs",
                          {{{"implementation", "c"}, {"passed", false}, {"steps_run", 6}, {"stop", *hung.stop}},
                           {{"implementation", "cxx"}, {"passed", true}, {"steps_run", 6}}}},
                         {"divergences", nlohmann::json::array()}}}}};
  MutantResult from_json;
  judge_mutant_json(from_json, j, Impl::kCxx);
  EXPECT_EQ(from_json.status, MutantResult::Status::kUndecided) << from_json.by;
  judge_mutant_json(from_json, j, Impl::kC);
  EXPECT_EQ(from_json.status, MutantResult::Status::kKilled) << from_json.by;
  j["results"][0]["runs"][0] = {{"implementation", "cxx"}, {"passed", false}, {"steps_run", 6}, {"stop", *gap.stop}};
  j["results"][0]["runs"][1] = {{"implementation", "c"}, {"passed", true}, {"steps_run", 6}};
  j["results"][0]["divergences"] = {{{"implementation", "cxx"}, {"against", "c"}, {"step", 2}, {"level_name", "MDIO"}}};
  judge_mutant_json(from_json, j, Impl::kCxx);
  EXPECT_EQ(from_json.status, MutantResult::Status::kKilled) << from_json.by;
  EXPECT_EQ(from_json.kind, "divergence");
  // A row of another group's model (the QT2025: the second refdrv's check
  // runs the whole suite) has no driver the mutant changed.
  j["results"][0]["model"] = "QT2025";
  judge_mutant_json(from_json, j, Impl::kCxx);
  EXPECT_EQ(from_json.status, MutantResult::Status::kUndecided) << from_json.by;
  EXPECT_THAT(from_json.by, HasSubstr("a model of another driver group than the mutant's"));
}

// What an `#if 0` leaves out is no code to mutate: its mutants were built,
// found byte-identical and called "equivalent" for a reason that was not
// theirs (module metadata). Its #else branch and what follows are code.
TEST(Mutate, WhatAnIfZeroLeavesOutMakesNoMutant) {
  const std::string c =
      "static int a(int x)\n{\n\treturn x + 1;\n}\n"
      "#if 0\nstatic int b(int x)\n{\n#ifdef FOO\n\tx = x * 3;\n#endif\n\treturn x - 2;\n}\n"
      "#else\nstatic int c(int x)\n{\n\treturn x - 4;\n}\n#endif\n"
      "#  if 0 /* off */\nstatic int d(int x) { return x * 5; }\n#endif\n"
      "static int e(int x)\n{\n\treturn x + 6;\n}\n";
  const auto ms = generate_mutants(c, MutantLang::kC);
  std::vector<std::string> functions;
  for (const auto& m : ms)
    if (std::find(functions.begin(), functions.end(), m.function) == functions.end()) functions.push_back(m.function);
  EXPECT_THAT(functions, ::testing::ElementsAre("a", "c", "e"));
  for (const auto& m : ms) {
    EXPECT_EQ(m.after.find("x * 3"), std::string::npos) << m.after;
    EXPECT_EQ(m.after.find("x - 2"), std::string::npos) << m.after;
  }
}

// A C or Rust mutant is stillborn only where the compiler refused its own
// file: a failed link or another file's error is refdrv's failure (a
// review, 2026-12-07: any "error: " did).
TEST(Mutate, AStillbornCOrRustMutantHasAnErrorInItsOwnFile) {
  const std::filesystem::path c = "/cache/m/ab12.c", rs = "/cache/m/cd34.rs";
  EXPECT_TRUE(names_an_error_in(
      "building the kernel side failed (exit status 1): /cache/m/ab12.c:37:45: error: expected ';' before 'if'", c));
  EXPECT_TRUE(
      names_an_error_in("building the kernel side failed (exit status 1): error[E0308]: mismatched types. "
                        "Last lines of /nonexistent/build.log:\n    error[E0308]: mismatched types\n"
                        "       --> /cache/m/cd34.rs:89:28\n",
                        rs));
  EXPECT_FALSE(
      names_an_error_in("building the kernel side failed (exit status 1): collect2: error: ld returned 1 exit "
                        "status",
                        c));
  EXPECT_FALSE(names_an_error_in(
      "building the kernel side failed (exit status 1): drivers/net/phy/phy.c:12:1: error: x\n/cache/m/ab12.c: In "
      "function 'f':",
      c));
  EXPECT_FALSE(names_an_error_in("error: x\n   --> rust/kernel/net/phy.rs:3:1\n", rs));
  // A fatal error, and an error located in a header while expanding a macro
  // of the mutant's line, are the mutant's too (a review, 2026-12-07).
  EXPECT_TRUE(names_an_error_in("x: /cache/m/ab12.c:3:10: fatal error: nosuch.h: No such file or directory", c));
  EXPECT_TRUE(
      names_an_error_in("include/linux/phy.h:9:5: error: expected expression\n"
                        "/cache/m/ab12.c:40:2: note: in expansion of macro 'phy_write'\n",
                        c));
  EXPECT_FALSE(names_an_error_in("/cache/m/ab12.c:40:2: note: in expansion of macro 'x'\n", c)) << "no error above";
}

// A C++ mutant is stillborn only when ninja's failed step is its own object:
// the build log names the mutant's file in every compile command, so
// finding the name proved nothing (a failed link or another source's
// error dropped the mutant from the score).
TEST(Mutate, OnlyTheMutantsOwnFailedCompileMakesItStillborn) {
  const std::string obj = "ax88796b_cxx.cpp.o";
  EXPECT_TRUE(only_failed_step_is(
      "[1/3] Building CXX object CMakeFiles/d.dir/root/m/ax88796b_cxx.cpp.o\n"
      "FAILED: CMakeFiles/d.dir/root/m/ax88796b_cxx.cpp.o \n/root/m/ax88796b_cxx.cpp:3:1: error: x\n",
      obj));
  EXPECT_TRUE(only_failed_step_is("FAILED: [code=1] CMakeFiles/d.dir/ax88796b_cxx.cpp.o\n", obj));
  EXPECT_FALSE(only_failed_step_is(
      "[1/3] Building CXX object CMakeFiles/d.dir/root/m/ax88796b_cxx.cpp.o\n[3/3] Linking CXX executable refdrv\n"
      "FAILED: refdrv \ncollect2: error: ld returned 1 exit status\n",
      obj))
      << "the link failed";
  EXPECT_FALSE(only_failed_step_is(
      "FAILED: CMakeFiles/d.dir/root/m/ax88796b_cxx.cpp.o\nFAILED: CMakeFiles/r.dir/cli/main.cpp.o\n", obj))
      << "another source failed too";
  EXPECT_FALSE(only_failed_step_is("FAILED: CMakeFiles/r.dir/cli/x_ax88796b_cxx.cpp.o\n", obj));
  EXPECT_FALSE(only_failed_step_is("/root/m/ax88796b_cxx.cpp:3:1: error: x\n", obj)) << "no failed step";
}

}  // namespace
}  // namespace refdrv
