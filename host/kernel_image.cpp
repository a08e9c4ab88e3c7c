// SPDX-License-Identifier: GPL-2.0
#include "host/kernel_image.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <fmt/format.h>
#include <link.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace refdrv {

const char* impl_name(Impl impl) {
  switch (impl) {
    case Impl::kC: return "c";
    case Impl::kRust: return "rust";
    case Impl::kCxx: return "cxx";
    case Impl::kNone: return "none";
  }
  return "?";
}

const char* impl_title(Impl impl) {
  switch (impl) {
    case Impl::kC: return "C";
    case Impl::kRust: return "Rust";
    case Impl::kCxx: return "C++";
    case Impl::kNone: return "none";
  }
  return "?";
}

std::optional<Impl> impl_from(std::string_view name) {
  for (Impl i : {Impl::kC, Impl::kRust, Impl::kCxx, Impl::kNone})
    if (name == impl_name(i)) return i;
  return std::nullopt;
}

namespace {
#define REFDRV_CB_NAME(cb, shape, foreign, cxx, locked) #cb,
constexpr std::array<const char*, REFDRV_CB_COUNT> kCallbackNames = {REFDRV_PHY_CALLBACKS(REFDRV_CB_NAME)};
#undef REFDRV_CB_NAME
#define REFDRV_CB_LOCKED(cb, shape, foreign, cxx, locked) locked != 0,
constexpr std::array<bool, REFDRV_CB_COUNT> kCallbackLocked = {REFDRV_PHY_CALLBACKS(REFDRV_CB_LOCKED)};
#undef REFDRV_CB_LOCKED
}  // namespace

const char* callback_name(int cb) { return cb >= 0 && cb < REFDRV_CB_COUNT ? kCallbackNames[cb] : "?"; }

bool callback_always_locked(int cb) { return cb >= 0 && cb < REFDRV_CB_COUNT && kCallbackLocked[cb]; }

bool callback_always_locked(int cb, std::string_view version) {
  unsigned major = 0, minor = 0;
  const bool parsed = std::sscanf(std::string(version).c_str(), "%u.%u", &major, &minor) == 2;
  // Before 6.7 phy_state_machine() dropped phydev->lock before
  // phy_process_state_change() called link_change_notify (the drivers then
  // called phy_start_aneg(), which takes it; emul/helpers.c's start_aneg()
  // does so on those trees). Measured on 6.1 by tests/locking_test.cpp.
  if (cb == REFDRV_CB_link_change_notify && (!parsed || major < 6 || (major == 6 && minor < 7))) return false;
  return callback_always_locked(cb);
}

std::optional<int> callback_from(std::string_view name) {
  for (int i = 0; i < REFDRV_CB_COUNT; ++i)
    if (name == kCallbackNames[i]) return i;
  return std::nullopt;
}

// ---- host services, dispatched to the context the cookie names ----

namespace {

ContextBase& ctx(void* cookie) { return *static_cast<ContextBase*>(cookie); }

__attribute__((noreturn)) void host_fatal(void*, const char* what) { gate::stop(what); }

const refdrv_host_ops kHostOps = {
    .abi_version = REFDRV_ABI_VERSION,
    .alloc = [](void* c, unsigned long size, unsigned long align) { return ctx(c).alloc(size, align); },
    .free = [](void* c, void* p) { ctx(c).free(p); },
    .now_ns = [](void* c) -> unsigned long long { return ctx(c).now_ns(); },
    .sleep_ns = [](void* c, unsigned long long ns) { ctx(c).sleep_ns(ns); },
    .event_schedule = [](void* c, unsigned long long at, void (*fn)(void*), void* key) {
      ctx(c).event_schedule(at, fn, key);
    },
    .event_cancel = [](void* c, void* key) { return ctx(c).event_cancel(key); },
    .event_pending = [](void* c, void* key) { return ctx(c).event_pending(key); },
    .log = [](void* c, int level, const char* line) { ctx(c).log(level, line); },
    .mdio_read = [](void* c, int addr, int reg) { return ctx(c).mdio_read(addr, reg); },
    .mdio_write = [](void* c, int addr, int reg, unsigned short v) { return ctx(c).mdio_write(addr, reg, v); },
    .mdio_read_c45 = [](void* c, int addr, int devad, int reg) { return ctx(c).mdio_read_c45(addr, devad, reg); },
    .mdio_write_c45 = [](void* c, int addr, int devad, int reg, unsigned short v) {
      return ctx(c).mdio_write_c45(addr, devad, reg, v);
    },
    .firmware = [](void* c, const char* name, const unsigned char** data, unsigned long* size) {
      return ctx(c).firmware(name, data, size);
    },
    .trace = [](void* c, const refdrv_trace_event* ev) { ctx(c).trace_kernel(*ev); },
    .fatal = host_fatal,
    .watch = [](void* c, void* addr, unsigned long len) { return ctx(c).watch(addr, len); },
};

struct PhdrSearch {
  std::uintptr_t base = 0;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> text;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> writable, relro;
};

int collect_text(dl_phdr_info* info, size_t, void* data) {
  auto* s = static_cast<PhdrSearch*>(data);
  if (info->dlpi_addr != s->base) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    const std::uintptr_t b = info->dlpi_addr + ph.p_vaddr, e = b + ph.p_memsz;
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) s->text.emplace_back(b, e);
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_W)) s->writable.emplace_back(b, e);
    if (ph.p_type == PT_GNU_RELRO) s->relro.emplace_back(b, e);
  }
  return 1;
}

}  // namespace

