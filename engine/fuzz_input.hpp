// SPDX-License-Identifier: GPL-2.0
// The fuzzers' input format: any byte string decodes into a valid scenario
// (hardware model and revision, link partner, fault seed, then steps:
// operations, ethtool settings, time steps, cable events, MDIO faults, raw
// MDIO accesses). Every decoded scenario can be written as YAML that
// `refdrv run` replays, and scenarios encode back into bytes, so the default
// suite seeds the corpus.
//
// Layout: three header bytes (model, partner, seed; a partner byte from 0x80
// starts a partner written inline, see read_inline_partner), then steps. A step is an
// opcode byte (low 5 bits: the kind; bit 7: the long form of its arguments)
// and its argument bytes; missing bytes read as 0.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace refdrv {

struct FuzzLimits {
  std::size_t max_steps = 32;
  std::uint64_t max_virtual_ns = 120ULL * 1000000000ULL;  // waits and flaps beyond are cut
};

// The models the differential fuzzer drives: the reference group's
// (kernel::reference_group()), whose three implementations it compares.
[[nodiscard]] std::span<const std::string> fuzz_models();

// The seed corpus: every scenario of `suite` on each of its models the
// fuzzer drives, encoded; named "seed-<scenario>-<model>".
struct FuzzSeed {
  std::string name;
  std::vector<std::uint8_t> bytes;
};
[[nodiscard]] std::vector<FuzzSeed> fuzz_seeds(const std::vector<Scenario>& suite);

[[nodiscard]] Scenario decode_fuzz_input(std::span<const std::uint8_t> data, const FuzzLimits& limits = {});

// The bytes that decode into `s` on its first model, as far as the format
// can say it. Dropped: expectations and `returns` (the fuzzer's oracle is
// the comparison), the scenario's `timing`, `time-budget`, `mdio-frame`,
// `firmware` and `page-register`, its top-level `faults:` (rules from bus
// registration on: the format's fault steps start after it), a rule's
// `delivered`, every model but the first, and a `phy-id` except the
// revision nibble of a model whose driver takes any revision. An unknown
// model becomes the group's first. Rounded or clamped: durations to whole
// milliseconds from 1 ms to 65.535 s, `seed` to 1-256, a fault's `nth` to
// 254, `access` to 255, `probability` to 0.5, its `register` to a
// Clause-22 number (0-31), as is an `MMD.register` of an mdio- or mii-
// step. So the default suite's reset-never-completes seeds decode to a
// plain attach and its reset-slow ones to a link-up: they differ from those
// only in `timing`.
[[nodiscard]] std::vector<std::uint8_t> encode_fuzz_input(const Scenario& s);

}  // namespace refdrv
