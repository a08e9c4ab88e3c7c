// SPDX-License-Identifier: GPL-2.0
// Per-context accounting of kernel-side allocations: what an instance (or an
// image) allocated and did not free is reported when it is torn down, and a
// free of memory it does not own is a bug the kernel side made.
//
// Each account allocates from its own arena, a region of address space it
// alone uses, so that its whole heap is one byte range: save() copies it,
// restore() puts it back at the same addresses, and every pointer the kernel
// side keeps into it is valid again (host/instance.hpp, snapshots). Blocks
// are laid end to end from the arena's start, a 16-byte header before each
// payload; a freed block goes to the free list of its size class (the link
// in its header) and is reused for the next allocation of that class. A
// payload not handed out holds SLUB's poison (0x6b, the last byte 0xa5), as
// a kernel booted with slub_debug=P has it: reads after kfree() read that,
// and a write after kfree() is found when the block is handed out again (as
// slub_debug=FP's consistency checks find it). Which payloads are live is a
// bitmap (one bit per 16 bytes), so ownership is exact: a free of a pointer
// that is not the start of a live block is refused. Under AddressSanitizer
// headers, the slack after a payload and free blocks are poisoned, so host
// code (the C++ drivers, the helpers) reading past a kmalloc() buffer or
// after kfree() is reported as it was with the C library's allocator.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/block_diff.hpp"

namespace refdrv {

class MemoryAccount {
 public:
  MemoryAccount() = default;
  MemoryAccount(const MemoryAccount&) = delete;
  MemoryAccount& operator=(const MemoryAccount&) = delete;
  ~MemoryAccount();

  // Null when the arena is full (the kernel side sees -ENOMEM) or `align`
  // is not a power of two.
  void* allocate(std::size_t size, std::size_t align);
  // False if `ptr` is not a live allocation of this account.
  bool release(void* ptr);
  [[nodiscard]] bool owns(const void* ptr) const;

  [[nodiscard]] std::size_t live_allocations() const { return head_.live; }
  [[nodiscard]] std::size_t live_bytes() const { return head_.live_bytes; }
  [[nodiscard]] std::size_t peak_bytes() const { return head_.peak_bytes; }
  [[nodiscard]] std::uint64_t total_allocations() const { return head_.total; }
  // Bytes of the arena in use, headers, free blocks and padding included.
  [[nodiscard]] std::size_t arena_bytes() const { return head_.top; }

  // Frees everything still live (after the owner stopped half-way).
  void release_all();

  // A free block allocate() handed out again whose poison was broken: memory
  // written after kfree() (the pattern is restored; taken once).
  struct Overwritten {
    std::size_t payload_offset = 0, payload_bytes = 0, first_byte = 0;
  };
  [[nodiscard]] std::optional<Overwritten> take_overwritten() { return std::exchange(overwritten_, std::nullopt); }
  // What allocate() or release() found broken by a write past a block's end
  // (a header no longer holding its check value, a live object's red zone,
  // slub_debug=Z's 0xcc, changed), in words; taken once. The block is then
  // left alone (leaked), not put on a free list its header could corrupt.
  [[nodiscard]] std::optional<std::string> take_damage() { return std::exchange(damage_, std::nullopt); }

  // The heap as it is now: every byte of the arena in use (as the blocks
  // where it differs from the account's reference copy, taken at its first
  // save: host/block_diff.hpp) and the allocator's own state. restore()
  // makes the account exactly that again.
  struct Saved {
    struct Head {
      std::size_t top = 0;  // arena bytes in use
      std::size_t live = 0, live_bytes = 0, peak_bytes = 0;
      std::uint64_t total = 0;
      std::array<std::size_t, 40> free_heads{};  // per size class: offset + 1 of the first free block, 0 none
    };
    Head head;
    BlockDiff bytes;  // of head.top bytes
    std::vector<std::uint64_t> bitmap;
  };
  void save(Saved& out) const;
  void restore(const Saved& saved);

 private:
  using Head = Saved::Head;
  void reserve();
  [[nodiscard]] bool live_at(std::size_t payload_offset) const;
  void set_live(std::size_t payload_offset, bool live);
  void poison_all() const;

  std::optional<Overwritten> overwritten_;
  std::optional<std::string> damage_;
  std::byte* base_ = nullptr;      // the arena: kArenaBytes of address space
  std::uint64_t* bitmap_ = nullptr;  // live payload starts, one bit per 16 bytes
  std::size_t high_water_ = 0;     // bytes of the arena ever used (touched)
  Head head_;
  mutable std::vector<std::byte> reference_;  // the arena's bytes in use at the first save()
};

}  // namespace refdrv
