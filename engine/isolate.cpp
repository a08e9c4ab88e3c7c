// SPDX-License-Identifier: GPL-2.0
#include "engine/isolate.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "engine/serialize.hpp"

namespace refdrv {

namespace {

bool write_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

RunResult failed(const Scenario& sc, const std::string& model, Impl impl, std::string why, double wall) {
  RunResult r;
  r.scenario = sc.name;
  r.model = model;
  r.impl = impl;
  r.stop = std::move(why);
  r.wall_seconds = wall;
  TraceEvent ev;
  ev.kind = TraceKind::kFatal;
  ev.name = *r.stop;
  r.trace.add(ev);
  return r;
}

}  // namespace

RunResult run_isolated(Environment& env, const Scenario& sc, const std::string& model, Impl impl,
                       const RunOptions& run_options, const IsolationOptions& options) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return failed(sc, model, impl, fmt::format("pipe: {}", std::strerror(errno)), 0);
  std::fflush(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return failed(sc, model, impl, fmt::format("fork: {}", std::strerror(errno)), 0);
  }
  if (pid == 0) {
    ::close(fds[0]);
    const RunResult r = run_scenario(env, sc, model, impl, run_options);
    const bool ok = write_all(fds[1], run_result_to_json(r, true).dump());
    ::close(fds[1]);
    _exit(ok ? 0 : 3);
  }
  ::close(fds[1]);
  std::string data;
  bool timed_out = false;
  char buf[1 << 16];
  for (;;) {
    const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int left_ms = static_cast<int>((options.wall_seconds - spent) * 1000);
    if (left_ms <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int pr = ::poll(&p, 1, left_ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) {
      timed_out = true;
      break;
    }
    const ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (timed_out)
    return failed(sc, model, impl,
                  fmt::format("hang: no result after {:.0f} s of wall-clock time (killed)", options.wall_seconds), wall);
  if (WIFSIGNALED(status))
    return failed(sc, model, impl, fmt::format("crash: the run died with signal {} ({})", WTERMSIG(status),
                                               strsignal(WTERMSIG(status))),
                  wall);
  try {
    return run_result_from_json(nlohmann::json::parse(data));
  } catch (const std::exception& e) {
    return failed(sc, model, impl, fmt::format("the isolated run returned no result (exit status {}): {}",
                                               WIFEXITED(status) ? WEXITSTATUS(status) : -1, e.what()),
                  wall);
  }
}

}  // namespace refdrv
