// SPDX-License-Identifier: GPL-2.0

//! `VCTX_IOC_STAT` and `VCTX_IOC_SNAPSHOT` answers: the figures of one
//! context, or of every context of a subtree, each taken under one hold of
//! the state lock.

use kernel::{alloc::KVVec, prelude::*, sync::Arc};

use crate::abi::uapi::{vctx_counters, vctx_limit, vctx_snap_entry, VCTX_RES_COUNT};
use crate::acct::accounting;
use crate::acct::limits;
use crate::kern::task;
use crate::kern::usage::{Raw, Usage};
use crate::model::context::Context;
use crate::model::counters::{NPROC, NTHREADS, RSS};
use crate::model::state::{Inner, State};

const RES: usize = VCTX_RES_COUNT as usize;

/// The limits of `ctx` as the ABI reports them, given the held values;
/// `window` replaces the peaks (a reader's checkpoint).
pub(crate) fn limits_of(inner: &Inner, ctx: &Context, held: [u64; RES], window: Option<[u64; RES]>) -> [vctx_limit; RES] {
    let a = &ctx.st.access(inner).acct;
    core::array::from_fn(|r| vctx_limit {
        held: held[r],
        peak: window.map_or(a.limits[r].peak, |w| w[r]).max(held[r]),
        limit: a.limits[r].limit,
        failures: a.limits[r].failures,
    })
}

/// The held values of `ctx` in its subtree counters.
pub(crate) fn held_of(sub: &vctx_counters) -> [u64; RES] {
    let mut h = [0u64; RES];
    h[NPROC] = sub.processes;
    h[NTHREADS] = sub.threads;
    h[RSS] = sub.rss_bytes;
    h
}

/// Buffers for one snapshot, allocated without the lock (`kvmalloc`: with
/// 10,000 contexts the entries alone take 4.5 MB).
pub(crate) struct Buffers {
    ctxs: KVVec<Arc<Context>>,
    index: KVVec<(u64, usize)>,
    live: KVVec<(Usage, u64)>,
    pub(crate) out: KVVec<vctx_snap_entry>,
}

impl Buffers {
    /// Room for `n` contexts.
    fn new(n: usize) -> Result<Self> {
        Ok(Self {
            ctxs: KVVec::with_capacity(n, GFP_KERNEL)?,
            index: KVVec::with_capacity(n, GFP_KERNEL)?,
            live: KVVec::with_capacity(n, GFP_KERNEL)?,
            out: KVVec::with_capacity(n, GFP_KERNEL)?,
        })
    }
}

/// Appends `ctx`'s subtree, pre-order, children by name.
fn walk(inner: &Inner, ctx: &Arc<Context>, out: &mut KVVec<Arc<Context>>) -> Result {
    out.push_within_capacity(ctx.clone()).map_err(|_| EAGAIN)?;
    for child in ctx.st.access(inner).children.values() {
        walk(inner, child, out)?;
    }
    Ok(())
}

