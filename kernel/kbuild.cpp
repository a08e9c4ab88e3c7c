// SPDX-License-Identifier: GPL-2.0
#include "kernel/kbuild.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <ctime>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "kernel/cache.hpp"
#include "kernel/groups.hpp"
#include "kernel/process.hpp"
#include "kernel/tree_record.hpp"

namespace refdrv::kernel {

namespace fs = std::filesystem;

namespace {

// Bump when the recipe (flags, steps, generated files) changes meaning.
constexpr const char* kRecipeVersion = "refdrv-recipe-3";  // 3: store hooks in every build
constexpr const char* kCoveredDir = "drivers/net/phy/";
constexpr const char* kCoverageFlag = "-fsanitize-coverage=trace-pc";
// And phylib's state watched by compiler hooks (emul/instance.c), in every
// build: the fuzzers' watch with them instead of a hardware watchpoint, and
// check's where no hardware watchpoint can be had. gcc's KASAN instrumentation in its outline
// form, stores only, so that every store the tree's phylib and C drivers make
// first calls __asan_store<N>_noabort(address). Nothing of KASAN's is used:
// __SANITIZE_ADDRESS__ is undefined again, so the tree's headers read as in
// a kernel without KASAN (kasan_check_*() empty, no __no_sanitize_address).
constexpr std::array kStoreHookFlags = {
    "-fsanitize=kernel-address", "--param=asan-instrumentation-with-call-threshold=0",
    "--param=asan-instrument-reads=0", "--param=asan-stack=0", "--param=asan-globals=0", "-U__SANITIZE_ADDRESS__"};
constexpr const char* kRustCoverageFlags =
    "-C passes=sancov-module -C llvm-args=-sanitizer-coverage-level=3 -C llvm-args=-sanitizer-coverage-trace-pc";

// What a coverage build instruments: phylib and the drivers, and the kernel
// crate, not the lib/ helpers they call (vsprintf, bitmap, ...) nor Rust's
// library crates, whose blocks say nothing about a PHY driver.
bool instrumented_for_coverage(const std::string& object_path) {
  return object_path.rfind(kCoveredDir, 0) == 0 || object_path == "rust/kernel.o";
}

// lib/ and kernel/ files phylib (through lib/vsprintf.c, lib/xarray.c, ...)
// needs. Files a tree does not have or does not build are skipped: what they
// would define then gets a trace-and-stop stub.
constexpr std::array kLibObjects = {
    "lib/bitmap.o",   "lib/find_bit.o",       "lib/string.o",  "lib/ctype.o",  "lib/vsprintf.o",
    "lib/kasprintf.o", "lib/refcount.o",      "lib/xarray.o",  "lib/kstrtox.o", "lib/hexdump.o",
    "lib/string_helpers.o", "lib/siphash.o", "lib/uuid.o",    "lib/hweight.o", "kernel/time/timeconv.o",
    "lib/bug.o",
};

// The 18 initcall levels in the order the kernel runs them (see modules.h).
constexpr std::array kInitcallLevels = {"early", "0",  "0s", "1", "1s", "2", "2s", "3",  "3s",
                                        "4",     "4s", "5",  "5s", "rootfs", "6", "6s", "7", "7s"};

std::string ninja_path(const std::string& p) {
  std::string out;
  for (char c : p) {
    if (c == '$' || c == ' ' || c == ':') out += '$';
    out += c;
  }
  return out;
}

std::string ninja_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

std::string join_quoted(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += shell_quote(a);
  }
  return out;
}

std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

int default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 2;
}

}  // namespace

std::string machine_failure(const std::string& log) {
  // gcc's words, and make's for a recipe killed by SIGKILL (the kernel's
  // out-of-memory killer), which is how a rustc killed compiling `core`
  // shows: "make[2]: *** [...] Error 137".
  static constexpr std::array<std::string_view, 6> kSigns = {
      "Killed signal terminated program", "No space left on device",  "virtual memory exhausted",
      "Cannot allocate memory",           "out of memory allocating", "] Error 137"};
  for (std::string_view sign : kSigns)
    if (log.find(sign) != std::string::npos) return std::string(sign);
  return {};
}

namespace {
// Why a logged command that exited `st` failed for a reason of this
// machine's, or nothing: killed itself (128 + the signal), or a tool in it
// killed or starved. Only the log's last lines are searched: a log that
// several steps append to holds the earlier ones' output too.
std::string machine_failure_of(const Command& cmd, int st) {
  return st > 128 ? fmt::format("killed by signal {}", st - 128) : machine_failure(tail_of(cmd.log, 200));
}

Error machine_failed(const Command& cmd, const std::string& what, int st, const std::string& machine) {
  return Error{
      fmt::format("{} failed (exit status {}) for a reason of this machine's, not the tree's code ({}); run "
                  "it again with more memory or disk. Last lines of {}:\n{}",
                  what, st, machine, cmd.log.string(), tail_of(cmd.log, 15))};
}
}  // namespace

Result<void> run_logged(const Command& cmd, const std::string& what) {
  auto st = run(cmd);
  if (!st) return std::unexpected(st.error());
  if (*st == 0) return {};
  const std::string tail = tail_of(cmd.log, 15);
  // No verdict on the tree's code then (check --commits said "does not
  // build", refdrv mutate "stillborn", which leaves the mutant out of the
  // score).
  if (const std::string machine = machine_failure_of(cmd, *st); !machine.empty())
    return std::unexpected(machine_failed(cmd, what, *st, machine));
  // It ran, and the tree's build failed (a tool that cannot run is run()'s error).
  // The first compiler diagnostic on the first line, where a one-line
  // summary (check --commits' "does not build: ...") shows it: the tail
  // alone ended in a long command line, and the line named no error.
  // Said there once: the tail's copy of that line is left out.
  const std::string diag = first_compiler_error(read_file(cmd.log).value_or(""));
  std::string shown_tail;
  std::istringstream lines(tail);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t text = line.find_first_not_of(' ');
    if (!diag.empty() && text != std::string::npos && line.compare(text, std::string::npos, diag) == 0) continue;
    shown_tail += line + "\n";
  }
  if (!shown_tail.empty()) shown_tail.pop_back();
  return fail_build(fmt::format("{} failed (exit status {}){}. Last lines of {}:\n{}", what, *st,
                                diag.empty() ? "" : ": " + diag, cmd.log.string(), shown_tail));
}

std::string first_compiler_error(const std::string& log) {
  static const std::regex gcc(R"(^\S+?:[0-9]+(:[0-9]+)?: (fatal )?error: .*)");
  static const std::regex rustc(R"(^error(\[E[0-9]+\])?: .*)");
  std::istringstream in(log);
  std::string line;
  std::string rust;
  while (std::getline(in, line)) {
    if (std::regex_match(line, gcc)) return line.size() > 300 ? line.substr(0, 297) + "..." : line;
    if (rust.empty() && std::regex_match(line, rustc) && !line.starts_with("error: aborting")) rust = line;
  }
  return rust.size() > 300 ? rust.substr(0, 297) + "..." : rust;
}

namespace {

// The .cmd file kbuild keeps beside object `obj` in `kb` (an empty `kb`:
// its path relative to the output directory).
std::string cmd_file_of(const fs::path& kb, const std::string& obj) {
  return (kb / fs::path(obj).parent_path() / ("." + fs::path(obj).filename().string() + ".cmd")).string();
}

// A kbuild .cmd file's saved command: the NAME=value words before the
// compiler, the compiler's words, and what runs after it (`; objcopy ...`),
// without objtool (which checks kernel code generation, not ours).
struct SavedCommand {
  std::vector<std::string> env;
  std::vector<std::string> argv;
  std::vector<std::vector<std::string>> post;
};

Result<SavedCommand> read_saved_command(const fs::path& kb, const std::string& obj) {
  const fs::path p = cmd_file_of(kb, obj);
  auto text = read_file(p);
  if (!text) return std::unexpected(text.error());
  const auto nl = text->find('\n');
  const std::string first = text->substr(0, nl);
  const auto eq = first.find(":=");
  if (first.rfind("savedcmd_", 0) != 0 && first.rfind("cmd_", 0) != 0)
    return fail(fmt::format("{} does not start with a saved command", p.string()));
  if (eq == std::string::npos) return fail(fmt::format("{}: no ':=' in the saved command", p.string()));
  SavedCommand sc;
  std::string line = first.substr(eq + 2);
  std::size_t start = 0;
  bool main = true;
  while (start <= line.size()) {
    std::size_t semi = line.find(';', start);
    if (semi == std::string::npos) semi = line.size();
    auto words = shell_split(line.substr(start, semi - start));
    if (!words) return fail(fmt::format("{}: {}", p.string(), words.error().message));
    start = semi + 1;
    if (words->empty()) continue;
    if (main) {
      std::size_t i = 0;
      while (i < words->size() && (*words)[i].find('=') != std::string::npos && (*words)[i][0] != '-')
        sc.env.push_back((*words)[i++]);
      sc.argv.assign(words->begin() + static_cast<std::ptrdiff_t>(i), words->end());
      main = false;
      continue;
    }
    if (fs::path((*words)[0]).filename() == "objtool") continue;
    for (auto& w : *words)
      if (w == obj) w = "$out";  // the caller's output path
    sc.post.push_back(std::move(*words));
  }
  if (sc.argv.empty()) return fail(fmt::format("{}: empty saved command", p.string()));
  return sc;
}

std::string modname_of(const std::vector<std::string>& argv) {
  for (const auto& a : argv)
    if (a.rfind("-DKBUILD_MODNAME=", 0) == 0) {
      std::string v = a.substr(17);
      v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
      return v;
    }
  return "vmlinux";
}

// A built-in module's name as its .modinfo records it ("rust_asix_phy" of
// "rust_asix_phy.author=..."): the module! name of a Rust driver.
std::string modinfo_module_name(const fs::path& object) {
  auto out = capture({{"readelf", "-p", ".modinfo", object.string()}, {}, {}, {"LC_ALL=C"}});
  if (!out) return {};
  static const std::regex re(R"(\]\s+([A-Za-z0-9_]+)\.[a-z_]+=)");
  std::smatch m;
  return std::regex_search(*out, m, re) ? m[1].str() : std::string();
}

// The files whose content decides the configured tree.
std::string fragment_stamp(const LinuxTree& tree, const std::string& fragment) {
  std::string s = kRecipeVersion;
  s += fragment;
  for (const char* f : {"Makefile", "drivers/net/phy/Makefile", "drivers/net/phy/Kconfig", "lib/Makefile",
                        "arch/x86/Makefile", "scripts/Makefile.build", "rust/Makefile", "init/Kconfig"})
    if (auto t = read_file(tree.root / f)) s += hash_hex(*t);
  return hash_hex(s);
}

// Starts the part of a fragment the tree's Kconfig may turn off
// (BuildOptions::all_phy_drivers): a driver whose dependencies are not met
// is not built, and says so in `refdrv drivers`.
// (Its words are part of the configuration's identity: "configured from the
// default configuration" was added when configured_tree began starting this
// configuration from a copy of that one, so that one configured before is
// configured again that way.)
constexpr const char* kBestEffortMarker =
    "# refdrv: every PHY driver of the tree, where its Kconfig allows (configured from the default configuration)";

Result<void> check_config(const fs::path& config, const std::string& fragment) {
  auto cfg = read_file(config);
  if (!cfg) return std::unexpected(cfg.error());
  std::istringstream in(fragment);
  std::string line;
  while (std::getline(in, line)) {
    if (line == kBestEffortMarker) break;
    if (line.rfind("CONFIG_", 0) == 0) {
      if (cfg->find("\n" + line + "\n") == std::string::npos)
        return fail(fmt::format("the tree's Kconfig did not keep {} (a dependency is missing in this tree); refdrv "
                                "needs it to build phylib and the drivers",
                                line));
    } else if (line.rfind("# CONFIG_", 0) == 0) {
      const std::string sym = line.substr(2, line.find(' ', 2) - 2);
      if (cfg->find("\n" + sym + "=y") != std::string::npos)
        return fail(fmt::format("the tree's Kconfig forces {}=y; refdrv needs it off", sym));
    }
  }
  return {};
}

// The symbols the tree's Kconfig declares where refdrv's Rust fragment
// expects them (init/, phylib's and the firmware loader's Kconfig): every
// line that is `config SYM` or `menuconfig SYM`, from its first column.
// Read once per fragment, line by line (a regular expression per symbol
// and file was a tenth of a run's start-up under the sanitizers).
std::set<std::string> kconfig_declared(const LinuxTree& tree) {
  std::set<std::string> out;
  for (const char* f : {"init/Kconfig", "drivers/net/phy/Kconfig", "drivers/base/firmware_loader/Kconfig"}) {
    const auto text = read_file(tree.root / f);
    if (!text) continue;
    std::string_view rest = *text;
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
      for (std::string_view word : {std::string_view("config "), std::string_view("menuconfig ")})
        if (line.starts_with(word)) {
          std::string_view sym = line.substr(word.size());
          while (!sym.empty() && sym.front() == ' ') sym.remove_prefix(1);
          if (!sym.empty() && sym.find_first_of(" \t") == std::string_view::npos) out.emplace(sym);
        }
    }
  }
  return out;
}

