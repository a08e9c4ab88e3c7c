// SPDX-License-Identifier: GPL-2.0
// Instance snapshots (host/instance.hpp). Apart from the rest of the
// instance so that the fuzz build can leave it uninstrumented
// (fuzz/coverage-ignorelist.txt): whether a run was restored says nothing
// about the drivers.
#include "host/instance.hpp"

namespace refdrv {

Result<void> Instance::save(Snapshot& out) const {
  if (stop_) return fail("the instance stopped: " + *stop_);
  if (destroyed_ || !ki_) return fail("the instance has no live kernel side");
  // The bytes are copied into the kernel heap, which a snapshot holds; the
  // record of what was served (what firmware-loaded and the note of a
  // firmware entry never requested read) is the host's, and not kept.
  if (!firmware_served_.empty())
    return fail("the kernel side was given firmware files, whose record of what was served a snapshot does not hold");
  image_.save(out.image);
  save_context(out.context);
  out.devices.clear();
  for (const auto& [addr, dev] : devices_) out.devices.emplace(addr, dev->clone());
  out.faults = faults_;
  out.ki = ki_;
  out.mdio_accesses = mdio_accesses_;
  out.writes_during_reset = writes_during_reset_;
  out.wire_mismatches = wire_mismatches_;
  out.wire_exempt = wire_exempt_;
  return {};
}

Result<void> Instance::restore(const Snapshot& snap) {
  // Off while the data is copied back (restore_context() arms it again);
  // an instance whose restore failed is not run (the runner starts afresh).
  unwatch();
  if (auto r = image_.restore(snap.image); !r) {
    stop_ = r.error().message;
    return r;
  }
  restore_context(snap.context);
  devices_.clear();
  for (const auto& [addr, dev] : snap.devices) devices_.emplace(addr, dev->clone());
  faults_ = snap.faults;
  ki_ = snap.ki;
  stop_.reset();
  mdio_accesses_ = snap.mdio_accesses;
  writes_during_reset_ = snap.writes_during_reset;
  wire_mismatches_ = snap.wire_mismatches;
  wire_exempt_ = snap.wire_exempt;  // a later run's mdio-write set it on the shared instance
  leaked_bytes_ = 0;
  destroyed_ = false;
  budget_reason_.clear();
  firmware_served_.clear();
  return {};
}

void Instance::set_budgets(std::uint64_t time_budget_ns, std::uint64_t mdio_budget) {
  config_.time_budget_ns = time_budget_ns;
  time_budget_ = time_budget_ns;
  config_.mdio_budget = mdio_budget;
}

}  // namespace refdrv
