// SPDX-License-Identifier: GPL-2.0
// A model of the AMCC (Applied Micro) QT2025: a 10GBASE-R SFP+ PHY with an
// 8051 microcontroller that runs a firmware image loaded over MDIO.
//
// Clause 45 only (a Clause-22 frame gets no answer). Three MMDs: PMA/PMD,
// PCS and PHY XS (45.2.1, 45.2.3, 45.2.4), each with its identifier,
// devices-in-package, status 1 (link latching low) and status 2
// (device-present) registers. The vendor registers are those the public
// Linux driver (drivers/net/phy/qt2025.rs, after the vendor's QT2025_phy.c)
// names, and nothing is assumed beyond them:
//   1.0xd001          hardware revision; its upper byte is 0xb3 on the
//                     revision the driver and its firmware support
//   1.0xc300          MICRO_RESETN: 0 holds the microcontroller in reset
//   1.0xc302, 1.0xc319, 1.0xc31a, 1.0xa30a, 3.0x0026-0x0029
//                     clock, loopback, LAN/WAN and clock-recovery settings
//                     (stored and read back)
//   3.0xe854          0x00c0: run from the boot ROM; 0x0040: run from SRAM
//   3.0x8000-0xbfff   the first 16 KiB of program memory, a byte per register
//   4.0x8000-0x9fff   the next 8 KiB
// The line side: a 10GBASE-R link comes up with an optical partner plugged
// once the microcontroller runs a program from SRAM (the firmware drives the
// SFP+ cage); then PMA/PMD, PCS and PHY XS report link (status 1 bit 2,
// latching low, 45.2.1.2), the 10GBASE-R PCS reports block lock and receive
// link (45.2.3.15) and the PHY XS its lanes aligned (45.2.4.10). Without a
// program from SRAM, or without a partner, there is no link. PMA/PMD status
// 2 advertises 10GBASE-SR and 10GBASE-LR (45.2.1.7); control 1 reads 10 Gb/s.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "hw/phy_model.hpp"

namespace refdrv::hw {

struct Qt2025Spec {
  std::string name = "QT2025";
  std::string description;
  std::uint32_t phy_id = 0x0043a400;  // devices identifier of each MMD (2/3)
  std::uint8_t revision = 0xb3;       // upper byte of 1.0xd001
  unsigned default_addr = 0;
  // How long the optics need after both a partner and a running program are
  // there, before the PCS locks and the link is reported.
  Nanos link_up_delay = 30 * kMs;
  Nanos reset_duration = 1 * kMs;  // 45.2.1.1.1: PMA/PMD reset, self-clearing
};

class Qt2025Model final : public WiredPhy {
 public:
  static constexpr unsigned kProgramBytes = 24 * 1024;
  static constexpr unsigned kWindow1 = 16 * 1024;  // 3.0x8000..0xbfff

  explicit Qt2025Model(Qt2025Spec spec);
  [[nodiscard]] std::unique_ptr<MdioDevice> clone() const override;  // hw/clone.cpp

  std::uint16_t read(unsigned, Nanos) override { return 0xffff; }  // no Clause 22
  void write(unsigned, std::uint16_t, Nanos) override {}
  std::uint16_t read_c45(unsigned devad, unsigned reg, Nanos now) override;
  void write_c45(unsigned devad, unsigned reg, std::uint16_t value, Nanos now) override;

  void plug(const PartnerProfile& partner, Nanos at) override;
  void unplug(Nanos at) override;
  void partner_restart_aneg(Nanos at) override;
  void flap(Nanos at, Nanos duration) override;
  [[nodiscard]] std::uint16_t peek(unsigned reg, Nanos now) override;
  void release(Nanos now) override;
  [[nodiscard]] bool link_up(Nanos now) override;
  // 10GBASE-R: 10 000 Mb/s, full duplex, while the link is up.
  [[nodiscard]] std::optional<WireMode> wire_mode(Nanos now) override;
  [[nodiscard]] bool powered_down(Nanos now) override;
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> running_firmware() const override;

  [[nodiscard]] const Qt2025Spec& spec() const { return spec_; }
  [[nodiscard]] bool micro_in_reset() const { return (vendor(1, 0xc300) & 0x0002) == 0; }
  [[nodiscard]] bool running_from_sram() const { return running_from_sram_; }
  // Bytes written to program memory, and the highest address written + 1.
  [[nodiscard]] std::size_t program_length() const { return program_length_; }

 private:
  struct Event {
    Nanos at;
    bool plug;
    std::optional<PartnerProfile> partner;
    // An unplug that plugs the partner of that moment back this much later.
    std::optional<Nanos> flap_for = std::nullopt;
    bool after_instant = false;  // WiredPhy::schedule_after_instant()
    [[nodiscard]] Nanos effective() const { return at + (after_instant ? 1 : 0); }
  };

  void advance(Nanos now);
  void update_link(Nanos t);
  [[nodiscard]] bool signal() const;
  [[nodiscard]] std::uint16_t compose(unsigned devad, unsigned reg) const;
  [[nodiscard]] std::uint16_t vendor(unsigned devad, unsigned reg) const;
  void schedule(Event ev);

  Qt2025Spec spec_;
  Nanos now_ = 0;
  std::map<std::uint32_t, std::uint16_t> vendor_;  // (devad << 16 | reg) -> value
  std::array<std::uint8_t, kProgramBytes> program_{};
  std::size_t program_length_ = 0;
  bool running_from_sram_ = false;
  std::uint16_t pma_ctrl1_;
  std::uint16_t pma_ctrl2_;
  std::optional<Nanos> reset_done_at_;

  std::optional<PartnerProfile> partner_;
  std::vector<Event> pending_;
  bool link_ = false;
  std::optional<Nanos> link_at_;  // when the link will come up
  // Status 1 link bits latch low until read (PMA/PMD, PCS, PHY XS).
  std::array<bool, 5> latched_low_{};
};

}  // namespace refdrv::hw
