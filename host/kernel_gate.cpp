// SPDX-License-Identifier: GPL-2.0
#include "host/kernel_gate.hpp"

#include <fmt/format.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

// Defined below in assembly: see refdrv_bug_trap.
extern "C" void refdrv_bug_trampoline();

namespace refdrv::gate {

namespace {

struct TextRange {
  std::uintptr_t begin = 0, end = 0;
  const void* owner = nullptr;
  BugReporter bugs = nullptr;
};

// Read from signal handlers: a fixed array, written only outside kernel calls.
constexpr std::size_t kMaxRanges = 16;
std::array<TextRange, kMaxRanges> g_ranges;
std::atomic<std::uint64_t> g_emulated{0};
std::atomic<std::uint64_t> g_patched{0};

thread_local sigjmp_buf* t_jmp = nullptr;
thread_local int t_signal = 0;
thread_local std::uintptr_t t_pc = 0;
thread_local std::uintptr_t t_addr = 0;
thread_local bool t_wild_call = false;  // t_addr: where kernel code at t_pc called or jumped to
thread_local std::string* t_reason = nullptr;

constexpr std::array<int, 4> kSignals = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
struct sigaction g_previous[64];
bool g_installed = false;

const TextRange* find_range(std::uintptr_t pc) {
  for (const auto& r : g_ranges)
    if (r.owner && pc >= r.begin && pc < r.end) return &r;
  return nullptr;
}

void chain(int sig, siginfo_t* si, void* uc) {
  const struct sigaction& prev = g_previous[sig];
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) {
      prev.sa_sigaction(sig, si, uc);
      return;
    }
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  // Default action: restore it; returning re-executes the instruction.
  signal(sig, SIG_DFL);
}

void on_signal(int sig, siginfo_t* si, void* ucv) {
  auto* uc = static_cast<ucontext_t*>(ucv);
  const auto pc = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  if (find_range(pc)) {
    // SIGILL: the same instructions under valgrind, which does not emulate them.
    if (sig == SIGSEGV || sig == SIGILL) {
      const auto op = *reinterpret_cast<const std::uint8_t*>(pc);
      // cli (0xfa) and sti (0xfb): privileged, harmless to skip here. The
      // fault proves `pc` is an instruction boundary, so the byte is then
      // patched to a nop, as paravirt patching replaces the kernel's irq
      // instructions under a hypervisor: skipping it again would cost a
      // signal each time a spinlock is taken with irqsave.
      if (op == 0xfa || op == 0xfb) {
        uc->uc_mcontext.gregs[REG_RIP] += 1;
        g_emulated.fetch_add(1, std::memory_order_relaxed);
        patch_irq_instruction(pc);
        return;
      }
    }
    // ud2 (0f 0b) at a WARN()/BUG() site: "call" the trap handler from
    // there, returning after the ud2 (the kernel's do_error_trap path).
    const auto* insn = reinterpret_cast<const std::uint8_t*>(pc);
    if (sig == SIGILL && t_jmp && insn[0] == 0x0f && insn[1] == 0x0b && find_range(pc)->bugs) {
      auto& g = uc->uc_mcontext.gregs;
      g[REG_RSP] -= 8;
      *reinterpret_cast<std::uintptr_t*>(g[REG_RSP]) = pc + 2;
      g[REG_RIP] = static_cast<greg_t>(reinterpret_cast<std::uintptr_t>(&refdrv_bug_trampoline));
      return;
    }
    if (t_jmp) {
      t_signal = sig;
      t_pc = pc;
      t_addr = reinterpret_cast<std::uintptr_t>(si->si_addr);
      t_wild_call = false;
      siglongjmp(*t_jmp, 2);
    }
  } else if (sig == SIGSEGV && t_jmp && reinterpret_cast<std::uintptr_t>(si->si_addr) == pc) {
    // No code at `pc`: a call through a NULL or wild function pointer (or a
    // jump into data). Where kernel code made the call, the return address
    // it pushed is on top of the stack: the kernel's oops names that caller
    // ("RIP: 0010:0x0"), and so does this one. Without it the fault went to
    // the default action: the process died, in process with refdrv.
    const auto ret = *reinterpret_cast<const std::uintptr_t*>(uc->uc_mcontext.gregs[REG_RSP]);
    if (find_range(ret)) {
      t_signal = sig;
      t_pc = ret;
      t_addr = pc;
      t_wild_call = true;
      siglongjmp(*t_jmp, 2);
    }
  }
  chain(sig, si, ucv);
}

}  // namespace

