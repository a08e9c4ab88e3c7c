// A callback declared in `callbacks` but misspelled in the definition would
// silently become "absent" (phylib's generic routine would run): rejected.
#include "driver_prelude.hpp"

struct Phy {
  static constexpr CStr name = "phy";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(1);
  static constexpr Flags flags = {};
  static constexpr Callbacks callbacks = Callback::read_status;
  static Result<std::uint16_t> read_stauts(Device&) { return 0; }
};

TEST_MODULE(Phy)
