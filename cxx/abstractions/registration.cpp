// SPDX-License-Identifier: GPL-2.0
// Registration of C++ modules with a loaded kernel side.
#include "cxx/abstractions/registration.hpp"

#include <fmt/format.h>

#include <tuple>

#include "host/kernel_image.hpp"

namespace refdrv::phy {

std::vector<std::string> offered_callbacks() {
#define REFDRV_PHY_OFFERED(cb, shape, foreign, cxx, locked) REFDRV_PHY_IF_##cxx(#cb, )
  return {REFDRV_PHY_CALLBACKS(REFDRV_PHY_OFFERED)};
#undef REFDRV_PHY_OFFERED
}

::refdrv::Result<std::unique_ptr<Registration>> Registration::register_module(KernelImage& image, const ModuleDescriptor& m) {
  std::unique_ptr<Registration> reg(new Registration(image));
  const refdrv_phy_consts& c = *image.helpers().consts;
  reg->drivers_.assign(m.drivers.begin(), m.drivers.end());
  for (std::size_t i = 0; i < reg->drivers_.size(); ++i) {
    unsigned int f = 0;
    // A flag the tree does not have (its constant reads 0 there, as
    // PHY_ALWAYS_CALL_SUSPEND on 6.1) is refused, not registered as no flag:
    // Rust's flags::ALWAYS_CALL_SUSPEND would not compile against that tree.
    for (const auto& [flag, value, name] :
         {std::tuple{Flag::is_internal, c.flag_is_internal, "PHY_IS_INTERNAL"},
          std::tuple{Flag::rst_after_clk_en, c.flag_rst_after_clk_en, "PHY_RST_AFTER_CLK_EN"},
          std::tuple{Flag::poll_cable_test, c.flag_poll_cable_test, "PHY_POLL_CABLE_TEST"},
          std::tuple{Flag::always_call_suspend, c.flag_always_call_suspend, "PHY_ALWAYS_CALL_SUSPEND"}}) {
      if (!m.flags[i].has(flag)) continue;
      if (value == 0)
        return fail(fmt::format("{}: driver \"{}\" has the flag {}, which this tree's phylib does not have",
                                m.info.name.c_str(), reg->drivers_[i].name ? reg->drivers_[i].name : "?", name));
      f |= value;
    }
    reg->drivers_[i].flags = f;
  }
  for (const DeviceId& id : m.device_table) {
    reg->ids_.push_back(id.id());
    reg->masks_.push_back(id.mask_as_int());
  }
  refdrv_foreign_module& mod = reg->module_;
  mod.name = m.info.name.c_str();
  mod.source = m.info.source.c_str();
  mod.kconfig = m.info.kconfig.c_str();
  mod.impl = REFDRV_IMPL_CXX;
  mod.author = m.info.author.c_str();
  mod.description = m.info.description.c_str();
  mod.license = m.info.license.c_str();
  mod.ndrivers = static_cast<unsigned int>(reg->drivers_.size());
  mod.drivers = reg->drivers_.data();
  mod.nids = static_cast<unsigned int>(reg->ids_.size());
  mod.ids = reg->ids_.data();
  mod.masks = reg->masks_.data();
  // SAFETY: `mod` and the arrays it points to live in `reg`, which stays
  // registered until its destructor unregisters it.
  if (auto r = image.register_foreign_module(mod); !r) return std::unexpected(r.error());
  return reg;
}

Registration::~Registration() { image_.unregister_foreign_module(module_); }

}  // namespace refdrv::phy
