// SPDX-License-Identifier: GPL-2.0
// refdrv report: the evaluation report (HTML, Markdown, JSON), and the
// hidden cost-worker it runs under callgrind.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <ranges>
#include <set>

#include "cli/common.hpp"
#include "cxx/abstractions/registration.hpp"
#include "report/cost.hpp"
#include "report/drivers.hpp"
#include "report/evaluation.hpp"
#include "report/gaps.hpp"
#include "report/history.hpp"
#include "report/api_map.hpp"

namespace refdrv::cli {

namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  std::string out = "refdrv-report";
  std::string git;
  std::vector<std::string> scenarios;
  ContainmentArgs containment;
  bool no_sweep = false, no_cost = false, no_escape_hatches = false, no_mutate = false, no_drivers = false;
};

// The phylib API map of the tree's build with every driver, opened as
// refdrv drivers opens it (built on first use).
Result<report::ApiMap> api_map_of(const Common& c) {
  EnvironmentOptions eo = c.env;
  eo.all_phy_drivers = true;
  auto env = Environment::open(eo);
  if (!env) return std::unexpected(env.error());
  return report::phylib_api_map((*env)->built());
}

int cmd_report(const Common& c, const ReportArgs& a) {
  auto scenarios = scenarios_from(a.scenarios);
  if (!scenarios) return report_error(scenarios.error());
  if (!a.git.empty() && !fs::exists(a.git))
    return report_error({fmt::format("--git {}: no such directory (a git checkout of Linux)", a.git)});
  if (!a.git.empty())
    if (auto repo = report::check_git_repository(a.git); !repo) return report_error({"--git " + repo.error().message});
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) return report_error({fmt::format("cannot create {}: {}", a.out, ec.message())});

  report::ReportOptions ro;
  ro.impls = *impls;
  ro.containment = a.containment.containment();
  ro.git = a.git;
  ro.out_dir = a.out;
  ro.fault_sweep = !a.no_sweep;
  ro.cost = !a.no_cost;
  ro.escape_hatches = !a.no_escape_hatches;
  ro.refdrv_exe = fs::read_symlink("/proc/self/exe", ec);
  if (!c.env.quiet) ro.progress = [](const std::string& what) { fmt::print(stderr, "refdrv report: {}\n", what); };
  // The callgrind and mutation workers: this program, same tree, scenarios
  // and implementations.
  std::vector<std::string> same = environment_args(c.env);
  for (const auto& s : a.scenarios) same.insert(same.end(), {"--scenario", fs::absolute(s).string()});
  ro.cost_worker = {ro.refdrv_exe.string(), "cost-worker", "-q", "--impl", impl_list(*impls)};
  ro.cost_worker.insert(ro.cost_worker.end(), same.begin(), same.end());
  if (!a.no_mutate) {
    ro.mutate_worker = {ro.refdrv_exe.string(), "mutate", "-q"};
    ro.mutate_worker.insert(ro.mutate_worker.end(), same.begin(), same.end());
  }
  if (!a.no_drivers) {
    ro.drivers_worker = {ro.refdrv_exe.string(), "drivers", "-q"};
    const std::vector<std::string> tree_args = environment_args(c.env);
    ro.drivers_worker.insert(ro.drivers_worker.end(), tree_args.begin(), tree_args.end());
  }
  if (auto gaps = report::abstraction_gaps((*env)->tree().root, phy::offered_callbacks(), c.env.overlay))
    ro.gaps = report::gaps_json(*gaps, (*env)->tree().version);
  else  // a failure of its own, not a section left out
    ro.gaps = {{"failed", "the abstraction-gap map failed: " + gaps.error().message}};
  // The API half of the map needs the build with every driver, as section 8 does.
  if (!a.no_drivers && ro.gaps.contains("callbacks")) {
    if (!c.env.quiet) fmt::print(stderr, "refdrv report: the phylib API map (the build with every driver)\n");
    if (auto map = api_map_of(c))
      ro.gaps["api"] = report::api_map_json(*map);
    else {
      ro.gaps["api_note"] = "the phylib API map failed: " + map.error().message;
      ro.gaps["api_failed"] = true;
    }
  }

  if (!a.scenarios.empty())
    ro.suite_name = fmt::format("the scenarios given with --scenario ({} scenario(s))", scenarios->size());
  const nlohmann::json data = report::build_report(**env, *scenarios, ro);
  for (const auto& [name, text] : {std::pair{"report.json", data.dump(1) + "\n"},
                                   std::pair{"report.html", report::render_html(data)},
                                   std::pair{"report.md", report::render_markdown(data)}})
    if (auto w = write_text((fs::path(a.out) / name).string(), text); !w) return report_error(w.error());
  fmt::print("refdrv report: wrote {0}/report.html, {0}/report.md and {0}/report.json ({1:.1f} s)\n", a.out,
             data.value("seconds", 0.0));
  const std::vector<std::string> findings = report::report_findings(data);
  if (!findings.empty()) fmt::print("refdrv report: findings: {}\n", fmt::join(findings, "; "));
  if (const auto failures = report::report_failures(data); !failures.empty())
    return report_error({fmt::format("the report is incomplete: {}", fmt::join(failures, "; "))});
  return findings.empty() ? 0 : kExitFailure;
}

