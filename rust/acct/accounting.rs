// SPDX-License-Identifier: GPL-2.0

//! Accounting: what each context's processes have used, self and subtree.
//!
//! Processes that leave a context (exit, or enter a context further down)
//! fold what they used while there into the context's `dead` totals and
//! its ancestors' subtree totals, under the state lock. Live members are
//! summed when read, under the same lock hold, so a reading is consistent:
//! a process is either still a member or already folded, never both and
//! never neither. Each member remembers what it had used when it joined
//! (`Member::base`) and its previous reading (`Member::prev`), so that a
//! context counts only what was used inside it and no figure goes back.
//!
//! Memory (RSS) is a level, not a total: it is read from the members'
//! address spaces (each counted once) and its peak is the highest level
//! seen by a reading or by the sampler (`sample`).

use kernel::{alloc::KVVec, prelude::*, sync::Arc};

use crate::abi::uapi::vctx_counters;
use crate::acct::limits;
use crate::kern::task::PidRef;
use crate::kern::usage::{Raw, Usage};
use crate::model::context::Context;
use crate::model::members;
use crate::model::counters::{Pair, NONE, RSS};
use crate::model::state::{Inner, Member, State};

/// The size of a page (x86-64).
pub(crate) const PAGE_SIZE: u64 = kernel::page::PAGE_SIZE as u64;

/// What member `m` has used since it joined its context, read now, and
/// the raw reading (threads, address space).
pub(crate) fn live_use(m: &mut Member) -> Option<(Usage, Raw)> {
    let raw = Usage::with_dead_io(Raw::of(&m.pid)?, &m.dead_io);
    let now = Usage::from_raw(&raw, &mut m.prev);
    Some((now.since(&m.base), raw))
}

/// Member `m` leaves its context (exit, or a move into a descendant): what
/// it used there is folded into that context and its ancestors. Returns
/// its total use so far, the base for a next context.
pub(crate) fn fold_out(inner: &mut Inner, m: &mut Member) -> Usage {
    let Some((used, _)) = live_use(m) else { return m.prev };
    let from = m.ctx.clone();
    from.st.access_mut(inner).acct.dead_own.add(&used);
    for c in from.ancestors_and_self() {
        c.st.access_mut(inner).acct.dead_sub.add(&used);
    }
    m.prev
}

/// The counters of `ctx` read now: `(own, subtree)`. Also records the RSS
/// peaks and the held values of the limits (peaks, windows, the soft rss
/// limit's crossings). `rss` is [`gather_rss`] of `ctx`, taken just before.
pub(crate) fn read(inner: &mut Inner, ctx: &Arc<Context>, rss: &mut RssList) -> (vctx_counters, vctx_counters) {
    let mut own_use = Usage::default();
    let mut sub_use = Usage::default();
    let (mut own_threads, mut sub_threads) = (0u64, 0u64);
    members::each_mut(inner, ctx, |_, m| {
        let own = m.ctx.id == ctx.id;
        let Some((used, raw)) = live_use(m) else { return };
        sub_use.add(&used);
        sub_threads += raw.threads;
        if own {
            own_use.add(&used);
            own_threads += raw.threads;
        }
    });
    let (own_rss, sub_rss) = distinct_rss(rss, ctx.id);
    note_rss(inner, ctx, own_rss, sub_rss);
    let st = ctx.st.access(inner);
    own_use.add(&st.acct.dead_own);
    let mut own = counters_of(inner, ctx, &own_use, u64::from(st.processes()), own_threads, false);
    let mut sub = counters_of(inner, ctx, &st.acct.dead_sub, u64::from(st.subtree_processes()), 0, true);
    add_use(&mut sub, &sub_use, sub_threads);
    own.rss_bytes = own_rss;
    sub.rss_bytes = sub_rss;
    let held = [sub.processes, sub.threads, sub.rss_bytes];
    limits::observe(inner, ctx, &held, None);
    let a = &ctx.st.access(inner).acct;
    own.rss_peak_bytes = a.rss_peak.own;
    sub.rss_peak_bytes = a.rss_peak.sub;
    (own, sub)
}

/// Records RSS levels of `ctx` (own, subtree) as peak candidates.
pub(crate) fn note_rss(inner: &mut Inner, ctx: &Context, own: u64, sub: u64) {
    let a = &mut ctx.st.access_mut(inner).acct;
    a.rss_peak.own = a.rss_peak.own.max(own);
    a.rss_peak.sub = a.rss_peak.sub.max(sub);
}

/// Address spaces of members: `(mm, pages, context id)`.
pub(crate) type RssList = KVVec<(u64, u64, u64)>;

