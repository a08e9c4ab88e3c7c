// SPDX-License-Identifier: GPL-2.0
#include "engine/scenario.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string_view>

#include "host/kernel_image.hpp"
#include "hw/catalog.hpp"
#include "hw/clause45.hpp"
#include "hw/regdump.hpp"
#include "refdrv_abi.h"

namespace refdrv {

std::string SourceLocation::str() const { return fmt::format("{}:{}:{}", file, line, column); }

namespace {

// timing:'s keys and the member of hw::ModelTiming each gives (the parser
// reads them, scenario_to_yaml() writes them).
constexpr std::array<std::pair<const char*, std::optional<hw::Nanos> hw::ModelTiming::*>, 4> kTimingKeys = {{
    {"reset", &hw::ModelTiming::reset},
    {"autoneg", &hw::ModelTiming::autoneg},
    {"parallel-detect", &hw::ModelTiming::parallel_detect},
    {"forced-link", &hw::ModelTiming::forced_link},
}};

// The code point of well-formed UTF-8 at `i` (RFC 3629: no overlong form,
// no surrogate, nothing above U+10FFFF), and `i` moved past it; nullopt if
// the bytes there are not UTF-8.
std::optional<std::uint32_t> utf8_code_point(std::string_view s, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t more = 0;
  std::uint32_t cp = 0;
  if ((lead & 0xe0) == 0xc0) {
    more = 1;
    cp = lead & 0x1fu;
  } else if ((lead & 0xf0) == 0xe0) {
    more = 2;
    cp = lead & 0x0fu;
  } else if ((lead & 0xf8) == 0xf0) {
    more = 3;
    cp = lead & 0x07u;
  } else {
    return std::nullopt;
  }
  if (s.size() - i - 1 < more) return std::nullopt;
  for (std::size_t k = 1; k <= more; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3fu);
  }
  static constexpr std::array<std::uint32_t, 4> kSmallest = {0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
  i += more + 1;
  return cp;
}

struct StepName {
  Step::Kind kind;
  const char* name;
  bool operation;  // runs kernel-side code, and has a return value unless void_call names it
  // The kernel function of an operation that returns nothing (no returns:
  // there: it could only check refdrv's own -ENODEV before attach).
  const char* void_call = nullptr;
};

constexpr std::array<StepName, 23> kSteps = {{
    {Step::Kind::kAttach, "attach", true},
    {Step::Kind::kDetach, "detach", true, "phy_disconnect()"},
    {Step::Kind::kStart, "start", true, "phy_start()"},
    {Step::Kind::kStop, "stop", true, "phy_stop()"},
    {Step::Kind::kSuspend, "suspend", true},
    {Step::Kind::kResume, "resume", true},
    {Step::Kind::kInitHw, "init-hw", true},
    {Step::Kind::kStartAneg, "start-aneg", true},
    {Step::Kind::kRestartAneg, "restart-aneg", true},
    {Step::Kind::kGenphySoftReset, "genphy-soft-reset", true},
    {Step::Kind::kEthtool, "ethtool", true},
    {Step::Kind::kMdioRead, "mdio-read", true},
    {Step::Kind::kMdioWrite, "mdio-write", true},
    {Step::Kind::kMiiRead, "mii-read", true},
    {Step::Kind::kMiiWrite, "mii-write", true},
    {Step::Kind::kWait, "wait", false},
    {Step::Kind::kPlug, "plug", false},
    {Step::Kind::kUnplug, "unplug", false},
    {Step::Kind::kFlap, "flap", false},
    {Step::Kind::kPartnerRestartAneg, "partner-restart-aneg", false},
    {Step::Kind::kFault, "fault", false},
    {Step::Kind::kClearFaults, "clear-faults", false},
    {Step::Kind::kExpect, "expect", false},
}};

std::string step_names() {
  std::string out;
  for (const auto& s : kSteps) out += (out.empty() ? "" : ", ") + std::string(s.name);
  return out;
}

// Linux errno names a scenario may use.
constexpr std::array<std::pair<const char*, int>, 15> kErrnos = {{
    {"EPERM", 1}, {"ENOENT", 2}, {"EIO", 5}, {"ENXIO", 6}, {"EAGAIN", 11}, {"ENOMEM", 12}, {"EBUSY", 16},
    {"ENODEV", 19}, {"EINVAL", 22}, {"EFBIG", 27}, {"ENOLINK", 67}, {"EOPNOTSUPP", 95}, {"ETIMEDOUT", 110},
    {"EPROBE_DEFER", 517}, {"ENOTSUPP", 524},
}};

constexpr std::array<std::pair<const char*, std::uint32_t>, 8> kAdvertiseModes = {{
    {"10-half", REFDRV_ADV_10HALF}, {"10-full", REFDRV_ADV_10FULL}, {"100-half", REFDRV_ADV_100HALF},
    {"100-full", REFDRV_ADV_100FULL}, {"1000-half", REFDRV_ADV_1000HALF}, {"1000-full", REFDRV_ADV_1000FULL},
    {"pause", REFDRV_ADV_PAUSE}, {"asym-pause", REFDRV_ADV_ASYM},
}};

// The technologies of the advertise list, as hardware-model modes.
constexpr std::array<std::pair<std::uint32_t, hw::Mode>, 6> kAdvertisedModes = {{
    {REFDRV_ADV_10HALF, hw::Mode::k10Half}, {REFDRV_ADV_10FULL, hw::Mode::k10Full},
    {REFDRV_ADV_100HALF, hw::Mode::k100Half}, {REFDRV_ADV_100FULL, hw::Mode::k100Full},
    {REFDRV_ADV_1000HALF, hw::Mode::k1000Half}, {REFDRV_ADV_1000FULL, hw::Mode::k1000Full},
}};

// A whole decimal or hex (0x) number, or nothing. A leading zero is not
// octal (YAML 1.1 read 010 as 8, YAML 1.2 as 10): such a number is none,
// and the caller says what it takes.
std::optional<long long> parse_number(const std::string& s) {
  // std::stoll skips leading blanks: " 100" is no number here.
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) return std::nullopt;
  const std::size_t digits = s.find_first_not_of("+-");
  if (digits == std::string::npos) return std::nullopt;
  const bool hex = s.compare(digits, 2, "0x") == 0 || s.compare(digits, 2, "0X") == 0;
  if (!hex && s[digits] == '0' && digits + 1 < s.size()) return std::nullopt;
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(s, &used, hex ? 16 : 10);
  } catch (...) {
    return std::nullopt;
  }
  if (used != s.size() || s.empty()) return std::nullopt;
  return v;
}

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  SourceLocation at(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    // An empty value (`partner:` and nothing) has the position of whatever
    // follows it, often the next key's line: its own key's is said instead.
    if (n.IsDefined() && n.IsNull())
      for (const auto& [value, key] : empty_values_)
        if (value.is(n)) {
          m = key;
          break;
        }
    // Nodes without a position (none here but defensive) point at the file start.
    return {file_, m.line < 0 ? 1 : m.line + 1, m.column < 0 ? 1 : m.column + 1};
  }

  [[nodiscard]] std::unexpected<Error> error(const YAML::Node& n, const std::string& what) const {
    return fail(fmt::format("{}: {}", at(n).str(), what));
  }

  // YAML says a map's keys are unique; yaml-cpp keeps a repeated one and
  // node[key] reads the first, so `expect: {link: up, link: down}` checked
  // only `link: up`. Every map of the document, walked once (a bounded
  // number of nodes: aliases can repeat a subtree many times).
  Result<void> unique_keys(const YAML::Node& root) const {
    std::vector<YAML::Node> todo = {root};
    std::size_t visited = 0;
    while (!todo.empty()) {
      const YAML::Node n = todo.back();
      todo.pop_back();
      if (++visited > 1000000) return error(root, "the document has more than a million nodes (aliases?)");
      if (n.IsSequence()) {
        for (const auto& item : n) todo.push_back(item);
      } else if (n.IsMap()) {
        std::map<std::string, YAML::Node> seen;
        for (const auto& kv : n) {
          if (kv.first.IsScalar()) {
            const auto [it, fresh] = seen.emplace(kv.first.Scalar(), kv.first);
            if (!fresh)
              return error(kv.first, fmt::format("duplicate key '{}' (first at {}:{}): a key appears once in a map",
                                                 kv.first.Scalar(), at(it->second).line, at(it->second).column));
          }
          if (kv.second.IsNull()) empty_values_.emplace_back(kv.second, kv.first.Mark());
          todo.push_back(kv.second);
        }
      }
    }
    return {};
  }

  Result<std::string> str(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return error(n, fmt::format("{} must be a string", what));
    return n.Scalar();
  }

  // Free text that reports print: a name, a tag, a file name, a driver's
  // name is one line (KTAP prints it after "ok N"); a description may span
  // lines. It must be UTF-8, and control characters (a stray carriage
  // return; C1 controls such as NEL and the line and paragraph separators,
  // which YAML also reads as line breaks) are refused: YAML writers leave
  // some of them unquoted or rewrite them, so they would not read back the
  // same.
  Result<std::string> text(const YAML::Node& n, const std::string& what, bool lines = false) const {
    auto s = str(n, what);
    if (!s) return s;
    const std::string_view v = *s;
    for (std::size_t i = 0; i < v.size();) {
      const auto cp = utf8_code_point(v, i);
      if (!cp) return error(n, fmt::format("{} is not UTF-8 (byte {} of it)", what, i + 1));
      const bool allowed_break = lines && (*cp == '\n' || *cp == '\t');
      if ((*cp < 0x20 || (*cp >= 0x7f && *cp <= 0x9f) || *cp == 0x2028 || *cp == 0x2029) && !allowed_break)
        return error(n, fmt::format("{} contains the control character U+{:04X}{}", what, *cp,
                                    lines ? "" : " (it must be one line of printable text)"));
    }
    return s;
  }

  Result<long long> integer(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return error(n, fmt::format("{} must be a number", what));
    const std::string s = n.Scalar();
    const auto v = parse_number(s);
    if (!v) {
      // YAML 1.1 read a leading zero as octal, YAML 1.2 as decimal.
      const std::size_t first = s.find_first_not_of("+-");
      if (first != std::string::npos && s[first] == '0' && first + 1 < s.size() &&
          std::isdigit(static_cast<unsigned char>(s[first + 1])))
        return error(n, fmt::format("{} {}: a number with a leading 0 reads as octal in some YAML and as decimal in "
                                    "others; write it without the 0, or in hex (0x...)",
                                    what, s));
      const bool digits = !s.empty() && std::all_of(s.begin() + (s[0] == '-' ? 1 : 0), s.end(),
                                                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (digits && s.size() > (s[0] == '-' ? 1u : 0u))
        return error(n, fmt::format("{} {} is out of range (64-bit)", what, s));
      const bool hex_digits =
          s.size() > 2 && (s.starts_with("0x") || s.starts_with("0X")) &&
          std::all_of(s.begin() + 2, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
      if (hex_digits) return error(n, fmt::format("{} {} is out of range (64-bit)", what, s));
      return error(n, fmt::format("{} must be a number, got '{}'", what, s));
    }
    return *v;
  }

  Result<bool> boolean(const YAML::Node& n, const std::string& what) const {
    bool b = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b))
      return error(n, fmt::format("{} must be on/off (or true/false)", what));
    return b;
  }

  Result<std::uint64_t> duration(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return error(n, fmt::format("{} must be a duration like 200ms or 1.5s", what));
    auto d = parse_duration(n.Scalar());
    if (!d && duration_ns(n.Scalar()))
      return error(n, fmt::format("{}: '{}' is too long (a duration is at most {:.0f} s, and a scenario's waits "
                                  "add up to {} s at the most)",
                                  what, n.Scalar(), kMaxDurationNs / 1e9, kMaxVirtualSeconds));
    if (!d)
      return error(n, fmt::format("{} must be a duration like 200ms or 1.5s (units: ns, us, ms, s, min), got '{}'",
                                  what, n.Scalar()));
    return *d;
  }

  Result<unsigned> reg(const YAML::Node& n) const {
    if (n.IsScalar()) {
      for (unsigned r = 0; r < 16; ++r)
        if (hw::register_name(r) == n.Scalar()) return r;
      // A Clause-45 register as MMD.register: "1.0xd001" (45.2).
      const std::string t = n.Scalar();
      if (const auto dot = t.find('.'); dot != std::string::npos && dot > 0) {
        const std::string dev_part = t.substr(0, dot), reg_part = t.substr(dot + 1);
        const auto unsigned_number = [](const std::string& part) {  // no sign: "-0.+1" is no register
          return !part.empty() && std::isdigit(static_cast<unsigned char>(part.front())) ? parse_number(part)
                                                                                         : std::nullopt;
        };
        const auto devad = unsigned_number(dev_part);
        const auto r = unsigned_number(reg_part);
        if (devad && r && *devad >= 0 && *devad < 32 && *r >= 0 && *r <= 0xffff)
          return hw::c45::encode(static_cast<unsigned>(*devad), static_cast<unsigned>(*r));
        return error(n, fmt::format("expected a Clause-45 register as MMD.register (1.0xd001: MMD 0-31, register "
                                    "0-0xffff), got '{}'",
                                    t));
      }
    }
    auto v = integer(n, "a register");
    if (!v || *v < 0 || *v > 31)
      return error(n, fmt::format("expected a Clause-22 register (BMCR, BMSR, ..., or 0-31) or a Clause-45 one "
                                  "(MMD.register, e.g. 1.0xd001), got '{}'",
                                  n.IsScalar() ? n.Scalar() : "?"));
    return static_cast<unsigned>(*v);
  }

  Result<int> errno_value(const YAML::Node& n) const {
    if (n.IsScalar()) {
      const std::string s = n.Scalar();
      if (s == "0" || s == "ok") return 0;
      for (const auto& [name, v] : kErrnos)
        if (s == name || s == std::string("-") + name) return -v;
    }
    auto v = integer(n, "returns");
    if (!v || *v > 0 || *v < -4095) {
      std::string names;
      for (const auto& [name, v2] : kErrnos) names += (names.empty() ? "" : ", ") + std::string(name);
      return error(n, fmt::format("returns must be 0, ok, an errno as a negative number (-1 to -4095) or an errno name "
                                  "({})",
                                  names));
    }
    return static_cast<int>(*v);
  }

  Result<void> check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                          const std::string& what) const {
    return check_keys(map, std::span<const char* const>(allowed.begin(), allowed.size()), what);
  }
  Result<void> check_keys(const YAML::Node& map, std::span<const char* const> allowed, const std::string& what) const {
    for (const auto& kv : map) {
      if (!kv.first.IsScalar())
        return error(kv.first, fmt::format("a key in {} must be a name, not {}", what,
                                           kv.first.IsNull()  ? "null"
                                           : kv.first.IsMap() ? "a map"
                                                              : "a list"));
      const std::string key = kv.first.Scalar();
      if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }) != allowed.end())
        continue;
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return error(kv.first, fmt::format("unknown key '{}' in {} (expected one of: {})", key, what, list));
    }
    return {};
  }

  // The link modes of an expectation: like an advertise list, or none.
  Result<std::uint32_t> link_modes(const YAML::Node& n, const char* key) const {
    if (!n.IsSequence())
      return error(n, fmt::format("{} must be a list like [10-half, 100-full, pause], or none", key));
    std::uint32_t bits = 0;
    for (const auto& item : n) {
      auto s = str(item, "a link mode");
      if (!s) return std::unexpected(s.error());
      auto bit = link_mode_bit(*s);
      if (!bit)
        return error(item, fmt::format("unknown link mode '{}' (10-half, 10-full, 100-half, 100-full, 1000-half, "
                                       "1000-full, pause, asym-pause, 10gbase-r)",
                                       *s));
      bits |= *bit;
    }
    return bits;
  }

  Result<std::uint32_t> advertise(const YAML::Node& n) const {
    if (!n.IsSequence()) return error(n, "advertise must be a list like [10-half, 100-full, pause]");
    std::uint32_t bits = 0;
    for (const auto& item : n) {
      auto s = str(item, "an advertised mode");
      if (!s) return std::unexpected(s.error());
      auto it = std::find_if(kAdvertiseModes.begin(), kAdvertiseModes.end(), [&](const auto& m) { return *s == m.first; });
      if (it == kAdvertiseModes.end())
        return error(item, fmt::format("unknown mode '{}' (10-half, 10-full, 100-half, 100-full, 1000-half, "
                                       "1000-full, pause, asym-pause)",
                                       *s));
      bits |= it->second;
    }
    return bits;
  }

  // A link partner: a profile's name, or inline (IEEE 802.3 Clause 28): what
  // it advertises when it negotiates, or the one speed and duplex it runs
  // when it does not (the local PHY then parallel-detects it, 28.2.3.1).
  Result<hw::PartnerProfile> partner(const YAML::Node& n, const std::string& what) const {
    const char* form = "a profile name (refdrv models lists them) or a map: {advertise: [10-half, pause]} or "
                       "{autoneg: false, speed: 100, duplex: full}";
    if (n.IsScalar()) {
      if (auto p = hw::find_partner(n.Scalar())) return *p;
      if (n.Scalar() == "none" && what != "partner")  // `partner: none` is no cable at the start
        return error(
            n, fmt::format("{}: 'none' is no partner to plug in; to pull the cable, write the step unplug", what));
      return error(n, fmt::format("{}unknown partner '{}' ({})", what == "partner" ? "" : what + ": ", n.Scalar(), form));
    }
    if (!n.IsMap()) return error(n, fmt::format("{} must be {}", what, form));
    if (auto r = check_keys(n, {"autoneg", "advertise", "speed", "duplex", "phy-id", "legacy-an", "remote-fault"},
                            "a link partner");
        !r)
      return std::unexpected(r.error());
    bool negotiates = true;
    if (n["autoneg"]) {
      auto b = boolean(n["autoneg"], "autoneg");
      if (!b) return std::unexpected(b.error());
      negotiates = *b;
    }
    hw::ModeSet abilities;
    hw::Mode forced = hw::Mode::k100Full;
    bool pause = false, asym = false, legacy = false, rfault = false;
    if (negotiates) {
      if (!n["advertise"])
        return error(n, "a negotiating partner needs advertise: [...] (or autoneg: false with speed and duplex)");
      for (const char* key : {"speed", "duplex"})
        if (n[key])
          return error(n[key], fmt::format("{} goes with autoneg: false; a negotiating partner says what it "
                                           "advertises",
                                           key));
      auto bits = advertise(n["advertise"]);
      if (!bits) return std::unexpected(bits.error());
      for (const auto& [bit, mode] : kAdvertisedModes)
        if (*bits & bit) abilities.add(mode);
      if (abilities.empty())
        return error(n["advertise"], "a partner must advertise at least one technology (10-half ... 1000-full)");
      forced = *abilities.highest();
      pause = (*bits & REFDRV_ADV_PAUSE) != 0;
      asym = (*bits & REFDRV_ADV_ASYM) != 0;
      for (auto [key, out] : {std::pair{"legacy-an", &legacy}, std::pair{"remote-fault", &rfault}}) {
        if (!n[key]) continue;
        auto b = boolean(n[key], key);
        if (!b) return std::unexpected(b.error());
        *out = *b;
      }
    } else {
      for (const char* key : {"advertise", "legacy-an", "remote-fault"})
        if (n[key])
          return error(n[key], fmt::format("{} goes with a negotiating partner; with autoneg: false it sends no "
                                           "link code words, only its one speed and duplex",
                                           key));
      if (!n["speed"] || !n["duplex"]) return error(n, "autoneg: false needs speed (10 or 100) and duplex (half or full)");
      auto v = integer(n["speed"], "speed");
      if (!v) return std::unexpected(v.error());
      if (*v == 1000)
        return error(n["speed"], "1000BASE-T cannot run without auto-negotiation (IEEE 802.3 40.5.1), so a "
                                 "forced partner runs 10 or 100");
      if (*v != 10 && *v != 100) return error(n["speed"], "speed must be 10 or 100");
      auto d = str(n["duplex"], "duplex");
      if (!d || (*d != "half" && *d != "full")) return error(n["duplex"], "duplex must be half or full");
      forced = *hw::mode_from(static_cast<int>(*v), *d == "full");
      abilities = hw::ModeSet{forced};
    }
    std::optional<std::uint32_t> phy_id;
    if (n["phy-id"]) {
      auto v = integer(n["phy-id"], "phy-id");
      if (!v) return std::unexpected(v.error());
      if (*v < 0 || *v > 0xffffffffLL) return error(n["phy-id"], "phy-id must be a 32-bit PHY identifier");
      phy_id = static_cast<std::uint32_t>(*v);
    }
    return inline_partner(negotiates, abilities, forced, pause, asym, legacy, rfault, phy_id);
  }

  Result<EthtoolSettings> ethtool(const YAML::Node& n) const {
    if (!n.IsMap()) return error(n, "ethtool takes a map: {autoneg: on|off, speed: 10|100|1000, duplex: half|full, "
                                    "advertise: [...]}");
    if (auto r = check_keys(n, {"autoneg", "speed", "duplex", "advertise", "returns"}, "ethtool"); !r)
      return std::unexpected(r.error());
    EthtoolSettings e;
    if (n["autoneg"]) {
      auto b = boolean(n["autoneg"], "autoneg");
      if (!b) return std::unexpected(b.error());
      e.autoneg = *b;
    }
    if (n["speed"]) {
      auto v = integer(n["speed"], "speed");
      if (!v) return std::unexpected(v.error());
      if ((*v != 10 && *v != 100 && *v != 1000)) return error(n["speed"], "speed must be 10, 100 or 1000");
      e.speed = static_cast<int>(*v);
    }
    if (n["duplex"]) {
      auto d = str(n["duplex"], "duplex");
      if (!d || (*d != "half" && *d != "full")) return error(n["duplex"], "duplex must be half or full");
      e.full_duplex = *d == "full";
    }
    if (n["advertise"]) {
      auto a = advertise(n["advertise"]);
      if (!a) return std::unexpected(a.error());
      e.advertise = *a;
    }
    if (e.autoneg && !*e.autoneg && (!e.speed || !e.full_duplex))
      return error(n, "autoneg: off needs speed and duplex");
    return e;
  }

  // timing: {reset: 80ms, autoneg: 2s, parallel-detect: 1s, forced-link: 200ms}
  Result<hw::ModelTiming> timing(const YAML::Node& n, const std::vector<std::string>& models) const {
    if (!n.IsMap() || n.size() == 0)
      return error(n, "timing takes a map of durations: {reset: 80ms, autoneg: 2s, parallel-detect: 1s, "
                      "forced-link: 200ms}");
    std::vector<const char*> keys;
    for (const auto& entry : kTimingKeys) keys.push_back(entry.first);
    if (auto r = check_keys(n, keys, "timing"); !r) return std::unexpected(r.error());
    for (const auto& m : models)
      if (auto spec = hw::find_phy_model(m); !spec || !spec->clause22)
        return error(n, fmt::format("timing gives a Clause-22 model its times, and model {} is none", m));
    hw::ModelTiming t;
    for (const auto& [key, field] : kTimingKeys) {
      if (!n[key]) continue;
      auto d = duration(n[key], key);
      if (!d) return std::unexpected(d.error());
      // More than nothing (a reset that takes no time is the model's
      // default of 2 ms, not 0), at most a minute of virtual time.
      if (*d == 0 || *d > 60'000'000'000ULL)
        return error(n[key], fmt::format("{} must be more than 0 and at most 60s, got '{}'", key, n[key].Scalar()));
      t.*field = *d;
    }
    return t;
  }

  Result<hw::FaultRule> fault(const YAML::Node& n) const {
    if (!n.IsMap())
      return error(n, "fault takes a map: {kind: error|read-error|write-error|timeout|bus-absent|stuck-bits|flip-bits, "
                      "register: BMSR, nth: 0 | access: 12 | probability: 0.1, mask: 0x4, value: 0, delivered: true}");
    if (auto r = check_keys(n, {"kind", "register", "nth", "access", "probability", "mask", "value", "address", "delivered"},
                            "fault");
        !r)
      return std::unexpected(r.error());
    hw::FaultRule f;
    if (!n["kind"]) return error(n, "fault needs a kind");
    auto kind = str(n["kind"], "kind");
    if (!kind) return std::unexpected(kind.error());
    auto k = hw::fault_kind_from(*kind);
    if (!k)
      return error(n["kind"], fmt::format("unknown fault kind '{}' (error, read-error, write-error, timeout, bus-absent, "
                                          "stuck-bits, flip-bits)",
                                          *kind));
    f.kind = *k;
    const int triggers = (n["register"] ? 1 : 0) + (n["access"] ? 1 : 0) + (n["probability"] ? 1 : 0);
    if (triggers != 1) return error(n, "a fault needs exactly one trigger: register (with nth), access or probability");
    if (n["register"]) {
      auto r = reg(n["register"]);
      if (!r) return std::unexpected(r.error());
      f.trigger = hw::FaultTrigger::kRegister;
      f.reg = *r;
      if (n["nth"]) {
        auto v = integer(n["nth"], "nth");
        if (!v) return std::unexpected(v.error());  // says what it is (too large, not a number)
        if (*v < 0) return error(n["nth"], "nth must be 0 or more (the nth access to that register from now)");
        f.nth = *v;
      }
    } else if (n["access"]) {
      auto v = integer(n["access"], "access");
      if (!v) return std::unexpected(v.error());
      if (*v < 0) return error(n["access"], "access must be the 0-based index of an MDIO access");
      f.trigger = hw::FaultTrigger::kAccessIndex;
      f.index = static_cast<std::uint64_t>(*v);
    } else {
      double p = -1;
      try {
        p = n["probability"].as<double>();
      } catch (...) {
      }
      // (NaN compares false both ways: refused by saying what is wanted.)
      if (!(p > 0 && p <= 1))
        return error(n["probability"], "probability must be more than 0 and at most 1 (a rule of 0 never acts)");
      f.trigger = hw::FaultTrigger::kProbability;
      f.probability = p;
    }
    if (n["nth"] && !n["register"]) return error(n["nth"], "nth goes with register");
    if (n["mask"]) {
      auto v = integer(n["mask"], "mask");
      if (!v) return std::unexpected(v.error());
      if (*v < 0 || *v > 0xffff) return error(n["mask"], "mask must be a 16-bit value");
      f.mask = static_cast<std::uint16_t>(*v);
    }
    if (n["value"]) {
      auto v = integer(n["value"], "value");
      if (!v) return std::unexpected(v.error());
      if (*v < 0 || *v > 0xffff) return error(n["value"], "value must be a 16-bit value");
      f.value = static_cast<std::uint16_t>(*v);
    }
    const bool bits = f.kind == hw::FaultKind::kStuckBits || f.kind == hw::FaultKind::kFlipBits;
    if (bits && !n["mask"]) return error(n, fmt::format("{} needs a mask", *kind));
    // What the kind does not read is refused, not dropped (nor left out
    // when the scenario is written back).
    if (!bits && n["mask"]) return error(n["mask"], fmt::format("mask goes with stuck-bits and flip-bits, not {}", *kind));
    if (f.kind != hw::FaultKind::kStuckBits && n["value"])
      return error(n["value"], fmt::format("value goes with stuck-bits, not {}", *kind));
    if (bits && f.mask == 0) return error(n["mask"], fmt::format("{} with mask 0 changes no bit", *kind));
    if (f.kind == hw::FaultKind::kStuckBits && (f.value & ~f.mask))
      return error(n["value"], fmt::format("value 0x{:04x} has bits outside mask 0x{:04x}: stuck-bits sets only the "
                                           "bits of its mask, so those could never show",
                                           f.value, f.mask));
    if (n["address"]) {
      auto v = integer(n["address"], "address");
      if (!v) return std::unexpected(v.error());
      if (*v < 0 || *v > 31) return error(n["address"], "address must be an MDIO address (0-31)");
      f.addr = static_cast<int>(*v);
    }
    if (n["delivered"]) {
      auto b = boolean(n["delivered"], "delivered");
      if (!b) return std::unexpected(b.error());
      if (*b && !hw::fails_with_errno(f.kind))
        return error(n["delivered"], fmt::format("delivered goes with error, read-error, write-error and timeout, not "
                                                 "{} (it says the access reached the device before the error)",
                                                 *kind));
      f.delivered = *b;
    }
    return f;
  }

  // A fault on accesses to a register no frame on a model's bus can
  // address never fires there: a Clause-22 register where the MAC does only
  // Clause-45 frames (the QT2025), a Clause-45 one where it does only
  // Clause-22 frames (an MMD reached through registers 13/14 is a Clause-22
  // access of those). The run would pass "with the fault" it never saw.
  Result<void> reachable(const hw::FaultRule& rule, const std::vector<std::string>& models, const YAML::Node& at,
                         const std::string& what) const {
    if (rule.trigger != hw::FaultTrigger::kRegister) return {};
    const bool c45 = hw::c45::is_c45(rule.reg);
    for (const auto& m : models) {
      const hw::ModelInfo* mi = hw::find_model(m);
      if (!mi || (c45 ? mi->clause45 : mi->clause22)) continue;
      return error(
          at, fmt::format("{}: register {} is a Clause-{} register, and on model {} the MAC makes only "
                          "Clause-{} frames{}: the fault would never fire",
                          what, hw::register_name(rule.reg), c45 ? 45 : 22, m, c45 ? 22 : 45,
                          c45 ? " (an MMD it reaches through registers 13/14 is a Clause-22 access of those)" : ""));
    }
    return {};
  }

  // The node at `path` under `n` (map keys), or the deepest one on the way
  // that exists: where an error about what the path names is said.
  static YAML::Node node_at(const YAML::Node& n, std::initializer_list<const char*> path) {
    // reset(), not =: yaml-cpp's assignment writes the other node's value
    // into the one `at` refers to, in the document.
    YAML::Node at;
    at.reset(n);
    for (const char* key : path) {
      const YAML::Node& here = at;
      if (!here.IsMap() || !here[key]) break;
      at.reset(here[key]);
    }
    return at;
  }

  // The entry of a list of names that is `name`, or the list.
  static YAML::Node entry_of(const YAML::Node& list, const std::string& name) {
    if (list.IsSequence())
      for (const auto& e : list)
        if (e.IsScalar() && e.Scalar() == name) return e;
    return list;
  }

  // The key of a registers map that names `reg`, or the map.
  YAML::Node register_key(const YAML::Node& regs, unsigned reg_address) const {
    if (regs.IsMap())
      for (const auto& kv : regs)
        if (auto r = this->reg(kv.first); r && *r == reg_address) return kv.first;
    return regs;
  }

  // expect: registers: {BMCR: 0x3100} or {BMCR: {mask: 0x800, value: 0x800}}.
  Result<std::vector<RegisterExpectation>> registers(const YAML::Node& regs) const {
    std::vector<RegisterExpectation> out;
    if (!regs.IsMap() || regs.size() == 0)
      return error(regs, "registers takes a map: {BMCR: 0x3100} or {BMCR: {mask: 0x800, value: 0x800}}");
    std::map<unsigned, YAML::Node> named;  // each register once, however it is written (BMCR, 0)
    for (const auto& kv : regs) {
      auto r = reg(kv.first);
      if (!r) return std::unexpected(r.error());
      if (const auto [it, fresh] = named.emplace(*r, kv.first); !fresh)
        return error(kv.first, fmt::format("'{}' is the register '{}' names (line {}, column {}): give each register "
                                           "once",
                                           kv.first.Scalar(), it->second.Scalar(), it->second.Mark().line + 1,
                                           it->second.Mark().column + 1));
      RegisterExpectation re;
      re.reg = *r;
      if (kv.second.IsMap()) {
        if (auto c = check_keys(kv.second, {"mask", "value"}, "a register expectation"); !c)
          return std::unexpected(c.error());
        if (!kv.second["mask"] || !kv.second["value"])
          return error(kv.second, "a register expectation as a map needs both mask and value: {mask: 0x800, value: 0x800}");
        auto m = integer(kv.second["mask"], "mask");
        auto v = integer(kv.second["value"], "value");
        if (!m) return std::unexpected(m.error());
        if (!v) return std::unexpected(v.error());
        if (*m < 0 || *m > 0xffff || *v < 0 || *v > 0xffff)
          return error(kv.second, "mask and value must be 16-bit values");
        if (*m == 0) return error(kv.second["mask"], "mask 0 checks no bit: name the bits to compare");
        if ((*v & ~*m) != 0)
          return error(kv.second["value"], fmt::format("value {:#06x} has bits outside mask {:#06x}: it can never match",
                                                       *v, *m));
        re.mask = static_cast<std::uint16_t>(*m);
        re.value = static_cast<std::uint16_t>(*v);
      } else {
        auto v = integer(kv.second, "a register value");
        if (!v) return std::unexpected(v.error());
        if (*v < 0 || *v > 0xffff) return error(kv.second, "a register value must be a 16-bit value");
        re.value = static_cast<std::uint16_t>(*v);
      }
      out.push_back(re);
    }
    return out;
  }

  // expect: state: RUNNING, or a list of states any one of which will do.
  Result<std::vector<std::string>> phy_states(const YAML::Node& sn) const {
    static constexpr std::array<const char*, 8> kStates = {"DOWN", "READY", "HALTED", "ERROR", "UP", "RUNNING",
                                                           "NOLINK", "CABLETEST"};
    std::vector<YAML::Node> items;
    if (sn.IsSequence())
      for (const auto& x : sn) items.push_back(x);
    else
      items.push_back(sn);
    // An empty list would check nothing where the file says a state is checked.
    if (items.empty()) return error(sn, "state: [] lists no state: name one (state: RUNNING) or a list of them");
    std::vector<std::string> out;
    for (const auto& x : items) {
      auto s = str(x, "state");
      if (!s || std::find(kStates.begin(), kStates.end(), *s) == kStates.end())
        return error(x, "state must be one of DOWN, READY, HALTED, ERROR, UP, RUNNING, NOLINK, CABLETEST "
                        "(or a list of them: any one will do)");
      if (std::find(out.begin(), out.end(), *s) != out.end())
        return error(x, fmt::format("state {} is listed twice", *s));
      out.push_back(*s);
    }
    return out;
  }

  // expect: returned: {probe: ENODEV}, driver callbacks to what they returned.
  Result<std::map<std::string, int>> returned_values(const YAML::Node& rn) const {
    if (!rn.IsMap() || rn.size() == 0)
      return error(rn, "returned takes a map of driver callbacks to what they returned: {probe: ENODEV}");
    std::map<std::string, int> out;
    for (const auto& kv : rn) {
      auto cb = str(kv.first, "a callback");
      if (!cb) return std::unexpected(cb.error());
      if (!callback_from(*cb))
        return error(kv.first, fmt::format("unknown driver callback '{}' (a phy_driver callback: probe, "
                                           "soft_reset, read_status, ...)",
                                           *cb));
      // phylib calls it from the PHY's interrupt handler alone
      // (phy_interrupt()), and refdrv's PHYs are polled (PHY_POLL): the
      // expectation could only fail, "it never ran", whatever the driver.
      if (*cb == "handle_interrupt")
        return error(kv.first,
                     "handle_interrupt runs only from the PHY's interrupt (phy_interrupt()), and refdrv's "
                     "PHYs are polled (PHY_POLL): it never runs, so what it returned cannot be checked");
      auto v = errno_value(kv.second);
      if (!v) return std::unexpected(v.error());
      out[*cb] = *v;
    }
    return out;
  }

  // mac-link-events: [down, up], what the MAC was told, in order.
  Result<std::vector<bool>> link_events(const YAML::Node& ev) const {
    if (!ev.IsSequence()) return error(ev, "mac-link-events must be a list like [down, up] (or [])");
    std::vector<bool> v;
    for (const auto& x : ev) {
      auto s = str(x, "a link event");
      if (!s || (*s != "up" && *s != "down")) return error(x, "a link event is up or down");
      v.push_back(*s == "up");
    }
    return v;
  }

  // A list of refdrv's model names.
  Result<std::vector<std::string>> model_names(const YAML::Node& list) const {
    std::vector<std::string> out;
    for (const auto& m : list) {
      auto s = str(m, "a model");
      if (!s) return std::unexpected(s.error());
      if (!hw::find_model(*s)) return error(m, fmt::format("unknown model '{}' (refdrv models lists them)", *s));
      if (std::find(out.begin(), out.end(), *s) != out.end())
        return error(m, fmt::format("model {} is listed twice", *s));
      out.push_back(*s);
    }
    return out;
  }

  Result<Expectation> expectation(const YAML::Node& n) const {
    if (!n.IsMap()) return error(n, "expect takes a map, e.g. {link: up, speed: 100, duplex: full, state: RUNNING}");
    if (auto r = check_keys(n, {"link", "speed", "duplex", "state", "carrier", "mac-link", "mac-link-events",
                                "driver", "bound", "powered-down", "registers", "firmware-loaded", "returned",
                                "advertised", "link-partner", "models"},
                            "expect");
        !r)
      return std::unexpected(r.error());
    Expectation e;
    auto updown = [&](const char* key, std::optional<bool>& out) -> Result<void> {
      if (!n[key]) return {};
      auto s = str(n[key], key);
      if (s && (*s == "up" || *s == "down")) {
        out = *s == "up";
        return {};
      }
      auto b = boolean(n[key], key);
      if (!b) return error(n[key], fmt::format("{} must be up or down", key));
      out = *b;
      return {};
    };
    if (auto r = updown("link", e.link); !r) return std::unexpected(r.error());
    if (auto r = updown("carrier", e.carrier); !r) return std::unexpected(r.error());
    if (auto r = updown("mac-link", e.mac_link); !r) return std::unexpected(r.error());
    if (n["mac-link-events"]) {
      auto events = link_events(n["mac-link-events"]);
      if (!events) return std::unexpected(events.error());
      e.mac_link_events = std::move(*events);
    }
    for (auto [key, out] : {std::pair{"advertised", &e.advertising}, std::pair{"link-partner", &e.lp_advertising}}) {
      if (!n[key]) continue;
      if (n[key].IsScalar() && n[key].Scalar() == "none") {
        *out = 0;
        continue;
      }
      auto bits = link_modes(n[key], key);
      if (!bits) return std::unexpected(bits.error());
      *out = *bits;
    }
    if (n["speed"]) {
      if (n["speed"].IsScalar() && n["speed"].Scalar() == "unknown") {
        e.speed = -1;
      } else {
        // What phylib can report: ethtool's SPEED_* values (Mb/s).
        static constexpr long long kSpeeds[] = {10,    100,   1000,   2500,   5000,   10000,  14000, 20000,
                                                25000, 40000, 50000,  56000,  100000, 200000, 400000, 800000};
        auto v = integer(n["speed"], "speed");
        if (!v) return std::unexpected(v.error());
        if (std::find(std::begin(kSpeeds), std::end(kSpeeds), *v) == std::end(kSpeeds))
          return error(n["speed"], fmt::format("speed must be unknown or a speed phylib reports, in Mb/s ({}), not {}",
                                               fmt::join(kSpeeds, ", "), *v));
        e.speed = static_cast<int>(*v);
      }
    }
    if (n["duplex"]) {
      auto d = str(n["duplex"], "duplex");
      if (!d || (*d != "half" && *d != "full" && *d != "unknown"))
        return error(n["duplex"], "duplex must be half, full or unknown");
      e.duplex = *d == "half" ? 0 : *d == "full" ? 1 : 255;
    }
    if (n["state"]) {
      auto states = phy_states(n["state"]);
      if (!states) return std::unexpected(states.error());
      e.states = std::move(*states);
    }
    if (n["driver"]) {
      auto s = text(n["driver"], "driver");
      if (!s) return std::unexpected(s.error());
      e.driver = *s;
    }
    for (auto [key, out] : {std::pair{"bound", &e.bound}, std::pair{"powered-down", &e.powered_down}}) {
      if (!n[key]) continue;
      auto b = boolean(n[key], key);
      if (!b) return std::unexpected(b.error());
      *out = *b;
    }
    if (n["registers"]) {
      auto regs = registers(n["registers"]);
      if (!regs) return std::unexpected(regs.error());
      e.registers = std::move(*regs);
    }
    if (n["firmware-loaded"]) {
      auto b = boolean(n["firmware-loaded"], "firmware-loaded");
      if (!b) return std::unexpected(b.error());
      e.firmware_loaded = *b;
    }
    if (n["returned"]) {
      auto returned = returned_values(n["returned"]);
      if (!returned) return std::unexpected(returned.error());
      e.returned = std::move(*returned);
    }
    if (n["models"]) {
      if (!n["models"].IsSequence()) return error(n["models"], "models must be a list of model names");
      // Empty, it would read as "every model": leaving it out says that.
      if (n["models"].size() == 0)
        return error(n["models"], "models: [] names no model: name the models this expectation is for, or leave "
                                  "models out to check it on every model of the scenario");
      auto models = model_names(n["models"]);
      if (!models) return std::unexpected(models.error());
      e.models = std::move(*models);
    }
    // models: only says where the checks apply; without one, none.
    const bool checks = e.link || e.speed || e.duplex || !e.states.empty() || e.carrier || e.mac_link ||
                        e.advertising || e.lp_advertising || e.mac_link_events || e.driver || e.bound ||
                        e.powered_down || !e.registers.empty() || e.firmware_loaded || !e.returned.empty();
    if (!checks)
      return error(n, "expect checks nothing without a key, e.g. {link: up, speed: 100, duplex: full, state: RUNNING}");
    return e;
  }

  // An ethtool step: the settings, and what phylib must return.
  Result<void> ethtool_step(Step& st, const YAML::Node& arg) const {
    auto e = ethtool(arg);
    if (!e) return std::unexpected(e.error());
    st.ethtool = *e;
    if (arg["returns"]) {
      auto r = errno_value(arg["returns"]);
      if (!r) return std::unexpected(r.error());
      st.returns = *r;
    }
    return {};
  }

  // An MDIO or MII register access step's map: register, address, value
  // (writes only), returns.
  Result<void> register_access(Step& st, const YAML::Node& arg, const std::string& what, bool write) const {
    if (!arg.IsMap()) return error(arg, fmt::format("{} takes a map: {{register: BMSR{}}}", what,
                                                     write ? ", value: 0x1200" : ""));
    if (auto r = check_keys(arg, {"register", "value", "address", "returns"}, what); !r)
      return std::unexpected(r.error());
    if (!arg["register"]) return error(arg, fmt::format("{} needs a register", what));
    auto r = reg(arg["register"]);
    if (!r) return std::unexpected(r.error());
    st.reg = static_cast<int>(*r);
    if (arg["address"]) {
      auto a = integer(arg["address"], "address");
      if (!a) return std::unexpected(a.error());
      if (*a < 0 || *a > 31) return error(arg["address"], "address must be 0-31");
      st.addr = static_cast<int>(*a);
    }
    if (write) {
      if (!arg["value"]) return error(arg, fmt::format("{} needs a value", what));
      auto v = integer(arg["value"], "value");
      if (!v) return std::unexpected(v.error());
      if (*v < 0 || *v > 0xffff) return error(arg["value"], "value must be a 16-bit value");
      st.value = static_cast<int>(*v);
    } else if (arg["value"]) {
      return error(arg["value"], fmt::format("{} takes no value", what));
    }
    if (arg["returns"]) {
      auto rv = integer(arg["returns"], "returns");
      if (!rv) {
        auto e = errno_value(arg["returns"]);
        if (!e) return std::unexpected(e.error());
        st.returns = *e;
      } else if (*rv < -4095 || *rv > (st.kind == Step::Kind::kMdioWrite || st.kind == Step::Kind::kMiiWrite ? 0 : 0xffff)) {
        return error(arg["returns"],
                     st.kind == Step::Kind::kMdioWrite || st.kind == Step::Kind::kMiiWrite
                         ? "returns of a write must be 0 or an errno (-1 to -4095, or its name)"
                         : "returns of a read must be a 16-bit register value or an errno (-1 to -4095, or its name)");
      } else {
        st.returns = static_cast<int>(*rv);
      }
    }
    return {};
  }

  Result<Step> step(const YAML::Node& n, std::size_t index) const {
    Step st;
    st.where = at(n);
    st.source = YAML::Clone(n);
    std::string name;
    YAML::Node arg;
    bool has_arg = false;
    if (n.IsScalar()) {
      name = n.Scalar();
    } else if (n.IsMap() && n.size() == 1) {
      name = n.begin()->first.Scalar();
      arg = n.begin()->second;
      has_arg = !arg.IsNull();
    } else if (n.IsMap() && n.size() > 1) {
      // The argument's keys at the step's own indentation (`- expect:` then
      // `link: up` lined up with `expect`) make one map of several keys.
      std::string keys;
      for (const auto& kv : n) keys += (keys.empty() ? "" : ", ") + (kv.first.IsScalar() ? kv.first.Scalar() : "?");
      return error(n, fmt::format("step {} is a map of {} keys ({}), where a step is one: a step's argument goes "
                                  "after its name (- expect: {{link: up}}) or on the lines below it, indented further "
                                  "than the name",
                                  index + 1, n.size(), keys));
    } else {
      return error(n, fmt::format("step {} must be a name or a one-key map (one of: {})", index + 1, step_names()));
    }
    auto it = std::find_if(kSteps.begin(), kSteps.end(), [&](const StepName& s) { return name == s.name; });
    if (it == kSteps.end())
      return error(n, fmt::format("step {}: unknown step '{}' (expected one of: {}){}", index + 1, name, step_names(),
                                  name.find(" - ") != std::string::npos
                                      ? "; a '- step' indented further than the step above it continues that "
                                        "step's name: line the steps up"
                                      : ""));
    st.kind = it->kind;
    const std::string what = fmt::format("step {} ({})", index + 1, name);
    auto need_arg = [&](const char* form) -> Result<void> {
      if (!has_arg) return error(n, fmt::format("{} needs an argument: {}", what, form));
      return {};
    };
    switch (st.kind) {
      case Step::Kind::kWait:
      case Step::Kind::kFlap: {
        if (auto r = need_arg("a duration like 200ms"); !r) return std::unexpected(r.error());
        auto d = duration(arg, what);
        if (!d) return std::unexpected(d.error());
        st.ns = *d;
        return st;
      }
      case Step::Kind::kPlug: {
        if (auto r = need_arg("a link partner (a profile name or a map)"); !r) return std::unexpected(r.error());
        auto p = partner(arg, what);
        if (!p) return std::unexpected(p.error());
        st.partner = *p;
        return st;
      }
      case Step::Kind::kFault: {
        if (auto r = need_arg("a fault rule"); !r) return std::unexpected(r.error());
        auto f = fault(arg);
        if (!f) return std::unexpected(f.error());
        st.fault = *f;
        return st;
      }
      case Step::Kind::kExpect: {
        if (auto r = need_arg("what to expect"); !r) return std::unexpected(r.error());
        auto e = expectation(arg);
        if (!e) return std::unexpected(e.error());
        st.expect = *e;
        return st;
      }
      case Step::Kind::kEthtool: {
        if (auto r = need_arg("the settings"); !r) return std::unexpected(r.error());
        if (auto r = ethtool_step(st, arg); !r) return std::unexpected(r.error());
        return st;
      }
      case Step::Kind::kMdioRead:
      case Step::Kind::kMdioWrite:
      case Step::Kind::kMiiRead:
      case Step::Kind::kMiiWrite: {
        const bool write = st.kind == Step::Kind::kMdioWrite || st.kind == Step::Kind::kMiiWrite;
        if (auto r = need_arg("{register: BMSR}"); !r) return std::unexpected(r.error());
        if (auto r = register_access(st, arg, what, write); !r) return std::unexpected(r.error());
        return st;
      }
      default:
        break;
    }
    // Operations and wire events without parameters; operations may say
    // what they must return.
    if (has_arg) {
      // phy_start(), phy_stop() and phy_disconnect() return nothing: a
      // returns: there could only check refdrv's own -ENODEV before attach
      // (a review, 2026-12-07: five scenarios checked that and called it the
      // PHY never starting).
      if (it->void_call)
        return error(
            arg, fmt::format("{} takes no argument: it runs {}, which returns nothing to check", what, it->void_call));
      if (!it->operation || !arg.IsMap())
        return error(arg, fmt::format("{} takes no argument{}", what, it->operation ? " but {returns: ...}" : ""));
      if (auto r = check_keys(arg, {"returns"}, what); !r) return std::unexpected(r.error());
      if (!arg["returns"]) return error(arg, fmt::format("{} takes no argument but {{returns: ...}}", what));
      auto r = errno_value(arg["returns"]);
      if (!r) return std::unexpected(r.error());
      st.returns = *r;
    }
    return st;
  }

  // firmware: {file: missing | default | {size: N}}, the files request_firmware() finds.
  Result<decltype(Scenario::firmware)> firmware_files(const YAML::Node& fw) const {
    decltype(Scenario::firmware) out;
    if (!fw.IsMap() || fw.size() == 0)
      return error(fw, "firmware takes a map of file names: {qt2025-2.0.3.3.fw: missing} (or default, {size: N})");
    for (const auto& kv : fw) {
      auto name = text(kv.first, "a firmware file name");
      if (!name) return std::unexpected(name.error());
      if (name->empty() || name->find('/') == 0)
        return error(kv.first, "a firmware file name is relative to the firmware directory, like the kernel's");
      FirmwareFile f;
      if (kv.second.IsScalar() && kv.second.Scalar() == "missing") {
        f.kind = FirmwareFile::Kind::kMissing;
      } else if (kv.second.IsScalar() && kv.second.Scalar() == "default") {
        f.kind = FirmwareFile::Kind::kDefault;
      } else if (kv.second.IsMap()) {
        if (auto c = check_keys(kv.second, {"size"}, "a firmware file"); !c) return std::unexpected(c.error());
        const auto range = fmt::format("a generated firmware image is {{size: N}}, N from 0 to {} bytes",
                                       kMaxFirmwareBytes);
        if (!kv.second["size"]) return error(kv.second, range);
        auto sz = integer(kv.second["size"], "size");
        if (!sz) return std::unexpected(sz.error());
        if (*sz < 0 || *sz > kMaxFirmwareBytes) return error(kv.second, range);
        f.kind = FirmwareFile::Kind::kTestImage;
        f.size = static_cast<std::size_t>(*sz);
      } else {
        return error(kv.second, "a firmware file is missing, default, or {size: N} (refdrv's test image)");
      }
      out[*name] = f;
    }
    return out;
  }

  Result<Scenario> scenario(const YAML::Node& root) const {
    if (!root.IsMap()) return error(root, "a scenario is a map with name, models, steps (see docs/scenarios.md)");
    if (auto r = check_keys(root, {"name", "description", "models", "partner", "phy-id", "page-register", "tags",
                                   "time-budget", "mdio-frame", "timing", "faults", "seed", "firmware", "steps"},
                            "the scenario");
        !r)
      return std::unexpected(r.error());
    Scenario s;
    s.file = file_;
    if (!root["name"]) return error(root, "the scenario needs a name");
    auto name = text(root["name"], "name");
    if (!name) return std::unexpected(name.error());
    if (name->empty()) return error(root["name"], "the name must not be empty (it names reproducers and KTAP subtests)");
    // KTAP reads a '#' after a test's name as its directive ("# SKIP ..."),
    // and a result line ends at the end of the line.
    if (const auto bad = name->find_first_of("#\n\r"); bad != std::string::npos)
      return error(root["name"], fmt::format("the name must not contain {} (it names KTAP subtests, where '#' starts "
                                             "a directive and a line ends the result)",
                                             (*name)[bad] == '#' ? "'#'" : "a line break"));
    // "ok 1 - x" is test x to KTAP's parser: a leading "- " is its separator.
    if (name->starts_with("- ") || *name == "-")
      return error(root["name"],
                   "the name must not start with '- ' (it names KTAP subtests, where \"ok 1 - x\" is "
                   "the test x)");
    s.name = *name;
    s.name_at = at(root["name"]);
    if (root["description"]) {
      auto d = text(root["description"], "description", true);
      if (!d) return std::unexpected(d.error());
      s.description = *d;
    }
    if (!root["models"]) return error(root, "the scenario needs models: [AX88772A, ...]");
    const YAML::Node models = root["models"];
    if (!models.IsSequence() || models.size() == 0) return error(models, "models must be a non-empty list of model names");
    auto names = model_names(models);
    if (!names) return std::unexpected(names.error());
    s.models = std::move(*names);
    if (root["partner"] && !(root["partner"].IsScalar() && root["partner"].Scalar() == "none")) {
      auto p = partner(root["partner"], "partner");
      if (!p) return std::unexpected(p.error());
      s.partner = *p;
    }
    if (root["phy-id"]) {
      auto v = integer(root["phy-id"], "phy-id");
      if (!v) return std::unexpected(v.error());
      if (*v < 0 || *v > 0xffffffffLL) return error(root["phy-id"], "phy-id must be a 32-bit PHY identifier");
      s.phy_id = static_cast<std::uint32_t>(*v);
    }
    if (root["page-register"]) {
      const YAML::Node n = root["page-register"];
      auto v = integer(n, "page-register");
      if (!v || !hw::c22::is_vendor(*v))
        return error(n, fmt::format("page-register is the vendor register (16 to 31) whose value selects the page of "
                                    "the others, got '{}'",
                                    n.IsScalar() ? n.Scalar() : "a non-scalar"));
      for (const auto& m : s.models)
        if (auto spec = hw::find_phy_model(m); !spec || !spec->clause22)
          return error(n, fmt::format("page-register pages Clause-22 registers, and model {} has none", m));
        // It gives pages to a model without pages of its own; put on one
        // that has them, it replaced the chip's own page register, whose
        // writes then selected nothing.
        else if (spec->page_reg && *spec->page_reg != static_cast<unsigned>(*v))
          return error(n, fmt::format("model {} has pages of its own, selected by register {}: page-register is for "
                                      "a model without pages, and {} would replace the chip's",
                                      m, *spec->page_reg, *v));
      s.page_register = static_cast<unsigned>(*v);
    }
    if (root["tags"]) {
      if (!root["tags"].IsSequence()) return error(root["tags"], "tags must be a list");
      for (const auto& t : root["tags"]) {
        auto ts = text(t, "a tag");
        if (!ts) return std::unexpected(ts.error());
        s.tags.push_back(*ts);
      }
    }
    if (root["time-budget"]) {
      auto d = duration(root["time-budget"], "time-budget");
      if (!d) return std::unexpected(d.error());
      // 0 is how the runner says "none given" (the default budget): as
      // written it would make every run a hang.
      if (*d == 0) return error(root["time-budget"], "time-budget must be more than 0 (the virtual time after which a run is a hang)");
      s.time_budget_ns = *d;
    }
    if (root["mdio-frame"]) {
      auto d = duration(root["mdio-frame"], "mdio-frame");
      if (!d) return std::unexpected(d.error());
      if (*d > 1'000'000)
        return error(root["mdio-frame"], fmt::format("mdio-frame is the time one MDIO access takes: at most 1ms "
                                                     "(25.6us at IEEE 802.3's fastest 2.5 MHz MDC), got '{}'",
                                                     root["mdio-frame"].Scalar()));
      s.mdio_frame_ns = *d;
    }
    if (root["timing"]) {
      auto t = timing(root["timing"], s.models);
      if (!t) return std::unexpected(t.error());
      s.timing = *t;
    }
    if (root["faults"]) {
      const YAML::Node fl = root["faults"];
      if (!fl.IsSequence()) return error(fl, "faults must be a list of fault rules, e.g. [{kind: error, access: 17}]");
      for (const auto& f : fl) {
        auto rule = fault(f);
        if (!rule) return std::unexpected(rule.error());
        if (auto r = reachable(*rule, s.models, f, "a fault rule"); !r) return std::unexpected(r.error());
        s.faults.push_back(*rule);
      }
    }
    if (root["seed"]) {
      auto v = integer(root["seed"], "seed");
      if (!v || *v < 0)
        return error(root["seed"], fmt::format("seed must be a whole number from 0 to {}, got '{}'",
                                               std::numeric_limits<long long>::max(),
                                               root["seed"].IsScalar() ? root["seed"].Scalar() : "(not a number)"));
      s.seed = static_cast<std::uint64_t>(*v);
      s.seed_at = at(root["seed"]);
    }
    if (root["firmware"]) {
      auto fw = firmware_files(root["firmware"]);
      if (!fw) return std::unexpected(fw.error());
      s.firmware = std::move(*fw);
    }
    if (!root["steps"]) return error(root, "the scenario needs steps");
    const YAML::Node steps = root["steps"];
    if (!steps.IsSequence()) return error(steps, "steps must be a list");
    std::uint64_t waited_ns = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      auto st = step(steps[i], i);
      if (!st) return std::unexpected(st.error());
      if (st->kind == Step::Kind::kWait) {
        waited_ns += st->ns;
        if (waited_ns > kMaxVirtualSeconds * 1'000'000'000ULL)
          return error(steps[i], fmt::format("step {} (wait): the scenario's waits add up to more than {} s, the most "
                                             "virtual time a scenario may ask for",
                                             i + 1, kMaxVirtualSeconds));
      }
      if (st->kind == Step::Kind::kFault)
        if (auto r = reachable(st->fault, s.models, node_at(steps[i], {"fault", "register"}),
                               fmt::format("step {} (fault)", i + 1));
            !r)
          return std::unexpected(r.error());
      // An expectation limited to models the scenario does not run on would
      // never be checked, and count as held.
      if (st->kind == Step::Kind::kExpect)
        for (const auto& m : st->expect.models)
          if (std::find(s.models.begin(), s.models.end(), m) == s.models.end())
            return error(entry_of(node_at(steps[i], {"expect", "models"}), m),
                         fmt::format("step {} (expect): its models name {}, which the scenario does not run "
                                     "on (models: [{}]): it would never be checked",
                                     i + 1, m, fmt::join(s.models, ", ")));
      // A register no frame on a model's bus can read: an MMD register of a
      // model with neither Clause-45 frames nor the indirect access through
      // 13/14, a Clause-22 one where the MAC makes only Clause-45 frames (the
      // QT2025; it passed). Checked there, it would compare with a value no
      // driver ever sees.
      if (st->kind == Step::Kind::kExpect)
        for (const auto& r : st->expect.registers) {
          const bool c45 = hw::c45::is_c45(r.reg);
          for (const auto& m : st->expect.models.empty() ? s.models : st->expect.models) {
            std::string why;
            if (c45) {
              const auto spec = hw::find_phy_model(m);
              if (spec && !spec->clause45 && spec->mmd != hw::MmdAccess::kIndirect)
                why = fmt::format(
                    "{} is an MMD register, and model {} has no MMDs (no Clause-45 frames, and "
                    "registers 13/14 reserved)",
                    hw::register_name(r.reg), m);
            } else if (const hw::ModelInfo* mi = hw::find_model(m); mi && !mi->clause22) {
              why = fmt::format("{} is a Clause-22 register, and on model {} the MAC makes only Clause-45 frames",
                                hw::register_name(r.reg), m);
            }
            if (why.empty()) continue;
            return error(register_key(node_at(steps[i], {"expect", "registers"}), r.reg),
                         fmt::format("step {} (expect): {}: no frame can read it", i + 1, why));
          }
        }
      s.steps.push_back(std::move(*st));
    }
    return s;
  }

 private:
  std::string file_;
  // Each empty map value and its key's position (unique_keys finds them).
  mutable std::vector<std::pair<YAML::Node, YAML::Mark>> empty_values_;
};

}  // namespace

