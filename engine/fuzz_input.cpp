// SPDX-License-Identifier: GPL-2.0
#include "engine/fuzz_input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "hw/catalog.hpp"
#include "kernel/groups.hpp"
#include "refdrv_abi.h"

namespace refdrv {

namespace {

// The reference group's models, in the group's order: a fuzz input's first
// byte picks one (and, for a model whose driver matches any revision, the
// revision too).
const std::vector<std::string>& models() { return kernel::reference_group().models; }

bool any_revision(const std::string& model) {
  const auto& r = kernel::reference_group().any_revision;
  return std::find(r.begin(), r.end(), model) != r.end();
}

std::uint32_t catalog_id(const std::string& model) {
  const auto spec = hw::find_phy_model(model);
  return spec ? spec->phy_id : 0;
}

// Opcode kinds, in opcode order (expectations are not fuzzed).
constexpr std::array<Step::Kind, 22> kKinds = {
    Step::Kind::kAttach,      Step::Kind::kDetach,          Step::Kind::kStart,
    Step::Kind::kStop,        Step::Kind::kSuspend,         Step::Kind::kResume,
    Step::Kind::kInitHw,      Step::Kind::kStartAneg,       Step::Kind::kRestartAneg,
    Step::Kind::kGenphySoftReset, Step::Kind::kEthtool,     Step::Kind::kMdioRead,
    Step::Kind::kMdioWrite,   Step::Kind::kWait,            Step::Kind::kPlug,
    Step::Kind::kUnplug,      Step::Kind::kFlap,            Step::Kind::kPartnerRestartAneg,
    Step::Kind::kFault,       Step::Kind::kClearFaults,     Step::Kind::kMiiRead,
    Step::Kind::kMiiWrite,
};
constexpr std::uint8_t kLongForm = 0x80;
constexpr int kSpeeds[4] = {10, 100, 1000, 100};
constexpr std::uint64_t kMs = 1000000;

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> d) : d_(d) {}
  [[nodiscard]] bool done() const { return pos_ >= d_.size(); }
  std::uint8_t u8() { return pos_ < d_.size() ? d_[pos_++] : 0; }
  std::uint16_t u16() {
    const std::uint16_t lo = u8();
    return static_cast<std::uint16_t>(lo | (u8() << 8));
  }
  [[nodiscard]] std::size_t pos() const { return pos_; }

 private:
  std::span<const std::uint8_t> d_;
  std::size_t pos_ = 0;
};

// Short form: 1 + d*d/8 ms (1 ms .. 8.1 s, finer at the short end); long form: 16-bit ms.
std::uint64_t read_duration(Reader& r, bool long_form) {
  if (long_form) return std::max<std::uint64_t>(1, r.u16()) * kMs;
  const std::uint64_t d = r.u8();
  return (1 + d * d / 8) * kMs;
}

// A link partner byte: below 0x80 a catalog profile (the header's 0 is no
// partner); from 0x80 a partner written inline, from three more bytes:
// flags (0x01 negotiates, 0x02 pause, 0x04 asym-pause, 0x08 legacy-an,
// 0x10 remote fault, 0x20 a PHY ID follows), the advertised technologies
// (bits in hw::Mode order; none reads as 100-full) and, for a forced
// partner, its mode (10/100 half/full: forced 1000BASE-T does not exist).
constexpr std::uint8_t kInlinePartner = 0x80;

hw::PartnerProfile read_inline_partner(Reader& r) {
  const std::uint8_t flags = r.u8();
  const std::uint8_t modes = r.u8() & 0x3f;
  const auto forced = static_cast<hw::Mode>(r.u8() % 4);
  std::optional<std::uint32_t> phy_id;
  if (flags & 0x20) {
    const std::uint32_t hi = r.u16();
    phy_id = hi << 16 | r.u16();
  }
  hw::ModeSet abilities = hw::ModeSet::from_bits(modes);
  if (abilities.empty()) abilities = hw::ModeSet{hw::Mode::k100Full};
  return inline_partner((flags & 0x01) != 0, abilities, forced, (flags & 0x02) != 0, (flags & 0x04) != 0,
                        (flags & 0x08) != 0, (flags & 0x10) != 0, phy_id);
}

void write_partner(std::vector<std::uint8_t>& out, const hw::PartnerProfile& p, bool header) {
  const auto partners = hw::partner_profiles();
  for (std::size_t i = 0; i < partners.size(); ++i)
    if (partners[i] == p) {
      out.push_back(static_cast<std::uint8_t>(header ? i + 1 : i));
      return;
    }
  out.push_back(kInlinePartner);
  out.push_back(static_cast<std::uint8_t>((p.negotiates ? 0x01 : 0) | (p.pause ? 0x02 : 0) | (p.asym_pause ? 0x04 : 0) |
                                          (p.legacy_an ? 0x08 : 0) | (p.remote_fault ? 0x10 : 0) | (p.phy_id ? 0x20 : 0)));
  out.push_back(p.abilities.bits());
  out.push_back(static_cast<std::uint8_t>(p.forced_mode));
  if (p.phy_id) {
    for (unsigned v : {*p.phy_id >> 16, *p.phy_id & 0xffff}) {
      out.push_back(static_cast<std::uint8_t>(v & 0xff));
      out.push_back(static_cast<std::uint8_t>(v >> 8));
    }
  }
}

