// SPDX-License-Identifier: GPL-2.0
#include "kernel/kbuild.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <array>
#include <sstream>
#include <thread>

#include "kernel/cache.hpp"
#include "kernel/process.hpp"

namespace refdrv::kernel {

namespace fs = std::filesystem;

namespace {

// Bump when the recipe (flags, steps, generated files) changes meaning.
constexpr const char* kRecipeVersion = "refdrv-recipe-1";
constexpr const char* kCoveredDir = "drivers/net/phy/";
constexpr const char* kCoverageFlag = "-fsanitize-coverage=trace-pc";
constexpr const char* kRustCoverageFlags =
    "-C passes=sancov-module -C llvm-args=-sanitizer-coverage-level=3 -C llvm-args=-sanitizer-coverage-trace-pc";

// lib/ and kernel/ files phylib (through lib/vsprintf.c, lib/xarray.c, ...)
// needs. Files a tree does not have or does not build are skipped: what they
// would define then gets a trace-and-stop stub.
constexpr std::array kLibObjects = {
    "lib/bitmap.o",   "lib/find_bit.o",       "lib/string.o",  "lib/ctype.o",  "lib/vsprintf.o",
    "lib/kasprintf.o", "lib/refcount.o",      "lib/xarray.o",  "lib/kstrtox.o", "lib/hexdump.o",
    "lib/string_helpers.o", "lib/siphash.o", "lib/uuid.o",    "lib/hweight.o", "kernel/time/timeconv.o",
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

Result<void> run_logged(const Command& cmd, const std::string& what) {
  auto st = run(cmd);
  if (!st) return std::unexpected(st.error());
  if (*st != 0)
    return fail(fmt::format("{} failed (exit status {}). Last lines of {}:\n{}", what, *st, cmd.log.string(),
                            tail_of(cmd.log, 15)));
  return {};
}

Result<std::vector<std::string>> read_cmd_file(const fs::path& kb, const std::string& obj) {
  const fs::path p = kb / fs::path(obj).parent_path() / ("." + fs::path(obj).filename().string() + ".cmd");
  auto text = read_file(p);
  if (!text) return std::unexpected(text.error());
  const auto nl = text->find('\n');
  const std::string first = text->substr(0, nl);
  const auto eq = first.find(":=");
  if (first.rfind("savedcmd_", 0) != 0 && first.rfind("cmd_", 0) != 0)
    return fail(fmt::format("{} does not start with a saved command", p.string()));
  if (eq == std::string::npos) return fail(fmt::format("{}: no ':=' in the saved command", p.string()));
  std::string line = first.substr(eq + 2);
  // Everything after the compiler invocation (`; objtool ...`) is dropped.
  if (auto semi = line.find(';'); semi != std::string::npos) line = line.substr(0, semi);
  return shell_split(line);
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

std::string fragment_stamp(const LinuxTree& tree, const std::string& fragment) {
  std::string s = kRecipeVersion;
  s += fragment;
  for (const char* f : {"Makefile", "drivers/net/phy/Makefile", "drivers/net/phy/Kconfig", "lib/Makefile",
                        "arch/x86/Makefile", "scripts/Makefile.build"})
    if (auto t = read_file(tree.root / f)) s += hash_hex(*t);
  return hash_hex(s);
}

Result<void> check_config(const fs::path& config, const std::string& fragment) {
  auto cfg = read_file(config);
  if (!cfg) return std::unexpected(cfg.error());
  std::istringstream in(fragment);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CONFIG_", 0) == 0) {
      if (cfg->find("\n" + line + "\n") == std::string::npos)
        return fail(fmt::format("the tree's Kconfig did not keep {} (a dependency is missing in this tree); refdrv "
                                "needs it to build phylib and the driver",
                                line));
    } else if (line.rfind("# CONFIG_", 0) == 0) {
      const std::string sym = line.substr(2, line.find(' ', 2) - 2);
      if (cfg->find("\n" + sym + "=y") != std::string::npos)
        return fail(fmt::format("the tree's Kconfig forces {}=y; refdrv needs it off", sym));
    }
  }
  return {};
}

Result<void> configure(const LinuxTree& tree, const fs::path& kb, const fs::path& fragment_file,
                       const std::string& fragment, const BuildOptions& opt, const fs::path& log) {
  const std::vector<std::string> env = {"ARCH=x86_64", "LC_ALL=C", "KBUILD_VERBOSE=0"};
  const std::string jobs = fmt::format("-j{}", opt.jobs > 0 ? opt.jobs : default_jobs());
  std::error_code ec;
  fs::create_directories(kb, ec);
  auto make = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"make", "-C", tree.root.string(), "O=" + kb.string(), "ARCH=x86_64"};
    argv.insert(argv.end(), args.begin(), args.end());
    return Command{argv, {}, log, env};
  };
  opt.progress(fmt::format("configuring Linux {} out of tree in {}", tree.version, kb.string()));
  if (auto r = run_logged(make({"tinyconfig"}), "make tinyconfig"); !r) return r;
  if (auto r = run_logged(Command{{(tree.root / "scripts/kconfig/merge_config.sh").string(), "-m", "-O", kb.string(),
                                   (kb / ".config").string(), fragment_file.string()},
                                  tree.root, log, env},
                          "merging refdrv.config into the configuration");
      !r)
    return r;
  if (auto r = run_logged(make({"olddefconfig"}), "make olddefconfig"); !r) return r;
  if (auto r = check_config(kb / ".config", fragment); !r) return r;
  opt.progress("make prepare (generated headers, once per tree)");
  if (auto r = run_logged(make({jobs, "prepare"}), "make prepare"); !r) return r;
  opt.progress("compiling phylib and the driver with kbuild (to record the tree's compile lines)");
  if (auto r = run_logged(make({jobs, "drivers/net/phy/"}), "building drivers/net/phy with kbuild"); !r) return r;
  std::vector<std::string> lib_targets = {jobs, "-k"};
  for (const char* o : kLibObjects) {
    fs::path src = tree.root / fs::path(o).replace_extension(".c");
    if (fs::exists(src)) lib_targets.emplace_back(o);
  }
  // -k: a lib file this tree does not build is simply left out.
  (void)run(make(lib_targets));
  return {};
}

