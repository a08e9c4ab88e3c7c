// SPDX-License-Identifier: GPL-2.0
// The `refdrv check` report in its three forms: a terminal table, KTAP (the
// kernel's test output format) and JSON (docs/schema/check-report.schema.json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/check.hpp"
#include "engine/commits.hpp"

namespace refdrv {

struct TerminalStyle {
  bool color = false;
  bool details = true;  // failures and divergences below the table
};

[[nodiscard]] std::string format_terminal(const CheckReport& report, const TerminalStyle& style);
[[nodiscard]] std::string format_ktap(const CheckReport& report);
// What a reader of the verdict must know beside it (a generic PHY's
// "equivalent", states sampled or hooked, WARNs, logs not compared, earlier
// reproducers removed): the terminal's "Note:" lines and KTAP's header.
[[nodiscard]] std::vector<std::string> check_notes(const CheckReport& report);

// One KTAP line's text: no line break of any kind (a path in a note or an
// error may hold one; kunit_parser.py splits on what str.splitlines() does)
// and no '#', which would start a directive after a test's name.
[[nodiscard]] std::string ktap_escape(std::string s);
// How phylib's state was seen, for any command that runs instances: runs
// that only sampled it, runs the store hooks watched (each with the first
// reason given); the notes, and the JSON's "state_observation".
[[nodiscard]] std::vector<std::string> state_observation_notes(const RunCount& sampled, const RunCount& hooked);
[[nodiscard]] nlohmann::json state_observation_json(const RunCount& sampled, const RunCount& hooked);
[[nodiscard]] nlohmann::json check_report_json(const CheckReport& report);

// The equivalence column of a row: "yes", "Rust differs from C (...)",
// "only Rust ran: not compared".
[[nodiscard]] std::string equivalence_text(const CheckRow& row);

// A divergence as text: level, step, the two entries and their context.
[[nodiscard]] std::string format_divergence(const Divergence& d, Impl a, Impl b);
// What went wrong beside a verdict (a reproducer not written), after a
// summary: "error: the first (and N more)", or nothing.
[[nodiscard]] std::string format_problems(const std::vector<std::string>& problems, const char* red, const char* reset);

// `check --commits`: a line per commit (printed as each is done), and the
// summary naming the first commit that breaks the check.
[[nodiscard]] std::string format_commit_line(const CommitResult& r, std::size_t index,
                                             const std::vector<kernel::GitCommit>& range, bool color);
[[nodiscard]] std::string format_commits_summary(const CommitsReport& report);

}  // namespace refdrv
