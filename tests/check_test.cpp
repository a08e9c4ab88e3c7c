// SPDX-License-Identifier: GPL-2.0
// refdrv check end to end: the default suite, its reports (KTAP read by the
// tree's own kunit parser, JSON checked against its schema), fork isolation,
// and a deliberately altered C driver that must be caught.
#include "engine/check.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/check_report.hpp"
#include "engine/commits.hpp"
#include "engine/mutate.hpp"
#include "engine/suite.hpp"
#include "host/store_watch.hpp"
#include "kernel/cache.hpp"
#include "kernel/kbuild.hpp"
#include "kernel/process.hpp"
#include "report/api_map.hpp"
#include "report/drivers.hpp"
#include "tests/report_options.hpp"
#include "tests/test_support.hpp"

namespace refdrv::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::EndsWith;
using ::testing::StartsWith;

std::vector<Scenario> suite() {
  auto s = load_default_suite();
  EXPECT_TRUE(s);
  return *s;
}

std::vector<Scenario> only(const std::vector<Scenario>& all, std::initializer_list<const char*> names) {
  std::vector<Scenario> out;
  for (const auto& s : all)
    for (const char* n : names)
      if (s.name == n) out.push_back(s);
  return out;
}

CheckReport check(Environment& env, const std::vector<Scenario>& scenarios,
                  Containment containment = Containment::kFork) {
  CheckOptions o;
  o.impls = available_impls(env, nullptr);
  o.containment = containment;
  o.repro_dir = (fs::temp_directory_path() / ("refdrv-repro-" + std::to_string(::getpid()))).string();
  return run_check(env, scenarios, o);
}

// A file in the temporary directory, named after this process and removed
// when the test program ends.
fs::path temp_file(const std::string& name) {
  static struct Cleanup {
    std::vector<fs::path> files;
    ~Cleanup() {
      std::error_code ec;
      for (const auto& f : files) fs::remove(f, ec);
    }
  } cleanup;
  cleanup.files.push_back(fs::temp_directory_path() / (std::to_string(::getpid()) + "-" + name));
  return cleanup.files.back();
}

TEST(Check, TheDefaultSuiteHoldsAndAllThreeImplementationsAreEquivalentOnLinux612) {
  Environment& env = environment("6.12");
  const CheckReport rep = check(env, suite());
  ASSERT_EQ(rep.impls, (std::vector<Impl>{Impl::kC, Impl::kRust, Impl::kCxx}));
  EXPECT_TRUE(rep.all_passed()) << format_terminal(rep, {});
  EXPECT_TRUE(rep.all_equivalent()) << format_terminal(rep, {});
  EXPECT_EQ(rep.exit_code(), 0);
  // Every callback every driver of every implementation has ran: the three
  // Asix drivers in C, Rust and C++, the QT2025 in Rust and C++.
  ASSERT_EQ(rep.coverage.size(), 11u);
  for (const auto& c : rep.coverage) EXPECT_EQ(c.covered, c.implemented) << impl_name(c.impl) << " " << c.driver;
  EXPECT_THAT(format_terminal(rep, {}), HasSubstr("all expectations hold, all implementations equivalent"));
  // Both groups' registrations were compared, and match.
  EXPECT_THAT(rep.registration_compared,
              ElementsAre("Asix AX88772A, AX88772C, AX88796B PHYs", "AMCC QT2025 10GBASE-R PHY"));
  EXPECT_THAT(rep.registration_differences, ::testing::IsEmpty());
  // phylib's state was watched at every store in every run: by a hardware
  // watchpoint, or (a machine without one) by the store hooks, and the
  // verdict says so and why: never a weaker comparison that says nothing.
  const auto [sampled, why] = rep.sampled_states();
  EXPECT_EQ(sampled, 0u) << why;
  const auto [hooked, hooked_why] = rep.hooked_states();
  if (const std::string none = watch::unavailable_reason(); none.empty()) {
    EXPECT_EQ(hooked, 0u) << hooked_why;
  } else {
    // Every run that observed a PHY's state asked for the watch.
    std::size_t observed = 0;
    for (const auto& row : rep.rows)
      for (const auto& r : row.runs)
        observed += std::any_of(r.trace.events().begin(), r.trace.events().end(),
                                [](const TraceEvent& e) { return e.kind == TraceKind::kState; });
    EXPECT_GT(observed, 300u);
    EXPECT_EQ(hooked, observed);
    EXPECT_EQ(hooked_why, none);
    EXPECT_THAT(format_terminal(rep, {}),
                HasSubstr(fmt::format("Note: in {} run(s) phylib's state was watched by the store hooks compiled into "
                                      "phylib and the C drivers, not by a hardware watchpoint ({}): every store",
                                      observed, none)));
  }
}

// The drivers' registrations (struct phy_driver) are compared whether or
// not a scenario reaches them: names and order, PHY IDs and masks, flags,
// and which function pointers are set, named from the tree's phy.h (a
// review, 2026-12-07: a wider PHY ID mask, a get_wol or a flag one
// implementation alone had was "equivalent").
TEST(Registration, DifferencesAreNamedWithTheTreesMembers) {
  Environment& env = environment("6.12");
  const auto names = phy_driver_member_names(env.tree().root);
  const auto modules = env.image().modules();
  ASSERT_FALSE(modules.empty());
  ASSERT_EQ(names.size(), modules.front().member_slots) << "every function pointer after driver_data, named";
  EXPECT_EQ(names.front(), "soft_reset");
  const auto at = [&](const char* n) {
    return static_cast<unsigned>(std::find(names.begin(), names.end(), n) - names.begin());
  };
  ASSERT_LT(at("get_wol"), names.size());
  const kernel::DriverGroup& group = *kernel::find_group("AX88796B_PHY");
  auto c = *std::find_if(modules.begin(), modules.end(),
                         [](const ModuleInfo& m) { return m.impl == Impl::kC && m.kconfig == "AX88796B_PHY"; });
  ModuleInfo cxx = c;
  cxx.impl = Impl::kCxx;
  EXPECT_THAT(registration_differences({c, cxx}, group, {Impl::kC, Impl::kCxx}, names),
              ::testing::Optional(::testing::IsEmpty()));
  cxx.drivers[2].mask = 0xffff0000;
  cxx.drivers[0].flags ^= 0x4;
  cxx.drivers[0].members |= 1ull << at("get_wol");
  c.drivers[1].members |= 1ull << at("set_wol");
  EXPECT_THAT(registration_differences({c, cxx}, group, {Impl::kC, Impl::kCxx}, names),
              ::testing::Optional(ElementsAre(
                  HasSubstr("\"Asix Electronics AX88772A\" has flags"),
                  "Asix AX88772A, AX88772C, AX88796B PHYs: \"Asix Electronics AX88772A\": only C++ sets get_wol",
                  "Asix AX88772A, AX88772C, AX88796B PHYs: \"Asix Electronics AX88772C\": only C sets set_wol",
                  "Asix AX88772A, AX88772C, AX88796B PHYs: \"Asix Electronics AX88796B\" matches PHY ID "
                  "0x003b1841 mask 0xfffffff0 in C, 0x003b1841 mask 0xffff0000 in C++")));
  cxx.drivers.pop_back();
  EXPECT_THAT(registration_differences({c, cxx}, group, {Impl::kC, Impl::kCxx}, names),
              ::testing::Optional(ElementsAre(
                  HasSubstr("C registers the phy_drivers \"Asix Electronics AX88772A\", \"Asix Electronics "
                            "AX88772C\", \"Asix Electronics AX88796B\", C++ \"Asix Electronics AX88772A\""))));
  // One implementation of the group: no comparison made.
  EXPECT_FALSE(registration_differences({c}, group, {Impl::kC, Impl::kCxx}, names).has_value());
}

// A commit whose only difference is in the drivers' registration says so
// on its line, not a bare "exit status 1" (a review, 2026-12-07).
TEST(Registration, ACommitsLineNamesARegistrationDifference) {
  CommitResult r;
  r.checked = true;
  r.exit_code = 1;
  r.runs = 3;
  r.registration = {"Asix AX88772A, AX88772C, AX88796B PHYs: \"Asix Electronics AX88796B\" matches PHY ID ..."};
  r.commit.sha = std::string(40, 'a');
  r.commit.subject = "net: phy: widen the mask";
  const std::vector<kernel::GitCommit> range = {r.commit};
  EXPECT_THAT(format_commit_line(r, 0, range, false),
              HasSubstr("NOT EQUIVALENT: 1 difference in the drivers' registration (first: Asix AX88772A, AX88772C, "
                        "AX88796B PHYs: \"Asix Electronics AX88796B\" matches PHY ID ...)"));
}

TEST(Check, OnLinux61RustIsReportedAbsentAndCAndCxxAgree) {
  Environment& env = environment("6.1");
  std::map<Impl, std::string> absent;
  const auto impls = available_impls(env, &absent);
  EXPECT_EQ(impls, (std::vector<Impl>{Impl::kC, Impl::kCxx}));
  EXPECT_THAT(absent[Impl::kRust],
              HasSubstr("has no Rust driver of any driver group (CONFIG_AX88796B_PHY, CONFIG_AMCC_QT2025_PHY)"));
  CheckReport rep = check(env, suite());
  rep.absent = absent;
  EXPECT_TRUE(rep.all_passed()) << format_terminal(rep, {});
  EXPECT_TRUE(rep.all_equivalent());
  EXPECT_THAT(format_ktap(rep), HasSubstr("ok 3 rust # SKIP Linux 6.1."));
}

// A fault on the bus scan's first read fails mdiobus_register(): every
// implementation's run is the same failed registration, and the steps after
// it enter no kernel code. "equivalent" there compares no driver, and a
// scenario without expectations holds none: both are said, and the trace
// marks each operation that did not run.
TEST(Check, AFailedBusRegistrationIsSaidNotPassedOffAsEquivalentDrivers) {
  Environment& env = environment("6.12");
  auto s = parse_scenario(
      "name: busfail\nmodels: [AX88772A]\npartner: switch-10-100\nfaults: [{kind: timeout, access: 0}]\n"
      "steps:\n  - attach\n  - start\n  - wait: 3s\n",
      "busfail.yaml");
  ASSERT_TRUE(s) << s.error().message;
  const CheckReport rep = check(env, {*s});
  ASSERT_EQ(rep.rows.size(), 1u);
  const CheckRow& row = rep.rows.front();
  ASSERT_TRUE(row.compared());
  for (const auto& r : row.runs) {
    EXPECT_TRUE(bus_registration_failed(r));
    std::size_t marked = 0;
    for (const auto& e : r.trace.events())
      if (e.kind == TraceKind::kStep && e.detail.view().find("not run: no MDIO bus") != std::string_view::npos)
        ++marked;
    EXPECT_EQ(marked, 2u) << "attach and start, not the wait";
  }
  const std::string text = format_terminal(rep, {});
  // No verdict: the drivers were not compared (a review, 2026-12-07: it
  // said "all implementations equivalent" and exited 0).
  EXPECT_THAT(text, HasSubstr("no run had an expectation to check; the instances were equivalent, but in no compared "
                              "pair did two of the selected implementations' own drivers run, so the drivers were "
                              "not compared"));
  EXPECT_EQ(rep.exit_code(), 2);
  EXPECT_FALSE(check_report_json(rep)["equivalent"]);
  EXPECT_THAT(text, Not(HasSubstr("all expectations hold")));
  EXPECT_THAT(text, HasSubstr("in 1 compared pair(s) mdiobus_register() failed in every run"));
  EXPECT_THAT(text, Not(HasSubstr("the PHY ID matched none of them")));
  // The same scenario with the fault gone: the drivers bound, no such note.
  s->faults.clear();
  const std::string fine = format_terminal(check(env, {*s}), {});
  EXPECT_THAT(fine, Not(HasSubstr("mdiobus_register() failed")));
}

