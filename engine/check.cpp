// SPDX-License-Identifier: GPL-2.0
#include "engine/check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "engine/environment.hpp"
#include "engine/groups.hpp"
#include "kernel/cache.hpp"

namespace refdrv {

namespace fs = std::filesystem;

bool CheckRow::equivalent() const {
  for (const auto& d : divergence)
    if (d) return false;
  return true;
}

bool own_driver_ran(Environment& env, const RunResult& run) {
  std::set<std::string> own;  // the names of the drivers the implementation's modules register
  for (const auto& m : env.image().modules())
    if (m.impl == run.impl)
      for (const auto& d : m.drivers) own.insert(d.name);
  return std::any_of(run.trace.events().begin(), run.trace.events().end(), [&](const TraceEvent& e) {
    if (e.kind == TraceKind::kBind) return e.value == static_cast<long>(run.impl);
    return e.kind == TraceKind::kCallbackEnter && run.impl != Impl::kNone && own.contains(std::string(e.detail.view()));
  });
}

bool bus_registration_failed(const RunResult& run) {
  return std::any_of(run.trace.events().begin(), run.trace.events().end(), [](const TraceEvent& e) {
    return e.kind == TraceKind::kApiExit && e.value != 0 && e.name.view() == "mdiobus_register";
  });
}

bool CheckRow::own_drivers_compared() const {
  return std::count(own_driver_ran.begin(), own_driver_ran.end(), true) >= 2;
}

bool CheckRow::passed() const {
  if (runs.empty()) return false;
  for (const auto& r : runs)
    if (!r.passed()) return false;
  return true;
}

const RunResult* CheckRow::run_of(Impl impl) const {
  for (std::size_t i = 0; i < impls.size(); ++i)
    if (impls[i] == impl) return &runs[i];
  return nullptr;
}

namespace {
// The runs where `why` says something, and the first thing it says.
RunCount count_runs(const std::vector<CheckRow>& rows, std::string RunResult::*why) {
  RunCount out;
  for (const auto& row : rows)
    for (const auto& r : row.runs) count_run(out, r.*why);
  return out;
}
}  // namespace

RunCount CheckReport::sampled_states() const { return count_runs(rows, &RunResult::states_sampled); }

RunCount CheckReport::hooked_states() const { return count_runs(rows, &RunResult::states_hooked); }

bool CheckReport::all_passed() const {
  for (const auto& r : rows)
    if (!r.runs.empty() && !r.passed()) return false;
  return true;
}

std::size_t CheckReport::ran_pairs() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return !r.runs.empty(); }));
}

bool CheckReport::all_equivalent() const {
  if (!registration_differences.empty()) return false;
  for (const auto& r : rows)
    if (!r.equivalent() || !r.uncompared.empty()) return false;
  return true;
}

std::size_t CheckReport::uncompared_pairs() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return !r.uncompared.empty(); }));
}

std::size_t CheckReport::no_own_driver_pairs() const {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(), [](const CheckRow& r) { return r.compared() && !r.own_drivers_compared(); }));
}

std::size_t CheckReport::single_pairs() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return r.runs.size() == 1; }));
}

std::size_t CheckReport::expectations() const {
  std::size_t n = 0;
  for (const auto& row : rows)
    for (const auto& run : row.runs) n += run.expectations.size();
  return n;
}

std::size_t CheckReport::compared_pairs() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return r.compared(); }));
}

std::optional<std::string> unemulated_gap(const CheckReport& rep) {
  std::set<std::string> gaps;
  bool finding = !rep.registration_differences.empty();
  for (const auto& row : rep.rows) {
    // Per run: a stop at a stub, with nothing failed before it, is the gap;
    // any other failure of a run is a finding.
    for (const RunResult& run : row.runs) {
      if (stub_stop_step(run))
        gaps.insert(fmt::format("{}() ({} on {}, {})", unemulated_function_in(*run.stop), row.scenario->name, row.model,
                                impl_title(run.impl)));
      else if (!run.passed())
        finding = true;
    }
    // Per divergence (run 0 against run i): one before either run's stop at
    // a stub is a finding.
    for (std::size_t i = 1; i < row.divergence.size() && i < row.runs.size(); ++i)
      if (row.divergence[i] && diverged_before_stub(row.divergence[i]->step, row.runs[0], row.runs[i])) finding = true;
  }
  if (gaps.empty() || finding) return std::nullopt;
  return fmt::format("refdrv does not emulate a kernel function a run called: {}: refdrv's gap, not a finding",
                     fmt::join(gaps, ", "));
}