// refdrv.config and the driver groups' C drivers this tree has.
Result<std::string> base_fragment(const LinuxTree& tree, const fs::path& data) {
  auto text = read_file(data / "kernel/refdrv.config");
  if (!text) return std::unexpected(text.error());
  return *text + group_fragment(tree, false);
}

// refdrv-rust.config without the symbols this tree does not declare, and
// the options of the driver groups' Rust drivers this tree has.
Result<std::string> rust_fragment(const LinuxTree& tree, const fs::path& data) {
  auto text = read_file(data / "kernel/refdrv-rust.config");
  if (!text) return std::unexpected(text.error());
  std::string out;
  const std::set<std::string> declared = kconfig_declared(tree);
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("CONFIG_", 0) == 0) {
      const std::string sym = line.substr(7, line.find('=') - 7);
      if (!declared.contains(sym)) continue;
    }
    out += line + "\n";
  }
  return out + group_fragment(tree, true);
}

// How kbuild is run: the tree, the output directory, the environment.
struct Kbuild {
  const LinuxTree& tree;
  fs::path kb;
  std::vector<std::string> env;
  std::vector<std::string> vars;  // make variables (command line)
  fs::path log;
  int jobs;
  [[nodiscard]] Command make(std::vector<std::string> args) const {
    std::vector<std::string> argv = {"make", "-C", tree.root.string(), "O=" + kb.string(), "ARCH=x86_64"};
    argv.insert(argv.end(), vars.begin(), vars.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return Command{argv, {}, log, env};
  }
  [[nodiscard]] std::string j() const { return fmt::format("-j{}", jobs); }
};

// tinyconfig's .config, kept beside each configured tree: where another
// configuration of the same tree and toolchain starts from
// (seed_configuration).
constexpr const char* kTinyConfig = "tinyconfig.config";

// `seed_tiny`: the tinyconfig result of the configured tree k.kb was copied
// from (configured_tree), used instead of running tinyconfig again.
Result<void> configure(const Kbuild& k, const fs::path& fragment_file, const std::string& fragment,
                       const BuildOptions& opt, const std::optional<fs::path>& seed_tiny = std::nullopt) {
  std::error_code ec;
  fs::create_directories(k.kb, ec);
  opt.progress(fmt::format("configuring Linux {} out of tree in {}", k.tree.version, k.kb.string()));
  if (seed_tiny) {
    fs::copy_file(*seed_tiny, k.kb / ".config", fs::copy_options::overwrite_existing, ec);
    if (ec)
      return fail(
          fmt::format("cannot copy {} to {}: {}", seed_tiny->string(), (k.kb / ".config").string(), ec.message()));
  } else if (auto r = run_logged(k.make({"tinyconfig"}), "make tinyconfig"); !r) {
    return r;
  }
  fs::copy_file(k.kb / ".config", k.kb.parent_path() / kTinyConfig, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return fail(fmt::format("cannot keep tinyconfig's .config in {}: {}", k.kb.parent_path().string(), ec.message()));
  // Run in the output directory: the script makes its temporary files in
  // its working directory, and refdrv writes nothing into a tree.
  if (auto r = run_logged(Command{{(k.tree.root / "scripts/kconfig/merge_config.sh").string(), "-m", "-O",
                                   k.kb.string(), (k.kb / ".config").string(), fragment_file.string()},
                                  k.kb,
                                  k.log,
                                  k.env},
                          "merging refdrv.config into the configuration");
      !r)
    return r;
  if (auto r = run_logged(k.make({"olddefconfig"}), "make olddefconfig"); !r) return r;
  if (auto r = check_config(k.kb / ".config", fragment); !r) return r;
  const bool rust = fragment.find("\nCONFIG_RUST=y\n") != std::string::npos;
  opt.progress(rust ? "make prepare (generated headers and the tree's rust/ crates, once per tree and toolchain)"
                    : "make prepare (generated headers, once per tree)");
  if (auto r = run_logged(k.make({k.j(), "prepare"}), "make prepare"); !r) return r;
  opt.progress("compiling phylib and the drivers with kbuild (to record the tree's compile lines)");
  if (auto r = run_logged(k.make({k.j(), "drivers/net/phy/"}), "building drivers/net/phy with kbuild"); !r) return r;
  // The C side of each reference group: with its Rust option set, the
  // tree's Makefile builds only the Rust object; refdrv hosts both.
  std::vector<std::string> singles = {k.j()};
  for (const auto& g : k.tree.groups) {
    const std::string obj = fs::path(g.c_source).replace_extension(".o").string();
    if (!fs::exists(cmd_file_of(k.kb, obj))) singles.push_back(obj);
  }
  if (singles.size() > 1)
    if (auto r = run_logged(k.make(singles), "building the C side of the reference groups with kbuild"); !r) return r;
  std::vector<std::string> lib_targets = {k.j(), "-k"};
  for (const char* o : kLibObjects) {
    fs::path src = k.tree.root / fs::path(o).replace_extension(".c");
    if (fs::exists(src)) lib_targets.emplace_back(o);
  }
  // -k: a lib file this tree does not build is simply left out. Not one
  // the machine failed to build (killed, out of memory or disk): the
  // configure would be recorded as done, and the missing lib functions
  // stubs in every later run, until the tree changed.
  const Command lib = k.make(lib_targets);
  auto st = run(lib);
  if (!st) return std::unexpected(st.error());
  if (*st != 0)
    if (const std::string machine = machine_failure_of(lib, *st); !machine.empty())
      return std::unexpected(machine_failed(lib, "building lib/ with kbuild", *st, machine));
  return {};
}

// The C compiler kbuild runs (`gcc` on PATH): its path and version, and
// the search paths of its environment (CPATH, LIBRARY_PATH, ...: which
// headers and libraries it finds). The configure probes it
// (CONFIG_CC_VERSION_TEXT, every cc-option) and the saved compile lines
// name it only as `gcc`, so without it in the key a configured tree
// outlived an upgrade of the compiler, and so did every object compiled
// from it. Once per process.
const std::string& c_compiler_identity() {
  static const std::string id = [] {
    const auto version = capture(Command{{"gcc", "--version"}, {}, {}, {}});
    std::error_code ec;
    const fs::path path = find_on_path("gcc");
    std::string out = (path.empty() ? std::string("gcc (not on PATH)") : fs::weakly_canonical(path, ec).string()) +
                      "\n" +
                      (version ? version->substr(0, version->find('\n')) : std::string("(gcc --version failed)"));
    for (const char* name : {"CPATH", "C_INCLUDE_PATH", "LIBRARY_PATH", "GCC_EXEC_PREFIX", "COMPILER_PATH"})
      if (const char* v = std::getenv(name)) out += fmt::format("\n{}={}", name, v);
    return out;
  }();
  return id;
}

// What a configured tree depends on besides the tree's own files: its
// version, the fragment, the recipe, the C compiler, the Rust toolchain and
// the bindgen-compat that generated its bindings.
std::string config_identity(const LinuxTree& tree, const fs::path& data, const std::string& fragment,
                            const RustToolchain* rust) {
  return tree.version + "\n" + fragment + kRecipeVersion + "\n" + c_compiler_identity() +
         (rust ? "\n" + rust->describe() + "\n" + rust->rustc + "\n" + rust->lib_src + "\n" +
                     hash_hex(read_file(data / "kernel/bindgen-compat").value_or(""))
               : "");
}

// The configured tree's directory in the configured/ cache: keyed by the
// tree's path and the identity above.
fs::path configured_dir(const LinuxTree& tree, const std::string& config_id) {
  return cache_root() / "configured" / (tree.version + "-" + hash_hex(tree.root.string() + "\n" + config_id));
}

constexpr const char* kRecordFile = "tree.record";
constexpr const char* kStampFile = "stamp.configure";
// Written when a configure starts: its modification time is when kbuild
// began reading the tree (ensure_record).
constexpr const char* kStartedFile = "configure.started";

}  // namespace

// The first file recorded for the configured tree in `dir` that differs in
// `root` now; nullopt when none does. Without a record (a run stopped
// between the configure and the record, or one that could not write it)
// nothing says the tree is unchanged, so that counts as a change too.
std::optional<std::string> changed_since_configured(const fs::path& dir, const fs::path& root) {
  auto text = read_file(dir / kRecordFile);
  if (!text) return std::string(kRecordFile) + " is missing";
  auto rec = parse_record(*text);
  if (!rec) return std::string(kRecordFile) + " cannot be read: " + rec.error().message;  // configuring rewrites it
  bool refreshed = false;
  auto diff = first_difference(*rec, root, refreshed);
  if (!diff && refreshed) (void)write_file(dir / kRecordFile, format_record(*rec));
  return diff;
}


// A syntax error in one of the tree's own build files outside rust/ (make's
// "drivers/net/phy/Makefile:42: *** extraneous 'else'.  Stop.", Kconfig's
// "drivers/net/phy/Kconfig:12: syntax error"): every configuration fails on
// it, with Rust or without. "FILE:LINE: message", or "" for anything else.
std::string tree_build_file_error(const std::string& message) {
  static const std::regex where(
      R"((?:^|\s)(\S*(?:Makefile|Kbuild|Kconfig)[^\s:]*):(\d+): (\*\*\* [^\n]*|syntax error[^\n]*|unknown statement[^\n]*))");
  static const std::regex rusty("rust|bindgen", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(message, m, where)) return {};
  if (fs::path(m[1].str()).parent_path().filename() == "rust" || std::regex_search(m[3].str(), rusty)) return {};
  return fmt::format("{}:{}: {}", m[1].str(), m[2].str(), m[3].str());
}

// The Rust driver of the tree that kbuild failed to compile (make's "***
// [.../Makefile.build:N: drivers/.../x_rust.o] Error" for an object whose
// source is drivers/.../x_rust.rs, or rustc's "--> drivers/...rs:L:C"): the
// tree's own source does not compile, as when refdrv's ninja build compiles
// it, not a toolchain the Rust side lacks (errors in the tree's rust/
// crates stay that: a rustc the tree does not support).
std::string tree_rust_driver_error(const std::string& message, const fs::path& root) {
  // rustc's location under an error (a warning's would blame a warning).
  static const std::regex rustc(R"(error(?:\[E\d+\])?:[^\n]*\n\s*-->\s+(\S*?drivers/\S+\.rs):(\d+):(\d+))");
  static const std::regex make(R"(Makefile\.build:\d+: (drivers/\S+)\.o\] Error)");
  std::smatch m;
  if (std::regex_search(message, m, rustc)) {
    std::string file = m[1].str();
    if (const auto at = file.find("drivers/"); at != std::string::npos) file = file.substr(at);
    return fmt::format("{}:{}:{}", file, m[2].str(), m[3].str());
  }
  for (auto it = std::sregex_iterator(message.begin(), message.end(), make); it != std::sregex_iterator(); ++it) {
    const std::string source = (*it)[1].str() + ".rs";
    if (fs::exists(root / source)) return source;
  }
  return {};
}

// The latest status-change time of any file or directory of the tree
// (nanoseconds; .git left out): what a remembered failure of its
// configuration was made under. An edit, a file added, removed or put back
// by a checkout moves it; nothing sets it back.
std::int64_t tree_changed_ns(const fs::path& root) {
  std::int64_t latest = 0;
  walk_tree(root, [&](const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0)
      latest = std::max<std::int64_t>(latest, st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec);
  });
  return latest;
}