// One implementation per pair compares nothing: the summary must not say
// the implementations are equivalent.
TEST(Check, ASingleImplementationRunSaysEquivalenceWasNotChecked) {
  Environment& env = environment("6.12");
  CheckOptions o;
  o.impls = {Impl::kC};
  const CheckReport rep = run_check(env, only(suite(), {"link-up-switch-10-100"}), o);
  ASSERT_FALSE(rep.rows.empty());
  EXPECT_TRUE(rep.all_passed()) << format_terminal(rep, {});
  const std::string text = format_terminal(rep, {});
  EXPECT_THAT(text, HasSubstr("no pair had two implementations to compare, so equivalence was not checked"));
  EXPECT_THAT(text, Not(HasSubstr("all implementations equivalent")));
  // Nor must the JSON, at the top or in a row (each row said "equivalent":
  // true where only C ran, until schema 5).
  const nlohmann::json j = check_report_json(rep);
  EXPECT_EQ(j["equivalent"], false);
  for (const auto& row : j["results"]) {
    EXPECT_EQ(row["compared"], false) << row.dump();
    EXPECT_EQ(row["equivalent"], false) << row.dump();
  }
  EXPECT_EQ(rep.exit_code(), 0) << "one implementation asked for: its expectations are the check";
}

// A scenario with no expect step and no returns: beside others that have
// some is named: "all expectations hold" says nothing of it (a review,
// 2026-12-07).
TEST(Check, AScenarioWithNothingToCheckIsNamed) {
  Environment& env = environment("6.12");
  auto bare = parse_scenario(
      "name: bare\nmodels: [AX88772A]\npartner: switch-10-100\nsteps:\n  - attach\n  - start\n  - wait: 3s\n",
      "bare.yaml");
  ASSERT_TRUE(bare) << bare.error().message;
  std::vector<Scenario> scenarios = only(suite(), {"link-up-switch-10-100"});
  scenarios.push_back(*bare);
  CheckOptions o;
  o.impls = {Impl::kC, Impl::kRust};
  const CheckReport rep = run_check(env, scenarios, o);
  const std::string text = format_terminal(rep, {});
  EXPECT_THAT(text, HasSubstr("1 scenario(s) have no expect step and no returns: (bare)"));
  EXPECT_EQ(rep.exit_code(), 0) << text;
  const CheckReport alone = run_check(env, only(suite(), {"link-up-switch-10-100"}), o);
  EXPECT_THAT(format_terminal(alone, {}), Not(HasSubstr("have no expect step")));
}

// A MAC driver starts, stops or suspends only the PHY it attached: before
// an attach refdrv makes no such call, and the trace says so instead of
// showing phy_start(), which returns nothing, return -ENODEV (a review,
// 2026-12-07).
TEST(Check, AnOperationWithNoPhyAttachedIsNotCalled) {
  Environment& env = environment("6.12");
  auto sc = parse_scenario(
      "name: before-attach\nmodels: [AX88772A]\npartner: switch-10-100\nsteps:\n  - start\n  - mii-read: {register: "
      "BMSR}\n",
      "before-attach.yaml");
  ASSERT_TRUE(sc) << sc.error().message;
  const RunResult r = run_scenario(env, *sc, "AX88772A", Impl::kC, {});
  const std::string trace = r.trace.format({});
  EXPECT_THAT(trace, HasSubstr("api    phy_start(not called: no PHY device is attached) = -ENODEV"));
  // The MII ioctl goes through the net device, whose helper answers itself.
  EXPECT_THAT(trace, HasSubstr("api    phy_mii_ioctl(SIOCGMIIREG) = -ENODEV"));
  // check names it.
  CheckOptions o;
  o.impls = {Impl::kC, Impl::kRust};
  const std::string text = format_terminal(run_check(env, {*sc}, o), {});
  EXPECT_THAT(text, HasSubstr("operation(s) run with no PHY device attached, so not called: before-attach "
                              "(before-attach.yaml:5:5: phy_start)."));
  // So is firmware-loaded: on a model that takes no firmware, where it
  // checks nothing of the driver (a review, 2026-12-07).
  auto fw = parse_scenario(
      "name: no-firmware\nmodels: [AX88772A]\npartner: switch-10-100\nsteps:\n  - attach\n"
      "  - expect: {firmware-loaded: false}\n",
      "no-firmware.yaml");
  ASSERT_TRUE(fw) << fw.error().message;
  EXPECT_THAT(format_terminal(run_check(env, {*fw}, o), {}),
              HasSubstr("firmware-loaded: on a model that takes no firmware, where false always holds and true "
                        "never does: no-firmware on AX88772A (no-firmware.yaml:6:5)."));
  // And a seed: with no probability rule to seed.
  auto seeded = parse_scenario(
      "name: seeded\nmodels: [AX88772A]\npartner: switch-10-100\nseed: 7\nsteps:\n  - attach\n"
      "  - fault: {kind: read-error, register: BMSR, nth: 1}\n  - expect: {state: READY}\n",
      "seeded.yaml");
  ASSERT_TRUE(seeded) << seeded.error().message;
  EXPECT_THAT(format_terminal(run_check(env, {*seeded}, o), {}),
              HasSubstr("seed: seeds only fault rules with a probability, and these scenarios have none, so it "
                        "changed nothing: seeded (seeded.yaml:4:7)."));
  auto random = parse_scenario(
      "name: random\nmodels: [AX88772A]\npartner: switch-10-100\nseed: 7\nsteps:\n  - attach\n"
      "  - fault: {kind: flip-bits, probability: 0.01, mask: 0x0020}\n  - expect: {bound: true}\n",
      "random.yaml");
  ASSERT_TRUE(random) << random.error().message;
  EXPECT_THAT(format_terminal(run_check(env, {*random}, o), {}), Not(HasSubstr("seed: seeds only")));
}

// Two implementations asked for, and no model of the scenarios has a
// driver in both: the comparison asked for was not made, which is no pass
// (a review, 2026-12-07: exit 0, the summary's words alone said so).
TEST(Check, TwoImplementationsAskedForAndNothingComparedIsNoPass) {
  Environment& env = environment("6.12");
  CheckOptions o;
  o.impls = {Impl::kC, Impl::kRust};
  const CheckReport rep = run_check(env, only(suite(), {"qt2025-firmware-and-link"}), o);
  ASSERT_EQ(rep.ran_pairs(), 1u);
  EXPECT_TRUE(rep.all_passed());
  EXPECT_EQ(rep.compared_pairs(), 0u);
  EXPECT_TRUE(rep.comparison_not_made());
  EXPECT_EQ(rep.exit_code(), 2);
  EXPECT_THAT(format_terminal(rep, {}),
              HasSubstr("(none of these scenarios' models has a driver in two of the selected implementations, "
                        "c,rust: the comparison asked for was not made)"));
  // A KTAP reader, whose leaves all pass, gets a test that is not ok, the
  // last, with the reason before it (a diagnostic alone: kunit.py said
  // SUCCESS, "passed: 1, skipped: 2").
  const std::string ktap = format_ktap(rep);
  EXPECT_THAT(ktap, HasSubstr("\n1..2\n"));
  EXPECT_THAT(ktap, ::testing::EndsWith("# error: no pair ran on two of the selected implementations (c,rust): "
                                        "the comparison asked for was not made\nnot ok 2 comparison\n"));
}

// Each link up the MAC is told is compared with what the model's link runs
// (a C driver that no longer resets its AX88772A on link loss fails by it
// alone: cli.check_holds_the_mac_to_the_link). Two cases it must leave alone:
//  - phylib telling the MAC "link up" at an unknown speed claims no speed:
//    with only 10 Mb/s advertised and a partner forced to 100 Mb/s, the model
//    parallel-detects 100/half and phylib finds nothing in common;
//  - a scenario that writes registers behind phylib's back: ADVERTISE
//    written to 10 Mb/s only, as mii-tool would, during a negotiation that
//    goes on with what was advertised when it started (100/full), so phylib
//    resolves 10/full from the registers, rightly.
TEST(Check, TheMacsLinkIsNotHeldToTheModelWherePhylibClaimsNothingOrRegistersWereWritten) {
  Environment& env = environment("6.12");
  auto unknown = parse_scenario(
      "name: pd\nmodels: [AX88772C]\npartner: forced-100-full\nsteps:\n  - attach\n"
      "  - ethtool: {advertise: [10-half, 10-full]}\n  - start\n  - wait: 3s\n  - expect: {link: up}\n",
      "pd.yaml");
  ASSERT_TRUE(unknown) << unknown.error().message;
  const CheckReport pd = check(env, {*unknown});
  EXPECT_TRUE(pd.all_passed()) << format_terminal(pd, {});
  EXPECT_THAT(run_scenario(env, *unknown, "AX88772C", Impl::kC).trace.format({}),
              HasSubstr("mac    link up Unknown/Unknown"));
  auto raw = parse_scenario(
      "name: raw\nmodels: [AX88772C]\npartner: switch-10-100\nsteps:\n  - attach\n  - start\n  - wait: 1s\n"
      "  - mii-write: {register: ADVERTISE, value: 0x0061}\n  - wait: 3s\n  - expect: {link: up, speed: 10}\n",
      "raw.yaml");
  ASSERT_TRUE(raw) << raw.error().message;
  const CheckReport written = check(env, {*raw});
  EXPECT_TRUE(written.all_passed()) << format_terminal(written, {});
}

std::optional<std::string> kunit_parse(const fs::path& ktap) {
  const fs::path parser = environment("6.12").tree().root / "tools/testing/kunit/kunit.py";
  if (!kernel::on_path("python3") || !fs::exists(parser)) return std::nullopt;
  // kunit.py exits 1 when a test failed; its output is what is checked.
  auto out = kernel::capture(
      {{"sh", "-c", "python3 \"$0\" parse \"$1\"; true", parser.string(), ktap.string()}, {}, {}, {}});
  return out ? *out : out.error().message;
}

TEST(Check, KtapOutputIsReadByTheTreesOwnKunitParser) {
  Environment& env = environment("6.12");
  const CheckReport rep = check(env, suite());
  const fs::path file = temp_file("check.ktap");
  std::ofstream(file) << format_ktap(rep);
  auto out = kunit_parse(file);
  if (!out) GTEST_SKIP() << "python3 is not installed: cannot run tools/testing/kunit/kunit.py";
  // kunit counts the leaves: scenarios x models x (3 implementations +
  // equivalence), and the drivers' registration; the C leaf of each QT2025
  // row is a SKIP (no C driver), and so is the equivalence leaf of the pair
  // on the generic model, where no implementation's own driver ran
  // (phylib's generic driver in each).
  const std::size_t leaves = rep.rows.size() * 4 + 1;
  std::size_t skipped = 0;
  for (const auto& row : rep.rows) {
    skipped += rep.impls.size() - row.impls.size();
    if (row.compared() && !row.own_drivers_compared()) ++skipped;
  }
  EXPECT_EQ(skipped, 7u);
  EXPECT_THAT(*out, HasSubstr(fmt::format("Testing complete. Ran {} tests: passed: {}, skipped: {}", leaves,
                                          leaves - skipped, skipped)))
      << out->substr(out->size() > 400 ? out->size() - 400 : 0);
}

