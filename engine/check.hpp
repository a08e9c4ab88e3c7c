// SPDX-License-Identifier: GPL-2.0
// `refdrv check`: every scenario on every model with every implementation,
// each in its own instance; expectations verified per run, implementations
// compared against the C driver, callback coverage gathered.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compare.hpp"
#include "engine/runner.hpp"
#include "engine/supervisor.hpp"
#include "kernel/groups.hpp"

namespace refdrv {

class Environment;

struct CheckOptions {
  std::vector<Impl> impls;          // in column order; the first is the reference (C)
  Containment containment = Containment::kFork;  // supervisor.hpp
  double wall_seconds = 30;         // per instance (fork mode)
  std::string repro_dir;            // where reproducers are written ("" = none)
  bool logs = true;                 // keep kernel log lines in traces
  // How runs are compared: with every PHY driver of the tree in the build
  // (run --all-phy-drivers), without the callbacks of drivers that bound
  // nowhere, as refdrv drivers' differential compares.
  CompareOptions compare;
  std::string command = "refdrv check";  // what the reproducers' headers name
  // The command a reproducer's header gives to replay it, from the
  // implementations (--impl's value) and its path (shell-quoted); unset:
  // `refdrv run` with the environment's replay_options(). check --commits
  // sets its own (the environment is a checkout the next commit replaces).
  std::function<std::string(const std::string& impls, const std::string& path)> replay_command;
  std::function<void(std::size_t done, std::size_t total, const std::string& what)> progress;
  // Stop after the first scenario/model pair with a failed run or a
  // divergence, the pairs after it not run (mutation testing: a mutant is
  // killed by the first such pair, which the whole check would name too).
  bool stop_at_first_failure = false;
};

struct CheckRow {
  std::shared_ptr<const Scenario> scenario;  // shared by the rows of its models
  std::string model;
  // The implementations that ran: those selected that the model's driver
  // group has (the QT2025 has no C driver), in column order. The first is
  // the reference the others are compared with.
  std::vector<Impl> impls;
  std::vector<RunResult> runs;                     // per implementation, in `impls` order
  std::vector<std::optional<Divergence>> divergence;  // per implementation, against impls[0]
  std::vector<std::string> reproducers;            // per implementation ("" if none)
  // Why the runs were not compared although several ran ("" when they were,
  // or when one ran alone): one was killed at the wall-clock limit or died in
  // its worker.
  std::string uncompared;
  [[nodiscard]] bool equivalent() const;
  // Every run passed, and at least one ran.
  [[nodiscard]] bool passed() const;
  // The run of `impl`, or null when it did not run on this row.
  [[nodiscard]] const RunResult* run_of(Impl impl) const;
  // At least two implementations ran, so there was something to compare.
  [[nodiscard]] bool compared() const { return runs.size() > 1 && uncompared.empty(); }
  // Per run: a driver of its own implementation ran in it (own_driver_ran).
  std::vector<bool> own_driver_ran;
  // At least two of the runs had a driver of their own implementation run:
  // else "equivalent" compared no two implementations of one driver, only
  // instances in which the same other driver (or none) ran.
  [[nodiscard]] bool own_drivers_compared() const;
};

// A driver of the run's own implementation ran in it: one bound from that
// implementation's module, or one of its callbacks was called (a probe that
// failed binds nothing). The none implementation's own are phylib's.
[[nodiscard]] bool own_driver_ran(Environment& env, const RunResult& run);
// Its mdiobus_register() returned an error (a fault in the bus scan): no
// driver bound and its operations entered no kernel code.
[[nodiscard]] bool bus_registration_failed(const RunResult& run);

// Which callbacks each driver of an implementation has, and which ran.
struct CoverageEntry {
  Impl impl = Impl::kC;
  std::string module;
  std::string driver;
  std::vector<std::string> implemented;
  std::vector<std::string> covered;
};

struct CheckReport;
// Why a check's findings are refdrv's gap rather than findings, or nullopt:
// a run stopped at a kernel function refdrv does not emulate (nothing
// failed before it), and every finding of the check is in a pair with such
// a run. Such a check is no verdict (exit 2), and check --commits does not
// count the commit as checked (it was named the first commit that broke
// the check: a review, 2026-12-07, a commit that started to call
// krealloc()).
[[nodiscard]] std::optional<std::string> unemulated_gap(const CheckReport& rep);

// The reproducers an earlier command wrote into `dir` (a .yaml file whose
// first line starts with one of `headers`), removed before this one writes
// its own: a directory of reproducers is this run's findings, not a clean
// run beside an earlier run's files. Files without such a line are the
// user's, or another command's, and are left alone, as is any file of
// `running` (a reproducer replayed from the directory). Returns how many
// went; one that could not go is said in `problems`.
std::size_t remove_reproducers_written_by(const std::string& dir, std::span<const std::string_view> headers,
                                          const std::vector<Scenario>& running, std::vector<std::string>& problems);
// check's and run's first lines (refdrv faults' are its own).
inline constexpr std::array<std::string_view, 4> kCheckReproducerHeaders = {
    "# Reproducer written by refdrv check", "# Reproducer written by refdrv run", "# Written by refdrv check",
    "# Written by refdrv run"};

struct CheckReport {
  std::string tree_version, tree_origin, rustc;
  std::string command = "refdrv check";  // what the outputs say ran (refdrv run)
  std::vector<Impl> impls;
  std::map<Impl, std::string> absent;  // implementations asked for but not available, and why
  std::vector<CheckRow> rows;
  std::vector<CoverageEntry> coverage;
  double wall_seconds = 0;
  std::size_t instances = 0;
  // CheckOptions::stop_at_first_failure stopped it: `rows` ends at the first
  // pair that failed or diverged, and the scenarios' other pairs did not run.
  bool stopped_at_first_failure = false;
  // Kernel log lines were kept and compared (false: --no-logs; WARNs are
  // compared either way).
  bool logs = true;
  // What the check could not do that was asked of it (a reproducer it could
  // not write), in words.
  std::vector<std::string> problems;
  // Reproducers an earlier check had written into CheckOptions::repro_dir,
  // removed before this one wrote its own.
  std::size_t earlier_reproducers_removed = 0;
  // The driver groups (by title) whose registrations were compared: two
  // implementations or more of the group ran. What differs between their
  // struct phy_driver tables (names and order, PHY IDs and masks, flags,
  // which function pointers are set): a divergence like a row's, which
  // no scenario needs to reach (a review, 2026-12-07: a Rust port matching
  // a wider PHY ID mask, or with a get_wol the others lack, was
  // "equivalent").
  std::vector<std::string> registration_compared;
  std::vector<std::string> registration_differences;

