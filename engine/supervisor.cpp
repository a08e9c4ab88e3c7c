// SPDX-License-Identifier: GPL-2.0
#include "engine/supervisor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <system_error>

#include "engine/compare.hpp"
#include "engine/serialize.hpp"

namespace refdrv {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// refdrv could not run the jobs (no pipe, no process, no shared memory, a
// result it cannot read): a failure of the tool, never a finding about a
// driver. The commands end with it, status 2 (cli/main.cpp), instead of
// counting a crash that no driver caused (a "killed" mutant, a fuzz finding,
// a failed run).
[[noreturn]] void harness_failure(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), "refdrv could not run a scenario: " + what);
}

// ---------------------------------------------------------------------------
// The last trace events of the running job, in memory shared with the parent.

struct SharedSlot {
  std::uint64_t time_ns;
  long value;
  int addr, reg, result;
  int link, speed, duplex, pause, asym_pause;
  std::uint8_t kind;
  bool fault;
  char name[48];
  char detail[120];
};

constexpr std::size_t kRingSlots = 64;

struct SharedRing {
  std::atomic<std::uint64_t> count;  // events of the current job
  std::atomic<std::uint64_t> job;    // index of the job the worker is in
  std::atomic<long> stderr_offset;   // where the current job's output starts
  // Set by the worker when it cannot send a result it has (its end of the
  // pipe failed): refdrv's failure, not the driver's. Not an exit status,
  // which a driver can give too (exit_group(125) from the kernel side).
  std::atomic<bool> cannot_send;
  SharedSlot slots[kRingSlots];
};

SharedRing* g_ring = nullptr;  // set in worker children only

void copy_text(char* dst, std::size_t n, const std::string& s) {
  const std::size_t len = std::min(n - 1, s.size());
  std::memcpy(dst, s.data(), len);
  dst[len] = '\0';
}

void tap(const TraceEvent& e) {
  const std::uint64_t i = g_ring->count.load(std::memory_order_relaxed);
  SharedSlot& s = g_ring->slots[i % kRingSlots];
  s.time_ns = e.time_ns;
  s.value = e.value;
  s.addr = e.addr;
  s.reg = e.reg;
  s.result = e.result;
  s.link = e.link;
  s.speed = e.speed;
  s.duplex = e.duplex;
  s.pause = e.pause;
  s.asym_pause = e.asym_pause;
  s.kind = static_cast<std::uint8_t>(e.kind);
  s.fault = e.fault;
  copy_text(s.name, sizeof s.name, e.name);
  copy_text(s.detail, sizeof s.detail, e.detail);
  g_ring->count.store(i + 1, std::memory_order_release);
}

std::vector<TraceEvent> ring_events(const SharedRing& ring) {
  std::vector<TraceEvent> out;
  const std::uint64_t n = ring.count.load(std::memory_order_acquire);
  for (std::uint64_t i = n > kRingSlots ? n - kRingSlots : 0; i < n; ++i) {
    const SharedSlot& s = ring.slots[i % kRingSlots];
    TraceEvent e;
    e.time_ns = s.time_ns;
    e.value = s.value;
    e.addr = s.addr;
    e.reg = s.reg;
    e.result = s.result;
    e.link = s.link;
    e.speed = s.speed;
    e.duplex = s.duplex;
    e.pause = s.pause;
    e.asym_pause = s.asym_pause;
    e.kind = static_cast<TraceKind>(s.kind);
    e.fault = s.fault;
    e.name = s.name;
    e.detail = s.detail;
    out.push_back(std::move(e));
  }
  return out;
}

// ---------------------------------------------------------------------------
// The channel: length-prefixed CBOR of each RunResult.

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool send_result(int fd, const RunResult& r, bool with_trace) {
  nlohmann::json j = run_result_to_json(r, with_trace);
  j["digest"] = r.digest;
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_cbor(j);
  const std::uint64_t size = bytes.size();
  return write_all(fd, &size, sizeof size) && write_all(fd, bytes.data(), bytes.size());
}

RunResult receive_result(const std::string& bytes) {
  const nlohmann::json j = nlohmann::json::from_cbor(bytes);
  RunResult r = run_result_from_json(j);
  r.digest = j.at("digest").get<std::array<std::uint64_t, 3>>();
  return r;
}

std::string read_tail(int fd, long from, std::size_t max) {
  const off_t end = ::lseek(fd, 0, SEEK_END);
  if (end <= from) return {};
  off_t start = std::max<off_t>(from, end - static_cast<off_t>(max));
  std::string out(static_cast<std::size_t>(end - start), '\0');
  const ssize_t n = ::pread(fd, out.data(), out.size(), start);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

// A sanitizer's report names itself on one line: that line says what happened.
std::optional<std::string> sanitizer_line(const std::string& output) {
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                             "ERROR: UndefinedBehaviorSanitizer", "WARNING: MemorySanitizer"}) {
    const auto at = output.find(marker);
    if (at == std::string::npos) continue;
    const auto begin = output.rfind('\n', at);
    const auto end = output.find('\n', at);
    return output.substr(begin == std::string::npos ? 0 : begin + 1,
                         end == std::string::npos ? std::string::npos : end - (begin == std::string::npos ? 0 : begin + 1));
  }
  return std::nullopt;
}

