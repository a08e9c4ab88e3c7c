// SPDX-License-Identifier: GPL-2.0
// Running the external tools the per-tree build needs (make, gcc, ninja,
// apt-get, tar), with their output captured to a log file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace refdrv::kernel {

struct Command {
  std::vector<std::string> argv;
  std::filesystem::path cwd;        // empty: current directory
  std::filesystem::path log;        // empty: inherit stdout/stderr; else append both there
  std::vector<std::string> env;     // extra NAME=value entries
  // run() only: while the command runs, SIGINT, SIGTERM and SIGHUP sent to
  // refdrv are passed on to it instead of ending refdrv, so that refdrv can
  // still read what the command left (a fuzzing campaign's findings, when
  // Ctrl-C or `timeout` ends it). interrupted_by() says which came.
  bool pass_on_interrupts = false;
};

// Runs the command and waits; returns its exit status (or an error if it
// could not be started at all, e.g. the program is not installed).
Result<int> run(const Command& cmd);

// The signal (SIGINT, SIGTERM, SIGHUP) the last run() with
// pass_on_interrupts passed on to its command; 0 if none came.
[[nodiscard]] int interrupted_by();

// Runs the command and returns its standard output; fails on non-zero exit.
// With `log`, its standard error is appended there.
Result<std::string> capture(const Command& cmd);

// True if `program` is found on PATH.
[[nodiscard]] bool on_path(const std::string& program);
// Where `program` is found on PATH (the first match), or empty.
[[nodiscard]] std::filesystem::path find_on_path(const std::string& program);

// Quotes a word for /bin/sh.
[[nodiscard]] std::string shell_quote(const std::string& word);

// Splits a /bin/sh command line into words (quotes and backslashes as sh
// does; no expansions). Fails on unbalanced quotes.
Result<std::vector<std::string>> shell_split(const std::string& line);

// A tool's output without its trailing newlines, carriage returns and spaces.
[[nodiscard]] std::string chomp(std::string s);

// The last `lines` lines of a text file, for error messages.
[[nodiscard]] std::string tail_of(const std::filesystem::path& file, int lines);

}  // namespace refdrv::kernel
