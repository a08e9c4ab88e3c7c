// SPDX-License-Identifier: GPL-2.0
#include "report/api_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "kernel/process.hpp"
#include "kernel/tree.hpp"

namespace refdrv::report {

namespace fs = std::filesystem;

namespace {

// nm's symbols of `obj`: defined global functions (`defined`), or the
// undefined ones.
Result<std::set<std::string>> symbols(const fs::path& obj, bool defined) {
  std::vector<std::string> argv = {"nm", defined ? "--defined-only" : "--undefined-only", "-g", obj.string()};
  auto out = kernel::capture({argv, {}, {}, {"LC_ALL=C"}});
  if (!out) return fail(fmt::format("nm {}: {}", obj.string(), out.error().message));
  std::set<std::string> s;
  std::istringstream in(*out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::vector<std::string> w;
    for (std::string x; l >> x;) w.push_back(x);
    if (defined && w.size() == 3 && (w[1] == "T" || w[1] == "W")) s.insert(w[2]);
    if (!defined && w.size() == 2 && w[0] == "U") s.insert(w[1]);
  }
  return s;
}

// The build's objects under `dir`: those it compiled (under its obj/) and
// those it took from another build (BuiltKernel::inherited: an overlay's
// every object but the replaced ones), which are not under its obj/.
std::vector<std::string> objects_under(const kernel::BuiltKernel& b, const std::string& dir) {
  const fs::path root = b.build_dir / "obj";
  std::set<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root / dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".o") out.insert(fs::relative(it->path(), root).string());
  for (const auto& [obj, file] : b.inherited)
    if (obj.starts_with(dir + "/") && fs::path(obj).extension() == ".o") out.insert(obj);
  return {out.begin(), out.end()};
}

// The same service under another name: phy_drivers_register() registers an
// array by calling phy_driver_register() for each driver (and unregisters
// likewise), so an abstraction that calls the single form offers the array
// form's service.
void add_aliases(std::set<std::string>& calls) {
  static const std::pair<const char*, const char*> kAliases[] = {{"phy_driver_register", "phy_drivers_register"},
                                                                 {"phy_driver_unregister", "phy_drivers_unregister"}};
  for (const auto& [single, array] : kAliases)
    if (calls.contains(single)) calls.insert(array);
}

}  // namespace

Result<ApiMap> phylib_api_map(const kernel::BuiltKernel& b) {
  const fs::path obj_root = b.build_dir / "obj";
  std::set<std::string> phylib;
  std::map<std::string, std::string> drivers;  // object -> its C source
  for (const auto& o : objects_under(b, "drivers/net/phy")) {
    const fs::path c = fs::path(o).replace_extension(".c");
    if (!fs::exists(b.tree.root / c)) continue;  // a Rust driver, or refdrv's own stubs
    const auto it = b.tree.object_kconfig.find(o);
    if (it != b.tree.object_kconfig.end() && !kernel::phylib_symbol(it->second)) {
      drivers[o] = c.string();
      continue;
    }
    auto defs = symbols(kernel::object_file(b, o), true);
    if (!defs) return std::unexpected(defs.error());
    phylib.insert(defs->begin(), defs->end());
  }
  if (phylib.empty()) return fail(fmt::format("no phylib object under {}", (obj_root / "drivers/net/phy").string()));
  if (drivers.empty())
    return fail("this build has no PHY driver objects: the API map needs the build with every driver "
                "(refdrv gaps --api opens it)");
  ApiMap m;
  m.phylib_functions = phylib.size();
  const auto phylib_calls = [&](const fs::path& obj, std::set<std::string>& into) -> Result<void> {
    auto u = symbols(obj, false);
    if (!u) return std::unexpected(u.error());
    for (const auto& s : *u)
      if (phylib.contains(s)) into.insert(s);
    return {};
  };
  // The Rust abstraction: the tree's kernel crate and the C helpers it calls.
  std::set<std::string> rust, cxx;
  if (fs::exists(kernel::object_file(b, "rust/kernel.o"))) {
    m.has_rust = true;
    for (const auto& o : objects_under(b, "rust"))
      if (o == "rust/kernel.o" || o.rfind("rust/helpers/", 0) == 0)
        if (auto r = phylib_calls(kernel::object_file(b, o), rust); !r) return std::unexpected(r.error());
  }
  // The C++ abstractions reach phylib through the kernel side's helpers.
  if (auto r = phylib_calls(b.emul_dir / "helpers.o", cxx); !r) return std::unexpected(r.error());
  add_aliases(rust);
  add_aliases(cxx);
  m.rust_calls = rust.size();
  m.cxx_calls = cxx.size();
  std::map<std::string, std::size_t> files;
  for (const auto& [o, src] : drivers) {
    std::set<std::string> calls;
    if (auto r = phylib_calls(kernel::object_file(b, o), calls); !r) return std::unexpected(r.error());
    auto& list = m.by_file[src];
    list.insert(list.end(), calls.begin(), calls.end());
    // A file that calls no phylib function (in this configuration: its
    // callers compiled out) is no file the abstraction serves: it counted
    // as one (aquantia_firmware.c, mscc_serdes.c).
    bool rust_ok = m.has_rust && !calls.empty(), cxx_ok = !calls.empty();
    for (const auto& f : calls) {
      ++files[f];
      rust_ok = rust_ok && rust.contains(f);
      cxx_ok = cxx_ok && cxx.contains(f);
    }
    m.rust_expressible += rust_ok ? 1 : 0;
    m.cxx_expressible += cxx_ok ? 1 : 0;
  }
  for (const auto& [f, n] : files) m.uses.push_back({f, n, rust.contains(f), cxx.contains(f)});
  // Most files first, then by name (std::sort with a total order: clang
  // flags libstdc++ 12's stable_sort for its deprecated temporary buffer).
  std::sort(m.uses.begin(), m.uses.end(), [](const ApiUse& a, const ApiUse& b) {
    return a.files != b.files ? a.files > b.files : a.function < b.function;
  });
  return m;
}

