// SPDX-License-Identifier: GPL-2.0
// A deliberately bad C++ PHY driver that compiles without a warning and
// has none of the escape hatches bad_driver.cpp spells out: each is hidden
// (tests/CMakeLists.txt expects every one reported). Never built.
#include <array>
#include <cstdio>
#include <functional>
#include <optional>
#include <thread>
#include <tuple>

#include "refdrv/phy/module.hpp"
#include "sneaky_helper.hpp"

using namespace refdrv::phy;

namespace {

// A Device kept past its callback (mutable global), and state shared
// between callbacks, as Rust allows only through `static mut` and unsafe.
std::optional<std::reference_wrapper<Device>> g_kept;
std::array<std::uint16_t, 4> g_table{};

void later(Device& dev) {
  // Why not: this is the test's bad driver.
  std::ignore = dev.genphy_suspend();
}

struct SneakyPhy {
  static constexpr CStr name = "Sneaky PHY";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x12345678);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::soft_reset | Callback::match_phy_device | Callback::suspend;

  static Result<> soft_reset(Device& dev) {
    g_kept = std::ref(dev);                                // address taken (std::ref)
    const std::uint16_t v = *dev.read(reg::C22::BMCR);    // unchecked access
    g_table[v] = sneaky_peek(std::addressof(g_table));     // unchecked index, address taken
    auto& say = std::puts;                                 // C API call (referred to)
    // Why not: this is the test's bad driver.
    std::ignore = say("reset");                            // call through a function pointer
    return {};
  }
  static bool match_phy_device(const Device& dev) {
    if (g_kept) return g_kept->get().write(reg::C22::BMCR, 0x8000).has_value();  // unchecked access
    return dev.phy_id() == 0;
  }
  static Result<> suspend(Device& dev) {
    std::thread(later, std::ref(dev)).detach();            // thread
#ifndef REFDRV_ESCAPE_CHECK
    g_table.fill(0);                                       // code the check does not see
#endif
    return {};
  }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(sneaky_module, (SneakyPhy), {.name = "sneaky", .author = "", .description = "",
                                                 .license = "GPL", .kconfig = "", .impl_kconfig = "", .depends = "",
                                                 .source = ""})
