// SPDX-License-Identifier: GPL-2.0
// C++ PHY driver modules: one macro declares a module (its drivers, hence
// its device table, and its module information). registration.hpp
// registers one with a loaded kernel side.
#pragma once

#include <array>
#include <span>

#include "refdrv/phy/driver.hpp"

namespace refdrv::phy {

// What `modinfo` shows.
struct ModuleInfo {
  CStr name;
  CStr author;
  CStr description;
  CStr license;
  CStr kconfig;          // the reference-driver group: the C driver's symbol (AX88796B_PHY)
  CStr impl_kconfig;     // the symbol selecting this implementation (AX88796B_CXX_PHY)
  CStr depends;          // its dependencies, in Kconfig syntax
  CStr source;
};

// A module's drivers in C form (flags still refdrv's), and its device table:
// the drivers' own IDs, one each (Rust's module_phy_driver! takes a table
// of its own, which may differ). Nothing reads it: refdrv's module table
// lists the IDs of the drivers a module registered (emul/modules.c).
struct ModuleDescriptor {
  ModuleInfo info;
  std::span<const refdrv_foreign_driver> drivers;
  std::span<const Flags> flags;
  std::span<const DeviceId> device_table;
};

template <class... Drivers>
class PhyModule {
 public:
  explicit constexpr PhyModule(ModuleInfo info) : info_(info) {}
  [[nodiscard]] ModuleDescriptor descriptor() const { return {info_, kDrivers, kFlags, kDeviceTable}; }

 private:
  static constexpr std::array<refdrv_foreign_driver, sizeof...(Drivers)> kDrivers = {detail::describe<Drivers>()...};
  static constexpr std::array<Flags, sizeof...(Drivers)> kFlags = {detail::flags_of<Drivers>()...};
  static constexpr std::array<DeviceId, sizeof...(Drivers)> kDeviceTable = {DeviceId::new_with_driver<Drivers>()...};
  ModuleInfo info_;
};

}  // namespace refdrv::phy

#define REFDRV_PHY_UNPAREN(...) __VA_ARGS__

// Declares `const ModuleDescriptor& ident()` for a module of PHY drivers:
//
//   REFDRV_MODULE_PHY_DRIVER(cxx_asix_phy, (PhyA, PhyB), {
//       .name = "cxx_asix_phy", .author = "...", .description = "...",
//       .license = "GPL", .kconfig = "AX88796B_PHY", .source = "cxx/drivers/x.cpp"});
//
// The device table is each driver's phy_device_id, in order.
#ifdef REFDRV_ESCAPE_CHECK
// As tools/check-escape-hatches sees it: the drivers and the module
// information the driver wrote, and no code of the abstractions'.
#define REFDRV_MODULE_PHY_DRIVER(ident, drivers, ...)                                        \
  using ident##_escape_check_drivers = ::refdrv::phy::PhyModule<REFDRV_PHY_UNPAREN drivers>; \
  [[maybe_unused]] static constexpr ::refdrv::phy::ModuleInfo ident##_escape_check_info __VA_ARGS__;
#else
#define REFDRV_MODULE_PHY_DRIVER(ident, drivers, ...)                                                    \
  const ::refdrv::phy::ModuleDescriptor& ident() {                                                       \
    static const ::refdrv::phy::PhyModule<REFDRV_PHY_UNPAREN drivers> module(::refdrv::phy::ModuleInfo __VA_ARGS__); \
    static const ::refdrv::phy::ModuleDescriptor descriptor = module.descriptor();                       \
    return descriptor;                                                                                   \
  }
#endif
