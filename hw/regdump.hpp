// SPDX-License-Identifier: GPL-2.0
// Register dumps in the style kernel people know from phytool/mdio-tools:
//   BMCR(0x00): 0x3100  +aneg-enable -reset ...  speed: 100-full
#pragma once

#include <cstdint>
#include <string>

#include "hw/phy_model.hpp"

namespace refdrv::hw {

// Short name of a Clause-22 register ("BMCR", "LPA", "VENDOR(0x1f)").
[[nodiscard]] std::string register_name(unsigned reg);

// One line decoding `value` as register `reg`.
[[nodiscard]] std::string decode_register(unsigned reg, std::uint16_t value);

// Every standard register of the model (plus non-zero vendor registers),
// one line each, without read side effects. Includes how registers 13/14
// behave on this model.
[[nodiscard]] std::string dump_registers(PhyModel& phy, Nanos now);

}  // namespace refdrv::hw
