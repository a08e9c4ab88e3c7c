// SPDX-License-Identifier: GPL-2.0
#include "report/gaps.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "kernel/cache.hpp"
#include "kernel/tree.hpp"
#include "report/source_scan.hpp"

namespace refdrv::report {

namespace fs = std::filesystem;

namespace {

std::string files(std::size_t n) { return fmt::format("{} file{}", n, n == 1 ? "" : "s"); }

std::vector<std::string> missing_from(const std::vector<std::string>& used, const std::vector<std::string>& offered) {
  std::vector<std::string> out;
  for (const auto& cb : used)
    if (std::find(offered.begin(), offered.end(), cb) == offered.end()) out.push_back(cb);
  return out;
}

// The driver files of the tree: .c files under drivers/net/phy with at least
// one phy_driver table, each entry's callbacks (fields that are function
// pointers of struct phy_driver).
Result<std::vector<DriverFileGaps>> scan_drivers(const fs::path& root, const std::set<std::string>& callbacks,
                                                 const std::map<std::string, fs::path>& overlay) {
  std::vector<DriverFileGaps> out;
  const fs::path dir = root / "drivers/net/phy";
  if (!fs::is_directory(dir)) return out;
  // The drivers' objects in the Makefiles: phylib's own files, which hold
  // its generic drivers (phy_device.c's genphy_driver, phy-c45.c's), are no
  // driver files (they were counted as two: "4 of 61" files the abstraction
  // serves whole, among them phy-c45.c).
  const auto objects = kernel::phy_makefile_objects(root);
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".c") continue;
    std::string object = fs::relative(e.path(), root).string();
    object.replace(object.size() - 2, 2, ".o");
    if (!objects.contains(object)) continue;
    const auto replaced = overlay.find(fs::relative(e.path(), root).string());
    auto text = kernel::read_file(replaced == overlay.end() ? e.path() : replaced->second);
    if (!text) return std::unexpected(text.error());
    const CDriverTables tables = c_phy_driver_tables(*text);
    if (tables.entries.empty() && tables.unread == 0) continue;
    DriverFileGaps f;
    f.file = fs::relative(e.path(), root).string();
    f.entries = tables.entries.size();
    f.unread_entries = tables.unread;
    for (const auto& entry : tables.entries)
      for (const auto& [field, value] : entry.fields)
        if (field.size() > 1 && field[0] == '.' && callbacks.contains(field.substr(1)))
          ++f.entries_setting[field.substr(1)];
    for (const auto& [cb, n] : f.entries_setting) f.callbacks.push_back(cb);  // sorted: a map's keys
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  return out;
}

}  // namespace

Result<GapsReport> abstraction_gaps(const fs::path& tree_root, const std::vector<std::string>& cxx_offers,
                                    const std::map<std::string, fs::path>& overlay) {
  GapsReport r;
  r.tree_root = tree_root.string();
  // A source --replace gave is read instead of the tree's (the Rust column
  // was the tree's phy.rs while the API half came from the replaced build;
  // a review, 2026-12-07).
  const auto source = [&](const std::string& rel) {
    const auto it = overlay.find(rel);
    return it == overlay.end() ? tree_root / rel : it->second;
  };
  auto phy_h = kernel::read_file(source("include/linux/phy.h"));
  if (phy_h) r.phy_driver_callbacks = c_struct_function_pointers(*phy_h, "phy_driver");
  if (r.phy_driver_callbacks.empty())
    return fail(fmt::format("{}: include/linux/phy.h has no struct phy_driver with callbacks: not a Linux tree with phylib",
                            tree_root.string()));
  const fs::path phy_rs = source("rust/kernel/net/phy.rs");
  r.has_rust = fs::exists(phy_rs);
  if (r.has_rust) {
    auto text = kernel::read_file(phy_rs);
    if (!text) return std::unexpected(text.error());
    r.rust_offers = rust_trait_fns(*text, "Driver");
    // A phy.rs whose Driver trait the scanner cannot find (renamed, moved)
    // would count every callback "missing" in Rust: an error instead.
    if (r.rust_offers.empty())
      return fail(
          fmt::format("{}: no function of a `Driver` trait found: refdrv's scanner does not read this tree's "
                      "Rust PHY abstraction, so the Rust side of the gap map cannot be counted",
                      phy_rs.string()));
  }
  r.cxx_offers = cxx_offers;
  const std::set<std::string> known(r.phy_driver_callbacks.begin(), r.phy_driver_callbacks.end());
  auto files = scan_drivers(tree_root, known, overlay);
  if (!files) return std::unexpected(files.error());
  r.files = std::move(*files);
  if (r.files.empty())
    return fail(fmt::format("{}: no phy_driver tables under drivers/net/phy", tree_root.string()));

  std::map<std::string, CallbackNeed> needs;
  for (auto& f : r.files) {
    r.entries += f.entries;
    r.unread_entries += f.unread_entries;
    if (f.unread_entries > 0) ++r.files_with_unread;
    f.rust_missing = r.has_rust ? missing_from(f.callbacks, r.rust_offers) : std::vector<std::string>{};
    f.cxx_missing = missing_from(f.callbacks, r.cxx_offers);
    // A file with entries that were not read is not known to be expressible.
    if (r.has_rust && f.rust_missing.empty() && f.unread_entries == 0) ++r.rust_expressible;
    if (f.cxx_missing.empty() && f.unread_entries == 0) ++r.cxx_expressible;
    for (const auto& [cb, entries] : f.entries_setting) {
      CallbackNeed& n = needs[cb];
      n.callback = cb;
      ++n.files;
      n.entries += entries;
    }
    if (f.rust_missing.size() == 1) ++needs[f.rust_missing[0]].only_gap_rust;
    if (f.cxx_missing.size() == 1) ++needs[f.cxx_missing[0]].only_gap_cxx;
  }
  for (auto& [cb, n] : needs) {
    n.rust = std::find(r.rust_offers.begin(), r.rust_offers.end(), cb) != r.rust_offers.end();
    n.cxx = std::find(r.cxx_offers.begin(), r.cxx_offers.end(), cb) != r.cxx_offers.end();
    r.needs.push_back(n);
  }
  // Callback names are unique, so this order is total (no stable_sort: clang
  // rejects the libstdc++ 12 API it uses under -Werror).
  std::sort(r.needs.begin(), r.needs.end(), [](const CallbackNeed& a, const CallbackNeed& b) {
    return a.files != b.files ? a.files > b.files : a.callback < b.callback;
  });
  return r;
}

