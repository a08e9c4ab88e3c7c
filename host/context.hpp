// SPDX-License-Identifier: GPL-2.0
// A context the kernel side runs on behalf of: the image while its initcalls
// run, or an instance. It owns a virtual clock, an event queue, a memory
// account, a trace and a log; the host services given to the kernel side
// (refdrv_host_ops) dispatch to the context by their cookie.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/event_queue.hpp"
#include "host/memory.hpp"
#include "host/trace.hpp"

struct refdrv_trace_event;

namespace refdrv {

class KernelImage;

struct LogLine {
  std::uint64_t time_ns = 0;
  int level = 0;
  std::string text;
};

class ContextBase {
 public:
  explicit ContextBase(KernelImage& image) : image_(image) {}
  virtual ~ContextBase();
  ContextBase(const ContextBase&) = delete;
  ContextBase& operator=(const ContextBase&) = delete;

  // ---- services for the kernel side ----
  void* alloc(unsigned long size, unsigned long align);
  void free(void* ptr);
  [[nodiscard]] std::uint64_t now_ns() const { return now_; }
  void sleep_ns(std::uint64_t ns);
  void event_schedule(std::uint64_t at, EventQueue::Fn fn, void* key) { events_.schedule(at, fn, key); }
  int event_cancel(void* key) { return events_.cancel(key) ? 1 : 0; }
  int event_pending(void* key) const { return events_.pending(key) ? 1 : 0; }
  void log(int level, const char* line);
  void trace_kernel(const refdrv_trace_event& ev);
  virtual int mdio_read(int addr, int regnum);
  virtual int mdio_write(int addr, int regnum, unsigned short val);
  virtual int mdio_read_c45(int addr, int devad, int regnum);
  virtual int mdio_write_c45(int addr, int devad, int regnum, unsigned short val);
  // A firmware file for request_firmware(): 0 and its bytes, or -ENOENT.
  virtual int firmware(const char* name, const unsigned char** data, unsigned long* size);
  // Every store to [addr, addr+len) runs the image's kernel_ops.observe()
  // (host/store_watch.hpp), on this thread; null: no watch. 1 if watched.
  int watch(void* addr, unsigned long len);

  // ---- for the host ----
  [[nodiscard]] KernelImage& image() { return image_; }
  [[nodiscard]] const Trace& trace() const { return trace_; }
  [[nodiscard]] Trace& trace() { return trace_; }
  [[nodiscard]] const std::vector<LogLine>& log_lines() const { return log_; }
  [[nodiscard]] const MemoryAccount& memory() const { return memory_; }
  [[nodiscard]] EventQueue& events() { return events_; }
  // Virtual time budget: a sleep past it stops the context as a hang.
  void set_time_budget(std::uint64_t ns) { time_budget_ = ns; }
  // Whether kernel log lines go into the trace (and the log); off for speed.
  void set_record_logs(bool on) { record_logs_ = on; }
  // Off: the kernel side's trace events and the MDIO accesses are not
  // recorded at all. Only for measuring what recording costs (the bench's
  // bare poll): a run without its trace has nothing to be compared by.
  void set_tracing(bool on) { tracing_ = on; }
  void add_trace(TraceEvent ev) { trace_.add(std::move(ev)); }
  // Why phylib's state was only sampled here, "" when every store was
  // watched (a hardware watchpoint or the store hooks) or nothing asked for
  // a watch.
  [[nodiscard]] const std::string& sampled_because() const { return sampled_because_; }
  // Why the store hooks watched it instead of a hardware watchpoint, where
  // they did for want of one ("" where the hardware watched, or the hooks
  // came first: a fuzzing build's).
  [[nodiscard]] const std::string& hooks_because() const { return hooks_because_; }
  // Whether the store hooks watch now (watch() returned 2).
  [[nodiscard]] bool hooked() const { return hooked_; }
  // Called with each link change the MAC's adjust_link saw, once traced.
  virtual void link_reported(const TraceEvent& /*ev*/) {}

  // Everything the context is on the host's side: clock, queued events,
  // heap (host/memory.hpp), trace, log, store watch.
  struct Saved {
    std::uint64_t now = 0, time_budget = 0;
    bool record_logs = true, tracing = true;
    EventQueue events;
    MemoryAccount::Saved memory;
    std::vector<TraceEvent> trace;
    std::vector<LogLine> log;
    std::string partial_line, sampled_because, hooks_because;
    void* watch_addr = nullptr;
    unsigned long watch_len = 0;
    // The store hooks watched: the kernel side's half of that watch (its
    // hooked word, emul/instance.c) is in the image's data, which a restore
    // puts back with it.
    bool hooked = false;
  };
  void save_context(Saved& out) const;
  // Disarms the hardware watchpoint first (see unwatch()) and arms it again
  // as saved.
  void restore_context(const Saved& saved);
  // Takes a hardware watchpoint off (restore_context() arms it again). While
  // one is armed the CPU traps at each store to the word, and copying the
  // kernel side's data back ran about 20 times as slow even where no store
  // trapped (`BM_SnapshotRestore` on check's build, 2026-12-07: 57 us a
  // restore, 2.9 us with the watchpoint off during it, mostly its ioctls).
  void unwatch();

 protected:
  KernelImage& image_;
  std::uint64_t now_ = 0;
  std::uint64_t time_budget_ = 0;  // 0: none
  bool record_logs_ = true;
  bool tracing_ = true;
  EventQueue events_;
  MemoryAccount memory_;
  Trace trace_;
  std::vector<LogLine> log_;
  std::string partial_line_;
  int watch_slot_ = -1;
  bool hooked_ = false;  // watched by the kernel side's store hooks (watch() returned 2)
  void* watch_addr_ = nullptr;  // what watch() was last asked for
  unsigned long watch_len_ = 0;
  std::string sampled_because_;
  std::string hooks_because_;
};

}  // namespace refdrv
