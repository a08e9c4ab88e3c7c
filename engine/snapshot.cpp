// SPDX-License-Identifier: GPL-2.0
#include "engine/snapshot.hpp"

#include <algorithm>

namespace refdrv {

SnapshotPoints snapshot_points(const Scenario& s) {
  SnapshotPoints p;
  std::size_t i = 0;
  for (; i < s.steps.size() && i < kMaxSnapshotPrefix; ++i) {
    const Step& st = s.steps[i];
    if (st.kind == Step::Kind::kExpect || st.returns) break;
    if (st.kind == Step::Kind::kAttach && !p.attach) p.attach = i + 1;
  }
  if (!p.attach) return {};
  p.check = i;
  if (p.attach == p.check) p.attach = 0;  // one beginning, not two
  return p;
}

std::size_t snapshot_key_end(const Scenario& s, std::size_t point) {
  std::size_t next_call = point;
  while (next_call < s.steps.size() && !is_operation(s.steps[next_call].kind)) ++next_call;
  for (std::size_t j = point; j < next_call; ++j)
    if (cable_step(s.steps[j].kind)) return next_call;
  return point;
}

bool seed_decides(const Scenario& s, std::size_t point) {
  const auto draws = [](const hw::FaultRule& f) { return f.trigger == hw::FaultTrigger::kProbability; };
  if (std::any_of(s.faults.begin(), s.faults.end(), draws)) return true;
  const std::size_t end = snapshot_key_end(s, point);
  for (std::size_t i = 0; i < end && i < s.steps.size(); ++i)
    if (s.steps[i].kind == Step::Kind::kFault && draws(s.steps[i].fault)) return true;
  return false;
}

bool same_effect(const Step& a, const Step& b) {
  // A fault step's trace marker names where it was written (engine/runner.cpp
  // step_detail()): there the place is part of what the run records.
  const bool same_place = a.kind != Step::Kind::kFault ||
                          (a.where.file == b.where.file && a.where.line == b.where.line && a.where.column == b.where.column);
  return a.kind == b.kind && a.ns == b.ns && a.partner == b.partner && a.ethtool == b.ethtool && a.fault == b.fault &&
         a.reg == b.reg && a.value == b.value && a.addr == b.addr && a.returns == b.returns && same_place;
}

namespace {

void mix(std::size_t& h, std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); }

void mix_partner(std::size_t& h, const hw::PartnerProfile& p) {
  mix(h, std::hash<std::string>{}(p.name));
  mix(h, p.abilities.bits());
  mix(h, static_cast<std::size_t>(p.forced_mode) << 8 | static_cast<std::size_t>(p.medium) << 4 | p.negotiates << 3 |
             p.pause << 2 | p.asym_pause << 1 | p.remote_fault);
  mix(h, p.legacy_an);
  mix(h, p.phy_id.value_or(0));
}

void mix_fault(std::size_t& h, const hw::FaultRule& f) {
  mix(h, static_cast<std::size_t>(f.kind) << 8 | static_cast<std::size_t>(f.trigger));
  mix(h, f.index);
  mix(h, f.reg);
  mix(h, static_cast<std::size_t>(f.nth));
  mix(h, std::hash<double>{}(f.probability));
  mix(h, static_cast<std::size_t>(f.mask) << 16 | f.value);
  mix(h, static_cast<std::size_t>(f.addr));
  mix(h, f.delivered ? 1 : 0);
}

}  // namespace

