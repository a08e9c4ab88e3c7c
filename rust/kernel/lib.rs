// SPDX-License-Identifier: GPL-2.0

//! refdrv's userspace `kernel` crate: the API that Linux's
//! `rust/kernel/net/phy.rs` and its companions offer to PHY drivers, so that
//! the tree's Rust drivers compile unmodified and run on the real phylib
//! inside refdrv.
//!
//! Like the kernel's crate it is `no_std`. It never mirrors a kernel
//! structure: everything it needs from `struct phy_device` and every phylib
//! call goes through refdrv's C helpers (`host/abi/refdrv_phy_helpers.h`),
//! compiled with the tree's own headers. Constants (`uapi`, errno values,
//! phylib flags and states) are generated from the tree's headers at build
//! time.
//!
//! It builds with Rust 1.63 (Debian 12's rustc): no `core::ffi` C types,
//! no `let`-`else`, no `offset_of!`.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

pub mod bindings;
pub mod device;
pub mod error;
pub mod ffi;
pub mod firmware;
pub mod module;
pub mod net;
pub mod prelude;
pub mod print;
pub mod sizes;
pub mod str;
pub mod types;
pub mod uapi;

pub use macros;

/// Equivalent to `THIS_MODULE` in the C API: the module a piece of code
/// belongs to. Built-in code (all of refdrv's) has none, as in the kernel.
pub struct ThisModule(*mut ffi::c_void);

// SAFETY: `ThisModule` only carries an address that is never dereferenced by
// Rust code.
unsafe impl Sync for ThisModule {}

impl ThisModule {
    /// `THIS_MODULE` of built-in code: `NULL`.
    pub const fn built_in() -> Self {
        ThisModule(core::ptr::null_mut())
    }

    /// The raw `struct module *`.
    pub fn as_ptr(&self) -> *mut ffi::c_void {
        self.0
    }
}

/// The type a module's `module!` declares: created when the module is
/// loaded, dropped when it is unloaded.
pub trait Module: Sized + Sync + Send {
    /// Called when the module is loaded.
    fn init(module: &'static ThisModule) -> error::Result<Self>;
}

/// Fails the build if `cond` is not true at compile time (in a const
/// context), or at run time otherwise, as the kernel's `build_assert!`.
#[macro_export]
macro_rules! build_assert {
    ($cond:expr $(,)?) => {
        if !$cond {
            ::core::panic!(concat!("assertion failed: ", stringify!($cond)));
        }
    };
    ($cond:expr, $msg:expr) => {
        if !$cond {
            ::core::panic!($msg);
        }
    };
}

/// Compile-time assertion, as the kernel's `static_assert!`.
#[macro_export]
macro_rules! static_assert {
    ($condition:expr) => {
        const _: () = ::core::assert!($condition);
    };
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut buf = print::LineBuffer::new();
    // A message that does not fit is truncated; the panic is reported anyway.
    let _ = core::fmt::write(&mut buf, format_args!("Rust panic: {}", info));
    // SAFETY: `refdrv_bug` takes a NUL-terminated string and does not return.
    unsafe { bindings::refdrv_bug(buf.as_c_str_ptr()) }
}