const char* step_name(Step::Kind k) {
  for (const auto& s : kSteps)
    if (s.kind == k) return s.name;
  return "?";
}

bool is_operation(Step::Kind k) {
  for (const auto& s : kSteps)
    if (s.kind == k) return s.operation;
  return false;
}

std::optional<double> duration_ns(const std::string& text) {
  static constexpr std::array<std::pair<const char*, double>, 5> kUnits = {
      {{"ms", 1e6}, {"us", 1e3}, {"ns", 1.0}, {"s", 1e9}, {"min", 60e9}}};
  // strtod, not stod: it says which way a number out of range went (stod
  // throws the same for 1e400 and 1e-400).
  // Decimal only: strtod would also take "0x10" (16), "inf", "nan", a sign
  // and leading blanks, none of which a duration is.
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.')) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  const std::size_t used = static_cast<std::size_t>(end - text.c_str());
  if (text.find_first_not_of("0123456789.eE+-") < used) return std::nullopt;
  if (errno == ERANGE && std::fabs(v) < 1.0) v = 0;  // underflow: as good as nothing
  const std::string unit = text.substr(used);
  double scale = 0;
  if (unit.empty()) scale = 1e9;
  for (const auto& [u, s] : kUnits)
    if (unit == u) scale = s;
  if (scale == 0 || v < 0 || std::isnan(v)) return std::nullopt;
  return v * scale;
}

