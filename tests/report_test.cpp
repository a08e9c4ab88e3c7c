// SPDX-License-Identifier: GPL-2.0
// refdrv report: the safe-code counts against an independent count, the
// history on a repository the test builds, and the whole report on the
// Debian 6.12 and 6.1 trees (JSON checked against its schema).
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cxx/abstractions/registration.hpp"
#include "engine/suite.hpp"
#include "kernel/cache.hpp"
#include "kernel/process.hpp"
#include "report/cost.hpp"
#include "report/evaluation.hpp"
#include "report/gaps.hpp"
#include "report/history.hpp"
#include "report/source_scan.hpp"
#include "tests/report_options.hpp"
#include "tests/test_support.hpp"

namespace refdrv::test {
namespace {

namespace fs = std::filesystem;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

TEST(SafeCode, TokenizerCountsMatchAnIndependentCountOnTheTreesRustFiles) {
  Environment& env = environment("6.12");
  const fs::path tree = env.tree().root, data = kernel::data_dir();
  // The drivers, and every file of the tree's crates refdrv compiled.
  std::vector<fs::path> files = {tree / "drivers/net/phy/ax88796b_rust.rs", tree / "drivers/net/phy/qt2025.rs"};
  ASSERT_GT(env.built().rust_sources.size(), 40u);
  for (const auto& f : env.built().rust_sources) files.push_back(tree / f);
  std::vector<std::string> argv = {(data / "tests/report/count-unsafe").string()};
  for (const auto& f : files) argv.push_back(f.string());
  if (!kernel::on_path("python3")) GTEST_SKIP() << "python3 is not installed";
  auto out = kernel::capture({argv, {}, {}, {}});
  ASSERT_TRUE(out) << "count-unsafe failed: " << out.error().message;
  std::istringstream in(*out);
  std::size_t checked = 0, total = 0;
  for (std::string path; in >> path;) {
    std::size_t blocks, fns, impls, traits;
    in >> blocks >> fns >> impls >> traits;
    const report::RustUnsafe u = report::scan_rust_unsafe(*kernel::read_file(path));
    EXPECT_EQ(u.blocks, blocks) << path;
    EXPECT_EQ(u.fns, fns) << path;
    EXPECT_EQ(u.impls, impls) << path;
    EXPECT_EQ(u.traits, traits) << path;
    total += u.total();
    ++checked;
  }
  EXPECT_EQ(checked, files.size());
  EXPECT_GT(total, 100u);
}

// A repository with a known history, built with git.
class SyntheticRepo {
 public:
  SyntheticRepo() : dir_(fs::temp_directory_path() / fmt::format("refdrv-history-{}", ::getpid())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    git({"init", "-q", "-b", "master"});
    // A Linux tree to `refdrv report --git` (report::check_git_repository):
    // phylib's core file, committed with the test's first commit.
    write("drivers/net/phy/phy_device.c", "/* phylib */\n");
  }
  ~SyntheticRepo() { fs::remove_all(dir_); }
  const fs::path& dir() const { return dir_; }

  void write(const std::string& path, const std::string& text) {
    fs::create_directories((dir_ / path).parent_path());
    std::ofstream(dir_ / path) << text;
  }
  // Commits everything as `who` at `date`; returns the commit id.
  std::string commit(const std::string& who, const std::string& date, const std::string& message) {
    git({"add", "-A"});
    git({"commit", "-q", "-m", message}, who, date);
    return head();
  }
  std::string head() {
    auto out = kernel::capture({{"git", "-C", dir_.string(), "rev-parse", "HEAD"}, {}, {}, {}});
    return out ? out->substr(0, 40) : "";
  }
  // `written`: the author date, when it is not the commit's (a patch
  // written long before it was applied).
  void git(std::vector<std::string> args, const std::string& who = "Setup",
           const std::string& date = "2019-01-01T00:00:00", const std::string& written = "") {
    args.insert(args.begin(), {"git", "-C", dir_.string()});
    const std::vector<std::string> env = {"GIT_AUTHOR_NAME=" + who,
                                          "GIT_AUTHOR_EMAIL=" + who + "@example.org",
                                          "GIT_COMMITTER_NAME=" + who,
                                          "GIT_COMMITTER_EMAIL=" + who + "@example.org",
                                          "GIT_AUTHOR_DATE=" + (written.empty() ? date : written),
                                          "GIT_COMMITTER_DATE=" + date,
                                          "GIT_CONFIG_GLOBAL=/dev/null",
                                          "GIT_CONFIG_NOSYSTEM=1"};
    auto st = kernel::run({args, {}, {}, env});
    ASSERT_TRUE(st && *st == 0) << fmt::format("{}", fmt::join(args, " "));
  }

