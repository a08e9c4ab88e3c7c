// SPDX-License-Identifier: GPL-2.0

//! The kernel prelude: what drivers get with `use kernel::prelude::*`.

pub use core::pin::Pin;

pub use macros::{module, vtable};

pub use crate::{build_assert, static_assert};
pub use crate::{pr_alert, pr_crit, pr_debug, pr_emerg, pr_err, pr_info, pr_notice, pr_warn};

pub use crate::error::{code::*, Error, Result};
pub use crate::{str::CStr, ThisModule};
