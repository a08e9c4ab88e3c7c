// SPDX-License-Identifier: GPL-2.0
// Scenarios: a script of hardware events, MAC/ethtool operations, time
// steps, fault injection and expectations, run identically on every
// implementation. Format: docs/scenarios.md.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "hw/faults.hpp"
#include "hw/phy_model.hpp"

namespace refdrv {

// Where something was written: for error messages and reports.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  [[nodiscard]] std::string str() const;
};

struct RegisterExpectation {
  unsigned reg = 0;
  std::uint16_t mask = 0xffff;
  std::uint16_t value = 0;
};

// What must hold after a step.
struct Expectation {
  std::optional<bool> link;             // phylib's phydev->link
  std::optional<int> speed;             // 10, 100, 1000, -1 (unknown)
  std::optional<int> duplex;            // 0 half, 1 full, 255 unknown
  std::vector<std::string> states;      // RUNNING, NOLINK, ... (any of them)
  std::optional<bool> carrier;          // netif_carrier_ok() at the MAC
  std::optional<bool> mac_link;         // the last link change the MAC saw
  // What ethtool shows as "Advertised link modes" and "Link partner
  // advertised link modes": REFDRV_ADV_* bits of phydev's masks, exactly.
  std::optional<std::uint32_t> advertising, lp_advertising;
  // The link changes the MAC saw since the previous expectation of them.
  std::optional<std::vector<bool>> mac_link_events;
  std::optional<std::string> driver;    // bound driver's name
  std::optional<bool> bound;            // a driver is bound at all
  std::optional<bool> powered_down;     // BMCR power-down bit of the model
  std::vector<RegisterExpectation> registers;  // the model's registers (no read side effects)
  // The model runs, from its program memory, byte for byte the firmware the
  // driver was given (true), or runs none (false).
  std::optional<bool> firmware_loaded;
  // What the driver's callbacks last returned: callback name -> 0 or -errno.
  std::map<std::string, int> returned;
  std::vector<std::string> models;      // only for these models (empty: all)
};

// The largest firmware image a scenario may have refdrv generate.
inline constexpr long long kMaxFirmwareBytes = 1 << 20;

// A firmware file as request_firmware() finds it in a run.
struct FirmwareFile {
  enum class Kind {
    kDefault,    // from --firmware DIR, /lib/firmware, or refdrv's test image (engine/firmware.hpp)
    kMissing,    // not there: -ENOENT
    kTestImage,  // refdrv's generated test image of `size` bytes
  };
  Kind kind = Kind::kDefault;
  std::size_t size = 0;
  bool operator==(const FirmwareFile&) const = default;
};

// Ethtool-like settings (`ethtool -s`): what is not given stays as it is.
struct EthtoolSettings {
  std::optional<bool> autoneg;
  std::optional<int> speed;
  std::optional<bool> full_duplex;
  std::optional<std::uint32_t> advertise;  // REFDRV_ADV_* bits
  bool operator==(const EthtoolSettings&) const = default;
};

struct Step {
  enum class Kind {
    kAttach, kDetach, kStart, kStop, kSuspend, kResume, kInitHw, kStartAneg, kRestartAneg, kGenphySoftReset,
    kEthtool, kMdioRead, kMdioWrite, kMiiRead, kMiiWrite,             // kernel-side operations
    kWait, kPlug, kUnplug, kFlap, kPartnerRestartAneg,                // time and the wire
    kFault, kClearFaults,                                             // MDIO faults
    kExpect,
  };
  Kind kind = Kind::kWait;
  SourceLocation where;
  std::uint64_t ns = 0;          // wait, flap
  hw::PartnerProfile partner;    // plug
  EthtoolSettings ethtool;
  hw::FaultRule fault;
  int reg = 0, value = 0;        // mdio-read / mdio-write / mii-read / mii-write
  int addr = -1;                 // the same: -1 is the PHY's address
  std::optional<int> returns;    // expected return of an operation (0 or -errno)
  Expectation expect;
  YAML::Node source;             // the step as written, for reproducers
};

[[nodiscard]] const char* step_name(Step::Kind k);
[[nodiscard]] bool is_operation(Step::Kind k);