std::optional<std::uint64_t> parse_duration(const std::string& text) {
  const auto ns = duration_ns(text);
  if (!ns || !std::isfinite(*ns) || *ns > kMaxDurationNs) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(*ns));
}

namespace {
std::atomic<std::uint64_t> g_safety_net_hits{0};

// What one pass over the text's documents finds that a load does not say:
// where the first YAML document after the first that has a node has its
// first node, if one has (an empty or null document is none), and where the
// first document's first alias (*name) is. yaml-cpp hands back an alias as
// the node it names, with the anchor's position: a step written `- *e`
// failed "at" the line of its anchor, not its own, so aliases are refused
// rather than reported at the wrong line. A bounded number of documents is
// read: yaml-cpp 0.7's LoadAll loops for ever, allocating, on input its
// parser cannot advance over (", y"; found by the parser fuzzer), handing
// back empty documents.
//
// And the first quoted scalar whose closing quote the text does not hold:
// yaml-cpp 0.7 reads a quote left open to the end of the file as a scalar
// ending there (`name: "x` as the last line ran; as an expectation's last
// line it read a trailing space into the expected text), where YAML makes
// it an error.
// What the scan notes of one document's nodes.
struct DocumentMarks {
  std::optional<YAML::Mark> first_node, first_alias, unclosed_quote, first_tag;
  std::string tag_text;  // first_tag's
  int last_line = 0;     // its last node's line (0-based)
};
struct DocumentScan {
  DocumentMarks first;  // the first document's
  std::optional<YAML::Mark> second_document;
  // More empty documents follow than are read: text yaml-cpp cannot
  // advance over, or --- after --- past the bound.
  bool documents_unbounded = false;
};

// Whether the quoted scalar opening at text[open] (a ' or ") is closed.
bool quote_closed(const std::string& text, std::size_t open) {
  const char q = text[open];
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;  // an escape: the next character is the escaped one
    } else if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside a single-quoted scalar
        continue;
      }
      return true;
    }
  }
  return false;
}