// A failure of the Rust configuration that is the Rust side's: what
// configured_tree() remembers, so that it is not tried again for the same
// tree and toolchain. A failure that names neither rustc, bindgen nor the
// tree's rust/ (an out-of-memory kill, a full disk, a phylib compile error)
// is not remembered: it may not happen again, and the C-only configuration
// then says what it is.
bool rust_side_failure(const std::string& message) {
  static const std::regex rusty("rust|bindgen|\\.rs\\b", std::regex::icase);
  // A rustc the machine killed (memory) names rust too: not remembered.
  return tree_build_file_error(message).empty() && machine_failure(message).empty() &&
         std::regex_search(message, rusty);
}

namespace {

// Starts the configured tree of `k` as a copy of the configured tree
// `seed_kb` (the same tree and toolchain, another fragment), so that kbuild
// compiles again only what the other options change: Kconfig's syncconfig
// touches the dependency file of each option whose value changed
// (include/config/), and every object's record (its .cmd file, through
// fixdep) names the options it read, as in any kernel build after a
// configuration change. The copy's records name the seed's directory where
// kbuild put an absolute output path in a command (OBJTREE= before rustc,
// objtool's build): renamed, so that the commands compare equal. One thing
// kbuild does not track is generated again: bindgen's bindings, which hold
// every option's value. Compared with a configure from scratch (2026-12-06,
// the build with every PHY driver from the default one): the same .config,
// autoconf.h and rustc_cfg, the same archive members, every object's record
// the same but for the output directory's name. The seed is locked while
// it is copied and must be unchanged since it was configured. Returns its
// tinyconfig result, where configure() starts, when it kept one.
Result<std::optional<fs::path>> seed_configuration(const Kbuild& k, const fs::path& seed_kb, const BuildOptions& opt) {
  const fs::path seed = seed_kb.parent_path();
  auto lock = FileLock::acquire(seed / ".lock");
  if (!lock) return std::unexpected(lock.error());
  if (!fs::exists(seed / kStampFile)) return fail("it is not configured");
  if (auto changed = changed_since_configured(seed, k.tree.root))
    return fail(*changed + " changed since it was configured");
  opt.progress(
      fmt::format("starting from the configured tree in {} (the same tree and toolchain): kbuild compiles "
                  "again what the other options change",
                  seed_kb.string()));
  if (auto r = run_logged(Command{{"cp", "-a", seed_kb.string(), k.kb.string()}, {}, k.log, {}},
                          "copying the configured tree " + seed_kb.string());
      !r)
    return std::unexpected(r.error());
  const std::string from = seed_kb.string();
  const std::string to = k.kb.string();
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(k.kb, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    // bindgen's outputs hold a constant for every option the .config sets
    // (pub const CONFIG_...), which no record names: removed, so that
    // kbuild generates them again (and compiles the crates that use them).
    if (name.ends_with("_generated.rs")) {
      auto text = read_file(it->path());
      if (!text) return std::unexpected(text.error());
      if (text->find("pub const CONFIG_") != std::string::npos) fs::remove(it->path(), ec);
      if (ec) return fail(fmt::format("cannot remove {}: {}", it->path().string(), ec.message()));
      continue;
    }
    if (!name.ends_with(".cmd")) continue;
    auto text = read_file(it->path());
    if (!text) return std::unexpected(text.error());
    if (text->find(from) == std::string::npos) continue;
    std::string out;
    std::size_t at = 0;
    for (std::size_t hit; (hit = text->find(from, at)) != std::string::npos; at = hit + from.size())
      out += text->substr(at, hit - at) + to;
    out += text->substr(at);
    if (auto w = write_file(it->path(), out); !w) return std::unexpected(w.error());
  }
  if (ec) return fail(fmt::format("cannot read the copy {}: {}", to, ec.message()));
  // A seed configured before refdrv kept its tinyconfig result: tinyconfig
  // runs again in the copy (it writes a whole .config).
  if (!fs::exists(seed / kTinyConfig)) return std::optional<fs::path>();
  return std::optional<fs::path>(seed / kTinyConfig);
}

Result<std::vector<KernelObject>> collect_objects(const LinuxTree& tree, const fs::path& kb, bool rust);
void ensure_record(const LinuxTree& tree, const fs::path& kb, const std::string& config_id,
                   const std::vector<KernelObject>& objects, const FileIdentities& at_start);

// The configured tree for `fragment` (cached in the configured/ cache, see
// configured_dir). Configured again when one of the files recorded for it
// changed in the tree. Its record (ensure_record) is written before the
// lock is released: another refdrv waiting for the lock found the stamp
// without a record and configured it all again (seen on 2026-12-06 with
// the tests that build every PHY driver at once). With `seed_fragment`, a
// configuration of the same tree and toolchain that this one extends (the
// default one, for the build with every PHY driver): that one is
// configured first, and a first configure of this one starts from a copy
// of it (seed_configuration). `record_checked`: the caller has just found
// this configuration's record current (own_configuration_current), so a
// stamp that still matches under the lock is not checked against the tree
// a second time (the record's 16 000 files and directories stat()ed again,
// about 30 ms of every run's start).
Result<fs::path> configured_tree(const LinuxTree& tree, const fs::path& data, const std::string& fragment,
                                 const RustToolchain* rust, const BuildOptions& opt,
                                 const std::string* seed_fragment = nullptr, bool record_checked = false) {
  const fs::path configured = configured_dir(tree, config_identity(tree, data, fragment, rust));
  Kbuild k{tree, configured / "kbuild", {"ARCH=x86_64", "LC_ALL=C", "KBUILD_VERBOSE=0"}, {},
           configured / "configure.log", opt.jobs > 0 ? opt.jobs : default_jobs()};
  if (rust) {
    k.vars = rust->make_vars(data);
    for (auto& e : rust->wrapper_env()) k.env.push_back(std::move(e));
  }
  auto lock = FileLock::acquire(configured / ".lock");
  if (!lock) return std::unexpected(lock.error());
  const std::string stamp = fragment_stamp(tree, fragment);
  const fs::path stamp_file = configured / kStampFile;
  const fs::path failed_file = configured / "failed";
  // A configuration that failed for this stamp is not retried while no file
  // of the tree changed since (the Rust side with a toolchain the tree
  // rejects): the same error, at once. A header, a helper, a Kconfig fixed
  // since (or another commit checked out in the same place) is tried again.
  if (auto failed = read_file(failed_file); failed && failed->rfind(stamp + "\n", 0) == 0) {
    const std::string rest = failed->substr(stamp.size() + 1);
    const std::string changed = "tree-changed " + std::to_string(tree_changed_ns(tree.root)) + "\n";
    if (rest.rfind(changed, 0) == 0) return fail(rest.substr(changed.size()));
    std::error_code ec;
    fs::remove(failed_file, ec);
  }
  if (auto old = read_file(stamp_file); old && *old == stamp) {
    if (record_checked) return k.kb;
    const auto changed = changed_since_configured(configured, tree.root);
    if (!changed) return k.kb;
    if (changed->rfind(kRecordFile, 0) == 0)  // no record, or one that cannot be read
      opt.progress(fmt::format("what {} was when Linux {} was configured in {} is unknown ({}): configuring it again",
                               tree.root.string(), tree.version, configured.string(), *changed));
    else
      opt.progress(fmt::format("{} changed since Linux {} was configured in {}: configuring it again", *changed,
                               tree.version, configured.string()));
  }
  std::error_code ec;
  fs::remove(stamp_file, ec);
  fs::remove(configured / kRecordFile, ec);
  fs::remove(configured / kStartedFile, ec);  // written anew below: its time is the configure's start
  fs::remove(k.log, ec);
  // kbuild's rules for bindgen's outputs compare times: a header put back
  // older than them (cp -p, rsync -a) would leave the Rust crates on the
  // layouts the header had, while phylib is compiled on the new ones. The
  // change that brought the configure here may be such a header, so they
  // are made again.
  for (auto it = fs::recursive_directory_iterator(k.kb / "rust", ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->path().filename().string().ends_with("_generated.rs")) {
      std::error_code rm;
      fs::remove(it->path(), rm);
      if (rm) return fail(fmt::format("cannot remove {}: {}", it->path().string(), rm.message()));
    }
  ec.clear();
  const fs::path fragment_file = configured / "refdrv.config";
  if (auto w = write_file(fragment_file, fragment); !w) return std::unexpected(w.error());
  if (auto w = write_file(configured / kStartedFile, stamp); !w) return std::unexpected(w.error());
  const FileIdentities at_start = file_identities(tree.root);  // ensure_record
  std::optional<fs::path> seed_tiny;
  if (seed_fragment && !fs::exists(k.kb)) {
    auto seed_kb = configured_tree(tree, data, *seed_fragment, rust, opt);
    auto seed = seed_kb ? seed_configuration(k, *seed_kb, opt)
                        : Result<std::optional<fs::path>>(std::unexpected(seed_kb.error()));
    if (seed) {
      seed_tiny = *seed;
    } else {
      opt.progress(fmt::format("not starting from the configuration it extends ({}): configuring from scratch",
                               seed.error().message));
      fs::remove_all(k.kb, ec);
    }
  }
  if (auto r = configure(k, fragment_file, fragment, opt, seed_tiny); !r) {
    if (rust && rust_side_failure(r.error().message))
      (void)write_file(failed_file, fmt::format("{}\ntree-changed {}\n{}", stamp, tree_changed_ns(tree.root),
                                                r.error().message));
    return std::unexpected(r.error());
  }
  if (auto objects = collect_objects(tree, k.kb, rust != nullptr))  // else build_kernel says why
    ensure_record(tree, k.kb, config_identity(tree, data, fragment, rust), *objects, at_start);
  if (auto w = write_file(stamp_file, stamp); !w) return std::unexpected(w.error());
  return k.kb;
}

// The userspace compile line of one kbuild object (C or Rust).
Result<KernelObject> kernel_object(const LinuxTree& tree, const fs::path& kb, const std::string& obj) {
  auto sc = read_saved_command(kb, obj);
  if (!sc) return std::unexpected(sc.error());
  if (sc->argv.size() < 3) return fail(fmt::format("{}: unexpected compile command", obj));
  KernelObject k;
  k.path = obj;
  if (auto it = tree.object_kconfig.find(obj); it != tree.object_kconfig.end()) k.kconfig = it->second;
  if (fs::path(sc->argv[0]).filename() == "rustc" ||
      std::any_of(sc->argv.begin(), sc->argv.end(), [](const std::string& a) { return a.rfind("--crate-name", 0) == 0; })) {
    k.lang = Lang::kRust;
    k.env = sc->env;
    k.post = sc->post;
    k.argv = rust_userspace_args(sc->argv);
    const auto src = std::find_if(sc->argv.rbegin(), sc->argv.rend(),
                                  [](const std::string& a) { return fs::path(a).extension() == ".rs"; });
    if (src == sc->argv.rend()) return fail(fmt::format("{}: no .rs source in its rustc command", obj));
    k.source = fs::path(*src).is_absolute() ? *src : (kb / *src).lexically_normal().string();
    if (!k.rust_crate()) {
      k.modname = modinfo_module_name(kb / obj);
      if (k.modname.empty())
        return fail(fmt::format("{}: kbuild's object has no .modinfo naming its module (module! writes one)", obj));
    }
    return k;
  }
  k.source = sc->argv.back();
  if (!fs::path(k.source).is_absolute()) k.source = (tree.root / k.source).string();
  k.modname = modname_of(sc->argv);
  k.argv = userspace_flags(sc->argv, kb);
  return k;
}

// The tree's Rust crates, in dependency order (ffi exists from 6.13 on and
// in some stable backports), and the C helpers they call.
constexpr std::array kRustCrates = {"core", "compiler_builtins", "ffi", "build_error", "bindings", "uapi", "kernel"};

// Every object of the kernel side: phylib and the drivers (C and Rust, as
// kbuild built drivers/net/phy), the C side of each reference group, the
// lib/ files, and with Rust the tree's crates and rust/helpers.
Result<std::vector<KernelObject>> collect_objects(const LinuxTree& tree, const fs::path& kb, bool rust) {
  auto members = capture({{"ar", "t", (kb / "drivers/net/phy/built-in.a").string()}, {}, {}, {}});
  if (!members) return fail(fmt::format("cannot list drivers/net/phy/built-in.a: {}", members.error().message));
  std::vector<std::string> objs;
  std::istringstream ms(*members);
  for (std::string m; std::getline(ms, m);) {
    if (m.empty()) continue;
    fs::path p(m);
    objs.push_back(p.is_absolute() ? p.lexically_relative(kb).string() : m);
  }
  for (const auto& g : tree.groups) {
    const std::string obj = fs::path(g.c_source).replace_extension(".o").string();
    if (std::find(objs.begin(), objs.end(), obj) == objs.end() && fs::exists(cmd_file_of(kb, obj)))
      objs.push_back(obj);
  }
  for (const char* o : kLibObjects)
    if (fs::exists(cmd_file_of(kb, o))) objs.emplace_back(o);
  if (rust) {
    for (const char* o : {"rust/helpers/helpers.o", "rust/helpers.o"})
      if (fs::exists(cmd_file_of(kb, o))) objs.emplace_back(o);
    for (const char* c : kRustCrates) {
      const std::string o = fmt::format("rust/{}.o", c);
      if (fs::exists(cmd_file_of(kb, o))) objs.push_back(o);
    }
  }
  std::vector<KernelObject> out;
  for (const auto& o : objs) {
    auto k = kernel_object(tree, kb, o);
    if (!k) return std::unexpected(k.error());
    out.push_back(std::move(*k));
  }
  return out;
}

// The tree's .rs files a Rust object's .cmd file names: its source and the
// modules kbuild recorded as its dependencies.
std::set<std::string> rust_files_of(const fs::path& kb, const std::string& obj, const fs::path& root) {
  std::set<std::string> out;
  for (auto& f : cmd_tree_files(cmd_file_of(kb, obj), root))
    if (fs::path(f).extension() == ".rs") out.insert(std::move(f));
  return out;
}

// The tree's Rust sources kbuild compiled into rust/kernel.o and the other
// crates refdrv links (from the deps_ lists of their .cmd files).
std::vector<std::string> rust_sources_compiled(const LinuxTree& tree, const fs::path& kb) {
  std::set<std::string> files;
  for (const char* c : kRustCrates)
    if (std::string_view(c) != "core")  // Rust's library, not the kernel's
      files.merge(rust_files_of(kb, fmt::format("rust/{}.o", c), tree.root));
  return {files.begin(), files.end()};
}

std::string object_dir_name(const KernelObject& k) { return fs::path(k.path).parent_path().string(); }

// The metadata file rustc writes beside a crate's object (kbuild's layout).
std::string rmeta_of(const fs::path& obj_dir, const std::string& crate) {
  return (obj_dir / ("lib" + crate + ".rmeta")).string();
}

std::string crate_of(const KernelObject& k) { return fs::path(k.path).stem().string(); }

// The crates a Rust object uses: core and compiler_builtins (implicit, found
// through -L) and its --extern names.
std::vector<std::string> crate_deps(const KernelObject& k) {
  std::vector<std::string> deps;
  const std::string self = crate_of(k);
  if (self != "core") deps.emplace_back("core");
  if (self != "core" && self != "compiler_builtins") deps.emplace_back("compiler_builtins");
  for (std::size_t i = 0; i + 1 < k.argv.size(); ++i)
    if (k.argv[i] == "--extern") {
      std::string n = k.argv[i + 1];
      n = n.substr(0, n.find('='));
      if (std::find(deps.begin(), deps.end(), n) == deps.end()) deps.push_back(n);
    }
  return deps;
}

// The generated modules table: every object with its initcall, exitcall and
// modinfo sections, its module and its implementation (see emul/modules.h).
std::string modules_table(const BuiltKernel& b) {
  std::string table =
      "/* Generated by refdrv (kernel/kbuild.cpp) for this tree: do not edit.\n"
      " * Every kernel-side object with a module, and the sections its\n"
      " * initcalls, exitcalls and modinfo were renamed to. */\n"
      "#include <linux/kernel.h>\n#include \"modules.h\"\n#include \"refdrv_abi.h\"\n\n"
      "#define EMUL_SECTION_SYMBOL __weak __attribute__((visibility(\"hidden\")))\n";
  std::string entries;
  std::size_t n = 0;
  for (std::size_t i = 0; i < b.objects.size(); ++i) {
    const auto& k = b.objects[i];
    if (k.rust_crate()) continue;
    ++n;
    std::string ics;
    for (std::size_t l = 0; l < kInitcallLevels.size(); ++l) {
      table += fmt::format("extern initcall_entry_t __start_refdrv_ic_{0}_{1}[] EMUL_SECTION_SYMBOL, "
                           "__stop_refdrv_ic_{0}_{1}[] EMUL_SECTION_SYMBOL;\n",
                           l, i);
      ics += fmt::format("{{ __start_refdrv_ic_{0}_{1}, __stop_refdrv_ic_{0}_{1} }}, ", l, i);
    }
    table += fmt::format("extern const char __start_refdrv_mi_{0}[] EMUL_SECTION_SYMBOL, __stop_refdrv_mi_{0}[] "
                         "EMUL_SECTION_SYMBOL;\n"
                         "extern exitcall_t __start_refdrv_ex_{0}[] EMUL_SECTION_SYMBOL, __stop_refdrv_ex_{0}[] "
                         "EMUL_SECTION_SYMBOL;\n",
                         i);
    // A built-in Rust module has no exitcall section; module! names its
    // exit function __<name>_exit (weak: NULL if the name is not that).
    std::string rust_exit = "NULL";
    if (k.lang == Lang::kRust && !k.modname.empty()) {
      table += fmt::format("extern void __{}_exit(void) __weak;\n", k.modname);
      rust_exit = fmt::format("__{}_exit", k.modname);
    }
    const std::string source = tree_source(b.tree, k);
    const char* impl = k.kconfig.empty() ? "REFDRV_IMPL_NONE" : k.lang == Lang::kRust ? "REFDRV_IMPL_RUST" : "REFDRV_IMPL_C";
    entries += fmt::format(
        "\t{{ .modname = {}, .source = {}, .kconfig = {}, .impl = {}, .initcalls = {{ {}}},\n"
        "\t  .modinfo_start = __start_refdrv_mi_{}, .modinfo_stop = __stop_refdrv_mi_{},\n"
        "\t  .exit_start = __start_refdrv_ex_{}, .exit_stop = __stop_refdrv_ex_{}, .rust_exit = {} }},\n",
        c_string(k.modname), c_string(source),
        k.kconfig.empty() ? "NULL" : c_string(k.kconfig), impl, ics, i, i, i, i, rust_exit);
  }
  table += "\nconst struct emul_object emul_objects[] = {\n" + entries + "};\n";
  table += fmt::format("const unsigned int emul_nobjects = {};\n", n);
  return table;
}

// Section renames that give each object's initcalls, exitcalls and modinfo
// names of their own (modules_table refers to them by index).
std::string section_renames(std::size_t i) {
  std::string r;
  for (std::size_t l = 0; l < kInitcallLevels.size(); ++l)
    r += fmt::format(" --rename-section .initcall{}.init=refdrv_ic_{}_{}", kInitcallLevels[l], l, i);
  r += fmt::format(" --rename-section .exitcall.exit=refdrv_ex_{0} --rename-section .modinfo=refdrv_mi_{0}", i);
  // EXPORT_SYMBOL's records are for modpost; a PIC link has no use for them.
  r += " --remove-section=.export_symbol";
  return r;
}

struct NinjaPaths {
  fs::path data, gen, kb, hook;
};

// The file compiled for `k`: its overlay replacement, else its source.
std::optional<fs::path> overlay_of(const BuiltKernel& b, const KernelObject& k) {
  const auto it = b.overlay.find(tree_source(b.tree, k));
  if (it == b.overlay.end()) return std::nullopt;
  return it->second;
}

// ninja recompiles an object when its source's modification time is newer.
// A source replaced by an older file (cp -p, rsync -a, tar, a file moved
// in) keeps its old time, and ninja would keep the object of the code it
// replaced: a verdict on the wrong code. So each source's identity (device,
// inode, size, modification and status-change times) and the hash of its
// content are kept beside the build. A source whose identity changed is read
// again: where its content is not the one its object was compiled from, the
// object is removed first, so that ninja compiles it. The status-change time
// alone also moves when nothing in the file did (a hard link made to it, as
// `cp -al` makes a patched copy of a tree; chmod): the content says those
// objects are still the code's, and they are kept. What a source includes
// (headers, a crate's other files) stays ninja's to judge by the times in
// its dependency records.
constexpr const char* kSourceStamps = "sources.stamp";

// A stamp's object and the source file it stands for (an overlay's
// replacement where there is one), keyed by `key`.
struct StampedSource {
  fs::path object;
  std::string source, key;
};

// The objects compiled here and every source of each: a C object's file, a
// Rust crate's or driver's .rs files, each of its module files too (a crate's
// `rust/kernel/net/phy.rs` is compiled into `rust/kernel.o`, whose main
// source is `rust/kernel/lib.rs`: stamped by its main file alone, the crate
// was kept when `phy.rs` alone was replaced by an older file).
std::vector<StampedSource> compiled_sources(const BuiltKernel& b) {
  std::vector<StampedSource> out;
  for (const auto& k : b.objects) {
    if (b.inherited.contains(k.path)) continue;
    const fs::path object = b.build_dir / "obj" / k.path;
    const std::optional<fs::path> replaced = overlay_of(b, k);
    out.push_back({object, replaced ? replaced->string() : k.source, object.string()});
    if (k.lang == Lang::kC) continue;
    const std::string main = tree_source(b.tree, k);
    // kbuild's records name the files of the tree it was configured from:
    // the reused tree's, for a copy built on its configuration.
    for (const auto& rel : rust_files_of(b.kbuild_dir, k.path, b.reused_from.empty() ? b.tree.root : b.reused_from)) {
      if (rel == main) continue;
      const auto it = b.overlay.find(rel);
      out.push_back({object, it != b.overlay.end() ? it->second.string() : (b.tree.root / rel).string(),
                     object.string() + " " + rel});
    }
  }
  return out;
}

// Removes the objects whose source is no longer the one they were compiled
// from (by the stamps the last build left: {"stat": identity, "hash":
// content}); the stamps of now.
nlohmann::json forget_objects_of_replaced_sources(const BuiltKernel& b) {
  nlohmann::json before = nlohmann::json::object();
  if (auto text = read_file(b.build_dir / kSourceStamps)) {
    try {
      before = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception&) {
    }
  }
  nlohmann::json now = nlohmann::json::object();
  for (const auto& [object, source, key] : compiled_sources(b)) {
    const std::string stat = file_stamp(source);
    // The last build's stamp: {"stat", "hash"}, or the identity alone (a
    // string) from a build stamped before the content hashes.
    std::string was_stat, hash;
    if (const auto it = before.find(key); it != before.end() && it->is_string()) {
      was_stat = it->get<std::string>();
    } else if (it != before.end() && it->is_object()) {
      const auto st = it->find("stat"), h = it->find("hash");
      if (st != it->end() && st->is_string()) was_stat = st->get<std::string>();
      if (h != it->end() && h->is_string()) hash = h->get<std::string>();
    }
    // The same identity is the same file; another one keeps its object only
    // with the content the object was compiled from.
    const bool same_file = !stat.empty() && stat == was_stat;
    if (!same_file || hash.empty()) {
      const auto text = read_file(source);
      const std::string content = text ? hash_hex(*text) : std::string();
      std::error_code ec;
      if (content.empty() || (!same_file && content != hash)) fs::remove(object, ec);
      hash = content;
    }
    now[key] = {{"stat", stat}, {"hash", hash}};
  }
  return now;
}

// Whether every edge a failed ninja run names (its "FAILED: " lines) is
// refdrv's own: the emulation compiled against the tree's headers, a file
// it generated. Then the tree did not fail to build (check --commits does
// not blame a commit for it); where any of the tree's objects or the link
// failed, it may have.
}  // namespace

bool only_refdrvs_own_failed(const std::string& log, const fs::path& emul_dir, const fs::path& build_dir) {
  static const std::regex failed(R"(FAILED: (\S+))");
  const std::string emul = emul_dir.string() + "/", gen = (build_dir / "gen").string() + "/",
                    stubs = (build_dir / "stubs.o").string();
  bool any = false;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), failed); it != std::sregex_iterator(); ++it) {
    any = true;
    const std::string out = (*it)[1].str();
    if (out.rfind(emul, 0) != 0 && out.rfind(gen, 0) != 0 && out != stubs) return false;
  }
  return any;
}

