// SPDX-License-Identifier: GPL-2.0
// PHY drivers in C++: a driver is a plain type with static callbacks. Which
// optional callbacks it implements is found at compile time and checked
// against the list the driver declares; each one must have exactly the
// signature phylib's counterpart has. Absent callbacks stay NULL in the C
// operations table, so phylib does what it does without them (its generic
// routine where it has one, nothing where it has none), exactly as for a C
// driver.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "refdrv/phy/device.hpp"
#include "refdrv/phy/error.hpp"
#include "refdrv_phy_callbacks.h"

namespace refdrv::phy {

// A NUL-terminated string literal (names in C tables).
//
// # Invariants
//
// Always refers to a string literal: static storage, NUL-terminated.
class CStr {
 public:
  template <std::size_t N>
  // SAFETY: consteval, so the indexes below are checked by the compiler:
  // one out of the literal's N bytes does not compile.
  consteval CStr(const char (&literal)[N]) : str_(literal), len_(N - 1) {  // NOLINT: implicit on purpose
    if (literal[N - 1] != '\0') throw "CStr needs a NUL-terminated string literal";
    // As Rust's c_str!: a NUL inside would cut the string C reads short.
    for (std::size_t i = 0; i + 1 < N; ++i)
      if (literal[i] == '\0') throw "CStr needs a string literal without a NUL inside";
  }
  [[nodiscard]] constexpr std::size_t size() const { return len_; }
  [[nodiscard]] constexpr const char* c_str() const { return str_; }

