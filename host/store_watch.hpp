// SPDX-License-Identifier: GPL-2.0
// Watching every store to a word of kernel-side memory: a hardware write
// breakpoint (x86 debug registers) through perf_event_open() with
// PERF_TYPE_BREAKPOINT and `sigtrap` (Linux 5.13 and later). The breakpoint
// belongs to the calling thread; after each store the CPU traps, the kernel
// sends that thread a synchronous SIGTRAP (si_code TRAP_PERF), and the
// handler runs the watch's callback there, in the context that stored,
// before the next instruction. phylib's `phydev->state = ...` has no hook of
// its own: this is how refdrv sees every transition, also one entered and
// left between two of the places it samples.
//
// Where the breakpoint cannot be had (a kernel without it, perf_event_open
// refused: perf_event_paranoid, a container's seccomp policy; a virtual
// machine that grants the breakpoint but never traps; under valgrind, whose
// translated code the trap would hit; REFDRV_STATE_WATCH=off or =hooks in
// the environment), arm() says why and the hardware watches nothing; the
// kernel side's store hooks (emul/instance.c) then watch phylib's state,
// unless REFDRV_STATE_WATCH=off (host/context.cpp).
#pragma once

#include <cstddef>
#include <string>

namespace refdrv::watch {

// "REFDRV_STATE_WATCH=off" when the environment switches watching off
// (hardware watchpoints and the kernel side's store hooks alike), else "".
[[nodiscard]] std::string switched_off();
// A watch slot of the calling thread, or -1 with `why` set.
int arm(const void* addr, std::size_t len, void (*callback)(), std::string* why);
// Stops the watch (a slot arm() returned on this thread); -1 does nothing.
void disarm(int slot);

// Whether this process can watch with a hardware watchpoint, and if not why
// ("" when it can): REFDRV_STATE_WATCH=off or =hooks and valgrind at each
// call; whether a watchpoint
// opens and then fires on a store, tried once per process on a word of its
// own.
[[nodiscard]] std::string unavailable_reason();

}  // namespace refdrv::watch
