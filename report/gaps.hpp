// SPDX-License-Identifier: GPL-2.0
// The abstraction-gap map: for each C PHY driver file of a tree, the
// struct phy_driver callbacks its tables set, which of them the tree's Rust
// abstraction (rust/kernel/net/phy.rs, read from the tree) and refdrv's C++
// abstractions (the `cxx` column of REFDRV_PHY_CALLBACKS) offer, and the
// missing callbacks ranked by how many driver files need them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.hpp"

namespace refdrv::report {

struct DriverFileGaps {
  std::string file;                    // path in the tree, drivers/net/phy/...
  std::size_t entries = 0;             // phy_driver entries read from its tables
  std::size_t unread_entries = 0;      // table items written through macros: not read
  std::map<std::string, std::size_t> entries_setting;  // callback -> entries that set it
  std::vector<std::string> callbacks;  // the callbacks any entry sets, sorted
  std::vector<std::string> rust_missing, cxx_missing;
};

struct CallbackNeed {
  std::string callback;
  std::size_t files = 0, entries = 0;  // driver files and entries that set it
  std::size_t only_gap_rust = 0, only_gap_cxx = 0;  // files for which it is the one callback missing
  bool rust = false, cxx = false;      // offered by the abstraction
};

struct GapsReport {
  std::string tree_root;
  std::vector<std::string> phy_driver_callbacks;  // struct phy_driver's function pointers (include/linux/phy.h)
  bool has_rust = false;                          // the tree has rust/kernel/net/phy.rs
  std::vector<std::string> rust_offers, cxx_offers;
  std::vector<DriverFileGaps> files;              // by path
  std::vector<CallbackNeed> needs;                // by files needing it, most first
  std::size_t entries = 0, unread_entries = 0, files_with_unread = 0;
  // Files with no callback missing (and every entry read).
  std::size_t rust_expressible = 0, cxx_expressible = 0;
};

// Scans `tree_root`. `cxx_offers`: the callbacks refdrv's C++ abstractions
// offer. An error when the tree has no include/linux/phy.h with struct
// phy_driver, or no driver tables under drivers/net/phy.
// `overlay`: tree-relative sources read from other files instead (--replace).
Result<GapsReport> abstraction_gaps(const std::filesystem::path& tree_root, const std::vector<std::string>& cxx_offers,
                                    const std::map<std::string, std::filesystem::path>& overlay = {});

[[nodiscard]] std::string format_gaps(const GapsReport& r, const std::string& tree_version);
[[nodiscard]] nlohmann::json gaps_json(const GapsReport& r, const std::string& tree_version);

}  // namespace refdrv::report
