// SPDX-License-Identifier: GPL-2.0
// Every entry into kernel-side code goes through the gate. It turns what
// would take the process down into a stop of the one context concerned:
//  - host_ops.fatal (a trace-and-stop stub, BUG(), a deadlock the emulation
//    detected) unwinds here;
//  - a fault in kernel-side code (SIGSEGV, SIGBUS, SIGILL from an invalid
//    opcode, SIGFPE) unwinds here too, with its address;
//  - a ud2 at a WARN() site (x86's trap for WARN and BUG) is reported by
//    the kernel side, as the kernel's trap handler does, and execution goes
//    on after it; at a BUG() site it stops the context, naming file:line.
// It also emulates the two privileged instructions the kernel's irqsave
// primitives execute (cli/sti): userspace may not run them, the kernel code
// only needs them to behave, and nothing else here can interrupt. Each site
// is patched to a nop once it has faulted (see on_signal).
//
// Unwinding skips the frames in between without running their destructors:
// the stopped instance is abandoned, never resumed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace refdrv::gate {

struct Stop {
  std::string reason;
  std::uintptr_t pc = 0;  // faulting instruction, 0 for a fatal call
};

// Installs the signal handlers (once per process) and an alternate signal
// stack for the calling thread, so that a kernel stack overflow is caught.
void install();

// What a ud2 at `pc` of a text range is (x86's WARN() and BUG()): 1 a WARN
// (execution resumes after it), 2 a BUG (`what` says where), 0 neither.
using BugReporter = int (*)(unsigned long pc, char* what, unsigned long size);

// Kernel text ranges the handlers consider kernel-side code, and who reports
// their bug sites (null: a ud2 there is an invalid opcode).
void register_text(std::uintptr_t begin, std::uintptr_t end, const void* owner, BugReporter bugs = nullptr);
void unregister_text(const void* owner);
[[nodiscard]] const void* text_owner(std::uintptr_t pc);

// Runs fn(arg). Returns the reason if the kernel side stopped.
std::optional<Stop> run(void (*fn)(void*), void* arg);

template <class F>
std::optional<Stop> run(F&& f) {
  return run([](void* p) { (*static_cast<F*>(p))(); }, static_cast<void*>(&f));
}

// Stops the innermost gate::run with `reason` (from host_ops.fatal).
[[noreturn]] void stop(const char* reason);

[[nodiscard]] bool inside();

// Replaces the cli or sti at `pc` (kernel text) with a nop, as paravirt
// patching does under a hypervisor; false if `pc` holds neither.
bool patch_irq_instruction(std::uintptr_t pc);

// Number of cli/sti instructions emulated so far (for tests and reports),
// and how many of those sites were then patched to a nop.
[[nodiscard]] std::uint64_t emulated_instructions();
[[nodiscard]] std::uint64_t patched_instructions();

}  // namespace refdrv::gate
