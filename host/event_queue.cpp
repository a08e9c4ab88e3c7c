// SPDX-License-Identifier: GPL-2.0
#include "host/event_queue.hpp"

namespace refdrv {

void EventQueue::schedule(std::uint64_t at, Fn fn, void* key) {
  cancel(key);
  events_.push_back({Event{at, fn, key}, next_seq_++});
}

bool EventQueue::cancel(void* key) {
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (events_[i].ev.key != key) continue;
    events_.erase(events_.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

bool EventQueue::pending(void* key) const {
  for (const auto& s : events_)
    if (s.ev.key == key) return true;
  return false;
}

std::optional<EventQueue::Event> EventQueue::pop_due(std::uint64_t limit) {
  std::size_t best = events_.size();
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const Slot& s = events_[i];
    if (s.ev.at > limit) continue;
    if (best == events_.size() || s.ev.at < events_[best].ev.at ||
        (s.ev.at == events_[best].ev.at && s.seq < events_[best].seq))
      best = i;
  }
  if (best == events_.size()) return std::nullopt;
  const Event ev = events_[best].ev;
  events_.erase(events_.begin() + static_cast<std::ptrdiff_t>(best));
  return ev;
}

std::optional<std::uint64_t> EventQueue::next_time() const {
  std::optional<std::uint64_t> t;
  for (const auto& s : events_)
    if (!t || s.ev.at < *t) t = s.ev.at;
  return t;
}

}  // namespace refdrv
