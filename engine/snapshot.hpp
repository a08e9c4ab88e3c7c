// SPDX-License-Identifier: GPL-2.0
// Snapshots of runs, for running many scenarios that begin alike (the
// differential fuzzer's inputs) without paying for their common beginning
// each time: the MDIO bus registration, scan, probe and phy_attach_direct()
// on the real phylib.
//
// A run given a cache (RunOptions::snapshots) whose scenario has a snapshot
// point (snapshot_points(): just before its first check, or right after its
// first attach) looks for a
// snapshot of a run that got there the same way: same image,
// implementation, model, PHY ID, partner, faults, fault seed, MDIO frame
// time, firmware files, log recording, and steps before the point equal in
// everything they do. Found, the run restores it (host/instance.hpp: the
// instance, the whole kernel side, the models, the fault injector) and goes
// on from the point; its trace and result are byte for byte those of a
// fresh run (tests/snapshot_test.cpp holds every seed input to that). Not
// found, the run starts fresh and, when the cache has met that beginning
// before, saves a snapshot at the point and goes on.
//
// A snapshot is only used where it cannot change the outcome: not for a run
// with a harness fault (the fault sweep), not when the beginning used more
// virtual time or MDIO accesses than the new run's budgets allow, not when
// the instance stopped or holds firmware at the point. Snapshots restore the
// image's state, so a cache is for runs made one after another on one
// thread (in-process runs, the fuzz target), and it must be destroyed
// before its Environment.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/compare.hpp"
#include "engine/runner.hpp"
#include "engine/scenario.hpp"
#include "host/instance.hpp"

namespace refdrv {

// The numbers of leading steps a snapshot can stand for, both among the
// steps before the first one that checks anything (an expectation, a
// `returns`) and at most kMaxSnapshotPrefix of them: `check`, all of those
// steps, and `attach`, a shorter beginning up to and including the first
// `attach` (0 when that is all of them: one beginning). Both 0 when there
// is no attach among them (nothing set up worth keeping). A
// default-suite scenario's longer beginning is its attach, start and first
// wait (the bus registration, probe, attach and the first seconds of
// negotiation and polling), its shorter one the attach alone. A run tries the
// longer first: replaying a corpus meets the same long beginnings again,
// while a campaign's mutations mostly share only the short one.
inline constexpr std::size_t kMaxSnapshotPrefix = 8;
struct SnapshotPoints {
  std::size_t attach = 0;  // < check, or 0
  std::size_t check = 0;
};
[[nodiscard]] SnapshotPoints snapshot_points(const Scenario& s);

// Whether two steps do the same thing to an instance and its trace (where
// they were written counts only for a fault step, whose trace marker names
// it).
[[nodiscard]] bool same_effect(const Step& a, const Step& b);

// Where the steps that decide an instance's state at `point` end: the cable
// steps after the last kernel call before `point` are scheduled in the model
// when that call returns (engine/runner.cpp), so where one lies at or after
// `point`, before the next kernel call, the state at `point` holds it and a
// snapshot's key covers the steps up to that call.
[[nodiscard]] std::size_t snapshot_key_end(const Scenario& s, std::size_t point);

// Whether the fault seed can have decided a run's state at `point`: only a
// rule that fires with a probability draws from it (the scenario's own
// `faults:` or a fault step before the point). Otherwise the key leaves the
// seed out, and a run restoring the snapshot puts its own seed in
// (Instance::set_fault_seed): the fuzzer's inputs differ in their seed byte
// far more often than in the beginning it decides.
[[nodiscard]] bool seed_decides(const Scenario& s, std::size_t point);

// What decides a run's state at the snapshot point: the run's scenario up
// to the point, its implementation and model, its log recording, the image.
struct SnapshotQuery {
  const KernelImage* image = nullptr;
  Impl impl = Impl::kNone;
  const std::string& model;
  const Scenario& scenario;
  std::size_t point = 0;
  bool logs = true;
};

// The same, kept with a snapshot.
struct SnapshotKey {
  const KernelImage* image = nullptr;
  Impl impl = Impl::kNone;
  std::string model;
  std::optional<std::uint32_t> phy_id;
  std::optional<unsigned> page_register;
  std::optional<hw::PartnerProfile> partner;
  std::vector<hw::FaultRule> faults;
  std::optional<std::uint64_t> seed;  // none where it decides nothing at the point (seed_decides)
  std::uint64_t mdio_frame_ns = 0;
  hw::ModelTiming timing;
  std::map<std::string, FirmwareFile> firmware;
  bool logs = true;
  std::size_t point = 0;  // the steps run before it (SnapshotQuery::point)
  std::vector<Step> prefix;
  std::size_t hash = 0;  // of what a query compares, to skip most entries at once

