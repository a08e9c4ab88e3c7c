// SPDX-License-Identifier: GPL-2.0
#include "host/instance.hpp"

#include <fmt/format.h>

#include "hw/clause45.hpp"

namespace refdrv {

Instance::Instance(KernelImage& image, InstanceConfig config)
    : ContextBase(image), config_(std::move(config)), faults_({}, config_.fault_seed) {
  time_budget_ = config_.time_budget_ns;
  trace_.reserve(512);  // a short scenario's worth: no regrowth on the hot path
}

Instance::~Instance() { destroy(); }

void Instance::add_device(int addr, std::unique_ptr<hw::MdioDevice> device) { devices_[addr] = std::move(device); }

hw::PhyModel* Instance::phy(int addr) {
  auto it = devices_.find(addr);
  return it == devices_.end() ? nullptr : dynamic_cast<hw::PhyModel*>(it->second.get());
}

hw::WiredPhy* Instance::device(int addr) {
  auto it = devices_.find(addr);
  return it == devices_.end() ? nullptr : dynamic_cast<hw::WiredPhy*>(it->second.get());
}

void Instance::record_stop(const gate::Stop& stop) {
  std::string reason = stop.reason;
  if (stop.pc) reason += fmt::format(" ({})", image_.symbolize(stop.pc));
  // Where the kernel side's store hooks watch phylib's state, a store they
  // marked may not be reported yet (the stop came from the host: a fault, a
  // budget); a watchpoint would have reported it at the store, so it is
  // reported now, before the stop. Contained: the kernel side just failed.
  if (hooked() && ki_) (void)gate::run([&] { image_.ops().observe(); });
  stop_ = reason;
  mark(TraceKind::kFatal, reason);
  // Forget the abandoned execution context; the instance is not resumed.
  image_.ops().abandon(ki_);
}

template <class F>
bool Instance::enter(F&& f) {
  if (stop_) return false;
  if (auto stop = gate::run(std::forward<F>(f))) {
    record_stop(*stop);
    return false;
  }
  return true;
}

CallResult Instance::create() {
  CallResult r;
  const refdrv_instance_config cfg{config_.bus_id.c_str(), config_.phy_mask, static_cast<int>(config_.impl),
                                   config_.mdio_c22 ? 1 : 0,     config_.mdio_c45 ? 1 : 0,
                                   config_.interface, config_.mdio_frame_ns ? 1 : 0};
  enter([&] {
    int err = 0;
    ki_ = image_.ops().instance_create(this, &cfg, &err);
    r.ret = err;
  });
  r.stop = stop_;
  if (!stop_) run_until(now_);
  return r;
}

CallResult Instance::call(int op, long a, long b, long c, long d) {
  CallResult r;
  if (!ki_ && !stop_) {
    r.ret = -19;  // -ENODEV: the bus was never created
    return r;
  }
  enter([&] { r.ret = image_.ops().instance_op(ki_, op, a, b, c, d); });
  r.stop = stop_;
  return r;
}

CallResult Instance::op(int op, long a, long b, long c, long d) {
  const CallResult r = call(op, a, b, c, d);  // its stop, not one in the work it queued
  if (!stop_) run_until(now_);
  return r;
}

std::optional<refdrv_phy_status> Instance::status() {
  if (!ki_ || stop_) return std::nullopt;
  refdrv_phy_status st{};
  int ret = 0;
  if (!enter([&] { ret = image_.ops().instance_status(ki_, &st); })) return std::nullopt;
  if (ret) return std::nullopt;
  return st;
}

void Instance::run_until(std::uint64_t t) {
  while (!stop_) {
    auto ev = events_.pop_due(t);
    if (!ev) break;
    if (ev->at > now_) now_ = ev->at;
    enter([&] { image_.ops().run_event(this, ki_, ev->fn, ev->key); });
  }
  if (!stop_ && t > now_) now_ = t;
}

void Instance::destroy() {
  if (destroyed_) return;
  destroyed_ = true;
  if (ki_ && !stop_) enter([&] { image_.ops().instance_destroy(ki_); });
  // RCU callbacks and work queued by the teardown itself; a timer or
  // delayed work left armed (phylib cancels its own) runs when it is due,
  // as the kernel's would, on what the teardown freed, not at once.
  while (!stop_) {
    auto ev = events_.pop_due(~0ULL);
    if (!ev) break;
    if (ev->at > now_) now_ = ev->at;
    enter([&] { image_.ops().run_event(this, nullptr, ev->fn, ev->key); });
  }
  ki_ = nullptr;
  events_.clear();
  if (!stop_ && memory_.live_allocations()) {
    leaked_bytes_ = memory_.live_bytes();
    TraceEvent ev;
    ev.time_ns = now_;
    ev.kind = TraceKind::kLeak;
    ev.value = static_cast<long>(memory_.live_bytes());
    ev.detail = std::to_string(memory_.live_allocations());
    trace_.add(std::move(ev));
  }
  memory_.release_all();
  // What was watched is freed: give the debug register back now (a cached
  // instance lives on, host/instance.hpp snapshots, and a thread has four).
  watch(nullptr, 0);
}

void Instance::mark(TraceKind kind, std::string name, std::string detail, long value) {
  TraceEvent ev;
  ev.time_ns = now_;
  ev.kind = kind;
  ev.name = std::move(name);
  ev.detail = std::move(detail);
  ev.value = value;
  trace_.add(std::move(ev));
}

void Instance::count_access() {
  if (++mdio_accesses_ > config_.mdio_budget && config_.mdio_budget) {
    budget_reason_ = fmt::format(
        "MDIO access budget exhausted ({} accesses) without the scenario ending: hang (the kernel side keeps "
        "using the bus)",
        config_.mdio_budget);
    gate::stop(budget_reason_.c_str());
  }
}

// The MAC was told the link is up: then the model's link must be up, at the
// speed and the duplex the MAC was given where phylib gave one (SPEED_UNKNOWN
// or DUPLEX_UNKNOWN claims nothing: phylib found no mode in common with the
// partner, which a model that parallel-detects may allow). It is compared when
// adjust_link runs, in the state machine's run that read the status: only the
// time of MDIO frames (mdio-frame) passes in between, in which a scheduled
// cable event could change the link.
void Instance::link_reported(const TraceEvent& ev) {
  // Not once a fault was injected or a register written behind the driver's
  // back: then the driver's view may rightly differ from the wire. Decided
  // by what happened before this report, not by what the scenario could do
  // (a fault rule that never fires exempts nothing).
  if (!config_.check_wire || !ev.link || wire_exempt_ || faults_.injected() > 0) return;
  auto it = devices_.find(ev.addr);
  auto* model = it == devices_.end() ? nullptr : dynamic_cast<hw::WiredPhy*>(it->second.get());
  if (!model) return;
  const auto wire = model->wire_mode(now_);
  const bool speed_known = ev.speed > 0;                    // SPEED_UNKNOWN is -1
  const bool duplex_known = ev.duplex == 0 || ev.duplex == 1;  // DUPLEX_HALF, DUPLEX_FULL
  if (wire && (!speed_known || wire->speed == ev.speed) && (!duplex_known || wire->full_duplex == (ev.duplex == 1)))
    return;
  wire_mismatches_.push_back(fmt::format(
      "at {:.6f} s the MAC was told link up {} but the PHY model's link {}", static_cast<double>(now_) / 1e9,
      speed_duplex_name(ev.speed, ev.duplex),
      wire ? fmt::format("runs {}/{}", wire->speed, wire->full_duplex ? "Full" : "Half") : std::string("is down")));
}

int Instance::access(int addr, unsigned reg, bool write, unsigned short val) {
  count_access();
  // The frame is clocked out before the PHY answers; timers that fall due
  // meanwhile run when the kernel side next lets them (run_until keeps the
  // clock from going back).
  now_ += config_.mdio_frame_ns;
  const hw::FaultDecision d = faults_.empty() ? hw::FaultDecision{} : faults_.decide(addr, reg, write);
  const bool c45 = hw::c45::is_c45(reg);
  auto it = devices_.find(addr);
  hw::MdioDevice* dev = it == devices_.end() ? nullptr : it->second.get();
  int result = 0;
  if (write) {
    result = d.error;  // 0, or the fault's (a delivered one: written, then failed)
    if (!d.suppress && dev) {
      if (c45) {
        dev->write_c45(hw::c45::devad_of(reg), hw::c45::reg_of(reg), val, now_);
      } else {
        if (dev->resetting_now(now_)) ++writes_during_reset_;
        dev->write(reg, val, now_);
      }
    }
  } else if (d.suppress) {
    result = d.read_override ? *d.read_override : d.error;
  } else {
    // An address with no device reads as the bus pull-ups: 0xffff.
    std::uint16_t v = 0xffff;
    if (dev) v = c45 ? dev->read_c45(hw::c45::devad_of(reg), hw::c45::reg_of(reg), now_) : dev->read(reg, now_);
    v = static_cast<std::uint16_t>(((v & d.and_mask) | d.or_mask) ^ d.xor_mask);
    result = d.error ? d.error : v;  // a delivered fault: read (its latches consumed), then failed
  }
  if (!tracing_) return result;
  TraceEvent ev;
  ev.time_ns = now_;
  ev.kind = write ? TraceKind::kMdioWrite : TraceKind::kMdioRead;
  ev.addr = addr;
  ev.reg = static_cast<int>(reg);
  ev.value = write ? val : result;
  ev.result = write ? result : 0;
  ev.fault = d.fault;
  trace_.add(std::move(ev));
  return result;
}

int Instance::mdio_read(int addr, int regnum) { return access(addr, static_cast<unsigned>(regnum), false, 0); }

int Instance::mdio_write(int addr, int regnum, unsigned short val) {
  return access(addr, static_cast<unsigned>(regnum), true, val);
}

int Instance::mdio_read_c45(int addr, int devad, int regnum) {
  return access(addr, hw::c45::encode(static_cast<unsigned>(devad), static_cast<unsigned>(regnum)), false, 0);
}

int Instance::mdio_write_c45(int addr, int devad, int regnum, unsigned short val) {
  return access(addr, hw::c45::encode(static_cast<unsigned>(devad), static_cast<unsigned>(regnum)), true, val);
}

int Instance::firmware(const char* name, const unsigned char** data, unsigned long* size) {
  std::optional<std::vector<std::uint8_t>> bytes;
  if (config_.firmware) bytes = config_.firmware(name);
  // An empty file is no firmware (kernel_read_file(): -EINVAL): requested,
  // but nothing the driver was given.
  const bool empty = bytes && bytes->empty();
  if (empty) bytes.reset();
  firmware_served_.emplace_back(name, std::move(bytes));
  const auto& served = firmware_served_.back().second;
  if (empty) return -22;  // -EINVAL
  if (!served) return -2;  // -ENOENT
  *data = served->data();
  *size = served->size();
  return 0;
}

}  // namespace refdrv