DocumentScan scan_documents(const std::string& text) {
  struct Marks final : YAML::EventHandler, DocumentMarks {
    explicit Marks(const std::string& text) : text(text) {}
    const std::string& text;
    void note(const YAML::Mark& m, const std::string& tag) {
      if (!first_node) first_node = m;
      last_line = std::max(last_line, m.line);
      // An explicit tag (!!binary, !foo): "?" is a plain node's, "!" a
      // quoted scalar's.
      if (!first_tag && !tag.empty() && tag != "?" && tag != "!") {
        first_tag = m;
        tag_text = tag;
      }
    }
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
      note(m, "");
      if (!first_alias) first_alias = m;
    }
    void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t, const std::string&) override {
      note(m, tag);
      // The mark is at the scalar's first character: its quote, if quoted.
      const auto at = static_cast<std::size_t>(m.pos);
      if (!unclosed_quote && at < text.size() && (text[at] == '"' || text[at] == '\'') && !quote_closed(text, at))
        unclosed_quote = m;
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
      note(m, tag);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t, YAML::EmitterStyle::value) override {
      note(m, tag);
    }
    void OnMapEnd() override {}
  };
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentScan out;
  Marks first(text);
  if (!parser.HandleNextDocument(first)) return out;
  out.first = first;
  // Past empty documents too (`---` twice, `...` then `---`): one with a
  // node after them would otherwise be dropped. At most 64 of them: past
  // that the text is what LoadAll would loop on, or a document hidden
  // behind more markers than are read; either is refused.
  for (int i = 0; i < 64; ++i) {
    Marks next(text);
    if (!parser.HandleNextDocument(next)) return out;
    if (next.first_node) {
      out.second_document = next.first_node;
      return out;
    }
  }
  // Only after a scenario: a first document with nothing in it is said
  // by the load's own check (the parser read nothing from a line on).
  out.documents_unbounded = first.first_node.has_value();
  return out;
}
}  // namespace

