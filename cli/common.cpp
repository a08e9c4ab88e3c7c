// SPDX-License-Identifier: GPL-2.0
#include "cli/common.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/check.hpp"
#include "engine/environment.hpp"
#include "engine/suite.hpp"

namespace refdrv::cli {

int report_error(const Error& e) {
  fmt::print(stderr, "refdrv: error: {}\n", e.message);
  return e.exit_code;
}

namespace {

// A value as the user typed it, for messages ("" stays visible).
std::string shown(const std::string& v) { return fmt::format("'{}'", v.size() > 40 ? v.substr(0, 40) + "..." : v); }

}  // namespace

CLI::Validator number_in(double min, double max, bool min_exclusive) {
  const std::string range = min_exclusive ? fmt::format("greater than {} and at most {}", min, max)
                                          : fmt::format("from {} to {}", min, max);
  return CLI::Validator(
      [=](std::string& in) -> std::string {
        double v = 0;
        const auto [end, ec] = std::from_chars(in.data(), in.data() + in.size(), v);
        const bool parsed = ec == std::errc() && end == in.data() + in.size() && !in.empty();
        if (!parsed || !std::isfinite(v) || v > max || v < min || (min_exclusive && v == min))
          return fmt::format("must be a number {}, got {}", range, shown(in));
        return {};
      },
      "");
}

namespace {

// Whether a file can be created in the existing directory `dir` ("" if so),
// by creating one and removing it: access(W_OK) says yes to root anywhere,
// and /sys or /proc refused the file only after the work it was to hold.
std::string creation_problem(const std::filesystem::path& dir) {
  const std::filesystem::path probe = dir / fmt::format(".refdrv-write-probe-{}", ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return {};  // a probe of this pid left behind: the directory takes files
    return fmt::format("{}: cannot create a file there: {}", dir.string(), std::strerror(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return {};
}

// Whether a directory can be made (or is) at `dir`: the nearest part of it
// that exists must be a directory this process may write into ("" if so).
std::string directory_problem(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::path p = dir.empty() ? std::filesystem::path(".") : dir;
  while (!std::filesystem::exists(p, ec)) {
    if (ec.value() == ENOTDIR) {
      ec.clear();
    } else if (ec) {
      return fmt::format("{}: {}", p.string(), ec.message());
    }
    if (!p.has_relative_path() || p.parent_path() == p) break;
    p = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  }
  if (!std::filesystem::is_directory(p, ec)) return fmt::format("{} exists and is not a directory", p.string());
  if (::access(p.c_str(), W_OK) != 0) return fmt::format("{}: {}", p.string(), std::strerror(errno));
  return creation_problem(p);
}

}  // namespace

CLI::Validator directory_to_write() {
  return CLI::Validator(
      [](std::string& in) -> std::string {
        if (in.empty()) return "an empty path names no directory";
        return directory_problem(in);
      },
      "");
}

CLI::Validator file_to_write(bool dash) {
  return CLI::Validator(
      [dash](std::string& in) -> std::string {
        if (in.empty()) return dash ? "an empty path names no file (- is stdout)" : "an empty path names no file";
        if (dash && in == "-") return {};
        std::error_code ec;
        if (std::filesystem::is_directory(in, ec)) return fmt::format("{} is a directory", in);
        const std::filesystem::path parent = std::filesystem::path(in).parent_path();
        if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
          return fmt::format("{}: no directory {} to write it in", in, parent.string());
        const bool exists = std::filesystem::exists(in, ec);
        if (exists ? ::access(in.c_str(), W_OK) != 0 : ::access(parent.empty() ? "." : parent.c_str(), W_OK) != 0)
          return fmt::format("{}: {}", in, std::strerror(errno));
        if (!exists) return creation_problem(parent.empty() ? "." : parent);
        return {};
      },
      "");
}

CLI::Validator file_to_read() {
  return CLI::Validator(
      [](std::string& in) -> std::string {
        if (in.empty()) return "an empty path names no file";
        std::error_code ec;
        if (std::filesystem::is_directory(in, ec)) return fmt::format("{} is a directory, not a file", in);
        if (!std::filesystem::exists(in, ec)) return fmt::format("{}: no such file", in);
        return {};
      },
      "");
}

CLI::Validator integer_in(long long min, long long max) {
  return CLI::Validator(
      [=](std::string& in) -> std::string {
        long long v = 0;
        const auto [end, ec] = std::from_chars(in.data(), in.data() + in.size(), v);
        if (ec != std::errc() || end != in.data() + in.size() || in.empty() || v < min || v > max)
          return fmt::format("must be a whole number from {} to {}, got {}", min, max, shown(in));
        return {};
      },
      "");
}

CLI::Validator one_of(std::vector<std::string> names, const std::string& what, const std::string& listed_by) {
  return CLI::Validator(
      [=](std::string& in) -> std::string {
        if (std::find(names.begin(), names.end(), in) != names.end()) return {};
        return fmt::format("unknown {} {} (one of: {}{})", what, shown(in), fmt::join(names, ", "),
                           listed_by.empty() ? "" : "; " + listed_by);
      },
      "");
}

void add_tree_options(CLI::App* cmd, Common& c) {
  auto* kernel = cmd->add_option("--kernel", c.env.kernel, "Linux source tree or git checkout (default: Debian's linux-source)")
                     ->check(CLI::Validator(
                         [](std::string& in) -> std::string { return in.empty() ? "an empty path is no Linux tree" : ""; },
                         ""));
  cmd->add_option("--series", c.env.series,
                  fmt::format("Debian linux-source series when --kernel is not given ({})", fmt::join(kDebianSeries, ", ")))
      ->check(CLI::Validator(
          [](std::string& in) -> std::string {
            auto ok = check_series(in);
            return ok ? std::string() : ok.error().message;
          },
          ""))
      ->excludes(kernel);
  cmd->add_flag("-q,--quiet", c.env.quiet,
                "no progress lines (and, on a command with --json or --ktap, when - sends one to standard output, no "
                "table on stderr either)");
}

void add_all_phy_drivers_option(CLI::App* cmd, Common& c) {
  cmd->add_flag("--all-phy-drivers", c.env.all_phy_drivers,
                "use the kernel side with every PHY driver of the tree, as refdrv drivers builds it (to replay its "
                "--reproducers)");
}

// `firmware`: the command runs instances, whose probe may ask
// request_firmware() for a file (list builds the kernel side and runs none).
void add_env_options(CLI::App* cmd, Common& c, bool firmware) {
  add_tree_options(cmd, c);
  cmd->add_option("-j,--jobs", c.env.jobs, "parallel jobs for the per-tree build, 1 to 1024 (default: CPUs)")
      ->check(integer_in(1, 1024));
  if (firmware)
    cmd->add_option("--firmware", c.env.firmware_dir,
                    "directory request_firmware() looks in (default: /lib/firmware, then refdrv's test images)")
        ->check(CLI::Validator(
            [](std::string& in) -> std::string {
              std::error_code ec;
              if (in.empty()) return "an empty path names no directory";
              if (!std::filesystem::is_directory(in, ec))
                return std::filesystem::exists(in, ec) ? fmt::format("{} is not a directory", in)
                                                       : fmt::format("no directory {}", in);
              return {};
            },
            ""))
        ->type_name("DIR");
  cmd->add_option_function<std::vector<std::string>>(
         "--replace",
         [&c](const std::vector<std::string>& items) {
           for (const auto& item : items) {
             const auto eq = item.find('=');
             // The same source twice: which one would be compiled is no
             // choice to make silently.
             if (!c.env.overlay.emplace(item.substr(0, eq), item.substr(eq + 1)).second)
               throw CLI::ValidationError("--replace", fmt::format("{} is replaced twice: give it once",
                                                                   shown(item.substr(0, eq))));
           }
         },
         "TREE_PATH=FILE: compile FILE instead of the tree's TREE_PATH (a driver, phylib or Rust source), "
         "rebuilding only that object; repeatable")
      ->type_name("TREE_PATH=FILE")
      // One value per --replace: a scenario file after it is the command's
      // (it was taken as a second TREE_PATH=FILE and refused).
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(CLI::Validator(
          [](std::string& in) -> std::string {
            const auto eq = in.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == in.size())
              return fmt::format("{}: expected TREE_PATH=FILE, e.g. drivers/net/phy/ax88796b.c=patched.c", shown(in));
            if (in[0] == '/') return fmt::format("{}: TREE_PATH is relative to the tree", shown(in));
            std::error_code ec;
            if (std::filesystem::is_directory(in.substr(eq + 1), ec))
              return fmt::format("{}: a directory, not a file", shown(in.substr(eq + 1)));
            if (!std::filesystem::is_regular_file(in.substr(eq + 1), ec))
              return fmt::format("{}: no such file", shown(in.substr(eq + 1)));
            // The build compiles FILE by its name (gcc took drv.orig for a
            // linker input, and the failure named no cause).
            const auto want = std::filesystem::path(in.substr(0, eq)).extension().string();
            if (std::filesystem::path(in.substr(eq + 1)).extension().string() != want)
              return fmt::format(
                  "{}: FILE's name must end in {}, as TREE_PATH's does (the build compiles it by its "
                  "name): copy it to a name that does",
                  shown(in.substr(eq + 1)), want.empty() ? "no extension" : want);
            return {};
          },
          ""));
}

Result<std::vector<Impl>> parse_impls(const std::string& spec, bool all_allowed) {
  if (spec == "all") return std::vector<Impl>{};
  std::vector<Impl> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = spec.find(',', start);
    const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto impl = impl_from(item);
    if (!impl) {
      if (item == "all") return fail("all cannot be combined with other implementations");
      return fail(fmt::format("unknown implementation {} ({})", shown(item),
                              all_allowed ? "c, rust, cxx, none, or all" : "c, rust, cxx or none"));
    }
    if (std::find(out.begin(), out.end(), *impl) != out.end())
      return fail(fmt::format("{} is named twice", impl_name(*impl)));
    out.push_back(*impl);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void add_impl_option(CLI::App* cmd, Common& c, ImplChoice choice) {
  const char* help = choice == ImplChoice::kPair ? "the two implementations to compare, e.g. c,rust (default: the first two hosted for the model: c,rust, or rust,cxx "
                                                     "for the QT2025; none = Generic PHY)"
                     : choice == ImplChoice::kList ? "implementations, a list of c,rust,cxx,none (default: the first hosted for the model: c, or rust for the "
                                                     "QT2025; none = Generic PHY)"
                                                   : "implementations: all, or a list of c,rust,cxx (none = Generic PHY)";
  cmd->add_option("--impl", c.impls, help)
      ->check(CLI::Validator(
          [choice](std::string& in) -> std::string {
            // The choices this command takes ("all" only where it means something).
            auto impls = parse_impls(in, choice == ImplChoice::kAll);
            if (!impls) return impls.error().message;
            if (choice != ImplChoice::kAll && impls->empty())
              return choice == ImplChoice::kPair ? "all: name exactly two implementations to compare, e.g. c,rust"
                                                 : "all: name the implementations, e.g. c,rust,cxx";
            if (choice == ImplChoice::kPair && impls->size() != 2)
              return fmt::format("{}: name exactly two implementations to compare, e.g. c,rust", shown(in));
            return {};
          },
          ""));
}

void add_color_option(CLI::App* cmd, Common& c) {
  cmd->add_option("--color", c.color, "auto, always, never")->check(one_of({"auto", "always", "never"}, "value"));
}

bool use_color(const std::string& mode, int fd) {
  if (mode == "always") return true;
  if (mode == "never" || std::getenv("NO_COLOR")) return false;
  return isatty(fd) != 0;
}

// The implementations to run: all available, or the ones named (each must exist).
Result<std::vector<Impl>> select_impls(Environment& env, const std::string& spec, std::map<Impl, std::string>* absent) {
  std::map<Impl, std::string> missing;
  const auto available = available_impls(env, &missing);
  auto named = parse_impls(spec);
  if (!named) return fail("--impl: " + named.error().message);
  if (named->empty()) {
    if (auto r = require_declared_impls(env); !r) return std::unexpected(r.error());
    if (absent) *absent = missing;
    if (available.empty())
      return fail(fmt::format("no implementation of any driver group is available in Linux {}: {}",
                              env.tree().version, missing[Impl::kC]));
    return available;
  }
  for (Impl impl : *named)
    if (impl != Impl::kNone && std::find(available.begin(), available.end(), impl) == available.end())
      return fail(fmt::format("the {} implementation is not available: {}", impl_title(impl), missing[impl]));
  // Available for one group is not for every group: a driver of a named
  // implementation that the tree declares and that did not register is an
  // error here as for "all" (its group's rows compared the others alone).
  if (auto r = require_declared_impls(env, *named); !r) return std::unexpected(r.error());
  return *named;
}

Result<std::vector<Scenario>> scenarios_from(const std::vector<std::string>& paths) {
  if (paths.empty()) return load_default_suite();
  return load_scenarios(paths);
}

void add_machine_output_options(CLI::App* cmd, MachineOutputs& out, const std::string& ktap_help) {
  cmd->add_option("--ktap", out.ktap, ktap_help)->check(file_to_write());
  cmd->add_option("--json", out.json, "write the JSON report to this file (- for stdout)")->check(file_to_write());
}

std::vector<std::string> read_inputs(const Common& c, const std::vector<Scenario>& loaded,
                                     const std::vector<std::string>& scenario_paths) {
  std::vector<std::string> in;
  if (!scenario_paths.empty())
    for (const Scenario& s : loaded) in.push_back(s.file);
  for (const auto& [tree_path, file] : c.env.overlay) in.push_back(file.string());
  return in;
}

Result<void> output_spares_inputs(std::string_view option, const std::string& path,
                                  const std::vector<std::string>& inputs) {
  if (path.empty() || to_stdout(path)) return {};
  std::error_code ec;
  const auto out = std::filesystem::weakly_canonical(path, ec);
  for (const auto& input : inputs) {
    std::error_code same_ec;
    if (std::filesystem::equivalent(path, input, same_ec) || std::filesystem::weakly_canonical(input, ec) == out)
      return fail(
          fmt::format("{} {} is {}, which this command reads: the report would overwrite it; write it to "
                      "another file",
                      option, path, input));
  }
  return {};
}

Result<void> MachineOutputs::check(const std::vector<std::string>& inputs) const {
  if (to_stdout(ktap) && to_stdout(json)) return fail("--ktap - and --json - both want stdout: write one of them to a file");
  if (auto r = output_spares_inputs("--ktap", ktap, inputs); !r) return r;
  if (auto r = output_spares_inputs("--json", json, inputs); !r) return r;
  if (!ktap.empty() && !json.empty() && !to_stdout(ktap) && !to_stdout(json)) {
    // The same file by another name (./x, a symlink) too: the second would
    // overwrite the first.
    std::error_code ec;
    const auto a = std::filesystem::weakly_canonical(ktap, ec), b = std::filesystem::weakly_canonical(json, ec);
    if (a == b) return fail(fmt::format("--ktap {} and --json {} are the same file: write them to two", ktap, json));
  }
  return {};
}

Result<void> MachineOutputs::write(const std::function<std::string()>& ktap_text,
                                   const std::function<std::string()>& json_text) const {
  // Both are written even when the first fails: one output lost is no
  // reason to lose the other.
  std::optional<Error> ktap_failed, json_failed;
  if (!ktap.empty())
    if (auto w = write_text(ktap, ktap_text()); !w) ktap_failed = w.error();
  if (!json.empty())
    if (auto w = write_text(json, json_text()); !w) json_failed = w.error();
  if (ktap_failed && json_failed) return fail(ktap_failed->message + "; " + json_failed->message);
  if (ktap_failed) return fail(ktap_failed->message + (json.empty() ? "" : " (the JSON was written to " + json + ")"));
  if (json_failed) return fail(json_failed->message + (ktap.empty() ? "" : " (the KTAP was written to " + ktap + ")"));
  return {};
}

Result<void> write_text(const std::string& path, const std::string& text) {
  if (path == "-") {
    fmt::print("{}", text);
    return {};
  }
  // A regular file (or none yet) is written beside itself and renamed onto
  // it: a write that fails half way leaves the previous file whole, not a
  // truncated report a CI job reads as one. Through a symbolic link, the
  // file it names is replaced (not the link), with its permissions. A
  // device or FIFO (/dev/stdout, a pipe), or a file in a directory refdrv
  // may not create in, is written in place.
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  const bool regular = std::filesystem::is_regular_file(st);
  std::string dest = path;
  if (regular && std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec)))
    dest = std::filesystem::canonical(path, ec).string();
  std::string target = path;
  if (!std::filesystem::exists(st) || regular) {
    const std::string tmp = fmt::format("{}.tmp.{}", dest, ::getpid());
    if (std::ofstream(tmp)) {
      target = tmp;
      struct stat old {};
      if (regular && ::stat(dest.c_str(), &old) == 0) (void)::chmod(tmp.c_str(), old.st_mode & 07777);
    }
  }
  const bool replace = target != path;
  std::ofstream out(target);
  if (!out) return fail(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  out << text;
  out.close();
  if (!out) {
    const int err = errno;
    if (replace) std::filesystem::remove(target, ec);
    return fail(fmt::format("cannot write {}: {}", path, std::strerror(err)));
  }
  if (replace && ::rename(target.c_str(), dest.c_str()) != 0) {
    const int err = errno;
    std::filesystem::remove(target, ec);
    return fail(fmt::format("cannot write {}: {}", path, std::strerror(err)));
  }
  return {};
}

void add_containment_options(CLI::App* cmd, ContainmentArgs& a) {
  auto* in_process = cmd->add_flag("--in-process", a.in_process,
                "run the instances in this process: faster, but a crash in host code (the C++ driver) ends refdrv, and "
                "a busy loop that never sleeps (in the C++ driver or in kernel code) hangs it, instead of becoming a "
                "finding");
  // In this process nothing watches the wall clock (the virtual budgets
  // still hold): a --wall-budget there would be ignored, so it is refused.
  cmd->add_option("--wall-budget", a.wall,
                  "wall-clock seconds one instance may take before it is a hang (0.01 to 86400; default 30; not with "
                  "--in-process, where only the virtual budgets hold)")
      // Less than a worker takes to start would call every run a hang of
      // the driver's before any kernel code ran (a review, 2026-12-07).
      ->check(number_in(0.01, 86400, false))
      ->excludes(in_process);
}

std::vector<Command> build_app(CLI::App& app, Common& common) {
  app.require_subcommand(1);
  app.set_version_flag("--version", "refdrv " REFDRV_VERSION);
  app.failure_message(failure_line);
  app.footer("refdrv help COMMAND prints the options of a command.");
  std::vector<Command> commands;
  for (auto add : {check_commands, inspect_commands, fault_commands, mutate_commands, fuzz_commands, report_commands, help_commands})
    for (auto& c : add(app, common)) commands.push_back(std::move(c));
  return commands;
}

std::function<void(std::size_t, std::size_t, const std::string&)> progress_line(const Common& c) {
  if (c.env.quiet || !isatty(STDERR_FILENO)) return nullptr;
  return [](std::size_t done, std::size_t total, const std::string& what) {
    fmt::print(stderr, "\r\033[K[{}/{}] {}", done, total, what);
    if (done == total) fmt::print(stderr, "\r\033[K");
  };
}

}  // namespace refdrv::cli