 private:
  fs::path dir_;
};

const report::GroupHistory& group(const report::History& h, const std::string& label) {
  for (const auto& g : h.groups)
    if (g.group.label == label) return g;
  throw std::runtime_error("no group " + label);
}

// Section 7 pairs the drivers by name. A driver one implementation names
// otherwise is shown unpaired and said to be, never "not implemented", and
// one only Rust or C++ has is shown too; C entries written through macros
// are counted as not read (a review, 2026-12-07: a failed pairing read as
// "not implemented", unpaired drivers were left off, macro entries silent).
TEST(SideBySide, AFailedPairingIsSaidAndNothingIsLeftOff) {
  const std::string c =
      "static int one_reset(struct phy_device *phydev) { return 0; }\n"
      "DEFINE_STATUS(one_status)\n"
      "static struct phy_driver drv[] = { {\n\t.name = \"One\",\n\t.soft_reset = one_reset,\n"
      "\t.read_status = one_status,\n\t.suspend = genphy_suspend,\n\tCOMMON_PM_OPS,\n},\n"
      "MACRO_DRIVER(2) };\nmodule_phy_driver(drv);\n";
  const std::string rust =
      "struct PhyA;\n#[vtable]\nimpl Driver for PhyA {\n"
      "    const NAME: &'static CStr = c_str!(\"One\");\n"
      "    fn soft_reset(dev: &mut phy::Device) -> Result { Ok(()) }\n}\n"
      "struct PhyB;\n#[vtable]\nimpl Driver for PhyB {\n"
      "    const NAME: &'static CStr = c_str!(\"Two\");\n"
      "    fn soft_reset(dev: &mut phy::Device) -> Result { Ok(()) }\n}\n";
  const std::string cxx =
      "struct PhyA {\n  static constexpr CStr name = \"Uno\";\n"
      "  static Result<> soft_reset(Device& dev) { return {}; }\n};\n";
  const auto j = report::side_by_side_of(c, rust, cxx, CheckReport{});
  const auto one_cb = [](const nlohmann::json& drv, const char* cb) {
    for (const auto& row : drv["callbacks"])
      if (row["callback"] == cb) return row;
    ADD_FAILURE() << cb;
    return nlohmann::json::object();
  };
  const auto& d = j["drivers"];
  ASSERT_EQ(d.size(), 3u) << j.dump(1);
  EXPECT_EQ(d[0]["driver"], "One");
  EXPECT_TRUE(d[0]["unpaired"].get<bool>());
  EXPECT_EQ(d[0]["pairing_note"], "No C++ driver of this name: its cells are not paired with the others'.");
  const auto& one = one_cb(d[0], "soft_reset");
  EXPECT_TRUE(one["c"]["present"].get<bool>());
  EXPECT_TRUE(one["rust"]["present"].get<bool>());
  EXPECT_THAT(one["cxx"]["note"].get<std::string>(),
              HasSubstr("no C++ driver named \"One\" in cxx/drivers/ax88796b_cxx.cpp: not paired"));
  // Rust's "Two" and C++'s "Uno", which no C entry names, are on the page.
  EXPECT_EQ(d[1]["driver"], "Two");
  EXPECT_EQ(d[1]["pairing_note"], "No C or C++ driver of this name: its cells are not paired with the others'.");
  EXPECT_THAT(d[1]["callbacks"][0]["c"]["note"].get<std::string>(), HasSubstr("no C phy_driver entry named \"Two\""));
  EXPECT_TRUE(d[1]["callbacks"][0]["rust"]["present"].get<bool>());
  EXPECT_EQ(d[2]["driver"], "Uno");
  EXPECT_TRUE(d[2]["callbacks"][0]["cxx"]["present"].get<bool>());
  EXPECT_THAT(d[2]["callbacks"][0]["rust"]["note"].get<std::string>(), HasSubstr("no Rust driver named \"Uno\""));
  // A function the scanner did not find is phylib's only where phy.h
  // declares it (side_by_side_of's phy.h declares genphy_suspend).
  EXPECT_THAT(one_cb(d[0], "suspend")["c"]["note"].get<std::string>(), HasSubstr("phylib's genphy_suspend() directly"));
  EXPECT_THAT(one_cb(d[0], "read_status")["c"]["note"].get<std::string>(),
              HasSubstr("one_status(), as .read_status = one_status: not found by refdrv's source scanner"));
  EXPECT_EQ(j["unread_c_entries"], 1);
  EXPECT_TRUE(j["has_unread_c_entries"].get<bool>());
  // A macro inside an entry may set callbacks the page does not read: said.
  EXPECT_TRUE(d[0]["has_unread_items"].get<bool>());
  EXPECT_THAT(d[0]["unread_note"].get<std::string>(), HasSubstr("sets fields through COMMON_PM_OPS"));
  EXPECT_FALSE(d[1]["has_unread_items"].get<bool>());
  // What phylib does where a driver leaves a callback unset: its generic
  // routine where it has one, nothing where it has none (a review,
  // 2026-12-07: a missing suspend read "phylib's generic routine").
  EXPECT_EQ(one_cb(d[0], "read_status")["rust"]["note"], "not implemented: phylib calls genphy_read_status()");
  EXPECT_EQ(one_cb(d[0], "suspend")["rust"]["note"], "not implemented: phylib calls nothing in its place");
}

// A C++ callback the driver declares whose code the scanner did not find is
// said so, never "not implemented": the build holds every declared one to a
// member (a review, 2026-12-07).
TEST(SideBySide, ADeclaredCxxCallbackWhoseCodeWasNotFoundIsNotCalledMissing) {
  const std::string c =
      "static int one_reset(struct phy_device *phydev) { return 0; }\n"
      "static struct phy_driver drv[] = { {\n\t.name = \"One\",\n\t.soft_reset = one_reset,\n"
      "\t.suspend = genphy_suspend,\n} };\n";
  const std::string cxx =
      "struct PhyA {\n  static constexpr CStr name = \"One\";\n"
      "  static constexpr Callbacks callbacks = Callback::soft_reset | Callback::suspend;\n"
      "  static Result<> soft_reset(Device& dev) { return {}; }\n  SUSPEND_LIKE_GENPHY\n};\n";
  const auto j = report::side_by_side_of(c, "", cxx, CheckReport{});
  ASSERT_EQ(j["drivers"].size(), 1u) << j.dump(1);
  for (const auto& row : j["drivers"][0]["callbacks"]) {
    if (row["callback"] != "suspend") continue;
    EXPECT_EQ(row["cxx"]["note"],
              "declared in PhyA's callbacks; its code was not found by refdrv's source scanner: see the source");
    return;
  }
  ADD_FAILURE() << "no suspend row: " << j.dump(1);
}

TEST(History, CountsOnASyntheticRepositoryMatchWhatTheTestBuilt) {
  SyntheticRepo repo;
  const std::string c1 = "int a;\nint b;\n";
  repo.write("drivers/net/phy/asix.c", c1);
  repo.commit("Alice", "2019-03-01T10:00:00", "net: phy: add Asix PHY driver");
  repo.write("drivers/net/phy/asix.c", c1 + "int c;\n");
  const std::string fix_target = repo.commit("Alice", "2019-06-01T10:00:00", "net: phy: asix: fix reset of the AX88796B");
  repo.git({"mv", "drivers/net/phy/asix.c", "drivers/net/phy/ax88796b.c"});
  repo.commit("Bob", "2020-01-10T10:00:00", "net: phy: rename Asix PHY driver to ax88796b");
  repo.write("drivers/net/phy/ax88796b.c", c1 + "int c;\nint d;\n");
  // A Fixes: trailer in upper case names the commit too, and a body that
  // mentions a leak elsewhere does not make a fix a memory-safety fix (a
  // review, 2026-12-07: the trailer named nothing, the body counted).
  std::string upper_target = fix_target.substr(0, 12);
  for (auto& ch : upper_target) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  repo.commit("Bob", "2020-02-01T10:00:00",
              "net: phy: ax88796b: handle the reset timeout\n\nSpotted while hunting a memory leak elsewhere.\n\n"
              "Fixes: " +
                  upper_target + " (\"net: phy: asix: fix reset of the AX88796B\")\n");
  repo.write("drivers/net/phy/ax88796b_rust.rs", "fn a() {}\n");
  repo.write("rust/kernel/net/phy.rs", "pub struct Device;\n");
  const std::string rust_intro = repo.commit("Carol", "2023-12-01T10:00:00", "net: phy: add Rust Asix PHY driver");
  repo.write("rust/kernel/net/phy.rs", "pub struct Device;\npub struct Registration;\n");
  repo.commit("Dave", "2024-02-01T10:00:00",
              "rust: net::phy: fix the registration's lifetime\n\nThe drivers were freed while registered:\n\n"
              "  [   12.345678] BUG: KASAN: slab-use-after-free in phy_drivers_unregister+0x20/0x60\n"
              "  kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n\n"
              "Fixes: " +
                  rust_intro.substr(0, 12) + " (\"net: phy: add Rust Asix PHY driver\")\n");
  repo.write("README", "unrelated\n");
  repo.commit("Eve", "2024-03-01T10:00:00", "docs: fix a typo elsewhere");
  repo.git({"checkout", "-q", "-b", "reg"});
  repo.write("rust/kernel/net/phy/reg.rs", "pub struct C22;\n");
  repo.commit("Frank", "2024-04-01T10:00:00", "rust: net::phy: add the reg module");
  repo.git({"checkout", "-q", "master"});
  repo.git({"merge", "-q", "--no-ff", "-m", "Merge branch 'reg'", "reg"}, "Merger", "2024-04-02T10:00:00");

  auto h = report::read_history(repo.dir().string(),
                                {{"C driver", {"drivers/net/phy/ax88796b.c"}},
                                 {"Rust driver", {"drivers/net/phy/ax88796b_rust.rs"}},
                                 {"Rust abstraction", {"rust/kernel/net/phy.rs", "rust/kernel/net/phy/reg.rs"}},
                                 {"C++ driver", {"drivers/net/phy/ax88796b_cxx.cpp"}},
                                 {"Partly there", {"drivers/net/phy/ax88796b.c", "rust/kernel/net/phy/mmd.rs"}}});
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->commits_walked, 9u);  // 8 commits and the merge
  // A part HEAD does not have is not in the checkout: no history of 0
  // commits (the report printed "0 commits, 0 fixes" for it); a part HEAD
  // has some of says which it lacks.
  EXPECT_FALSE(group(*h, "C++ driver").in_checkout());
  EXPECT_THAT(group(*h, "C++ driver").absent, ElementsAre("drivers/net/phy/ax88796b_cxx.cpp"));
  EXPECT_TRUE(group(*h, "Partly there").in_checkout());
  EXPECT_THAT(group(*h, "Partly there").absent, ElementsAre("rust/kernel/net/phy/mmd.rs"));
  EXPECT_TRUE(group(*h, "Rust abstraction").in_checkout());
  EXPECT_TRUE(group(*h, "Rust abstraction").absent.empty());
  const nlohmann::json hj = report::history_json(*h);
  const auto row = [&](const std::string& label) {
    for (const auto& g : hj["groups"])
      if (g["label"] == label) return g;
    return nlohmann::json();
  };
  EXPECT_FALSE(row("C++ driver")["in_checkout"].get<bool>());
  EXPECT_EQ(row("Partly there")["absent_note"], "HEAD has no rust/kernel/net/phy/mmd.rs");
  EXPECT_FALSE(row("C driver").contains("absent_note"));

  const auto& c = group(*h, "C driver");
  ASSERT_EQ(c.commits.size(), 4u);
  EXPECT_EQ(c.commits.front().subject, "net: phy: add Asix PHY driver");  // oldest first, across the rename
  EXPECT_THAT(c.followed, ElementsAre("drivers/net/phy/asix.c"));
  EXPECT_EQ(c.fixes, 2u);  // a "fix" subject and a Fixes: trailer
  EXPECT_EQ(c.memory_safety_fixes, 0u);
  EXPECT_EQ(c.leak_fixes, 0u) << "a leak its body mentions elsewhere is not what it fixes";
  EXPECT_EQ(c.introduced_bugs, 1u);
  EXPECT_TRUE(c.commits[1].introduced_bug);
  EXPECT_TRUE(c.commits[1].fix_subject);
  EXPECT_TRUE(c.commits[3].fixes_trailer);
  EXPECT_EQ(c.authors.size(), 2u);
  // A rename moves lines, it neither deletes them from the old path nor
  // adds them to the new one (until 2026-12-07 it counted 3 deleted from
  // asix.c and 3 added to ax88796b.c: the whole file twice).
  EXPECT_EQ(c.churn.at("drivers/net/phy/asix.c").commits, 2u);
  EXPECT_EQ(c.churn.at("drivers/net/phy/asix.c").added, 3u);
  EXPECT_EQ(c.churn.at("drivers/net/phy/asix.c").deleted, 0u);
  EXPECT_EQ(c.churn.at("drivers/net/phy/ax88796b.c").commits, 2u);  // the rename and the timeout fix
  EXPECT_EQ(c.churn.at("drivers/net/phy/ax88796b.c").added, 1u);
  EXPECT_EQ(c.churn.at("drivers/net/phy/ax88796b.c").deleted, 0u);

