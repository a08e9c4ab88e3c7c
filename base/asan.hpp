// SPDX-License-Identifier: GPL-2.0
// Whether this build runs under AddressSanitizer (gcc says so with
// __SANITIZE_ADDRESS__, clang with __has_feature): REFDRV_ASAN is defined
// then. And the manual poisoning refdrv's own allocator uses
// (host/memory.cpp), a no-op without ASan.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define REFDRV_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REFDRV_ASAN 1
#endif
#endif
#ifdef REFDRV_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace refdrv::asan {

// [p, p + n) may not be touched until unpoisoned; ASan reports it if it is.
inline void poison([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t n) {
#ifdef REFDRV_ASAN
  ASAN_POISON_MEMORY_REGION(p, n);
#endif
}

inline void unpoison([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t n) {
#ifdef REFDRV_ASAN
  ASAN_UNPOISON_MEMORY_REGION(p, n);
#endif
}

}  // namespace refdrv::asan
