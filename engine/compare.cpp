// SPDX-License-Identifier: GPL-2.0
#include "engine/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string_view>
#include <type_traits>

namespace refdrv {

const char* level_name(Level l) {
  switch (l) {
    case Level::kMdio: return "MDIO sequence";
    case Level::kEvents: return "events: states, return codes, link changes, WARNs, log";
    case Level::kOutcome: return "outcome at the MAC and in ethtool";
  }
  return "?";
}

namespace {

struct Entry {
  std::string key;
  std::size_t event;  // index in the trace
};

bool kept(const TraceEvent& e, Level level) {
  if (level == Level::kMdio) return e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite;
  switch (e.kind) {
    case TraceKind::kState: case TraceKind::kLink: case TraceKind::kCarrier: case TraceKind::kFatal:
    case TraceKind::kWarn: case TraceKind::kLeak:
    // What each driver callback returned, and what phylib's API returned to
    // the MAC: two drivers that fail with different errors are not equivalent.
    case TraceKind::kCallbackEnter: case TraceKind::kCallbackExit: case TraceKind::kApiEnter: case TraceKind::kApiExit:
    // The kernel log, normalised (normalized_log_line).
    case TraceKind::kLog:
    // Which driver the device was bound to, and unbound from, by name (not
    // the module it came from, nor whose implementation it is: those differ
    // by design): an implementation whose ID table no longer matches binds
    // another driver, or none.
    case TraceKind::kBind: case TraceKind::kUnbind:
      return true;
    default:
      return false;
  }
}

// What speed_duplex_name() folds into "Unknown", told apart where phylib's
// numbers differ (SPEED_UNKNOWN against 0, say), as the digests hash them:
// "" for SPEED_UNKNOWN, DUPLEX_UNKNOWN and the named values.
std::string unknown_numbers(int speed, int duplex) {
  std::string s;
  if (speed <= 0 && speed != -1) s += fmt::format(" (speed {})", speed);
  if (duplex != 0 && duplex != 1 && duplex != 0xff) s += fmt::format(" (duplex {})", duplex);
  return s;
}

// speed_duplex_name() for the comparison (the outcome digest and the
// comparison used to disagree on the unknowns).
std::string exact_speed_duplex(int speed, int duplex) {
  return speed_duplex_name(speed, duplex) + unknown_numbers(speed, duplex);
}

// The modules the run's drivers were bound from (kBind's detail).
std::vector<std::string> bound_modules(const Trace& t) {
  std::vector<std::string> out;
  for (const auto& e : t.events())
    if (e.kind == TraceKind::kBind && !e.detail.empty() &&
        std::find(out.begin(), out.end(), e.detail) == out.end())
      out.push_back(e.detail);
  return out;
}

// The text a kept event is compared by.
std::string key_of(const TraceEvent& e, const std::vector<std::string>& modules) {
  std::string key;
  if (e.kind == TraceKind::kLog) {  // normalised
    TraceEvent normalized = e;
    normalized.detail = normalized_log_line(e.detail, modules);
    key = format_event(normalized);
  } else if (e.kind == TraceKind::kLink) {
    // Phylib's numbers where the trace line folds them into "Unknown", as
    // the outcome compares them (a review, 2026-12-07: a link event told
    // them apart nowhere).
    key = format_event(e) + unknown_numbers(e.speed, e.duplex);
  } else if (e.kind == TraceKind::kBind) {  // the driver's name alone
    TraceEvent named = e;
    named.detail = "";
    named.value = 0;
    key = format_event(named);
  } else {
    key = format_event(e);
  }
  // The trace prints microseconds; the clock counts nanoseconds, and the
  // fuzzers' digests hash them: an access 500 ns later is a difference here
  // too.
  if (const auto ns = e.time_ns % 1000) key += fmt::format(" (+{} ns)", ns);
  // The PHY a callback, state or link change was about, which the trace
  // line leaves out (an MDIO line says it): with two PHYs on the bus, the
  // same callback on the other one is a difference.
  if (e.kind != TraceKind::kMdioRead && e.kind != TraceKind::kMdioWrite && e.kind != TraceKind::kLog && e.addr >= 0)
    key += fmt::format(" (phy:0x{:02x})", e.addr);
  return key;
}

// CompareOptions::bound_drivers_only: which events are the match_phy_device()
// calls of drivers bound nowhere in the run, or happened inside one.
std::vector<bool> foreign_events(const std::vector<TraceEvent>& ev) {
  std::vector<std::string_view> bound;
  for (const auto& e : ev)
    if (e.kind == TraceKind::kBind) bound.push_back(e.name.view());
  std::vector<bool> foreign(ev.size(), false);
  std::vector<bool> open;  // per open callback: a foreign one
  std::size_t depth = 0;   // foreign callbacks open
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const TraceEvent& e = ev[i];
    if (e.kind == TraceKind::kCallbackEnter) {
      // Only a match: a driver that bound nowhere because its probe (or
      // another callback) failed is the run's own finding, compared whole
      // (its MDIO accesses and return code were left out with the rest).
      open.push_back(e.name.view() == "match_phy_device" &&
                     std::find(bound.begin(), bound.end(), e.detail.view()) == bound.end());
      depth += open.back();
      foreign[i] = depth > 0;
    } else if (e.kind == TraceKind::kCallbackExit && !open.empty()) {
      foreign[i] = depth > 0;
      depth -= open.back();
      open.pop_back();
    } else {
      foreign[i] = depth > 0;
    }
  }
  return foreign;
}

// `sampled`: phylib's state was only sampled in one of the runs compared
// (RunResult::states_sampled), so a transition next to a foreign callback
// may be one that run's extra sample point saw.
std::vector<Entry> project(const RunResult& r, Level level, const CompareOptions& opt, bool sampled) {
  std::vector<Entry> out;
  const auto& ev = r.trace.events();
  const std::vector<std::string> modules = bound_modules(r.trace);
  if (level == Level::kOutcome) {
    std::size_t step = 0;
    for (std::size_t i = 0; i < ev.size(); ++i) {
      if (ev[i].kind != TraceKind::kStep) continue;
      if (step < r.mac_after_step.size()) {
        const MacView& v = r.mac_after_step[step];
        out.push_back({fmt::format("after step {} ({}): MAC link {} {} pause {}/{} carrier {}", step + 1, ev[i].name,
                                   v.link ? "up" : "down", exact_speed_duplex(v.speed, v.duplex), v.pause,
                                   v.asym_pause, v.carrier ? "on" : "off"),
                       i});
        out.push_back({fmt::format("after step {} ({}): ethtool {} transceiver {} autoneg {} supported {} advertised {} "
                                   "link partner {}",
                                   step + 1, ev[i].name, exact_speed_duplex(v.ethtool_speed, v.ethtool_duplex),
                                   v.internal ? "internal" : "external", v.autoneg ? "on" : "off",
                                   link_mode_names(v.supported), link_mode_names(v.advertising),
                                   link_mode_names(v.lp_advertising)),
                       i});
        // The masks whole: the ports, autoneg and the media the names
        // above leave out (10GBASE-SR against -LR, say).
        out.push_back({fmt::format("after step {} ({}): ethtool link mode masks: supported {} advertised {} link "
                                   "partner {}",
                                   step + 1, ev[i].name, link_mode_mask(v.supported_bits),
                                   link_mode_mask(v.advertising_bits), link_mode_mask(v.lp_advertising_bits)),
                       i});
        out.push_back({fmt::format("after step {} ({}): ethtool port {} MDI-X {} (set {}) master-slave {} (set {}) "
                                   "rate matching {}, interface mode {} (phylib's numbers)",
                                   step + 1, ev[i].name, v.port, v.mdix, v.mdix_ctrl, v.master_slave_state,
                                   v.master_slave_cfg, v.rate_matching, v.interface),
                       i});
      }
      ++step;
    }
    if (r.stop) out.push_back({"stopped: " + *r.stop, ev.empty() ? 0 : ev.size() - 1});
    return out;
  }
  const std::vector<bool> foreign = opt.bound_drivers_only ? foreign_events(ev) : std::vector<bool>(ev.size());
  std::vector<Entry> states;  // phylib's states, compared as their own sequence
  // The events level holds where the MDIO accesses fell among the events:
  // how many came before each event since the one before it. Two runs with
  // the same accesses and the same events, an access made in another
  // callback (or before a state change, a log line instead of after), differ
  // there (a review, 2026-12-07: the two levels were compared apart, and
  // with accesses that take no virtual time nothing told the order).
  std::uint64_t mdio_since = 0;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const TraceEvent& e = ev[i];
    if (foreign[i]) continue;
    if (level == Level::kEvents && kept(e, Level::kMdio)) {
      ++mdio_since;
      continue;
    }
    if (opt.bound_drivers_only && level == Level::kEvents && e.kind == TraceKind::kState) {
      // Next to another driver's callback, a state seen at a sample point
      // only one run has is left out: the first sight of the state (no old
      // state: the watch starts at the first sample), and, where the state
      // was only sampled, any transition. Where every store was watched, a
      // transition from a known state is compared wherever it happened.
      const bool at_foreign = (i + 1 < ev.size() && foreign[i + 1]) || (i > 0 && foreign[i - 1]);
      const bool a_sample = sampled || e.detail.empty();
      if (!at_foreign || !a_sample) states.push_back({fmt::format("state {}", e.name.view()), i});
      continue;
    }
    if (!kept(e, level)) continue;
    std::string key = key_of(e, modules);
    if (level == Level::kEvents) {
      if (mdio_since) key += fmt::format(" [after {} MDIO access{}]", mdio_since, mdio_since == 1 ? "" : "es");
      mdio_since = 0;
    }
    out.push_back({std::move(key), i});
  }
  out.insert(out.end(), states.begin(), states.end());
  return out;
}

