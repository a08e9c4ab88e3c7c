// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: refdrv's command line. The input is split into
// arguments at NUL and newline bytes; parsing them either succeeds or throws
// CLI11's ParseError (which refdrv prints as one "refdrv: error:" line,
// exiting with status 2, or 0 for --help). Any other exception, a crash or a
// message of another shape is a finding. Commands are not run.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace {

struct Cli {
  CLI::App app{"refdrv"};
  refdrv::cli::Common common;
  std::vector<refdrv::cli::Command> commands = refdrv::cli::build_app(app, common);
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Cli* cli = new Cli();  // built once: the parse is what is fuzzed
  std::vector<std::string> args;
  std::string cur;
  for (std::size_t i = 0; i < size && args.size() < 24; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\0' || c == '\n') {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty() && args.size() < 24) args.push_back(cur);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  cli->app.clear();
  try {
    cli->app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0 && std::string(e.what()).empty()) {
      std::fprintf(stderr, "a rejection without a message\n");
      std::abort();
    }
    // What refdrv prints for it: exactly one line, "refdrv: error: ...".
    if (e.get_exit_code() != 0) {
      const std::string line = refdrv::cli::failure_line(&cli->app, e);
      if (line.rfind("refdrv: error: ", 0) != 0 || line.find('\n') != line.size() - 1) {
        std::fprintf(stderr, "a rejection that is not one 'refdrv: error:' line: %s\n", line.c_str());
        std::abort();
      }
    }
  }
  return 0;
}
