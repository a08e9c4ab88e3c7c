// SPDX-License-Identifier: GPL-2.0
// Firmware: request_firmware()/release_firmware() through the kernel side's
// helpers.
#include "refdrv/firmware.hpp"

#include "refdrv/phy/detail/context.hpp"

namespace refdrv::firmware {

namespace detail {

// # Invariants
//
// `handle` is the struct firmware request_firmware() returned, not yet
// released; `data`/`size` are its bytes; `release` is the helper of the
// kernel side that loaded it.
struct Loaded {
  const unsigned char* data;
  unsigned long size;
  void* handle;
  void (*release)(void* handle);
};

void Release::operator()(Loaded* loaded) const {
  // SAFETY: by the Loaded invariant the handle was not released before; the
  // unique_ptr calls this once.
  loaded->release(loaded->handle);
  // SAFETY: allocated by Firmware::request() with new, owned by the unique_ptr.
  delete loaded;
}

}  // namespace detail

phy::Result<Firmware> Firmware::request(const phy::CStr& name, phy::Device& dev) {
  const phy::detail::DeviceContext& ctx = dev.ctx_;
  const unsigned char* data = nullptr;
  unsigned long size = 0;
  void* handle = nullptr;
  // SAFETY: the Device invariant makes ctx.phy valid for this callback;
  // name is a NUL-terminated string with static storage (CStr).
  const int ret = ctx.helpers->request_firmware(ctx.phy, name.c_str(), &data, &size, &handle);
  if (ret < 0) return std::unexpected(phy::Errno::from_errno(ret));
  // SAFETY: ownership of the loaded file passes to the unique_ptr, which
  // releases it through the same kernel side's helper.
  return Firmware(std::unique_ptr<detail::Loaded, detail::Release>(
      new detail::Loaded{data, size, handle, ctx.helpers->release_firmware}));
}

std::span<const std::uint8_t> Firmware::data() const& {
  // A moved-from Firmware holds no file: nothing, rather than a NULL read
  // (tools/check-escape-hatches reports a use after std::move in a driver).
  if (!loaded_) return {};
  // SAFETY: the Loaded invariant: the bytes stay valid until release, which
  // happens only when this Firmware is destroyed.
  return {loaded_->data, loaded_->size};
}

}  // namespace refdrv::firmware
