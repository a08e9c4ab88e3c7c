// SPDX-License-Identifier: GPL-2.0
// PHY drivers in C++: a driver is a plain type with static callbacks. Which
// optional callbacks it implements is found at compile time and checked
// against the list the driver declares; each one must have exactly the
// signature phylib's counterpart has. Absent callbacks stay NULL in the C
// operations table, so phylib falls back to its generic routine, exactly as
// for a C driver.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "refdrv/phy/device.hpp"
#include "refdrv/phy/error.hpp"

namespace refdrv::phy {

// A NUL-terminated string literal (names in C tables).
//
// # Invariants
//
// Always refers to a string literal: static storage, NUL-terminated.
class CStr {
 public:
  template <std::size_t N>
  consteval CStr(const char (&literal)[N]) : str_(literal), len_(N - 1) {  // NOLINT: implicit on purpose
    if (literal[N - 1] != '\0') throw "CStr needs a NUL-terminated string literal";
  }
  [[nodiscard]] constexpr std::size_t size() const { return len_; }
  [[nodiscard]] constexpr const char* c_str() const { return str_; }

 private:
  const char* str_;
  std::size_t len_;
};

// The optional callbacks of a PHY driver (those Rust's kernel::net::phy::Driver offers).
enum class Callback : std::uint32_t {
  soft_reset = 1u << 0,
  probe = 1u << 1,
  get_features = 1u << 2,
  match_phy_device = 1u << 3,
  config_aneg = 1u << 4,
  read_status = 1u << 5,
  suspend = 1u << 6,
  resume = 1u << 7,
  read_mmd = 1u << 8,
  write_mmd = 1u << 9,
  link_change_notify = 1u << 10,
};

// A set of callbacks: what a driver declares it implements.
class Callbacks {
 public:
  constexpr Callbacks() = default;
  constexpr Callbacks(Callback c) : bits_(static_cast<std::uint32_t>(c)) {}  // NOLINT: implicit on purpose
  [[nodiscard]] constexpr bool has(Callback c) const { return (bits_ & static_cast<std::uint32_t>(c)) != 0; }
  friend constexpr Callbacks operator|(Callbacks a, Callbacks b) { return Callbacks(a.bits_ | b.bits_); }

 private:
  constexpr explicit Callbacks(std::uint32_t bits) : bits_(bits) {}
  std::uint32_t bits_ = 0;
};

constexpr Callbacks operator|(Callback a, Callback b) { return Callbacks(a) | Callbacks(b); }

// Driver flags (phylib's PHY_IS_INTERNAL, ...); the tree's values are used
// when the driver is registered.
enum class Flag : std::uint32_t {
  is_internal = 1u << 0,
  rst_after_clk_en = 1u << 1,
  poll_cable_test = 1u << 2,
  always_call_suspend = 1u << 3,
};

class Flags {
 public:
  constexpr Flags() = default;
  constexpr Flags(Flag f) : bits_(static_cast<std::uint32_t>(f)) {}  // NOLINT: implicit on purpose
  [[nodiscard]] constexpr bool has(Flag f) const { return (bits_ & static_cast<std::uint32_t>(f)) != 0; }
  friend constexpr Flags operator|(Flags a, Flags b) { return Flags(a.bits_ | b.bits_); }

 private:
  constexpr explicit Flags(std::uint32_t bits) : bits_(bits) {}
  std::uint32_t bits_ = 0;
};

// An identifier for PHY devices on an MDIO bus (struct mdio_device_id).
class DeviceId {
 public:
  static constexpr DeviceId new_with_exact_mask(std::uint32_t id) { return {id, ~0u}; }
  static constexpr DeviceId new_with_model_mask(std::uint32_t id) { return {id, ~0u << 4}; }
  static constexpr DeviceId new_with_vendor_mask(std::uint32_t id) { return {id, ~0u << 10}; }
  static constexpr DeviceId new_with_custom_mask(std::uint32_t id, std::uint32_t mask) { return {id, mask}; }
  template <class T>
  static constexpr DeviceId new_with_driver() {
    return T::phy_device_id;
  }
  [[nodiscard]] constexpr std::uint32_t id() const { return id_; }
  [[nodiscard]] constexpr std::uint32_t mask_as_int() const { return mask_; }

