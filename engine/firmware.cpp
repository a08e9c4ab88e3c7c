// SPDX-License-Identifier: GPL-2.0
#include "engine/firmware.hpp"

#include <fstream>
#include <iterator>

namespace refdrv {

namespace fs = std::filesystem;

namespace {

// The files the hosted drivers request and the size of refdrv's stand-in:
// qt2025.rs asks for the vendor's QT2025 image and refuses one over 24 KiB;
// 20 KiB fills the first program window (16 KiB at 3.0x8000) and part of
// the second (4.0x8000).
struct DefaultImage {
  const char* name;
  std::size_t size;
};
constexpr DefaultImage kDefaultImages[] = {{"qt2025-2.0.3.3.fw", 20 * 1024}};

std::optional<std::vector<std::uint8_t>> read_bytes(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::vector<std::uint8_t> test_image(const std::string& name, std::size_t size) {
  // xorshift64 seeded by a FNV-1a hash of the name: fixed bytes, with no
  // run of equal bytes a truncated or shifted upload could hide in.
  std::uint64_t x = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) x = (x ^ c) * 0x100000001b3ULL;
  std::vector<std::uint8_t> out(size);
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return out;
}

std::optional<std::size_t> default_test_image_size(const std::string& name) {
  for (const auto& d : kDefaultImages)
    if (name == d.name) return d.size;
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> firmware_file(const FirmwareSource& source, const Scenario& scenario,
                                                       const std::string& name) {
  if (auto it = scenario.firmware.find(name); it != scenario.firmware.end()) {
    if (it->second.kind == FirmwareFile::Kind::kMissing) return std::nullopt;
    if (it->second.kind == FirmwareFile::Kind::kTestImage) return test_image(name, it->second.size);
  }
  if (!source.dir.empty()) return read_bytes(source.dir / name);
  // The kernel's search path, without the per-release directories. An empty
  // file is skipped for the next directory, as kernel_read_file()'s -EINVAL
  // makes the kernel do; in the last one it is what the driver gets
  // (request_firmware() then fails with -EINVAL, emul/firmware.c).
  for (const char* dir : {"/lib/firmware/updates", "/lib/firmware"})
    if (auto bytes = read_bytes(fs::path(dir) / name); bytes && (!bytes->empty() || std::string_view(dir) == "/lib/firmware"))
      return bytes;
  if (auto size = default_test_image_size(name)) return test_image(name, *size);
  return std::nullopt;
}

}  // namespace refdrv
