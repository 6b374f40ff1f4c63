// SPDX-License-Identifier: GPL-2.0

//! Isolation policy: what a process may see in `/proc`, signal and trace.
//!
//! A process in context C sees, signals and traces exactly the processes of
//! C's subtree (and itself); everything else behaves as if it did not
//! exist. Processes of the root (the host) see everything. A *spectator*
//! context (`VCTX_CTX_SPECTATOR`) sees every process in `/proc` but still
//! cannot signal or trace outside its subtree.
//!
//! Pure policy over the state; the hooks in `hooks/proc.rs`,
//! `hooks/signal.rs` and `hooks/ptrace.rs` decide with it.

use kernel::bindings;

use crate::state::State;
use crate::task;
use crate::uapi::VCTX_CTX_SPECTATOR;

/// What the question is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Seeing it in `/proc` (readdir, lookup, stat, open).
    See,
    /// Signalling or tracing it.
    Touch,
}

/// Whether the calling process may `access` task `t`.
///
/// Runs in atomic context (ftrace callbacks): takes only the state lock.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn allowed(st: &State, t: *mut bindings::task_struct, access: Access) -> bool {
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return true;
    }
    // Outside task context (a USB completion calling security_task_kill())
    // `current` is whoever was interrupted, and the state lock must not be
    // taken: no caller to filter. The /proc hooks (See) always run in a
    // task, so the per-pid readdir path skips the check.
    if access == Access::Touch && !task::in_task() {
        return true;
    }
    let me = task::current_key();
    // SAFETY: valid task, by the function's contract.
    let them = unsafe { task::group_key(t) };
    if me == them {
        return true;
    }
    let inner = st.lock.lock();
    let Some(mine) = inner.members.get(&me) else {
        // The root sees and touches everything.
        return true;
    };
    if access == Access::See && mine.ctx.st.access(&inner).flags & VCTX_CTX_SPECTATOR != 0 {
        return true;
    }
    match inner.members.get(&them) {
        Some(theirs) => theirs.ctx.is_within(&mine.ctx),
        // In the root, and the caller is not.
        None => false,
    }
}