struct Scenario {
  std::string name;
  SourceLocation name_at;  // the name's value in its file (a duplicate name is said there)
  std::string description;
  std::string file;                 // where it was loaded from ("(default suite)/x.yaml")
  std::vector<std::string> models;  // run on each
  std::optional<hw::PartnerProfile> partner;  // plugged at time 0; none: no cable
  std::optional<std::uint32_t> phy_id;  // overrides the model's (revision variants)
  // The Clause-22 register (16-31) whose value selects the page the other
  // registers show (hw::PhyModelSpec::page_reg), for a model without pages
  // of its own: what a driver's write_page() writes (refdrv drivers learns
  // it from the driver's first write_page() on the generic model).
  std::optional<unsigned> page_register;
  std::vector<std::string> tags;    // what it covers (quirk names, "faults", ...)
  std::uint64_t time_budget_ns = 0; // 0: the default
  // Virtual time each MDIO access takes (0: none). A 2.5 MHz MDC, the
  // fastest IEEE 802.3 22.2.2.13 allows, clocks a 64-bit frame (32-bit
  // preamble, 22.2.4.5) in 25.6 us: a driver busy-polling a register then
  // sees time pass as it would on hardware.
  std::uint64_t mdio_frame_ns = 0;
  hw::ModelTiming timing;           // the model's times, where given (timing:)
  std::vector<hw::FaultRule> faults;  // installed before the bus is registered
  std::uint64_t seed = 1;           // of the fault injector (probability rules)
  std::optional<SourceLocation> seed_at;         // where seed: was given (check names one that seeds nothing)
  std::map<std::string, FirmwareFile> firmware;  // by file name; others: default
  std::vector<Step> steps;
};

// The most virtual time a scenario may ask for (its waits together), in
// seconds: 2.3 days of phylib polling. A run keeps its whole trace, about
// 3 KB per virtual second of a linked PHY, so this bounds its memory (a
// run of 100 000 s peaks at about 315 MB). A run's budgets scale with what
// it asks for (docs/scenarios.md, "Budgets").
inline constexpr std::uint64_t kMaxVirtualSeconds = 200'000;

// Link modes (REFDRV_ADV_* bits) by the names the scenario language gives
// them ("10-half", "100-full", "pause", "asym-pause", ... and "10gbase-r"):
// as a list, as one comma-separated string ("none" for no bits), and back.
[[nodiscard]] std::vector<std::string> link_mode_list(std::uint32_t bits);
[[nodiscard]] std::string link_mode_names(std::uint32_t bits);
[[nodiscard]] std::optional<std::uint32_t> link_mode_bit(std::string_view name);

// A link partner as a user reads it: a profile's name, or what an inline
// partner advertises ("advertising 10-half,pause") or runs ("forced
// 100-full, no auto-negotiation"), with its PHY ID when given.
[[nodiscard]] std::string partner_text(const hw::PartnerProfile& p);

// A link partner in scenario YAML: the profile's name when it is one of the
// catalog's unchanged, else the inline map (docs/scenarios.md).
[[nodiscard]] YAML::Node partner_to_yaml(const hw::PartnerProfile& p);

// A partner written inline: the profile it stands for, named by what it does.
[[nodiscard]] hw::PartnerProfile inline_partner(bool negotiates, hw::ModeSet abilities, hw::Mode forced, bool pause,
                                                bool asym_pause, bool legacy_an, bool remote_fault,
                                                std::optional<std::uint32_t> phy_id);

// Parses a scenario; errors name file:line:column and what was expected.
Result<Scenario> parse_scenario(const std::string& text, const std::string& file);
Result<Scenario> load_scenario(const std::string& path);

// How often the parser's safety net caught a YAML shape it should have
// checked and did not (a parser bug; the parser fuzzer watches it).
[[nodiscard]] std::uint64_t scenario_parser_safety_net_hits();

// A step as YAML, built from its fields (what `source` holds when parsed).
[[nodiscard]] YAML::Node step_to_yaml(const Step& st);

// The scenario as YAML (the steps as written, or built from their fields
// when they were not parsed), e.g. for a reproducer that keeps only the
// first `steps` steps.
[[nodiscard]] std::string scenario_to_yaml(const Scenario& s, std::size_t steps, const std::string& comment = {});

// A scenario's or model's name as part of a reproducer's file name (and its
// scenario name): every character but letters, digits, '-' and '_' becomes '-'.
[[nodiscard]] std::string reproducer_name_part(std::string s);

// A step that changes the cable or the partner (plug, unplug, flap,
// partner-restart-aneg). The runner schedules these in the model when the
// operation before them (is_operation: a call into the kernel side)
// returns, each at the time the waits before it reach (engine/runner.cpp):
// the wire does not wait for kernel code that sleeps.
[[nodiscard]] bool cable_step(Step::Kind k);

// The scenario with its steps' YAML sources dropped, so that
// scenario_to_yaml writes every step from its fields: the canonical form, in
// which two scenarios that mean the same are the same text.
[[nodiscard]] Scenario without_sources(Scenario s);

// "1.5s", "200ms", "10us", "3" (seconds) -> nanoseconds.
std::optional<std::uint64_t> parse_duration(const std::string& text);
// The longest duration parse_duration() takes, in nanoseconds (about 31
// years: far past the virtual time a scenario may ask for).
inline constexpr double kMaxDurationNs = 1e18;
// Any non-negative number with a unit, in nanoseconds, however large
// (infinite when it does not fit a double): parse_duration() refuses what
// is past kMaxDurationNs, and the error then says it is too long.
std::optional<double> duration_ns(const std::string& text);

}  // namespace refdrv