 private:
  // SAFETY: only the consteval constructor sets it, from a string literal
  // (static storage, NUL-terminated, checked there); C reads it as such.
  const char* str_;
  std::size_t len_;
};

// The optional callbacks of a PHY driver: the rows of REFDRV_PHY_CALLBACKS
// (refdrv_phy_callbacks.h) with `cxx` 1, the set the tree's Rust
// kernel::net::phy::Driver offers.
#define REFDRV_PHY_CALLBACK_BIT(cb, shape, foreign, cxx, locked) REFDRV_PHY_IF_##cxx(cb = 1u << REFDRV_CB_##cb, )
enum class Callback : std::uint32_t { REFDRV_PHY_CALLBACKS(REFDRV_PHY_CALLBACK_BIT) };
#undef REFDRV_PHY_CALLBACK_BIT

// A set of callbacks: what a driver declares it implements.
class Callbacks {
 public:
  constexpr Callbacks() = default;
  constexpr Callbacks(Callback c) : bits_(std::to_underlying(c)) {}  // NOLINT: implicit on purpose
  [[nodiscard]] constexpr bool has(Callback c) const { return (bits_ & std::to_underlying(c)) != 0; }
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
  constexpr Flags(Flag f) : bits_(std::to_underlying(f)) {}  // NOLINT: implicit on purpose
  [[nodiscard]] constexpr bool has(Flag f) const { return (bits_ & std::to_underlying(f)) != 0; }
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

// A driver's flags: its `static constexpr Flags flags`, which it must
// declare (`= {}` for none). Rust's trait gives `const FLAGS: u32 = 0` a
// default and rejects a misspelled constant; C++ cannot reject a member it
// does not know, so a default would make `flag` (a typo) silently no flags:
// the member is required instead (check_driver()).
template <class T>
constexpr Flags flags_of() {
  return T::flags;
}

// The C++ signature of each shape of callback the abstractions offer (see
// refdrv_phy_callbacks.h), as a type and as the text of the error message.
struct Signature {
  using INT = Result<> (*)(Device&);
  using STATUS = Result<std::uint16_t> (*)(Device&);
  using MATCH = bool (*)(const Device&);
  using VOID = void (*)(Device&);
  using MMD_READ = Result<std::uint16_t> (*)(Device&, std::uint8_t, std::uint16_t);
  using MMD_WRITE = Result<> (*)(Device&, std::uint8_t, std::uint16_t, std::uint16_t);
};
#define REFDRV_PHY_SIGNATURE_TEXT_INT(cb) "static Result<> " #cb "(Device& dev)"
#define REFDRV_PHY_SIGNATURE_TEXT_STATUS(cb) "static Result<std::uint16_t> " #cb "(Device& dev)"
#define REFDRV_PHY_SIGNATURE_TEXT_MATCH(cb) "static bool " #cb "(const Device& dev)"
#define REFDRV_PHY_SIGNATURE_TEXT_VOID(cb) "static void " #cb "(Device& dev)"
#define REFDRV_PHY_SIGNATURE_TEXT_MMD_READ(cb) \
  "static Result<std::uint16_t> " #cb "(Device& dev, std::uint8_t devnum, std::uint16_t regnum)"
#define REFDRV_PHY_SIGNATURE_TEXT_MMD_WRITE(cb) \
  "static Result<> " #cb "(Device& dev, std::uint8_t devnum, std::uint16_t regnum, std::uint16_t val)"

// Per callback: "does the driver have a member named X?" and "is it exactly
// the expected static function?". SAFETY: the address of T::cb is only
// named in a requires-expression and a decltype, unevaluated: no pointer
// exists at run time.
#define REFDRV_PHY_CALLBACK_TRAITS(cb, shape, foreign, cxx, locked) \
  REFDRV_PHY_IF_##cxx(template <class T> concept has_##cb = requires { &T::cb; }; \
                      template <class T> consteval bool exact_##cb() {            \
                        if constexpr (has_##cb<T>)                                \
                          return std::is_same_v<decltype(&T::cb), Signature::shape>; \
                        else                                                      \
                          return true;                                            \
                      })
REFDRV_PHY_CALLBACKS(REFDRV_PHY_CALLBACK_TRAITS)
#undef REFDRV_PHY_CALLBACK_TRAITS

template <class T>
constexpr bool declares(Callback c) {
  return T::callbacks.has(c);
}

// One callback's three checks, each with a message naming the callback.
#define REFDRV_PHY_CHECK_CALLBACK(cb, shape, foreign, cxx, locked)                                          \
  REFDRV_PHY_IF_##cxx(                                                                                      \
      static_assert(!declares<T>(Callback::cb) || has_##cb<T>,                                              \
                    "the driver declares `" #cb "` in `callbacks` but has no static member function `" #cb \
                    "` (misspelled?)");                                                                     \
      static_assert(declares<T>(Callback::cb) || !has_##cb<T>,                                              \
                    "the driver defines `" #cb "` but does not declare it in `callbacks`");                \
      static_assert(exact_##cb<T>(), "`" #cb "` must be exactly: " REFDRV_PHY_SIGNATURE_TEXT_##shape(cb));)

template <class T>
consteval bool check_driver() {
  static_assert(requires { { T::name } -> std::convertible_to<CStr>; },
                "a PHY driver declares `static constexpr CStr name`");
  static_assert(requires { { T::phy_device_id } -> std::convertible_to<DeviceId>; },
                "a PHY driver declares `static constexpr DeviceId phy_device_id`");
  static_assert(requires { { T::callbacks } -> std::convertible_to<Callbacks>; },
                "a PHY driver declares `static constexpr Callbacks callbacks` listing the callbacks it implements");
  static_assert(requires { { T::flags } -> std::convertible_to<Flags>; },
                "a PHY driver declares `static constexpr Flags flags` (`= {}` for none: a misspelled name must not "
                "silently mean no flags)");
  REFDRV_PHY_CALLBACKS(REFDRV_PHY_CHECK_CALLBACK)
  return true;
}
#undef REFDRV_PHY_CHECK_CALLBACK
#undef REFDRV_PHY_SIGNATURE_TEXT_INT
#undef REFDRV_PHY_SIGNATURE_TEXT_STATUS
#undef REFDRV_PHY_SIGNATURE_TEXT_MATCH
#undef REFDRV_PHY_SIGNATURE_TEXT_VOID
#undef REFDRV_PHY_SIGNATURE_TEXT_MMD_READ
#undef REFDRV_PHY_SIGNATURE_TEXT_MMD_WRITE

}  // namespace detail

}  // namespace refdrv::phy

#include "refdrv/phy/detail/adapter.hpp"
