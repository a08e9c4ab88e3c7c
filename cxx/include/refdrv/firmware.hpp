// SPDX-License-Identifier: GPL-2.0
// Firmware files for C++ drivers: the counterpart of Rust's
// kernel::firmware::Firmware (rust/kernel/firmware.rs). A Firmware owns the
// kernel's struct firmware and releases it when it goes out of scope, so a
// driver cannot leak it. Reading it after release is what C++ does not stop
// by itself: data()'s view is not tied to the Firmware as Rust ties the
// slice to its borrow. The compiler refuses data() of a Firmware that is
// about to go (a temporary, `TRY(Firmware::request(...)).data()`, or one
// moved from), and tools/check-escape-hatches stops the rest in a driver by
// refusing a std::span kept in a variable or member, and a use after
// std::move.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "refdrv/phy/device.hpp"
#include "refdrv/phy/driver.hpp"
#include "refdrv/phy/error.hpp"

namespace refdrv::firmware {

namespace detail {
struct Loaded;  // the kernel's struct firmware and how to release it
struct Release {
  void operator()(Loaded* loaded) const;
};
}  // namespace detail

// # Invariants
//
// A Firmware always holds a file the kernel loaded (request() is its only
// constructor, and it fails rather than make an empty one); data() is valid
// for the Firmware's lifetime; it is released exactly once, when the
// Firmware is destroyed. Moving transfers ownership: a moved-from Firmware
// holds nothing (data() is empty).
class Firmware {
 public:
  // request_firmware(): the file `name` for `dev`, searched where the kernel
  // searches; a missing file is -ENOENT (and the kernel's warning).
  [[nodiscard]] static phy::Result<Firmware> request(const phy::CStr& name, phy::Device& dev);

  [[nodiscard]] std::span<const std::uint8_t> data() const&;
  // The view of a temporary's bytes would outlive them: the Firmware is
  // released at the end of the statement (a range-for over it too, before
  // C++23's lifetime extension, which g++ 12 does not have).
  std::span<const std::uint8_t> data() const&& = delete;
  [[nodiscard]] std::size_t size() const { return data().size(); }

 private:
  explicit Firmware(std::unique_ptr<detail::Loaded, detail::Release> loaded) : loaded_(std::move(loaded)) {}
  std::unique_ptr<detail::Loaded, detail::Release> loaded_;
};

}  // namespace refdrv::firmware
