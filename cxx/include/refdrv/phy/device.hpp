// SPDX-License-Identifier: GPL-2.0
// A PHY device as a C++ driver sees it (the kernel's struct phy_device),
// the counterpart of Rust's kernel::net::phy::Device.
#pragma once

#include <cstdint>

#include "refdrv/phy/error.hpp"
#include "refdrv/phy/reg.hpp"

namespace refdrv::firmware {
class Firmware;
}

namespace refdrv::phy {

namespace detail {
struct DeviceContext;
struct Adapter;
}  // namespace detail

// PHY state machine states (the kernel's enum phy_state).
enum class DeviceState { Down, Ready, Halted, Error, Up, Running, NoLink, CableTest };

// A mode of Ethernet communication.
enum class DuplexMode { Full, Half, Unknown };

// An instance of a PHY device, lent to the driver for one callback.
//
// # Invariants
//
// - A Device exists only while phylib runs one of the driver's callbacks for
//   this phy_device; only the adapter creates one (private constructor), and
//   it cannot be copied or moved. A reference to it could still be kept past
//   the callback (in a global, a std::reference_wrapper, another thread):
//   C++ cannot forbid that as Rust's borrow does, so tools/check-escape-hatches
//   rejects what it takes in a driver (a mutable global, `mutable`, std::ref,
//   a thread).
// - What phylib holds while a callback runs is its row of
//   REFDRV_PHY_CALLBACKS (refdrv_phy_callbacks.h), measured by refdrv's
//   tests: phydev->lock for some callbacks; for others (soft_reset from
//   phy_attach_direct(), probe, match_phy_device, suspend) not. There the
//   MDIO accessors are still sound (every access takes the bus lock itself),
//   but nothing stops a driver from calling the others: start_aneg()
//   asserts phydev->lock (a WARN, as lockdep's would be) and set_speed(),
//   set_duplex() and resolve_aneg_linkmode() write phy_device fields without
//   it. The tree's phy.rs has the same hole (its Device methods take &mut
//   self whatever the callback), so the comparison is unaffected; the C++
//   drivers call them only where phylib holds the lock (or, on trees before
//   6.7, start_aneg() from link_change_notify, where it is phy_start_aneg(),
//   which takes the lock).
// - phylib may call back into the driver while a callback runs
//   (link_change_notify -> init_hw -> soft_reset). The nested Device is a
//   second object referring to the same phy_device; neither caches any of
//   its state, every access goes to C, so the two never disagree.
class Device {
 public:
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  Device(Device&&) = delete;
  Device& operator=(Device&&) = delete;

  [[nodiscard]] std::uint32_t phy_id() const;
  [[nodiscard]] DeviceState state() const;
  [[nodiscard]] bool is_link_up() const;
  [[nodiscard]] bool is_autoneg_enabled() const;
  [[nodiscard]] bool is_autoneg_completed() const;
  void set_speed(std::uint32_t speed);
  void set_duplex(DuplexMode mode);

  [[nodiscard]] Result<std::uint16_t> read(reg::C22 r);
  [[nodiscard]] Result<std::uint16_t> read(reg::C45 r);
  [[nodiscard]] Result<> write(reg::C22 r, std::uint16_t val);
  [[nodiscard]] Result<> write(reg::C45 r, std::uint16_t val);
  [[nodiscard]] Result<std::uint16_t> read_paged(std::uint16_t page, std::uint16_t regnum);

  void resolve_aneg_linkmode();
  [[nodiscard]] Result<> genphy_soft_reset();
  [[nodiscard]] Result<> init_hw();
  [[nodiscard]] Result<> start_aneg();
  [[nodiscard]] Result<> genphy_resume();
  [[nodiscard]] Result<> genphy_suspend();
  template <reg::Register R>
  [[nodiscard]] Result<std::uint16_t> genphy_read_status();
  [[nodiscard]] Result<> genphy_update_link();
  [[nodiscard]] Result<> genphy_read_lpa();
  [[nodiscard]] Result<> genphy_read_abilities();

 private:
  friend struct detail::Adapter;
  friend class firmware::Firmware;  // requests files for this device
  explicit Device(detail::DeviceContext& ctx) : ctx_(ctx) {}
  [[nodiscard]] Result<std::uint16_t> genphy_read_status_c22();
  [[nodiscard]] Result<std::uint16_t> genphy_read_status_c45();
  detail::DeviceContext& ctx_;
};

template <reg::Register R>
Result<std::uint16_t> Device::genphy_read_status() {
  if constexpr (std::same_as<R, reg::C22>)
    return genphy_read_status_c22();
  else
    return genphy_read_status_c45();
}

}  // namespace refdrv::phy
