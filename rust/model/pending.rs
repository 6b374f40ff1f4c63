// SPDX-License-Identifier: GPL-2.0

//! Admitted tasks not yet born: reservations against the limits.
//!
//! A fork is admitted in `security_task_alloc()` but the new process joins
//! its context only at the `sched_process_fork` tracepoint, at the end of
//! `copy_process()`. Without a reservation, forks admitted at the same
//! moment would each see the same held count and could together pass a
//! limit. So an admitted task in a limited subtree is reserved, keyed by
//! its `task_struct`, and counted by the limit checks until it is born
//! (fork tracepoint) or freed because `copy_process()` failed later on
//! (`security_task_free()`, hooked: `hooks/task_free.rs`).

use kernel::{prelude::*, rbtree::RBTree, sync::Arc};

use crate::model::context::Context;
use crate::model::state::{Inner, State};

/// One reservation: the context whose subtree the task will add to.
pub(crate) struct Pending {
    ctx: Arc<Context>,
    process: bool,
}

/// Reservations by task address.
pub(crate) type Table = RBTree<usize, Pending>;

/// Adds `(procs, tasks)` reserved (or, negative, released) to `ctx` and
/// its ancestors.
fn count(inner: &mut Inner, ctx: &Context, process: bool, add: bool) {
    for c in ctx.ancestors_and_self() {
        let a = &mut c.st.access_mut(inner).acct;
        if add {
            a.pending_procs += u64::from(process);
            a.pending_tasks += 1;
        } else {
            a.pending_procs = a.pending_procs.saturating_sub(u64::from(process));
            a.pending_tasks = a.pending_tasks.saturating_sub(1);
        }
    }
}

/// Reserves room for `task`, admitted in `ctx`. ENOMEM if the entry cannot
/// be allocated (atomic context): the fork fails rather than escape the
/// limit.
pub(crate) fn reserve(state: &State, inner: &mut Inner, task: usize, ctx: &Arc<Context>, process: bool) -> Result {
    let p = Pending { ctx: ctx.clone(), process };
    inner.pending.try_create_and_insert(task, p, GFP_ATOMIC).map_err(|_| ENOMEM)?;
    state.nr_pending.add(1, kernel::sync::atomic::Relaxed);
    count(inner, ctx, process, true);
    Ok(())
}

/// Releases the reservation of `task`, if it has one (born or failed).
/// The entry is returned to be dropped after the lock.
pub(crate) fn release(state: &State, inner: &mut Inner, task: usize) -> Option<Pending> {
    let p = inner.pending.remove(&task)?;
    state.nr_pending.fetch_sub(1, kernel::sync::atomic::Relaxed);
    count(inner, &p.ctx, p.process, false);
    Some(p)
}

/// The `security_task_free` hook: a task admitted but never born.
pub(crate) fn on_task_free(state: &State, task: usize) {
    let released = {
        let mut inner = state.lock.lock();
        release(state, &mut inner, task)
    };
    drop(released);
}