std::vector<std::string> context(const RunResult& r, std::size_t event) {
  std::vector<std::string> out;
  const auto& ev = r.trace.events();
  const std::size_t from = event > 4 ? event - 4 : 0;
  for (std::size_t i = from; i < ev.size() && i <= event + 3; ++i) {
    if (ev[i].kind == TraceKind::kLog) continue;
    out.push_back((i == event ? "> " : "  ") + format_event(ev[i]));
  }
  return out;
}

// The step `event` happened in; nullopt before the first (bus registration,
// the driver's probe).
std::optional<std::size_t> step_of(const RunResult& r, std::size_t event) {
  std::optional<std::size_t> step;
  const auto& ev = r.trace.events();
  for (std::size_t i = 0; i <= event && i < ev.size(); ++i)
    if (ev[i].kind == TraceKind::kStep) step = static_cast<std::size_t>(ev[i].value);
  return step;
}

// A 64-bit hash over the fields: one multiply-xorshift round per field,
// strings through std::hash. Not for adversaries, only to tell runs apart.
class Hasher {
 public:
  Hasher() = default;
  explicit Hasher(std::uint64_t state) : h_(state) {}
  template <class T>
  void add(const T& v) {
    static_assert(std::is_integral_v<T>);
    mix(static_cast<std::uint64_t>(v));
  }
  void add(const std::string& s) {
    mix(s.size());
    if (!s.empty()) mix(std::hash<std::string_view>{}(s));
  }
  void add(const Text& t) { add(t.str()); }
  [[nodiscard]] std::uint64_t value() const { return h_; }

