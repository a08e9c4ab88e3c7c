// SPDX-License-Identifier: GPL-2.0
// Register and bit definitions of the IEEE 802.3 Clause 22 MII management
// interface, as the hardware models implement them. Each group cites the
// subclause that defines it. (The host side never includes kernel headers;
// these are the standard's facts, written out.)
#pragma once

#include <cstdint>

namespace refdrv::hw::c22 {

// 22.2.4, Table 22-6: MII management register set.
enum Reg : unsigned {
  kBmcr = 0,        // 22.2.4.1 Control register
  kBmsr = 1,        // 22.2.4.2 Status register
  kPhyId1 = 2,      // 22.2.4.3.1 PHY Identifier (OUI bits 3..18)
  kPhyId2 = 3,      // 22.2.4.3.1 (OUI bits 19..24, model, revision)
  kAdvertise = 4,   // 28.2.4.1.3 Auto-Negotiation advertisement
  kLpa = 5,         // 28.2.4.1.4 Link partner ability (base page)
  kExpansion = 6,   // 28.2.4.1.5 Auto-Negotiation expansion
  kNextPageTx = 7,  // 28.2.4.1.6 Next page transmit
  kLpNextPage = 8,  // 28.2.4.1.7 Link partner received next page
  kCtrl1000 = 9,    // 40.5.1.1 MASTER-SLAVE control (1000BASE-T)
  kStat1000 = 10,   // 40.5.1.1 MASTER-SLAVE status (1000BASE-T)
  kMmdCtrl = 13,    // 22.2.4.3.11 MMD access control
  kMmdData = 14,    // 22.2.4.3.12 MMD access address data
  kEstatus = 15,    // 22.2.4.4 Extended status
  kFirstVendor = 16,  // 22.2.4: registers 16-31 are vendor specific
  kNumRegs = 32,
};

// Whether `reg` is one of the vendor-specific registers 16-31.
[[nodiscard]] constexpr bool is_vendor(long long reg) { return reg >= kFirstVendor && reg < kNumRegs; }

// 22.2.4.1, Table 22-7: Control register bits.
namespace bmcr {
inline constexpr std::uint16_t kSpeed1000 = 1u << 6;  // 22.2.4.1.3 speed selection MSB
inline constexpr std::uint16_t kCollisionTest = 1u << 7;  // 22.2.4.1.9
inline constexpr std::uint16_t kFullDuplex = 1u << 8;     // 22.2.4.1.8
inline constexpr std::uint16_t kAnRestart = 1u << 9;      // 22.2.4.1.7, self-clearing
inline constexpr std::uint16_t kIsolate = 1u << 10;       // 22.2.4.1.6
inline constexpr std::uint16_t kPowerDown = 1u << 11;     // 22.2.4.1.5
inline constexpr std::uint16_t kAnEnable = 1u << 12;      // 22.2.4.1.4
inline constexpr std::uint16_t kSpeed100 = 1u << 13;      // 22.2.4.1.3 speed selection LSB
inline constexpr std::uint16_t kLoopback = 1u << 14;      // 22.2.4.1.2
inline constexpr std::uint16_t kReset = 1u << 15;         // 22.2.4.1.1, self-clearing
}  // namespace bmcr

// 22.2.4.2, Table 22-8: Status register bits (read only).
namespace bmsr {
inline constexpr std::uint16_t kExtendedCapability = 1u << 0;  // 22.2.4.2.14
inline constexpr std::uint16_t kJabber = 1u << 1;              // 22.2.4.2.12, latching high
inline constexpr std::uint16_t kLinkStatus = 1u << 2;          // 22.2.4.2.13, latching low
inline constexpr std::uint16_t kAnAbility = 1u << 3;           // 22.2.4.2.10
inline constexpr std::uint16_t kRemoteFault = 1u << 4;         // 22.2.4.2.11, latching high
inline constexpr std::uint16_t kAnComplete = 1u << 5;          // 22.2.4.2.9
inline constexpr std::uint16_t kExtendedStatus = 1u << 8;      // 22.2.4.2.16
inline constexpr std::uint16_t k10Half = 1u << 11;             // 22.2.4.2.6
inline constexpr std::uint16_t k10Full = 1u << 12;             // 22.2.4.2.5
inline constexpr std::uint16_t k100Half = 1u << 13;            // 22.2.4.2.4 (100BASE-X)
inline constexpr std::uint16_t k100Full = 1u << 14;            // 22.2.4.2.3 (100BASE-X)
inline constexpr std::uint16_t k100T4 = 1u << 15;              // 22.2.4.2.2
}  // namespace bmsr

// 28.2.1.2 / Annex 28B.2: base page technology ability field and the
// bits around it, as they appear in the advertisement and LPA registers.
namespace adv {
inline constexpr std::uint16_t kSelectorMask = 0x001f;  // 28.2.1.2.1 selector field
inline constexpr std::uint16_t kSelector8023 = 0x0001;  // Annex 28A: IEEE 802.3
inline constexpr std::uint16_t k10Half = 1u << 5;       // 28B.2 A0 10BASE-T
inline constexpr std::uint16_t k10Full = 1u << 6;       // A1 10BASE-T full duplex
inline constexpr std::uint16_t k100Half = 1u << 7;      // A2 100BASE-TX
inline constexpr std::uint16_t k100Full = 1u << 8;      // A3 100BASE-TX full duplex
inline constexpr std::uint16_t k100T4 = 1u << 9;        // A4 100BASE-T4
inline constexpr std::uint16_t kPause = 1u << 10;       // A5 PAUSE (Annex 28B.2)
inline constexpr std::uint16_t kAsymPause = 1u << 11;   // A6 asymmetric PAUSE
inline constexpr std::uint16_t kExtNextPage = 1u << 12; // 28.2.1.2.5 XNP
inline constexpr std::uint16_t kRemoteFault = 1u << 13; // 28.2.1.2.4 RF
inline constexpr std::uint16_t kAck = 1u << 14;         // 28.2.1.2.5 Acknowledge
inline constexpr std::uint16_t kNextPage = 1u << 15;    // 28.2.1.2.6 NP
inline constexpr std::uint16_t kTechMask = 0x0fe0;      // A0..A6
}  // namespace adv

// 28.2.4.1.5, Table 28-6: Auto-Negotiation expansion register bits.
namespace expansion {
inline constexpr std::uint16_t kLpAnAble = 1u << 0;      // link partner AN able
inline constexpr std::uint16_t kPageReceived = 1u << 1;  // latching high
inline constexpr std::uint16_t kNextPageAble = 1u << 2;
inline constexpr std::uint16_t kLpNextPageAble = 1u << 3;
inline constexpr std::uint16_t kParallelDetectionFault = 1u << 4;  // latching high
}  // namespace expansion

// 40.5.1.1, Tables 40-3/40-4: 1000BASE-T control and status.
namespace gbit {
inline constexpr std::uint16_t kAdv1000Half = 1u << 8;   // 9.8
inline constexpr std::uint16_t kAdv1000Full = 1u << 9;   // 9.9
inline constexpr std::uint16_t kLp1000Half = 1u << 10;   // 10.10
inline constexpr std::uint16_t kLp1000Full = 1u << 11;   // 10.11
inline constexpr std::uint16_t kMsFault = 1u << 15;      // 10.15
}  // namespace gbit

// 22.2.4.4, Table 22-10: Extended status.
namespace estatus {
inline constexpr std::uint16_t k1000THalf = 1u << 12;
inline constexpr std::uint16_t k1000TFull = 1u << 13;
}  // namespace estatus

// 22.2.4.3.11, Table 22-11: MMD access control register.
namespace mmd {
inline constexpr std::uint16_t kDevadMask = 0x001f;
inline constexpr std::uint16_t kFunctionMask = 0xc000;
inline constexpr std::uint16_t kFunctionAddress = 0x0000;
inline constexpr std::uint16_t kFunctionData = 0x4000;          // no post increment
inline constexpr std::uint16_t kFunctionDataPostIncRw = 0x8000;
inline constexpr std::uint16_t kFunctionDataPostIncW = 0xc000;
}  // namespace mmd

}  // namespace refdrv::hw::c22
