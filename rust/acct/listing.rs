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
use crate::model::members;
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
        nr_threads: threads_in(inner, ctx),
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

/// The threads of the member processes of `ctx` itself: a walk of its own
/// map.
fn threads_in(inner: &Inner, ctx: &Context) -> u32 {
    ctx.st.access(inner).members.keys().map(|key| threads_of(*key)).sum()
}

/// Member processes of `ctx` (recursive: of its subtree), within the
/// capacity of `out`; EAGAIN if they do not fit.
pub(crate) fn pids(inner: &Inner, ctx: &Arc<Context>, recursive: bool, out: &mut KVVec<vctx_pid_entry>) -> Result {
    let mut full = false;
    let mut add = |key: task::GroupKey, m: &crate::model::state::Member| {
        let e = vctx_pid_entry {
            pid: m.pid.vnr(),
            nr_threads: threads_of(key),
            ctx_id: m.ctx.id,
        };
        full |= out.push_within_capacity(e).is_err();
    };
    if recursive {
        members::each(inner, ctx, add);
    } else {
        for (key, m) in ctx.st.access(inner).members.iter() {
            add(*key, m);
        }
    }
    if full {
        return Err(EAGAIN);
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