 private:
  void mix(std::uint64_t v) {
    h_ = (h_ ^ v) * 0x9e3779b97f4a7c15ULL;
    h_ ^= h_ >> 29;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};


}  // namespace

namespace {

// Two 32-bit fields as one 64-bit word, both whole: the word differs when
// either does, and it costs one mixing round instead of two.
[[nodiscard]] constexpr std::uint64_t pair(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::uint32_t>(lo) | (static_cast<std::uint64_t>(static_cast<std::uint32_t>(hi)) << 32);
}

void hash_event(Hasher& h, const TraceEvent& e, const std::vector<std::string>& modules) {
  if (e.kind == TraceKind::kLog) {  // as compared: normalised
    h.add(e.time_ns);
    h.add(e.value);
    h.add(normalized_log_line(e.detail, modules));
    return;
  }
  // Exactly the fields key_of() shows for the kind (a test changes each
  // field of each kind alone and holds the two to the same answer), the int
  // ones two to a round: four rounds for an MDIO access (most of a trace).
  // The event is hashed on its own and then chained with one round, so the
  // rounds of one event do not wait for the previous event's.
  Hasher ev;
  ev.add(e.time_ns);
  const std::uint32_t kind = static_cast<std::uint8_t>(e.kind);
  if (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite) {
    ev.add(pair(e.addr, e.reg));
    ev.add(e.value);
    // A write's result as the line shows it: an error, or nothing.
    ev.add(pair(e.kind == TraceKind::kMdioWrite && e.result < 0 ? e.result : 0,
                static_cast<std::int32_t>(kind | (e.fault ? 0x100 : 0))));
    h.add(ev.value());
    return;
  }
  // The PHY of any other event, as key_of() adds it when there is one, and
  // the kind; then the kind's own fields.
  ev.add(pair(e.addr >= 0 ? e.addr : -1, static_cast<std::int32_t>(kind)));
  switch (e.kind) {
    case TraceKind::kLink: {
      // As key_of() compares them: phylib's speed and duplex numbers (its
      // unknowns told apart), the partner's pause bits as set or not.
      ev.add(pair(e.link != 0, e.speed));
      ev.add(pair(e.duplex, (e.pause != 0) | (e.asym_pause != 0) << 1));
      break;
    }
    case TraceKind::kCarrier:  // on or off
      ev.add(e.value != 0);
      break;
    case TraceKind::kCallbackExit:  // name and a return code
      ev.add(e.value);
      ev.add(e.name);
      break;
    case TraceKind::kApiExit:  // name, a return code and the argument it is known by
      ev.add(e.value);
      ev.add(e.name);
      ev.add(e.detail);
      break;
    case TraceKind::kApiEnter:  // name and the argument it is known by
      ev.add(e.name);
      ev.add(e.detail);
      break;
    case TraceKind::kBind:  // the driver's name, as key_of() compares it
      ev.add(e.name);
      break;
    case TraceKind::kLeak:  // bytes and allocations
      ev.add(e.value);
      ev.add(e.detail);
      break;
    case TraceKind::kCallbackEnter: case TraceKind::kState: case TraceKind::kWarn:  // name and detail
      ev.add(e.name);
      ev.add(e.detail);
      break;
    default:  // a name only (unbind, stop; steps and expectations are not compared)
      ev.add(e.name);
      break;
  }
  h.add(ev.value());
}

}  // namespace

