// SPDX-License-Identifier: GPL-2.0
#include "report/evaluation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "engine/check.hpp"
#include "engine/check_report.hpp"
#include "engine/environment.hpp"
#include "engine/fault_sweep.hpp"
#include "engine/groups.hpp"
#include "engine/mutate.hpp"
#include "kernel/cache.hpp"
#include "kernel/process.hpp"
#include "report/cost.hpp"
#include "report/history.hpp"
#include "report/source_scan.hpp"

namespace refdrv::report {

namespace fs = std::filesystem;
using nlohmann::json;

// Every project file the given files #include "...", directly or through
// another, found as the tool's clang finds it (the includer's directory,
// then -I ROOT, ROOT/abi, ROOT/cxx/include): all of them decide what
// clang-tidy sees, so all are in the cache key (until 2026-12-06 only the
// headers under cxx/include, cxx/drivers and abi were, and a change to
// host/kernel_image.hpp, which cxx/abstractions/registration.cpp includes,
// reused the count of a file that no longer compiled).
std::map<fs::path, std::string> quoted_includes(const fs::path& root, const std::vector<fs::path>& files) {
  static const std::regex include(R"re(^\s*#\s*include\s*"([^"]+)")re", std::regex::multiline);
  std::map<fs::path, std::string> seen;
  std::vector<std::pair<fs::path, std::string>> todo;  // (the file's directory, its text)
  for (const fs::path& f : files) todo.emplace_back(f.parent_path(), kernel::read_file(f).value_or(""));
  while (!todo.empty()) {
    auto [dir, text] = std::move(todo.back());
    todo.pop_back();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), include); it != std::sregex_iterator(); ++it) {
      for (const fs::path& base : {dir, root, root / "abi", root / "cxx/include"}) {
        const fs::path f = (base / (*it)[1].str()).lexically_normal();
        std::error_code ec;
        if (!fs::is_regular_file(f, ec)) continue;
        if (!seen.contains(f)) {
          seen[f] = kernel::read_file(f).value_or("");
          todo.emplace_back(f.parent_path(), seen[f]);
        }
        break;
      }
    }
  }
  return seen;
}

namespace {

// "C, Rust and C++" for the implementations a report covers.
std::string titles_in_words(const std::vector<Impl>& impls) {
  std::string out;
  for (std::size_t i = 0; i < impls.size(); ++i)
    out += (i == 0 ? "" : i + 1 == impls.size() ? " and " : ", ") + std::string(impl_title(impls[i]));
  return out;
}

// clang-tidy's own errors (the file did not compile), as the check's kinds say them.
constexpr const char* kCompileError = "compile error";

// The sources the report reads. Relative paths are as a maintainer knows them.
struct Source {
  std::string path;  // "drivers/net/phy/ax88796b.c" or "cxx/drivers/ax88796b_cxx.cpp"
  std::string origin;  // "tree" or "refdrv"
  std::string text;
  bool present = false;
};

Source load(const fs::path& root, const std::string& rel, const std::string& origin) {
  Source s;
  s.path = rel;
  s.origin = origin;
  if (auto t = kernel::read_file(root / rel)) {
    s.text = *t;
    s.present = true;
  }
  return s;
}

std::vector<std::string> files_under(const fs::path& root, const std::string& rel, const std::string& ext) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root / rel, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ext) out.push_back(fs::relative(it->path(), root).string());
  std::sort(out.begin(), out.end());
  return out;
}

// A driver group other than the reference group: the tree's Rust driver of
// it (the QT2025's Rust-only one) and refdrv's C++ one.
struct OtherGroup {
  std::string title;
  Source rust, cxx;
};

struct Sources {
  // The reference group's drivers (kernel::reference_group()).
  Source c_driver, rust_driver, tree_phy, tree_reg, phy_h, cxx_driver;
  std::string cxx_module;  // its C++ module's name: cxx_asix_phy
  std::vector<OtherGroup> others;
  // The tree's Rust crates as refdrv compiled them (kbuild's dependency
  // records of rust/kernel.o and the other crates): empty without Rust.
  std::vector<Source> rust_compiled;
  std::vector<Source> cxx_abstraction; // public headers, detail headers, .cpp
  // The firmware abstraction (request_firmware() for the QT2025's driver),
  // as the tree's rust/kernel/firmware.rs is among the Rust crates: counted
  // apart from the phylib abstraction that phy.rs and reg.rs stand beside.
  std::vector<Source> cxx_firmware;
};

