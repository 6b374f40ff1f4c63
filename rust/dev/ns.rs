// SPDX-License-Identifier: GPL-2.0

//! The namespace ioctls (issue 7), one small method each, dispatched by
//! [`crate::dev::dispatch`]: `NS_SET`, `NS_GET`, `NS_OPEN`.
//! Same shape as the others: read once, validate the copy, work, write once.

use kernel::prelude::*;

use crate::abi::ioctl_arg::Arg;
use crate::abi::uapi::*;
use crate::dev::command::{lookup, require_admin, view};
use crate::dev::open_file::Reader;
use crate::model::ns_set::COUNT;
use crate::model::state::State;
use crate::ns::namespaces;
use crate::policy::seal;

/// `VCTX_IOC_NS_SET`. Needs CAP_SYS_ADMIN, of the caller or of whoever
/// opened the file (`Reader::opened_by_admin`); EPERM from inside the context
/// if it is sealed.
pub(crate) fn ns_set(st: &State, reader: &Reader, arg: &Arg) -> Result<isize> {
    let req: vctx_ns_set = arg.read()?;
    if req.flags != 0 || req.__pad != 0 || req.mask == 0 || req.mask & !VCTX_NS_ALL != 0 {
        return Err(EINVAL);
    }
    if (0..COUNT).any(|t| req.mask & (1 << t) == 0 && req.fds[t] != 0) {
        return Err(EINVAL);
    }
    if !(crate::kern::task::capable_admin() || reader.opened_by_admin()) {
        return Err(EPERM);
    }
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    seal::check_frozen(&st.lock.lock(), &view, &ctx)?;
    namespaces::set(st, &ctx, req.mask, &req.fds)?;
    Ok(0)
}

/// `VCTX_IOC_NS_GET`. Unprivileged within the caller's subtree.
pub(crate) fn ns_get(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_ns_get = arg.read()?;
    if req.flags != 0
        || req.own != 0
        || req.mask != 0
        || req.ino.iter().any(|&v| v != 0)
        || req.holder.iter().any(|&v| v != 0)
    {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    namespaces::get(&st.lock.lock(), &ctx, &view, &mut req);
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_NS_OPEN`. Needs CAP_SYS_ADMIN.
pub(crate) fn ns_open(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_ns_open = arg.read()?;
    if req.flags != 0 || req.type_ >= VCTX_NS_COUNT || req.fd != 0 || req.ino != 0 {
        return Err(EINVAL);
    }
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let (fd, ino) = namespaces::open(st, &ctx, &view, req.type_ as usize)?;
    req.fd = fd as i32;
    req.ino = ino;
    // The fd is installed: if the answer cannot be written the caller
    // leaks one close-on-exec descriptor, as with any fd-returning call.
    arg.write(&req)?;
    Ok(0)
}
