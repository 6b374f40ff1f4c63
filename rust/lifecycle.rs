// SPDX-License-Identifier: GPL-2.0

//! The lifecycle of a member process: fork (admission, birth), exec, exit
//! and reap, and enter (moved only down the tree) — the one place that
//! changes membership, counters, limits, namespaces, load and the index
//! together, under one lock hold. Which context each process is in is
//! kept current here; the maps' queries are `crate::model::members`.
//!
//! A process (thread group) is keyed by its `signal_struct`, which all its
//! threads share: threads follow their process, and enter moves them all
//! at once. Processes of the root are not tracked at all.

use kernel::{prelude::*, rbtree::RBTreeNodeReservation, sync::Arc};

use crate::acct::accounting;
use crate::acct::limits;
use crate::kern::task::{self, GroupKey, PidRef, TaskRef};
use crate::kern::usage::{Raw, Usage};
use crate::model::context::Context;
use crate::model::events::Who;
use crate::model::index::Spare;
use crate::model::members;
use crate::model::pending;
use crate::model::registry;
use crate::model::state::{self, Inner, Member, State};

extern "C" {
    /// A full memory barrier (`smp_mb()`, in the shim): enter's publish
    /// before its recheck of `signal->live`.
    fn vctx_smp_mb();
}

/// Brings the index entry of `key` in line with the tables: `member`, the
/// context whose map now holds it, else its zombie's, else none
/// (`crate::model::index`). Called by every writer of the member maps and
/// `exited`, with the lock held. ENOMEM (the entry unchanged) only if a new
/// entry was needed, `spare` had none and none could be allocated.
fn sync(state: &State, inner: &mut Inner, key: GroupKey, member: Option<&Arc<Context>>, spare: &mut Spare) -> Result {
    let to = match member {
        Some(c) => Some((c.clone(), false)),
        None => inner.exited.get(&key).map(|c| (c.clone(), true)),
    };
    state.index.set(inner, key, to.as_ref().map(|(c, e)| (c, *e)), spare)
}

/// Counts a process joining `ctx` (`fork`: born there, else entered), in
/// one walk up the ancestors.
fn account_join(inner: &mut Inner, ctx: &Context, fork: bool) {
    let st = ctx.st.access_mut(inner);
    st.count_join();
    st.acct.forks.own += u64::from(fork);
    for c in ctx.ancestors_and_self() {
        let st = c.st.access_mut(inner);
        let n = u64::from(st.count_subtree_join());
        st.acct.forks.sub += u64::from(fork);
        limits::observe_nproc(inner, c, n);
    }
}

