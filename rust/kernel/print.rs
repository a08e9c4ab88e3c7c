// SPDX-License-Identifier: GPL-2.0

//! printk from Rust: `pr_info!` and friends, formatted with `core::fmt`
//! into a line buffer and handed to the kernel log.

use crate::{bindings, ffi::c_char};
use core::fmt;

/// A fixed-size, NUL-terminated line (longer output is truncated).
pub struct LineBuffer {
    buf: [u8; 512],
    len: usize,
}

impl LineBuffer {
    /// An empty line.
    pub const fn new() -> Self {
        LineBuffer { buf: [0; 512], len: 0 }
    }

    /// The line as a C string.
    pub fn as_c_str_ptr(&self) -> *const c_char {
        self.buf.as_ptr() as *const c_char
    }
}

impl Default for LineBuffer {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Write for LineBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len + 1 >= self.buf.len() {
                return Err(fmt::Error);
            }
            self.buf[self.len] = if b == 0 { b'?' } else { b };
            self.len += 1;
        }
        self.buf[self.len] = 0;
        Ok(())
    }
}

#[doc(hidden)]
pub fn call_printk(level: i32, args: fmt::Arguments<'_>) {
    let mut line = LineBuffer::new();
    // Truncated output is still printed.
    let _ = fmt::write(&mut line, args);
    // SAFETY: `line` is NUL-terminated and outlives the call.
    unsafe { bindings::refdrv_log(level, line.as_c_str_ptr()) };
}

/// Prints a kernel message at level 0 (`KERN_EMERG`).
#[macro_export]
macro_rules! pr_emerg {
    ($($arg:tt)*) => {
        $crate::print::call_printk(0, ::core::format_args!($($arg)*))
    };
}

/// Prints a kernel message at level 1 (`KERN_ALERT`).
#[macro_export]
macro_rules! pr_alert {
    ($($arg:tt)*) => {
        $crate::print::call_printk(1, ::core::format_args!($($arg)*))
    };
}

/// Prints a kernel message at level 2 (`KERN_CRIT`).
#[macro_export]
macro_rules! pr_crit {
    ($($arg:tt)*) => {
        $crate::print::call_printk(2, ::core::format_args!($($arg)*))
    };
}

/// Prints a kernel message at level 3 (`KERN_ERR`).
#[macro_export]
macro_rules! pr_err {
    ($($arg:tt)*) => {
        $crate::print::call_printk(3, ::core::format_args!($($arg)*))
    };
}

/// Prints a kernel message at level 4 (`KERN_WARN`).
#[macro_export]
macro_rules! pr_warn {
    ($($arg:tt)*) => {
        $crate::print::call_printk(4, ::core::format_args!($($arg)*))
    };
}

/// Prints a kernel message at level 5 (`KERN_NOTICE`).
#[macro_export]
macro_rules! pr_notice {
    ($($arg:tt)*) => {
        $crate::print::call_printk(5, ::core::format_args!($($arg)*))
    };
}

/// Prints a kernel message at level 6 (`KERN_INFO`).
#[macro_export]
macro_rules! pr_info {
    ($($arg:tt)*) => {
        $crate::print::call_printk(6, ::core::format_args!($($arg)*))
    };
}

/// Prints a kernel message at level 7 (`KERN_DEBUG`).
#[macro_export]
macro_rules! pr_debug {
    ($($arg:tt)*) => {
        $crate::print::call_printk(7, ::core::format_args!($($arg)*))
    };
}