// Issue 19: `refdrv check --ktap -` writes KTAP alone on stdout, so it pipes
// straight into the tree's kunit parser (the table goes to stderr).
TEST(Check, KtapOnStdoutPipesIntoTheTreesKunitParser) {
  const fs::path kunit = environment("6.12").tree().root / "tools/testing/kunit/kunit.py";
  if (!kernel::on_path("python3") || !fs::exists(kunit)) GTEST_SKIP() << "python3 or kunit.py missing";
  const fs::path status = temp_file("refdrv-status");
  const std::string script = fmt::format(
      "{{ \"$0\" check --ktap - 2>/dev/null; echo $? >\"$2\"; }} | python3 \"$1\" parse; echo \"kunit.py exit $?\"");
  auto out = kernel::capture({{"sh", "-c", script, REFDRV_EXE, kunit.string(), status.string()}, {}, {}, {}});
  ASSERT_TRUE(out) << out.error().message;
  auto refdrv_status = kernel::read_file(status);
  ASSERT_TRUE(refdrv_status);
  EXPECT_EQ(*refdrv_status, "0\n");
  // Every leaf: scenarios x models x (3 implementations + equivalence) and
  // the registration, all passed but the C leaf of the 6 QT2025 rows (no C
  // driver: SKIP) and the equivalence of the generic model's pair (no own
  // driver ran: SKIP).
  std::size_t pairs = 0;
  for (const auto& sc : suite()) pairs += sc.models.size();
  EXPECT_THAT(*out, HasSubstr(fmt::format("Testing complete. Ran {} tests: passed: {}, skipped: 7\n", pairs * 4 + 1,
                                          pairs * 4 + 1 - 7)))
      << out->substr(out->size() > 600 ? out->size() - 600 : 0);
  EXPECT_THAT(*out, HasSubstr("kunit.py exit 0"));
  EXPECT_THAT(*out, Not(HasSubstr("[ERROR]")));
}

TEST(Check, AFailedExpectationIsNotOkInKtapAndExitsWithOne) {
  Environment& env = environment("6.12");
  auto bad = parse_scenario("name: wrong-speed\nmodels: [AX88772C]\npartner: switch-10-100\nsteps:\n"
                            "  - attach\n  - start\n  - wait: 3s\n  - expect: {speed: 10}\n",
                            "wrong.yaml");
  ASSERT_TRUE(bad);
  const CheckReport rep = check(env, {*bad});
  EXPECT_EQ(rep.exit_code(), 1);
  const std::string ktap = format_ktap(rep);
  EXPECT_THAT(ktap, HasSubstr("# wrong.yaml:8:5: expected speed 10 (phylib: 100)"));
  EXPECT_THAT(ktap, HasSubstr("not ok 1 c"));
  EXPECT_THAT(ktap, HasSubstr("not ok 1 wrong-speed"));
  const fs::path file = temp_file("fail.ktap");
  std::ofstream(file) << ktap;
  auto out = kunit_parse(file);
  if (!out) GTEST_SKIP() << "python3 is not installed";
  EXPECT_THAT(*out, HasSubstr("Ran 5 tests: passed: 2, failed: 3"))
      << out->substr(out->size() > 400 ? out->size() - 400 : 0);
}

TEST(Check, TheJsonReportValidatesAgainstItsSchema) {
  Environment& env = environment("6.12");
  const CheckReport rep = check(env, only(suite(), {"link-up-switch-10-100", "fault-read-status-lpa"}));
  const fs::path file = temp_file("check.json");
  std::ofstream(file) << check_report_json(rep).dump(2);
  const fs::path root = kernel::data_dir();
  auto st = kernel::run({{(root / "tools/validate-json").string(), (root / "docs/schema/check-report.schema.json").string(),
                          file.string()},
                         {},
                         {},
                         {}});
  ASSERT_TRUE(st);
  if (*st == 2) GTEST_SKIP() << "python3-jsonschema is not installed";
  EXPECT_EQ(*st, 0);
}

TEST(Check, ForkedRunsGiveByteIdenticalTracesToInProcessRunsAndToThemselves) {
  Environment& env = environment("6.12");
  const auto scenarios = only(suite(), {"unplug-replug", "fault-soft-reset-poll", "quirk-ax88772a-stale-lpa"});
  const CheckReport in = check(env, scenarios, Containment::kInProcess);
  const CheckReport in_again = check(env, scenarios, Containment::kInProcess);
  const CheckReport forked = check(env, scenarios, Containment::kFork);
  ASSERT_FALSE(in.rows.empty());
  ASSERT_EQ(in.rows.size(), forked.rows.size());
  ASSERT_EQ(in.rows.size(), in_again.rows.size());
  for (std::size_t r = 0; r < in.rows.size(); ++r) {
    ASSERT_EQ(in.rows[r].runs.size(), 3u) << in.rows[r].model;  // C, Rust, C++
    ASSERT_EQ(forked.rows[r].runs.size(), 3u);
    ASSERT_EQ(in_again.rows[r].runs.size(), 3u);
  }
  for (std::size_t r = 0; r < in.rows.size(); ++r)
    for (std::size_t i = 0; i < in.rows[r].runs.size(); ++i) {
      const auto& a = in.rows[r].runs[i];
      const auto& b = forked.rows[r].runs[i];
      const std::string what = a.scenario + " " + a.model + " " + impl_name(a.impl);
      ASSERT_GT(a.trace.size(), 10u) << what;
      EXPECT_EQ(a.trace.format(), in_again.rows[r].runs[i].trace.format()) << what;
      EXPECT_EQ(a.trace.format(), b.trace.format()) << what;
      EXPECT_EQ(a.digest, b.digest) << what;
      EXPECT_EQ(a.passed(), b.passed());
    }
}

// The Rust side is the tree's own: its rust/kernel crates, built from the
// tree with kbuild's lines. A bug planted in the tree's abstraction (not in
// the driver) must turn the Rust column red.
TEST(RustAbstraction, AWrongBitInTheTreesPhyRsIsNotEquivalent) {
  EnvironmentOptions o = env_options();
  o.kernel = altered_rust_abstraction_tree().string();
  o.quiet = true;
  auto env = Environment::open(o);
  ASSERT_TRUE(env) << env.error().message;
  ASSERT_TRUE((*env)->image().has_impl(Impl::kRust, "AX88796B_PHY")) << (*env)->built().rust_note;
  // The altered phy.rs is among the files compiled.
  EXPECT_THAT((*env)->built().rust_sources, ::testing::Contains("rust/kernel/net/phy.rs"));
  // Issue 22: the copy reuses the configured Linux 6.12 (phy.rs is a source
  // refdrv compiles itself): the kernel crate and the Rust drivers that use
  // it are compiled, everything else is linked from that tree's build.
  const auto& built = (*env)->built();
  EXPECT_EQ(built.reused_from, environment("6.12").tree().root);
  EXPECT_EQ(built.differing_sources, (std::vector<std::string>{"rust/kernel/net/phy.rs"}));
  EXPECT_FALSE(built.inherited.contains("rust/kernel.o"));
  EXPECT_FALSE(built.inherited.contains("drivers/net/phy/ax88796b_rust.o"));
  EXPECT_EQ(built.inherited.at("rust/bindings.o"), kernel::object_file(environment("6.12").built(), "rust/bindings.o"));
  EXPECT_EQ(built.inherited.at("drivers/net/phy/phy.o"),
            kernel::object_file(environment("6.12").built(), "drivers/net/phy/phy.o"));
  CheckOptions co;
  co.impls = {Impl::kC, Impl::kRust};
  const CheckReport rep = run_check(**env, only(suite(), {"advertise-10-only"}), co);
  EXPECT_EQ(rep.exit_code(), 1);
  EXPECT_FALSE(rep.all_equivalent());
  // On the AX88772A (the driver with its own read_status, which asks
  // is_autoneg_completed() before resolving the negotiated mode): the C
  // driver resolves pause, the Rust one no longer does.
  const CheckRow& row = rep.rows.front();
  ASSERT_EQ(row.model, "AX88772A");
  ASSERT_TRUE(row.divergence[1]);
  EXPECT_EQ(row.divergence[1]->level, Level::kEvents);
  EXPECT_THAT(row.divergence[1]->a, HasSubstr("link up 100/Full lp-pause"));
  EXPECT_THAT(row.divergence[1]->b, ::testing::EndsWith("link up 100/Full (phy:0x10)"));
  // The C driver of the same tree is untouched: C and C++ stay equivalent.
  co.impls = {Impl::kC, Impl::kCxx};
  EXPECT_TRUE(run_check(**env, only(suite(), {"advertise-10-only"}), co).all_equivalent());
}

// With no toolchain that can build the tree's Rust, refdrv still runs C and
// C++, but "all implementations" is an error naming the cause and the fix.
TEST(RustToolchains, WithoutAUsableToolchainAllIsAnErrorAndTheOthersStillRun) {
  const char* before = std::getenv("REFDRV_RUSTC");
  const std::string saved = before ? before : "";
  ::setenv("REFDRV_RUSTC", "/nonexistent/rustc", 1);
  EnvironmentOptions o = env_options();
  o.quiet = true;
  auto env = Environment::open(o);
  if (before)
    ::setenv("REFDRV_RUSTC", saved.c_str(), 1);
  else
    ::unsetenv("REFDRV_RUSTC");
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_TRUE((*env)->built().rust_drivers.empty());
  EXPECT_FALSE((*env)->image().has_impl(Impl::kRust, "AX88796B_PHY"));
  EXPECT_THAT((*env)->built().rust_note, HasSubstr("/nonexistent/rustc does not run"));
  EXPECT_THAT((*env)->built().rust_note, HasSubstr("apt-get install rustc-web rust-web-src bindgen"));
  auto all = require_declared_impls(**env);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().exit_code, 2);
  EXPECT_THAT(all.error().message, HasSubstr("declares the Rust reference driver drivers/net/phy/ax88796b_rust.rs"));
  EXPECT_THAT(all.error().message, HasSubstr("--impl c,cxx"));
  // Named, it is an error too (a Rust of another group was enough for
  // --impl c,rust to go on, comparing C with C++ alone on the Asix rows);
  // without Rust it is not.
  const std::vector<Impl> with_rust = {Impl::kC, Impl::kRust}, without = {Impl::kC, Impl::kCxx};
  EXPECT_FALSE(require_declared_impls(**env, with_rust));
  EXPECT_TRUE(require_declared_impls(**env, without));
  CheckOptions co;
  co.impls = {Impl::kC, Impl::kCxx};
  const CheckReport rep = run_check(**env, only(suite(), {"link-up-switch-10-100", "suspend-resume"}), co);
  EXPECT_TRUE(rep.all_passed()) << format_terminal(rep, {});
  EXPECT_TRUE(rep.all_equivalent()) << format_terminal(rep, {});
  // The default environment (with Rust) is a different build, untouched.
  EXPECT_NE((*env)->built().build_dir, environment("6.12").built().build_dir);
  EXPECT_TRUE(require_declared_impls(environment("6.12")));

  // The report's mutation section: the tree has a Rust driver that was not
  // built, so it went unmutated, and "every driver reaches the minimum"
  // cannot be said from the C driver's score alone (a worker that scores
  // 100 % stands in for refdrv mutate).
  report::ReportOptions ro = section_report_options(co.impls, "norust");
  ro.mutate_worker = {"sh", "-c", "printf '%s' \"$0\" > \"$6\"",
                      R"({"mutants": [{"status": "killed"}], "counts": {"killed": 1, "survived": 0, "equivalent": 0,
                          "stillborn": 0}, "score": 100})"};
  const auto r = report::build_report(**env, only(suite(), {"link-up-switch-10-100"}), ro);
  fs::remove_all(ro.out_dir);
  const auto& m = r["mutation"];
  ASSERT_EQ(m["drivers"].size(), 2u) << m.dump();
  EXPECT_TRUE(m["drivers"][0]["ran"].get<bool>()) << m.dump();
  EXPECT_FALSE(m["drivers"][1]["ran"].get<bool>());
  EXPECT_THAT(m["drivers"][1]["note"].get<std::string>(), HasSubstr("built into the kernel side"));
  EXPECT_FALSE(m["ran"].get<bool>());
  EXPECT_FALSE(m["all_reach_minimum"].get<bool>());
}

