// SPDX-License-Identifier: GPL-2.0
#include "host/memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <mutex>
#include <span>

#include "base/asan.hpp"

namespace refdrv {

namespace {

// Address space, not memory: pages are only backed once touched.
constexpr std::size_t kArenaBytes = std::size_t{1} << 30;
constexpr std::size_t kGrain = 16;  // header size, payload alignment, bitmap granule
constexpr std::size_t kBitmapWords = kArenaBytes / kGrain / 64;
constexpr std::size_t kRegionBytes = kArenaBytes + kBitmapWords * sizeof(std::uint64_t);
constexpr std::uint32_t kPad = 0xffffffffu;    // a padding block (alignment), never handed out
constexpr std::size_t kClasses = std::tuple_size_v<decltype(MemoryAccount::Saved::Head::free_heads)>;

// SLUB's poison values (slub_debug=P): a free object, and its last byte.
// Every payload not handed out holds them, so kernel-side code that reads
// memory after kfree() (or a kmalloc() buffer it never wrote) reads 0x6b,
// as a kernel booted with slub_debug=P would, instead of the old contents:
// its MDIO writes, returns and logs then show it, and the comparison sees
// it. A write after kfree() breaks the pattern, which the next allocation
// of the block finds (what SLUB's consistency checks, slub_debug=FP, report
// as "Poison overwritten"; with P alone SLUB poisons again silently).
constexpr unsigned char kPoisonFree = 0x6b;
constexpr unsigned char kPoisonEnd = 0xa5;
// SLUB's red zone of a live object (slub_debug=Z, SLUB_RED_ACTIVE): the
// bytes of a block past what was asked for hold it, and kfree() finds a
// write past the object's end there ("Right Redzone overwritten").
constexpr unsigned char kRedActive = 0xcc;

struct Header {
  // Requested bytes; a padding block: its whole length; a free block: its
  // size class's free list link (offset + 1 of the next free payload, 0 none),
  // so that the payload holds nothing but the poison.
  std::uint64_t size;
  std::uint32_t cls;   // size class: payload of kGrain << cls bytes, or kPad
  // canary(offset of the payload): a header an overrun of the block before
  // it wrote over no longer holds it (checked by kfree() and when a free
  // block is handed out again, whose link the header holds).
  std::uint32_t check;
};
static_assert(sizeof(Header) == kGrain);

std::uint32_t canary(std::size_t payload_offset) {
  return 0x5eb1a7e5u ^ static_cast<std::uint32_t>(payload_offset * 0x9e3779b1u);
}
// A live block's check covers its size and class too; a free block's its
// class (its size field is the free-list link, checked for where it points).
std::uint32_t live_check(std::size_t payload_offset, std::uint64_t size, std::uint32_t cls) {
  return canary(payload_offset) ^ static_cast<std::uint32_t>(size * 0x85ebca6bu) ^
         static_cast<std::uint32_t>(size >> 32) ^ (cls * 0xc2b2ae35u);
}
std::uint32_t free_check(std::size_t payload_offset, std::uint32_t cls) {
  return canary(payload_offset) ^ (cls * 0x27d4eb2fu);
}

std::size_t payload_bytes(std::uint32_t cls) { return kGrain << cls; }
[[maybe_unused]] std::size_t block_bytes(const Header& h) { return h.cls == kPad ? h.size : kGrain + payload_bytes(h.cls); }

using asan::poison;
using asan::unpoison;

void fill_poison(std::byte* payload, std::size_t len) {
  std::memset(payload, kPoisonFree, len - 1);
  payload[len - 1] = static_cast<std::byte>(kPoisonEnd);
}

// The first of `len` bytes that is not `value`, or len; eight at a time
// (every kfree() checks a red zone, every reuse a free block's poison).
std::size_t first_other_than(const std::byte* p, std::size_t len, unsigned char value) {
  const std::uint64_t word = 0x0101010101010101ULL * value;
  std::size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, sizeof w);
    if (w != word) break;
  }
  for (; i < len; ++i)
    if (p[i] != static_cast<std::byte>(value)) return i;
  return len;
}

// The first byte of a free payload that no longer holds the poison, or len.
std::size_t poison_broken_at(const std::byte* payload, std::size_t len) {
  const std::size_t at = first_other_than(payload, len - 1, kPoisonFree);
  if (at < len - 1) return at;
  return payload[len - 1] == static_cast<std::byte>(kPoisonEnd) ? len : len - 1;
}

// Regions given back by accounts that ended, their pages still mapped: a
// new instance reuses warm memory instead of faulting fresh pages in.
struct Pool {
  std::mutex lock;
  std::vector<std::pair<std::byte*, std::size_t>> free;  // region, its high water
};
Pool& pool() {
  static auto* p = new Pool;  // never destroyed: accounts may outlive other statics
  return *p;
}
constexpr std::size_t kPoolKeep = 32;

}  // namespace

