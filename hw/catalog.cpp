// SPDX-License-Identifier: GPL-2.0
#include "hw/catalog.hpp"

#include <algorithm>
#include <array>

namespace refdrv::hw {

namespace {

using c22::adv::k100Full;
using c22::adv::k100Half;
using c22::adv::k10Full;
using c22::adv::k10Half;
using c22::adv::kSelector8023;

constexpr std::uint16_t kAdv10_100 = kSelector8023 | k10Half | k10Full | k100Half | k100Full;  // 0x01e1
constexpr std::uint16_t kBmcrAutoneg100Full =
    c22::bmcr::kAnEnable | c22::bmcr::kSpeed100 | c22::bmcr::kFullDuplex;  // 0x3100

const ModeSet k10_100{Mode::k10Half, Mode::k10Full, Mode::k100Half, Mode::k100Full};
const ModeSet k10_100_1000{Mode::k10Half, Mode::k10Full, Mode::k100Half, Mode::k100Full, Mode::k1000Half,
                           Mode::k1000Full};

PhyModelSpec asix(std::string name, std::uint32_t id, std::string description, bool internal, Quirks quirks) {
  PhyModelSpec s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.phy_id = id;
  s.default_addr = 0x10;  // where the Asix MACs place their PHY
  s.internal = internal;
  s.abilities = k10_100;
  s.bmcr_default = kBmcrAutoneg100Full;
  s.advertise_default = kAdv10_100;
  // A 10/100 PHY predating EEE: registers 13/14 are reserved and read 0, so
  // phylib's probe finds no EEE abilities.
  s.mmd = MmdAccess::kNotImplemented;
  s.mmd_reserved_value = 0;
  s.quirks = quirks;
  if (internal)
    // drivers/net/usb/asix_devices.c (ax88772_init_mdio) leaves only the PHY's
    // address and the embedded PHY's (AX_EMBD_PHY_ADDR, 0x10) to the scan.
    s.bus_mask = ~((1u << s.default_addr) | (1u << 0x10));
  // ax88796.c (AX88796B) registers its bit-banged bus unmasked.
  return s;
}

PhyModelSpec ax88772a() {
  PhyModelSpec s = asix("AX88772A", 0x003b1861, "Asix AX88772A USB Ethernet, integrated 10/100 PHY", true,
                        Quirks{.lpa_zero_with_legacy_partner = true,
                               .lpa_stale_after_link_drop = true,
                               .bmcr_shows_resolved_mode = true});
  // Vendor registers 20-22 power up with the values the USB MAC driver
  // checks and restores if they differ (drivers/net/usb/asix_devices.c,
  // AX88772A_PHY14H_DEFAULT and the next two, in ax88772a_hw_reset()).
  s.vendor_defaults[20 - 16] = 0x442c;
  s.vendor_defaults[21 - 16] = 0x03c8;
  s.vendor_defaults[22 - 16] = 0x4044;
  return s;
}

std::array<PhyModelSpec, 9> build_models() {
  PhyModelSpec generic;
  generic.name = "generic";
  generic.description = "Clause-22 10/100 PHY with no vendor driver (ID configurable)";
  generic.phy_id = 0x0a0b0c10;
  generic.default_addr = 1;
  generic.abilities = k10_100;
  generic.bmcr_default = kBmcrAutoneg100Full;
  generic.advertise_default = kAdv10_100;

  PhyModelSpec generic_gbit = generic;
  generic_gbit.name = "generic-gigabit";
  generic_gbit.description = "Clause-22 10/100/1000 PHY with EEE through registers 13/14";
  generic_gbit.phy_id = 0x0a0b0c20;
  generic_gbit.abilities = k10_100_1000;
  generic_gbit.bmcr_default = c22::bmcr::kAnEnable | c22::bmcr::kSpeed1000 | c22::bmcr::kFullDuplex;
  generic_gbit.ctrl1000_default = c22::gbit::kAdv1000Half | c22::gbit::kAdv1000Full;
  generic_gbit.mmd = MmdAccess::kIndirect;
  // 3.20 EEE capability: 100BASE-TX and 1000BASE-T EEE (45.2.3.10).
  generic_gbit.mmd_defaults = {{(3u << 16) | 20u, 0x0006}, {(7u << 16) | 60u, 0x0006}};

  // Renesas uPD60620 (drivers/net/phy/uPD60620.c): a 10/100 PHY whose driver
  // reads the negotiated speed and duplex from register 31's speed
  // indication (10 Mb/s 0x0004, 100 Mb/s 0x0008, full duplex 0x0010).
  PhyModelSpec upd60620 = generic;
  upd60620.name = "uPD60620";
  upd60620.description = "Renesas uPD60620 10/100 PHY: speed indication in vendor register 31";
  upd60620.phy_id = 0xb8242824;
  upd60620.speed_indication = SpeedIndication{.reg = 31, .ten = 0x0004, .hundred = 0x0008, .full = 0x0010};

  // Marvell's gigabit PHYs (drivers/net/phy/marvell.c): for the copper link
  // the driver reads the PHY-specific status register 17 on page 0
  // (register 22 selects the page; MII_M1011_PHY_STATUS): speed in bits
  // 15:14 (1000 0x8000, 100 0x4000, 10 neither), full duplex 0x2000, speed
  // and duplex resolved 0x0800, real-time link 0x0400. Without "resolved"
  // the driver reports the link down. It stands for any ID of Marvell's OUI.
  PhyModelSpec marvell = generic_gbit;
  marvell.name = "Marvell-88E1xxx";
  marvell.description = "Marvell gigabit PHY: copper status in register 17, registers 16-31 paged by register 22";
  marvell.phy_id = 0x01410cc0;       // 88E1111 (MARVELL_PHY_ID_88E1111)
  marvell.family_mask = kOuiMask;  // OUI 00:50:43
  marvell.family_also = {0x01ff0cc0, 0x002b0b9b};  // MARVELL_PHY_ID_88E1111_FINISAR, _88E6393_FAMILY
  marvell.page_reg = 22;
  // marvell.c: "A write to speed/duplex bits ... must be followed by a
  // software reset. Otherwise, the write has no effect." and "A software
  // reset is used to ensure a 'commit' of the changes" (after writing the
  // MDI-X, downshift and LED registers): the reset applies what was
  // written, it does not wipe it.
  marvell.quirks.soft_reset_keeps_registers = true;
  // The mode bits held for a reset are the 88E1111's (marvell_config_aneg,
  // which m88e1111_config_aneg calls, resets after writing them); entries
  // without a config_aneg of their own (the 88E3016, 88E308X, 88E6250,
  // 88E1116R) write them and do not reset, so standing in for those the
  // model applies them at once.
  marvell.quirks.bmcr_mode_at_reset = true;
  marvell.chip_quirks = {&Quirks::bmcr_mode_at_reset};
  marvell.chip_ids = {0x01ff0cc0};  // the 88E1111 of Finisar's SFP modules
  marvell.speed_indication =
      SpeedIndication{.reg = 17, .ten = 0, .hundred = 0x4000, .gig = 0x8000, .full = 0x2000, .up = 0x0c00};

  // Realtek's RTL8211F family (drivers/net/phy/realtek.c,
  // rtlgen_read_status): after genphy's status the driver reads the PHY
  // specific status register, 0x12 of page 0xa43 (register 0x1f selects the
  // page, rtl821x_write_page), for the speed the link actually runs at
  // (downshift): bits 5:4 (1000 0x0020, 100 0x0010, 10 neither), full
  // duplex 0x0008, link 0x0004. Other pages (0xa42, 0xa43's PHYCR1/2 and
  // interrupt registers, 0xd08's RGMII delays) are storage. It stands for
  // any ID of Realtek's OUI (00:e0:4c; the RTL8211B-E and RTL8201F read
  // nothing of it, the RTL8226 family reads the same register).
  PhyModelSpec realtek = generic_gbit;
  realtek.name = "Realtek-RTL821x";
  realtek.description = "Realtek gigabit PHY: registers paged by register 0x1f, link status in 0x12 of page 0xa43";
  realtek.phy_id = 0x001cc916;       // RTL8211F
  realtek.family_mask = kOuiMask;  // OUI 00:e0:4c
  realtek.family_except = {0x001ccb00};  // RTL9000A: 100BASE-T1, one pair, not this model
  realtek.page_reg = 0x1f;
  realtek.speed_indication =
      SpeedIndication{.reg = 0x12, .ten = 0, .hundred = 0x0010, .gig = 0x0020, .full = 0x0008, .up = 0x0004, .page = 0xa43};

  // A Clause-45-only twisted-pair PHY (hw/phy_model_c45.cpp) for the
  // drivers of Clause-45 PHYs, which reach their chip through MMD registers
  // only (no Clause-22 access in the file) and require a Clause-45 device:
  // marvell10g.c and bcm84881.c refuse a PHY without is_c45 and the PMA/PMD
  // and AN MMDs in their probe; marvell10g.c and teranetics.c match by the
  // Clause-45 device identifiers; aquantia_main.c, marvell-88x2222.c and
  // cortina.c use MMD registers throughout. 10/100 like `generic`: Clause 45
  // has no IEEE register for the 1000BASE-T advertisement (see
  // PhyModelSpec::clause45), so a gigabit partner resolves at 100 Mb/s on
  // both sides. The MAC knows the address (no scan of the other 31: a
  // Clause-45 scan of an empty address costs some 70 reads).
  PhyModelSpec generic_c45 = generic;
  generic_c45.name = "generic-c45";
  generic_c45.description =
      "Clause-45-only 10/100 BASE-T PHY: PMA/PMD, PCS and AN MMDs, vendor MMDs 30/31 as storage (ID configurable)";
  generic_c45.phy_id = 0x0a0b0c30;
  generic_c45.clause22 = false;
  generic_c45.clause45 = true;
  generic_c45.bus_mask = ~(1u << generic_c45.default_addr);
  // 1.7 PMA/PMD type selection (45.2.1.6.3) at reset: 100BASE-TX.
  generic_c45.mmd_defaults = {{(1u << 16) | 7u, 0x000e}};
  generic_c45.family_ouis = {0x03a1b400, 0x31c31c00};  // Aquantia (aquantia_main.c), both OUIs it uses
  generic_c45.family_also = {
      0x002b09a0,  // 88X3310 and 88X3340 (marvell10g.c)
      0x002b09b0,  // 88E2110 and 88E2111 (marvell10g.c)
      0x00a19410,  // Teranetics TN2020 (teranetics.c)
      0xae025150,  // Broadcom BCM84881 (bcm84881.c)
      0x13e51002,  // Cortina CS4340 (cortina.c)
      0x01410f10,  // Marvell 88X2222 (marvell-88x2222.c), under Marvell's gigabit OUI
  };

  return {
      ax88772a(),
      asix("AX88772C", 0x003b1881, "Asix AX88772C USB Ethernet, integrated 10/100 PHY", true, Quirks{}),
      asix("AX88796B", 0x003b1841, "Asix AX88796B (X-Surf 100), 10/100 PHY; revisions in the low nibble", false,
           Quirks{.reset_needs_toggle = true}),
      generic,
      generic_gbit,
      upd60620,
      marvell,
      realtek,
      generic_c45,
  };
}

const std::array<PhyModelSpec, 9>& models() {
  static const std::array<PhyModelSpec, 9> m = build_models();
  return m;
}

PartnerProfile partner(std::string name, std::string description, bool negotiates, ModeSet abilities,
                       Mode forced, bool pause, bool asym, bool legacy) {
  PartnerProfile p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.negotiates = negotiates;
  p.abilities = abilities;
  p.forced_mode = forced;
  p.pause = pause;
  p.asym_pause = asym;
  p.legacy_an = legacy;
  return p;
}

PartnerProfile fiber(std::string name, std::string description) {
  PartnerProfile p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.medium = Medium::kFiber10G;
  p.negotiates = false;  // 10GBASE-R has no auto-negotiation
  return p;
}

const std::array<PartnerProfile, 7>& partners() {
  static const std::array<PartnerProfile, 7> p = {
      partner("switch-10-100", "modern 10/100 switch, negotiates, symmetric pause", true, k10_100, Mode::k100Full,
              true, false, false),
      partner("switch-gigabit", "gigabit switch, negotiates 10/100/1000, symmetric and asymmetric pause", true,
              k10_100_1000, Mode::k1000Full, true, true, false),
      partner("forced-100-full", "port forced to 100/full, no auto-negotiation", false, ModeSet{Mode::k100Full},
              Mode::k100Full, false, false, false),
      partner("forced-10-half", "port forced to 10/half, no auto-negotiation (a hub)", false, ModeSet{Mode::k10Half},
              Mode::k10Half, false, false, false),
      partner("old-switch", "old 10/100 switch of the NETGEAR EN 108TP kind (legacy auto-negotiation)", true, k10_100,
              Mode::k100Full, false, false, true),
      partner("switch-100-only", "switch port limited to 100BASE-TX, negotiates half and full duplex", true,
              ModeSet{Mode::k100Half, Mode::k100Full}, Mode::k100Full, false, false, false),
      fiber("10gbase-sr", "10GBASE-SR optical port at the other end of an SFP+ module's fiber"),
  };
  return p;
}

const std::array<Qt2025Spec, 2>& qt2025s() {
  static const std::array<Qt2025Spec, 2> q = [] {
    Qt2025Spec b3;
    b3.name = "QT2025";
    b3.description = "AMCC QT2025 10GBASE-R SFP+ PHY, hardware revision 0xb3 (the one Linux's driver supports)";
    // The Tehuti TN40xx MAC's MDIO controller speaks Clause 45 only and
    // knows where its PHY is.
    b3.default_addr = 1;
    Qt2025Spec a3 = b3;
    a3.name = "QT2025-A3";
    a3.description = "AMCC QT2025 of another hardware revision (0xa3): the driver must refuse it";
    a3.revision = 0xa3;
    return std::array<Qt2025Spec, 2>{b3, a3};
  }();
  return q;
}

constexpr std::array<QuirkInfo, 6> kQuirks = {{
    {"reset-needs-toggle", "AX88796B",
     "drivers/net/phy/ax88796b.c, asix_soft_reset(): \"Asix PHY won't reset unless reset bit toggles\"; "
     "kernel-doc: \"Toggle BMCR_RESET bit off to accommodate broken AX8796B PHY implementation such as used on "
     "the Individual Computers' X-Surf 100 Zorro card\"",
     &Quirks::reset_needs_toggle,
     "BMCR reads 0xb100 after power-on (the reset bit set), and a written 1 starts a reset only after the bit was "
     "written 0 or cleared by a finished reset: so a driver that never toggles fails its first reset, and one that "
     "toggled once passes later plain resets. The record says neither the power-on value nor whether every reset "
     "needs the toggle."},
    {"lpa-zero-with-old-switch", "AX88772A",
     "drivers/net/phy/ax88796b.c, above asix_ax88772a_read_status(): \"AX88772A is not working properly with "
     "some old switches (NETGEAR EN 108TP): after autoneg is done and the link status is reported as active, the "
     "MII_LPA register is 0. This issue is not reproducible on AX88772C.\"",
     &Quirks::lpa_zero_with_legacy_partner,
     "\"some old switches\" are the partners with legacy-an: true (a profile's or an inline partner's)."},
    {"lpa-stale-after-link-drop", "AX88772A",
     "drivers/net/phy/ax88796b.c, asix_ax88772a_link_change_notify(): \"Reset PHY, otherwise MII_LPA will "
     "provide outdated information. This issue is reproducible only with some link partner PHYs\"",
     &Quirks::lpa_stale_after_link_drop,
     "It happens with every partner (the record: with some), and ANER and 1000BASE-T status stay with LPA: strict on "
     "purpose, so that a driver without the reset in link_change_notify fails with any partner."},
    {"bmcr-shows-resolved-mode", "AX88772A",
     "drivers/net/phy/ax88796b.c, asix_ax88772a_read_status(): \"If MII_LPA is 0, phy_resolve_aneg_linkmode() will "
     "fail to resolve linkmode so use MII_BMCR as default values.\" (the fallback says what the link runs only if "
     "BMCR's speed and duplex bits show the negotiated mode)",
     &Quirks::bmcr_shows_resolved_mode,
     "All of it: no record says the chip writes the negotiated mode into BMCR. refdrv infers it from the driver's "
     "fallback, which tells the MAC BMCR's mode and is right only if BMCR shows the link's. If the chip kept BMCR's "
     "reset value (0x3100) instead, every implementation would tell the MAC 100/full on a 10 Mb/s link alike: "
     "scenarios/quirk-ax88772a-old-switch-10.yaml would fail on all three, not tell them apart."},
    {"soft-reset-keeps-registers", "Marvell-88E1xxx",
     "drivers/net/phy/marvell.c, m88e1121_config_aneg(): \"A software reset is used to "
     "ensure a 'commit' of the changes is done.\" (after writing the MDI-X, downshift and LED registers)",
     &Quirks::soft_reset_keeps_registers,
     "Every register keeps its value across the reset, the page register and the MMDs included; the record says "
     "the changes are committed, not which registers a reset leaves alone."},
    {"bmcr-mode-at-reset", "Marvell-88E1xxx",
     "drivers/net/phy/marvell.c, marvell_config_aneg(): \"A write to speed/duplex bits (that is performed by "
     "genphy_config_aneg() call above) must be followed by a software reset. Otherwise, the write has no "
     "effect.\"",
     &Quirks::bmcr_mode_at_reset,
     "The written bits read back at once; auto-negotiation enable is not held (a driver going back to autoneg "
     "restarts it without a reset). Only as the 88E1111 (the model's own ID, also Finisar's): entries of other "
     "Marvell PHYs that write these bits without a reset run on the family model without it."},
}};

}  // namespace

std::span<const PhyModelSpec> phy_models() { return models(); }

std::optional<PhyModelSpec> find_phy_model(std::string_view name) {
  for (const auto& m : models())
    if (m.name == name) return m;
  return std::nullopt;
}

bool is_generic_model(std::string_view name) { return name.starts_with("generic"); }

std::string model_for_phy_id(std::uint32_t phy_id, std::uint32_t mask) {
  // No bit to compare (an entry that matches through its match_phy_device()
  // alone, phy_id 0 and mask 0): every model would match, and the first
  // (the AX88772A) was taken as if it were that PHY's.
  if (mask == 0) return "generic";
  for (const auto& m : models())
    if (!is_generic_model(m.name) && (m.phy_id & mask) == (phy_id & mask)) return m.name;
  // A vendor's family model, run under the entry's own ID.
  for (const auto& m : models())
    if (std::ranges::any_of(m.family_also, [&](std::uint32_t id) { return (id & mask) == (phy_id & mask); }) ||
        std::ranges::any_of(m.family_ouis, [&](std::uint32_t id) { return (id & kOuiMask) == (phy_id & kOuiMask); }))
      return m.name;
  for (const auto& m : models())
    if (m.family_mask && (m.phy_id & m.family_mask) == (phy_id & m.family_mask) &&
        std::ranges::find(m.family_except, phy_id) == m.family_except.end())
      return m.name;
  return "generic";
}

std::span<const Qt2025Spec> qt2025_models() { return qt2025s(); }

const std::vector<ModelInfo>& all_models() {
  // Built once: every run looks its model up here.
  static const std::vector<ModelInfo> all = [] {
    std::vector<ModelInfo> out;
    for (const auto& m : models())
      out.push_back({m.name, m.description, m.default_addr, m.bus_mask, m.clause22, m.clause45, false});
    for (const auto& q : qt2025s())
      out.push_back({q.name, q.description, q.default_addr, ~(1u << q.default_addr), false, true, true});
    return out;
  }();
  return all;
}

const ModelInfo* find_model(std::string_view name) {
  for (const auto& m : all_models())
    if (m.name == name) return &m;
  return nullptr;
}

std::unique_ptr<WiredPhy> make_model(std::string_view name, std::optional<std::uint32_t> phy_id,
                                     std::optional<unsigned> page_reg, const ModelTiming& timing) {
  if (auto spec = find_phy_model(name)) {
    if (phy_id) {
      constexpr std::uint32_t kNoRevision = 0xfffffff0;
      const bool same_chip = (spec->phy_id & kNoRevision) == (*phy_id & kNoRevision) ||
                             std::ranges::any_of(spec->chip_ids, [&](std::uint32_t id) {
                               return (id & kNoRevision) == (*phy_id & kNoRevision);
                             });
      if (!same_chip)
        for (bool Quirks::*q : spec->chip_quirks) spec->quirks.*q = false;
      spec->phy_id = *phy_id;
    }
    if (!timing.empty() && !spec->clause22) return nullptr;
    spec->reset_duration = timing.reset.value_or(spec->reset_duration);
    spec->autoneg_duration = timing.autoneg.value_or(spec->autoneg_duration);
    spec->parallel_detect_duration = timing.parallel_detect.value_or(spec->parallel_detect_duration);
    spec->forced_link_duration = timing.forced_link.value_or(spec->forced_link_duration);
    if (page_reg) {
      if (!spec->clause22 || !c22::is_vendor(*page_reg)) return nullptr;
      spec->page_reg = *page_reg;
      spec->paged_from = c22::kFirstVendor;  // 0-15 stay Clause 22's on every page
    }
    return std::make_unique<PhyModel>(*spec);
  }
  if (page_reg || !timing.empty()) return nullptr;
  for (auto q : qt2025s())
    if (q.name == name) {
      if (phy_id) q.phy_id = *phy_id;
      return std::make_unique<Qt2025Model>(q);
    }
  return nullptr;
}

std::span<const PartnerProfile> partner_profiles() { return partners(); }

std::optional<PartnerProfile> find_partner(std::string_view name) {
  for (const auto& p : partners())
    if (p.name == name) return p;
  return std::nullopt;
}

std::span<const QuirkInfo> quirk_catalog() { return kQuirks; }

namespace {
bool is_qt2025_model(std::string_view model) {
  const auto qt = qt2025_models();
  return std::any_of(qt.begin(), qt.end(), [&](const Qt2025Spec& q) { return q.name == model; });
}
}  // namespace

Medium model_medium(std::string_view model) {
  return is_qt2025_model(model) ? Medium::kFiber10G : Medium::kTwistedPair;
}

bool model_takes_firmware(std::string_view model) { return is_qt2025_model(model); }

const char* medium_name(Medium m) { return m == Medium::kFiber10G ? "10GBASE-R fibre" : "twisted pair"; }

}  // namespace refdrv::hw
