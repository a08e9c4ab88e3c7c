// SPDX-License-Identifier: GPL-2.0
// A deliberately bad C++ PHY driver whose hatches are undefined behaviour
// reached without a cast, a declared pointer or a kept std::span: a review
// on 2026-12-07 wrote each and the check passed them all, while the report
// printed "0 escape hatches" for drivers like it (tests/CMakeLists.txt
// expects every one reported). Never built.
#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "cxx/drivers/modules.hpp"
#include "refdrv/firmware.hpp"

namespace {

using namespace refdrv::phy;
using refdrv::firmware::Firmware;

struct Other {
  std::uint64_t a;
};
struct Pod {
  std::uint64_t b;
};

// A view of a local Firmware handed out in a Result: freed before its use.
Result<std::span<const std::uint8_t>> bytes_of(Device& dev) {
  const Firmware fw = TRY(Firmware::request("unchecked.bin", dev));
  return fw.data();
}

std::optional<std::span<const std::uint8_t>> view_of(const Firmware& fw) { return fw.data(); }

struct UncheckedPhy {
  static constexpr CStr name = "Unchecked PHY";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(0x1234567a);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::probe | Callback::soft_reset;

  static Result<> soft_reset(Device& dev) {
    // error() of a Result that holds a value.
    const Result<std::uint16_t> r = dev.read(reg::C22::BMSR);
    const Errno e = r.error();
    const std::uint16_t v = TRY(dev.read(reg::C22::BMSR));
    [[assume(v != 0)]];
    if (v == 0xffff) std::unreachable();
    return Err(e);
  }

  static Result<> probe(Device& dev) {
    const Firmware fw = TRY(Firmware::request("unchecked.bin", dev));
    const Pod p = std::bit_cast<Pod>(Other{1});
    const auto shared = std::make_shared<Other>();
    const auto punned = std::reinterpret_pointer_cast<Pod>(shared);
    // A raw pointer from the view, dereferenced and indexed out of bounds.
    const std::uint8_t first = *fw.data().data();
    const std::uint8_t third = fw.data().data()[3];
    // Unchecked on an empty view.
    const std::uint8_t front = fw.data().front();
    const std::uint8_t past = *(fw.data().begin() + 5);
    for (const std::uint8_t b : fw.data().subspan(100000)) TRY(dev.write(reg::C22::BMCR, b));
    for (const std::uint8_t b : TRY(bytes_of(dev))) TRY(dev.write(reg::C22::BMCR, b));
    std::optional<std::span<const std::uint8_t>> kept;
    {
      const Firmware other = TRY(Firmware::request("other.bin", dev));
      kept = view_of(other);
    }
    if (kept)
      for (const std::uint8_t b : kept.value()) TRY(dev.write(reg::C22::BMCR, b));
    std::uint16_t unset;
    TRY(dev.write(reg::C22::BMCR, unset));
    return dev.write(reg::C22::BMCR, static_cast<std::uint16_t>(p.b + punned->b + first + third + front + past));
  }
};

}  // namespace

REFDRV_MODULE_PHY_DRIVER(unchecked_module, (UncheckedPhy), {.name = "unchecked", .author = "", .description = "",
                                                   .license = "GPL", .kconfig = "", .impl_kconfig = "", .depends = "",
                                                   .source = ""})
