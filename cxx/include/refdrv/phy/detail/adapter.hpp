// SPDX-License-Identifier: GPL-2.0
// Internal to the abstractions: the C callbacks phylib calls (through the
// kernel side's foreign-driver trampolines), forwarding to a driver's static
// member functions. This is where errnos are converted, and the only place
// raw pointers from C become a Device.
#pragma once

#include <array>
#include <cstdint>
#include <exception>

#include "refdrv/phy/detail/context.hpp"
#include "refdrv/phy/driver.hpp"  // the callback traits; includes this file at its end
#include "refdrv/phy/device.hpp"
#include "refdrv/phy/error.hpp"
#include "refdrv_phy_helpers.h"

namespace refdrv::phy::detail {

// A driver callback must not throw into C: that is the driver's BUG().
template <class F>
int guarded(const refdrv_phy_helpers* h, F&& f) noexcept {
  try {
    return f();
  } catch (...) {  // NOLINT(bugprone-empty-catch): reported through bug()
    // SAFETY: `h` is the calling kernel side's helper table; bug() does not return.
    h->bug("a C++ exception reached phylib through a driver callback");
  }
  std::terminate();  // not reached: bug() stops the instance
}

inline int from_result(const Result<>& r) { return r ? 0 : r.error().to_errno(); }

template <class T>
struct Adapter {
  // Runs `body` with the Device of the phy_device phylib called back for.
  template <class F>
  static int with_device(refdrv_phy* phy, const refdrv_phy_helpers* h, F&& body) noexcept {
    return guarded(h, [&] {
      // SAFETY: phylib passes a phy_device that stays valid for the whole
      // callback and is protected by the lock phylib holds for it (or is
      // exclusively ours, during probe), with the helper table of the kernel
      // side that calls: exactly the Device invariant. `dev` does not
      // outlive the callback.
      DeviceContext ctx{phy, h};
      Device dev(ctx);
      return body(dev);
    });
  }

  static int soft_reset(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](Device& dev) { return from_result(T::soft_reset(dev)); });
  }
  static int probe(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](Device& dev) { return from_result(T::probe(dev)); });
  }
  static int get_features(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](Device& dev) { return from_result(T::get_features(dev)); });
  }
  static int match_phy_device(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](const Device& dev) { return T::match_phy_device(dev) ? 1 : 0; });
  }
  static int config_aneg(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](Device& dev) { return from_result(T::config_aneg(dev)); });
  }
  static int read_status(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](Device& dev) {
      const Result<std::uint16_t> r = T::read_status(dev);
      return r ? 0 : r.error().to_errno();
    });
  }
  static int suspend(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](Device& dev) { return from_result(T::suspend(dev)); });
  }
  static int resume(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return with_device(phy, h, [](Device& dev) { return from_result(T::resume(dev)); });
  }
  static int read_mmd(refdrv_phy* phy, const refdrv_phy_helpers* h, int devnum, unsigned short regnum) noexcept {
    return with_device(phy, h, [&](Device& dev) {
      // CAST: phylib checks devnum < 32.
      const Result<std::uint16_t> r = T::read_mmd(dev, static_cast<std::uint8_t>(devnum), regnum);
      return r ? static_cast<int>(*r) : r.error().to_errno();
    });
  }
  static int write_mmd(refdrv_phy* phy, const refdrv_phy_helpers* h, int devnum, unsigned short regnum,
                       unsigned short val) noexcept {
    return with_device(phy, h, [&](Device& dev) {
      // CAST: phylib checks devnum < 32.
      return from_result(T::write_mmd(dev, static_cast<std::uint8_t>(devnum), regnum, val));
    });
  }
  static void link_change_notify(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    // phylib's link_change_notify returns nothing; a failure inside has
    // already stopped the instance through bug().
    (void)with_device(phy, h, [](Device& dev) {
      T::link_change_notify(dev);
      return 0;
    });
  }
};

// The C description of driver T. Flags are phylib's values, which depend on
// the tree: Registration fills them in.
template <class T>
constexpr refdrv_foreign_driver describe() {
  static_assert(check_driver<T>());
  refdrv_foreign_driver d{};
  d.name = T::name.c_str();
  d.phy_id = T::phy_device_id.id();
  d.phy_id_mask = T::phy_device_id.mask_as_int();
  d.flags = 0;
  if constexpr (has_soft_reset<T>) d.soft_reset = &Adapter<T>::soft_reset;
  if constexpr (has_probe<T>) d.probe = &Adapter<T>::probe;
  if constexpr (has_get_features<T>) d.get_features = &Adapter<T>::get_features;
  if constexpr (has_match_phy_device<T>) d.match_phy_device = &Adapter<T>::match_phy_device;
  if constexpr (has_config_aneg<T>) d.config_aneg = &Adapter<T>::config_aneg;
  if constexpr (has_read_status<T>) d.read_status = &Adapter<T>::read_status;
  if constexpr (has_suspend<T>) d.suspend = &Adapter<T>::suspend;
  if constexpr (has_resume<T>) d.resume = &Adapter<T>::resume;
  if constexpr (has_read_mmd<T>) d.read_mmd = &Adapter<T>::read_mmd;
  if constexpr (has_write_mmd<T>) d.write_mmd = &Adapter<T>::write_mmd;
  if constexpr (has_link_change_notify<T>) d.link_change_notify = &Adapter<T>::link_change_notify;
  return d;
}

}  // namespace refdrv::phy::detail
