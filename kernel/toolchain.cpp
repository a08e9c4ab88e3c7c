// SPDX-License-Identifier: GPL-2.0
#include "kernel/toolchain.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fmt/ranges.h>
#include <optional>
#include <regex>
#include <sstream>
#include <utility>

#include "kernel/cache.hpp"
#include "kernel/process.hpp"
#include "kernel/tree_record.hpp"

namespace refdrv::kernel {

namespace fs = std::filesystem;

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// One rustc candidate: usable, or why not.
struct RustcProbe {
  std::string path, version, lib_src, why_not;
};

// A rustc binary's identity for the answers it gave: its canonical path
// and file_stamp() (a package upgrade or `rustup update` writes a new file:
// a new inode and ctime); empty if it cannot be stat'ed.
std::string rustc_binary_key(const fs::path& real) {
  const std::string stamp = file_stamp(real);
  return stamp.empty() ? std::string() : real.string() + "\t" + stamp;
}

constexpr std::string_view kRememberedHeader = "# refdrv rustc answers 1";

fs::path remembered_file(const fs::path& real) {
  return cache_root() / "toolchains" / ("rustc-" + hash_hex(real.string()));
}

// What the rustc at `real` answered to --version and --print sysroot, as
// remembered for the binary `key` names; nullopt: never, or another binary.
std::optional<std::pair<std::string, std::string>> remembered_answers(const fs::path& real, const std::string& key) {
  const auto text = read_file(remembered_file(real));
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string header, k, version, sysroot;
  if (!std::getline(in, header) || header != kRememberedHeader || !std::getline(in, k) || k != "key\t" + key ||
      !std::getline(in, version) || !version.starts_with("version\t") || !std::getline(in, sysroot) ||
      !sysroot.starts_with("sysroot\t"))
    return std::nullopt;
  return std::pair{version.substr(8), sysroot.substr(8)};
}

RustcProbe probe_rustc(const std::string& rustc, const std::string& min) {
  RustcProbe p{rustc, {}, {}, {}};
  std::string lib_src = env_or_empty("RUST_LIB_SRC");
  // A rustc that is its own sysroot's bin/rustc answers the same as long as
  // its binary is the same file; a proxy (rustup's ~/.cargo/bin/rustc picks
  // a toolchain by directory, environment and settings) is asked each time.
  // Not remembered either: a bare name (run from PATH, not the file of that
  // name here), and a run where RUSTC_OVERRIDE_VERSION_STRING changes what
  // rustc says its version is.
  std::error_code ec;
  const bool rememberable = rustc.find('/') != std::string::npos && lib_src.empty() &&
                            env_or_empty("RUSTC_OVERRIDE_VERSION_STRING").empty();
  const fs::path real = rememberable ? fs::canonical(rustc, ec) : fs::path();
  const std::string key = !rememberable || ec ? std::string() : rustc_binary_key(real);
  std::optional<std::pair<std::string, std::string>> known;
  if (!key.empty()) known = remembered_answers(real, key);
  if (known) {
    p.version = known->first;
  } else {
    auto v = capture({{rustc, "--version"}, {}, {}, {}});
    if (!v) {
      p.why_not = fmt::format("{} does not run ({})", rustc, v.error().message);
      return p;
    }
    p.version = chomp(*v);
  }
  const std::string dotted = first_version(p.version);
  if (!min.empty() && version_number(dotted) < version_number(min)) {
    p.why_not = fmt::format("{} is {}, older than the {} this tree asks for", rustc, p.version, min);
    return p;
  }
  if (lib_src.empty()) {
    std::string root;
    if (known) {
      root = known->second;
    } else {
      auto sysroot = capture({{rustc, "--print", "sysroot"}, {}, {}, {}});
      if (!sysroot) {
        p.why_not = fmt::format("{} cannot print its sysroot", rustc);
        return p;
      }
      root = chomp(*sysroot);
      // Written only if the same file answered: the path still leads to it.
      std::error_code ec2;
      if (!key.empty() && fs::equivalent(root, real.parent_path().parent_path(), ec2) && !ec2 &&
          fs::canonical(rustc, ec2) == real && !ec2 && rustc_binary_key(real) == key)
        (void)write_file(remembered_file(real), fmt::format("{}\nkey\t{}\nversion\t{}\nsysroot\t{}\n",
                                                             kRememberedHeader, key, p.version, root));
    }
    lib_src = (fs::path(root) / "lib/rustlib/src/rust/library").string();
  }
  if (!fs::exists(fs::path(lib_src) / "core/src/lib.rs")) {
    p.why_not = fmt::format("{} ({}) has no Rust library source at {} (the kernel builds core from source: "
                            "`rustup component add rust-src` for rustup's, rust-web-src for Debian's rustc-web)",
                            rustc, p.version, lib_src);
    return p;
  }
  p.lib_src = lib_src;
  return p;
}

// The lib/ directory of the newest /usr/lib/llvm-N (Debian's layout) with a
// libclang and N < `below`, or empty.
std::string older_libclang_dir(int below) {
  for (int v = below - 1; v >= 11; --v) {
    const fs::path dir = fmt::format("/usr/lib/llvm-{}/lib", v);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().filename().string().rfind("libclang", 0) == 0 &&
          e.path().filename().string().rfind("libclang-cpp", 0) != 0)
        return dir.string();
  }
  return {};
}

}  // namespace