namespace {

// build.ninja: every object recompiled for userspace, linked into one
// shared object with generated stubs for what nothing defines.
std::string build_ninja(const BuiltKernel& b, const BuildOptions& opt, const NinjaPaths& p,
                        const std::vector<std::string>& emul_argv) {
  std::string ninja = "# Generated by refdrv (kernel/kbuild.cpp): the userspace build of the kernel side.\n"
                      "ninja_required_version = 1.10\n\n";
  const std::string hook = ninja_value(shell_quote(p.hook.string()));
  ninja += "rule kcc\n  command = $cmd -include " + hook +
           " -MD -MF $out.d -c -o $out $in && objcopy $renames $out\n"
           "  depfile = $out.d\n  deps = gcc\n  description = CC $in\n\n";
  ninja += "rule ecc\n  command = $cmd -include " + hook +
           " -MD -MF $out.d -c -o $out $in\n  depfile = $out.d\n  deps = gcc\n  description = CC $in\n\n";
  // kbuild's rustc line, retargeted, run where kbuild runs it (relative
  // paths such as @./include/generated/rustc_cfg), with kbuild's
  // RUSTC_BOOTSTRAP. rustc's dep-info has `# env-dep:` comment lines that
  // ninja's depfile reader does not take.
  ninja += "rule krustc\n  command = cd " + ninja_value(shell_quote(p.kb.string())) +
           " && env RUSTC_BOOTSTRAP=1 $env $cmd $coverage -L $libdir --emit=dep-info=$out.d --emit=obj=$out "
           "--emit=metadata=$meta && sed -i '/^#/d' $out.d$post\n"
           "  depfile = $out.d\n  deps = gcc\n  description = RUSTC $in\n\n";
  ninja += "rule copy\n  command = cp $in $out\n  description = CP $out\n\n";
  ninja += "rule link\n  command = ln -sfn $in $out\n  description = LN $out\n\n";
  ninja += "rule ldr\n  command = ld -r -o $out $in\n  description = LD $out\n\n";
  ninja += "rule stubs\n  command = sh " + ninja_value(shell_quote((p.data / "emul/gen-stubs.sh").string())) +
           " $in $out $out.args\n  description = STUBS $out\n\n";
  ninja += "rule scc\n  command = gcc -O2 -fPIC -ffreestanding -fno-builtin -nostdinc -c -o $out $in\n"
           "  description = CC $in\n\n";
  ninja += "rule so\n  command = gcc -shared -nostdlib -Wl,--version-script=" +
           ninja_value(shell_quote((p.gen / "refdrv.map").string())) +
           " -Wl,-T," + ninja_value(shell_quote((p.data / "emul/once.lds").string())) +
           " -Wl,-z,defs -Wl,--build-id -o $out $in @$args -lgcc\n  description = LINK $out\n\n";
  // Function symbols as `nm -n` would list them (readelf reads newer
  // rustc's objects, the installed nm does not).
  ninja += "rule syms\n  command = readelf -sW $in | awk '$$4 == \"FUNC\" && $$7 != \"UND\" { print $$2, \"t\", $$8 }' "
           "| sort > $out\n  description = SYMS $out\n\n";
  // Where the image executes cli/sti (the kernel's irqsave primitives):
  // patched to nops at load (host/kernel_gate.hpp).
  ninja += "rule irqsites\n  command = objdump -d --no-show-raw-insn $in | "
           "awk '$$2 == \"cli\" || $$2 == \"sti\" { sub(\":\", \"\", $$1); print $$1 }' > $out\n"
           "  description = IRQSITES $out\n\n";

  const fs::path objdir = b.build_dir / "obj";
  // The crates' metadata, where rustc finds it (-L): the crates compiled
  // here write theirs; an inherited crate's is a link to the earlier
  // build's, and the proc-macro library is kbuild's.
  const fs::path rust_libdir = objdir / "rust";
  std::set<std::string> lib_entries;
  const auto lib_input = [&](const std::string& crate) {
    if (crate == "macros") {
      const std::string so = (rust_libdir / "libmacros.so").string();
      if (lib_entries.insert(so).second)
        ninja += fmt::format("build {}: copy {}\n", ninja_path(so), ninja_path((p.kb / "rust/libmacros.so").string()));
      return so;
    }
    const std::string meta = rmeta_of(rust_libdir, crate);
    const auto it = b.inherited.find(fmt::format("rust/{}.o", crate));
    if (it != b.inherited.end() && lib_entries.insert(meta).second)
      ninja += fmt::format("build {}: link {}\n", ninja_path(meta),
                           ninja_path(rmeta_of(it->second.parent_path(), crate)));
    return meta;
  };
  // rustc also reads the metadata of the crates a crate uses (kernel's
  // bindings, uapi, ...): with any Rust object compiled here, every crate's
  // is in the directory.
  std::set<std::string> inherited_libs;  // inputs of every rustc edge
  if (std::any_of(b.objects.begin(), b.objects.end(),
                  [&](const KernelObject& k) { return k.lang == Lang::kRust && !b.inherited.contains(k.path); })) {
    for (const auto& k : b.objects)
      if (k.rust_crate() && b.inherited.contains(k.path)) inherited_libs.insert(lib_input(crate_of(k)));
    inherited_libs.insert(lib_input("macros"));
  }
  std::vector<std::string> link_inputs;
  for (std::size_t i = 0; i < b.objects.size(); ++i) {
    const auto& k = b.objects[i];
    const std::string out = (objdir / k.path).string();
    if (const auto it = b.inherited.find(k.path); it != b.inherited.end()) {
      link_inputs.push_back(it->second.string());
      continue;
    }
    const std::optional<fs::path> replaced = overlay_of(b, k);
    const std::string source = replaced ? replaced->string() : k.source;
    const bool phy_dir = k.path.rfind(kCoveredDir, 0) == 0;
    const bool covered = opt.coverage && instrumented_for_coverage(k.path);
    if (k.lang == Lang::kC) {
      std::vector<std::string> argv = k.argv;
      // The store hooks: phylib and the C drivers, in every build.
      if (phy_dir) argv.insert(argv.begin() + 1, kStoreHookFlags.begin(), kStoreHookFlags.end());
      if (covered) argv.insert(argv.begin() + 1, kCoverageFlag);
      // A replacement elsewhere still finds the headers beside the original.
      if (replaced) argv.push_back("-iquote" + fs::path(k.source).parent_path().string());
      ninja += fmt::format("build {}: kcc {}\n  cmd = {}\n  renames = {}\n", ninja_path(out), ninja_path(source),
                           ninja_value(join_quoted(argv)), ninja_value(section_renames(i)));
      link_inputs.push_back(out);
      continue;
    }
    std::set<std::string> inputs = inherited_libs;
    for (const auto& d : crate_deps(k)) inputs.insert(lib_input(d));
    std::string deps;
    for (const auto& in : inputs) deps += " " + ninja_path(in);
    std::string post;
    for (auto cmd : k.post) {
      std::replace(cmd.begin(), cmd.end(), std::string("$out"), out);
      post += " && " + join_quoted(cmd);
    }
    if (!k.rust_crate()) post += " && objcopy" + section_renames(i) + " " + shell_quote(out);
    const std::string meta = rmeta_of(objdir / object_dir_name(k), crate_of(k));
    std::vector<std::string> argv = k.argv;
    if (replaced) std::replace(argv.begin(), argv.end(), k.source, source);
    ninja += fmt::format("build {} | {}: krustc {} |{}\n  cmd = {}\n  env = {}\n  libdir = {}\n  meta = {}\n"
                         "  post = {}\n  coverage = {}\n",
                         ninja_path(out), ninja_path(meta), ninja_path(source), deps, ninja_value(join_quoted(argv)),
                         ninja_value(join_quoted(k.env)), ninja_value(shell_quote(rust_libdir.string())),
                         ninja_value(shell_quote(meta)), ninja_value(post), covered ? kRustCoverageFlags : "");
    link_inputs.push_back(out);
  }
  std::vector<std::string> emul_sources;
  for (const auto& e : fs::directory_iterator(p.data / "emul"))
    if (e.path().extension() == ".c") emul_sources.push_back(e.path().string());
  std::sort(emul_sources.begin(), emul_sources.end());
  emul_sources.push_back((p.gen / "modules_table.c").string());
  for (const auto& src : emul_sources) {
    const fs::path obj = fs::path(src).filename().replace_extension(".o");
    if (!b.base_build_dir.empty()) {  // the same emulation and modules table as the earlier build's
      link_inputs.push_back((b.emul_dir / obj).string());
      continue;
    }
    const std::string out = (b.emul_dir / obj).string();
    ninja += fmt::format("build {}: ecc {}\n  cmd = {}\n", ninja_path(out), ninja_path(src),
                         ninja_value(join_quoted(emul_argv)));
    link_inputs.push_back(out);
  }
  std::string all_inputs;
  for (const auto& i : link_inputs) all_inputs += " " + ninja_path(i);
  const std::string all = (b.build_dir / "all.o").string();
  const std::string stubs_c = (p.gen / "stubs.c").string();
  const std::string stubs_o = (b.build_dir / "stubs.o").string();
  ninja += fmt::format("build {}: ldr{}\n", ninja_path(all), all_inputs);
  ninja += fmt::format("build {} | {}.args: stubs {} | {}\n", ninja_path(stubs_c), ninja_path(stubs_c),
                       ninja_path(all), ninja_path((p.data / "emul/gen-stubs.sh").string()));
  ninja += fmt::format("build {}: scc {}\n", ninja_path(stubs_o), ninja_path(stubs_c));
  ninja += fmt::format("build {}: so {} {} | {}.args {} {}\n  args = {}.args\n", ninja_path(b.object.string()),
                       ninja_path(all), ninja_path(stubs_o), ninja_path(stubs_c),
                       ninja_path((p.gen / "refdrv.map").string()), ninja_path((p.data / "emul/once.lds").string()),
                       ninja_value(stubs_c));
  ninja += fmt::format("build {}: syms {}\n", ninja_path(b.symbols.string()), ninja_path(b.object.string()));
  ninja += fmt::format("build {}: irqsites {}\n", ninja_path((b.build_dir / kIrqSites).string()),
                       ninja_path(b.object.string()));
  ninja += fmt::format("default {} {}\n", ninja_path(b.symbols.string()), ninja_path((b.build_dir / kIrqSites).string()));
  return ninja;
}

// The Rust drivers of the tree (.rs objects of drivers/net/phy).
bool tree_has_rust_drivers(const LinuxTree& tree) {
  for (const auto& [obj, kconfig] : tree.object_kconfig)
    if (fs::exists(tree.root / fs::path(obj).replace_extension(".rs"))) return true;
  return false;
}

}  // namespace

