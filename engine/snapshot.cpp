// SPDX-License-Identifier: GPL-2.0
#include "engine/snapshot.hpp"

#include <algorithm>

namespace refdrv {

std::size_t snapshot_point(const Scenario& s) {
  for (std::size_t i = 0; i < s.steps.size() && i < kMaxSnapshotPrefix; ++i) {
    const Step& st = s.steps[i];
    if (st.kind == Step::Kind::kExpect || st.returns) return 0;
    if (st.kind == Step::Kind::kAttach) return i + 1;
  }
  return 0;
}

bool same_effect(const Step& a, const Step& b) {
  return a.kind == b.kind && a.ns == b.ns && a.partner == b.partner && a.ethtool == b.ethtool && a.fault == b.fault &&
         a.reg == b.reg && a.value == b.value && a.addr == b.addr && a.returns == b.returns;
}

namespace {

void mix(std::size_t& h, std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); }

}  // namespace

std::size_t snapshot_hash(const SnapshotQuery& q) {
  const Scenario& s = q.scenario;
  std::size_t h = std::hash<std::string>{}(q.model);
  mix(h, static_cast<std::size_t>(q.impl));
  mix(h, reinterpret_cast<std::uintptr_t>(q.image));
  mix(h, q.logs);
  mix(h, s.phy_id.value_or(0));
  mix(h, s.partner ? std::hash<std::string>{}(s.partner->name) + s.partner->abilities.bits() : 1);
  mix(h, s.faults.size());
  mix(h, s.seed);
  mix(h, s.mdio_frame_ns);
  mix(h, s.firmware.size());
  for (std::size_t i = 0; i < q.point; ++i) {
    const Step& st = s.steps[i];
    mix(h, static_cast<std::size_t>(st.kind));
    mix(h, st.ns);
    mix(h, static_cast<std::size_t>(st.reg) << 32 | static_cast<std::uint32_t>(st.value));
  }
  return h;
}

SnapshotKey::SnapshotKey(const SnapshotQuery& q)
    : image(q.image),
      impl(q.impl),
      model(q.model),
      phy_id(q.scenario.phy_id),
      partner(q.scenario.partner),
      faults(q.scenario.faults),
      seed(q.scenario.seed),
      mdio_frame_ns(q.scenario.mdio_frame_ns),
      firmware(q.scenario.firmware),
      logs(q.logs),
      prefix(q.scenario.steps.begin(), q.scenario.steps.begin() + static_cast<std::ptrdiff_t>(q.point)),
      hash(snapshot_hash(q)) {}

bool SnapshotKey::matches(const SnapshotQuery& q, std::size_t q_hash) const {
  const Scenario& s = q.scenario;
  return hash == q_hash && image == q.image && impl == q.impl && logs == q.logs && model == q.model &&
         phy_id == s.phy_id && partner == s.partner && faults == s.faults && seed == s.seed &&
         mdio_frame_ns == s.mdio_frame_ns && firmware == s.firmware && prefix.size() == q.point &&
         std::equal(prefix.begin(), prefix.end(), s.steps.begin(), same_effect);
}

SnapshotCache::Entry* SnapshotCache::find(const SnapshotQuery& q) {
  const std::size_t h = snapshot_hash(q);
  for (auto& e : entries_)
    if (e->key.matches(q, h)) return e.get();
  return nullptr;
}

SnapshotCache::Entry& SnapshotCache::add(std::unique_ptr<Entry> entry) {
  if (entries_.size() >= capacity_ && !entries_.empty()) {
    auto least = std::min_element(entries_.begin(), entries_.end(),
                                  [](const auto& a, const auto& b) { return a->uses < b->uses; });
    entries_.erase(least);
  }
  entries_.push_back(std::move(entry));
  ++stats_.saved;
  return *entries_.back();
}

}  // namespace refdrv
