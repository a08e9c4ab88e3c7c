// SPDX-License-Identifier: GPL-2.0
#include "engine/environment.hpp"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "kernel/cache.hpp"

namespace refdrv {

std::string replaced_sources(const std::map<std::string, std::filesystem::path>& overlay) {
  std::string out;
  for (const auto& [path, file] : overlay)
    out += fmt::format("{}{} replaced by {}", out.empty() ? "" : ", ", path, file.string());
  return out;
}

std::vector<std::string> environment_args(const EnvironmentOptions& env) {
  std::vector<std::string> out;
  if (!env.kernel.empty()) out.insert(out.end(), {"--kernel", std::filesystem::absolute(env.kernel).string()});
  else out.insert(out.end(), {"--series", env.series});
  if (env.jobs > 0) out.insert(out.end(), {"-j", std::to_string(env.jobs)});
  if (!env.firmware_dir.empty())
    out.insert(out.end(), {"--firmware", std::filesystem::absolute(env.firmware_dir).string()});
  for (const auto& [path, file] : env.overlay)
    out.insert(out.end(), {"--replace", path + "=" + std::filesystem::absolute(file).string()});
  return out;
}

std::string shell_word(const std::string& w) {
  const bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("_./=:+,-@%").find(c) != std::string_view::npos;
  });
  if (plain) return w;
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string impl_list(const std::vector<Impl>& impls) {
  std::string out;
  for (Impl i : impls) out += (out.empty() ? "" : ",") + std::string(impl_name(i));
  return out;
}

std::string replay_options(const EnvironmentOptions& env) {
  // A subprocess's options (environment_args), less what a replay needs
  // not say: the job count, the default series; and --all-phy-drivers.
  EnvironmentOptions same = env;
  same.jobs = 0;
  std::vector<std::string> words = environment_args(same);
  if (env.kernel.empty() && env.series == kernel::kDefaultSeries) words.erase(words.begin(), words.begin() + 2);
  if (env.all_phy_drivers) words.emplace_back("--all-phy-drivers");
  std::string out;
  for (const auto& w : words) out += " " + shell_word(w);
  return out;
}

Result<void> check_series(const std::string& series) {
  if (std::find(kDebianSeries.begin(), kDebianSeries.end(), series) != kDebianSeries.end()) return {};
  // "6.6": digits and single dots, so the name cannot leave the cache directory.
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const bool well_formed = !series.empty() && series.size() <= 8 && digit(series.front()) && digit(series.back()) &&
                           std::all_of(series.begin(), series.end(), [&](char c) { return digit(c) || c == '.'; }) &&
                           series.find("..") == std::string::npos;
  if (well_formed) {
    const std::string package = "linux-source-" + series;
    std::error_code ec;
    if (std::filesystem::exists(kernel::cache_root() / "trees" / package / "READY", ec) ||
        std::filesystem::exists(std::filesystem::path("/usr/src") / (package + ".tar.xz"), ec))
      return {};
  }
  return fail(fmt::format("no Debian linux-source series '{}' that refdrv can fetch (it fetches {}; another series "
                          "works once its linux-source package is installed); or give a tree with --kernel PATH",
                          series, fmt::join(kDebianSeries, ", ")));
}

kernel::BuildOptions build_options(const EnvironmentOptions& options) {
  kernel::BuildOptions bo;
  bo.jobs = options.jobs;
  bo.coverage = options.kernel_coverage;
  bo.all_phy_drivers = options.all_phy_drivers;
  bo.overlay = options.overlay;
  if (!options.quiet) bo.progress = [](const std::string& line) { fmt::print(stderr, "refdrv: {}\n", line); };
  return bo;
}

Result<kernel::LinuxTree> tree_of(const EnvironmentOptions& options) {
  return options.kernel.empty() ? kernel::debian_tree(options.series, build_options(options).progress)
                                : kernel::open_tree(options.kernel);
}

Result<std::unique_ptr<Environment>> Environment::open(const EnvironmentOptions& options) {
  const kernel::BuildOptions bo = build_options(options);
  if (!options.firmware_dir.empty() && !std::filesystem::is_directory(options.firmware_dir))
    return fail(fmt::format("--firmware {}: not a directory (the directory request_firmware() looks in, like "
                            "/lib/firmware)",
                            options.firmware_dir));

  auto tree = tree_of(options);
  if (!tree) return std::unexpected(tree.error());
  // Its origin as the build says it: kKernelBuild where the tree's code or
  // build files failed to build, not where a tool is missing or refdrv failed.
  auto built = kernel::build_kernel(*tree, bo);
  if (!built) return std::unexpected(built.error());
  auto env = load(std::move(*built), options);
  if (env) (*env)->firmware_.dir = options.firmware_dir;
  return env;
}

Result<std::unique_ptr<Environment>> Environment::open_prebuilt(const std::filesystem::path& dir,
                                                                const EnvironmentOptions& options) {
  auto built = kernel::load_prebuilt(dir);
  if (!built) return std::unexpected(built.error());
  return load(std::move(*built), options);
}

Result<std::unique_ptr<Environment>> Environment::load(kernel::BuiltKernel built, const EnvironmentOptions& options) {
  auto env = std::unique_ptr<Environment>(new Environment());
  env->built_ = std::move(built);
  env->replay_options_ = refdrv::replay_options(options);
  // Every header, KTAP and JSON that names the tree says it was patched:
  // a verdict on a --replace'd driver must not read as one on the tree's.
  if (const std::string replaced = replaced_sources(env->built_.overlay); !replaced.empty())
    env->built_.tree.origin += "; with " + replaced;
  auto image = KernelImage::load(env->built_.object, env->built_.symbols);
  if (!image) return std::unexpected(image.error());
  env->image_ = std::move(*image);
  env->image_->set_store_hooks(env->built_.store_hooks);
  env->image_->set_hooks_first(env->built_.coverage);
  for (const phy::ModuleDescriptor& m : options.cxx_modules) {
    auto reg = phy::Registration::register_module(*env->image_, m);
    if (!reg) return std::unexpected(reg.error());
    env->cxx_.push_back(std::move(*reg));
    env->cxx_modules_.emplace_back(m);
  }
  return env;
}

Environment::~Environment() {
  cxx_.clear();
  image_.reset();
}

}  // namespace refdrv
