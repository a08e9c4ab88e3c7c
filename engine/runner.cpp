// SPDX-License-Identifier: GPL-2.0
#include "engine/runner.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

#include "engine/compare.hpp"
#include "engine/environment.hpp"
#include "engine/firmware.hpp"
#include "engine/snapshot.hpp"
#include "hw/catalog.hpp"
#include "hw/clause45.hpp"
#include "hw/regdump.hpp"

namespace refdrv {

std::size_t RunResult::failures() const {
  std::size_t n = 0;
  for (const auto& e : expectations)
    if (!e.ok) ++n;
  if (stop) ++n;
  if (leaked_bytes) ++n;
  return n;
}

void count_run(RunCount& count, const std::string& why) {
  if (why.empty()) return;
  if (count.second.empty()) count.second = why;
  ++count.first;
}

std::vector<std::string> quirk_names(std::uint32_t bits) {
  std::vector<std::string> out;
  const auto catalog = hw::quirk_catalog();
  for (std::size_t i = 0; i < catalog.size() && i < 32; ++i)
    if (bits >> i & 1u) out.emplace_back(catalog[i].name);
  return out;
}

std::string unemulated_function_in(std::string_view text) {
  constexpr std::string_view kStub = "unemulated kernel function ";
  const std::size_t at = text.find(kStub);
  if (at == std::string_view::npos) return {};
  const std::size_t from = at + kStub.size();
  const std::size_t end = text.find_first_of("( ", from);
  return std::string(text.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from));
}

const ExpectationResult* RunResult::failed_before_stop() const {
  for (const auto& e : expectations)
    if (!e.ok) return e.step + 1 < steps_run ? &e : nullptr;
  return nullptr;
}

std::optional<std::size_t> stub_stop_step(const RunResult& r) {
  if (unemulated_function_in(r.stop.value_or("")).empty() || r.failed_before_stop()) return std::nullopt;
  return r.steps_run ? r.steps_run - 1 : 0;
}

bool diverged_before_stub(std::size_t step, const RunResult& a, const RunResult& b) {
  std::optional<std::size_t> stop = stub_stop_step(a);
  if (const auto other = stub_stop_step(b)) stop = stop ? std::min(*stop, *other) : *other;
  return !stop || step < *stop;
}

std::string RunResult::failure_summary() const {
  if (stop) return "stopped: " + *stop;
  for (const auto& e : expectations)
    if (!e.ok) return e.where + ": " + e.message;
  if (leaked_bytes) return fmt::format("teardown leaked {} bytes", leaked_bytes);
  return {};
}

std::string link_mode_mask(const MacView::LinkModeBits& bits) {
  if (bits[1]) return fmt::format("0x{:x}{:016x}", bits[1], bits[0]);
  return fmt::format("0x{:x}", bits[0]);
}

