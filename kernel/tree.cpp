// SPDX-License-Identifier: GPL-2.0
#include "kernel/tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "base/text.hpp"
#include "kernel/cache.hpp"

namespace refdrv::kernel {

namespace fs = std::filesystem;

std::string how_to_get_a_tree() {
  return "To get a tree: run refdrv without --kernel (it downloads Debian's linux-source-6.12 into its cache), or\n"
         "  apt-get download linux-source-6.12 && dpkg-deb --fsys-tarfile linux-source-6.12_*.deb | "
         "tar -xO ./usr/src/linux-source-6.12.tar.xz | tar -xJ\n"
         "  (linux-source-6.1 for Debian 12's own series), or\n"
         "  git clone https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git";
}

namespace {

std::string makefile_var(const std::string& text, const std::string& name) {
  std::regex re("^" + name + "[ \t]*=[ \t]*([^\\s#]*)", std::regex::multiline);
  std::smatch m;
  if (std::regex_search(text, m, re)) return m[1];
  return {};
}

}  // namespace

std::vector<ReferenceGroup> find_reference_groups(const fs::path& root) {
  std::vector<ReferenceGroup> groups;
  auto makefile = read_file(root / "drivers/net/phy/Makefile");
  if (!makefile) return groups;
  const std::regex ifdef_re(R"(^\s*ifdef\s+CONFIG_(\w+)\s*$)");
  const std::regex obj_re(R"(^\s*obj-\$\(CONFIG_(\w+)\)\s*\+=\s*([\w-]+)\.o\s*$)");
  std::istringstream in(*makefile);
  std::string line, cond;
  int branch = 0;  // 0 outside, 1 if-branch, 2 else-branch
  std::string if_obj, else_obj, if_sym, else_sym;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, ifdef_re)) {
      cond = m[1];
      branch = 1;
      if_obj.clear();
      else_obj.clear();
      continue;
    }
    if (branch && trimmed(line) == "else") {
      branch = 2;
      continue;
    }
    if (branch && trimmed(line) == "endif") {
      // A pair when the condition is a Rust option and the two branches build
      // the same Kconfig symbol from a .rs and a .c file.
      if (cond.find("RUST") != std::string::npos && !if_obj.empty() && !else_obj.empty() && if_sym == else_sym &&
          fs::exists(root / "drivers/net/phy" / (if_obj + ".rs")) &&
          fs::exists(root / "drivers/net/phy" / (else_obj + ".c"))) {
        ReferenceGroup g;
        g.kconfig = if_sym;
        g.c_source = "drivers/net/phy/" + else_obj + ".c";
        g.rust_kconfig = cond;
        g.rust_source = "drivers/net/phy/" + if_obj + ".rs";
        groups.push_back(std::move(g));
      }
      branch = 0;
      continue;
    }
    if (branch && std::regex_match(line, m, obj_re)) {
      (branch == 1 ? if_obj : else_obj) = m[2];
      (branch == 1 ? if_sym : else_sym) = m[1];
    }
  }
  // The Rust option's dependencies, from Kconfig.
  for (auto& g : groups) g.rust_depends = kconfig_depends(root, g.rust_kconfig);
  return groups;
}

std::string kconfig_depends(const fs::path& root, const std::string& sym) {
  auto kconfig = read_file(root / "drivers/net/phy/Kconfig");
  if (!kconfig) return {};
  const std::regex block("config " + sym + "\\b([\\s\\S]*?)(\\nconfig |\\nendmenu|\\nsource |$)");
  std::smatch bm;
  if (!std::regex_search(*kconfig, bm, block)) return {};
  const std::string body = bm[1];
  // Every `depends on` line, as Kconfig ANDs them (the QT2025's second,
  // RUST_FW_LOADER_ABSTRACTIONS, was left out).
  static const std::regex depends(R"(depends on\s+([^\n]+))");
  std::vector<std::string> all;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), depends); it != std::sregex_iterator(); ++it)
    all.push_back(trimmed((*it)[1].str()));
  std::string out;
  for (const auto& d : all)  // one line with || is bracketed where others join it
    out += (out.empty() ? "" : " && ") + (all.size() > 1 && d.find("||") != std::string::npos ? "(" + d + ")" : d);
  return out;
}

