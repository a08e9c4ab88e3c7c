// A driver's flags with a misspelled name (`flag`) would silently be no
// flags (PHY_IS_INTERNAL lost) if `flags` had a default: it is required.
#include "driver_prelude.hpp"

struct Phy {
  static constexpr CStr name = "phy";
  static constexpr DeviceId phy_device_id = DeviceId::new_with_exact_mask(1);
  static constexpr Flags flag = Flag::is_internal;  // misspelled
  static constexpr Callbacks callbacks = Callback::resume | Callback::read_status;
  static Result<> resume(Device& dev) { return dev.genphy_resume(); }
  static Result<std::uint16_t> read_status(Device& dev) { return dev.genphy_read_status<reg::C22>(); }
};

TEST_MODULE(Phy)
