// SPDX-License-Identifier: GPL-2.0
// Hardware models of Clause-22 PHYs, their link partners and the cable.
//
// A PhyModel is what sits at one MDIO address. It is evaluated lazily in
// virtual time: every register access brings the model up to the access's
// timestamp first (reset completing, auto-negotiation finishing, scheduled
// cable events), so no host event is needed for the hardware's own timing.
// What a register read has as side effect (latched bits clearing) is applied
// exactly as IEEE 802.3 Clause 22 says; peek() observes without side effects.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw/clause22.hpp"

namespace refdrv::hw {

using Nanos = std::uint64_t;

inline constexpr Nanos kMs = 1'000'000;

// The OUI part of a PHY identifier (22.2.4.3.1: bits 3-24 of the OUI in
// PHYSID1 and PHYSID2's upper six bits).
inline constexpr std::uint32_t kOuiMask = 0xfffffc00;

// One technology a twisted-pair PHY can run, in the priority order of
// Annex 28B.3 (lowest first).
enum class Mode : std::uint8_t { k10Half, k10Full, k100Half, k100Full, k1000Half, k1000Full };

// A set of Modes as a bitmask over their enumerator values.
class ModeSet {
 public:
  constexpr ModeSet() = default;
  constexpr ModeSet(std::initializer_list<Mode> modes) {
    for (Mode m : modes) bits_ |= bit(m);
  }
  static constexpr ModeSet from_bits(std::uint8_t bits) {
    ModeSet s;
    s.bits_ = bits;
    return s;
  }
  [[nodiscard]] constexpr bool has(Mode m) const { return (bits_ & bit(m)) != 0; }
  constexpr void add(Mode m) { bits_ |= bit(m); }
  [[nodiscard]] constexpr bool empty() const { return bits_ == 0; }
  [[nodiscard]] constexpr std::uint8_t bits() const { return bits_; }
  [[nodiscard]] constexpr ModeSet operator&(ModeSet o) const { return from_bits(bits_ & o.bits_); }
  constexpr bool operator==(const ModeSet&) const = default;
  // Highest common denominator, Annex 28B.3.
  [[nodiscard]] std::optional<Mode> highest() const;

 private:
  static constexpr std::uint8_t bit(Mode m) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(m)); }
  std::uint8_t bits_ = 0;
};

[[nodiscard]] int mode_speed(Mode m);        // 10, 100, 1000
[[nodiscard]] bool mode_full_duplex(Mode m);
[[nodiscard]] std::string mode_name(Mode m);  // "100-full"
[[nodiscard]] std::optional<Mode> mode_from(int speed, bool full_duplex);
[[nodiscard]] std::optional<Mode> mode_from_name(const std::string& name);
[[nodiscard]] std::string modes_name(ModeSet s);  // "10-half,100-full"

// What carries the link: twisted pair (Clauses 22/28, the Asix PHYs) or
// an optical 10GBASE-R link through an SFP+ module (Clause 49, the QT2025).
// A PHY sees no signal at all from a partner on the other medium.
enum class Medium : std::uint8_t { kTwistedPair, kFiber10G };

// A link partner as seen on the wire. Profiles are data (see catalog.cpp).
struct PartnerProfile {
  std::string name;
  std::string description;
  Medium medium = Medium::kTwistedPair;
  bool negotiates = true;      // sends fast link pulses (Clause 28)
  ModeSet abilities;           // advertised when negotiating, supported when not
  Mode forced_mode = Mode::k100Full;  // what it runs when not negotiating
  bool pause = false;
  bool asym_pause = false;
  bool remote_fault = false;   // sets RF in its base page (28.2.1.2.4)
  // Trait of some old switches (the Linux driver names a NETGEAR EN 108TP):
  // with them AX88772A reports LPA as 0 after negotiation (see Quirks).
  bool legacy_an = false;
  // The identifier of the partner's PHY, when a scenario names it. It is
  // identification only: Clause 28 base pages carry no identifier (only a
  // next-page message, Annex 28C code 6, could, and these 10/100 PHYs
  // exchange none), so the local PHY never sees it.
  std::optional<std::uint32_t> phy_id;
  bool operator==(const PartnerProfile&) const = default;
};