// A replacement of the C driver that no longer registers (its
// module_phy_driver() line dropped) leaves the others to compare among
// themselves: "all implementations" is an error, not their verdict.
// phy_remove() stores PHY_DOWN when mdiobus_unregister() unbinds the
// driver: that store is seen as every other is (the watch lasts until the
// PHY is freed), on every implementation, as the Generic PHY's unbind in
// phy_detach() shows it.
TEST(Check, TheStoreOfPhyDownWhenTheDriverUnbindsIsTraced) {
  Environment& env = environment("6.12");
  const auto s = only(suite(), {"link-up-switch-10-100"});
  ASSERT_EQ(s.size(), 1u);
  RunOptions ro;
  ro.logs = false;
  for (Impl impl : {Impl::kC, Impl::kRust, Impl::kCxx}) {
    const RunResult r = run_scenario(env, s[0], "AX88772A", impl, ro);
    ASSERT_FALSE(r.stop) << *r.stop;
    const std::string t = r.trace.format();
    const auto unbind = t.find("unbind Asix Electronics AX88772A");
    ASSERT_NE(unbind, std::string::npos) << impl_name(impl) << "\n" << t;
    const auto down = t.find("state  HALTED -> DOWN", unbind);
    ASSERT_NE(down, std::string::npos) << impl_name(impl) << "\n" << t.substr(unbind);
    EXPECT_LT(down, t.find("mdiobus_unregister() = 0", unbind)) << impl_name(impl);
  }
}

TEST(Check, AReplacedCDriverThatDoesNotRegisterIsAnErrorNotTheOthersVerdict) {
  EnvironmentOptions o = env_options();
  o.quiet = true;
  o.overlay = altered_source("asix-no-register", "drivers/net/phy/ax88796b.c", "module_phy_driver(asix_driver);", "");
  auto env = Environment::open(o);
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_FALSE((*env)->image().has_impl(Impl::kC, "AX88796B_PHY"));
  auto all = require_declared_impls(**env);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().exit_code, 2);
  EXPECT_THAT(all.error().message, HasSubstr("declares the C driver drivers/net/phy/ax88796b.c (CONFIG_AX88796B_PHY), "
                                             "but it did not register"));
  EXPECT_THAT(all.error().message, HasSubstr("--impl rust,cxx"));
  const std::vector<Impl> with_c = {Impl::kC, Impl::kCxx}, without = {Impl::kRust, Impl::kCxx};
  EXPECT_FALSE(require_declared_impls(**env, with_c));
  EXPECT_TRUE(require_declared_impls(**env, without));
}

// The copy of 6.12 whose C driver lost its reset toggle (altered_tree()),
// opened quietly.
Result<std::unique_ptr<Environment>> altered_environment() {
  EnvironmentOptions o = env_options();
  o.kernel = altered_tree().string();
  o.quiet = true;
  return Environment::open(o);
}

TEST(Check, ADriverCopyWithoutTheResetToggleDivergesAndGetsAMinimalReproducer) {
  auto env = altered_environment();
  ASSERT_TRUE(env) << env.error().message;
  // Issue 22: the copy reuses the configured Linux 6.12; only the driver is
  // compiled.
  const auto& built = (*env)->built();
  EXPECT_EQ(built.reused_from, environment("6.12").tree().root);
  EXPECT_EQ(built.differing_sources, (std::vector<std::string>{"drivers/net/phy/ax88796b.c"}));
  EXPECT_EQ(built.objects.size(), built.inherited.size() + 1);
  EXPECT_FALSE(built.inherited.contains("drivers/net/phy/ax88796b.o"));
  const CheckReport rep = check(**env, only(suite(), {"link-up-switch-10-100", "quirk-ax88796b-reset-toggle"}));
  EXPECT_EQ(rep.exit_code(), 1);
  EXPECT_FALSE(rep.all_equivalent());
  // The first divergence: the Rust driver writes BMCR first, the altered C
  // driver reads it first, in step 1 (attach).
  const CheckRow& row = rep.rows.front();
  ASSERT_TRUE(row.divergence[1]);
  EXPECT_EQ(row.divergence[1]->level, Level::kMdio);
  EXPECT_EQ(row.divergence[1]->step, 0u);
  EXPECT_EQ(row.divergence[1]->step_name, "attach");
  EXPECT_THAT(row.divergence[1]->a, HasSubstr("rd phy:0x10 reg:0x00 BMCR"));
  EXPECT_THAT(row.divergence[1]->b, HasSubstr("wr phy:0x10 reg:0x00 BMCR      <- 0x0000"));
  const std::string text = format_terminal(rep, {});
  EXPECT_THAT(text, HasSubstr("DIVERGENCE link-up-switch-10-100 on AX88772A: C vs Rust"));
  EXPECT_THAT(text, HasSubstr("first divergence (MDIO sequence) in step 1 (attach, scenarios/link-up-switch-10-100.yaml"));
  // The reproducer keeps only what it takes: the attach.
  ASSERT_FALSE(row.reproducers[1].empty());
  auto repro = load_scenario(row.reproducers[1]);
  ASSERT_TRUE(repro) << repro.error().message;
  ASSERT_EQ(repro->steps.size(), 1u);
  EXPECT_EQ(repro->steps[0].kind, Step::Kind::kAttach);
  EXPECT_EQ(repro->models, (std::vector<std::string>{"AX88772A"}));
  // Named as its file, so the directory of one check's reproducers (a model
  // and a pair each, of one scenario) replays as one run.
  EXPECT_EQ(repro->name, fs::path(row.reproducers[1]).stem().string());
  auto all = load_scenarios({fs::path(row.reproducers[1]).parent_path().string()});
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_GT(all->size(), 1u);
  // On the AX88796B the altered driver's reset no longer happens at all.
  const CheckRow& quirk = rep.rows.back();
  EXPECT_FALSE(quirk.runs[0].passed()) << "C without the toggle must fail the reset-toggle scenario";
  EXPECT_TRUE(quirk.runs[1].passed());

  // What a CI job reads says the same: the JSON's verdicts and divergence,
  // KTAP's "not ok" for the equivalence case, the model and the scenario.
  const nlohmann::json j = check_report_json(rep);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["equivalent"], false);
  const nlohmann::json& first = j["results"][0];
  EXPECT_EQ(first["scenario"], "link-up-switch-10-100");
  EXPECT_EQ(first["model"], "AX88772A");
  EXPECT_EQ(first["equivalent"], false);
  EXPECT_EQ(first["compared"], true);
  ASSERT_FALSE(first["divergences"].empty()) << first.dump();
  const nlohmann::json& d = first["divergences"][0];
  EXPECT_EQ(d["implementation"], "rust");
  EXPECT_EQ(d["against"], "c");
  EXPECT_EQ(d["level_name"], "MDIO sequence");
  EXPECT_EQ(d["step"], 1);
  EXPECT_EQ(d["step_name"], "attach");
  EXPECT_EQ(d["reproducer"], row.reproducers[1]);
  EXPECT_EQ(j["results"].back()["passed"], false);
  const std::string ktap = format_ktap(rep);
  EXPECT_THAT(ktap, ::testing::ContainsRegex("\n        not ok [0-9]+ equivalent\n    not ok 1 AX88772A\n"));
  EXPECT_THAT(ktap, HasSubstr("\nnot ok 1 link-up-switch-10-100\n"));
  EXPECT_THAT(ktap, ::testing::ContainsRegex("\n        not ok 1 c\n(.*\n)*not ok 2 quirk-ax88796b-reset-toggle\n"));
}

// Mutation testing's check (CheckOptions::stop_at_first_failure) stops at
// the first pair with a failed run or a divergence: the pairs before it ran
// and came out as in the whole check, the pair it stopped at is the whole
// check's first failing one, and none after it ran. Without a failure it
// runs everything and says nothing of stopping.
TEST(Check, StoppedAtTheFirstFailureItNamesTheWholeChecksFirstFailingPairAndRunsNoMore) {
  auto env = altered_environment();
  ASSERT_TRUE(env) << env.error().message;
  CheckOptions co;
  co.impls = available_impls(**env, nullptr);
  const auto fails = [](const CheckRow& r) { return (!r.runs.empty() && !r.passed()) || !r.equivalent(); };
  // Scenarios whose pairs all pass first, so that the stop is not at the
  // first pair; then those with a failing pair; then the other passing ones.
  // A few of each are enough (and keep the test short under ASan): the
  // suite's scenarios checked one by one until there are.
  std::vector<Scenario> passing, failing;
  for (const auto& sc : suite()) {
    if (passing.size() >= 4 && failing.size() >= 2) break;
    const CheckReport one = run_check(**env, {sc}, co);
    if (std::ranges::any_of(one.rows, fails)) {
      if (failing.size() < 2) failing.push_back(sc);
    } else if (passing.size() < 4) {
      passing.push_back(sc);
    }
  }
  ASSERT_EQ(passing.size(), 4u);
  ASSERT_EQ(failing.size(), 2u);
  std::vector<Scenario> order = {passing.front()};
  order.insert(order.end(), failing.begin(), failing.end());
  order.insert(order.end(), passing.begin() + 1, passing.end());

  const CheckReport whole = run_check(**env, order, co);
  const auto first = std::ranges::find_if(whole.rows, fails);
  ASSERT_NE(first, whole.rows.end());
  const auto k = static_cast<std::size_t>(first - whole.rows.begin());
  ASSERT_GT(k, 0u);
  EXPECT_FALSE(whole.stopped_at_first_failure);

  CheckOptions stop = co;
  stop.stop_at_first_failure = true;
  const CheckReport stopped = run_check(**env, order, stop);
  EXPECT_TRUE(stopped.stopped_at_first_failure);
  EXPECT_EQ(stopped.exit_code(), whole.exit_code());
  ASSERT_EQ(stopped.rows.size(), k + 1);
  for (std::size_t i = 0; i <= k; ++i) {
    SCOPED_TRACE(fmt::format("pair {}: {} on {}", i, whole.rows[i].scenario->name, whole.rows[i].model));
    EXPECT_EQ(stopped.rows[i].scenario->name, whole.rows[i].scenario->name);
    EXPECT_EQ(stopped.rows[i].model, whole.rows[i].model);
    EXPECT_EQ(stopped.rows[i].passed(), whole.rows[i].passed());
    EXPECT_EQ(stopped.rows[i].equivalent(), whole.rows[i].equivalent());
    for (std::size_t j = 0; j < whole.rows[i].runs.size(); ++j)
      EXPECT_EQ(stopped.rows[i].runs[j].trace.format(), whole.rows[i].runs[j].trace.format());
  }
  std::size_t runs = 0;
  for (const auto& r : stopped.rows) runs += r.runs.size();
  EXPECT_EQ(stopped.instances, runs);
  EXPECT_LT(stopped.instances, whole.instances);
  EXPECT_THAT(format_terminal(stopped, {}), HasSubstr("(stopped at the first that failed)"));
  EXPECT_THAT(format_terminal(whole, {}), Not(HasSubstr("stopped at the first")));

  // The tree as it is: nothing fails, so nothing stops.
  const CheckReport clean = run_check(environment("6.12"), passing, stop);
  EXPECT_EQ(clean.exit_code(), 0);
  EXPECT_FALSE(clean.stopped_at_first_failure);
  std::size_t pairs = 0;
  for (const auto& sc : passing) pairs += sc.models.size();
  EXPECT_EQ(clean.rows.size(), pairs);
}