/// Takes the snapshot of `root`'s subtree as seen from `view` into
/// `b.out`. EAGAIN if the buffers turn out too small (the caller retries).
/// `rss` is [`accounting::gather_rss`] of `root`, taken just before.
fn take(
    inner: &mut Inner,
    root: &Arc<Context>,
    view: &Context,
    b: &mut Buffers,
    rss: &mut accounting::RssList,
) -> Result {
    let Buffers { ctxs, index, live, out } = b;
    ctxs.clear();
    index.clear();
    live.clear();
    out.clear();
    walk(inner, root, ctxs)?;
    for (i, c) in ctxs.iter().enumerate() {
        index.push_within_capacity((c.id, i)).map_err(|_| EAGAIN)?;
        live.push_within_capacity((Usage::default(), 0)).map_err(|_| EAGAIN)?;
    }
    index.sort_unstable_by_key(|e| e.0);
    let find = |id: u64| index.binary_search_by_key(&id, |e| e.0).ok().map(|k| index[k].1);
    // Live members: their own context's figures first.
    crate::model::members::each_mut(inner, root, |_, m| {
        let Some(i) = find(m.ctx.id) else { return };
        let Some((used, raw)) = accounting::live_use(m) else { return };
        live[i].0.add(&used);
        live[i].1 += raw.threads;
    });
    // RSS: each address space once, on the first context found using it.
    rss.sort_unstable_by_key(|e| e.0);
    let mut kept = 0;
    for k in 0..rss.len() {
        if kept == 0 || rss[kept - 1].0 != rss[k].0 {
            rss[kept] = rss[k];
            kept += 1;
        }
    }
    rss.truncate(kept);
    for (i, c) in ctxs.iter().enumerate() {
        let st = c.st.access(inner);
        let mut e: vctx_snap_entry = zeroed();
        e.id = c.id;
        e.parent_id = match &c.parent {
            Some(p) if c.id != root.id => p.id,
            _ => u64::MAX,
        };
        e.depth = c.depth - root.depth;
        e.flags = crate::acct::listing::flags_of(inner, c);
        e.created_ns = c.created_ns;
        if c.id != view.id {
            st.name.to_abi(&mut e.name);
        }
        let mut own = live[i].0;
        own.add(&st.acct.dead_own);
        e.self_ = accounting::counters_of(inner, c, &own, u64::from(st.processes()), live[i].1, false);
        e.subtree =
            accounting::counters_of(inner, c, &st.acct.dead_sub, u64::from(st.subtree_processes()), 0, true);
        out.push_within_capacity(e).map_err(|_| EAGAIN)?;
    }
    // Each context's live figures count in its ancestors' subtrees too.
    let up = |from: usize, f: &mut dyn FnMut(usize)| {
        let mut c: Option<&Context> = Some(&ctxs[from]);
        while let Some(cc) = c {
            let Some(j) = find(cc.id) else { break };
            f(j);
            if cc.id == root.id {
                break;
            }
            c = cc.parent.as_deref();
        }
    };
    for i in 0..ctxs.len() {
        let (used, threads) = live[i];
        up(i, &mut |j| accounting::add_use(&mut out[j].subtree, &used, threads));
    }
    for &(_, pages, id) in rss.iter() {
        let Some(i) = find(id) else { continue };
        let bytes = pages * accounting::PAGE_SIZE;
        out[i].self_.rss_bytes += bytes;
        up(i, &mut |j| out[j].subtree.rss_bytes += bytes);
    }
    for (i, c) in ctxs.iter().enumerate() {
        let e = &mut out[i];
        accounting::note_rss(inner, c, e.self_.rss_bytes, e.subtree.rss_bytes);
        let a = &c.st.access(inner).acct;
        e.self_.rss_peak_bytes = a.rss_peak.own;
        e.subtree.rss_peak_bytes = a.rss_peak.sub;
        let held = held_of(&e.subtree);
        limits::observe(inner, c, &held, None);
        e.limits = limits_of(inner, c, held, None);
    }
    Ok(())
}

/// An all-zero entry.
fn zeroed() -> vctx_snap_entry {
    // SAFETY: plain integers and bytes: all-zero is valid.
    unsafe { core::mem::zeroed() }
}

