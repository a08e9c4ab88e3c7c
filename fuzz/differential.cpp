// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: differential fuzzing of the PHY driver implementations.
// Each input decodes into a scenario (engine/fuzz_input.hpp) that runs, in
// its own instance, on every available implementation on the real phylib; a
// divergence between them, a stop (a fault in kernel code, BUG(), a stub
// reached, a hang) or a leak is a finding.
//
// A plain libFuzzer entry point, usable as is by OSS-Fuzz/ClusterFuzz: a
// finding aborts, so the engine saves the input. Under `refdrv fuzz`
// (REFDRV_FUZZ_FINDINGS set) it records the first input of each kind of
// finding there instead and goes on; refdrv then shrinks them.
//
// Coverage feedback comes from what clang instrumented (models, bus, C++
// driver) and, through libFuzzer's extra counters, from the kernel side:
// its phylib and C drivers are built with gcc's -fsanitize-coverage=trace-pc
// and its Rust drivers with LLVM's equivalent (kernel::BuildOptions::coverage),
// and every basic block they run sets its counter of g_kernel_counters
// (given in the order blocks first run, engine/fuzz.hpp). The
// same build watches phylib's state with store hooks instead of a hardware
// watchpoint (emul/instance.c): every store is seen without a trap.
//
// Environment: REFDRV_FUZZ_KERNEL (a Linux tree; default Debian's
// linux-source-<REFDRV_FUZZ_SERIES>, 6.12), REFDRV_FUZZ_FIRMWARE and
// REFDRV_FUZZ_REPLACE (refdrv fuzz's --firmware and --replace,
// engine/fuzz_campaign.hpp) or REFDRV_PREBUILT (a kernel side built
// beforehand, as the OSS-Fuzz build does), REFDRV_FUZZ_IMPLS (all, or
// c,rust,cxx,none), REFDRV_FUZZ_TREE (the tree refdrv fuzz names: a kernel
// side of another is refused), REFDRV_FUZZ_KERNEL_COVERAGE=0 (load the kernel side built
// without coverage instrumentation), REFDRV_FUZZ_SNAPSHOTS=1 (runs start
// from a snapshot taken after their attach where the cache has one,
// engine/snapshot.hpp, instead of from nothing; off by default: measured
// in campaigns of this target it did not pay, see docs/robustness.md).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ranges>
#include <sstream>

#include "cxx/drivers/modules.hpp"
#include "engine/check.hpp"
#include "engine/environment.hpp"
#include "engine/fuzz.hpp"
#include "engine/fuzz_campaign.hpp"
#include "engine/fuzz_input.hpp"
#include "engine/snapshot.hpp"
#include "engine/suite.hpp"
#include "host/store_watch.hpp"

namespace {

using namespace refdrv;

// libFuzzer collects the counters of this section as coverage features and
// clears them before each input (its "extra counters"; other engines ignore
// the section).
__attribute__((used, section("__libfuzzer_extra_counters"))) std::uint8_t g_kernel_counters[kKernelCoverageCounters];
std::unique_ptr<KernelCoverage> g_coverage;
bool g_coverage_full_said = false;

std::unique_ptr<Environment> g_env;
std::unique_ptr<SnapshotCache> g_snapshots;  // after g_env: destroyed before it
std::vector<Impl> g_impls;
std::string g_findings;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "refdrv-fuzz-differential: cannot fuzz: %s\n", why.c_str());
  std::exit(2);
}