Sources read_sources(Environment& env) {
  const fs::path tree = env.tree().root, data = kernel::data_dir();
  Sources s;
  // A tree file --replace replaced is read where the build read it, so the
  // counts are of the source that ran (its origin names the file).
  const auto& overlay = env.built().overlay;
  const auto load_from = [&](const fs::path& root, const std::string& rel, const std::string& origin) {
    const auto it = root == tree ? overlay.find(rel) : overlay.end();
    if (it == overlay.end()) return load(root, rel, origin);
    Source r = load(it->second.parent_path(), it->second.filename().string(), "replaced by " + it->second.string());
    r.path = rel;
    return r;
  };
  // A driver the tree or refdrv lacks stays a Source with no text (present false).
  const auto driver = [&](const fs::path& root, const std::string& rel, const std::string& origin) {
    return rel.empty() ? Source{{}, origin, {}, false} : load_from(root, rel, origin);
  };
  const auto cxx_source = [&](const DriverGroup& g) {
    const auto* m = cxx_module_of(env, g);
    return m ? std::string(m->info.source.c_str()) : std::string();
  };
  const DriverGroup& ref = reference_group();
  const kernel::GroupSources ref_src = kernel::sources_of(env.tree(), ref);
  s.c_driver = driver(tree, ref_src.c_source, "tree");
  s.rust_driver = driver(tree, ref_src.rust_source, "tree");
  s.tree_phy = load_from(tree, "rust/kernel/net/phy.rs", "tree");
  s.tree_reg = load_from(tree, "rust/kernel/net/phy/reg.rs", "tree");
  s.phy_h = load_from(tree, "include/linux/phy.h", "tree");
  s.cxx_driver = driver(data, cxx_source(ref), "refdrv");
  if (const auto* m = cxx_module_of(env, ref)) s.cxx_module = m->info.name.c_str();
  for (const DriverGroup& g : driver_groups())
    if (&g != &ref)
      s.others.push_back({g.title, driver(tree, kernel::sources_of(env.tree(), g).rust_source, "tree"),
                          driver(data, cxx_source(g), "refdrv")});
  for (const auto& f : env.built().rust_sources) s.rust_compiled.push_back(load_from(tree, f, "tree"));
  for (const auto& f : files_under(data, "cxx/include/refdrv/phy", ".hpp")) s.cxx_abstraction.push_back(load(data, f, "refdrv"));
  // The phylib abstraction as the tree's phy.rs and phy/reg.rs are Rust's;
  // the firmware abstraction apart (cxx/include/refdrv/firmware.hpp and
  // cxx/abstractions/firmware.cpp, as the tree's rust/kernel/firmware.rs).
  for (const char* ext : {".hpp", ".cpp"})
    for (const auto& f : files_under(data, "cxx/abstractions", ext))
      (fs::path(f).stem() == "firmware" ? s.cxx_firmware : s.cxx_abstraction).push_back(load(data, f, "refdrv"));
  s.cxx_firmware.push_back(load(data, "cxx/include/refdrv/firmware.hpp", "refdrv"));
  // The callback table the C++ adapter and checks are generated from (its
  // rows stand where phy.rs has one adapter function per callback).
  s.cxx_abstraction.push_back(load(data, "abi/refdrv_phy_callbacks.h", "refdrv"));
  return s;
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string date_of(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

double ratio(std::uint64_t a, std::uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

// Cut down, never rounded up (199 of 200 is not "100%"), and a share that
// is not nothing is not "0%" either.
std::string pct(std::size_t a, std::size_t b) {
  if (!b) return "-";
  const double p = std::floor(100.0 * static_cast<double>(a) / static_cast<double>(b));
  return a && p == 0 ? "<1%" : fmt::format("{:.0f}%", p);
}

// ---------------------------------------------------------------------------
// 1. Equivalence

json equivalence(const CheckReport& rep, const std::string& suite_name) {
  json j;
  j["method"] = fmt::format(
      "refdrv check on {}: every scenario on every model with every implementation that has a driver for it, each in "
      "its own instance; expectations checked per run; on each scenario/model pair, each implementation compared "
      "with the first that ran it (C where the tree has a C driver for the model) at three levels (MDIO sequence; "
      "events: state transitions, callback and phylib API return codes, link changes, WARNs{}; outcome at the MAC "
      "and in ethtool after every step).",
      suite_name, rep.logs ? " and the kernel log" : "; not the kernel log (its lines were not kept)");
  j["runs"] = rep.instances;
  j["pairs"] = rep.rows.size();
  // Nothing ran (no selected implementation has a driver for any model):
  // no verdict, and a failure of the report (refdrv check exits 2 alike).
  j["nothing_ran"] = rep.ran_pairs() == 0;
  j["all_passed"] = rep.ran_pairs() > 0 && rep.all_passed();
  // As check's JSON: equivalent only where something was compared, and not
  // where the implementations register different phy_drivers (a review,
  // 2026-12-07: the report said "0 diverging pair(s)" and exited 0 where
  // check exited 1 on a registration difference).
  j["all_equivalent"] = rep.all_equivalent() && rep.compared_pairs() > 0 && !rep.drivers_not_compared();
  j["registration_differences"] = rep.registration_differences;
  j["has_registration_differences"] = !rep.registration_differences.empty();
  j["expectations"] = rep.expectations();
  j["has_expectations"] = rep.expectations() > 0;
  // check's own verdict: its exit status (0, 1 a finding, 2 none), and,
  // only where it has none, why (nothing ran, the comparison asked for not
  // made, every finding a stop at a kernel function refdrv does not
  // emulate): a failed run beside a comparison not made is still check's
  // finding (exit 1).
  const int check_exit = rep.exit_code();
  j["check_exit_code"] = check_exit;
  j["no_verdict"] = nullptr;
  if (check_exit == kExitBadInput) {
    if (rep.ran_pairs() == 0)
      j["no_verdict"] = "nothing ran: no selected implementation has a driver for a model of the suite";
    else if (const auto gap = unemulated_gap(rep))
      j["no_verdict"] = *gap;
    else if (rep.drivers_not_compared())
      j["no_verdict"] = fmt::format(
          "in no compared pair did two of the implementations asked for ({}) run their own drivers (a PHY ID none "
          "matches, a generic model, a failed bus scan): the instances were compared, the drivers not",
          impl_list(rep.impls));
    else
      j["no_verdict"] = fmt::format(
          "no scenario's model has a driver in two of the implementations asked for ({}): "
          "the comparison asked for was not made",
          impl_list(rep.impls));
  }
  j["uncompared_pairs"] = rep.uncompared_pairs();
  j["has_uncompared_pairs"] = rep.uncompared_pairs() > 0;
  json impls = json::array();
  for (Impl i : rep.impls) impls.push_back(impl_title(i));
  j["implementations"] = impls;
  json rows = json::array();
  std::size_t failed = 0, diverged = 0;
  for (const auto& r : rep.rows) {
    json cells = json::array();
    for (Impl impl : rep.impls) {
      const RunResult* run = r.run_of(impl);
      if (!run) {
        // Neither a pass nor a failure: shown apart (it was green, as a pass).
        cells.push_back({{"ok", true},
                         {"na", true},
                         {"text", "n/a"},
                         {"why", fmt::format("no {} driver for {}", impl_title(impl), r.model)}});
        continue;
      }
      const bool ok = run->passed();
      failed += ok ? 0 : 1;
      cells.push_back(
          {{"ok", ok}, {"na", false}, {"text", ok ? "pass" : "FAIL"}, {"why", ok ? "" : run->failure_summary()}});
    }
    const std::string eq = equivalence_text(r);
    diverged += r.equivalent() ? 0 : 1;
    rows.push_back({{"scenario", r.scenario->name}, {"model", r.model}, {"cells", cells}, {"equivalent", eq == "yes"},
                    {"equivalence", eq}});
  }
  j["rows"] = rows;
  j["failed_runs"] = failed;
  j["diverging_pairs"] = diverged;
  // Equivalence is a verdict only where a pair ran on two implementations.
  j["compared_pairs"] = rep.compared_pairs();
  j["equivalence_checked"] = rep.compared_pairs() > 0;
  // As check's line says it: pairs compared in which no two
  // implementations' own drivers ran (a generic PHY, a failed bus scan).
  const std::size_t no_own = rep.no_own_driver_pairs();
  j["no_own_driver_pairs"] = no_own;
  j["has_no_own_driver_pairs"] = no_own > 0;
  // Pairs that ran on one implementation: "all equivalent" says nothing of them.
  const std::size_t single = rep.single_pairs();
  j["single_pairs"] = single;
  j["has_single_pairs"] = single > 0;
  // check's notes under its verdict (pairs in which no two implementations'
  // own drivers ran, WARNs, fault rules that never fired, ...): the report's
  // line said "all implementations equivalent" without them.
  j["notes"] = check_notes(rep);
  j["has_notes"] = !j["notes"].empty();
  json cov = json::array();
  for (const auto& c : rep.coverage) {
    std::string missing;
    for (const auto& cb : c.implemented)
      if (std::find(c.covered.begin(), c.covered.end(), cb) == c.covered.end()) missing += (missing.empty() ? "" : ", ") + cb;
    cov.push_back({{"implementation", impl_title(c.impl)},
                   {"module", c.module},
                   {"driver", c.driver},
                   {"implemented", c.implemented.size()},
                   {"covered", c.covered.size()},
                   {"percent", c.implemented.empty() ? 100 : 100 * c.covered.size() / c.implemented.size()},
                   {"not_run", missing}});
  }
  j["coverage"] = cov;
  return j;
}

// ---------------------------------------------------------------------------
// 2. Safe code

json rust_file(const Source& s) {
  const RustUnsafe u = scan_rust_unsafe(s.text);
  const LineCounts l = count_lines(s.text, Lang::kRust);
  std::size_t c_calls = 0;
  for (const auto& site : u.sites) c_calls += site.calls_c ? 1 : 0;
  return {{"path", s.path},          {"origin", s.origin},           {"code_lines", l.code},
          {"unsafe_blocks", u.blocks}, {"unsafe_fns", u.fns},        {"unsafe_impls", u.impls},
          {"unsafe_traits", u.traits}, {"unsafe_other", u.others},   {"unsafe_total", u.total()},
          {"blocks_calling_c", c_calls}, {"safety_comments", u.safety_comments}};
}

// The files of `files` refdrv could not read (or a tree without them:
// reg.rs came in 6.11): in no count, and said.
std::vector<std::string> unread_paths(const std::vector<const Source*>& files) {
  std::vector<std::string> out;
  for (const Source* f : files)
    if (!f->present) out.push_back(f->path);
  return out;
}

json rust_group(const std::string& label, const std::vector<const Source*>& files) {
  json j;
  j["label"] = label;
  json fl = json::array();
  std::map<std::string, std::size_t> where;
  json totals = {{"code_lines", 0},   {"unsafe_blocks", 0},    {"unsafe_fns", 0},
                 {"unsafe_impls", 0}, {"unsafe_traits", 0},    {"unsafe_other", 0},
                 {"unsafe_total", 0}, {"blocks_calling_c", 0}, {"safety_comments", 0}};
  for (const Source* s : files) {
    if (!s->present) continue;
    json f = rust_file(*s);
    for (auto& [k, v] : totals.items()) v = v.get<std::size_t>() + f[k].get<std::size_t>();
    fl.push_back(f);
    for (const auto& site : scan_rust_unsafe(s->text).sites) {
      std::string ctx = site.context.substr(0, site.context.find(", "));
      ++where[ctx];
    }
  }
  totals["file_count"] = fl.size();
  j["files"] = fl;
  // Said, not skipped silently (a review, 2026-12-07: a missing phy.rs read
  // as an abstraction of 0 lines).
  j["unread"] = unread_paths(files);
  j["totals"] = totals;
  std::vector<std::pair<std::size_t, std::string>> top;
  for (const auto& [ctx, n] : where) top.emplace_back(n, ctx);
  std::sort(top.rbegin(), top.rend());
  json conc = json::array();
  for (const auto& [n, ctx] : top) conc.push_back({{"where", ctx}, {"count", n}});
  j["concentration"] = conc;
  return j;
}

// tools/check-escape-hatches on the given files, cached by their content.
json escape_hatches(const std::vector<const Source*>& files, bool run_tool) {
  json j;
  j["method"] =
      "tools/check-escape-hatches (clang-tidy C++ Core Guidelines type/bounds profile and clang-query "
      "matchers: raw pointers (declared, returned by a call, dereferenced), casts (std::bit_cast and the "
      "pointer casts too), addresses taken (std::addressof, std::ref too), C functions called or "
      "referred to, calls through function pointers, mutable globals, threads, unchecked access to a Result "
      "or optional (*, ->, error()), unchecked indexes (operator[], front/back, subspan/first/last), "
      "iterators, uninitialised variables, std::unreachable and [[assume]], new/delete, unions, inline "
      "assembly, unexplained discards; in a driver also views kept past their owner, conditional "
      "compilation and an #include the check does not read), the check CI enforces on the C++ drivers";
  const fs::path tool = kernel::data_dir() / "tools/check-escape-hatches";
  if (!run_tool) {
    j["available"] = false;
    j["note"] = "not run (--no-escape-hatches): no escape-hatch count";
    return j;
  }
  // The clang tools the check runs, found as it finds them: CLANG_TIDY and
  // CLANG_QUERY when set, else the -19 ones, else the unversioned ones (this
  // looked for the -19 ones alone and said "not installed" where the check
  // would have run).
  std::vector<std::pair<std::string, std::string>> tools;  // (variable, what runs)
  for (const auto& [var, names] : {std::pair{"CLANG_TIDY", std::array{"clang-tidy-19", "clang-tidy"}},
                                   std::pair{"CLANG_QUERY", std::array{"clang-query-19", "clang-query"}}}) {
    const char* set = std::getenv(var);
    std::string exe = set && *set ? set : "";
    for (const char* name : names)
      if (exe.empty() && kernel::on_path(name)) exe = name;
    tools.emplace_back(var, exe);
  }
  if (tools[0].second.empty() || tools[1].second.empty()) {
    // Asked for (no --no-escape-hatches) and not made: the report is
    // incomplete, as when the check fails (it said "not installed" and the
    // report exited 0; a review, 2026-12-07).
    j["available"] = false;
    j["tool_failed"] = true;
    j["note"] =
        "clang-tidy and clang-query are not installed (nor named by CLANG_TIDY and CLANG_QUERY): no "
        "escape-hatch count (apt-get install clang-tidy-19 clang-tools-19, or --no-escape-hatches)";
    return j;
  }
  // The key: the tool, the tools it runs (CLANG_TIDY, CLANG_QUERY) and their
  // versions, clang-tidy's configuration, the files, and every header they
  // can include from refdrv (its C++ abstractions, the C ABI): a change to
  // any of them can change the count.
  std::string key_text = kernel::read_file(tool).value_or("");
  for (const auto& [var, exe] : tools) {
    key_text += fmt::format("{}={}\n", var, exe);
    const fs::path v = fs::temp_directory_path() / fmt::format("refdrv-tool-version-{}.txt", ::getpid());
    (void)kernel::run({{exe, "--version"}, {}, v, {}});
    key_text += kernel::read_file(v).value_or(exe + ": no version");
    std::error_code ec;
    fs::remove(v, ec);
  }
  key_text += kernel::read_file(kernel::data_dir() / "cxx/drivers/.clang-tidy").value_or("");
  std::vector<fs::path> checked;
  for (const Source* s : files) checked.push_back(kernel::data_dir() / s->path);
  for (const auto& [header, text] : quoted_includes(kernel::data_dir(), checked))
    key_text += header.string() + "\n" + text;
  for (const Source* s : files) key_text += s->path + "\n" + s->text;
  const fs::path cache = kernel::cache_root() / "report" / ("escape-hatches-" + kernel::hash_hex(key_text) + ".txt");
  std::string out;
  std::optional<int> fresh_status;  // the tool's exit status, when it ran now
  // The cache keeps the tool's exit status as its first line, and its
  // output: a cached count is held to the same cross-check as a fresh one
  // (an empty or cut file read back as "no finding" printed 0 escape
  // hatches). A file without that line is no cache entry.
  std::optional<int> status_of_output;
  static const std::regex finding(R"(^(.+?):([0-9]+): (.+)$)");
  const auto findings_in = [](const std::string& text) {
    std::size_t n = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) n += std::regex_match(line, finding) ? 1 : 0;
    return n;
  };
  if (auto cached = kernel::read_file(cache);
      cached && (cached->starts_with("status 0\n") || cached->starts_with("status 1\n"))) {
    // An entry whose lines disagree with its status (cut short) is damaged:
    // removed, and the tool runs again (it stopped every later report, a
    // review found).
    const int st = (*cached)[7] - '0';
    if ((st == 1) == (findings_in(cached->substr(9)) > 0)) {
      status_of_output = st;
      out = cached->substr(9);
    } else {
      std::error_code ec;
      fs::remove(cache, ec);
    }
  }
  if (!status_of_output) {
    std::vector<std::string> argv = {tool.string()};
    for (const Source* s : files) argv.push_back((kernel::data_dir() / s->path).string());
    // 0: clean, 1: findings (one line each); anything else is the tool
    // failing, which is no count at all (and is not cached).
    const fs::path tmp = fs::temp_directory_path() / fmt::format("refdrv-hatches-{}.txt", ::getpid());
    std::error_code ec;
    fs::remove(tmp, ec);
    const auto status = kernel::run({argv, kernel::data_dir(), tmp, {}});
    out = kernel::read_file(tmp).value_or("");
    const std::string tail = kernel::tail_of(tmp, 5);
    fs::remove(tmp, ec);
    if (!status || (*status != 0 && *status != 1)) {
      j["available"] = false;
      j["tool_failed"] = true;
      j["note"] = fmt::format("tools/check-escape-hatches failed ({}): no escape-hatch count. {}",
                              status ? fmt::format("exit status {}", *status) : status.error().message, tail);
      return j;
    }
    fresh_status = *status;
    status_of_output = *status;
  }
  j["available"] = true;
  std::map<std::string, std::map<std::string, std::size_t>> per_file;
  std::istringstream in(out);
  // The tools name files by absolute path; the data directory may be given
  // relative (REFDRV_DATA_DIR=.), so both are made absolute and normal first.
  const fs::path data = fs::absolute(kernel::data_dir()).lexically_normal();
  std::size_t findings = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, finding)) continue;
    ++findings;
    const fs::path named = fs::path(m[1].str());
    std::string file = fs::absolute(named).lexically_normal().lexically_relative(data).string();
    if (file.empty() || file.starts_with("..")) file = m[1].str();
    std::string what = m[3].str();
    if (what.find("[clang-diagnostic-error]") != std::string::npos) what = kCompileError;
    else if (static const std::regex tidy_check(R"( \[[a-z][a-z0-9]*-[a-z0-9.-]+(,-warnings-as-errors)?\]$)");
             std::regex_search(what, tidy_check)) {
      // "[check-name]", or "[check-name,-warnings-as-errors]" where the
      // configuration makes it an error: the check's name either way, for
      // every check (cert-err33-c and hicpp-no-assembler findings kept their
      // whole message, one kind per message text).
      std::string check = what.substr(what.rfind('[') + 1, what.size() - what.rfind('[') - 2);
      check = check.substr(0, check.find(','));
      what = "clang-tidy: " + check;
    }
    ++per_file[file][what];
  }
  json fl = json::array();
  std::map<std::string, std::size_t> by_kind;
  std::size_t total = 0, attributed = 0;
  for (const Source* s : files) {
    json kinds = json::object();
    std::size_t n = 0;
    for (const auto& [what, count] : per_file[s->path]) {
      kinds[what] = count;
      attributed += count;
      n += count;
      by_kind[what] += count;
    }
    total += n;
    fl.push_back({{"path", s->path},
                  {"escape_hatches", n},
                  {"by_kind", kinds},
                  {"safety_comments", count_safety_comments(s->text, Lang::kCxx)},
                  {"code_lines", count_lines(s->text, Lang::kCxx).code}});
  }
  // Every finding the tool printed belongs to a file checked: one that fell
  // outside them (a path not recognised) would otherwise be counted nowhere
  // and the total would say fewer escape hatches than the tool found.
  std::string failed;
  if (attributed != findings)
    failed = fmt::format("tools/check-escape-hatches reported {} finding(s), {} of them in no file it was given to "
                         "check: no escape-hatch count",
                         findings, findings - attributed);
  // Its exit status and its lines agree (1: findings, each a line it
  // printed; 0: none), or the lines were not read as it wrote them and a
  // count of 0 would be the parser's, not the tool's.
  else if ((*status_of_output == 1) != (findings > 0))
    failed = fmt::format(
        "tools/check-escape-hatches exited {} but printed {} finding(s) refdrv could read: no escape-hatch count. {}",
        *status_of_output, findings, out.substr(0, 400));
  // A file clang could not compile was not analysed: its count is no count.
  else if (const auto errors = by_kind.find(kCompileError); errors != by_kind.end())
    failed = fmt::format("clang could not compile a file the escape-hatch check was given ({} error(s) in it): no "
                         "escape-hatch count",
                         errors->second);
  if (!failed.empty()) {
    j["available"] = false;
    j["tool_failed"] = true;
    j["note"] = failed;
    return j;
  }
  // A cache: failing to write it only costs time.
  if (fresh_status) (void)kernel::write_file(cache, fmt::format("status {}\n{}", *fresh_status, out));
  j["files"] = fl;
  j["total"] = total;
  json k = json::array();
  for (const auto& [what, n] : by_kind) k.push_back({{"kind", what}, {"count", n}});
  j["by_kind"] = k;
  return j;
}