// Deviations from Clause 22 of real chips, each switchable. The public
// record of each is the Linux driver's comment quoted in catalog.cpp.
struct Quirks {
  // The BMCR reset bit reads 1 after power-on and a reset starts only on a
  // written 0 -> 1 transition of the bit, so a reset request that does not
  // first write the bit as 0 is ignored and the bit stays set.
  bool reset_needs_toggle = false;
  // With a legacy_an partner, LPA reads 0 after negotiation completes even
  // though the link is reported up.
  bool lpa_zero_with_legacy_partner = false;
  // After the link drops, LPA keeps its content (and later negotiations do not
  // update it) until the PHY is reset.
  bool lpa_stale_after_link_drop = false;
  // Once negotiation (or parallel detection) resolves a mode, BMCR's speed
  // and duplex bits (0.13, 0.8) show it while auto-negotiation is enabled,
  // where Clause 22 leaves their value open (they have no effect then).
  bool bmcr_shows_resolved_mode = false;
  // A software reset (0.15) keeps every register (advertisement, 1000BASE-T
  // control, vendor, paged and MMD registers): it only self-clears, and the
  // chip applies what was written then. The power-on values come back only
  // with power. (IEEE 802.3 22.2.4.1.1 leaves the other registers open.)
  bool soft_reset_keeps_registers = false;
  // BMCR's speed and duplex bits (0.13, 0.6, 0.8) read back what was
  // written but take effect at the next software reset (auto-negotiation
  // enable, 0.12, at once).
  bool bmcr_mode_at_reset = false;
};

// What registers 13/14 do (22.2.4.3.11-12). phylib's probe reads the EEE
// abilities through them, so a chip without MMDs must be modelled too.
enum class MmdAccess : std::uint8_t {
  kNotImplemented,  // reserved registers: read as mmd_reserved_value, writes ignored
  kIndirect,        // Clause 45 MMD registers reachable through 13/14
};

// A vendor register that reports the resolved link (the "PHY special
// control/status" register of SMSC-derived 10/100 PHYs such as Renesas'
// uPD60620, register 31, speed indication in bits 4:2; Marvell's copper
// status, register 17): while the link is up, `up` and one of `ten`,
// `hundred`, `gig` for the speed, and `full` for full duplex; none of them
// while it is down. Its other bits keep what was written. On a PHY with
// pages (PhyModelSpec::page_reg) it is on `page` (Realtek's RTL8211F:
// register 0x12 of page 0xa43).
struct SpeedIndication {
  unsigned reg = 31;
  std::uint16_t ten = 0, hundred = 0, gig = 0, full = 0, up = 0;
  unsigned page = 0;
};

// Times a scenario gives a Clause-22 model instead of its own (`timing:`):
// how long a reset, a negotiation, a parallel detection and a forced link
// take. None given: the model's.
struct ModelTiming {
  std::optional<Nanos> reset, autoneg, parallel_detect, forced_link;
  [[nodiscard]] bool empty() const { return !reset && !autoneg && !parallel_detect && !forced_link; }
  bool operator==(const ModelTiming&) const = default;
};