const refdrv_host_ops& KernelImage::host_ops() { return kHostOps; }

int ImageContext::mdio_read(int, int) { gate::stop("MDIO read outside an instance"); }

int ImageContext::mdio_write(int, int, unsigned short) { gate::stop("MDIO write outside an instance"); }

Result<std::unique_ptr<KernelImage>> KernelImage::load(const std::filesystem::path& object,
                                                         const std::filesystem::path& symbols) {
  gate::install();
  std::unique_ptr<KernelImage> img(new KernelImage());
  img->path_ = object;
  // RTLD_LOCAL + a private copy of every kernel symbol: two trees can be
  // loaded side by side, and none of their symbols can interpose on glibc.
  img->handle_ = dlopen(object.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!img->handle_) return fail(fmt::format("cannot load the kernel side {}: {}", object.string(), dlerror()));
  auto entry = reinterpret_cast<refdrv_kernel_entry_fn>(dlsym(img->handle_, "refdrv_kernel_entry"));
  if (!entry) return fail(fmt::format("{} has no refdrv_kernel_entry: not a refdrv kernel side", object.string()));
  img->ops_ = entry(&kHostOps);
  if (!img->ops_)
    return fail(fmt::format("{} was built for another refdrv ABI version; rebuild it (it is cached, delete the "
                            "cache directory to force a rebuild)",
                            object.string()));

  img->store_hook_hits_ = static_cast<const unsigned long*>(dlsym(img->handle_, "refdrv_store_hook_hits"));

  link_map* lm = nullptr;
  if (dlinfo(img->handle_, RTLD_DI_LINKMAP, &lm) == 0 && lm) {
    img->base_ = lm->l_addr;
    PhdrSearch search{img->base_, {}, {}, {}};
    dl_iterate_phdr(collect_text, &search);
    for (const auto& [b, e] : search.text) {
      gate::register_text(b, e, img.get(), img->ops_->report_bug);
      img->text_end_ = std::max(img->text_end_, e);
    }
    // What a snapshot copies: the writable segments, less the relocated
    // read-only part and the module table.
    std::vector<std::pair<std::uintptr_t, std::uintptr_t>> holes = search.relro;
    const void* table = nullptr;
    unsigned long table_len = 0;
    img->ops_->load_time_data(&table, &table_len);
    if (table) holes.emplace_back(reinterpret_cast<std::uintptr_t>(table), reinterpret_cast<std::uintptr_t>(table) + table_len);
    std::sort(holes.begin(), holes.end());
    for (auto [b, e] : search.writable) {
      for (const auto& [hb, he] : holes) {
        if (he <= b || hb >= e) continue;
        if (hb > b) img->data_ranges_.emplace_back(reinterpret_cast<std::byte*>(b), hb - b);
        b = std::max(b, he);
      }
      if (e > b) img->data_ranges_.emplace_back(reinterpret_cast<std::byte*>(b), e - b);
    }
  }
  // cli/sti sites found by the build: nops before any kernel code runs, so
  // neither the signal path nor a tool that cannot run them (valgrind) meets them.
  if (!symbols.empty() && img->base_) {
    std::ifstream sites(symbols.parent_path() / "kernel.irqsites");
    for (std::string off; std::getline(sites, off);)
      if (!off.empty()) gate::patch_irq_instruction(img->base_ + std::strtoull(off.c_str(), nullptr, 16));
  }
  if (!symbols.empty()) {
    std::ifstream in(symbols);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string addr, type, name;
      if (!(ls >> addr >> type >> name)) continue;
      if (type != "t" && type != "T" && type != "W" && type != "w") continue;
      img->symbols_.emplace_back(std::strtoull(addr.c_str(), nullptr, 16), name);
    }
    std::sort(img->symbols_.begin(), img->symbols_.end());
  }

  img->context_ = std::make_unique<ImageContext>(*img);
  ImageContext* c = img->context_.get();
  int ret = 0;
  auto stop = gate::run([&] {
    ret = img->ops_->image_init(c);
    // Deferred work queued by initcalls (RCU callbacks) runs now.
    while (auto ev = c->events().pop_due(~0ULL)) img->ops_->run_event(c, nullptr, ev->fn, ev->key);
  });
  if (stop)
    return std::unexpected(Error{fmt::format("the kernel side stopped while running its initcalls: {}", stop->reason),
                                 kExitBadInput, ErrorOrigin::kKernelInit});
  if (ret)
    return std::unexpected(
        Error{fmt::format("the kernel side's initcalls failed with {}", ret), kExitBadInput, ErrorOrigin::kKernelInit});
  img->initialised_ = true;
  return img;
}

