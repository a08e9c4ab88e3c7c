// SPDX-License-Identifier: GPL-2.0
// Register and bit definitions of the IEEE 802.3 Clause 45 MDIO interface
// that the hardware models implement, each group citing the subclause that
// defines it (IEEE 802.3-2018). Like clause22.hpp, the standard's facts in
// refdrv's own words; the host side never includes kernel headers.
#pragma once

#include <cstdint>

namespace refdrv::hw::c45 {

// 45.2: MDIO manageable device (MMD) addresses.
enum Mmd : unsigned {
  kPmaPmd = 1,  // 45.2.1
  kWis = 2,     // 45.2.2
  kPcs = 3,     // 45.2.3
  kPhyXs = 4,   // 45.2.4
  kDteXs = 5,   // 45.2.5
  kAn = 7,      // 45.2.7
  kVend1 = 30,  // 45.2.10, vendor specific 1
  kVend2 = 31,  // vendor specific 2
  kNumMmds = 32,
};

// Registers every MMD has at the same addresses (45.2.1.1-45.2.1.7 for the
// PMA/PMD; the other MMDs repeat the layout).
enum Reg : unsigned {
  kCtrl1 = 0,     // 45.2.1.1 control 1
  kStat1 = 1,     // 45.2.1.2 status 1
  kDevId1 = 2,    // 45.2.1.3 device identifier (OUI bits 3..18)
  kDevId2 = 3,    // (OUI bits 19..24, model, revision)
  kSpeed = 4,     // 45.2.1.4 speed ability
  kDevs1 = 5,     // 45.2.1.5 devices in package (bits 15:0)
  kDevs2 = 6,     // (bits 31:16)
  kCtrl2 = 7,     // 45.2.1.6 PMA/PMD control 2 (type selection)
  kStat2 = 8,     // 45.2.1.7 status 2
  kPkgId1 = 14,   // 45.2.1.12 package identifier
  kPkgId2 = 15,
  kExtAbility = 11,  // 45.2.1.10 PMA/PMD extended ability
  kPcs10GbrStat1 = 32,  // 45.2.3.15 10GBASE-R (and 10GBASE-T) PCS status 1
  kPhyXsLaneStatus = 24,  // 45.2.4.10 PHY XS lane status (10GBASE-X lanes)
  kPcsEeeAbility = 20,    // 45.2.3.10 EEE control and capability 1 (PCS)
  kPcsEeeAbility2 = 21,   // 45.2.3.11 EEE control and capability 2 (2.5G/5G)
  kPmaNgExtAbility = 21,  // 45.2.1.20 2.5G/5G PMA/PMD extended ability (PMA/PMD)
  kAnAdv = 16,            // 45.2.7.6 AN advertisement (base page, bits 15:0)
  kAnLpBase = 19,         // 45.2.7.7 AN LP base page ability (bits 15:0)
  kAn10GBTCtrl = 32,      // 45.2.7.10 multi-gigabit (10GBASE-T) AN control
  kAn10GBTStat = 33,      // 45.2.7.11 multi-gigabit (10GBASE-T) AN status
};

// 45.2.7.1: AN control 1.
namespace an_ctrl1 {
inline constexpr std::uint16_t kRestart = 1u << 9;  // self-clearing
inline constexpr std::uint16_t kEnable = 1u << 12;
inline constexpr std::uint16_t kXnpControl = 1u << 13;
inline constexpr std::uint16_t kReset = 1u << 15;  // self-clearing
}  // namespace an_ctrl1

// 45.2.7.2: AN status.
namespace an_stat1 {
inline constexpr std::uint16_t kLpAnAble = 1u << 0;
inline constexpr std::uint16_t kLinkStatus = 1u << 2;  // latching low
inline constexpr std::uint16_t kAnAbility = 1u << 3;
inline constexpr std::uint16_t kRemoteFault = 1u << 4;  // latching high
inline constexpr std::uint16_t kComplete = 1u << 5;
inline constexpr std::uint16_t kPageReceived = 1u << 6;  // latching high
}  // namespace an_stat1

// 45.2.1.10: PMA/PMD extended ability (the BASE-T ones).
namespace ext_ability {
inline constexpr std::uint16_t k10GBaseT = 1u << 2;
inline constexpr std::uint16_t k1000BaseT = 1u << 5;
inline constexpr std::uint16_t k100BaseTX = 1u << 7;
inline constexpr std::uint16_t k10BaseT = 1u << 8;
inline constexpr std::uint16_t kBaseT1 = 1u << 11;  // BASE-T1 registers exist (1.18)
inline constexpr std::uint16_t kNBaseT = 1u << 14;  // 2.5G/5G ability register exists (1.21)
}  // namespace ext_ability

// 45.2.1.1: PMA/PMD control 1.
namespace ctrl1 {
inline constexpr std::uint16_t kLoopback = 1u << 0;
inline constexpr std::uint16_t kSpeedSelMask = 0x003c;  // bits 5:2 with bits 13 and 6 set
inline constexpr std::uint16_t kSpeedSel6 = 1u << 6;
inline constexpr std::uint16_t kLowPower = 1u << 11;
inline constexpr std::uint16_t kSpeedSel13 = 1u << 13;
inline constexpr std::uint16_t kReset = 1u << 15;
// Bits 13 and 6 set, bits 5:2 = 0000: 10 Gb/s.
inline constexpr std::uint16_t kSpeed10G = kSpeedSel13 | kSpeedSel6;
// 45.2.3.1.2: the PCS's control 1 has its loopback at bit 14 (as BMCR),
// not at the PMA/PMD's bit 0; genphy_c45_loopback() sets it.
inline constexpr std::uint16_t kPcsLoopback = 1u << 14;
}  // namespace ctrl1

// 45.2.1.2: status 1 (the same bits in PCS 3.1 and PHY XS 4.1).
namespace stat1 {
inline constexpr std::uint16_t kLowPowerAbility = 1u << 1;
inline constexpr std::uint16_t kLinkStatus = 1u << 2;  // latching low
inline constexpr std::uint16_t kFault = 1u << 7;
}  // namespace stat1

// 45.2.1.5: devices in package (as one 32-bit value).
namespace devs {
inline constexpr std::uint32_t kClause22 = 1u << 0;
inline constexpr std::uint32_t kPmaPmd = 1u << 1;
inline constexpr std::uint32_t kWis = 1u << 2;
inline constexpr std::uint32_t kPcs = 1u << 3;
inline constexpr std::uint32_t kPhyXs = 1u << 4;
inline constexpr std::uint32_t kAn = 1u << 7;
inline constexpr std::uint32_t kVend1 = 1u << 30;
inline constexpr std::uint32_t kVend2 = 1u << 31;
}  // namespace devs

// 45.2.1.6: PMA/PMD type selection (control 2 bits 5:0).
namespace ctrl2 {
inline constexpr std::uint16_t kTypeMask = 0x003f;
inline constexpr std::uint16_t k10GBaseLR = 0x0006;
inline constexpr std::uint16_t k10GBaseSR = 0x0007;
inline constexpr std::uint16_t k10GBaseT = 0x0009;
inline constexpr std::uint16_t k1000BaseT = 0x000c;
inline constexpr std::uint16_t k100BaseTX = 0x000e;
inline constexpr std::uint16_t k10BaseT = 0x000f;
}  // namespace ctrl2

// 45.2.1.7: PMA/PMD status 2.
namespace stat2 {
inline constexpr std::uint16_t kDevicePresent = 0x8000;  // bits 15:14 = 10: a device responds here
inline constexpr std::uint16_t kDevicePresentMask = 0xc000;
inline constexpr std::uint16_t kExtAbilities = 1u << 9;
inline constexpr std::uint16_t k10GBaseER = 1u << 5;
inline constexpr std::uint16_t k10GBaseLR = 1u << 6;
inline constexpr std::uint16_t k10GBaseSR = 1u << 7;
}  // namespace stat2

// 45.2.1.4: speed ability.
namespace speed {
inline constexpr std::uint16_t k10G = 1u << 0;
inline constexpr std::uint16_t k1000 = 1u << 4;
inline constexpr std::uint16_t k100 = 1u << 5;
inline constexpr std::uint16_t k10 = 1u << 6;
}  // namespace speed

// 45.2.3.15: 10GBASE-R PCS status 1.
namespace pcs_10gbr {
inline constexpr std::uint16_t kBlockLock = 1u << 0;
inline constexpr std::uint16_t kReceiveLink = 1u << 12;
}  // namespace pcs_10gbr

// 45.2.4.10: PHY XS lane status.
namespace phyxs_lanes {
inline constexpr std::uint16_t kLanesSynced = 0x000f;     // lanes 0..3 synchronized
inline constexpr std::uint16_t kLaneAlignment = 1u << 12;  // PHY XGXS lane alignment
}  // namespace phyxs_lanes

// How refdrv writes a Clause-45 register in one number where a register
// number is expected (MDIO trace events, fault rules): the MII_ADDR_C45
// convention the kernel used for mii_bus.read until 6.3.
inline constexpr unsigned kAddrFlag = 1u << 30;
[[nodiscard]] constexpr unsigned encode(unsigned devad, unsigned reg) {
  return kAddrFlag | (devad & 0x1f) << 16 | (reg & 0xffff);
}
[[nodiscard]] constexpr bool is_c45(unsigned encoded) { return (encoded & kAddrFlag) != 0; }
[[nodiscard]] constexpr unsigned devad_of(unsigned encoded) { return (encoded >> 16) & 0x1f; }
[[nodiscard]] constexpr unsigned reg_of(unsigned encoded) { return encoded & 0xffff; }

// The registers the standard makes read-only in the MMDs the models have
// (a write to them is ignored): status, speed ability, identifiers, devices
// in package and package identifier in each (45.2.1.2-45.2.1.7, 45.2.1.12;
// the other MMDs repeat the layout); the PMA/PMD's extended abilities
// (45.2.1.10, 45.2.1.20); the PCS's EEE capability (45.2.3.10, 45.2.3.11),
// EEE wake error counter (45.2.3.12), 10GBASE-R status (45.2.3.15,
// 45.2.3.16) and the PHY XS lane status (45.2.4.10); and the AN MMD's
// link partner pages and statuses (45.2.7.7, 45.2.7.9, 45.2.7.11,
// 45.2.7.14, 45.2.7.17).
constexpr bool read_only(unsigned devad, unsigned reg) {
  if (devad < kPmaPmd || devad > kAn) return false;
  if (reg == kStat1 || reg == kDevId1 || reg == kDevId2 || reg == kSpeed || reg == kDevs1 || reg == kDevs2 ||
      reg == kStat2 || reg == kPkgId1 || reg == kPkgId2)
    return true;
  switch (devad) {
    case kPmaPmd:
      return reg == kExtAbility || reg == kPmaNgExtAbility;
    case kPcs:
      return reg == kPcsEeeAbility || reg == kPcsEeeAbility2 || reg == 22 || reg == kPcs10GbrStat1 || reg == 33;
    case kPhyXs:
      return reg == kPhyXsLaneStatus;
    case kAn:
      return (reg >= kAnLpBase && reg <= 21) || (reg >= 25 && reg <= 27) || reg == kAn10GBTStat || reg == 61 ||
             reg == 63;
    default:
      return false;
  }
}

}  // namespace refdrv::hw::c45