struct PhyModelSpec {
  std::string name;          // "AX88772A"
  std::string description;
  std::uint32_t phy_id = 0;  // PHYSID1 << 16 | PHYSID2
  unsigned default_addr = 1;
  bool internal = false;     // integrated in the MAC chip
  // mii_bus.phy_mask as the MAC driver sets it (set bits are not scanned);
  // 0: the MAC driver lets phylib scan all 32 addresses.
  std::uint32_t bus_mask = 0;
  ModeSet abilities;
  bool autoneg_capable = true;
  std::uint16_t bmcr_default = 0;
  std::uint16_t advertise_default = 0;
  std::uint16_t ctrl1000_default = 0;
  std::array<std::uint16_t, 16> vendor_defaults{};  // registers 16..31
  MmdAccess mmd = MmdAccess::kNotImplemented;
  std::uint16_t mmd_reserved_value = 0;
  // Initial MMD registers for kIndirect: (devad << 16 | register, value).
  std::vector<std::pair<std::uint32_t, std::uint16_t>> mmd_defaults;
  std::optional<SpeedIndication> speed_indication;
  // The management frames the PHY answers. Clause 22 (22.2.4): the
  // registers above. Clause 45 (45.2): MMDs PMA/PMD (1), PCS (3) and AN (7)
  // with the IEEE registers of a twisted-pair PHY driven by the same line
  // side (control 1 and status 1 of each, the identifiers, devices in
  // package, status 2, the PMA/PMD speed and extended abilities, the AN
  // advertisement and link partner base page), vendor MMDs 30 and 31, and
  // every other register stored and read back. Clause 45 has no register
  // for the 1000BASE-T advertisement (Clause 40 keeps it in Clause-22
  // registers 9 and 10; Clause-45 PHYs put it in vendor registers), so a
  // Clause-45-only model should not be given gigabit abilities it could
  // only negotiate through registers no driver can know. Without clause22
  // a Clause-22 frame gets no answer (the bus reads its pull-ups); with
  // both, registers 13/14 reach the Clause-45 registers.
  bool clause22 = true;
  bool clause45 = false;
  // Registers in pages: writing this register (16..31) selects the page the
  // other registers read and write. Page 0 is the chip as modelled (the
  // copper side: Clause 22, the defaults, the speed indication). On any
  // other page the registers are plain storage, read back as written (0
  // until then), except the PHY identifier (2, 3), which every page shows:
  // another medium's side (Marvell's fiber page 1) without a signal, or a
  // vendor's configuration page.
  std::optional<unsigned> page_reg;
  // The first register the page selects: 0, every register but the
  // identifier (Marvell's fiber page has a BMCR of its own); 16, the vendor
  // registers only, registers 0-15 being Clause 22's on every page (a page
  // register a scenario gives a model without pages: page-register).
  unsigned paged_from = 0;
  // Non-zero: the model also stands for every PHY ID equal to phy_id under
  // this mask (a vendor's OUI), run under that ID (hw::model_for_phy_id).
  std::uint32_t family_mask = 0;
  // IDs of the family this model is not (another kind of PHY under the same
  // OUI: Realtek's RTL9000A is a 100BASE-T1 PHY).
  std::vector<std::uint32_t> family_except;
  // IDs outside the OUI that are of this family (Marvell's 88E1111 in
  // Finisar's SFP modules, 0x01ff0cc0; the 88E6393 switch family's internal
  // PHYs, 0x002b0b9b), compared under the entry's mask.
  std::vector<std::uint32_t> family_also;
  // Whole OUIs of this family (IDs compared under kOuiMask), for a model
  // that is not one vendor's (generic-c45).
  std::vector<std::uint32_t> family_ouis;
  // Quirks of the modelled chip alone, dropped when the model stands in for
  // another PHY of its family (an ID, revision nibble aside, that is neither
  // phy_id nor in chip_ids): what one chip's driver says of it is not said
  // of its family.
  std::vector<bool Quirks::*> chip_quirks;
  std::vector<std::uint32_t> chip_ids;
  Nanos reset_duration = 2 * kMs;            // 22.2.4.1.1 allows up to 0.5 s
  Nanos autoneg_duration = 1600 * kMs;       // FLP exchange incl. break_link_timer
  Nanos parallel_detect_duration = 800 * kMs;
  Nanos forced_link_duration = 150 * kMs;
  Quirks quirks;
};

// A scheduled change of the cable or of the partner.
struct CableEvent {
  // kFlap: unplugged, and the partner of that moment plugged back `duration` later.
  enum class Kind : std::uint8_t { kPlug, kUnplug, kPartnerRestartAneg, kFlap };
  Nanos at = 0;
  Kind kind = Kind::kPlug;
  PartnerProfile partner;  // kPlug only
  Nanos duration = 0;      // kFlap only
  bool after_instant = false;  // WiredPhy::schedule_after_instant()
  // When advance() applies it: after its instant, or at it.
  [[nodiscard]] Nanos effective() const { return at + (after_instant ? 1 : 0); }
};

