// SPDX-License-Identifier: GPL-2.0
// The Clause-45 face of a PhyModel (PhyModelSpec::clause45): the MMDs of a
// twisted-pair PHY over the same line side as the Clause-22 registers.
//
// The model keeps one state: what the Clause-45 registers control is kept in
// the Clause-22 register file's layout (control, advertisement, link
// partner), so negotiation, forced modes, reset and the cable behave as
// phy_model.cpp implements them for both faces. What each register is:
//   every present MMD (1, 3, 7, 30, 31): 2/3 and 14/15 the identifier,
//     5/6 devices in package, 8 status 2 "device present" (45.2.1.3-7)
//   1.0  PMA/PMD control 1 (45.2.1.1): reset (self-clearing; the PHY's
//        reset), low power, speed selection (bits 13 and 6 as BMCR's; bits
//        5:2 above 1 Gb/s read back as written and give no link), loopback
//   1.1  PMA/PMD status 1 (45.2.1.2): receive link status, latching low
//   1.4  speed ability, 1.11 extended ability (45.2.1.4, 45.2.1.10): the
//        model's BASE-T technologies
//   3.0  PCS control 1: reset self-clears, other bits stored
//   3.1  PCS status 1 (45.2.3.2): link, latching low
//   7.0  AN control 1 (45.2.7.1): enable, restart (self-clearing), reset
//        (the advertisement back to its default, a restart)
//   7.1  AN status 1 (45.2.7.2): link partner AN able, link (latching low),
//        AN ability, remote fault and page received (latching high), complete
//   7.16 AN advertisement (45.2.7.6): the base page, Clause 28's layout
//   7.19 AN link partner base page ability (45.2.7.7)
//   7.33 multi-gigabit AN status (45.2.7.11): 0, no such partner exists here
// Everything else, the vendor MMDs included, is stored and read back (0 until
// written or given a default in PhyModelSpec::mmd_defaults).
#include "hw/clause45.hpp"
#include "hw/phy_model.hpp"