std::vector<std::string> userspace_flags(const std::vector<std::string>& in, const fs::path& kb) {
  static constexpr std::array kDropPrefixes = {
      "-mcmodel=",        "-mpreferred-stack-boundary", "-mskip-rax-setup", "-mindirect-branch",
      "-mfunction-return", "-mharden-sls",             "-fpatchable-function-entry", "-fstack-protector",
      "-mstack-protector-guard", "-mrecord-mcount",    "-Wp,-MMD",          "-Wp,-MD",
  };
  static constexpr std::array kDropExact = {"-fno-PIE", "-pg", "-mfentry", "-mretpoline-external-thunk", "-c"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < in.size(); ++i) {  // the last word is the source
    const std::string& a = in[i];
    if (a == "-o") {
      ++i;
      continue;
    }
    if (std::any_of(kDropExact.begin(), kDropExact.end(), [&](const char* d) { return a == d; })) continue;
    if (std::any_of(kDropPrefixes.begin(), kDropPrefixes.end(), [&](const char* p) { return a.rfind(p, 0) == 0; }))
      continue;
    if (a.rfind("-I", 0) == 0 && a.size() > 2 && a[2] != '/') {
      out.push_back("-I" + (kb / a.substr(2)).lexically_normal().string());
      continue;
    }
    if (a == "-include" && i + 2 < in.size() && !in[i + 1].empty() && in[i + 1][0] != '/') {
      out.push_back(a);
      out.push_back((kb / in[++i]).lexically_normal().string());
      continue;
    }
    out.push_back(a);
  }
  out.insert(out.begin() + 1, {"-fPIC", "-mcmodel=small"});
  return out;
}