// What sits at one MDIO address, as the bus sees it.
class MdioDevice {
 public:
  virtual ~MdioDevice() = default;
  // An independent copy in the same state (an instance's snapshot).
  [[nodiscard]] virtual std::unique_ptr<MdioDevice> clone() const = 0;
  // Clause 22 frames (22.2.4).
  virtual std::uint16_t read(unsigned reg, Nanos now) = 0;
  virtual void write(unsigned reg, std::uint16_t value, Nanos now) = 0;
  // Whether a Clause-22 write now would be ignored because a reset is in
  // progress (22.2.4.1.1 lets a PHY refuse writes until it completes).
  [[nodiscard]] virtual bool resetting_now(Nanos /*now*/) { return false; }
  // Clause 45 frames (45.2): MMD `devad`, register `reg`. A Clause-22-only
  // device does not answer them: the bus reads its pull-ups.
  virtual std::uint16_t read_c45(unsigned /*devad*/, unsigned /*reg*/, Nanos /*now*/) { return 0xffff; }
  virtual void write_c45(unsigned /*devad*/, unsigned /*reg*/, std::uint16_t /*value*/, Nanos /*now*/) {}
  // The model's quirks (hw/catalog.hpp's quirk_catalog(), bit i its entry
  // i) that changed what the bus or the link saw in this run: a verdict
  // that rests on such a run rests on refdrv's reading of a record that
  // leaves parts open (QuirkInfo::beyond_the_record).
  [[nodiscard]] virtual std::uint32_t quirks_acted() const { return 0; }
};

// A PHY with a line side: what a scenario does to the cable and the
// partner, and what it observes of the chip without disturbing it.
class WiredPhy : public MdioDevice {
 public:
  // Cable and partner, now or later (later events are applied lazily).
  virtual void plug(const PartnerProfile& partner, Nanos at) = 0;
  virtual void unplug(Nanos at) = 0;
  virtual void partner_restart_aneg(Nanos at) = 0;
  // Unplug at `at` and plug the partner of that moment back `duration`
  // later (scheduled like the others when `at` is later than the model's time).
  virtual void flap(Nanos at, Nanos duration) = 0;
  // Steps of a scenario, scheduled ahead (engine/runner.cpp): from now on a
  // cable event scheduled through the four calls above takes effect for what
  // happens after its instant, not for what happens at it, until release()
  // says the scenario reached it: at one instant, the kernel work due then
  // and the expectations before the step see the wire as it was.
  void schedule_after_instant() { after_instant_ = true; }
  // The scenario reached its cable steps scheduled until `now`: they take
  // effect (those at `now` too).
  virtual void release(Nanos now) = 0;
  // The value a read would return, without its side effects: a Clause-22
  // register, or a Clause-45 one written as c45::encode(devad, reg).
  [[nodiscard]] virtual std::uint16_t peek(unsigned reg, Nanos now) = 0;
  [[nodiscard]] virtual bool link_up(Nanos now) = 0;
  // What the link runs now: its speed (Mb/s) and duplex, or nullopt while
  // it is down.
  struct WireMode {
    int speed = 0;
    bool full_duplex = false;
  };
  [[nodiscard]] virtual std::optional<WireMode> wire_mode(Nanos now) = 0;
  [[nodiscard]] virtual bool powered_down(Nanos now) = 0;
  // The program a PHY with a microcontroller runs from its RAM: the bytes
  // written to its program memory, when it was started from there.
  [[nodiscard]] virtual std::optional<std::vector<std::uint8_t>> running_firmware() const { return std::nullopt; }

 protected:
  bool after_instant_ = false;
};

