// SPDX-License-Identifier: GPL-2.0
// The hardware refdrv knows: PHY models and link-partner profiles, as data.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hw/phy_model.hpp"

namespace refdrv::hw {

// All built-in PHY models (AX88772A, AX88772C, AX88796B, generic ones).
[[nodiscard]] std::span<const PhyModelSpec> phy_models();
[[nodiscard]] std::optional<PhyModelSpec> find_phy_model(std::string_view name);

// All built-in link-partner profiles.
[[nodiscard]] std::span<const PartnerProfile> partner_profiles();
[[nodiscard]] std::optional<PartnerProfile> find_partner(std::string_view name);

// A documented deviation of a chip: which switch in Quirks, on which models,
// and the public record of it.
struct QuirkInfo {
  std::string_view name;      // "reset-needs-toggle"
  std::string_view models;    // "AX88796B"
  std::string_view record;    // where it is documented
  bool Quirks::*flag;
};
[[nodiscard]] std::span<const QuirkInfo> quirk_catalog();

}  // namespace refdrv::hw
