// SPDX-License-Identifier: GPL-2.0
#include "host/context.hpp"

#include <fmt/format.h>

#include "host/kernel_gate.hpp"
#include "host/kernel_image.hpp"
#include "host/store_watch.hpp"
#include "refdrv_abi.h"

namespace refdrv {

ContextBase::~ContextBase() { watch::disarm(watch_slot_); }

int ContextBase::watch(void* addr, unsigned long len) {
  watch::disarm(watch_slot_);
  watch_slot_ = -1;
  hooked_ = false;
  watch_addr_ = addr;
  watch_len_ = len;
  if (!addr) return 0;
  // Switched off: the samples only.
  if (std::string off = watch::switched_off(); !off.empty()) {
    sampled_because_ = std::move(off);  // once sampled, the run was sampled
    return 0;
  }
  // A fuzzing build watches with the kernel side's store hooks
  // (emul/instance.c) first: no debug register, no trap per store.
  if (image_.store_hooks() && image_.hooks_first()) {
    hooked_ = true;
    return 2;
  }
  // Else a hardware watchpoint, which sees a store from any code; where none
  // can be had, the store hooks, which see phylib's and the C drivers'.
  std::string why;
  watch_slot_ = watch::arm(addr, len, image_.ops().observe, &why);
  if (watch_slot_ >= 0) return 1;
  if (image_.store_hooks()) {
    hooked_ = true;
    if (hooks_because_.empty()) hooks_because_ = why;  // as sampled_because_: the first reason
    return 2;
  }
  sampled_because_ = why;
  return 0;
}

void ContextBase::save_context(Saved& out) const {
  out.now = now_;
  out.time_budget = time_budget_;
  out.record_logs = record_logs_;
  out.tracing = tracing_;
  out.events = events_;
  memory_.save(out.memory);
  out.trace = trace_.events();
  out.log = log_;
  out.partial_line = partial_line_;
  out.sampled_because = sampled_because_;
  out.hooks_because = hooks_because_;
  out.watch_addr = watch_addr_;
  out.watch_len = watch_len_;
  out.hooked = hooked_;
}

void ContextBase::unwatch() {
  watch::disarm(watch_slot_);
  watch_slot_ = -1;
}

void ContextBase::restore_context(const Saved& saved) {
  now_ = saved.now;
  time_budget_ = saved.time_budget;
  record_logs_ = saved.record_logs;
  tracing_ = saved.tracing;
  events_ = saved.events;
  unwatch();
  memory_.restore(saved.memory);
  trace_.assign(saved.trace, 512);
  log_ = saved.log;
  partial_line_ = saved.partial_line;
  // The same store watch as when saved (the restored data is at the same
  // address). The kernel side's half comes back with the image's data: the
  // word its store hooks watch, or none. So a run the hooks watched goes on
  // with them, whatever this machine's hardware could do now; one watched by
  // a hardware watchpoint is armed again, and where that cannot be done now
  // (this thread's debug registers taken, REFDRV_STATE_WATCH=hooks) it is
  // sampled from here and says so: the kernel side's hooks are not watching
  // its word, and asking them to would take a call into it. A run sampled
  // (or hooked) before the save stays so.
  sampled_because_.clear();
  hooks_because_.clear();
  hooked_ = saved.hooked;
  watch_addr_ = saved.watch_addr;
  watch_len_ = saved.watch_len;
  // A run sampled when saved (REFDRV_STATE_WATCH=off, no debug register)
  // recorded the word all the same: it is not armed now, or the restored
  // run would be watched while it says it is sampled.
  if (saved.watch_addr && !saved.hooked && saved.sampled_because.empty()) {
    std::string why = watch::switched_off();
    if (why.empty()) watch_slot_ = watch::arm(saved.watch_addr, saved.watch_len, image_.ops().observe, &why);
    if (watch_slot_ < 0)
      sampled_because_ = fmt::format(
          "the run restored from a snapshot was watched by a hardware watchpoint, "
          "which could not be armed again: {}",
          why);
  }
  if (!saved.sampled_because.empty()) sampled_because_ = saved.sampled_because;
  if (!saved.hooks_because.empty()) hooks_because_ = saved.hooks_because;
}

namespace {

// What SLUB with slub_debug=FZ reports as a BUG and goes on from (a heap
// overrun found by kmalloc() or kfree()): the run stops, so the finding is
// the run's. (A buffer on the stack: stop() does not return.)
void stop_on_damage(MemoryAccount& memory) {
  if (auto damage = memory.take_damage()) {
    char why[320];
    const auto r = fmt::format_to_n(why, sizeof why - 1, "{}", *damage);
    *r.out = '\0';
    damage.reset();
    gate::stop(why);
  }
}

}  // namespace

void* ContextBase::alloc(unsigned long size, unsigned long align) {
  void* p = memory_.allocate(size, align);
  if (auto o = memory_.take_overwritten()) {
    // What SLUB with its consistency checks on (slub_debug=FP) reports as
    // "Poison overwritten" when it hands the object out again: something
    // wrote to it after kfree(). The kernel prints a BUG report, taints,
    // restores the poison and goes on; refdrv stops the run instead, so the
    // finding is the run's.
    // (A buffer on the stack: stop() does not return, so nothing is left to free.)
    char why[256];
    const auto r = fmt::format_to_n(
        why, sizeof why - 1,
        "kmalloc() found memory written after kfree() (a {}-byte object, its byte {} no longer 0x6b: use after "
        "free; SLUB with slub_debug=FP reports 'Poison overwritten' here)",
        o->payload_bytes, o->first_byte);
    *r.out = '\0';
    gate::stop(why);
  }
  stop_on_damage(memory_);
  return p;
}

void ContextBase::free(void* ptr) {
  if (memory_.release(ptr)) return stop_on_damage(memory_);
  // Memory may be freed by a context other than the one that allocated it
  // only when the image allocated it (module and driver registration).
  if (this != &image_.context() && image_.context().memory_.release(ptr))
    return stop_on_damage(image_.context().memory_);
  gate::stop("kfree() of memory that is not a live kmalloc allocation (double free or invalid pointer)");
}

void ContextBase::sleep_ns(std::uint64_t ns) {
  now_ += ns;
  if (time_budget_ && now_ > time_budget_)
    gate::stop("virtual time budget exhausted while the kernel side was sleeping or polling: hang");
}

void ContextBase::log(int level, const char* line) {
  if (!record_logs_ || !tracing_) return;
  log_.push_back({now_, level, image_.symbolize_line(line)});
  TraceEvent ev;
  ev.time_ns = now_;
  ev.kind = TraceKind::kLog;
  ev.value = level;
  ev.detail = log_.back().text;
  trace_.add(std::move(ev));
}

namespace {
// The kernel side's trace names, for every context of the process: most
// come from an image's read-only data and are the same for each instance.
TextCache& kernel_texts() {
  thread_local TextCache cache;
  return cache;
}
}  // namespace

void ContextBase::trace_kernel(const refdrv_trace_event& e) {
  if (!tracing_) return;
  TraceEvent ev;
  ev.time_ns = now_;
  ev.addr = e.addr;
  ev.name = kernel_texts().get(e.name);  // a driver without a name (a mutant) has none
  ev.detail = kernel_texts().get(e.detail);
  ev.value = e.value;
  switch (e.kind) {
    case REFDRV_TR_CALLBACK_ENTER: ev.kind = TraceKind::kCallbackEnter; break;
    case REFDRV_TR_CALLBACK_EXIT: ev.kind = TraceKind::kCallbackExit; break;
    case REFDRV_TR_STATE: ev.kind = TraceKind::kState; break;
    case REFDRV_TR_LINK:
      ev.kind = TraceKind::kLink;
      ev.link = e.link;
      ev.speed = e.speed;
      ev.duplex = e.duplex;
      ev.pause = e.pause;
      ev.asym_pause = e.asym_pause;
      break;
    case REFDRV_TR_CARRIER: ev.kind = TraceKind::kCarrier; break;
    case REFDRV_TR_BIND: ev.kind = TraceKind::kBind; break;
    case REFDRV_TR_UNBIND: ev.kind = TraceKind::kUnbind; break;
    case REFDRV_TR_API_ENTER: ev.kind = TraceKind::kApiEnter; break;
    case REFDRV_TR_API_EXIT: ev.kind = TraceKind::kApiExit; break;
    case REFDRV_TR_WARN: ev.kind = TraceKind::kWarn; break;
    default:
      ev.kind = TraceKind::kWarn;
      ev.name = fmt::format("unknown trace event kind {}", e.kind);
      break;
  }
  const bool link = ev.kind == TraceKind::kLink;
  trace_.add(std::move(ev));
  if (link) link_reported(trace_.events().back());
}

int ContextBase::mdio_read(int, int) { gate::stop("MDIO read in a context without a bus"); }

int ContextBase::mdio_write(int, int, unsigned short) { gate::stop("MDIO write in a context without a bus"); }

int ContextBase::mdio_read_c45(int, int, int) { gate::stop("MDIO read in a context without a bus"); }

int ContextBase::mdio_write_c45(int, int, int, unsigned short) { gate::stop("MDIO write in a context without a bus"); }

// No context but an instance has firmware files: like a kernel with an
// empty /lib/firmware.
int ContextBase::firmware(const char*, const unsigned char**, unsigned long*) { return -2; /* -ENOENT */ }

}  // namespace refdrv
