// SPDX-License-Identifier: GPL-2.0
// A trace: the ordered record of what crossed the seams of one instance,
// with virtual timestamps. Traces are what implementations are compared by.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/text.hpp"

namespace refdrv {

enum class TraceKind : std::uint8_t {
  kMdioRead,       // addr, reg, value (or negative errno in `value`)
  kMdioWrite,      // addr, reg, value, result in `result`
  kCallbackEnter,  // name = callback, detail = driver
  kCallbackExit,   // name = callback, value = return code
  kState,          // name = new state, detail = old state
  kLink,           // what the MAC's adjust_link saw
  kCarrier,        // value = 1 on / 0 off
  kBind,           // name = driver, detail = module, value = implementation
  kUnbind,         // name = driver
  kApiEnter,       // name = API (phy_start, ...), detail = an argument it is known by (a firmware name) or none
  kApiExit,        // name = API, value = return code, detail as kApiEnter
  kWarn,           // a kernel-side assertion failed: name = what, detail = where
  kLog,            // kernel log line: value = level, detail = text
  kStep,           // scenario step marker: name = step, detail = arguments
  kExpect,         // expectation result: name = what, detail = message, value = 1 ok / 0 failed
  kFatal,          // the instance stopped: name = reason
  kLeak,           // memory not freed at teardown: value = bytes, detail = count
};

[[nodiscard]] const char* trace_kind_name(TraceKind k);

// Plain data apart from its two texts, which are a pointer each (host/text.hpp):
// the poll path records several of these per virtual second.
struct TraceEvent {
  std::uint64_t time_ns = 0;
  TraceKind kind = TraceKind::kLog;
  int addr = -1;
  int reg = -1;
  long value = 0;
  int result = 0;
  bool fault = false;  // MDIO access altered by fault injection
  Text name;
  Text detail;
  int link = 0, speed = 0, duplex = 0, pause = 0, asym_pause = 0;

  bool operator==(const TraceEvent&) const = default;
};

struct TraceFormat {
  bool decode_registers = false;  // add the register decoding to MDIO lines
  bool logs = true;
};

// One human-readable line, e.g. "   2.056000  mdio   rd phy:0x10 reg:0x01 BMSR      -> 0x786d".
// Values are in the kernel's terms: MDIO addresses in hex, negative returns
// as errno names (-EIO), speed and duplex as phylib names them.
[[nodiscard]] std::string format_event(const TraceEvent& ev, const TraceFormat& fmt = {});

// A process-wide observer of every event added to any trace. Fork-mode
// workers set one that mirrors events into memory shared with the parent, so
// the last lines before a crash survive the process.
using TraceTap = void (*)(const TraceEvent&);
void set_trace_tap(TraceTap tap);
namespace detail {
extern TraceTap g_trace_tap;
}

class Trace {
 public:
  void add(TraceEvent ev) {
    if (detail::g_trace_tap) detail::g_trace_tap(ev);
    events_.push_back(std::move(ev));
  }
  [[nodiscard]] const std::vector<TraceEvent>& events() const { return events_; }
  [[nodiscard]] std::size_t size() const { return events_.size(); }
  void clear() { events_.clear(); }
  // The trace becomes `events` (an instance's snapshot restored), with room
  // for `room` more without regrowth, as an instance's new trace has.
  void assign(const std::vector<TraceEvent>& events, std::size_t room = 0) {
    events_.clear();
    events_.reserve(events.size() + room);
    events_.insert(events_.end(), events.begin(), events.end());
  }
  void reserve(std::size_t n) { events_.reserve(n); }
  [[nodiscard]] std::string format(const TraceFormat& fmt = {}) const;

 private:
  std::vector<TraceEvent> events_;
};

// A kernel return value: "0", "3", or an errno name ("-ETIMEDOUT").
[[nodiscard]] std::string return_text(long value);

// Speed and duplex as phylib reports them ("100/Full", "Unknown").
[[nodiscard]] std::string speed_duplex_name(int speed, int duplex);

}  // namespace refdrv
