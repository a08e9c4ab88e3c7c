// SPDX-License-Identifier: GPL-2.0
#include "host/store_watch.hpp"

#include <fmt/format.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace refdrv::watch {

namespace {

// si_code of a perf event's SIGTRAP (include/uapi/asm-generic/siginfo.h;
// glibc 2.36's headers do not name it).
constexpr int kTrapPerf = 6;

// A breakpoint event of this thread. Disarming parks it (disabled, its fd
// kept) and arming again moves a parked one to the new word
// (PERF_EVENT_IOC_MODIFY_ATTRIBUTES): 2.3 us against 6.3 us for closing and
// opening one, paid by every run that watches phylib's state.
struct Slot {
  int fd = -1;
  bool armed = false;
  void (*callback)() = nullptr;
};

// Read by the handler, which runs on the thread that armed: a fixed array
// per thread, written only outside kernel-side calls. The thread's events
// are closed when it ends.
constexpr std::size_t kSlots = 4;  // x86 has four debug address registers
struct Slots {
  std::array<Slot, kSlots> slot;
  Slots() = default;
  Slots(const Slots&) = delete;
  Slots& operator=(const Slots&) = delete;
  ~Slots() { close_all(); }
  void close_all() {
    for (Slot& s : slot) {
      if (s.fd >= 0) ::close(s.fd);
      s = Slot{};
    }
  }
};
thread_local Slots t_slots;

struct sigaction g_previous {};

void on_trap(int sig, siginfo_t* si, void* uc) {
  if (si->si_code == kTrapPerf) {
    for (const Slot& s : t_slots.slot)
      if (s.armed && s.callback) s.callback();
    return;
  }
  // Not ours (a debugger's single step, int3): as before.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction) g_previous.sa_sigaction(sig, si, uc);
  } else if (g_previous.sa_handler != SIG_IGN && g_previous.sa_handler != SIG_DFL) {
    g_previous.sa_handler(sig);
  } else if (g_previous.sa_handler == SIG_DFL) {
    signal(SIGTRAP, SIG_DFL);
    raise(SIGTRAP);
  }
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTRAP, &sa, &g_previous);
    // A child of fork() inherits the descriptors of events that watch its
    // parent's thread, not its own (they are not inherited): it must not
    // move or enable them, so it closes its copies and opens its own.
    pthread_atfork(nullptr, nullptr, [] { t_slots.close_all(); });
  });
}

perf_event_attr breakpoint_attr(const void* addr, std::size_t len) {
  perf_event_attr a{};
  a.type = PERF_TYPE_BREAKPOINT;
  a.size = sizeof a;
  a.bp_type = HW_BREAKPOINT_W;
  a.bp_addr = reinterpret_cast<std::uintptr_t>(addr);
  a.bp_len = len;
  a.sample_period = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  a.sigtrap = 1;
  a.remove_on_exec = 1;
  return a;
}

bool watchable(const void* addr, std::size_t len, std::string* why) {
  if (len != 1 && len != 2 && len != 4 && len != 8) {
    *why = fmt::format("a hardware watchpoint covers 1, 2, 4 or 8 bytes, not {}", len);
    return false;
  }
  if (reinterpret_cast<std::uintptr_t>(addr) % len) {
    *why = "the watched word is not aligned";
    return false;
  }
  return true;
}

int open_breakpoint(const void* addr, std::size_t len, std::string* why) {
  perf_event_attr a = breakpoint_attr(addr, len);
  const long fd = syscall(SYS_perf_event_open, &a, 0 /* this thread */, -1, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    *why = fmt::format("perf_event_open() of a hardware watchpoint failed: {}{}", std::strerror(e),
                       e == EACCES || e == EPERM ? " (kernel.perf_event_paranoid, or a seccomp policy)" : "");
    return -1;
  }
  return static_cast<int>(fd);
}

std::string refused() {
  if (std::string off = switched_off(); !off.empty()) return off;
  // As on a machine without debug registers: the store hooks only.
  if (const char* v = std::getenv("REFDRV_STATE_WATCH"); v && std::strcmp(v, "hooks") == 0)
    return "REFDRV_STATE_WATCH=hooks";
  if (RUNNING_ON_VALGRIND) return "running under valgrind, which does not deliver hardware watchpoints to its guest";
  return "";
}

