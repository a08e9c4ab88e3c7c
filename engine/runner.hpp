// SPDX-License-Identifier: GPL-2.0
// Runs one scenario on one model with one implementation, in one instance,
// and records what happened: the trace, every expectation's verdict, the
// callbacks that ran, what the MAC saw after each step.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/scenario.hpp"
#include "host/instance.hpp"

namespace refdrv {

class Environment;
class SnapshotCache;

struct ExpectationResult {
  std::size_t step = 0;  // 0-based index of the step
  std::string where;     // file:line:column
  bool ok = true;
  std::string message;   // what was expected and what was found
};

// What the MAC knows after a step: the last link change phylib reported
// and the carrier; and what `ethtool DEV` shows of the PHY: the transceiver,
// auto-negotiation, speed and duplex, and the supported, advertised and link
// partner's link modes (phy_ethtool_ksettings_get() reads phydev's fields,
// as here: they change without a link change the MAC would be told of).
struct MacView {
  bool link = false;
  // Before any link change the MAC has been told nothing: phylib's unknowns.
  int speed = -1 /* SPEED_UNKNOWN */, duplex = 0xff /* DUPLEX_UNKNOWN */, pause = 0, asym_pause = 0;
  bool carrier = false;
  // What ethtool shows as the transceiver once attached (phy_is_internal()).
  bool internal = false;
  int autoneg = 0;
  int ethtool_speed = -1, ethtool_duplex = 0xff;  // phydev->speed/duplex, which ethtool shows
  std::uint32_t supported = 0, advertising = 0, lp_advertising = 0;  // REFDRV_ADV_* bits
  // The three masks whole (ETHTOOL_LINK_MODE_*_BIT numbering): what the
  // REFDRV_ADV_* projection leaves out (ports, autoneg, the 10G media).
  using LinkModeBits = std::array<std::uint64_t, 2>;
  LinkModeBits supported_bits{}, advertising_bits{}, lp_advertising_bits{};
  // The rest of ethtool's view and the MAC's interface, as phylib's numbers:
  // port (PORT_*), MDI-X as set and as resolved (ETH_TP_MDI*), master-slave
  // as configured and as resolved (MASTER_SLAVE_*), rate matching
  // (RATE_MATCH_*), the interface mode (PHY_INTERFACE_MODE_*). Until
  // 2026-12-07 these were not compared: a driver that set another port or
  // MDI-X was equivalent.
  int port = 0, mdix_ctrl = 0, mdix = 0, master_slave_cfg = 0, master_slave_state = 0, rate_matching = 0, interface = 0;
  bool operator==(const MacView&) const = default;
};

// Those seven with their JSON names: what the digest hashes and the
// worker's JSON carries, one list for both.
inline constexpr std::array<std::pair<const char*, int MacView::*>, 7> kMacViewNumbers = {{
    {"port", &MacView::port},
    {"mdix_ctrl", &MacView::mdix_ctrl},
    {"mdix", &MacView::mdix},
    {"master_slave_cfg", &MacView::master_slave_cfg},
    {"master_slave_state", &MacView::master_slave_state},
    {"rate_matching", &MacView::rate_matching},
    {"interface", &MacView::interface},
}};

// A whole link-mode mask as ethtool writes one (`ethtool -s DEV advertise
// 0x...`): hexadecimal, bit N the mode ETHTOOL_LINK_MODE_..._BIT = N.
[[nodiscard]] std::string link_mode_mask(const MacView::LinkModeBits& bits);
// Its inverse, for the JSON that carries runs; nullopt if not such a mask.
[[nodiscard]] std::optional<MacView::LinkModeBits> link_mode_mask_from(const std::string& text);

// What became of a fault injected at one MDIO access (RunOptions::extra_fault
// with an access-index trigger): where it happened and who saw the error.
struct FaultEffect {
  bool reached = false;         // the access was made
  bool injected = false;        // and the harness's fault failed it (RunOptions::extra_fault)
  std::size_t event = 0;        // its index in the trace
  std::string access;           // "rd phy:0x10 reg:0x01 BMSR", "wr phy:0x10 reg:0x00 BMCR <- 0x8000"
  std::string step;             // the step it happened in ("" during bus registration)
  // The driver callbacks it happened in, innermost first, with what each
  // returned (void callbacks return 0; kNoReturn if it never returned).
  static constexpr long kNoReturn = -1000000;
  std::vector<std::pair<std::string, long>> callbacks;
  std::string api;              // the outermost phylib call it happened in ("": the state machine)
  long api_ret = 0;
  std::size_t error_states_after = 0;  // ERROR/HALTED entered outside phy_stop() after it
};

// The same analysis for access `index` of any trace (a baseline, for one).
[[nodiscard]] FaultEffect fault_effect(const Trace& trace, std::uint64_t index);

// The kernel function named by a stop at a stub of emul/gen-stubs.sh (a
// function refdrv does not emulate: "unemulated kernel function NAME() was
// called") anywhere in `text`, "" when it names none. That stop is refdrv's
// gap, not the code's finding: drivers, mutate and check --commits say so.
[[nodiscard]] std::string unemulated_function_in(std::string_view text);
// The names of the quirks whose bits are set (hw::MdioDevice::quirks_acted).
[[nodiscard]] std::vector<std::string> quirk_names(std::uint32_t bits);

struct RunResult {
  std::string scenario;
  std::string model;
  Impl impl = Impl::kC;
  std::size_t steps_run = 0;
  Trace trace;
  std::vector<ExpectationResult> expectations;
  std::set<std::string> callbacks;  // entered at least once
  std::vector<MacView> mac_after_step;
  std::optional<std::string> stop;  // the instance stopped: why
  // The supervisor killed it at its wall-clock limit: what it did is cut
  // wherever the machine's load put the limit, so it is no basis for a
  // comparison (the stop is a finding on its own).
  bool killed_by_wall_clock = false;
  // It died in its worker (a crash, a sanitizer, the wall clock): its trace
  // is only the last events the supervisor's shared ring kept (names cut),
  // its MAC views and expectations are lost, so it is no basis for a
  // comparison either.
  bool trace_cut = false;
  std::size_t leaked_bytes = 0;
  std::size_t warnings = 0;  // WARN()s the kernel side hit (kWarn events)
  // Why phylib's state was only sampled in this run ("" when every store to
  // it was watched, host/store_watch.hpp).
  std::string states_sampled;
  // Why the kernel side's store hooks watched it in this run instead of a
  // hardware watchpoint ("" where the hardware watched, or where the hooks
  // came first: a fuzzing build's). They see the stores of phylib and the
  // C drivers, not those of uninstrumented code (Rust, C++, emulation).
  std::string states_hooked;
  // The firmware files the kernel side asked for (request_firmware()), by
  // name: a scenario's `firmware:` entry no run asked for changed nothing.
  std::set<std::string> firmware_requested;
  // Of those, the ones no file was found for (request_firmware() failed
  // with -ENOENT): input refdrv lacks (--firmware DIR gives it), not the
  // driver's doing.
  std::set<std::string> firmware_missing;
  // The scenario's fault rules whose trigger never fired in this run
  // ("faults: entry 1", "step 4 (x.yaml:9:5)"): the run did not see the
  // fault they describe.
  std::vector<std::string> faults_never_fired;
  std::uint64_t virtual_ns = 0;
  std::uint64_t mdio_accesses = 0;
  std::uint64_t writes_during_reset = 0;  // Clause-22 writes a resetting PHY ignored
  // The model's quirks that changed what the bus or the link saw (their
  // names, hw::quirk_catalog()'s order): what a run shows there rests on
  // refdrv's reading of a record that leaves parts open.
  std::vector<std::string> quirks_acted;
  double wall_seconds = 0;
  // A crash or hang contained in fork mode: the last trace lines before it
  // and what the run printed on stderr (a sanitizer report, an abort).
  std::vector<std::string> last_lines;
  std::string output;
  // Per comparison level (compare.hpp, index level - 1): a hash of exactly
  // what that level compares, so runs can be compared without their traces.
  std::array<std::uint64_t, 3> digest{};
  std::optional<FaultEffect> fault;  // with RunOptions::extra_fault (access index)
  std::string register_dump;  // with RunOptions::register_dump

