// A callback with the right name and a wrong signature: rejected with the
// expected signature in the message.
#include "driver_prelude.hpp"

struct Phy {
  static constexpr CStr name = "phy";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(1);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::soft_reset;
  static int soft_reset(Device&) { return 0; }
};

TEST_MODULE(Phy)
