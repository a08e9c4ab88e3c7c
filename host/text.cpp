// SPDX-License-Identifier: GPL-2.0
#include "host/text.hpp"

#include <mutex>
#include <unordered_set>

namespace refdrv {

namespace {

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct TextPool {
  std::mutex lock;
  // Nodes of an unordered_set do not move when it grows: their strings
  // are the interned texts, for the rest of the process.
  std::unordered_set<std::string, Hash, std::equal_to<>> texts;
  std::size_t bytes = 0;
};

TextPool& text_pool() {
  static auto* p = new TextPool;  // never destroyed: texts outlive every static
  return *p;
}

}  // namespace

Text Text::interned(std::string_view s) {
  Text t;
  if (s.empty()) return t;
  TextPool& p = text_pool();
  const std::lock_guard guard(p.lock);
  auto it = p.texts.find(s);
  if (it == p.texts.end()) {
    it = p.texts.emplace(s).first;
    p.bytes += s.size();
  }
  t.bits_ = reinterpret_cast<std::uintptr_t>(&*it);
  return t;
}

namespace {

// strcmp(a, b) == 0 written out: under libFuzzer a strcmp() call is also a
// comparison it records for its dictionary, which these are not.
bool same_text(const std::string& a, const char* b) {
  std::size_t i = 0;
  for (; i < a.size(); ++i)
    if (a[i] != b[i]) return false;  // includes b ending early (its NUL)
  return b[i] == '\0';
}

}  // namespace

Text TextCache::get(const char* s) {
  if (!s || !*s) return {};
  const auto a = reinterpret_cast<std::uintptr_t>(s);
  Slot& slot = slots_[(a * 0x9e3779b97f4a7c15ULL) >> 54];  // the top 10 bits: kSlots
  static_assert(kSlots == 1024);
  if (slot.address != s || !same_text(slot.text.str(), s)) {
    slot.address = s;
    slot.text = Text::interned(s);
  }
  return slot.text;
}

const std::string& Text::empty_string() noexcept {
  static const std::string empty;
  return empty;
}

InternedStats interned_stats() {
  TextPool& p = text_pool();
  const std::lock_guard guard(p.lock);
  return {p.texts.size(), p.bytes};
}

}  // namespace refdrv
