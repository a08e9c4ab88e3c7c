// SPDX-License-Identifier: GPL-2.0
// Deterministic queue of deferred kernel-side work (timers, work items, RCU
// callbacks) in virtual time. Events due at the same time run in the order
// they were queued; an event is identified by its key (the timer or work
// item address) so that rescheduling moves it, as mod_timer() does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

namespace refdrv {

class EventQueue {
 public:
  using Fn = void (*)(void* key);

  struct Event {
    std::uint64_t at = 0;
    Fn fn = nullptr;
    void* key = nullptr;
  };

  // Queue `fn(key)` at `at`; a queued event with the same key is replaced.
  void schedule(std::uint64_t at, Fn fn, void* key);
  // Remove the event of `key`; true if there was one.
  bool cancel(void* key);
  [[nodiscard]] bool pending(void* key) const { return by_key_.contains(key); }
  // The earliest event due at or before `limit`, removed from the queue.
  std::optional<Event> pop_due(std::uint64_t limit);
  [[nodiscard]] std::optional<std::uint64_t> next_time() const;
  [[nodiscard]] std::size_t size() const { return by_time_.size(); }
  void clear();

 private:
  using Slot = std::pair<std::uint64_t, std::uint64_t>;  // (time, sequence)
  std::map<Slot, Event> by_time_;
  std::unordered_map<void*, Slot> by_key_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace refdrv
