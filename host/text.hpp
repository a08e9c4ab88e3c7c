// SPDX-License-Identifier: GPL-2.0
// Text: the immutable string a trace event carries (a callback's or a
// driver's name, a log line). One pointer wide, so that recording an event
// on the poll path is a few stores, not a string copy and an allocation:
//  - an interned text points into a process-wide pool that is never freed;
//    copying it copies the pointer. Only texts from a bounded set belong
//    there: the names the kernel side traces (callbacks, drivers, states,
//    APIs, WARN sites), which come from its read-only data;
//  - any other text (a log line, a step's arguments, a message) is owned:
//    copying it copies the string, as std::string would, and nothing stays
//    behind when the last event holding it goes.
// Either kind compares by content.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace refdrv {

class Text {
 public:
  Text() noexcept = default;
  Text(std::string_view s) { if (!s.empty()) set_owned(new std::string(s)); }  // NOLINT(google-explicit-constructor)
  Text(const char* s) : Text(std::string_view(s ? s : "")) {}                   // NOLINT(google-explicit-constructor)
  Text(const std::string& s) : Text(std::string_view(s)) {}                     // NOLINT(google-explicit-constructor)
  Text(std::string&& s) { if (!s.empty()) set_owned(new std::string(std::move(s))); }  // NOLINT
  // The pool's copy of `s` (added the first time).
  [[nodiscard]] static Text interned(std::string_view s);

  Text(const Text& o) : bits_(o.bits_) {
    if (o.owned()) set_owned(new std::string(*o.ptr()));
  }
  Text(Text&& o) noexcept : bits_(std::exchange(o.bits_, 0)) {}
  Text& operator=(const Text& o) {
    if (this != &o) *this = Text(o);
    return *this;
  }
  Text& operator=(Text&& o) noexcept {
    std::swap(bits_, o.bits_);
    return *this;
  }
  ~Text() {
    if (owned()) delete ptr();
  }

  [[nodiscard]] const std::string& str() const noexcept { return bits_ ? *ptr() : empty_string(); }
  operator const std::string&() const noexcept { return str(); }  // NOLINT(google-explicit-constructor)
  [[nodiscard]] std::string_view view() const noexcept { return str(); }
  [[nodiscard]] const char* c_str() const noexcept { return str().c_str(); }
  [[nodiscard]] bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] std::size_t size() const noexcept { return str().size(); }
  [[nodiscard]] bool is_interned() const noexcept { return bits_ && !owned(); }
  void clear() noexcept { *this = Text(); }

  friend bool operator==(const Text& a, const Text& b) noexcept {
    return a.bits_ == b.bits_ || a.str() == b.str();
  }
  friend bool operator==(const Text& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) noexcept { return a.view() == std::string_view(b); }
  friend bool operator==(const Text& a, const std::string& b) noexcept { return a.str() == b; }
  friend auto operator<=>(const Text& a, const Text& b) noexcept { return a.view() <=> b.view(); }
  friend std::string operator+(const Text& a, std::string_view b) { return std::string(a.view()).append(b); }
  friend std::string operator+(std::string a, const Text& b) { return a.append(b.view()); }
  friend std::ostream& operator<<(std::ostream& os, const Text& t) { return os << t.view(); }

 private:
  static constexpr std::uintptr_t kOwned = 1;
  [[nodiscard]] bool owned() const noexcept { return (bits_ & kOwned) != 0; }
  [[nodiscard]] const std::string* ptr() const noexcept {
    return reinterpret_cast<const std::string*>(bits_ & ~kOwned);  // NOLINT(performance-no-int-to-ptr)
  }
  void set_owned(const std::string* s) noexcept { bits_ = reinterpret_cast<std::uintptr_t>(s) | kOwned; }
  static const std::string& empty_string() noexcept;

  std::uintptr_t bits_ = 0;  // 0: empty; else a std::string*, low bit set when owned
};

// Interned texts of C strings by address, for strings that mostly come
// back from the same read-only data (the kernel side's trace names): a
// direct-mapped table, so a hit is a load and a comparison. Every use checks
// the content: an address may be a buffer reused with other text (the WARN
// site), or another image may have other text there.
class TextCache {
 public:
  [[nodiscard]] Text get(const char* s);

 private:
  struct Slot {
    const char* address = nullptr;
    Text text;
  };
  static constexpr std::size_t kSlots = 1024;
  std::array<Slot, kSlots> slots_;
};

// The pool's size: how many texts were interned, and their bytes.
struct InternedStats {
  std::size_t texts = 0, bytes = 0;
};
[[nodiscard]] InternedStats interned_stats();

}  // namespace refdrv

template <>
struct fmt::formatter<refdrv::Text> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const refdrv::Text& t, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(t.view(), ctx);
  }
};
