// SPDX-License-Identifier: GPL-2.0
// Kernel errors for C++ drivers: a negative errno that cannot be "success",
// carried in std::expected and converted from and to C only in the adapter.
#pragma once

#include <cstdint>
#include <expected>
#include <utility>

namespace refdrv::phy {

// A kernel error: a negative errno.
//
// # Invariants
//
// The value is in [-kMaxErrno, -1]: an Errno never means success.
class Errno {
 public:
  static constexpr int kMaxErrno = 4095;

  // Anything that is not a negative errno (a caller's bug) becomes -EINVAL,
  // as the kernel's Error::from_errno does.
  static constexpr Errno from_errno(int value) { return Errno(value < 0 && value >= -kMaxErrno ? value : -22); }

  [[nodiscard]] constexpr int to_errno() const { return value_; }
  constexpr bool operator==(const Errno&) const = default;

 private:
  constexpr explicit Errno(int value) : value_(value) {}
  int value_;
};

// The errno values drivers use (asm-generic, the same on every architecture
// refdrv runs on; ENOTSUPP and EPROBE_DEFER are kernel-internal). Lower case
// because <cerrno> makes the upper-case names macros: code::einval is EINVAL.
namespace code {
inline constexpr Errno eperm = Errno::from_errno(-1);
inline constexpr Errno enoent = Errno::from_errno(-2);
inline constexpr Errno eio = Errno::from_errno(-5);
inline constexpr Errno enxio = Errno::from_errno(-6);
inline constexpr Errno eagain = Errno::from_errno(-11);
inline constexpr Errno enomem = Errno::from_errno(-12);
inline constexpr Errno ebusy = Errno::from_errno(-16);
inline constexpr Errno enodev = Errno::from_errno(-19);
inline constexpr Errno einval = Errno::from_errno(-22);
inline constexpr Errno efbig = Errno::from_errno(-27);
inline constexpr Errno enolink = Errno::from_errno(-67);
inline constexpr Errno eopnotsupp = Errno::from_errno(-95);
inline constexpr Errno etimedout = Errno::from_errno(-110);
inline constexpr Errno eprobe_defer = Errno::from_errno(-517);
inline constexpr Errno enotsupp = Errno::from_errno(-524);
}  // namespace code

// The result of a fallible operation. Every function returning one is
// [[nodiscard]]; a driver that drops a result says so explicitly.
template <class T = void>
using Result = std::expected<T, Errno>;

// Converts a C return value (negative errno on failure) to a Result.
[[nodiscard]] constexpr Result<> to_result(int ret) {
  if (ret < 0) return std::unexpected(Errno::from_errno(ret));
  return {};
}

// A failed Result, as Rust's Err(code::ENODEV): `return Err(code::enodev);`
[[nodiscard]] constexpr std::unexpected<Errno> Err(Errno e) { return std::unexpected<Errno>(e); }

namespace detail {
template <class T>
T release_value(std::expected<T, Errno>&& r) {
  // SAFETY: TRY calls this only after returning the error of an `r` that
  // holds none, so `r` holds a value.
  return std::move(*r);
}
inline void release_value(std::expected<void, Errno>&&) {}
}  // namespace detail

#ifdef REFDRV_ESCAPE_CHECK
// TRY as tools/check-escape-hatches sees it: the argument and nothing else
// (a call of this declaration), so that every token the check judges inside
// a TRY is the driver's own. Declared only: the check parses, never links.
// Outside `detail`, whose every name the check reports in a driver.
namespace escape_check {
template <class R>
typename std::remove_cvref_t<R>::value_type try_checked(R&& result);
}  // namespace escape_check
#endif

}  // namespace refdrv::phy

// Propagates an error, else yields the value: `auto v = TRY(dev.read(reg));`
// (SerenityOS's TRY). Standard C++ has no expression that can return from the
// enclosing function, so this is the one GNU extension of the abstractions:
// a statement expression, which g++ and clang both have, marked __extension__
// so that a driver built as strict ISO C++ (-std=c++23 -Wpedantic -Werror, as
// the driver checks in tests/ build them) accepts it and nothing else.
#ifdef REFDRV_ESCAPE_CHECK
#define TRY(expr) (::refdrv::phy::escape_check::try_checked(expr))
#else
#define TRY(expr)                                                                   \
  __extension__({                                                                   \
    auto _refdrv_try_result = (expr);                                               \
    if (!_refdrv_try_result) return ::std::unexpected(_refdrv_try_result.error()); \
    ::refdrv::phy::detail::release_value(::std::move(_refdrv_try_result));          \
  })
#endif
