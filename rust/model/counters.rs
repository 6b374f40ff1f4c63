// SPDX-License-Identifier: GPL-2.0

//! A context's accounting data, under the state lock: counters kept for
//! the context and its subtree, the limits by `VCTX_RES_*`, and readers'
//! peak windows. What they mean and how they change is `crate::acct`.

use kernel::{
    prelude::*,
    sync::atomic::{Atomic, Relaxed},
};

use crate::abi::uapi::{VCTX_RES_COUNT, VCTX_RES_NPROC, VCTX_RES_NTHREADS, VCTX_RES_RSS};
use crate::kern::usage::Usage;
use crate::model::context::Context;
use crate::model::state::Inner;

/// Resources with a limit (`VCTX_RES_COUNT`).
pub(crate) const RES: usize = VCTX_RES_COUNT as usize;

/// Index helpers for the limit array.
pub(crate) const NPROC: usize = VCTX_RES_NPROC as usize;
pub(crate) const NTHREADS: usize = VCTX_RES_NTHREADS as usize;
pub(crate) const RSS: usize = VCTX_RES_RSS as usize;

/// "max": no limit.
pub(crate) const NONE: u64 = u64::MAX;

/// A count kept for a context alone and for its whole subtree.
#[derive(Default, Clone, Copy)]
pub(crate) struct Pair {
    pub(crate) own: u64,
    pub(crate) sub: u64,
}

/// The accounting state of one context (under the state lock).
pub(crate) struct Acct {
    /// Use by processes that have left this context.
    pub(crate) dead_own: Usage,
    /// Use by processes that have left this context or a descendant
    /// (descendants that were destroyed included).
    pub(crate) dead_sub: Usage,
    pub(crate) forks: Pair,
    pub(crate) exits: Pair,
    /// Limit failures counted on this context (own) and in its subtree.
    pub(crate) hits: Pair,
    /// Highest RSS seen, bytes.
    pub(crate) rss_peak: Pair,
    /// The limits of this context, by `VCTX_RES_*`.
    pub(crate) limits: [Limit; RES],
    /// Readers' peak windows on this context.
    pub(crate) windows: KVec<Window>,
    /// Admitted processes and tasks of the subtree not yet born (`model/pending.rs`).
    pub(crate) pending_procs: u64,
    pub(crate) pending_tasks: u64,
}

impl Acct {
    /// Zero counters, no limits, no windows.
    pub(crate) fn new() -> Self {
        Self {
            dead_own: Usage::default(),
            dead_sub: Usage::default(),
            forks: Pair::default(),
            exits: Pair::default(),
            hits: Pair::default(),
            rss_peak: Pair::default(),
            limits: [Limit::new(), Limit::new(), Limit::new()],
            windows: KVec::new(),
            pending_procs: 0,
            pending_tasks: 0,
        }
    }
}

/// One limit of a context.
pub(crate) struct Limit {
    pub(crate) limit: u64,
    pub(crate) peak: u64,
    pub(crate) failures: u64,
    /// rss only: above the limit at the last observation.
    pub(crate) over: bool,
}

impl Limit {
    /// No limit, nothing seen yet.
    pub(crate) const fn new() -> Self {
        Self { limit: NONE, peak: 0, failures: 0, over: false }
    }
}

/// A reader's peak window on one context.
pub(crate) struct Window {
    /// The reader (its address; unique while it is open).
    pub(crate) reader: usize,
    pub(crate) peak: [u64; RES],
}

/// Adds one to `pick(acct)` of `ctx` (own) and of it and its ancestors (sub).
pub(crate) fn bump(inner: &mut Inner, ctx: &Context, pick: fn(&mut Acct) -> &mut Pair) {
    pick(&mut ctx.st.access_mut(inner).acct).own += 1;
    for c in ctx.ancestors_and_self() {
        pick(&mut c.st.access_mut(inner).acct).sub += 1;
    }
}

/// A [`Pair`] changed without the state lock: a count that no invariant
/// ties to the locked tables, bumped by a hook that takes no lock
/// (`Context::unlocked`). Relaxed: a count, read by a reading as it is.
pub(crate) struct AtomicPair {
    own: Atomic<u64>,
    sub: Atomic<u64>,
}

impl AtomicPair {
    /// Zero.
    pub(crate) const fn new() -> Self {
        Self { own: Atomic::new(0), sub: Atomic::new(0) }
    }

    /// The counts now.
    pub(crate) fn get(&self) -> Pair {
        Pair { own: self.own.load(Relaxed), sub: self.sub.load(Relaxed) }
    }
}

/// The counters of a context kept outside the state lock (in the
/// [`Context`] itself, beside its immutable identity), so that the hooks
/// that bump them take no lock.
pub(crate) struct Unlocked {
    /// Successful execve() calls by its member processes (own) and its
    /// subtree's (sub).
    pub(crate) execs: AtomicPair,
}

impl Unlocked {
    /// Zero counts.
    pub(crate) const fn new() -> Self {
        Self { execs: AtomicPair::new() }
    }
}

/// Adds one to `pick` of `ctx` (own) and of it and its ancestors (sub),
/// without the lock: the ancestors are `ctx`'s immutable parent chain,
/// kept alive by `ctx` (which the caller holds, e.g. under RCU from the
/// index). One atomic add per level, as the pids cgroup charges its chain.
pub(crate) fn bump_unlocked(ctx: &Context, pick: fn(&Unlocked) -> &AtomicPair) {
    pick(&ctx.unlocked).own.add(1, Relaxed);
    for c in ctx.ancestors_and_self() {
        pick(&c.unlocked).sub.add(1, Relaxed);
    }
}