namespace {

struct DigestHashers {
  Hasher mdio, events, outcome;
  std::uint64_t mdio_since = 0;  // as project() counts them for the events level

  void add(const TraceEvent& e, const std::vector<std::string>& modules) {
    if (kept(e, Level::kMdio)) {
      hash_event(mdio, e, modules);
      ++mdio_since;
    } else if (kept(e, Level::kEvents)) {
      events.add(mdio_since);
      mdio_since = 0;
      hash_event(events, e, modules);
    } else if (e.kind == TraceKind::kStep) {
      outcome.add(e.name);
    }
  }
};

}  // namespace

DigestPrefix digest_prefix(const Trace& t) {
  DigestPrefix p;
  p.modules = bound_modules(t);
  DigestHashers h;
  for (const auto& e : t.events()) h.add(e, p.modules);
  p.events = t.size();
  p.state = {h.mdio.value(), h.events.value(), h.outcome.value()};
  p.mdio_since_event = h.mdio_since;
  return p;
}

std::array<std::uint64_t, 3> digests(const RunResult& r) { return digests(r, nullptr); }

std::array<std::uint64_t, 3> digests(const RunResult& r, const DigestPrefix* prefix) {
  // One pass over the trace for all three levels.
  DigestHashers h;
  const std::vector<std::string> modules = bound_modules(r.trace);
  const auto& ev = r.trace.events();
  std::size_t first = 0;
  if (prefix && prefix->events <= ev.size() && prefix->modules == modules) {
    h.mdio = Hasher(prefix->state[0]);
    h.events = Hasher(prefix->state[1]);
    h.outcome = Hasher(prefix->state[2]);
    h.mdio_since = prefix->mdio_since_event;
    first = prefix->events;
  }
  for (std::size_t i = first; i < ev.size(); ++i) h.add(ev[i], modules);
  Hasher& outcome = h.outcome;
  for (const MacView& v : r.mac_after_step) {
    outcome.add(v.link);
    outcome.add(v.speed);
    outcome.add(v.duplex);
    outcome.add(v.pause);
    outcome.add(v.asym_pause);
    outcome.add(v.carrier);
    outcome.add(v.internal);
    outcome.add(v.autoneg);
    outcome.add(v.ethtool_speed);
    outcome.add(v.ethtool_duplex);
    outcome.add(v.supported);
    outcome.add(v.advertising);
    outcome.add(v.lp_advertising);
    for (const auto* bits : {&v.supported_bits, &v.advertising_bits, &v.lp_advertising_bits}) {
      outcome.add((*bits)[0]);
      outcome.add((*bits)[1]);
    }
    for (const auto& [name, field] : kMacViewNumbers) outcome.add(v.*field);
  }
  outcome.add(r.stop.value_or(std::string{}));
  return {h.mdio.value(), h.events.value(), outcome.value()};
}