json safe_code(const Sources& s, bool run_tool) {
  json j;
  j["method"] = "Rust: a tokenizer-level scan (comments, strings, raw strings, char literals and lifetimes "
                "excluded) counting `unsafe {` blocks, `unsafe fn`, `unsafe impl`, `unsafe trait` and other uses. "
                "C++: the escape-hatch check (tools/check-escape-hatches: its findings by kind, calls through function "
                "pointers among them, which is how the abstraction reaches its C helpers; C++ casts count, Rust's `as` "
                "does not). C: code lines (every line is outside a language-level safety "
                "boundary).";
  const LineCounts c = count_lines(s.c_driver.text, Lang::kC);
  j["c"] = {{"path", s.c_driver.path}, {"code_lines", c.code}, {"comment_lines", c.comment}};
  j["rust_in_tree"] = s.rust_driver.present;
  if (s.rust_driver.present) {
    j["rust_driver"] = rust_group("Rust driver (tree)", {&s.rust_driver});
    j["rust_abstraction_tree"] = rust_group("Rust abstraction (tree: rust/kernel/net/phy.rs + phy/reg.rs)",
                                            {&s.tree_phy, &s.tree_reg});
  }
  std::vector<const Source*> compiled;
  for (const auto& f : s.rust_compiled) compiled.push_back(&f);
  // null where no Rust was compiled (6.1, a build without Rust): no row of
  // zeros (a review, 2026-12-07).
  j["rust_compiled"] =
      compiled.empty()
          ? json(nullptr)
          : rust_group("the tree's Rust crates as refdrv compiled them (kbuild's dependency records)", compiled);
  // The other groups' Rust drivers (the QT2025's, Rust only in the tree).
  json others = json::array();
  for (const auto& o : s.others)
    if (o.rust.present) others.push_back(rust_group(o.title + " driver (tree, Rust)", {&o.rust}));
  j["rust_other_groups"] = others;
  std::vector<const Source*> cxx;
  // A C++ driver or abstraction file refdrv could not read is in no count:
  // said, not a smaller count read as a clean one.
  std::vector<std::string> unread;
  const auto add = [&](const Source& f) {
    if (f.present)
      cxx.push_back(&f);
    else if (!f.path.empty())
      unread.push_back(f.path);
  };
  add(s.cxx_driver);
  for (const auto& o : s.others) add(o.cxx);
  for (const auto& f : s.cxx_abstraction) add(f);
  for (const auto& f : s.cxx_firmware) add(f);
  json hatches = escape_hatches(cxx, run_tool);
  if (!unread.empty()) hatches["unread"] = unread;
  j["cxx"] = hatches;

  // Where the unsafe code concentrates, in words.
  std::string text;
  if (s.rust_driver.present) {
    const json& d = j["rust_driver"]["totals"];
    const json& a = j["rust_abstraction_tree"];
    text += fmt::format(
        "The Rust driver has {} unsafe site(s) in {} code lines. The tree's abstraction has {} ({} blocks, {} of "
        "them calling C through bindings::, {} unsafe fn, {} unsafe impl) in {} code lines",
        d["unsafe_total"].get<std::size_t>(), d["code_lines"].get<std::size_t>(),
        a["totals"]["unsafe_total"].get<std::size_t>(), a["totals"]["unsafe_blocks"].get<std::size_t>(),
        a["totals"]["blocks_calling_c"].get<std::size_t>(), a["totals"]["unsafe_fns"].get<std::size_t>(),
        a["totals"]["unsafe_impls"].get<std::size_t>(), a["totals"]["code_lines"].get<std::size_t>());
    if (!a["unread"].empty())
      text += fmt::format(" (not in the tree or not readable, so in no figure: {})",
                          fmt::join(a["unread"].get<std::vector<std::string>>(), ", "));
    std::string where;
    std::size_t shown = 0;
    for (const auto& c2 : a["concentration"]) {
      if (shown++ == 3) break;
      where += fmt::format("{}{} in {}", where.empty() ? "" : ", ", c2["count"].get<std::size_t>(),
                           c2["where"].get<std::string>());
    }
    if (!where.empty()) text += ": " + where;
    text += d["unsafe_total"].get<std::size_t>() == 0
                ? ". Every unsafe operation the driver needs sits behind the abstraction; the driver's own source "
                  "is safe code (module_phy_driver! is a macro_rules! of phy.rs, so its unsafe code is counted once, "
                  "in the abstraction's figure, however many drivers expand it; the code the module! procedural "
                  "macro of rust/macros writes into the driver's crate is counted in neither figure)."
                : ". The driver itself is not free of unsafe code.";
  } else {
    text += "This tree has no Rust reference driver.";
  }
  if (!s.rust_compiled.empty()) {
    const json& o = j["rust_compiled"]["totals"];
    text += fmt::format(" The tree's Rust crates that refdrv compiled and ran them on ({} files of rust/) have {} "
                        "unsafe site(s) in {} code lines.",
                        s.rust_compiled.size(), o["unsafe_total"].get<std::size_t>(),
                        o["code_lines"].get<std::size_t>());
  }
  if (hatches.value("available", false)) {
    std::size_t driver = 0, abstraction = 0, firmware = 0, safety = 0;
    for (const auto& f : hatches["files"]) {
      bool is_driver = f["path"] == s.cxx_driver.path;
      for (const auto& o : s.others) is_driver = is_driver || f["path"] == o.cxx.path;
      const bool is_firmware = std::any_of(s.cxx_firmware.begin(), s.cxx_firmware.end(),
                                           [&](const Source& fw) { return f["path"] == fw.path; });
      (is_driver ? driver : is_firmware ? firmware : abstraction) += f["escape_hatches"].get<std::size_t>();
      safety += f["safety_comments"].get<std::size_t>();
    }
    text += fmt::format(
        " On the C++ side the drivers (of every driver group) have {} escape hatch(es), the phylib abstraction {} "
        "and the firmware abstraction {} (with {} SAFETY comments in all). The two sides' counts are not the same "
        "guarantee: in Rust's safe code the compiler proves that no reference outlives what it borrows and that no "
        "access is out of bounds unchecked (in the unsafe code counted above, the SAFETY comments argue it "
        "instead), while C++ proves neither: the escape-hatch check refuses a list of patterns (raw pointers, "
        "casts, unchecked accesses, indexes and iterators, views kept past their owner, ...; docs/cxx-driver.md), "
        "so a C++ zero says that none of those was written, not that no undefined behaviour (a signed overflow, "
        "a dangling reference the patterns do not name) is possible. The C between the C++ abstraction and "
        "phylib (refdrv's emul/helpers.c: the casts from phy_device and the forwarding that phy.rs does in its "
        "counted unsafe code) is in no C++ figure.",
        driver, abstraction, firmware, safety);
  }
  if (!unread.empty()) text += fmt::format(" Not counted, as refdrv could not read them: {}.", fmt::join(unread, ", "));
  if (s.c_driver.present)
    text += fmt::format(" The C driver's {} code lines are all outside any language-level safety boundary.", c.code);
  else
    text += fmt::format(" This tree has no C driver for CONFIG_{}.", reference_group().kconfig);
  j["summary"] = text;
  return j;
}

// ---------------------------------------------------------------------------
// 3. Fault handling

std::set<std::string> int_functions(const std::string& header) {
  std::set<std::string> out;
  const auto toks = tokenize(header, Lang::kC);
  std::vector<std::string_view> w;
  for (const auto& t : toks)
    if (t.kind != Tok::kSpace && t.kind != Tok::kComment && t.kind != Tok::kPreproc)
      w.push_back(std::string_view(header).substr(t.begin, t.end - t.begin));
  for (std::size_t k = 0; k + 2 < w.size(); ++k)
    if (w[k] == "int" && w[k + 2] == "(" && (k == 0 || w[k - 1] != "unsigned")) out.emplace(w[k + 1]);
  return out;
}

json dropped_json(const std::vector<DroppedResult>& d) {
  json a = json::array();
  for (const auto& x : d)
    a.push_back({{"line", x.line}, {"call", x.call}, {"how", x.how}, {"explained", x.explained}});
  return a;
}

// How strong the suite is: refdrv mutate on each tree driver, each in a
// process of its own (every mutant loads its own kernel side).
json mutation(Environment& env, const ReportOptions& opt, int check_exit, bool suite_clean) {
  constexpr double kMinScore = 95;
  json j;
  j["method"] =
      "refdrv mutate (docs/mutate.md): small changes to the tree's driver source (operators, conditions, constants, "
      "errnos, dropped error checks, deleted statements, removed initialisers), each compiled as an overlay of the "
      "tree's build and checked on the suite against the unchanged implementations; the score is killed / (killed + "
      "survived).";
  j["min_score"] = kMinScore;
  if (opt.mutate_worker.empty()) {
    j["ran"] = false;
    j["note"] = "Mutation testing was not run (--no-mutate).";
    // Empty, not absent: the templates would look "drivers" up in the
    // enclosing context, section 8's (its note showed up here).
    j["drivers"] = json::array();
    return j;
  }
  json drivers = json::array();
  bool all_ran = true, all_reach = true;
  const fs::path dir = fs::temp_directory_path() / fmt::format("refdrv-mutate-{}", ::getpid());
  fs::create_directories(dir);
  // The implementations the report compares: a mutant is checked against
  // those, not against one --impl left out (section 1 would say the
  // comparison was not made while the score rested on it).
  std::vector<Impl> selected;
  for (Impl i : opt.impls)
    if (i == Impl::kC || i == Impl::kRust || i == Impl::kCxx) selected.push_back(i);
  // Every implementation of the group the tree and refdrv have (without
  // Rust, C and C++ are all there is to compare with).
  const std::vector<Impl> group = group_impls(env, reference_group());
  const bool all_selected =
      std::ranges::all_of(group, [&](Impl i) { return std::ranges::find(selected, i) != selected.end(); });
  for (Impl impl : {Impl::kC, Impl::kRust}) {
    json d = {{"implementation", impl_title(impl)}};
    if (auto src = mutation_source(env, impl); !src) {
      // A tree without the Rust driver (6.1) has nothing to mutate there;
      // one whose Rust driver was not built (no Rust toolchain) has a driver
      // that went unmutated, so not every driver ran.
      d["ran"] = false;
      d["note"] = src.error().message;
      if (impl == Impl::kC || !kernel::sources_of(env.tree(), reference_group()).rust_source.empty()) all_ran = false;
      drivers.push_back(d);
      continue;
    }
    if (std::ranges::find(selected, impl) == selected.end()) {
      d["ran"] = false;
      d["note"] =
          fmt::format("not run: --impl {} leaves the {} implementation out", impl_list(opt.impls), impl_title(impl));
      all_ran = false;  // "every driver's score reaches" would speak for it too
      drivers.push_back(d);
      continue;
    }
    // Section 1 failing (or without a verdict), mutate refuses: every
    // mutant would be "killed" by the failure already there. Not a tool
    // that failed: the report's verdict is section 1's.
    if (check_exit == 2 || !suite_clean) {
      d["ran"] = false;
      d["note"] = check_exit == 2 ? "not run: section 1 has no verdict on the unmutated drivers"
                                  : "not run: the suite does not pass on the unmutated drivers (section 1's finding), "
                                    "so every mutant would be called killed by a failure already there";
      all_ran = false;
      drivers.push_back(d);
      continue;
    }
    if (opt.progress) opt.progress(fmt::format("mutation testing ({} driver)", impl_title(impl)));
    const fs::path out = dir / fmt::format("{}.json", impl_name(impl)), log = dir / fmt::format("{}.log", impl_name(impl));
    std::vector<std::string> argv = opt.mutate_worker;
    argv.insert(argv.end(), {"--impl", impl_name(impl), "--min-score", fmt::format("{}", kMinScore), "--json", out.string()});
    if (!all_selected) {
      // The selection within the group: an implementation only another
      // group has is none to compare an Asix mutant with.
      std::vector<Impl> with;
      for (Impl i : selected)
        if (std::ranges::find(group, i) != group.end()) with.push_back(i);
      argv.insert(argv.end(), {"--compare-with", impl_list(with)});
    }
    auto st = kernel::run({argv, {}, log, {}});
    auto text = kernel::read_file(out);
    json full;
    // 0 and 1 are verdicts (the score against the minimum); anything else is
    // a failure of the run, which has no score.
    if (st && (*st == 0 || *st == 1) && text) full = json::parse(*text, nullptr, false);
    // No score: the run failed, or it scored no mutant (every one equivalent
    // or stillborn: its "score" is null). Either way the measurement failed.
    std::string no_score;
    if (full.is_discarded() || !full.contains("mutants"))
      no_score = fmt::format("refdrv mutate failed ({}): {}", st ? fmt::format("exit status {}", *st) : st.error().message,
                             kernel::tail_of(log, 6));
    else if (!full.contains("counts") || !full.contains("score") ||
             !(full["score"].is_null() || full["score"].is_number()))
      no_score = fmt::format("refdrv mutate wrote a report without a score or counts ({}): no score",
                             out.string());
    else if (full["score"].is_null())
      no_score = fmt::format(
          "refdrv mutate scored no mutant (killed {}, survived {}, equivalent {}, stillborn {}, undecided {})",
          full["counts"].value("killed", 0), full["counts"].value("survived", 0), full["counts"].value("equivalent", 0),
          full["counts"].value("stillborn", 0), full["counts"].value("undecided", 0));
    if (!no_score.empty()) {
      d["ran"] = false;
      d["tool_failed"] = true;
      d["note"] = no_score;
      all_ran = false;
      drivers.push_back(d);
      continue;
    }
    const auto count = [&](const char* k) { return full["counts"].value(k, std::size_t{0}); };
    d["ran"] = true;
    d["source"] = full["source"];
    d["mutants"] = full["mutants"].size();
    d["counts"] = full["counts"];
    const double score = full["score"].get<double>();
    // Shown to 0.1, cut down, never rounded up: 94.96 shown as 95.0 beside
    // "below 95%" read as a score that reaches it.
    d["score"] = std::floor(score * 10 + 1e-9) / 10;
    // One decimal always: 98.0 was shown as "98%" beside "96.5%".
    d["score_text"] = fmt::format("{:.1f}", d["score"].get<double>());
    d["reaches_minimum"] = count("killed") + count("survived") > 0 && score + 1e-9 >= kMinScore;
    d["seconds"] = std::round(full.value("wall_seconds", 0.0));
    // How many kills rest on runs in which a model's quirk acted: that much
    // of the score is refdrv's reading of records that leave parts open.
    const json qk = full.value("kills_with_model_quirks", json::object());
    const auto quirk_kills = qk.value("kills", std::size_t{0});
    d["kills_with_model_quirks"] = quirk_kills;
    if (!all_selected)
      d["scope_note"] = fmt::format("each mutant checked with {} only (--impl): {}", titles_in_words(selected),
                                    selected.size() == 1 ? "only the scenarios' expectations could kill it"
                                                         : "a difference from the implementations left out was "
                                                           "not looked for");
    if (quirk_kills) {
      QuirkKills from_worker{.kills = quirk_kills};
      const json by_quirk = qk.value("by_quirk", json::object());  // named: items() of a temporary dangles
      for (const auto& [q, n] : by_quirk.items())
        if (n.is_number_unsigned()) from_worker.by_quirk[q] = n.get<std::size_t>();
      d["quirk_note"] = quirk_kills_sentence(from_worker, count("killed"), "its");
    }
    json survivors = json::array(), equivalent = json::array();
    // The worker's fields as it wrote them, null where one lacks a field
    // (a const json's operator[] on a missing key is undefined).
    const auto field = [](const json& m, const char* k) { return m.is_object() && m.contains(k) ? m[k] : json(); };
    for (const auto& m : full["mutants"]) {
      const json after = field(m, "after");
      json x = {{"line", field(m, "line")},
                {"function", field(m, "function")},
                {"operator", field(m, "operator")},
                {"before", field(m, "before")},
                {"after", after.is_string() && after.get<std::string>().empty() ? json("(deleted)") : after}};
      if (field(m, "status") == "survived") survivors.push_back(x);
      if (field(m, "status") == "equivalent") {
        x["detail"] = field(m, "detail");
        equivalent.push_back(x);
      }
    }
    d["survivors"] = survivors;
    d["equivalent"] = equivalent;
    all_reach = all_reach && d["reaches_minimum"].get<bool>();
    drivers.push_back(d);
  }
  fs::remove_all(dir);
  j["ran"] = all_ran;
  // Its own, where the templates print one: absent, a mustache lookup goes
  // on to the enclosing sections' "note".
  if (!all_ran && !j.contains("note")) j["note"] = "Mutation testing did not give every driver a score:";
  j["drivers"] = drivers;
  j["all_reach_minimum"] = all_ran && all_reach;
  // The table when any driver has a score: one driver's failed run hid the
  // other's score (a review, 2026-12-07).
  bool any_ran = false, below = false;
  for (const auto& d : drivers)
    if (d.value("ran", false)) {
      any_ran = true;
      below = below || !d.value("reaches_minimum", false);
    }
  j["any_ran"] = any_ran;
  j["below_minimum"] = below;
  return j;
}

