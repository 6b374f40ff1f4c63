// SPDX-License-Identifier: GPL-2.0

//! The process commands of `/dev/vctx`: ENTER, PIDS, KILL and WAIT,
//! dispatched by [`crate::dev::dispatch`].

use kernel::{prelude::*, time::msecs_to_jiffies, transmute::AsBytes};

use crate::abi::ioctl_arg::Arg;
use crate::abi::uapi::*;
use crate::acct::{accounting, listing, snapshot};
use crate::dev::command::{answer_array, check_entry_size, lookup, require_admin, view};
use crate::kern::task::{self, TaskRef};
use crate::lifecycle;
use crate::model::state::{self, filled, State};
use crate::policy::{kill, wait};

/// The highest signal number (`_NSIG`).
const SIG_MAX: u32 = 64;

/// `VCTX_IOC_ENTER`. Moving another process needs CAP_SYS_ADMIN.
pub(crate) fn enter(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_enter = arg.read()?;
    if req.flags != 0 || req.__pad != 0 || req.pid < 0 {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let to = lookup(st, &view, &req.path)?;
    let target = TaskRef::find(req.pid).ok_or(ESRCH)?;
    let mask = to.st.access(&st.lock.lock()).caps();
    if !target.is_current_group() {
        require_admin()?;
        // Another process's credentials cannot be changed from here: it
        // may come in only if it holds nothing the mask lacks.
        if target.group_caps() & !mask != 0 {
            return Err(EPERM);
        }
        lifecycle::enter(st, &view, &to, &target)?;
        return Ok(0);
    }
    // The caller's own thread is trimmed to the mask (its other threads,
    // if any, are held to it by the capable hook). Prepared first, so that
    // a failure leaves the caller where it was.
    let creds = task::TrimmedCreds::prepare(mask)?;
    lifecycle::enter(st, &view, &to, &target)?;
    creds.commit();
    Ok(0)
}

/// `VCTX_IOC_PIDS`. Unprivileged within the caller's subtree.
pub(crate) fn pids(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_pids = arg.read()?;
    if req.flags & !VCTX_LIST_FLAGS != 0 || req.__pad != 0 || req.count != 0 {
        return Err(EINVAL);
    }
    check_entry_size(req.entry_size)?;
    let recursive = req.flags & VCTX_LIST_RECURSIVE != 0;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let entries = filled(
        st,
        |inner| crate::model::members::count(inner, &ctx, recursive) + 1,
        |inner, out| listing::pids(inner, &ctx, recursive, out),
    )?;
    req.count = entries.len() as u32;
    answer_array(arg, &req, req.capacity, req.entries, req.entry_size, &entries)
}

/// `VCTX_IOC_KILL`. Needs CAP_SYS_ADMIN.
pub(crate) fn kill(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_kill = arg.read()?;
    if req.flags != 0
        || req.signal > SIG_MAX
        || req.then_signal > SIG_MAX
        || (req.then_signal == 0 && req.grace_ms != 0)
        || req.signalled != 0
        || req.escalated != 0
    {
        return Err(EINVAL);
    }
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let (signalled, escalated) = kill::kill(st, &ctx, req.signal, req.then_signal, req.grace_ms)?;
    req.signalled = signalled;
    req.escalated = escalated;
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_WAIT`. Unprivileged within the caller's subtree.
pub(crate) fn wait(st: &State, arg: &Arg) -> Result<isize> {
    // The final record (from `totals` on) came with VCTX_FEAT_ACCOUNTING.
    let mut req: vctx_wait = arg.read_grown(core::mem::offset_of!(vctx_wait, totals))?;
    if req.flags != 0
        || req.lifetime_ns != 0
        || req.total_processes != 0
        || req.id != 0
        || req.totals.as_bytes().iter().any(|&b| b != 0)
        || req.limits.iter().any(|l| l.as_bytes().iter().any(|&b| b != 0))
        || req.reason != 0
        || req.__pad != 0
    {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    if ctx.id == view.id {
        // The caller is a member of its own context: it would wait for ever.
        return Err(EDEADLK);
    }
    let timeout = match req.timeout_ms {
        u64::MAX => None,
        ms => Some(msecs_to_jiffies(ms.min(u64::from(u32::MAX)) as u32)),
    };
    if !wait::until_empty(st, &ctx, timeout)? {
        return Err(ETIMEDOUT);
    }
    // The final record: the subtree's lifetime figures (live ones are
    // zero: it is empty, unless it refilled since the wait returned).
    let (_, sub) = accounting::reading(st, &ctx)?;
    let inner = st.lock.lock();
    let s = ctx.st.access(&inner);
    let end = if s.emptied_ns() != 0 { s.emptied_ns() } else { state::now_ns() };
    req.id = ctx.id;
    req.lifetime_ns = end.saturating_sub(ctx.created_ns);
    req.total_processes = listing::subtree_total(&inner, &ctx);
    req.totals = sub;
    req.limits = snapshot::limits_of(&inner, &ctx, snapshot::held_of(&sub), None);
    req.reason = s.end_reason;
    drop(inner);
    arg.write(&req)?;
    Ok(0)
}
