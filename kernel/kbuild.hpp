// SPDX-License-Identifier: GPL-2.0
// The per-tree build of the kernel side.
//
// 1. Configure out of tree (O=): tinyconfig + refdrv.config (+ the Rust
//    fragment, refdrv-rust.config, when the tree has Rust PHY drivers and a
//    toolchain it accepts) -> olddefconfig -> make prepare (which builds the
//    tree's rust/ crates), and let kbuild compile phylib, the drivers (C and
//    Rust) and the lib/ files once, so that its .cmd files hold the tree's
//    own compile lines. Cached; redone only when the tree's build files, the
//    fragment or the toolchain change. When the Rust side fails to
//    configure or build, the tree is configured again without it, and the
//    reason is kept (BuiltKernel::rust_note).
// 2. Recompile those objects with the tree's command lines adjusted for
//    userspace (userspace_flags for gcc, rust_userspace_args for rustc:
//    core, compiler_builtins, ffi, build_error, bindings, uapi, kernel and
//    the Rust drivers, retargeted to x86_64-unknown-linux-gnu), plus
//    refdrv's emulation and helpers.
// 3. Link everything into one shared object whose only global symbol is
//    refdrv_kernel_entry; a generated trace-and-stop stub stands in for every
//    referenced function nothing defines.
// Steps 2-3 are a generated build.ninja, so a one-line change (in a driver,
// in phylib, in the tree's rust/kernel) rebuilds what depends on it and
// relinks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "kernel/debian.hpp"
#include "kernel/process.hpp"
#include "kernel/toolchain.hpp"
#include "kernel/tree.hpp"

