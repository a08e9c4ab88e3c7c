// SPDX-License-Identifier: GPL-2.0
// C++ driver for the Applied Micro Circuits Corporation QT2025 10GBASE-R
// PHY: the features of the tree's Rust-only drivers/net/phy/qt2025.rs (after
// the vendor's QT2025_phy.c), on refdrv's C++ abstractions, so that the
// tree's first driver built on the Rust abstractions has a second
// implementation to be compared with. Selected by AMCC_QT2025_CXX_PHY.
//
// The QT2025 integrates an 8051 microcontroller; probe checks the hardware
// revision, loads the vendor firmware into the microcontroller's program
// memory over MDIO and starts it.
#include "cxx/drivers/modules.hpp"
#include "refdrv/firmware.hpp"

namespace refdrv::drivers {
namespace {

using namespace refdrv::phy;
using firmware::Firmware;
using reg::C45;
using reg::Mmd;

constexpr CStr kFirmware = "qt2025-2.0.3.3.fw";

// The 24 KiB of program memory the firmware fills, one byte per register:
// the first 16 KiB at 3.0x8000-0xbfff, the next 8 KiB at 4.0x8000-0x9fff.
constexpr std::size_t kWindow1Bytes = 16 * 1024;
constexpr std::size_t kProgramBytes = kWindow1Bytes + 8 * 1024;
constexpr std::uint16_t kProgramBase = 0x8000;  // of each window

struct PhyQT2025 {
  static constexpr CStr name = "QT2025 10Gpbs SFP+";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x0043a400);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::probe | Callback::read_status;

  static Result<> probe(Device& dev) {
    // Only hardware revision 0xb3 works with this driver and firmware.
    const std::uint16_t hw_rev = TRY(dev.read(C45(Mmd::PMAPMD, 0xd001)));
    if ((hw_rev >> 8) != 0xb3) return Err(code::enodev);

    // MICRO_RESETN: hold the microcontroller in reset while configuring.
    TRY(dev.write(C45(Mmd::PMAPMD, 0xc300), 0x0000));
    // SREFCLK_FREQ: the microcontroller's clock frequency.
    TRY(dev.write(C45(Mmd::PMAPMD, 0xc302), 0x0004));
    // Non-loopback mode.
    TRY(dev.write(C45(Mmd::PMAPMD, 0xc319), 0x0038));
    // CUS_LAN_WAN_CONFIG: LAN rather than WAN (WIS) mode.
    TRY(dev.write(C45(Mmd::PMAPMD, 0xc31a), 0x0098));
    // 3.38-3.41 are standard registers (the 10GBASE-R PCS test pattern seed
    // B) used for something vendor specific, with the vendor's values.
    TRY(dev.write(C45(Mmd::PCS, 0x0026), 0x0e00));
    TRY(dev.write(C45(Mmd::PCS, 0x0027), 0x0893));
    TRY(dev.write(C45(Mmd::PCS, 0x0028), 0xa528));
    TRY(dev.write(C45(Mmd::PCS, 0x0029), 0x0003));
    // Transmit and recovered clock.
    TRY(dev.write(C45(Mmd::PMAPMD, 0xa30a), 0x06e1));
    // MICRO_RESETN: release the microcontroller; it starts from its boot ROM.
    TRY(dev.write(C45(Mmd::PMAPMD, 0xc300), 0x0002));
    TRY(dev.write(C45(Mmd::PCS, 0xe854), 0x00c0));

    const Firmware fw = TRY(Firmware::request(kFirmware, dev));
    if (fw.size() > kProgramBytes) return Err(code::efbig);

    std::size_t written = 0;
    std::uint16_t offset = 0;
    Mmd mmd = Mmd::PCS;
    for (const std::uint8_t byte : fw.data()) {
      if (written == kWindow1Bytes) {
        // The rest goes to the second window, from its start.
        offset = 0;
        mmd = Mmd::PHYXS;
      }
      TRY(dev.write(C45(mmd, kProgramBase + offset), byte));
      ++offset;
      ++written;
    }
    // Start the microcontroller from SRAM, with the firmware just loaded.
    TRY(dev.write(C45(Mmd::PCS, 0xe854), 0x0040));
    // Like the Rust driver, no wait here for the firmware to become ready.
    return {};
  }

  static Result<std::uint16_t> read_status(Device& dev) { return dev.genphy_read_status<C45>(); }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(cxx_qt2025_phy, (PhyQT2025),
                         {
                             .name = "cxx_qt2025_phy",
                             .author = "refdrv developers",
                             .description = "C++ AMCC QT2025 PHY driver",
                             .license = "GPL",
                             .kconfig = "AMCC_QT2025_PHY",
                             .impl_kconfig = "AMCC_QT2025_CXX_PHY",
                             .depends = "CXX_PHYLIB_ABSTRACTIONS && CXX_FW_LOADER_ABSTRACTIONS",
                             .source = "cxx/drivers/qt2025_cxx.cpp",
                         })

}  // namespace refdrv::drivers