json faults(Environment& env, const std::vector<Scenario>& suite, const ReportOptions& opt, const Sources& s) {
  json j;
  j["method"] =
      "refdrv faults: for each scenario and model, every MDIO access of the run fails once (-EIO, the access does "
      "not reach the device), on each implementation; the outcome is classified (crash, hang, phylib error state, "
      "error returned, ignored) and compared.";
  if (opt.fault_sweep) {
    if (opt.progress) opt.progress("single-fault sweep");
    SweepOptions so;
    so.impls = opt.impls;
    so.containment = opt.containment;
    so.repro_dir = (opt.out_dir / "reproducers").string();
    const SweepReport rep = run_fault_sweep(env, suite, so);
    j["swept"] = true;
    j["points"] = rep.points.size();
    j["has_points"] = !rep.points.empty();  // no table of zeros where nothing was swept
    j["runs"] = rep.runs;
    j["seconds"] = rep.wall_seconds;
    json counts = json::array();
    for (Impl i : rep.impls) {
      json c = {{"implementation", impl_title(i)}};
      for (std::size_t o = 0; o < kFaultOutcomes; ++o) {
        std::string key = fault_outcome_name(static_cast<FaultOutcome>(o));
        std::replace(key.begin(), key.end(), ' ', '_');
        c[key] = rep.counts.at(i)[o];
      }
      c["mac_saw_a_difference"] = rep.mac_outcome_changed.at(i);
      c["kernel_warn"] = rep.warned.at(i);
      counts.push_back(c);
    }
    j["counts"] = counts;
    json diffs = json::array();
    for (const auto& p : rep.points) {
      if (!p.differs) continue;
      json outs = json::array();
      for (std::size_t i = 0; i < rep.impls.size(); ++i)
        outs.push_back({{"implementation", impl_title(rep.impls[i])},
                        {"outcome", fault_outcome_name(p.runs[i].outcome)},
                        {"detail", p.runs[i].detail}});
      diffs.push_back({{"scenario", p.scenario->name}, {"model", p.model}, {"access", p.index},
                       {"what", p.access}, {"step", p.step}, {"outcomes", outs},
                       {"reproducer", p.reproducer}});
    }
    j["differences"] = diffs;
    // Points where the runs stopped alike (a crash or a hang at an MDIO
    // error): no difference, but a finding (refdrv faults exits 1).
    json stopped = json::array();
    for (const auto& p : rep.points)
      if (rep.stops(p))
        stopped.push_back(fmt::format("{} on {}, access {} ({}): {}", p.scenario->name, p.model, p.index, p.access,
                                      p.runs.front().detail));
    j["stops_at_a_fault"] = stopped;
    j["has_stops_at_a_fault"] = !stopped.empty();
    // Pairs whose runs without a fault already stop or differ: their points say
    // nothing (refdrv faults exits 1 for them), and pairs not swept.
    json broken = json::array();
    for (const auto& p : rep.pairs)
      if (!p.baseline_ok) broken.push_back(fmt::format("{} on {}", p.scenario->name, p.model));
    j["has_differences"] = !diffs.empty();
    j["stops_without_a_fault"] = broken;
    j["has_stops_without_a_fault"] = !broken.empty();
    json skipped = json::array();
    for (const auto& sk : rep.skipped) skipped.push_back(fmt::format("{} on {} ({})", sk.scenario, sk.model, sk.reason));
    j["not_swept"] = skipped;
    j["has_not_swept"] = !skipped.empty();
    // "Identical" only where something was compared (two implementations, a
    // point) and every pair's runs without a fault ran through; otherwise why
    // not.
    j["compared"] = rep.compared();
    j["not_compared"] = rep.not_compared();
    j["uninjected_points"] = rep.uninjected();
    j["has_uninjected"] = rep.uninjected() > 0;  // said in the section (refdrv report exits 2)
    // Points where a run stopped at a function refdrv does not emulate: no
    // verdict there either (they were crashes, and differences).
    j["unemulated_points"] = rep.unemulated();
    j["has_unemulated"] = rep.unemulated() > 0;
    j["identical"] = rep.compared() && diffs.empty() && broken.empty() && stopped.empty() && rep.uninjected() == 0 &&
                     rep.unemulated() == 0;
  } else {
    j["swept"] = false;
  }
  // Dropped results, statically.
  const std::set<std::string> ints = int_functions(s.phy_h.text);
  json dropped = json::array();
  auto add = [&](const std::string& impl, const Source& src, Lang lang) {
    if (!src.present) return;
    const auto d = dropped_results(src.text, lang, ints);
    std::size_t unexplained = 0;
    for (const auto& x : d) unexplained += x.explained ? 0 : 1;
    dropped.push_back({{"implementation", impl}, {"path", src.path}, {"count", d.size()},
                       {"unexplained", unexplained}, {"sites", dropped_json(d)}});
  };
  add("C", s.c_driver, Lang::kC);
  add("Rust", s.rust_driver, Lang::kRust);
  add("C++", s.cxx_driver, Lang::kCxx);
  j["dropped_results"] = dropped;
  j["dropped_method"] = "C: a call of a phylib function declared to return int in include/linux/phy.h, used as a "
                        "statement; Rust: `let _ = ...` (an unused Result is a compiler warning otherwise); C++: "
                        "`std::ignore = ...` or `(void)...` ([[nodiscard]] makes any other drop an error). "
                        "\"explained\": a comment on the line or the line before.";
  return j;
}

// ---------------------------------------------------------------------------
// 4. Cost

}  // namespace

json instruction_table(const CostReport& c, const std::vector<Impl>& impls) {
  json j;
  j["method"] = c.note;
  j["measured"] = c.measured;
  j["tool_failed"] = c.failed;
  json titles = json::array();
  for (Impl i : impls) titles.push_back(impl_title(i));
  j["implementations"] = titles;
  // Ratios to the first implementation (C unless --impl leaves it out); the
  // totals add only the pairs every implementation ran, so that each total
  // counts the same scenarios (the QT2025's have no C driver).
  const Impl ref = impls.empty() ? Impl::kC : impls.front();
  j["ratio_to"] = impl_title(ref);
  json rows = json::array();
  std::map<Impl, std::uint64_t> total;
  std::size_t common = 0;
  for (const auto& r : c.rows) {
    json cells = json::array();
    const std::uint64_t base = r.instructions.count(ref) ? r.instructions.at(ref) : 0;
    bool all = true;
    for (Impl i : impls) {
      if (!r.instructions.count(i)) {
        all = false;
        cells.push_back({{"instructions", "n/a"}, {"ratio", "no driver"}});
        continue;
      }
      const std::uint64_t v = r.instructions.at(i);
      cells.push_back({{"instructions", v}, {"ratio", base ? fmt::format("{:.3f}", ratio(v, base)) : "-"}});
    }
    if (all) {
      ++common;
      for (Impl i : impls) total[i] += r.instructions.at(i);
    }
    rows.push_back({{"scenario", r.scenario}, {"model", r.model}, {"cells", cells}});
  }
  j["rows"] = rows;
  if (c.measured)
    j["method"] = common ? fmt::format(
                               "{}. Totals over the {} of {} scenario/model pairs that every implementation "
                               "ran.",
                               c.note, common, c.rows.size())
                         : fmt::format(
                               "{}. No total: none of the {} scenario/model pairs was run by every "
                               "implementation (a sum of 0 instructions each is no measurement).",
                               c.note, c.rows.size());
  json totals = json::array();
  const std::uint64_t base = total.count(ref) ? total.at(ref) : 0;
  for (Impl i : impls) {
    const std::uint64_t v = total.count(i) ? total.at(i) : 0;
    if (!common)
      totals.push_back({{"implementation", impl_title(i)}, {"instructions", "-"}, {"ratio", "-"}});
    else
      totals.push_back({{"implementation", impl_title(i)},
                        {"instructions", v},
                        {"ratio", base ? fmt::format("{:.3f}", ratio(v, base)) : "-"}});
  }
  j["totals"] = totals;
  return j;
}

namespace {

json cost(Environment& env, const ReportOptions& opt, const Sources& s) {
  CostReport c;
  if (opt.cost && !opt.cost_worker.empty()) {
    if (opt.progress) opt.progress("instruction counts (callgrind)");
    c = measure_instructions(opt.cost_worker);
  } else {
    c.note = "not measured (--no-cost)";
  }
  std::vector<std::string> cxx_names;
  for (const auto& d : cxx_driver_structs(s.cxx_driver.text)) cxx_names.push_back(d.type);
  for (const auto& f : free_functions(s.cxx_driver.text, Lang::kCxx)) cxx_names.push_back(f);
  if (!s.cxx_module.empty()) cxx_names.push_back(s.cxx_module);
  if (!opt.refdrv_exe.empty()) measure_sizes(env, opt.refdrv_exe, cxx_names, c);
  json j = instruction_table(c, opt.impls);
  json sizes = json::array();
  for (const auto& [label, d] : c.sizes) {
    if (!d.error.empty()) {
      sizes.push_back({{"what", label}, {"how", d.how}, {"error", d.error}});
      continue;
    }
    sizes.push_back({{"what", label}, {"text", d.text}, {"data", d.data}, {"total", d.text + d.data},
                     {"how", d.how}});
  }
  j["sizes"] = sizes;
  j["seconds"] = c.seconds;
  return j;
}

// ---------------------------------------------------------------------------
// 5. History

}  // namespace

