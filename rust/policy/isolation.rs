// SPDX-License-Identifier: GPL-2.0

//! Isolation policy: what a process may see in `/proc`, signal, trace and
//! name in a syscall.
//!
//! A process in context C sees, signals, traces and names exactly the
//! processes of C's subtree (and itself); everything else behaves as if it
//! did not exist (`Documentation/barriers.rst`). A member that has exited
//! stays in its context until reaped. Processes of the root (the host) see everything. A *spectator*
//! context (`VCTX_CTX_SPECTATOR`) sees every process in `/proc` but still
//! cannot signal or trace outside its subtree.
//!
//! Pure policy over the state; the hooks in `hooks/proc.rs`,
//! `hooks/signal.rs`, `hooks/lookup.rs` and `hooks/prio.rs` decide with it.

use kernel::{
    bindings,
    sync::{atomic::Relaxed, rcu},
};

use crate::abi::uapi::VCTX_CTX_SPECTATOR;
use crate::kern::task;
use crate::model::context::Context;
use crate::model::state::State;

/// What the question is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Seeing it in `/proc` (readdir, lookup, stat, open).
    See,
    /// Signalling or tracing it, or naming it in any syscall (its number
    /// found by a lookup, its priority or I/O priority changed).
    Touch,
}

/// The calling process's context if its `access` to other processes is
/// filtered; `None` if it reaches everything: no context has members,
/// outside task context for `Touch` (a USB completion calling
/// `security_task_kill()`: `current` is whoever was interrupted, no caller
/// to filter), a caller in the root or whose process has exited (as before
/// the index, only live members are filtered), or `See` by a spectator.
///
/// Takes no lock: one lookup in the index, under `guard`.
pub(crate) fn restricted_caller<'a>(
    st: &'a State,
    guard: &'a rcu::Guard,
    access: Access,
) -> Option<&'a Context> {
    if st.nr_members.load(Relaxed) == 0 {
        return None;
    }
    // The /proc hooks (See) always run in a task.
    if access == Access::Touch && !task::in_task() {
        return None;
    }
    let mine = match st.index.lookup(guard, task::current_key()) {
        Some(f) if !f.exited => f.ctx,
        _ => return None,
    };
    if access == Access::See && mine.live.flags() & VCTX_CTX_SPECTATOR != 0 {
        return None;
    }
    Some(mine)
}

/// Whether the calling process may `access` every process
/// ([`restricted_caller`] is `None`): then a hook need not find the target
/// at all. One lookup in the index, no lock, nothing written.
pub(crate) fn unrestricted(st: &State, access: Access) -> bool {
    if st.nr_members.load(Relaxed) == 0 {
        return true;
    }
    let guard = rcu::read_lock();
    restricted_caller(st, &guard, access).is_none()
}

/// Whether the calling process may `access` task `t`.
///
/// Runs in atomic context (ftrace callbacks): takes no lock (at most two
/// lookups in the index, one for a caller in the root).
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn allowed(st: &State, t: *mut bindings::task_struct, access: Access) -> bool {
    if st.nr_members.load(Relaxed) == 0 {
        return true;
    }
    // SAFETY: valid task, by the function's contract.
    if task::current_key() == unsafe { task::group_key(t) } {
        return true;
    }
    // No lock: the index, under RCU (`crate::model::index`).
    let guard = rcu::read_lock();
    let Some(mine) = restricted_caller(st, &guard, access) else {
        return true;
    };
    // SAFETY: valid task, by the function's contract.
    unsafe { reaches(st, &guard, mine, t) }
}

/// Whether a process in context `mine` (a [`restricted_caller`]) may reach
/// task `t`: `t`'s process is in `mine`'s subtree. One lookup in the index.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn reaches(st: &State, guard: &rcu::Guard, mine: &Context, t: *mut bindings::task_struct) -> bool {
    // SAFETY: valid task, by the function's contract.
    let theirs = match st.index.lookup(guard, unsafe { task::group_key(t) }) {
        Some(f) if !f.exited => f.ctx,
        // An exited, unreaped member (a zombie) is still in its
        // context. A live process under an old key is a reused
        // `signal_struct` whose reap was missed: not in it.
        // SAFETY: valid task, by the function's contract.
        Some(f) if !unsafe { task::group_alive(t) } => f.ctx,
        // In the root, and the caller is not.
        _ => return false,
    };
    theirs.is_within(mine)
}

/// Whether the calling process sees every process in `/proc`: it is in
/// the root (or has exited), or its context is a spectator. Otherwise a
/// readdir of `/proc` asks [`allowed`] per pid.
///
/// Runs in atomic context (ftrace callbacks): takes no lock (one lookup in
/// the index).
pub(crate) fn sees_all_pids(st: &State) -> bool {
    unrestricted(st, Access::See)
}

/// Whether the calling process is in a context (not the host). Members may
/// not change machine-wide state that only file permissions guard
/// (`/proc/sys` outside their namespaces, sysrq, the kernel log).
///
/// Runs in atomic context (ftrace callbacks): takes no lock (one lookup in
/// the index), and answers false outside task context (no caller there).
pub(crate) fn caller_is_member(st: &State) -> bool {
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 || !task::in_task() {
        return false;
    }
    st.is_member(task::current_key())
}

/// `setpriority(PRIO_PGRP/PRIO_USER)` is about to renice `t`, outside the
/// caller's subtree: the loop's permission hook (`security_task_setnice`)
/// lets it go on as for any process, and the `set_user_nice(t)` that
/// follows at once in the same task is skipped ([`take_nice_skip`]), so
/// `t` is left alone and the call's answer is what the caller's own
/// processes make it. False (the hook then answers ESRCH) if every slot is
/// taken.
///
/// Runs in atomic context: takes only the state lock.
pub(crate) fn defer_nice_skip(st: &State, t: *mut bindings::task_struct) -> bool {
    let pair = (task::current() as usize, t as usize);
    let mut inner = st.lock.lock();
    let Some(slot) = inner.nice_skips.iter_mut().find(|s| s.0 == 0) else {
        return false;
    };
    *slot = pair;
    st.nr_nice_skips.add(1, kernel::sync::atomic::Relaxed);
    true
}

/// Whether the caller's `set_user_nice(t)` is one [`defer_nice_skip`]
/// recorded (consumed: true once per record).
pub(crate) fn take_nice_skip(st: &State, t: *mut bindings::task_struct) -> bool {
    if st.nr_nice_skips.load(kernel::sync::atomic::Relaxed) == 0 || !task::in_task() {
        return false;
    }
    let pair = (task::current() as usize, t as usize);
    let mut inner = st.lock.lock();
    let Some(slot) = inner.nice_skips.iter_mut().find(|s| **s == pair) else {
        return false;
    };
    *slot = (0, 0);
    st.nr_nice_skips.fetch_sub(1, kernel::sync::atomic::Relaxed);
    true
}

/// For the shim's `getpriority(2)`: whether the caller may name task `t`.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
#[no_mangle]
unsafe extern "C" fn vctx_may_name(t: *mut bindings::task_struct) -> bool {
    let Some(st) = crate::model::state::get() else { return true };
    // SAFETY: valid task, by the function's contract.
    unsafe { allowed(st, t, Access::Touch) }
}
