// SPDX-License-Identifier: GPL-2.0
// The firmware files request_firmware() finds in a run: what a scenario
// says of a file (missing, a generated image of some size), else the
// firmware directory given with --firmware, else the machine's
// /lib/firmware (where Debian's firmware packages install), else refdrv's
// own test image for the files the hosted drivers ask for. The real QT2025
// image is the vendor's and not in Debian; refdrv's test image stands in
// for it, and the QT2025 model checks that what it runs is, byte for byte,
// what the driver was given.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace refdrv {

struct FirmwareSource {
  std::filesystem::path dir;  // --firmware DIR (empty: /lib/firmware, then test images)
};

// refdrv's test image for `name`: `size` bytes that depend on the name only.
[[nodiscard]] std::vector<std::uint8_t> test_image(const std::string& name, std::size_t size);

// The size of refdrv's default test image for `name`, if it has one.
[[nodiscard]] std::optional<std::size_t> default_test_image_size(const std::string& name);

// The bytes request_firmware(name) gets in a run of `scenario`, or nothing
// (the file does not exist: -ENOENT).
[[nodiscard]] std::optional<std::vector<std::uint8_t>> firmware_file(const FirmwareSource& source,
                                                                     const Scenario& scenario,
                                                                     const std::string& name);

}  // namespace refdrv