RunResult finding(const Job& job, std::string reason, std::vector<TraceEvent> last, std::string output,
                  std::size_t keep_lines, double wall) {
  RunResult r;
  r.scenario = job.scenario->name;
  r.model = job.model;
  r.impl = job.impl;
  r.wall_seconds = wall;
  r.trace_cut = true;
  r.output = std::move(output);
  for (auto& e : last) {
    if (e.kind == TraceKind::kStep) r.steps_run = static_cast<std::size_t>(e.value) + 1;
    r.trace.add(std::move(e));
  }
  TraceEvent fatal;
  fatal.kind = TraceKind::kFatal;
  fatal.time_ns = r.trace.size() ? r.trace.events().back().time_ns : 0;
  fatal.name = reason;
  r.trace.add(fatal);
  r.stop = std::move(reason);
  const auto& ev = r.trace.events();
  for (std::size_t i = ev.size() > keep_lines ? ev.size() - keep_lines : 0; i < ev.size(); ++i)
    r.last_lines.push_back(format_event(ev[i]));
  r.digest = digests(r);
  return r;
}

// Whether a worker ends after sending this result: the run stopped.
bool ends_worker(const RunResult& r) { return r.stop.has_value(); }

class Worker {
 public:
  Worker(Environment& env, std::span<const Job> jobs, const SupervisorOptions& opt, SharedRing* ring)
      : env_(env), jobs_(jobs), opt_(opt), ring_(ring) {}

