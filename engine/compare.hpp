// SPDX-License-Identifier: GPL-2.0
// Comparing what two implementations did on the same scenario, at three
// strictness levels, and finding the shortest scenario prefix that still
// shows a difference.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/runner.hpp"

namespace refdrv {

enum class Level : int {
  kMdio = 1,     // identical MDIO sequence (operation, address, register, value, time)
  kEvents = 2,   // identical phylib state transitions and link events (and stops, warnings)
  kOutcome = 3,  // identical link at the MAC and ethtool view after every step
};

[[nodiscard]] const char* level_name(Level l);

// A kernel log line as the comparison sees it: what legitimately differs
// between implementations replaced by a placeholder (docs/robustness.md,
// "What the comparison normalises"): the names of the run's bound modules
// (`modules`, e.g. ax88796b / rust_asix_phy / cxx_asix_phy) by <module>, a
// function symbol with its offset (func+0x1c/0x80, as %pS prints it) and a
// pointer printed in full (16 hex digits, %px; a C++ driver's function, which
// %pS prints as a bare address) by <pointer>.
[[nodiscard]] std::string normalized_log_line(std::string line, const std::vector<std::string>& modules);

struct Divergence {
  Level level = Level::kMdio;
  std::size_t index = 0;        // position in the projected sequences
  std::string a, b;             // the first differing entries ("" if one sequence ended)
  std::size_t event_a = 0, event_b = 0;  // where in each trace (an index of its events)
  std::size_t step = 0;         // scenario step during which it happened
  std::string step_name;
  std::string where;            // the step's file:line:column
  std::vector<std::string> context_a, context_b;  // surrounding trace lines
};

// A hash of what `level` compares in `r` (its trace and MAC views): equal
// projections give equal digests. RunResult::digest holds them per level.
[[nodiscard]] std::uint64_t level_digest(const RunResult& r, Level level);
[[nodiscard]] std::array<std::uint64_t, 3> digests(const RunResult& r);

// The digests' state after the first `events` events of a trace, hashed as
// digests() hashes them when the run's bound modules are `modules`. A run
// restored from a snapshot starts with the snapshot's events, so it resumes
// from the state kept with the snapshot instead of hashing them again.
struct DigestPrefix {
  std::size_t events = 0;
  std::array<std::uint64_t, 3> state{};
  std::uint64_t mdio_since_event = 0;  // MDIO accesses after the last event the events level keeps
  std::vector<std::string> modules;
};
[[nodiscard]] DigestPrefix digest_prefix(const Trace& t);
// digests(r), resuming from `prefix` when it describes the start of r's trace
// hashed with r's bound modules (it is then the same value; otherwise the
// whole trace is hashed).
[[nodiscard]] std::array<std::uint64_t, 3> digests(const RunResult& r, const DigestPrefix* prefix);

struct CompareOptions {
  // Leave out, at every level, the match_phy_device() calls of drivers that
  // bound nowhere in the run, and what they did (MDIO reads). Any other
  // callback of such a driver (a probe that failed) is compared. In a build
  // with every PHY driver of the tree, phylib
  // calls the match_phy_device() of each driver registered before the one
  // that binds, and the implementations' modules register at different
  // places in that order (refdrv drivers' differential). `check`'s builds
  // hold one driver group, so it compares them all. With it, phylib's state
  // transitions are compared as a sequence of their own, after the other
  // events, without their times: where phylib's state is sampled rather than
  // watched (a VM without debug registers), the samples are taken at
  // callbacks and calls, so one run's extra match_phy_device() calls move
  // where and when a transition is seen, not which. Next to such a call, the
  // first sight of the state is left out, and where the state is sampled
  // every transition seen there; a watched transition is always compared.
  bool bound_drivers_only = false;
};

// The first difference at exactly this level, if any.
std::optional<Divergence> compare_at(const Scenario& sc, const RunResult& a, const RunResult& b, Level level,
                                     const CompareOptions& opt = {});

// The first difference at the strictest level that differs.
std::optional<Divergence> compare(const Scenario& sc, const RunResult& a, const RunResult& b,
                                  const CompareOptions& opt = {});

// One row of two sequences side by side (like `diff -y`): the same entry on
// both sides, a changed pair, or an entry only one side has.
struct AlignedRow {
  enum class Kind : std::uint8_t { kSame, kChanged, kLeftOnly, kRightOnly };
  Kind kind = Kind::kSame;
  std::size_t a = 0, b = 0;  // indexes into the sequences (a for kRightOnly, b for kLeftOnly unused)
};

// Aligns `a` and `b` on a longest common subsequence, so that one extra entry
// on one side shows as one row and the rest lines up again; within a run of
// differences, entries are paired as changed rows, the surplus as one-sided.
// Stops after `max_rows` rows. Works window by window, so memory stays
// bounded however long the sequences are.
[[nodiscard]] std::vector<AlignedRow> align(std::span<const std::string> a, std::span<const std::string> b,
                                            std::size_t max_rows);

// The shortest prefix (number of steps) of `sc` whose runs still show the
// divergence `first` (the same level, step, position and entries); `run`
// runs a prefix for one implementation. nullopt: not even the whole
// scenario shows it when run again (runs that are not deterministic).
std::optional<std::size_t> shortest_diverging_prefix(const Scenario& sc, const Divergence& first,
                                                     const std::function<RunResult(Impl, std::size_t)>& run, Impl a,
                                                     Impl b, const CompareOptions& opt = {});

}  // namespace refdrv