// Whether a Clause-45 register is outside what a Clause-45 PhyModel drives
// by IEEE 802.3 (it stores it): in a vendor MMD (30, 31), a vendor-specific
// register of another MMD (0x8000 and up, 45.2), or in an MMD the model does
// not have (only PMA/PMD, PCS and AN are modelled).
[[nodiscard]] bool c45_vendor_register(unsigned devad, unsigned reg);

// A model's pending cable events (CableEvent, Qt2025Model's), in the order
// they take effect: by effective() time, those of one time in the order they
// were scheduled.
template <class Event>
void insert_pending(std::vector<Event>& pending, Event ev) {
  auto pos = std::upper_bound(pending.begin(), pending.end(), ev.effective(),
                              [](Nanos t, const Event& e) { return t < e.effective(); });
  pending.insert(pos, std::move(ev));
}

// WiredPhy::release(): the events scheduled at or before `now` take effect at
// their instant from here on, and the order stays theirs by the time they
// now take effect.
template <class Event>
void release_pending(std::vector<Event>& pending, Nanos now) {
  std::vector<Event> all;
  all.swap(pending);
  for (Event& e : all) {  // inserted again in their order: among equals, it stays
    if (e.at <= now) e.after_instant = false;
    insert_pending(pending, std::move(e));
  }
}

class PhyModel final : public WiredPhy {
 public:
  explicit PhyModel(PhyModelSpec spec);
  [[nodiscard]] std::unique_ptr<MdioDevice> clone() const override;  // hw/clone.cpp

  std::uint16_t read(unsigned reg, Nanos now) override;
  void write(unsigned reg, std::uint16_t value, Nanos now) override;

  // The value a read would return, without its side effects.
  [[nodiscard]] std::uint16_t peek(unsigned reg, Nanos now) override;

  void plug(const PartnerProfile& partner, Nanos at) override;
  void unplug(Nanos at) override;
  void partner_restart_aneg(Nanos at) override;
  void flap(Nanos at, Nanos duration) override;
  void release(Nanos now) override;

  // Observation for tests and reports.
  [[nodiscard]] const PhyModelSpec& spec() const { return spec_; }
  [[nodiscard]] bool link_up(Nanos now) override;
  [[nodiscard]] std::optional<WireMode> wire_mode(Nanos now) override;
  [[nodiscard]] bool powered_down(Nanos now) override;
  [[nodiscard]] std::optional<Mode> link_mode(Nanos now);
  [[nodiscard]] bool resetting(Nanos now);
  [[nodiscard]] bool resetting_now(Nanos now) override { return resetting(now); }
  [[nodiscard]] unsigned resets_completed() const { return resets_completed_; }
  [[nodiscard]] unsigned negotiations_completed() const { return negotiations_completed_; }
  [[nodiscard]] const std::optional<PartnerProfile>& partner() const { return partner_; }
  [[nodiscard]] std::uint16_t mmd_register(unsigned devad, unsigned reg) const;
  Quirks& quirks() { return spec_.quirks; }
  [[nodiscard]] std::uint32_t quirks_acted() const override { return quirks_acted_; }

  // Clause 45 frames, when spec().clause45 (hw/phy_model_c45.cpp).
  std::uint16_t read_c45(unsigned devad, unsigned reg, Nanos now) override;
  void write_c45(unsigned devad, unsigned reg, std::uint16_t value, Nanos now) override;

 private:
  enum class LinkPhase : std::uint8_t { kDown, kNegotiating, kLinking, kUp };

