// SPDX-License-Identifier: GPL-2.0

//! Contexts bound to cgroup v2 (issue 13): which cgroup a context's members
//! are in, and the policy that keeps them there (`Documentation/cgroups.rst`).
//!
//! The kernel's cgroup controllers do the resource work; vctx only binds a
//! context to a cgroup directory (`VCTX_IOC_CGROUP_SET`, holding a counted
//! reference to the `struct cgroup`) and decides, for the hooks in
//! `hooks/cgroup.rs` and for `ENTER`, what a member may do:
//!
//! - a context's *effective* cgroup is its own binding or that of its
//!   nearest bound ancestor; members are in its subtree;
//! - nobody moves a member out of its effective cgroup's subtree;
//! - a member moves only processes of its own context subtree, only
//!   within its effective cgroup, and writes, creates or removes cgroups
//!   only strictly below it (at the effective cgroup itself: only the
//!   files nsdelegate treats as delegated) — so no raising its own limits;
//!   a member of a context with no effective cgroup changes no cgroup.
//!
//! Pure policy over the state; the reference type and its comparisons
//! through the C shim (`cgroup_is_descendant`) are `crate::kern::cgroup_ref`.

use core::ffi::c_void;

use kernel::{bindings, prelude::*, sync::Arc};

use crate::kern::cgroup_ref::CgroupRef;
use crate::kern::task;
use crate::model::context::Context;
use crate::model::state::{Inner, State};

/// The effective cgroup of `ctx`: its own binding or its nearest bound
/// ancestor's, with the holding context.
pub(crate) fn effective<'a>(inner: &'a Inner, ctx: &'a Context) -> Option<(&'a CgroupRef, &'a Context)> {
    ctx.ancestors_and_self()
        .find_map(|c| c.st.access(inner).cgroup.as_ref().map(|g| (g, c)))
}

/// `VCTX_IOC_ENTER` into `to`: EXDEV unless task `t` is already in the
/// effective cgroup of `to`. Checked under the state lock, as the process
/// becomes a member; from then on the hooks keep it there. A migration
/// decided before (by a non-member: the hook let it through) may still
/// commit after this check: `Documentation/cgroups.rst` says why that
/// grants nobody anything (`cgroup_mutex` is not exported to modules).
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn check_enter(inner: &Inner, to: &Context, t: *mut bindings::task_struct) -> Result {
    match effective(inner, to) {
        // SAFETY: valid task, by the function's contract.
        Some((cg, _)) if !unsafe { cg.holds_task(t) } => Err(EXDEV),
        _ => Ok(()),
    }
}

/// `VCTX_IOC_CGROUP_SET`: binds `ctx` to `cg` (or, `None`, unbinds it),
/// if every member of its subtree is in `cg` already (checked under the
/// state lock, as `check_enter` does). Returns the previous binding, to be
/// dropped after the state lock.
pub(crate) fn bind(st: &State, ctx: &Arc<Context>, cg: Option<CgroupRef>) -> Result<Option<CgroupRef>> {
    let mut inner = st.lock.lock();
    if !ctx.st.access(&inner).linked() {
        return Err(ENOENT);
    }
    let Some(parent) = ctx.parent.as_ref() else {
        return Err(EPERM);
    };
    if let Some(new) = &cg {
        if let Some((up, _)) = effective(&inner, parent) {
            if !new.within(up) {
                return Err(EINVAL);
            }
        }
        let mut outside = false;
        crate::model::members::each(&inner, ctx, |_, m| outside |= !new.holds_pid(&m.pid));
        if outside {
            return Err(EBUSY);
        }
        if !bound_below_within(&inner, ctx, new) {
            return Err(EBUSY);
        }
    }
    let old = core::mem::replace(&mut ctx.st.access_mut(&mut inner).cgroup, cg);
    Ok(old)
}

/// Whether the cgroup of every bound strict descendant of `ctx` is within
/// `cg`. Recursion is bounded by `DEPTH_MAX`.
fn bound_below_within(inner: &Inner, ctx: &Context, cg: &CgroupRef) -> bool {
    ctx.st.access(inner).children.values().all(|c| {
        c.st.access(inner).cgroup.as_ref().is_none_or(|g| g.within(cg))
            && bound_below_within(inner, c, cg)
    })
}

/// The hook on `cgroup_attach_task(dst, leader, threadgroup)` (every write
/// of `cgroup.procs`/`cgroup.threads`): may the caller move `leader` into
/// `dst`? Nobody moves a member out of its effective cgroup's subtree
/// (EPERM); a member moves only processes of its own subtree (ESRCH: the
/// others do not exist for it) and only within its effective cgroup
/// (EPERM; none: no move at all).
///
/// Runs with `cgroup_mutex` held, in task context: takes the state lock.
///
/// # Safety
///
/// `dst` must be a valid cgroup and `leader` a valid task for the call.
pub(crate) unsafe fn may_attach(st: &State, dst: *mut c_void, leader: *mut bindings::task_struct) -> Result {
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return Ok(());
    }
    let me = task::current_key();
    // SAFETY: valid task, by the function's contract.
    let them = unsafe { task::group_key(leader) };
    let inner = st.lock.lock();
    let theirs = crate::model::members::find(st, &inner, them);
    if let Some(ctx) = &theirs {
        if let Some((cg, _)) = effective(&inner, ctx) {
            // SAFETY: `dst` is valid, by the function's contract.
            if !unsafe { cg.contains_raw(dst) } {
                return Err(EPERM);
            }
        }
    }
    let Some(mine) = crate::model::members::find(st, &inner, me) else {
        return Ok(());
    };
    if me != them && !theirs.is_some_and(|t| t.is_within(&mine)) {
        return Err(ESRCH);
    }
    match effective(&inner, &mine) {
        // SAFETY: as above.
        Some((cg, _)) if unsafe { cg.contains_raw(dst) } => Ok(()),
        _ => Err(EPERM),
    }
}

/// The hooks on `cgroup_file_write`, `cgroup_mkdir` and `cgroup_rmdir`: may
/// the caller change cgroup `cgrp` (write one of its files, create a child
/// in it, remove it)? Anyone outside contexts may; a member only strictly
/// below its effective cgroup, or at it if `at_own` (a delegated file, a
/// new child). EPERM otherwise, and always for a member of a context with
/// no effective cgroup.
///
/// # Safety
///
/// `cgrp` must be a valid cgroup for the call.
pub(crate) unsafe fn may_change(st: &State, cgrp: *mut c_void, at_own: bool) -> Result {
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return Ok(());
    }
    let me = task::current_key();
    // A process of the root: one lookup, no lock.
    if !st.is_member(me) {
        return Ok(());
    }
    let inner = st.lock.lock();
    let Some(mine) = crate::model::members::find(st, &inner, me) else {
        return Ok(());
    };
    match effective(&inner, &mine) {
        Some((cg, _)) if cg.is(cgrp) => {
            if at_own {
                Ok(())
            } else {
                Err(EPERM)
            }
        }
        // SAFETY: `cgrp` is valid, by the function's contract.
        Some((cg, _)) if unsafe { cg.contains_raw(cgrp) } => Ok(()),
        _ => Err(EPERM),
    }
}

/// The fork hook: `clone3(CLONE_INTO_CGROUP)` is refused to members (EPERM):
/// its target cgroup is not known yet where vctx can refuse a fork
/// (`security_task_alloc` runs before `cgroup_can_fork`).
pub(crate) const CLONE_INTO_CGROUP: u64 = 1 << 33;
