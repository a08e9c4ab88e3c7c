// SPDX-License-Identifier: GPL-2.0
#include "host/event_queue.hpp"

namespace refdrv {

void EventQueue::schedule(std::uint64_t at, Fn fn, void* key) {
  cancel(key);
  const Slot slot{at, next_seq_++};
  by_time_.emplace(slot, Event{at, fn, key});
  by_key_.emplace(key, slot);
}

bool EventQueue::cancel(void* key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return false;
  by_time_.erase(it->second);
  by_key_.erase(it);
  return true;
}

std::optional<EventQueue::Event> EventQueue::pop_due(std::uint64_t limit) {
  if (by_time_.empty()) return std::nullopt;
  auto it = by_time_.begin();
  if (it->first.first > limit) return std::nullopt;
  Event ev = it->second;
  by_key_.erase(ev.key);
  by_time_.erase(it);
  return ev;
}

std::optional<std::uint64_t> EventQueue::next_time() const {
  if (by_time_.empty()) return std::nullopt;
  return by_time_.begin()->first.first;
}

void EventQueue::clear() {
  by_time_.clear();
  by_key_.clear();
}

}  // namespace refdrv