int CheckReport::exit_code() const {
  if (ran_pairs() == 0) return kExitBadInput;  // nothing ran (or nothing to run): no verdict
  // Every finding a stop at a function refdrv does not emulate: no verdict
  // (exit 1 is a finding about the code; a review, 2026-12-07).
  if (!all_passed() || !all_equivalent()) return unemulated_gap(*this) ? kExitBadInput : kExitFailure;
  // (A review, 2026-12-07: this was exit 0.)
  if (comparison_not_made()) return kExitBadInput;
  // Nor was "equivalent" over instances none of whose drivers under test
  // ran (a review, 2026-12-07: exit 0, the verdict line's words alone said
  // so).
  if (drivers_not_compared()) return kExitBadInput;
  return 0;
}

bool CheckReport::comparison_not_made() const { return ran_pairs() > 0 && impls.size() > 1 && compared_pairs() == 0; }

bool CheckReport::drivers_not_compared() const {
  if (impls.size() < 2 || compared_pairs() == 0) return false;
  // With `none` selected (phylib's generic drivers, no implementation's),
  // one implementation's own driver against it is the comparison asked
  // for; otherwise two implementations' own drivers in one pair (a review,
  // 2026-12-07: `none` among them switched this off).
  const auto real =
      static_cast<std::size_t>(std::count_if(impls.begin(), impls.end(), [](Impl i) { return i != Impl::kNone; }));
  const std::size_t needed = std::min<std::size_t>(real, 2);
  if (needed == 0) return false;
  // (none's own are phylib's generic drivers: not counted.)
  return std::none_of(rows.begin(), rows.end(), [&](const CheckRow& r) {
    std::size_t own = 0;
    for (std::size_t i = 0; i < r.runs.size() && i < r.own_driver_ran.size(); ++i)
      own += r.own_driver_ran[i] && r.impls[i] != Impl::kNone ? 1 : 0;
    return r.compared() && own >= needed;
  });
}

std::vector<Impl> available_impls(Environment& env, std::map<Impl, std::string>* absent) {
  std::vector<Impl> out;
  for (const DriverGroup& g : driver_groups())
    for (Impl i : group_impls(env, g))
      if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  std::sort(out.begin(), out.end());  // column order: C, Rust, C++
  if (!absent) return out;
  // Why an implementation no group has is missing: where the tree (or
  // refdrv) has such a driver that did not register, that group's reason;
  // otherwise no group has one at all.
  for (Impl i : {Impl::kC, Impl::kRust, Impl::kCxx}) {
    if (std::find(out.begin(), out.end(), i) != out.end()) continue;
    std::vector<std::string> symbols;
    for (const DriverGroup& g : driver_groups()) {
      const kernel::GroupSources src = kernel::sources_of(env.tree(), g);
      const bool has = i == Impl::kC ? !src.c_source.empty()
                       : i == Impl::kRust ? !src.rust_source.empty()
                                          : cxx_module_of(env, g) != nullptr;
      if (has) {
        (*absent)[i] = absence_reason(env, g, i);
        break;
      }
      symbols.push_back("CONFIG_" + g.kconfig);
    }
    if (!absent->contains(i))
      (*absent)[i] = fmt::format("{} has no {} driver of any driver group ({})",
                                 i == Impl::kCxx ? std::string("refdrv") : "Linux " + env.tree().version,
                                 impl_title(i), fmt::join(symbols, ", "));
  }
  return out;
}

std::vector<std::string> missing_declared_impls(Environment& env, std::span<const Impl> only,
                                                const kernel::DriverGroup* group) {
  const auto asked = [&](Impl i) { return only.empty() || std::find(only.begin(), only.end(), i) != only.end(); };
  std::vector<std::string> out;
  for (const DriverGroup& g : driver_groups()) {
    if (group && &g != group) continue;
    const kernel::GroupSources src = kernel::sources_of(env.tree(), g);
    // A C driver the tree has but that did not register (a --replace that
    // dropped its module_phy_driver(), a build that left it out): checking
    // "all" without it would give the others' verdict as the patch's.
    if (asked(Impl::kC) && !src.c_source.empty() && !env.image().has_impl(Impl::kC, g.kconfig.c_str()))
      out.push_back(fmt::format("the tree declares the C driver {} (CONFIG_{}), but it did not register: {}\n"
                                "To compare the other implementations without it: --impl {}",
                                src.c_source, g.kconfig, absence_reason(env, g, Impl::kC),
                                src.rust_source.empty() ? "cxx" : "rust,cxx"));
    if (!asked(Impl::kRust) || src.rust_source.empty() || env.image().has_impl(Impl::kRust, g.kconfig.c_str()))
      continue;
    out.push_back(fmt::format("the tree declares the Rust {} {} (CONFIG_{}), but refdrv could not run it: {}\n"
                              "To compare the other implementations without it: --impl c,cxx",
                              src.pair() ? "reference driver" : "driver", src.rust_source, src.rust_kconfig,
                              absence_reason(env, g, Impl::kRust)));
  }
  return out;
}

