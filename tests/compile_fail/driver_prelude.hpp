// SPDX-License-Identifier: GPL-2.0
// Shared by the compile-failure tests: each includes this, defines one
// driver with one mistake, and declares a module so the checks run.
#pragma once

#include "refdrv/phy/module.hpp"

using namespace refdrv::phy;

#define TEST_MODULE(Driver) \
  REFDRV_MODULE_PHY_DRIVER(test_module, (Driver), {"t", "a", "d", "GPL", "K", "K_CXX", "", "s"})
