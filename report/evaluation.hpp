// SPDX-License-Identifier: GPL-2.0
// `refdrv report`: the evaluation maintainers asked of a reference driver —
// equivalence, safe code, fault handling, cost, history, maintenance and a
// live side-by-side page — gathered as one JSON document of figures
// (docs/schema/report.schema.json) and rendered from it as a self-contained
// HTML page and a Markdown summary.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/scenario.hpp"
#include "engine/supervisor.hpp"
#include "host/kernel_image.hpp"
#include "report/cost.hpp"
#include "report/history.hpp"

namespace refdrv {
class Environment;
struct CheckReport;
}

namespace refdrv::report {

struct ReportOptions {
  std::vector<Impl> impls;
  Containment containment = Containment::kFork;
  std::string git;                        // a git checkout of Linux for the history ("" = none)
  std::filesystem::path out_dir;          // where reproducers of differences go (next to the report)
  bool fault_sweep = true;
  bool cost = true;                       // callgrind (needs valgrind)
  std::vector<std::string> cost_worker;   // argv of `refdrv cost-worker ...` for this environment
  std::filesystem::path refdrv_exe;       // for the C++ driver's size
  bool escape_hatches = true;             // run tools/check-escape-hatches (needs clang tools)
  // argv of `refdrv mutate ...` for this environment and suite, run once per
  // tree driver (+ --impl, --json): a process of its own, as each mutant
  // loads its own kernel side. Empty: not run (--no-mutate).
  std::vector<std::string> mutate_worker;
  // argv of `refdrv drivers -q ...` for this tree (+ --json FILE): every C
  // PHY driver of the tree on the emulated PHY, in a process of its own (it
  // loads a kernel side built with every driver). Empty: not run
  // (--no-drivers).
  std::vector<std::string> drivers_worker;
  // The abstraction-gap map as `refdrv gaps --json` writes it (computed by
  // the caller, which links the C++ abstractions); null: not available.
  nlohmann::json gaps;
  std::function<void(const std::string&)> progress;
  // What the scenarios are, in the report's words.
  std::string suite_name = "the embedded default suite";
};

// The cost section's instruction counts as a table: per scenario/model row,
// and totals over the pairs every implementation ran (none, and said so,
// when no pair was), each with its ratio to the first implementation.
nlohmann::json instruction_table(const CostReport& counts, const std::vector<Impl>& impls);

// The project files `files` include with #include "...", directly or
// through another, as tools/check-escape-hatches's clang finds them under
// `root`, each with its text (its escape-hatch count's cache key holds
// them all).
std::map<std::filesystem::path, std::string> quoted_includes(const std::filesystem::path& root,
                                                             const std::vector<std::filesystem::path>& files);

// Every figure of the report.
nlohmann::json build_report(Environment& env, const std::vector<Scenario>& suite, const ReportOptions& options);

// What a report's figures count as findings, each in words with its section:
// failed runs and divergences, a mutation score below the minimum, fault
// points handled differently. `refdrv report` exits 1 when there is one
// (the report is written either way).
[[nodiscard]] std::vector<std::string> report_findings(const nlohmann::json& report);
// The measurements of the report that failed as tools (a mutation worker, the
// escape-hatch check, the drivers worker): their sections say so and give no
// figure. `refdrv report` exits 2 when there is one, as for any failed tool.
[[nodiscard]] std::vector<std::string> report_failures(const nlohmann::json& report);

// The same data, rendered.
[[nodiscard]] std::string render_html(const nlohmann::json& report);

// The safe-code section's escape-hatch count for these files (paths relative
// to refdrv's data directory): {"available": false, "note": why} when the
// tools are missing or tools/check-escape-hatches fails.
[[nodiscard]] nlohmann::json escape_hatch_check(const std::vector<std::string>& paths);
[[nodiscard]] std::string render_markdown(const nlohmann::json& report);

// The history section's data for a history read (per part: its counts,
// commits and fixes, or that HEAD does not have it), as the report's JSON
// has it under "history".
[[nodiscard]] nlohmann::json history_json(const History& h);
// The side-by-side section (7) of three driver sources, for tests (the
// report reads them from the tree and refdrv): a text that is empty stands
// for a driver the tree or refdrv lacks; phy.h declares genphy_suspend().
[[nodiscard]] nlohmann::json side_by_side_of(const std::string& c_text, const std::string& rust_text,
                                             const std::string& cxx_text, const CheckReport& check);

}  // namespace refdrv::report
