// SPDX-License-Identifier: GPL-2.0
// Deterministic queue of deferred kernel-side work (timers, work items, RCU
// callbacks) in virtual time. Events due at the same time run in the order
// they were queued; an event is identified by its key (the timer or work
// item address) so that rescheduling moves it, as mod_timer() does.
//
// An instance has a handful of pending events at most (the state machine's
// delayed work, its timer, an RCU callback), so the queue is a flat vector
// searched linearly: no allocation once it has grown to that size.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

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
  [[nodiscard]] bool pending(void* key) const;
  // The earliest event due at or before `limit`, removed from the queue.
  std::optional<Event> pop_due(std::uint64_t limit);
  [[nodiscard]] std::optional<std::uint64_t> next_time() const;
  [[nodiscard]] std::size_t size() const { return events_.size(); }
  void clear() { events_.clear(); }

 private:
  struct Slot {
    Event ev;
    std::uint64_t seq;
  };
  std::vector<Slot> events_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace refdrv
