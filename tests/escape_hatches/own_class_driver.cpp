// SPDX-License-Identifier: GPL-2.0
// A driver with a helper class of its own: `*this` and a defaulted operator==
// (code the compiler writes) are no escape hatches (a review: the raw-pointer
// rules counted both). tests/CMakeLists.txt expects the check to pass it.
#include "cxx/drivers/modules.hpp"
namespace {
using namespace refdrv::phy;
struct Acc {
  int a = 0;
  Acc& add(int v) {
    a += v;
    return *this;
  }
  bool operator==(const Acc&) const = default;
};
struct P {
  static constexpr CStr name = "P";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x1234567b);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::soft_reset;
  static Result<> soft_reset(Device& dev) {
    Acc x, y;
    if (x.add(1) == y) return Err(code::eio);
    return dev.genphy_soft_reset();
  }
};
}  // namespace
REFDRV_MODULE_PHY_DRIVER(p_module, (P),
                         {.name = "p",
                          .author = "",
                          .description = "",
                          .license = "GPL",
                          .kconfig = "",
                          .impl_kconfig = "",
                          .depends = "",
                          .source = ""})
