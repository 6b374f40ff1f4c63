// SPDX-License-Identifier: GPL-2.0

//! Membership: which context each process is in, kept current by the fork
//! and exit hooks, and moved only down the tree by enter.
//!
//! A process (thread group) is keyed by its `signal_struct`, which all its
//! threads share: threads follow their process, and enter moves them all
//! at once. Processes of the root are not tracked at all.

use kernel::{prelude::*, rbtree::RBTreeNodeReservation, sync::Arc};

use crate::context::Context;
use crate::registry;
use crate::state::{self, Inner, Member, State};
use crate::task::{self, GroupKey, PidRef, TaskRef};

/// Counts a process joining `ctx`.
fn account_join(inner: &mut Inner, ctx: &Context) {
    let st = ctx.st.access_mut(inner);
    st.processes += 1;
    st.total_processes += 1;
    for c in ctx.ancestors_and_self() {
        let st = c.st.access_mut(inner);
        st.subtree_processes += 1;
        st.emptied_ns = 0;
    }
}

/// Counts a process leaving `ctx`; true if some subtree became empty.
fn account_leave(inner: &mut Inner, ctx: &Context, now: u64) -> bool {
    let st = ctx.st.access_mut(inner);
    st.processes = st.processes.saturating_sub(1);
    let mut emptied = false;
    for c in ctx.ancestors_and_self() {
        let st = c.st.access_mut(inner);
        st.subtree_processes = st.subtree_processes.saturating_sub(1);
        if st.subtree_processes == 0 && c.parent.is_some() {
            st.emptied_ns = now;
            emptied = true;
        }
    }
    emptied
}

/// Unlinks `ctx` and its ancestors while they are ephemeral, empty and
/// childless. The unlinked references are handed to `out` to be dropped
/// after the lock is released.
fn reap_ephemeral(inner: &mut Inner, ctx: &Arc<Context>, out: &mut Option<Arc<Context>>) {
    let mut cur = Some(ctx.clone());
    while let Some(c) = cur {
        let st = c.st.access(inner);
        if !st.linked || !st.ephemeral() || st.subtree_processes != 0 {
            break;
        }
        if st.children.iter().next().is_some() {
            break;
        }
        // Dropping the parent's reference here is fine: `c` holds one.
        let removed = registry::unlink(inner, &c);
        if out.is_none() {
            *out = removed;
        }
        cur = c.parent.clone();
    }
}

/// The fork hook (`sched_process_fork`): a new process joins its parent's
/// context. Threads need nothing: they share their process's entry.
///
/// Runs in atomic context. If the entry cannot be allocated the child is
/// killed: a process that escaped its context would be worse than a fork
/// that fails. If a kill is in progress above the context, the child gets
/// that kill's signal at birth (the fork raced the sweep).
///
/// # Safety
///
/// `parent` and `child` must be valid tasks for the duration of the call.
pub(crate) unsafe fn on_fork(
    state: &State,
    parent: *mut kernel::bindings::task_struct,
    child: *mut kernel::bindings::task_struct,
) {
    // SAFETY: valid tasks, by the function's contract.
    let (pkey, ckey) = unsafe { (task::group_key(parent), task::group_key(child)) };
    if pkey == ckey {
        return;
    }
    let mut signal = 0;
    let pid;
    {
        let mut inner = state.lock.lock();
        let ctx = match inner.members.get(&pkey) {
            Some(m) => m.ctx.clone(),
            None => return,
        };
        if let Some(sig) = registry::kill_in_progress(&inner, &ctx) {
            signal = sig;
        }
        // SAFETY: `child` is valid, by the function's contract. Taking a
        // pid reference is an atomic increment: fine under the lock.
        pid = unsafe { PidRef::tgid_of(child) };
        let member = Member {
            ctx: ctx.clone(),
            pid: pid.clone_ref(),
        };
        match inner.members.try_create_and_insert(ckey, member, GFP_ATOMIC) {
            Ok(_) => {
                state.nr_members.add(1, kernel::sync::atomic::Relaxed);
                account_join(&mut inner, &ctx);
                crate::virt::record_fork(&inner, &ctx, pid.vnr());
            }
            Err(_) => {
                pr_warn!("vctx: out of memory tracking a fork: killing the child\n");
                signal = kernel::bindings::SIGKILL;
            }
        }
    }
    if signal != 0 {
        pid.signal(signal);
    }
}

