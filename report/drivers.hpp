// SPDX-License-Identifier: GPL-2.0
// `refdrv drivers`: every phy_driver entry of the tree's C PHY drivers on
// refdrv's emulated PHY. The kernel side is built with every driver the
// tree's Kconfig allows in refdrv's configuration
// (kernel::BuildOptions::all_phy_drivers); each entry its module registered
// is bound by its PHY ID on refdrv's model of its PHY (hw::model_for_phy_id:
// a vendor's, else generic-c45 for Clause-45 PHYs, else generic) and taken
// through the conformance scenario (conformance_scenario_yaml):
// expectation-based where an entry has one implementation, differential
// where other modules register it too (the Asix group's Rust and C++
// drivers: every scenario on each, compared with C's run).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "engine/environment.hpp"
#include "engine/runner.hpp"

namespace refdrv::report {

// The version of refdrv-drivers/N that drivers_json() writes; a --baseline
// of a later one is refused.
inline constexpr int kDriversSchemaVersion = 8;

enum class Conformance : std::uint8_t { kPass, kFail, kNotApplicable };
[[nodiscard]] const char* conformance_name(Conformance c);  // "pass", "fail", "n/a"

struct DriverRow {
  std::string file;     // its source in the tree: drivers/net/phy/marvell.c
  std::string name;     // the phy_driver's name; empty for a file that was not built
  std::string kconfig;  // the Kconfig symbol that builds it (without CONFIG_)
  std::uint32_t phy_id = 0, mask = 0;
  std::string model;    // the hardware model its conformance ran on (hw::model_for_phy_id)
  bool built = false, bound = false;
  Conformance conformance = Conformance::kNotApplicable;
  // Why not built, not bound, the first failing step, or why conformance
  // does not apply; for a pass, empty.
  std::string reason;
  // A file row (name empty): the phy_driver entries its source holds, none of
  // which ran when it was not built.
  std::size_t file_entries = 0;
  std::string failed_step;  // with kFail: "step 5 (expect)"
  // With kFail: the scenario that failed (the main one, or the first leg
  // that failed), as YAML that `refdrv trace --all-phy-drivers` replays.
  std::string failing_scenario;
  // It binds through its own match_phy_device() rather than its ID alone.
  bool matches_by_callback = false;
  // After the main scenario passed: the legs run (other partners, forced
  // modes, a flap, an MDIO error at each access of attach), and what the
  // attach sweep found. An error attach returned is propagated; one it
  // returned 0 after is ignored (counted, not a failure: phylib's own
  // probe-time reads tolerate some); a crash, hang or leak fails the entry.
  std::size_t legs = 0;
  std::size_t attach_accesses = 0, attach_errors_propagated = 0, attach_errors_ignored = 0;
  // Vendor registers (Clause 22, 16-31) the run read or wrote: the generic
  // model stores them but gives them no meaning, so a failure after the
  // driver relied on one is more likely the model's gap than the driver's.
  std::vector<int> vendor_registers;
  // The same for Clause-45 registers outside what the model drives
  // (hw::c45_vendor_register): (MMD, register) pairs.
  std::vector<std::pair<unsigned, unsigned>> vendor_mmd_registers;
  // Taken for a gigabit PHY: phylib's supported modes had 1000BASE-T after
  // some step (the entry's .features, or what its get_features() read), or
  // the run accessed CTRL1000, STAT1000 or ESTATUS (registers 9, 10, 15),
  // which phylib's generic code reads only for a PHY it takes for one.
  bool gigabit = false;
  // On a model without pages of its own (generic): the register the
  // driver's write_page() wrote first, which then selects the model's pages
  // (the scenarios' page-register) for every run of the entry.
  std::optional<unsigned> page_register;
  // When other implementations register this entry too (the Asix group's
  // Rust and C++ drivers): "C" and theirs, the comparisons of the
  // differential (the main scenario and every leg on each other
  // implementation, each compared with C's run of it), and the first
  // divergence ("" when none; a divergence fails the entry).
  std::vector<Impl> implementations;
  std::size_t comparisons = 0;
  std::string divergence;
  // Whether any run of the entry (its main scenario, a leg, the
  // differential's) crashed or hung (a stop at a function refdrv does not
  // emulate is not counted), or leaked: `reason` names only the first
  // failure, and a known failure that now crashes later too is new.
  bool stopped = false, leaked = false;
};

// The entry ran on a vendor family's model whose own PHY is another of the
// family (the RTL8201F on the RTL8211F's model): what phylib read of its
// abilities, and its vendor registers, are that PHY's.
[[nodiscard]] bool model_stands_in(const DriverRow& row);
// What a pass has less behind it ("" for none, and for any other verdict):
// it ran on a vendor family's model standing in for its PHY, on a generic
// model that stores the vendor registers it used without meaning, or, where
// phylib took the PHY for a gigabit one, on a generic model, which has no
// 1000BASE-T registers.
[[nodiscard]] std::string pass_caveat(const DriverRow& row);
enum class PassCaveat : std::uint8_t { kNone, kStandInModel, kUncheckedVendorRegisters, kGigabitOnGenericModel };
// Which of those apply (a pass can have several; each is counted).
[[nodiscard]] std::vector<PassCaveat> pass_caveats(const DriverRow& row);
[[nodiscard]] bool has_caveat(const DriverRow& row, PassCaveat c);

// An entry's main run: bound (the expectation of step 2, the entry's own
// driver is bound, held), then the first failure: a kernel service refdrv
// does not emulate is n/a (not the driver's fault), not bound is n/a (the
// model did not give the entry what it binds to), any other stop (a crash,
// a hang) or a leak fails the entry, bound or not, as does a failed
// expectation once bound.
void classify_conformance(const RunResult& r, const Scenario& sc, DriverRow& row);

// The differential's totals over a report's rows: the entries other
// implementations register too, those implementations ("C++", "Rust"), the
// comparisons with C's runs and the entries that diverged.
struct DifferentialTotals {
  std::size_t entries = 0, comparisons = 0, diverged = 0;
  std::vector<std::string> others;
};

struct DriversReport {
  std::string tree_version;
  std::vector<DriverRow> rows;
  // The files run when a selection was given (select_driver_files), and how
  // many driver files the tree has; empty: every file, and rows hold them all.
  std::vector<std::string> selected;
  std::size_t tree_files = 0;
  std::vector<std::string> stubbed;  // functions the build replaced by trace-and-stop stubs
  std::string states_sampled;        // why phylib's state was sampled, not watched ("" when watched)
  std::string states_hooked;         // why the store hooks watched it, not a hardware watchpoint ("" when not)
  double seconds = 0;                // the runs, after the build
  std::size_t runs = 0;              // main scenarios and legs
  [[nodiscard]] std::size_t files() const;
  [[nodiscard]] std::size_t files_built() const;
  [[nodiscard]] std::size_t files_bound() const;  // files with at least one entry bound
  [[nodiscard]] std::size_t count(Conformance c) const;  // of the entries
  // Files built whose source declares entries of which none registered.
  [[nodiscard]] std::size_t registration_failures() const;
  [[nodiscard]] DifferentialTotals differential() const;
};

// The conformance scenario for one phy_driver entry, as a scenario file:
// bind by PHY ID, attach, autonegotiate, unplug and replug, restart aneg,
// stop and start (phy_stop suspends, phy_start resumes), stop, detach. When
// it passes, the entry's legs follow (run_drivers): every other partner
// profile (the speed and duplex the model resolves with it, which phylib
// must report), both forced modes against a partner forced alike, a flap,
// and an MDIO error at each access its attach made.
[[nodiscard]] std::string conformance_scenario_yaml(const std::string& driver, std::uint32_t phy_id,
                                                    const std::string& model = "generic",
                                                    std::optional<unsigned> page_register = {});

// The driver files `wanted` names, as paths in the tree: each a path
// (drivers/net/phy/davicom.c), or a file under drivers/net/phy with or
// without its .c (davicom.c, davicom, aquantia/aquantia_main.c). A name
// that is no driver file of the tree is an error that lists them.
Result<std::set<std::string>> select_driver_files(const kernel::LinuxTree& tree,
                                                  const std::vector<std::string>& wanted);

// Runs every entry of the C driver modules `env` hosts (contained: a crash
// or hang is that entry's finding), or only those of the files in `only`
// (from select_driver_files) when it is not empty. `env` should be opened
// with EnvironmentOptions::all_phy_drivers.
Result<DriversReport> run_drivers(Environment& env, const std::set<std::string>& only = {},
                                  const std::function<void(std::size_t, std::size_t)>& progress = {});

// One leg of the differential: the C run against another implementation's
// of the same scenario. nullopt: not compared (both runs died in their
// workers); "": nothing differs; else what differs, in a line (one run
// passed and the other failed, one died where the other did not, or
// compare()'s first divergence).
[[nodiscard]] std::optional<std::string> differential_verdict(const Scenario& sc, const RunResult& c, Impl impl,
                                                              const RunResult& other);

// The verdicts of an earlier `refdrv drivers --json` (a file of the same
// or another tree), by entry (file, name): what a run is held to with
// --baseline, so that entries known to fail (a model's gap, a driver's
// known bug) do not fail every run of an unmodified tree, and a new failure
// does.
struct DriversBaseline {
  struct Verdict {
    std::string conformance;  // "pass", "fail", "n/a"
    std::string failed_step;  // where a failure was
    std::string reason;
    // As the baseline's report said (schema refdrv-drivers/6 on); none from
    // an older report.
    std::optional<bool> stopped, leaked;
  };
  std::string path;
  std::string tree_version;
  std::map<std::pair<std::string, std::string>, Verdict> entries;
};
// Refused, naming the file and what is wrong, when it is not such a report.
[[nodiscard]] Result<DriversBaseline> read_drivers_baseline(const std::filesystem::path& file);

struct BaselineComparison {
  std::vector<std::string> new_failures;  // "file:name (was pass)": failing now, not in the baseline
  std::vector<std::string> known;         // failing now as in the baseline: at the same step, the same way
  std::vector<std::string> fixed;         // failing in the baseline, passing now
  // Checked in the baseline (pass or fail), not checked now for a reason
  // that is not the driver's (a kernel function refdrv does not emulate, a
  // firmware file it cannot find): "file:name (was pass, now n/a: ...)".
  std::vector<std::string> unchecked;
  // KTAP says "not ok" for each of these: the entries that are n/a now and
  // a new failure (not bound now), as the lists above name them
  // ("file.c:name"), and the entries no longer registered, as KTAP names
  // its tests ("drivers/net/phy/file.c:name").
  std::set<std::string> new_failure_entries;
  std::vector<std::string> lost;
  // The baseline's entries (and file rows) in the files this run covers: 0
  // where the --file selection and the baseline share no file, which is said.
  std::size_t baseline_entries_covered = 0;
};
[[nodiscard]] BaselineComparison compare_with_baseline(const DriversReport& r, const DriversBaseline& b);
[[nodiscard]] nlohmann::json baseline_json(const DriversBaseline& b, const BaselineComparison& c);

[[nodiscard]] std::string format_drivers(const DriversReport& r);
// With `baseline`, each failure says whether the baseline has it.
[[nodiscard]] std::string drivers_ktap(const DriversReport& r, const BaselineComparison* baseline = nullptr);
[[nodiscard]] nlohmann::json drivers_json(const DriversReport& r);

}  // namespace refdrv::report
