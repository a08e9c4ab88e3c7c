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
// bug() is called once the handler is left, so the exception is destroyed
// first: bug() does not return (the instance stops with a siglongjmp), and
// leaving a catch handler that way would keep the exception "being handled"
// for the rest of the process (the fuzzers and --in-process run more
// instances in it). The frames the exception unwound ran their destructors
// (a Firmware was released); a BUG() in kernel code called from a driver
// unwinds nothing, in C++ as in the kernel.
template <class F>
int guarded(const refdrv_phy_helpers* h, F&& f) noexcept {
  try {
    return f();
  } catch (...) {  // NOLINT(bugprone-empty-catch): reported through bug() below, outside the handler
  }
  // SAFETY: `h` is the calling kernel side's helper table; bug() does not return.
  h->bug("a C++ exception reached phylib through a driver callback");
  std::terminate();  // not reached: bug() stops the instance
}

inline int from_result(const Result<>& r) { return r ? 0 : r.error().to_errno(); }

// The one place a Device is made: lends the Device of the phy_device phylib
// called back for to `body`.
struct Adapter {
  template <class F>
  static int with_device(refdrv_phy* phy, const refdrv_phy_helpers* h, F&& body) noexcept {
    return guarded(h, [&] {
      // SAFETY: phylib passes a phy_device that stays valid for the whole
      // callback, with the helper table of the kernel side that calls. What
      // makes the Device's methods sound to call is, per callback, the row
      // of REFDRV_PHY_CALLBACKS (refdrv_phy_callbacks.h): its `locked` column
      // says whether phylib holds phydev->lock on every call (held to what
      // refdrv measures by its tests; on trees before 6.7 link_change_notify
      // is called without it, where the drivers' start_aneg() is
      // phy_start_aneg(), which takes it) and its comment why the methods
      // may be called where phylib does not. `dev` does not outlive the
      // callback.
      DeviceContext ctx{phy, h};
      Device dev(ctx);
      return body(dev);
    });
  }
};

// The C callback phylib calls for driver function F, one per C++ signature
// of driver.hpp's detail::Signature (each shape of callback).
template <auto F, class Sig = decltype(F)>
struct Forward;

template <auto F>
struct Forward<F, Signature::INT> {
  static int call(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return Adapter::with_device(phy, h, [](Device& dev) { return from_result(F(dev)); });
  }
};

template <auto F>
struct Forward<F, Signature::STATUS> {
  // As the tree's Rust adapter: the driver's u16 stays in C++, phylib sees 0.
  static int call(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return Adapter::with_device(phy, h, [](Device& dev) {
      const Result<std::uint16_t> r = F(dev);
      return r ? 0 : r.error().to_errno();
    });
  }
};

template <auto F>
struct Forward<F, Signature::MATCH> {
  static int call(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    return Adapter::with_device(phy, h, [](const Device& dev) { return F(dev) ? 1 : 0; });
  }
};

template <auto F>
struct Forward<F, Signature::VOID> {
  static void call(refdrv_phy* phy, const refdrv_phy_helpers* h) noexcept {
    // phylib's void callbacks return nothing; a failure inside has already
    // stopped the instance through bug().
    (void)Adapter::with_device(phy, h, [](Device& dev) {
      F(dev);
      return 0;
    });
  }
};

template <auto F>
struct Forward<F, Signature::MMD_READ> {
  static int call(refdrv_phy* phy, const refdrv_phy_helpers* h, int devnum, unsigned short regnum) noexcept {
    return Adapter::with_device(phy, h, [&](Device& dev) {
      // CAST: phylib checks devnum < 32.
      const Result<std::uint16_t> r = F(dev, static_cast<std::uint8_t>(devnum), regnum);
      return r ? static_cast<int>(*r) : r.error().to_errno();
    });
  }
};

template <auto F>
struct Forward<F, Signature::MMD_WRITE> {
  static int call(refdrv_phy* phy, const refdrv_phy_helpers* h, int devnum, unsigned short regnum,
                  unsigned short val) noexcept {
    return Adapter::with_device(phy, h, [&](Device& dev) {
      // CAST: phylib checks devnum < 32.
      return from_result(F(dev, static_cast<std::uint8_t>(devnum), regnum, val));
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
#define REFDRV_PHY_DESCRIBE(cb, shape, foreign, cxx, locked) \
  REFDRV_PHY_IF_##cxx(if constexpr (has_##cb<T>) d.cb = &Forward<&T::cb>::call;)
  REFDRV_PHY_CALLBACKS(REFDRV_PHY_DESCRIBE)
#undef REFDRV_PHY_DESCRIBE
  return d;
}

}  // namespace refdrv::phy::detail
