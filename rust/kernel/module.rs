// SPDX-License-Identifier: GPL-2.0

//! What `module!` exports for refdrv's module loader.

use crate::{bindings, ffi::c_char};

/// A built-in Rust module's descriptor (`struct refdrv_rust_module`).
#[repr(transparent)]
pub struct RustModule(pub bindings::refdrv_rust_module);

// SAFETY: the descriptor is immutable and holds only pointers to static data
// and functions.
unsafe impl Sync for RustModule {}

/// A NULL-terminated array of C strings in a static.
#[repr(transparent)]
pub struct CStrList<const N: usize>(pub [*const c_char; N]);

// SAFETY: only pointers to static, immutable strings.
unsafe impl<const N: usize> Sync for CStrList<N> {}