json history_json(const History& h) {
  json groups = json::array();
  for (const auto& g : h.groups) {
    json commits = json::array();
    json fixes = json::array();
    for (const auto& c : g.commits) {
      json cj = {{"id", c.id.substr(0, 12)},
                 {"date", date_of(c.time)},
                 {"subject", c.subject},
                 {"author", c.author},
                 {"fix", c.is_fix()},
                 {"fixes_trailer", c.fixes_trailer},
                 {"introduced_bug", c.introduced_bug},
                 {"memory_safety", c.memory_safety},
                 {"leak", c.leak}};
      commits.push_back(cj);
      if (c.is_fix()) fixes.push_back(cj);
    }
    json years = json::array();
    for (const auto& [y, cf] : commits_per_year(g)) years.push_back({{"year", y}, {"commits", cf.first}, {"fixes", cf.second}});
    json churn = json::array();
    for (const auto& [p, fc] : g.churn)
      churn.push_back({{"path", p}, {"commits", fc.commits}, {"added", fc.added}, {"deleted", fc.deleted}});
    groups.push_back(
        {{"label", g.group.label},
         {"paths", g.group.paths},
         {"absent_at_head", g.absent},
         {"in_checkout", g.in_checkout()},
         {"followed_renames", g.followed},
         {"commits", g.commits.size()},
         {"fixes", g.fixes},
         {"fix_share", pct(g.fixes, g.commits.size())},
         {"memory_safety_fixes", g.memory_safety_fixes},
         {"leak_fixes", g.leak_fixes},
         {"introduced_bugs", g.introduced_bugs},
         {"authors", g.authors.size()},
         // The earliest and latest author dates: the commits are in
         // the order they were committed, which a rebase or a late
         // merge sets apart from when they were written.
         {"first", g.commits.empty() ? "" : date_of(std::ranges::min(g.commits, {}, &CommitRecord::time).time)},
         {"last", g.commits.empty() ? "" : date_of(std::ranges::max(g.commits, {}, &CommitRecord::time).time)},
         {"per_year", years},
         {"fix_commits", fixes},
         {"all_commits", commits},
         {"churn", churn}});
    // Only where it says something: the templates take an empty string as
    // a value to show.
    if (!g.absent.empty() && g.in_checkout())
      groups.back()["absent_note"] = fmt::format("HEAD has no {}", fmt::join(g.absent, ", "));
  }
  return {{"repo", h.repo}, {"head", h.head}, {"commits_walked", h.commits_walked}, {"seconds", h.seconds},
          {"groups", groups}, {"svg", history_svg(h)}};
}