KernelImage::~KernelImage() {
  if (ops_ && initialised_) {
    ImageContext* c = context_.get();
    auto stop = gate::run([&] {
      ops_->image_exit(c);
      while (auto ev = c->events().pop_due(~0ULL)) ops_->run_event(c, nullptr, ev->fn, ev->key);
    });
    (void)stop;  // nothing left to report to at teardown
  }
  gate::unregister_text(this);
  context_.reset();
  if (handle_) dlclose(handle_);
}

std::vector<ModuleInfo> KernelImage::modules() const {
  std::vector<ModuleInfo> out;
  const unsigned n = ops_->module_count();
  for (unsigned i = 0; i < n; ++i) {
    refdrv_module_info mi{};
    if (ops_->module_info(i, &mi) != 0) continue;
    ModuleInfo m;
    m.name = mi.name ? mi.name : "";
    m.source = mi.source ? mi.source : "";
    m.kconfig = mi.kconfig ? mi.kconfig : "";
    m.impl = static_cast<Impl>(mi.impl);
    m.author = mi.author ? mi.author : "";
    m.description = mi.description ? mi.description : "";
    m.license = mi.license ? mi.license : "";
    for (unsigned d = 0; d < mi.ndrivers; ++d)
      // A driver without a name (a mutant that lost its .name) is still listed.
      m.drivers.push_back({mi.drivers[d] ? mi.drivers[d] : "(no name)", mi.ids[d], mi.masks[d], mi.callbacks[d],
                           mi.flags[d], mi.members[d]});
    m.member_slots = mi.member_slots;
    out.push_back(std::move(m));
  }
  return out;
}

bool KernelImage::has_impl(Impl impl, std::string_view kconfig) const {
  for (const auto& m : modules())
    if (m.impl == impl && m.kconfig == kconfig && !m.drivers.empty()) return true;
  return false;
}

Result<void> KernelImage::register_foreign_module(const refdrv_foreign_module& mod) {
  ++modules_generation_;
  int ret = 0;
  ImageContext* c = context_.get();
  auto stop = gate::run([&] {
    ret = ops_->register_foreign_module(c, &mod);
    while (auto ev = c->events().pop_due(~0ULL)) ops_->run_event(c, nullptr, ev->fn, ev->key);
  });
  if (stop) return fail(fmt::format("registering module {} stopped the kernel side: {}", mod.name, stop->reason));
  if (ret) return fail(fmt::format("registering module {} failed: {}", mod.name, errno_name(-ret)));
  foreign_.push_back(&mod);
  return {};
}

