// SPDX-License-Identifier: GPL-2.0
#include "kernel/cache.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#ifndef REFDRV_DEFAULT_DATA_DIR
#error "REFDRV_DEFAULT_DATA_DIR must be defined by the build"
#endif

namespace refdrv::kernel {

std::filesystem::path cache_root() {
  if (const char* d = std::getenv("REFDRV_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "refdrv";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache" / "refdrv";
  // Without a home: one of this user's own in the temporary directory. A
  // name every user shared could be made first by another, who would plant
  // the builds this process loads and runs; one that is not this user's
  // own private directory is not used (a fresh one is, for this process).
  static const std::filesystem::path fallback = [] {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / fmt::format("refdrv-cache-{}", ::getuid());
    (void)::mkdir(dir.c_str(), 0700);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::getuid() &&
        (st.st_mode & (S_IWGRP | S_IWOTH)) == 0)
      return dir;
    std::string tmpl = (std::filesystem::temp_directory_path() / "refdrv-cache-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) return std::filesystem::path(tmpl);
    return dir;  // nothing better: the run's own commands will fail on it and say where
  }();
  return fallback;
}

std::filesystem::path data_dir() {
  if (const char* d = std::getenv("REFDRV_DATA_DIR"); d && *d) return d;
  return REFDRV_DEFAULT_DATA_DIR;
}

std::string hash_hex(std::string_view data) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<void> write_file(const std::filesystem::path& path, std::string_view content) {
  if (auto old = read_file(path); old && *old == content) return {};
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  // Its own temporary file: two refdrv processes may write the same path
  // (the same mutant, a cache entry) at once, and each renames its own.
  const auto tmp = fmt::format("{}.tmp.{}", path.string(), ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
    out << content;
    // What is still buffered is written at close: a disk that fills then
    // fails the close, which must not pass for a whole file.
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return fail(fmt::format("cannot write {} (the disk may be full)", tmp));
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return fail(fmt::format("cannot write {}: {}", path.string(), ec.message()));
  }
  return {};
}

namespace {
std::function<void(const std::string&)>& wait_notice() {
  static std::function<void(const std::string&)> notice;
  return notice;
}
}  // namespace

void FileLock::set_wait_notice(std::function<void(const std::string&)> notice) { wait_notice() = std::move(notice); }

Result<FileLock> FileLock::acquire(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(fmt::format("cannot open lock file {}: {}", path.string(), std::strerror(errno)));
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) return FileLock(fd);
  if (errno == EWOULDBLOCK && wait_notice())
    wait_notice()(fmt::format("waiting for another refdrv process that holds {} (it is building or using {})",
                              path.string(), path.parent_path().string()));
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(fd);
      return fail(fmt::format("cannot lock {}: {}", path.string(), std::strerror(errno)));
    }
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace refdrv::kernel