namespace {

// The reference group's sources as the git checkout's own Makefile names
// them (its HEAD may be newer than the checked tree), else as the checked
// tree does (a bare repository has no working tree to read).
kernel::GroupSources history_sources(const kernel::LinuxTree& checked, const std::string& git) {
  kernel::LinuxTree t;
  t.root = git;
  t.groups = kernel::find_reference_groups(t.root);
  t.object_kconfig = kernel::phy_makefile_objects(t.root);
  kernel::GroupSources s = kernel::sources_of(t, reference_group());
  return s.any() ? s : kernel::sources_of(checked, reference_group());
}

json history(const ReportOptions& opt, const kernel::LinuxTree& tree) {
  json j;
  std::string pats;
  for (const auto& [label, re] : memory_safety_patterns()) pats += (pats.empty() ? "" : ", ") + label;
  j["method"] = fmt::format(
      "libgit2 walk of HEAD's non-merge commits touching each file (renames followed). A commit is a fix when it has "
      "a Fixes: trailer or its subject says fix/fixes/fixed; a commit named by a Fixes: trailer of those commits "
      "introduced a bug (a fix that touches none of the files is not walked, so what it names is not seen); a "
      "fix is a memory-safety fix when its subject, or a sanitizer or oops report line its message quotes (BUG:, "
      "KASAN:, UBSAN:, ...), mentions: {}; a fix of a memory leak is counted apart (leak fixes), since safe Rust does "
      "not rule leaks out. The method of the published null_blk/rnull "
      "bug-fix comparisons.",
      pats);
  if (opt.git.empty()) {
    j["available"] = false;
    j["note"] = "No git checkout given. Run `refdrv report --git PATH` with a clone of Linux (git clone "
                "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git; Debian's linux-source "
                "package has no history).";
    return j;
  }
  const kernel::GroupSources src = history_sources(tree, opt.git);
  // A driver the measured tree has and the checkout's HEAD does not is a
  // row all the same, under the measured tree's path, which the history
  // then says HEAD lacks (the row was dropped without a word; a review,
  // 2026-12-07).
  const kernel::GroupSources measured = kernel::sources_of(tree, reference_group());
  const auto path_of = [](const std::string& in_checkout, const std::string& in_tree) {
    return in_checkout.empty() ? in_tree : in_checkout;
  };
  std::vector<HistoryGroup> groups;
  if (const std::string c = path_of(src.c_source, measured.c_source); !c.empty()) groups.push_back({"C driver", {c}});
  if (const std::string r = path_of(src.rust_source, measured.rust_source); !r.empty())
    groups.push_back({"Rust driver", {r}});
  groups.push_back({"Rust abstraction", {"rust/kernel/net/phy.rs", "rust/kernel/net/phy/reg.rs"}});
  if (opt.progress) opt.progress("history (libgit2): " + opt.git);
  auto h = read_history(opt.git, groups, [&](std::size_t n) {
    if (opt.progress) opt.progress(fmt::format("history: {} commits read", n));
  });
  if (!h) {
    j["available"] = false;
    j["note"] = h.error().message;
    j["tool_failed"] = true;  // --git was given: the history was asked for
    return j;
  }
  j["available"] = true;
  j.update(history_json(*h));
  return j;
}

// ---------------------------------------------------------------------------
// 6. Maintenance

std::set<std::string> all_rust_fn_names(const std::string& src) {
  std::set<std::string> out;
  const auto toks = tokenize(src, Lang::kRust);
  std::string_view prev;
  for (const auto& t : toks) {
    if (t.kind == Tok::kSpace || t.kind == Tok::kComment) continue;
    const std::string_view w = std::string_view(src).substr(t.begin, t.end - t.begin);
    if (prev == "fn") out.emplace(w);
    prev = w;
  }
  return out;
}

std::set<std::string> words(const std::string& src, Lang lang) {
  std::set<std::string> out;
  for (const auto& t : tokenize(src, lang))
    if (t.kind == Tok::kIdent) out.emplace(std::string_view(src).substr(t.begin, t.end - t.begin));
  return out;
}

// The phylib functions (or abstraction methods) of `called` that `offered`
// has, by their last name component.
json api_used(const std::set<std::string>& called, const std::set<std::string>& offered) {
  json a = json::array();
  for (const auto& c : called) {
    const std::string base = c.substr(c.rfind(':') == std::string::npos ? 0 : c.rfind(':') + 1);
    if (offered.contains(base)) a.push_back(c);
  }
  return a;
}

json c_maintenance(const Sources& s) {
  std::set<std::string> offered;
  for (const auto& w : words(s.phy_h.text, Lang::kC)) offered.insert(w);
  // And its function-like macros (PHY_ID_MATCH_EXACT(), module_phy_driver()),
  // whose #define lines the tokenizer keeps whole: the Rust and C++ drivers'
  // counterparts (DeviceId::new_with_exact_mask, ...) are counted on their
  // side, so leaving these out made the C count the smaller for nothing.
  static const std::regex macro(R"((^|\n)[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)\()");
  for (auto it = std::sregex_iterator(s.phy_h.text.begin(), s.phy_h.text.end(), macro); it != std::sregex_iterator();
       ++it)
    offered.insert((*it)[2].str());
  std::size_t callbacks = 0;
  json drivers = json::array();
  for (const auto& e : c_phy_driver_table(s.c_driver.text)) {
    std::size_t n = 0;
    for (const auto& [f, v] : e.fields)
      if (f != ".name" && f != ".flags" && f != ".phy_id" && f != ".phy_id_mask" && f != "match" && f != ".features") ++n;
    callbacks += n;
    drivers.push_back({{"driver", e.name}, {"callbacks", n}});
  }
  // Called, or set as a callback in the table (`.suspend = genphy_suspend`).
  std::set<std::string> called = called_names(s.c_driver.text, Lang::kC);
  for (const auto& e : c_phy_driver_table(s.c_driver.text))
    for (const auto& [f, v] : e.fields) called.insert(v);
  const json used = api_used(called, offered);
  return json({{"implementation", "C"},
               {"path", s.c_driver.path},
               {"code_lines", count_lines(s.c_driver.text, Lang::kC).code},
               {"drivers", drivers},
               {"callbacks", callbacks},
               {"api_used", used},
               {"api_count", used.size()},
               // No layer stands between the C driver and phylib, and
               // phylib itself is not counted: no figure, rather than a
               // 0 beside measured ones (a review, 2026-12-07).
               {"abstraction", "none: the driver calls phylib's C API (include/linux/phy.h) directly"},
               {"abstraction_lines", nullptr},
               {"abstraction_lines_text", "(none; phylib not counted)"}});
}

// An abstraction's line count as the table shows it: with the files it
// could not read named, so a missing file is not a smaller abstraction.
std::string abstraction_lines_text(std::size_t lines, const std::vector<const Source*>& files) {
  const std::vector<std::string> unread = unread_paths(files);
  if (unread.empty()) return std::to_string(lines);
  return fmt::format("{} (without {}: not in the tree or not readable)", lines, fmt::join(unread, ", "));
}

json rust_maintenance(const Sources& s) {
  std::set<std::string> offered = all_rust_fn_names(s.tree_phy.text);
  for (const auto& f : all_rust_fn_names(s.tree_reg.text)) offered.insert(f);
  std::size_t callbacks = 0;
  json drivers = json::array();
  for (const auto& d : rust_driver_impls(s.rust_driver.text)) {
    callbacks += d.functions.size();
    drivers.push_back({{"driver", d.name}, {"callbacks", d.functions.size()}});
  }
  const json used = api_used(called_names(s.rust_driver.text, Lang::kRust), offered);
  const std::size_t abstraction_lines =
      count_lines(s.tree_phy.text, Lang::kRust).code + count_lines(s.tree_reg.text, Lang::kRust).code;
  return json({{"implementation", "Rust"},
               {"path", s.rust_driver.path},
               {"code_lines", count_lines(s.rust_driver.text, Lang::kRust).code},
               {"drivers", drivers},
               {"callbacks", callbacks},
               {"api_used", used},
               {"api_count", used.size()},
               {"abstraction", "rust/kernel/net/phy.rs + phy/reg.rs"},
               {"abstraction_lines", abstraction_lines},
               {"abstraction_lines_text", abstraction_lines_text(abstraction_lines, {&s.tree_phy, &s.tree_reg})}});
}

json cxx_maintenance(const Sources& s) {
  std::set<std::string> offered;
  std::size_t abstraction_lines = 0;
  std::vector<const Source*> cxx_files;
  for (const auto& f : s.cxx_abstraction) {
    cxx_files.push_back(&f);
    for (const auto& w : words(f.text, Lang::kCxx)) offered.insert(w);
    abstraction_lines += count_lines(f.text, Lang::kCxx).code;
  }
  std::size_t callbacks = 0;
  json drivers = json::array();
  for (const auto& d : cxx_driver_structs(s.cxx_driver.text)) {
    callbacks += d.functions.size();
    drivers.push_back({{"driver", d.name}, {"callbacks", d.functions.size()}});
  }
  std::set<std::string> called = called_names(s.cxx_driver.text, Lang::kCxx);
  for (const auto& f : free_functions(s.cxx_driver.text, Lang::kCxx)) called.erase(f);
  for (const auto& d : cxx_driver_structs(s.cxx_driver.text))
    for (const auto& f : d.functions) called.erase(f);  // its own callbacks' definitions
  const json used = api_used(called, offered);
  return json(
      {{"implementation", "C++"},
       {"path", s.cxx_driver.path},
       {"code_lines", count_lines(s.cxx_driver.text, Lang::kCxx).code},
       {"drivers", drivers},
       {"callbacks", callbacks},
       {"api_used", used},
       {"api_count", used.size()},
       {"abstraction", "cxx/include/refdrv/phy + cxx/abstractions (not firmware.cpp) + abi/refdrv_phy_callbacks.h"},
       {"abstraction_lines", abstraction_lines},
       {"abstraction_lines_text", abstraction_lines_text(abstraction_lines, cxx_files)}});
}

json maintenance(const Sources& s, const json& hist) {
  json j;
  j["method"] = "Code lines by the same tokenizer; callbacks per driver from each driver's own declarations; API "
                "surface: the phylib functions (C) or abstraction methods (Rust, C++) each driver calls; churn from "
                "the history section.";
  json impls = json::array();
  impls.push_back(c_maintenance(s));
  if (s.rust_driver.present) impls.push_back(rust_maintenance(s));
  impls.push_back(cxx_maintenance(s));
  j["implementations"] = impls;
  json churn = json::array();
  if (hist.value("available", false))
    for (const auto& g : hist["groups"])
      for (const auto& c : g["churn"]) churn.push_back({{"group", g["label"]}, {"path", c["path"]}, {"commits", c["commits"]},
                                                        {"added", c["added"]}, {"deleted", c["deleted"]}});
  j["has_churn"] = !churn.empty();
  j["churn"] = churn;
  return j;
}

// ---------------------------------------------------------------------------
// 7. Side by side

struct Exercised {
  std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>> scenarios;  // (impl, driver, cb)
  std::map<std::string, std::vector<std::string>> divergences;  // driver -> descriptions
  std::set<std::string> ran;                                    // the implementations the check ran (their titles)
};

Exercised exercised(const CheckReport& rep) {
  Exercised e;
  for (Impl i : rep.impls) e.ran.insert(impl_title(i));
  for (const auto& row : rep.rows) {
    std::string driver;
    for (const auto& run : row.runs)
      for (const auto& ev : run.trace.events()) {
        if (ev.kind == TraceKind::kBind && driver.empty()) driver = ev.name;
        if (ev.kind == TraceKind::kCallbackEnter)
          e.scenarios[{impl_title(run.impl), ev.detail, ev.name}].insert(row.scenario->name);
      }
    for (std::size_t i = 1; i < row.divergence.size(); ++i)
      if (row.divergence[i])
        e.divergences[driver].push_back(fmt::format("{} on {}: {} differs from {} ({}, step {})", row.scenario->name,
                                                    row.model, impl_title(row.impls[i]), impl_title(row.impls[0]),
                                                    level_name(row.divergence[i]->level), row.divergence[i]->step + 1));
  }
  return e;
}

json code_cell(const std::optional<Snippet>& sn, Lang lang, const std::string& path, const std::string& fallback) {
  if (!sn) return {{"present", false}, {"note", fallback}, {"html", ""}, {"code", ""}};
  return {{"present", true},
          {"html", highlight_html(sn->code, lang)},
          {"code", sn->code},
          {"where", fmt::format("{}:{}-{}", path, sn->first_line, sn->last_line)},
          {"note", ""}};  // the fallback is for a cell without code
}

// Per implementation: how many scenarios of the suite ran `cb` of `driver`,
// and the first few of their names; only for an implementation that ran
// and has a driver here (`has`: C, Rust, C++):
// "0 scenario(s)" beside an implementation the check did not run (--impl
// c,cxx), or that has no driver (the QT2025's C), read as the suite never
// exercising code it could not have.
json exercised_cells(const Exercised& ex, const std::string& driver, const std::string& cb,
                     const std::array<bool, 3>& has) {
  json cells = json::array();
  const std::array<const char*, 3> impls = {"C", "Rust", "C++"};
  for (std::size_t i = 0; i < impls.size(); ++i) {
    const char* impl = impls[i];
    if (!has[i] || !ex.ran.contains(impl)) continue;
    const auto it = ex.scenarios.find({impl, driver, cb});
    const std::size_t n = it == ex.scenarios.end() ? 0 : it->second.size();
    std::string names;
    if (it != ex.scenarios.end()) {
      std::size_t k = 0;
      for (const auto& sc : it->second) {
        if (k++ == 4) {
          names += ", ...";
          break;
        }
        names += (names.empty() ? "" : ", ") + sc;
      }
    }
    cells.push_back({{"implementation", impl}, {"scenarios", n}, {"names", names}});
  }
  return cells;
}

// What a cell says where one implementation's file has no driver of the
// name the others have: the page pairs drivers by name.
std::string unpaired_note(std::string_view what, const std::string& name, const std::string& path) {
  return fmt::format("no {} named \"{}\" in {}: not paired (the page pairs the implementations' drivers by name)", what,
                     name, path);
}

// What phylib does where a driver leaves callback `cb` unset, read in 6.1's
// and 6.12's phylib (phy_device.c, phy.c, phy-core.c, include/linux/phy.h):
// a generic routine for some, nothing at all for others (a review,
// 2026-12-07: every unset callback was said to run "phylib's generic
// routine", a missing soft_reset or link_change_notify too).
std::string unset_callback_note(std::string_view cb) {
  static const std::map<std::string_view, std::string_view> generic = {
      {"read_status", "phylib calls genphy_read_status()"},
      {"config_aneg",
       "phylib calls genphy_config_aneg() (genphy_c45_config_aneg() on a Clause-45 PHY without Clause-22 registers)"},
      {"aneg_done", "phylib calls genphy_aneg_done() (genphy_c45_aneg_done() on a Clause-45 PHY)"},
      {"get_features",
       "phylib reads the abilities itself: genphy_read_abilities() (genphy_c45_pma_read_abilities() on a Clause-45 "
       "PHY), unless .features is set"},
      {"read_mmd", "phylib's own MMD access (Clause-45 frames, or registers 13 and 14 on a Clause-22 PHY)"},
      {"write_mmd", "phylib's own MMD access (Clause-45 frames, or registers 13 and 14 on a Clause-22 PHY)"},
      {"match_phy_device", "phylib matches .phy_id under .phy_id_mask"},
      {"set_loopback", "phylib calls genphy_loopback()"},
      {"config_intr", "no interrupt: phylib polls the PHY"},
      {"handle_interrupt", "no interrupt: phylib polls the PHY"},
  };
  static const std::set<std::string_view> nothing = {
      "soft_reset", "config_init", "probe", "remove", "suspend", "resume", "link_change_notify", "get_rate_matching"};
  if (const auto g = generic.find(cb); g != generic.end()) return std::string(g->second);
  if (nothing.contains(cb)) return "phylib calls nothing in its place";
  return "what phylib does without it: see phylib's source";
}

// One callback of one driver in the three implementations (`r`, `x`: its
// Rust and C++ types, null where there is none).
json callback_row(const Sources& s, const CDriverEntry& e, const DriverType* r, const DriverType* x,
                  const std::string& cb, const Exercised& ex) {
  json row;
  row["callback"] = cb;
  const auto field = e.fields.find("." + cb);
  std::optional<Snippet> c_code;
  std::string c_note;
  if (field != e.fields.end()) {
    c_code = find_function(s.c_driver.text, Lang::kC, field->second);
    // phylib's only where include/linux/phy.h declares it: a function of the
    // driver's own that the scanner missed (one a macro writes) is not
    // phylib's (a review, 2026-12-07).
    const std::string& fn = field->second;
    const bool identifier = !fn.empty() && (std::isalpha(static_cast<unsigned char>(fn[0])) || fn[0] == '_') &&
                            std::all_of(fn.begin(), fn.end(), [](char ch) {
                              return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
                            });
    if (!c_code)
      c_note = identifier && std::regex_search(s.phy_h.text, std::regex("\\b" + fn + "\\s*\\("))
                   ? fmt::format("phylib's {}() directly, as .{} = {}", field->second, cb, field->second)
                   : fmt::format(
                         "{}(), as .{} = {}: not found by refdrv's source scanner in {} and not declared "
                         "in include/linux/phy.h: see the source",
                         field->second, cb, field->second, s.c_driver.path);
  } else if (!s.c_driver.present) {
    c_note = "no C driver in this tree";
  } else if (e.order.empty()) {  // a Rust or C++ driver whose name no C entry has
    c_note = unpaired_note("C phy_driver entry", e.name, s.c_driver.path);
  } else {
    c_note = "not set: " + unset_callback_note(cb);
  }
  row["c"] = code_cell(c_code, Lang::kC, s.c_driver.path, c_note);
  // A file without a driver of this name is a failed pairing, said as one,
  // not "not implemented" (a review, 2026-12-07).
  row["rust"] =
      code_cell(r ? find_rust_fn(s.rust_driver.text, r->type, cb) : std::nullopt, Lang::kRust, s.rust_driver.path,
                !s.rust_driver.present ? "no Rust driver in this tree"
                : r                    ? "not implemented: " + unset_callback_note(cb)
                                       : unpaired_note("Rust driver", e.name, s.rust_driver.path));
  row["cxx"] = code_cell(
      x ? find_cxx_member(s.cxx_driver.text, x->type, cb) : std::nullopt, Lang::kCxx, s.cxx_driver.path,
      !x ? unpaired_note("C++ driver", e.name, s.cxx_driver.path)
      // Declared in its callbacks (driver.hpp holds every declared one to a
      // member at compile time), its code not found: not "not implemented".
      : std::find(x->functions.begin(), x->functions.end(), cb) != x->functions.end()
          ? fmt::format("declared in {}'s callbacks; its code was not found by refdrv's source scanner: see the "
                        "source",
                        x->type)
          : "not implemented: " + unset_callback_note(cb));
  row["exercised"] = exercised_cells(ex, e.name, cb, {s.c_driver.present, s.rust_driver.present && r, x != nullptr});
  // The page never says "not implemented" next to a callback the suite ran:
  // the source scanner missing it is said instead.
  for (const auto& cell : row["exercised"]) {
    const std::string impl = cell["implementation"];
    json& code = row[impl == "C" ? "c" : impl == "Rust" ? "rust" : "cxx"];
    const std::string note = code["note"];
    if (!code["present"].get<bool>() && cell["scenarios"].get<std::size_t>() > 0 &&
        (note.starts_with("not implemented") || note.starts_with("not set")))
      code["note"] = fmt::format("not found by refdrv's source scanner, yet the suite ran this callback in {} "
                                 "scenario(s): see the source",
                                 cell["scenarios"].get<std::size_t>());
  }
  return row;
}

// Helpers the drivers share (functions outside the drivers' types: the
// Rust and C++ soft_reset callbacks call asix_soft_reset, which C sets as
// its callback directly).
json shared_helpers(const Sources& s, const std::vector<CDriverEntry>& c_table) {
  std::vector<std::string> helper_names;
  auto add_helper = [&](const std::string& f) {
    if (std::find(helper_names.begin(), helper_names.end(), f) == helper_names.end()) helper_names.push_back(f);
  };
  for (const auto& f : free_functions(s.c_driver.text, Lang::kC)) {
    bool callback = false;
    for (const auto& e : c_table)
      for (const auto& [k, v] : e.fields) callback = callback || v == f;
    if (!callback) add_helper(f);
  }
  if (s.rust_driver.present)
    for (const auto& f : free_functions(s.rust_driver.text, Lang::kRust)) add_helper(f);
  for (const auto& f : free_functions(s.cxx_driver.text, Lang::kCxx)) add_helper(f);
  json helpers = json::array();
  for (const auto& f : helper_names)
    helpers.push_back({{"name", f},
                       {"c", code_cell(find_function(s.c_driver.text, Lang::kC, f), Lang::kC, s.c_driver.path, "none")},
                       {"rust", code_cell(s.rust_driver.present ? find_rust_fn(s.rust_driver.text, "", f) : std::nullopt,
                                          Lang::kRust, s.rust_driver.path, "none")},
                       {"cxx", code_cell(find_function(s.cxx_driver.text, Lang::kCxx, f), Lang::kCxx, s.cxx_driver.path, "none")}});
  return helpers;
}

// ---------------------------------------------------------------------------
// 8. Every PHY driver (refdrv drivers) and 9. what the abstractions lack
// (refdrv gaps)

json drivers_section(const ReportOptions& opt) {
  json j;
  j["method"] =
      "refdrv drivers (docs/drivers.md): the kernel side built with every driver of drivers/net/phy the tree's Kconfig "
      "allows; each phy_driver entry bound by its PHY ID on refdrv's model of that PHY (else a generic model: "
      "Clause 45 for the drivers of Clause-45 PHYs, Clause 22 for the others), MDIO frames taking 25.6 us, through the conformance scenario and, when it passes, its legs (the other "
      "partners, both forced modes, a flap, an MDIO error at each access of attach). Expectation-based where an "
      "entry has one implementation; differential where it has more (the Asix entries: every scenario on C, Rust "
      "and C++, each compared with C's run).";
  if (opt.drivers_worker.empty()) {
    j["ran"] = false;
    j["note"] = "Not run (--no-drivers).";
    return j;
  }
  if (opt.progress) opt.progress("every PHY driver of the tree (refdrv drivers)");
  const fs::path dir = fs::temp_directory_path() / fmt::format("refdrv-drivers-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path out = dir / "drivers.json", log = dir / "drivers.log";
  std::vector<std::string> argv = opt.drivers_worker;
  argv.insert(argv.end(), {"--json", out.string()});
  const auto st = kernel::run({argv, {}, log, {}});
  const auto text = kernel::read_file(out);
  json full;
  // 0 and 1 are verdicts (1: an entry fails); anything else is the run failing.
  if (st && (*st == 0 || *st == 1) && text) full = json::parse(*text, nullptr, false);
  if (full.is_discarded() || !full.contains("entries")) {
    j["ran"] = false;
    j["tool_failed"] = true;
    j["note"] = fmt::format("refdrv drivers failed ({}): {}",
                            st ? fmt::format("exit status {}", *st) : st.error().message, kernel::tail_of(log, 6));
    std::error_code ec;
    fs::remove_all(dir, ec);
    return j;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  j["ran"] = true;
  for (const char* k : {"files", "files_built", "files_bound", "pass", "fail", "not_applicable", "runs", "seconds"})
    j[k] = full[k];
  json failures = json::array(), na = json::object();
  for (const auto& e : full["entries"]) {
    if (e["conformance"] == "fail")
      failures.push_back({{"file", e["file"]}, {"name", e["name"]}, {"model", e["model"]},
                          {"failed_step", e["failed_step"]}, {"reason", e["reason"]}});
    if (e["conformance"] == "n/a" && !e["name"].is_null()) {
      // n/a reasons by their first words ("not bound", "needs phy_led_...").
      const std::string reason = e["reason"].get<std::string>();
      const std::string key = reason.substr(0, reason.find_first_of(":(,;"));
      na[key] = na.value(key, 0) + 1;
    }
  }
  j["failures"] = failures;
  // The files refdrv drivers did not build, and why: their entries are in
  // no count (a review, 2026-12-07: the section never said so).
  json unbuilt = json::array();
  std::size_t unbuilt_entries = 0;
  std::vector<std::string> holding;  // the unbuilt files with phy_driver entries, "file (N)"
  for (const auto& e : full["entries"]) {
    if (!e["name"].is_null() || e.value("built", true)) continue;
    const auto n = e.value("file_entries", std::size_t{0});
    unbuilt.push_back({{"file", e["file"]}, {"reason", e["reason"]}, {"entries", n}});
    unbuilt_entries += n;
    if (n) holding.push_back(fmt::format("{} ({})", e["file"].get<std::string>(), n));
  }
  j["unbuilt_files"] = unbuilt;
  json na_rows = json::array();
  for (const auto& [reason, n] : na.items()) na_rows.push_back({{"reason", reason}, {"entries", n}});
  j["not_applicable_reasons"] = na_rows;
  // The passes with less behind them, as refdrv drivers counts them.
  const json caveats = full.value("passes_with_a_caveat", json::object());
  const auto stand_in = caveats.value("stand_in_model", std::size_t{0});
  const auto unchecked = caveats.value("unchecked_vendor_registers", std::size_t{0});
  const auto gigabit = caveats.value("gigabit_on_generic_model", std::size_t{0});
  j["summary"] = fmt::format(
      "{} driver files, {} built, {} with an entry bound; {} entries in {} runs: {} pass{}, {} fail, {} n/a.",
      full["files"].get<std::size_t>(), full["files_built"].get<std::size_t>(), full["files_bound"].get<std::size_t>(),
      full["pass"].get<std::size_t>() + full["fail"].get<std::size_t>() + full["not_applicable"].get<std::size_t>(),
      full["runs"].get<std::size_t>(), full["pass"].get<std::size_t>(),
      stand_in + unchecked + gigabit == 0
          ? ""
          : fmt::format(" ({} of them on a vendor family's model standing in for their PHY, {} on a generic model that "
                        "stores the vendor registers they used without meaning{})",
                        stand_in, unchecked,
                        gigabit ? fmt::format(", {} of PHYs phylib took for gigabit ones on a generic model with no "
                                              "1000BASE-T registers",
                                              gigabit)
                                : ""),
      full["fail"].get<std::size_t>(), full["not_applicable"].get<std::size_t>());
  if (unbuilt_entries)
    j["summary"] = j["summary"].get<std::string>() +
                   fmt::format(
                       " Not built, so in no count here: {} phy_driver entries in {} of the {} driver file(s) "
                       "refdrv's configuration leaves out (an unmet Kconfig dependency, or an optional part "
                       "of a module; unbuilt_files in the JSON says why): {}.",
                       unbuilt_entries, holding.size(), unbuilt.size(), fmt::join(holding, ", "));
  // The entries other implementations register too, compared with C's runs.
  const auto twins = full["differential"]["entries"].get<std::size_t>();
  const auto comparisons = full["differential"]["comparisons"].get<std::size_t>();
  const auto diverged = full["differential"]["diverged"].get<std::size_t>();
  j["differential_diverged"] = diverged;
  if (twins)
    j["summary"] = j["summary"].get<std::string>() +
                   fmt::format(" Differential: {} entr{} that refdrv's other implementations register too ran every "
                               "scenario on each as well, {} comparison{} with C's runs, {} entr{} diverged.",
                               twins, twins == 1 ? "y" : "ies", comparisons, comparisons == 1 ? "" : "s", diverged,
                               diverged == 1 ? "y" : "ies");
  return j;
}

json gaps_section(const ReportOptions& opt) {
  json j;
  j["method"] =
      "refdrv gaps: the phy_driver callbacks each C driver file's tables set (read from the tree's sources), against "
      "those the tree's Rust abstraction (trait Driver in rust/kernel/net/phy.rs, read from the tree) and refdrv's "
      "C++ abstractions offer; the missing ones ranked by the driver files that set them.";
  if (opt.gaps.is_object() && opt.gaps.contains("failed")) {
    j["available"] = false;
    j["tool_failed"] = true;
    j["note"] = opt.gaps["failed"];
    return j;
  }
  if (opt.gaps.is_null() || !opt.gaps.contains("callbacks")) {
    j["available"] = false;
    j["note"] = "The abstraction-gap map was not computed.";
    return j;
  }
  const json& g = opt.gaps;
  j["available"] = true;
  j["files"] = g["files"].size();
  j["entries"] = g["entries"];
  // A tree without the Rust PHY abstraction (6.1) has null for its side:
  // null here too, each row's Rust cell "n/a" (rust_na, which every row
  // carries so that the template never looks it up in an outer section),
  // and a row listed only for what C++ lacks (a review, 2026-12-07: every
  // callback was "missing" in Rust there, and rust_offers 0).
  const bool rust_tree = g["rust_offers"].is_array();
  j["rust_offers"] = rust_tree ? json(g["rust_offers"].size()) : json(nullptr);
  j["cxx_offers"] = g["cxx_offers"].size();
  j["phy_driver_callbacks"] = g["phy_driver_callbacks"].size();
  j["rust_expressible_files"] = g["rust_expressible_files"];
  j["cxx_expressible_files"] = g["cxx_expressible_files"];
  const auto offered = [](const json& v) { return v.is_boolean() && v.get<bool>(); };
  // One row of a missing-piece table: `rust` null where there is no Rust side.
  const auto row = [&](json r, const json& item, bool rust_side) {
    r["rust"] = rust_side ? json(offered(item["rust"])) : json(nullptr);
    r["rust_na"] = !rust_side;
    r["cxx"] = offered(item["cxx"]);
    return r;
  };
  const auto lacking = [&](const json& item, bool rust_side) {
    return (rust_side && !offered(item["rust"])) || !offered(item["cxx"]);
  };
  json missing = json::array();
  for (const auto& c : g["callbacks"])
    if (lacking(c, rust_tree))
      missing.push_back(
          row({{"callback", c["callback"]}, {"files", c["files"]}, {"entries", c["entries"]}}, c, rust_tree));
  j["missing"] = missing;
  // The phylib API half (refdrv gaps --api), when the caller could build it.
  if (g.contains("api")) {
    const json& api = g["api"];
    const bool rust_calls = !api["rust_calls"].is_null();
    json api_missing = json::array();
    for (const auto& f : api["functions"])
      if (lacking(f, rust_calls)) {
        if (api_missing.size() == 20) break;
        api_missing.push_back(row({{"function", f["function"]}, {"files", f["files"]}}, f, rust_calls));
      }
    j["api_missing"] = api_missing;
    j["api_summary"] =
        rust_calls
            ? fmt::format(
                  "phylib API, from the compiled objects: the {} driver files call {} of phylib's {} global "
                  "functions; the tree's Rust abstraction calls {} of them, refdrv's C++ abstractions {}; all the "
                  "phylib calls of {} driver files are made by the Rust abstraction too, of {} by the C++ one. The "
                  "most needed missing ones follow.",
                  api["by_file"].size(), api["functions"].size(), api["phylib_functions"].get<std::size_t>(),
                  api["rust_calls"].get<std::size_t>(), api["cxx_calls"].get<std::size_t>(),
                  api["rust_expressible_files"].get<std::size_t>(), api["cxx_expressible_files"].get<std::size_t>())
            : fmt::format(
                  "phylib API, from the compiled objects: the {} driver files call {} of phylib's {} global "
                  "functions; this build has no Rust abstraction to compare (n/a below); refdrv's C++ abstractions "
                  "call {} of them; all the phylib calls of {} driver files are made by the C++ one. The most "
                  "needed missing ones follow.",
                  api["by_file"].size(), api["functions"].size(), api["phylib_functions"].get<std::size_t>(),
                  api["cxx_calls"].get<std::size_t>(), api["cxx_expressible_files"].get<std::size_t>());
  } else {
    j["api_note"] = g.value("api_note", std::string("The phylib API map needs the build with every driver: not made "
                                                    "(--no-drivers)."));
    j["api_failed"] = g.value("api_failed", false);
  }
  const std::string rust_part =
      rust_tree ? fmt::format("the tree's Rust abstraction offers {} and ", j["rust_offers"].get<std::size_t>()) : "";
  const std::string rust_files =
      rust_tree ? fmt::format("{} of the {} C driver files read set no callback the Rust one lacks, ",
                              g["rust_expressible_files"].get<std::size_t>(), j["files"].get<std::size_t>())
                : fmt::format("of the {} C driver files read, ", j["files"].get<std::size_t>());
  j["summary"] = fmt::format(
      "{}Of struct phy_driver's {} callbacks {}refdrv's C++ abstractions offer {}; {}{} set none the C++ one "
      "lacks.{}",
      rust_tree ? "" : "This tree has no Rust PHY abstraction (its column is n/a). ",
      j["phy_driver_callbacks"].get<std::size_t>(), rust_part, j["cxx_offers"].get<std::size_t>(), rust_files,
      g["cxx_expressible_files"].get<std::size_t>(),
      missing.empty()
          ? ""
          : fmt::format(" The first missing piece is {} ({} files).", missing.front()["callback"].get<std::string>(),
                        missing.front()["files"].get<std::size_t>()));
  // Entries written through macros are named, not read: their callbacks are
  // in no count above, which the section says as refdrv gaps does.
  const std::size_t unread = g.value("unread_entries", std::size_t{0});
  j["unread_entries"] = unread;
  if (unread) {
    std::vector<std::string> which;
    for (const auto& f : g["files"])
      if (f.value("unread_entries", std::size_t{0}))
        which.push_back(fmt::format("{} ({})", f["file"].get<std::string>(), f["unread_entries"].get<std::size_t>()));
    j["unread_files"] = which;
    j["summary"] = j["summary"].get<std::string>() +
                   fmt::format(
                       " Not read: {} entries written through macros, in {} file(s): {}; their callbacks are "
                       "not counted here.",
                       unread, which.size(), fmt::join(which, ", "));
  }
  return j;
}

// The driver of its Rust and C++ lists named `name` (null where one has none).
const DriverType* driver_named(const std::vector<DriverType>& list, const std::string& name) {
  for (const auto& d : list)
    if (d.name == name) return &d;
  return nullptr;
}

// One driver side by side: its callbacks (`callbacks` first, then those only
// the Rust and C++ types have), each in the three implementations, and the
// divergences on its model.
json driver_side_by_side(const Sources& s, const CDriverEntry& e, const DriverType* r, const DriverType* x,
                         std::vector<std::string> callbacks, const Exercised& ex) {
  for (const DriverType* d : {r, x})
    if (d)
      for (const auto& f : d->functions)
        if (std::find(callbacks.begin(), callbacks.end(), f) == callbacks.end()) callbacks.push_back(f);
  json rows = json::array();
  for (const auto& cb : callbacks) rows.push_back(callback_row(s, e, r, x, cb, ex));
  json div = json::array();
  if (auto it = ex.divergences.find(e.name); it != ex.divergences.end())
    for (const auto& d : it->second) div.push_back(d);
  json out = {{"driver", e.name},
              {"rust_type", r ? r->type : ""},
              {"cxx_type", x ? x->type : ""},
              {"callbacks", rows},
              {"divergences", div},
              {"unpaired", false},
              {"pairing_note", ""},
              {"has_unread_items", !e.unread_items.empty()},
              {"unread_note", e.unread_items.empty()
                                  ? ""
                                  : fmt::format("The C entry also sets fields through {}, which the page does not "
                                                "read: a callback set there is not shown.",
                                                fmt::join(e.unread_items, ", "))}};
  std::vector<std::string> lacking;
  if (s.c_driver.present && e.order.empty()) lacking.push_back("C");
  if (s.rust_driver.present && !r) lacking.push_back("Rust");
  if (!x) lacking.push_back("C++");
  if (!lacking.empty()) {
    out["unpaired"] = true;
    out["pairing_note"] = fmt::format("No {} driver of this name: its cells are not paired with the others'.",
                                      fmt::join(lacking, " or "));
  }
  return out;
}

// What the C driver writes to register its module, as the Rust driver's
// module_phy_driver! and the C++ REFDRV_MODULE_PHY_DRIVER hold it in one
// place: the module's description, author and license, module_phy_driver(),
// the device table and MODULE_DEVICE_TABLE, in source order, the gaps
// between them shown as "...". (The cell held module_phy_driver() alone:
// one line beside the others' eleven.)
std::optional<Snippet> c_module_registration(std::string_view src) {
  std::vector<Snippet> parts;
  for (const char* macro :
       {"MODULE_DESCRIPTION", "MODULE_AUTHOR", "MODULE_LICENSE", "module_phy_driver", "MODULE_DEVICE_TABLE"})
    if (auto sn = find_invocation(src, Lang::kC, macro)) parts.push_back(std::move(*sn));
  // The table MODULE_DEVICE_TABLE(mdio, NAME) names.
  static const std::regex table(R"(MODULE_DEVICE_TABLE\s*\(\s*\w+\s*,\s*(\w+)\s*\))");
  std::cmatch m;
  if (std::regex_search(src.data(), src.data() + src.size(), m, table))
    if (auto sn = find_array_definition(src, Lang::kC, m[1].str())) parts.push_back(std::move(*sn));
  if (parts.empty()) return std::nullopt;
  std::sort(parts.begin(), parts.end(), [](const Snippet& a, const Snippet& b) { return a.first_line < b.first_line; });
  Snippet out;
  out.first_line = parts.front().first_line;
  out.last_line = parts.front().last_line;
  out.code = parts.front().code;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    out.code += parts[i].first_line > out.last_line + 1 ? "\n...\n" : "\n";
    out.code += parts[i].code;
    out.last_line = std::max(out.last_line, parts[i].last_line);
  }
  return out;
}

json side_by_side(const Sources& s, const CheckReport& rep) {
  json j;
  // Which implementations each group has, in this tree (a review,
  // 2026-12-07: the text named Rust drivers a 6.1 tree does not have).
  const auto which = [](bool c, bool rust, bool cxx) {
    std::vector<std::string> v;
    if (c) v.emplace_back("C");
    if (rust) v.emplace_back("Rust");
    if (cxx) v.emplace_back("C++");
    return v.empty() ? std::string("none") : fmt::format("{}", fmt::join(v, ", "));
  };
  std::string others;
  for (const auto& o : s.others)
    others += fmt::format("{}{}: {}", others.empty() ? "" : "; ", o.title, which(false, o.rust.present, o.cxx.present));
  j["method"] = fmt::format(
      "Extracted from the sources at each run (the tree's C and Rust drivers, refdrv's C++ driver) by the same "
      "tokenizer: each driver's callbacks matched by driver name and callback, with the scenarios of the suite that "
      "exercised each one per implementation, and any divergence on that driver's model; the Asix drivers ({} in "
      "this tree and refdrv){}.",
      which(s.c_driver.present, s.rust_driver.present, s.cxx_driver.present),
      others.empty() ? "" : ", then the other groups' (" + others + "; no C driver in the tree)");
  const Exercised ex = exercised(rep);
  const auto c_table = c_phy_driver_table(s.c_driver.text);
  const auto rust = s.rust_driver.present ? rust_driver_impls(s.rust_driver.text) : std::vector<DriverType>{};
  const auto cxx = cxx_driver_structs(s.cxx_driver.text);
  static const std::set<std::string> kNotCallbacks = {".name", ".flags", ".phy_id", ".phy_id_mask", "match", ".features"};
  json drivers = json::array();
  for (const auto& e : c_table) {
    std::vector<std::string> callbacks;  // in the C table's order, then the others'
    for (const auto& f : e.order)
      if (!kNotCallbacks.contains(f)) callbacks.push_back(f.substr(1));
    drivers.push_back(driver_side_by_side(s, e, driver_named(rust, e.name), driver_named(cxx, e.name), callbacks, ex));
  }
  // Rust and C++ drivers whose name no C entry has: shown too, unpaired,
  // rather than left off the page.
  {
    std::vector<std::string> names;
    for (const auto* list : {&rust, &cxx})
      for (const auto& d : *list) {
        const bool in_c = std::any_of(c_table.begin(), c_table.end(), [&](const auto& e) { return e.name == d.name; });
        if (!in_c && std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
      }
    for (const auto& name : names) {
      CDriverEntry none;
      none.name = name;
      drivers.push_back(driver_side_by_side(s, none, driver_named(rust, name), driver_named(cxx, name), {}, ex));
    }
  }
  // C entries written through macros, which the scanner names but does not read.
  j["unread_c_entries"] = c_phy_driver_tables(s.c_driver.text).unread;
  j["has_unread_c_entries"] = j["unread_c_entries"].get<std::size_t>() > 0;
  // The other groups (the QT2025: the tree's Rust driver and refdrv's C++
  // one, no C driver), by their drivers' names.
  for (const OtherGroup& g : s.others) {
    Sources gs;  // callback_row reads the three drivers only; no C driver here
    gs.rust_driver = g.rust;
    gs.cxx_driver = g.cxx;
    const auto g_rust = g.rust.present ? rust_driver_impls(g.rust.text) : std::vector<DriverType>{};
    const auto g_cxx = cxx_driver_structs(g.cxx.text);
    std::vector<std::string> names;
    for (const auto* list : {&g_rust, &g_cxx})
      for (const auto& d : *list)
        if (std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
    for (const auto& name : names) {
      CDriverEntry none;
      none.name = name;
      drivers.push_back(driver_side_by_side(gs, none, driver_named(g_rust, name), driver_named(g_cxx, name), {}, ex));
    }
  }
  j["drivers"] = drivers;
  j["helpers"] = shared_helpers(s, c_table);
  // How each registers its module.
  j["module"] = {
      {"c", code_cell(c_module_registration(s.c_driver.text), Lang::kC, s.c_driver.path, "")},
      {"rust", code_cell(s.rust_driver.present ? find_invocation(s.rust_driver.text, Lang::kRust, "module_phy_driver")
                                               : std::nullopt,
                         Lang::kRust, s.rust_driver.path, "no Rust driver in this tree")},
      {"cxx", code_cell(find_invocation(s.cxx_driver.text, Lang::kCxx, "REFDRV_MODULE_PHY_DRIVER"), Lang::kCxx,
                        s.cxx_driver.path, "")}};
  return j;
}

}  // namespace

json side_by_side_of(const std::string& c_text, const std::string& rust_text, const std::string& cxx_text,
                     const CheckReport& check) {
  Sources s;
  const auto put = [](Source& src, const char* path, const std::string& text) {
    src.path = path;
    src.text = text;
    src.present = !text.empty();
  };
  put(s.c_driver, "drivers/net/phy/ax88796b.c", c_text);
  put(s.rust_driver, "drivers/net/phy/ax88796b_rust.rs", rust_text);
  put(s.cxx_driver, "cxx/drivers/ax88796b_cxx.cpp", cxx_text);
  put(s.phy_h, "include/linux/phy.h", "int genphy_suspend(struct phy_device *phydev);\n");
  return side_by_side(s, check);
}

std::vector<std::string> report_findings(const nlohmann::json& r) {
  std::vector<std::string> out;
  // Section 1's findings are check's (its exit status 1): where check has
  // no verdict (2), its failed runs are refdrv's gap, said as a failure.
  if (const auto& e = r.value("equivalence", json::object()); e.is_object() && e.value("check_exit_code", 1) == 1) {
    if (e.value("failed_runs", 0) > 0) out.push_back(fmt::format("{} failed run(s) (section 1)", e.value("failed_runs", 0)));
    if (e.value("diverging_pairs", 0) > 0)
      out.push_back(fmt::format("{} diverging pair(s) (section 1)", e.value("diverging_pairs", 0)));
    if (const std::size_t n = e.value("registration_differences", json::array()).size())
      out.push_back(fmt::format("{} difference(s) in the drivers' registration (section 1)", n));
  }
  if (const auto& m = r.value("mutation", json::object()); m.is_object())
    for (const auto& d : m.value("drivers", json::array()))
      if (d.value("ran", false) && !d.value("reaches_minimum", true))
        out.push_back(fmt::format("the {} driver's mutation score is below {}% (section 1)",
                                  d.value("implementation", std::string("?")), m.value("min_score", 0.0)));
  // The drivers' differential compares the implementations too (section 1
  // compares them on the suite, section 8 on the conformance scenarios).
  if (const auto n = r.value("drivers", json::object()).value("differential_diverged", 0); n > 0)
    out.push_back(fmt::format("{} phy_driver entr{} where another implementation diverged from C (section 8)", n,
                              n == 1 ? "y" : "ies"));
  // A crash or hang at a fault point is a finding with one implementation too.
  if (const std::size_t n = r.value("faults", json::object()).value("stops_at_a_fault", json::array()).size())
    out.push_back(fmt::format("{} fault point(s) where every implementation crashed or hung (section 3)", n));
  if (const auto& f = r.value("faults", json::object()); f.is_object() && f.value("compared", false)) {
    if (const std::size_t n = f.value("differences", json::array()).size())
      out.push_back(fmt::format("{} fault point(s) handled differently (section 3)", n));
    if (const std::size_t n = f.value("stops_without_a_fault", json::array()).size())
      out.push_back(fmt::format("{} scenario/model pair(s) that stop or differ without a fault, so their fault points say "
                                "nothing (section 3)",
                                n));
  }
  return out;
}

std::vector<std::string> report_failures(const nlohmann::json& r) {
  std::vector<std::string> out;
  if (const auto& e = r.value("equivalence", json::object()); e.contains("no_verdict") && e["no_verdict"].is_string())
    out.push_back(fmt::format("{} (section 1)", e["no_verdict"].get<std::string>()));
  if (const auto n = r.value("faults", json::object()).value("uninjected_points", 0); n > 0)
    out.push_back(fmt::format("the fault sweep injected no fault at {} of its points (section 3)", n));
  if (const auto n = r.value("faults", json::object()).value("unemulated_points", 0); n > 0)
    out.push_back(
        fmt::format("at {} of the fault sweep's points a run called a kernel function refdrv does not "
                    "emulate (section 3)",
                    n));
  // Each measurement that ran as a tool and failed says so in its section
  // (tool_failed, with a note that says why).
  const auto failed = [](const json& section) {
    return section.is_object() && section.value("tool_failed", false);
  };
  if (const auto& m = r.value("mutation", json::object()); m.is_object())
    for (const auto& d : m.value("drivers", json::array()))
      if (failed(d))
        out.push_back(fmt::format("mutation testing of the {} driver failed (section 1)",
                                  d.value("implementation", std::string("?"))));
  // Why, where the section says (a tool not installed reads as one).
  const auto why = [](const json& section) {
    const std::string note = section.value("note", std::string());
    return note.empty() ? std::string() : ": " + note;
  };
  if (const auto& s = r.value("safe_code", json::object()); s.is_object() && failed(s.value("cxx", json::object())))
    out.push_back("the escape-hatch check of the C++ driver failed (section 2)" + why(s.value("cxx", json::object())));
  if (failed(r.value("drivers", json::object())))
    out.emplace_back("refdrv drivers failed (section 8)");
  if (failed(r.value("cost", json::object())))
    out.push_back(
        "the callgrind run failed (section 4): " +
        r.value("cost", json::object()).value("method", std::string("?")));  // its note, as the section shows it
  if (failed(r.value("history", json::object())))
    out.emplace_back("reading the history of the --git checkout failed (section 5)");
  if (failed(r.value("gaps", json::object())))
    out.emplace_back("the abstraction-gap map failed (section 9)");
  if (r.value("gaps", json::object()).value("api_failed", false))
    out.emplace_back("the phylib API map failed (section 9)");
  return out;
}

json build_report(Environment& env, const std::vector<Scenario>& suite, const ReportOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  json r;
  r["tool"] = "refdrv report";
  r["generated"] = now_utc();
  r["tree"] = {{"version", env.tree().version}, {"origin", env.tree().origin}, {"root", env.tree().root.string()}};
  r["rustc"] = env.built().rust.version.empty() ? "none" : env.built().rust.version;
  json impls = json::array();
  for (Impl i : opt.impls) impls.push_back(impl_title(i));
  r["implementations"] = impls;
  r["implementations_title"] = titles_in_words(opt.impls);
  const Sources s = read_sources(env);

  // OUT/reproducers is the report's: the fault sweep's reproducers of an
  // earlier report there (check removes its own) are removed too, so that
  // after a fix, or with --no-sweep, none describes a difference this report
  // does not have (a review, 2026-12-07). Files refdrv did not write stay.
  {
    constexpr std::array<std::string_view, 1> kSweepHeader = {"# Reproducer written by refdrv faults"};
    std::vector<std::string> ignored;  // a file that stays is one the sweep writes over, or the user's
    (void)remove_reproducers_written_by((opt.out_dir / "reproducers").string(), kSweepHeader, {}, ignored);
  }
  if (opt.progress) opt.progress("equivalence (refdrv check)");
  CheckOptions co;
  co.impls = opt.impls;
  co.containment = opt.containment;
  co.repro_dir = (opt.out_dir / "reproducers").string();
  CheckReport check = run_check(env, suite, co);
  available_impls(env, &check.absent);
  r["equivalence"] = equivalence(check, opt.suite_name);
  // What mutate runs of the suite (the reference group's models and the
  // generic ones) must pass unmutated: a finding only on another group's
  // models (the QT2025) does not stop it.
  const bool mutation_suite_clean =
      std::ranges::all_of(check.rows,
                          [](const CheckRow& row) {
                            const DriverGroup* g = group_of_model(row.model);
                            return (g && g != &reference_group()) || row.runs.empty() ||
                                   (row.passed() && row.equivalent() && row.uncompared.empty());
                          }) &&
      std::ranges::none_of(check.registration_differences,
                           [](const std::string& d) { return d.starts_with(reference_group().title + ":"); });
  r["mutation"] = mutation(env, opt, check.exit_code(), mutation_suite_clean);
  if (opt.progress) opt.progress("safe code");
  r["safe_code"] = safe_code(s, opt.escape_hatches);
  r["faults"] = faults(env, suite, opt, s);
  r["cost"] = cost(env, opt, s);
  r["history"] = history(opt, env.tree());
  r["maintenance"] = maintenance(s, r["history"]);
  r["side_by_side"] = side_by_side(s, check);
  r["drivers"] = drivers_section(opt);
  r["gaps"] = gaps_section(opt);
  r["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

nlohmann::json escape_hatch_check(const std::vector<std::string>& paths) {
  std::vector<Source> sources;
  for (const auto& p : paths) sources.push_back(load(kernel::data_dir(), p, "refdrv"));
  std::vector<const Source*> files;
  for (const auto& s : sources) files.push_back(&s);
  return escape_hatches(files, true);
}

}  // namespace refdrv::report