std::vector<std::string> rust_userspace_args(const std::vector<std::string>& in) {
  static constexpr std::array kDropPrefixes = {"--target=", "-Ctarget-feature=", "-Ztune-cpu=", "-Cno-redzone",
                                               "-Ccode-model=", "-Crelocation-model=", "--emit=", "--out-dir=",
                                               "-Zcf-protection", "-Zpatchable-function-entry"};
  // Options that take the next word as their value.
  static constexpr std::array kDropWithValue = {"--target", "--out-dir", "-L", "--emit"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::string& a = in[i];
    if (std::any_of(kDropWithValue.begin(), kDropWithValue.end(), [&](const char* d) { return a == d; })) {
      ++i;
      continue;
    }
    if (a.rfind("-L", 0) == 0) continue;
    if (std::any_of(kDropPrefixes.begin(), kDropPrefixes.end(), [&](const char* p) { return a.rfind(p, 0) == 0; }))
      continue;
    out.push_back(a);
  }
  out.insert(out.begin() + 1, {"--target=x86_64-unknown-linux-gnu", "-Crelocation-model=pic"});
  return out;
}

std::string tree_source(const LinuxTree& tree, const KernelObject& k) {
  return fs::path(k.source).lexically_relative(tree.root).string();
}

const KernelObject* object_built_from(const BuiltKernel& b, const std::string& rel) {
  const auto it = std::find_if(b.objects.begin(), b.objects.end(),
                               [&](const KernelObject& k) { return tree_source(b.tree, k) == rel; });
  return it == b.objects.end() ? nullptr : &*it;
}

fs::path object_file(const BuiltKernel& b, const std::string& obj) {
  const auto it = b.inherited.find(obj);
  return it != b.inherited.end() ? it->second : b.build_dir / "obj" / obj;
}

namespace {

// The tree's files that go into `k` and that refdrv compiles itself: a C
// object's source; a Rust crate's or driver's .rs files in the tree.
std::set<std::string> own_sources_of(const LinuxTree& tree, const fs::path& kb, const KernelObject& k) {
  if (k.lang == Lang::kC) return {tree_source(tree, k)};
  std::set<std::string> out = rust_files_of(kb, k.path, tree.root);
  out.insert(tree_source(tree, k));
  return out;
}

// Records what the configured tree `kb` was made from, once, as
// configured_tree finishes a configure (see kernel/tree_record.hpp).
// Without a record the next run configures the tree again
// (changed_since_configured), so one that cannot be made is said (a warning
// on stderr, whatever --quiet says): every run would pay the configure,
// unexplained. The record is the tree as it is now, after the configure: a
// recorded file modified since the configure started (an edit, a `git
// checkout` while kbuild ran) may differ from what kbuild read, so then
// there is no record either, and the next run configures again. A file
// whose status changed then but whose identity is the one `at_start` took
// as the configure started was not written: a `cp -al` copy of the tree
// made meanwhile (the tests make theirs so) left each configuration being
// made without a record, to be configured again by the next run that used
// it (reproduced on 2026-12-06 with such a copy made during `refdrv
// drivers`: the build with every PHY driver, configured again in place).
void ensure_record(const LinuxTree& tree, const fs::path& kb, const std::string& config_id,
                   const std::vector<KernelObject>& objects, const FileIdentities& at_start) {
  const fs::path file = kb.parent_path() / kRecordFile;
  if (fs::exists(file)) return;
  OwnSources own;
  for (const auto& k : objects)
    for (const auto& src : own_sources_of(tree, kb, k)) own[src].insert(cmd_file_of({}, k.path));
  auto rec = record_tree(tree.root, kb, own);
  Result<void> written = rec ? Result<void>{} : std::unexpected(rec.error());
  if (rec) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const auto started = file_state(kb.parent_path() / kStartedFile);
    if (!started) {
      written = fail(fmt::format("{} is missing: when the configure started is unknown", kStartedFile));
    } else if (auto edited =
                   modified_between(*rec, started->mtime_ns,
                                    static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec, at_start)) {
      written = fail(fmt::format("{} changed while the tree was being configured", *edited));
    } else {
      rec->version = tree.version;
      rec->config_key = hash_hex(config_id);
      written = write_file(file, format_record(*rec));
    }
  }
  if (!written)
    fmt::print(stderr,
               "refdrv: warning: the record of what {} was configured from could not be made ({}): the next run "
               "configures it again\n",
               tree.root.string(), written.error().message);
}

// Another tree of the same version configured for `config_id` whose
// recorded files `tree` has unchanged, with the record it was matched
// against. Debian's packages unpacked in refdrv's cache first, then the
// cache's other trees (check --commits' checkouts), then any other; among
// equals, the first path in order, so the choice does not depend on the
// order the directory lists them in. (A checkout configured by check
// --commits is under the cache too, and was taken over Debian's tree
// whenever the directory listed it first.)
struct Reusable {
  fs::path root;
  std::string record;  // the record's text
};

std::optional<Reusable> find_reusable(const LinuxTree& tree, const std::string& config_id) {
  const std::string key = hash_hex(config_id);
  const auto rank = [](const fs::path& root) {
    const std::string r = root.string();
    if (r.rfind((cache_root() / "trees").string() + "/", 0) == 0) return 0;
    return r.rfind(cache_root().string() + "/", 0) == 0 ? 1 : 2;
  };
  std::optional<Reusable> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache_root() / "configured", ec)) {
    if (e.path().filename().string().rfind(tree.version + "-", 0) != 0) continue;
    if (!fs::exists(e.path() / kStampFile)) continue;
    auto text = read_file(e.path() / kRecordFile);
    if (!text) continue;
    auto rec = parse_record(*text);
    if (!rec || rec->config_key != key || rec->root == tree.root || !fs::is_directory(rec->root)) continue;
    if (found && std::pair(rank(rec->root), rec->root) >= std::pair(rank(found->root), found->root)) continue;
    bool refreshed = false;
    if (first_difference(*rec, tree.root, refreshed)) continue;
    found = Reusable{rec->root, std::move(*text)};
  }
  return found;
}

}  // namespace

// A match must end the word or be followed by '/', and be where a path
// starts: nothing path-like before it since the word's start or the last
// separator (':', '=', ',', '@'), so "/b/a/linux" is not the root /a/linux.
std::string reroot_word(const std::string& s, const std::string& from, const std::string& to) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t hit; (hit = s.find(from, pos)) != std::string::npos;) {
    const std::size_t end = hit + from.size();
    const bool ends_path = end == s.size() || s[end] == '/';
    const std::size_t sep = s.find_last_of(":=,@", hit == 0 ? 0 : hit - 1);
    const std::size_t segment = hit == 0 || sep == std::string::npos ? 0 : sep + 1;
    const bool starts_path = s.find('/', segment) == hit;
    if (ends_path && starts_path) {
      out += s.substr(pos, hit - pos) + to;
    } else {
      out += s.substr(pos, end - pos);
    }
    pos = end;
  }
  return out + s.substr(pos);
}

namespace {

KernelObject rerooted(KernelObject k, const std::string& from, const std::string& to) {
  k.source = reroot_word(k.source, from, to);
  for (auto& a : k.argv) a = reroot_word(a, from, to);
  for (auto& a : k.env) a = reroot_word(a, from, to);
  for (auto& cmd : k.post)
    for (auto& a : cmd) a = reroot_word(a, from, to);
  return k;
}

// ---- 2-3 for a build: generated files, build.ninja, ninja ----
// The build directory of a build whose identity is `identity`.
fs::path build_dir_of(const LinuxTree& tree, const std::string& identity) {
  return cache_root() / "builds" / (tree.version + "-" + hash_hex(identity));
}

// The identity of the build of `tree` configured in `kb` (build_kernel's).
std::string build_identity(const LinuxTree& tree, const fs::path& kb, const fs::path& data, bool coverage) {
  return tree.root.string() + "\n" + tree.version + "\n" + kb.string() + "\n" + kRecipeVersion + data.string() +
         (coverage ? "\ncoverage" : "");
}

// The Rust library crates (core, compiler_builtins, build_error: no
// bindings, no option of the configuration in their code) that the build
// with every PHY driver links from the default build it was configured
// from (`seed_kb`), instead of compiling them again: core alone is 26
// CPU-seconds, a third of that build (2026-12-06). A crate is taken where
// all of these hold, else it is compiled here as before:
//  - kbuild left its object alone in the copy of the seed (the same
//    modification time and size): it judged that no changed option reaches
//    it, as it does in any incremental kernel build after a configuration
//    change;
//  - its compile line, environment and post-processing are the seed's but
//    for the configured tree's directory, and are what the default build's
//    build.ninja compiles it with;
//  - ninja says the default build's object is up to date (ninja -n);
//  - every crate it uses is taken too (one core for all).
void inherit_library_crates(BuiltKernel& b, const fs::path& seed_kb, const fs::path& data, const BuildOptions& opt) {
  static constexpr std::array kLibraryCrates = {"core", "compiler_builtins", "build_error"};
  const fs::path parent = build_dir_of(b.tree, build_identity(b.tree, seed_kb, data, false));
  auto ninja_file = read_file(parent / "build.ninja");
  if (!ninja_file) return;
  auto lock = FileLock::acquire(parent / ".lock");
  if (!lock) return;
  std::vector<std::string> taken;         // crate names
  std::map<std::string, fs::path> found;  // object path -> the default build's object
  // The object kbuild has in the copy is the seed's: cp -a kept its
  // modification time, which a compile would have moved.
  const auto left_alone = [&](const std::string& obj) {
    struct stat mine {};
    struct stat seeds {};
    return ::stat((b.kbuild_dir / obj).c_str(), &mine) == 0 && ::stat((seed_kb / obj).c_str(), &seeds) == 0 &&
           mine.st_size == seeds.st_size && mine.st_mtim.tv_sec == seeds.st_mtim.tv_sec &&
           mine.st_mtim.tv_nsec == seeds.st_mtim.tv_nsec;
  };
  for (const auto& k : b.objects) {
    if (!k.rust_crate() || std::find(kLibraryCrates.begin(), kLibraryCrates.end(), crate_of(k)) == kLibraryCrates.end())
      continue;
    const auto deps = crate_deps(k);
    if (!std::all_of(deps.begin(), deps.end(),
                     [&](const std::string& d) { return std::find(taken.begin(), taken.end(), d) != taken.end(); }))
      continue;
    if (!left_alone(k.path)) continue;
    auto seed_k = kernel_object(b.tree, seed_kb, k.path);
    if (!seed_k) continue;
    const KernelObject as_here = rerooted(*seed_k, seed_kb.string(), b.kbuild_dir.string());
    if (as_here.argv != k.argv || as_here.env != k.env || as_here.post != k.post || as_here.source != k.source)
      continue;
    const std::string edge = fmt::format("build {} | ", ninja_path((parent / "obj" / k.path).string()));
    const std::string lines = fmt::format("\n  cmd = {}\n  env = {}\n", ninja_value(join_quoted(seed_k->argv)),
                                          ninja_value(join_quoted(seed_k->env)));
    const auto at = ninja_file->find(edge);
    if (at == std::string::npos || ninja_file->find(lines, at) != ninja_file->find('\n', at)) continue;
    taken.push_back(crate_of(k));
    found[k.path] = parent / "obj" / k.path;
  }
  if (found.empty()) return;
  std::vector<std::string> argv = {"ninja", "-C", parent.string(), "-n"};
  for (const auto& [path, object] : found) argv.push_back(object.string());
  auto dry = capture({argv, {}, {}, {}});
  if (!dry || dry->find("no work to do") == std::string::npos) return;
  for (const auto& [path, object] : found) b.inherited[path] = object;
  opt.progress(fmt::format("linking the Rust crate{} {} of the default build in {} (kbuild left {} alone)",
                           taken.size() == 1 ? "" : "s", fmt::join(taken, ", "), parent.string(),
                           taken.size() == 1 ? "it" : "them"));
}

Result<BuiltKernel> compile_and_link(BuiltKernel b, const BuildOptions& opt, const fs::path& data,
                                     const std::string& identity) {
  b.key = hash_hex(identity);
  b.build_dir = build_dir_of(b.tree, identity);
  b.object = b.build_dir / "libkernel.so";
  b.symbols = b.build_dir / "kernel.syms";
  if (b.emul_dir.empty()) b.emul_dir = b.build_dir / "emul";
  const fs::path log = b.build_dir / "build.log";
  auto lock = FileLock::acquire(b.build_dir / ".lock");
  if (!lock) return std::unexpected(lock.error());
  // The builds whose objects this one links (a reused configuration's, the
  // default build's library crates) are held too, so that another refdrv
  // process cannot rebuild one of them between the choice of its objects
  // and the link: the link would take the other tree's object. Always taken
  // after this build's own lock, and a build never takes the lock of one
  // that links it: no two processes wait for each other.
  std::set<fs::path> parents;
  for (const auto& [path, object] : b.inherited) {
    const std::string o = object.string();
    if (const auto at = o.rfind("/obj/" + path); at != std::string::npos) parents.insert(fs::path(o.substr(0, at)));
  }
  parents.erase(b.build_dir);
  std::vector<FileLock> parent_locks;
  for (const auto& parent : parents) {
    auto held = FileLock::acquire(parent / ".lock");
    if (!held) return std::unexpected(held.error());
    parent_locks.push_back(std::move(*held));
  }

  const fs::path gen = b.build_dir / "gen";
  if (auto w = write_file(gen / "modules_table.c", modules_table(b)); !w) return std::unexpected(w.error());
  // The entry point, and the store hooks' count (KernelImage::store_hook_hits).
  if (auto w = write_file(gen / "refdrv.map", "/* Generated by refdrv: only the entry point and one count are global. */\n"
                                              "{ global: refdrv_kernel_entry; refdrv_store_hook_hits; local: *; };\n");
      !w)
    return std::unexpected(w.error());

  // Emulation objects: phy.o's command line with refdrv's include paths.
  const auto phy = std::find_if(b.objects.begin(), b.objects.end(),
                                [](const KernelObject& k) { return k.path == "drivers/net/phy/phy.o"; });
  if (phy == b.objects.end()) return fail("kbuild did not build drivers/net/phy/phy.o: is CONFIG_PHYLIB=y?");
  std::vector<std::string> emul_argv;
  for (const auto& a : phy->argv)
    if (a.rfind("-DKBUILD_", 0) != 0 && a.rfind("-D__KBUILD_", 0) != 0) emul_argv.push_back(a);
  for (const char* a : {"-Werror", "-DKBUILD_MODNAME=\"refdrv_emul\"", "-DKBUILD_BASENAME=\"refdrv_emul\"",
                        "-D__KBUILD_MODNAME=kmod_refdrv_emul"})
    emul_argv.emplace_back(a);
  emul_argv.push_back("-I" + (data / "emul").string());
  emul_argv.push_back("-I" + (data / "abi").string());

  const NinjaPaths paths{data, gen, b.kbuild_dir, data / "emul/lockdep_hook.h"};
  if (auto w = write_file(b.build_dir / "build.ninja", build_ninja(b, opt, paths, emul_argv)); !w)
    return std::unexpected(w.error());

  // Written before the build: an object that is there was compiled from
  // the content its stamp has now (one of another content was removed), or
  // ninja compiles it from that content. Kept from before a build that
  // failed, a stamp would name the content of the build before it, and a
  // source put back to that content (with an older time) would keep an
  // object the failed build compiled from the other.
  const nlohmann::json stamps = forget_objects_of_replaced_sources(b);
  if (auto w = write_file(b.build_dir / kSourceStamps, stamps.dump(1)); !w) return std::unexpected(w.error());
  // A dry run first: an up-to-date build stays silent, and is not run
  // again (the build directory's lock is held: nothing of it changes).
  const auto dry = capture(Command{{"ninja", "-C", b.build_dir.string(), "-n"}, {}, {}, {"LC_ALL=C"}});
  const bool up_to_date = dry && dry->find("ninja: no work to do.") != std::string::npos;
  if (!up_to_date)
    opt.progress(fmt::format("building the kernel side for Linux {} ({})", b.tree.version, b.build_dir.string()));
  const std::string jobs = fmt::format("-j{}", opt.jobs > 0 ? opt.jobs : default_jobs());
  // This build's log alone: the log of every earlier build of this
  // directory was kept ahead of it, and a failure's last lines showed the
  // error an earlier run had (fixed since) first.
  if (!up_to_date) {
    std::error_code ec;
    fs::remove(log, ec);
  }
  if (auto r = up_to_date ? Result<void>()
                          : run_logged(Command{{"ninja", "-C", b.build_dir.string(), jobs}, {}, log, {"LC_ALL=C"}},
                                       "building the kernel side");
      !r) {
    if (auto text = read_file(log); text && only_refdrvs_own_failed(*text, b.emul_dir, b.build_dir))
      return fail(r.error().message +
                  "\nOnly refdrv's own emulation failed to compile against this tree's headers: refdrv cannot host "
                  "this tree yet; that says nothing of the tree's own build.");
    return std::unexpected(r.error());
  }

  if (auto stubs = read_file(gen / "stubs.c")) {
    std::istringstream in(*stubs);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("void ", 0) == 0 && line.find(';') == line.size() - 1 && line.find("(void);") != std::string::npos)
        b.stubbed.push_back(line.substr(5, line.find('(') - 5));
  }
  if (auto w = write_file(b.build_dir / kManifest, manifest_json(b)); !w) return std::unexpected(w.error());
  return b;
}