/// The exit hook (`sched_process_exit`): when the last thread of a member
/// process exits, it leaves its context; an ephemeral context that empties
/// goes away, and waiters are woken.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn on_exit(state: &State, t: *mut kernel::bindings::task_struct, group_dead: bool) {
    if !group_dead {
        return;
    }
    // SAFETY: valid task, by the function's contract.
    let key = unsafe { task::group_key(t) };
    let removed;
    let mut reaped = None;
    let emptied;
    {
        let mut inner = state.lock.lock();
        removed = match inner.members.remove(&key) {
            Some(m) => m,
            None => return,
        };
        state.nr_members.fetch_sub(1, kernel::sync::atomic::Relaxed);
        emptied = account_leave(&mut inner, &removed.ctx, state::now_ns());
        if emptied {
            reap_ephemeral(&mut inner, &removed.ctx, &mut reaped);
        }
    }
    if emptied {
        state.emptied.notify_all();
    }
    drop(removed);
    drop(reaped);
}

/// The fork-admission hook (`security_task_alloc`): may the calling
/// process create a task? Not while a kill runs on its context's subtree.
pub(crate) fn admit_fork(state: &State) -> Result {
    let key = task::current_key();
    let inner = state.lock.lock();
    if let Some(m) = inner.members.get(&key) {
        if registry::kill_in_progress(&inner, &m.ctx).is_some() {
            return Err(EAGAIN);
        }
    }
    Ok(())
}

/// The context of the process whose group key is `key` (the root if none).
pub(crate) fn context_of(inner: &Inner, key: GroupKey) -> Result<Arc<Context>> {
    match inner.members.get(&key) {
        Some(m) => Ok(m.ctx.clone()),
        None => Ok(inner.root()?.clone()),
    }
}

/// `VCTX_IOC_ENTER`: moves the process of `target` into `to`, which must be
/// its current context or below it. `view` is the caller's context (the
/// target must be inside it: ESRCH otherwise, as if it did not exist).
pub(crate) fn enter(state: &State, view: &Arc<Context>, to: &Arc<Context>, target: &TaskRef) -> Result {
    let key = target.key();
    let slot = RBTreeNodeReservation::new(GFP_KERNEL)?;
    let pid = target.tgid();
    let old;
    {
        let mut inner = state.lock.lock();
        let from = context_of(&inner, key)?;
        if !from.is_within(view) {
            return Err(ESRCH);
        }
        if !to.is_within(&from) {
            return Err(EPERM);
        }
        if !to.st.access(&inner).linked {
            return Err(ENOENT);
        }
        if registry::kill_in_progress(&inner, to).is_some() {
            return Err(EAGAIN);
        }
        // Checked under the lock: the exit hook removes a member under it
        // too, so a group that is alive here gets its exit seen later.
        if !target.group_alive() {
            return Err(ESRCH);
        }
        if from.id == to.id {
            return Ok(());
        }
        let now = state::now_ns();
        old = match inner.members.get_mut(&key) {
            Some(m) => Some(core::mem::replace(&mut m.ctx, to.clone())),
            None => {
                let member = Member {
                    ctx: to.clone(),
                    pid,
                };
                inner.members.insert(slot.into_node(key, member));
                state.nr_members.add(1, kernel::sync::atomic::Relaxed);
                None
            }
        };
        if let Some(o) = &old {
            if account_leave(&mut inner, o, now) {
                state.emptied.notify_all();
            }
        }
        account_join(&mut inner, to);
    }
    drop(old);
    Ok(())
}

/// Appends to `out` (within its capacity) a reference to every member
/// process in `ctx`'s subtree that is not in `skip`; returns how many did
/// not fit.
pub(crate) fn collect(inner: &Inner, ctx: &Context, skip: &[PidRef], out: &mut KVec<PidRef>) -> usize {
    let mut missed = 0;
    for m in inner.members.values() {
        if !m.ctx.is_within(ctx) || skip.iter().any(|p| p.same(&m.pid)) {
            continue;
        }
        if out.push_within_capacity(m.pid.clone_ref()).is_err() {
            missed += 1;
        }
    }
    missed
}
