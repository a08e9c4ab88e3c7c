// SPDX-License-Identifier: GPL-2.0
// Debian's linux-source-<series> package as refdrv's default tree: fetched
// with `apt-get download` (no root needed), unpacked once into the cache.
#pragma once

#include <functional>
#include <string>

#include "kernel/tree.hpp"

namespace refdrv::kernel {

using Progress = std::function<void(const std::string&)>;

inline constexpr const char* kDefaultSeries = "6.12";

// The unpacked tree of linux-source-<series> (e.g. "6.12", "6.1"), fetching
// and unpacking it on first use. Uses /usr/src/linux-source-<series>.tar.xz
// when the package is installed.
Result<LinuxTree> debian_tree(const std::string& series, const Progress& progress);

}  // namespace refdrv::kernel
