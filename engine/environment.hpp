// SPDX-License-Identifier: GPL-2.0
// Everything a refdrv command needs before it can run an instance: the Linux
// tree (given, or Debian's default), the kernel side built for it, loaded.
#pragma once

#include <array>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/firmware.hpp"
#include "host/kernel_image.hpp"
#include "kernel/kbuild.hpp"
#include "cxx/abstractions/registration.hpp"

namespace refdrv {

struct EnvironmentOptions {
  std::string kernel;  // --kernel PATH; empty: Debian's linux-source-<series>
  std::string series = kernel::kDefaultSeries;
  int jobs = 0;
  bool quiet = false;  // no progress lines on stderr
  // The kernel side built with coverage instrumentation (the fuzz target's;
  // kernel::BuildOptions::coverage).
  bool kernel_coverage = false;
  // Every PHY driver of the tree in the kernel side, not only the reference
  // groups (kernel::BuildOptions::all_phy_drivers; `refdrv drivers`).
  bool all_phy_drivers = false;
  // --firmware DIR: where request_firmware() looks (engine/firmware.hpp).
  std::string firmware_dir;
  // --replace TREE_PATH=FILE: sources compiled instead of the tree's
  // (kernel::BuildOptions::overlay).
  std::map<std::string, std::filesystem::path> overlay;
  // The C++ driver modules to register with the kernel side. The program
  // chooses them (refdrv's: cxx/drivers/modules.hpp); engine/ names none.
  std::vector<std::reference_wrapper<const phy::ModuleDescriptor>> cxx_modules;
};

// What --replace changed, in words: "A replaced by B, C replaced by D" ("" for
// none). The tree's origin ends with it (Environment::load), so every verdict
// that names the tree names it.
[[nodiscard]] std::string replaced_sources(const std::map<std::string, std::filesystem::path>& overlay);

// The options as command-line words, for a refdrv subprocess on the same
// environment (--kernel or --series, -j, --firmware, every --replace).
[[nodiscard]] std::vector<std::string> environment_args(const EnvironmentOptions& env);

// The options a `refdrv run` of a reproducer needs to replay on this
// environment, as shell words with a leading space each (" --kernel DIR
// --replace P=F"; "" on the default tree): the tree, every --replace, the
// firmware directory, --all-phy-drivers. Reproducers' replay lines carry it,
// so one written on a patched tree does not pass on the unpatched one.
[[nodiscard]] std::string replay_options(const EnvironmentOptions& env);

// One word for sh: as it is where it has nothing sh reads, else in single
// quotes (a path with a space in a replay line).
[[nodiscard]] std::string shell_word(const std::string& word);

// --impl's value for these implementations ("c,rust").
[[nodiscard]] std::string impl_list(const std::vector<Impl>& impls);

// The Debian linux-source series refdrv fetches with `apt-get download
// linux-source-<series>` on Debian 12, newest first.
inline constexpr std::array<std::string_view, 2> kDebianSeries = {"6.12", "6.1"};

// Whether refdrv can get the tree of `series` without a failed download: a
// series of kDebianSeries, one already unpacked in refdrv's cache, or one
// whose linux-source package is installed (/usr/src/linux-source-<series>.tar.xz).
// Checked before any work, so a typo never starts a download or leaves lock
// files in the cache.
Result<void> check_series(const std::string& series);

// The kernel-side build `options` ask for (jobs, coverage, progress lines
// unless quiet).
[[nodiscard]] kernel::BuildOptions build_options(const EnvironmentOptions& options);

// The tree `options` name (--kernel, or Debian's linux-source-<series>,
// fetched if need be), without building anything: for commands that only
// read its sources.
Result<kernel::LinuxTree> tree_of(const EnvironmentOptions& options);

class Environment {
 public:
  static Result<std::unique_ptr<Environment>> open(const EnvironmentOptions& options);
  // A kernel side built beforehand (a build directory with its manifest),
  // without its tree: what a fuzzer on another machine gets.
  static Result<std::unique_ptr<Environment>> open_prebuilt(const std::filesystem::path& dir,
                                                            const EnvironmentOptions& options);

  [[nodiscard]] const kernel::BuiltKernel& built() const { return built_; }
  [[nodiscard]] const kernel::LinuxTree& tree() const { return built_.tree; }
  [[nodiscard]] KernelImage& image() { return *image_; }
  [[nodiscard]] const FirmwareSource& firmware() const { return firmware_; }
  // replay_options() of the options it was opened with.
  [[nodiscard]] const std::string& replay_options() const { return replay_options_; }
  // The C++ driver modules registered with the image, in order.
  [[nodiscard]] const std::vector<std::reference_wrapper<const phy::ModuleDescriptor>>& cxx_modules() const {
    return cxx_modules_;
  }
  ~Environment();

 private:
  Environment() = default;
  static Result<std::unique_ptr<Environment>> load(kernel::BuiltKernel built, const EnvironmentOptions& options);
  kernel::BuiltKernel built_;
  FirmwareSource firmware_;
  std::string replay_options_;
  std::unique_ptr<KernelImage> image_;
  // The C++ modules registered with image_ (unregistered before it unloads).
  std::vector<std::unique_ptr<phy::Registration>> cxx_;
  std::vector<std::reference_wrapper<const phy::ModuleDescriptor>> cxx_modules_;
};

}  // namespace refdrv
