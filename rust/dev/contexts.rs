// SPDX-License-Identifier: GPL-2.0

//! The tree commands of `/dev/vctx`: CREATE, DESTROY, RENAME, LIST and
//! INFO, dispatched by [`crate::dev::dispatch`].

use kernel::{
    alloc::KVVec,
    prelude::*,
    transmute::AsBytes,
    uaccess::{UserPtr, UserSlice},
};

use crate::abi::ioctl_arg::Arg;
use crate::abi::name::{self, PATH_MAX};
use crate::abi::uapi::*;
use crate::acct::listing;
use crate::dev::command::{answer_array, check_entry_size, lookup, read_path, require_admin, view};
use crate::kern::task::TaskRef;
use crate::model::context::ALL_CAPS;
use crate::model::state::State;
use crate::model::{members, registry};
use crate::policy::{caps, seal};

/// `VCTX_IOC_CREATE`. Needs CAP_SYS_ADMIN.
pub(crate) fn create(st: &State, arg: &Arg) -> Result<isize> {
    // `caps` came with VCTX_FEAT_CAPS.
    let mut req: vctx_create = arg.read_grown(core::mem::offset_of!(vctx_create, caps))?;
    if req.flags & !VCTX_CREATE_FLAGS != 0
        || (req.flags & VCTX_CREATE_CAPS == 0 && req.caps != 0)
        || req.ctx_flags & !VCTX_CTX_SETTABLE != 0
        || req.__pad != 0
        || req.id != 0
        || req.name.iter().any(|&c| c != 0)
    {
        return Err(EINVAL);
    }
    let mask = if req.flags & VCTX_CREATE_CAPS != 0 { req.caps } else { ALL_CAPS };
    caps::check_valid(mask)?;
    let names = read_path(&req.path)?;
    require_admin()?;
    let view = view(st)?;
    seal::check_create(st, &view, req.ctx_flags)?;
    caps::note_mask(st, mask);
    let ctx = registry::create_with_caps(st, &view, &names, req.flags, req.ctx_flags, mask)?;
    req.id = ctx.id;
    let inner = st.lock.lock();
    ctx.st.access(&inner).name.to_abi(&mut req.name);
    drop(inner);
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_DESTROY`. Needs CAP_SYS_ADMIN.
pub(crate) fn destroy(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_destroy = arg.read()?;
    if req.flags != 0 {
        return Err(EINVAL);
    }
    let names = read_path(&req.path)?;
    require_admin()?;
    registry::destroy(st, &view(st)?, &names)?;
    Ok(0)
}

/// `VCTX_IOC_RENAME`. Needs CAP_SYS_ADMIN.
pub(crate) fn rename(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_rename = arg.read()?;
    if req.flags != 0 {
        return Err(EINVAL);
    }
    let names = read_path(&req.path)?;
    let new = name::from_abi(&req.new_name)?;
    require_admin()?;
    registry::rename(st, &view(st)?, &names, new)?;
    Ok(0)
}

/// `VCTX_IOC_LIST`. Unprivileged within the caller's subtree.
pub(crate) fn list(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_list = arg.read()?;
    if req.flags & !VCTX_LIST_FLAGS != 0 || req.__pad != 0 || req.count != 0 {
        return Err(EINVAL);
    }
    check_entry_size(req.entry_size)?;
    let recursive = req.flags & VCTX_LIST_RECURSIVE != 0;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let entries = loop {
        let n = listing::count(&st.lock.lock(), &ctx, recursive);
        let mut out = KVVec::with_capacity(n, GFP_KERNEL)?;
        let inner = st.lock.lock();
        match listing::fill(&inner, &ctx, &view, 0, recursive, &mut out) {
            Ok(()) => {}
            Err(e) if e == EAGAIN => continue,
            Err(e) => return Err(e),
        }
        break out;
    };
    req.count = entries.len() as u32;
    answer_array(arg, &req, req.capacity, req.entries, req.entry_size, &entries)
}

/// `VCTX_IOC_INFO`. Unprivileged within the caller's subtree.
pub(crate) fn info(st: &State, arg: &Arg) -> Result<isize> {
    // `entry.caps` came with VCTX_FEAT_CAPS.
    let mut req: vctx_info =
        arg.read_grown(core::mem::offset_of!(vctx_info, entry) + core::mem::offset_of!(vctx_entry, caps))?;
    if req.flags & !VCTX_INFO_FLAGS != 0 || req.__pad != 0 || req.path_len != 0 {
        return Err(EINVAL);
    }
    if req.entry.as_bytes().iter().any(|&b| b != 0) {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = if req.flags & VCTX_INFO_BY_PID != 0 {
        if req.path.ptr != 0 || req.path.len != 0 || req.path.__pad != 0 {
            return Err(EINVAL);
        }
        let t = TaskRef::find(req.pid).ok_or(ESRCH)?;
        let inner = st.lock.lock();
        let ctx = members::context_of(st, &inner, t.key())?;
        if !ctx.is_within(&view) {
            return Err(ESRCH);
        }
        ctx
    } else {
        if req.pid != 0 {
            return Err(EINVAL);
        }
        lookup(st, &view, &req.path)?
    };
    let mut path = KVec::with_capacity(PATH_MAX + 1, GFP_KERNEL)?;
    {
        let inner = st.lock.lock();
        req.entry = listing::entry(&inner, &ctx, &view, 0);
        registry::path_of(&inner, &ctx, &view, &mut path)?;
    }
    req.path_len = path.len() as u32;
    if req.path_buf != 0 {
        if path.len() + 1 > req.path_buf_len as usize {
            arg.write(&req)?;
            return Err(ERANGE);
        }
        path.push(0, GFP_KERNEL)?;
        UserSlice::new(UserPtr::from_addr(req.path_buf as usize), path.len())
            .writer()
            .write_slice(&path)?;
    }
    arg.write(&req)?;
    Ok(0)
}