 private:
  constexpr DeviceId(std::uint32_t id, std::uint32_t mask) : id_(id), mask_(mask) {}
  std::uint32_t id_;
  std::uint32_t mask_;
};

namespace detail {

// A driver's flags: `static constexpr Flags flags` when it declares them,
// none otherwise (Rust's `const FLAGS: u32 = 0` default).
template <class T>
constexpr Flags flags_of() {
  if constexpr (requires { T::flags; })
    return T::flags;
  else
    return Flags{};
}

// "Does the driver have a member named X?" and "is it exactly the expected
// static function?", per callback.
#define REFDRV_PHY_CALLBACK_TRAITS(cb, signature)                          \
  template <class T>                                                       \
  concept has_##cb = requires { &T::cb; };                                 \
  template <class T>                                                       \
  consteval bool exact_##cb() {                                            \
    if constexpr (has_##cb<T>)                                             \
      return std::is_same_v<decltype(&T::cb), signature>;                  \
    else                                                                   \
      return true;                                                         \
  }

REFDRV_PHY_CALLBACK_TRAITS(soft_reset, Result<> (*)(Device&))
REFDRV_PHY_CALLBACK_TRAITS(probe, Result<> (*)(Device&))
REFDRV_PHY_CALLBACK_TRAITS(get_features, Result<> (*)(Device&))
REFDRV_PHY_CALLBACK_TRAITS(match_phy_device, bool (*)(const Device&))
REFDRV_PHY_CALLBACK_TRAITS(config_aneg, Result<> (*)(Device&))
REFDRV_PHY_CALLBACK_TRAITS(read_status, Result<std::uint16_t> (*)(Device&))
REFDRV_PHY_CALLBACK_TRAITS(suspend, Result<> (*)(Device&))
REFDRV_PHY_CALLBACK_TRAITS(resume, Result<> (*)(Device&))
REFDRV_PHY_CALLBACK_TRAITS(read_mmd, Result<std::uint16_t> (*)(Device&, std::uint8_t, std::uint16_t))
REFDRV_PHY_CALLBACK_TRAITS(write_mmd, Result<> (*)(Device&, std::uint8_t, std::uint16_t, std::uint16_t))
REFDRV_PHY_CALLBACK_TRAITS(link_change_notify, void (*)(Device&))
#undef REFDRV_PHY_CALLBACK_TRAITS

template <class T>
constexpr bool declares(Callback c) {
  return T::callbacks.has(c);
}

// One callback's three checks, each with a message naming the callback.
#define REFDRV_PHY_CHECK_CALLBACK(cb, signature_text)                                                         \
  static_assert(!declares<T>(Callback::cb) || has_##cb<T>,                                                    \
                "the driver declares `" #cb "` in `callbacks` but has no static member function `" #cb "` " \
                "(misspelled?)");                                                                             \
  static_assert(declares<T>(Callback::cb) || !has_##cb<T>,                                                   \
                "the driver defines `" #cb "` but does not declare it in `callbacks`");                      \
  static_assert(exact_##cb<T>(), "`" #cb "` must be exactly: " signature_text)

template <class T>
consteval bool check_driver() {
  static_assert(requires { { T::name } -> std::convertible_to<CStr>; },
                "a PHY driver declares `static constexpr CStr name`");
  static_assert(requires { { T::phy_device_id } -> std::convertible_to<DeviceId>; },
                "a PHY driver declares `static constexpr DeviceId phy_device_id`");
  static_assert(requires { { T::callbacks } -> std::convertible_to<Callbacks>; },
                "a PHY driver declares `static constexpr Callbacks callbacks` listing the callbacks it implements");
  REFDRV_PHY_CHECK_CALLBACK(soft_reset, "static Result<> soft_reset(Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(probe, "static Result<> probe(Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(get_features, "static Result<> get_features(Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(match_phy_device, "static bool match_phy_device(const Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(config_aneg, "static Result<> config_aneg(Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(read_status, "static Result<std::uint16_t> read_status(Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(suspend, "static Result<> suspend(Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(resume, "static Result<> resume(Device& dev)");
  REFDRV_PHY_CHECK_CALLBACK(read_mmd,
                            "static Result<std::uint16_t> read_mmd(Device& dev, std::uint8_t devnum, "
                            "std::uint16_t regnum)");
  REFDRV_PHY_CHECK_CALLBACK(write_mmd,
                            "static Result<> write_mmd(Device& dev, std::uint8_t devnum, std::uint16_t regnum, "
                            "std::uint16_t val)");
  REFDRV_PHY_CHECK_CALLBACK(link_change_notify, "static void link_change_notify(Device& dev)");
  return true;
}
#undef REFDRV_PHY_CHECK_CALLBACK

}  // namespace detail

}  // namespace refdrv::phy

#include "refdrv/phy/detail/adapter.hpp"
