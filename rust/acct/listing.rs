// SPDX-License-Identifier: GPL-2.0

//! What `VCTX_IOC_LIST`, `VCTX_IOC_INFO` and `VCTX_IOC_PIDS` report:
//! contexts and member processes as a caller sees them.
//!
//! Buffers are sized from counts read under the lock, allocated without
//! it, and filled under it again; if the tree grew in between, the caller
//! retries (`Err(EAGAIN)` inside, never seen by userspace).

use kernel::{alloc::KVVec, prelude::*, sync::Arc};

use crate::abi::uapi::*;
use crate::kern::task;
use crate::model::context::Context;
use crate::model::state::Inner;

extern "C" {
    fn vctx_signal_threads(signal: *mut core::ffi::c_void) -> i32;
}

/// Live threads of the member process whose key is `key`.
fn threads_of(key: task::GroupKey) -> u32 {
    // SAFETY: `key` is the `signal_struct` of a member; members are removed
    // under the lock when their group dies, before it can be freed, and the
    // caller holds the lock.
    unsafe { vctx_signal_threads(key as *mut core::ffi::c_void) as u32 }
}

/// The `VCTX_CTX_*` flags of `ctx` as reported (with the read-only ones).
pub(crate) fn flags_of(inner: &Inner, ctx: &Context) -> u32 {
    let st = ctx.st.access(inner);
    st.flags()
        | if st.kill().is_some() { VCTX_CTX_KILLING } else { 0 }
        | if st.cgroup.is_some() { VCTX_CTX_CGROUP } else { 0 }
}

/// How many contexts a listing of `ctx` holds.
pub(crate) fn count(inner: &Inner, ctx: &Context, recursive: bool) -> usize {
    let children = &ctx.st.access(inner).children;
    if recursive {
        1 + children.values().map(|c| count(inner, c, true)).sum::<usize>()
    } else {
        1 + children.iter().count()
    }
}

/// The ABI entry for `ctx` at `depth` of a listing from `view`.
pub(crate) fn entry(inner: &Inner, ctx: &Context, view: &Context, depth: u32) -> vctx_entry {
    let st = ctx.st.access(inner);
    let mut e = vctx_entry {
        id: ctx.id,
        parent_id: match &ctx.parent {
            Some(p) if ctx.id != view.id => p.id,
            _ => u64::MAX,
        },
        flags: flags_of(inner, ctx),
        depth,
        created_ns: ctx.created_ns,
        nr_children: st.children.iter().count() as u32,
        nr_processes: st.processes(),
        nr_threads: 0,
        subtree_processes: st.subtree_processes(),
        total_processes: st.total_processes(),
        name: [0; 64],
        caps: st.caps(),
    };
    if ctx.id != view.id {
        let mut name = [0u8; 64];
        st.name.to_abi(&mut name);
        e.name = name;
    }
    e
}

/// Appends `ctx` (and, recursive, its subtree in pre-order) to `out`,
/// within its capacity; EAGAIN if it does not fit.
pub(crate) fn fill(
    inner: &Inner,
    ctx: &Context,
    view: &Context,
    depth: u32,
    recursive: bool,
    out: &mut KVVec<vctx_entry>,
) -> Result {
    out.push_within_capacity(entry(inner, ctx, view, depth))
        .map_err(|_| EAGAIN)?;
    for child in ctx.st.access(inner).children.values() {
        if recursive {
            fill(inner, child, view, depth + 1, true, out)?;
        } else {
            out.push_within_capacity(entry(inner, child, view, depth + 1))
                .map_err(|_| EAGAIN)?;
        }
    }
    Ok(())
}

/// Fills in the thread counts of `entries` from the member table: one
/// pass over the members, each placed by a binary search in `index`
/// (allocated by the caller with room for an entry per context), so that a
/// listing of many contexts with many members stays O(members x log
/// contexts) under the lock.
pub(crate) fn add_threads(inner: &Inner, entries: &mut [vctx_entry], index: &mut KVVec<(u64, usize)>) {
    index.clear();
    for (i, e) in entries.iter().enumerate() {
        if index.push_within_capacity((e.id, i)).is_err() {
            // Not sized for these entries: cannot happen (same count).
            return;
        }
    }
    index.sort_unstable_by_key(|e| e.0);
    for (key, m) in inner.members.iter() {
        if let Ok(k) = index.binary_search_by_key(&m.ctx.id, |e| e.0) {
            entries[index[k].1].nr_threads += threads_of(*key);
        }
    }
}

/// The threads of the member processes of the context whose id is `id`.
pub(crate) fn threads_in(inner: &Inner, id: u64) -> u32 {
    inner
        .members
        .iter()
        .filter(|(_, m)| m.ctx.id == id)
        .map(|(key, _)| threads_of(*key))
        .sum()
}

/// Member processes of `ctx` (recursive: of its subtree), within the
/// capacity of `out`; EAGAIN if they do not fit.
pub(crate) fn pids(inner: &Inner, ctx: &Arc<Context>, recursive: bool, out: &mut KVVec<vctx_pid_entry>) -> Result {
    for (key, m) in inner.members.iter() {
        let inside = if recursive {
            m.ctx.is_within(ctx)
        } else {
            m.ctx.id == ctx.id
        };
        if !inside {
            continue;
        }
        let e = vctx_pid_entry {
            pid: m.pid.vnr(),
            nr_threads: threads_of(*key),
            ctx_id: m.ctx.id,
        };
        out.push_within_capacity(e).map_err(|_| EAGAIN)?;
    }
    Ok(())
}

/// Processes that ever joined `ctx` or any of its descendants.
pub(crate) fn subtree_total(inner: &Inner, ctx: &Context) -> u64 {
    let st = ctx.st.access(inner);
    st.total_processes()
        + st
            .children
            .values()
            .map(|c| subtree_total(inner, c))
            .sum::<u64>()
}