struct WorkerArgs {
  std::vector<std::string> scenarios;
};

int cmd_cost_worker(const Common& c, const WorkerArgs& a) {
  auto scenarios = scenarios_from(a.scenarios);
  if (!scenarios) return report_error(scenarios.error());
  auto env = Environment::open(c.env);
  if (!env) return report_error(env.error());
  auto impls = select_impls(**env, c.impls, nullptr);
  if (!impls) return report_error(impls.error());
  return report::cost_worker(**env, *scenarios, *impls);
}

// refdrv gaps: what the abstractions lack for the tree's C PHY drivers.
// With --api, also the phylib API map, from the objects of the build with
// every driver (built on first use, as refdrv drivers does).
int cmd_gaps(const Common& c, const std::string& json_out, bool api) {
  auto tree = tree_of(c.env);
  if (!tree) return report_error(tree.error());
  auto gaps = report::abstraction_gaps(tree->root, phy::offered_callbacks());
  if (!gaps) return report_error(gaps.error());
  std::string text = report::format_gaps(*gaps, tree->version);
  nlohmann::json j = report::gaps_json(*gaps, tree->version);
  if (api) {
    auto map = api_map_of(c);
    if (!map) return report_error(map.error());
    text += report::format_api_map(*map);
    j["api"] = report::api_map_json(*map);
  }
  if (!json_out.empty()) {
    if (auto w = write_text(json_out, j.dump(2) + "\n"); !w) return report_error(w.error());
  }
  // With --json -, stdout holds the JSON alone and the table goes to
  // stderr, unless -q (as check does).
  if (!to_stdout(json_out))
    fmt::print("{}", text);
  else if (!c.env.quiet)
    fmt::print(stderr, "{}", text);
  return 0;
}

// A file name for an entry's reproducer: davicom-davicom-dm9161e.yaml.
std::string reproducer_name(const report::DriverRow& row) {
  std::string out = std::filesystem::path(row.file).stem().string() + "-";
  for (const char ch : row.name) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u))
      out += static_cast<char>(std::tolower(u));
    else if (!out.ends_with("-"))
      out += '-';
  }
  while (out.ends_with("-")) out.pop_back();
  return out;
}

// --reproducers DIR, made before any work so that a directory refdrv cannot
// make costs nothing.
Result<void> make_reproducer_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    return fail(fmt::format("--reproducers: cannot make the directory {}: {}", dir.string(),
                            ec ? ec.message() : "a file of that name exists"));
  return {};
}