// An overlay of the tree's Rust driver: only the driver crate is compiled,
// against the tree build's crates (their metadata, and that of the crates
// they use, linked into the overlay build's library directory).
TEST(Check, AnAlteredRustDriverAsAnOverlayCompilesAgainstTheTreesCratesAndDiverges) {
  EnvironmentOptions o = env_options();
  o.overlay = altered_source("rust-no-toggle", "drivers/net/phy/ax88796b_rust.rs", "    dev.write(C22::BMCR, 0)?;\n", "");
  o.quiet = true;
  auto env = Environment::open(o);
  ASSERT_TRUE(env) << env.error().message;
  ASSERT_TRUE((*env)->image().has_impl(Impl::kRust, "AX88796B_PHY")) << (*env)->built().rust_note;
  const auto& built = (*env)->built();
  EXPECT_FALSE(built.inherited.contains("drivers/net/phy/ax88796b_rust.o"));
  EXPECT_TRUE(built.inherited.contains("rust/kernel.o"));
  EXPECT_TRUE(built.inherited.contains("drivers/net/phy/qt2025.o"));
  CheckOptions co;
  co.impls = {Impl::kC, Impl::kRust};
  const CheckReport rep = run_check(**env, only(suite(), {"quirk-ax88796b-reset-toggle"}), co);
  EXPECT_EQ(rep.exit_code(), 1);
  ASSERT_FALSE(rep.rows.empty());
  EXPECT_TRUE(rep.rows.front().runs[0].passed());
  EXPECT_FALSE(rep.rows.front().runs[1].passed()) << "Rust without the toggle must fail the reset-toggle scenario";
}

// The build with every PHY driver (refdrv drivers'), with `overlay`
// compiled instead of the tree's sources.
Result<std::unique_ptr<Environment>> all_drivers_environment(
    std::map<std::string, std::filesystem::path> overlay = {}) {
  EnvironmentOptions o = env_options();
  o.quiet = true;
  o.all_phy_drivers = true;
  o.overlay = std::move(overlay);
  return Environment::open(o);
}

std::optional<report::DriversReport> drivers_of(const std::string& file,
                                                std::map<std::string, std::filesystem::path> overlay) {
  auto env = all_drivers_environment(std::move(overlay));
  EXPECT_TRUE(env) << env.error().message;
  if (!env) return std::nullopt;
  auto only = report::select_driver_files((*env)->tree(), {file});
  EXPECT_TRUE(only) << only.error().message;
  if (!only) return std::nullopt;
  auto rep = report::run_drivers(**env, *only);
  EXPECT_TRUE(rep) << rep.error().message;
  if (!rep) return std::nullopt;
  return std::move(*rep);
}

// Issue 21: refdrv drivers' verdict follows the driver. A copy of the tree's
// davicom.c whose dm9161_config_aneg() fails (as an overlay of the build with
// every PHY driver) turns the entries that use it (DM9161E, B/C, A) to a
// failure at the first link expectation, and leaves DM9131 (genphy's
// config_aneg) passing, as it does in the tree's own driver.
TEST(Drivers, APlantedBugInAHostedDriverFailsTheEntriesThatRunIt) {
  auto verdicts = [](std::map<std::string, std::filesystem::path> overlay) {
    std::map<std::string, std::string> out;
    const auto rep = drivers_of("davicom", std::move(overlay));  // only davicom.c's entries run
    if (!rep) return out;
    EXPECT_EQ(rep->selected, std::vector<std::string>{"drivers/net/phy/davicom.c"});
    EXPECT_GT(rep->tree_files, 40u);
    for (const auto& row : rep->rows) {
      EXPECT_EQ(row.file, "drivers/net/phy/davicom.c");
      out[row.name] = std::string(report::conformance_name(row.conformance)) + " " + row.failed_step;
    }
    return out;
  };
  EXPECT_THAT(verdicts({}), ElementsAre(Pair("Davicom DM9131", "pass "), Pair("Davicom DM9161A", "pass "),
                                        Pair("Davicom DM9161B/C", "pass "), Pair("Davicom DM9161E", "pass ")));
  EXPECT_THAT(verdicts(altered_source("davicom-aneg-eio", "drivers/net/phy/davicom.c",
                                      "\terr = genphy_config_aneg(phydev);", "\terr = -EIO;")),
              ElementsAre(Pair("Davicom DM9131", "pass "), Pair("Davicom DM9161A", "fail step 5 (expect)"),
                          Pair("Davicom DM9161B/C", "fail step 5 (expect)"),
                          Pair("Davicom DM9161E", "fail step 5 (expect)")));
  // A leak on config_init's first error path: only the attach sweep (an MDIO
  // error at each access of attach) reaches it, and fails the entries whose
  // config_init it is.
  const auto leak = verdicts(altered_source("davicom-config-init-leak", "drivers/net/phy/davicom.c",
                                            "\tint err, temp;\n\n\t/* Isolate the PHY */\n\terr = phy_write(phydev, MII_BMCR, BMCR_ISOLATE);\n\n\tif (err < 0)\n\t\treturn err;",
                                            "\tint err, temp;\n\n\t/* Isolate the PHY */\n\terr = phy_write(phydev, MII_BMCR, BMCR_ISOLATE);\n\n\tif (err < 0) {\n"
                                            "\t\tphydev->priv = kmalloc(64, GFP_KERNEL);\n\t\treturn err;\n\t}"));
  EXPECT_EQ(leak.at("Davicom DM9131"), "pass ");
  for (const char* name : {"Davicom DM9161A", "Davicom DM9161B/C", "Davicom DM9161E"}) {
    EXPECT_THAT(leak.at(name), StartsWith("fail attach error at access ")) << name;
    EXPECT_THAT(leak.at(name), EndsWith(", teardown")) << name;
  }
}

// Issue 21, item 3: differential where two implementations exist. The
// Asix entries run every conformance scenario on C, Rust and C++ in the
// build with every driver; the tree's driver passes, equivalent. Without its
// BMCR toggle (the planted bug `check` catches) the AX88772A and AX88772C
// still link in every scenario, so the expectations alone pass them; the
// comparison with Rust fails them at the reset's MDIO sequence.
TEST(Drivers, TheAsixEntriesAreComparedWithTheRustAndCxxDrivers) {
  auto rows = [](std::map<std::string, std::filesystem::path> overlay) {
    const auto rep = drivers_of("ax88796b", std::move(overlay));
    return rep ? rep->rows : std::vector<report::DriverRow>{};
  };
  const auto tree = rows({});
  ASSERT_EQ(tree.size(), 3u);
  for (const auto& row : tree) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(row.conformance, report::Conformance::kPass) << row.failed_step << ": " << row.reason;
    EXPECT_THAT(row.implementations, ElementsAre(Impl::kC, Impl::kRust, Impl::kCxx));
    EXPECT_GT(row.comparisons, 20u) << "the main scenario and every leg, on Rust and on C++";
    EXPECT_EQ(row.divergence, "");
  }
  const auto planted = rows(altered_driver_overlay());
  ASSERT_EQ(planted.size(), 3u);
  for (const auto& row : planted) {
    if (row.name == "Asix Electronics AX88796B") continue;  // its own reset times out: an expectation fails first
    SCOPED_TRACE(row.name);
    EXPECT_EQ(row.conformance, report::Conformance::kFail);
    EXPECT_EQ(row.failed_step, "main scenario, differential");
    EXPECT_THAT(row.reason, StartsWith("Rust differs from C at the MDIO sequence level in step 1 (attach)"));
    EXPECT_THAT(row.failing_scenario, HasSubstr("models: [AX88772"));
  }
}

// The configuration with every PHY driver starts from a copy of the default
// one (kernel/kbuild.cpp, seed_configuration): kbuild compiles again what
// the driver options change, the copy's records name its own directory, and
// bindgen's bindings (which hold a constant per option and are in no
// record) are generated again with the drivers' options.
TEST(Drivers, TheBuildWithEveryDriverIsConfiguredFromACopyOfTheDefaultOne) {
  // The default build first: the one the other links Rust's library crates
  // from.
  const kernel::BuiltKernel& default_build = environment("6.12").built();
  const fs::path base = default_build.kbuild_dir;
  auto env = all_drivers_environment();
  ASSERT_TRUE(env) << env.error().message;
  const fs::path kb = (*env)->built().kbuild_dir;
  ASSERT_NE(kb, base);
  const auto log = kernel::read_file(kb.parent_path() / "configure.log");
  ASSERT_TRUE(log);
  EXPECT_THAT(*log, HasSubstr("$ cp -a " + base.string() + " " + kb.string() + "\n"));
  // Both start from the same tinyconfig (not run again where the default
  // one kept it: a cache configured before that runs it in the copy).
  if (fs::exists(base.parent_path() / "tinyconfig.config")) {
    EXPECT_THAT(*log, Not(HasSubstr("tinyconfig")));
    EXPECT_EQ(kernel::read_file(kb.parent_path() / "tinyconfig.config").value_or("a"),
              kernel::read_file(base.parent_path() / "tinyconfig.config").value_or("b"));
  }
  EXPECT_THAT(kernel::read_file(kb / ".config").value_or(""), HasSubstr("\nCONFIG_DAVICOM_PHY=y\n"));
  EXPECT_THAT(kernel::read_file(base / ".config").value_or(""), Not(HasSubstr("\nCONFIG_DAVICOM_PHY=y\n")));
  std::size_t records = 0;
  for (const auto& e : fs::recursive_directory_iterator(kb)) {
    if (!e.is_regular_file() || e.path().extension() != ".cmd") continue;
    ++records;
    EXPECT_THAT(kernel::read_file(e.path()).value_or(""), Not(HasSubstr(base.string()))) << e.path();
  }
  EXPECT_GT(records, 100u);
  ASSERT_EQ((*env)->built().rust_note, "");
  // As bindgen writes it: formatted where rustfmt is on the PATH
  // ("CONFIG_DAVICOM_PHY: u32 = 1;"), as spaced tokens where not (Debian
  // 12's bindgen 0.60 on a bare system: "CONFIG_DAVICOM_PHY : u32 = 1 ;").
  const std::string driver_const = "pub const CONFIG_DAVICOM_PHY ?: u32 = 1 ?;";
  EXPECT_THAT(kernel::read_file(kb / "rust/bindings/bindings_generated.rs").value_or(""),
              ::testing::ContainsRegex(driver_const));
  EXPECT_THAT(kernel::read_file(base / "rust/bindings/bindings_generated.rs").value_or(""),
              Not(::testing::ContainsRegex(driver_const)));
  // core (which kbuild left alone) is the default build's object; the
  // kernel crate, compiled against the bindings of every driver's options,
  // is its own.
  const auto& inherited = (*env)->built().inherited;
  ASSERT_TRUE(inherited.contains("rust/core.o"));
  EXPECT_EQ(inherited.at("rust/core.o"), default_build.build_dir / "obj/rust/core.o");
  EXPECT_FALSE(inherited.contains("rust/kernel.o"));
  EXPECT_FALSE(inherited.contains("rust/bindings.o"));
}

