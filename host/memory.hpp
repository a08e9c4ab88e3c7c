// SPDX-License-Identifier: GPL-2.0
// Per-context accounting of kernel-side allocations: what an instance (or an
// image) allocated and did not free is reported when it is torn down, and a
// free of memory it does not own is a bug the kernel side made.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace refdrv {

class MemoryAccount {
 public:
  MemoryAccount() = default;
  MemoryAccount(const MemoryAccount&) = delete;
  MemoryAccount& operator=(const MemoryAccount&) = delete;
  ~MemoryAccount();

  void* allocate(std::size_t size, std::size_t align);
  // False if `ptr` is not a live allocation of this account.
  bool release(void* ptr);
  [[nodiscard]] bool owns(void* ptr) const { return live_.contains(ptr); }

  [[nodiscard]] std::size_t live_allocations() const { return live_.size(); }
  [[nodiscard]] std::size_t live_bytes() const { return live_bytes_; }
  [[nodiscard]] std::size_t peak_bytes() const { return peak_bytes_; }
  [[nodiscard]] std::uint64_t total_allocations() const { return total_; }

  // Frees everything still live (after the owner stopped half-way).
  void release_all();

 private:
  std::unordered_map<void*, std::size_t> live_;
  std::size_t live_bytes_ = 0;
  std::size_t peak_bytes_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace refdrv