// Each failing entry's failing scenario, to replay with refdrv trace
// --all-phy-drivers; its first line says what failed.
// `replay`: the environment's options as replay_options() gives them (the
// tree, every --replace, --all-phy-drivers): without them a reproducer of a
// patched driver replayed on the tree's own, and passed.
Result<std::size_t> write_reproducers(const report::DriversReport& rep, const std::filesystem::path& dir,
                                      const std::string& replay) {
  std::set<std::string> used;
  std::size_t n = 0;
  for (const auto& row : rep.rows) {
    if (row.failing_scenario.empty()) continue;
    std::string name = reproducer_name(row);
    for (int k = 2; used.contains(name); ++k) name = fmt::format("{}-{}", reproducer_name(row), k);
    used.insert(name);
    std::string why = fmt::format("{} ({}), failed at {}: {}", row.name, row.file, row.failed_step, row.reason);
    std::replace(why.begin(), why.end(), '\n', ' ');  // one comment line
    std::string text = "# refdrv drivers: " + why + "\n";
    // The replay lines name this file (they said FILE, to fill in).
    const std::string path = (dir / (name + ".yaml")).string();
    text += fmt::format("# replay: refdrv trace{} {}\n", replay, shell_word(path));
    if (!row.divergence.empty())
      text += fmt::format("# replay the comparison: refdrv run{} --impl {} {}\n", replay,
                          impl_list(row.implementations), shell_word(path));
    text += row.failing_scenario;
    if (auto w = write_text(path, text); !w) return std::unexpected(w.error());
    ++n;
  }
  return n;
}

