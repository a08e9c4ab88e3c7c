// SPDX-License-Identifier: GPL-2.0
#include "engine/serialize.hpp"

namespace refdrv {

using nlohmann::json;

namespace {

// Speed and duplex in JSON as ethtool names them: phylib's SPEED_UNKNOWN
// (-1) and DUPLEX_UNKNOWN (0xff) are "unknown", duplex "half" or "full".
// Lossless: the fork channel reads them back.
json speed_json(int speed) { return speed == -1 ? json("unknown") : json(speed); }
int speed_from(const json& j) { return j.is_string() ? -1 : j.get<int>(); }
json duplex_json(int duplex) {
  switch (duplex) {
    case 0: return "half";
    case 1: return "full";
    case 0xff: return "unknown";
    default: return duplex;
  }
}
std::uint32_t link_modes_from(const json& mac, const char* key) {
  std::uint32_t bits = 0;
  for (const auto& name : mac.value(key, json::array()))
    if (auto bit = link_mode_bit(name.get<std::string>())) bits |= *bit;
  return bits;
}
int duplex_from(const json& j) {
  if (!j.is_string()) return j.get<int>();
  const auto s = j.get<std::string>();
  return s == "half" ? 0 : s == "full" ? 1 : 0xff;
}

}  // namespace

json trace_event_to_json(const TraceEvent& e) {
  json j = {{"t", e.time_ns}, {"kind", trace_kind_name(e.kind)}};
  if (e.addr >= 0) j["addr"] = e.addr;
  if (e.reg >= 0) j["reg"] = e.reg;
  if (e.value) j["value"] = e.value;
  if (e.result) j["result"] = e.result;
  if (e.fault) j["fault"] = true;
  if (!e.name.empty()) j["name"] = e.name;
  if (!e.detail.empty()) j["detail"] = e.detail;
  if (e.kind == TraceKind::kLink)
    j["mac"] = {{"link", e.link}, {"speed", speed_json(e.speed)}, {"duplex", duplex_json(e.duplex)},
                {"pause", e.pause}, {"asym_pause", e.asym_pause}};
  return j;
}

TraceEvent trace_event_from_json(const json& j) {
  TraceEvent e;
  e.time_ns = j.at("t").get<std::uint64_t>();
  const std::string kind = j.at("kind").get<std::string>();
  for (int k = 0; k <= static_cast<int>(TraceKind::kLeak); ++k)
    if (kind == trace_kind_name(static_cast<TraceKind>(k))) e.kind = static_cast<TraceKind>(k);
  e.addr = j.value("addr", -1);
  e.reg = j.value("reg", -1);
  e.value = j.value("value", 0L);
  e.result = j.value("result", 0);
  e.fault = j.value("fault", false);
  e.name = j.value("name", "");
  e.detail = j.value("detail", "");
  if (j.contains("mac")) {
    const json& m = j["mac"];
    e.link = m.value("link", 0);
    e.speed = m.contains("speed") ? speed_from(m["speed"]) : 0;
    e.duplex = m.contains("duplex") ? duplex_from(m["duplex"]) : 0;
    e.pause = m.value("pause", 0);
    e.asym_pause = m.value("asym_pause", 0);
  }
  return e;
}

json run_result_to_json(const RunResult& r, bool with_trace) {
  json j = {{"scenario", r.scenario},
            {"model", r.model},
            {"implementation", impl_name(r.impl)},
            {"passed", r.passed()},
            {"steps_run", r.steps_run},
            {"virtual_ns", r.virtual_ns},
            {"mdio_accesses", r.mdio_accesses},
            {"writes_during_reset", r.writes_during_reset},
            {"quirks_acted", r.quirks_acted},
            {"wall_seconds", r.wall_seconds},
            {"leaked_bytes", r.leaked_bytes},
            {"warnings", r.warnings},
            {"states_sampled", r.states_sampled},
            {"states_hooked", r.states_hooked}};
  j["stop"] = r.stop ? json(*r.stop) : json(nullptr);
  j["callbacks"] = r.callbacks;
  j["firmware_requested"] = r.firmware_requested;
  j["firmware_missing"] = r.firmware_missing;
  j["faults_never_fired"] = r.faults_never_fired;
  json ex = json::array();
  for (const auto& e : r.expectations)
    ex.push_back({{"step", e.step}, {"where", e.where}, {"ok", e.ok}, {"message", e.message}});
  j["expectations"] = ex;
  json mac = json::array();
  for (const auto& m : r.mac_after_step) {
    json entry = {{"link", m.link},
                  {"speed", speed_json(m.speed)},
                  {"duplex", duplex_json(m.duplex)},
                  {"pause", m.pause},
                  {"asym_pause", m.asym_pause},
                  {"carrier", m.carrier},
                  {"internal", m.internal},
                  {"autoneg", m.autoneg != 0},
                  {"ethtool_speed", speed_json(m.ethtool_speed)},
                  {"ethtool_duplex", duplex_json(m.ethtool_duplex)},
                  {"supported", link_mode_list(m.supported)},
                  {"advertising", link_mode_list(m.advertising)},
                  {"lp_advertising", link_mode_list(m.lp_advertising)},
                  {"link_mode_masks",
                   {{"supported", link_mode_mask(m.supported_bits)},
                    {"advertising", link_mode_mask(m.advertising_bits)},
                    {"lp_advertising", link_mode_mask(m.lp_advertising_bits)}}}};
    for (const auto& [name, field] : kMacViewNumbers) entry[name] = m.*field;
    mac.push_back(std::move(entry));
  }
  j["mac_after_step"] = mac;
  if (!r.last_lines.empty()) j["last_lines"] = r.last_lines;
  if (!r.output.empty()) j["output"] = r.output;
  if (r.fault) {
    const FaultEffect& f = *r.fault;
    json cbs = json::array();
    for (const auto& [name, ret] : f.callbacks) cbs.push_back({{"callback", name}, {"returned", ret}});
    j["fault_effect"] = {{"reached", f.reached},       {"injected", f.injected}, {"event", f.event},     {"access", f.access},
                         {"step", f.step},             {"callbacks", cbs},     {"api", f.api},
                         {"api_returned", f.api_ret},  {"error_states_after", f.error_states_after}};
  }
  if (with_trace) {
    json t = json::array();
    for (const auto& e : r.trace.events()) t.push_back(trace_event_to_json(e));
    j["trace"] = t;
  }
  return j;
}

RunResult run_result_from_json(const json& j) {
  RunResult r;
  r.scenario = j.at("scenario").get<std::string>();
  r.model = j.at("model").get<std::string>();
  r.impl = impl_from(j.at("implementation").get<std::string>()).value_or(Impl::kNone);
  r.steps_run = j.value("steps_run", std::size_t{0});
  r.virtual_ns = j.value("virtual_ns", std::uint64_t{0});
  r.mdio_accesses = j.value("mdio_accesses", std::uint64_t{0});
  r.writes_during_reset = j.value("writes_during_reset", std::uint64_t{0});
  r.quirks_acted = j.value("quirks_acted", std::vector<std::string>{});
  r.wall_seconds = j.value("wall_seconds", 0.0);
  r.leaked_bytes = j.value("leaked_bytes", std::size_t{0});
  r.warnings = j.value("warnings", std::size_t{0});
  if (const auto fw = j.find("firmware_requested"); fw != j.end() && fw->is_array())
    for (const auto& name : *fw)
      if (name.is_string()) r.firmware_requested.insert(name.get<std::string>());
  if (const auto f = j.find("faults_never_fired"); f != j.end() && f->is_array())
    for (const auto& rule : *f)
      if (rule.is_string()) r.faults_never_fired.push_back(rule.get<std::string>());
  if (const auto fw = j.find("firmware_missing"); fw != j.end() && fw->is_array())
    for (const auto& name : *fw)
      if (name.is_string()) r.firmware_missing.insert(name.get<std::string>());
  r.states_sampled = j.value("states_sampled", "");
  r.states_hooked = j.value("states_hooked", "");
  if (j.contains("stop") && !j["stop"].is_null()) r.stop = j["stop"].get<std::string>();
  for (const auto& c : j.value("callbacks", json::array())) r.callbacks.insert(c.get<std::string>());
  for (const auto& e : j.value("expectations", json::array()))
    r.expectations.push_back({e.at("step").get<std::size_t>(), e.at("where").get<std::string>(),
                              e.at("ok").get<bool>(), e.at("message").get<std::string>()});
  for (const auto& m : j.value("mac_after_step", json::array())) {
    MacView v{m.at("link").get<bool>(), speed_from(m.at("speed")), duplex_from(m.at("duplex")),
              m.at("pause").get<int>(), m.at("asym_pause").get<int>(), m.at("carrier").get<bool>(),
              m.value("internal", false), m.value("autoneg", false) ? 1 : 0,
              speed_from(m.value("ethtool_speed", json("unknown"))),
              duplex_from(m.value("ethtool_duplex", json("unknown"))),
              link_modes_from(m, "supported"), link_modes_from(m, "advertising"),
              link_modes_from(m, "lp_advertising")};
    const json masks = m.value("link_mode_masks", json::object());
    const auto mask = [&](const char* key) {
      return link_mode_mask_from(masks.value(key, std::string("0x0"))).value_or(MacView::LinkModeBits{});
    };
    v.supported_bits = mask("supported");
    v.advertising_bits = mask("advertising");
    v.lp_advertising_bits = mask("lp_advertising");
    for (const auto& [name, field] : kMacViewNumbers) v.*field = m.value(name, 0);
    r.mac_after_step.push_back(v);
  }
  r.last_lines = j.value("last_lines", std::vector<std::string>{});
  r.output = j.value("output", "");
  if (j.contains("fault_effect")) {
    const json& f = j["fault_effect"];
    FaultEffect fx;
    fx.reached = f.at("reached").get<bool>();
    fx.injected = f.at("injected").get<bool>();
    fx.event = f.at("event").get<std::size_t>();
    fx.access = f.at("access").get<std::string>();
    fx.step = f.at("step").get<std::string>();
    for (const auto& c : f.at("callbacks")) fx.callbacks.emplace_back(c.at("callback").get<std::string>(), c.at("returned").get<long>());
    fx.api = f.at("api").get<std::string>();
    fx.api_ret = f.at("api_returned").get<long>();
    fx.error_states_after = f.at("error_states_after").get<std::size_t>();
    r.fault = fx;
  }
  for (const auto& e : j.value("trace", json::array())) r.trace.add(trace_event_from_json(e));
  return r;
}

}  // namespace refdrv
