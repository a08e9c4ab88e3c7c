// SPDX-License-Identifier: GPL-2.0
// Shared by the tests that run the real phylib: one kernel side per Linux
// series, built (or found in refdrv's cache) once per test process.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/check.hpp"
#include "engine/environment.hpp"
#include "host/instance.hpp"
#include "hw/catalog.hpp"

namespace refdrv::test {

// The environment for Debian's linux-source-<series>; fails the test if it
// cannot be prepared.
// Options with refdrv's C++ driver modules, as the refdrv command has them.
EnvironmentOptions env_options();
Environment& environment(const std::string& series);
// The fuzzers' build of the 6.12 tree: with coverage, its store hooks first.
Result<std::unique_ptr<Environment>> fuzzing_environment();

struct Rig {
  std::unique_ptr<Instance> inst;
  int addr = 0;
  hw::PhyModel* phy = nullptr;
};

// An instance with one PHY model at its default address, a partner plugged
// at time 0 (none if empty), the bus created (scan + probe done).
Rig make_rig(Environment& env, const std::string& model, const std::string& partner, Impl impl,
             std::optional<std::uint32_t> phy_id = std::nullopt, hw::Nanos reset_duration = 0);

// The trace events of the given kinds.
std::vector<TraceEvent> events_of(const Trace& trace, std::initializer_list<TraceKind> kinds);

// MDIO accesses between the first entry into `callback` and its return,
// as "wr 00 0x0000" / "rd 00 0x3100" strings.
std::vector<std::string> mdio_in_callback(const Trace& trace, const std::string& callback);
// Every MDIO access of a run, in mdio_in_callback's form, by when it
// happened: [0] before the first step (bus registration), [k] in step k.
std::vector<std::vector<std::string>> mdio_by_step(const Trace& trace);

// Every MDIO access as "rd 16.01 0x7809", "wr 16.00 0x8200".
std::vector<std::string> mdio_lines(const Trace& trace);

// A copy of the 6.12 tree (hard links, so it is cheap) whose ax88796b.c no
// longer toggles BMCR_RESET before the generic reset, in refdrv's cache.
std::filesystem::path altered_tree();
// A copy of the 6.12 tree (hard links) with `find` in `file` replaced, in
// refdrv's cache under test-trees/<name>; made once.
std::filesystem::path altered_copy(const std::string& name, const std::string& file, const std::string& find,
                                   const std::string& replace);
// The 6.12 tree's `file` with its first `find` replaced by `replace`,
// written to refdrv's cache under test-trees/<name> and returned as the
// overlay EnvironmentOptions::overlay takes (kernel::BuildOptions::overlay):
// the tree's own build plus one recompiled object.
std::map<std::string, std::filesystem::path> altered_source(const std::string& name, const std::string& file,
                                                            const std::string& find, const std::string& replace);
// ax88796b.c without the BMCR_RESET toggle (as altered_tree()), as an overlay.
std::map<std::string, std::filesystem::path> altered_driver_overlay();
// The same driver with the reset toggle's write error ignored: equivalent
// without a fault, different where that write fails.
std::map<std::string, std::filesystem::path> altered_error_path_overlay();
// A copy of the 6.12 tree whose rust/kernel/net/phy.rs reads
// is_autoneg_completed() from the wrong bit of phy_device's bitfield.
std::filesystem::path altered_rust_abstraction_tree();

// A git repository (made once in refdrv's cache, test-trees/git-6.12-5)
// whose first commit is Linux 6.12 as Debian ships it, less the files a
// check of it does not read, and whose three next commits
// change ax88796b.c: a comment, the BMCR_RESET toggle dropped, the toggle
// back. It has no working tree of its own.
std::filesystem::path linux_git_repo();

}  // namespace refdrv::test