// refdrv drivers: every phy_driver entry of the tree's C drivers, bound and
// taken through the conformance scenario on refdrv's model of its PHY. With
// --file, only those files' entries (checked against the tree before the
// build). With --reproducers, each failing entry's scenario is written.
int cmd_drivers(const Common& c, const MachineOutputs& a, const std::vector<std::string>& files,
                const std::string& reproducers, const std::string& baseline_file) {
  if (auto r = a.check(read_inputs(c, {}, {})); !r) return report_error(r.error());
  // Read before any work: a baseline that cannot be read is bad input.
  std::optional<report::DriversBaseline> baseline;
  if (!baseline_file.empty()) {
    auto b = report::read_drivers_baseline(baseline_file);
    if (!b) return report_error(b.error());
    baseline = std::move(*b);
  }
  if (!reproducers.empty())
    if (auto d = make_reproducer_dir(reproducers); !d) return report_error(d.error());
  std::set<std::string> only;
  if (!files.empty()) {
    auto tree = tree_of(c.env);
    if (!tree) return report_error(tree.error());
    auto sel = report::select_driver_files(*tree, files);
    if (!sel) return report_error(Error{"--file: " + sel.error().message});
    only = std::move(*sel);
  }
  EnvironmentOptions eo = c.env;
  eo.all_phy_drivers = true;
  auto env = Environment::open(eo);
  if (!env) return report_error(env.error());
  auto rep = report::run_drivers(**env, only, [&c](std::size_t i, std::size_t n) {
    if (!c.env.quiet && isatty(STDERR_FILENO)) fmt::print(stderr, "\r[{}/{}] phy_driver entries", i, n);
  });
  if (!c.env.quiet && isatty(STDERR_FILENO)) fmt::print(stderr, "\r\033[K");
  if (!rep) return report_error(rep.error());
  const bool machine_stdout = a.on_stdout();
  std::optional<report::BaselineComparison> held;
  if (baseline) held = report::compare_with_baseline(*rep, *baseline);
  std::string text = report::format_drivers(*rep);
  if (held) {
    text += fmt::format("Baseline {} (Linux {}): {} entr{} as in the baseline, {} new failure{}{}, {} fixed{}{}.\n",
                        baseline->path, baseline->tree_version.empty() ? "?" : baseline->tree_version,
                        held->known.size(), held->known.size() == 1 ? "y fails" : "ies fail", held->new_failures.size(),
                        held->new_failures.size() == 1 ? "" : "s",
                        held->new_failures.empty() ? "" : ": " + fmt::format("{}", fmt::join(held->new_failures, ", ")),
                        held->fixed.size(), held->fixed.empty() ? "" : ": ",
                        fmt::format("{}", fmt::join(held->fixed, ", ")));
    if (!held->unchecked.empty())
      text += fmt::format(
          "Not checked now, checked in the baseline ({}; not the drivers' doing, but not checked "
          "either): {}.\n",
          held->unchecked.size(), fmt::join(held->unchecked, ", "));
    // A selection that shares no file with the baseline held no entry to
    // it: "0 fail as in the baseline, 0 fixed" says nothing of it then.
    if (held->baseline_entries_covered == 0 && !baseline->entries.empty())
      text += fmt::format(
          "Note: none of the baseline's {} entries is in a file this run covers: every failure here counts as new, "
          "and nothing of the baseline was held to this run.\n",
          baseline->entries.size());
  }
  if (!machine_stdout || !c.env.quiet) fmt::print(machine_stdout ? stderr : stdout, "{}", text);
  if (auto w = a.write(
          [&] {
            std::string k = report::drivers_ktap(*rep, held ? &*held : nullptr);
            if (held)
              k += fmt::format("# baseline {}: {} known failure(s), {} new, {} fixed, {} no longer checked\n",
                               baseline->path, held->known.size(), held->new_failures.size(), held->fixed.size(),
                               held->unchecked.size());
            return k;
          },
          [&] {
            nlohmann::json j = report::drivers_json(*rep);
            j["baseline"] = held ? report::baseline_json(*baseline, *held) : nlohmann::json(nullptr);
            return j.dump(2) + "\n";
          });
      !w)
    return report_error(w.error());
  if (!reproducers.empty()) {
    // An earlier run's reproducers go first, as check's do: left, they read
    // as this run's failing entries (a review, 2026-12-07). The user's own
    // files (no such first line) stay.
    static constexpr std::array<std::string_view, 1> kHeaders = {"# refdrv drivers: "};
    std::vector<std::string> problems;
    const std::size_t removed = remove_reproducers_written_by(reproducers, kHeaders, {}, problems);
    for (const auto& p : problems) fmt::print(stderr, "refdrv: error: {}\n", p);
    const std::string replay = replay_options(eo);
    auto n = write_reproducers(*rep, reproducers, replay);
    if (!n) return report_error(n.error());
    fmt::print(stderr, "Reproducers: {} failing entr{} written to {}{}; replay one with refdrv trace{} FILE\n", *n,
               *n == 1 ? "y" : "ies", reproducers,
               removed ? fmt::format(" (the {} an earlier run wrote there removed first)", removed) : "", replay);
  }
  // With a baseline, only a failure it does not have is a finding (its
  // known failures are said above, and in KTAP as "not ok" still).
  if (held ? !held->new_failures.empty() : rep->count(report::Conformance::kFail) + rep->registration_failures() != 0)
    return kExitFailure;
  // Entries the baseline checked that were not checked now, for a reason of
  // refdrv's: "nothing new fails" would say more than the run compared.
  if (held && !held->unchecked.empty()) {
    fmt::print(stderr,
               "refdrv: error: {} entr{} the baseline checked {} not checked now (listed above), so the run gives no "
               "verdict against it\n",
               held->unchecked.size(), held->unchecked.size() == 1 ? "y" : "ies",
               held->unchecked.size() == 1 ? "was" : "were");
    return kExitBadInput;
  }
  // Nothing ran (a --file whose entries are all skipped, or that has none):
  // no verdict, as for any other command that compared nothing.
  if (rep->runs == 0) {
    fmt::print(stderr, "refdrv: error: no phy_driver entry was run{}, so nothing was checked\n",
               only.empty() ? "" : fmt::format(" for --file {}", fmt::join(only, ", ")));
    return kExitBadInput;
  }
  // Every entry run was n/a (not bound on its model, or it needs a kernel
  // service refdrv does not emulate): none was checked either.
  if (rep->count(report::Conformance::kPass) + rep->count(report::Conformance::kFail) == 0) {
    fmt::print(stderr,
               "refdrv: error: every phy_driver entry run{} was n/a (the reasons are in the table), so none was "
               "checked\n",
               only.empty() ? "" : fmt::format(" for --file {}", fmt::join(only, ", ")));
    return kExitBadInput;
  }
  return 0;
}

}  // namespace

