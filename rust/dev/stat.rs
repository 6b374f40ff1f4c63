// SPDX-License-Identifier: GPL-2.0

//! The accounting ioctls of `/dev/vctx`: STAT, SNAPSHOT, SET_LIMIT and
//! CHECKPOINT (dispatched by [`crate::dev::dispatch`]).

use kernel::{prelude::*, transmute::AsBytes};

use crate::abi::ioctl_arg::Arg;
use crate::abi::uapi::*;
use crate::acct::accounting;
use crate::acct::limits;
use crate::acct::snapshot;
use crate::dev::command::{answer_array, check_entry_size, lookup, require_admin, view};
use crate::dev::open_file::Reader;
use crate::model::state::{self, State};
use crate::virt::views;

/// `VCTX_IOC_STAT`. Unprivileged within the caller's subtree.
pub(crate) fn stat(st: &State, reader: &Reader, arg: &Arg) -> Result<isize> {
    let mut req: vctx_stat = arg.read()?;
    if req.flags & !VCTX_STAT_FLAGS != 0 {
        return Err(EINVAL);
    }
    let path = req.path;
    // Everything after the path is output: it must come in zero.
    if req.as_bytes()[core::mem::offset_of!(vctx_stat, id)..].iter().any(|&b| b != 0) {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = lookup(st, &view, &path)?;
    let (own, sub) = accounting::reading(st, &ctx)?;
    let load = views::load_of(&ctx);
    let inner = st.lock.lock();
    let window = if req.flags & VCTX_STAT_WINDOW != 0 {
        Some(limits::window(&inner, &ctx, reader.id()).ok_or(ENODATA)?)
    } else {
        None
    };
    req.id = ctx.id;
    req.now_ns = state::now_ns();
    req.created_ns = ctx.created_ns;
    req.loadavg = load.avg;
    req.nr_running = load.nr_running;
    req.last_pid = load.last_pid;
    req.ctx_flags = crate::acct::listing::flags_of(&inner, &ctx);
    req.self_ = own;
    req.subtree = sub;
    req.limits = snapshot::limits_of(&inner, &ctx, snapshot::held_of(&sub), window);
    drop(inner);
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_SNAPSHOT`. Unprivileged within the caller's subtree.
pub(crate) fn snapshot(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_snapshot = arg.read()?;
    if req.flags != 0 || req.__pad != 0 || req.count != 0 || req.now_ns != 0 {
        return Err(EINVAL);
    }
    check_entry_size(req.entry_size)?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let mut bufs = snapshot::take_fresh(st, &ctx, &view)?;
    req.now_ns = state::now_ns();
    req.count = bufs.out.len() as u32;
    let entries = core::mem::take(&mut bufs.out);
    answer_array(arg, &req, req.capacity, req.entries, req.entry_size, &entries)
}

/// `VCTX_IOC_SET_LIMIT`. Needs CAP_SYS_ADMIN; from inside a sealed
/// context, raising its limits is EPERM.
pub(crate) fn set_limit(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_set_limit = arg.read()?;
    let all = (1u32 << VCTX_RES_COUNT) - 1;
    if req.mask & !all != 0 || req.mask == 0 || req.__pad != 0 {
        return Err(EINVAL);
    }
    for (r, &v) in req.limit.iter().enumerate() {
        if req.mask & (1 << r) == 0 && v != 0 {
            return Err(EINVAL);
        }
    }
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    if ctx.parent.is_none() {
        // The host's context: its processes are not tracked.
        return Err(EINVAL);
    }
    let mut inner = st.lock.lock();
    let frozen = crate::policy::seal::check_may_loosen(&inner, &view, &ctx).is_err();
    limits::set(&mut inner, &ctx, req.mask, &req.limit, frozen)?;
    Ok(0)
}

/// `VCTX_IOC_CHECKPOINT`. Unprivileged within the caller's subtree.
pub(crate) fn checkpoint(st: &State, reader: &Reader, arg: &Arg) -> Result<isize> {
    let mut req: vctx_checkpoint = arg.read()?;
    if req.flags != 0 || req.id != 0 {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let (_, sub) = accounting::reading(st, &ctx)?;
    let mut inner = st.lock.lock();
    reader.checkpoint(&mut inner, &ctx, snapshot::held_of(&sub))?;
    drop(inner);
    req.id = ctx.id;
    arg.write(&req)?;
    Ok(0)
}
