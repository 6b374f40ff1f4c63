// SPDX-License-Identifier: GPL-2.0

//! Limits, beancounter style: held, peak, limit, failures.
//!
//! `nproc` and `nthreads` are enforced where processes and tasks are
//! created (the fork-admission hook) and where processes move in (enter):
//! an operation that would take the held value of the context or of any
//! ancestor above its limit fails with EAGAIN, counts a failure on the
//! context whose limit it was, and emits an event. Nothing is ever killed.
//! `rss` is soft: an upward crossing, seen by a reading or the sampler,
//! counts a failure and emits an event.
//!
//! Peaks are kept per context and, for readers that took a checkpoint
//! (`VCTX_IOC_CHECKPOINT`), per reader in a [`Window`] on the context, so
//! one reader's window never resets another's.

use kernel::{prelude::*, sync::Arc};

use crate::kern::usage::Raw;
use crate::model::context::Context;
use crate::model::counters::{self, Window, NONE, NPROC, NTHREADS, RES, RSS};
use crate::model::events::{self, Who};
use crate::model::state::Inner;

/// Records held values `held` (by `VCTX_RES_*`) of `ctx`: peaks, windows,
/// and the soft rss limit's upward crossings (`who` is blamed, if known).
pub(crate) fn observe(inner: &mut Inner, ctx: &Arc<Context>, held: &[u64; RES], who: Option<&Who>) {
    let a = &mut ctx.st.access_mut(inner).acct;
    for (r, &h) in held.iter().enumerate() {
        a.limits[r].peak = a.limits[r].peak.max(h);
    }
    for w in a.windows.iter_mut() {
        for (r, &h) in held.iter().enumerate() {
            w.peak[r] = w.peak[r].max(h);
        }
    }
    let l = &mut a.limits[RSS];
    if l.limit == NONE || held[RSS] <= l.limit {
        l.over = false;
        return;
    }
    if l.over {
        return;
    }
    l.over = true;
    let limit = l.limit;
    note_failure(inner, ctx, ctx, RSS, limit, held[RSS], who);
}

/// Records that `ctx` now holds `n` processes (a peak candidate).
pub(crate) fn observe_nproc(inner: &mut Inner, ctx: &Context, n: u64) {
    let a = &mut ctx.st.access_mut(inner).acct;
    a.limits[NPROC].peak = a.limits[NPROC].peak.max(n);
    for w in a.windows.iter_mut() {
        w.peak[NPROC] = w.peak[NPROC].max(n);
    }
}

/// Counts a failure of `res` on `ctx` and emits its event; `origin` is the
/// context of the process that hit it.
fn note_failure(
    inner: &mut Inner,
    ctx: &Arc<Context>,
    origin: &Context,
    res: usize,
    limit: u64,
    attempted: u64,
    who: Option<&Who>,
) {
    ctx.st.access_mut(inner).acct.limits[res].failures += 1;
    counters::bump(inner, ctx, |a| &mut a.hits);
    events::emit(inner, ctx, origin.id, res as u32, limit, attempted, who);
}

/// May a task be created by a process of `ctx` (`process`: a new process,
/// else a thread)? EAGAIN, with a failure counted, if not. `who` names the
/// task to blame, called only on a failure (admission is on the fork path).
/// Returns whether a limit applies (the task needs a reservation).
pub(crate) fn admit_task(inner: &mut Inner, ctx: &Arc<Context>, process: bool, who: &dyn Fn() -> Who) -> Result<bool> {
    grow(inner, ctx, None, u64::from(process), 1, who)
}

/// May a process with `threads` tasks move from `from` down into `to`?
pub(crate) fn admit_move(
    inner: &mut Inner,
    from: &Context,
    to: &Arc<Context>,
    threads: u64,
    who: &dyn Fn() -> Who,
) -> Result {
    grow(inner, to, Some(from), 1, threads, who).map(|_| ())
}