// A watchpoint on `addr` in a free slot of this thread: the slot, or -1
// with `why` set.
int open_slot(const void* addr, std::size_t len, void (*callback)(), std::string* why) {
  if (!watchable(addr, len, why)) return -1;
  install_handler();
  auto& slots = t_slots.slot;
  // A parked event moved to `addr` and enabled (the attributes given are
  // the event's own but for the address, length and `disabled`, as the
  // kernel requires); where that is refused, it is closed and one opened.
  for (std::size_t i = 0; i < kSlots; ++i) {
    Slot& s = slots[i];
    if (s.fd < 0 || s.armed) continue;
    perf_event_attr a = breakpoint_attr(addr, len);
    if (::ioctl(s.fd, PERF_EVENT_IOC_MODIFY_ATTRIBUTES, &a) == 0) {
      s.armed = true;
      s.callback = callback;
      return static_cast<int>(i);
    }
    ::close(s.fd);
    s = Slot{};
  }
  std::size_t slot = 0;
  while (slot < kSlots && slots[slot].fd >= 0) ++slot;
  if (slot == kSlots) {
    *why = "this thread already watches four words";
    return -1;
  }
  const int fd = open_breakpoint(addr, len, why);
  if (fd < 0) return -1;
  slots[slot] = Slot{fd, true, callback};
  return static_cast<int>(slot);
}

// Whether a watchpoint fires: perf_event_open() may succeed where the CPU
// never traps (a hypervisor that does not virtualise the debug registers,
// Firecracker for one), and a watch that is armed but silent would let a
// run claim it saw every store. One store to a word of its own, once per
// process, on the calling thread; then the same for the event parked and
// moved to a second word, as every later arm moves it: where the move is
// granted but does not take (the kernel's debug registers not reprogrammed),
// disarming closes the event instead of parking it.
volatile long g_probe_word, g_probe_word2;
volatile sig_atomic_t g_probe_hits;
void probe_hit() { g_probe_hits = g_probe_hits + 1; }
bool g_park = true;  // whether disarm() parks (set by the probe)

bool fires(volatile long* word, std::string* why) {
  const int slot = open_slot(const_cast<const long*>(word), sizeof *word, probe_hit, why);
  if (slot < 0) return false;
  const sig_atomic_t before = g_probe_hits;
  *word = *word + 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const bool fired = g_probe_hits != before;
  disarm(slot);
  return fired;
}

std::string probe_delivery() {
  std::string why;
  if (!fires(&g_probe_word, &why)) {
    if (!why.empty()) return why;
    return "hardware watchpoints are granted but never fire on this machine; a store to a watched word raised no "
           "SIGTRAP, as in a virtual machine without debug-register support such as Firecracker";
  }
  // The event is parked now: the next arm moves it.
  if (!fires(&g_probe_word2, &why)) {
    g_park = false;
    t_slots.close_all();
    if (!fires(&g_probe_word2, &why))
      return why.empty() ? "a hardware watchpoint fired once and then no more on this machine" : why;
  }
  return "";
}

}  // namespace

std::string switched_off() {
  if (const char* v = std::getenv("REFDRV_STATE_WATCH"); v && std::strcmp(v, "off") == 0)
    return "REFDRV_STATE_WATCH=off";
  return "";
}

int arm(const void* addr, std::size_t len, void (*callback)(), std::string* why) {
  std::string dummy;
  if (!why) why = &dummy;
  if (const std::string r = unavailable_reason(); !r.empty()) {
    *why = r;
    return -1;
  }
  return open_slot(addr, len, callback, why);
}

void disarm(int slot) {
  if (slot < 0 || slot >= static_cast<int>(kSlots)) return;
  Slot& s = t_slots.slot[static_cast<std::size_t>(slot)];
  if (!s.armed) return;
  s.armed = false;
  s.callback = nullptr;
  // Parked: it no longer traps. If it cannot be disabled, or a moved event
  // did not fire here (the probe), it goes.
  if (!g_park || ::ioctl(s.fd, PERF_EVENT_IOC_DISABLE, 0) != 0) {
    ::close(s.fd);
    s = Slot{};
  }
}

std::string unavailable_reason() {
  if (std::string r = refused(); !r.empty()) return r;
  static const std::string delivery = [] { return probe_delivery(); }();
  return delivery;
}

}  // namespace refdrv::watch