hw::FaultRule read_fault(Reader& r, bool long_form) {
  hw::FaultRule f;
  const std::uint8_t k = r.u8();
  f.kind = static_cast<hw::FaultKind>(k % 7);
  switch ((k / 7) % 3) {
    case 0: {
      f.trigger = hw::FaultTrigger::kRegister;
      f.reg = r.u8() % 32;
      const std::uint8_t nth = r.u8();
      f.nth = nth == 255 ? -1 : nth;
      break;
    }
    case 1:
      f.trigger = hw::FaultTrigger::kAccessIndex;
      f.index = r.u8();
      break;
    default:
      f.trigger = hw::FaultTrigger::kProbability;
      f.probability = (r.u8() + 1) / 512.0;
      break;
  }
  // As the scenario format takes them (a reproducer must load): a mask that
  // changes a bit, a stuck value within its mask (the bits outside it never
  // showed anyway).
  if (f.kind == hw::FaultKind::kStuckBits || f.kind == hw::FaultKind::kFlipBits) {
    f.mask = r.u16();
    if (f.mask == 0) f.mask = 0xffff;
  }
  if (f.kind == hw::FaultKind::kStuckBits) f.value = static_cast<std::uint16_t>(r.u16() & f.mask);
  if (long_form) f.addr = r.u8() % 32;
  return f;
}

EthtoolSettings read_ethtool(Reader& r) {
  EthtoolSettings e;
  const std::uint8_t f = r.u8();
  if (f & 0x01) e.autoneg = (f & 0x02) != 0;
  if (f & 0x04) e.speed = kSpeeds[(f >> 3) & 3];
  if (f & 0x20) e.full_duplex = (f & 0x40) != 0;
  if (f & 0x80) e.advertise = r.u8();
  // As the scenario format requires: autoneg off comes with speed and duplex.
  if (e.autoneg && !*e.autoneg) {
    if (!e.speed) e.speed = 100;
    if (!e.full_duplex) e.full_duplex = true;
  }
  return e;
}

}  // namespace

std::span<const std::string> fuzz_models() { return models(); }

std::vector<FuzzSeed> fuzz_seeds(const std::vector<Scenario>& suite) {
  std::vector<FuzzSeed> out;
  for (const auto& sc : suite)
    for (const auto& model : sc.models) {
      if (std::find(models().begin(), models().end(), model) == models().end()) continue;
      Scenario one = sc;
      one.models = {model};
      out.push_back({fmt::format("seed-{}-{}", sc.name, model), encode_fuzz_input(one)});
    }
  return out;
}

Scenario decode_fuzz_input(std::span<const std::uint8_t> data, const FuzzLimits& limits) {
  Scenario s;
  s.file = "(fuzz input)";
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::uint8_t b : data) h = (h ^ b) * 0x100000001b3ULL;
  s.name = fmt::format("fuzz-{:016x}", h);
  s.description = fmt::format("decoded from a {}-byte fuzz input", data.size());
  Reader r(data);
  const std::uint8_t m = r.u8();
  const std::string model = models()[m % models().size()];
  s.models = {model};
  if (any_revision(model)) {
    const std::uint32_t id = catalog_id(model);
    const std::uint32_t rev = (m / models().size()) % 16;
    if (rev != (id & 0xf)) s.phy_id = (id & ~0xfu) | rev;
  }
  const auto partners = hw::partner_profiles();
  if (const std::uint8_t p = r.u8(); p & kInlinePartner)
    s.partner = read_inline_partner(r);
  else if (p % (partners.size() + 1) != 0)
    s.partner = partners[p % (partners.size() + 1) - 1];
  s.seed = static_cast<std::uint64_t>(r.u8()) + 1;
  s.tags = {"fuzz"};

  std::uint64_t virtual_ns = 0;
  while (!r.done() && s.steps.size() < limits.max_steps) {
    Step st;
    const std::size_t at = r.pos();
    const std::uint8_t op = r.u8();
    const bool long_form = (op & kLongForm) != 0;
    st.kind = kKinds[(op & 0x1f) % kKinds.size()];
    st.where = {s.file, static_cast<int>(s.steps.size() + 1), static_cast<int>(at + 1)};
    switch (st.kind) {
      case Step::Kind::kWait:
      case Step::Kind::kFlap: {
        st.ns = read_duration(r, long_form);
        if (virtual_ns >= limits.max_virtual_ns) continue;
        st.ns = std::min(st.ns, limits.max_virtual_ns - virtual_ns);
        virtual_ns += st.ns;
        break;
      }
      case Step::Kind::kPlug:
        if (const std::uint8_t p = r.u8(); p & kInlinePartner)
          st.partner = read_inline_partner(r);
        else
          st.partner = partners[p % partners.size()];
        break;
      case Step::Kind::kEthtool:
        st.ethtool = read_ethtool(r);
        break;
      case Step::Kind::kMdioRead:
      case Step::Kind::kMdioWrite:
      case Step::Kind::kMiiRead:
      case Step::Kind::kMiiWrite:
        st.reg = r.u8() % 32;
        if (st.kind == Step::Kind::kMdioWrite || st.kind == Step::Kind::kMiiWrite) st.value = r.u16();
        if (long_form) st.addr = r.u8() % 32;
        break;
      case Step::Kind::kFault:
        st.fault = read_fault(r, long_form);
        break;
      default:
        break;
    }
    s.steps.push_back(std::move(st));
  }
  return s;
}

