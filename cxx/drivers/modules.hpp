// SPDX-License-Identifier: GPL-2.0
// The C++ driver modules built with refdrv.
#pragma once

#include <functional>
#include <vector>

#include "refdrv/phy/module.hpp"

namespace refdrv::drivers {

const phy::ModuleDescriptor& cxx_asix_phy();
const phy::ModuleDescriptor& cxx_qt2025_phy();

// Every C++ module, in registration order.
inline std::vector<std::reference_wrapper<const phy::ModuleDescriptor>> cxx_modules() {
  return {cxx_asix_phy(), cxx_qt2025_phy()};
}

}  // namespace refdrv::drivers
