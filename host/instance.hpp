// SPDX-License-Identifier: GPL-2.0
// An instance: one emulated MDIO bus with its hardware models, one bound
// implementation, a minimal MAC, a virtual clock and a trace. Instances of
// one image share nothing but the image's registered drivers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "host/context.hpp"
#include "host/kernel_image.hpp"
#include "hw/faults.hpp"
#include "hw/phy_model.hpp"

namespace refdrv {

struct InstanceConfig {
  Impl impl = Impl::kC;           // which implementation of a reference group may bind
  std::string bus_id = "refdrv-0";
  std::uint32_t phy_mask = 0;     // mii_bus.phy_mask: set bits are not scanned
  std::uint64_t time_budget_ns = 0;  // 0: unlimited
  std::uint64_t fault_seed = 1;
  // MDIO accesses the instance may make (0: unlimited). Exhausting it stops
  // the instance as a hang: the kernel side keeps using the bus while no
  // virtual time passes (a driver polling in a loop without sleeping).
  std::uint64_t mdio_budget = 0;
  // Virtual time each MDIO access takes (0: none; Scenario::mdio_frame_ns).
  std::uint64_t mdio_frame_ns = 0;
  // What the MAC's MDIO controller does, and how the MAC connects.
  bool mdio_c22 = true;
  bool mdio_c45 = false;
  int interface = REFDRV_IF_MII;
  // The firmware files request_firmware() finds: the bytes of `name`, or
  // nothing (-ENOENT). Unset: none at all.
  std::function<std::optional<std::vector<std::uint8_t>>(const std::string& name)> firmware;
  // Compare each link up the MAC is told with what the PHY model's link runs
  // (wire_mismatches()).
  bool check_wire = false;
};

// What a kernel-side call did: its return value, or why the instance stopped.
struct CallResult {
  int ret = 0;
  std::optional<std::string> stop;
  [[nodiscard]] bool ok() const { return !stop && ret >= 0; }
};

class Instance final : public ContextBase {
 public:
  Instance(KernelImage& image, InstanceConfig config);
  ~Instance() override;

  // Hardware, set up before create().
  void add_device(int addr, std::unique_ptr<hw::MdioDevice> device);
  // The Clause-22 PHY model at `addr` (tests of the Asix models), or null.
  [[nodiscard]] hw::PhyModel* phy(int addr);
  // Any PHY model with a line side at `addr`, or null.
  [[nodiscard]] hw::WiredPhy* device(int addr);
  [[nodiscard]] hw::FaultInjector& faults() { return faults_; }

  // Allocates and registers the MDIO bus: the real bus scan and probe run.
  CallResult create();
  // A MAC-driver or ethtool operation (enum refdrv_op), then the timers and
  // work items it made due (a work item queued without delay runs at once,
  // as a kworker would take it).
  CallResult op(int op, long a = 0, long b = 0, long c = 0, long d = 0);
  // The operation alone: what it made due runs at the next run_until().
  CallResult call(int op, long a = 0, long b = 0, long c = 0, long d = 0);
  [[nodiscard]] std::optional<refdrv_phy_status> status();

  // Lets virtual time pass, running due timers and work items in order.
  void run_until(std::uint64_t t);
  void run_for(std::uint64_t ns) { run_until(now_ + ns); }

  // Tears the kernel side down (phy_disconnect, mdiobus_unregister, free);
  // what was not freed is recorded as a kLeak trace event. Idempotent.
  void destroy();

  [[nodiscard]] bool stopped() const { return stop_.has_value(); }
  // The MDIO bus was registered (create() succeeded): without it every
  // operation returns -ENODEV without entering the kernel side.
  [[nodiscard]] bool has_bus() const { return ki_ != nullptr; }
  [[nodiscard]] const std::optional<std::string>& stop_reason() const { return stop_; }
  [[nodiscard]] const InstanceConfig& config() const { return config_; }
  [[nodiscard]] std::uint64_t mdio_accesses() const { return mdio_accesses_; }
  // Clause-22 writes that reached a PHY while its reset was in progress.
  [[nodiscard]] std::uint64_t writes_during_reset() const { return writes_during_reset_; }
  // The models' quirks that acted in this run (hw::MdioDevice::quirks_acted).
  [[nodiscard]] std::uint32_t quirks_acted() const {
    std::uint32_t q = 0;
    for (const auto& [addr, dev] : devices_) q |= dev->quirks_acted();
    return q;
  }
  [[nodiscard]] std::size_t leaked_bytes() const { return leaked_bytes_; }