// Issue 21, item 5: the phylib API the drivers' objects call, against what
// the abstractions' objects call.
TEST(Drivers, ThePhylibApiMapReadsTheCompiledObjects) {
  auto env = all_drivers_environment();
  ASSERT_TRUE(env) << env.error().message;
  auto map = report::phylib_api_map((*env)->built());
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_GT(map->phylib_functions, 100u);
  EXPECT_TRUE(map->has_rust);
  // davicom.c's phy_write() and phy_read() are inline: its object calls
  // what they compile to.
  const auto& davicom = map->by_file.at("drivers/net/phy/davicom.c");
  EXPECT_THAT(davicom, ::testing::IsSupersetOf({"mdiobus_read", "mdiobus_write", "__genphy_config_aneg"}));
  std::map<std::string, report::ApiUse> by_name;
  for (const auto& u : map->uses) by_name[u.function] = u;
  // Every driver module registers its drivers; both abstractions offer it
  // (C++ through phy_driver_register, one driver at a time).
  ASSERT_TRUE(by_name.contains("phy_drivers_register"));
  EXPECT_GE(by_name["phy_drivers_register"].files, 40u);
  EXPECT_TRUE(by_name["phy_drivers_register"].rust);
  EXPECT_TRUE(by_name["phy_drivers_register"].cxx);
  // Interrupt handling (phy_trigger_machine from handle_interrupt) is in
  // neither.
  ASSERT_TRUE(by_name.contains("phy_trigger_machine"));
  EXPECT_FALSE(by_name["phy_trigger_machine"].rust);
  EXPECT_FALSE(by_name["phy_trigger_machine"].cxx);
  // What the C++ abstraction offers is what its Device calls through the
  // helpers, no more: davicom.c's __genphy_config_aneg(), genphy_aneg_done()
  // and phy_write_paged() are not among it (the helpers' table once had
  // entries no abstraction used, and the map credited C++ with them).
  for (const char* f : {"__genphy_config_aneg", "genphy_aneg_done", "phy_write_paged"}) {
    ASSERT_TRUE(by_name.contains(f)) << f;
    EXPECT_FALSE(by_name[f].cxx) << f;
  }
  EXPECT_TRUE(by_name["phy_read_paged"].cxx);
  // Ranked by the files that call each.
  for (std::size_t i = 1; i < map->uses.size(); ++i) EXPECT_GE(map->uses[i - 1].files, map->uses[i].files);

  // The same build with a driver replaced (refdrv report --replace): its
  // own obj/ holds only the replaced object, the rest is inherited, and the
  // map is still the whole build's (it read obj/ alone: no phylib object).
  auto overlay = all_drivers_environment(altered_source("davicom-aneg-eio", "drivers/net/phy/davicom.c",
                                                        "\terr = genphy_config_aneg(phydev);", "\terr = -EIO;"));
  ASSERT_TRUE(overlay) << overlay.error().message;
  ASSERT_FALSE((*overlay)->built().inherited.empty());
  auto replaced = report::phylib_api_map((*overlay)->built());
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(replaced->phylib_functions, map->phylib_functions);
  EXPECT_EQ(replaced->by_file.size(), map->by_file.size());
  EXPECT_EQ(replaced->has_rust, map->has_rust);
  EXPECT_EQ(replaced->uses.size(), map->uses.size());
}

// Issue 22: a copy of a tree reuses its configured tree only when nothing
// but the sources refdrv compiles differ: a header (bindgen and every object
// read it), a Kconfig file, a Makefile or a proc macro of the tree's Rust
// changed in the copy means configuring the copy.
TEST(Reuse, OnlyCopiesThatDifferInCompiledSourcesReuseTheConfiguration) {
  const fs::path base = environment("6.12").tree().root;
  const auto reusable = [](const fs::path& root) {
    auto tree = kernel::open_tree(root);
    EXPECT_TRUE(tree) << tree.error().message;
    return tree ? kernel::reusable_configuration(*tree) : std::nullopt;
  };
  EXPECT_EQ(reusable(base), std::nullopt) << "the tree has its own configuration";
  EXPECT_EQ(reusable(altered_tree()), base);
  EXPECT_EQ(reusable(altered_rust_abstraction_tree()), base);
  EXPECT_EQ(reusable(altered_copy("copy-6.12-phy-h", "include/linux/phy.h", "#define PHY_MAX_ADDR\t32",
                                  "#define PHY_MAX_ADDR\t32 /* changed */")),
            std::nullopt);
  EXPECT_EQ(reusable(altered_copy("copy-6.12-phy-kconfig", "drivers/net/phy/Kconfig", "config AX88796B_PHY",
                                  "config AX88796B_PHY\n\t# changed")),
            std::nullopt);
  EXPECT_EQ(reusable(altered_copy("copy-6.12-phy-makefile", "drivers/net/phy/Makefile", "libphy-y\t\t\t:= ",
                                  "libphy-y\t\t\t:=  ")),
            std::nullopt);
  EXPECT_EQ(reusable(altered_copy("copy-6.12-macros", "rust/macros/lib.rs", "mod module;", "mod module; // changed")),
            std::nullopt);
}

// Which configured tree a copy reuses does not depend on the order the
// cache's directory lists them in: Debian's tree, where it matches, wins
// over a checkout of check --commits configured for the same key (such a
// checkout, listed first, was reused instead, and the tests above failed on
// a machine where check --commits had configured one).
TEST(Reuse, DebiansTreeIsReusedBeforeACheckoutConfiguredTheSame) {
  const fs::path base = environment("6.12").tree().root;
  const fs::path configured = environment("6.12").built().kbuild_dir.parent_path();
  const auto record = kernel::read_file(configured / "tree.record");
  ASSERT_TRUE(record) << record.error().message;
  const std::string root_line = "root\t" + base.string() + "\n";
  ASSERT_NE(record->find(root_line), std::string::npos) << *record;
  // Configured trees whose record is Debian's, as a checkout's is when its
  // commit has Debian's configuration files: several, so that one is very
  // likely listed before Debian's own.
  std::vector<fs::path> made;
  for (int i = 0; i < 6; ++i) {
    const fs::path checkout = kernel::cache_root() / "checkouts" / fmt::format("refdrv-test-configured-{}", i) / "tree";
    const fs::path entry =
        configured.parent_path() / fmt::format("{}-refdrv-test-{}", environment("6.12").tree().version, i);
    fs::create_directories(checkout);
    fs::create_directories(entry);
    std::string text = *record;
    text.replace(text.find(root_line), root_line.size(), "root\t" + checkout.string() + "\n");
    std::ofstream(entry / "tree.record") << text;
    std::ofstream(entry / "stamp.configure") << "";
    made.push_back(checkout.parent_path());
    made.push_back(entry);
  }
  auto tree = kernel::open_tree(altered_tree());
  ASSERT_TRUE(tree) << tree.error().message;
  EXPECT_EQ(kernel::reusable_configuration(*tree), base);
  for (const auto& p : made) fs::remove_all(p);
}

// Writes `text` to `path` as a new file (a new inode, as an editor or cp
// makes); `older`: with its modification time twenty years back (as cp -p,
// rsync -a or tar put an old file back).
void put_source(const fs::path& path, const std::string& text, bool older = false) {
  fs::remove(path);
  std::ofstream(path) << text;
  if (older) fs::last_write_time(path, fs::last_write_time(path) - std::chrono::hours(24 * 365 * 20));
}

// Whether `scenarios` run equivalent on the copy `copy` of a tree once
// `source` in it holds `text` (put there as put_source does), on `impls`;
// `compiled`, when given, is an object the copy's build must compile itself
// rather than link from the tree it reuses.
bool equivalent_with_source(const fs::path& copy, const fs::path& source, const std::string& text, bool older,
                            const std::vector<Scenario>& scenarios, std::vector<Impl> impls,
                            const std::string& compiled) {
  put_source(source, text, older);
  EnvironmentOptions o = env_options();
  o.kernel = copy.string();
  o.quiet = true;
  auto env = Environment::open(o);
  EXPECT_TRUE(env) << env.error().message;
  if (!env) return false;
  if (!compiled.empty()) {
    EXPECT_FALSE((*env)->built().inherited.contains(compiled)) << compiled << " was linked from the tree's build";
  }
  CheckOptions co;
  co.impls = std::move(impls);
  return run_check(**env, scenarios, co).all_equivalent();
}

// A copy's driver source replaced by a file with an older modification
// time (cp -p, rsync -a, tar do that) is compiled again: the verdict is on
// the code the copy has. ninja alone compares times and kept the object of
// the code it replaced; refdrv keeps each source's identity (with its
// status-change time, which no copy sets back) and the hash of its content
// beside the build.
TEST(Reuse, ASourceReplacedByAnOlderFileIsCompiledAgain) {
  const fs::path copy = altered_copy("copy-6.12-older-source", "drivers/net/phy/ax88796b.c",
                                     "ret = phy_write(phydev, MII_BMCR, 0);", "ret = phy_write(phydev, MII_BMCR, 0);");
  const fs::path driver = copy / "drivers/net/phy/ax88796b.c";
  const auto original = kernel::read_file(driver);
  ASSERT_TRUE(original);
  std::string planted = *original;
  const std::string toggle = "ret = phy_write(phydev, MII_BMCR, 0);";
  planted.replace(planted.find(toggle), toggle.size(), "ret = 0;");
  const auto scenarios = only(suite(), {"quirk-ax88796b-reset-toggle"});
  const auto equivalent_with = [&](const std::string& text, bool older) {
    return equivalent_with_source(copy, driver, text, older, scenarios, {Impl::kC, Impl::kRust, Impl::kCxx}, {});
  };
  // Both variants differ from the tree the copy reuses, so both are
  // compiled in the copy's build (the original would be the tree's object).
  const std::string commented = *original + "\n/* refdrv test: an edit that changes no code */\n";
  EXPECT_FALSE(equivalent_with(planted, false)) << "the planted bug diverges";
  EXPECT_TRUE(equivalent_with(commented, true)) << "an equivalent edit, older than the planted bug's object";
  EXPECT_FALSE(equivalent_with(planted, true)) << "the planted bug again, older than the other's object";
  put_source(driver, *original);
}

// The same for a file of a Rust crate that is not its main source: the
// tree's rust/kernel/net/phy.rs goes into rust/kernel.o, whose source is
// rust/kernel/lib.rs. Only the main sources were stamped: phy.rs put back
// older than the crate's object kept the crate built from the other phy.rs
// (found by a review on 2026-12-07 with `refdrv modinfo --kernel COPY`).
TEST(Reuse, ARustModuleFileReplacedByAnOlderFileIsCompiledAgain) {
  const std::string right = "bit_field.get(15, 1) == AUTONEG_COMPLETED";
  const fs::path copy = altered_copy("copy-6.12-older-phy-rs", "rust/kernel/net/phy.rs", right, right);
  const fs::path phy_rs = copy / "rust/kernel/net/phy.rs";
  const auto original = kernel::read_file(phy_rs);
  ASSERT_TRUE(original);
  std::string planted = *original;
  planted.replace(planted.find(right), right.size(), "bit_field.get(16, 1) == AUTONEG_COMPLETED");
  const auto scenarios = only(suite(), {"advertise-10-only"});
  const auto equivalent_with = [&](const std::string& text, bool older) {
    return equivalent_with_source(copy, phy_rs, text, older, scenarios, {Impl::kC, Impl::kRust}, "rust/kernel.o");
  };
  const std::string commented = *original + "\n// refdrv test: an edit that changes no code\n";
  EXPECT_FALSE(equivalent_with(planted, false)) << "the wrong bit diverges";
  EXPECT_TRUE(equivalent_with(commented, true)) << "an equivalent edit, older than the wrong bit's crate";
  put_source(phy_rs, *original);
}