std::string format_api_map(const ApiMap& m, std::size_t top) {
  std::string out = fmt::format(
      "\nphylib API the drivers call (from their objects: {} driver files; phylib exports {} functions; the tree's "
      "Rust abstraction calls {}, refdrv's C++ abstractions {}):\n",
      m.by_file.size(), m.phylib_functions, m.has_rust ? std::to_string(m.rust_calls) : "none (no Rust in this build)",
      m.cxx_calls);
  out += fmt::format("  {:<36} {:>5}  {:<7} {}\n", "function", "files", "Rust", "C++");
  std::size_t shown = 0, lacking = 0;
  for (const auto& u : m.uses) {
    if (u.rust && u.cxx) continue;
    if (lacking++ >= top) continue;
    ++shown;
    out += fmt::format("  {:<36} {:>5}  {:<7} {}\n", u.function, u.files,
                       !m.has_rust ? "-" : u.rust ? "calls" : "missing", u.cxx ? "calls" : "missing");
  }
  // The table is the first `top`; the rest are counted, not dropped unsaid.
  if (lacking > shown)
    out += fmt::format(
        "  ... and {} more function(s) an abstraction lacks, each called by as many driver files as "
        "the last above or fewer (--json lists them all)\n",
        lacking - shown);
  const auto silent = static_cast<std::size_t>(
      std::count_if(m.by_file.begin(), m.by_file.end(), [](const auto& f) { return f.second.empty(); }));
  out += fmt::format(
      "Driver files whose phylib calls the abstraction makes too: Rust {}, C++ {} of {} (the others need a "
      "function above{}).\n",
      m.has_rust ? std::to_string(m.rust_expressible) : "-", m.cxx_expressible, m.by_file.size(),
      silent ? fmt::format(", but {} that call no phylib function in this configuration and are counted in neither",
                           silent)
             : "");
  return out;
}

nlohmann::json api_map_json(const ApiMap& m) {
  nlohmann::json uses = nlohmann::json::array();
  for (const auto& u : m.uses)
    uses.push_back({{"function", u.function},
                    {"files", u.files},
                    {"rust", m.has_rust ? nlohmann::json(u.rust) : nlohmann::json(nullptr)},
                    {"cxx", u.cxx}});
  return {{"method", "nm of the compiled objects: a driver object's undefined symbols that phylib's objects define; "
                     "the tree's kernel crate and rust/helpers for Rust, the kernel side's helpers (emul/helpers.c) "
                     "for refdrv's C++ abstractions"},
          {"phylib_functions", m.phylib_functions},
          {"rust_calls", m.has_rust ? nlohmann::json(m.rust_calls) : nlohmann::json(nullptr)},
          {"cxx_calls", m.cxx_calls},
          {"rust_expressible_files", m.has_rust ? nlohmann::json(m.rust_expressible) : nlohmann::json(nullptr)},
          {"cxx_expressible_files", m.cxx_expressible},
          {"functions", uses},
          {"by_file", m.by_file}};
}

}  // namespace refdrv::report