std::uint64_t scenario_parser_safety_net_hits() { return g_safety_net_hits.load(); }

namespace {

// For a file whose name is no scenario file's: that it may not be one.
std::string not_a_scenario_hint(const std::string& file) {
  if (file.ends_with(".yaml") || file.ends_with(".yml") || file == "-" || file.starts_with("(")) return {};
  return fmt::format(" ({} does not end in .yaml or .yml: is it a scenario file?)", file);
}

// What most often makes yaml-cpp's terse messages, said after them: a tab
// in the indentation, a value indented past its key's siblings, a file
// that is no scenario at all.
std::string yaml_error_hint(const std::string& text, const std::string& file, int line, const std::string& msg) {
  std::istringstream in(text);
  std::string at;
  for (int n = 0; std::getline(in, at) && n < line; ++n) {
  }
  const std::string indent = at.substr(0, at.find_first_not_of(" \t"));
  if (indent.find('\t') != std::string::npos) return " (a tab indents this line: YAML indents with spaces only)";
  if (std::string hint = not_a_scenario_hint(file); !hint.empty()) return hint;
  if (msg.find("illegal map value") != std::string::npos)
    return " (a key indented further than the keys beside it, or an unquoted value holding ': ', which needs quotes)";
  if (msg.find("end of map not found") != std::string::npos ||
      msg.find("end of sequence not found") != std::string::npos)
    return " (a line that does not line up with the lines above it, or a bracket left open)";
  return {};
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& text, const std::string& file) {
  // A control character YAML does not allow (a NUL of a binary file): said
  // as the byte it is, at its place. yaml-cpp called a NUL then \x01 an
  // "unknown escape character" and its message carried the raw byte.
  // Only for UTF-8 (what yaml-cpp reads without a byte-order mark or with
  // EF BB BF): UTF-16 and UTF-32, which YAML allows and yaml-cpp decodes,
  // have NULs in every ASCII character (their mark, or a NUL in the first
  // two bytes, as YAML 1.2's 5.2 detects them).
  const bool wide = text.size() >= 2 && (text[0] == '\0' || text[1] == '\0' || text.starts_with("\xFE\xFF") ||
                                         text.starts_with("\xFF\xFE"));
  if (!wide) {
    std::size_t line = 1, column = 1;
    for (const char ch : text) {
      const auto b = static_cast<unsigned char>(ch);
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f)
        return fail(
            fmt::format("{}:{}:{}: byte 0x{:02x}, a control character YAML does not allow: not a scenario "
                        "(a binary or damaged file?)",
                        file, line, column, b));
      if (ch == '\n')
        ++line, column = 1;
      else
        ++column;
    }
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
    // One scenario per file: a second document (after ---) would otherwise
    // be dropped without a word.
    // Without a UTF-8 byte order mark: yaml-cpp counts its marks' byte
    // positions after it, and the scan reads the text at them (a valid file
    // with one was refused as an unclosed quote three bytes early).
    const std::string_view unmarked =
        std::string_view(text).starts_with("\xEF\xBB\xBF") ? std::string_view(text).substr(3) : std::string_view(text);
    const std::string scanned(unmarked);
    const DocumentScan scan = scan_documents(scanned);
    if (const auto& second = scan.second_document)
      return fail(fmt::format("{}:{}:{}: a second YAML document (after ---): a scenario file holds one scenario; "
                              "put this one in a file of its own",
                              file, second->line + 1, second->column + 1));
    if (const auto& quote = scan.first.unclosed_quote)
      return fail(fmt::format(
          "{}:{}:{}: not valid YAML: this quoted scalar's closing {} is missing (the text to the end "
          "of the file would be its value)",
          file, quote->line + 1, quote->column + 1, scanned[static_cast<std::size_t>(quote->pos)] == '"' ? "\"" : "'"));
    if (scan.documents_unbounded) {
      // The first document marker (--- or ... at the start of a line: a
      // block scalar's lines are indented) after the line of the scenario's
      // last node; without one, the first line there that is neither blank
      // nor a comment: where what cannot be read starts.
      std::istringstream lines(text);
      int n = 0;
      int marker = 0, other = 0;
      for (std::string line; std::getline(lines, line);)
        if (++n > scan.first.last_line + 1) {
          if (!marker && (line.starts_with("---") || line.starts_with("..."))) marker = n;
          const auto c = line.find_first_not_of(" \t\r");
          if (!other && c != std::string::npos && line[c] != '#') other = n;
        }
      const int at = marker ? marker : other ? other : scan.first.last_line + 2;
      return fail(fmt::format("{}:{}:1: not valid YAML after the scenario: more than 64 further documents (--- "
                              "markers), or text the YAML parser cannot read past; a scenario file holds one scenario",
                              file, at));
    }
    if (const auto& tag = scan.first.first_tag)
      return fail(
          fmt::format("{}:{}:{}: a YAML tag ({}): refdrv reads plain values and would ignore it; write the "
                      "value without it",
                      file, tag->line + 1, tag->column + 1, scan.first.tag_text));
    if (const auto& alias = scan.first.first_alias)
      return fail(
          fmt::format("{}:{}:{}: a YAML alias (*name): refdrv does not take aliases (what it says of the "
                      "node would name its anchor's line, not this one); write the node out here",
                      file, alias->line + 1, alias->column + 1));
  } catch (const YAML::DeepRecursion& e) {  // its message is yaml-cpp's "bad file"
    return fail(fmt::format("{}:{}:{}: not valid YAML here: nested {} levels deep, past the YAML parser's limit", file,
                            e.mark.line + 1, e.mark.column + 1, e.depth()));
  } catch (const YAML::ParserException& e) {
    return fail(fmt::format("{}:{}:{}: not valid YAML: {}{}", file, e.mark.line + 1, e.mark.column + 1, e.msg,
                            yaml_error_hint(text, file, e.mark.line, e.msg)));
  }
  if (!root || root.IsNull()) {
    // Nothing read: an empty file (comments, document markers), or text the
    // YAML parser stopped at without an error (a line starting with ',').
    std::istringstream lines(text);
    std::size_t n = 0;
    for (std::string line; std::getline(lines, line);) {
      ++n;
      const auto at = line.find_first_not_of(" \t\r");
      if (at == std::string::npos || line[at] == '#' || line.starts_with("---") || line.starts_with("...")) continue;
      // A document that is a null (~, null, Null, NULL) is valid YAML: a
      // scenario is a map, and that is what is wrong with it.
      std::string word = line.substr(at);
      if (const auto end = word.find_first_of(" \t\r#"); end != std::string::npos) word.resize(end);
      if (word == "~" || word == "null" || word == "Null" || word == "NULL")
        return fail(fmt::format("{}:{}:{}: the document is a null ({}): a scenario is a map of name, models, steps, ...",
                                file, n, at + 1, word));
      return fail(fmt::format("{}:{}:{}: not valid YAML here: the parser read nothing from this line on", file, n,
                              at + 1));
    }
    return fail(fmt::format("{}:1:1: empty scenario", file));
  }
  try {
    const Parser parser(file);
    // A file that is no scenario (README.md parses as YAML too) is said so
    // after the first thing found wrong in it.
    const auto no_scenario = [&](Error e) {
      if (const std::string hint = not_a_scenario_hint(file); !hint.empty()) e.message += hint;
      return std::unexpected(std::move(e));
    };
    if (auto unique = parser.unique_keys(root); !unique) return no_scenario(unique.error());
    auto s = parser.scenario(root);
    if (!s) return no_scenario(s.error());
    return s;
  } catch (const YAML::Exception& e) {
    // Every shape the parser expects is checked before it is read; this is
    // the safety net (the parser fuzzer treats reaching it as a bug).
    ++g_safety_net_hits;
    return fail(fmt::format("{}:{}:{}: unexpected YAML structure (refdrv parser bug, please report): {}", file,
                            e.mark.line < 0 ? 1 : e.mark.line + 1, e.mark.column < 0 ? 1 : e.mark.column + 1, e.msg));
  }
}

