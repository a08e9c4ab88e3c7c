// SPDX-License-Identifier: GPL-2.0
#include "report/cost.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/asan.hpp"
#include "engine/environment.hpp"
#include "engine/groups.hpp"
#include "engine/runner.hpp"
#include "kernel/cache.hpp"
#include "kernel/groups.hpp"
#include "kernel/process.hpp"

namespace refdrv::report {

namespace fs = std::filesystem;

int cost_worker(Environment& env, const std::vector<Scenario>& scenarios, const std::vector<Impl>& impls) {
  RunOptions ro;
  ro.logs = false;
  // Only the implementations with a driver for the model (as check runs
  // them): an instance of C on the QT2025 binds no C driver, and its count
  // would be phylib's alone under C's name.
  // Natively first (the kernel gate patches its cli/sti sites on first use),
  // so that every measured run executes the same code.
  for (const auto& sc : scenarios)
    for (const auto& model : sc.models)
      for (Impl impl : impls_for_model(env, model, impls))
        (void)run_scenario(env, sc, model, impl, ro);  // warm-up: its result is not needed
  CALLGRIND_START_INSTRUMENTATION;
  int status = 0;
  for (const auto& sc : scenarios)
    for (const auto& model : sc.models)
      for (Impl impl : impls_for_model(env, model, impls)) {
        const std::string label = fmt::format("{}|{}|{}", sc.name, model, impl_name(impl));
        CALLGRIND_ZERO_STATS;
        const RunResult r = run_scenario(env, sc, model, impl, ro);
        CALLGRIND_DUMP_STATS_AT(label.c_str());
        // A run that stopped counts what it did before: no cost figure.
        if (r.stop) {
          fmt::print(stderr, "refdrv cost-worker: {} stopped: {}\n", label, *r.stop);
          status = 1;
        }
      }
  return status;
}

CostReport measure_instructions(const std::vector<std::string>& worker_argv) {
  CostReport rep;
  const auto t0 = std::chrono::steady_clock::now();
#ifdef REFDRV_ASAN
  rep.note = "not measured: this refdrv is built with AddressSanitizer, which valgrind cannot run (use the default "
             "build)";
  return rep;
#endif
  if (!kernel::on_path("valgrind")) {
    // Asked for and not made: a failure of the report, not a section left
    // out (that is --no-cost).
    rep.note = "valgrind is not installed (apt-get install valgrind, or --no-cost): no instruction counts";
    rep.failed = true;
    return rep;
  }
  const fs::path dir = fs::temp_directory_path() / fmt::format("refdrv-callgrind-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> argv = {"valgrind", "--tool=callgrind", "--instr-atstart=no",
                                   "--callgrind-out-file=" + (dir / "cg.out").string()};
  argv.insert(argv.end(), worker_argv.begin(), worker_argv.end());
  auto st = kernel::run({argv, {}, dir / "valgrind.log", {}});
  if (!st || *st != 0) {
    rep.failed = true;
    rep.note = fmt::format("the callgrind run failed ({}): {}", st ? fmt::format("status {}", *st) : st.error().message,
                           kernel::tail_of(dir / "valgrind.log", 12));
    fs::remove_all(dir);
    return rep;
  }
  static const std::regex trigger(R"(^desc: Trigger: Client Request: (.*)$)");
  static const std::regex summary(R"(^summary: (\d+))");
  std::map<std::pair<std::string, std::string>, std::size_t> row_of;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("cg.out.", 0) != 0) continue;
    std::ifstream in(e.path());
    std::string line, label;
    std::uint64_t ir = 0;
    bool have = false;
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_match(line, m, trigger)) label = m[1];
      if (std::regex_search(line, m, summary)) {
        ir = std::stoull(m[1]);
        have = true;
      }
    }
    // "SCENARIO|MODEL|IMPL": a scenario's name may hold '|' itself, a model's
    // and an implementation's do not, so the fields are found from the end.
    const auto b = label.rfind('|');
    const auto a = b == std::string::npos || b == 0 ? std::string::npos : label.rfind('|', b - 1);
    if (!have || a == std::string::npos) continue;
    const std::string scenario = label.substr(0, a), model = label.substr(a + 1, b - a - 1);
    const auto impl = impl_from(label.substr(b + 1));
    if (!impl) continue;
    auto [it, fresh] = row_of.try_emplace({scenario, model}, rep.rows.size());
    if (fresh) rep.rows.push_back({scenario, model, {}});
    rep.rows[it->second].instructions[*impl] = ir;
  }
  fs::remove_all(dir);
  rep.measured = !rep.rows.empty();
  if (!rep.measured) {
    // valgrind ran and exited 0 but nothing was measured: a failed
    // measurement, not a section with nothing to say.
    rep.failed = true;
    rep.note = "callgrind wrote no per-run dumps";
  }
  else
    rep.note = "valgrind --tool=callgrind: instructions (Ir) of each run, from bus registration to teardown, "
               "after a native warm-up run; deterministic";
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

