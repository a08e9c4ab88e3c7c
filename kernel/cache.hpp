// SPDX-License-Identifier: GPL-2.0
// The per-user cache: Linux trees fetched from Debian and the kernel sides
// built from them, keyed by tree and configuration.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace refdrv::kernel {

// $REFDRV_CACHE_DIR, else $XDG_CACHE_HOME/refdrv, else ~/.cache/refdrv.
[[nodiscard]] std::filesystem::path cache_root();

// Where refdrv's own sources for the kernel side (emul/, abi/, rust/,
// kernel/refdrv.config) are: $REFDRV_DATA_DIR, else the directory the
// project was built from or installed to.
[[nodiscard]] std::filesystem::path data_dir();

// A 64-bit FNV-1a hash as 16 hex digits: names cache entries, not secrets.
[[nodiscard]] std::string hash_hex(std::string_view data);

[[nodiscard]] Result<std::string> read_file(const std::filesystem::path& path);
// Writes atomically (temporary file, rename). A file that already holds
// `content` is left alone, mtime included, so ninja sees nothing new.
Result<void> write_file(const std::filesystem::path& path, std::string_view content);

// An exclusive advisory lock on a file, held for the object's lifetime, so
// two refdrv processes (e.g. parallel tests) never build the same entry at
// once.
class FileLock {
 public:
  // Where another process holds the lock, `notice` (when set) is told
  // before this one waits for it: a wait of minutes (another refdrv
  // building the same tree) is said, not a silent stall.
  static Result<FileLock> acquire(const std::filesystem::path& path);
  static void set_wait_notice(std::function<void(const std::string&)> notice);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace refdrv::kernel
