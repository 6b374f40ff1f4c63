// SPDX-License-Identifier: GPL-2.0

//! Recursive kill with grace and escalation.
//!
//! While a kill runs, its context's subtree admits no new members: forks
//! by members fail with EAGAIN (the fork-admission hook) and enter fails.
//! A fork that passed admission just before the kill began is caught by the
//! fork hook, which sends the kill's signal to the child at birth, or
//! SIGKILL if the kill has ended by then and the parent is dying of it
//! (the parent was signalled after copy_process() checked for a fatal
//! signal). Sweeps repeat until one finds no member it has not signalled
//! yet.

use kernel::{prelude::*, sync::Arc, time::msecs_to_jiffies};

use crate::kern::task::PidRef;
use crate::model::context::Context;
use crate::model::members;
use crate::model::state::State;
use crate::policy::wait;

/// Marks a kill in progress on a context; unmarks it when dropped.
struct KillGuard<'a> {
    state: &'a State,
    ctx: &'a Arc<Context>,
}

impl<'a> KillGuard<'a> {
    fn new(state: &'a State, ctx: &'a Arc<Context>, sig: u32) -> Self {
        let mut inner = state.lock.lock();
        ctx.begin_kill(&mut inner, sig);
        Self { state, ctx }
    }

    fn escalate(&self, sig: u32) {
        let mut inner = self.state.lock.lock();
        self.ctx.st.access_mut(&mut inner).escalate_kill(sig);
    }
}

impl Drop for KillGuard<'_> {
    fn drop(&mut self) {
        let mut inner = self.state.lock.lock();
        self.ctx.end_kill(&mut inner);
    }
}

/// Signals every member process of `ctx`'s subtree once, repeating until
/// no unsignalled member is left. Returns how many were signalled.
fn sweep(state: &State, ctx: &Context, sig: u32) -> Result<u32> {
    let mut done: KVec<PidRef> = KVec::new();
    let mut signalled = 0u32;
    // Bounded: each round signals at least one new process, and the
    // subtree admits none while the kill runs (a few may be mid-fork).
    for _round in 0..10_000 {
        let want = {
            let inner = state.lock.lock();
            ctx.st.access(&inner).subtree_processes() as usize
        };
        let mut batch = KVec::with_capacity(want + 8, GFP_KERNEL)?;
        let missed = {
            let inner = state.lock.lock();
            members::collect(&inner, ctx, &done, &mut batch)
        };
        if batch.is_empty() && missed == 0 {
            break;
        }
        done.reserve(batch.len(), GFP_KERNEL)?;
        for pid in batch.drain_all() {
            if pid.signal(sig) {
                signalled += 1;
            }
            // Cannot fail: reserved above.
            let _ = done.push_within_capacity(pid);
        }
    }
    Ok(signalled)
}

/// `VCTX_IOC_KILL`: sends `sig` to the subtree; with `then`, waits up to
/// `grace_ms` for it to empty and sends `then` to what is left. Returns
/// (signalled, escalated).
pub(crate) fn kill(
    state: &State,
    ctx: &Arc<Context>,
    sig: u32,
    then: u32,
    grace_ms: u64,
) -> Result<(u32, u32)> {
    let guard = KillGuard::new(state, ctx, sig);
    let signalled = sweep(state, ctx, sig)?;
    let mut escalated = 0;
    if then != 0 {
        let jiffies = msecs_to_jiffies(grace_ms.min(u64::from(u32::MAX)) as u32);
        if !wait::until_empty(state, ctx, Some(jiffies))? {
            guard.escalate(then);
            escalated = sweep(state, ctx, then)?;
        }
    }
    drop(guard);
    Ok((signalled, escalated))
}