MemoryAccount::~MemoryAccount() {
  if (!base_) return;
  release_all();
  Pool& p = pool();
  const std::lock_guard guard(p.lock);
  if (p.free.size() < kPoolKeep) {
    p.free.emplace_back(base_, high_water_);
  } else {
    unpoison(base_, high_water_);
    munmap(base_, kRegionBytes);
  }
}

void MemoryAccount::reserve() {
  {
    Pool& p = pool();
    const std::lock_guard guard(p.lock);
    if (!p.free.empty()) {
      std::tie(base_, high_water_) = p.free.back();
      p.free.pop_back();
    }
  }
  if (!base_) {
    void* m = mmap(nullptr, kRegionBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return;
    base_ = static_cast<std::byte*>(m);
    high_water_ = 0;
  }
  bitmap_ = reinterpret_cast<std::uint64_t*>(base_ + kArenaBytes);
  poison(base_, high_water_);
}

bool MemoryAccount::live_at(std::size_t off) const {
  const std::size_t g = off / kGrain;
  return (bitmap_[g / 64] >> (g % 64)) & 1;
}

void MemoryAccount::set_live(std::size_t off, bool live) {
  const std::size_t g = off / kGrain;
  const std::uint64_t bit = std::uint64_t{1} << (g % 64);
  if (live)
    bitmap_[g / 64] |= bit;
  else
    bitmap_[g / 64] &= ~bit;
}

bool MemoryAccount::owns(const void* ptr) const {
  if (!base_) return false;
  const auto* p = static_cast<const std::byte*>(ptr);
  if (p < base_ + kGrain || p >= base_ + head_.top) return false;
  const auto off = static_cast<std::size_t>(p - base_);
  return off % kGrain == 0 && live_at(off);
}

void* MemoryAccount::allocate(std::size_t size, std::size_t align) {
  if (!base_) reserve();
  if (!base_ || !std::has_single_bit(align == 0 ? 1 : align)) return nullptr;
  align = std::max(align, kGrain);
  const std::size_t want = std::max<std::size_t>(size, 1);
  const auto cls = static_cast<std::uint32_t>(std::bit_width((want + kGrain - 1) / kGrain - 1));
  if (cls >= kClasses) return nullptr;

  std::size_t off = 0;  // of the payload
  bool fresh = false;   // a block never handed out before
  if (std::size_t head = head_.free_heads[cls]) {
    const std::size_t candidate = head - 1;
    Header fh{};
    unpoison(base_ + candidate - kGrain, kGrain);
    std::memcpy(&fh, base_ + candidate - kGrain, sizeof fh);
    poison(base_ + candidate - kGrain, kGrain);
    if (fh.cls != cls || fh.check != free_check(candidate, cls) ||
        (fh.size != 0 && ((fh.size - 1) % kGrain != 0 || fh.size - 1 >= head_.top))) {
      // The link is not to be followed: the class's free blocks are
      // dropped (leaked) and this allocation is a fresh block.
      damage_ = fmt::format(
          "kmalloc() found the header of a free {}-byte block overwritten (a heap overrun of the block before it; "
          "SLUB with slub_debug=FZ reports the free list corrupt)",
          payload_bytes(cls));
      head_.free_heads[cls] = 0;
    } else if (candidate % align == 0) {
      off = candidate;
      unpoison(base_ + off - kGrain, kGrain + payload_bytes(cls));
      std::memcpy(&head_.free_heads[cls], base_ + off - kGrain, sizeof(std::size_t));
      if (const std::size_t at = poison_broken_at(base_ + off, payload_bytes(cls)); at != payload_bytes(cls)) {
        overwritten_ = Overwritten{off, payload_bytes(cls), at};
        fill_poison(base_ + off, payload_bytes(cls));
      }
    }
  }
  if (!off) {
    std::size_t top = head_.top;
    std::size_t pad = 0;
    while ((top + pad + kGrain) % align) pad += kGrain;
    if (pad) {
      // A padding block keeps the blocks a walkable chain.
      const Header h{pad, kPad, canary(top + kGrain)};
      unpoison(base_ + top, kGrain);
      std::memcpy(base_ + top, &h, sizeof h);
      poison(base_ + top, pad);
      top += pad;
    }
    const std::size_t end = top + kGrain + payload_bytes(cls);
    if (end > kArenaBytes) return nullptr;
    off = top + kGrain;
    fresh = true;
    head_.top = end;
    high_water_ = std::max(high_water_, end);
    // Whatever follows the last block is poisoned too (the arena past the
    // high water never was): a read past it is reported like one into slack.
    if (end + kGrain <= kArenaBytes) {
      high_water_ = std::max(high_water_, end + kGrain);
      poison(base_ + end, kGrain);
    }
  }
  Header h{size, cls, live_check(off, size, cls)};
  unpoison(base_ + off - kGrain, kGrain + payload_bytes(cls));
  if (fresh) fill_poison(base_ + off, payload_bytes(cls));
  std::memset(base_ + off + size, kRedActive, payload_bytes(cls) - size);
  std::memcpy(base_ + off - kGrain, &h, sizeof h);
  poison(base_ + off - kGrain, kGrain);
  poison(base_ + off + size, payload_bytes(cls) - size);
  set_live(off, true);
  ++head_.live;
  head_.live_bytes += size;
  head_.peak_bytes = std::max(head_.peak_bytes, head_.live_bytes);
  ++head_.total;
  return base_ + off;
}

bool MemoryAccount::release(void* ptr) {
  if (!owns(ptr)) return false;
  const auto off = static_cast<std::size_t>(static_cast<std::byte*>(ptr) - base_);
  Header h;
  unpoison(base_ + off - kGrain, kGrain);
  std::memcpy(&h, base_ + off - kGrain, sizeof h);
  if (h.check != live_check(off, h.size, h.cls) || h.cls >= kClasses || h.size > payload_bytes(h.cls) ||
      off + payload_bytes(h.cls) > head_.top) {
    // Its size is not to be trusted: the block stays live (a leak) rather
    // than go to a free list the header would send anywhere.
    poison(base_ + off - kGrain, kGrain);
    damage_ =
        "kfree() found the object's header overwritten (a heap overrun of the block before it; SLUB with "
        "slub_debug=FZ reports the object's metadata corrupt)";
    return true;
  }
  unpoison(base_ + off, payload_bytes(h.cls));
  const std::size_t slack = payload_bytes(h.cls) - h.size;
  if (const std::size_t at = first_other_than(base_ + off + h.size, slack, kRedActive); at < slack)
    damage_ = fmt::format(
        "kfree() found the bytes after a {}-byte object overwritten (its byte {} no longer 0xcc: a heap overrun; "
        "SLUB with slub_debug=Z reports 'Right Redzone overwritten' here)",
        h.size, h.size + at);
  set_live(off, false);
  --head_.live;
  head_.live_bytes -= h.size;
  const Header freed{head_.free_heads[h.cls], h.cls, free_check(off, h.cls)};
  std::memcpy(base_ + off - kGrain, &freed, sizeof freed);
  head_.free_heads[h.cls] = off + 1;
  fill_poison(base_ + off, payload_bytes(h.cls));
  poison(base_ + off - kGrain, kGrain + payload_bytes(h.cls));
  return true;
}

void MemoryAccount::release_all() {
  if (!base_) return;
  std::memset(bitmap_, 0, (head_.top / kGrain + 63) / 64 * sizeof(std::uint64_t));
  poison(base_, high_water_);
  head_ = Head{};
}

void MemoryAccount::save(Saved& out) const {
  out.head = head_;
  out.bitmap.resize((head_.top / kGrain + 63) / 64);
  if (!base_) {
    out.bytes.take({}, reference_);
    return;
  }
  unpoison(base_, head_.top);
  const std::span<const std::byte> live(base_, head_.top);
  if (reference_.empty()) reference_.assign(live.begin(), live.end());
  out.bytes.take(live, reference_);
  poison_all();
  std::memcpy(out.bitmap.data(), bitmap_, out.bitmap.size() * sizeof(std::uint64_t));
}

void MemoryAccount::restore(const Saved& saved) {
  if (!base_) reserve();
  if (!base_) return;
  // Bits past the saved top belong to blocks that no longer exist.
  const std::size_t words = (std::max(head_.top, saved.head.top) / kGrain + 63) / 64;
  std::memset(bitmap_, 0, words * sizeof(std::uint64_t));
  std::memcpy(bitmap_, saved.bitmap.data(), saved.bitmap.size() * sizeof(std::uint64_t));
  unpoison(base_, saved.head.top);
  saved.bytes.apply(reference_, [this](std::size_t off, const std::byte* from, std::size_t len) {
    std::memcpy(base_ + off, from, len);
  });
  head_ = saved.head;
  high_water_ = std::max(high_water_, head_.top);
  poison_all();
}

// Under ASan: headers, slack, free blocks and the unused arena poisoned,
// live payloads not (the block chain from the start says which is which).
void MemoryAccount::poison_all() const {
#ifdef REFDRV_ASAN
  unpoison(base_, head_.top);
  for (std::size_t at = 0; at < head_.top;) {
    Header h;
    std::memcpy(&h, base_ + at, sizeof h);
    const std::size_t len = block_bytes(h);
    if (h.cls == kPad || !live_at(at + kGrain)) {
      poison(base_ + at, len);
    } else {
      poison(base_ + at, kGrain);
      poison(base_ + at + kGrain + h.size, payload_bytes(h.cls) - h.size);
    }
    at += len;
  }
  poison(base_ + head_.top, high_water_ - head_.top);
#endif
}

}  // namespace refdrv