std::vector<std::uint8_t> encode_fuzz_input(const Scenario& s) {
  std::vector<std::uint8_t> out;
  auto u16 = [&](unsigned v) {
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
    out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xff));
  };
  const std::string model = s.models.empty() ? models().front() : s.models.front();
  const auto mi = std::find(models().begin(), models().end(), model);
  const std::size_t model_index = mi == models().end() ? 0 : static_cast<std::size_t>(mi - models().begin());
  const std::uint32_t rev = any_revision(model) ? (s.phy_id.value_or(catalog_id(model)) & 0xf) : 0;
  out.push_back(static_cast<std::uint8_t>(model_index + models().size() * rev));
  if (s.partner)
    write_partner(out, *s.partner, true);
  else
    out.push_back(0);
  out.push_back(static_cast<std::uint8_t>(std::clamp<std::uint64_t>(s.seed, 1, 256) - 1));
  for (const Step& st : s.steps) {
    const auto k = std::find(kKinds.begin(), kKinds.end(), st.kind);
    if (k == kKinds.end()) continue;  // expectations
    std::uint8_t op = static_cast<std::uint8_t>(k - kKinds.begin());
    switch (st.kind) {
      case Step::Kind::kWait:
      case Step::Kind::kFlap:
        out.push_back(op | kLongForm);
        u16(static_cast<unsigned>(std::clamp<std::uint64_t>(st.ns / kMs, 1, 0xffff)));
        break;
      case Step::Kind::kPlug:
        out.push_back(op);
        write_partner(out, st.partner, false);
        break;
      case Step::Kind::kEthtool: {
        out.push_back(op);
        const EthtoolSettings& e = st.ethtool;
        std::uint8_t f = 0;
        if (e.autoneg) f |= 0x01 | (*e.autoneg ? 0x02 : 0);
        if (e.speed) f |= 0x04 | static_cast<std::uint8_t>((*e.speed == 10 ? 0 : *e.speed == 1000 ? 2 : 1) << 3);
        if (e.full_duplex) f |= 0x20 | (*e.full_duplex ? 0x40 : 0);
        if (e.advertise) f |= 0x80;
        out.push_back(f);
        if (e.advertise) out.push_back(static_cast<std::uint8_t>(*e.advertise & 0xff));
        break;
      }
      case Step::Kind::kMdioRead:
      case Step::Kind::kMdioWrite:
      case Step::Kind::kMiiRead:
      case Step::Kind::kMiiWrite:
        out.push_back(op | (st.addr >= 0 ? kLongForm : 0));
        out.push_back(static_cast<std::uint8_t>(st.reg));
        if (st.kind == Step::Kind::kMdioWrite || st.kind == Step::Kind::kMiiWrite) u16(static_cast<unsigned>(st.value));
        if (st.addr >= 0) out.push_back(static_cast<std::uint8_t>(st.addr));
        break;
      case Step::Kind::kFault: {
        const hw::FaultRule& f = st.fault;
        out.push_back(op | (f.addr >= 0 ? kLongForm : 0));
        const int trigger = f.trigger == hw::FaultTrigger::kRegister ? 0 : f.trigger == hw::FaultTrigger::kAccessIndex ? 1 : 2;
        out.push_back(static_cast<std::uint8_t>(static_cast<int>(f.kind) + 7 * trigger));
        if (trigger == 0) {
          out.push_back(static_cast<std::uint8_t>(f.reg));
          out.push_back(static_cast<std::uint8_t>(f.nth < 0 ? 255 : std::min<long>(f.nth, 254)));
        } else if (trigger == 1) {
          out.push_back(static_cast<std::uint8_t>(std::min<std::uint64_t>(f.index, 255)));
        } else {
          out.push_back(static_cast<std::uint8_t>(std::clamp(std::lround(f.probability * 512) - 1, 0L, 255L)));
        }
        if (f.kind == hw::FaultKind::kStuckBits || f.kind == hw::FaultKind::kFlipBits) u16(f.mask);
        if (f.kind == hw::FaultKind::kStuckBits) u16(f.value);
        if (f.addr >= 0) out.push_back(static_cast<std::uint8_t>(f.addr));
        break;
      }
      default:
        out.push_back(op);
        break;
    }
  }
  return out;
}

}  // namespace refdrv
