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
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/environment.hpp"
#include "engine/runner.hpp"
#include "engine/scenario.hpp"

namespace refdrv {

enum class MutantLang : std::uint8_t { kC, kRust, kCxx };

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
  std::string function;   // the function the change is in ("" outside one)
  bool ok_value = false;  // the change is the returned value (Rust: of an `Ok(...)`; C++: `return N;`)
};

// The trait methods whose value the tree's Rust PHY abstraction
// (rust/kernel/net/phy.rs) throws away: its C callback calls `T::name(dev)?;`
// and returns 0 itself. Name -> that line ("rust/kernel/net/phy.rs:414").
// A mutant that only changes such a method's Ok value is equivalent.
[[nodiscard]] std::map<std::string, std::string> discarded_rust_values(const std::string& abstraction,
                                                                       const std::string& where);

// The same for refdrv's C++ adapter (cxx/include/refdrv/phy/detail/adapter.hpp):
// in `struct Forward<F, Signature::SHAPE>`, `const Result<...> r = F(dev);`
// followed by `return r ? 0 : ...;` drops the value of every callback of
// that shape in `callbacks` (abi/refdrv_phy_callbacks.h's table, the rows
// the C++ abstractions offer). Name -> the adapter's line.
[[nodiscard]] std::map<std::string, std::string> discarded_cxx_values(const std::string& adapter,
                                                                      const std::string& callbacks,
                                                                      const std::string& where);

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
    // The first failure was refdrv's: a kernel function it does not emulate
    // was called (the mutant took a path the unmutated driver does not). The
    // real kernel has the function, so whether the suite notices the mutant
    // is not known (not scored; it used to count as killed).
    kUndecided,
  };
  Mutant mutant;
  Status status = Status::kSurvived;
  std::string
      by;  // killed: which scenario, model and how; stillborn: the compiler's last words; undecided: the function
  // Killed: by what kind of evidence ("expectation", "stop", "divergence",
  // "registration", "not registered", "load"), and the model's quirks
  // that acted in the runs that killed it (RunResult::quirks_acted): a kill
  // that rests on refdrv's reading of a record, which `refdrv models` says.
  std::string kind;
  std::vector<std::string> model_quirks;
};

[[nodiscard]] const char* mutant_status_name(MutantResult::Status s);  // "killed", ...

// A mutant's status from the first failure its check met (kill_of_json's
// words): killed, or undecided when that failure is refdrv's own (a stop at
// a kernel function it does not emulate), with what to say.
[[nodiscard]] std::pair<MutantResult::Status, std::string> failure_verdict(std::string first_failure);

struct CheckReport;
// The verdict on a mutant of `mutated`'s driver from its check (which
// failed or had no verdict): killed by the first failure of the mutant's
// own runs or divergence involving them, by check's rules (a divergence
// before a stop at refdrv's gap is a kill); undecided where the only
// failures are refdrv's gap, a worker killed from outside, another
// implementation's run (not the mutant's driver) or a check with no
// verdict. Sets status, by, kind and model_quirks of `res`.
void judge_mutant(MutantResult& res, const CheckReport& rep, Impl mutated);
// The same from a second refdrv's `check --json` (the C++ driver's mutants).
void judge_mutant_json(MutantResult& res, const nlohmann::json& check, Impl mutated);

struct MutateOptions {
  Impl impl = Impl::kC;  // whose driver is mutated (C or Rust: a tree source; C++: refdrv's own)
  EnvironmentOptions env;
  std::vector<Scenario> suite;
  // Where the suite came from (--scenario paths; empty: the embedded one),
  // for the refdrv a C++ mutant is built into, which loads it itself.
  std::vector<std::string> suite_paths;
  std::size_t limit = 0;  // 0: every mutant
  // The implementations each mutant is checked against (the mutated one is
  // always run): empty, every implementation of the group. refdrv report
  // --impl gives its selection, so that a score does not rest on
  // comparisons the report says it did not make.
  std::vector<Impl> compare_with;
  std::function<void(const MutantResult&, std::size_t done, std::size_t total)> on_result;
};

struct MutationReport {
  std::string tree_version;
  std::string source;  // tree-relative path of the mutated file
  // The sources --replace gave ("PATH replaced by FILE, ..."), "" for none:
  // every output says so, as check's do, so that a score of a replaced
  // driver does not read as the tree's.
  std::string replaced;
  std::vector<Impl> impls;  // the implementations check compared
  bool impls_chosen = false;  // MutateOptions::compare_with narrowed them: every output says so
  std::vector<MutantResult> results;
  std::size_t generated = 0;  // mutants of the source: results has fewer with MutateOptions::limit
  double wall_seconds = 0;
  [[nodiscard]] std::size_t count(MutantResult::Status s) const;
  // Killed / (killed + survived), in percent; none when nothing was scored
  // (every mutant equivalent or stillborn, or none at all), which is no pass.
  [[nodiscard]] std::optional<double> score() const;
};

// The source of `impl`'s driver of the reference group: the tree's (as its
// Makefile names it: drivers/net/phy/ax88796b.c, ax88796b_rust.rs) for C and
// Rust, refdrv's (its module descriptor's .source) for C++; an error for a
// tree or a refdrv without that driver.
Result<std::string> mutation_source(const Environment& env, Impl impl);

Result<MutationReport> run_mutation(const MutateOptions& options);

// The kills that rest on runs in which a model's quirk acted: how many, and
// per quirk (a kill can count under several). One count for mutate's
// terminal and JSON, and the sentence report shows it in too.
struct QuirkKills {
  std::size_t kills = 0;
  std::map<std::string, std::size_t> by_quirk;
};
[[nodiscard]] QuirkKills quirk_kills(const MutationReport& rep);
// "15 of the 39 kills rest on runs in which a model's quirk acted (...; an
// upper bound ...): ..." (`whose`: "the" or "its"), or "" without any.
[[nodiscard]] std::string quirk_kills_sentence(const QuirkKills& q, std::size_t killed, std::string_view whose);

// Whether a build's failure `message` (and the build log it names) has a
// compiler error in `file`: gcc's "FILE:L:C: error: ..." (or a fatal one, or
// "in expansion of macro" under an error in a header) or rustc's location
// line "--> FILE:L:C" (a C or Rust mutant is stillborn only then).
[[nodiscard]] bool names_an_error_in(const std::string& message, const std::filesystem::path& file);
// Whether ninja's output names failed steps (its FAILED: lines) and each is
// the one that builds `object` (a file name, "x.cpp.o"): a C++ mutant is
// stillborn only when its own compile failed, not the link or another source.
[[nodiscard]] bool only_failed_step_is(const std::string& ninja_log, const std::string& object);

// The report as `refdrv mutate --json` writes it: every mutant with its
// operator, function, line, before and after, verdict and detail; counts,
// score and the minimum it was held to.
[[nodiscard]] nlohmann::json mutation_report_json(const MutationReport& rep, double min_score);

}  // namespace refdrv
