// SPDX-License-Identifier: GPL-2.0
#include "kernel/debian.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>

#include "kernel/cache.hpp"
#include "kernel/process.hpp"

namespace refdrv::kernel {

namespace fs = std::filesystem;

Result<LinuxTree> debian_tree(const std::string& series, const Progress& progress) {
  const std::string package = "linux-source-" + series;
  const fs::path dir = cache_root() / "trees" / package;
  const fs::path tree_dir = dir / package;
  const fs::path ready = dir / "READY";

  auto lock = FileLock::acquire(cache_root() / "trees" / (package + ".lock"));
  if (!lock) return std::unexpected(lock.error());

  fs::path tarball = fs::path("/usr/src") / (package + ".tar.xz");
  if (fs::exists(ready)) {
    auto version = read_file(ready);
    const std::string had = version ? chomp(*version) : "?";
    // The package upgraded since it was unpacked (apt upgrade): its tree is
    // unpacked again, where the cache went on checking the old version. (A
    // tree downloaded without the package installed stays as it is.)
    std::optional<std::string> installed;
    if (fs::exists(tarball))
      if (auto v = capture({{"dpkg-query", "-W", "-f", "${Version}", package}, {}, {}, {}}); v && !chomp(*v).empty())
        installed = chomp(*v);
    if (!installed || *installed == had) return open_tree(tree_dir, fmt::format("Debian {} {}", package, had));
    progress(fmt::format("{} {} is installed, refdrv's cache holds {}: unpacking it again", package, *installed, had));
  }

  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return fail(fmt::format("cannot create the cache directory {}: {}", dir.string(), ec.message()));
  const fs::path log = dir / "fetch.log";

  std::string version;
  std::string member;  // path of the tarball inside the .deb, when downloaded
  fs::path deb;
  if (fs::exists(tarball)) {
    auto v = capture({{"dpkg-query", "-W", "-f", "${Version}", package}, {}, {}, {}});
    version = v ? chomp(*v) : "installed";
    progress(fmt::format("using the installed {} ({})", package, tarball.string()));
  } else {
    progress(fmt::format("downloading Debian's {} (about 150 MB, once)", package));
    auto st = run({{"apt-get", "download", package}, dir, log, {}});
    if (!st || *st != 0) {
      return fail(fmt::format(
          "could not download Debian's {} with `apt-get download {}`{}.\n{}"
          "Fix: run `sudo apt-get update` (the package lists may be missing), or install it with "
          "`sudo apt-get install {}` (refdrv then uses /usr/src/{}.tar.xz), or point refdrv at a Linux tree "
          "with --kernel PATH.",
          package, package, st ? "" : (": " + st.error().message), tail_of(log, 5), package, package));
    }
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".deb") deb = e.path();
    if (deb.empty()) return fail(fmt::format("apt-get download {} produced no .deb in {}", package, dir.string()));
    auto v = capture({{"dpkg-deb", "-f", deb.string(), "Version"}, {}, {}, {}});
    version = v ? chomp(*v) : "?";
    member = "./usr/src/" + package + ".tar.xz";
  }

  progress(fmt::format("unpacking {} {} into {}", package, version, dir.string()));
  const fs::path staging = dir / "unpack";
  fs::create_directories(staging, ec);
  const std::string script =
      deb.empty() ? "tar -xJf \"$1\" -C \"$2\""
                  : "dpkg-deb --fsys-tarfile \"$1\" | tar -xO \"$3\" | tar -xJ -C \"$2\"";
  auto st = run({{"sh", "-ec", script, "sh", deb.empty() ? tarball.string() : deb.string(), staging.string(), member},
                 {},
                 log,
                 {}});
  if (!st || *st != 0)
    return fail(fmt::format("could not unpack {} (is xz-utils installed?):\n{}", package, tail_of(log, 5)));
  fs::rename(staging / package, tree_dir, ec);
  if (ec) return fail(fmt::format("{} did not contain {}/: {}", package, package, ec.message()));
  fs::remove_all(staging, ec);
  if (!deb.empty()) fs::remove(deb, ec);
  if (auto w = write_file(ready, version + "\n"); !w) return std::unexpected(w.error());
  return open_tree(tree_dir, fmt::format("Debian {} {}", package, version));
}

}  // namespace refdrv::kernel