  // Every pair that ran passed (a pair no selected implementation has a
  // driver for, such as the QT2025 with --impl c, did not run: it is not
  // applicable, and does not count).
  [[nodiscard]] bool all_passed() const;
  // No divergence, and every pair that ran on two implementations or more
  // was compared (not one left out for a run killed or died in its worker).
  [[nodiscard]] bool all_equivalent() const;
  // Pairs with two runs or more that were not compared (CheckRow::uncompared).
  [[nodiscard]] std::size_t uncompared_pairs() const;
  // Pairs at least one implementation ran; 0 (with pairs): exit_code() 2.
  [[nodiscard]] std::size_t ran_pairs() const;
  // Expectations checked over every run (none: "no run had an expectation
  // to check", never "all expectations hold").
  [[nodiscard]] std::size_t expectations() const;
  // Pairs that ran on one implementation only: nothing compared there.
  [[nodiscard]] std::size_t single_pairs() const;
  // Pairs that ran on two implementations or more: all_equivalent() is a
  // verdict only where this is not 0.
  [[nodiscard]] std::size_t compared_pairs() const;
  // Of those, the pairs in which no two implementations' own drivers ran
  // (a generic PHY, an ID none matches, a failed bus scan): every verdict
  // line that says "equivalent" counts them.
  [[nodiscard]] std::size_t no_own_driver_pairs() const;
  // Pairs ran, two implementations or more were selected, and no pair ran
  // on two of them: the comparison asked for was not made (exit_code() 2).
  [[nodiscard]] bool comparison_not_made() const;
  // Pairs were compared, and in none of them did two of the selected
  // implementations' own drivers run (a PHY ID none matches, a generic
  // model, a failed bus scan): the instances were compared, the drivers
  // not (exit_code() 2). With `none` selected beside one implementation,
  // that one's own driver against none is what was asked for.
  [[nodiscard]] bool drivers_not_compared() const;
  // Runs whose phylib state was sampled rather than watched at every store,
  // and the first reason given.
  [[nodiscard]] RunCount sampled_states() const;
  // Runs whose phylib state the store hooks watched for want of a hardware
  // watchpoint, and the first reason given.
  [[nodiscard]] RunCount hooked_states() const;
  // 0 all good, 1 a failure or a divergence, 2 nothing ran, or two
  // implementations or more were selected and no pair ran on two of them
  // (or on two of their own drivers).
  [[nodiscard]] int exit_code() const;
};

// The implementations this environment has for any driver group
// (kernel/groups.hpp), in column order, and for those no group has, why.
std::vector<Impl> available_impls(Environment& env, std::map<Impl, std::string>* absent);

// When the tree declares a C or Rust driver of a group (the Asix PHYs' C
// driver and Rust reference driver, the QT2025's Rust driver) that refdrv
// could not build or register, comparing "all" implementations would compare
// less than the tree has: an error naming the cause and the fix.
// With `only`, the absences of those implementations alone (an --impl
// given): a Rust driver the tree declares that did not register is an error
// for --impl c,rust too, where it was filtered out of its group's rows and
// the others' "equivalent" stood for it (a review, 2026-12-07).
// With `group`, that driver group's alone (mutate's).
Result<void> require_declared_impls(Environment& env, std::span<const Impl> only = {},
                                    const kernel::DriverGroup* group = nullptr);
// Every such absence (each message as require_declared_impls gives the
// first): modinfo lists them all.
[[nodiscard]] std::vector<std::string> missing_declared_impls(Environment& env, std::span<const Impl> only = {},
                                                              const kernel::DriverGroup* group = nullptr);

// How the kernel configuration selects a module's implementation: the one
// source `refdrv list` and `refdrv modinfo` both print. The C driver is
// selected by its group's symbol; the tree's Rust reference driver by the
// symbol its Kconfig declares (AX88796B_RUST_PHY); refdrv's C++ one by the
// symbol its module descriptor declares (AX88796B_CXX_PHY); any other
// module by its own symbol.
struct Selection {
  std::string symbol;   // without CONFIG_
  std::string depends;  // Kconfig expression, empty if none
};
[[nodiscard]] Selection selection_of(const Environment& env, const ModuleInfo& module);

CheckReport run_check(Environment& env, const std::vector<Scenario>& scenarios, const CheckOptions& options);

// The names of struct phy_driver's function pointer members in the tree's
// include/linux/phy.h, in declaration order (what ModuleInfo::Driver::members'
// bits stand for); empty where the header cannot be read as such.
[[nodiscard]] std::vector<std::string> phy_driver_member_names(const std::filesystem::path& tree_root);
// What differs between the registrations of `group` by `impls` (the first
// that registered it is the reference), each in words; `names` from
// phy_driver_member_names(). Nothing where fewer than two of `impls`
// registered the group: no comparison was made.
[[nodiscard]] std::optional<std::vector<std::string>> registration_differences(const std::vector<ModuleInfo>& modules,
                                                                               const kernel::DriverGroup& group,
                                                                               const std::vector<Impl>& impls,
                                                                               const std::vector<std::string>& names);

}  // namespace refdrv
