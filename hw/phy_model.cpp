// SPDX-License-Identifier: GPL-2.0
#include "hw/phy_model.hpp"

#include <algorithm>
#include <utility>

#include "hw/catalog.hpp"
#include "hw/clause45.hpp"

namespace refdrv::hw {

using namespace c22;

// ---- modes ----

std::optional<Mode> ModeSet::highest() const {
  for (int m = static_cast<int>(Mode::k1000Full); m >= 0; --m)
    if (has(static_cast<Mode>(m))) return static_cast<Mode>(m);
  return std::nullopt;
}

int mode_speed(Mode m) {
  switch (m) {
    case Mode::k10Half:
    case Mode::k10Full:
      return 10;
    case Mode::k100Half:
    case Mode::k100Full:
      return 100;
    case Mode::k1000Half:
    case Mode::k1000Full:
      return 1000;
  }
  return 0;
}

bool mode_full_duplex(Mode m) {
  return m == Mode::k10Full || m == Mode::k100Full || m == Mode::k1000Full;
}

std::string mode_name(Mode m) {
  return std::to_string(mode_speed(m)) + (mode_full_duplex(m) ? "-full" : "-half");
}

std::optional<Mode> mode_from(int speed, bool full) {
  switch (speed) {
    case 10:
      return full ? Mode::k10Full : Mode::k10Half;
    case 100:
      return full ? Mode::k100Full : Mode::k100Half;
    case 1000:
      return full ? Mode::k1000Full : Mode::k1000Half;
    default:
      return std::nullopt;
  }
}

std::optional<Mode> mode_from_name(const std::string& name) {
  for (int m = 0; m <= static_cast<int>(Mode::k1000Full); ++m)
    if (mode_name(static_cast<Mode>(m)) == name) return static_cast<Mode>(m);
  return std::nullopt;
}

std::string modes_name(ModeSet s) {
  std::string out;
  for (int m = 0; m <= static_cast<int>(Mode::k1000Full); ++m) {
    if (!s.has(static_cast<Mode>(m))) continue;
    if (!out.empty()) out += ',';
    out += mode_name(static_cast<Mode>(m));
  }
  return out.empty() ? "none" : out;
}

namespace {

bool has_gigabit(const ModeSet& s) { return s.has(Mode::k1000Half) || s.has(Mode::k1000Full); }

// Annex 28B.2: the technology bits of a base page for a set of modes.
std::uint16_t tech_bits(ModeSet s) {
  std::uint16_t v = 0;
  if (s.has(Mode::k10Half)) v |= adv::k10Half;
  if (s.has(Mode::k10Full)) v |= adv::k10Full;
  if (s.has(Mode::k100Half)) v |= adv::k100Half;
  if (s.has(Mode::k100Full)) v |= adv::k100Full;
  return v;
}

ModeSet modes_of_tech_bits(std::uint16_t v) {
  ModeSet s;
  if (v & adv::k10Half) s.add(Mode::k10Half);
  if (v & adv::k10Full) s.add(Mode::k10Full);
  if (v & adv::k100Half) s.add(Mode::k100Half);
  if (v & adv::k100Full) s.add(Mode::k100Full);
  return s;
}

}  // namespace

// ---- model ----

void PhyModel::acted(bool Quirks::*quirk) const {
  const auto catalog = quirk_catalog();
  for (std::size_t i = 0; i < catalog.size() && i < 32; ++i)
    if (catalog[i].flag == quirk) quirks_acted_ |= 1u << i;
}

PhyModel::PhyModel(PhyModelSpec spec) : spec_(std::move(spec)) {
  load_defaults();
  if (spec_.quirks.reset_needs_toggle) {
    // Power-on state of the quirk: the reset bit reads as set until written 0.
    regs_[kBmcr] |= bmcr::kReset;
    reset_armed_ = false;
  }
}

bool PhyModel::keeps_other_than_defaults() const {
  if (regs_[kBmcr] != spec_.bmcr_default || regs_[kAdvertise] != spec_.advertise_default ||
      regs_[kCtrl1000] != spec_.ctrl1000_default || !paged_regs_.empty() || mmd_regs_ != spec_.mmd_defaults)
    return true;
  for (unsigned i = 0; i < spec_.vendor_defaults.size(); ++i)
    if (regs_[kFirstVendor + i] != spec_.vendor_defaults[i]) return true;
  return false;
}

void PhyModel::load_defaults() {
  regs_.fill(0);
  regs_[kBmcr] = spec_.bmcr_default;
  bmcr_committed_ = spec_.bmcr_default;
  regs_[kAdvertise] = spec_.advertise_default;
  regs_[kCtrl1000] = spec_.ctrl1000_default;
  for (unsigned i = 0; i < spec_.vendor_defaults.size(); ++i) regs_[kFirstVendor + i] = spec_.vendor_defaults[i];
  mmd_ctrl_ = 0;
  mmd_addr_.fill(0);
  mmd_regs_ = spec_.mmd_defaults;
  paged_regs_.clear();
}

bool PhyModel::medium_active() const {
  return plugged_ && partner_ && partner_->medium == Medium::kTwistedPair && !(regs_[kBmcr] & bmcr::kPowerDown) &&
         !reset_done_at_;
}

// BMCR's power-down bit, which a Clause-45-only model keeps for PMA/PMD low
// power too (the same line side): its state, not what a frame would read.
bool PhyModel::powered_down(Nanos now) {
  advance(now);
  return (compose(kBmcr) & bmcr::kPowerDown) != 0;
}

ModeSet PhyModel::local_advertised() const {
  ModeSet s = modes_of_tech_bits(regs_[kAdvertise]);
  if (has_gigabit(spec_.abilities)) {
    if (regs_[kCtrl1000] & gbit::kAdv1000Half) s.add(Mode::k1000Half);
    if (regs_[kCtrl1000] & gbit::kAdv1000Full) s.add(Mode::k1000Full);
  }
  return s & spec_.abilities;
}

namespace {
// What bmcr_mode_at_reset holds for the next reset: speed and duplex, as
// the record says; auto-negotiation enable acts at once (a driver going
// back to autoneg restarts it, with no reset).
constexpr std::uint16_t kModeBits = bmcr::kSpeed100 | bmcr::kSpeed1000 | bmcr::kFullDuplex;
}  // namespace

std::uint16_t PhyModel::mode_bmcr() const {
  if (!spec_.quirks.bmcr_mode_at_reset) return regs_[kBmcr];
  return static_cast<std::uint16_t>((regs_[kBmcr] & ~kModeBits) | (bmcr_committed_ & kModeBits));
}

std::optional<Mode> PhyModel::forced_mode() const {
  // 22.2.4.1.3: speed selection bits 0.6 (MSB) and 0.13 (LSB); 0.8 duplex.
  // Both speed bits set is reserved: no link.
  const std::uint16_t b = mode_bmcr();
  // The quirk acts where the forced mode comes from the bits held for the
  // next reset instead of those written (other callers read AN enable only).
  if (spec_.quirks.bmcr_mode_at_reset && (regs_[kBmcr] & kModeBits) != (bmcr_committed_ & kModeBits))
    acted(&Quirks::bmcr_mode_at_reset);
  if ((b & bmcr::kSpeed1000) && (b & bmcr::kSpeed100)) return std::nullopt;
  const int speed = (b & bmcr::kSpeed1000) ? 1000 : (b & bmcr::kSpeed100) ? 100 : 10;
  auto m = mode_from(speed, (b & bmcr::kFullDuplex) != 0);
  if (!m || !spec_.abilities.has(*m)) return std::nullopt;
  return m;
}

std::uint16_t PhyModel::partner_base_page() const {
  const PartnerProfile& p = *partner_;
  std::uint16_t v = adv::kSelector8023 | tech_bits(p.abilities);
  if (p.pause) v |= adv::kPause;
  if (p.asym_pause) v |= adv::kAsymPause;
  if (p.remote_fault) v |= adv::kRemoteFault;
  return v;
}

void PhyModel::link_down(Nanos) {
  const bool was_up = phase_ == LinkPhase::kUp;
  if (was_up) {
    lstatus_latched_low_ = true;  // 22.2.4.2.13: latches low until read
    c45_link_latched_low_ = ~0u;  // 45.2.1.2.3 and alike: each MMD's, until read
    if (spec_.quirks.lpa_stale_after_link_drop) lpa_frozen_ = true;
  }
  phase_ = LinkPhase::kDown;
  mode_.reset();
  an_complete_ = false;
  // Frozen, the pages outlive the link; phylib reads them only once a
  // negotiation completes again, where the quirk is marked if it hides
  // that negotiation's pages.
  if (!lpa_frozen_) {
    regs_[kLpa] = 0;
    regs_[kStat1000] = 0;
    regs_[kExpansion] = 0;
  }
}

void PhyModel::start_link(Nanos t) {
  if (!medium_active()) {
    phase_ = LinkPhase::kDown;
    return;
  }
  const PartnerProfile& p = *partner_;
  const bool an = spec_.autoneg_capable && (mode_bmcr() & bmcr::kAnEnable);
  if (an) {
    advertised_ = local_advertised();
    phase_ = LinkPhase::kNegotiating;
    phase_done_at_ = t + (p.negotiates ? spec_.autoneg_duration : spec_.parallel_detect_duration);
    return;
  }
  // Forced mode: a negotiating partner parallel-detects our speed; a forced
  // partner links when the speeds agree (a duplex mismatch still links).
  auto fm = forced_mode();
  bool compatible = false;
  if (fm) {
    const int speed = mode_speed(*fm);
    if (p.negotiates)
      compatible = speed != 1000 && (p.abilities.has(*mode_from(speed, false)) || p.abilities.has(*mode_from(speed, true)));
    else
      compatible = mode_speed(p.forced_mode) == speed;
  }
  if (!compatible) {
    phase_ = LinkPhase::kDown;
    return;
  }
  phase_ = LinkPhase::kLinking;
  phase_done_at_ = t + spec_.forced_link_duration;
}

void PhyModel::finish_link(Nanos) {
  const PartnerProfile& p = *partner_;
  if (phase_ == LinkPhase::kLinking) {
    mode_ = forced_mode();
    phase_ = LinkPhase::kUp;
    return;
  }
  // Negotiating. A PHY whose LPA stays stale (catalog.cpp,
  // lpa-stale-after-link-drop) keeps ANER and 1000BASE-T status with it, its
  // page-received latch too: none of them is written while lpa_frozen_.
  if (p.negotiates) {
    // The pages are exchanged before the technology is resolved: the
    // partner's base page (mr_lp_adv_ability) and mr_page_rx are set in
    // COMPLETE ACKNOWLEDGE (Figure 28-16), a state only the exchange of
    // link code words passes through, whether or not there is a common
    // technology.
    std::uint16_t lpa = partner_base_page() | adv::kAck;
    std::uint16_t stat1000 = 0;
    if (has_gigabit(spec_.abilities)) {
      if (p.abilities.has(Mode::k1000Half)) stat1000 |= gbit::kLp1000Half;
      if (p.abilities.has(Mode::k1000Full)) stat1000 |= gbit::kLp1000Full;
    }
    if (p.remote_fault) rfault_latched_ = true;  // 22.2.4.2.11
    if (p.legacy_an && spec_.quirks.lpa_zero_with_legacy_partner) {
      lpa = 0;
      if (!lpa_frozen_) acted(&Quirks::lpa_zero_with_legacy_partner);
    }
    if (!lpa_frozen_) {
      page_received_latched_ = true;
      regs_[kLpa] = lpa;
      regs_[kExpansion] = expansion::kLpAnAble;  // page received is the latch above
      regs_[kStat1000] = stat1000;
    } else if (regs_[kLpa] != lpa || regs_[kStat1000] != stat1000 || regs_[kExpansion] != expansion::kLpAnAble ||
               !page_received_latched_) {
      acted(&Quirks::lpa_stale_after_link_drop);  // this negotiation's pages are not shown
    }
    auto hcd = (advertised_ & p.abilities).highest();  // Annex 28B.3
    if (!hcd) {
      // No common technology: FLP LINK GOOD CHECK never sees its link, and
      // the link stays down (the arbitration's later retries, each of
      // which would latch page received again, are not modelled).
      phase_ = LinkPhase::kDown;
      return;
    }
    mode_ = hcd;
  } else {
    // 28.2.3.1 parallel detection: link at the partner's technology, half
    // duplex; the LPA bit of the detected technology is set; the partner is
    // not AN able and no page was received (Figure 28-16 goes from ABILITY
    // DETECT through LINK STATUS CHECK to FLP LINK GOOD, never through
    // COMPLETE ACKNOWLEDGE). 1000BASE-T cannot be parallel-detected.
    const int speed = mode_speed(p.forced_mode);
    auto half = mode_from(speed, false);
    auto full = mode_from(speed, true);
    if (speed == 1000 || !(spec_.abilities.has(*half) || spec_.abilities.has(*full))) {
      phase_ = LinkPhase::kDown;
      return;
    }
    mode_ = half;
    if (!lpa_frozen_) {
      regs_[kLpa] = tech_bits(ModeSet{*half});
      regs_[kExpansion] = 0;
      regs_[kStat1000] = 0;
    } else if (regs_[kLpa] != tech_bits(ModeSet{*half}) || regs_[kStat1000] || regs_[kExpansion]) {
      acted(&Quirks::lpa_stale_after_link_drop);
    }
  }
  an_complete_ = true;
  phase_ = LinkPhase::kUp;
  ++negotiations_completed_;
  if (spec_.quirks.bmcr_shows_resolved_mode) {
    const std::uint16_t before = regs_[kBmcr];
    regs_[kBmcr] &= static_cast<std::uint16_t>(~(bmcr::kSpeed100 | bmcr::kSpeed1000 | bmcr::kFullDuplex));
    if (mode_speed(*mode_) == 100) regs_[kBmcr] |= bmcr::kSpeed100;
    if (mode_speed(*mode_) == 1000) regs_[kBmcr] |= bmcr::kSpeed1000;
    if (mode_full_duplex(*mode_)) regs_[kBmcr] |= bmcr::kFullDuplex;
    if (regs_[kBmcr] != before) acted(&Quirks::bmcr_shows_resolved_mode);
  }
}

void PhyModel::begin_reset(Nanos t) {
  link_down(t);
  reset_done_at_ = t + spec_.reset_duration;
  regs_[kBmcr] |= bmcr::kReset;
}

void PhyModel::finish_reset(Nanos t) {
  reset_done_at_.reset();
  if (spec_.quirks.soft_reset_keeps_registers) {
    regs_[kBmcr] &= static_cast<std::uint16_t>(~(bmcr::kReset | bmcr::kAnRestart));
    bmcr_committed_ = regs_[kBmcr];
    // Acted where a register kept differs from what a reset to the
    // defaults would give (22.2.4.1.1 leaves that open).
    if (keeps_other_than_defaults()) acted(&Quirks::soft_reset_keeps_registers);
  } else {
    load_defaults();
  }
  lpa_frozen_ = false;
  // Latched status returns to its default too (22.2.4.2.11: a PHY reset
  // clears remote fault; ANER's page received, 28.2.4.1.5).
  rfault_latched_ = false;
  page_received_latched_ = false;
  reset_armed_ = true;
  ++resets_completed_;
  start_link(t);
}

void PhyModel::apply_cable_event(const CableEvent& ev) {
  switch (ev.kind) {
    case CableEvent::Kind::kPlug:
      link_down(ev.at);
      plugged_ = true;
      partner_ = ev.partner;
      start_link(ev.at);
      break;
    case CableEvent::Kind::kUnplug:
      link_down(ev.at);
      plugged_ = false;
      break;
    case CableEvent::Kind::kFlap:
      if (!plugged_ || !partner_) break;  // no cable in the socket: nothing to flap
      link_down(ev.at);
      plugged_ = false;
      schedule_cable_event({ev.at + ev.duration, CableEvent::Kind::kPlug, *partner_});
      break;
    case CableEvent::Kind::kPartnerRestartAneg:
      if (plugged_ && partner_ && partner_->negotiates) {
        link_down(ev.at);
        start_link(ev.at);
      }
      break;
  }
}

void PhyModel::advance(Nanos now) {
  for (;;) {
    std::optional<Nanos> next;
    auto consider = [&next](Nanos t) {
      if (!next || t < *next) next = t;
    };
    if (reset_done_at_) consider(*reset_done_at_);
    if (phase_ == LinkPhase::kNegotiating || phase_ == LinkPhase::kLinking) consider(phase_done_at_);
    if (!pending_.empty()) consider(pending_.front().effective());
    if (!next || *next > now) break;

    if (reset_done_at_ && *reset_done_at_ == *next) {
      finish_reset(*next);
    } else if ((phase_ == LinkPhase::kNegotiating || phase_ == LinkPhase::kLinking) && phase_done_at_ == *next) {
      finish_link(*next);
    } else {
      CableEvent ev = std::move(pending_.front());
      pending_.erase(pending_.begin());
      apply_cable_event(ev);
    }
  }
  now_ = std::max(now_, now);
}

void PhyModel::plug(const PartnerProfile& partner, Nanos at) {
  schedule_cable_event({at, CableEvent::Kind::kPlug, partner, 0, after_instant_});
}

void PhyModel::unplug(Nanos at) { schedule_cable_event({at, CableEvent::Kind::kUnplug, {}, 0, after_instant_}); }

void PhyModel::partner_restart_aneg(Nanos at) {
  schedule_cable_event({at, CableEvent::Kind::kPartnerRestartAneg, {}, 0, after_instant_});
}

void PhyModel::release(Nanos now) {
  release_pending(pending_, now);
  advance(now);
}

// An event due now (or in the past) happens at once, after the model caught
// up to now; a later one waits in time order, after those due at the same
// time that were scheduled before it.
void PhyModel::schedule_cable_event(CableEvent ev) {
  if (ev.effective() <= now_) {
    advance(now_);
    ev.at = now_;
    apply_cable_event(ev);
    return;
  }
  insert_pending(pending_, std::move(ev));
}

void PhyModel::flap(Nanos at, Nanos duration) {
  schedule_cable_event({at, CableEvent::Kind::kFlap, {}, duration, after_instant_});
}

bool PhyModel::resetting(Nanos now) {
  advance(now);
  return reset_done_at_.has_value();
}

bool PhyModel::link_up(Nanos now) {
  advance(now);
  if (looped()) return true;
  return phase_ == LinkPhase::kUp;
}

std::optional<Mode> PhyModel::link_mode(Nanos now) {
  advance(now);
  return phase_ == LinkPhase::kUp ? mode_ : std::nullopt;
}

std::optional<WiredPhy::WireMode> PhyModel::wire_mode(Nanos now) {
  const auto m = link_mode(now);
  if (!m) return std::nullopt;
  return WireMode{mode_speed(*m), mode_full_duplex(*m)};
}

std::uint16_t PhyModel::compose_bmsr() const {
  std::uint16_t v = bmsr::kExtendedCapability;
  if (spec_.abilities.has(Mode::k10Half)) v |= bmsr::k10Half;
  if (spec_.abilities.has(Mode::k10Full)) v |= bmsr::k10Full;
  if (spec_.abilities.has(Mode::k100Half)) v |= bmsr::k100Half;
  if (spec_.abilities.has(Mode::k100Full)) v |= bmsr::k100Full;
  if (has_gigabit(spec_.abilities)) v |= bmsr::kExtendedStatus;
  if (spec_.autoneg_capable) v |= bmsr::kAnAbility;
  const bool loopback = looped();
  if (loopback || (phase_ == LinkPhase::kUp && !lstatus_latched_low_)) v |= bmsr::kLinkStatus;
  if (an_complete_ && (mode_bmcr() & bmcr::kAnEnable)) v |= bmsr::kAnComplete;
  if (rfault_latched_) v |= bmsr::kRemoteFault;
  return v;
}

std::uint16_t PhyModel::stored(unsigned reg) const {
  if (off_page(reg)) {
    const std::uint32_t key = page() << 8 | reg;
    for (const auto& [k, v] : paged_regs_)
      if (k == key) return v;
    return 0;
  }
  return reg < kNumRegs ? regs_[reg] : 0xffff;
}

std::uint16_t PhyModel::speed_indication(const SpeedIndication& si) const {
  std::uint16_t v = stored(si.reg) & static_cast<std::uint16_t>(~(si.ten | si.hundred | si.gig | si.full | si.up));
  if (phase_ == LinkPhase::kUp && mode_) {
    const int speed = mode_speed(*mode_);
    v |= si.up | (speed == 10 ? si.ten : speed == 100 ? si.hundred : si.gig);
    if (mode_full_duplex(*mode_)) v |= si.full;
  }
  return v;
}

std::uint16_t PhyModel::compose(unsigned reg) const {
  if (const auto& si = spec_.speed_indication; si && reg == si->reg && page() == si->page)
    return speed_indication(*si);
  if (off_page(reg)) return stored(reg);
  switch (reg) {
    case kBmcr:
      return reset_done_at_ ? static_cast<std::uint16_t>(regs_[kBmcr] | bmcr::kReset) : regs_[kBmcr];
    case kBmsr:
      return compose_bmsr();
    case kPhyId1:
      return static_cast<std::uint16_t>(spec_.phy_id >> 16);
    case kPhyId2:
      return static_cast<std::uint16_t>(spec_.phy_id & 0xffff);
    case kExpansion:
      return static_cast<std::uint16_t>(regs_[kExpansion] | (page_received_latched_ ? expansion::kPageReceived : 0));
    case kCtrl1000:
    case kStat1000:
      return has_gigabit(spec_.abilities) ? regs_[reg] : 0;
    case kEstatus: {
      std::uint16_t v = 0;
      if (spec_.abilities.has(Mode::k1000Half)) v |= estatus::k1000THalf;
      if (spec_.abilities.has(Mode::k1000Full)) v |= estatus::k1000TFull;
      return v;
    }
    case kMmdCtrl:
      return spec_.mmd == MmdAccess::kIndirect ? mmd_ctrl_ : spec_.mmd_reserved_value;
    case kMmdData: {
      if (spec_.mmd != MmdAccess::kIndirect) return spec_.mmd_reserved_value;
      const unsigned devad = mmd_ctrl_ & mmd::kDevadMask;
      if ((mmd_ctrl_ & mmd::kFunctionMask) == mmd::kFunctionAddress) return mmd_addr_[devad];
      return mmd_register(devad, mmd_addr_[devad]);
    }
    default:
      return stored(reg);
  }
}

std::uint16_t PhyModel::mmd_register(unsigned devad, unsigned reg) const {
  const std::uint32_t key = (devad << 16) | reg;
  for (const auto& [k, v] : mmd_regs_)
    if (k == key) return v;
  return 0;
}

std::uint16_t PhyModel::mmd_access(bool is_write, std::uint16_t value) {
  const unsigned devad = mmd_ctrl_ & mmd::kDevadMask;
  const std::uint16_t function = mmd_ctrl_ & mmd::kFunctionMask;
  if (function == mmd::kFunctionAddress) {
    if (is_write) mmd_addr_[devad] = value;
    return mmd_addr_[devad];
  }
  std::uint16_t result = 0;
  if (spec_.clause45) {
    // The PHY's own Clause-45 registers, as a Clause-45 frame reaches them.
    if (is_write)
      c45_write(devad, mmd_addr_[devad], value);
    else
      result = c45_read(devad, mmd_addr_[devad]);
  } else {
    result = mmd_register(devad, mmd_addr_[devad]);
    if (is_write && !c45::read_only(devad, mmd_addr_[devad])) store_mmd(devad, mmd_addr_[devad], value);
  }
  // 22.2.4.3.11: post-increment on read+write, or on write only.
  if (function == mmd::kFunctionDataPostIncRw || (function == mmd::kFunctionDataPostIncW && is_write))
    ++mmd_addr_[devad];
  return result;
}

void PhyModel::store_mmd(unsigned devad, unsigned reg, std::uint16_t value) {
  const std::uint32_t key = (devad << 16) | reg;
  auto it = std::find_if(mmd_regs_.begin(), mmd_regs_.end(), [key](const auto& kv) { return kv.first == key; });
  if (it != mmd_regs_.end())
    it->second = value;
  else
    mmd_regs_.emplace_back(key, value);
}

std::uint16_t PhyModel::peek(unsigned reg, Nanos now) {
  advance(now);
  // An MMD register: what a Clause-45 frame (or the indirect access through
  // 13/14) would read.
  if (c45::is_c45(reg))
    return spec_.clause45 ? compose_c45(c45::devad_of(reg), c45::reg_of(reg))
                          : mmd_register(c45::devad_of(reg), c45::reg_of(reg));
  if (reg >= c22::kNumRegs) return 0xffff;
  if (!spec_.clause22) return 0xffff;  // as read(): a Clause-22 frame gets no answer
  return compose(reg);
}

std::uint16_t PhyModel::read(unsigned reg, Nanos now) {
  if (!spec_.clause22) return 0xffff;  // no answer: the bus's pull-ups
  advance(now);
  if (off_page(reg)) return compose(reg);  // plain storage: no side effects
  if (reg == kMmdData && spec_.mmd == MmdAccess::kIndirect) return mmd_access(false, 0);
  const std::uint16_t v = compose(reg);
  if (reg == kBmsr) {
    // Reading clears the latches (22.2.4.2.11, 22.2.4.2.13).
    lstatus_latched_low_ = false;
    rfault_latched_ = false;
  } else if (reg == kExpansion) {
    page_received_latched_ = false;  // 28.2.4.1.5: latching high, cleared on read
  }
  return v;
}

void PhyModel::control_write(std::uint16_t value) {
  const std::uint16_t old = regs_[kBmcr];
  if (value & bmcr::kReset) {
    if (!spec_.quirks.reset_needs_toggle || reset_armed_) {
      // A reset that keeps the registers keeps what was written with it
      // (genphy_soft_reset() clearing isolate, a speed set with the reset).
      if (spec_.quirks.soft_reset_keeps_registers)
        regs_[kBmcr] = value & static_cast<std::uint16_t>(~(bmcr::kReset | bmcr::kAnRestart));
      begin_reset(now_);
      return;
    }
    // Quirk: no 0 -> 1 transition, the request is ignored and the bit stays set.
    acted(&Quirks::reset_needs_toggle);
  } else {
    reset_armed_ = true;
  }
  const std::uint16_t stored = value & static_cast<std::uint16_t>(~bmcr::kAnRestart);
  regs_[kBmcr] = stored;
  // Mode bits held for the next reset change nothing now.
  const std::uint16_t changed =
      (old ^ stored) & static_cast<std::uint16_t>(spec_.quirks.bmcr_mode_at_reset ? ~kModeBits : 0xffff);
  const bool an_enabled = spec_.autoneg_capable && (mode_bmcr() & bmcr::kAnEnable);
  if (stored & bmcr::kPowerDown) {
    if (!(old & bmcr::kPowerDown)) link_down(now_);
    phase_ = LinkPhase::kDown;
    return;
  }
  const bool relink = (changed & (bmcr::kPowerDown | bmcr::kAnEnable | bmcr::kLoopback)) ||
                      (!an_enabled && (changed & (bmcr::kSpeed100 | bmcr::kSpeed1000 | bmcr::kFullDuplex))) ||
                      (an_enabled && (value & bmcr::kAnRestart));
  if (relink) {
    link_down(now_);
    start_link(now_);
  }
}

void PhyModel::write(unsigned reg, std::uint16_t value, Nanos now) {
  if (!spec_.clause22) return;
  advance(now);
  if (reset_done_at_) return;  // the PHY is resetting: writes are not accepted
  if (off_page(reg)) {
    const std::uint32_t key = page() << 8 | reg;
    for (auto& [k, v] : paged_regs_)
      if (k == key) {
        v = value;
        return;
      }
    paged_regs_.emplace_back(key, value);
    return;
  }
  switch (reg) {
    case kBmcr:
      // 22.2.4.1: bits 5:0 are reserved (written as 0, read as 0), and a
      // PHY without 1000 Mb/s has no speed selection MSB (0.6): a Clause-22
      // write does not keep them. (The Clause-45 control registers that
      // share control_write() use those bits for their speed selection.)
      control_write(value &
                    static_cast<std::uint16_t>(~(0x003fu | (has_gigabit(spec_.abilities) ? 0u : bmcr::kSpeed1000))));
      return;
    case kAdvertise:
      // 28.2.4.1.3, Table 28-2: Acknowledge (4.14) is reserved, read as 0;
      // no model sends next pages (NP, XNP) or has 100BASE-T4 (A4), so
      // those bits read 0 whatever is written, as on the Asix chips.
      regs_[reg] = value & static_cast<std::uint16_t>(~(adv::kAck | adv::kNextPage | adv::kExtNextPage | adv::k100T4));
      return;
    case kNextPageTx:
      regs_[reg] = value;
      return;
    case kCtrl1000:
      if (has_gigabit(spec_.abilities)) regs_[reg] = value;
      return;
    case kMmdCtrl:
      if (spec_.mmd == MmdAccess::kIndirect) mmd_ctrl_ = value;
      return;
    case kMmdData:
      if (spec_.mmd == MmdAccess::kIndirect) mmd_access(true, value);
      return;
    default:
      if (c22::is_vendor(reg)) regs_[reg] = value;
      // Read-only and reserved registers ignore writes.
      return;
  }
}

}  // namespace refdrv::hw
