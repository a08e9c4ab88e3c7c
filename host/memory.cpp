// SPDX-License-Identifier: GPL-2.0
#include "host/memory.hpp"

#include <algorithm>
#include <cstdlib>

namespace refdrv {

MemoryAccount::~MemoryAccount() { release_all(); }

void* MemoryAccount::allocate(std::size_t size, std::size_t align) {
  void* p = nullptr;
  align = std::max<std::size_t>(align, alignof(std::max_align_t));
  if (posix_memalign(&p, align, std::max<std::size_t>(size, 1)) != 0) return nullptr;
  live_.emplace(p, size);
  live_bytes_ += size;
  peak_bytes_ = std::max(peak_bytes_, live_bytes_);
  ++total_;
  return p;
}

bool MemoryAccount::release(void* ptr) {
  auto it = live_.find(ptr);
  if (it == live_.end()) return false;
  live_bytes_ -= it->second;
  live_.erase(it);
  std::free(ptr);
  return true;
}

void MemoryAccount::release_all() {
  for (auto& [p, size] : live_) std::free(p);
  live_.clear();
  live_bytes_ = 0;
}

}  // namespace refdrv
