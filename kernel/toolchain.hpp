// SPDX-License-Identifier: GPL-2.0
// The Rust toolchain a Linux tree's own Rust crates (rust/: core, kernel,
// bindings, ...) and Rust drivers are built with: rustc with the Rust
// library source (core is built from source, as kbuild does), and bindgen.
//
// Candidates, in order: $REFDRV_RUSTC (alone, when set); `rustc` on PATH
// (rustup's, if its toolchain has the rust-src component); /usr/bin/rustc
// (Debian 12's rustc-web with rust-web-src). The first that the tree accepts
// (scripts/min-tool-version.sh) and that has the library source wins.
// bindgen: $REFDRV_BINDGEN, else `bindgen` on PATH (Debian's 0.60.1, run
// through kernel/bindgen-compat when it is older than the tree asks).
//
// A rustc's answers to --version and --print sysroot are remembered in the
// cache (toolchains/) for its binary: its canonical path, device, inode,
// size, modification and status change times; a package upgrade or `rustup
// update` writes a new file, which is asked again. Only a rustc that is its
// sysroot's own bin/rustc is remembered: a proxy (rustup's ~/.cargo/bin/rustc
// picks a toolchain by directory, environment and settings) is asked each
// time, as is a rustc named without a directory (found on PATH) and any
// rustc while RUST_LIB_SRC or RUSTC_OVERRIDE_VERSION_STRING is set; the
// answers are kept only if the path still leads to the same file after. Asking cost a process
// that opens a kernel side about a fifth of a second.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kernel/tree.hpp"

namespace refdrv::kernel {

struct RustToolchain {
  std::string rustc;            // path of the rustc used; empty: none usable
  std::string version;          // `rustc --version`
  std::string lib_src;          // RUST_LIB_SRC: .../lib/rustlib/src/rust/library
  std::string bindgen;          // path of the real bindgen
  std::string bindgen_version;  // "0.60.1"
  // The version kernel/bindgen-compat reports to kbuild (the tree's
  // minimum) when the real bindgen is older; empty: bindgen is new enough.
  std::string bindgen_as;
  // The libclang bindgen must load (LIBCLANG_PATH), when the one it would
  // pick by itself is known not to work with it; empty: bindgen's choice.
  std::string libclang_path;
  // Why the tree's Rust side cannot be built with what is installed, and
  // how to fix it; empty when rustc and bindgen are usable.
  std::string problem;

  [[nodiscard]] bool usable() const { return problem.empty() && !rustc.empty(); }
  // "rustc 1.96.0 (...), bindgen 0.60.1 (as 0.65.1 through refdrv's bindgen-compat)"
  [[nodiscard]] std::string describe() const;
  // The make variables kbuild needs (RUSTC, BINDGEN: kernel/bindgen-compat,
  // RUST_LIB_SRC), as NAME=value: on make's command line, since the tree's
  // Makefile assigns RUSTC and BINDGEN itself.
  [[nodiscard]] std::vector<std::string> make_vars(const std::filesystem::path& data_dir) const;
  // The environment of kernel/bindgen-compat (REFDRV_BINDGEN,
  // REFDRV_BINDGEN_AS, REFDRV_LIBCLANG_PATH).
  [[nodiscard]] std::vector<std::string> wrapper_env() const;
};

// "1.78.0" -> 107800, as the kernel's scripts compare versions; 0 if not a version.
[[nodiscard]] long version_number(const std::string& dotted);

// The first X.Y.Z in `text` ("rustc 1.96.0 (ac68...)" -> "1.96.0"), or empty.
[[nodiscard]] std::string first_version(const std::string& text);

// The minimum version of `tool` the tree asks for (scripts/min-tool-version.sh), or empty.
[[nodiscard]] std::string tree_min_version(const LinuxTree& tree, const std::string& tool);

// The toolchain for the tree's Rust side (see the top of this file).
[[nodiscard]] RustToolchain find_rust_toolchain(const LinuxTree& tree);

// The apt line that installs Debian 12's toolchain for the tree's Rust.
inline constexpr const char* kRustAptLine = "sudo apt-get install rustc-web rust-web-src bindgen libclang1-14";

}  // namespace refdrv::kernel
