// SPDX-License-Identifier: GPL-2.0

//! Kernel types.

use core::{cell::UnsafeCell, marker::PhantomPinned, mem::MaybeUninit};

/// Stores an opaque value that the C side may change at any time.
///
/// It is used to wrap structures owned by C: `Opaque<T>` neither assumes
/// the value is initialised nor that it is not modified behind a shared
/// reference (`UnsafeCell`), and it is `!Unpin`, so that `&mut` references
/// to it are not assumed unique. Both matter for a `phy_device` that phylib
/// keeps modifying and that is reached again through nested callbacks.
#[repr(transparent)]
pub struct Opaque<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    _pin: PhantomPinned,
}

impl<T> Opaque<T> {
    /// Creates a new opaque value.
    pub const fn new(value: T) -> Self {
        Self {
            value: UnsafeCell::new(MaybeUninit::new(value)),
            _pin: PhantomPinned,
        }
    }

    /// Creates an uninitialised value.
    pub const fn uninit() -> Self {
        Self {
            value: UnsafeCell::new(MaybeUninit::uninit()),
            _pin: PhantomPinned,
        }
    }

    /// Returns a raw pointer to the opaque data.
    pub const fn get(&self) -> *mut T {
        UnsafeCell::get(&self.value) as *mut T
    }

    /// Gets the raw pointer to the opaque data behind `this`.
    pub const fn raw_get(this: *const Self) -> *mut T {
        this as *mut T
    }
}
