// SPDX-License-Identifier: GPL-2.0
// A fuzzing campaign: the libFuzzer differential target run for a while on
// a corpus kept in refdrv's cache, its raw findings (the target's records
// and libFuzzer's crash, timeout and OOM artifacts) replayed contained,
// shrunk and written as scenarios. `refdrv fuzz` is its command line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "engine/environment.hpp"
#include "engine/fuzz.hpp"

namespace refdrv {

// The fuzz target's binary: `given` if not empty; otherwise refdrv's own,
// built with the `fuzz` CMake preset in refdrv's source tree unless
// `no_build` (then it must exist).
Result<std::filesystem::path> fuzzer_binary(const std::string& given, bool no_build, bool quiet);
// A file of the project's sources under `src` compiled into the fuzz
// targets (abi/, base/, cxx/, engine/, fuzz/, host/, hw/, kernel/,
// scenarios/, cmake/, CMakeLists.txt) modified after `bin` was, if any:
// with --no-build, such a target is refused as stale.
[[nodiscard]] std::optional<std::filesystem::path> source_newer_than(const std::filesystem::path& src,
                                                                     const std::filesystem::path& bin);

// Writes the default suite, encoded, into `dir` as the seed corpus (files
// already there are kept).
void seed_corpus(const std::filesystem::path& dir);

// What libFuzzer's final statistics said.
struct FuzzerStats {
  std::uint64_t execs = 0, exec_per_sec = 0, peak_rss_mb = 0;
  double wall_seconds = 0;  // how long the fuzzer process ran, start-up included (measured by run_campaign)
  std::string last_status;  // libFuzzer's last "#N ... cov: ... exec/s" line
  std::string snapshots;    // the target's account of its snapshots at exit ("" none)
  std::string state;        // how the target observed phylib's state ("watched ...", "sampled ...", "" not said)
  int replaced = -1;        // how many --replace sources the target says it compiled in (-1: it did not say)
  std::string impls;        // the implementations the target says it fuzzed ("c,rust,cxx"; "" not said)
  // The kernel side's coverage, as the target said at exit: the basic blocks
  // of phylib and the kernel drivers the campaign reached, and those that
  // ran after every counter was taken (-1: not said); off: it had none.
  long long kernel_blocks = -1, kernel_blocks_missed = -1;
  bool kernel_coverage_off = false;
};
[[nodiscard]] FuzzerStats parse_fuzzer_stats(const std::string& log);

// Why refdrv does not pass `arg` to libFuzzer ("" when it does): not of
// libFuzzer's form -name=value (libFuzzer ignores --name=value without a
// word), or a flag that would move or hide what refdrv reads back (the raw
// findings, the final statistics, the target's lines), that a refdrv option
// sets (--time, --wall-budget), or that runs something other than one
// campaign (-merge=1, -jobs=N, -help=1, ...). Checked by `refdrv fuzz
// --libfuzzer-arg` before anything runs; run_campaign() then asks the fuzzer
// whether it knows every flag.
[[nodiscard]] std::string libfuzzer_arg_problem(std::string_view arg);

// The environment the fuzz target of a campaign opens, as the variables it
// reads (REFDRV_FUZZ_KERNEL or REFDRV_FUZZ_SERIES, REFDRV_FUZZ_FIRMWARE,
// REFDRV_FUZZ_REPLACE: one TREE_PATH=FILE a line), and reading them back
// into `eo` in the target (an error names a variable it cannot take). Without
// them a campaign's --replace and --firmware stayed with refdrv: the target
// fuzzed the tree as it is, and said "No finding" for a patched driver.
[[nodiscard]] std::vector<std::string> fuzz_target_environment(const EnvironmentOptions& env);
Result<void> read_fuzz_target_environment(EnvironmentOptions& eo);

struct CampaignOptions {
  std::filesystem::path fuzzer;  // fuzzer_binary()
  double seconds = 60;
  std::filesystem::path corpus;    // empty: refdrv's cache, one per Linux version
  std::filesystem::path findings;  // raw inputs go to <findings>/raw, the log to <findings>/libfuzzer.log
  double wall_seconds = 10;        // per input, before it is a hang
  bool sampled_state = false;      // REFDRV_STATE_WATCH=off for the target (`--state sampled`)
  bool snapshots = false;          // REFDRV_FUZZ_SNAPSHOTS (`--snapshots`)
  std::string impls = "all";       // REFDRV_FUZZ_IMPLS
  std::vector<std::string> libfuzzer_args;
  EnvironmentOptions env;  // the tree and series the target loads
  // Told the corpus and the log just before libFuzzer starts.
  std::function<void(const std::filesystem::path& corpus, const std::filesystem::path& log)> on_start;
};

struct CampaignRun {
  FuzzerStats stats;
  std::filesystem::path corpus, log;
  std::filesystem::path raw_dir;  // this campaign's raw inputs: <findings>/raw/<UTC time>
  std::vector<std::filesystem::path> raw;  // the inputs to replay, sorted
  // Why the campaign gives no verdict of its own, where it was cut short
  // (killed, interrupted) after recording inputs: those are replayed and
  // any finding they show is one; without one, this is the error.
  std::string cut_short;
};

// Builds the kernel side with coverage for `env`'s tree (with progress
// lines, not silently inside the target), seeds the corpus and runs the
// target. An error when the target did not run at all.
Result<CampaignRun> run_campaign(const Environment& env, const CampaignOptions& options);

// Every input of `inputs` decoded, replayed contained and, if it shows a
// finding, shrunk and written (reproduce_finding); one reproducer per
// signature. `not_reproduced` hears of inputs that showed nothing.
// `again`: an input that shows a finding an earlier input showed (same
// signature): not shrunk, one reproducer per finding; said, not dropped in
// silence.
std::vector<Reproducer> reproduce_inputs(
    Environment& env, const std::vector<std::filesystem::path>& inputs, ReproduceOptions options,
    const std::function<void(const std::filesystem::path&)>& not_reproduced,
    const std::function<void(const std::filesystem::path&, const FuzzVerdict&)>& again = nullptr);

// The inputs of a corpus directory, sorted; an error if `dir` is not a
// directory (checked before the coverage kernel side is built).
Result<std::vector<std::filesystem::path>> corpus_inputs(const std::filesystem::path& dir);

// How many of the kernel side's basic blocks `inputs` reach on `impls`,
// replayed in process on `env` (built with coverage).
struct CorpusCoverage {
  std::size_t inputs = 0, blocks = 0, missed = 0, counters = 0;
};
[[nodiscard]] CorpusCoverage corpus_coverage(Environment& env, const std::vector<std::filesystem::path>& inputs,
                                             const std::vector<Impl>& impls);

}  // namespace refdrv
