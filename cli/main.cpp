// SPDX-License-Identifier: GPL-2.0
// refdrv: run Linux PHY drivers (C, Rust, C++) on the real phylib against
// hardware models, and compare them.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ios>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "cli/common.hpp"
#include "kernel/cache.hpp"

int main(int argc, char** argv) {
  using namespace refdrv::cli;
  CLI::App app{"refdrv: reference-driver workbench (C, Rust and C++ PHY drivers on the real phylib)", "refdrv"};
  Common common;
  // Line by line: an error on standard error comes between two lines of
  // the table or report it interrupts, not inside one, where both go to one
  // pipe or terminal.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  // How phylib's state is watched (host/store_watch.hpp): a value refdrv
  // does not know would otherwise be ignored, and the state watched after all.
  if (const char* w = std::getenv("REFDRV_STATE_WATCH");
      w && *w && std::strcmp(w, "off") != 0 && std::strcmp(w, "hooks") != 0) {
    fmt::print(stderr,
               "refdrv: error: REFDRV_STATE_WATCH={}: refdrv knows off (phylib's state sampled at callback and API "
               "boundaries only) and hooks (no hardware watchpoint: the kernel side's store hooks only)\n",
               w);
    return refdrv::kExitBadInput;
  }
  const std::vector<Command> commands = build_app(app, common);
  if (argc > 1) {
    if (const std::string bad = unknown_command(app, argv[1]); !bad.empty()) {
      fmt::print(stderr, "refdrv: error: {}\n", bad);
      return refdrv::kExitBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // --help and --version print to standard output and exit 0: unless it
    // could not be written (a full disk, a closed pipe), as after a command.
    if (code == 0 && (!std::cout.flush() || std::fflush(stdout) != 0 || std::ferror(stdout))) {
      fmt::print(stderr, "refdrv: error: cannot write standard output (the output is incomplete)\n");
      return refdrv::kExitBadInput;
    }
    return code == 0 ? 0 : refdrv::kExitBadInput;
  }
  // A wait for another refdrv holding a cache lock is said (not with -q).
  if (!common.env.quiet)
    refdrv::kernel::FileLock::set_wait_notice([](const std::string& what) { fmt::print(stderr, "refdrv: {}\n", what); });
  // The options' validators check the paths a command writes to before the
  // work; what still fails there (a directory made read-only meanwhile, a
  // full disk) is one line and status 2, not an abort.
  int status = 0;
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) {
        status = c.run();
        break;
      }
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "refdrv: error: {}\n", e.what());
    return refdrv::kExitBadInput;
  } catch (const std::system_error& e) {  // fmt's and the streams' write errors (std::ios_base::failure is one)
    std::fflush(stdout);
    // fmt says "cannot write to file": name it where it was standard output.
    if (std::ferror(stdout))
      fmt::print(stderr, "refdrv: error: cannot write standard output: {} (the output is incomplete)\n",
                 e.code().message());
    else
      fmt::print(stderr, "refdrv: error: {}\n", e.what());
    return refdrv::kExitBadInput;
  }
  // What went to standard output is the command's result (a table, KTAP,
  // JSON): if it could not all be written (a full disk, a closed pipe end),
  // the exit status says so instead of the verdict nobody received.
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int why = errno;
  if (!flushed || std::ferror(stdout)) {
    fmt::print(stderr, "refdrv: error: cannot write standard output{} (the output is incomplete{})\n",
               !flushed && why ? fmt::format(": {}", std::strerror(why)) : std::string{},
               status ? fmt::format("; the command's own exit status was {}", status) : std::string{});
    return refdrv::kExitBadInput;
  }
  return status;
}