long version_number(const std::string& dotted) {
  static const std::regex re(R"((\d+)\.(\d+)(?:\.(\d+))?)");
  std::smatch m;
  if (!std::regex_search(dotted, m, re)) return 0;
  const long major = std::stol(m[1]), minor = std::stol(m[2]), patch = m[3].matched ? std::stol(m[3]) : 0;
  return major * 100000 + minor * 100 + patch;
}

std::string first_version(const std::string& text) {
  static const std::regex re(R"(\d+\.\d+\.\d+)");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[0].str() : std::string();
}

std::string tree_min_version(const LinuxTree& tree, const std::string& tool) {
  const fs::path script = tree.root / "scripts/min-tool-version.sh";
  if (!fs::exists(script)) return {};
  auto out = capture({{"sh", script.string(), tool}, tree.root, {}, {}});
  return out ? chomp(*out) : std::string();
}

std::string RustToolchain::describe() const {
  if (rustc.empty()) return "no Rust toolchain";
  std::string s = version;
  if (!bindgen.empty())
    s += bindgen_as.empty() ? fmt::format(", bindgen {}", bindgen_version)
                            : fmt::format(", bindgen {} (as {} through refdrv's bindgen-compat)", bindgen_version,
                                          bindgen_as);
  if (!libclang_path.empty()) s += fmt::format(" with the libclang of {}", libclang_path);
  return s;
}

std::vector<std::string> RustToolchain::make_vars(const fs::path& data_dir) const {
  return {"RUSTC=" + rustc, "BINDGEN=" + (data_dir / "kernel/bindgen-compat").string(), "RUST_LIB_SRC=" + lib_src};
}

std::vector<std::string> RustToolchain::wrapper_env() const {
  return {"REFDRV_BINDGEN=" + bindgen, "REFDRV_BINDGEN_AS=" + bindgen_as, "REFDRV_LIBCLANG_PATH=" + libclang_path};
}

RustToolchain find_rust_toolchain(const LinuxTree& tree) {
  RustToolchain t;
  const std::string min_rustc = tree_min_version(tree, "rustc");
  std::vector<std::string> candidates;
  if (auto r = env_or_empty("REFDRV_RUSTC"); !r.empty()) {
    candidates.push_back(r);
  } else {
    if (auto p = find_on_path("rustc"); !p.empty()) candidates.push_back(p.string());
    // Debian's, unless PATH already found it.
    std::error_code ec;
    if (fs::exists("/usr/bin/rustc") &&
        (candidates.empty() || !fs::equivalent(candidates.front(), "/usr/bin/rustc", ec)))
      candidates.emplace_back("/usr/bin/rustc");
  }
  std::vector<std::string> rejected;
  for (const auto& c : candidates) {
    RustcProbe p = probe_rustc(c, min_rustc);
    if (p.why_not.empty()) {
      t.rustc = p.path;
      t.version = p.version;
      t.lib_src = p.lib_src;
      break;
    }
    rejected.push_back(p.why_not);
  }
  if (t.rustc.empty()) {
    std::string why = rejected.empty() ? "no rustc is installed" : fmt::format("{}", fmt::join(rejected, "; "));
    t.problem = fmt::format("no Rust toolchain can build Linux {}'s own Rust crates: {}. Install Debian 12's "
                            "with: {} (or set REFDRV_RUSTC to a rustc {} or newer that has rust-src)",
                            tree.version, why, kRustAptLine, min_rustc.empty() ? "the tree accepts" : min_rustc);
    return t;
  }

  std::string bindgen = env_or_empty("REFDRV_BINDGEN");
  if (bindgen.empty()) bindgen = find_on_path("bindgen").string();
  if (bindgen.empty()) {
    t.problem = fmt::format("bindgen is not installed; the tree's Rust bindings are generated with it. Install it "
                            "with: {} (or set REFDRV_BINDGEN)",
                            kRustAptLine);
    return t;
  }
  auto bv = capture({{bindgen, "--version"}, {}, {}, {}});
  t.bindgen = bindgen;
  t.bindgen_version = bv ? first_version(*bv) : std::string();
  if (t.bindgen_version.empty()) {
    t.problem = fmt::format("{} --version does not say its version; install Debian's bindgen with: {}", bindgen,
                            kRustAptLine);
    return t;
  }
  const std::string min_bindgen = tree_min_version(tree, "bindgen");
  if (!min_bindgen.empty() && version_number(t.bindgen_version) < version_number(min_bindgen))
    t.bindgen_as = min_bindgen;
  // bindgen before 0.69.5 mis-names anonymous members with libclang 19 and
  // newer (the tree's rust_is_available.sh warns of the same bug); it loads
  // the newest libclang it finds, so name an older one when there is one.
  if (version_number(t.bindgen_version) < version_number("0.69.5") && env_or_empty("LIBCLANG_PATH").empty()) {
    t.libclang_path = older_libclang_dir(19);
    bool newer_present = false;
    for (int v = 19; v < 40 && !newer_present; ++v)
      newer_present = fs::exists(fmt::format("/usr/lib/llvm-{}/lib", v));
    if (t.libclang_path.empty() && newer_present) {
      t.problem = fmt::format("bindgen {} does not work with libclang 19 or newer, and no older libclang is "
                              "installed. Install Debian 12's libclang 14 with: {}",
                              t.bindgen_version, kRustAptLine);
      return t;
    }
  }
  return t;
}

}  // namespace refdrv::kernel
