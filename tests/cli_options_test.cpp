// SPDX-License-Identifier: GPL-2.0
// Every numeric option of every refdrv command, given a value it cannot take
// (negative, NaN, huge, not a number, empty), is rejected the way the
// conventions say: exit status 2, one line on stderr that starts with
// "refdrv:", nothing on stdout, no crash. The options are read from the
// CLI11 app itself, so an option added later is covered without editing
// this test; the refdrv binary is what runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "cli/common.hpp"

extern char** environ;

namespace refdrv::test {
namespace {

namespace fs = std::filesystem;

struct NumericOption {
  std::string command;
  std::vector<std::string> leading;  // the command and its required positionals
  std::string flag;                  // "--seconds"
  std::string type;                  // CLI11's type name, e.g. "FLOAT"
};

void PrintTo(const NumericOption& o, std::ostream* os) { *os << "refdrv " << o.command << " " << o.flag << " " << o.type; }

bool numeric(const std::string& type) {
  for (const char* t : {"FLOAT", "INT", "UINT", "NUMBER"})
    if (type.rfind(t, 0) == 0) return true;
  return false;
}

// Read from the app refdrv builds, hidden commands included.
std::vector<NumericOption> numeric_options() {
  CLI::App app{"refdrv", "refdrv"};
  cli::Common common;
  const auto commands = cli::build_app(app, common);
  std::vector<NumericOption> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    std::vector<std::string> leading = {sub->get_name()};
    for (const CLI::Option* o : sub->get_options())
      if (o->get_positional() && o->get_required()) leading.push_back(REFDRV_GOOD_SCENARIO);
    for (const CLI::Option* o : sub->get_options()) {
      if (o->get_positional() || !numeric(o->get_type_name())) continue;
      const std::string flag = o->get_lnames().empty() ? "-" + o->get_snames().front() : "--" + o->get_lnames().front();
      out.push_back({sub->get_name(), leading, flag, o->get_type_name()});
    }
  }
  return out;
}

struct Outcome {
  bool signalled = false;
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Outcome run_refdrv(const std::vector<std::string>& args) {
  const fs::path dir = fs::temp_directory_path() / ("refdrv-cli-options-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path out = dir / "stdout", err = dir / "stderr";
  std::vector<std::string> argv_s = {REFDRV_EXE};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  Outcome o;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    o.err = "cannot run " + argv_s[0];
    return o;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  o.signalled = WIFSIGNALED(status);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

class NumericOptionTest : public ::testing::TestWithParam<NumericOption> {};

TEST_P(NumericOptionTest, RejectsValuesItCannotTakeWithOneLineAndStatusTwo) {
  const NumericOption& opt = GetParam();
  for (const std::string value : {"-1", "nan", "1e300", "abc", "", "inf", "0x"}) {
    std::vector<std::string> args = opt.leading;
    args.push_back(opt.flag);
    args.push_back(value);
    const Outcome o = run_refdrv(args);
    std::string cmdline = "refdrv";
    for (const auto& a : args) cmdline += " '" + a + "'";
    SCOPED_TRACE(cmdline);
    EXPECT_FALSE(o.signalled) << "crashed: status " << o.status;
    EXPECT_EQ(o.status, 2) << o.err;
    EXPECT_EQ(o.out, "");
    EXPECT_THAT(o.err, ::testing::StartsWith("refdrv: error: " + opt.flag + ": "));
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
}

std::string option_name(const ::testing::TestParamInfo<NumericOption>& info) {
  std::string n = info.param.command + "_" + info.param.flag;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(EveryCommand, NumericOptionTest, ::testing::ValuesIn(numeric_options()), option_name);

// The list above is not empty by accident: the options the issue names are in it.
TEST(NumericOptions, AreReadFromTheAppAndIncludeTheKnownOnes) {
  std::vector<std::string> seen;
  for (const auto& o : numeric_options()) seen.push_back(o.command + " " + o.flag);
  EXPECT_THAT(seen, ::testing::IsSupersetOf({"trace --seconds", "diff --lines", "check --jobs", "check --wall-budget",
                                             "fuzz --time", "fuzz --wall-budget", "faults --wall-budget",
                                             "report --wall-budget", "cost-worker --jobs"}));
}

// A value in range is accepted by the parser (the command then fails for
// another reason or runs): the validators do not reject everything.
TEST(NumericOptions, AcceptAValueInRange) {
  const Outcome o = run_refdrv({"diff", REFDRV_GOOD_SCENARIO, "--lines", "5", "--model", "AX88796B"});
  EXPECT_EQ(o.status, 2);
  EXPECT_THAT(o.err, ::testing::HasSubstr("does not run on model AX88796B"));
}

}  // namespace
}  // namespace refdrv::test