// A hard link made to a tree's source (`cp -al` makes a patched copy of a
// tree so, as the tests' copies are) moves the source's status-change time
// and nothing else: the build keeps the object, which is still that code's.
// Every build of the tree was compiled again from scratch after each such
// copy before (measured: the build with every PHY driver three times in one
// test pass).
TEST(Reuse, AHardLinkMadeToASourceKeepsItsObject) {
  const kernel::BuiltKernel& built = environment("6.12").built();
  const fs::path source = environment("6.12").tree().root / "drivers/net/phy/ax88796b.c";
  const fs::path object = built.build_dir / "obj/drivers/net/phy/ax88796b.o";
  const auto ctime = [](const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return std::pair(st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
  };
  ASSERT_TRUE(fs::exists(object));
  const auto compiled = fs::last_write_time(object);
  const auto changed_before = ctime(source);
  const fs::path link = kernel::cache_root() / "test-trees" / "hard-link-to-ax88796b.c";
  fs::remove(link);
  fs::create_hard_link(source, link);
  fs::remove(link);
  ASSERT_NE(ctime(source), changed_before) << "the link did not move the source's status-change time";
  EnvironmentOptions o = env_options();
  o.series = "6.12";
  o.quiet = true;
  // The build again (an Environment would load the same kernel side twice).
  auto again = kernel::build_kernel(environment("6.12").tree(), build_options(o));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->build_dir, built.build_dir);
  EXPECT_EQ(fs::last_write_time(object), compiled) << "the object was compiled again";
}

// A build that compiled an object and then failed (here at the link) leaves
// that object's stamp naming the content it was compiled from: the source
// put back to the content of the build before, with its older time (as
// cp -p puts a file back), is compiled again. The stamps were written only
// after a build that succeeded before, and the failed build's object was
// kept: the link failed again on the code that was no longer there.
TEST(Reuse, ASourcePutBackAfterAFailedBuildIsCompiledAgain) {
  const std::string toggle = "ret = phy_write(phydev, MII_BMCR, 0);";
  const fs::path copy = altered_copy("copy-6.12-failed-link", "drivers/net/phy/ax88796b.c", toggle, toggle);
  const fs::path driver = copy / "drivers/net/phy/ax88796b.c";
  const auto original = kernel::read_file(driver);
  ASSERT_TRUE(original);
  auto tree = kernel::open_tree(copy);
  ASSERT_TRUE(tree) << tree.error().message;
  EnvironmentOptions o = env_options();
  o.quiet = true;
  const auto build_with = [&](const std::string& text, bool older) {
    put_source(driver, text, older);
    return kernel::build_kernel(*tree, build_options(o));
  };
  // It differs from the tree the copy reuses, so it is compiled in the
  // copy's build; the second definition of a phylib function compiles and
  // fails the link.
  const std::string edited = *original + "\n/* refdrv test: an edit that changes no code */\n";
  const std::string twice = edited + "\nint genphy_soft_reset(struct phy_device *phydev) { return 0; }\n";
  auto first = build_with(edited, false);
  ASSERT_TRUE(first) << first.error().message;
  auto failed = build_with(twice, false);
  ASSERT_FALSE(failed) << "a second definition of genphy_soft_reset() linked";
  EXPECT_THAT(failed.error().message, HasSubstr("genphy_soft_reset"));
  EXPECT_TRUE(fs::exists(first->build_dir / "obj/drivers/net/phy/ax88796b.o")) << "the failed build compiled it";
  auto put_back = build_with(edited, true);
  EXPECT_TRUE(put_back) << put_back.error().message;
  put_source(driver, *original);
}

// A commit git cannot export whole (an object missing from the repository)
// is no checkout: git archive stopped part-way through the pipe to tar,
// tar extracted the part and exited 0, and the tree was kept as the commit's
// (its HEAD written), for this commit and every later one.
TEST(Commits, ACommitGitCannotExportWholeIsNoCheckout) {
  const fs::path repo = fs::temp_directory_path() / fmt::format("refdrv-partial-export-{}", ::getpid());
  fs::remove_all(repo);
  fs::create_directories(repo / "drivers/net/phy");
  const auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", repo.string()});
    return kernel::capture(
        {args,
         {},
         {},
         {"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t",
          "GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"}});
  };
  ASSERT_TRUE(git({"init", "-q", "-b", "master"}));
  std::ofstream(repo / "Makefile") << "# Makefile\n";
  std::ofstream(repo / "Kconfig") << "# Kconfig\n";
  std::ofstream(repo / "drivers/net/phy/phy_device.c") << "/* phylib */\n";
  std::ofstream(repo / "padding.c") << std::string(64 * 1024, 'x');  // tar gets a whole first part
  std::ofstream(repo / "zz.c") << "int last;\n";
  ASSERT_TRUE(git({"add", "-A"}));
  ASSERT_TRUE(git({"commit", "-q", "-m", "a tree"}));
  const auto sha = git({"rev-parse", "HEAD"});
  const auto blob = git({"rev-parse", "HEAD:zz.c"});
  ASSERT_TRUE(sha && blob);
  const fs::path object = repo / ".git/objects" / blob->substr(0, 2) / blob->substr(2, 38);
  ASSERT_TRUE(fs::exists(object));
  fs::remove(object);
  const kernel::GitCommit commit{sha->substr(0, 40), "a tree"};
  auto out = kernel::checkout_commit(repo, commit, [](const std::string&) {});
  ASSERT_FALSE(out) << "exported without zz.c into " << out->tree.string();
  EXPECT_THAT(out.error().message, HasSubstr("could not export"));
  // The part it exported is not left behind in the cache.
  const fs::path checkout = kernel::checkout_dir(fs::weakly_canonical(repo));
  EXPECT_TRUE(fs::exists(checkout / "git.log"));
  EXPECT_FALSE(fs::exists(checkout / "tree.tmp"));
  EXPECT_FALSE(fs::exists(checkout / "tree"));
  fs::remove_all(repo);
  fs::remove_all(checkout);
}

// Issue 22: the check on each commit of a range, in refdrv's own checkout of
// the repository; the commit that drops the reset toggle is named, and every
// commit reuses the configured Linux 6.12 (they differ from it in
// ax88796b.c at most).
TEST(Commits, EachCommitOfARangeIsCheckedAndTheFirstThatBreaksIsNamed) {
  const fs::path repo = linux_git_repo();
  const auto head = [&] {
    return kernel::capture({{"git", "-C", repo.string(), "rev-parse", "HEAD"}, {}, {}, {}}).value_or("?");
  };
  const std::string head_before = head();
  CommitsOptions o;
  o.env.kernel = repo.string();
  o.env.quiet = true;
  o.range = "HEAD~3..HEAD";
  o.scenarios = only(suite(), {"link-up-switch-10-100", "quirk-ax88796b-reset-toggle"});
  const auto every_impl = [](Environment& env) { return Result<std::vector<Impl>>(available_impls(env, nullptr)); };
  o.select = every_impl;
  std::vector<std::string> lines;
  o.on_result = [&](const CommitResult& r, std::size_t i, const std::vector<kernel::GitCommit>& range) {
    lines.push_back(format_commit_line(r, i, range, false));
  };
  auto rep = check_commits(o);
  ASSERT_TRUE(rep) << rep.error().message;
  ASSERT_EQ(rep->results.size(), 3u);
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& r : rep->results) {
    EXPECT_TRUE(r.checked) << r.error;
    EXPECT_EQ(r.version, environment("6.12").tree().version);
    EXPECT_EQ(r.reused_from, environment("6.12").tree().root.string()) << r.commit.subject;
  }
  EXPECT_EQ(rep->results[0].exit_code, 0);
  EXPECT_EQ(rep->results[0].commit.subject, "net: phy: ax88796b: reword a comment");
  EXPECT_EQ(rep->results[1].exit_code, 1);
  EXPECT_GT(rep->results[1].divergences, 0u);
  EXPECT_EQ(rep->results[2].exit_code, 0);
  EXPECT_EQ(rep->first_broken(), 1u);
  EXPECT_EQ(rep->exit_code(), 1);
  EXPECT_THAT(lines[1], ::testing::ContainsRegex("^2/3  [0-9a-f]{12}  net: phy: ax88796b: drop the BMCR write before the reset +NOT EQUIVALENT: "));
  EXPECT_THAT(format_commits_summary(*rep),
              HasSubstr("first commit that breaks the check: " + rep->results[1].commit.short_sha() +
                        " net: phy: ax88796b: drop the BMCR write before the reset"));
  // The repository is only read: its HEAD is where it was, and it still has
  // no working tree files.
  EXPECT_EQ(head(), head_before);
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(repo)) entries.push_back(e.path().filename().string());
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{".git", "READY"}));
  // A bad range is an error before any work.
  o.range = "HEAD~3";
  EXPECT_THAT(check_commits(o).error().message, HasSubstr("is not a range of commits"));
  o.range = "nosuchref..HEAD";
  EXPECT_THAT(check_commits(o).error().message, HasSubstr("'nosuchref' is not a commit of"));
  o.range = "HEAD..HEAD";
  EXPECT_THAT(check_commits(o).error().message, ::testing::EndsWith("has no commits"));
  o.range = "HEAD..HEAD~2";  // the wrong way round: said
  EXPECT_THAT(check_commits(o).error().message,
              HasSubstr("has no commits (HEAD~2..HEAD has 2: the older commit goes first)"));
  // A commit on which nothing ran (no selected implementation drives a
  // model of the scenarios) was not checked: not a commit that breaks the
  // check, and the range exits 2 (it exited 1, the commit named as breaking).
  o.range = "HEAD~1..HEAD";
  o.scenarios = only(suite(), {"qt2025-firmware-and-link"});
  o.select = [](Environment&) { return Result<std::vector<Impl>>(std::vector<Impl>{Impl::kC}); };
  auto none = check_commits(o);
  ASSERT_TRUE(none) << none.error().message;
  ASSERT_EQ(none->results.size(), 1u);
  EXPECT_FALSE(none->results[0].checked);
  EXPECT_THAT(none->results[0].error, HasSubstr("nothing ran"));
  EXPECT_EQ(none->exit_code(), 2);
  // Nor one whose check compared no two implementations' own drivers (a PHY
  // ID none matches): it was named the first commit that breaks the check
  // (a review, 2026-12-07).
  auto foreign = parse_scenario(
      "name: foreign-id\nmodels: [AX88772A]\nphy-id: 0x12345678\npartner: switch-10-100\nsteps:\n  - attach\n"
      "  - start\n  - wait: 3s\n  - expect: {link: up}\n",
      "foreign-id.yaml");
  ASSERT_TRUE(foreign) << foreign.error().message;
  o.scenarios = {*foreign};
  o.select = every_impl;
  auto uncompared = check_commits(o);
  ASSERT_TRUE(uncompared) << uncompared.error().message;
  ASSERT_EQ(uncompared->results.size(), 1u);
  EXPECT_FALSE(uncompared->results[0].checked);
  EXPECT_THAT(uncompared->results[0].error,
              HasSubstr("nothing compared: in no compared pair did two of the selected implementations' own drivers "
                        "run"));
  EXPECT_EQ(uncompared->exit_code(), 2);
  EXPECT_THAT(format_commits_summary(*uncompared), ::testing::Not(HasSubstr("breaks the check")));
  // A commit whose kernel side does not compile breaks the check: exit 1,
  // said with the compiler's message, the commit named.
  o.range = "HEAD..build-fails";
  o.scenarios = only(suite(), {"link-up-switch-10-100"});
  o.select = every_impl;
  lines.clear();
  auto broken = check_commits(o);
  ASSERT_TRUE(broken) << broken.error().message;
  ASSERT_EQ(broken->results.size(), 1u);
  EXPECT_TRUE(broken->results[0].build_failed);
  EXPECT_THAT(broken->results[0].error, HasSubstr("ax88796b.c"));
  EXPECT_EQ(broken->exit_code(), 1);
  EXPECT_EQ(broken->first_broken(), 0u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], ::testing::ContainsRegex("^1/1  [0-9a-f]{12}  net: phy: ax88796b: a commit that does not compile +does not build: "));
  EXPECT_THAT(format_commits_summary(*broken),
              HasSubstr("first commit that does not build: " + broken->results[0].commit.short_sha() +
                        " net: phy: ax88796b: a commit that does not compile"));
  // A tool missing (flex, on a PATH of every other program) is no finding
  // about the commit: not checked, exit 2, nothing named as breaking.
  const fs::path bin = fs::temp_directory_path() / fmt::format("refdrv-test-no-flex-{}", ::getpid());
  fs::remove_all(bin);
  fs::create_directories(bin);
  for (const auto& e : fs::directory_iterator("/usr/bin"))
    if (e.path().filename() != "flex" && e.path().filename() != "flex++")
      fs::create_symlink(e.path(), bin / e.path().filename());
  const std::string path = ::getenv("PATH") ? ::getenv("PATH") : "";
  ::setenv("PATH", bin.c_str(), 1);
  o.range = "HEAD~1..HEAD";
  auto untooled = check_commits(o);
  ::setenv("PATH", path.c_str(), 1);
  fs::remove_all(bin);
  ASSERT_TRUE(untooled) << untooled.error().message;
  ASSERT_EQ(untooled->results.size(), 1u);
  EXPECT_FALSE(untooled->results[0].checked);
  EXPECT_FALSE(untooled->results[0].build_failed);
  EXPECT_THAT(untooled->results[0].error, HasSubstr("`flex` is not installed"));
  EXPECT_EQ(untooled->exit_code(), 2);
  EXPECT_THAT(format_commits_summary(*untooled), HasSubstr("first commit that could not be checked: "));
  EXPECT_THAT(format_commits_summary(*untooled), ::testing::Not(HasSubstr("breaks the check")));
  EXPECT_EQ(head(), head_before);
}

