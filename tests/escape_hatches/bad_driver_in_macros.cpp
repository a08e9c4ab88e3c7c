// SPDX-License-Identifier: GPL-2.0
// A deliberately bad C++ PHY driver whose escape hatches are all written
// inside the arguments of the abstractions' macros (TRY,
// REFDRV_MODULE_PHY_DRIVER): the check judges macro arguments as the
// driver's code (tests/CMakeLists.txt expects each to be reported). Never
// built.
#include <cstdint>

#include "refdrv/phy/module.hpp"
#include "refdrv_abi.h"
#include "refdrv_phy_helpers.h"

using namespace refdrv::phy;

namespace {

int g_counter;

struct BadPhy {
  static constexpr CStr name = "Bad PHY";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x12345678);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::soft_reset;

  static Result<> soft_reset(Device& dev) {
    TRY(dev.write(reg::C22::BMCR, static_cast<std::uint16_t>(g_counter)));                    // cast
    TRY(dev.write(reg::C22::BMCR, refdrv_kernel_entry(nullptr) ? 1 : 0));                    // C API call
    TRY(dev.write(reg::C22::BMCR, *&g_counter ? 1 : 0));                                      // address taken
    TRY(dev.write(reg::C22::BMCR, *reinterpret_cast<std::uint16_t*>(&g_counter)));           // reinterpret_cast
    return {};
  }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(bad_module, (BadPhy), {.name = "bad", .author = "", .description = "",
                                                 .license = static_cast<CStr>("GPL"),  // cast
                                                 .kconfig = "", .impl_kconfig = "", .depends = "", .source = ""})
