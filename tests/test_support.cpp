// SPDX-License-Identifier: GPL-2.0
#include "tests/test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "cxx/drivers/modules.hpp"
#include "hw/clause45.hpp"
#include "kernel/cache.hpp"
#include "kernel/process.hpp"
#include "kernel/tree_record.hpp"

namespace refdrv::test {

EnvironmentOptions env_options() {
  EnvironmentOptions o;
  o.cxx_modules = drivers::cxx_modules();
  return o;
}

Environment& environment(const std::string& series) {
  static std::map<std::string, std::unique_ptr<Environment>> envs;
  auto it = envs.find(series);
  if (it == envs.end()) {
    EnvironmentOptions o = env_options();
    o.series = series;
    o.quiet = true;
    auto env = Environment::open(o);
    if (!env) {
      ADD_FAILURE() << "cannot prepare Linux " << series << ": " << env.error().message;
      std::abort();
    }
    it = envs.emplace(series, std::move(*env)).first;
  }
  return *it->second;
}

Result<std::unique_ptr<Environment>> fuzzing_environment() {
  EnvironmentOptions o = env_options();
  o.series = "6.12";
  o.quiet = true;
  o.kernel_coverage = true;
  return Environment::open(o);
}

Rig make_rig(Environment& env, const std::string& model, const std::string& partner, Impl impl,
             std::optional<std::uint32_t> phy_id, hw::Nanos reset_duration) {
  auto spec = hw::find_phy_model(model);
  EXPECT_TRUE(spec) << model;
  if (phy_id) spec->phy_id = *phy_id;
  if (reset_duration) spec->reset_duration = reset_duration;
  Rig r;
  r.inst = std::make_unique<Instance>(env.image(), InstanceConfig{.impl = impl});
  r.addr = static_cast<int>(spec->default_addr);
  r.inst->add_device(r.addr, std::make_unique<hw::PhyModel>(*spec));
  r.phy = r.inst->phy(r.addr);
  if (!partner.empty()) {
    auto p = hw::find_partner(partner);
    EXPECT_TRUE(p) << partner;
    r.phy->plug(*p, 0);
  }
  auto c = r.inst->create();
  EXPECT_TRUE(c.ok()) << c.ret << " " << c.stop.value_or("");
  return r;
}

std::vector<TraceEvent> events_of(const Trace& trace, std::initializer_list<TraceKind> kinds) {
  std::vector<TraceEvent> out;
  for (const auto& e : trace.events())
    for (auto k : kinds)
      if (e.kind == k) out.push_back(e);
  return out;
}

namespace {

// "rd 1.0005 0x008a": Clause 45 as MMD.register in hex, Clause 22 as the
// register number.
std::string mdio_access_line(const TraceEvent& e) {
  const auto reg = static_cast<unsigned>(e.reg);
  const std::string where = hw::c45::is_c45(reg)
                                ? fmt::format("{}.{:04x}", hw::c45::devad_of(reg), hw::c45::reg_of(reg))
                                : fmt::format("{:02}", e.reg);
  return fmt::format("{} {} 0x{:04x}", e.kind == TraceKind::kMdioRead ? "rd" : "wr", where, e.value);
}

}  // namespace

std::vector<std::vector<std::string>> mdio_by_step(const Trace& trace) {
  std::vector<std::vector<std::string>> out(1);
  for (const auto& e : trace.events()) {
    if (e.kind == TraceKind::kStep) out.emplace_back();
    if (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite) out.back().push_back(mdio_access_line(e));
  }
  return out;
}

std::vector<std::string> mdio_in_callback(const Trace& trace, const std::string& callback) {
  std::vector<std::string> out;
  int depth = 0;
  bool done = false;
  for (const auto& e : trace.events()) {
    if (done) break;
    if (e.kind == TraceKind::kCallbackEnter && e.name == callback) ++depth;
    if (e.kind == TraceKind::kCallbackExit && e.name == callback && depth && --depth == 0) done = true;
    if (!depth) continue;
    if (e.kind == TraceKind::kMdioRead || e.kind == TraceKind::kMdioWrite) out.push_back(mdio_access_line(e));
  }
  return out;
}

std::vector<std::string> mdio_lines(const Trace& trace) {
  std::vector<std::string> out;
  for (const auto& e : trace.events()) {
    if (e.kind == TraceKind::kMdioRead) out.push_back(fmt::format("rd {}.{:02} 0x{:04x}", e.addr, e.reg, e.value));
    if (e.kind == TraceKind::kMdioWrite) out.push_back(fmt::format("wr {}.{:02} 0x{:04x}", e.addr, e.reg, e.value));
  }
  return out;
}

std::filesystem::path altered_copy(const std::string& name, const std::string& file, const std::string& find,
                                   const std::string& replace) {
  namespace fs = std::filesystem;
  const fs::path src = environment("6.12").tree().root;
  const fs::path dst = kernel::cache_root() / "test-trees" / name;
  const fs::path path = dst / file;
  auto lock = kernel::FileLock::acquire(kernel::cache_root() / "test-trees" / ".lock");
  if (fs::exists(dst / "READY")) return dst;
  fs::remove_all(dst);
  fs::create_directories(dst.parent_path());
  auto st = kernel::run({{"cp", "-al", src.string(), dst.string()}, {}, {}, {}});
  if (!st || *st != 0) ADD_FAILURE() << "cp -al failed";
  auto text = kernel::read_file(path);
  if (!text) ADD_FAILURE() << "cannot read " << path;
  const auto pos = text->find(find);
  if (pos == std::string::npos) ADD_FAILURE() << "the text to alter is not where Linux 6.12 has it in " << file;
  text->replace(pos, find.size(), replace);
  fs::remove(path);  // break the hard link before writing
  std::ofstream(path) << *text;
  std::ofstream(dst / "READY") << "altered copy for refdrv's tests\n";
  return dst;
}

std::map<std::string, std::filesystem::path> altered_source(const std::string& name, const std::string& file,
                                                            const std::string& find, const std::string& replace) {
  namespace fs = std::filesystem;
  const fs::path src = environment("6.12").tree().root / file;
  const fs::path dst = kernel::cache_root() / "test-trees" / (name + fs::path(file).extension().string());
  auto text = kernel::read_file(src);
  if (!text) ADD_FAILURE() << "cannot read " << src;
  const auto pos = text ? text->find(find) : std::string::npos;
  if (pos == std::string::npos) ADD_FAILURE() << "the text to alter is not where Linux 6.12 has it in " << file;
  else text->replace(pos, find.size(), replace);
  if (auto w = kernel::write_file(dst, text.value_or("")); !w) ADD_FAILURE() << w.error().message;
  return {{file, dst}};
}

std::map<std::string, std::filesystem::path> altered_driver_overlay() {
  return altered_source("asix-no-toggle", "drivers/net/phy/ax88796b.c",
                        "\tret = phy_write(phydev, MII_BMCR, 0);\n\tif (ret < 0)\n\t\treturn ret;\n", "");
}

std::map<std::string, std::filesystem::path> altered_error_path_overlay() {
  return altered_source("asix-ignores-a-bmcr-write-error", "drivers/net/phy/ax88796b.c",
                        "\tret = phy_write(phydev, MII_BMCR, 0);\n\tif (ret < 0)\n\t\treturn ret;\n",
                        "\tret = phy_write(phydev, MII_BMCR, 0);\n\t(void)ret;\n");
}

std::filesystem::path altered_tree() {
  // Deeper in the file system than Debian's tree it reuses: the base's
  // Rust `core`, named relative to the base, named nothing under it, and
  // every crate was compiled again (Check.ADriverCopyWithoutTheResetToggle...
  // asserts the one object).
  return altered_copy("nested/two-deep/copy-6.12-asix-no-toggle", "drivers/net/phy/ax88796b.c",
                      "\tret = phy_write(phydev, MII_BMCR, 0);\n\tif (ret < 0)\n\t\treturn ret;\n", "");
}

std::filesystem::path altered_rust_abstraction_tree() {
  // is_autoneg_completed() reads bit 16 of phy_device's bitfield
  // (`interrupts`, 0 when polling) instead of bit 15 (`autoneg_complete`).
  return altered_copy("copy-6.12-phy-rs-wrong-bit", "rust/kernel/net/phy.rs",
                      "bit_field.get(15, 1) == AUTONEG_COMPLETED", "bit_field.get(16, 1) == AUTONEG_COMPLETED");
}

std::filesystem::path linux_git_repo() {
  namespace fs = std::filesystem;
  const fs::path src = environment("6.12").tree().root;
  // (-2: the branch build-fails joined; -3: the files below only; -4: and
  // what the record's directories list; -5: as record format 3 lists. The
  // repository of an earlier version is removed.)
  const fs::path repo = kernel::cache_root() / "test-trees" / "git-6.12-5";
  auto lock = kernel::FileLock::acquire(kernel::cache_root() / "test-trees" / ".lock");
  if (fs::exists(repo / "READY")) return repo;
  fs::remove_all(kernel::cache_root() / "test-trees" / "git-6.12-2");
  fs::remove_all(kernel::cache_root() / "test-trees" / "git-6.12-3");
  fs::remove_all(kernel::cache_root() / "test-trees" / "git-6.12-4");
  fs::remove_all(repo);
  fs::create_directories(repo);
  const std::vector<std::string> env = {"GIT_DIR=" + (repo / ".git").string(), "GIT_AUTHOR_NAME=refdrv",
                                        "GIT_AUTHOR_EMAIL=refdrv@example.org", "GIT_COMMITTER_NAME=refdrv",
                                        "GIT_COMMITTER_EMAIL=refdrv@example.org", "LC_ALL=C"};
  const auto git = [&](std::vector<std::string> args, const fs::path& cwd = {}) {
    args.insert(args.begin(), "git");
    auto out = kernel::capture({args, cwd, {}, env});
    if (!out) ADD_FAILURE() << "git " << args[1] << ": " << out.error().message;
    std::string s = out.value_or("");
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  };
  git({"init", "-q", repo.string()});
  // Uncompressed: the tree is written once and read back by git archive.
  git({"config", "core.compression", "0"});
  git({"config", "core.looseCompression", "0"});
  // Not the whole tree: what the default configuration of it was made from
  // (its record: every Kconfig, Makefile and Kbuild file, scripts/, the
  // headers kbuild read), the sources refdrv compiles itself and their
  // directories. That is what a commit's check reads, as it reuses that
  // configuration; a file it would miss fails the test (a configure of the
  // checkout, which cannot run). The whole tree, 1.7 GB written twice
  // (the repository's objects, then refdrv's checkout), took this test 63 s,
  // 54 of them in the kernel's file system code (2026-12-06).
  const fs::path record_file = environment("6.12").built().kbuild_dir.parent_path() / "tree.record";
  auto record = kernel::parse_record(kernel::read_file(record_file).value_or(""));
  if (!record) ADD_FAILURE() << record_file << ": " << record.error().message;
  std::set<std::string> files = {"include", "arch/x86", "drivers/net/phy", "lib", "rust", "scripts", "Makefile"};
  for (const auto& k : environment("6.12").built().objects)  // (core's is the toolchain's)
    if (const auto rel = kernel::tree_source(environment("6.12").tree(), k); !rel.starts_with("..")) files.insert(rel);
  if (record)
    for (const auto& [rel, state] : record->files) files.insert(fs::path(rel).lexically_normal().string());
  // And what each recorded directory lists (its build files, headers and
  // subdirectories): a checkout without them differs from the record. A
  // subdirectory nothing above puts a file in gets its first file.
  if (record)
    for (const auto& [dir, listing] : record->dirs)
      for (const auto& name : kernel::listed_entries(src, dir).value_or(std::vector<std::string>{})) {
        const fs::path rel = (fs::path(dir) / name).lexically_normal();
        if (!name.ends_with("/")) {
          files.insert(rel.string());
          continue;
        }
        const std::string prefix = rel.string();  // "dir/sub/" as lexically_normal keeps it
        if (const auto it = files.lower_bound(prefix); it != files.end() && it->starts_with(prefix)) continue;
        std::error_code ec;
        for (auto e = fs::recursive_directory_iterator(src / rel, ec); !ec && e != fs::recursive_directory_iterator();
             e.increment(ec))
          if (e->is_regular_file()) {
            files.insert(e->path().lexically_relative(src).string());
            break;
          }
      }
  const fs::path pathspecs = repo / "pathspecs.tmp";
  {
    std::ofstream out(pathspecs);
    for (const auto& f : files) out << f << "\n";
  }
  // -f: Debian's tarball carries a .gitignore that ignores everything.
  git({"--work-tree=" + src.string(), "add", "-f", "--pathspec-from-file=" + pathspecs.string()}, src);
  fs::remove(pathspecs);
  std::string parent;
  const auto commit = [&](const std::string& message) {
    std::vector<std::string> args = {"commit-tree", git({"write-tree"}), "-m", message};
    if (!parent.empty()) args.insert(args.end(), {"-p", parent});
    parent = git(args);
    git({"update-ref", "HEAD", parent});
  };
  commit("Linux 6.12 as Debian ships it");
  const std::string file = "drivers/net/phy/ax88796b.c";
  const std::string original = kernel::read_file(src / file).value_or("");
  const auto put = [&](const std::string& text, const std::string& message) {
    const fs::path tmp = repo / "blob.tmp";
    std::ofstream(tmp) << text;
    git({"update-index", "--cacheinfo", "100644," + git({"hash-object", "-w", tmp.string()}) + "," + file});
    fs::remove(tmp);
    commit(message);
  };
  std::string commented = original;
  const std::string phrase = "software reset the PHY via BMCR_RESET bit";
  if (commented.find(phrase) == std::string::npos) ADD_FAILURE() << "Linux 6.12's ax88796b.c changed";
  else commented.replace(commented.find(phrase), phrase.size(), "software reset the PHY via the BMCR_RESET bit");
  put(commented, "net: phy: ax88796b: reword a comment");
  std::string broken = commented;
  const std::string toggle = "\tret = phy_write(phydev, MII_BMCR, 0);\n\tif (ret < 0)\n\t\treturn ret;\n";
  if (broken.find(toggle) == std::string::npos) ADD_FAILURE() << "Linux 6.12's ax88796b.c changed";
  else broken.replace(broken.find(toggle), toggle.size(), "");
  put(broken, "net: phy: ax88796b: drop the BMCR write before the reset");
  put(commented, "net: phy: ax88796b: restore the BMCR write before the reset");
  // And beside HEAD, on a branch of its own (build-fails), a commit whose
  // driver does not compile.
  const std::string head = parent;
  std::string uncompilable = commented;
  uncompilable.replace(uncompilable.find("\tret = phy_write(phydev, MII_BMCR, 0);"),
                       std::string_view("\tret = phy_write(phydev, MII_BMCR, 0);").size(),
                       "\tret = phy_write(phydev, MII_BMCR, 0)  /* no semicolon */");
  put(uncompilable, "net: phy: ax88796b: a commit that does not compile");
  git({"update-ref", "refs/heads/build-fails", parent});
  git({"update-ref", "HEAD", head});
  git({"read-tree", "HEAD"});
  // Made again by the next test where something failed here.
  if (!::testing::Test::HasFailure())
    std::ofstream(repo / "READY") << "a git repository of Linux 6.12 for refdrv's tests\n";
  return repo;
}

}  // namespace refdrv::test
