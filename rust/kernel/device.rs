// SPDX-License-Identifier: GPL-2.0

//! Generic devices (`struct device`), as far as drivers here need them.

use crate::{bindings, print::LineBuffer, types::Opaque};
use core::fmt;

/// A `struct device`, borrowed from C.
///
/// # Invariants
///
/// A `&Device` always refers to a valid `struct device` for its lifetime.
#[repr(transparent)]
pub struct Device(Opaque<bindings::refdrv_device>);

impl Device {
    /// Borrows the `struct device` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct device` for the lifetime `'a`.
    pub unsafe fn as_ref<'a>(ptr: *mut bindings::refdrv_device) -> &'a Device {
        // SAFETY: `Device` is a `repr(transparent)` wrapper; validity is the
        // caller's guarantee.
        unsafe { &*(ptr as *const Device) }
    }

    /// The raw pointer, for C calls.
    pub fn as_raw(&self) -> *mut bindings::refdrv_device {
        self.0.get()
    }

    #[doc(hidden)]
    pub fn printk(&self, level: i32, args: fmt::Arguments<'_>) {
        let mut line = LineBuffer::new();
        // Truncated output is still printed.
        let _ = fmt::write(&mut line, args);
        // SAFETY: the type invariant makes `self` a valid device; `line` is
        // NUL-terminated.
        unsafe { bindings::refdrv_dev_log(self.as_raw(), level, line.as_c_str_ptr()) };
    }
}

/// Prints a message at `KERN_INFO` prefixed with the device's driver and name.
#[macro_export]
macro_rules! dev_info {
    ($dev:expr, $($arg:tt)*) => {
        $crate::device::Device::printk($dev, 6, ::core::format_args!($($arg)*))
    };
}

/// Prints a message at `KERN_ERR` prefixed with the device's driver and name.
#[macro_export]
macro_rules! dev_err {
    ($dev:expr, $($arg:tt)*) => {
        $crate::device::Device::printk($dev, 3, ::core::format_args!($($arg)*))
    };
}

/// Prints a message at `KERN_WARNING` prefixed with the device's driver and name.
#[macro_export]
macro_rules! dev_warn {
    ($dev:expr, $($arg:tt)*) => {
        $crate::device::Device::printk($dev, 4, ::core::format_args!($($arg)*))
    };
}
