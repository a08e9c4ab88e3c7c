// SPDX-License-Identifier: GPL-2.0
#include "engine/groups.hpp"

#include <algorithm>
#include <array>

#include "engine/environment.hpp"

namespace refdrv {

namespace {

const std::array<DriverGroup, 2>& groups() {
  static const std::array<DriverGroup, 2> g = {{
      {"AX88796B_PHY", "Asix AX88772A, AX88772C, AX88796B PHYs", {"AX88772A", "AX88772C", "AX88796B"}},
      {"AMCC_QT2025_PHY", "AMCC QT2025 10GBASE-R PHY", {"QT2025", "QT2025-A3"}},
  }};
  return g;
}

}  // namespace

std::span<const DriverGroup> driver_groups() { return groups(); }

const DriverGroup* group_of_model(std::string_view model) {
  for (const auto& g : groups())
    if (std::find(g.models.begin(), g.models.end(), model) != g.models.end()) return &g;
  return nullptr;
}

std::vector<Impl> group_impls(Environment& env, const DriverGroup& group) {
  std::vector<Impl> out;
  for (Impl i : {Impl::kC, Impl::kRust, Impl::kCxx})
    if (env.image().has_impl(i, group.kconfig.c_str())) out.push_back(i);
  return out;
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
