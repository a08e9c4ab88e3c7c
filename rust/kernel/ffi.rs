// SPDX-License-Identifier: GPL-2.0

//! C types of x86-64 Linux, defined here because `core::ffi`'s are newer
//! than the oldest supported compiler (Rust 1.63).

#![allow(non_camel_case_types)]

/// C `char` (signed on x86-64).
pub type c_char = i8;
/// C `unsigned char`.
pub type c_uchar = u8;
/// C `short`.
pub type c_short = i16;
/// C `unsigned short`.
pub type c_ushort = u16;
/// C `int`.
pub type c_int = i32;
/// C `unsigned int`.
pub type c_uint = u32;
/// C `long`.
pub type c_long = i64;
/// C `unsigned long`.
pub type c_ulong = u64;
/// C `long long`.
pub type c_longlong = i64;
/// C `unsigned long long`.
pub type c_ulonglong = u64;
/// C `void` behind a pointer.
pub use core::ffi::c_void;