Result<Scenario> load_scenario(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail(fmt::format("{} is a directory: this takes one scenario file", path));
  // No scenario is near this size: a device (/dev/zero) was read until
  // memory ran out. A pipe (refdrv run <(generate)) is read up to it.
  constexpr std::size_t kMaxScenarioBytes = 16u << 20;
  const auto too_big = [&] {
    return fail(fmt::format("{} has more than the {} MiB a scenario file may have", path, kMaxScenarioBytes >> 20));
  };
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxScenarioBytes) return too_big();
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read scenario {}: {}", path, std::strerror(errno)));
  std::string text;
  for (char chunk[1 << 16]; in.read(chunk, sizeof chunk) || in.gcount() > 0;) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxScenarioBytes) return too_big();
  }
  return parse_scenario(text, path);
}


namespace {

std::string duration_text(std::uint64_t ns) {
  if (ns && ns % 1000000000ULL == 0) return fmt::format("{}s", ns / 1000000000ULL);
  if (ns % 1000000ULL == 0) return fmt::format("{}ms", ns / 1000000ULL);
  if (ns % 1000ULL == 0) return fmt::format("{}us", ns / 1000ULL);
  return fmt::format("{}ns", ns);
}

std::string register_text(unsigned reg) {
  if (hw::c45::is_c45(reg)) return fmt::format("{}.0x{:04x}", hw::c45::devad_of(reg), hw::c45::reg_of(reg));
  return reg < 16 ? hw::register_name(reg) : std::to_string(reg);
}

std::string hex16(unsigned v) { return fmt::format("0x{:04x}", v); }

std::string errno_text(int ret) {
  if (ret == 0) return "0";
  for (const auto& [name, v] : kErrnos)
    if (ret == -v) return name;
  return std::to_string(ret);
}

YAML::Node flow(YAML::Node n) {
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node fault_node(const hw::FaultRule& f) {
  YAML::Node n;
  n["kind"] = hw::fault_kind_name(f.kind);
  switch (f.trigger) {
    case hw::FaultTrigger::kRegister:
      n["register"] = register_text(f.reg);
      if (f.nth >= 0) n["nth"] = f.nth;
      break;
    case hw::FaultTrigger::kAccessIndex:
      n["access"] = f.index;
      break;
    case hw::FaultTrigger::kProbability:
      n["probability"] = f.probability;
      break;
  }
  if (f.kind == hw::FaultKind::kStuckBits || f.kind == hw::FaultKind::kFlipBits) n["mask"] = hex16(f.mask);
  if (f.kind == hw::FaultKind::kStuckBits) n["value"] = hex16(f.value);
  if (f.addr >= 0) n["address"] = f.addr;
  if (f.delivered) n["delivered"] = true;
  return flow(n);
}

YAML::Node updown(bool b) { return YAML::Node(b ? "up" : "down"); }

YAML::Node link_modes_node(std::uint32_t bits) {
  if (bits == 0) return YAML::Node("none");
  return flow(YAML::Node(link_mode_list(bits)));
}

YAML::Node expectation_node(const Expectation& e) {
  YAML::Node n;
  if (e.link) n["link"] = updown(*e.link);
  if (e.speed) n["speed"] = *e.speed < 0 ? YAML::Node("unknown") : YAML::Node(*e.speed);
  if (e.duplex) n["duplex"] = *e.duplex == 0 ? "half" : *e.duplex == 1 ? "full" : "unknown";
  if (e.states.size() == 1) n["state"] = e.states[0];
  if (e.states.size() > 1) n["state"] = flow(YAML::Node(e.states));
  if (e.carrier) n["carrier"] = *e.carrier ? "on" : "off";
  if (e.mac_link) n["mac-link"] = updown(*e.mac_link);
  if (e.advertising) n["advertised"] = link_modes_node(*e.advertising);
  if (e.lp_advertising) n["link-partner"] = link_modes_node(*e.lp_advertising);
  if (e.mac_link_events) {
    YAML::Node ev(YAML::NodeType::Sequence);
    for (bool b : *e.mac_link_events) ev.push_back(updown(b));
    n["mac-link-events"] = flow(ev);
  }
  if (e.driver) n["driver"] = *e.driver;
  if (e.bound) n["bound"] = *e.bound;
  if (e.powered_down) n["powered-down"] = *e.powered_down;
  if (!e.registers.empty()) {
    YAML::Node regs;
    for (const auto& r : e.registers) {
      if (r.mask == 0xffff) {
        regs[register_text(r.reg)] = hex16(r.value);
      } else {
        YAML::Node mv;
        mv["mask"] = hex16(r.mask);
        mv["value"] = hex16(r.value);
        regs[register_text(r.reg)] = flow(mv);
      }
    }
    n["registers"] = flow(regs);
  }
  if (e.firmware_loaded) n["firmware-loaded"] = *e.firmware_loaded;
  if (!e.returned.empty()) {
    YAML::Node rn(YAML::NodeType::Map);
    for (const auto& [cb, v] : e.returned) rn[cb] = errno_text(v);
    n["returned"] = flow(rn);
  }
  if (!e.models.empty()) n["models"] = flow(YAML::Node(e.models));
  return flow(n);
}

YAML::Node ethtool_node(const EthtoolSettings& e) {
  YAML::Node n(YAML::NodeType::Map);
  if (e.autoneg) n["autoneg"] = *e.autoneg ? "on" : "off";
  if (e.speed) n["speed"] = *e.speed;
  if (e.full_duplex) n["duplex"] = *e.full_duplex ? "full" : "half";
  if (e.advertise) n["advertise"] = flow(YAML::Node(link_mode_list(*e.advertise)));
  return n;
}

}  // namespace

std::vector<std::string> link_mode_list(std::uint32_t bits) {
  std::vector<std::string> out;
  for (const auto& [name, bit] : kAdvertiseModes)
    if (bits & bit) out.emplace_back(name);
  if (bits & REFDRV_ADV_10GBASER) out.emplace_back("10gbase-r");
  return out;
}

std::string link_mode_names(std::uint32_t bits) {
  const std::vector<std::string> names = link_mode_list(bits);
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ","));
}

