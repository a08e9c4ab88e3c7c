// SPDX-License-Identifier: GPL-2.0
#include "hw/qt2025.hpp"

#include <algorithm>

#include "hw/clause45.hpp"

namespace refdrv::hw {

namespace {

constexpr std::uint32_t key(unsigned devad, unsigned reg) { return devad << 16 | (reg & 0xffff); }

// The MMDs of the package (45.2.1.5): PMA/PMD, PCS, PHY XS.
constexpr std::uint32_t kQt2025Devices = c45::devs::kPmaPmd | c45::devs::kPcs | c45::devs::kPhyXs;

constexpr bool qt2025_has_mmd(unsigned devad) { return devad < 32 && (kQt2025Devices & (1u << devad)) != 0; }

constexpr unsigned kRevisionReg = 0xd001;
constexpr unsigned kMicroReset = 0xc300;
constexpr unsigned kBootControl = 0xe854;
constexpr std::uint16_t kBootFromSram = 0x0040;
constexpr unsigned kProgramBase = 0x8000;

// Index into latched_low_ of an MMD's status 1 link bit.
constexpr std::size_t latch_of(unsigned devad) { return devad == c45::kPmaPmd ? 1 : devad == c45::kPcs ? 3 : 4; }

}  // namespace

Qt2025Model::Qt2025Model(Qt2025Spec spec)
    : spec_(std::move(spec)), pma_ctrl1_(c45::ctrl1::kSpeed10G), pma_ctrl2_(c45::ctrl2::k10GBaseSR) {
  latched_low_.fill(false);
}

std::uint16_t Qt2025Model::vendor(unsigned devad, unsigned reg) const {
  auto it = vendor_.find(key(devad, reg));
  return it == vendor_.end() ? 0 : it->second;
}

bool Qt2025Model::signal() const {
  return partner_ && partner_->medium == Medium::kFiber10G && running_from_sram_ && !micro_in_reset() &&
         !reset_done_at_ && !(pma_ctrl1_ & c45::ctrl1::kLowPower);
}

// Brings the link to time t: it comes up link_up_delay after the signal
// appears, and goes down (latching the status bits low) when it goes.
void Qt2025Model::update_link(Nanos t) {
  if (!signal()) {
    if (link_)
      for (auto d : {c45::kPmaPmd, c45::kPcs, c45::kPhyXs}) latched_low_[latch_of(d)] = true;
    link_ = false;
    link_at_.reset();
    return;
  }
  if (link_) return;
  if (!link_at_) link_at_ = t + spec_.link_up_delay;
}

void Qt2025Model::advance(Nanos now) {
  if (now < now_) now = now_;
  while (true) {
    // The next thing to happen before `now`: a cable event, the reset
    // completing or the link coming up, in time order.
    Nanos next = now + 1;
    int what = 0;  // 1 cable, 2 reset, 3 link
    if (!pending_.empty() && pending_.front().effective() <= now && pending_.front().at < next) {
      next = pending_.front().at;
      what = 1;
    }
    if (reset_done_at_ && *reset_done_at_ <= now && *reset_done_at_ < next) {
      next = *reset_done_at_;
      what = 2;
    }
    if (link_at_ && *link_at_ <= now && *link_at_ < next) {
      next = *link_at_;
      what = 3;
    }
    if (!what) break;
    now_ = std::max(now_, next);
    if (what == 1) {
      Event ev = pending_.front();
      pending_.erase(pending_.begin());
      if (ev.plug) {
        partner_ = ev.partner;
      } else {
        if (ev.flap_for && partner_) insert_pending(pending_, Event{ev.at + *ev.flap_for, true, partner_});
        partner_.reset();
      }
    } else if (what == 2) {
      // 45.2.1.1.1: the PMA/PMD's registers back to their defaults (low
      // power off, 10G, 10GBASE-SR) and the bit self-clears. The vendor
      // registers (the microcontroller's) are the chip's own and kept.
      reset_done_at_.reset();
      pma_ctrl1_ = c45::ctrl1::kSpeed10G;
      pma_ctrl2_ = c45::ctrl2::k10GBaseSR;
    } else {
      link_ = true;
      link_at_.reset();
    }
    update_link(now_);
  }
  now_ = std::max(now_, now);
}

std::uint16_t Qt2025Model::compose(unsigned devad, unsigned reg) const {
  if (!qt2025_has_mmd(devad)) return 0xffff;  // no such MMD: nobody drives the bus
  switch (reg) {
    case c45::kDevId1:
      return static_cast<std::uint16_t>(spec_.phy_id >> 16);
    case c45::kDevId2:
      return static_cast<std::uint16_t>(spec_.phy_id & 0xffff);
    case c45::kDevs1:
      return static_cast<std::uint16_t>(kQt2025Devices & 0xffff);
    case c45::kDevs2:
      return static_cast<std::uint16_t>(kQt2025Devices >> 16);
    case c45::kStat2:
      if (devad == c45::kPmaPmd)
        return c45::stat2::kDevicePresent | c45::stat2::k10GBaseSR | c45::stat2::k10GBaseLR;
      return c45::stat2::kDevicePresent | (devad == c45::kPcs ? 0x0001 : 0);  // PCS: 10GBASE-R capable
    case c45::kSpeed:
      return c45::speed::k10G;
    case c45::kStat1: {
      std::uint16_t v = c45::stat1::kLowPowerAbility;
      if (link_ && !latched_low_[latch_of(devad)]) v |= c45::stat1::kLinkStatus;
      return v;
    }
    default:
      break;
  }
  if (devad == c45::kPmaPmd && reg == c45::kCtrl1) return pma_ctrl1_;
  if (devad == c45::kPmaPmd && reg == c45::kCtrl2) return pma_ctrl2_;
  if (devad == c45::kPmaPmd && reg == kRevisionReg) return static_cast<std::uint16_t>(spec_.revision << 8);
  if (devad == c45::kPcs && reg == c45::kPcs10GbrStat1)
    return link_ ? c45::pcs_10gbr::kBlockLock | c45::pcs_10gbr::kReceiveLink : 0;
  if (devad == c45::kPhyXs && reg == c45::kPhyXsLaneStatus)
    return link_ ? c45::phyxs_lanes::kLaneAlignment | c45::phyxs_lanes::kLanesSynced : 0;
  if (reg >= kProgramBase) {
    const unsigned off = reg - kProgramBase;
    if (devad == c45::kPcs && off < kWindow1) return program_[off];
    if (devad == c45::kPhyXs && off < kProgramBytes - kWindow1) return program_[kWindow1 + off];
  }
  return vendor(devad, reg);
}

std::uint16_t Qt2025Model::read_c45(unsigned devad, unsigned reg, Nanos now) {
  advance(now);
  const std::uint16_t v = compose(devad, reg);
  // Reading status 1 releases its latched-low link bit (45.2.1.2.3).
  if (qt2025_has_mmd(devad) && reg == c45::kStat1) latched_low_[latch_of(devad)] = false;
  return v;
}

void Qt2025Model::write_c45(unsigned devad, unsigned reg, std::uint16_t value, Nanos now) {
  advance(now);
  if (!qt2025_has_mmd(devad)) return;
  // 45.2.1.1.1: while the PMA/PMD resets, its standard registers take no
  // write (the reset bit keeps reading 1 until it is done); the vendor
  // registers are the microcontroller's, which the reset keeps.
  if (devad == c45::kPmaPmd && reg < 0x8000 && reset_done_at_) return;
  if (devad == c45::kPmaPmd && reg == c45::kCtrl1) {
    pma_ctrl1_ = value;
    if (value & c45::ctrl1::kReset) reset_done_at_ = now_ + spec_.reset_duration;
    update_link(now_);
    return;
  }
  if (devad == c45::kPmaPmd && reg == c45::kCtrl2) {
    pma_ctrl2_ = value & c45::ctrl2::kTypeMask;
    return;
  }
  if (reg >= kProgramBase) {
    const unsigned off = reg - kProgramBase;
    std::size_t at = kProgramBytes;
    if (devad == c45::kPcs && off < kWindow1) at = off;
    if (devad == c45::kPhyXs && off < kProgramBytes - kWindow1) at = kWindow1 + off;
    if (at < kProgramBytes) {
      program_[at] = static_cast<std::uint8_t>(value & 0xff);  // one byte per register
      program_length_ = std::max(program_length_, at + 1);
      return;
    }
  }
  switch (reg) {
    case c45::kStat1: case c45::kStat2: case c45::kDevId1: case c45::kDevId2:
    case c45::kDevs1: case c45::kDevs2: case c45::kSpeed:
      return;  // read only
    default:
      break;
  }
  if (devad == c45::kPmaPmd && reg == kRevisionReg) return;
  // The PCS's and PHY XS's reset bits self-clear (45.2.3.1.1, 45.2.4.1.1):
  // here the reset completes with the write.
  if ((devad == c45::kPcs || devad == c45::kPhyXs) && reg == c45::kCtrl1)
    value &= static_cast<std::uint16_t>(~c45::ctrl1::kReset);
  vendor_[key(devad, reg)] = value;
  if (devad == c45::kPmaPmd && reg == kMicroReset && micro_in_reset()) running_from_sram_ = false;
  if (devad == c45::kPcs && reg == kBootControl)
    running_from_sram_ = value == kBootFromSram && !micro_in_reset() && program_length_ > 0;
  update_link(now_);
}

void Qt2025Model::release(Nanos now) {
  release_pending(pending_, now);
  advance(now);
}

void Qt2025Model::schedule(Event ev) {
  insert_pending(pending_, std::move(ev));
  advance(now_);
}

void Qt2025Model::plug(const PartnerProfile& partner, Nanos at) {
  schedule({at, true, partner, std::nullopt, after_instant_});
}

void Qt2025Model::unplug(Nanos at) { schedule({at, false, std::nullopt, std::nullopt, after_instant_}); }

// 10GBASE-R has no auto-negotiation: a partner restarting it changes nothing.
void Qt2025Model::partner_restart_aneg(Nanos) {}

void Qt2025Model::flap(Nanos at, Nanos duration) { schedule({at, false, std::nullopt, duration, after_instant_}); }

std::uint16_t Qt2025Model::peek(unsigned reg, Nanos now) {
  advance(now);
  if (!c45::is_c45(reg)) return 0xffff;
  return compose(c45::devad_of(reg), c45::reg_of(reg));
}

bool Qt2025Model::link_up(Nanos now) {
  advance(now);
  return link_;
}

std::optional<WiredPhy::WireMode> Qt2025Model::wire_mode(Nanos now) {
  if (!link_up(now)) return std::nullopt;
  return WireMode{10000, true};
}

bool Qt2025Model::powered_down(Nanos now) {
  advance(now);
  return (pma_ctrl1_ & c45::ctrl1::kLowPower) != 0;
}

std::optional<std::vector<std::uint8_t>> Qt2025Model::running_firmware() const {
  if (!running_from_sram_) return std::nullopt;
  return std::vector<std::uint8_t>(program_.begin(), program_.begin() + static_cast<std::ptrdiff_t>(program_length_));
}

}  // namespace refdrv::hw
