// SPDX-License-Identifier: GPL-2.0
// A loaded kernel side: the shared object built for one Linux tree (real
// phylib, the drivers, refdrv's emulation), its initcalls run, its modules
// registered. Several images (trees) can be loaded side by side: each has
// only one exported symbol and its own state.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "host/block_diff.hpp"
#include "host/context.hpp"
#include "host/kernel_gate.hpp"
#include "refdrv_abi.h"
#include "refdrv_phy_helpers.h"

namespace refdrv {

enum class Impl : int { kNone = REFDRV_IMPL_NONE, kC = REFDRV_IMPL_C, kRust = REFDRV_IMPL_RUST, kCxx = REFDRV_IMPL_CXX };

[[nodiscard]] const char* impl_name(Impl impl);          // "c", "rust", "cxx", "none"
[[nodiscard]] const char* impl_title(Impl impl);         // "C", "Rust", "C++", "none"
[[nodiscard]] std::optional<Impl> impl_from(std::string_view name);

// phy_driver callback names, indexed by enum refdrv_callback.
[[nodiscard]] const char* callback_name(int cb);
[[nodiscard]] std::optional<int> callback_from(std::string_view name);
// The `locked` column of REFDRV_PHY_CALLBACKS: phylib holds phydev->lock on
// every call it makes to this callback (in 6.12, where it was measured).
[[nodiscard]] bool callback_always_locked(int cb);
// The same for the phylib of Linux `version` ("6.1.119"): where a callback
// was called without the lock before a given release (link_change_notify
// before 6.7), the column does not hold for older trees.
[[nodiscard]] bool callback_always_locked(int cb, std::string_view version);

// Per enum refdrv_callback: calls made with phydev->lock held, and without.
struct CallbackLocking {
  std::array<unsigned long, REFDRV_CB_COUNT> locked{}, unlocked{};
};

struct ModuleInfo {
  std::string name, source, kconfig;
  Impl impl = Impl::kNone;
  std::string author, description, license;
  struct Driver {
    std::string name;
    std::uint32_t phy_id = 0, mask = 0;
    std::uint32_t callbacks = 0;  // 1 << enum refdrv_callback, the ones it implements
    std::uint32_t flags = 0;      // struct phy_driver's flags
    std::uint64_t members = 0;    // which function pointer members it sets (refdrv_module_info)
  };
  std::vector<Driver> drivers;
  unsigned member_slots = 0;  // struct phy_driver's function pointer members in this tree
};

class KernelImage;

// The image's own context: initcalls and module registration run in it.
class ImageContext final : public ContextBase {
 public:
  explicit ImageContext(KernelImage& image) : ContextBase(image) {}
  int mdio_read(int addr, int regnum) override;
  int mdio_write(int addr, int regnum, unsigned short val) override;
};

class KernelImage {
 public:
  // Loads the shared object and runs its initcalls. `symbols` is the
  // `nm -n` listing written by the build, used to name faulting addresses.
  static Result<std::unique_ptr<KernelImage>> load(const std::filesystem::path& object,
                                                   const std::filesystem::path& symbols = {});
  ~KernelImage();
  KernelImage(const KernelImage&) = delete;
  KernelImage& operator=(const KernelImage&) = delete;