// Everything matches() compares, so that beginnings that differ hash apart
// (worth_saving() knows them by their hash alone).
std::size_t snapshot_hash(const SnapshotQuery& q) {
  const Scenario& s = q.scenario;
  std::size_t h = std::hash<std::string>{}(q.model);
  mix(h, static_cast<std::size_t>(q.impl));
  mix(h, reinterpret_cast<std::uintptr_t>(q.image));
  mix(h, q.logs);
  mix(h, s.phy_id.value_or(0));
  mix(h, s.page_register.value_or(0));
  if (s.partner) mix_partner(h, *s.partner);
  for (const auto& f : s.faults) mix_fault(h, f);
  if (seed_decides(s, q.point)) mix(h, s.seed);
  mix(h, s.mdio_frame_ns);
  for (const auto& t : {s.timing.reset, s.timing.autoneg, s.timing.parallel_detect, s.timing.forced_link})
    mix(h, t.value_or(0));
  for (const auto& [name, file] : s.firmware) mix(h, std::hash<std::string>{}(name));
  // The point itself: two points can share the steps that decide their
  // state (an attach and the cable steps after it, the same steps checked
  // later) and still be reached by different steps run.
  mix(h, q.point);
  const std::size_t end = snapshot_key_end(s, q.point);
  mix(h, end);
  for (std::size_t i = 0; i < end; ++i) {
    const Step& st = s.steps[i];
    mix(h, static_cast<std::size_t>(st.kind));
    mix(h, st.ns);
    mix(h, static_cast<std::size_t>(st.reg) << 32 | static_cast<std::uint32_t>(st.value));
    mix(h, static_cast<std::size_t>(st.addr));
    mix(h, st.returns.value_or(1));
    if (st.kind == Step::Kind::kPlug) mix_partner(h, st.partner);
    if (st.kind == Step::Kind::kFault) {
      mix_fault(h, st.fault);
      mix(h, static_cast<std::size_t>(st.where.line) << 32 | static_cast<std::uint32_t>(st.where.column));
    }
    if (st.kind == Step::Kind::kEthtool) {
      const EthtoolSettings& e = st.ethtool;
      mix(h, e.autoneg.value_or(2) + 4 * e.full_duplex.value_or(2));
      mix(h, static_cast<std::size_t>(e.speed.value_or(-2)));
      mix(h, e.advertise.value_or(0xffffffff));
    }
  }
  return h;
}

SnapshotKey::SnapshotKey(const SnapshotQuery& q)
    : image(q.image),
      impl(q.impl),
      model(q.model),
      phy_id(q.scenario.phy_id),
      page_register(q.scenario.page_register),
      partner(q.scenario.partner),
      faults(q.scenario.faults),
      seed(seed_decides(q.scenario, q.point) ? std::optional(q.scenario.seed) : std::nullopt),
      mdio_frame_ns(q.scenario.mdio_frame_ns),
      timing(q.scenario.timing),
      firmware(q.scenario.firmware),
      logs(q.logs),
      point(q.point),
      prefix(q.scenario.steps.begin(),
             q.scenario.steps.begin() + static_cast<std::ptrdiff_t>(snapshot_key_end(q.scenario, q.point))),
      hash(snapshot_hash(q)) {}

bool SnapshotKey::matches(const SnapshotQuery& q, std::size_t q_hash) const {
  const Scenario& s = q.scenario;
  return hash == q_hash && image == q.image && impl == q.impl && logs == q.logs && point == q.point && model == q.model &&
         phy_id == s.phy_id && page_register == s.page_register && partner == s.partner && faults == s.faults &&
         (!seed || *seed == s.seed) && mdio_frame_ns == s.mdio_frame_ns && timing == s.timing && firmware == s.firmware &&
         prefix.size() == snapshot_key_end(s, q.point) && std::equal(prefix.begin(), prefix.end(), s.steps.begin(), same_effect);
}

SnapshotCache::Entry* SnapshotCache::find(const SnapshotQuery& q) {
  const std::size_t h = snapshot_hash(q);
  for (auto [it, end] = by_hash_.equal_range(h); it != end; ++it)
    if (it->second->key.matches(q, h)) return it->second;
  return nullptr;
}

bool SnapshotCache::worth_saving(const SnapshotQuery& q) {
  const std::size_t h = snapshot_hash(q);
  if (seen_.erase(h)) return true;
  seen_.emplace(h, ++sightings_);
  seen_order_.emplace_back(h, sightings_);
  while (seen_order_.size() > 4 * capacity_) {
    const auto [oldest, when] = seen_order_.front();
    seen_order_.pop_front();
    if (auto it = seen_.find(oldest); it != seen_.end() && it->second == when) seen_.erase(it);
  }
  ++stats_.first_seen;
  return false;
}

SnapshotCache::Entry& SnapshotCache::add(std::unique_ptr<Entry> entry) {
  if (entries_.size() >= capacity_ && !entries_.empty()) {
    auto least = std::min_element(entries_.begin(), entries_.end(),
                                  [](const auto& a, const auto& b) { return a->last_used < b->last_used; });
    for (auto [it, end] = by_hash_.equal_range((*least)->key.hash); it != end; ++it)
      if (it->second == least->get()) {
        by_hash_.erase(it);
        break;
      }
    entries_.erase(least);
  }
  entry->last_used = ++tick_;
  by_hash_.emplace(entry->key.hash, entry.get());
  entries_.push_back(std::move(entry));
  ++stats_.saved;
  return *entries_.back();
}

void SnapshotCache::use(Entry& e) {
  ++e.uses;
  e.last_used = ++tick_;
  ++stats_.restored;
}

}  // namespace refdrv