  const auto& rd = group(*h, "Rust driver");
  ASSERT_EQ(rd.commits.size(), 1u);
  EXPECT_EQ(rd.fixes, 0u);
  EXPECT_EQ(rd.introduced_bugs, 1u);  // the same commit added the abstraction

  const auto& ra = group(*h, "Rust abstraction");
  ASSERT_EQ(ra.commits.size(), 3u);  // the merge itself is not counted
  EXPECT_EQ(ra.fixes, 1u);
  EXPECT_EQ(ra.memory_safety_fixes, 1u);
  // From the KASAN line it quotes, timestamp and all; not its subject. The
  // leak kmemleak reports beside it is counted apart, not as memory safety.
  EXPECT_THAT(ra.commits[1].memory_safety, ElementsAre("use-after-free"));
  EXPECT_TRUE(ra.commits[1].leak);
  EXPECT_EQ(ra.leak_fixes, 1u);
  EXPECT_EQ(ra.introduced_bugs, 1u);
  EXPECT_EQ(ra.authors.size(), 3u);
  const auto years = report::commits_per_year(ra);
  EXPECT_EQ(years.at(2023).first, 1u);
  EXPECT_EQ(years.at(2024).first, 2u);
  EXPECT_EQ(years.at(2024).second, 1u);

  const std::string svg = report::history_svg(*h);
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("fix the registration's lifetime (fix)"));
}

// "first" and "last" are the earliest and latest author dates, whatever
// order the commits were made in: a patch written in 2018 and applied in
// 2021, after one of 2020, made "first" 2020 (the first commit made).
TEST(History, FirstAndLastAreTheEarliestAndLatestAuthorDates) {
  SyntheticRepo repo;
  repo.write("drivers/net/phy/ax88796b.c", "int a;\n");
  repo.commit("Alice", "2020-05-01T10:00:00", "net: phy: add the driver");
  repo.write("drivers/net/phy/ax88796b.c", "int a;\nint b;\n");
  repo.git({"add", "-A"});
  repo.git({"commit", "-q", "-m", "net: phy: ax88796b: an old patch"}, "Bob", "2021-01-01T10:00:00",
           "2018-03-01T10:00:00");
  auto h = report::read_history(repo.dir().string(), {{"C driver", {"drivers/net/phy/ax88796b.c"}}});
  ASSERT_TRUE(h) << h.error().message;
  const nlohmann::json j = report::history_json(*h);
  ASSERT_EQ(j["groups"].size(), 1u);
  EXPECT_EQ(j["groups"][0]["first"], "2018-03-01");
  EXPECT_EQ(j["groups"][0]["last"], "2020-05-01");
}

// A history that cannot be read whole is no history: a shallow clone (its
// walk ends at the clone's depth) is refused up front, and a repository
// missing a commit's object fails the walk; neither is counted as a shorter
// history with fewer fixes.
TEST(History, AShallowCloneOrAMissingObjectIsAFailureNotAShorterHistory) {
  SyntheticRepo repo;
  repo.write("drivers/net/phy/ax88796b.c", "int a;\n");
  repo.commit("Alice", "2019-03-01T10:00:00", "net: phy: add Asix PHY driver");
  repo.write("drivers/net/phy/ax88796b.c", "int a;\nint b;\n");
  const std::string second = repo.commit("Bob", "2019-04-01T10:00:00", "net: phy: ax88796b: fix a leak");
  repo.write("drivers/net/phy/ax88796b.c", "int a;\nint b;\nint c;\n");
  repo.commit("Carol", "2019-05-01T10:00:00", "net: phy: ax88796b: tidy");
  const std::vector<report::HistoryGroup> groups = {{"C driver", {"drivers/net/phy/ax88796b.c"}}};
  ASSERT_TRUE(report::read_history(repo.dir().string(), groups));

  const fs::path shallow = repo.dir().string() + "-shallow";
  fs::remove_all(shallow);
  repo.git({"clone", "-q", "--depth", "1", "file://" + repo.dir().string(), shallow.string()});
  auto h = report::read_history(shallow.string(), groups);
  ASSERT_FALSE(h);
  EXPECT_THAT(h.error().message, HasSubstr("shallow clone"));
  EXPECT_THAT(h.error().message, HasSubstr("--unshallow"));
  EXPECT_FALSE(report::check_git_repository(shallow.string()));
  fs::remove_all(shallow);

  // A partial clone (blobs fetched when needed, which libgit2 does not do)
  // lost the lines and the renames of every version it lacked, without an
  // error: refused up front too.
  const fs::path partial = repo.dir().string() + "-partial";
  fs::remove_all(partial);
  repo.git({"config", "uploadpack.allowFilter", "true"});
  repo.git({"clone", "-q", "--filter=blob:none", "file://" + repo.dir().string(), partial.string()});
  auto p = report::read_history(partial.string(), groups);
  ASSERT_FALSE(p);
  EXPECT_THAT(p.error().message, HasSubstr("is a partial clone"));
  EXPECT_FALSE(report::check_git_repository(partial.string()));
  fs::remove_all(partial);

  // One version's blob gone: its lines cannot be counted, which fails the
  // history (it counted 0 lines changed).
  const auto blob = kernel::capture(
      {{"git", "-C", repo.dir().string(), "rev-parse", second + ":drivers/net/phy/ax88796b.c"}, {}, {}, {}});
  ASSERT_TRUE(blob);
  const fs::path blob_file = repo.dir() / ".git" / "objects" / blob->substr(0, 2) / blob->substr(2, 38);
  ASSERT_TRUE(fs::exists(blob_file));
  const fs::path kept = blob_file.string() + ".kept";
  fs::copy_file(blob_file, kept);
  fs::permissions(blob_file, fs::perms::owner_write, fs::perm_options::add);
  fs::remove(blob_file);
  auto no_blob = report::read_history(repo.dir().string(), groups);
  ASSERT_FALSE(no_blob);
  EXPECT_THAT(no_blob.error().message, HasSubstr("cannot read blob " + blob->substr(0, 40)));
  fs::rename(kept, blob_file);
  ASSERT_TRUE(report::read_history(repo.dir().string(), groups));

  // The middle commit's object gone (loose objects: git stores each in objects/xx/rest).
  const fs::path object = repo.dir() / ".git" / "objects" / second.substr(0, 2) / second.substr(2);
  ASSERT_TRUE(fs::exists(object));
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  fs::remove(object);
  auto broken = report::read_history(repo.dir().string(), groups);
  ASSERT_FALSE(broken);
  EXPECT_THAT(broken.error().message, AnyOf(HasSubstr("walk stopped"), HasSubstr("cannot read")));
}

TEST(History, ADirectoryWithoutGitSaysHowToGetOne) {
  auto h = report::read_history(fs::temp_directory_path().string(), {{"C driver", {"x.c"}}});
  ASSERT_FALSE(h);
  EXPECT_THAT(h.error().message, HasSubstr("git clone https://git.kernel.org"));
}

// Another project's repository gave its own history under the drivers'
// names (0 commits each, its own commits for a path it happened to have).
TEST(History, ARepositoryThatIsNoLinuxTreeIsRefused) {
  SyntheticRepo repo;
  fs::remove(repo.dir() / "drivers/net/phy/phy_device.c");
  repo.write("README", "another project\n");
  repo.commit("Alice", "2019-03-01T10:00:00", "initial");
  const auto checked = report::check_git_repository(repo.dir().string());
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error().message, HasSubstr("is not a git checkout of Linux: its HEAD has no "
                                                 "drivers/net/phy/phy_device.c"));
  EXPECT_FALSE(report::read_history(repo.dir().string(), {{"C driver", {"x.c"}}}));
}

// The escape-hatch count is cached under a key that holds every project
// file the checked files include, however deep: registration.cpp's
// host/kernel_image.hpp and, through its own header, base/error.hpp (the
// key had only cxx/include, cxx/drivers and abi).
TEST(Report, TheEscapeHatchKeyHoldsEveryHeaderTheCheckedFilesInclude) {
  const fs::path root = kernel::data_dir();
  const auto inc = report::quoted_includes(root, {root / "cxx/abstractions/registration.cpp"});
  EXPECT_TRUE(inc.contains(root / "host/kernel_image.hpp"));
  EXPECT_TRUE(inc.contains(root / "base/error.hpp"));
  EXPECT_TRUE(inc.contains(root / "cxx/abstractions/registration.hpp"));
  const auto driver = report::quoted_includes(root, {root / "cxx/drivers/ax88796b_cxx.cpp"});
  EXPECT_TRUE(driver.contains(root / "cxx/include/refdrv/phy/driver.hpp"));
  EXPECT_TRUE(driver.contains(root / "abi/refdrv_phy_callbacks.h"));
  for (const auto& [f, text] : driver) {
    EXPECT_TRUE(fs::is_regular_file(f)) << f;
    EXPECT_EQ(text, kernel::read_file(f).value_or("")) << f;  // the key's text is the file's
  }
}

