// SPDX-License-Identifier: GPL-2.0
// A deliberately bad C++ PHY driver whose hatches are about lifetimes, where
// Rust's borrow checker and privacy stop what C++ compiles without a
// warning (found by a review on 2026-12-07; tests/CMakeLists.txt expects
// every one reported). Never built.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <utility>

#include "cxx/drivers/modules.hpp"
#include "refdrv/firmware.hpp"

namespace {

using namespace refdrv::phy;
using refdrv::firmware::Firmware;

struct KeptDevice {
  Device& dev;
};

// A constexpr global is no mutable global, but its mutable member is: it
// kept a Device& past its callback (a review, 2026-12-07).
struct Keeper {
  mutable std::optional<std::reference_wrapper<Device>> kept;
};
constexpr Keeper kKeeper{};

struct LifetimePhy {
  static constexpr CStr name = "Lifetime PHY";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x12345679);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::probe | Callback::soft_reset;

  static Result<> soft_reset(Device& dev) {
    kKeeper.kept.emplace(dev);
    // A Device made from no phy_device at all, through the abstractions'
    // adapter (Rust's Device::from_raw is private and unsafe).
    const int forged = detail::Adapter::with_device(nullptr, nullptr, [](Device& d) {
      return detail::from_result(d.genphy_soft_reset());
    });
    if (forged != 0) return Err(code::eio);
    return dev.genphy_soft_reset();
  }

  static Result<> probe(Device& dev) {
    // The Device kept past its callback, each through a const static.
    static const KeptDevice kept{dev};
    static const std::reference_wrapper<Device> kept_ref{dev};
    static const auto kept_id = [&dev] { return dev.phy_id(); };
    // The firmware's bytes read after it was released: the view outlives
    // the block that owned the file.
    std::span<const std::uint8_t> bytes;
    {
      Firmware fw = TRY(Firmware::request("lifetime.bin", dev));
      bytes = fw.data();
      Firmware other = std::move(fw);
      if (fw.size() > 16) return Err(code::efbig);
    }
    for (const std::uint8_t b : bytes)
      if (b == 0) return Err(code::einval);
    return {};
  }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(lifetime_module, (LifetimePhy), {.name = "lifetime", .author = "", .description = "",
                                                   .license = "GPL", .kconfig = "", .impl_kconfig = "", .depends = "",
                                                   .source = ""})