std::uint64_t level_digest(const RunResult& r, Level level) {
  return digests(r)[static_cast<std::size_t>(level) - 1];
}

namespace {

// ASCII classes, as the regular expressions of the test's oracle have them
// (and not the locale's).
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '_'; }
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_symbol_start(char c) { return is_alpha(c) || c == '_' || c == '$'; }
bool is_symbol_char(char c) { return is_word(c) || c == '.' || c == '$'; }

// Whether `what` is in `s` at `i`. Compared a character at a time: these
// run at most positions of every log line of every run, and a memcmp() is
// seen by libFuzzer's hook in a fuzz target.
bool has_at(std::string_view s, std::size_t i, std::string_view what) {
  if (i > s.size() || s.size() - i < what.size()) return false;
  for (std::size_t k = 0; k < what.size(); ++k)
    if (s[i + k] != what[k]) return false;
  return true;
}

// Hex digits from `i`, at least one; where they end, or npos.
std::size_t hex_run(std::string_view s, std::size_t i) {
  const std::size_t from = i;
  while (i < s.size() && is_lower_hex(s[i])) ++i;
  return i > from ? i : std::string_view::npos;
}

// The length of a pointer as the kernel prints one that starts at `i`, or 0:
// a symbol with its offset as %pS prints it (func+0x1c/0x80), or a full-width
// pointer (16 hex digits, optionally after 0x) that is a word of its own and
// an address of this process: 0x0000100000000000 to 0x00007fffffffffff,
// where x86-64 Linux maps a program, its libraries and the arenas (the
// kernel side runs with no_hash_pointers, so %p prints addresses too; refdrv
// is a position-independent executable, Debian's default, so the C++
// driver's functions are up there too). Any
// other 16 digits are a value and compared as printed (a register printed
// %016x, a 16-digit counter: made "<pointer>" until 2026-12-07).
std::size_t pointer_at(std::string_view s, std::size_t i) {
  if (is_symbol_start(s[i])) {
    std::size_t j = i + 1;
    while (j < s.size() && is_symbol_char(s[j])) ++j;
    if (has_at(s, j, "+0x")) {
      if (std::size_t k = hex_run(s, j + 3); k != std::string_view::npos && has_at(s, k, "/0x"))
        if (std::size_t end = hex_run(s, k + 3); end != std::string_view::npos) return end - i;
    }
  }
  if (i > 0 && is_word(s[i - 1])) return 0;  // not at the start of a word
  for (std::size_t digits_from : {i + 2, i}) {
    if (digits_from == i + 2 && !has_at(s, i, "0x")) continue;
    std::size_t j = digits_from;
    while (j < s.size() && j < digits_from + 16 && is_lower_hex(s[j])) ++j;
    if (j != digits_from + 16 || (j < s.size() && is_word(s[j]))) continue;
    if (has_at(s, digits_from, "0000") && s[digits_from + 4] >= '1' && s[digits_from + 4] <= '7') return j - i;
  }
  return 0;
}

