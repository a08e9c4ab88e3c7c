// SPDX-License-Identifier: GPL-2.0
// Three ways to read a Firmware's bytes after it is released, each through
// a temporary: the compiler must refuse every one (Firmware::data() of an
// rvalue is deleted; tests/CMakeLists.txt counts the errors). Each compiled
// without a warning and passed tools/check-escape-hatches until a review on
// 2026-12-07. Never built.
#include <cstdint>
#include <span>

#include "cxx/drivers/modules.hpp"
#include "refdrv/firmware.hpp"

namespace {

using namespace refdrv::phy;
using refdrv::firmware::Firmware;

constexpr CStr kFile = "temporary.bin";

// A reference to the view of a temporary's bytes, read after the statement.
Result<> kept_reference(Device& dev) {
  const auto& bytes = TRY(Firmware::request(kFile, dev)).data();
  return bytes.empty() ? Err(code::einval) : Result<>{};
}

// An iterator into them.
Result<> kept_iterator(Device& dev) {
  const auto it = TRY(Firmware::request(kFile, dev)).data().begin();
  return *it == 0 ? Err(code::einval) : Result<>{};
}

// A range-for over them: the temporary dies before the loop's body runs
// (unless the compiler has C++23's lifetime extension, which g++ 12 has not).
Result<> range_for(Device& dev) {
  for (const std::uint8_t byte : TRY(Firmware::request(kFile, dev)).data())
    if (byte == 0) return Err(code::einval);
  return {};
}

}  // namespace