Result<void> require_declared_impls(Environment& env, std::span<const Impl> only, const kernel::DriverGroup* group) {
  const std::vector<std::string> missing = missing_declared_impls(env, only, group);
  if (missing.empty()) return {};
  return fail(missing.front());
}

Selection selection_of(const Environment& env, const ModuleInfo& m) {
  if (m.impl == Impl::kRust)
    if (const DriverGroup* g = find_group(m.kconfig)) {
      const kernel::GroupSources src = kernel::sources_of(env.tree(), *g);
      if (!src.rust_kconfig.empty()) return {src.rust_kconfig, src.rust_depends};
    }
  if (m.impl == Impl::kCxx)
    for (const phy::ModuleDescriptor& d : env.cxx_modules())
      if (m.name == d.info.name.c_str() && d.info.impl_kconfig.size() > 0)
        return {d.info.impl_kconfig.c_str(), d.info.depends.c_str()};
  return {m.kconfig, {}};
}

namespace {

void gather_coverage(Environment& env, CheckReport& report) {
  // (implementation, driver) -> callbacks that ran.
  std::map<std::pair<Impl, std::string>, std::set<std::string>> ran;
  for (const auto& row : report.rows)
    for (const auto& run : row.runs)
      for (const auto& e : run.trace.events())
        if (e.kind == TraceKind::kCallbackEnter) ran[{run.impl, e.detail}].insert(e.name);
  // The groups whose models the scenarios ran on: a driver of another (the
  // Asix drivers under a QT2025 scenario) was listed as "0/5, not run".
  std::set<const DriverGroup*> groups;
  for (const auto& row : report.rows) groups.insert(group_of_model(row.model));
  for (const auto& m : env.image().modules()) {
    const DriverGroup* group = find_group(m.kconfig);
    if (!group || !groups.contains(group)) continue;
    if (std::find(report.impls.begin(), report.impls.end(), m.impl) == report.impls.end()) continue;
    for (const auto& d : m.drivers) {
      CoverageEntry c;
      c.impl = m.impl;
      c.module = m.name;
      c.driver = d.name;
      const auto& seen = ran[{m.impl, d.name}];
      for (int cb = 0; cb < REFDRV_CB_COUNT; ++cb) {
        if (!(d.callbacks & (1u << cb))) continue;
        c.implemented.emplace_back(callback_name(cb));
        if (seen.contains(callback_name(cb))) c.covered.emplace_back(callback_name(cb));
      }
      report.coverage.push_back(std::move(c));
    }
  }
}

}  // namespace

std::size_t remove_reproducers_written_by(const std::string& dir, std::span<const std::string_view> headers,
                                          const std::vector<Scenario>& running, std::vector<std::string>& problems) {
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return 0;
  // Never a file this run reads (a reproducer replayed from the directory).
  std::set<std::filesystem::path> inputs;
  for (const auto& sc : running)
    if (!sc.file.empty()) inputs.insert(std::filesystem::weakly_canonical(sc.file, ec));
  std::size_t removed = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".yaml" || !e.is_regular_file(ec)) continue;
    std::ifstream in(e.path());
    std::string first;
    std::getline(in, first);
    const bool ours = std::ranges::any_of(headers, [&](std::string_view p) { return first.starts_with(p); });
    if (!ours) continue;  // the user's, or another command's
    if (inputs.contains(std::filesystem::weakly_canonical(e.path(), ec))) continue;
    if (std::filesystem::remove(e.path(), ec)) ++removed;
    else if (ec)  // false without an error: another run removed it first
      problems.push_back(fmt::format("an earlier reproducer, {}, could not be removed: {}", e.path().string(), ec.message()));
  }
  return removed;
}