namespace refdrv::hw {

namespace {

constexpr std::uint32_t kDevices = c45::devs::kPmaPmd | c45::devs::kPcs | c45::devs::kAn | c45::devs::kVend1 |
                                   c45::devs::kVend2;

constexpr bool present(unsigned devad) { return devad < 32 && ((kDevices >> devad) & 1u) != 0; }

// The identification registers every present MMD has; read-only.
constexpr bool identification(unsigned reg) {
  using namespace c45;
  return reg == kDevId1 || reg == kDevId2 || reg == kDevs1 || reg == kDevs2 || reg == kStat2 || reg == kPkgId1 ||
         reg == kPkgId2;
}

// A register listing the speeds the PHY can run: `ten`, `hundred` and
// `gig` for those of `ab` (either duplex).
std::uint16_t speed_bits(const ModeSet& ab, std::uint16_t ten, std::uint16_t hundred, std::uint16_t gig) {
  std::uint16_t v = 0;
  if (ab.has(Mode::k10Half) || ab.has(Mode::k10Full)) v |= ten;
  if (ab.has(Mode::k100Half) || ab.has(Mode::k100Full)) v |= hundred;
  if (ab.has(Mode::k1000Half) || ab.has(Mode::k1000Full)) v |= gig;
  return v;
}

}  // namespace

bool c45_vendor_register(unsigned devad, unsigned reg) {
  if (present(devad) && identification(reg)) return false;
  return devad == c45::kVend1 || devad == c45::kVend2 || reg >= 0x8000 || !present(devad);
}

bool PhyModel::looped() const { return regs_[c22::kBmcr] & c22::bmcr::kLoopback; }

bool PhyModel::c45_link(unsigned devad) const {
  if (looped()) return true;  // the PMA/PMD's loopback: the MMDs above it see it as link
  // The PCS's own loopback (45.2.3.1.2) is seen by the PCS alone: the
  // PMA/PMD's receive link still follows the medium (45.2.1.2.3).
  if (devad == c45::kPcs && spec_.clause45 && (mmd_register(c45::kPcs, c45::kCtrl1) & c45::ctrl1::kPcsLoopback))
    return true;
  return phase_ == LinkPhase::kUp && ((c45_link_latched_low_ >> devad) & 1u) == 0;
}

std::uint16_t PhyModel::compose_c45(unsigned devad, unsigned reg) const {
  using namespace c45;
  namespace bmcr = c22::bmcr;
  if (present(devad) && identification(reg)) {
    switch (reg) {
      case kDevId1:
      case kPkgId1:
        return static_cast<std::uint16_t>(spec_.phy_id >> 16);
      case kDevId2:
      case kPkgId2:
        return static_cast<std::uint16_t>(spec_.phy_id & 0xffff);
      case kDevs1:
        return static_cast<std::uint16_t>(kDevices & 0xffff);
      case kDevs2:
        return static_cast<std::uint16_t>(kDevices >> 16);
      default:  // kStat2
        return static_cast<std::uint16_t>(stat2::kDevicePresent | (devad == kPmaPmd ? stat2::kExtAbilities : 0));
    }
  }
  const std::uint16_t control = regs_[c22::kBmcr];
  const ModeSet& ab = spec_.abilities;
  switch (devad) {
    case kPmaPmd:
      if (reg == kCtrl1) {
        std::uint16_t v = mmd_register(kPmaPmd, kCtrl1) & ctrl1::kSpeedSelMask;
        if (reset_done_at_) v |= ctrl1::kReset;
        if (control & bmcr::kPowerDown) v |= ctrl1::kLowPower;
        if (control & bmcr::kLoopback) v |= ctrl1::kLoopback;
        if (control & bmcr::kSpeed100) v |= ctrl1::kSpeedSel13;
        if (control & bmcr::kSpeed1000) v |= ctrl1::kSpeedSel6;
        return v;
      }
      if (reg == kStat1) return static_cast<std::uint16_t>(stat1::kLowPowerAbility | (c45_link(kPmaPmd) ? stat1::kLinkStatus : 0));
      if (reg == kSpeed) return speed_bits(ab, speed::k10, speed::k100, speed::k1000);
      if (reg == kExtAbility)
        return speed_bits(ab, ext_ability::k10BaseT, ext_ability::k100BaseTX, ext_ability::k1000BaseT);
      break;
    case kPcs:
      if (reg == kCtrl1)
        return static_cast<std::uint16_t>(mmd_register(kPcs, kCtrl1) | (reset_done_at_ ? ctrl1::kReset : 0));
      if (reg == kStat1) return static_cast<std::uint16_t>(stat1::kLowPowerAbility | (c45_link(kPcs) ? stat1::kLinkStatus : 0));
      break;
    case kAn:
      if (reg == kCtrl1) {
        std::uint16_t v = mmd_register(kAn, kCtrl1) & an_ctrl1::kXnpControl;
        if (control & bmcr::kAnEnable) v |= an_ctrl1::kEnable;
        return v;
      }
      if (reg == kStat1) {
        std::uint16_t v = 0;
        if (regs_[c22::kExpansion] & c22::expansion::kLpAnAble) v |= an_stat1::kLpAnAble;
        if (c45_link(kAn)) v |= an_stat1::kLinkStatus;
        if (spec_.autoneg_capable) v |= an_stat1::kAnAbility;
        if (rfault_latched_) v |= an_stat1::kRemoteFault;
        if (an_complete_ && (control & bmcr::kAnEnable)) v |= an_stat1::kComplete;
        if (page_received_latched_) v |= an_stat1::kPageReceived;
        return v;
      }
      if (reg == kAnAdv) return regs_[c22::kAdvertise];
      if (reg == kAnLpBase) return regs_[c22::kLpa];
      if (reg == kAn10GBTStat) return 0;
      break;
    default:
      break;
  }
  return mmd_register(devad, reg);
}

std::uint16_t PhyModel::c45_read(unsigned devad, unsigned reg) {
  using namespace c45;
  const std::uint16_t v = compose_c45(devad, reg);
  if (reg == kStat1 && (devad == kPmaPmd || devad == kPcs || devad == kAn)) {
    c45_link_latched_low_ &= ~(1u << devad);  // a read clears the latch
    if (devad == kAn) {
      rfault_latched_ = false;
      page_received_latched_ = false;
    }
  }
  return v;
}

void PhyModel::c45_write(unsigned devad, unsigned reg, std::uint16_t value) {
  using namespace c45;
  namespace bmcr = c22::bmcr;
  if (present(devad) && (identification(reg) || read_only(devad, reg))) return;  // the vendor MMDs' IDs too
  switch (devad) {
    case kPmaPmd:
      if (reg == kCtrl1) {
        store_mmd(kPmaPmd, kCtrl1, value & ctrl1::kSpeedSelMask);
        // The same control as BMCR: autonegotiation (an AN MMD matter) kept;
        // a forced BASE-T mode of Clause 45 is full duplex.
        std::uint16_t b = regs_[c22::kBmcr] & bmcr::kAnEnable;
        b |= bmcr::kFullDuplex;
        if (value & ctrl1::kReset) b |= bmcr::kReset;
        if (value & ctrl1::kLowPower) b |= bmcr::kPowerDown;
        if (value & ctrl1::kLoopback) b |= bmcr::kLoopback;
        if (value & ctrl1::kSpeedSel13) b |= bmcr::kSpeed100;
        if (value & ctrl1::kSpeedSel6) b |= bmcr::kSpeed1000;
        control_write(b);
        return;
      }
      break;
    case kPcs:
      if (reg == kCtrl1) {
        store_mmd(kPcs, kCtrl1, value & static_cast<std::uint16_t>(~ctrl1::kReset));  // reset self-clears
        return;
      }
      break;
    case kAn:
      if (reg == kCtrl1) {
        store_mmd(kAn, kCtrl1, value & an_ctrl1::kXnpControl);
        if (value & an_ctrl1::kReset) regs_[c22::kAdvertise] = spec_.advertise_default;
        std::uint16_t b = regs_[c22::kBmcr] & static_cast<std::uint16_t>(~(bmcr::kAnEnable | bmcr::kReset));
        if (value & an_ctrl1::kEnable) b |= bmcr::kAnEnable;
        if (value & (an_ctrl1::kRestart | an_ctrl1::kReset)) b |= bmcr::kAnRestart;
        control_write(b);
        return;
      }
      if (reg == kAnAdv) {
        regs_[c22::kAdvertise] = value;
        return;
      }
      break;
    default:
      break;
  }
  store_mmd(devad, reg, value);
}

std::uint16_t PhyModel::read_c45(unsigned devad, unsigned reg, Nanos now) {
  if (!spec_.clause45) return 0xffff;  // no answer: the bus's pull-ups
  advance(now);
  return c45_read(devad, reg);
}

void PhyModel::write_c45(unsigned devad, unsigned reg, std::uint16_t value, Nanos now) {
  if (!spec_.clause45) return;
  advance(now);
  if (reset_done_at_) return;  // the PHY is resetting: writes are not accepted
  c45_write(devad, reg, value);
}

}  // namespace refdrv::hw
