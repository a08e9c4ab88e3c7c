// SPDX-License-Identifier: GPL-2.0
// Driver groups: one piece of hardware and the implementations of its
// driver, described once and read by check, list, modinfo and the report.
// The Asix PHYs (C in the tree, the tree's Rust reference driver, refdrv's
// C++ one) and the QT2025 (Rust-only in the tree, refdrv's C++ one).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/kernel_image.hpp"

namespace refdrv {

class Environment;

struct DriverGroup {
  std::string kconfig;              // the Kconfig symbol its modules are registered under
  std::string title;                // "Asix AX88772A, AX88772C, AX88796B PHYs"
  std::vector<std::string> models;  // the hardware models of its devices
};

[[nodiscard]] std::span<const DriverGroup> driver_groups();
// The group a hardware model belongs to, or null (a model no group claims:
// the generic PHYs, which any implementation's instance binds alike).
[[nodiscard]] const DriverGroup* group_of_model(std::string_view model);
// The implementations of a group this environment registered, in column
// order (C, Rust, C++).
[[nodiscard]] std::vector<Impl> group_impls(Environment& env, const DriverGroup& group);
// Of `selected`, those that can run on `model`: the group's implementations
// (and the generic driver, none); all of them for a model without a group.
[[nodiscard]] std::vector<Impl> impls_for_model(Environment& env, const std::string& model,
                                                const std::vector<Impl>& selected);

}  // namespace refdrv
