// SPDX-License-Identifier: GPL-2.0
// The hardware refdrv knows: PHY models and link-partner profiles, as data.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hw/phy_model.hpp"
#include "hw/qt2025.hpp"

namespace refdrv::hw {

// All built-in PHY models (AX88772A, AX88772C, AX88796B, generic ones).
[[nodiscard]] std::span<const PhyModelSpec> phy_models();
[[nodiscard]] std::optional<PhyModelSpec> find_phy_model(std::string_view name);
// The Clause-22 model refdrv has of the PHY a driver entry matches (its
// ID under the entry's mask), for a driver's conformance run: a vendor
// model when the catalog has one (uPD60620, the Asix PHYs), else a family
// model listing the ID (family_also, family_ouis: Marvell's two IDs outside
// its OUI, "generic-c45" for the Clause-45 PHYs), else a vendor's family
// model whose family_mask covers the ID (Marvell's OUI), else "generic".
[[nodiscard]] std::string model_for_phy_id(std::uint32_t phy_id, std::uint32_t mask);
// Whether a model is one of the generic ones (generic, generic-gigabit,
// generic-c45): no vendor's registers driven, never chosen by its own ID.
[[nodiscard]] bool is_generic_model(std::string_view name);

// Every model a scenario can name, whatever its kind (the Clause-22 models
// above, the Clause-45 QT2025), with what the MAC around it is like.
struct ModelInfo {
  std::string name;
  std::string description;
  unsigned default_addr = 0;
  std::uint32_t bus_mask = 0;  // mii_bus.phy_mask as the MAC sets it
  bool clause22 = true;        // the MAC's MDIO controller does Clause-22 frames
  bool clause45 = false;       // ... and Clause-45 frames
  bool ten_gig = false;        // the MAC connects by XAUI (else MII)
};
[[nodiscard]] const std::vector<ModelInfo>& all_models();
// The model of that name (a pointer into all_models()), or nullptr.
[[nodiscard]] const ModelInfo* find_model(std::string_view name);
// A fresh model of that name; `phy_id` overrides its identifier (revision
// variants), `page_reg` its page register (PhyModelSpec::page_reg; Clause-22
// models only), `timing` its times (Clause-22 models only). Null for an
// unknown name, or a page register or timing the model cannot have.
[[nodiscard]] std::unique_ptr<WiredPhy> make_model(std::string_view name, std::optional<std::uint32_t> phy_id = {},
                                                   std::optional<unsigned> page_reg = {},
                                                   const ModelTiming& timing = {});

// The QT2025 models: the revision the Linux driver supports, and another.
[[nodiscard]] std::span<const Qt2025Spec> qt2025_models();
// The medium a model's PHY takes its link from: an SFP+'s fibre for the
// QT2025 models, twisted pair for every other.
[[nodiscard]] Medium model_medium(std::string_view model);
[[nodiscard]] const char* medium_name(Medium m);
// Whether the model takes a firmware program (the QT2025 models): on any
// other, firmware-loaded: false always holds and true never does.
[[nodiscard]] bool model_takes_firmware(std::string_view model);

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
  // What the model does that the record does not say: refdrv's reading of
  // it (a power-on value, which partners, a behaviour inferred from the
  // driver's workaround), so that a maintainer can weigh it.
  std::string_view beyond_the_record;
};
[[nodiscard]] std::span<const QuirkInfo> quirk_catalog();

}  // namespace refdrv::hw
