// SPDX-License-Identifier: GPL-2.0
#include "engine/groups.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/environment.hpp"
#include "refdrv/phy/module.hpp"

namespace refdrv {

const DriverGroup* group_of_model(std::string_view model) {
  for (const auto& g : driver_groups())
    if (std::find(g.models.begin(), g.models.end(), model) != g.models.end()) return &g;
  return nullptr;
}

std::vector<Impl> group_impls(Environment& env, const DriverGroup& group) {
  std::vector<Impl> out;
  for (Impl i : {Impl::kC, Impl::kRust, Impl::kCxx})
    if (env.image().has_impl(i, group.kconfig.c_str())) out.push_back(i);
  return out;
}

const phy::ModuleDescriptor* cxx_module_of(const Environment& env, const DriverGroup& group) {
  for (const phy::ModuleDescriptor& d : env.cxx_modules())
    if (group.kconfig == d.info.kconfig.c_str()) return &d;
  return nullptr;
}

std::string absence_reason(Environment& env, const DriverGroup& group, Impl impl) {
  const kernel::GroupSources src = kernel::sources_of(env.tree(), group);
  const std::string& version = env.tree().version;
  switch (impl) {
    case Impl::kC:
      if (src.c_source.empty()) return fmt::format("Linux {} has no C driver for CONFIG_{}", version, group.kconfig);
      return fmt::format("no C module for CONFIG_{} registered (the tree's {} was not built or did not register)",
                         group.kconfig, src.c_source);
    case Impl::kRust:
      if (src.rust_source.empty())
        return fmt::format("Linux {} has no Rust driver for CONFIG_{}", version, group.kconfig);
      if (!env.built().rust_note.empty()) return env.built().rust_note;
      return fmt::format("the tree's {} did not register a driver (see the kernel log: refdrv modinfo)",
                         src.rust_source);
    case Impl::kCxx:
      if (const auto* m = cxx_module_of(env, group))
        return fmt::format("refdrv's C++ module {} did not register", m->info.name.c_str());
      return fmt::format("refdrv has no C++ driver for CONFIG_{}", group.kconfig);
    default:
      return {};
  }
}

std::vector<Impl> impls_for_model(Environment& env, const std::string& model, const std::vector<Impl>& selected) {
  const DriverGroup* g = group_of_model(model);
  if (!g) return selected;
  const std::vector<Impl> have = group_impls(env, *g);
  std::vector<Impl> out;
  for (Impl i : selected)
    if (i == Impl::kNone || std::find(have.begin(), have.end(), i) != have.end()) out.push_back(i);
  return out;
}

}  // namespace refdrv