Result<LinuxTree> open_tree(const fs::path& root_in, std::string origin) {
  std::error_code ec;
  fs::path root = fs::weakly_canonical(root_in, ec);
  if (ec || !fs::is_directory(root))
    return fail(fmt::format("{} is not a directory.\n{}", root_in.string(), how_to_get_a_tree()));
  auto makefile = read_file(root / "Makefile");
  if (!makefile || makefile_var(*makefile, "VERSION").empty() || makefile_var(*makefile, "PATCHLEVEL").empty())
    return fail(fmt::format("{} is not a Linux source tree: it has no top-level Makefile with VERSION and "
                            "PATCHLEVEL.\n{}",
                            root.string(), how_to_get_a_tree()));
  LinuxTree t;
  t.root = root;
  t.version = makefile_var(*makefile, "VERSION") + "." + makefile_var(*makefile, "PATCHLEVEL");
  if (auto sub = makefile_var(*makefile, "SUBLEVEL"); !sub.empty()) t.version += "." + sub;
  t.version += makefile_var(*makefile, "EXTRAVERSION");
  t.git = fs::exists(root / ".git");
  t.origin = origin.empty() ? fmt::format("{}{}", root.string(), t.git ? " (git checkout)" : "") : origin;

  const char* phylib[] = {"drivers/net/phy/phy.c", "drivers/net/phy/phy_device.c", "drivers/net/phy/mdio_bus.c",
                          "drivers/net/phy/Makefile"};
  for (const char* f : phylib)
    if (!fs::exists(root / f))
      return fail(fmt::format("the Linux tree at {} (version {}) lacks phylib: {} is missing.\n{}", root.string(),
                              t.version, f, how_to_get_a_tree()));
  if (!fs::exists(root / "scripts/kconfig/merge_config.sh") || !fs::exists(root / "arch/x86/Makefile"))
    return fail(fmt::format("the Linux tree at {} is incomplete (no scripts/kconfig/merge_config.sh or "
                            "arch/x86).\n{}",
                            root.string(), how_to_get_a_tree()));
  if (fs::exists(root / ".config") || fs::exists(root / "include/config"))
    return fail(fmt::format("the Linux tree at {} was configured in place ({}/.config exists). refdrv builds out "
                            "of tree (O=) and never writes into your tree, and kbuild refuses O= builds of a "
                            "configured tree. Use a clean copy (git worktree add, or a fresh unpack), or run "
                            "'make mrproper' there if you do not need that configuration.",
                            root.string(), root.string()));

  t.groups = find_reference_groups(root);
  t.object_kconfig = phy_makefile_objects(root);
  return t;
}

bool phylib_symbol(std::string_view sym) {
  static constexpr std::array<std::string_view, 7> kOwn = {"MDIO_DEVICE", "MDIO_DEVRES", "PHYLINK", "PHYLIB",
                                                          "SFP",         "FIXED_PHY",   "NETWORK_PHY_TIMESTAMPING"};
  return std::find(kOwn.begin(), kOwn.end(), sym) != kOwn.end();
}

std::map<std::string, std::string> phy_makefile_objects(const fs::path& root) {
  // obj-$(CONFIG_X) += a.o b.o dir/   and   name-objs / name-y += a.o b.o
  static const std::regex obj_re(R"(^obj-(?:\$\(CONFIG_(\w+)\)|y)\s*[:+]?=\s*(.*)$)");
  static const std::regex composite_re(R"(^([\w-]+)-(?:objs|y)\s*[:+]?=\s*(.*)$)");
  std::map<std::string, std::string> out;
  const auto object = [](const std::string& w) { return w.size() > 2 && w.compare(w.size() - 2, 2, ".o") == 0; };
  std::vector<std::string> dirs = {"drivers/net/phy/"};
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    auto text = read_file(root / dirs[i] / "Makefile");
    if (!text) continue;
    std::map<std::string, std::string> composite_symbol;          // "mscc" -> MICROSEMI_PHY
    std::map<std::string, std::vector<std::string>> members;      // "mscc" -> mscc_main.o, ...
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) {
      line.erase(0, line.find_first_not_of(" \t"));  // lines inside an ifdef count too
      std::smatch m;
      if (std::regex_match(line, m, obj_re)) {
        const std::string sym = m[1];
        std::istringstream words(m[2].str());
        for (std::string w; words >> w;) {
          if (w.back() == '/') {
            if (std::find(dirs.begin(), dirs.end(), dirs[i] + w) == dirs.end()) dirs.push_back(dirs[i] + w);
          } else if (!sym.empty() && object(w)) {
            out.emplace(dirs[i] + w, sym);
            composite_symbol.emplace(w.substr(0, w.size() - 2), sym);
          }
        }
      } else if (std::regex_match(line, m, composite_re)) {
        std::istringstream words(m[2].str());
        for (std::string w; words >> w;)
          if (object(w)) members[m[1]].push_back(w);
      }
    }
    // The objects of a composite module (mscc.o := mscc_main.o ...) are
    // what kbuild builds: each is selected by the composite's symbol.
    // phylib's own composites (libphy-y) stay phylib's.
    for (const auto& [name, objs] : members)
      if (auto it = composite_symbol.find(name); it != composite_symbol.end() && !phylib_symbol(it->second))
        for (const auto& o : objs) out.emplace(dirs[i] + o, it->second);
  }
  return out;
}

}  // namespace refdrv::kernel
