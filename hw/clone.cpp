// SPDX-License-Identifier: GPL-2.0
// The models' copies for instance snapshots (host/instance.hpp), in a
// translation unit of their own so that the fuzz build leaves them (and the
// copy constructors they instantiate) uninstrumented
// (fuzz/coverage-ignorelist.txt): a copy says nothing about the drivers.
#include "hw/phy_model.hpp"
#include "hw/qt2025.hpp"

namespace refdrv::hw {

std::unique_ptr<MdioDevice> PhyModel::clone() const { return std::make_unique<PhyModel>(*this); }

std::unique_ptr<MdioDevice> Qt2025Model::clone() const { return std::make_unique<Qt2025Model>(*this); }

}  // namespace refdrv::hw
