// SPDX-License-Identifier: GPL-2.0
// Internal to the abstractions: what a Device refers to. Drivers never
// include this header.
#pragma once

#include "refdrv_phy_helpers.h"

namespace refdrv::phy::detail {

// # Invariants
//
// `phy` is a valid phy_device and `helpers` the helper table of the kernel
// side that owns it, for as long as the context exists (one callback).
struct DeviceContext {
  refdrv_phy* phy;
  const refdrv_phy_helpers* helpers;
};

}  // namespace refdrv::phy::detail
