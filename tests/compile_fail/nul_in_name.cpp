// A driver name with a NUL inside: C would read it cut short at the NUL.
// Rust's c_str! refuses it; CStr does too (it compiled until 2026-12-07).
#include "driver_prelude.hpp"

struct Phy {
  static constexpr CStr name = "phy\0hidden";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(1);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::resume;
  static Result<> resume(Device& dev) { return dev.genphy_resume(); }
};

TEST_MODULE(Phy)
