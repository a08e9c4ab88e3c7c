// SPDX-License-Identifier: GPL-2.0
// A deliberately bad C++ PHY driver: every escape hatch the driver check
// must reject (tests/CMakeLists.txt expects each to be reported). Never built.
#include <cstdio>
#include <tuple>

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
  static constexpr Callbacks callbacks = Callback::soft_reset | Callback::read_status;

  static Result<> soft_reset(Device& dev) {
    int* counter = &g_counter;                            // raw pointer, address taken
    ++*counter;
    const auto raw = reinterpret_cast<refdrv_phy*>(&dev);  // cast to the C type
    refdrv_kernel_entry(nullptr);                         // C API call, result dropped
    std::ignore = raw;
    std::printf("reset\n");                               // C API call, varargs
    return {};
  }

  static Result<std::uint16_t> read_status(Device& dev) {
    std::ignore = dev.genphy_update_link();
    auto* scratch = new int(0);
    delete scratch;
    return static_cast<std::uint16_t>(0);
  }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(bad_module, (BadPhy), {.name = "bad", .author = "", .description = "", .license = "GPL",
                                                 .kconfig = "", .impl_kconfig = "", .depends = "", .source = ""})