  // Runs jobs[from..] in a child; returns results until the child ended,
  // and the finding for the job it was in when it died or hung.
  void run_from(std::size_t from, std::vector<RunResult>& results) {
    int fds[2];
    const int err_fd = ::memfd_create("refdrv-worker-stderr", MFD_CLOEXEC);
    if (err_fd < 0) harness_failure(errno, "memfd_create for a worker's standard error");
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      const int err = errno;
      ::close(err_fd);
      harness_failure(err, "pipe2 for a worker's results");
    }
    ring_->job.store(from);
    ring_->count.store(0);
    ring_->stderr_offset.store(0);
    ring_->cannot_send.store(false);
    std::fflush(nullptr);
    const pid_t parent_pid = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      // A worker does not outlive refdrv (killed by a CI timeout or ^C):
      // one spinning in a hung driver would otherwise go on, orphaned.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent_pid) _exit(0);
      ::close(fds[0]);
      ::dup2(err_fd, STDERR_FILENO);
      child(from, fds[1]);
    }
    ::close(fds[1]);
    if (pid < 0) {
      const int err = errno;
      ::close(fds[0]);
      ::close(err_fd);
      harness_failure(err, "fork of a worker");
    }
    struct Close {
      int a, b;
      ~Close() {
        ::close(a);
        ::close(b);
      }
    } close_fds{fds[0], err_fd};
    parent(pid, fds[0], err_fd, from, results);
  }

 private:
  [[noreturn]] void child(std::size_t from, int out) {
    g_ring = ring_;
    set_trace_tap(tap);
    for (std::size_t i = from; i < jobs_.size(); ++i) {
      ring_->stderr_offset.store(::lseek(STDERR_FILENO, 0, SEEK_CUR));
      ring_->count.store(0, std::memory_order_relaxed);
      ring_->job.store(i, std::memory_order_release);
      const Job& j = jobs_[i];
      const RunResult r = run_scenario(env_, *j.scenario, j.model, j.impl, j.options);
      if (!send_result(out, r, opt_.with_trace)) {
        ring_->cannot_send.store(true);
        _exit(0);
      }
      // A run the kernel side stopped in (an oops, a BUG, a budget) may
      // have left its data half-updated: the module's statics, a lock
      // word, the heap. The next job gets a fresh worker, forked from the
      // untouched image, so that no verdict depends on which run came
      // before it in the same worker.
      if (ends_worker(r)) _exit(0);
    }
    _exit(0);
  }

  void parent(pid_t pid, int in, int err_fd, std::size_t from, std::vector<RunResult>& results) {
    std::string buf;
    std::size_t next = from;
    auto job_start = Clock::now();
    bool hung = false;
    bool restart = false;  // the worker ends after the result it sent (ends_worker())
    char chunk[1 << 16];
    for (;;) {
      // Whole messages in the buffer become results.
      while (buf.size() >= sizeof(std::uint64_t)) {
        std::uint64_t size = 0;
        std::memcpy(&size, buf.data(), sizeof size);
        if (buf.size() < sizeof size + size) break;
        RunResult r;
        try {
          r = receive_result(buf.substr(sizeof size, size));
        } catch (const std::exception& e) {
          ::kill(pid, SIGKILL);
          int st = 0;
          while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
          }
          harness_failure(EPROTO, fmt::format("its worker's result for {} on {} ({}) is unreadable: {}",
                                              jobs_[next].scenario->name, jobs_[next].model,
                                              impl_title(jobs_[next].impl), e.what()));
        }
        buf.erase(0, sizeof size + size);
        const bool ended = ends_worker(r);
        deliver(next++, std::move(r), results);
        job_start = Clock::now();
        if (ended) restart = true;
      }
      if (next == jobs_.size() || restart) break;
      const double left = opt_.wall_seconds - seconds_since(job_start);
      pollfd p{in, POLLIN, 0};
      // Past the budget, what the worker already sent is read first: a
      // result that arrived just at the deadline is a result, not a hang.
      const int pr = ::poll(&p, 1, left <= 0 ? 0 : static_cast<int>(left * 1000) + 1);
      if (pr < 0 && errno == EINTR) continue;
      if (pr == 0) {
        if (left <= 0) {
          hung = true;
          break;
        }
        continue;  // the budget is checked above
      }
      const ssize_t n = ::read(in, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the worker ended
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    if (hung) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (next == jobs_.size() || restart) return;
    if (ring_->cannot_send.load())
      harness_failure(EPIPE, fmt::format("its worker could not send the result of {} on {} ({})",
                                         jobs_[next].scenario->name, jobs_[next].model, impl_title(jobs_[next].impl)));
    // The worker died or hung in jobs_[next].
    const double wall = seconds_since(job_start);
    std::string output = read_tail(err_fd, ring_->stderr_offset.load(), 16 << 10);
    std::string reason;
    if (hung)
      reason = fmt::format("hang: no result after {:g} s of wall-clock time (the worker was killed)",
                           opt_.wall_seconds);
    else if (auto san = sanitizer_line(output))
      reason = "crash: sanitizer: " + *san;
    else if (WIFSIGNALED(status))
      reason = fmt::format("crash: the process died with signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
      reason = fmt::format("crash: the worker exited with status {} in the middle of the run",
                           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    RunResult r = finding(jobs_[next], std::move(reason), ring_events(*ring_), std::move(output), opt_.last_lines, wall);
    r.killed_by_wall_clock = hung;
    deliver(next, std::move(r), results);
  }

  void deliver(std::size_t index, RunResult r, std::vector<RunResult>& results) {
    results.push_back(std::move(r));
    if (opt_.on_result) opt_.on_result(index, results.back());
  }

  Environment& env_;
  std::span<const Job> jobs_;
  const SupervisorOptions& opt_;
  SharedRing* ring_;
};

}  // namespace

std::vector<RunResult> run_jobs(Environment& env, std::span<const Job> jobs, const SupervisorOptions& opt) {
  std::vector<RunResult> results;
  results.reserve(jobs.size());
  if (opt.containment == Containment::kInProcess) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const Job& j = jobs[i];
      results.push_back(run_scenario(env, *j.scenario, j.model, j.impl, j.options));
      if (!opt.with_trace) results.back().trace.clear();
      if (opt.on_result) opt.on_result(i, results.back());
    }
    return results;
  }
  void* mem = ::mmap(nullptr, sizeof(SharedRing), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) harness_failure(errno, "mmap of the workers' shared trace ring");
  auto* ring = new (mem) SharedRing{};
  struct Unmap {
    SharedRing* ring;
    ~Unmap() {
      ring->~SharedRing();
      ::munmap(ring, sizeof(SharedRing));
    }
  } unmap{ring};
  Worker worker(env, jobs, opt, ring);
  while (results.size() < jobs.size()) worker.run_from(results.size(), results);
  return results;
}

RunResult run_contained(Environment& env, const Job& job, const SupervisorOptions& options) {
  return std::move(run_jobs(env, std::span<const Job>(&job, 1), options).front());
}

StopClass classify_stop(const RunResult& r) {
  if (!r.stop) return StopClass::kNone;
  // The hang reasons: the supervisor's wall-clock kill ("hang: ...") and the
  // budgets' ("...: hang" and "...: hang (why)"); not any word that happens
  // to contain the letters (a stub such as phy_link_change).
  const std::string& s = *r.stop;
  const bool hang = s.starts_with("hang:") || s.ends_with(": hang") || s.find(": hang (") != std::string::npos;
  return hang ? StopClass::kHang : StopClass::kCrash;
}

}  // namespace refdrv
