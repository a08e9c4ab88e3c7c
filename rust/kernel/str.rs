// SPDX-License-Identifier: GPL-2.0

//! C strings.

use crate::ffi::c_char;

/// A NUL-terminated string, as the kernel's `CStr`.
///
/// # Invariants
///
/// The bytes end with exactly one NUL, the last one.
#[repr(transparent)]
pub struct CStr([u8]);

impl CStr {
    /// Wraps bytes that end with a NUL and contain no other.
    ///
    /// # Safety
    ///
    /// `bytes` must end with a NUL byte and contain no interior NUL.
    pub const unsafe fn from_bytes_with_nul_unchecked(bytes: &[u8]) -> &CStr {
        // SAFETY: `CStr` is a `repr(transparent)` wrapper of `[u8]`, so the
        // fat pointers have the same layout; the caller guarantees the
        // invariant.
        unsafe { core::mem::transmute::<&[u8], &CStr>(bytes) }
    }

    /// Checks `bytes` at compile time (in `c_str!`) or run time.
    pub const fn from_bytes_with_nul(bytes: &[u8]) -> Option<&CStr> {
        if bytes.is_empty() || bytes[bytes.len() - 1] != 0 {
            return None;
        }
        let mut i = 0;
        while i + 1 < bytes.len() {
            if bytes[i] == 0 {
                return None;
            }
            i += 1;
        }
        // SAFETY: checked above.
        Some(unsafe { Self::from_bytes_with_nul_unchecked(bytes) })
    }

    /// The string as a C pointer.
    pub const fn as_char_ptr(&self) -> *const c_char {
        self.0.as_ptr() as *const c_char
    }

    /// The bytes without the NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0[..self.0.len() - 1]
    }

    /// The bytes with the NUL.
    pub const fn as_bytes_with_nul(&self) -> &[u8] {
        &self.0
    }

    /// The string as UTF-8, if it is.
    pub fn to_str(&self) -> Result<&str, core::str::Utf8Error> {
        core::str::from_utf8(self.as_bytes())
    }

    /// Length without the NUL.
    pub fn len(&self) -> usize {
        self.0.len() - 1
    }

    /// True for "".
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Creates a `&'static CStr` from a string literal, checked at compile time.
#[macro_export]
macro_rules! c_str {
    ($str:expr) => {{
        const S: &str = concat!($str, "\0");
        const C: &$crate::str::CStr = match $crate::str::CStr::from_bytes_with_nul(S.as_bytes()) {
            Some(s) => s,
            None => panic!("string contains interior NUL"),
        };
        C
    }};
}
