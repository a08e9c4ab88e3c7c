// SPDX-License-Identifier: GPL-2.0
// A deliberately bad C++ PHY driver: every escape hatch the driver check
// must reject (tests/CMakeLists.txt expects each to be reported). Never built.
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "refdrv/phy/module.hpp"
#include "refdrv_abi.h"
#include "refdrv_phy_helpers.h"

using namespace refdrv::phy;

namespace {

int g_counter;

union Bits {  // union
  std::uint16_t word;
  std::uint8_t bytes[2];
};

struct Regs {
  std::uint16_t bmcr;
};

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
    void* block = std::malloc(16);                       // malloc (a C API call)
    std::free(block);
    const int limit = 3;
    int& writable = const_cast<int&>(limit);             // const_cast
    writable = (int)2.5;                                 // C-style cast
    std::uint16_t Regs::*field = &Regs::bmcr;            // member pointer
    Regs regs{};
    regs.*field = 1;
    Bits bits{};
    bits.word = 0;
    asm volatile("nop");                                 // inline assembly
    return static_cast<std::uint16_t>(0);
  }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(bad_module, (BadPhy), {.name = "bad", .author = "", .description = "", .license = "GPL",
                                                 .kconfig = "", .impl_kconfig = "", .depends = "", .source = ""})
