// SPDX-License-Identifier: GPL-2.0
// Registration of C++ modules with a loaded kernel side.
#include "host/kernel_image.hpp"
#include "cxx/abstractions/registration.hpp"

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
    if (m.flags[i].has(Flag::is_internal)) f |= c.flag_is_internal;
    if (m.flags[i].has(Flag::rst_after_clk_en)) f |= c.flag_rst_after_clk_en;
    if (m.flags[i].has(Flag::poll_cable_test)) f |= c.flag_poll_cable_test;
    if (m.flags[i].has(Flag::always_call_suspend)) f |= c.flag_always_call_suspend;
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