// Totals add the pairs every implementation ran. Where none was (a QT2025
// scenario alone: no C driver), there is no total, not "0 instructions,
// ratio 0.000" beside rows that have counts.
TEST(Report, InstructionTotalsNeedAPairEveryImplementationRan) {
  report::CostReport c;
  c.measured = true;
  c.note = "callgrind";
  c.rows.push_back({"qt2025-firmware-and-link", "QT2025", {{Impl::kRust, 16986407}, {Impl::kCxx, 17134018}}});
  const std::vector<Impl> impls = {Impl::kC, Impl::kRust, Impl::kCxx};
  const auto none = report::instruction_table(c, impls);
  ASSERT_EQ(none["totals"].size(), 3u);
  for (const auto& t : none["totals"]) {
    EXPECT_EQ(t["instructions"], "-") << t.dump();
    EXPECT_EQ(t["ratio"], "-") << t.dump();
  }
  EXPECT_THAT(none["method"].get<std::string>(), HasSubstr("No total: none of the 1 scenario/model pairs"));
  EXPECT_EQ(none["rows"][0]["cells"][1]["instructions"], 16986407);
  c.rows.push_back({"link-up", "AX88772A", {{Impl::kC, 100}, {Impl::kRust, 150}, {Impl::kCxx, 120}}});
  const auto some = report::instruction_table(c, impls);
  EXPECT_EQ(some["totals"][0]["instructions"], 100);
  EXPECT_EQ(some["totals"][1]["ratio"], "1.500");
  EXPECT_EQ(some["totals"][2]["ratio"], "1.200");
  EXPECT_THAT(some["method"].get<std::string>(), HasSubstr("Totals over the 1 of 2 scenario/model pairs"));
}

// With --replace, the report measures the sources that ran: a replaced Rust
// driver with an unsafe block is not "safe code" because the tree's is
// (the sections read the tree's files until 2026-12-06), and kbuild's
// object of a replaced C driver, which is still the tree's, has no size.
TEST(Report, ReplacedSourcesAreMeasuredNotTheTreesOriginals) {
  EnvironmentOptions o = env_options();
  auto rust = altered_source("rust-unsafe", "drivers/net/phy/ax88796b_rust.rs", "    dev.write(C22::BMCR, 0)?;\n",
                             "    dev.write(C22::BMCR, 0)?;\n        #[allow(unused_unsafe)]\n"
                             "        let _planted = unsafe { 0 };\n");
  o.overlay = altered_driver_overlay();
  o.overlay.insert(rust.begin(), rust.end());
  o.quiet = true;
  auto env = Environment::open(o);
  ASSERT_TRUE(env) << env.error().message;
  ASSERT_TRUE((*env)->image().has_impl(Impl::kRust, "AX88796B_PHY")) << (*env)->built().rust_note;
  report::ReportOptions ro = section_report_options({Impl::kC, Impl::kRust}, "replaced");
  auto suite = load_default_suite();
  ASSERT_TRUE(suite);
  const auto r = report::build_report(**env, *suite, ro);
  fs::remove_all(ro.out_dir);
  const auto& driver = r["safe_code"]["rust_driver"];
  EXPECT_EQ(driver["totals"]["unsafe_blocks"], 1) << driver.dump();
  ASSERT_FALSE(driver["files"].empty());
  EXPECT_EQ(driver["files"][0]["path"], "drivers/net/phy/ax88796b_rust.rs");
  EXPECT_THAT(driver["files"][0]["origin"].get<std::string>(), HasSubstr("replaced by "));
  EXPECT_THAT(r["safe_code"]["summary"].get<std::string>(),
              ::testing::Not(HasSubstr("the driver's own source is safe code")));
  report::CostReport c;
  report::measure_sizes(**env, "", {}, c);
  EXPECT_THAT(c.sizes["C (kernel build)"].error, HasSubstr("drivers/net/phy/ax88796b.c is replaced by "));
  EXPECT_THAT(c.sizes["Rust (kernel build)"].error, HasSubstr("drivers/net/phy/ax88796b_rust.rs is replaced by "));
  EXPECT_TRUE(c.sizes["C (userspace)"].error.empty()) << c.sizes["C (userspace)"].error;
}

// Issue 17: a failing check tool is no count, never "0 escape hatches", and
// its failure is not cached. (CLANG_TIDY=false: clang-tidy exits non-zero
// without a finding, which the tool reports as its own failure, exit 2.)
// Issue 22: a copy that reuses Linux 6.12's configured tree has no kbuild
// object of its own for the driver it changed: the size of the other tree's
// is not shown as this one's.
TEST(Report, ACopyReusingAConfigurationHasNoKbuildSizeForTheSourceItChanged) {
  EnvironmentOptions o = env_options();
  o.kernel = altered_tree().string();
  o.quiet = true;
  auto env = Environment::open(o);
  ASSERT_TRUE(env) << env.error().message;
  ASSERT_FALSE((*env)->built().reused_from.empty());
  report::CostReport c;
  report::measure_sizes(**env, "", {}, c);
  EXPECT_THAT(c.sizes["C (kernel build)"].error,
              HasSubstr("this tree reuses the configured tree of " + environment("6.12").tree().root.string()));
  EXPECT_TRUE(c.sizes["C (userspace)"].error.empty()) << c.sizes["C (userspace)"].error;
  EXPECT_GT(c.sizes["C (userspace)"].text, 0u);
  // The Rust driver is the same in both trees: kbuild's object is its own.
  EXPECT_TRUE(c.sizes["Rust (kernel build)"].error.empty()) << c.sizes["Rust (kernel build)"].error;
  EXPECT_GT(c.sizes["Rust (kernel build)"].text, 0u);
}

TEST(Report, AFailedEscapeHatchCheckIsNoCountAndIsNotCached) {
  if (!kernel::on_path("clang-tidy-19") || !kernel::on_path("clang-query-19")) GTEST_SKIP() << "no clang tools";
  const std::vector<std::string> files = {"cxx/drivers/ax88796b_cxx.cpp"};
  ::setenv("CLANG_TIDY", "false", 1);
  for (int i = 0; i < 2; ++i) {
    const auto j = report::escape_hatch_check(files);
    EXPECT_FALSE(j["available"].get<bool>()) << "run " << i << ": " << j.dump();
    EXPECT_FALSE(j.contains("total"));
    EXPECT_THAT(j.value("note", ""), HasSubstr("exit status 2"));
  }
  ::unsetenv("CLANG_TIDY");
  const auto ok = report::escape_hatch_check(files);
  ASSERT_TRUE(ok["available"].get<bool>()) << ok.dump();
  EXPECT_EQ(ok["total"], 0);
}

// A cached count is held to the tool's exit status as a fresh one is: the
// cache entry keeps it. An entry cut short (a disk that filled) read back
// as "no finding", 0 escape hatches, without a word; an entry that
// disagrees with its status, or has none, is no entry, and the tool runs
// again.
TEST(Report, ACachedEscapeHatchCountIsCheckedAsAFreshOne) {
  if (!kernel::on_path("clang-tidy-19") || !kernel::on_path("clang-query-19")) GTEST_SKIP() << "no clang tools";
  // A cache of its own: the other tests read the shared one's entries
  // (ctest runs them at once), and this one damages its entry on purpose.
  const char* shared = std::getenv("REFDRV_CACHE_DIR");
  const std::string restore = shared ? shared : "";
  const fs::path own = fs::temp_directory_path() / fmt::format("refdrv-test-cache-{}", ::getpid());
  fs::remove_all(own);
  ::setenv("REFDRV_CACHE_DIR", own.c_str(), 1);
  struct Restore {
    fs::path own;
    std::string shared;
    ~Restore() {
      if (shared.empty())
        ::unsetenv("REFDRV_CACHE_DIR");
      else
        ::setenv("REFDRV_CACHE_DIR", shared.c_str(), 1);
      fs::remove_all(own);
    }
  } restore_cache{own, restore};
  const std::vector<std::string> bad = {"tests/escape_hatches/bad_driver.cpp"};
  const auto fresh = report::escape_hatch_check(bad);
  ASSERT_TRUE(fresh["available"].get<bool>()) << fresh.dump();
  ASSERT_GT(fresh["total"].get<std::size_t>(), 0U);
  // The one entry that run wrote.
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(own / "report"))
    if (e.path().filename().string().starts_with("escape-hatches-")) entries.push_back(e.path());
  ASSERT_EQ(entries.size(), 1U);
  const fs::path entry = entries.front();
  const auto whole = kernel::read_file(entry);
  ASSERT_TRUE(whole);
  EXPECT_TRUE(whole->starts_with("status 1\n")) << whole->substr(0, 80);
  // Cut after its status line: the tool said it found some, the entry has
  // none. It is no entry: the tool runs again and writes it whole (it was
  // reported as the tool failing, in every later report).
  ASSERT_TRUE(kernel::write_file(entry, "status 1\n"));
  const auto cut = report::escape_hatch_check(bad);
  ASSERT_TRUE(cut["available"].get<bool>()) << cut.dump();
  EXPECT_EQ(cut["total"], fresh["total"]);
  EXPECT_EQ(kernel::read_file(entry).value_or(""), *whole);
  // Empty (no status line): not an entry; the tool runs again, and writes it whole.
  ASSERT_TRUE(kernel::write_file(entry, ""));
  const auto again = report::escape_hatch_check(bad);
  ASSERT_TRUE(again["available"].get<bool>()) << again.dump();
  EXPECT_EQ(again["total"], fresh["total"]);
  EXPECT_EQ(kernel::read_file(entry).value_or(""), *whole);
}

