// SPDX-License-Identifier: GPL-2.0
// Errors the tool reports to its user, and kernel errno values.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace refdrv {

// Exit codes of the refdrv command (see README): 0 all good, 1 a failed
// expectation or a divergence, 2 bad input or environment.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

// Where an error came from, where a caller must tell them apart: refdrv
// mutate calls a mutant whose kernel side does not build stillborn, one
// whose module init stops or fails the kernel side's initcalls killed, and
// anything else a failure of its own.
enum class ErrorOrigin : unsigned char { kOther, kKernelBuild, kKernelInit };

// A problem the user must act on: the message names what is wrong (file and
// line, device, path) and what to do.
struct Error {
  std::string message;
  int exit_code = kExitBadInput;
  ErrorOrigin origin = ErrorOrigin::kOther;
};

template <class T>
using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(std::string message, int exit_code = kExitBadInput) {
  return std::unexpected(Error{std::move(message), exit_code});
}

// The tree's code or build files did not build (a compiler, a linker, make
// or kbuild ran and failed): not a tool missing or refdrv's own failure.
[[nodiscard]] inline std::unexpected<Error> fail_build(std::string message) {
  return std::unexpected(Error{std::move(message), kExitBadInput, ErrorOrigin::kKernelBuild});
}

// A negative errno returned by the kernel side, e.g. -ETIMEDOUT.
struct Errno {
  int value = 0;
  bool operator==(const Errno&) const = default;
};

// "ETIMEDOUT" for 110, or the number.
[[nodiscard]] std::string errno_name(int positive_errno);

}  // namespace refdrv
