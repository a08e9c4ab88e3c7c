// SPDX-License-Identifier: GPL-2.0
// Driver groups as the engine reads them: the table (kernel/groups.hpp) and
// which of a group's implementations an environment registered, and why the
// others are missing.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/kernel_image.hpp"
#include "kernel/groups.hpp"

namespace refdrv {

namespace phy {
struct ModuleDescriptor;
}

class Environment;

using kernel::driver_groups;
using kernel::DriverGroup;
using kernel::find_group;
using kernel::reference_group;

// The group a hardware model belongs to, or null (a model no group claims:
// the generic PHYs, which any implementation's instance binds alike).
[[nodiscard]] const DriverGroup* group_of_model(std::string_view model);
// The implementations of a group this environment registered, in column
// order (C, Rust, C++).
[[nodiscard]] std::vector<Impl> group_impls(Environment& env, const DriverGroup& group);
// Why `impl` of `group` is not registered in this environment, in words.
[[nodiscard]] std::string absence_reason(Environment& env, const DriverGroup& group, Impl impl);
// refdrv's own C++ module for the group (its descriptor's .kconfig names
// the group's symbol), or null.
[[nodiscard]] const phy::ModuleDescriptor* cxx_module_of(const Environment& env, const DriverGroup& group);
// Of `selected`, those that can run on `model`: the group's implementations
// (and the generic driver, none); all of them for a model without a group.
[[nodiscard]] std::vector<Impl> impls_for_model(Environment& env, const std::string& model,
                                                const std::vector<Impl>& selected);

}  // namespace refdrv
