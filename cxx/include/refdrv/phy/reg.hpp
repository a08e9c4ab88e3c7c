// SPDX-License-Identifier: GPL-2.0
// PHY registers of the Clause-22 and Clause-45 namespaces (IEEE 802.3), as
// typed values; vendor-specific register numbers are checked at compile time.
#pragma once

#include <concepts>
#include <cstdint>

namespace refdrv::phy::reg {

// A Clause-22 register (22.2.4, Table 22-6).
class C22 {
 public:
  static const C22 BMCR, BMSR, PHYSID1, PHYSID2, ADVERTISE, LPA, EXPANSION, NEXT_PAGE_TRANSMIT,
      LP_RECEIVED_NEXT_PAGE, MASTER_SLAVE_CONTROL, MASTER_SLAVE_STATUS, PSE_CONTROL, PSE_STATUS, MMD_CONTROL,
      MMD_DATA, EXTENDED_STATUS;

  // Registers 16..31 are vendor specific (22.2.4); anything else does not
  // compile.
  template <std::uint8_t N>
  static consteval C22 vendor_specific() {
    static_assert(N > 0x0f && N < 0x20, "Vendor-specific register address must be between 16 and 31");
    return C22{N};
  }

  [[nodiscard]] constexpr std::uint8_t number() const { return num_; }

 private:
  constexpr explicit C22(std::uint8_t n) : num_(n) {}
  std::uint8_t num_;
};

inline constexpr C22 C22::BMCR{0x00};
inline constexpr C22 C22::BMSR{0x01};
inline constexpr C22 C22::PHYSID1{0x02};
inline constexpr C22 C22::PHYSID2{0x03};
inline constexpr C22 C22::ADVERTISE{0x04};
inline constexpr C22 C22::LPA{0x05};
inline constexpr C22 C22::EXPANSION{0x06};
inline constexpr C22 C22::NEXT_PAGE_TRANSMIT{0x07};
inline constexpr C22 C22::LP_RECEIVED_NEXT_PAGE{0x08};
inline constexpr C22 C22::MASTER_SLAVE_CONTROL{0x09};
inline constexpr C22 C22::MASTER_SLAVE_STATUS{0x0a};
inline constexpr C22 C22::PSE_CONTROL{0x0b};
inline constexpr C22 C22::PSE_STATUS{0x0c};
inline constexpr C22 C22::MMD_CONTROL{0x0d};
inline constexpr C22 C22::MMD_DATA{0x0e};
inline constexpr C22 C22::EXTENDED_STATUS{0x0f};

// A Clause-45 MDIO manageable device (45.2, Table 45-1).
class Mmd {
 public:
  static const Mmd PMAPMD, WIS, PCS, PHYXS, DTEXS, TC, AN, SEPARATED_PMA1, SEPARATED_PMA2, SEPARATED_PMA3,
      SEPARATED_PMA4, OFDM_PMAPMD, POWER_UNIT, C22_EXT, VEND1, VEND2;
  [[nodiscard]] constexpr std::uint8_t number() const { return num_; }

 private:
  constexpr explicit Mmd(std::uint8_t n) : num_(n) {}
  std::uint8_t num_;
};

inline constexpr Mmd Mmd::PMAPMD{1};
inline constexpr Mmd Mmd::WIS{2};
inline constexpr Mmd Mmd::PCS{3};
inline constexpr Mmd Mmd::PHYXS{4};
inline constexpr Mmd Mmd::DTEXS{5};
inline constexpr Mmd Mmd::TC{6};
inline constexpr Mmd Mmd::AN{7};
inline constexpr Mmd Mmd::SEPARATED_PMA1{8};
inline constexpr Mmd Mmd::SEPARATED_PMA2{9};
inline constexpr Mmd Mmd::SEPARATED_PMA3{10};
inline constexpr Mmd Mmd::SEPARATED_PMA4{11};
inline constexpr Mmd Mmd::OFDM_PMAPMD{12};
inline constexpr Mmd Mmd::POWER_UNIT{13};
inline constexpr Mmd Mmd::C22_EXT{29};
inline constexpr Mmd Mmd::VEND1{30};
inline constexpr Mmd Mmd::VEND2{31};

// A Clause-45 register: an MMD and a register number.
class C45 {
 public:
  constexpr C45(Mmd devad, std::uint16_t regnum) : devad_(devad), regnum_(regnum) {}
  [[nodiscard]] constexpr Mmd devad() const { return devad_; }
  [[nodiscard]] constexpr std::uint16_t regnum() const { return regnum_; }

 private:
  Mmd devad_;
  std::uint16_t regnum_;
};

// The two register namespaces and nothing else (the Rust trait is sealed).
template <class R>
concept Register = std::same_as<R, C22> || std::same_as<R, C45>;

}  // namespace refdrv::phy::reg

namespace refdrv::phy::mii {
// Basic mode control register bits (22.2.4.1, Table 22-7), the values of
// include/uapi/linux/mii.h.
inline constexpr std::uint16_t BMCR_FULLDPLX = 0x0100;
inline constexpr std::uint16_t BMCR_ANRESTART = 0x0200;
inline constexpr std::uint16_t BMCR_PDOWN = 0x0800;
inline constexpr std::uint16_t BMCR_ANENABLE = 0x1000;
inline constexpr std::uint16_t BMCR_SPEED100 = 0x2000;
inline constexpr std::uint16_t BMCR_RESET = 0x8000;
}  // namespace refdrv::phy::mii

namespace refdrv::phy::uapi {
// include/uapi/linux/ethtool.h speeds (a stable ABI).
inline constexpr std::uint32_t SPEED_10 = 10;
inline constexpr std::uint32_t SPEED_100 = 100;
inline constexpr std::uint32_t SPEED_1000 = 1000;
}  // namespace refdrv::phy::uapi
