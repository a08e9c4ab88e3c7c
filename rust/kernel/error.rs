// SPDX-License-Identifier: GPL-2.0

//! Kernel errors: a non-zero negative errno, converted from and to C only at
//! the edge (`to_result`, `from_result`); drivers just propagate them.

use crate::{bindings, ffi::c_int};
use core::num::TryFromIntError;

/// Error codes, as the kernel's `kernel::error::code`.
pub mod code {
    use super::Error;

    macro_rules! declare_err {
        ($($name:ident),* $(,)?) => {
            $(
                #[doc = concat!("`", stringify!($name), "` (the tree's value).")]
                pub const $name: Error = Error::from_const(crate::bindings::$name as i32);
            )*
        };
    }

    declare_err!(
        EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, ECHILD, EAGAIN, ENOMEM, EACCES,
        EFAULT, ENOTBLK, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY,
        ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EMLINK, EPIPE, EDOM, ERANGE, EOVERFLOW, ETIMEDOUT,
        EOPNOTSUPP, ENOLINK, ERESTARTSYS, ENOTSUPP, EPROBE_DEFER,
    );
}

/// A kernel error: a negative errno.
///
/// # Invariants
///
/// The value is in `[-MAX_ERRNO, -1]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(c_int);

impl Error {
    const fn from_const(errno: i32) -> Error {
        // INVARIANT: only used with the tree's positive errno constants.
        Error(-errno)
    }

    /// Creates an error from a negative errno; anything else (a bug in the
    /// caller) becomes `EINVAL`, as in the kernel.
    pub fn from_errno(errno: c_int) -> Error {
        if errno < -(bindings::MAX_ERRNO as i32) || errno >= 0 {
            return code::EINVAL;
        }
        // INVARIANT: the check above.
        Error(errno)
    }

    /// The negative errno, for C.
    pub fn to_errno(self) -> c_int {
        self.0
    }
}

impl core::fmt::Debug for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Error({})", self.0)
    }
}

impl From<TryFromIntError> for Error {
    fn from(_: TryFromIntError) -> Error {
        code::EINVAL
    }
}

impl From<core::str::Utf8Error> for Error {
    fn from(_: core::str::Utf8Error) -> Error {
        code::EINVAL
    }
}

/// A result with a kernel [`Error`].
pub type Result<T = (), E = Error> = core::result::Result<T, E>;

/// Converts a C return value (negative errno on failure) to a [`Result`].
pub fn to_result(err: c_int) -> Result {
    if err < 0 {
        Err(Error::from_errno(err))
    } else {
        Ok(())
    }
}

/// Runs `f` and converts its result to what a C callback returns.
pub fn from_result<T, F>(f: F) -> T
where
    T: From<i16>,
    F: FnOnce() -> Result<T>,
{
    match f() {
        Ok(v) => v,
        // NO-OVERFLOW: errnos are in `[-MAX_ERRNO, -1]`, which fits an i16.
        Err(e) => T::from(e.to_errno() as i16),
    }
}
