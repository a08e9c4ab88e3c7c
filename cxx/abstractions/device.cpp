// SPDX-License-Identifier: GPL-2.0
// Device: every access to the phy_device, through the kernel side's helpers.
#include "refdrv/phy/device.hpp"

#include "refdrv/phy/detail/context.hpp"

namespace refdrv::phy {

namespace {

Result<std::uint16_t> to_value(int ret) {
  if (ret < 0) return std::unexpected(Errno::from_errno(ret));
  return static_cast<std::uint16_t>(ret);
}

}  // namespace

std::uint32_t Device::phy_id() const {
  // SAFETY: the Device invariant makes ctx_.phy valid; the helper reads phy_device.phy_id.
  return ctx_.helpers->phy_id(ctx_.phy);
}

DeviceState Device::state() const {
  // SAFETY: as above; the helper reads phy_device.state.
  const int s = ctx_.helpers->state(ctx_.phy);
  const refdrv_phy_consts& c = *ctx_.helpers->consts;
  if (s == c.phy_state_down) return DeviceState::Down;
  if (s == c.phy_state_ready) return DeviceState::Ready;
  if (s == c.phy_state_halted) return DeviceState::Halted;
  if (s == c.phy_state_up) return DeviceState::Up;
  if (s == c.phy_state_running) return DeviceState::Running;
  if (s == c.phy_state_nolink) return DeviceState::NoLink;
  if (s == c.phy_state_cabletest) return DeviceState::CableTest;
  return DeviceState::Error;
}

bool Device::is_link_up() const {
  // SAFETY: the Device invariant; the helper reads the `link` bit field.
  return ctx_.helpers->link(ctx_.phy) != 0;
}

bool Device::is_autoneg_enabled() const {
  // SAFETY: the Device invariant; the helper reads the `autoneg` bit field.
  return ctx_.helpers->autoneg(ctx_.phy) == ctx_.helpers->consts->autoneg_enable;
}

bool Device::is_autoneg_completed() const {
  // SAFETY: the Device invariant; the helper reads the `autoneg_complete` bit field.
  return ctx_.helpers->autoneg_complete(ctx_.phy) != 0;
}

void Device::set_speed(std::uint32_t speed) {
  // SAFETY: the Device invariant; the helper writes phy_device.speed.
  ctx_.helpers->set_speed(ctx_.phy, static_cast<int>(speed));
}

void Device::set_duplex(DuplexMode mode) {
  const refdrv_phy_consts& c = *ctx_.helpers->consts;
  const int v = mode == DuplexMode::Full ? c.duplex_full : mode == DuplexMode::Half ? c.duplex_half : c.duplex_unknown;
  // SAFETY: the Device invariant; the helper writes phy_device.duplex.
  ctx_.helpers->set_duplex(ctx_.phy, v);
}

Result<std::uint16_t> Device::read(reg::C22 r) {
  // SAFETY: the Device invariant; phy_read() takes the bus lock itself.
  return to_value(ctx_.helpers->read(ctx_.phy, r.number()));
}

Result<std::uint16_t> Device::read(reg::C45 r) {
  // SAFETY: the Device invariant; phy_read_mmd() takes the bus lock itself.
  return to_value(ctx_.helpers->read_mmd(ctx_.phy, r.devad().number(), r.regnum()));
}

Result<> Device::write(reg::C22 r, std::uint16_t val) {
  // SAFETY: the Device invariant; phy_write() takes the bus lock itself.
  return to_result(ctx_.helpers->write(ctx_.phy, r.number(), val));
}

Result<> Device::write(reg::C45 r, std::uint16_t val) {
  // SAFETY: the Device invariant; phy_write_mmd() takes the bus lock itself.
  return to_result(ctx_.helpers->write_mmd(ctx_.phy, r.devad().number(), r.regnum(), val));
}

Result<std::uint16_t> Device::read_paged(std::uint16_t page, std::uint16_t regnum) {
  // SAFETY: the Device invariant; phy_read_paged() takes the bus lock itself.
  return to_value(ctx_.helpers->read_paged(ctx_.phy, page, regnum));
}

void Device::resolve_aneg_linkmode() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  ctx_.helpers->resolve_aneg_linkmode(ctx_.phy);
}

Result<> Device::genphy_soft_reset() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_result(ctx_.helpers->genphy_soft_reset(ctx_.phy));
}

Result<> Device::init_hw() {
  // SAFETY: the Device invariant; phy_init_hw() may call the driver again,
  // which the invariant allows.
  return to_result(ctx_.helpers->init_hw(ctx_.phy));
}

Result<> Device::start_aneg() {
  // SAFETY: the Device invariant; _phy_start_aneg() expects phydev->lock held,
  // which holds in the callbacks that may call it.
  return to_result(ctx_.helpers->start_aneg(ctx_.phy));
}

Result<> Device::genphy_resume() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_result(ctx_.helpers->genphy_resume(ctx_.phy));
}

Result<> Device::genphy_suspend() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_result(ctx_.helpers->genphy_suspend(ctx_.phy));
}

Result<std::uint16_t> Device::genphy_read_status_c22() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_value(ctx_.helpers->genphy_read_status(ctx_.phy));
}

Result<std::uint16_t> Device::genphy_read_status_c45() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_value(ctx_.helpers->genphy_c45_read_status(ctx_.phy));
}

Result<> Device::genphy_update_link() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_result(ctx_.helpers->genphy_update_link(ctx_.phy));
}

Result<> Device::genphy_read_lpa() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_result(ctx_.helpers->genphy_read_lpa(ctx_.phy));
}

Result<> Device::genphy_read_abilities() {
  // SAFETY: the Device invariant; it is just a call into phylib.
  return to_result(ctx_.helpers->genphy_read_abilities(ctx_.phy));
}

}  // namespace refdrv::phy