namespace refdrv::kernel {

struct BuildOptions {
  int jobs = 0;  // 0: number of CPUs
  // Compile the tree's phylib and C drivers (drivers/net/phy) with gcc's
  // -fsanitize-coverage=trace-pc and its Rust drivers with LLVM's
  // equivalent, for the fuzzers' coverage feedback
  // (refdrv_kernel_ops.set_coverage); phylib's state is then watched by the
  // store hooks (emul/instance.c, in every build) first, without a trap per
  // store. A separate build in the cache.
  bool coverage = false;
  // Sources compiled instead of the tree's own (tree-relative source path ->
  // the file to compile): a patched driver or phylib file (a mutant of
  // `refdrv mutate`). The tree's own build is made first; the overlay's build
  // compiles only the replaced objects and links them with the tree build's
  // other objects: seconds, not a configure. Only the sources of objects
  // refdrv builds may be replaced (headers, Kconfig and Makefiles decide the
  // configuration and are not overlaid).
  std::map<std::string, std::filesystem::path> overlay;
  // A tree that has never been configured with this recipe reuses the
  // configured tree of another tree of the same version when every file
  // recorded for that configuration (kernel/tree_record.hpp: headers,
  // Kconfig, Makefiles, scripts, everything kbuild's .cmd files name) is
  // identical in both: only the sources refdrv compiles itself differ, and
  // only those objects (and the Rust crates that use a recompiled crate) are
  // compiled; the others are linked from that tree's build. A patched copy
  // of a tree costs seconds, not a configure. (A Rust driver compiled this
  // way keeps the module name kbuild's object of the other tree has: a copy
  // that renames its module! is shown under the old name.)
  bool reuse_configured = true;
  // Every PHY driver of the tree, not only the reference groups: the
  // Kconfig symbol of each driver object drivers/net/phy's Makefiles build
  // (phy_driver_symbols) is added to the fragment, and those the tree's
  // Kconfig turns off (an unmet dependency) are simply not built. A separate
  // configured tree and build in the cache; never reuses another tree's.
  bool all_phy_drivers = false;
  Progress progress = [](const std::string&) {};
};

enum class Lang : unsigned char { kC, kRust };

struct KernelObject {
  std::string path;     // "drivers/net/phy/phy.o", relative to the tree
  std::string source;   // absolute path of the .c or .rs file
  std::string modname;  // KBUILD_MODNAME (C); the module! name of a Rust driver
  std::string kconfig;  // Kconfig symbol of a driver object, else empty
  Lang lang = Lang::kC;
  // C: the userspace compile command, without -c/-o/source. Rust: the
  // retargeted rustc command (rust_userspace_args), source included.
  std::vector<std::string> argv;
  // Rust: NAME=value assignments kbuild puts before rustc (OBJTREE, ...),
  // and the commands it runs on the object afterwards (objcopy), with the
  // object's path as "$out".
  std::vector<std::string> env;
  std::vector<std::vector<std::string>> post;
  [[nodiscard]] bool rust_crate() const { return lang == Lang::kRust && path.rfind("rust/", 0) == 0; }
};

// `k`'s source relative to `tree` ("drivers/net/phy/ax88796b.c").
[[nodiscard]] std::string tree_source(const LinuxTree& tree, const KernelObject& k);

// A Rust driver of the tree built into the kernel side.
struct RustDriver {
  std::string crate;    // "ax88796b_rust"
  std::string source;   // "drivers/net/phy/ax88796b_rust.rs"
  std::string kconfig;  // reference group or the driver's own symbol
  std::string module;   // its module! name: "rust_asix_phy"
};

struct BuiltKernel {
  LinuxTree tree;
  std::string key;
  std::filesystem::path kbuild_dir;  // the configured tree kbuild built in (O=)
  std::filesystem::path build_dir;
  std::filesystem::path object;   // the shared object to load
  std::filesystem::path symbols;  // nm -n listing of it
  std::vector<KernelObject> objects;
  std::vector<std::string> stubbed;  // functions replaced by trace-and-stop stubs
  RustToolchain rust;
  std::vector<RustDriver> rust_drivers;  // built and linked in
  // Why the tree's Rust drivers are not built, if they are not: the tree has
  // none, or its Rust side could not be built (with the cause and the fix).
  std::string rust_note;
  // The tree declares Rust PHY drivers (so their absence is a problem).
  bool rust_declared = false;
  // The tree's Rust abstraction sources compiled into the kernel side, as
  // kbuild's dependency records list them (relative to the tree).
  std::vector<std::string> rust_sources;
  bool coverage = false;                 // built with BuildOptions::coverage
  // phylib and the C drivers call the store hooks of emul/instance.c before
  // each store (every build since refdrv-recipe-3): phylib's state can be
  // watched without a hardware watchpoint (host/context.cpp says when it is).
  bool store_hooks = false;
  std::map<std::string, std::filesystem::path> overlay;  // BuildOptions::overlay
  // A build derived from another (an overlay, or a tree reusing another
  // tree's configuration) compiles only some objects; the others are the
  // earlier build's, linked in: object path -> object file.
  std::filesystem::path base_build_dir;  // the earlier build (empty: this build compiled everything)
  std::map<std::string, std::filesystem::path> inherited;
  std::filesystem::path emul_dir;  // where the emulation's objects are (this build's or the earlier one's)
  // With BuildOptions::reuse_configured: the tree whose configuration was
  // reused, and the sources of this tree that differ from it (recompiled).
  std::filesystem::path reused_from;
  std::vector<std::string> differing_sources;
};

// The object file of `obj` ("drivers/net/phy/phy.o") that `b` links: its
// own, or the earlier build's it inherited.
[[nodiscard]] std::filesystem::path object_file(const BuiltKernel& b, const std::string& obj);

// The tree's compile command (from its .cmd file) adjusted for userspace:
// -fPIC -mcmodel=small instead of -mcmodel=kernel/-fno-PIE; without
// -mpreferred-stack-boundary=3 (misaligns calls into glibc), -mskip-rax-setup,
// retpoline/return-thunk/SLS flags, -fpatchable-function-entry,
// -fstack-protector* (reads a canary at %gs:0x28), -pg/-mfentry/-mrecord-mcount
// and the dependency-file option; relative include paths made absolute
// (relative to `kbuild_dir`); -o/-c/the source removed.
[[nodiscard]] std::vector<std::string> userspace_flags(const std::vector<std::string>& kbuild_argv,
                                                       const std::filesystem::path& kbuild_dir);

// kbuild's rustc command (without the NAME=value words before it) adjusted
// for userspace: --target x86_64-unknown-linux-gnu -Crelocation-model=pic
// instead of --target=scripts/target.json, -Ccode-model=kernel,
// -Crelocation-model=static, -Cno-redzone, the soft-float target features
// and -Ztune-cpu; without its --emit, --out-dir and -L (the caller chooses
// where objects and crate metadata go).
[[nodiscard]] std::vector<std::string> rust_userspace_args(const std::vector<std::string>& kbuild_argv);

// One word of a compile command with the tree root `from` replaced by `to`
// where a path starts with it (the word itself, or after an option's prefix:
// -I, -iquote, --remap-path-prefix=, NAME=), for a tree that reuses another
// tree's configuration. "/b/a/linux" or "/a/linux-2" are not the root
// "/a/linux".
[[nodiscard]] std::string reroot_word(const std::string& word, const std::string& from, const std::string& to);

// The Kconfig symbols of the driver objects of drivers/net/phy (its
// Makefile and those of its subdirectories): symbol -> the objects it
// builds ("MARVELL_PHY" -> {"drivers/net/phy/marvell.o"}). Not phylib's own
// (PHYLIB, MDIO_*, PHYLINK, SFP, FIXED_PHY, timestamping) nor the Rust
// drivers' options.
[[nodiscard]] std::map<std::string, std::vector<std::string>> phy_driver_symbols(const LinuxTree& tree);
// Builds (or finds in the cache) the kernel side for `tree`.
Result<BuiltKernel> build_kernel(const LinuxTree& tree, const BuildOptions& options);

// Runs one step of a build (make, ninja, a copy) with its output in cmd.log.
// Its failure is the tree's (ErrorOrigin::kKernelBuild: a finding about the
// code for check --commits, a stillborn mutant for refdrv mutate) unless the
// step was killed, or its log shows the machine failing (a compiler killed
// for memory, a full disk): then it is a plain error, no verdict on the code.
Result<void> run_logged(const Command& cmd, const std::string& what);
// The first compiler error of a build log ("ax88796b.c:37:45: error: ...",
// rustc's "error[E0425]: ..."), cut to 300 characters, or "".
[[nodiscard]] std::string first_compiler_error(const std::string& log);
// What in a failed build's log says the machine failed, not the code: a
// compiler the kernel killed (out of memory), a full disk, memory refused;
// the sign found, or "" when there is none.
[[nodiscard]] std::string machine_failure(const std::string& log);

// Whether the configured tree in the cache directory `dir` still matches the
// tree at `root`: the first recorded file (header, Kconfig, Makefile) that
// differs now, or, when the record is missing or unreadable (which forces a
// configure), "tree.record is missing" or "tree.record cannot be read: WHY";
// nullopt when unchanged.
[[nodiscard]] std::optional<std::string> changed_since_configured(const std::filesystem::path& dir,
                                                                  const std::filesystem::path& root);

// A configure's error read for its cause. tree_build_file_error: a syntax
// error in the tree's own Makefiles or Kconfig outside rust/, which fails
// with or without Rust ("FILE:LINE: message", "" when it is not one): an
// error of its own, not "the Rust drivers are left out". rust_side_failure:
// a failure of the Rust configuration that names rustc, bindgen or rust/,
// the one kind remembered (not retried for the same tree and toolchain).
[[nodiscard]] std::string tree_build_file_error(const std::string& message);
[[nodiscard]] bool rust_side_failure(const std::string& message);
// The Rust driver of the tree (drivers/...rs, under `root`) that a failed
// configure could not compile, "" when it is none: the tree's source, which
// refdrv's own build would fail on too ("does not build"), not a toolchain
// to leave the Rust side out for.
[[nodiscard]] std::string tree_rust_driver_error(const std::string& message, const std::filesystem::path& root);
// Whether every edge a failed ninja log names ("FAILED: OUTPUT") is
// refdrv's own (under `emul_dir`, or `build_dir`/gen): its emulation failed
// to compile against the tree's headers, which says nothing of the tree's
// own build (check --commits leaves such a commit not checked).
[[nodiscard]] bool only_refdrvs_own_failed(const std::string& log, const std::filesystem::path& emul_dir,
                                           const std::filesystem::path& build_dir);
// The latest status-change time (ns) of anything in the tree at `root`
// outside .git: a remembered Rust-side failure holds only while it has not
// moved (a file edited, added, removed, or another commit checked out).
[[nodiscard]] std::int64_t tree_changed_ns(const std::filesystem::path& root);

// The tree whose configured tree build_kernel would reuse for `tree` (see
// BuildOptions::reuse_configured): nullopt when `tree` has an up-to-date
// configuration of its own or no configured tree of another matches it (a
// configuration of its own that the tree no longer matches is no reason
// not to reuse another's).
[[nodiscard]] std::optional<std::filesystem::path> reusable_configuration(const LinuxTree& tree);

// The object of `b` built from the tree source `rel`, or null.
[[nodiscard]] const KernelObject* object_built_from(const BuiltKernel& b, const std::string& rel);

// Every build directory holds a manifest describing what it built, so the
// kernel side can be used without its tree (a fuzzer on another machine).
inline constexpr const char* kManifest = "refdrv-kernel.json";
// Next to the symbols: the image's cli/sti instruction offsets (objdump).
inline constexpr const char* kIrqSites = "kernel.irqsites";
[[nodiscard]] std::string manifest_json(const BuiltKernel& b);
Result<BuiltKernel> load_prebuilt(const std::filesystem::path& dir);

}  // namespace refdrv::kernel