std::string format_gaps(const GapsReport& r, const std::string& tree_version) {
  std::string out = fmt::format(
      "refdrv gaps: Linux {} ({}): {} C driver files with phy_driver tables, {} entries; struct phy_driver has {} "
      "callbacks\n",
      tree_version, r.tree_root, r.files.size(), r.entries, r.phy_driver_callbacks.size());
  if (r.unread_entries > 0) {
    std::vector<std::string> which;
    for (const auto& f : r.files)
      if (f.unread_entries > 0) which.push_back(fmt::format("{} ({})", f.file, f.unread_entries));
    out += fmt::format("  not read: {} entries written through macros, in {}: {}; their callbacks are not "
                       "counted below\n",
                       r.unread_entries, files(r.files_with_unread), fmt::join(which, ", "));
  }
  out += fmt::format("  Rust abstraction (rust/kernel/net/phy.rs, trait Driver): {}\n",
                     r.has_rust ? fmt::format("{} callbacks: {}", r.rust_offers.size(), fmt::join(r.rust_offers, ", "))
                                : std::string("not in this tree"));
  out += fmt::format("  C++ abstractions (refdrv): {} callbacks: {}\n\n", r.cxx_offers.size(),
                     fmt::join(r.cxx_offers, ", "));
  out += fmt::format("  {:<26} {:>5} {:>7}  {:<4} {:<4} {}\n", "callback the C drivers set", "files", "entries", "Rust",
                     "C++", "only gap of (files: Rust / C++)");
  for (const auto& n : r.needs)
    out += fmt::format("  {:<26} {:>5} {:>7}  {:<4} {:<4} {} / {}\n", n.callback, n.files, n.entries,
                       !r.has_rust ? "n/a"
                       : n.rust    ? "yes"
                                   : "-",
                       n.cxx ? "yes" : "-",
                       // No abstraction: no gap of its to count (a review, 2026-12-07: 0).
                       r.has_rust ? fmt::format("{}", n.only_gap_rust) : std::string("n/a"), n.only_gap_cxx);
  auto ranked = [&](bool rust) {
    std::vector<std::string> parts;
    for (const auto& n : r.needs)
      if (!(rust ? n.rust : n.cxx)) parts.push_back(fmt::format("{}: {}", n.callback, files(n.files)));
    return parts;
  };
  out += "\nMissing, ranked by the driver files that set it:\n";
  if (r.has_rust) out += fmt::format("  Rust: {}\n", fmt::join(ranked(true), ", "));
  out += fmt::format("  C++:  {}\n", fmt::join(ranked(false), ", "));
  out += "\nDriver files whose every callback the abstraction offers (every entry read; the phylib API they call is "
         "not counted):\n";
  if (r.has_rust) out += fmt::format("  Rust: {} of {}\n", r.rust_expressible, r.files.size());
  out += fmt::format("  C++:  {} of {}\n", r.cxx_expressible, r.files.size());
  return out;
}

nlohmann::json gaps_json(const GapsReport& r, const std::string& tree_version) {
  using nlohmann::json;
  json files = json::array();
  for (const auto& f : r.files)
    files.push_back({{"file", f.file},
                     {"entries", f.entries},
                     {"unread_entries", f.unread_entries},
                     {"callbacks", f.callbacks},
                     {"rust_missing", r.has_rust ? json(f.rust_missing) : json(nullptr)},
                     {"cxx_missing", f.cxx_missing}});
  json needs = json::array();
  for (const auto& n : r.needs)
    needs.push_back({{"callback", n.callback},
                     {"files", n.files},
                     {"entries", n.entries},
                     {"rust", r.has_rust ? json(n.rust) : json(nullptr)},
                     {"cxx", n.cxx},
                     {"only_gap_rust", r.has_rust ? json(n.only_gap_rust) : json(nullptr)},
                     {"only_gap_cxx", n.only_gap_cxx}});
  return {{"schema", "refdrv-gaps/2"},
          {"tree", {{"root", r.tree_root}, {"version", tree_version}}},
          {"phy_driver_callbacks", r.phy_driver_callbacks},
          {"rust_offers", r.has_rust ? json(r.rust_offers) : json(nullptr)},
          {"cxx_offers", r.cxx_offers},
          {"entries", r.entries},
          {"unread_entries", r.unread_entries},
          {"rust_expressible_files", r.has_rust ? json(r.rust_expressible) : json(nullptr)},
          {"cxx_expressible_files", r.cxx_expressible},
          {"callbacks", needs},
          {"files", files}};
}

}  // namespace refdrv::report