// The count the report prints is the tool's, read line by line: a driver
// with every kind of escape hatch counts each (a parser that read none would
// say 0, as it says for the clean drivers), and output the parser cannot read
// is no count, not 0.
TEST(Report, TheEscapeHatchCountIsTheToolsFindingsOneByOne) {
  if (!kernel::on_path("clang-tidy-19") || !kernel::on_path("clang-query-19")) GTEST_SKIP() << "no clang tools";
  const std::vector<std::string> bad = {"tests/escape_hatches/bad_driver.cpp"};
  const auto j = report::escape_hatch_check(bad);
  ASSERT_TRUE(j["available"].get<bool>()) << j.dump();
  std::map<std::string, std::size_t> kinds;
  for (const auto& k : j["by_kind"]) kinds[k["kind"].get<std::string>()] = k["count"].get<std::size_t>();
  for (const char* kind :
       {"raw pointer", "cast", "C API call", "address taken", "new/delete", "member pointer", "union",
        "inline assembly", "clang-tidy: cppcoreguidelines-pro-type-reinterpret-cast", "clang-tidy: hicpp-no-assembler"})
    EXPECT_GT(kinds[kind], 0U) << kind << " in " << j.dump();
  // Every clang-tidy finding is its check's kind, never its message text.
  for (const auto& [kind, n] : kinds) EXPECT_EQ(kind.find(" ["), std::string::npos) << kind;
  std::size_t sum = 0;
  for (const auto& [kind, n] : kinds) sum += n;
  EXPECT_EQ(j["total"].get<std::size_t>(), sum);
  EXPECT_EQ(j["files"][0]["escape_hatches"].get<std::size_t>(), sum);
  EXPECT_GE(sum, 15U);

  // The tool says it found some (exit 1) in a line refdrv cannot read (a
  // finding with no text: clang-tidy's line, as the tool passes it on).
  const fs::path fake = fs::temp_directory_path() / fmt::format("refdrv-test-tidy-{}", ::getpid());
  ASSERT_TRUE(kernel::write_file(fake, "#!/bin/sh\necho 'x.cpp:1:1: warning: '\nexit 1\n"));
  fs::permissions(fake, fs::perms::owner_all);
  ::setenv("CLANG_TIDY", fake.c_str(), 1);
  const auto unread = report::escape_hatch_check({"cxx/drivers/ax88796b_cxx.cpp"});
  ::unsetenv("CLANG_TIDY");
  fs::remove(fake);
  EXPECT_FALSE(unread["available"].get<bool>()) << unread.dump();
  EXPECT_FALSE(unread.contains("total"));
  EXPECT_THAT(unread.value("note", ""), HasSubstr("exited 1 but printed 0 finding(s) refdrv could read"));
}

// The gap map report_for() gave the report, to compare its section with.
nlohmann::json gaps_of_tree;

// `full`: every section; else without the fault sweep and the escape-hatch
// tool (they do not depend on the tree's Rust, and the 6.12 test runs them).
nlohmann::json report_for(Environment& env, const fs::path& out, bool full = true) {
  report::ReportOptions o;
  o.fault_sweep = full;
  o.escape_hatches = full;
  // A mutation worker that fails without a word: the section must say so,
  // never show a score (the real one runs in tests/report/browser-test).
  o.mutate_worker = {"sh", "-c", "echo worker broke >&2; exit 2", "sh"};
  o.impls = available_impls(env, nullptr);
  o.out_dir = out;
  o.cost = false;  // callgrind has its own test below
  // A drivers worker that writes a small report (the real one runs in
  // cli.report_*): the section reads it as it reads refdrv drivers --json.
  o.drivers_worker = {"sh", "-c", "printf '%s' \"$0\" > \"$2\"",
                      R"json({"files": 3, "files_built": 2, "files_bound": 2, "pass": 1, "fail": 1, "not_applicable": 1,
                          "passes_with_a_caveat": {"stand_in_model": 0, "unchecked_vendor_registers": 1},
                          "runs": 9, "seconds": 0.1, "differential": {"entries": 1, "comparisons": 4, "diverged": 0},
                          "entries": [
                          {"file": "drivers/net/phy/a.c", "name": "A", "model": "generic", "conformance": "pass",
                           "failed_step": "", "reason": "", "differential": {"implementations": ["C", "Rust"],
                           "comparisons": 4, "divergence": null}},
                          {"file": "drivers/net/phy/b.c", "name": "B", "model": "generic", "conformance": "fail",
                           "failed_step": "flap, step 6 (expect)", "reason": "expected link up (phylib: down)"},
                          {"file": "drivers/net/phy/c.c", "name": "C", "model": "generic", "conformance": "n/a",
                           "failed_step": "", "reason": "not bound: expected driver C"},
                          {"file": "drivers/net/phy/d.c", "name": null, "conformance": "n/a", "built": false,
                           "file_entries": 2,
                           "reason": "not built: the tree's Kconfig turns CONFIG_D off in refdrv's configuration (an unmet dependency); its 2 phy_driver entries are not run"}]})json"};
  auto gaps = report::abstraction_gaps(env.tree().root, phy::offered_callbacks());
  EXPECT_TRUE(gaps);
  if (gaps) o.gaps = report::gaps_json(*gaps, env.tree().version);
  gaps_of_tree = o.gaps;
  // The sections' contents are what is tested here; the forked sweep, whose
  // results come back as JSON (minutes under ASan), has tests of its own.
  o.containment = Containment::kInProcess;
  o.refdrv_exe = "";
  auto suite = load_default_suite();
  return report::build_report(env, *suite, o);
}

// A mutation worker that scored no mutant (every one equivalent or
// stillborn: its score is null), or wrote no score at all, gives the section
// no score and says why: never a pass, never a crash.
TEST(Report, AMutationRunWithoutAScoreIsNoScore) {
  Environment& env = environment("6.12");
  const auto section = [&](const std::string& json) {
    report::ReportOptions o = section_report_options(available_impls(env, nullptr), "noscore");
    // The worker is given --impl X --min-score N --json OUT: $6 is OUT.
    o.mutate_worker = {"sh", "-c", "printf '%s' \"$0\" > \"$6\"", json};
    auto suite = load_default_suite();
    const auto r = report::build_report(env, *suite, o);
    fs::remove_all(o.out_dir);
    return r["mutation"];
  };
  const auto none = section(R"({"mutants": [{"status": "equivalent"}], "counts": {"killed": 0, "survived": 0,
                                "equivalent": 1, "stillborn": 0}, "score": null})");
  EXPECT_FALSE(none["ran"].get<bool>());
  EXPECT_FALSE(none["all_reach_minimum"].get<bool>());
  ASSERT_FALSE(none["drivers"].empty());
  EXPECT_TRUE(none["drivers"][0]["tool_failed"].get<bool>());
  EXPECT_THAT(
      none["drivers"][0]["note"].get<std::string>(),
      HasSubstr("refdrv mutate scored no mutant (killed 0, survived 0, equivalent 1, stillborn 0, undecided 0)"));
  EXPECT_FALSE(none["drivers"][0].contains("score"));
  const auto missing = section(R"({"mutants": []})");
  EXPECT_FALSE(missing["ran"].get<bool>());
  EXPECT_THAT(missing["drivers"][0]["note"].get<std::string>(), HasSubstr("without a score or counts"));
}