std::vector<Command> report_commands(CLI::App& app, Common& common) {
  auto ra = std::make_shared<ReportArgs>();
  auto* report = app.add_subcommand(
      "report", "the evaluation report: equivalence, safe code, faults, cost, history, maintenance, side by side");
  add_env_options(report, common);
  add_impl_option(report, common);
  report->add_option("-o,--out", ra->out, "directory for report.html, report.md and report.json (default: refdrv-report)")
      ->check(directory_to_write());
  report
      ->add_option("--git", ra->git, "a git checkout of Linux, for the history section")
      // Given empty it was taken for absent: the history, asked for, was
      // left out with "No git checkout given" and exit 0.
      ->check(CLI::Validator(
          [](std::string& in) { return in.empty() ? std::string("an empty path names no git checkout") : ""; }, ""));
  report->add_option("--scenario", ra->scenarios, "scenario files or directories (default: the embedded suite)");
  report->add_flag("--no-sweep", ra->no_sweep, "skip the single-fault sweep");
  report->add_flag("--no-cost", ra->no_cost, "skip the instruction counts (callgrind)");
  report->add_flag("--no-escape-hatches", ra->no_escape_hatches, "skip the C++ escape-hatch check (clang tools)");
  report->add_flag("--no-mutate", ra->no_mutate, "skip mutation testing of the tree's C and Rust drivers (refdrv mutate)");
  report->add_flag("--no-drivers", ra->no_drivers,
                   "skip every PHY driver of the tree on the emulated PHY (refdrv drivers; its own build, about 3 "
                   "minutes the first time)");
  add_containment_options(report, ra->containment);

  auto wa = std::make_shared<WorkerArgs>();
  auto* worker = app.add_subcommand("cost-worker", "internal: the runs refdrv report measures under callgrind");
  worker->group("");  // hidden
  add_env_options(worker, common);
  add_impl_option(worker, common);
  worker->add_option("--scenario", wa->scenarios, "scenario files or directories");
  auto gaps_json = std::make_shared<std::string>();
  auto gaps_api = std::make_shared<bool>(false);
  auto* gaps = app.add_subcommand(
      "gaps", "the abstraction-gap map: the phy_driver callbacks the tree's C drivers set that the Rust and C++ "
              "abstractions lack, ranked by the driver files that need each");
  add_tree_options(gaps, common);
  gaps->add_option("--json", *gaps_json, "also write the map as JSON to FILE (- for stdout, the table then on stderr)")
      ->check(file_to_write());
  gaps->add_flag("--api", *gaps_api,
                 "also map the phylib API each driver calls against what the abstractions call (from the objects of "
                 "the build with every driver, as refdrv drivers makes it: about 3 minutes the first time)");

  auto da = std::make_shared<MachineOutputs>();
  auto* drivers = app.add_subcommand(
      "drivers", "every phy_driver entry of the tree's C PHY drivers on the emulated PHY: built, bound, conformance");
  add_env_options(drivers, common);
  add_machine_output_options(drivers, *da);
  auto dreproducers = std::make_shared<std::string>();
  drivers->add_option("--reproducers", *dreproducers,
                      "write each failing entry's failing scenario (the main one or the first leg that failed) to "
                      "this directory, to replay with refdrv trace --all-phy-drivers")
      ->type_name("DIR")
      ->check(directory_to_write());
  auto dbaseline = std::make_shared<std::string>();
  drivers
      ->add_option("--baseline", *dbaseline,
                   "an earlier run's --json: exit 1 only for an entry that fails now and did not fail there, or "
                   "fails at another step or now by a crash, hang or leak (its known failures, a model's gaps "
                   "among them, are counted and said, and stay 'not ok' in KTAP)")
      ->type_name("FILE")
      // Given empty it was taken for absent, and the run held to nothing; a
      // directory was "not JSON".
      ->check(file_to_read());
  auto dfiles = std::make_shared<std::vector<std::string>>();
  drivers->add_option("--file", *dfiles,
                      "only this driver file's entries (repeatable): drivers/net/phy/davicom.c, davicom.c or davicom; aquantia_main for drivers/net/phy/aquantia/aquantia_main.c")
      ->type_name("FILE");

  return {{report, [&common, ra] { return cmd_report(common, *ra); }},
          {gaps, [&common, gaps_json, gaps_api] { return cmd_gaps(common, *gaps_json, *gaps_api); }},
          {drivers, [&common, da, dfiles, dreproducers,
                     dbaseline] { return cmd_drivers(common, *da, *dfiles, *dreproducers, *dbaseline); }},
          {worker, [&common, wa] { return cmd_cost_worker(common, *wa); }}};
}

}  // namespace refdrv::cli