// `line` with every whole-word occurrence of `word` replaced by `by`.
std::string replace_word(std::string_view line, std::string_view word, std::string_view by) {
  if (word.empty()) return std::string(line);
  std::string out;
  out.reserve(line.size());
  std::size_t i = 0;
  while (i < line.size()) {
    // Compared only where a word begins with the word's first letter.
    const bool starts = line[i] == word[0] && (i == 0 || !is_word(line[i - 1])) && has_at(line, i, word) &&
                        (i + word.size() == line.size() || !is_word(line[i + word.size()]));
    if (starts) {
      out += by;
      i += word.size();
    } else {
      out += line[i++];
    }
  }
  return out;
}

}  // namespace

// Written out rather than as std::regex (the test keeps the regular
// expressions as its oracle): every log line of every run is normalised for
// the digests, and libstdc++'s regex was a third of a fuzz input's time.
std::string normalized_log_line(std::string line, const std::vector<std::string>& modules) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size();) {
    if (const std::size_t n = pointer_at(line, i)) {
      out += "<pointer>";
      i += n;
    } else {
      out += line[i++];
    }
  }
  for (const auto& m : modules) out = replace_word(out, m, "<module>");
  return out;
}

std::optional<Divergence> compare_at(const Scenario& sc, const RunResult& a, const RunResult& b, Level level,
                                     const CompareOptions& opt) {
  const bool sampled = !a.states_sampled.empty() || !b.states_sampled.empty();
  const auto pa = project(a, level, opt, sampled);
  const auto pb = project(b, level, opt, sampled);
  const std::size_t n = std::min(pa.size(), pb.size());
  std::size_t i = 0;
  while (i < n && pa[i].key == pb[i].key) ++i;
  if (i == pa.size() && i == pb.size()) return std::nullopt;
  Divergence d;
  d.level = level;
  d.index = i;
  d.a = i < pa.size() ? pa[i].key : "(nothing more)";
  d.b = i < pb.size() ? pb[i].key : "(nothing more)";
  const std::size_t ea = i < pa.size() ? pa[i].event : (a.trace.size() ? a.trace.size() - 1 : 0);
  const std::size_t eb = i < pb.size() ? pb[i].event : (b.trace.size() ? b.trace.size() - 1 : 0);
  const auto step = step_of(i < pa.size() ? a : b, i < pa.size() ? ea : eb);
  d.step = step.value_or(0);  // the reproducer keeps at least the first step
  if (step && d.step < sc.steps.size()) {
    d.step_name = step_name(sc.steps[d.step].kind);
    d.where = sc.steps[d.step].where.str();
  } else {
    d.step_name = "(bus registration)";
    d.where = sc.file;
  }
  d.event_a = i < pa.size() ? pa[i].event : a.trace.size();
  d.event_b = i < pb.size() ? pb[i].event : b.trace.size();
  d.context_a = context(a, ea);
  d.context_b = context(b, eb);
  return d;
}

