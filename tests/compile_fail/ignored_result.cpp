// A result dropped without an explicit discard does not compile.
#include "driver_prelude.hpp"

struct Phy {
  static constexpr CStr name = "phy";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(1);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::resume;
  static Result<> resume(Device& dev) {
    dev.genphy_resume();
    return {};
  }
};

TEST_MODULE(Phy)
