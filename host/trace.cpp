// SPDX-License-Identifier: GPL-2.0
#include "host/trace.hpp"

#include <fmt/format.h>

#include "base/error.hpp"
#include "refdrv_phy_callbacks.h"
#include "hw/clause45.hpp"
#include "hw/regdump.hpp"

namespace refdrv {

namespace detail {
TraceTap g_trace_tap = nullptr;
}
void set_trace_tap(TraceTap tap) { detail::g_trace_tap = tap; }

const char* trace_kind_name(TraceKind k) {
  switch (k) {
    case TraceKind::kMdioRead: return "mdio-read";
    case TraceKind::kMdioWrite: return "mdio-write";
    case TraceKind::kCallbackEnter: return "callback-enter";
    case TraceKind::kCallbackExit: return "callback-exit";
    case TraceKind::kState: return "state";
    case TraceKind::kLink: return "link";
    case TraceKind::kCarrier: return "carrier";
    case TraceKind::kBind: return "bind";
    case TraceKind::kUnbind: return "unbind";
    case TraceKind::kApiEnter: return "api-enter";
    case TraceKind::kApiExit: return "api-exit";
    case TraceKind::kWarn: return "warn";
    case TraceKind::kLog: return "log";
    case TraceKind::kStep: return "step";
    case TraceKind::kExpect: return "expect";
    case TraceKind::kFatal: return "fatal";
    case TraceKind::kLeak: return "leak";
  }
  return "?";
}

std::string speed_duplex_name(int speed, int duplex) {
  // phylib: SPEED_UNKNOWN is -1, DUPLEX_HALF 0, DUPLEX_FULL 1, DUPLEX_UNKNOWN 0xff.
  std::string s = speed > 0 ? std::to_string(speed) : "Unknown";
  const char* d = duplex == 1 ? "Full" : duplex == 0 ? "Half" : "Unknown";
  return s + "/" + d;
}

namespace {

std::string errno_or_value(long v, bool sixteen_bits) {
  if (v < 0) return return_text(v);
  return sixteen_bits ? fmt::format("0x{:04x}", v) : std::to_string(v);
}

// An MDIO access's PHY and register, in hex as the kernel's mdio tracepoint
// and its device names ("refdrv-0:10") print them.
// A Clause-45 access also names its MMD.
std::string mdio_target(const TraceEvent& ev) {
  const auto reg = static_cast<unsigned>(ev.reg);
  if (hw::c45::is_c45(reg))
    return fmt::format("phy:0x{:02x} dev:0x{:02x} reg:0x{:04x}", ev.addr, hw::c45::devad_of(reg), hw::c45::reg_of(reg));
  return fmt::format("phy:0x{:02x} reg:0x{:02x}", ev.addr, ev.reg);
}

// The phy_driver callbacks that return nothing (link_change_notify,
// remove): their exit is traced without a value.
bool void_callback(std::string_view name) {
#define REFDRV_CB_VOID(cb, shape, foreign, cxx, locked) {#cb, std::string_view(#shape) == "VOID"},
  static constexpr std::pair<std::string_view, bool> kShapes[] = {REFDRV_PHY_CALLBACKS(REFDRV_CB_VOID)};
#undef REFDRV_CB_VOID
  for (const auto& [cb, is_void] : kShapes)
    if (cb == name) return is_void;
  return false;
}

// An API call as written: its name and the argument it is known by; a
// name that carries its argument already (phy_mii_ioctl(SIOCGMIIREG)) gets
// no second pair of parentheses.
std::string api_call(const TraceEvent& ev) {
  const std::string_view name = ev.name.view();
  if (ev.detail.empty() && name.ends_with(')')) return std::string(name);
  return fmt::format("{}({})", name, ev.detail);
}

}  // namespace

std::string return_text(long v) {
  if (v >= 0) return std::to_string(v);
  if (v < -4095) return std::to_string(v);  // not an errno
  std::string out = "-";  // not "-" + name: GCC 12 at -O3 warns (-Wrestrict) on that falsely
  out += errno_name(static_cast<int>(-v));
  return out;
}

std::string format_event(const TraceEvent& ev, const TraceFormat& f) {
  const std::string t = fmt::format("{:>4}.{:06}", ev.time_ns / 1'000'000'000, (ev.time_ns / 1000) % 1'000'000);
  const char* faulted = ev.fault ? "  [fault injected]" : "";
  switch (ev.kind) {
    case TraceKind::kMdioRead: {
      std::string line = fmt::format("{}  mdio   rd {} {:<9} -> {}{}", t, mdio_target(ev),
                                     hw::register_name(static_cast<unsigned>(ev.reg)), errno_or_value(ev.value, true),
                                     faulted);
      if (f.decode_registers && ev.value >= 0)
        line += "\n" + std::string(16, ' ') + hw::decode_register(static_cast<unsigned>(ev.reg),
                                                                   static_cast<std::uint16_t>(ev.value));
      return line;
    }
    case TraceKind::kMdioWrite: {
      std::string line = fmt::format("{}  mdio   wr {} {:<9} <- 0x{:04x}{}{}", t, mdio_target(ev),
                                     hw::register_name(static_cast<unsigned>(ev.reg)), ev.value,
                                     ev.result < 0 ? " = " + return_text(ev.result) : "", faulted);
      if (f.decode_registers)
        line += "\n" + std::string(16, ' ') + hw::decode_register(static_cast<unsigned>(ev.reg),
                                                                   static_cast<std::uint16_t>(ev.value));
      return line;
    }
    case TraceKind::kCallbackEnter:
      return fmt::format("{}  call   {}() [{}]", t, ev.name, ev.detail);
    case TraceKind::kCallbackExit:
      if (void_callback(ev.name.view()) && ev.value == 0) return fmt::format("{}  ret    {}()", t, ev.name);
      return fmt::format("{}  ret    {}() = {}", t, ev.name, return_text(ev.value));
    case TraceKind::kState:
      return ev.detail.empty() ? fmt::format("{}  state  {}", t, ev.name)
                               : fmt::format("{}  state  {} -> {}", t, ev.detail, ev.name);
    case TraceKind::kLink:
      if (!ev.link) {
        // What phydev still says when the MAC is told the link is down
        // (the adjust_link callback reads the same fields either way): a
        // forced speed, or the last resolved mode where read_status returned
        // before resetting it (the Asix AX88772A's does on link loss).
        // Said only when it is not all unknown, and compared with the rest.
        const bool unknown = ev.speed <= 0 && ev.duplex != 0 && ev.duplex != 1 && !ev.pause && !ev.asym_pause;
        if (unknown) return fmt::format("{}  mac    link down", t);
        return fmt::format("{}  mac    link down (phydev {}{}{})", t, speed_duplex_name(ev.speed, ev.duplex),
                           ev.pause ? " lp-pause" : "", ev.asym_pause ? " lp-asym-pause" : "");
      }
      // phydev->pause and asym_pause as the MAC sees them: the link
      // partner's bits (the MAC resolves them with its own advertisement,
      // phy_get_pause()), hence lp-, as in lp_advertising.
      return fmt::format("{}  mac    link up {}{}{}", t, speed_duplex_name(ev.speed, ev.duplex),
                         ev.pause ? " lp-pause" : "", ev.asym_pause ? " lp-asym-pause" : "");
    case TraceKind::kCarrier:
      return fmt::format("{}  mac    carrier {}", t, ev.value ? "on" : "off");
    case TraceKind::kBind:
      return fmt::format("{}  bind   {} (module {}, {})", t, ev.name, ev.detail.empty() ? "built-in" : ev.detail,
                         ev.value == 1 ? "C" : ev.value == 2 ? "Rust" : ev.value == 3 ? "C++" : "core");
    case TraceKind::kUnbind:
      return fmt::format("{}  unbind {}", t, ev.name);
    case TraceKind::kApiEnter:  // detail: an argument the call is known by (a firmware file's name)
      return fmt::format("{}  api    {}", t, api_call(ev));
    case TraceKind::kApiExit:
      return fmt::format("{}  api    {} = {}", t, api_call(ev), return_text(ev.value));
    case TraceKind::kWarn:
      return fmt::format("{}  WARN   {} at {}", t, ev.name, ev.detail);
    case TraceKind::kLog:
      return fmt::format("{}  log<{}> {}", t, ev.value, ev.detail);
    case TraceKind::kStep:
      return fmt::format("{}  step   {}{}{}", t, ev.name, ev.detail.empty() ? "" : " ", ev.detail);
    case TraceKind::kExpect:
      return fmt::format("{}  expect {} {}: {}", t, ev.value ? "ok  " : "FAIL", ev.name, ev.detail);
    case TraceKind::kFatal:
      return fmt::format("{}  STOP   {}", t, ev.name);
    case TraceKind::kLeak:
      return fmt::format("{}  LEAK   {} bytes in {} allocations", t, ev.value, ev.detail);
  }
  return t;
}

std::string Trace::format(const TraceFormat& f) const {
  std::string out;
  for (const auto& ev : events_) {
    if (ev.kind == TraceKind::kLog && !f.logs) continue;
    out += format_event(ev, f);
    out += '\n';
  }
  return out;
}

}  // namespace refdrv