/// Counts a process leaving `ctx` (`exit`: it exited, else it moved down),
/// in one walk up the ancestors; true if some subtree became empty.
fn account_leave(inner: &mut Inner, ctx: &Context, now: u64, exit: bool) -> bool {
    let st = ctx.st.access_mut(inner);
    st.count_leave();
    st.acct.exits.own += u64::from(exit);
    let mut emptied = false;
    for c in ctx.ancestors_and_self() {
        let st = c.st.access_mut(inner);
        let left = st.count_subtree_leave();
        st.acct.exits.sub += u64::from(exit);
        if left == 0 && c.parent.is_some() {
            st.mark_emptied(now);
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
        if !st.linked() || !st.ephemeral() || st.subtree_processes() != 0 {
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
/// that kill's signal at birth (the fork raced the sweep); if the parent is
/// already dying of a fatal signal (a kill that ended while the fork ran),
/// the child gets SIGKILL.
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
    let pending = state.nr_pending.load(kernel::sync::atomic::Relaxed) != 0;
    if pkey == ckey && !pending {
        return;
    }
    // A fork in the root with nothing reserved: one lookup, no lock.
    if !pending && !state.is_member(pkey) {
        return;
    }
    let mut released = None;
    let mut signal = 0;
    let pid;
    {
        let mut inner = state.lock.lock();
        if pending {
            // Born: its reservation becomes the real thing (below, or, for
            // a thread, its count in nr_threads).
            released = pending::release(state, &mut inner, child as usize);
        }
        let member_ctx = if pkey == ckey { None } else { members::find(state, &inner, pkey) };
        let Some(ctx) = member_ctx else {
            drop(inner);
            drop(released);
            return;
        };
        // SAFETY: `parent` is valid, by the function's contract.
        let parent_dying = unsafe { task::fatal_signal_pending(parent) };
        if let Some(sig) = registry::kill_in_progress(&inner, &ctx) {
            signal = sig;
        } else if parent_dying {
            // A kill that has just ended signalled the parent after this
            // fork was admitted and after copy_process()'s own check for a
            // fatal signal, and its sweep could not see the child yet (not
            // a member until now). This lock section follows the sweep's
            // last one, so the parent's pending SIGKILL is visible here: the
            // child dies with its parent, as copy_process() intends.
            signal = kernel::bindings::SIGKILL;
        }
        // SAFETY: `child` is valid, by the function's contract. Taking a
        // pid reference is an atomic increment: fine under the lock.
        pid = unsafe { PidRef::tgid_of(child) };
        let member = Member::new(ctx.clone(), pid.clone_ref(), Usage::default());
        let inserted = ctx.st.access_mut(&mut inner).members.try_create_and_insert(ckey, member, GFP_ATOMIC).is_ok();
        let indexed = inserted && sync(state, &mut inner, ckey, Some(&ctx), &mut Spare::none()).is_ok();
        if indexed {
            state.nr_members.add(1, kernel::sync::atomic::Relaxed);
            account_join(&mut inner, &ctx, true);
            crate::virt::views::record_fork(&inner, &ctx, pid.nr());
        } else {
            if inserted {
                // Not findable by the hooks: not a member either.
                ctx.st.access_mut(&mut inner).members.remove(&ckey);
            }
            pr_warn!("vctx: out of memory tracking a fork: killing the child\n");
            signal = kernel::bindings::SIGKILL;
        }
    }
    drop(released);
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
/// `t` must be the current task, in the `sched_process_exit` tracepoint
/// (valid, and before `exit_mm()`).
pub(crate) unsafe fn on_exit(state: &State, t: *mut kernel::bindings::task_struct, group_dead: bool) {
    // SAFETY: valid task, by the function's contract.
    let key = unsafe { task::group_key(t) };
    // A process of the root: one lookup, no lock. `signal->live` was
    // dropped before this tracepoint (a full barrier), and `enter` checks
    // it again after publishing its entry: either this sees the entry or
    // `enter` sees the group dead and backs out.
    if !state.is_member(key) {
        return;
    }
    // SAFETY: as above.
    let io = unsafe { crate::kern::usage::task_io(t) };
    if !group_dead {
        let mut inner = state.lock.lock();
        if let Some(ctx) = members::find(state, &inner, key) {
            if let Some(m) = ctx.st.access_mut(&mut inner).members.get_mut(&key) {
                add_io(&mut m.dead_io, &io);
            }
        }
        return;
    }
    let hiwater = if group_dead {
        // SAFETY: by contract, we are in the exit tracepoint of `t`, which
        // runs before exit_mm().
        unsafe { crate::kern::usage::exit_hiwater_rss(t) }
    } else {
        0
    };
    let mut removed;
    let mut reaped = None;
    let mut released = crate::model::ns_set::Released::default();
    let emptied;
    let mut replaced = None;
    {
        let mut inner = state.lock.lock();
        let Some(ctx) = members::find(state, &inner, key) else { return };
        removed = match ctx.st.access_mut(&mut inner).members.remove(&key) {
            Some(m) => m,
            None => return,
        };
        state.nr_members.fetch_sub(1, kernel::sync::atomic::Relaxed);
        // Its zombie stays in the context until reaped (`on_reap`).
        match inner.exited.try_create_and_insert(key, removed.ctx.clone(), GFP_ATOMIC) {
            Ok(old) => {
                if old.is_none() {
                    state.nr_exited.add(1, kernel::sync::atomic::Relaxed);
                }
                replaced = old;
            }
            // Until reaped it looks like a host process to its context:
            // its parent cannot wait for it by pid.
            Err(_) => pr_warn!("vctx: out of memory keeping an exited process in its context\n"),
        }
        if sync(state, &mut inner, key, None, &mut Spare::none()).is_err() {
            // As if `exited` could not hold it: the tables and the index
            // agree that it is in no context.
            pr_warn!("vctx: out of memory keeping an exited process in its context\n");
            if let Some(old) = inner.exited.remove_node(&key) {
                state.nr_exited.fetch_sub(1, kernel::sync::atomic::Relaxed);
                replaced = Some(old);
            }
            let _ = sync(state, &mut inner, key, None, &mut Spare::none());
        }
        add_io(&mut removed.dead_io, &io);
        accounting::fold_out(&mut inner, &mut removed);
        accounting::note_process_peak(&mut inner, &removed.ctx, hiwater);
        emptied = account_leave(&mut inner, &removed.ctx, state::now_ns(), true);
        if emptied {
            reap_ephemeral(&mut inner, &removed.ctx, &mut reaped);
            crate::model::ns_set::release_emptied(&mut inner, &removed.ctx, &mut released);
        }
    }
    if emptied {
        state.emptied.notify_all();
    }
    drop(removed);
    drop(reaped);
    drop(released);
    drop(replaced);
}

/// The reap hook (`release_task`): a process whose group leader is
/// released is gone from every pid lookup; its zombie entry goes, before
/// its `signal_struct` (the key) can be freed and reused.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn on_reap(state: &State, t: *mut kernel::bindings::task_struct) {
    // SAFETY: valid task, by the function's contract. A thread released
    // before its group is reaped (or the old leader replaced by exec) is
    // not the leader.
    if !unsafe { task::is_leader(t) } {
        return;
    }
    // SAFETY: as above.
    let key = unsafe { task::group_key(t) };
    let gone = {
        let mut inner = state.lock.lock();
        let gone = inner.exited.remove_node(&key);
        if gone.is_some() {
            state.nr_exited.fetch_sub(1, kernel::sync::atomic::Relaxed);
            // Removing, or keeping a live member's entry: needs no memory.
            let live = members::find(state, &inner, key);
            let _ = sync(state, &mut inner, key, live.as_ref(), &mut Spare::none());
        }
        gone
    };
    drop(gone);
}

/// Adds one thread's I/O to a process's exited-threads total.
fn add_io(total: &mut crate::kern::usage::Io, io: &crate::kern::usage::Io) {
    for (t, v) in total.iter_mut().zip(io.iter()) {
        *t = t.saturating_add(*v);
    }
}

/// The fork-admission hook (`security_task_alloc`): may the calling
/// process create a task (`process`: a new process, else a thread)? Not
/// while a kill runs on its context's subtree, nor beyond a limit. A task
/// admitted under a limit is reserved until born (`model/pending.rs`).
///
/// `clone3(CLONE_INTO_CGROUP)` (`into_cgroup`) is refused to members
/// (`crate::cgroup::binding`).
///
/// Workers (io_uring, vhost) are created without the fork tracepoint, so
/// their reservation would be released only when they are freed, maybe
/// from a softirq: they are checked but not reserved (`reserve` false).
///
/// Without the lock unless a kill runs or a process or task limit is set
/// on the context or an ancestor (their lock-free copies,
/// `Live::admission_locked`): then there is nothing to check or reserve.
/// A kill whose mark this misses by a moment is no escape: the fork hook
/// checks the mark again under the lock and signals the child at birth, as
/// for a fork admitted just before the mark (`crate::policy::kill`).
pub(crate) fn admit_fork(state: &State, child: usize, process: bool, reserve: bool, into_cgroup: bool) -> Result {
    let key = task::current_key();
    // A process of the root: one lookup, no lock. A member with nothing to
    // check above it: one lookup and a read of each ancestor, no lock.
    let locked = state.with_entry(key, |e| {
        let f = e.filter(|f| !f.exited)?;
        Some(into_cgroup || f.ctx.ancestors_and_self().any(|c| c.live.admission_locked()))
    });
    match locked {
        None | Some(false) => return Ok(()),
        Some(true) => {}
    }
    let mut inner = state.lock.lock();
    let Some(ctx) = members::find(state, &inner, key) else {
        return Ok(());
    };
    if into_cgroup {
        return Err(EPERM);
    }
    if registry::kill_in_progress(&inner, &ctx).is_some() {
        return Err(EAGAIN);
    }
    if limits::admit_task(&mut inner, &ctx, process, &Who::current)? && reserve {
        pending::reserve(state, &mut inner, child, &ctx, process)?;
    }
    Ok(())
}

/// The exec hook (`sched_process_exec`): counts a successful execve of a
/// member process in its context and every ancestor. Takes no lock: the
/// context is the one the index names (under RCU), and the counts are
/// atomics beside its immutable parent chain
/// (`crate::model::counters::bump_unlocked`). An exec racing an enter of
/// the same process counts in the context it was in a moment before or
/// after, both true.
pub(crate) fn on_exec(state: &State) {
    state.with_entry(task::current_key(), |e| {
        if let Some(f) = e.filter(|f| !f.exited) {
            crate::model::counters::bump_unlocked(f.ctx, |u| &u.execs);
        }
    });
}

/// `VCTX_IOC_ENTER`: moves the process of `target` into `to`, which must be
/// its current context or below it. `view` is the caller's context (the
/// target must be inside it: ESRCH otherwise, as if it did not exist).
pub(crate) fn enter(state: &State, view: &Arc<Context>, to: &Arc<Context>, target: &TaskRef) -> Result {
    let key = target.key();
    let slot = RBTreeNodeReservation::new(GFP_KERNEL)?;
    let mut spare = Spare::new()?;
    let pid = target.tgid();
    let old;
    {
        let mut inner = state.lock.lock();
        let from = members::context_of(state, &inner, key)?;
        if !from.is_within(view) {
            return Err(ESRCH);
        }
        if !to.is_within(&from) {
            return Err(EPERM);
        }
        if !to.st.access(&inner).linked() {
            return Err(ENOENT);
        }
        if registry::kill_in_progress(&inner, to).is_some() {
            return Err(EAGAIN);
        }
        if from.id != to.id {
            // SAFETY: `target` holds a reference to a valid task.
            unsafe { crate::cgroup::binding::check_enter(&inner, to, target.as_ptr()) }?;
        }
        // Checked under the lock: the exit hook removes a member under it
        // too, so a group that is alive here gets its exit seen later.
        if !target.group_alive() {
            return Err(ESRCH);
        }
        if from.id == to.id {
            return Ok(());
        }
        let threads = Raw::threads_of(&pid).unwrap_or(1);
        let who = || {
            // SAFETY: `target` holds a reference to a valid task.
            unsafe { Who::of(target.as_ptr()) }
        };
        limits::admit_move(&mut inner, &from, to, threads, &who)?;
        let now = state::now_ns();
        // What it used before is its old context's: fold it there, and
        // count from here on in the new one.
        // The root's map is empty: a process of the root has no member yet.
        let mut member = from.st.access_mut(&mut inner).members.remove(&key);
        old = match &mut member {
            Some(m) => {
                let used = accounting::fold_out(&mut inner, m);
                m.base = used;
                Some(core::mem::replace(&mut m.ctx, to.clone()))
            }
            None => None,
        };
        let member = match member {
            Some(m) => m,
            None => {
                let mut prev = Usage::default();
                let base = Raw::of(&pid).map(|r| Usage::from_raw(&r, &mut prev)).unwrap_or_default();
                state.nr_members.add(1, kernel::sync::atomic::Relaxed);
                Member::new(to.clone(), pid, base)
            }
        };
        to.st.access_mut(&mut inner).members.insert(slot.into_node(key, member));
        // With a spare entry: cannot fail.
        sync(state, &mut inner, key, Some(to), &mut spare)?;
        if old.is_none() {
            // It was in the root: the exit hook looks it up without the
            // lock, after the group's last thread dropped `signal->live`.
            // Publish, then look at `live` again (full barrier between):
            // either the hook sees the entry, or this sees the group dead.
            // SAFETY: no preconditions.
            unsafe { vctx_smp_mb() };
            if !target.group_alive() {
                to.st.access_mut(&mut inner).members.remove(&key);
                state.nr_members.fetch_sub(1, kernel::sync::atomic::Relaxed);
                let _ = sync(state, &mut inner, key, None, &mut Spare::none());
                return Err(ESRCH);
            }
        }
        if let Some(o) = &old {
            if account_leave(&mut inner, o, now, false) {
                state.emptied.notify_all();
            }
        }
        account_join(&mut inner, to, false);
    }
    drop(old);
    Ok(())
}

#[kunit_tests(vctx_lifecycle)]
mod tests {
    use super::*;
    use crate::abi::name::split;
    use crate::abi::uapi::VCTX_CREATE_PARENTS;
    use crate::model::counters::{NONE, NPROC, RES};
    use crate::model::registry::create;
    use kernel::rbtree::RBTreeNode;

    /// Sets `ctx`'s nproc limit to `n`.
    fn nproc(st: &State, ctx: &Context, n: u64) -> Result {
        let mut v = [NONE; RES];
        v[NPROC] = n;
        limits::set(&mut st.lock.lock(), ctx, 1 << NPROC, &v, false)
    }

    #[test]
    fn admission_sees_an_ancestor_s_kill_and_limit_through_the_lock_free_copies() -> Result {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        let top = create(&st, &root, &split(b"/t")?, 0, 0)?;
        let leaf = create(&st, &root, &split(b"/t/u/v")?, VCTX_CREATE_PARENTS, 0)?;
        // The test thread, a member of /t/u/v in this state's map and index
        // (not the module's: no hook sees it).
        let key = task::current_key();
        // SAFETY: the current task is valid.
        let pid = unsafe { PidRef::tgid_of(task::current()) };
        let node = RBTreeNode::new(key, Member::new(leaf.clone(), pid, Usage::default()), GFP_KERNEL)?;
        // Allocated before the lock: GFP_KERNEL may sleep (the debug
        // kernel's DEBUG_ATOMIC_SLEEP said so when it was made under it).
        let mut spare = Spare::new()?;
        {
            let mut inner = st.lock.lock();
            leaf.st.access_mut(&mut inner).members.insert(node);
            st.index.set(&mut inner, key, Some((&leaf, false)), &mut spare)?;
        }
        let admit = |process| admit_fork(&st, 0x1000, process, false, false);
        // Nothing above: admitted, the lock-free way.
        assert!(!top.live.admission_locked());
        assert_eq!(admit(true), Ok(()));
        // A kill on an ancestor: EAGAIN for processes and threads; over.
        top.begin_kill(&mut st.lock.lock(), kernel::bindings::SIGTERM);
        assert!(top.live.admission_locked());
        assert_eq!(admit(true), Err(EAGAIN));
        assert_eq!(admit(false), Err(EAGAIN));
        top.end_kill(&mut st.lock.lock());
        assert!(!top.live.admission_locked());
        assert_eq!(admit(true), Ok(()));
        // An nproc limit of 0 on an ancestor: processes refused, threads
        // not; a failure counted there.
        nproc(&st, &top, 0)?;
        assert!(top.live.admission_locked());
        assert_eq!(admit(true), Err(EAGAIN));
        assert_eq!(admit(false), Ok(()));
        assert_eq!(top.st.access(&st.lock.lock()).acct.limits[NPROC].failures, 1);
        // Lifted ("max"): the lock-free way again.
        nproc(&st, &top, NONE)?;
        assert!(!top.live.admission_locked());
        assert_eq!(admit(true), Ok(()));
        // clone3(CLONE_INTO_CGROUP) is refused to a member either way.
        assert_eq!(admit_fork(&st, 0x1000, true, false, true), Err(EPERM));
        // Out of the index again before the state goes.
        let _ = st.index.set(&mut st.lock.lock(), key, None, &mut Spare::none());
        Ok(())
    }
}
