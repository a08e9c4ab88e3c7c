// SPDX-License-Identifier: GPL-2.0
// Registering C++ modules with a loaded kernel side: host code, outside the
// drivers' include tree (cxx/include), which reaches nothing of host/.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "refdrv/phy/module.hpp"

namespace refdrv {
class KernelImage;
}

namespace refdrv::phy {

// The phy_driver callbacks the C++ abstractions offer a driver: the rows of
// REFDRV_PHY_CALLBACKS with `cxx` 1, in table order.
[[nodiscard]] std::vector<std::string> offered_callbacks();

// A module registered with one kernel side; unregistered on destruction.
//
// # Invariants
//
// While it exists, `drivers_` (with the tree's flag values) and `module_`
// are registered with `image_`, which outlives it.
class Registration {
 public:
  [[nodiscard]] static ::refdrv::Result<std::unique_ptr<Registration>> register_module(KernelImage& image,
                                                                                       const ModuleDescriptor& m);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  explicit Registration(KernelImage& image) : image_(image) {}
  KernelImage& image_;
  std::vector<refdrv_foreign_driver> drivers_;
  std::vector<unsigned int> ids_, masks_;
  refdrv_foreign_module module_{};
};

}  // namespace refdrv::phy
