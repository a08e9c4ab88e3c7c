// SPDX-License-Identifier: GPL-2.0
// A C++ PHY driver with every optional callback the abstractions offer, each
// doing what phylib's generic routine would (or nothing harmful), so that a
// link comes up on a generic model and the locking test sees phylib call
// each of them. Binds only to its test PHY ID.
#include "tests/drivers/every_callback_cxx.hpp"

#include "tests/drivers/test_drivers.h"

namespace refdrv::test_drivers {
namespace {

using namespace refdrv::phy;

struct EveryCallback {
  static constexpr CStr name = "refdrv test: every C++ callback";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(REFDRV_TEST_PHY_EVERY_CALLBACK);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::soft_reset | Callback::probe | Callback::get_features |
                                         Callback::match_phy_device | Callback::config_aneg | Callback::read_status |
                                         Callback::suspend | Callback::resume | Callback::read_mmd |
                                         Callback::write_mmd | Callback::link_change_notify;

  static Result<> soft_reset(Device& dev) { return dev.genphy_soft_reset(); }
  static Result<> probe(Device&) { return {}; }
  static Result<> get_features(Device& dev) { return dev.genphy_read_abilities(); }
  static bool match_phy_device(const Device& dev) { return dev.phy_id() == REFDRV_TEST_PHY_EVERY_CALLBACK; }
  // Autonegotiation enabled and restarted (BMCR_ANENABLE | BMCR_ANRESTART),
  // advertising what the model resets to.
  static Result<> config_aneg(Device& dev) { return dev.write(reg::C22::BMCR, 0x1200); }
  static Result<std::uint16_t> read_status(Device& dev) { return dev.genphy_read_status<reg::C22>(); }
  static Result<> suspend(Device& dev) { return dev.genphy_suspend(); }
  static Result<> resume(Device& dev) { return dev.genphy_resume(); }
  // A Clause-22-only PHY: no MMD registers (what phylib's generic routine
  // answers through Clause 45 over Clause 22 on this model is not the point).
  static Result<std::uint16_t> read_mmd(Device&, std::uint8_t, std::uint16_t) {
    return std::unexpected(code::eopnotsupp);
  }
  static Result<> write_mmd(Device&, std::uint8_t, std::uint16_t, std::uint16_t) {
    return std::unexpected(code::eopnotsupp);
  }
  static void link_change_notify(Device&) {}
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(every_callback_cxx, (EveryCallback),
                         {
                             .name = "refdrv_test_every_callback_cxx",
                             .author = "refdrv developers",
                             .description = "A test driver with every callback the C++ abstractions offer",
                             .license = "GPL",
                             .kconfig = "REFDRV_TEST_EVERY_CALLBACK_PHY",
                             .impl_kconfig = "REFDRV_TEST_EVERY_CALLBACK_CXX_PHY",
                             .depends = "CXX_PHYLIB_ABSTRACTIONS",
                             .source = "tests/drivers/every_callback_cxx.cpp",
                         })

}  // namespace refdrv::test_drivers
