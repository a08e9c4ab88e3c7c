// SPDX-License-Identifier: GPL-2.0
// The driver groups refdrv knows: one piece of hardware and the driver
// implementations refdrv compares on its models. This table is the only place
// a group is described; what the tree holds of it (its C source, its Rust
// driver and the option that selects it) is read from the tree's Makefile and
// Kconfig (sources_of), refdrv's own C++ implementation from its module
// descriptor (cxx/drivers/*.cpp: .kconfig names the group), and the
// configuration fragment, check, list, mutate, the fuzzer and the report all
// read them from here. Adding a group: a row here, its hardware models in
// hw/catalog.cpp, its scenarios (they name the models), and optionally a C++
// driver whose descriptor names the group's symbol.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/tree.hpp"

namespace refdrv::kernel {

struct DriverGroup {
  std::string kconfig;              // the tree's symbol for the hardware's driver: AX88796B_PHY
  std::string title;                // "Asix AX88772A, AX88772C, AX88796B PHYs"
  std::vector<std::string> models;  // refdrv's hardware models of its devices (hw/catalog.cpp)
  // Models whose driver entries match every silicon revision (a PHY ID mask
  // that leaves the revision nibble out): the fuzzer varies their revision.
  std::vector<std::string> any_revision;
};

// Every group, the reference group first.
[[nodiscard]] std::span<const DriverGroup> driver_groups();
// The group refdrv's reference-driver evaluation is about (the Asix PHYs:
// C driver, the tree's Rust reference driver, refdrv's C++ one): mutate,
// the fuzzer and the report's per-driver sections.
[[nodiscard]] const DriverGroup& reference_group();
[[nodiscard]] const DriverGroup* find_group(std::string_view kconfig);

// What a tree holds of a group, as its Makefiles and Kconfig say.
struct GroupSources {
  std::string c_source;      // drivers/net/phy/ax88796b.c; empty: the tree has no C driver for it
  std::string rust_source;   // drivers/net/phy/ax88796b_rust.rs, qt2025.rs; empty: no Rust driver
  // The option that selects the Rust driver: the pair's own option
  // (AX88796B_RUST_PHY) or, for a Rust-only driver, the group's symbol.
  std::string rust_kconfig;
  std::string rust_depends;  // its `depends on` line
  [[nodiscard]] bool any() const { return !c_source.empty() || !rust_source.empty(); }
  // The tree keeps a C driver and a Rust reference driver for it.
  [[nodiscard]] bool pair() const { return !c_source.empty() && !rust_source.empty(); }
};
[[nodiscard]] GroupSources sources_of(const LinuxTree& tree, const DriverGroup& group);

// The configuration lines the groups need in this tree: CONFIG_<sym>=y for
// the groups whose C driver the tree builds (`rust` false), or for the
// options selecting their Rust drivers (`rust` true; the Rust fragment's
// part). Groups the tree lacks get no line: a tree without the Asix driver
// configures and runs the drivers it has.
[[nodiscard]] std::string group_fragment(const LinuxTree& tree, bool rust);

}  // namespace refdrv::kernel