// A build of `tree` from the build `parent` (of the same tree with an
// overlay, of the tree whose configuration `tree` reuses, or the same build
// without coverage): it compiles the replaced sources, the sources that
// differ from the parent's tree, with coverage over a parent without it the
// objects coverage instruments, and every Rust crate or driver that uses a
// crate compiled here, and links the parent's other objects.
Result<BuiltKernel> derived_build(const BuiltKernel& parent, const LinuxTree& tree,
                                  const std::map<std::string, fs::path>& overlay, const std::string& overlay_identity,
                                  const BuildOptions& opt, const fs::path& data) {
  BuiltKernel b;
  b.tree = tree;
  b.coverage = opt.coverage;
  b.store_hooks = true;  // every build since refdrv-recipe-3
  b.kbuild_dir = parent.kbuild_dir;
  b.rust = parent.rust;
  b.rust_note = parent.rust_note;
  b.rust_declared = parent.rust_declared;
  b.rust_drivers = parent.rust_drivers;
  b.rust_sources = parent.rust_sources;
  b.overlay = overlay;
  b.base_build_dir = parent.build_dir;
  b.emul_dir = parent.emul_dir;
  b.reused_from = parent.reused_from;
  const bool rerooting = tree.root != parent.tree.root;
  if (rerooting) b.reused_from = parent.tree.root;
  std::set<std::string> compiled;  // object paths
  std::set<std::string> differing;
  for (const auto& pk : parent.objects) {
    KernelObject k = rerooting ? rerooted(pk, parent.tree.root.string(), tree.root.string()) : pk;
    bool here = overlay.contains(tree_source(tree, k));
    if (opt.coverage && !parent.coverage && instrumented_for_coverage(k.path)) here = true;
    if (rerooting)
      for (const auto& rel : own_sources_of(parent.tree, b.kbuild_dir, pk))
        // A source outside the tree (the toolchain's `core`, named relative
        // to the base) is the one file for both: it is no difference of
        // this tree's. (Appended to a tree deeper in the file system than
        // the base it named nothing, so `core` and every crate on it were
        // compiled again.)
        if (!rel.starts_with("../") && !same_content(parent.tree.root / rel, tree.root / rel)) {
          differing.insert(rel);
          here = true;
        }
    if (here) compiled.insert(k.path);
    b.objects.push_back(std::move(k));
  }
  // A Rust crate or driver that uses a crate compiled here is compiled here.
  for (bool more = true; more;) {
    more = false;
    for (const auto& k : b.objects) {
      if (k.lang != Lang::kRust || compiled.contains(k.path)) continue;
      for (const auto& d : crate_deps(k))
        if (compiled.contains(fmt::format("rust/{}.o", d))) {
          compiled.insert(k.path);
          more = true;
          break;
        }
    }
  }
  for (const auto& k : b.objects)
    if (!compiled.contains(k.path)) b.inherited[k.path] = object_file(parent, k.path);
  b.differing_sources.assign(differing.begin(), differing.end());
  if (rerooting)
    opt.progress(fmt::format("reusing the configuration of Linux {} at {}: this tree differs from it in {} "
                             "source{} refdrv compiles ({}); {} object{} to compile",
                             tree.version, parent.tree.root.string(), differing.size(), differing.size() == 1 ? "" : "s",
                             differing.empty() ? "none" : fmt::format("{}", fmt::join(differing, ", ")),
                             compiled.size(), compiled.size() == 1 ? "" : "s"));
  const std::string identity = tree.root.string() + "\n" + tree.version + "\n" + b.kbuild_dir.string() + "\n" +
                               kRecipeVersion + data.string() + (opt.coverage ? "\ncoverage" : "") +
                               overlay_identity + "\nderived from " + parent.build_dir.string();
  return compile_and_link(std::move(b), opt, data, identity);
}

// How build_kernel configures `tree`: with the Rust fragment when the tree
// declares Rust drivers and a toolchain it accepts is there, and the
// identity of the configuration it tries first.
struct ConfigurationPlan {
  bool rust_declared = false;
  RustToolchain rust;
  std::optional<std::string> rust_fragment;  // refdrv.config + the Rust fragment
  std::string first_id;
};

Result<ConfigurationPlan> plan_configuration(const LinuxTree& tree, const fs::path& data, const std::string& fragment,
                                             const std::string& tail = "") {
  ConfigurationPlan p;
  p.rust_declared = tree_has_rust_drivers(tree);
  if (p.rust_declared) {
    p.rust = find_rust_toolchain(tree);
    if (p.rust.usable()) {
      auto rf = rust_fragment(tree, data);
      if (!rf) return std::unexpected(rf.error());
      p.rust_fragment = fragment + *rf + tail;
    }
  }
  p.first_id = p.rust_fragment ? config_identity(tree, data, *p.rust_fragment, &p.rust)
                               : config_identity(tree, data, fragment + tail, nullptr);
  return p;
}

}  // namespace

namespace {
// Whether `tree` has a configuration of its own for `config_id` that is
// up to date with it.
bool own_configuration_current(const LinuxTree& tree, const std::string& config_id) {
  const fs::path dir = configured_dir(tree, config_id);
  return fs::exists(dir / kStampFile) && !changed_since_configured(dir, tree.root);
}
}  // namespace

std::optional<fs::path> reusable_configuration(const LinuxTree& tree) {
  const fs::path data = data_dir();
  auto fragment = base_fragment(tree, data);
  if (!fragment) return std::nullopt;
  auto plan = plan_configuration(tree, data, *fragment);
  if (!plan || own_configuration_current(tree, plan->first_id)) return std::nullopt;
  const auto found = find_reusable(tree, plan->first_id);
  if (!found) return std::nullopt;
  return found->root;
}

