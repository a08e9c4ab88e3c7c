// SPDX-License-Identifier: GPL-2.0
#include "base/error.hpp"

#include <cstring>

namespace refdrv {

std::string errno_name(int e) {
  // Errnos the kernel uses internally and userspace never sees.
  switch (e) {
    case 512: return "ERESTARTSYS";
    case 517: return "EPROBE_DEFER";
    case 524: return "ENOTSUPP";
    default: break;
  }
  if (const char* name = strerrorname_np(e)) return name;
  return std::to_string(e);
}

}  // namespace refdrv