  void advance(Nanos now);
  void schedule_cable_event(CableEvent ev);
  void apply_cable_event(const CableEvent& ev);
  void begin_reset(Nanos t);
  void finish_reset(Nanos t);
  void link_down(Nanos t);
  void start_link(Nanos t);
  void finish_link(Nanos t);
  void load_defaults();
  [[nodiscard]] bool medium_active() const;
  [[nodiscard]] std::uint16_t compose_bmsr() const;
  [[nodiscard]] std::uint16_t compose(unsigned reg) const;
  [[nodiscard]] std::uint16_t partner_base_page() const;
  [[nodiscard]] ModeSet local_advertised() const;
  [[nodiscard]] std::optional<Mode> forced_mode() const;
  // BMCR as the link uses it: with bmcr_mode_at_reset, its mode bits as of
  // the last reset.
  [[nodiscard]] std::uint16_t mode_bmcr() const;
  std::uint16_t mmd_access(bool is_write, std::uint16_t value);
  // A write of the control register, BMCR's layout: reset, power down,
  // loopback, autonegotiation enable and restart, forced speed and duplex.
  void control_write(std::uint16_t value);
  // Clause 45 (hw/phy_model_c45.cpp): a register's value without side
  // effects, a read with them, a write.
  [[nodiscard]] std::uint16_t compose_c45(unsigned devad, unsigned reg) const;
  std::uint16_t c45_read(unsigned devad, unsigned reg);
  void c45_write(unsigned devad, unsigned reg, std::uint16_t value);
  void store_mmd(unsigned devad, unsigned reg, std::uint16_t value);
  [[nodiscard]] bool c45_link(unsigned devad) const;
  // Looped back: BMCR's loopback (the PMA/PMD's too, which writes it).
  [[nodiscard]] bool looped() const;

  PhyModelSpec spec_;
  std::array<std::uint16_t, c22::kNumRegs> regs_{};
  Nanos now_ = 0;

  std::optional<Nanos> reset_done_at_;
  bool reset_armed_ = true;   // reset_needs_toggle: bit was written as 0
  std::uint16_t bmcr_committed_ = 0;  // bmcr_mode_at_reset: BMCR as of the last reset

  LinkPhase phase_ = LinkPhase::kDown;
  Nanos phase_done_at_ = 0;
  std::optional<Mode> mode_;
  // What the PHY advertises in the negotiation under way: registers 4 and 9
  // as they were when it started (28.2.4.1.3: a later write takes effect at
  // the next negotiation).
  ModeSet advertised_ = {};
  bool an_complete_ = false;
  bool lstatus_latched_low_ = false;
  bool rfault_latched_ = false;
  bool page_received_latched_ = false;
  bool lpa_frozen_ = false;
  // Clause 45: status 1's link bit latches low per MMD (bit = devad).
  std::uint32_t c45_link_latched_low_ = 0;

  bool plugged_ = false;
  std::optional<PartnerProfile> partner_;
  std::vector<CableEvent> pending_;  // sorted by time

  // MMD (22.2.4.3.11-12): address latch per device and a small register file.
  std::uint16_t mmd_ctrl_ = 0;
  std::array<std::uint16_t, 32> mmd_addr_{};
  std::vector<std::pair<std::uint32_t, std::uint16_t>> mmd_regs_;
  // Registers of pages other than 0: (page << 8 | register, value).
  std::vector<std::pair<std::uint32_t, std::uint16_t>> paged_regs_;
  [[nodiscard]] unsigned page() const { return spec_.page_reg ? regs_[*spec_.page_reg] : 0; }
  // What a register holds as written: on page 0 the register file, on
  // another page its storage.
  [[nodiscard]] std::uint16_t stored(unsigned reg) const;
  // The speed indication's value, its other bits as written.
  [[nodiscard]] std::uint16_t speed_indication(const SpeedIndication& si) const;
  [[nodiscard]] bool off_page(unsigned reg) const {
    return spec_.page_reg && reg != *spec_.page_reg && reg != c22::kPhyId1 && reg != c22::kPhyId2 &&
           reg >= spec_.paged_from && page() != 0;
  }

  unsigned resets_completed_ = 0;
  unsigned negotiations_completed_ = 0;
  // Observation, not state (mutable: a const read of the mode bits can be
  // where a quirk acts).
  void acted(bool Quirks::*quirk) const;
  // After a reset that kept the registers: whether one differs from the
  // power-on defaults (the quirk acted only then).
  [[nodiscard]] bool keeps_other_than_defaults() const;
  mutable std::uint32_t quirks_acted_ = 0;
};

}  // namespace refdrv::hw
