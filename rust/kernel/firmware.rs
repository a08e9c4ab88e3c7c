// SPDX-License-Identifier: GPL-2.0

//! Firmware loading (`request_firmware`). refdrv ships no firmware files:
//! every request fails with the errno the loader returns for a missing file.

use crate::{bindings, device::Device, error::to_result, error::Result, ffi::c_void, str::CStr};

/// A firmware image, released when dropped.
///
/// # Invariants
///
/// `data`/`size` describe memory owned by `handle` until it is released.
pub struct Firmware {
    handle: *mut c_void,
    data: *const u8,
    size: usize,
}

impl Firmware {
    /// Requests the firmware `name` for `dev`.
    pub fn request(name: &CStr, dev: &Device) -> Result<Self> {
        let mut fw = Firmware {
            handle: core::ptr::null_mut(),
            data: core::ptr::null(),
            size: 0,
        };
        // SAFETY: all pointers are valid for the duration of the call.
        to_result(unsafe {
            bindings::refdrv_request_firmware(name.as_char_ptr(), dev.as_raw(), &mut fw.data, &mut fw.size, &mut fw.handle)
        })?;
        Ok(fw)
    }

    /// The image.
    pub fn data(&self) -> &[u8] {
        if self.size == 0 {
            return &[];
        }
        // SAFETY: the type invariant.
        unsafe { core::slice::from_raw_parts(self.data, self.size) }
    }

    /// Its size.
    pub fn size(&self) -> usize {
        self.size
    }
}

impl Drop for Firmware {
    fn drop(&mut self) {
        // SAFETY: `handle` came from `refdrv_request_firmware` (or is NULL).
        unsafe { bindings::refdrv_release_firmware(self.handle) };
    }
}
