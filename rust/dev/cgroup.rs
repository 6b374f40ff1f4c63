// SPDX-License-Identifier: GPL-2.0

//! The ioctls of issue 13, dispatched by [`crate::dev::dispatch`]: `CGROUP_SET`
//! and `CGROUP_GET`. Same shape as the others: read once, validate the
//! copy, work, write once.

use kernel::{
    prelude::*,
    uaccess::{UserPtr, UserSlice},
};

use crate::abi::ioctl_arg::Arg;
use crate::abi::uapi::*;
use crate::cgroup::binding;
use crate::dev::command::{lookup, require_admin, view};
use crate::kern::cgroup_ref::CgroupRef;
use crate::model::state::State;
use crate::policy::seal;

/// The longest cgroup path `CGROUP_GET` reports (`PATH_MAX`).
const CGROUP_PATH_MAX: usize = 4096;

/// `VCTX_IOC_CGROUP_SET`. Needs CAP_SYS_ADMIN; EPERM from inside the
/// context if it is sealed.
pub(crate) fn set(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_cgroup_set = arg.read()?;
    let clear = req.flags & VCTX_CGROUP_CLEAR != 0;
    if req.flags & !VCTX_CGROUP_SET_FLAGS != 0 || req.__pad != 0 || (clear && req.fd != -1) {
        return Err(EINVAL);
    }
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    seal::check_frozen(&st.lock.lock(), &view, &ctx)?;
    let cg = if clear { None } else { Some(CgroupRef::from_fd(req.fd)?) };
    let old = binding::bind(st, &ctx, cg)?;
    // The previous binding (and, on error, the new reference) is put here,
    // with no lock held.
    drop(old);
    Ok(0)
}

/// `VCTX_IOC_CGROUP_GET`. Unprivileged within the caller's subtree.
pub(crate) fn get(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_cgroup_get = arg.read()?;
    if req.flags != 0 || req.cgroup_id != 0 || req.holder != 0 || req.path_len != 0 {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let mut buf = KVec::from_elem(0u8, CGROUP_PATH_MAX, GFP_KERNEL)?;
    // The path is taken without the state lock (it sleeps), from a
    // reference of our own: a binding that changes in between is reported
    // as it was.
    let (holder, cg) = {
        let inner = st.lock.lock();
        let (cg, holder) = binding::effective(&inner, &ctx).ok_or(ENODATA)?;
        if !holder.is_within(&view) {
            return Err(ENODATA);
        }
        (holder.id, cg.clone_ref())
    };
    let id = cg.id();
    let n = cg.path(&mut buf)?;
    drop(cg);
    req.cgroup_id = id;
    req.holder = holder;
    req.path_len = n as u32;
    if req.path_buf != 0 {
        if n + 1 > req.path_buf_len as usize {
            arg.write(&req)?;
            return Err(ERANGE);
        }
        UserSlice::new(UserPtr::from_addr(req.path_buf as usize), n + 1)
            .writer()
            .write_slice(&buf[..n + 1])?;
    }
    arg.write(&req)?;
    Ok(0)
}