std::optional<MacView::LinkModeBits> link_mode_mask_from(const std::string& text) {
  if (text.size() < 3 || text.size() > 34 || text.rfind("0x", 0) != 0) return std::nullopt;
  const std::string digits = text.substr(2);
  if (digits.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  const std::size_t lo_len = std::min<std::size_t>(digits.size(), 16);
  const std::string lo = digits.substr(digits.size() - lo_len), hi = digits.substr(0, digits.size() - lo_len);
  return MacView::LinkModeBits{std::stoull(lo, nullptr, 16), hi.empty() ? 0 : std::stoull(hi, nullptr, 16)};
}

namespace {

// The fault-injection tag of a `fault` step's rule: this plus the step's
// index (a scenario's `faults:` entries are tagged by their index).
constexpr int kStepFaultTag = 1 << 20;

// phylib's values as ethtool names them: SPEED_UNKNOWN (-1) and
// DUPLEX_UNKNOWN (0xff) are "unknown".
const char* duplex_name(int d) { return d == 1 ? "full" : d == 0 ? "half" : "unknown"; }
std::string speed_name(int s) { return s > 0 ? std::to_string(s) : "unknown"; }

std::string step_detail(const Step& st) {
  switch (st.kind) {
    case Step::Kind::kWait:
    case Step::Kind::kFlap:
      return fmt::format("{}ms", st.ns / 1000000.0);
    case Step::Kind::kPlug:
      return partner_text(st.partner);
    case Step::Kind::kFault:
      return fmt::format("{} ({})", hw::fault_kind_name(st.fault.kind), st.where.str());
    case Step::Kind::kMdioRead:
    case Step::Kind::kMdioWrite:
    case Step::Kind::kMiiRead:
    case Step::Kind::kMiiWrite:
      return hw::register_name(static_cast<unsigned>(st.reg));
    default:
      return {};
  }
}

class Run {
 public:
  Run(Environment& env, const Scenario& sc, const std::string& model, Impl impl, const RunOptions& opt)
      : env_(env), sc_(sc), impl_(impl), opt_(opt) {
    result_.scenario = sc.name;
    result_.model = model;
    result_.impl = impl;
  }

  RunResult run() {
    const auto wall0 = std::chrono::steady_clock::now();
    const auto info = hw::find_model(result_.model);
    if (!info) {
      result_.stop = "unknown model " + result_.model;
      return std::move(result_);
    }
    const RunBudgets budgets = run_budgets(sc_, opt_);
    addr_ = static_cast<int>(info->default_addr);
    // The snapshot points, when this run may use them (engine/snapshot.hpp):
    // the longer beginning restored if the cache has it, else the shorter.
    // Not with check_wire: a restored instance carries the comparison (and
    // what it found) of the run that saved it; nothing asks for both.
    SnapshotPoints points =
        opt_.snapshots && !opt_.extra_fault && !opt_.check_wire ? snapshot_points(sc_) : SnapshotPoints{};
    // A prefix run (max_steps) schedules no cable step past its end: a point
    // whose state holds such a step is not this run's.
    if (points.check && snapshot_key_end(sc_, points.check) > opt_.max_steps) points.check = 0;
    if (points.attach && snapshot_key_end(sc_, points.attach) > opt_.max_steps) points.attach = 0;
    std::size_t first = 0;
    if (points.check && restore(points.check, budgets)) first = points.check;
    else if (points.attach && restore(points.attach, budgets)) first = points.attach;
    if (!first) start_fresh(*info, budgets);

    for (std::size_t i = first; i < sc_.steps.size() && i < opt_.max_steps && !inst_->stopped(); ++i) {
      const Step& st = sc_.steps[i];
      std::string detail = step_detail(st);
      // A cable step scheduled while the kernel side ran past it says when it happened.
      if (cable_step(st.kind) && i < scheduled_until_ && cable_at_[i] != inst_->now_ns())
        detail += fmt::format("{}at {:.6f} s", detail.empty() ? "" : ", ", static_cast<double>(cable_at_[i]) / 1e9);
      // After a failed mdiobus_register() (a fault in the bus scan) an
      // operation enters no kernel code: the trace says so at each.
      if (is_operation(st.kind) && !inst_->has_bus())
        detail += fmt::format("{}not run: no MDIO bus (mdiobus_register() failed)", detail.empty() ? "" : ", ");
      inst_->mark(TraceKind::kStep, step_name(st.kind), std::move(detail), static_cast<long>(i));
      step(i, st);
      wire_check(i, st);
      result_.mac_after_step.push_back(mac_view());
      result_.steps_run = i + 1;
      for (const std::size_t point : {points.attach, points.check})
        if (point && first < point && i + 1 == point) save_snapshot(point);
    }
    finish();
    result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    return std::move(result_);
  }

 private:
  std::function<std::optional<std::vector<std::uint8_t>>(const std::string&)> firmware_files() {
    return [this](const std::string& name) { return firmware_file(env_.firmware(), sc_, name); };
  }

  void start_fresh(const hw::ModelInfo& info, const RunBudgets& budgets) {
    InstanceConfig cfg;
    cfg.impl = impl_;
    cfg.phy_mask = info.bus_mask;
    cfg.mdio_c22 = info.clause22;
    cfg.mdio_c45 = info.clause45;
    cfg.interface = info.ten_gig ? REFDRV_IF_XAUI : REFDRV_IF_MII;
    cfg.mdio_budget = budgets.mdio_accesses;
    cfg.mdio_frame_ns = sc_.mdio_frame_ns;
    cfg.fault_seed = sc_.seed;
    cfg.time_budget_ns = budgets.virtual_ns;
    cfg.firmware = firmware_files();
    // The sweep's fault is the run's point: not held to the wire at all. A
    // scenario's own faults and raw writes exempt the reports after the
    // first that took effect (Instance::link_reported).
    cfg.check_wire = opt_.check_wire && !opt_.extra_fault;
    owned_ = std::make_unique<Instance>(env_.image(), cfg);
    inst_ = owned_.get();
    inst_->set_record_logs(opt_.logs);
    inst_->add_device(addr_, hw::make_model(result_.model, sc_.phy_id, sc_.page_register, sc_.timing));
    phy_ = inst_->device(addr_);
    if (sc_.partner) phy_->plug(*sc_.partner, 0);
    phy_->schedule_after_instant();  // the steps' cable events (schedule_cable_steps)
    // The harness's fault first: the first rule that matches an access
    // decides it, and the access the sweep fails must fail whatever rules
    // of its own the scenario has (they would otherwise take it, and the
    // point would compare runs in which nothing was injected). Every rule
    // still counts that access (hw::FaultInjector::decide), so the
    // scenario's own rules fire where they fire without the sweep's.
    if (opt_.extra_fault) {
      hw::FaultRule rule = *opt_.extra_fault;
      rule.harness = true;
      inst_->faults().add(rule);
    }
    for (std::size_t k = 0; k < sc_.faults.size(); ++k) inst_->faults().add(sc_.faults[k], static_cast<int>(k));
    inst_->create();
    scenario_ns_ = inst_->now_ns();
    schedule_cable_steps(0);
  }

  // The cable steps from step `from` up to the next kernel call, scheduled
  // in the model now, each at the scenario's time after the waits before it
  // (from scenario_ns_, the last kernel call's return): the wire does not
  // wait for kernel code that sleeps (a work item resetting the PHY, say),
  // as it would if each step were taken only once the kernel side is idle.
  void schedule_cable_steps(std::size_t from) {
    cable_at_.resize(sc_.steps.size());
    std::uint64_t t = scenario_ns_;
    std::size_t j = from;
    for (; j < sc_.steps.size() && j < opt_.max_steps && !is_operation(sc_.steps[j].kind); ++j) {
      const Step& st = sc_.steps[j];
      if (st.kind == Step::Kind::kWait) t += st.ns;
      if (!cable_step(st.kind)) continue;
      cable_at_[j] = t;
      switch (st.kind) {
        case Step::Kind::kPlug: phy_->plug(st.partner, t); break;
        case Step::Kind::kUnplug: phy_->unplug(t); break;
        case Step::Kind::kFlap: phy_->flap(t, st.ns); break;
        default: phy_->partner_restart_aneg(t); break;
      }
    }
    scheduled_until_ = j;
  }

  SnapshotQuery snapshot_query(std::size_t point) const {
    return {&env_.image(), impl_, result_.model, sc_, point, opt_.logs};
  }

  // From a snapshot of a run that began as this one: true when restored.
  bool restore(std::size_t point, const RunBudgets& budgets) {
    SnapshotCache& cache = *opt_.snapshots;
    SnapshotCache::Entry* e = cache.find(snapshot_query(point));
    // The beginning ran within this run's budgets too, or it is not the same.
    if (!e || (budgets.virtual_ns && e->run.virtual_ns > budgets.virtual_ns) ||
        (budgets.mdio_accesses && e->run.mdio_accesses > budgets.mdio_accesses))
      return false;
    // A snapshot whose beginning drew no random number serves every seed
    // (SnapshotKey::seed): its injector has made no draw (checked before
    // anything is restored), so the run's own seed goes in.
    const bool drew = e->snapshot.faults.draws() != 0;
    if (drew && e->key.seed != sc_.seed) return false;
    if (!e->instance->restore(e->snapshot)) return false;
    if (!drew) (void)e->instance->set_fault_seed(sc_.seed);
    inst_ = e->instance.get();
    shared_ = e->instance;  // kept while this run goes on, whatever the cache drops
    inst_->set_budgets(budgets.virtual_ns, budgets.mdio_accesses);
    inst_->set_firmware(firmware_files());
    phy_ = inst_->device(addr_);
    result_.mac_after_step = e->run.mac_after_step;
    result_.steps_run = e->run.mac_after_step.size();
    mac_ = e->run.mac;
    mac_scanned_ = e->run.mac_scanned;
    scenario_ns_ = e->run.scenario_ns;
    scheduled_until_ = e->run.scheduled_until;
    cable_at_ = e->run.cable_at;
    digest_prefix_ = e->run.digest;
    cache.use(*e);
    return true;
  }

  void save_snapshot(std::size_t point) {
    SnapshotCache& cache = *opt_.snapshots;
    if (!cache.worth_saving(snapshot_query(point))) return;
    ++cache.stats().fresh;
    auto e = std::make_unique<SnapshotCache::Entry>();
    if (auto r = inst_->save(e->snapshot); !r) {
      ++cache.stats().refused;
      cache.stats().last_refusal = r.error().message;
      return;
    }
    e->key = SnapshotKey(snapshot_query(point));
    e->run.mac_after_step = result_.mac_after_step;
    e->run.mac = mac_;
    e->run.mac_scanned = mac_scanned_;
    e->run.virtual_ns = inst_->now_ns();
    e->run.mdio_accesses = inst_->mdio_accesses();
    e->run.scenario_ns = scenario_ns_;
    e->run.scheduled_until = scheduled_until_;
    e->run.cable_at = cable_at_;
    e->run.digest = std::make_shared<const DigestPrefix>(digest_prefix(inst_->trace()));
    // The cache keeps the instance; this run goes on with it (and may save
    // it again at its other point).
    if (owned_) shared_ = std::move(owned_);
    e->instance = shared_;
    cache.add(std::move(e));
  }

  // The links up the MAC was told during step i that the PHY's link did not
  // run (RunOptions::check_wire): each fails the run as an expectation of that step.
  void wire_check(std::size_t i, const Step& st) {
    const auto& found = inst_->wire_mismatches();
    for (; wire_seen_ < found.size(); ++wire_seen_) expect(i, st, false, found[wire_seen_]);
  }

  void expect(std::size_t i, const Step& st, bool ok, std::string message) {
    inst_->mark(TraceKind::kExpect, step_name(st.kind), message, ok ? 1 : 0);
    result_.expectations.push_back({i, st.where.str(), ok, std::move(message)});
  }

  // The last link change the MAC saw (read from the trace events added since
  // the previous call) and the carrier now.
  MacView mac_view() {
    const auto& ev = inst_->trace().events();
    for (; mac_scanned_ < ev.size(); ++mac_scanned_) {
      const TraceEvent& e = ev[mac_scanned_];
      if (e.kind != TraceKind::kLink) continue;
      mac_.link = e.link;
      mac_.speed = e.speed;
      mac_.duplex = e.duplex;
      mac_.pause = e.pause;
      mac_.asym_pause = e.asym_pause;
    }
    MacView v = mac_;
    if (auto st = inst_->status()) {
      v.carrier = st->carrier;
      v.internal = st->transceiver_internal;
      v.autoneg = st->autoneg;
      v.ethtool_speed = st->speed;
      v.ethtool_duplex = st->duplex;
      v.supported = st->supported;
      v.advertising = st->advertising;
      v.lp_advertising = st->lp_advertising;
      v.supported_bits = {st->supported_bits[0], st->supported_bits[1]};
      v.advertising_bits = {st->advertising_bits[0], st->advertising_bits[1]};
      v.lp_advertising_bits = {st->lp_advertising_bits[0], st->lp_advertising_bits[1]};
      v.port = st->port;
      v.mdix_ctrl = st->mdix_ctrl;
      v.mdix = st->mdix;
      v.master_slave_cfg = st->master_slave_get;
      v.master_slave_state = st->master_slave_state;
      v.rate_matching = st->rate_matching;
      v.interface = st->interface;
    }
    return v;
  }

  void operation(std::size_t i, const Step& st) {
    long a = 0, b = 0, c = 0, d = 0;
    int op = 0;
    switch (st.kind) {
      case Step::Kind::kAttach: op = REFDRV_OP_ATTACH; a = addr_; break;
      case Step::Kind::kDetach: op = REFDRV_OP_DETACH; break;
      case Step::Kind::kStart: op = REFDRV_OP_START; break;
      case Step::Kind::kStop: op = REFDRV_OP_STOP; break;
      case Step::Kind::kSuspend: op = REFDRV_OP_SUSPEND; break;
      case Step::Kind::kResume: op = REFDRV_OP_RESUME; break;
      case Step::Kind::kInitHw: op = REFDRV_OP_INIT_HW; break;
      case Step::Kind::kStartAneg: op = REFDRV_OP_START_ANEG; break;
      case Step::Kind::kRestartAneg: op = REFDRV_OP_RESTART_ANEG; break;
      case Step::Kind::kGenphySoftReset: op = REFDRV_OP_GENPHY_SOFT_RESET; break;
      case Step::Kind::kEthtool: {
        op = REFDRV_OP_KSETTINGS_SET;
        auto cur = inst_->status();
        const bool autoneg = st.ethtool.autoneg.value_or(cur ? cur->autoneg != 0 : true);
        a = autoneg ? 1 : 0;
        if (autoneg) {
          // What was asked for (0, -1: nothing): with autoneg on, ethtool
          // advertises the supported modes of that speed and duplex.
          b = st.ethtool.speed.value_or(0);
          c = st.ethtool.full_duplex ? (*st.ethtool.full_duplex ? 1 : 0) : -1;
        } else {
          b = st.ethtool.speed.value_or(cur && cur->speed > 0 ? cur->speed : 100);
          c = st.ethtool.full_duplex.value_or(cur ? cur->duplex == 1 : true) ? 1 : 0;
        }
        d = st.ethtool.advertise ? static_cast<long>(*st.ethtool.advertise) : -1;
        break;
      }
      case Step::Kind::kMdioRead:
      case Step::Kind::kMdioWrite:
        if (st.kind == Step::Kind::kMdioWrite) inst_->exempt_wire();  // a register written behind the driver's back
        a = st.addr >= 0 ? st.addr : addr_;
        if (hw::c45::is_c45(static_cast<unsigned>(st.reg))) {
          // MMD.register: mdiobus_c45_read()/_write() (a Clause-22 call with
          // the encoded number used to fail with -EOPNOTSUPP, the step passing).
          op = st.kind == Step::Kind::kMdioRead ? REFDRV_OP_MDIO_READ_C45 : REFDRV_OP_MDIO_WRITE_C45;
          b = hw::c45::devad_of(static_cast<unsigned>(st.reg));
          c = hw::c45::reg_of(static_cast<unsigned>(st.reg));
          d = st.value;
        } else {
          op = st.kind == Step::Kind::kMdioRead ? REFDRV_OP_MDIO_READ : REFDRV_OP_MDIO_WRITE;
          b = st.reg;
          c = st.value;
        }
        break;
      case Step::Kind::kMiiRead:
      case Step::Kind::kMiiWrite:
        if (st.kind == Step::Kind::kMiiWrite) inst_->exempt_wire();  // as an mdio-write
        op = st.kind == Step::Kind::kMiiRead ? REFDRV_OP_MII_READ : REFDRV_OP_MII_WRITE;
        a = st.addr >= 0 ? st.addr : addr_;
        b = st.reg;
        c = st.value;
        if (hw::c45::is_c45(static_cast<unsigned>(st.reg))) {
          // The ioctl's own Clause-45 form, as phytool writes it:
          // phy_id = mdio_phy_id_c45(prtad, devad), reg_num = the register.
          a = 0x8000 /* MDIO_PHY_ID_C45 */ | a << 5 | hw::c45::devad_of(static_cast<unsigned>(st.reg));
          b = hw::c45::reg_of(static_cast<unsigned>(st.reg));
        }
        break;
      default:
        return;
    }
    // The call is made once the kernel side is idle (a MAC's call would wait
    // for phydev->lock); the steps after it count from its return, and the
    // cable steps before the next call are scheduled before the work it
    // queued runs.
    scenario_ns_ = std::max(scenario_ns_, inst_->now_ns());
    const CallResult r = inst_->call(op, a, b, c, d);
    scenario_ns_ = std::max(scenario_ns_, inst_->now_ns());
    if (!r.stop) {
      schedule_cable_steps(i + 1);
      inst_->run_until(inst_->now_ns());
    }
    if (r.stop || !st.returns) return;
    const bool ok = r.ret == *st.returns;
    auto name = [](int v) { return return_text(v); };
    expect(i, st, ok,
           ok ? fmt::format("{} returned {}", step_name(st.kind), name(r.ret))
              : fmt::format("{} returned {}, expected {}", step_name(st.kind), name(r.ret), name(*st.returns)));
  }

  void check(std::size_t i, const Step& st) {
    const Expectation& e = st.expect;
    if (!e.models.empty() && std::find(e.models.begin(), e.models.end(), result_.model) == e.models.end()) return;
    auto status = inst_->status();
    if (!status) {
      expect(i, st, false, "no PHY on the bus to check");
      return;
    }
    std::vector<std::string> bad, good;
    auto cmp = [&](bool ok, std::string what) { (ok ? good : bad).push_back(std::move(what)); };
    if (e.link) cmp((status->link != 0) == *e.link, fmt::format("link {} (phylib: {})", *e.link ? "up" : "down", status->link ? "up" : "down"));
    if (e.speed)
      cmp(status->speed == *e.speed, fmt::format("speed {} (phylib: {})", speed_name(*e.speed), speed_name(status->speed)));
    if (e.duplex) cmp(status->duplex == *e.duplex, fmt::format("duplex {} (phylib: {})", duplex_name(*e.duplex), duplex_name(status->duplex)));
    if (!e.states.empty())
      cmp(std::find(e.states.begin(), e.states.end(), status->state_name) != e.states.end(),
          fmt::format("state {} (phylib: {})", fmt::join(e.states, " or "), status->state_name));
    if (e.carrier) cmp((status->carrier != 0) == *e.carrier, fmt::format("carrier {} (MAC: {})", *e.carrier ? "on" : "off", status->carrier ? "on" : "off"));
    if (e.advertising)
      cmp(status->advertising == *e.advertising, fmt::format("advertised {} (phylib: {})", link_mode_names(*e.advertising),
                                                             link_mode_names(status->advertising)));
    if (e.lp_advertising)
      cmp(status->lp_advertising == *e.lp_advertising,
          fmt::format("link partner advertised {} (phylib: {})", link_mode_names(*e.lp_advertising),
                      link_mode_names(status->lp_advertising)));
    if (e.mac_link) {
      const MacView v = mac_view();
      cmp(v.link == *e.mac_link, fmt::format("MAC link {} (MAC saw: {})", *e.mac_link ? "up" : "down", v.link ? "up" : "down"));
    }
    if (e.mac_link_events) {
      std::vector<bool> seen;
      std::string seen_text, want_text;
      const auto& ev = inst_->trace().events();
      for (std::size_t k = last_expect_event_; k < ev.size(); ++k)
        if (ev[k].kind == TraceKind::kLink) {
          seen.push_back(ev[k].link != 0);
          seen_text += std::string(seen_text.empty() ? "" : ",") + (ev[k].link ? "up" : "down");
        }
      for (bool b : *e.mac_link_events) want_text += std::string(want_text.empty() ? "" : ",") + (b ? "up" : "down");
      cmp(seen == *e.mac_link_events, fmt::format("MAC link changes [{}] (MAC saw: [{}])", want_text, seen_text));
    }
    if (e.bound) cmp((status->bound != 0) == *e.bound, fmt::format("a driver {}bound (bound: {})", *e.bound ? "" : "not ", status->bound ? status->driver : "none"));
    if (e.driver) cmp(status->driver == *e.driver, fmt::format("driver \"{}\" (bound: \"{}\")", *e.driver, status->driver));
    if (e.powered_down) {
      const bool pd = phy_->powered_down(inst_->now_ns());
      cmp(pd == *e.powered_down, fmt::format("powered down {} (model: {})", *e.powered_down ? "yes" : "no", pd ? "yes" : "no"));
    }
    if (e.firmware_loaded) {
      const auto running = phy_->running_firmware();
      std::optional<std::vector<std::uint8_t>> given;
      for (const auto& [name, bytes] : inst_->firmware_requests())
        if (bytes) given = bytes;  // the last file the driver was given
      std::string model;
      bool same = false;
      if (!running) {
        model = "started no program from its memory";
      } else if (!given) {
        model = fmt::format("started {} bytes, but the driver was given no firmware", running->size());
      } else if (*running == *given) {
        same = true;
        model = fmt::format("started the {} bytes given, byte for byte (not executed)", given->size());
      } else {
        std::size_t k = 0;
        while (k < running->size() && k < given->size() && (*running)[k] == (*given)[k]) ++k;
        model = fmt::format("started {} bytes; the {} given differ from byte {}", running->size(), given->size(), k);
      }
      cmp(same == *e.firmware_loaded,
          fmt::format("firmware {} (model: {})", *e.firmware_loaded ? "loaded" : "not loaded", model));
    }
    for (const auto& [cb, want] : e.returned) {
      std::optional<long> got;
      for (const auto& ev : inst_->trace().events())
        if (ev.kind == TraceKind::kCallbackExit && ev.name == cb) got = ev.value;
      cmp(got && *got == want, fmt::format("{}() returned {} ({})", cb, return_text(want),
                                           got ? "it returned " + return_text(*got) : "it never ran"));
    }
    for (const auto& r : e.registers) {
      // peek() reads what a frame would: a Clause-22 register of a model
      // that answers Clause-45 frames only reads as the bus's pull-ups.
      const std::uint16_t v = phy_->peek(r.reg, inst_->now_ns());
      const auto* model = dynamic_cast<const hw::PhyModel*>(phy_);
      const bool unanswered = model && !model->spec().clause22 && !hw::c45::is_c45(r.reg);
      cmp((v & r.mask) == r.value,
          fmt::format("{} & 0x{:04x} == 0x{:04x} (model: 0x{:04x}{})", hw::register_name(r.reg), r.mask, r.value, v,
                      unanswered ? ", no answer: it takes Clause-45 frames only" : ""));
    }
    if (e.mac_link_events) last_expect_event_ = inst_->trace().size();
    if (bad.empty()) {
      std::string msg;
      for (const auto& g : good) msg += (msg.empty() ? "" : ", ") + g;
      expect(i, st, true, msg);
    } else {
      std::string msg = "expected ";
      for (std::size_t k = 0; k < bad.size(); ++k) msg += (k ? ", " : "") + bad[k];
      expect(i, st, false, msg);
    }
  }

  void step(std::size_t i, const Step& st) {
    switch (st.kind) {
      case Step::Kind::kWait:
        // The scenario's clock; the kernel side may be past it already.
        scenario_ns_ += st.ns;
        inst_->run_until(std::max(scenario_ns_, inst_->now_ns()));
        return;
      case Step::Kind::kPlug:
      case Step::Kind::kUnplug:
      case Step::Kind::kFlap:
      case Step::Kind::kPartnerRestartAneg:
        // Scheduled when the kernel call before it returned
        // (schedule_cable_steps); from here on it holds at its instant too.
        phy_->release(inst_->now_ns());
        return;
      case Step::Kind::kFault: {
        hw::FaultRule rule = st.fault;
        // A scenario's access index counts from the fault step on.
        if (rule.trigger == hw::FaultTrigger::kAccessIndex) rule.index += inst_->faults().accesses();
        inst_->faults().add(rule, kStepFaultTag + static_cast<int>(i));
        return;
      }
      case Step::Kind::kClearFaults:
        inst_->faults().clear_rules();
        return;
      case Step::Kind::kExpect:
        check(i, st);
        return;
      default:
        operation(i, st);
        return;
    }
  }

  void finish() {
    for (const auto& e : inst_->trace().events()) {
      if (e.kind == TraceKind::kCallbackEnter) result_.callbacks.insert(e.name);
      if (e.kind == TraceKind::kWarn) ++result_.warnings;
    }
    result_.mdio_accesses = inst_->mdio_accesses();
    result_.writes_during_reset = inst_->writes_during_reset();
    for (const auto& [name, bytes] : inst_->firmware_requests()) {
      result_.firmware_requested.insert(name);
      if (!bytes) result_.firmware_missing.insert(name);
    }
    result_.virtual_ns = inst_->now_ns();
    if (opt_.register_dump) {
      if (auto* model = dynamic_cast<hw::PhyModel*>(phy_))
        result_.register_dump = hw::dump_registers(*model, inst_->now_ns());
      else
        result_.register_dump = phy_ ? "(no register dump for this model: Clause-22 models only)\n"
                                     : "(no PHY on the bus)\n";
    }
    for (const int tag : inst_->faults().never_fired())
      result_.faults_never_fired.push_back(
          tag >= kStepFaultTag ? fmt::format("step {} ({})", tag - kStepFaultTag + 1,
                                             sc_.steps[static_cast<std::size_t>(tag - kStepFaultTag)].where.str())
                               : fmt::format("faults: entry {}", tag + 1));
    inst_->destroy();
    // After the teardown, whose MDIO traffic the stop and the digests
    // include too.
    result_.quirks_acted = quirk_names(inst_->quirks_acted());
    result_.states_sampled = inst_->sampled_because();
    result_.states_hooked = inst_->hooks_because();
    result_.stop = inst_->stop_reason();
    result_.leaked_bytes = inst_->leaked_bytes();
    result_.trace = std::move(inst_->trace());
    result_.digest = digests(result_, digest_prefix_.get());
    if (opt_.extra_fault && opt_.extra_fault->trigger == hw::FaultTrigger::kAccessIndex) {
      result_.fault = fault_effect(result_.trace, opt_.extra_fault->index);
      const auto& hits = inst_->faults().harness_hits();
      result_.fault->injected = std::find(hits.begin(), hits.end(), opt_.extra_fault->index) != hits.end();
    }
  }

  Environment& env_;
  const Scenario& sc_;
  Impl impl_;
  const RunOptions& opt_;
  RunResult result_;
  std::unique_ptr<Instance> owned_;   // unless a snapshot cache keeps the instance
  std::shared_ptr<const DigestPrefix> digest_prefix_;  // of the snapshot restored, if any
  std::shared_ptr<Instance> shared_;  // ... which it then shares with this run
  Instance* inst_ = nullptr;
  hw::WiredPhy* phy_ = nullptr;
  int addr_ = 0;
  std::size_t last_expect_event_ = 0;
  MacView mac_;
  std::size_t mac_scanned_ = 0;
  std::size_t wire_seen_ = 0;  // of inst_->wire_mismatches()
  std::uint64_t scenario_ns_ = 0;       // the scenario's clock (schedule_cable_steps)
  std::size_t scheduled_until_ = 0;     // cable steps before it are scheduled in the model
  std::vector<std::uint64_t> cable_at_;  // when each scheduled cable step happens
};

}  // namespace

FaultEffect fault_effect(const Trace& trace, std::uint64_t index) {
  FaultEffect fx;
  const auto& ev = trace.events();
  std::vector<std::size_t> callbacks, apis;  // open frames (event indexes)
  std::uint64_t accesses = 0;
  std::size_t at = ev.size();
  std::string step;
  for (std::size_t i = 0; i < ev.size() && at == ev.size(); ++i) {
    const TraceEvent& e = ev[i];
    switch (e.kind) {
      case TraceKind::kStep: step = e.name; break;
      case TraceKind::kCallbackEnter: callbacks.push_back(i); break;
      case TraceKind::kCallbackExit: if (!callbacks.empty()) callbacks.pop_back(); break;
      case TraceKind::kApiEnter: apis.push_back(i); break;
      case TraceKind::kApiExit: if (!apis.empty()) apis.pop_back(); break;
      case TraceKind::kMdioRead:
      case TraceKind::kMdioWrite:
        if (accesses++ == index) at = i;
        break;
      default: break;
    }
  }
  if (at == ev.size()) return fx;
  fx.reached = true;
  fx.event = at;
  fx.step = step;
  const TraceEvent& a = ev[at];
  fx.access = a.kind == TraceKind::kMdioRead
                  ? fmt::format("rd phy:0x{:02x} reg:0x{:02x} {}", a.addr, a.reg,
                                hw::register_name(static_cast<unsigned>(a.reg)))
                  : fmt::format("wr phy:0x{:02x} reg:0x{:02x} {} <- 0x{:04x}", a.addr, a.reg,
                                hw::register_name(static_cast<unsigned>(a.reg)), a.value);
  // Each open frame's return: the exit that closes it.
  auto returned = [&](std::size_t open, TraceKind enter, TraceKind exit) {
    int depth = 0;
    for (std::size_t i = open; i < ev.size(); ++i) {
      if (ev[i].kind == enter) ++depth;
      if (ev[i].kind == exit && --depth == 0) return ev[i].value;
    }
    return FaultEffect::kNoReturn;
  };
  for (auto it = callbacks.rbegin(); it != callbacks.rend(); ++it)
    fx.callbacks.emplace_back(ev[*it].name, returned(*it, TraceKind::kCallbackEnter, TraceKind::kCallbackExit));
  if (!apis.empty()) {
    fx.api = ev[apis.front()].name;
    fx.api_ret = returned(apis.front(), TraceKind::kApiEnter, TraceKind::kApiExit);
  }
  // ERROR (HALTED before Linux 6.5) entered other than by phy_stop().
  std::vector<std::string> api_stack;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const TraceEvent& e = ev[i];
    if (e.kind == TraceKind::kApiEnter) api_stack.push_back(e.name);
    if (e.kind == TraceKind::kApiExit && !api_stack.empty()) api_stack.pop_back();
    if (i <= at || e.kind != TraceKind::kState) continue;
    auto in = [&](const char* api) { return std::find(api_stack.begin(), api_stack.end(), api) != api_stack.end(); };
    const bool stopping = in("phy_stop") || in("phy_disconnect") || in("mdiobus_unregister");
    if (e.name == "ERROR" || (e.name == "HALTED" && !stopping)) ++fx.error_states_after;
  }
  return fx;
}

RunBudgets run_budgets(const Scenario& sc, const RunOptions& o) {
  std::uint64_t waits_ns = 0;
  for (std::size_t i = 0; i < sc.steps.size() && i < o.max_steps; ++i)
    if (sc.steps[i].kind == Step::Kind::kWait) waits_ns += sc.steps[i].ns;
  RunBudgets b;
  b.virtual_ns = sc.time_budget_ns ? sc.time_budget_ns : waits_ns + o.time_slack_ns;
  // Rounded up: a wait of 1.5 s earns two seconds' worth of accesses.
  b.mdio_accesses = o.mdio_budget + o.mdio_per_virtual_second * ((waits_ns + 999'999'999) / 1'000'000'000);
  return b;
}

RunResult run_scenario(Environment& env, const Scenario& scenario, const std::string& model, Impl impl,
                       const RunOptions& options) {
  return Run(env, scenario, model, impl, options).run();
}

}  // namespace refdrv
