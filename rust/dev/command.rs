// SPDX-License-Identifier: GPL-2.0

//! What every command of `/dev/vctx` shares: reading a path argument,
//! finding the caller's view and the context a path names, the admin
//! check, and writing an array answer back (filled by
//! `crate::model::state::filled`: sized under the lock, allocated outside
//! it, filled under it again).

use kernel::{
    prelude::*,
    sync::Arc,
    transmute::AsBytes,
    uaccess::{UserPtr, UserSlice},
};

use crate::abi::ioctl_arg::Arg;
use crate::abi::name::{self, Name, PATH_MAX};
use crate::abi::uapi::vctx_str;
use crate::kern::task;
use crate::model::context::Context;
use crate::model::registry;
use crate::model::state::State;

/// Reads and splits a path argument.
pub(crate) fn read_path(s: &vctx_str) -> Result<KVec<Name>> {
    if s.__pad != 0 {
        return Err(EINVAL);
    }
    let len = s.len as usize;
    if len > PATH_MAX {
        return Err(ENAMETOOLONG);
    }
    let mut buf = KVec::with_capacity(len, GFP_KERNEL)?;
    UserSlice::new(UserPtr::from_addr(s.ptr as usize), len).read_all(&mut buf, GFP_KERNEL)?;
    name::split(&buf)
}

/// The caller's context: the root of everything it can name.
pub(crate) fn view(st: &State) -> Result<Arc<Context>> {
    registry::caller_context(st, &st.lock.lock())
}

/// The context `path` names, seen from the caller.
pub(crate) fn lookup(st: &State, view: &Arc<Context>, path: &vctx_str) -> Result<Arc<Context>> {
    let names = read_path(path)?;
    let inner = st.lock.lock();
    let ctx = registry::resolve(&inner, view, &names)?;
    if !ctx.st.access(&inner).linked() {
        return Err(ENOENT);
    }
    Ok(ctx)
}

/// EPERM unless the caller may administer contexts
/// ([`task::capable_admin`]).
pub(crate) fn require_admin() -> Result {
    if task::capable_admin() {
        Ok(())
    } else {
        Err(EPERM)
    }
}

/// Writes an array of ABI entries to user memory, `entry_size` bytes each
/// (what the caller knows; a longer entry gets a zero tail).
fn write_entries<T: AsBytes>(addr: u64, entry_size: u32, entries: &[T]) -> Result {
    let ours = core::mem::size_of::<T>();
    let theirs = entry_size as usize;
    let mut w = UserSlice::new(UserPtr::from_addr(addr as usize), theirs * entries.len()).writer();
    let zeros = [0u8; 64];
    for e in entries {
        let n = theirs.min(ours);
        w.write_slice(&e.as_bytes()[..n])?;
        let mut left = theirs - n;
        while left > 0 {
            let k = left.min(zeros.len());
            w.write_slice(&zeros[..k])?;
            left -= k;
        }
    }
    Ok(())
}

/// Answers a LIST-like request whose `count` is set: the entries and the
/// request, or ERANGE (and the request, for the count) if they do not fit.
pub(crate) fn answer_array<R: AsBytes, T: AsBytes>(
    arg: &Arg,
    req: &R,
    capacity: u32,
    addr: u64,
    entry_size: u32,
    entries: &[T],
) -> Result<isize> {
    if entries.len() > capacity as usize {
        arg.write(req)?;
        return Err(ERANGE);
    }
    write_entries(addr, entry_size, entries)?;
    arg.write(req)?;
    Ok(0)
}

/// Validates an entry size of a listing request.
pub(crate) fn check_entry_size(size: u32) -> Result {
    if size == 0 || size % 8 != 0 || size > 4096 {
        return Err(EINVAL);
    }
    Ok(())
}