TEST(Report, OnLinux612EverySectionHasItsFiguresAndTheJsonValidates) {
  Environment& env = environment("6.12");
  const fs::path out = fs::temp_directory_path() / fmt::format("refdrv-report-{}", ::getpid());
  const auto r = report_for(env, out);
  EXPECT_TRUE(r["equivalence"]["all_passed"].get<bool>());
  EXPECT_TRUE(r["equivalence"]["all_equivalent"].get<bool>());
  EXPECT_EQ(r["equivalence"]["coverage"].size(), 11u);  // 3 Asix drivers x 3, the QT2025 x 2
  EXPECT_EQ(r["safe_code"]["rust_driver"]["totals"]["unsafe_total"], 0);
  EXPECT_GT(r["safe_code"]["rust_abstraction_tree"]["totals"]["unsafe_blocks"].get<int>(), 20);
  EXPECT_THAT(r["safe_code"]["summary"].get<std::string>(),
              HasSubstr("the driver's own source is safe code (module_phy_driver! is a macro_rules! of phy.rs, so its "
                        "unsafe code is counted once, in the abstraction's figure"));
  EXPECT_TRUE(r["safe_code"]["rust_abstraction_tree"]["unread"].empty());
  // phylib is not counted as C's abstraction: no figure, not a 0 beside the
  // measured ones (a review, 2026-12-07).
  const auto& impls = r["maintenance"]["implementations"];
  ASSERT_EQ(impls.size(), 3u);
  EXPECT_TRUE(impls[0]["abstraction_lines"].is_null());
  EXPECT_EQ(impls[0]["abstraction_lines_text"], "(none; phylib not counted)");
  EXPECT_EQ(impls[1]["abstraction_lines_text"], std::to_string(impls[1]["abstraction_lines"].get<std::size_t>()));
  EXPECT_FALSE(r["mutation"]["ran"].get<bool>());
  EXPECT_FALSE(r["mutation"]["all_reach_minimum"].get<bool>());
  ASSERT_EQ(r["mutation"]["drivers"].size(), 2u);
  for (const auto& d : r["mutation"]["drivers"]) {
    EXPECT_FALSE(d["ran"].get<bool>());
    EXPECT_FALSE(d.contains("score"));
    EXPECT_THAT(d["note"].get<std::string>(), HasSubstr("refdrv mutate failed (exit status 2)"));
    EXPECT_THAT(d["note"].get<std::string>(), HasSubstr("worker broke"));
  }
  EXPECT_TRUE(r["faults"]["identical"].get<bool>());
  EXPECT_GT(r["faults"]["points"].get<int>(), 1000);
  // Each side drops the two results of its link_change_notify re-initialisation.
  for (const auto& d : r["faults"]["dropped_results"]) EXPECT_EQ(d["count"], 2) << d["implementation"];
  EXPECT_FALSE(r["history"]["available"].get<bool>());
  const auto& drivers = r["side_by_side"]["drivers"];
  ASSERT_EQ(drivers.size(), 4u);  // the three Asix drivers, then the QT2025
  EXPECT_EQ(drivers[0]["driver"], "Asix Electronics AX88772A");
  // The QT2025: the tree's Rust driver and refdrv's C++ one side by side, no
  // C driver, each callback run by the suite on both.
  const auto& qt = drivers[3];
  EXPECT_EQ(qt["driver"], "QT2025 10Gpbs SFP+");
  std::vector<std::string> qt_cbs;
  for (const auto& c : qt["callbacks"]) {
    qt_cbs.push_back(c["callback"]);
    EXPECT_EQ(c["c"]["note"], "no C driver in this tree");
    EXPECT_TRUE(c["rust"]["present"].get<bool>()) << c["callback"];
    EXPECT_TRUE(c["cxx"]["present"].get<bool>()) << c["callback"];
    // No C cell: "C: 0 scenario(s)" read as the suite never exercising a
    // driver the tree does not have.
    ASSERT_EQ(c["exercised"].size(), 2u) << c["callback"];
    EXPECT_EQ(c["exercised"][0]["implementation"], "Rust");
    EXPECT_GT(c["exercised"][0]["scenarios"].get<int>(), 0) << c["callback"];
    EXPECT_EQ(c["exercised"][1]["implementation"], "C++");
    EXPECT_GT(c["exercised"][1]["scenarios"].get<int>(), 0) << c["callback"];
  }
  EXPECT_THAT(qt_cbs, ElementsAre("probe", "read_status"));
  // The C module's registration is all of it, as the Rust and C++ cells
  // hold theirs: module info, module_phy_driver(), the device table.
  const std::string c_module = r["side_by_side"]["module"]["c"]["code"];
  for (const char* part : {"MODULE_DESCRIPTION(", "MODULE_AUTHOR(", "MODULE_LICENSE(",
                           "module_phy_driver(asix_driver);", "asix_tbl[] = {", "MODULE_DEVICE_TABLE(mdio, asix_tbl);"})
    EXPECT_THAT(c_module, HasSubstr(part));
  EXPECT_THAT(c_module, HasSubstr("\n...\n")) << "the gaps between the parts are marked";
  std::vector<std::string> cbs;
  for (const auto& c : drivers[0]["callbacks"]) cbs.push_back(c["callback"]);
  EXPECT_THAT(cbs, ElementsAre("read_status", "suspend", "resume", "soft_reset", "link_change_notify"));
  for (const auto& c : drivers[0]["callbacks"]) {
    EXPECT_TRUE(c["rust"]["present"].get<bool>()) << c["callback"];
    EXPECT_TRUE(c["cxx"]["present"].get<bool>()) << c["callback"];
    for (const auto& e : c["exercised"]) EXPECT_GT(e["scenarios"].get<int>(), 0) << c["callback"];
  }
  EXPECT_THAT(drivers[0]["callbacks"][0]["c"]["code"].get<std::string>(), HasSubstr("asix_ax88772a_read_status"));
  // Every driver of 6.12's groups pairs with its counterparts by name.
  for (const auto& d : drivers) EXPECT_FALSE(d["unpaired"].get<bool>()) << d["driver"] << ": " << d["pairing_note"];
  EXPECT_EQ(r["side_by_side"]["unread_c_entries"], 0);
  ASSERT_EQ(r["side_by_side"]["helpers"].size(), 1u);
  EXPECT_EQ(r["side_by_side"]["helpers"].at(0)["name"], "asix_soft_reset");  // C's is its soft_reset callback
  EXPECT_TRUE(r["side_by_side"]["helpers"].at(0)["c"]["present"].get<bool>());
  EXPECT_TRUE(r["side_by_side"]["helpers"].at(0)["rust"]["present"].get<bool>());

  ASSERT_TRUE(r["drivers"]["ran"].get<bool>()) << r["drivers"].dump();
  EXPECT_EQ(
      r["drivers"]["summary"],
      "3 driver files, 2 built, 2 with an entry bound; 3 entries in 9 runs: 1 pass (0 of them on a vendor family's "
      "model standing in for their PHY, 1 on a generic model that stores the vendor registers they used without "
      "meaning), 1 fail, 1 n/a. Not built, so in no count here: 2 phy_driver entries in 1 of the 1 driver file(s) "
      "refdrv's configuration leaves out (an unmet Kconfig dependency, or an optional part of a module; "
      "unbuilt_files in the JSON says why): drivers/net/phy/d.c (2). Differential: "
      "1 entry that refdrv's other implementations register too ran every scenario on each as well, 4 "
      "comparisons with C's runs, 0 entries diverged.");
  ASSERT_EQ(r["drivers"]["unbuilt_files"].size(), 1u);
  EXPECT_EQ(r["drivers"]["unbuilt_files"][0]["file"], "drivers/net/phy/d.c");
  ASSERT_EQ(r["drivers"]["failures"].size(), 1u);
  EXPECT_EQ(r["drivers"]["failures"][0]["failed_step"], "flap, step 6 (expect)");
  EXPECT_EQ(r["drivers"]["not_applicable_reasons"],
            nlohmann::json::parse(R"([{"reason": "not bound", "entries": 1}])"));
  ASSERT_TRUE(r["gaps"]["available"].get<bool>());
  EXPECT_EQ(r["gaps"]["missing"][0]["callback"], "config_init");
  EXPECT_THAT(r["gaps"]["summary"].get<std::string>(), HasSubstr("The first missing piece is config_init"));
  // The entries refdrv gaps could not read (written through macros) are said
  // here too: 6.12 has 35 in 4 files.
  EXPECT_EQ(r["gaps"]["unread_entries"], gaps_of_tree["unread_entries"]);
  EXPECT_GT(r["gaps"]["unread_entries"].get<int>(), 0);
  EXPECT_THAT(r["gaps"]["summary"].get<std::string>(),
              ::testing::ContainsRegex("Not read: [0-9]+ entries written through macros, in [0-9]+ file\\(s\\): "
                                       ".*drivers/net/phy/bcm7xxx.c \\([0-9]+\\)"));
  EXPECT_EQ(r["gaps"]["rust_expressible_files"], gaps_of_tree["rust_expressible_files"]);
  EXPECT_GT(r["gaps"]["rust_expressible_files"].get<int>(), 1);
  // No API map given (it needs the build with every driver): said, not shown.
  EXPECT_FALSE(r["gaps"].contains("api_missing"));
  EXPECT_THAT(r["gaps"]["api_note"].get<std::string>(), HasSubstr("needs the build with every driver"));

  const std::string html = report::render_html(r);
  for (const char* id : {"equivalence", "safe-code", "faults", "cost", "history", "maintenance", "side-by-side",
                         "drivers", "gaps"})
    EXPECT_THAT(html, HasSubstr(fmt::format("data-section=\"{}\"", id)));
  EXPECT_THAT(html, HasSubstr("<span class=\"k\">fn</span> read_status"));
  // A pair with no driver of one implementation (the QT2025 has no C one) is
  // n/a, shown apart, not green as a pass.
  EXPECT_THAT(html, HasSubstr("<td class=\"na\" title=\"no C driver for QT2025\">n/a</td>"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("{{")));
  EXPECT_THAT(html, HasSubstr("How strong the suite is: mutation testing"));
  EXPECT_THAT(html, HasSubstr("refdrv mutate failed (exit status 2)"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("score reaches")));
  const std::string md = report::render_markdown(r);
  // check's notes under section 1's verdict: its "all implementations
  // equivalent" came without them (the pair no two own drivers ran in, the
  // WARNs).
  EXPECT_THAT(md, HasSubstr("- Note: 1 compared pair(s) ran on a model no driver group claims"));
  EXPECT_THAT(md, HasSubstr("kernel WARN(s)"));
  EXPECT_THAT(report::render_html(r), HasSubstr("<ul class=\"notes\"><li>Note: "));
  // Section 2's rows one under the other (a blank line would end the table).
  EXPECT_THAT(md, HasSubstr("|---|---|---|---|---|---|---|---|\n| Rust driver (tree) |"));
  for (const char* row : {"| Rust abstraction (tree) |", "| the tree's Rust crates refdrv compiled (", "| C driver |"})
    EXPECT_THAT(md, HasSubstr(std::string("|\n") + row)) << row;
  EXPECT_THAT(md, HasSubstr("## 1. Equivalence"));
  EXPECT_THAT(md, HasSubstr("| Rust driver (tree) | "));
  EXPECT_THAT(md, HasSubstr("| drivers/net/phy/b.c | B | flap, step 6 (expect) | expected link up (phylib: down) |"));
  EXPECT_THAT(md, HasSubstr("| config_init | "));
  // The Markdown says what the C++ check found or why it did not run, as
  // the HTML does (it had no C++ row, and said nothing when the check did
  // not run).
  EXPECT_THAT(md, HasSubstr("C++ escape hatches ("));
  EXPECT_THAT(md, ::testing::Not(HasSubstr("{{")));
  EXPECT_THAT(md, HasSubstr("# Asix PHY reference drivers: C, Rust and C++ on Linux 6.12"));
  EXPECT_THAT(md, HasSubstr("all expectations hold, all implementations equivalent (1 of the 114 compared pair(s) with "
                            "no two implementations' own drivers run: see the notes)."));
  EXPECT_THAT(md, HasSubstr("At every point the implementations handled the error identically."));
  // Every pair ran on two implementations at least (the QT2025's on Rust and C++).
  EXPECT_EQ(r["equivalence"]["compared_pairs"], r["equivalence"]["pairs"]);
  // The C driver's API counts phylib's function-like macros, as the others
  // count their counterparts (DeviceId::new_with_exact_mask, ...).
  for (const auto& impl : r["maintenance"]["implementations"]) {
    if (impl["implementation"] != "C") continue;
    const auto used = impl["api_used"].get<std::vector<std::string>>();
    EXPECT_THAT(used, ::testing::IsSupersetOf({"PHY_ID_MATCH_EXACT", "module_phy_driver", "phy_write"}));
  }
  EXPECT_TRUE(r["faults"]["compared"].get<bool>());
  // Nothing refdrv report exits 1 for; the two mutation workers that broke
  // are failed tools, what it exits 2 for.
  EXPECT_THAT(report::report_findings(r), ::testing::IsEmpty());
  EXPECT_THAT(report::report_failures(r), ElementsAre("mutation testing of the C driver failed (section 1)",
                                                      "mutation testing of the Rust driver failed (section 1)"))
      << r["safe_code"]["cxx"].dump();
  // Where nothing was compared the report says so, never "equivalent" or
  // "identical", and a finding of each kind is one.
  nlohmann::json alone = r;
  alone["equivalence"]["equivalence_checked"] = false;
  alone["faults"]["compared"] = false;
  alone["faults"]["identical"] = false;
  alone["faults"]["not_compared"] = "one implementation only (C): its outcomes were not compared with another's";
  const std::string alone_md = report::render_markdown(alone);
  EXPECT_THAT(alone_md, HasSubstr("no pair had two implementations to compare, so equivalence was not checked."));
  EXPECT_THAT(alone_md, HasSubstr("Nothing was compared: one implementation only (C)"));
  EXPECT_THAT(alone_md, ::testing::Not(HasSubstr("all implementations equivalent")));
  EXPECT_THAT(alone_md, ::testing::Not(HasSubstr("handled the error identically")));
  EXPECT_THAT(report::render_html(alone), HasSubstr("no pair had two implementations to compare"));
  nlohmann::json bad = r;
  bad["equivalence"]["check_exit_code"] = 1;
  bad["equivalence"]["failed_runs"] = 2;
  bad["equivalence"]["diverging_pairs"] = 1;
  bad["faults"]["identical"] = false;
  bad["faults"]["differences"] = nlohmann::json::array({1, 2, 3});
  // One driver's failed mutation run does not hide the other's score.
  nlohmann::json partial = r;
  partial["mutation"]["ran"] = false;
  partial["mutation"]["any_ran"] = true;
  partial["mutation"]["below_minimum"] = false;
  partial["mutation"]["all_reach_minimum"] = false;
  partial["mutation"]["drivers"] = nlohmann::json::array(
      {{{"implementation", "C"},
        {"ran", true},
        {"source", "drivers/net/phy/ax88796b.c"},
        {"mutants", 50},
        {"counts", {{"killed", 49}, {"survived", 1}, {"equivalent", 0}, {"stillborn", 0}, {"undecided", 0}}},
        {"score", 98.0},
        {"score_text", "98.0"},
        {"reaches_minimum", true},
        {"survivors", nlohmann::json::array()}},
       {{"implementation", "Rust"},
        {"ran", false},
        {"tool_failed", true},
        {"note", "refdrv mutate failed (exit status 2)"}}});
  const std::string partial_md = report::render_markdown(partial);
  EXPECT_THAT(partial_md, HasSubstr("| C (drivers/net/phy/ax88796b.c) | 50 | 49 | 1 | 0 | 0 | 0 | 98.0% |"));
  EXPECT_THAT(partial_md, HasSubstr("| Rust | refdrv mutate failed (exit status 2) |"));
  EXPECT_THAT(partial_md, HasSubstr("Not every driver has a score: no verdict on all of them."));
  EXPECT_THAT(partial_md, ::testing::Not(HasSubstr("A driver's score is below")));
  const std::string partial_html = report::render_html(partial);
  EXPECT_THAT(partial_html, HasSubstr("<td class=\"num ok\">98.0%</td>"));
  EXPECT_THAT(partial_html, HasSubstr("Not every driver has a score"));
  bad["mutation"]["drivers"][0] = {{"implementation", "C"}, {"ran", true}, {"reaches_minimum", false}};
  bad["safe_code"]["cxx"] = {{"available", true}};
  bad["drivers"]["differential_diverged"] = 1;
  bad["faults"]["stops_at_a_fault"] = nlohmann::json::array({"s on AX88772A, access 4 (rd BMSR): crash: oops"});
  EXPECT_THAT(report::report_findings(bad),
              ElementsAre("2 failed run(s) (section 1)", "1 diverging pair(s) (section 1)",
                          "the C driver's mutation score is below 95% (section 1)",
                          "1 phy_driver entry where another implementation diverged from C (section 8)",
                          "1 fault point(s) where every implementation crashed or hung (section 3)",
                          "3 fault point(s) handled differently (section 3)"));
  EXPECT_THAT(report::report_failures(bad), ElementsAre("mutation testing of the Rust driver failed (section 1)"));
  // Section 1's verdict is check's (a review, 2026-12-07): a registration
  // difference is a finding though no pair diverged (it was "0 diverging
  // pair(s)", exit 0); where check has none (exit 2) its failed runs are no
  // finding, and the report is incomplete, saying why.
  nlohmann::json registration = r;
  registration["equivalence"]["check_exit_code"] = 1;
  registration["equivalence"]["all_equivalent"] = false;
  registration["equivalence"]["has_registration_differences"] = true;
  registration["equivalence"]["registration_differences"] =
      nlohmann::json::array({"AX88796B: phy_id_mask 0xfffffff0 (C) and 0xffffffe0 (Rust)"});
  EXPECT_THAT(report::report_findings(registration),
              ::testing::Contains("1 difference(s) in the drivers' registration (section 1)"));
  const std::string registration_md = report::render_markdown(registration);
  EXPECT_THAT(registration_md,
              HasSubstr("0 diverging pair(s), and the implementations register different phy_drivers"));
  EXPECT_THAT(registration_md, HasSubstr("- Registration differs: AX88796B: phy_id_mask 0xfffffff0 (C)"));
  nlohmann::json gap = bad;
  gap["equivalence"]["check_exit_code"] = 2;
  gap["equivalence"]["no_verdict"] = "refdrv does not emulate a kernel function a run called: dump_stack()";
  EXPECT_THAT(report::report_findings(gap), ::testing::Not(::testing::Contains("2 failed run(s) (section 1)")));
  EXPECT_THAT(report::report_findings(gap), ::testing::Not(::testing::Contains("1 diverging pair(s) (section 1)")));
  EXPECT_THAT(report::report_failures(gap),
              ::testing::Contains("refdrv does not emulate a kernel function a run called: dump_stack() (section 1)"));
  EXPECT_THAT(report::render_markdown(gap), HasSubstr("**No verdict:** refdrv does not emulate a kernel function"));
  // A value is one Markdown cell: a `|` or a line break in a tool's output
  // does not break the table (a review, 2026-12-07).
  nlohmann::json broken_tool = r;
  broken_tool["mutation"]["any_ran"] = true;
  broken_tool["mutation"]["drivers"] = nlohmann::json::array(
      {{{"implementation", "C"}, {"ran", false}, {"note", "the build failed:\nld: error | see the log"}},
       {{"implementation", "Rust"},
        {"ran", false},
        {"note", "-"},
        {"survivors", nlohmann::json::array({{{"implementation", "Rust"},
                                              {"line", 5},
                                              {"function", "f"},
                                              {"before", "a || b"},
                                              {"after", "a && b"}}})}}});
  const std::string broken_md = report::render_markdown(broken_tool);
  EXPECT_THAT(broken_md, HasSubstr("| C | the build failed: ld: error \\| see the log | | | | | | |\n"));
  // In a code span a backslash is shown, not an escape: the code as it is.
  EXPECT_THAT(broken_md, HasSubstr("- Rust survivor, line 5 (f): `a || b` → `a && b`"));
  nlohmann::json no_expectations = r;
  no_expectations["equivalence"]["has_expectations"] = false;
  EXPECT_THAT(report::render_markdown(no_expectations), HasSubstr("no run had an expectation to check, "));
  // Tools asked for that failed are failures too, never a complete report.
  nlohmann::json tools = bad;
  tools["cost"]["tool_failed"] = true;
  tools["cost"]["method"] = "valgrind is not installed (apt-get install valgrind, or --no-cost): no instruction counts";
  tools["safe_code"]["cxx"] = {
      {"available", false}, {"tool_failed", true}, {"note", "clang-tidy and clang-query are not installed"}};
  tools["history"]["tool_failed"] = true;
  tools["gaps"]["api_failed"] = true;
  tools["gaps"]["tool_failed"] = true;
  EXPECT_THAT(report::report_failures(tools),
              ElementsAre("mutation testing of the Rust driver failed (section 1)",
                          "the escape-hatch check of the C++ driver failed (section 2): clang-tidy and clang-query are "
                          "not installed",
                          "the callgrind run failed (section 4): valgrind is not installed (apt-get install valgrind, "
                          "or --no-cost): no instruction counts",
                          "reading the history of the --git checkout failed (section 5)",
                          "the abstraction-gap map failed (section 9)", "the phylib API map failed (section 9)"));
  // A pair whose runs without a fault already stop (a hang, on every
  // implementation alike): its points say nothing, never "identically".
  nlohmann::json stops = r;
  stops["faults"]["identical"] = false;
  stops["faults"]["stops_without_a_fault"] = nlohmann::json::array({"slow on AX88772A"});
  stops["faults"]["has_stops_without_a_fault"] = true;
  const std::string stops_md = report::render_markdown(stops);
  EXPECT_THAT(stops_md, HasSubstr("already stop or differ without a fault, so their points say nothing: slow on AX88772A;"));
  EXPECT_THAT(stops_md, ::testing::Not(HasSubstr("handled the error identically")));
  EXPECT_THAT(stops_md, ::testing::Not(HasSubstr("differ at some points")));
  EXPECT_THAT(report::report_findings(stops),
              ElementsAre("1 scenario/model pair(s) that stop or differ without a fault, so their fault points say nothing "
                          "(section 3)"));
  // Points where the sweep's fault was never injected: said in the section
  // as refdrv faults says it (a review, 2026-12-07: the section gave its
  // counts with no verdict and no reason).
  nlohmann::json uninjected = r;
  uninjected["faults"]["identical"] = false;
  uninjected["faults"]["uninjected_points"] = 3;
  uninjected["faults"]["has_uninjected"] = true;
  const std::string uninjected_md = report::render_markdown(uninjected);
  EXPECT_THAT(uninjected_md,
              HasSubstr(fmt::format("At 3 of {} points no implementation's run had the sweep's fault injected: those "
                                    "were not compared, and the sweep is no verdict.",
                                    r["faults"]["points"].get<int>())));
  EXPECT_THAT(uninjected_md, ::testing::Not(HasSubstr("handled the error identically")));
  EXPECT_THAT(report::render_html(uninjected), HasSubstr("no implementation's run had the sweep's fault injected"));
  EXPECT_THAT(report::report_failures(uninjected),
              ::testing::Contains(::testing::HasSubstr("the fault sweep injected no fault at 3 of its points")));

  // Last, as it alone needs python3-jsonschema.
  fs::create_directories(out);
  std::ofstream(out / "report.json") << r.dump(1);
  const fs::path root = kernel::data_dir();
  auto st = kernel::run({{(root / "tools/validate-json").string(), (root / "docs/schema/report.schema.json").string(),
                          (out / "report.json").string()},
                         {}, {}, {}});
  fs::remove_all(out);
  ASSERT_TRUE(st);
  if (*st == 2) GTEST_SKIP() << "python3-jsonschema is not installed";
  EXPECT_EQ(*st, 0);
}

