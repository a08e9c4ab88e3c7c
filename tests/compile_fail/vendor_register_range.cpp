// Vendor-specific registers are 16..31 (22.2.4): register 5 does not compile.
#include "driver_prelude.hpp"

struct Phy {
  static constexpr CStr name = "phy";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(1);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::probe;
  static Result<> probe(Device& dev) {
    TRY(dev.read(reg::C22::vendor_specific<5>()));
    return {};
  }
};

TEST_MODULE(Phy)
