// SPDX-License-Identifier: GPL-2.0
#include "kernel/groups.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace refdrv::kernel {

namespace fs = std::filesystem;

namespace {

const std::array<DriverGroup, 2>& groups() {
  static const std::array<DriverGroup, 2> g = {{
      {"AX88796B_PHY", "Asix AX88772A, AX88772C, AX88796B PHYs", {"AX88772A", "AX88772C", "AX88796B"}, {"AX88796B"}},
      {"AMCC_QT2025_PHY", "AMCC QT2025 10GBASE-R PHY", {"QT2025", "QT2025-A3"}, {}},
  }};
  return g;
}

}  // namespace

std::span<const DriverGroup> driver_groups() { return groups(); }

const DriverGroup& reference_group() { return groups().front(); }

const DriverGroup* find_group(std::string_view kconfig) {
  for (const auto& g : groups())
    if (g.kconfig == kconfig) return &g;
  return nullptr;
}

GroupSources sources_of(const LinuxTree& tree, const DriverGroup& group) {
  GroupSources s;
  // The objects the Makefile builds for the symbol, in either branch of an
  // `ifdef CONFIG_..._RUST_PHY`: the source beside each is the driver.
  for (const auto& [obj, sym] : tree.object_kconfig) {
    if (sym != group.kconfig) continue;
    fs::path src = obj;
    if (fs::exists(tree.root / src.replace_extension(".c")))
      s.c_source = src.string();
    else if (fs::exists(tree.root / src.replace_extension(".rs")))
      s.rust_source = src.string();
  }
  for (const auto& rg : tree.groups)
    if (rg.kconfig == group.kconfig) {
      s.rust_kconfig = rg.rust_kconfig;
      s.rust_depends = rg.rust_depends;
    }
  if (!s.rust_source.empty() && s.rust_kconfig.empty()) {
    // A Rust-only driver: the group's own symbol selects it.
    s.rust_kconfig = group.kconfig;
    s.rust_depends = kconfig_depends(tree.root, group.kconfig);
  }
  return s;
}

std::string group_fragment(const LinuxTree& tree, bool rust) {
  std::string out;
  for (const auto& g : groups()) {
    const GroupSources s = sources_of(tree, g);
    const std::string& sym = rust ? s.rust_kconfig : (s.c_source.empty() ? std::string() : g.kconfig);
    if (sym.empty() || out.find("CONFIG_" + sym + "=y\n") != std::string::npos) continue;
    if (out.empty())
      out = rust ? "# The options of the driver groups' Rust drivers (kernel/groups.cpp)\n"
                 : "# The driver groups' C drivers the tree builds (kernel/groups.cpp)\n";
    out += fmt::format("CONFIG_{}=y\n", sym);
  }
  return out;
}

}  // namespace refdrv::kernel