/// The address spaces of the members in `within`'s subtree. Read without
/// the state lock (it takes `task_lock()`, see `Raw::rss_of`): the member
/// references are taken under it, the memory read after. RSS is a level,
/// so a reading a moment older than the counters is still a true one.
pub(crate) fn gather_rss(state: &State, within: &Context) -> Result<RssList> {
    let pids = loop {
        let n = members::count(&state.lock.lock(), within, true) + 16;
        let mut pids: KVVec<(PidRef, u64)> = KVVec::with_capacity(n, GFP_KERNEL)?;
        let inner = state.lock.lock();
        if members::count(&inner, within, true) > n {
            continue;
        }
        members::each(&inner, within, |_, m| {
            let _ = pids.push_within_capacity((m.pid.clone_ref(), m.ctx.id));
        });
        drop(inner);
        break pids;
    };
    let mut out = KVVec::with_capacity(pids.len(), GFP_KERNEL)?;
    for (pid, id) in pids.iter() {
        if let Some((mm, pages)) = Raw::rss_of(pid) {
            let _ = out.push_within_capacity((mm, pages, *id));
        }
    }
    drop(pids);
    Ok(out)
}

/// A process of `ctx` that exits had at most `bytes` resident: a lower
/// bound for the peaks of `ctx` and of every subtree it is in (so that a
/// short-lived process that no reading saw still shows in the peaks).
pub(crate) fn note_process_peak(inner: &mut Inner, ctx: &Context, bytes: u64) {
    let a = &mut ctx.st.access_mut(inner).acct;
    a.rss_peak.own = a.rss_peak.own.max(bytes);
    for c in ctx.ancestors_and_self() {
        let a = &mut c.st.access_mut(inner).acct;
        a.rss_peak.sub = a.rss_peak.sub.max(bytes);
        a.limits[RSS].peak = a.limits[RSS].peak.max(bytes);
    }
}

/// RSS in bytes of the address spaces in `rss`, each counted once:
/// `(of context own, of all)`. Sorts `rss`.
fn distinct_rss(rss: &mut RssList, own: u64) -> (u64, u64) {
    rss.sort_unstable_by_key(|e| e.0);
    let (mut own_pages, mut all) = (0u64, 0u64);
    let mut i = 0;
    while i < rss.len() {
        let (mm, pages) = (rss[i].0, rss[i].1);
        let mut is_own = false;
        while i < rss.len() && rss[i].0 == mm {
            is_own |= rss[i].2 == own;
            i += 1;
        }
        all += pages;
        if is_own {
            own_pages += pages;
        }
    }
    (own_pages * PAGE_SIZE, all * PAGE_SIZE)
}

/// The ABI counters of `ctx` (`sub`: subtree, else own) for use `u`,
/// `processes` and `threads`; rss fields are left zero.
pub(crate) fn counters_of(inner: &Inner, ctx: &Context, u: &Usage, processes: u64, threads: u64, sub: bool) -> vctx_counters {
    let a = &ctx.st.access(inner).acct;
    let pick = |p: &Pair| if sub { p.sub } else { p.own };
    vctx_counters {
        processes,
        threads,
        forks: pick(&a.forks),
        execs: pick(&ctx.unlocked.execs.get()),
        exits: pick(&a.exits),
        cpu_user_ns: u.user_ns,
        cpu_system_ns: u.system_ns,
        rss_bytes: 0,
        rss_peak_bytes: 0,
        io_read_bytes: u.rchar,
        io_write_bytes: u.wchar,
        io_storage_read_bytes: u.read_bytes,
        io_storage_write_bytes: u.write_bytes,
        nvcsw: u.nvcsw,
        nivcsw: u.nivcsw,
        limit_hits: pick(&a.hits),
    }
}

/// Adds use `u` and `threads` to ABI counters `c`.
pub(crate) fn add_use(c: &mut vctx_counters, u: &Usage, threads: u64) {
    c.threads += threads;
    c.cpu_user_ns += u.user_ns;
    c.cpu_system_ns += u.system_ns;
    c.io_read_bytes += u.rchar;
    c.io_write_bytes += u.wchar;
    c.io_storage_read_bytes += u.read_bytes;
    c.io_storage_write_bytes += u.write_bytes;
    c.nvcsw += u.nvcsw;
    c.nivcsw += u.nivcsw;
}

/// Resident memory of `ctx`'s subtree now, in bytes (each address space
/// counted once).
pub(crate) fn rss_bytes(state: &State, ctx: &Arc<Context>) -> u64 {
    // Only the address spaces: no need for the members' other figures.
    gather_rss(state, ctx).map_or(0, |mut rss| distinct_rss(&mut rss, ctx.id).1)
}

/// One consistent reading of `ctx`: `(own, subtree)`.
pub(crate) fn reading(state: &State, ctx: &Arc<Context>) -> Result<(vctx_counters, vctx_counters)> {
    let mut rss = gather_rss(state, ctx)?;
    let mut inner = state.lock.lock();
    Ok(read(&mut inner, ctx, &mut rss))
}

/// The tightest rss limit on `ctx`: its own or an ancestor's, in bytes.
pub(crate) fn rss_limit(inner: &Inner, ctx: &Context) -> Option<u64> {
    ctx.ancestors_and_self()
        .map(|c| c.st.access(inner).acct.limits[RSS].limit)
        .filter(|&l| l != NONE)
        .min()
}
