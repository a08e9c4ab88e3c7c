// SPDX-License-Identifier: GPL-2.0
// The per-tree build of the kernel side.
//
// 1. Configure out of tree (O=): tinyconfig + refdrv.config -> olddefconfig
//    -> make prepare, and let kbuild compile phylib, the driver and the lib/
//    files once, so that its .cmd files hold the tree's own compile lines.
//    Cached; redone only when the tree's build files or the fragment change.
// 2. Recompile those objects with the tree's command lines adjusted for
//    userspace (see userspace_flags), plus refdrv's emulation and helpers.
// 3. Link everything into one shared object whose only global symbol is
//    refdrv_kernel_entry; a generated trace-and-stop stub stands in for every
//    referenced function nothing defines.
// Steps 2-3 are a generated build.ninja, so a one-line change rebuilds one
// object and relinks.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "host/error.hpp"
#include "kernel/debian.hpp"
#include "kernel/tree.hpp"

namespace refdrv::kernel {

struct BuildOptions {
  int jobs = 0;  // 0: number of CPUs
  // Compile the tree's phylib and C drivers (drivers/net/phy) with gcc's
  // -fsanitize-coverage=trace-pc and its Rust drivers with LLVM's
  // equivalent, for the fuzzers' coverage feedback
  // (refdrv_kernel_ops.set_coverage). A separate build in the cache.
  bool coverage = false;
  Progress progress = [](const std::string&) {};
};

struct KernelObject {
  std::string path;     // "drivers/net/phy/phy.o", relative to the tree
  std::string source;   // absolute path of the .c file
  std::string modname;  // KBUILD_MODNAME
  std::string kconfig;  // Kconfig symbol of a driver object, else empty
  std::vector<std::string> argv;  // userspace compile command, without -c/-o/source
};

// A Rust driver of the tree built into the kernel side.
struct RustDriver {
  std::string crate;    // "ax88796b_rust"
  std::string source;   // "drivers/net/phy/ax88796b_rust.rs"
  std::string kconfig;  // reference group or the driver's own symbol
};

// The Rust toolchain used for the tree's Rust drivers.
struct RustToolchain {
  std::string rustc;    // path or name; empty: none found
  std::string version;  // `rustc --version`
};

// $REFDRV_RUSTC, else `rustc` on PATH (rustup's or Debian's).
[[nodiscard]] RustToolchain find_rust_toolchain();

struct BuiltKernel {
  LinuxTree tree;
  std::string key;
  std::filesystem::path build_dir;
  std::filesystem::path object;   // the shared object to load
  std::filesystem::path symbols;  // nm -n listing of it
  std::vector<KernelObject> objects;
  std::vector<std::string> stubbed;  // functions replaced by trace-and-stop stubs
  RustToolchain rust;
  std::vector<RustDriver> rust_drivers;  // built and linked in
  std::string rust_note;                 // why no Rust driver was built, if none
  bool coverage = false;                 // built with BuildOptions::coverage
};

// The tree's compile command (from its .cmd file) adjusted for userspace:
// -fPIC -mcmodel=small instead of -mcmodel=kernel/-fno-PIE; without
// -mpreferred-stack-boundary=3 (misaligns calls into glibc), -mskip-rax-setup,
// retpoline/return-thunk/SLS flags, -fpatchable-function-entry,
// -fstack-protector* (reads a canary at %gs:0x28), -pg/-mfentry/-mrecord-mcount
// and the dependency-file option; relative include paths made absolute
// (relative to `kbuild_dir`); -o/-c/the source removed.
[[nodiscard]] std::vector<std::string> userspace_flags(const std::vector<std::string>& kbuild_argv,
                                                       const std::filesystem::path& kbuild_dir);

// Builds (or finds in the cache) the kernel side for `tree`.
Result<BuiltKernel> build_kernel(const LinuxTree& tree, const BuildOptions& options);

// Every build directory holds a manifest describing what it built, so the
// kernel side can be used without its tree (a fuzzer on another machine).
inline constexpr const char* kManifest = "refdrv-kernel.json";
// Next to the symbols: the image's cli/sti instruction offsets (objdump).
inline constexpr const char* kIrqSites = "kernel.irqsites";
[[nodiscard]] std::string manifest_json(const BuiltKernel& b);
Result<BuiltKernel> load_prebuilt(const std::filesystem::path& dir);

}  // namespace refdrv::kernel