namespace {

Result<void> require_build_tools() {
  for (const char* tool : {"make", "gcc", "ld", "nm", "objcopy", "readelf", "ninja", "flex", "bison", "bc"})
    if (!on_path(tool))
      return fail(fmt::format("`{}` is not installed; the per-tree build needs it. Install the build dependencies "
                              "with: sudo apt-get install build-essential flex bison bc libelf-dev ninja-build",
                              tool));
  return {};
}

// The tree's own build first, then a derived one with the overlay's files
// compiled instead of the tree's and linked with its other objects.
Result<BuiltKernel> build_with_overlay(const LinuxTree& tree, const BuildOptions& opt, const fs::path& data) {
  BuildOptions base_opt = opt;
  base_opt.overlay.clear();
  auto base = build_kernel(tree, base_opt);
  if (!base) return std::unexpected(base.error());
  std::map<std::string, fs::path> overlay;
  std::string overlay_identity;  // each replacement's path and content, for the build key
  for (const auto& [rel, file] : opt.overlay) {
    if (!object_built_from(*base, rel))
      return fail(fmt::format("{} is not the source of an object refdrv builds for the kernel side of Linux {} "
                              "(phylib, the PHY drivers, the Rust crates): only those can be replaced",
                              rel, tree.version));
    const auto text = read_file(file);
    if (!text) return fail(fmt::format("cannot read {}, the replacement for {}", file.string(), rel));
    overlay[rel] = fs::absolute(file);
    overlay_identity += fmt::format("\noverlay {} {}", rel, hash_hex(*text));
  }
  return derived_build(*base, tree, overlay, overlay_identity, opt, data);
}

// A tree never configured reuses the configuration of one whose record it
// matches: the build derived from that base, or nothing (configure this one).
std::optional<Result<BuiltKernel>> build_on_reused_configuration(const LinuxTree& tree, const std::string& config_key,
                                                         const BuildOptions& opt, const fs::path& data) {
  const auto reusable = find_reusable(tree, config_key);
  if (!reusable) return std::nullopt;
  // The base is brought up to date first; if that changed its record, this
  // tree must still match the new one.
  const auto base = [&]() -> Result<BuiltKernel> {
    auto base_tree = open_tree(reusable->root, "the tree whose configuration is reused");
    if (!base_tree) return std::unexpected(base_tree.error());
    BuildOptions base_opt = opt;
    base_opt.reuse_configured = false;
    auto parent = build_kernel(*base_tree, base_opt);
    if (!parent) return parent;
    auto text = read_file(parent->kbuild_dir.parent_path() / kRecordFile);
    if (!text) return std::unexpected(text.error());
    if (*text == reusable->record) return parent;
    auto rec = parse_record(*text);
    if (!rec) return std::unexpected(rec.error());
    bool refreshed = false;
    if (rec->config_key != hash_hex(config_key) || first_difference(*rec, tree.root, refreshed))
      return fail("it changed while it was brought up to date");
    return parent;
  }();
  if (!base) {
    opt.progress(fmt::format("cannot reuse the configuration of {} ({}): configuring this tree",
                             reusable->root.string(), base.error().message));
    return std::nullopt;
  }
  return derived_build(*base, tree, {}, {}, opt, data);
}

}  // namespace

std::map<std::string, std::vector<std::string>> phy_driver_symbols(const LinuxTree& tree) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [obj, sym] : tree.object_kconfig) {
    if (phylib_symbol(sym) || sym.find("RUST") != std::string::npos) continue;
    // A Rust driver's object (ax88796b_rust.o, qt2025.o): its options are
    // the Rust fragment's.
    if (fs::exists(tree.root / fs::path(obj).replace_extension(".rs"))) continue;
    out[sym].push_back(obj);
  }
  return out;
}

Result<BuiltKernel> build_kernel(const LinuxTree& tree, const BuildOptions& opt_in) {
  const fs::path data = data_dir();
  // The derived builds: each brings its base up to date first (this
  // function again, which checks the data files and the tools).
  if (!opt_in.overlay.empty()) return build_with_overlay(tree, opt_in, data);
  // With coverage, only what it instruments differs from the plain build's
  // objects (the lib/ helpers, Rust's library crates, bindings and the
  // emulation are compiled alike): derived from the plain build, the
  // coverage build compiles only those.
  if (opt_in.coverage) {
    BuildOptions plain_opt = opt_in;
    plain_opt.coverage = false;
    auto plain = build_kernel(tree, plain_opt);
    if (!plain) return plain;
    return derived_build(*plain, tree, {}, {}, opt_in, data);
  }
  auto fragment = base_fragment(tree, data);
  if (!fragment)
    return fail(fmt::format("refdrv's data files are missing ({}); set REFDRV_DATA_DIR to the refdrv source "
                            "directory",
                            fragment.error().message));
  BuildOptions opt = opt_in;
  // The drivers' lines come last, after the Rust fragment too: every line
  // before the marker is still required.
  std::string drivers_block;
  if (opt.all_phy_drivers) {
    drivers_block = std::string(kBestEffortMarker) + "\n";
    for (const auto& [sym, objs] : phy_driver_symbols(tree))
      if (fragment->find("\nCONFIG_" + sym + "=") == std::string::npos) drivers_block += "CONFIG_" + sym + "=y\n";
    opt.reuse_configured = false;
  }
  if (auto tools = require_build_tools(); !tools) return std::unexpected(tools.error());

  BuiltKernel b;
  b.tree = tree;
  b.coverage = opt.coverage;
  b.store_hooks = true;  // every build since refdrv-recipe-3

  // ---- 1. configure (cached): with the tree's Rust when it can be built ----
  auto plan = plan_configuration(tree, data, *fragment, drivers_block);
  if (!plan) return std::unexpected(plan.error());
  // With every PHY driver, the configuration without them (the default
  // build's) is the seed: configured first, then copied and extended.
  std::optional<std::string> seed_c, seed_rust;
  if (opt.all_phy_drivers) {
    seed_c = *fragment;
    if (plan->rust_fragment && plan->rust_fragment->ends_with(drivers_block))
      seed_rust = plan->rust_fragment->substr(0, plan->rust_fragment->size() - drivers_block.size());
  }
  *fragment += drivers_block;  // the C-only configuration's
  b.rust_declared = plan->rust_declared;
  b.rust = plan->rust;
  const std::optional<std::string>& rust_frag = plan->rust_fragment;
  // A tree never configured for this reuses another's configuration; so
  // does one whose own configuration is out of date (it would be configured
  // again, minutes, where another tree's may fit as it is: check --commits'
  // checkout after a commit that changed a header and one that put it back,
  // or a range run again from its start).
  const bool own_current = opt.reuse_configured && own_configuration_current(tree, plan->first_id);
  if (opt.reuse_configured && !own_current)
    if (auto reused = build_on_reused_configuration(tree, plan->first_id, opt, data)) return std::move(*reused);
  std::optional<fs::path> kb;
  if (b.rust_declared) {
    if (!rust_frag) {
      b.rust_note = b.rust.problem;
    } else {
      auto with_rust =
          configured_tree(tree, data, *rust_frag, &b.rust, opt, seed_rust ? &*seed_rust : nullptr, own_current);
      if (with_rust) {
        kb = *with_rust;
      } else if (const std::string at = tree_build_file_error(with_rust.error().message); !at.empty()) {
        // Not the toolchain: the configuration without Rust stops there too.
        return fail_build(fmt::format("Linux {} in {} cannot be built: an error in its build files, {}\n{}",
                                      tree.version, tree.root.string(), at, with_rust.error().message));
      } else if (const std::string rs = tree_rust_driver_error(with_rust.error().message, tree.root); !rs.empty()) {
        // A Rust driver of the tree that does not compile: the tree's, as
        // refdrv's own build of it says (the commit "does not build"), not
        // a Rust side to leave out and compare without.
        return fail_build(fmt::format("Linux {} in {} cannot be built: its Rust driver does not compile, {}\n{}",
                                      tree.version, tree.root.string(), rs, with_rust.error().message));
      } else {
        b.rust_note = fmt::format("the tree's Rust side did not build with {}: {}", b.rust.describe(),
                                  with_rust.error().message);
      }
    }
  } else {
    b.rust_note = fmt::format("no Rust driver in this tree (Linux {})", tree.version);
  }
  if (!kb) {
    // (plan->first_id is this configuration's only when there is no Rust
    // fragment: the one checked above.)
    auto c_only =
        configured_tree(tree, data, *fragment, nullptr, opt, seed_c ? &*seed_c : nullptr, own_current && !rust_frag);
    // Without Rust it fails too: that error, not the Rust side's, is the
    // cause (the Rust one is not blamed first).
    if (!c_only) return std::unexpected(c_only.error());
    kb = *c_only;
    if (b.rust_declared) opt.progress(fmt::format("the Rust drivers are left out: {}", b.rust_note));
  }
  b.kbuild_dir = *kb;
  const bool with_rust = b.rust_declared && b.rust_note.empty();
  if (!with_rust) b.rust = {};

  // ---- 2. the objects and their userspace compile lines ----
  auto objects = collect_objects(tree, *kb, with_rust);
  if (!objects) return std::unexpected(objects.error());
  b.objects = std::move(*objects);
  for (const auto& k : b.objects)
    if (k.lang == Lang::kRust && !k.rust_crate()) {
      RustDriver d{fs::path(k.path).stem().string(), tree_source(tree, k),
                   k.kconfig, k.modname};
      b.rust_drivers.push_back(std::move(d));
    }
  if (b.rust_declared && b.rust_note.empty() && b.rust_drivers.empty())
    b.rust_note = "kbuild built no Rust driver although the tree declares some (see the configure log)";
  if (!b.rust_drivers.empty()) b.rust_sources = rust_sources_compiled(tree, *kb);

  if (seed_rust && with_rust)
    inherit_library_crates(b, configured_dir(tree, config_identity(tree, data, *seed_rust, &b.rust)) / "kbuild", data,
                           opt);
  // The build directory: keyed by everything that goes into the objects.
  return compile_and_link(std::move(b), opt, data, build_identity(tree, *kb, data, opt.coverage));
}

std::string manifest_json(const BuiltKernel& b) {
  nlohmann::json j;
  j["tree"] = {{"root", b.tree.root.string()}, {"version", b.tree.version}, {"origin", b.tree.origin}};
  j["object"] = b.object.filename().string();
  j["kbuild_dir"] = b.kbuild_dir.string();
  j["symbols"] = b.symbols.filename().string();
  j["rust"] = {{"rustc", b.rust.rustc},     {"version", b.rust.version},         {"lib_src", b.rust.lib_src},
               {"bindgen", b.rust.bindgen}, {"bindgen_version", b.rust.bindgen_version}, {"bindgen_as", b.rust.bindgen_as}};
  j["rust_note"] = b.rust_note;
  j["rust_declared"] = b.rust_declared;
  j["rust_sources"] = b.rust_sources;
  nlohmann::json drivers = nlohmann::json::array();
  for (const auto& d : b.rust_drivers)
    drivers.push_back({{"crate", d.crate}, {"source", d.source}, {"kconfig", d.kconfig}, {"module", d.module}});
  j["rust_drivers"] = drivers;
  j["stubbed"] = b.stubbed;
  j["coverage"] = b.coverage;
  j["store_hooks"] = b.store_hooks;
  j["reused_from"] = b.reused_from.string();
  return j.dump(2) + "\n";
}

Result<BuiltKernel> load_prebuilt(const fs::path& dir) {
  auto text = read_file(dir / kManifest);
  if (!text)
    return fail(fmt::format("{} is not a prebuilt kernel side: no {} (copy a build directory of refdrv's cache, "
                            "~/.cache/refdrv/builds/<version>-<key>)",
                            dir.string(), kManifest));
  try {
    const auto j = nlohmann::json::parse(*text);
    BuiltKernel b;
    b.build_dir = dir;
    b.tree.root = j.at("tree").at("root").get<std::string>();
    b.tree.version = j.at("tree").at("version").get<std::string>();
    b.tree.origin = j.at("tree").at("origin").get<std::string>() + " (prebuilt: " + dir.string() + ")";
    b.object = dir / j.at("object").get<std::string>();
    b.kbuild_dir = j.at("kbuild_dir").get<std::string>();
    b.symbols = dir / j.at("symbols").get<std::string>();
    const auto& r = j.at("rust");
    b.rust.rustc = r.at("rustc").get<std::string>();
    b.rust.version = r.at("version").get<std::string>();
    b.rust.lib_src = r.at("lib_src").get<std::string>();
    b.rust.bindgen = r.at("bindgen").get<std::string>();
    b.rust.bindgen_version = r.at("bindgen_version").get<std::string>();
    b.rust.bindgen_as = r.at("bindgen_as").get<std::string>();
    b.rust_note = j.at("rust_note").get<std::string>();
    b.rust_declared = j.at("rust_declared").get<bool>();
    b.rust_sources = j.at("rust_sources").get<std::vector<std::string>>();
    for (const auto& d : j.at("rust_drivers"))
      b.rust_drivers.push_back({d.at("crate").get<std::string>(), d.at("source").get<std::string>(),
                                d.at("kconfig").get<std::string>(), d.at("module").get<std::string>()});
    b.stubbed = j.at("stubbed").get<std::vector<std::string>>();
    b.coverage = j.value("coverage", false);
    b.store_hooks = j.value("store_hooks", false);  // a kernel side built before them has none
    b.reused_from = j.value("reused_from", std::string());
    if (!fs::exists(b.object)) return fail(fmt::format("{}: the kernel side {} is missing", dir.string(), b.object.string()));
    return b;
  } catch (const std::exception& e) {
    return fail(fmt::format("{}: unreadable: {}", (dir / kManifest).string(), e.what()));
  }
}

}  // namespace refdrv::kernel
