// SPDX-License-Identifier: GPL-2.0

//! UAPI constants, generated (as the kernel's bindgen run over
//! `rust/uapi/uapi_helper.h` does) from the tree's own
//! `include/uapi/linux/{mdio,mii,ethtool}.h` and `asm-generic/ioctl.h`:
//! a non-negative value that fits is a `u32`, a negative one an `i32`.

#![allow(non_upper_case_globals, missing_docs, dead_code)]

include!(concat!(env!("REFDRV_RUST_GEN"), "/uapi_generated.rs"));