std::vector<std::string> phy_driver_member_names(const fs::path& tree_root) {
  const auto text = kernel::read_file(tree_root / "include/linux/phy.h");
  if (!text) return {};
  const auto start = text->find("\nstruct phy_driver {");
  if (start == std::string::npos) return {};
  const auto end = text->find("\n};", start);
  if (end == std::string::npos) return {};
  std::string body = text->substr(start, end - start);
  // Comments out (a member named in a comment is not one).
  body = std::regex_replace(body, std::regex(R"(/\*[\s\S]*?\*/)"), " ");
  body = std::regex_replace(body, std::regex(R"(//[^\n]*)"), " ");
  const auto after = body.find("driver_data;");
  if (after == std::string::npos) return {};
  std::vector<std::string> names;
  static const std::regex member(R"(\(\s*\*\s*(\w+)\s*\)\s*\()");
  for (std::sregex_iterator it(body.begin() + static_cast<std::ptrdiff_t>(after), body.end(), member), e; it != e; ++it)
    names.push_back((*it)[1].str());
  return names;
}

std::optional<std::vector<std::string>> registration_differences(const std::vector<ModuleInfo>& modules,
                                                                 const DriverGroup& group,
                                                                 const std::vector<Impl>& impls,
                                                                 const std::vector<std::string>& names) {
  std::vector<std::pair<Impl, const ModuleInfo*>> regs;
  for (Impl impl : impls)
    for (const auto& m : modules)
      if (m.impl == impl && m.kconfig == group.kconfig && !m.drivers.empty()) {
        regs.emplace_back(impl, &m);
        break;
      }
  if (regs.size() < 2) return std::nullopt;
  std::vector<std::string> out;
  const auto& [ref_impl, ref] = regs.front();
  const auto member_name = [&](unsigned bit, unsigned slots) {
    return names.size() == slots && bit < names.size()
               ? names[bit]
               : fmt::format("function pointer member {} of struct phy_driver", bit);
  };
  const auto members_of = [&](std::uint64_t bits, unsigned slots) {
    std::vector<std::string> v;
    for (unsigned b = 0; b < 64; ++b)
      if (bits >> b & 1u) v.push_back(member_name(b, slots));
    return v;
  };
  for (std::size_t i = 1; i < regs.size(); ++i) {
    const auto& [impl, m] = regs[i];
    const char *a = impl_title(ref_impl), *b = impl_title(impl);
    // With three, which pair a line is of (the same line twice said nothing).
    const std::string against = regs.size() > 2 ? fmt::format(" (against {})", b) : "";
    std::vector<std::string> ref_names, its_names;
    for (const auto& d : ref->drivers) ref_names.push_back(d.name);
    for (const auto& d : m->drivers) its_names.push_back(d.name);
    if (ref_names != its_names) {
      out.push_back(fmt::format("{}: {} registers the phy_drivers \"{}\", {} \"{}\"", group.title, a,
                                fmt::join(ref_names, "\", \""), b, fmt::join(its_names, "\", \"")));
      continue;
    }
    for (std::size_t d = 0; d < ref->drivers.size(); ++d) {
      const auto &x = ref->drivers[d], &y = m->drivers[d];
      if (x.phy_id != y.phy_id || x.mask != y.mask)
        out.push_back(
            fmt::format("{}: \"{}\" matches PHY ID {:#010x} mask {:#010x} in {}, {:#010x} mask {:#010x} in {}",
                        group.title, x.name, x.phy_id, x.mask, a, y.phy_id, y.mask, b));
      if (x.flags != y.flags)
        out.push_back(
            fmt::format("{}: \"{}\" has flags {:#x} in {}, {:#x} in {}", group.title, x.name, x.flags, a, y.flags, b));
      if (x.members != y.members) {
        const auto only_a = members_of(x.members & ~y.members, ref->member_slots);
        const auto only_b = members_of(y.members & ~x.members, m->member_slots);
        std::string what;
        if (!only_a.empty()) what += fmt::format("only {} sets {}", a, fmt::join(only_a, ", "));
        if (!only_b.empty())
          what += fmt::format("{}only {} sets {}", what.empty() ? "" : "; ", b, fmt::join(only_b, ", "));
        out.push_back(fmt::format("{}: \"{}\": {}{}", group.title, x.name, what, against));
      }
    }
  }
  return out;
}