// The trap of a WARN()/BUG() ud2, entered from the signal handler as if the
// kernel code had called refdrv_bug_trampoline() at the ud2 (see on_signal):
// every register the interrupted code may still use is saved and restored,
// the stack is aligned for the C++ call, and it returns after the ud2 when
// the kernel side says it was a WARN. Kernel-side C is built without SSE and
// without a red zone, so neither vector registers nor the 128 bytes below
// the interrupted stack pointer hold anything of its own.
extern "C" void refdrv_bug_trap(std::uintptr_t pc);
asm(R"(
  .text
  .globl refdrv_bug_trampoline
  .type refdrv_bug_trampoline, @function
refdrv_bug_trampoline:
  pushfq
  push %rax
  push %rcx
  push %rdx
  push %rsi
  push %rdi
  push %r8
  push %r9
  push %r10
  push %r11
  push %rbx
  mov %rsp, %rbx
  and $-16, %rsp
  mov 88(%rbx), %rdi
  sub $2, %rdi
  call refdrv_bug_trap
  mov %rbx, %rsp
  pop %rbx
  pop %r11
  pop %r10
  pop %r9
  pop %r8
  pop %rdi
  pop %rsi
  pop %rdx
  pop %rcx
  pop %rax
  popfq
  ret
  .size refdrv_bug_trampoline, .-refdrv_bug_trampoline
)");
extern "C" void refdrv_bug_trap(std::uintptr_t pc) {
  const TextRange* r = find_range(pc);
  char what[256] = "";
  const int kind = r && r->bugs ? r->bugs(pc, what, sizeof what) : 0;
  if (kind == 1) return;  // a WARN: printed and traced; go on after the ud2
  if (kind == 2) {
    *t_reason = what;
    t_pc = pc;
    siglongjmp(*t_jmp, 3);
  }
  // A ud2 no BUG()/WARN() claims: an invalid opcode, as any other.
  t_signal = SIGILL;
  t_pc = t_addr = pc;
  t_wild_call = false;
  siglongjmp(*t_jmp, 2);
}

namespace {

const char* signal_text(int sig) {
  switch (sig) {
    case SIGSEGV: return "page fault (SIGSEGV)";
    case SIGBUS: return "bus error (SIGBUS)";
    case SIGILL: return "invalid opcode (SIGILL)";
    case SIGFPE: return "divide error (SIGFPE)";
    default: return "signal";
  }
}

}  // namespace

bool patch_irq_instruction(std::uintptr_t pc) {
  // Async-signal-safe: called from the handler too.
  const auto op = *reinterpret_cast<const std::uint8_t*>(pc);
  if (op != 0xfa && op != 0xfb) return false;
  static const long page = sysconf(_SC_PAGESIZE);
  auto* base = reinterpret_cast<void*>(pc & ~static_cast<std::uintptr_t>(page - 1));
  if (mprotect(base, static_cast<std::size_t>(page), PROT_READ | PROT_WRITE | PROT_EXEC) != 0) return false;
  *reinterpret_cast<volatile std::uint8_t*>(pc) = 0x90;
  mprotect(base, static_cast<std::size_t>(page), PROT_READ | PROT_EXEC);
  g_patched.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void install() {
  // An alternate stack per thread so a kernel-side stack overflow still
  // reaches the handler.
  thread_local std::vector<char> alt_stack;
  if (alt_stack.empty()) {
    alt_stack.resize(1 << 16);
    stack_t ss{};
    ss.ss_sp = alt_stack.data();
    ss.ss_size = alt_stack.size();
    sigaltstack(&ss, nullptr);
  }
  if (g_installed) return;
  g_installed = true;
  for (int sig : kSignals) {
    struct sigaction sa {};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, &g_previous[sig]);
  }
}

void register_text(std::uintptr_t begin, std::uintptr_t end, const void* owner, BugReporter bugs) {
  for (auto& r : g_ranges) {
    if (r.owner) continue;
    r.begin = begin;
    r.end = end;
    r.owner = owner;
    r.bugs = bugs;
    return;
  }
  std::fprintf(stderr, "refdrv: more than %zu kernel text ranges\n", kMaxRanges);
  std::abort();
}

void unregister_text(const void* owner) {
  for (auto& r : g_ranges)
    if (r.owner == owner) r = TextRange{};
}

const void* text_owner(std::uintptr_t pc) {
  const TextRange* r = find_range(pc);
  return r ? r->owner : nullptr;
}

std::optional<Stop> run(void (*fn)(void*), void* arg) {
  sigjmp_buf jb;
  sigjmp_buf* outer = t_jmp;
  std::string* outer_reason = t_reason;
  std::string reason;
  t_reason = &reason;
  t_jmp = &jb;
  // The signal mask need not be saved: the handlers run with SA_NODEFER and
  // nothing else here blocks signals, and saving it costs a system call on
  // every entry into kernel-side code.
  const int how = sigsetjmp(jb, 0);
  if (how == 0) {
    fn(arg);
    t_jmp = outer;
    t_reason = outer_reason;
    return std::nullopt;
  }
  t_jmp = outer;
  t_reason = outer_reason;
  if (how == 2) {
    if (t_wild_call)
      return Stop{fmt::format("kernel oops: {}: a call to {:#x}, where there is no code (a NULL or wild function "
                              "pointer), from pc {:#x}",
                              signal_text(t_signal), t_addr, t_pc),
                  t_pc};
    return Stop{fmt::format("kernel oops: {} at pc {:#x}, address {:#x}", signal_text(t_signal), t_pc, t_addr),
                t_pc};
  }
  if (how == 3) return Stop{reason, t_pc};  // BUG(): "kernel BUG at file:line!"
  return Stop{reason, 0};
}

void stop(const char* reason) {
  if (!t_jmp) {
    std::fprintf(stderr, "refdrv: kernel side stopped outside any instance call: %s\n", reason);
    std::abort();
  }
  *t_reason = reason;
  siglongjmp(*t_jmp, 1);
}

bool inside() { return t_jmp != nullptr; }

std::uint64_t emulated_instructions() { return g_emulated.load(std::memory_order_relaxed); }
std::uint64_t patched_instructions() { return g_patched.load(std::memory_order_relaxed); }

}  // namespace refdrv::gate