/// Checks that `ctx` and its ancestors (up to, not including, `upto`) can
/// take `procs` more processes and `tasks` more tasks, counting admitted
/// tasks not yet born. Returns whether any limit applied.
fn grow(
    inner: &mut Inner,
    ctx: &Arc<Context>,
    upto: Option<&Context>,
    procs: u64,
    tasks: u64,
    who: &dyn Fn() -> Who,
) -> Result<bool> {
    let mut limited = false;
    let mut cur = Some(ctx);
    while let Some(c) = cur {
        if upto.is_some_and(|u| u.id == c.id) {
            break;
        }
        let st = c.st.access(inner);
        let (nproc, nthreads) = (st.acct.limits[NPROC].limit, st.acct.limits[NTHREADS].limit);
        let (pprocs, ptasks) = (st.acct.pending_procs, st.acct.pending_tasks);
        limited |= nproc != NONE || nthreads != NONE;
        if procs > 0 && nproc != NONE {
            let want = u64::from(st.subtree_processes()) + pprocs + procs;
            if want > nproc {
                note_failure(inner, c, ctx, NPROC, nproc, want, Some(&who()));
                return Err(EAGAIN);
            }
        }
        if nthreads != NONE {
            let want = subtree_threads(inner, c) + ptasks + tasks;
            if want > nthreads {
                note_failure(inner, c, ctx, NTHREADS, nthreads, want, Some(&who()));
                return Err(EAGAIN);
            }
        }
        cur = c.parent.as_ref();
    }
    Ok(limited)
}

/// Sets the limits in `mask` of `ctx` to `values`. `inside_sealed`: the
/// caller may not loosen `ctx` (`seal::check_may_loosen`), so raising is
/// EPERM; lowering is always allowed.
pub(crate) fn set(inner: &mut Inner, ctx: &Context, mask: u32, values: &[u64; RES], inside_sealed: bool) -> Result {
    let a = &mut ctx.st.access_mut(inner).acct;
    for (r, &v) in values.iter().enumerate() {
        if mask & (1 << r) != 0 && inside_sealed && v > a.limits[r].limit {
            return Err(EPERM);
        }
    }
    for (r, &v) in values.iter().enumerate() {
        if mask & (1 << r) != 0 {
            a.limits[r].limit = v;
            a.limits[r].over = false;
        }
    }
    let limited = a.limits[NPROC].limit != NONE || a.limits[NTHREADS].limit != NONE;
    ctx.set_task_limited(inner, limited);
    Ok(())
}

/// Starts (or restarts) `reader`'s window on `ctx`, from the held values
/// `held`. Returns true if the window is new (the reader must remember
/// `ctx` to remove it when it closes). The small allocation is atomic: a
/// window is a few words, and the lock is a spinlock.
pub(crate) fn checkpoint(inner: &mut Inner, ctx: &Context, reader: usize, held: [u64; RES]) -> Result<bool> {
    let a = &mut ctx.st.access_mut(inner).acct;
    if let Some(w) = a.windows.iter_mut().find(|w| w.reader == reader) {
        w.peak = held;
        return Ok(false);
    }
    a.windows.push(Window { reader, peak: held }, GFP_ATOMIC)?;
    Ok(true)
}

/// `reader`'s window peaks on `ctx`, if it has one.
pub(crate) fn window(inner: &Inner, ctx: &Context, reader: usize) -> Option<[u64; RES]> {
    ctx.st.access(inner).acct.windows.iter().find(|w| w.reader == reader).map(|w| w.peak)
}

/// Removes `reader`'s window from `ctx`.
pub(crate) fn drop_window(inner: &mut Inner, ctx: &Context, reader: usize) {
    ctx.st.access_mut(inner).acct.windows.retain(|w| w.reader != reader);
}

/// Threads of the members in `ctx`'s subtree now (for the nthreads limit).
pub(crate) fn subtree_threads(inner: &Inner, ctx: &Context) -> u64 {
    let mut n = 0;
    crate::model::members::each(inner, ctx, |_, m| n += Raw::threads_of(&m.pid).unwrap_or(0));
    n
}