unsigned long KernelImage::store_hook_hits() const { return store_hook_hits_ ? *store_hook_hits_ : 0; }

std::size_t KernelImage::saved_data_bytes() const {
  std::size_t n = 0;
  for (const auto& [p, len] : data_ranges_) n += len;
  return n;
}

void KernelImage::gather(std::byte* flat) const {
  for (const auto& [p, len] : data_ranges_) {
    std::memcpy(flat, p, len);
    flat += len;
  }
}

void KernelImage::scatter(const std::byte* flat, std::size_t offset, std::size_t len) const {
  for (const auto& [p, n] : data_ranges_) {
    if (len == 0) return;
    if (offset >= n) {
      offset -= n;
      continue;
    }
    const std::size_t chunk = std::min(len, n - offset);
    std::memcpy(p + offset, flat, chunk);
    flat += chunk;
    len -= chunk;
    offset = 0;
  }
}

void KernelImage::save(Saved& out) const {
  const std::size_t n = saved_data_bytes();
  if (reference_.empty()) {
    reference_.resize(n);
    gather(reference_.data());
  }
  std::vector<std::byte> live(n);
  gather(live.data());
  out.data.take(live, reference_);
  context_->save_context(out.context);
  out.modules_generation = modules_generation_;
}

Result<void> KernelImage::restore(const Saved& saved) {
  const std::size_t n = reference_.size();
  if (saved.modules_generation != modules_generation_ || saved.data.bytes != n || n != saved_data_bytes())
    return fail("the kernel side's modules changed since the snapshot was taken");
  saved.data.apply(reference_, [this](std::size_t off, const std::byte* from, std::size_t len) { scatter(from, off, len); });
  context_->restore_context(saved.context);
  return {};
}

void KernelImage::unregister_foreign_module(const refdrv_foreign_module& mod) {
  ++modules_generation_;
  ImageContext* c = context_.get();
  auto stop = gate::run([&] {
    ops_->unregister_foreign_module(c, &mod);
    while (auto ev = c->events().pop_due(~0ULL)) ops_->run_event(c, nullptr, ev->fn, ev->key);
  });
  (void)stop;  // at teardown there is nobody left to report to
  std::erase(foreign_, &mod);
}

KernelImage::Symbols::const_iterator KernelImage::symbol_after(std::uintptr_t addr) const {
  if (addr < base_) return symbols_.begin();
  return std::upper_bound(symbols_.begin(), symbols_.end(), std::make_pair(addr - base_, std::string(1, '\x7f')));
}

std::string KernelImage::symbolize(std::uintptr_t pc) const {
  const auto next = symbol_after(pc);
  if (next == symbols_.begin()) return fmt::format("{:#x}", pc);
  const auto& [start, name] = *std::prev(next);
  return fmt::format("{}+{:#x}", name, pc - base_ - start);
}

std::optional<std::string> KernelImage::kallsyms(std::uintptr_t addr) const {
  const auto next = symbol_after(addr);
  // The last symbol has no size (nothing after it): not a known function.
  if (next == symbols_.begin() || next == symbols_.end()) return std::nullopt;
  const auto& [start, name] = *std::prev(next);
  return fmt::format("{}+{:#x}/{:#x}", name, addr - base_ - start, next->first - start);
}

std::optional<std::uintptr_t> KernelImage::symbol_address(std::string_view name) const {
  for (const auto& [offset, sym] : symbols_)
    if (sym == name) return base_ + offset;
  return std::nullopt;
}

std::string KernelImage::symbolize_line(std::string_view line) const {
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = line.find("0x"); at != std::string_view::npos; at = line.find("0x", at + 1)) {
    const std::size_t end = at + 18;
    if (end > line.size() || (end < line.size() && std::isxdigit(static_cast<unsigned char>(line[end])))) continue;
    if (at > 0 && std::isalnum(static_cast<unsigned char>(line[at - 1]))) continue;
    const std::string_view digits = line.substr(at + 2, 16);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
      continue;
    const auto sym = kallsyms(std::strtoull(std::string(digits).c_str(), nullptr, 16));
    if (!sym) continue;
    out.append(line.substr(from, at - from));
    out += *sym;
    from = end;
  }
  out.append(line.substr(from));
  return out;
}

}  // namespace refdrv
