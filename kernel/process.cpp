// SPDX-License-Identifier: GPL-2.0
#include "kernel/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <string_view>

extern char** environ;

namespace refdrv::kernel {

namespace {

// Variables of the user's environment that kbuild or make read and that
// no cache key of refdrv's holds: whichever run configured a tree first
// would bake them into its compile lines (KCFLAGS=-DDEBUG, LLVM=1, W=1
// through MAKEFLAGS), and every later run, and every tree reusing that
// configuration, would build with them. refdrv's builds are its own, so its
// commands run without them. (gcc's own search paths, CPATH and the like,
// are kept, and are in the configuration's key instead: a host whose
// headers and libraries are found only through them, Spack's, conda's,
// needs them; kernel/kbuild.cpp, c_compiler_identity.)
bool changes_the_build(std::string_view entry) {
  static constexpr std::array<std::string_view, 26> kNames = {"KCFLAGS",
                                                              "KCPPFLAGS",
                                                              "KAFLAGS",
                                                              "KRUSTFLAGS",
                                                              "KBUILD_CFLAGS",
                                                              "KBUILD_AFLAGS",
                                                              "KBUILD_LDFLAGS",
                                                              "KBUILD_EXTRA_SYMBOLS",
                                                              "KBUILD_OUTPUT",
                                                              "KCONFIG_CONFIG",
                                                              "LLVM",
                                                              "LLVM_IAS",
                                                              "CROSS_COMPILE",
                                                              "ARCH",
                                                              "SUBARCH",
                                                              "CC",
                                                              "HOSTCC",
                                                              "LD",
                                                              "W",
                                                              "C",
                                                              "DEPENDENCIES_OUTPUT",
                                                              "SUNPRO_DEPENDENCIES",
                                                              "MAKEFLAGS",
                                                              "MFLAGS",
                                                              "GNUMAKEFLAGS",
                                                              "MAKEFILES"};
  const auto eq = entry.find('=');
  const std::string_view name = entry.substr(0, eq);
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

struct SpawnResult {
  pid_t pid = -1;
  int error = 0;
};

SpawnResult spawn(const Command& cmd, int out_fd, int err_fd) {
  std::vector<char*> argv;
  for (const auto& a : cmd.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  // The command's own variables replace inherited ones of the same name:
  // getenv() reads the first, so a REFDRV_FUZZ_FINDINGS in the user's
  // environment sent the fuzz target's findings elsewhere while refdrv read
  // an empty directory (a review, 2026-12-07).
  const auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  const auto set_here = [&](std::string_view entry) {
    return std::any_of(cmd.env.begin(), cmd.env.end(),
                       [&](const std::string& mine) { return name_of(mine) == name_of(entry); });
  };
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (!changes_the_build(*e) && !set_here(*e)) env_strings.emplace_back(*e);
  for (const auto& e : cmd.env) env_strings.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
  if (err_fd >= 0) posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
  if (!cmd.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cmd.cwd.c_str());
  SpawnResult r;
  r.error = posix_spawnp(&r.pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return r;
}

Result<int> wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fail(fmt::format("waitpid failed: {}", std::strerror(errno)));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

// The command's log opened for appending; -1 when it has none.
Result<int> open_log(const Command& cmd) {
  if (cmd.log.empty()) return -1;
  const int fd = ::open(cmd.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return fail(fmt::format("cannot write log {}: {}", cmd.log.string(), std::strerror(errno)));
  return fd;
}

// run()'s command while it passes interrupts on (0: none yet), and the
// signal that came.
volatile sig_atomic_t g_child = 0;
volatile sig_atomic_t g_interrupt = 0;

void pass_on(int sig) {
  const int saved = errno;  // the interrupted code's
  g_interrupt = sig;
  if (g_child > 0) ::kill(static_cast<pid_t>(g_child), sig);
  errno = saved;
}

constexpr std::array<int, 3> kInterrupts = {SIGINT, SIGTERM, SIGHUP};

// Handlers installed for the lifetime of the object, the old ones restored
// after; a signal that came before the child existed is passed on once it
// does.
class PassOnInterrupts {
 public:
  explicit PassOnInterrupts(bool on) : on_(on) {
    if (!on_) return;
    g_interrupt = 0;
    struct sigaction sa {};
    sa.sa_handler = pass_on;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < kInterrupts.size(); ++i) sigaction(kInterrupts[i], &sa, &old_[i]);
  }
  void child(pid_t pid) {
    if (!on_) return;
    g_child = pid;
    if (const int sig = g_interrupt; sig && pid > 0) ::kill(pid, sig);
  }
  // The child has exited (not yet reaped): no signal goes to its pid from
  // here on, which the system may give another process once it is reaped.
  void exited() { g_child = 0; }
  ~PassOnInterrupts() {
    if (!on_) return;
    for (std::size_t i = 0; i < kInterrupts.size(); ++i) sigaction(kInterrupts[i], &old_[i], nullptr);
    g_child = 0;
  }
  PassOnInterrupts(const PassOnInterrupts&) = delete;
  PassOnInterrupts& operator=(const PassOnInterrupts&) = delete;

 private:
  bool on_;
  std::array<struct sigaction, kInterrupts.size()> old_{};
};

}  // namespace

int interrupted_by() { return g_interrupt; }

Result<int> run(const Command& cmd) {
  auto log = open_log(cmd);
  if (!log) return std::unexpected(log.error());
  const int fd = *log;
  if (fd >= 0) {
    std::string header = "$";
    for (const auto& a : cmd.argv) header += " " + shell_quote(a);
    header += "\n";
    (void)!::write(fd, header.data(), header.size());
  }
  PassOnInterrupts interrupts(cmd.pass_on_interrupts);
  SpawnResult s = spawn(cmd, fd, fd);
  if (fd >= 0) ::close(fd);
  if (s.error)
    return fail(fmt::format("cannot run {}: {}", cmd.argv.empty() ? "?" : cmd.argv[0], std::strerror(s.error)));
  interrupts.child(s.pid);
  if (cmd.pass_on_interrupts) {
    // Waited for without reaping it, so that its pid stays its own until
    // the handler no longer sends to it.
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(s.pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
    interrupts.exited();
  }
  return wait_for(s.pid);
}

Result<std::string> capture(const Command& cmd) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0)
    return fail(fmt::format("cannot capture the output of {}: pipe2: {}", cmd.argv.empty() ? "?" : cmd.argv[0],
                            std::strerror(errno)));
  auto log = open_log(cmd);
  if (!log) {
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return std::unexpected(log.error());
  }
  const int err_fd = *log;
  SpawnResult s = spawn(cmd, pipefd[1], err_fd);
  ::close(pipefd[1]);
  if (err_fd >= 0) ::close(err_fd);
  if (s.error) {
    ::close(pipefd[0]);
    return fail(fmt::format("cannot run {}: {}", cmd.argv.empty() ? "?" : cmd.argv[0], std::strerror(s.error)));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(pipefd[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipefd[0]);
  auto status = wait_for(s.pid);
  if (!status) return std::unexpected(status.error());
  if (*status != 0) return fail(fmt::format("{} exited with status {}", cmd.argv[0], *status));
  return out;
}

bool on_path(const std::string& program) { return !find_on_path(program).empty(); }

std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::filesystem::path find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::string p = path;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::filesystem::path candidate = std::filesystem::path(p.substr(start, end - start)) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                              "_-+=/.,:@%") == std::string::npos)
    return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

Result<std::vector<std::string>> shell_split(const std::string& line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\'') {
      auto end = line.find('\'', i + 1);
      if (end == std::string::npos) return fail("unbalanced single quote in command line");
      cur += line.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '"') {
      ++i;
      for (; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size() && std::strchr("\"\\$`", line[i + 1])) ++i;
        cur += line[i];
      }
      if (i >= line.size()) return fail("unbalanced double quote in command line");
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur += line[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

std::string tail_of(const std::filesystem::path& file, int lines) {
  std::ifstream in(file);
  std::deque<std::string> last;
  std::string l;
  while (std::getline(in, l)) {
    last.push_back(l);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  // A compiler's command line (ninja prints it after FAILED:) runs to
  // kilobytes of flags, which buried the error it precedes: a long line is
  // cut, saying how much.
  constexpr std::size_t kLongest = 400;
  std::string out;
  for (const auto& x : last)
    out +=
        "    " +
        (x.size() <= kLongest ? x
                              : x.substr(0, kLongest) + fmt::format(" ... ({} more characters)", x.size() - kLongest)) +
        "\n";
  return out;
}

}  // namespace refdrv::kernel
