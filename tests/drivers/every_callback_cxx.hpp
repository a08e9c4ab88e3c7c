// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "refdrv/phy/module.hpp"

namespace refdrv::test_drivers {
// A C++ driver implementing every callback the C++ abstractions offer, bound
// to REFDRV_TEST_PHY_EVERY_CALLBACK: what phylib holds when it calls each.
const phy::ModuleDescriptor& every_callback_cxx();
}
