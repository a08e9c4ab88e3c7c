// Callbacks are static member functions: phylib has no driver object.
#include "driver_prelude.hpp"

struct Phy {
  static constexpr CStr name = "phy";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(1);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::link_change_notify;
  void link_change_notify(Device&) {}
};

TEST_MODULE(Phy)
