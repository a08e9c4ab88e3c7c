// SPDX-License-Identifier: GPL-2.0
// C++ reference driver for the Asix AX88772A, AX88772C and AX88796B PHYs:
// the features of drivers/net/phy/ax88796b.c and ax88796b_rust.rs, written
// on refdrv's C++ phylib abstractions. Selected by AX88796B_CXX_PHY.
#include <tuple>

#include "cxx/drivers/modules.hpp"

namespace refdrv::drivers {
namespace {

using namespace refdrv::phy;

// Software reset through BMCR_RESET, polled until the bit clears. The bit is
// first written as 0: the AX88796B on the X-Surf 100 only resets when the
// bit goes from 0 to 1.
Result<> asix_soft_reset(Device& dev) {
  TRY(dev.write(reg::C22::BMCR, 0));
  return dev.genphy_soft_reset();
}

struct PhyAX88772A {
  static constexpr CStr name = "Asix Electronics AX88772A";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x003b1861);
  static constexpr Flags flags = Flag::is_internal;
  static constexpr Callbacks callbacks = Callback::read_status | Callback::suspend | Callback::resume |
                                         Callback::soft_reset | Callback::link_change_notify;

  // With some old switches the AX88772A reports the link up after
  // negotiation but LPA reads 0, so nothing could be resolved from it: take
  // speed and duplex from BMCR first and let the LPA resolution override
  // them when it can.
  static Result<std::uint16_t> read_status(Device& dev) {
    TRY(dev.genphy_update_link());
    if (!dev.is_link_up()) return 0;
    const std::uint16_t bmcr = TRY(dev.read(reg::C22::BMCR));
    dev.set_speed((bmcr & mii::BMCR_SPEED100) != 0 ? uapi::SPEED_100 : uapi::SPEED_10);
    dev.set_duplex((bmcr & mii::BMCR_FULLDPLX) != 0 ? DuplexMode::Full : DuplexMode::Half);
    TRY(dev.genphy_read_lpa());
    if (dev.is_autoneg_enabled() && dev.is_autoneg_completed()) dev.resolve_aneg_linkmode();
    return 0;
  }

  static Result<> suspend(Device& dev) { return dev.genphy_suspend(); }
  static Result<> resume(Device& dev) { return dev.genphy_resume(); }
  static Result<> soft_reset(Device& dev) { return asix_soft_reset(dev); }

  // With some partners the AX88772A keeps a stale LPA after the link drops;
  // resetting the PHY when the link is lost clears it.
  static void link_change_notify(Device& dev) {
    if (dev.state() != DeviceState::NoLink) return;
    // A notification cannot fail: like the C and Rust drivers, errors of the
    // re-initialisation are not reported, the next poll sees the PHY state.
    std::ignore = dev.init_hw();
    // Same here: a failed restart shows up as no link at the next poll.
    std::ignore = dev.start_aneg();
  }
};

struct PhyAX88772C {
  static constexpr CStr name = "Asix Electronics AX88772C";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x003b1881);
  static constexpr Flags flags = Flag::is_internal;
  static constexpr Callbacks callbacks = Callback::suspend | Callback::resume | Callback::soft_reset;

  static Result<> suspend(Device& dev) { return dev.genphy_suspend(); }
  static Result<> resume(Device& dev) { return dev.genphy_resume(); }
  static Result<> soft_reset(Device& dev) { return asix_soft_reset(dev); }
};

struct PhyAX88796B {
  static constexpr CStr name = "Asix Electronics AX88796B";
  // Revisions in the low nibble: match the model.
  static constexpr DeviceId phy_device_id = DeviceId::new_with_model_mask(0x003b1841);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::soft_reset;

  static Result<> soft_reset(Device& dev) { return asix_soft_reset(dev); }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(cxx_asix_phy, (PhyAX88772A, PhyAX88772C, PhyAX88796B),
                         {
                             .name = "cxx_asix_phy",
                             .author = "refdrv developers",
                             .description = "C++ Asix PHYs driver",
                             .license = "GPL",
                             .kconfig = "AX88796B_PHY",
                             .impl_kconfig = "AX88796B_CXX_PHY",
                             .depends = "CXX_PHYLIB_ABSTRACTIONS && AX88796B_PHY",
                             .source = "cxx/drivers/ax88796b_cxx.cpp",
                         })

}  // namespace refdrv::drivers
