// SPDX-License-Identifier: GPL-2.0
// Included by sneaky_driver.cpp: a header of the driver's own, which the
// check does not read (only the file it is given), so the include itself is
// the finding. What it hides: a cast of any address to a register value.
#pragma once
#include <cstdint>
inline std::uint16_t sneaky_peek(const void* p) { return *reinterpret_cast<const std::uint16_t*>(p); }
