// SPDX-License-Identifier: GPL-2.0
// refdrv mutate: how strong is the suite? Small, plausible changes to a
// driver's source (the bugs real patches bring), each built as an overlay of
// the tree's build (one recompiled object) and run through `check` against
// the unchanged implementations: a mutant the suite does not notice
// survived.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/environment.hpp"
#include "engine/scenario.hpp"

namespace refdrv {

enum class MutantLang : std::uint8_t { kC, kRust };

// One mutant: the source with one change; line numbers stay those of the
// original (a deleted line becomes an empty one).
struct Mutant {
  std::size_t id = 0;     // 1-based, in source order
  std::string op;         // "relational", "logical", "negated condition", "constant", "errno",
                          // "dropped error check", "deleted statement", "removed initialiser"
  std::size_t line = 0;   // 1-based
  std::string before;     // the original line(s), trimmed
  std::string after;      // the mutated line(s), trimmed ("" when deleted)
  std::string source;     // the whole mutated file
};

// Every mutant of `source` the operators make, in source order. Comments,
// strings, character literals, preprocessor lines and Rust attributes are
// never changed. Operators on binary operators only match them written with
// a space on each side (kernel and rustfmt style), which keeps generics,
// `->` and shifts out.
[[nodiscard]] std::vector<Mutant> generate_mutants(const std::string& source, MutantLang lang);

struct MutantResult {
  enum class Status : std::uint8_t {
    kKilled,      // check exited 1: an expectation failed or the implementations diverged
    kSurvived,    // check passed: the suite did not notice
    kEquivalent,  // the compiled object is unchanged: nothing to notice (not scored)
    kStillborn,   // it does not compile (not scored)
  };
  Mutant mutant;
  Status status = Status::kSurvived;
  std::string by;  // killed: which scenario, model and how; stillborn: the compiler's last words
};

[[nodiscard]] const char* mutant_status_name(MutantResult::Status s);  // "killed", ...

struct MutateOptions {
  Impl impl = Impl::kC;  // whose driver is mutated (C or Rust: a tree source)
  EnvironmentOptions env;
  std::vector<Scenario> suite;
  std::size_t limit = 0;  // 0: every mutant
  std::function<void(const MutantResult&, std::size_t done, std::size_t total)> on_result;
};

struct MutationReport {
  std::string tree_version;
  std::string source;  // tree-relative path of the mutated file
  std::vector<Impl> impls;  // the implementations check compared
  std::vector<MutantResult> results;
  double wall_seconds = 0;
  [[nodiscard]] std::size_t count(MutantResult::Status s) const;
  // Killed / (killed + survived), in percent; 100 when nothing was scored.
  [[nodiscard]] double score() const;
};

// The tree source of `impl`'s Asix driver: drivers/net/phy/ax88796b.c or
// ax88796b_rust.rs; an error for C++ (refdrv's own driver is built into
// refdrv, not into the kernel side) and for a tree without that driver.
Result<std::string> mutation_source(const Environment& env, Impl impl);

Result<MutationReport> run_mutation(const MutateOptions& options);

}  // namespace refdrv
