// SPDX-License-Identifier: GPL-2.0
// Bytes kept as the fixed-size blocks where they differ from a reference copy.
//
// A snapshot (host/instance.hpp) keeps the kernel side's data and the heaps
// this way against a reference copy their owner took at its first save: most
// of those bytes are the same in every snapshot, so a snapshot is a few
// blocks, and a restore writes the reference, which every restore reads and
// which so stays in the caches, then the blocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace refdrv {

struct BlockDiff {
  static constexpr std::size_t kBlock = 64;
  std::vector<std::uint32_t> blocks;  // indices of the blocks that differ, ascending
  std::vector<std::byte> data;        // their bytes, in that order
  std::size_t bytes = 0;              // the length of what it stands for

  bool operator==(const BlockDiff&) const = default;

  // This becomes `live` against `reference`; past the reference's end every
  // block differs.
  void take(std::span<const std::byte> live, std::span<const std::byte> reference) {
    blocks.clear();
    data.clear();
    bytes = live.size();
    for (std::size_t off = 0; off < bytes; off += kBlock) {
      const std::size_t len = std::min(kBlock, bytes - off);
      if (off + len <= reference.size() && std::memcmp(live.data() + off, reference.data() + off, len) == 0) continue;
      blocks.push_back(static_cast<std::uint32_t>(off / kBlock));
      data.insert(data.end(), live.begin() + static_cast<std::ptrdiff_t>(off),
                  live.begin() + static_cast<std::ptrdiff_t>(off + len));
    }
  }

  // Writes what it stands for through put(offset, from, len): the reference
  // (up to `bytes`), then each block.
  template <class Put>
  void apply(std::span<const std::byte> reference, Put&& put) const {
    if (const std::size_t n = std::min(bytes, reference.size())) put(std::size_t{0}, reference.data(), n);
    const std::byte* at = data.data();
    for (const std::uint32_t block : blocks) {
      const std::size_t off = std::size_t{block} * kBlock;
      const std::size_t len = std::min(kBlock, bytes - off);
      put(off, at, len);
      at += len;
    }
  }
};

}  // namespace refdrv
