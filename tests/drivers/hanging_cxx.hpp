// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "refdrv/phy/module.hpp"

namespace refdrv::test_drivers {
const phy::ModuleDescriptor& hanging_cxx();
}