std::optional<std::uint32_t> link_mode_bit(std::string_view name) {
  if (name == "10gbase-r") return REFDRV_ADV_10GBASER;
  for (const auto& [n, bit] : kAdvertiseModes)
    if (name == n) return bit;
  return std::nullopt;
}

std::string partner_text(const hw::PartnerProfile& p) {
  return p.phy_id ? fmt::format("{} (phy-id 0x{:08x})", p.name, *p.phy_id) : p.name;
}

hw::PartnerProfile inline_partner(bool negotiates, hw::ModeSet abilities, hw::Mode forced, bool pause, bool asym,
                                  bool legacy_an, bool remote_fault, std::optional<std::uint32_t> phy_id) {
  hw::PartnerProfile p;
  p.negotiates = negotiates;
  p.abilities = negotiates ? abilities : hw::ModeSet{forced};
  p.forced_mode = negotiates ? abilities.highest().value_or(forced) : forced;
  p.pause = negotiates && pause;
  p.asym_pause = negotiates && asym;
  p.legacy_an = negotiates && legacy_an;
  p.remote_fault = negotiates && remote_fault;
  p.phy_id = phy_id;
  if (negotiates) {
    p.name = "advertising " + hw::modes_name(p.abilities) + (p.pause ? ",pause" : "") + (p.asym_pause ? ",asym-pause" : "");
    p.description = "written inline: negotiates (Clause 28) and advertises " + p.name.substr(12);
  } else {
    p.name = "forced " + hw::mode_name(forced);
    p.description = "written inline: runs " + hw::mode_name(forced) +
                    " without auto-negotiation, so a negotiating PHY parallel-detects it (28.2.3.1)";
  }
  if (p.legacy_an) p.description += ", legacy auto-negotiation (the old-switch trait)";
  if (p.remote_fault) p.description += ", remote fault set";
  return p;
}

