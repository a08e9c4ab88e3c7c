// SPDX-License-Identifier: GPL-2.0

//! Networking.

pub mod phy;