std::string getenv_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** argv) {
  EnvironmentOptions eo;
  eo.cxx_modules = drivers::cxx_modules();
  eo.quiet = true;
  if (auto read = read_fuzz_target_environment(eo); !read) die(read.error().message);
  eo.kernel_coverage = getenv_or("REFDRV_FUZZ_KERNEL_COVERAGE", "1") != "0";
  // Next to the binary (OSS-Fuzz's $OUT), or named.
  std::string prebuilt = getenv_or("REFDRV_PREBUILT", "");
  const auto beside = std::filesystem::path((*argv)[0]).parent_path() / "refdrv-kernel";
  if (prebuilt.empty() && std::filesystem::exists(beside / "refdrv-kernel.json")) prebuilt = beside.string();
  if (!prebuilt.empty() && !eo.overlay.empty())
    die("REFDRV_FUZZ_REPLACE cannot change a prebuilt kernel side (" + prebuilt + ")");
  auto env = prebuilt.empty() ? Environment::open(eo) : Environment::open_prebuilt(prebuilt, eo);
  if (!env) die(env.error().message);
  g_env = std::move(*env);
  // refdrv fuzz names the tree it was given: a prebuilt kernel side of
  // another (REFDRV_PREBUILT, refdrv-kernel/ beside the binary) would be
  // fuzzed under that name, and its findings replayed on the other.
  if (const std::string tree = getenv_or("REFDRV_FUZZ_TREE", ""); !tree.empty() && tree != g_env->tree().root.string())
    die(fmt::format("the kernel side it loaded{} is of the tree at {}, not of {}, which refdrv fuzz was given",
                    prebuilt.empty() ? "" : " (prebuilt, " + prebuilt + ")", g_env->tree().root.string(), tree));
  const auto available = available_impls(*g_env, nullptr);
  const std::string spec = getenv_or("REFDRV_FUZZ_IMPLS", "all");
  if (spec == "all") {
    g_impls = available;
  } else {
    std::stringstream ss(spec);
    for (std::string item; std::getline(ss, item, ',');) {
      auto impl = impl_from(item);
      // none (phylib's Generic PHY, no driver group's module) is always there.
      if (!impl || (*impl != Impl::kNone && std::find(available.begin(), available.end(), *impl) == available.end()))
        die(fmt::format("REFDRV_FUZZ_IMPLS: '{}' is not an available implementation", item));
      g_impls.push_back(*impl);
    }
  }
  if (g_impls.empty()) die("no implementation to fuzz");
  // A driver of a fuzzed implementation that the tree declares and that did
  // not register would leave that implementation's instances binding
  // another's driver, judged equivalent.
  if (auto declared = require_declared_impls(*g_env, g_impls); !declared) die(declared.error().message);
  // refdrv fuzz checks this against the implementations it asked for (an
  // environment of the user's that said otherwise once won).
  std::fprintf(stderr, "refdrv-fuzz-differential: implementations: %s\n",
               fmt::format("{}", fmt::join(g_impls | std::views::transform(impl_name), ",")).c_str());
  // refdrv fuzz checks this against its --replace (one line: the count, then
  // what replaced what).
  std::string replaced;
  for (const auto& [path, file] : eo.overlay) replaced += fmt::format(" {}={}", path, file.string());
  std::fprintf(stderr, "refdrv-fuzz-differential: sources replaced: %zu%s\n", eo.overlay.size(), replaced.c_str());
  if (g_env->built().coverage) {
    g_coverage = std::make_unique<KernelCoverage>(g_kernel_counters, g_env->image());
    g_env->image().ops().set_coverage(g_coverage->abi());
    // A campaign without the kernel side's feedback would go on unguided
    // there without a word: check that an attach moves the counters.
    const std::uint8_t attach_only[] = {0, 0, 0, 0};
    judge_in_process(*g_env, decode_fuzz_input(attach_only), g_impls);
    const std::size_t hit = g_coverage->hits();
    if (hit == 0) die("the kernel side was built with coverage instrumentation, but an attach moved no counter");
    g_coverage->clear_counters();
    std::fprintf(stderr,
                 "refdrv-fuzz-differential: kernel-side coverage on (one attach ran %zu basic blocks; %zu counters, "
                 "one per block reached)\n",
                 hit, sizeof g_kernel_counters);
    // At libFuzzer's exit: how many blocks the campaign reached (refdrv fuzz
    // prints it with its verdict).
    std::atexit([] {
      if (!g_coverage) return;
      std::fprintf(stderr, "refdrv-fuzz-differential: kernel-side blocks reached: %zu, without a counter: %zu\n",
                   g_coverage->blocks(), g_coverage->missed());
    });
  } else {
    std::fprintf(stderr, "refdrv-fuzz-differential: kernel-side coverage off (phylib and the C and Rust drivers give "
                         "no feedback)\n");
  }
  // How phylib's state is observed (host/context.cpp); refdrv fuzz prints it
  // with its verdict. Where the store hooks watch (first, in a coverage
  // build; else for want of a hardware watchpoint), they must show: a run
  // that starts the PHY stores its state, so the hooks must have seen a store.
  std::string state;
  const std::string no_hardware = watch::unavailable_reason();
  const KernelImage& image = g_env->image();
  if (const std::string off = watch::switched_off(); !off.empty()) {
    state = "sampled at callback and API boundaries (" + off + ")";
  } else if (image.store_hooks() && (image.hooks_first() || !no_hardware.empty())) {
    const auto suite = load_default_suite();
    if (!suite) die("the default suite: " + suite.error().message);
    const auto link_up = std::find_if(suite->begin(), suite->end(),
                                      [](const Scenario& x) { return x.name == "link-up-switch-10-100"; });
    if (link_up == suite->end()) die("the default suite has no link-up-switch-10-100 to check the store hooks with");
    const unsigned long before = g_env->image().store_hook_hits();
    judge_in_process(*g_env, *link_up, g_impls);
    const unsigned long seen = g_env->image().store_hook_hits() - before;
    if (seen == 0) die("the kernel side was built with store hooks, but a run that brings the link up showed them no store");
    state = fmt::format("watched at every store by the kernel side's store hooks ({} stores seen in "
                        "link-up-switch-10-100{})",
                        seen, image.hooks_first() ? "" : "; no hardware watchpoint: " + no_hardware);
  } else if (!no_hardware.empty()) {
    state = "sampled at callback and API boundaries (" + no_hardware + ")";
  } else {
    state = "watched at every store by a hardware watchpoint";
  }
  std::fprintf(stderr, "refdrv-fuzz-differential: phylib's state: %s\n", state.c_str());
  g_findings = getenv_or("REFDRV_FUZZ_FINDINGS", "");
  if (getenv_or("REFDRV_FUZZ_SNAPSHOTS", "0") == "1") {
    g_snapshots = std::make_unique<SnapshotCache>();
    // At libFuzzer's exit (before the cache is destroyed): what they did.
    std::atexit([] {
      if (!g_snapshots) return;
      const auto& st = g_snapshots->stats();
      std::fprintf(stderr,
                   "refdrv-fuzz-differential: snapshots: %llu runs restored one, %llu saved one, %llu met a beginning "
                   "for the first time, %llu could not be saved%s%s\n",
                   static_cast<unsigned long long>(st.restored), static_cast<unsigned long long>(st.fresh),
                   static_cast<unsigned long long>(st.first_seen), static_cast<unsigned long long>(st.refused),
                   st.refused ? ", the last because " : "", st.last_refusal.c_str());
    });
  }
  std::fprintf(stderr, "refdrv-fuzz-differential: snapshots %s\n",
               g_snapshots ? "on (each run starts from a snapshot of its beginning: up to its first check, else its first attach)" : "off");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Scenario s = decode_fuzz_input({data, size});
  const FuzzVerdict v = judge_in_process(*g_env, s, g_impls, nullptr, g_snapshots.get());
  if (g_coverage && g_coverage->missed() && !g_coverage_full_said) {
    g_coverage_full_said = true;
    std::fprintf(stderr,
                 "refdrv-fuzz-differential: WARNING: all %zu kernel-side coverage counters are taken; blocks run for "
                 "the first time from now on give libFuzzer no feedback\n",
                 sizeof g_kernel_counters);
  }
  if (!v.finding) return 0;
  if (!g_findings.empty()) {
    // The first input of each kind of finding; refdrv shrinks it later.
    const auto file = std::filesystem::path(g_findings) / ("finding-" + v.signature);
    if (!std::filesystem::exists(file)) {
      // Written whole or not at all (a temporary file renamed): a finding
      // file refdrv reads back is never a truncated input.
      const auto tmp = std::filesystem::path(file).concat(fmt::format(".{}.tmp", ::getpid()));  // -jobs/-fork share the directory
      std::ofstream out(tmp, std::ios::binary);
      out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
      out.close();
      std::error_code ec;
      if (!out || (std::filesystem::rename(tmp, file, ec), ec)) {
        // The finding must not be lost: stop the campaign as a crash, whose
        // input libFuzzer keeps.
        std::fprintf(stderr, "refdrv-fuzz-differential: FINDING %s (%s) could not be written to %s: %s\n",
                     v.signature.c_str(), v.description.c_str(), file.c_str(),
                     ec ? ec.message().c_str() : "write failed");
        std::abort();
      }
      std::fprintf(stderr, "refdrv-fuzz-differential: new finding %s: %s\n", v.signature.c_str(), v.description.c_str());
    }
    return 0;
  }
  std::fprintf(stderr, "refdrv-fuzz-differential: FINDING %s: %s\nThe input as a scenario:\n%s\n", v.signature.c_str(),
               v.description.c_str(), scenario_to_yaml(s, s.steps.size()).c_str());
  std::abort();
}
