// SPDX-License-Identifier: GPL-2.0
// Deliberately broken C++ PHY drivers for the containment tests, on the same
// abstractions as the C++ Asix driver. Each binds only to its test PHY ID.
#include "tests/drivers/hanging_cxx.hpp"

#include <stdexcept>

#include "tests/drivers/test_drivers.h"

namespace refdrv::test_drivers {
namespace {

using namespace refdrv::phy;

// read_status never returns and never touches the bus: only a wall-clock
// budget can tell.
struct BusyLoop {
  static constexpr CStr name = "refdrv test: read_status spins forever";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(REFDRV_TEST_PHY_BUSY_LOOP);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::read_status;

  static Result<std::uint16_t> read_status(Device&) {
    // A volatile counter: the loop has a side effect, so it is not undefined
    // behaviour the compiler could remove, just endless.
    volatile unsigned long spins = 0;
    for (;;) spins = spins + 1;
  }
};

// read_status polls BMSR for a bit the model never sets, with no timeout
// and no sleep: virtual time does not pass, the MDIO access budget ends it.
struct MdioLoop {
  static constexpr CStr name = "refdrv test: read_status polls the bus forever";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(REFDRV_TEST_PHY_MDIO_LOOP);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::read_status;

  static Result<std::uint16_t> read_status(Device& dev) {
    for (;;) {
      const std::uint16_t bmsr = TRY(dev.read(reg::C22::BMSR));
      if (bmsr & 0x0100) return 0;  // BMSR_ESTATEN: never set by a 10/100 model
    }
  }
};

// read_status throws: a C++ exception must not reach phylib, the
// abstractions' adapter makes it the driver's BUG().
struct Throws {
  static constexpr CStr name = "refdrv test: read_status throws";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(REFDRV_TEST_PHY_THROWS);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::read_status;

  static Result<std::uint16_t> read_status(Device& dev) {
    const std::uint16_t bmsr = TRY(dev.read(reg::C22::BMSR));
    if (bmsr != 0) throw std::runtime_error("refdrv test: an exception out of read_status");
    return 0;
  }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(hanging_cxx, (BusyLoop, MdioLoop, Throws),
                         {
                             .name = "refdrv_test_hanging_cxx",
                             .author = "refdrv developers",
                             .description = "Test drivers whose read_status never returns, or throws",
                             .license = "GPL",
                             .kconfig = "REFDRV_TEST_HANGING_PHY",
                             .impl_kconfig = "REFDRV_TEST_HANGING_CXX_PHY",
                             .depends = "CXX_PHYLIB_ABSTRACTIONS",
                             .source = "tests/drivers/hanging_cxx.cpp",
                         })

}  // namespace refdrv::test_drivers