namespace {

// The registrations of every group two implementations or more of this
// check ran (a row of its models with two runs or more).
void compare_registrations(Environment& env, CheckReport& report) {
  std::set<const DriverGroup*> groups;
  for (const auto& row : report.rows)
    if (row.runs.size() > 1)
      if (const DriverGroup* g = group_of_model(row.model)) groups.insert(g);
  if (groups.empty()) return;
  const auto modules = env.image().modules();
  const auto names = phy_driver_member_names(env.tree().root);
  for (const DriverGroup& g : driver_groups()) {
    if (!groups.contains(&g)) continue;
    // Compared where two implementations of the selection registered it.
    auto differences = registration_differences(modules, g, report.impls, names);
    if (!differences) continue;
    report.registration_compared.push_back(g.title);
    for (auto& d : *differences) report.registration_differences.push_back(std::move(d));
  }
}

}  // namespace

CheckReport run_check(Environment& env, const std::vector<Scenario>& scenarios, const CheckOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  CheckReport report;
  // check's only: `refdrv run` replays reproducers, often from that very
  // directory, and leaves it as it is.
  if (opt.command == "refdrv check")
    report.earlier_reproducers_removed =
        remove_reproducers_written_by(opt.repro_dir, kCheckReproducerHeaders, scenarios, report.problems);
  report.tree_version = env.tree().version;
  report.tree_origin = env.tree().origin;
  if (!env.built().rust.rustc.empty()) report.rustc = env.built().rust.describe();
  report.impls = opt.impls;
  report.logs = opt.logs;

  RunOptions ro;
  ro.logs = opt.logs;
  ro.check_wire = true;
  SupervisorOptions so;
  so.containment = opt.containment;
  so.wall_seconds = opt.wall_seconds;

  // Every run of the check is one job; the rows take their results in order.
  std::vector<std::shared_ptr<const Scenario>> shared;
  std::vector<Job> jobs;
  std::map<std::string, std::vector<Impl>> row_impls;  // by model
  for (const auto& scenario : scenarios) {
    shared.push_back(std::make_shared<const Scenario>(scenario));
    for (const auto& model : scenario.models) {
      if (!row_impls.contains(model)) row_impls[model] = impls_for_model(env, model, opt.impls);
      for (Impl impl : row_impls[model]) jobs.push_back({shared.back(), model, impl, ro});
    }
  }
  // The jobs run all at once (one worker for the whole check), or, when the
  // check stops at the first failure, a row's at a time (a worker per row).
  std::size_t first_job = 0;  // of the jobs run_jobs was given last
  SupervisorOptions run_so = so;
  if (opt.progress)
    run_so.on_result = [&](std::size_t i, const RunResult&) {
      const Job& j = jobs[first_job + i];
      opt.progress(first_job + i + 1, jobs.size(),
                   fmt::format("{} on {} ({})", j.scenario->name, j.model, impl_title(j.impl)));
    };
  std::vector<RunResult> results;
  if (!opt.stop_at_first_failure) results = run_jobs(env, jobs, run_so);

  std::size_t next = 0;
  bool stopped = false;
  for (const auto& sp : shared) {
    const Scenario& sc = *sp;
    for (const auto& model : sc.models) {
      if (stopped) break;
      CheckRow row;
      row.scenario = sp;
      row.model = model;
      row.impls = row_impls[model];
      const std::vector<Impl>& impls = row.impls;
      if (opt.stop_at_first_failure) {
        first_job = next;
        for (auto& r : run_jobs(env, std::span<const Job>(jobs).subspan(next, impls.size()), run_so))
          results.push_back(std::move(r));
      }
      for (std::size_t i = 0; i < impls.size(); ++i) row.runs.push_back(std::move(results[next++]));
      for (const auto& r : row.runs) row.own_driver_ran.push_back(own_driver_ran(env, r));
      row.divergence.resize(impls.size());
      row.reproducers.resize(impls.size());
      for (const auto& r : row.runs) {
        if (!row.uncompared.empty() || row.runs.size() < 2) break;
        if (r.killed_by_wall_clock)
          row.uncompared = fmt::format("the {} run was killed at the wall-clock limit", impl_title(r.impl));
        else if (r.trace_cut)
          row.uncompared = fmt::format("the {} run died in its worker ({}): only its last events were kept",
                                       impl_title(r.impl), r.stop.value_or("?"));
      }
      for (std::size_t i = 1; i < impls.size() && row.uncompared.empty(); ++i) {
        row.divergence[i] = compare(sc, row.runs[0], row.runs[i], opt.compare);
        if (!row.divergence[i] || opt.repro_dir.empty()) continue;
        const Level level = row.divergence[i]->level;
        const std::optional<std::size_t> shortest = shortest_diverging_prefix(
            sc, *row.divergence[i],
            [&](Impl impl, std::size_t steps) {
              RunOptions p = ro;
              p.max_steps = steps;
              return run_contained(env, {sp, model, impl, p}, so);
            },
            impls[0], impls[i], opt.compare);
        // Named as its file: a directory of reproducers (one per model and
        // pair of one scenario) replays as one run, whose names are unique.
        // A reproducer replayed is named as it was, not with its suffix
        // again (advertise-10-only-AX88772A-c-vs-rust-AX88772A-c-vs-rust).
        const std::string suffix =
            fmt::format("-{}-{}-vs-{}", reproducer_name_part(model), impl_name(impls[0]), impl_name(impls[i]));
        std::string base = reproducer_name_part(sc.name);
        // ... nor with the number a replay in place gave it (below).
        static const std::regex numbered(R"(^(.*)-[0-9]+$)");
        if (std::smatch m; std::regex_match(base, m, numbered) && m[1].str().ends_with(suffix)) base = m[1].str();
        std::string stem = base.ends_with(suffix) ? base : base + suffix;
        // Never over the file being run (a reproducer replayed where it
        // was written): the new one goes beside it, named as its file, so
        // that the directory still replays as one run of unique names.
        {
          std::error_code ec;
          const std::string first = stem;
          for (int n = 2; !sc.file.empty() &&
                          std::filesystem::equivalent(fmt::format("{}/{}.yaml", opt.repro_dir, stem), sc.file, ec);
               ++n)
            stem = fmt::format("{}-{}", first, n);
        }
        const std::string path = fmt::format("{}/{}.yaml", opt.repro_dir, stem);
        Scenario repro = sc;
        repro.name = stem;
        repro.models = {model};
        const std::size_t k = shortest.value_or(sc.steps.size());
        const std::string header =
            shortest
                ? fmt::format("Reproducer written by {}: {} and {} differ at the {} level {} of {} ({}).", opt.command,
                              impl_title(impls[0]), impl_title(impls[i]), level_name(level),
                              // No step: the bus registration or the probe (a review,
                              // 2026-12-07: "within the first 0 step(s)").
                              k == 0 ? std::string("before the first step (in the bus registration or the probe)")
                                     : fmt::format("within the first {} step(s)", k),
                              sc.name, sc.file)
                : fmt::format(
                      "Written by {}: {} and {} differed at the {} level in {} ({}), but run "
                      "again to shorten it they did not (runs that are not deterministic?): this whole "
                      "scenario may not show it.",
                      opt.command, impl_title(impls[0]), impl_title(impls[i]), level_name(level), sc.name, sc.file);
        if (!shortest)
          report.problems.push_back(fmt::format("{} on {}: {} and {} differed, but not when run again to shorten the "
                                                "reproducer",
                                                sc.name, model, impl_title(impls[0]), impl_title(impls[i])));
        // A reproducer that cannot be written is said; the verdict stays.
        // How to replay it on this environment (a patched tree, a --replace):
        // `refdrv run PATH` alone would run the tree's drivers.
        const std::string pair = impl_list({impls[0], impls[i]});
        const std::string replay =
            " Replay: " + (opt.replay_command ? opt.replay_command(pair, shell_word(path))
                                              : fmt::format("refdrv run{} --impl {} {}", env.replay_options(), pair,
                                                            shell_word(path)));
        if (auto w = kernel::write_file(path, scenario_to_yaml(repro, k, header + replay)); w)
          row.reproducers[i] = path;
        else
          report.problems.push_back("the reproducer was not written: " + w.error().message);
      }
      // What mutation testing's "killed by" names: a run that failed, or a
      // divergence (a row left uncompared is neither, and the check goes on).
      stopped = opt.stop_at_first_failure && ((!row.runs.empty() && !row.passed()) || !row.equivalent());
      report.rows.push_back(std::move(row));
    }
  }
  report.instances = results.size();
  report.stopped_at_first_failure = stopped;
  compare_registrations(env, report);
  gather_coverage(env, report);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace refdrv