/// A snapshot of `root`'s subtree seen from `view`: buffers and address
/// spaces gathered without the lock, the figures taken under one hold of
/// it; again if the tree grew in between.
pub(crate) fn take_fresh(state: &State, root: &Arc<Context>, view: &Context) -> Result<Buffers> {
    loop {
        let mut rss = accounting::gather_rss(state, root)?;
        let n = crate::acct::listing::count(&state.lock.lock(), root, true);
        let mut b = Buffers::new(n)?;
        let mut inner = state.lock.lock();
        match take(&mut inner, root, view, &mut b, &mut rss) {
            Ok(()) => return Ok(b),
            Err(e) if e == EAGAIN => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The sampler's share (`virt/sampler.rs`, every 5 s) over `ctxs`, the
/// tree's contexts in pre-order (`crate::model::members::contexts`): each
/// context's RSS (own and subtree, each address space once), subtree
/// threads and processes, recorded as a reading records them: RSS peaks,
/// the limits' peaks and windows, and the soft rss limit's upward
/// crossings, between readings too. Skipped while no process is in any
/// context.
///
/// No hold of the lock covers the tree: each context's member pids are
/// taken under a short hold, their threads and address spaces read
/// without it, and each context's figures recorded under another short
/// hold, with resched points between contexts. A figure may be a moment
/// older than another's; each is a true level, which is all a peak needs.
pub(crate) fn sample(state: &State, ctxs: &[Arc<Context>]) {
    if state.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return;
    }
    // Nothing to report on failure (out of memory): the next tick retries.
    let _ = sample_levels(state, ctxs);
}

/// Each context's levels: `(own rss, subtree rss, subtree threads)`, bytes.
type Levels = (u64, u64, u64);

fn sample_levels(state: &State, ctxs: &[Arc<Context>]) -> Result {
    let n = ctxs.len();
    let mut levels: KVVec<Levels> = KVVec::with_capacity(n, GFP_KERNEL)?;
    // Where each context's parent is in `ctxs` (pre-order: before it).
    let mut parent: KVVec<usize> = KVVec::with_capacity(n, GFP_KERNEL)?;
    let mut open: KVVec<usize> = KVVec::with_capacity(n, GFP_KERNEL)?;
    for (i, c) in ctxs.iter().enumerate() {
        while open.last().is_some_and(|&j| ctxs[j].depth >= c.depth) {
            open.pop();
        }
        parent.push_within_capacity(open.last().copied().unwrap_or(usize::MAX)).map_err(|_| ENOMEM)?;
        open.push_within_capacity(i).map_err(|_| ENOMEM)?;
        levels.push_within_capacity((0, 0, 0)).map_err(|_| ENOMEM)?;
    }
    drop(open);
    // Address spaces `(mm, pages, index in ctxs)`, and own threads.
    let mut rss: accounting::RssList = KVVec::new();
    for (i, c) in ctxs.iter().enumerate() {
        let pids = crate::model::members::own_pids(state, c)?;
        for pid in pids.iter() {
            levels[i].2 += Raw::threads_of(pid).unwrap_or(0);
            if let Some((mm, pages)) = Raw::rss_of(pid) {
                rss.push((mm, pages, i as u64), GFP_KERNEL)?;
            }
        }
        drop(pids);
        task::cond_resched();
    }
    // Each address space once, on the first context (in pre-order) using it.
    rss.sort_unstable_by_key(|e| (e.0, e.2));
    let mut last = None;
    for &(mm, pages, i) in rss.iter() {
        if last == Some(mm) {
            continue;
        }
        last = Some(mm);
        levels[i as usize].0 += pages * accounting::PAGE_SIZE;
    }
    drop(rss);
    // Subtree figures: children (after their parent) first.
    for i in 0..n {
        levels[i].1 = levels[i].0;
    }
    for i in (1..n).rev() {
        let p = parent[i];
        if p != usize::MAX {
            levels[p].1 += levels[i].1;
            levels[p].2 += levels[i].2;
        }
    }
    for (c, &(own_rss, sub_rss, sub_threads)) in ctxs.iter().zip(levels.iter()) {
        {
            let mut inner = state.lock.lock();
            if c.st.access(&inner).linked() {
                accounting::note_rss(&mut inner, c, own_rss, sub_rss);
                let mut held = [0u64; RES];
                held[NPROC] = u64::from(c.st.access(&inner).subtree_processes());
                held[NTHREADS] = sub_threads;
                held[RSS] = sub_rss;
                limits::observe(&mut inner, c, &held, None);
            }
        }
        task::cond_resched();
    }
    Ok(())
}