  [[nodiscard]] const refdrv_kernel_ops& ops() const { return *ops_; }
  [[nodiscard]] const refdrv_phy_helpers& helpers() const { return *ops_->phy_helpers; }
  [[nodiscard]] std::string release() const { return ops_->uts_release; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::vector<ModuleInfo> modules() const;
  [[nodiscard]] bool has_impl(Impl impl, std::string_view kconfig) const;
  // Since the image was loaded (a snapshot's restore puts these counts back
  // with the rest of the kernel side's data): how phylib called each driver
  // callback.
  [[nodiscard]] CallbackLocking callback_locking() const {
    CallbackLocking l;
    ops_->callback_locking(l.locked.data(), l.unlocked.data());
    return l;
  }

  // Whether phylib and the C drivers were built with the store hooks
  // (kernel/kbuild.hpp): ContextBase::watch() then has the kernel side watch
  // phylib's state with them (emul/instance.c) where no hardware watchpoint
  // can be had, or first, instead of arming one, where hooks_first() (a
  // coverage build, the fuzzers': no trap per store). Set by the loader from
  // the build's record.
  void set_store_hooks(bool on) { store_hooks_ = on; }
  [[nodiscard]] bool store_hooks() const { return store_hooks_; }
  void set_hooks_first(bool on) { hooks_first_ = on; }
  [[nodiscard]] bool hooks_first() const { return hooks_first_; }
  // Stores to a watched word the hooks saw since the image was loaded (0
  // without them; a snapshot's restore puts the count back too): the fuzz
  // target's check that they are there.
  [[nodiscard]] unsigned long store_hook_hits() const;

  // Registers a module built with the host (a C++ driver module).
  Result<void> register_foreign_module(const refdrv_foreign_module& mod);
  void unregister_foreign_module(const refdrv_foreign_module& mod);

  [[nodiscard]] ImageContext& context() { return *context_; }

  // Where the image was loaded, and the end of its last executable segment:
  // every kernel-side instruction is in [first, second).
  [[nodiscard]] std::pair<std::uintptr_t, std::uintptr_t> text_extent() const { return {base_, text_end_}; }

  // "phy_probe+0x3c" for an address inside the image, else hex.
  [[nodiscard]] std::string symbolize(std::uintptr_t pc) const;

  // What the kernel's %pS prints for `addr` when it is in the image's text
  // ("phy_state_machine+0x9c/0x3a0", the size running to the next symbol as
  // kallsyms has it), else nothing.
  [[nodiscard]] std::optional<std::string> kallsyms(std::uintptr_t addr) const;

  // Where the image's text symbol `name` is (its functions, hidden ones
  // too: what kallsyms lists), else nothing.
  [[nodiscard]] std::optional<std::uintptr_t> symbol_address(std::string_view name) const;

  // `line` with every full-width pointer ("0x" and 16 hex digits) into the
  // image's text printed as %pS would with CONFIG_KALLSYMS: the kernel side
  // is built without kallsyms tables, so its %pS prints the raw address.
  [[nodiscard]] std::string symbolize_line(std::string_view line) const;

  static const refdrv_host_ops& host_ops();

  // The kernel side's whole state as it is now: its writable data (less
  // what is relocated once and then read-only, and the module table, see
  // refdrv_kernel_ops.load_time_data) and its own context (heap, clock,
  // events). restore() puts it back byte for byte at the same addresses.
  // Used with an instance's snapshot (host/instance.hpp); modules may not be
  // registered or unregistered in between.
  //
  // The data is kept as the 64-byte blocks where it differs from the image's
  // reference copy of it (taken at its first save()): restore() copies the
  // reference, which every restore reads and which so stays in the caches,
  // then those blocks. Most of the data is the same in every snapshot.
  struct Saved {
    BlockDiff data;  // against the reference copy; of saved_data_bytes() bytes
    ContextBase::Saved context;
    std::uint64_t modules_generation = 0;
  };
  void save(Saved& out) const;
  Result<void> restore(const Saved& saved);
  // Bytes of writable data a save() copies.
  [[nodiscard]] std::size_t saved_data_bytes() const;

 private:
  KernelImage() = default;
  std::filesystem::path path_;
  void* handle_ = nullptr;
  const refdrv_kernel_ops* ops_ = nullptr;
  std::uintptr_t base_ = 0, text_end_ = 0;
  using Symbols = std::vector<std::pair<std::uintptr_t, std::string>>;  // (offset in the image, name), sorted
  // The first symbol starting after `addr` (begin() when `addr` is before them all).
  [[nodiscard]] Symbols::const_iterator symbol_after(std::uintptr_t addr) const;
  Symbols symbols_;
  std::unique_ptr<ImageContext> context_;
  std::vector<const refdrv_foreign_module*> foreign_;
  std::vector<std::pair<std::byte*, std::size_t>> data_ranges_;  // what save() copies
  bool store_hooks_ = false;
  bool hooks_first_ = false;
  const unsigned long* store_hook_hits_ = nullptr;  // the kernel side's count (older builds: none)
  // The data's reference copy (Saved): the ranges above end to end, taken
  // once, at the first save().
  mutable std::vector<std::byte> reference_;
  // Copies between the ranges, end to end, and `flat`.
  void gather(std::byte* flat) const;
  void scatter(const std::byte* flat, std::size_t offset, std::size_t len) const;
  std::uint64_t modules_generation_ = 0;  // bumped by every (un)registration
  bool initialised_ = false;
};

}  // namespace refdrv
