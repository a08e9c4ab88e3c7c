// SPDX-License-Identifier: GPL-2.0
// A Linux source tree as refdrv uses it: validated, versioned, and read for
// the reference-driver pairs its Makefiles and Kconfig declare.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace refdrv::kernel {

// A driver kept in two implementations, found the way the tree states it:
//   ifdef CONFIG_AX88796B_RUST_PHY
//     obj-$(CONFIG_AX88796B_PHY) += ax88796b_rust.o
//   else
//     obj-$(CONFIG_AX88796B_PHY) += ax88796b.o
//   endif
// plus `config AX88796B_RUST_PHY ... depends on RUST_PHYLIB_ABSTRACTIONS && AX88796B_PHY`.
struct ReferenceGroup {
  std::string kconfig;       // AX88796B_PHY
  std::string c_source;      // drivers/net/phy/ax88796b.c
  std::string rust_kconfig;  // AX88796B_RUST_PHY
  std::string rust_source;   // drivers/net/phy/ax88796b_rust.rs
  std::string rust_depends;  // RUST_PHYLIB_ABSTRACTIONS && AX88796B_PHY
};

struct LinuxTree {
  std::filesystem::path root;
  std::string version;  // "6.12.117"
  std::string origin;   // where it came from, for reports
  bool git = false;
  std::vector<ReferenceGroup> groups;
  // drivers/net/phy objects to the Kconfig symbol that builds them
  // (phy_makefile_objects).
  std::map<std::string, std::string> object_kconfig;
};

// The objects drivers/net/phy's Makefiles (and those of its
// subdirectories) build, to the Kconfig symbol that selects each
// ("drivers/net/phy/marvell.o" -> MARVELL_PHY; the objects of a composite
// module, mscc-objs, to the module's symbol). LinuxTree::object_kconfig.
[[nodiscard]] std::map<std::string, std::string> phy_makefile_objects(const std::filesystem::path& root);
// Whether `sym` is phylib's own (PHYLIB, MDIO_DEVICE, PHYLINK, SFP, ...),
// not a driver's.
[[nodiscard]] bool phylib_symbol(std::string_view sym);

// How to get a tree, appended to every "not a usable tree" error.
[[nodiscard]] std::string how_to_get_a_tree();

// Validates `root` (a source tree or a git checkout) and reads it.
Result<LinuxTree> open_tree(const std::filesystem::path& root, std::string origin = {});

// The reference groups declared in drivers/net/phy (Makefile + Kconfig).
[[nodiscard]] std::vector<ReferenceGroup> find_reference_groups(const std::filesystem::path& root);
// The `depends on` line of drivers/net/phy/Kconfig's `config <sym>`, or
// empty.
[[nodiscard]] std::string kconfig_depends(const std::filesystem::path& root, const std::string& sym);

}  // namespace refdrv::kernel
