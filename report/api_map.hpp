// SPDX-License-Identifier: GPL-2.0
// The phylib API map (issue 21, item 5, second half): which of phylib's
// exported functions each C PHY driver calls, from the compiled objects'
// undefined symbols (so an inline wrapper such as phy_read() counts as what
// it compiles to: mdiobus_read, __phy_modify, ...), and which of them the
// tree's Rust abstraction (its kernel crate and helpers) and refdrv's C++
// abstractions (the kernel-side helpers they call, emul/helpers.c) call; the
// functions neither calls ranked by how many driver files need them.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "kernel/kbuild.hpp"

namespace refdrv::report {

struct ApiUse {
  std::string function;
  std::size_t files = 0;       // driver files whose objects call it
  bool rust = false, cxx = false;  // the abstraction's objects call it
};

struct ApiMap {
  std::size_t phylib_functions = 0;  // global functions phylib's objects define
  bool has_rust = false;             // the build has the tree's kernel crate
  std::size_t rust_calls = 0, cxx_calls = 0;  // phylib functions each abstraction calls
  std::map<std::string, std::vector<std::string>> by_file;  // driver source -> phylib functions it calls
  std::vector<ApiUse> uses;  // every phylib function some driver calls, most files first
  // Driver files that call nothing phylib's API has outside the abstraction's.
  std::size_t rust_expressible = 0, cxx_expressible = 0;
};

// Reads the objects of `b` (a build with every PHY driver:
// kernel::BuildOptions::all_phy_drivers) with nm.
Result<ApiMap> phylib_api_map(const kernel::BuiltKernel& b);

[[nodiscard]] std::string format_api_map(const ApiMap& m, std::size_t top = 25);
[[nodiscard]] nlohmann::json api_map_json(const ApiMap& m);

}  // namespace refdrv::report