YAML::Node partner_to_yaml(const hw::PartnerProfile& p) {
  if (const auto named = hw::find_partner(p.name); named && *named == p) return YAML::Node(p.name);
  YAML::Node n(YAML::NodeType::Map);
  if (p.negotiates) {
    YAML::Node modes(YAML::NodeType::Sequence);
    for (const auto& [bit, mode] : kAdvertisedModes)
      if (p.abilities.has(mode)) modes.push_back(hw::mode_name(mode));
    if (p.pause) modes.push_back("pause");
    if (p.asym_pause) modes.push_back("asym-pause");
    n["advertise"] = flow(modes);
    if (p.legacy_an) n["legacy-an"] = true;
    if (p.remote_fault) n["remote-fault"] = true;
  } else {
    n["autoneg"] = false;
    n["speed"] = hw::mode_speed(p.forced_mode);
    n["duplex"] = hw::mode_full_duplex(p.forced_mode) ? "full" : "half";
  }
  if (p.phy_id) n["phy-id"] = fmt::format("0x{:08x}", *p.phy_id);
  return flow(n);
}

bool cable_step(Step::Kind k) {
  return k == Step::Kind::kPlug || k == Step::Kind::kUnplug || k == Step::Kind::kFlap ||
         k == Step::Kind::kPartnerRestartAneg;
}

YAML::Node step_to_yaml(const Step& st) {
  const std::string name = step_name(st.kind);
  YAML::Node arg;
  switch (st.kind) {
    case Step::Kind::kWait:
    case Step::Kind::kFlap:
      arg = duration_text(st.ns);
      break;
    case Step::Kind::kPlug:
      arg = partner_to_yaml(st.partner);
      break;
    case Step::Kind::kFault:
      arg = fault_node(st.fault);
      break;
    case Step::Kind::kExpect:
      arg = expectation_node(st.expect);
      break;
    case Step::Kind::kEthtool:
      arg = ethtool_node(st.ethtool);  // a map, possibly empty: `ethtool: {}` changes nothing
      if (st.returns) arg["returns"] = errno_text(*st.returns);
      arg = flow(arg);
      break;
    case Step::Kind::kMdioRead:
    case Step::Kind::kMdioWrite:
    case Step::Kind::kMiiRead:
    case Step::Kind::kMiiWrite:
      arg["register"] = register_text(static_cast<unsigned>(st.reg));
      if (st.kind == Step::Kind::kMdioWrite || st.kind == Step::Kind::kMiiWrite)
        arg["value"] = hex16(static_cast<unsigned>(st.value));
      if (st.addr >= 0) arg["address"] = st.addr;
      if (st.returns) arg["returns"] = *st.returns >= 0 ? hex16(static_cast<unsigned>(*st.returns)) : errno_text(*st.returns);
      arg = flow(arg);
      break;
    default:
      if (st.returns) {
        arg["returns"] = errno_text(*st.returns);
        arg = flow(arg);
      }
      break;
  }
  if (!arg.IsDefined() || arg.IsNull()) return YAML::Node(name);
  YAML::Node n;
  n[name] = arg;
  return n;
}

Scenario without_sources(Scenario s) {
  for (auto& st : s.steps) st.source = YAML::Node();
  return s;
}

std::string reproducer_name_part(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
  return s;
}

std::string scenario_to_yaml(const Scenario& s, std::size_t steps, const std::string& comment) {
  YAML::Emitter out;
  if (!comment.empty()) out << YAML::Comment(comment) << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.name;
  if (!s.description.empty()) out << YAML::Key << "description" << YAML::Value << s.description;
  out << YAML::Key << "models" << YAML::Value << YAML::Flow << s.models;
  out << YAML::Key << "partner" << YAML::Value << (s.partner ? partner_to_yaml(*s.partner) : YAML::Node("none"));
  if (s.phy_id) out << YAML::Key << "phy-id" << YAML::Value << fmt::format("0x{:08x}", *s.phy_id);
  if (s.page_register) out << YAML::Key << "page-register" << YAML::Value << *s.page_register;
  if (!s.tags.empty()) out << YAML::Key << "tags" << YAML::Value << YAML::Flow << s.tags;
  if (s.time_budget_ns) out << YAML::Key << "time-budget" << YAML::Value << duration_text(s.time_budget_ns);
  if (s.mdio_frame_ns) out << YAML::Key << "mdio-frame" << YAML::Value << duration_text(s.mdio_frame_ns);
  if (!s.timing.empty()) {
    out << YAML::Key << "timing" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const auto& [key, field] : kTimingKeys)
      if (const auto& v = s.timing.*field) out << YAML::Key << key << YAML::Value << duration_text(*v);
    out << YAML::EndMap;
  }
  if (!s.faults.empty()) {
    out << YAML::Key << "faults" << YAML::Value << YAML::BeginSeq;
    for (const auto& f : s.faults) out << fault_node(f);
    out << YAML::EndSeq;
  }
  if (s.seed != 1) out << YAML::Key << "seed" << YAML::Value << s.seed;
  if (!s.firmware.empty()) {
    YAML::Node fw(YAML::NodeType::Map);
    for (const auto& [name, f] : s.firmware) {
      if (f.kind == FirmwareFile::Kind::kTestImage) {
        YAML::Node size;
        size["size"] = f.size;
        fw[name] = flow(size);
      } else {
        fw[name] = f.kind == FirmwareFile::Kind::kMissing ? "missing" : "default";
      }
    }
    out << YAML::Key << "firmware" << YAML::Value << fw;
  }
  out << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
  for (std::size_t i = 0; i < steps && i < s.steps.size(); ++i) {
    const Step& st = s.steps[i];
    YAML::Node node = st.source.IsDefined() && !st.source.IsNull() ? st.source : step_to_yaml(st);
    // An expectation limited to models: of those, the ones the scenario
    // still runs on (a reproducer keeps one model). One for none of them
    // checks nothing here, and the parser refuses it (it would never be
    // checked): it is left out, said in a comment.
    if (st.kind == Step::Kind::kExpect && !st.expect.models.empty()) {
      std::vector<std::string> kept;
      for (const auto& m : st.expect.models)
        if (std::find(s.models.begin(), s.models.end(), m) != s.models.end()) kept.push_back(m);
      if (kept.empty()) {
        out << YAML::Comment(fmt::format("step {} (expect, only on {}) left out: it checks no model this file runs on",
                                         i + 1, fmt::join(st.expect.models, ", ")));
        continue;
      }
      if (kept.size() != st.expect.models.size()) {
        node = YAML::Clone(node);
        node["expect"]["models"] = flow(YAML::Node(kept));
      }
    }
    out << node;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace refdrv