  int mdio_read(int addr, int regnum) override;
  int mdio_write(int addr, int regnum, unsigned short val) override;
  int mdio_read_c45(int addr, int devad, int regnum) override;
  int mdio_write_c45(int addr, int devad, int regnum, unsigned short val) override;
  int firmware(const char* name, const unsigned char** data, unsigned long* size) override;
  // The firmware files the kernel side asked for, in order, and what they held.
  [[nodiscard]] const std::vector<std::pair<std::string, std::optional<std::vector<std::uint8_t>>>>&
  firmware_requests() const {
    return firmware_served_;
  }

  // Each link up the MAC was told that the PHY model's link did not run
  // (config().check_wire), described, in order.
  [[nodiscard]] const std::vector<std::string>& wire_mismatches() const { return wire_mismatches_; }
  // From now on the MAC's link is not held to the model's: a register was
  // written behind the driver's back (an mdio-write or mii-write step). An
  // injected fault does the same by itself (faults().injected()).
  void exempt_wire() { wire_exempt_ = true; }

  // Records a step or expectation marker in the trace.
  void mark(TraceKind kind, std::string name, std::string detail = {}, long value = 0);

  // ---- snapshots ----
  // The instance and the whole kernel side as they are between two calls:
  // restore() makes both exactly that again, at the same addresses, so what
  // runs next runs as it would have run then. The image's state is part of
  // it (phylib's and the drivers' globals, the image's heap): restoring
  // rolls back whatever other instances of the image did since, so take and
  // restore snapshots only while no other instance of the image is live.
  struct Snapshot {
    KernelImage::Saved image;
    ContextBase::Saved context;
    std::map<int, std::unique_ptr<hw::MdioDevice>> devices;
    hw::FaultInjector faults;
    refdrv_kinst* ki = nullptr;
    std::uint64_t mdio_accesses = 0, writes_during_reset = 0;
    std::vector<std::string> wire_mismatches;
    bool wire_exempt = false;
  };
  // Fails, saying why, where the instance cannot be brought back: stopped,
  // torn down, or given firmware files (their bytes are in the kernel heap,
  // but the record of what was served, which firmware-loaded and the
  // firmware notes read, is not kept).
  Result<void> save(Snapshot& out) const;
  Result<void> restore(const Snapshot& snap);
  // A restored instance's budgets and firmware files are the new run's.
  void set_budgets(std::uint64_t time_budget_ns, std::uint64_t mdio_budget);
  void set_firmware(std::function<std::optional<std::vector<std::uint8_t>>(const std::string& name)> firmware) {
    config_.firmware = std::move(firmware);
  }
  // And its fault seed, where no random draw was made yet (false otherwise:
  // hw::FaultInjector::reseed).
  bool set_fault_seed(std::uint64_t seed) {
    if (!faults_.reseed(seed)) return false;
    config_.fault_seed = seed;
    return true;
  }

 private:
  void link_reported(const TraceEvent& ev) override;
  template <class F>
  bool enter(F&& f);
  void record_stop(const gate::Stop& stop);
  void count_access();
  // One MDIO access: fault injection, the device, the trace. `reg` is a
  // Clause-22 register or hw::c45::encode(devad, reg).
  int access(int addr, unsigned reg, bool write, unsigned short val);

  InstanceConfig config_;
  refdrv_kinst* ki_ = nullptr;
  std::map<int, std::unique_ptr<hw::MdioDevice>> devices_;
  hw::FaultInjector faults_;
  std::optional<std::string> stop_;
  std::uint64_t mdio_accesses_ = 0;
  std::uint64_t writes_during_reset_ = 0;
  std::vector<std::string> wire_mismatches_;
  bool wire_exempt_ = false;
  std::size_t leaked_bytes_ = 0;
  bool destroyed_ = false;
  std::string budget_reason_;
  // Served firmware, in the order asked; the data stays put until the end.
  std::vector<std::pair<std::string, std::optional<std::vector<std::uint8_t>>>> firmware_served_;
};

}  // namespace refdrv