  SnapshotKey() = default;
  explicit SnapshotKey(const SnapshotQuery& q);
  [[nodiscard]] bool matches(const SnapshotQuery& q, std::size_t q_hash) const;
};
[[nodiscard]] std::size_t snapshot_hash(const SnapshotQuery& q);

// A run's own state at the point, beside the instance's.
struct RunPrefix {
  std::vector<MacView> mac_after_step;
  MacView mac;
  std::size_t mac_scanned = 0;
  std::uint64_t virtual_ns = 0;     // the clock at the point
  std::uint64_t mdio_accesses = 0;  // accesses made before it
  // The scenario's own clock (the waits from the last kernel call's return)
  // and the cable steps already scheduled in the model: those before
  // `scheduled_until`, each at its time in `cable_at` (engine/runner.cpp).
  std::uint64_t scenario_ns = 0;
  std::size_t scheduled_until = 0;
  std::vector<std::uint64_t> cable_at;
  // The digests over the trace up to the point (engine/compare.hpp), shared
  // by the runs that restore it: they hash only the events after it.
  std::shared_ptr<const DigestPrefix> digest;
};

class SnapshotCache {
 public:
  explicit SnapshotCache(std::size_t capacity = 512) : capacity_(capacity) {}
  SnapshotCache(const SnapshotCache&) = delete;
  SnapshotCache& operator=(const SnapshotCache&) = delete;

  struct Entry {
    SnapshotKey key;
    // Stays put: the kernel side points at it. Shared by the entries of one
    // run's two points (each restore puts back all of its own state) and
    // by the run that goes on with it.
    std::shared_ptr<Instance> instance;
    Instance::Snapshot snapshot;
    RunPrefix run;
    std::uint64_t uses = 0;
    std::uint64_t last_used = 0;  // when it was taken or last restored (a count of both)
  };
  // The entry for `q`, or null.
  Entry* find(const SnapshotQuery& q);
  // Whether a run that did not find a snapshot should save one: only a
  // beginning met before is likely to be met again (a fuzzer's mutations
  // make many beginnings that occur once), and saving costs a copy of the
  // heap and keeps an instance.
  bool worth_saving(const SnapshotQuery& q);
  // Keeps a new entry (dropping the least recently used when full); returns
  // it. Least recently, not least often: a campaign's corpus moves on, and a
  // new entry (used 0 times) would otherwise be the next one dropped, so
  // that a full cache kept its first beginnings for good.
  Entry& add(std::unique_ptr<Entry> entry);
  // A run restored `e`.
  void use(Entry& e);

  struct Stats {
    std::uint64_t restored = 0;  // runs that started from a snapshot
    std::uint64_t saved = 0;     // snapshots taken
    std::uint64_t fresh = 0;     // runs from the start at a beginning met before: they save a snapshot
    std::uint64_t refused = 0;   // snapshots that could not be taken (last_refusal says why)
    std::uint64_t first_seen = 0;  // runs from the start whose beginning was new (no snapshot saved)
    std::string last_refusal;
  };
  [[nodiscard]] const Stats& stats() const { return stats_; }
  Stats& stats() { return stats_; }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::unordered_multimap<std::size_t, Entry*> by_hash_;
  // Beginnings met once: hash -> when (a count of first sightings), and the
  // order they were met in, oldest first, at most 4 x capacity long (an
  // entry there whose beginning was met again since is stale and only ages
  // out). Constant time a run: a fuzzer's runs mostly meet new beginnings.
  std::unordered_map<std::size_t, std::uint64_t> seen_;
  std::deque<std::pair<std::size_t, std::uint64_t>> seen_order_;
  std::uint64_t sightings_ = 0;
  std::uint64_t tick_ = 0;  // Entry::last_used's clock
  Stats stats_;
};

}  // namespace refdrv