// Issue 17: mutants of the tree's C driver that change only the errno a
// callback returns (the MDIO traffic and the states stay the same) are not
// equivalent: the comparison sees return codes. Each is the tree's build
// plus the one recompiled driver object (an overlay).
TEST(Check, MutantsThatOnlyChangeAReturnedErrnoAreNotEquivalent) {
  struct Mutant {
    const char* name;
    const char* find;     // in drivers/net/phy/ax88796b.c of Linux 6.12
    const char* replace;
    const char* scenario;  // the suite's scenario that fails that path
    const char* changed;   // the callback return the C run now shows
  };
  const Mutant mutants[] = {
      {"soft-reset-einval", "MII_BMCR, 0);\n\tif (ret < 0)\n\t\treturn ret;", "MII_BMCR, 0);\n\tif (ret < 0)\n\t\treturn -EINVAL;",
       "fault-soft-reset-write-toggle", "soft_reset() = -EINVAL"},
      {"update-link-einval", "ret = genphy_update_link(phydev);\n\tif (ret)\n\t\treturn ret;",
       "ret = genphy_update_link(phydev);\n\tif (ret)\n\t\treturn -EINVAL;", "fault-read-status-bmsr",
       "read_status() = -EINVAL"},
      {"read-lpa-eagain", "ret = genphy_read_lpa(phydev);\n\tif (ret < 0)\n\t\treturn ret;",
       "ret = genphy_read_lpa(phydev);\n\tif (ret < 0)\n\t\treturn -EAGAIN;", "fault-read-status-lpa",
       "read_status() = -EAGAIN"},
  };
  for (const Mutant& m : mutants) {
    SCOPED_TRACE(m.name);
    EnvironmentOptions o = env_options();
    o.quiet = true;
    o.overlay = altered_source(std::string("mutant-") + m.name, "drivers/net/phy/ax88796b.c", m.find, m.replace);
    auto env = Environment::open(o);
    ASSERT_TRUE(env) << env.error().message;
    CheckOptions co;
    co.impls = {Impl::kC, Impl::kRust, Impl::kCxx};
    const CheckReport rep = run_check(**env, only(suite(), {m.scenario}), co);
    EXPECT_EQ(rep.exit_code(), 1);
    EXPECT_FALSE(rep.all_equivalent());
    bool seen = false;
    for (const CheckRow& row : rep.rows)
      for (std::size_t i = 1; i < row.divergence.size(); ++i) {
        if (!row.divergence[i]) continue;
        // Not the MDIO level: the traffic is the same; the return code is not.
        EXPECT_EQ(row.divergence[i]->level, Level::kEvents) << row.divergence[i]->a;
        if (row.divergence[i]->a.find(m.changed) != std::string::npos) seen = true;
      }
    EXPECT_TRUE(seen) << format_terminal(rep, {});
  }
}

// No mutant scored (every one equivalent or stillborn): no score, null in
// the JSON, not the 100 a job reading .score would take for a pass.
TEST(Mutate, AReportThatScoredNoMutantHasNoScoreInItsJson) {
  MutationReport rep;
  rep.source = "drivers/net/phy/ax88796b.c";
  MutantResult eq;
  eq.status = MutantResult::Status::kEquivalent;
  rep.results = {eq};
  rep.generated = 1;
  EXPECT_TRUE(mutation_report_json(rep, 95)["score"].is_null());
  MutantResult killed;
  killed.status = MutantResult::Status::kKilled;
  rep.results.push_back(killed);
  EXPECT_EQ(mutation_report_json(rep, 95)["score"].get<double>(), 100.0);
}

// A reproducer's first line replays it on the environment that wrote it
// (the --replace here: `refdrv run PATH` alone runs the tree's driver and
// passes), and the reproducers an earlier check wrote are removed first,
// the user's own files in the directory left alone.
TEST(Check, ReproducersSayHowToReplayThemAndEarlierOnesAreRemoved) {
  EnvironmentOptions o = env_options();
  o.quiet = true;
  o.overlay = altered_source("repro-no-toggle", "drivers/net/phy/ax88796b.c", "ret = phy_write(phydev, MII_BMCR, 0);",
                             "ret = 0;");
  auto env = Environment::open(o);
  ASSERT_TRUE(env) << env.error().message;
  const fs::path dir = fs::temp_directory_path() / fmt::format("refdrv-repro-replay-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "stale.yaml") << "# Reproducer written by refdrv check: an earlier run.\nname: stale\n";
  std::ofstream(dir / "mine.yaml") << "# my own scenario\nname: mine\n";
  CheckOptions co;
  co.impls = {Impl::kC, Impl::kRust};
  co.repro_dir = dir.string();
  const CheckReport rep = run_check(**env, only(suite(), {"advertise-10-only"}), co);
  EXPECT_EQ(rep.exit_code(), 1);
  EXPECT_EQ(rep.earlier_reproducers_removed, 1u);
  EXPECT_FALSE(fs::exists(dir / "stale.yaml"));
  EXPECT_TRUE(fs::exists(dir / "mine.yaml"));
  const fs::path written = dir / "advertise-10-only-AX88772A-c-vs-rust.yaml";
  ASSERT_TRUE(fs::exists(written));
  std::ifstream in(written);
  std::string first;
  std::getline(in, first);
  EXPECT_THAT(first, HasSubstr(fmt::format(" Replay: refdrv run --replace drivers/net/phy/ax88796b.c={} --impl c,rust {}",
                                           fs::absolute(o.overlay.begin()->second).string(), written.string())));
  // Replayed as its line says (refdrv run, the same directory for its own
  // reproducers), it is not removed: run removes none. Nor does a check
  // remove a file it runs.
  auto repro = load_scenario(written.string());
  ASSERT_TRUE(repro) << repro.error().message;
  CheckOptions ro = co;
  ro.command = "refdrv run";
  const CheckReport replayed = run_check(**env, {*repro}, ro);
  EXPECT_EQ(replayed.exit_code(), 1);  // it still diverges
  EXPECT_EQ(replayed.earlier_reproducers_removed, 0u);
  EXPECT_TRUE(fs::exists(written));
  const CheckReport checked = run_check(**env, {*repro}, co);
  EXPECT_TRUE(fs::exists(written));
  EXPECT_GT(checked.earlier_reproducers_removed, 0u);  // the others of the first check
  fs::remove_all(dir);
}

// Issue 18: refdrv mutate on the tree's C driver. The first mutants (in
// source order: asix_soft_reset's write of BMCR and its error check) are
// each rebuilt as an overlay and killed by the suite. refdrv's C++ driver is
// not a tree source: mutating it is refused.
TEST(Mutate, TheFirstMutantsOfTheCDriverAreKilledByTheSuite) {
  MutateOptions o;
  o.impl = Impl::kC;
  o.env.quiet = true;
  o.suite = suite();
  o.limit = 6;
  auto rep = run_mutation(o);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->source, "drivers/net/phy/ax88796b.c");
  ASSERT_EQ(rep->results.size(), 6u);
  for (const auto& r : rep->results) {
    EXPECT_EQ(r.status, MutantResult::Status::kKilled) << r.mutant.line << ": " << r.mutant.after;
    EXPECT_FALSE(r.by.empty());
  }
  EXPECT_EQ(rep->score(), std::optional<double>(100.0));
  // The errno mutant of the write's error path: killed by the scenario that
  // fails that write, on the errno.
  const auto errno_mutant = std::find_if(rep->results.begin(), rep->results.end(),
                                         [](const MutantResult& r) { return r.mutant.op == "errno"; });
  ASSERT_NE(errno_mutant, rep->results.end());
  EXPECT_THAT(errno_mutant->by, HasSubstr("-EINVAL"));

  // With the driver itself replaced (--replace), the replacement is what is
  // mutated: here a copy that behaves the same, its BMCR write's value spelt
  // 0 * 1.
  MutateOptions replaced = o;
  replaced.env.overlay = altered_source("asix-reset-spelt-differently", "drivers/net/phy/ax88796b.c",
                                        "phy_write(phydev, MII_BMCR, 0);", "phy_write(phydev, MII_BMCR, 0 * 1);");
  replaced.limit = 1;
  auto rep2 = run_mutation(replaced);
  ASSERT_TRUE(rep2) << rep2.error().message;
  ASSERT_EQ(rep2->results.size(), 1u);
  EXPECT_EQ(rep->results[0].mutant.before, "ret = phy_write(phydev, MII_BMCR, 0);");
  EXPECT_EQ(rep2->results[0].mutant.before, "ret = phy_write(phydev, MII_BMCR, 0 * 1);");

  // A replacement the suite already fails with (its reset lost the BMCR
  // write) is refused: every mutant would be "killed" by that failure.
  MutateOptions failing = o;
  failing.env.overlay = altered_driver_overlay();
  failing.limit = 1;
  auto rep3 = run_mutation(failing);
  ASSERT_FALSE(rep3);
  EXPECT_THAT(rep3.error().message, HasSubstr("the suite does not pass on the unmutated drivers ("));
  EXPECT_THAT(rep3.error().message, HasSubstr("C and Rust differ"));

  Environment& env = environment("6.12");
  EXPECT_EQ(mutation_source(env, Impl::kRust).value_or(""), "drivers/net/phy/ax88796b_rust.rs");
  // refdrv's own C++ driver, from refdrv's source tree (the data directory).
  EXPECT_EQ(mutation_source(env, Impl::kCxx).value_or(""), "cxx/drivers/ax88796b_cxx.cpp");

  // Wherever a verdict names the tree (headers, KTAP, JSON, the report), a
  // replaced source is named with it.
  EnvironmentOptions patched_options = failing.env;
  patched_options.quiet = true;
  auto patched = Environment::open(patched_options);
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_THAT((*patched)->tree().origin,
              HasSubstr("; with drivers/net/phy/ax88796b.c replaced by " +
                        altered_driver_overlay().at("drivers/net/phy/ax88796b.c").string()));
  EXPECT_THAT(env.tree().origin, ::testing::Not(HasSubstr("replaced")));
}

}  // namespace
}  // namespace refdrv::test
