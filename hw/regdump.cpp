// SPDX-License-Identifier: GPL-2.0
#include "hw/regdump.hpp"

#include <fmt/format.h>

#include "hw/clause45.hpp"

#include <array>
#include <utility>
#include <vector>

namespace refdrv::hw {

using namespace c22;

namespace {

using Flag = std::pair<std::uint16_t, const char*>;

std::string flags(std::uint16_t value, std::initializer_list<Flag> list) {
  std::string out;
  for (const auto& [bit, name] : list) {
    if (!out.empty()) out += ' ';
    out += (value & bit) ? '+' : '-';
    out += name;
  }
  return out;
}

std::string tech(std::uint16_t v) {
  std::vector<std::string> modes;
  if (v & adv::k100T4) modes.emplace_back("100-t4");
  if (v & adv::k100Full) modes.emplace_back("100-full");
  if (v & adv::k100Half) modes.emplace_back("100-half");
  if (v & adv::k10Full) modes.emplace_back("10-full");
  if (v & adv::k10Half) modes.emplace_back("10-half");
  std::string out;
  for (const auto& m : modes) out += (out.empty() ? "" : ",") + m;
  return out.empty() ? "none" : out;
}

}  // namespace

namespace {

// Clause-45 registers by MMD and address (45.2) and the QT2025's vendor
// registers its Linux driver names; "PMA:CTRL1", "PCS:PROG+0x0012".
std::string c45_name(unsigned devad, unsigned reg) {
  static constexpr std::array<const char*, 9> kCommon = {"CTRL1", "STAT1", "DEVID1", "DEVID2", "SPEED",
                                                         "DEVS1", "DEVS2", "CTRL2", "STAT2"};
  const char* mmd = devad == c45::kPmaPmd ? "PMA"
                    : devad == c45::kPcs  ? "PCS"
                    : devad == c45::kPhyXs ? "PHYXS"
                    : devad == c45::kAn    ? "AN"
                                           : nullptr;
  const std::string m = mmd ? mmd : fmt::format("MMD{}", devad);
  if (reg < kCommon.size()) return m + ":" + kCommon[reg];
  if (reg == c45::kPkgId1 || reg == c45::kPkgId2) return m + (reg == c45::kPkgId1 ? ":PKGID1" : ":PKGID2");
  if (devad == c45::kPmaPmd && reg == c45::kExtAbility) return m + ":EXTABLE";
  if (devad == c45::kPmaPmd && reg == c45::kPmaNgExtAbility) return m + ":NG_EXTABLE";
  if (devad == c45::kPcs && reg == c45::kPcsEeeAbility) return m + ":EEE_ABLE";
  if (devad == c45::kPcs && reg == c45::kPcsEeeAbility2) return m + ":EEE_ABLE2";
  if (devad == c45::kAn && reg == c45::kAnAdv) return m + ":ADV";
  if (devad == c45::kAn && reg == c45::kAnLpBase) return m + ":LPA";
  if (devad == c45::kAn && reg == c45::kAn10GBTCtrl) return m + ":10GBT_CTRL";
  if (devad == c45::kAn && reg == c45::kAn10GBTStat) return m + ":10GBT_STAT";
  if (devad == c45::kPcs && reg == c45::kPcs10GbrStat1) return m + ":10GBR_STAT1";
  if (devad == c45::kPhyXs && reg == c45::kPhyXsLaneStatus) return m + ":LANES";
  if (devad == c45::kPmaPmd && reg == 0xd001) return m + ":HW_REV";
  if (devad == c45::kPmaPmd && reg == 0xc300) return m + ":MICRO_RESETN";
  if (devad == c45::kPcs && reg == 0xe854) return m + ":BOOT_CTRL";
  if (devad == c45::kPcs && reg >= 0x8000 && reg < 0xc000) return fmt::format("{}:PROG+0x{:04x}", m, reg - 0x8000);
  if (devad == c45::kPhyXs && reg >= 0x8000 && reg < 0xa000)
    return fmt::format("{}:PROG+0x{:04x}", m, reg - 0x8000 + 0x4000);
  return fmt::format("{}:0x{:04x}", m, reg);
}

}  // namespace

std::string register_name(unsigned reg) {
  if (c45::is_c45(reg)) return c45_name(c45::devad_of(reg), c45::reg_of(reg));
  static constexpr std::array<const char*, 16> kNames = {
      "BMCR", "BMSR", "PHYSID1", "PHYSID2", "ADVERTISE", "LPA", "EXPANSION", "NPAGE",
      "LPA_NP", "CTRL1000", "STAT1000", "RESV11", "RESV12", "MMD_CTRL", "MMD_DATA", "ESTATUS"};
  if (reg < kNames.size()) return kNames[reg];
  return fmt::format("VENDOR{:02d}", reg);
}

std::string decode_register(unsigned reg, std::uint16_t v) {
  if (c45::is_c45(reg)) return fmt::format("{}: 0x{:04x}", register_name(reg), v);
  std::string head = fmt::format("{}(0x{:02x}): 0x{:04x}", register_name(reg), reg, v);
  switch (reg) {
    case kBmcr: {
      std::string speed;
      if (v & bmcr::kAnEnable)
        speed = "autoneg";
      else if ((v & bmcr::kSpeed1000) && (v & bmcr::kSpeed100))
        speed = "reserved";
      else
        speed = fmt::format("{}-{}", (v & bmcr::kSpeed1000) ? 1000 : (v & bmcr::kSpeed100) ? 100 : 10,
                            (v & bmcr::kFullDuplex) ? "full" : "half");
      return fmt::format("{}  {}  speed: {}", head,
                         flags(v, {{bmcr::kReset, "reset"},
                                   {bmcr::kLoopback, "loopback"},
                                   {bmcr::kAnEnable, "aneg-enable"},
                                   {bmcr::kPowerDown, "power-down"},
                                   {bmcr::kIsolate, "isolate"},
                                   {bmcr::kAnRestart, "aneg-restart"},
                                   {bmcr::kCollisionTest, "collision-test"}}),
                         speed);
    }
    case kBmsr:
      return fmt::format("{}  {}  {}", head,
                         flags(v, {{bmsr::k100T4, "100-t4"},
                                   {bmsr::k100Full, "100-full"},
                                   {bmsr::k100Half, "100-half"},
                                   {bmsr::k10Full, "10-full"},
                                   {bmsr::k10Half, "10-half"}}),
                         flags(v, {{bmsr::kExtendedStatus, "ext-status"},
                                   {bmsr::kAnComplete, "aneg-complete"},
                                   {bmsr::kRemoteFault, "remote-fault"},
                                   {bmsr::kAnAbility, "aneg-capable"},
                                   {bmsr::kLinkStatus, "link"},
                                   {bmsr::kJabber, "jabber"},
                                   {bmsr::kExtendedCapability, "ext-register"}}));
    case kAdvertise:
    case kLpa:
      return fmt::format("{}  modes: {}  {}", head, tech(v),
                         flags(v, {{adv::kPause, "pause"},
                                   {adv::kAsymPause, "asym-pause"},
                                   {adv::kRemoteFault, "remote-fault"},
                                   {adv::kAck, "ack"},
                                   {adv::kNextPage, "next-page"}}));
    case kExpansion:
      return fmt::format("{}  {}", head,
                         flags(v, {{expansion::kParallelDetectionFault, "pd-fault"},
                                   {expansion::kLpNextPageAble, "lp-next-page"},
                                   {expansion::kNextPageAble, "next-page"},
                                   {expansion::kPageReceived, "page-received"},
                                   {expansion::kLpAnAble, "lp-aneg-able"}}));
    case kCtrl1000:
      return fmt::format("{}  {}", head, flags(v, {{gbit::kAdv1000Full, "1000-full"}, {gbit::kAdv1000Half, "1000-half"}}));
    case kStat1000:
      return fmt::format("{}  {}", head,
                         flags(v, {{gbit::kMsFault, "ms-fault"},
                                   {gbit::kLp1000Full, "lp-1000-full"},
                                   {gbit::kLp1000Half, "lp-1000-half"}}));
    case kEstatus:
      return fmt::format("{}  {}", head,
                         flags(v, {{estatus::k1000TFull, "1000-t-full"}, {estatus::k1000THalf, "1000-t-half"}}));
    default:
      return head;
  }
}

std::string dump_registers(PhyModel& phy, Nanos now) {
  if (!phy.spec().clause22)
    return "(no register dump for this model: it answers Clause-45 frames only, and the dump is of Clause-22 "
           "registers)\n";
  std::string out;
  for (unsigned reg = 0; reg < kNumRegs; ++reg) {
    const std::uint16_t v = phy.peek(reg, now);
    if (reg >= kFirstVendor && v == 0) continue;
    if (reg == kMmdCtrl || reg == kMmdData) {
      const char* how = phy.spec().mmd == MmdAccess::kIndirect ? "MMD access (22.2.4.3.11)"
                                                                : "not implemented, reads as the reserved value";
      out += fmt::format("{}  {}\n", decode_register(reg, v), how);
      continue;
    }
    out += decode_register(reg, v) + '\n';
  }
  return out;
}

}  // namespace refdrv::hw