TEST(Report, OnLinux61TheRustColumnSaysThereIsNoRustDriver) {
  Environment& env = environment("6.1");
  const fs::path out = fs::temp_directory_path() / fmt::format("refdrv-report61-{}", ::getpid());
  const auto r = report_for(env, out, /*full=*/false);
  EXPECT_FALSE(r["faults"]["swept"].get<bool>());
  EXPECT_EQ(r["safe_code"]["cxx"]["note"], "not run (--no-escape-hatches): no escape-hatch count");
  EXPECT_FALSE(r["safe_code"]["rust_in_tree"].get<bool>());
  EXPECT_THAT(r["safe_code"]["summary"].get<std::string>(), HasSubstr("This tree has no Rust reference driver"));
  // No Rust compiled: no row of zeros for it (a review, 2026-12-07).
  EXPECT_TRUE(r["safe_code"]["rust_compiled"].is_null());
  EXPECT_THAT(report::render_markdown(r), ::testing::Not(HasSubstr("Rust crates refdrv compiled")));
  // The table has its C row right under its header: the rows left out left
  // blank lines, which end a Markdown table (read on a 6.1 report).
  EXPECT_THAT(report::render_markdown(r), HasSubstr("|---|---|---|---|---|---|---|---|\n| C driver |"));
  const auto& cb = r["side_by_side"]["drivers"][0]["callbacks"][0];
  EXPECT_FALSE(cb["rust"]["present"].get<bool>());
  EXPECT_EQ(cb["rust"]["note"], "no Rust driver in this tree");
  EXPECT_EQ(r["equivalence"]["implementations"], nlohmann::json::array({"C", "C++"}));
  EXPECT_EQ(r["implementations_title"], "C and C++");
  // No sweep: said, not an empty section.
  EXPECT_THAT(report::render_markdown(r), HasSubstr("The single-fault sweep was not run (--no-sweep)."));
  // No Rust driver to mutate: said, and not counted as a failure of its own.
  ASSERT_EQ(r["mutation"]["drivers"].size(), 2u);
  EXPECT_THAT(r["mutation"]["drivers"][1]["note"].get<std::string>(),
              HasSubstr("has no Rust driver for CONFIG_AX88796B_PHY"));
  // No Rust abstraction either: the gap map says so rather than count it.
  ASSERT_TRUE(r["gaps"]["available"].get<bool>());
  EXPECT_THAT(
      r["gaps"]["summary"].get<std::string>(),
      ::testing::StartsWith("This tree has no Rust PHY abstraction (its column is n/a). Of struct phy_driver's "));
  // Its Rust cells are n/a, not "missing", and a callback is listed only for
  // what C++ lacks (a review, 2026-12-07: all 32 rows said "missing" in red
  // for Rust, and rust_offers was 0).
  EXPECT_TRUE(r["gaps"]["rust_offers"].is_null());
  ASSERT_FALSE(r["gaps"]["missing"].empty());
  for (const auto& m : r["gaps"]["missing"]) {
    EXPECT_TRUE(m["rust"].is_null()) << m.dump();
    EXPECT_TRUE(m["rust_na"].get<bool>()) << m.dump();
    EXPECT_FALSE(m["cxx"].get<bool>()) << m.dump();
  }
  const std::string md = report::render_markdown(r);
  const auto gaps_at = md.find("| callback |");
  ASSERT_NE(gaps_at, std::string::npos) << md;
  const std::string table = md.substr(gaps_at, md.find("\n\n", gaps_at) - gaps_at);
  EXPECT_THAT(table, HasSubstr("| n/a | missing |"));
  EXPECT_THAT(table, ::testing::Not(HasSubstr("| missing | missing |")));
  EXPECT_THAT(report::render_html(r), HasSubstr("<td class=\"na\">n/a</td>"));
  fs::remove_all(out);
}

}  // namespace
}  // namespace refdrv::test
