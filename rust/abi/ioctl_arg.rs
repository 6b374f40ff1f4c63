// SPDX-License-Identifier: GPL-2.0

//! Copy-in and copy-out of extensible ioctl argument structs.
//!
//! Every argument struct starts with `__u32 size`. The size encoded in the
//! ioctl number is the size the caller was built with; it must equal the
//! struct's own `size` field. A shorter (older) struct is zero-extended, a
//! longer (newer) one is accepted only when the tail this module does not
//! know is all zero (`E2BIG` otherwise), the rules of the kernel's
//! `copy_struct_from_user()`.

use kernel::{
    prelude::*,
    transmute::{AsBytes, FromBytes},
    uaccess::{UserPtr, UserSlice},
};

/// The size of the `size` field every argument struct starts with.
const SIZE_FIELD: usize = core::mem::size_of::<u32>();

/// Checks the sizes of an extensible struct argument.
///
/// `ioc_size` comes from the ioctl number, `declared` from the struct's
/// `size` field, `min` is the size of the first version of the struct.
/// Pure logic, so that KUnit can test it.
pub(crate) fn check_sizes(ioc_size: usize, declared: u32, min: usize) -> Result {
    if ioc_size < min || declared as usize != ioc_size {
        return Err(EINVAL);
    }
    Ok(())
}

/// An ioctl argument: where it lives in user memory and how big the
/// caller's version of the struct is.
pub(crate) struct Arg {
    ptr: UserPtr,
    user_size: usize,
}

impl Arg {
    /// Wraps the argument of an ioctl whose number encodes `ioc_size`.
    pub(crate) fn new(arg: usize, ioc_size: usize) -> Self {
        Self {
            ptr: UserPtr::from_addr(arg),
            user_size: ioc_size,
        }
    }

    /// Reads the argument as a `T`, the struct of the first version being
    /// `T` itself (it has not grown since).
    pub(crate) fn read<T: FromBytes + AsBytes + Default>(&self) -> Result<T> {
        self.read_grown(core::mem::size_of::<T>())
    }

    /// Reads the argument as a `T` whose first version was `min` bytes
    /// long: a caller's shorter struct (at least `min`) is zero-extended.
    pub(crate) fn read_grown<T: FromBytes + AsBytes + Default>(&self, min: usize) -> Result<T> {
        let ksize = core::mem::size_of::<T>();
        let mut head = UserSlice::new(self.ptr, SIZE_FIELD).reader();
        let declared: u32 = head.read()?;
        check_sizes(self.user_size, declared, min.min(ksize))?;

        let mut val = T::default();
        let n = self.user_size.min(ksize);
        UserSlice::new(self.ptr, n)
            .reader()
            .read_slice(&mut val.as_bytes_mut()[..n])?;
        if self.user_size > ksize {
            self.check_zero_tail(ksize)?;
        }
        Ok(val)
    }

    /// Fails with `E2BIG` unless the caller's bytes from `from` on are zero.
    fn check_zero_tail(&self, from: usize) -> Result {
        let mut reader =
            UserSlice::new(self.ptr.wrapping_byte_add(from), self.user_size - from).reader();
        let mut chunk = [0u8; 64];
        while !reader.is_empty() {
            let n = reader.len().min(chunk.len());
            reader.read_slice(&mut chunk[..n])?;
            if chunk[..n].iter().any(|&b| b != 0) {
                return Err(E2BIG);
            }
        }
        Ok(())
    }

    /// Writes `val` back: as many bytes as both sides know.
    pub(crate) fn write<T: AsBytes>(&self, val: &T) -> Result {
        let n = self.user_size.min(core::mem::size_of::<T>());
        UserSlice::new(self.ptr, n)
            .writer()
            .write_slice(&val.as_bytes()[..n])
    }
}

#[kunit_tests(vctx_ioctl_arg)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert!(check_sizes(32, 32, 32).is_ok());
        assert!(check_sizes(40, 40, 32).is_ok());
        assert_eq!(check_sizes(24, 24, 32), Err(EINVAL));
        assert_eq!(check_sizes(32, 0, 32), Err(EINVAL));
        assert_eq!(check_sizes(32, 40, 32), Err(EINVAL));
        assert_eq!(check_sizes(0, 0, 32), Err(EINVAL));
    }
}