  [[nodiscard]] std::size_t failures() const;
  [[nodiscard]] bool passed() const { return failures() == 0; }
  // One line on what failed, for tables.
  [[nodiscard]] std::string failure_summary() const;
  // The run's first failed expectation when it failed before the step the
  // run stopped in (it had failed already, whatever stopped it then), else
  // null: a stop at an unemulated function after it is no excuse for it.
  [[nodiscard]] const ExpectationResult* failed_before_stop() const;
};

// The step a run stopped in at a kernel function refdrv does not emulate,
// having failed nothing before it (RunResult::failed_before_stop); none for
// any other run.
[[nodiscard]] std::optional<std::size_t> stub_stop_step(const RunResult& r);
// Whether a divergence in step `step` between runs `a` and `b` is the
// code's finding: neither stopped at a stub, or it came in a step before
// the earlier of their stops (after one, it is the stop's doing). check's
// rule and the fuzzer's.
[[nodiscard]] bool diverged_before_stub(std::size_t step, const RunResult& a, const RunResult& b);

// How many runs said why (states_sampled, states_hooked), and the first
// reason given: what check and faults report of how phylib's state was seen.
using RunCount = std::pair<std::size_t, std::string>;
// Counts one more run whose `why` says something ("" is not counted).
void count_run(RunCount& count, const std::string& why);

struct RunOptions {
  std::size_t max_steps = ~std::size_t{0};    // run only a prefix (reproducers)
  // Budgets: past one the run stops as a hang, a finding (never a pass).
  // They scale with the virtual time the scenario asks for (its waits), so
  // that a long wait is not mistaken for a hang (docs/scenarios.md, Budgets).
  std::uint64_t time_slack_ns = 3600ULL * 1000000000ULL;  // virtual time beyond the waits
  std::uint64_t mdio_budget = 200000;         // MDIO accesses, plus:
  std::uint64_t mdio_per_virtual_second = 100;  // for each second the waits ask for
  std::optional<hw::FaultRule> extra_fault;   // installed before the bus is created (fault sweep)
  bool logs = true;                           // keep kernel log lines in the trace
  // Keep the model's registers as they are when the last step has run
  // (hw::dump_registers, without read side effects): refdrv trace --registers.
  bool register_dump = false;
  // Start from a snapshot where the cache has one for the run's beginning,
  // and save one where it has not (engine/snapshot.hpp). Null: every run
  // starts from nothing.
  SnapshotCache* snapshots = nullptr;
  // Each link up the MAC is told must be what the PHY model's link runs
  // (speed and duplex); one that is not fails the run like an expectation,
  // at the step it happened in. Only where nothing but the driver and phylib
  // decides what the registers say: not in a scenario with faults or raw
  // MDIO/MII writes. check, run and trace ask for it.
  bool check_wire = false;
};

// What one run may use before it is a hang.
struct RunBudgets {
  std::uint64_t virtual_ns = 0;     // the clock may not pass it while the kernel side sleeps
  std::uint64_t mdio_accesses = 0;  // accesses the kernel side may make
};

// The budgets of a run of `sc` (its first `options.max_steps` steps): the
// virtual time its waits ask for plus time_slack_ns (a scenario's own
// time-budget replaces this), and mdio_budget plus mdio_per_virtual_second
// for every second the waits ask for.
[[nodiscard]] RunBudgets run_budgets(const Scenario& sc, const RunOptions& options);

RunResult run_scenario(Environment& env, const Scenario& scenario, const std::string& model, Impl impl,
                       const RunOptions& options = {});

}  // namespace refdrv
