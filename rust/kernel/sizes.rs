// SPDX-License-Identifier: GPL-2.0

//! Commonly used sizes, as `include/linux/sizes.h`.

/// 0x00000400
pub const SZ_1K: usize = 1 << 10;
/// 0x00000800
pub const SZ_2K: usize = 1 << 11;
/// 0x00001000
pub const SZ_4K: usize = 1 << 12;
/// 0x00002000
pub const SZ_8K: usize = 1 << 13;
/// 0x00004000
pub const SZ_16K: usize = 1 << 14;
/// 0x00008000
pub const SZ_32K: usize = 1 << 15;
/// 0x00010000
pub const SZ_64K: usize = 1 << 16;
/// 0x00020000
pub const SZ_128K: usize = 1 << 17;
/// 0x00040000
pub const SZ_256K: usize = 1 << 18;
/// 0x00080000
pub const SZ_512K: usize = 1 << 19;