namespace {

// The code sections (.text*, .init.text, .exit.text) and the data sections
// of one ELF object, with binutils' size -A.
DriverSize section_sizes(const fs::path& object, std::string how) {
  DriverSize d;
  d.object = object.string();
  d.how = std::move(how);
  std::error_code ec;
  if (!fs::is_regular_file(object, ec)) {
    d.error = fmt::format("{} is missing (the kernel-side cache is incomplete: delete it and run again)",
                          object.string());
    return d;
  }
  auto out = kernel::capture({{"size", "-A", "-d", object.string()}, {}, {}, {"LC_ALL=C"}});
  if (!out) {
    d.error = fmt::format("size -A {} failed: {}", object.string(), out.error().message);
    return d;
  }
  std::istringstream in(*out);
  std::string name;
  std::uint64_t size = 0, addr = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    if (!(l >> name >> size >> addr)) continue;
    // Every section of code: .text and .text.*, and the module's init and
    // exit code, which C keeps in .init.text and .exit.text while Rust's
    // module_phy_driver! puts it in .text (counting .text* alone left C's
    // registration out of its size and not Rust's).
    if (name == ".text" || name.starts_with(".text.") || name == ".init.text" || name == ".exit.text")
      d.text += size;
    else if (name.rfind(".rodata", 0) == 0 || name.rfind(".data", 0) == 0 || name.rfind(".bss", 0) == 0)
      d.data += size;
  }
  return d;
}

}  // namespace

void measure_sizes(Environment& env, const fs::path& refdrv_exe, const std::vector<std::string>& cxx_names,
                   CostReport& out) {
  const kernel::BuiltKernel& b = env.built();
  // kbuild's object, unless kbuild compiled it from another tree (whose
  // configuration this one reuses) and this tree's source differs.
  const auto kbuild_sizes = [&](const std::string& obj, const std::string& source, std::string how) {
    std::string why_not;
    // --replace compiles its file for userspace only: kbuild's object is
    // still the tree's, so it is not the driver that ran.
    if (const auto it = b.overlay.find(source); it != b.overlay.end())
      why_not =
          fmt::format("{} is replaced by {} (--replace), which kbuild did not compile", source, it->second.string());
    else if (std::find(b.differing_sources.begin(), b.differing_sources.end(), source) != b.differing_sources.end())
      why_not = fmt::format(
          "this tree reuses the configured tree of {}, where kbuild compiled that "
          "tree's {}, which differs from this one's",
          b.reused_from.string(), source);
    if (why_not.empty()) return section_sizes(b.kbuild_dir / obj, std::move(how));
    DriverSize d;
    d.object = (b.kbuild_dir / obj).string();
    d.how = std::move(how);
    d.error = std::move(why_not);
    return d;
  };
  // The reference group's drivers (kernel/groups.hpp), as the tree names them.
  const kernel::DriverGroup& group = kernel::reference_group();
  if (const std::string c_src = kernel::sources_of(env.tree(), group).c_source; !c_src.empty()) {
    const std::string c_obj = fs::path(c_src).replace_extension(".o").string();
    out.sizes["C (kernel build)"] = kbuild_sizes(c_obj, c_src, "the tree's kbuild object (kernel flags)");
    out.sizes["C (userspace)"] = section_sizes(kernel::object_file(b, c_obj), "refdrv's userspace recompile of it");
  }
  for (const auto& drv : b.rust_drivers) {
    if (drv.kconfig != group.kconfig) continue;
    const std::string rust_obj = fs::path(drv.source).replace_extension(".o").string();
    out.sizes["Rust (kernel build)"] =
        kbuild_sizes(rust_obj, drv.source,
                     "the tree's kbuild object (kernel flags): the driver crate with the abstraction's generic "
                     "code instantiated for it");
    out.sizes["Rust (userspace)"] =
        section_sizes(kernel::object_file(b, rust_obj), "refdrv's userspace recompile of it");
  }
  // The C++ driver: its symbols in the refdrv executable (driver types,
  // helpers and the adapters instantiated for them), from nm -S.
  DriverSize d;
  d.object = refdrv_exe.string();
  d.how =
      "symbols of the C++ driver and the adapters instantiated for it in the refdrv executable (g++ -O2, "
      "userspace): its struct phy_driver table is built at registration, so unlike the C and Rust rows its data "
      "holds none; not comparable with them byte for byte";
  auto nm = kernel::capture({{"nm", "-S", "-C", "--defined-only", refdrv_exe.string()}, {}, {}, {"LC_ALL=C"}});
  // Not measured is said in the row, never a row left out.
  if (!nm) {
    d.error = fmt::format("nm -S {} failed: {}", refdrv_exe.string(), nm.error().message);
    out.sizes["C++"] = d;
  } else {
    std::istringstream in(*nm);
    for (std::string line; std::getline(in, line);) {
      std::istringstream l(line);
      std::string addr, size, type;
      if (!(l >> addr >> size >> type)) continue;
      std::string name;
      std::getline(l, name);
      if (name.find("refdrv::drivers::") == std::string::npos &&
          name.find("refdrv::phy::detail::Adapter<refdrv::drivers::") == std::string::npos)
        continue;
      bool ours = false;
      for (const auto& n : cxx_names) ours = ours || name.find(n) != std::string::npos;
      if (!ours) continue;
      const std::uint64_t sz = std::stoull(size, nullptr, 16);
      (type == "t" || type == "T" || type == "W" || type == "w" ? d.text : d.data) += sz;
    }
    if (!d.text)
      d.error = fmt::format("no symbol of the C++ driver ({}) in {} (stripped?)", fmt::join(cxx_names, ", "),
                            refdrv_exe.string());
    out.sizes["C++"] = d;
  }
}

}  // namespace refdrv::report