std::optional<Divergence> compare(const Scenario& sc, const RunResult& a, const RunResult& b,
                                  const CompareOptions& opt) {
  for (Level l : {Level::kMdio, Level::kEvents, Level::kOutcome})
    if (auto d = compare_at(sc, a, b, l, opt)) return d;
  return std::nullopt;
}

std::vector<AlignedRow> align(std::span<const std::string> a, std::span<const std::string> b, std::size_t max_rows) {
  using Kind = AlignedRow::Kind;
  std::vector<AlignedRow> rows;
  // Windows of at most kWindow entries a side: the LCS table is (kWindow+1)^2
  // 16-bit cells (4.5 MB). Half of each window is kept before realigning, so
  // a row is never decided by the window's cut.
  constexpr std::size_t kWindow = 1500;
  std::size_t i = 0, j = 0;
  std::vector<std::uint16_t> lcs;
  while (rows.size() < max_rows && (i < a.size() || j < b.size())) {
    const std::size_t n = std::min(kWindow, a.size() - i), m = std::min(kWindow, b.size() - j);
    const bool last = i + n == a.size() && j + m == b.size();
    // lcs[x][y]: the LCS length of a[i+x..i+n) and b[j+y..j+m).
    lcs.assign((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t x, std::size_t y) -> std::uint16_t& { return lcs[x * (m + 1) + y]; };
    for (std::size_t x = n; x-- > 0;)
      for (std::size_t y = m; y-- > 0;)
        at(x, y) = a[i + x] == b[j + y] ? static_cast<std::uint16_t>(at(x + 1, y + 1) + 1)
                                        : std::max(at(x + 1, y), at(x, y + 1));
    const std::size_t keep_a = last ? n : std::max<std::size_t>(1, n / 2);
    const std::size_t keep_b = last ? m : std::max<std::size_t>(1, m / 2);
    std::size_t x = 0, y = 0;
    std::vector<std::size_t> left, right;  // a run of differences
    auto flush = [&] {
      std::size_t k = 0;
      for (; k < left.size() && k < right.size(); ++k) rows.push_back({Kind::kChanged, left[k], right[k]});
      for (std::size_t l = k; l < left.size(); ++l) rows.push_back({Kind::kLeftOnly, left[l], 0});
      for (std::size_t r = k; r < right.size(); ++r) rows.push_back({Kind::kRightOnly, 0, right[r]});
      left.clear();
      right.clear();
    };
    while ((x < keep_a || y < keep_b) && (x < n || y < m)) {
      if (x < n && y < m && a[i + x] == b[j + y]) {
        flush();
        rows.push_back({Kind::kSame, i + x, j + y});
        ++x, ++y;
      } else if (y == m || (x < n && at(x + 1, y) >= at(x, y + 1))) {
        left.push_back(i + x++);
      } else {
        right.push_back(j + y++);
      }
    }
    flush();
    i += x;
    j += y;
  }
  if (rows.size() > max_rows) rows.resize(max_rows);
  return rows;
}

std::optional<std::size_t> shortest_diverging_prefix(const Scenario& sc, const Divergence& first,
                                                     const std::function<RunResult(Impl, std::size_t)>& run, Impl a,
                                                     Impl b, const CompareOptions& opt) {
  // Runs are cheap (milliseconds): try prefixes from the shortest. A
  // prefix counts only where its runs differ as the whole scenario's do:
  // at the same entry, between the same two. One cut before the
  // divergence's step can differ elsewhere, only because it ends there (the
  // run of one implementation cut in the middle of what the other still
  // does), and its reproducer showed another divergence than the one
  // reported.
  for (std::size_t k = 0; k <= sc.steps.size(); ++k) {
    const RunResult ra = run(a, k);
    const RunResult rb = run(b, k);
    if (const auto d = compare_at(sc, ra, rb, first.level, opt);
        d && d->index == first.index && d->a == first.a && d->b == first.b && d->step == first.step)
      return k;
  }
  return std::nullopt;
}

}  // namespace refdrv