// The userspace compile line of one kbuild object.
Result<KernelObject> kernel_object(const LinuxTree& tree, const fs::path& kb, const std::string& obj) {
  auto argv = read_cmd_file(kb, obj);
  if (!argv) return std::unexpected(argv.error());
  if (argv->size() < 3) return fail(fmt::format("{}: unexpected compile command", obj));
  KernelObject k;
  k.path = obj;
  k.source = argv->back();
  if (!fs::path(k.source).is_absolute()) k.source = (tree.root / k.source).string();
  k.modname = modname_of(*argv);
  if (auto it = tree.object_kconfig.find(obj); it != tree.object_kconfig.end()) k.kconfig = it->second;
  k.argv = userspace_flags(*argv, kb);
  return k;
}

std::vector<RustDriver> rust_drivers_of(const LinuxTree& tree) {
  std::vector<RustDriver> out;
  for (const auto& [obj, kconfig] : tree.object_kconfig) {
    fs::path rs = tree.root / fs::path(obj).replace_extension(".rs");
    if (!fs::exists(rs)) continue;
    RustDriver d;
    d.crate = fs::path(obj).stem().string();
    std::replace(d.crate.begin(), d.crate.end(), '-', '_');
    d.source = fs::path(obj).replace_extension(".rs").string();
    d.kconfig = kconfig;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

RustToolchain find_rust_toolchain() {
  RustToolchain t;
  if (const char* r = std::getenv("REFDRV_RUSTC"); r && *r)
    t.rustc = r;
  else if (on_path("rustc"))
    t.rustc = "rustc";
  else
    return t;
  auto v = capture({{t.rustc, "--version"}, {}, {}, {}});
  if (!v) {
    t.rustc.clear();
    return t;
  }
  t.version = *v;
  while (!t.version.empty() && t.version.back() == '\n') t.version.pop_back();
  return t;
}

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

Result<BuiltKernel> build_kernel(const LinuxTree& tree, const BuildOptions& opt) {
  const fs::path data = data_dir();
  const fs::path fragment_file = data / "kernel/refdrv.config";
  auto fragment = read_file(fragment_file);
  if (!fragment)
    return fail(fmt::format("refdrv's data files are missing ({}); set REFDRV_DATA_DIR to the refdrv source "
                            "directory",
                            fragment.error().message));
  for (const char* tool : {"make", "gcc", "ld", "nm", "objcopy", "ninja", "flex", "bison", "bc"})
    if (!on_path(tool))
      return fail(fmt::format("`{}` is not installed; the per-tree build needs it. Install the build dependencies "
                              "with: sudo apt-get install build-essential flex bison bc libelf-dev ninja-build",
                              tool));

  BuiltKernel b;
  b.tree = tree;
  b.rust = find_rust_toolchain();
  b.key = hash_hex(tree.root.string() + "\n" + tree.version + "\n" + *fragment + kRecipeVersion + data.string() +
                   "\n" + b.rust.rustc + " " + b.rust.version + (opt.coverage ? "\ncoverage" : ""));
  b.coverage = opt.coverage;
  b.build_dir = cache_root() / "builds" / (tree.version + "-" + b.key);
  const fs::path log = b.build_dir / "build.log";
  auto lock = FileLock::acquire(b.build_dir / ".lock");
  if (!lock) return std::unexpected(lock.error());

  // ---- 1. configure (cached) ----
  // The configured tree does not depend on the Rust toolchain or on which
  // refdrv checkout asks, so builds that differ only in those (Debian's
  // rustc next to rustup's, a second clone) share it. Its lock is taken
  // after the build's own, always in this order.
  const fs::path configured =
      cache_root() / "configured" / (tree.version + "-" + hash_hex(tree.root.string() + "\n" + tree.version + "\n" +
                                                                    *fragment + kRecipeVersion));
  const fs::path kb = configured / "kbuild";
  auto configure_lock = FileLock::acquire(configured / ".lock");
  if (!configure_lock) return std::unexpected(configure_lock.error());
  const std::string stamp = fragment_stamp(tree, *fragment);
  const fs::path stamp_file = configured / "stamp.configure";
  auto old_stamp = read_file(stamp_file);
  if (!old_stamp || *old_stamp != stamp) {
    const fs::path configure_log = configured / "configure.log";
    std::error_code ec;
    fs::remove(stamp_file, ec);
    fs::remove(configure_log, ec);
    if (auto r = configure(tree, kb, fragment_file, *fragment, opt, configure_log); !r)
      return std::unexpected(r.error());
    if (auto w = write_file(stamp_file, stamp); !w) return std::unexpected(w.error());
  }

  // ---- 2. the objects and their userspace compile lines ----
  auto members = capture({{"ar", "t", (kb / "drivers/net/phy/built-in.a").string()}, {}, {}, {}});
  if (!members) return fail(fmt::format("cannot list drivers/net/phy/built-in.a: {}", members.error().message));
  std::vector<std::string> objs;
  std::istringstream ms(*members);
  for (std::string m; std::getline(ms, m);) {
    if (m.empty()) continue;
    fs::path p(m);
    objs.push_back(p.is_absolute() ? p.lexically_relative(kb).string() : m);
  }
  for (const char* o : kLibObjects) {
    fs::path cmd = kb / fs::path(o).parent_path() / ("." + fs::path(o).filename().string() + ".cmd");
    if (fs::exists(cmd)) objs.emplace_back(o);
  }
  for (const auto& o : objs) {
    auto k = kernel_object(tree, kb, o);
    if (!k) return std::unexpected(k.error());
    b.objects.push_back(std::move(*k));
  }
  const auto phy = std::find_if(b.objects.begin(), b.objects.end(),
                                [](const KernelObject& k) { return k.path == "drivers/net/phy/phy.o"; });
  if (phy == b.objects.end()) return fail("kbuild did not build drivers/net/phy/phy.o: is CONFIG_PHYLIB=y?");

  // ---- 3. generated files and build.ninja ----
  const fs::path gen = b.build_dir / "gen";
  const auto rust_candidates = rust_drivers_of(tree);
  if (rust_candidates.empty())
    b.rust_note = fmt::format("no Rust driver in this tree (Linux {})", tree.version);
  else if (b.rust.rustc.empty())
    b.rust_note = "no rustc found (install Debian's rustc, or set REFDRV_RUSTC)";
  else
    b.rust_drivers = rust_candidates;
  const fs::path hook = data / "emul/lockdep_hook.h";
  std::string table =
      "/* Generated by refdrv (kernel/kbuild.cpp) for this tree: do not edit.\n"
      " * Every kernel-side object, its module, and the sections its initcalls,\n"
      " * exitcalls and modinfo were renamed to. */\n"
      "#include <linux/kernel.h>\n#include \"modules.h\"\n#include \"refdrv_abi.h\"\n\n"
      "#define EMUL_SECTION_SYMBOL __weak __attribute__((visibility(\"hidden\")))\n";
  std::string entries;
  for (std::size_t i = 0; i < b.objects.size(); ++i) {
    const auto& k = b.objects[i];
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
    const std::string source = fs::path(k.source).lexically_relative(tree.root).string();
    entries += fmt::format(
        "\t{{ .modname = {}, .source = {}, .kconfig = {}, .impl = {}, .initcalls = {{ {}}},\n"
        "\t  .modinfo_start = __start_refdrv_mi_{}, .modinfo_stop = __stop_refdrv_mi_{},\n"
        "\t  .exit_start = __start_refdrv_ex_{}, .exit_stop = __stop_refdrv_ex_{} }},\n",
        c_string(k.modname), c_string(source), k.kconfig.empty() ? "NULL" : c_string(k.kconfig),
        k.kconfig.empty() ? "REFDRV_IMPL_NONE" : "REFDRV_IMPL_C", ics, i, i, i, i);
  }
  table += "\nconst struct emul_object emul_objects[] = {\n" + entries + "};\n";
  table += fmt::format("const unsigned int emul_nobjects = {};\n", b.objects.size());
  std::string rust_entries;
  for (const auto& d : b.rust_drivers) {
    table += fmt::format("extern const struct refdrv_rust_module __refdrv_rust_module_{};\n", d.crate);
    rust_entries += fmt::format("\t{{ &__refdrv_rust_module_{}, {}, {} }},\n", d.crate, c_string(d.source),
                                c_string(d.kconfig));
  }
  table += "\nconst struct emul_rust_object emul_rust_objects[] = {\n" + rust_entries + "\t{ NULL, NULL, NULL }\n};\n";
  table += fmt::format("const unsigned int emul_nrust_objects = {};\n", b.rust_drivers.size());
  if (auto w = write_file(gen / "modules_table.c", table); !w) return std::unexpected(w.error());
  if (auto w = write_file(gen / "refdrv.map", "/* Generated by refdrv: only the entry point is global. */\n"
                                              "{ global: refdrv_kernel_entry; local: *; };\n");
      !w)
    return std::unexpected(w.error());

  // Emulation objects: phy.o's command line with refdrv's include paths.
  std::vector<std::string> emul_argv;
  for (const auto& a : phy->argv)
    if (a.rfind("-DKBUILD_", 0) != 0 && a.rfind("-D__KBUILD_", 0) != 0) emul_argv.push_back(a);
  for (const char* a : {"-Werror", "-DKBUILD_MODNAME=\"refdrv_emul\"", "-DKBUILD_BASENAME=\"refdrv_emul\"",
                        "-D__KBUILD_MODNAME=kmod_refdrv_emul"})
    emul_argv.emplace_back(a);
  emul_argv.push_back("-I" + (data / "emul").string());
  emul_argv.push_back("-I" + (data / "host/abi").string());

  std::string ninja = "# Generated by refdrv (kernel/kbuild.cpp): the userspace build of the kernel side.\n"
                      "ninja_required_version = 1.10\n\n";
  ninja += "rule kcc\n  command = $cmd -include " + ninja_value(shell_quote(hook.string())) +
           " -MD -MF $out.d -c -o $out $in && objcopy $renames $out\n"
           "  depfile = $out.d\n  deps = gcc\n  description = CC $in\n\n";
  ninja += "rule ecc\n  command = $cmd -include " + ninja_value(shell_quote(hook.string())) +
           " -MD -MF $out.d -c -o $out $in\n  depfile = $out.d\n  deps = gcc\n  description = CC $in\n\n";
  ninja += "rule ldr\n  command = ld -r -o $out $in\n  description = LD $out\n\n";
  ninja += "rule stubs\n  command = sh " + ninja_value(shell_quote((data / "emul/gen-stubs.sh").string())) +
           " $in $out $out.args\n  description = STUBS $out\n\n";
  ninja += "rule scc\n  command = gcc -O2 -fPIC -ffreestanding -fno-builtin -nostdinc -c -o $out $in\n"
           "  description = CC $in\n\n";
  ninja += "rule so\n  command = gcc -shared -nostdlib -Wl,--version-script=" +
           ninja_value(shell_quote((gen / "refdrv.map").string())) +
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

  std::string renames;
  std::vector<std::string> link_inputs;
  for (std::size_t i = 0; i < b.objects.size(); ++i) {
    const auto& k = b.objects[i];
    std::string r;
    for (std::size_t l = 0; l < kInitcallLevels.size(); ++l)
      r += fmt::format(" --rename-section .initcall{}.init=refdrv_ic_{}_{}", kInitcallLevels[l], l, i);
    r += fmt::format(" --rename-section .exitcall.exit=refdrv_ex_{0} --rename-section .modinfo=refdrv_mi_{0}", i);
    // EXPORT_SYMBOL's records are for modpost; a PIC link has no use for them.
    r += " --remove-section=.export_symbol";
    const std::string out = (b.build_dir / "obj" / k.path).string();
    // Coverage: phylib and the drivers, not the lib/ helpers they call
    // (vsprintf, bitmap, ...), whose blocks say nothing about a PHY driver.
    std::vector<std::string> argv = k.argv;
    if (opt.coverage && k.path.rfind(kCoveredDir, 0) == 0) argv.insert(argv.begin() + 1, kCoverageFlag);
    ninja += fmt::format("build {}: kcc {}\n  cmd = {}\n  renames = {}\n", ninja_path(out), ninja_path(k.source),
                         ninja_value(join_quoted(argv)), ninja_value(r));
    link_inputs.push_back(out);
  }
  std::vector<std::string> emul_sources;
  for (const auto& e : fs::directory_iterator(data / "emul"))
    if (e.path().extension() == ".c") emul_sources.push_back(e.path().string());
  std::sort(emul_sources.begin(), emul_sources.end());
  emul_sources.push_back((gen / "modules_table.c").string());
  for (const auto& src : emul_sources) {
    const std::string out = (b.build_dir / "emul" / fs::path(src).filename()).replace_extension(".o").string();
    ninja += fmt::format("build {}: ecc {}\n  cmd = {}\n", ninja_path(out), ninja_path(src),
                         ninja_value(join_quoted(emul_argv)));
    link_inputs.push_back(out);
  }
  if (!b.rust_drivers.empty()) {
    const fs::path rdir = b.build_dir / "rust";
    const fs::path rgen = rdir / "gen";
    const std::string rustc = ninja_value(shell_quote(b.rust.rustc));
    // The version is part of every command, so a new toolchain rebuilds.
    const std::string common = "--edition=2021 -C opt-level=2 -C panic=abort -C debuginfo=1";
    ninja += "rule rustgen\n  command = sh " + ninja_value(shell_quote((data / "rust/gen-consts.sh").string())) +
             " " + ninja_value(shell_quote(rgen.string())) + " $cmd -include " +
             ninja_value(shell_quote(hook.string())) + "\n  description = RUSTGEN $out\n\n";
    ninja += "rule rustmacros\n  command = " + rustc +
             " --edition=2021 -C opt-level=1 -D warnings --crate-type proc-macro --crate-name macros"
             " --emit=link,dep-info=$out.d -o $out $in\n  depfile = $out.d\n  deps = gcc\n"
             "  description = RUSTC $out\n\n";
    ninja += "rule rustlib\n  command = env REFDRV_RUST_GEN=" + ninja_value(shell_quote(rgen.string())) +
             " REFDRV_RUST_CRATE=$crate " + rustc + " " + common +
             " $lints $coverage --crate-type $type --crate-name $crate $externs -L dependency=" +
             ninja_value(shell_quote(rdir.string())) +
             " --emit=link,dep-info=$out.d -o $out $in\n  depfile = $out.d\n  deps = gcc\n"
             "  description = RUSTC $out\n\n";
    const std::string uapi_rs = (rgen / "uapi_generated.rs").string();
    const std::string bind_rs = (rgen / "bindings_generated.rs").string();
    ninja += fmt::format("build {} {}: rustgen | {} {} {}\n  cmd = {}\n", ninja_path(uapi_rs), ninja_path(bind_rs),
                         ninja_path((data / "rust/gen-consts.sh").string()),
                         ninja_path((data / "host/abi/refdrv_phy_helpers.h").string()),
                         ninja_path((data / "host/abi/refdrv_abi.h").string()), ninja_value(join_quoted(emul_argv)));
    const std::string macros = (rdir / "libmacros.so").string();
    const std::string kernel_rlib = (rdir / "libkernel.rlib").string();
    ninja += fmt::format("build {}: rustmacros {}\n", ninja_path(macros),
                         ninja_path((data / "rust/macros/lib.rs").string()));
    ninja += fmt::format("build {}: rustlib {} | {} {} {}\n  crate = kernel\n  type = rlib\n  lints = -D warnings\n"
                         "  externs = --extern macros={}\n",
                         ninja_path(kernel_rlib), ninja_path((data / "rust/kernel/lib.rs").string()),
                         ninja_path(macros), ninja_path(uapi_rs), ninja_path(bind_rs),
                         ninja_value(shell_quote(macros)));
    std::string top = "// Generated by refdrv (kernel/kbuild.cpp): every hosted Rust driver in one\n"
                      "// static library, with one copy of core.\n#![no_std]\nextern crate kernel;\n";
    std::string top_externs = "--extern kernel=" + ninja_value(shell_quote(kernel_rlib));
    std::string top_deps = ninja_path(kernel_rlib);
    for (const auto& d : b.rust_drivers) {
      // The tree's driver becomes a module of a generated no_std crate (the
      // kernel adds no_std with -Zcrate-attr; stable rustc cannot).
      const fs::path wrapper = gen / (d.crate + ".rs");
      if (auto w = write_file(wrapper, fmt::format("// Generated by refdrv: {} as a module of a no_std crate.\n"
                                                   "#![no_std]\n#[path = {}]\nmod driver;\n",
                                                   d.source, c_string((tree.root / d.source).string())));
          !w)
        return std::unexpected(w.error());
      const std::string rlib = (rdir / ("lib" + d.crate + ".rlib")).string();
      // Coverage: LLVM's sanitizer-coverage pass emits the same
      // __sanitizer_cov_trace_pc() calls as gcc's flag (the driver only,
      // not refdrv's kernel crate).
      ninja += fmt::format("build {}: rustlib {} | {} {}\n  crate = {}\n  type = rlib\n"
                           "  lints = --cap-lints warn\n  externs = --extern kernel={} --extern macros={}\n"
                           "  coverage = {}\n",
                           ninja_path(rlib), ninja_path(wrapper.string()), ninja_path(kernel_rlib), ninja_path(macros),
                           d.crate, ninja_value(shell_quote(kernel_rlib)), ninja_value(shell_quote(macros)),
                           opt.coverage ? kRustCoverageFlags : "");
      top += "extern crate " + d.crate + ";\n";
      top_externs += " --extern " + d.crate + "=" + ninja_value(shell_quote(rlib));
      top_deps += " " + ninja_path(rlib);
    }
    if (auto w = write_file(gen / "refdrv_rust.rs", top); !w) return std::unexpected(w.error());
    const std::string staticlib = (rdir / "librefdrv_rust.a").string();
    ninja += fmt::format("build {}: rustlib {} | {}\n  crate = refdrv_rust\n  type = staticlib\n"
                         "  lints = -D warnings\n  externs = {}\n",
                         ninja_path(staticlib), ninja_path((gen / "refdrv_rust.rs").string()), top_deps, top_externs);
    link_inputs.push_back(staticlib);
  }
  std::string all_inputs;
  for (const auto& i : link_inputs) all_inputs += " " + ninja_path(i);
  const std::string all = (b.build_dir / "all.o").string();
  const std::string stubs_c = (gen / "stubs.c").string();
  const std::string stubs_o = (b.build_dir / "stubs.o").string();
  b.object = b.build_dir / "libkernel.so";
  b.symbols = b.build_dir / "kernel.syms";
  ninja += fmt::format("build {}: ldr{}\n", ninja_path(all), all_inputs);
  ninja += fmt::format("build {} | {}.args: stubs {} | {}\n", ninja_path(stubs_c), ninja_path(stubs_c),
                       ninja_path(all), ninja_path((data / "emul/gen-stubs.sh").string()));
  ninja += fmt::format("build {}: scc {}\n", ninja_path(stubs_o), ninja_path(stubs_c));
  ninja += fmt::format("build {}: so {} {} | {}.args {}\n  args = {}.args\n", ninja_path(b.object.string()),
                       ninja_path(all), ninja_path(stubs_o), ninja_path(stubs_c),
                       ninja_path((gen / "refdrv.map").string()), ninja_value(stubs_c));
  ninja += fmt::format("build {}: syms {}\n", ninja_path(b.symbols.string()), ninja_path(b.object.string()));
  ninja += fmt::format("build {}: irqsites {}\n", ninja_path((b.build_dir / kIrqSites).string()),
                       ninja_path(b.object.string()));
  ninja += fmt::format("default {} {}\n", ninja_path(b.symbols.string()), ninja_path((b.build_dir / kIrqSites).string()));
  if (auto w = write_file(b.build_dir / "build.ninja", ninja); !w) return std::unexpected(w.error());

  // A dry run first: an up-to-date build stays silent.
  const auto dry = capture(Command{{"ninja", "-C", b.build_dir.string(), "-n"}, {}, {}, {"LC_ALL=C"}});
  if (!dry || dry->find("no work to do") == std::string::npos)
    opt.progress(fmt::format("building the kernel side for Linux {} ({})", tree.version, b.build_dir.string()));
  const std::string jobs = fmt::format("-j{}", opt.jobs > 0 ? opt.jobs : default_jobs());
  if (auto r = run_logged(Command{{"ninja", "-C", b.build_dir.string(), jobs}, {}, log, {"LC_ALL=C"}},
                          "building the kernel side");
      !r)
    return std::unexpected(r.error());

  if (auto stubs = read_file(stubs_c)) {
    std::istringstream in(*stubs);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("void ", 0) == 0 && line.find(';') == line.size() - 1 && line.find("(void);") != std::string::npos)
        b.stubbed.push_back(line.substr(5, line.find('(') - 5));
  }
  if (auto w = write_file(b.build_dir / kManifest, manifest_json(b)); !w) return std::unexpected(w.error());
  return b;
}

std::string manifest_json(const BuiltKernel& b) {
  nlohmann::json j;
  j["tree"] = {{"root", b.tree.root.string()}, {"version", b.tree.version}, {"origin", b.tree.origin}};
  j["object"] = b.object.filename().string();
  j["symbols"] = b.symbols.filename().string();
  j["rustc"] = {{"path", b.rust.rustc}, {"version", b.rust.version}};
  j["rust_note"] = b.rust_note;
  nlohmann::json drivers = nlohmann::json::array();
  for (const auto& d : b.rust_drivers) drivers.push_back({{"crate", d.crate}, {"source", d.source}, {"kconfig", d.kconfig}});
  j["rust_drivers"] = drivers;
  j["stubbed"] = b.stubbed;
  j["coverage"] = b.coverage;
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
    b.symbols = dir / j.at("symbols").get<std::string>();
    b.rust.rustc = j.at("rustc").at("path").get<std::string>();
    b.rust.version = j.at("rustc").at("version").get<std::string>();
    b.rust_note = j.at("rust_note").get<std::string>();
    for (const auto& d : j.at("rust_drivers"))
      b.rust_drivers.push_back({d.at("crate").get<std::string>(), d.at("source").get<std::string>(),
                                d.at("kconfig").get<std::string>()});
    b.stubbed = j.at("stubbed").get<std::vector<std::string>>();
    b.coverage = j.value("coverage", false);
    if (!fs::exists(b.object)) return fail(fmt::format("{}: the kernel side {} is missing", dir.string(), b.object.string()));
    return b;
  } catch (const std::exception& e) {
    return fail(fmt::format("{}: unreadable: {}", (dir / kManifest).string(), e.what()));
  }
}

}  // namespace refdrv::kernel
