// SPDX-License-Identifier: GPL-2.0

//! Questions to the member maps, under the state lock: which context a
//! process is in, and the member processes of a subtree. Joining and
//! leaving are `crate::lifecycle`.
//!
//! Each context holds the map of its own member processes
//! ([`CtxState::members`], by group key); there is no table of every
//! member of the machine. A process is found by key through the index
//! (`crate::model::index`, which names its context), then in that
//! context's map; a subtree's members are its contexts' maps, walked by
//! [`each`] and [`each_mut`], so a question about a context costs what
//! its own subtree holds, whatever the rest of the machine runs.
//!
//! # Invariants
//!
//! - A tracked process is in exactly one map: that of the context its
//!   `Member::ctx` names, which is the context its index entry names (not
//!   marked exited). The root's map stays empty (processes of the root are
//!   not tracked).
//! - [`crate::model::state::State::nr_members`] is the sum of the maps'
//!   sizes.
//! - A context with members is linked (destroy refuses a non-empty subtree,
//!   an ephemeral context is reaped only once empty, enter refuses an
//!   unlinked target), so walking the tree from the root reaches every map:
//!   the state's teardown empties them that way
//!   (`crate::model::state::State`'s drop).
//!
//! [`CtxState::members`]: crate::model::context::CtxState::members

use kernel::{alloc::KVVec, prelude::*, sync::Arc};

use crate::kern::task::{GroupKey, PidRef};
use crate::model::context::Context;
use crate::model::state::{filled, Inner, Member, State};

/// The context whose map holds the process of `key`, if it is a live
/// member (found through the index, which the lock holder's writers keep
/// in step with the maps).
pub(crate) fn find(state: &State, inner: &Inner, key: GroupKey) -> Option<Arc<Context>> {
    state.with_entry(key, |e| {
        let f = e.filter(|f| !f.exited)?;
        f.ctx.st.access(inner).members.get(&key).map(|m| m.ctx.clone())
    })
}

/// The context of the process whose group key is `key` (the root if none).
pub(crate) fn context_of(state: &State, inner: &Inner, key: GroupKey) -> Result<Arc<Context>> {
    match find(state, inner, key) {
        Some(c) => Ok(c),
        None => Ok(inner.root()?.clone()),
    }
}

/// The context after `cur` in a pre-order walk of `top`'s subtree (`cur`
/// within it), or `None` after the last one. Children come in name order;
/// each step is a lookup in one child list, so a walk costs O(contexts x
/// log siblings) and holds no borrow of the state between steps.
fn next_in(inner: &Inner, top: &Context, cur: &Context) -> Option<Arc<Context>> {
    if let Some(first) = cur.st.access(inner).children.values().next() {
        return Some(first.clone());
    }
    let mut c = cur;
    while c.id != top.id {
        let parent = c.parent.as_deref()?;
        let name = c.st.access(inner).name;
        if let Some(at) = parent.st.access(inner).children.cursor_lower_bound(&name) {
            // `c` itself when linked (the next sibling follows), else the
            // first sibling after its name.
            let (k, v) = at.current();
            if *k != name {
                return Some(v.clone());
            }
            if let Some((_, v)) = at.peek_next() {
                return Some(v.clone());
            }
        }
        c = parent;
    }
    None
}

/// Calls `f` with each member process of `top`'s subtree (its context is
/// `Member::ctx`): `top`'s own first, then its descendants', context by
/// context. O(subtree members + subtree contexts).
pub(crate) fn each(inner: &Inner, top: &Context, mut f: impl FnMut(GroupKey, &Member)) {
    for (k, m) in top.st.access(inner).members.iter() {
        f(*k, m);
    }
    let mut cur = next_in(inner, top, top);
    while let Some(c) = cur {
        for (k, m) in c.st.access(inner).members.iter() {
            f(*k, m);
        }
        cur = next_in(inner, top, &c);
    }
}

/// [`each`], with the members mutable (their readings: `acct/`).
pub(crate) fn each_mut(inner: &mut Inner, top: &Context, mut f: impl FnMut(GroupKey, &mut Member)) {
    for (k, m) in top.st.access_mut(inner).members.iter_mut() {
        f(*k, m);
    }
    let mut cur = next_in(inner, top, top);
    while let Some(c) = cur {
        for (k, m) in c.st.access_mut(inner).members.iter_mut() {
            f(*k, m);
        }
        cur = next_in(inner, top, &c);
    }
}

/// The contexts of `top`'s subtree, `top` first, in pre-order (so every
/// context comes after its ancestors), taken under one short hold of the
/// lock (sized before, retried if the tree grew): for walks that then
/// visit each context under a hold of its own (the sampler).
pub(crate) fn contexts(state: &State, top: &Arc<Context>) -> Result<KVVec<Arc<Context>>> {
    let len = |inner: &Inner| {
        let mut n = 1;
        let mut cur = next_in(inner, top, top);
        while let Some(c) = cur {
            n += 1;
            cur = next_in(inner, top, &c);
        }
        n
    };
    filled(state, len, |inner, out| {
        out.push_within_capacity(top.clone()).map_err(|_| EAGAIN)?;
        let mut cur = next_in(inner, top, top);
        while let Some(c) = cur {
            cur = next_in(inner, top, &c);
            out.push_within_capacity(c).map_err(|_| EAGAIN)?;
        }
        Ok(())
    })
}

/// References to the pids of `ctx`'s own member processes (not its
/// descendants'), taken under one short hold of the lock; they are
/// dropped by the caller, without it.
pub(crate) fn own_pids(state: &State, ctx: &Context) -> Result<KVVec<PidRef>> {
    filled(state, |inner| count(inner, ctx, false), |inner, out| {
        for m in ctx.st.access(inner).members.values() {
            out.push_within_capacity(m.pid.clone_ref()).map_err(|_| EAGAIN)?;
        }
        Ok(())
    })
}

/// Member processes of `ctx` itself, or (`subtree`) of its whole subtree:
/// the counts the lifecycle changes with the maps, under the same lock
/// hold (the root's subtree count is every member), read without a walk:
/// what a buffer for [`each`]'s output is sized by.
pub(crate) fn count(inner: &Inner, ctx: &Context, subtree: bool) -> usize {
    let st = ctx.st.access(inner);
    (if subtree { st.subtree_processes() } else { st.processes() }) as usize
}

/// Appends to `out` (within its capacity) a reference to every member
/// process in `ctx`'s subtree that is not in `skip`; returns how many did
/// not fit.
pub(crate) fn collect(inner: &Inner, ctx: &Context, skip: &[PidRef], out: &mut KVec<PidRef>) -> usize {
    let mut missed = 0;
    each(inner, ctx, |_, m| {
        if skip.iter().any(|p| p.same(&m.pid)) {
            return;
        }
        if out.push_within_capacity(m.pid.clone_ref()).is_err() {
            missed += 1;
        }
    });
    missed
}

#[kunit_tests(vctx_members)]
mod tests {
    use super::*;
    use crate::abi::name::split;
    use crate::abi::uapi::VCTX_CREATE_PARENTS;
    use crate::kern::task;
    use crate::kern::usage::Usage;
    use crate::model::registry::create;
    use kernel::rbtree::RBTreeNode;

    /// Puts a member with key `key` (not a real process's: nothing looks
    /// it up) into `ctx`'s own map.
    fn add(st: &State, ctx: &Arc<Context>, key: GroupKey) -> Result {
        // SAFETY: the current task is valid.
        let pid = unsafe { PidRef::tgid_of(task::current()) };
        let node = RBTreeNode::new(key, Member::new(ctx.clone(), pid, Usage::default()), GFP_KERNEL)?;
        ctx.st.access_mut(&mut st.lock.lock()).members.insert(node);
        Ok(())
    }

    /// The keys `each` visits from `top`, in order, and those `each_mut` does.
    fn walk(st: &State, top: &Context) -> Result<(KVec<GroupKey>, KVec<GroupKey>)> {
        let (mut seen, mut seen_mut) = (KVec::with_capacity(64, GFP_KERNEL)?, KVec::with_capacity(64, GFP_KERNEL)?);
        let mut inner = st.lock.lock();
        each(&inner, top, |k, m| {
            assert!(m.ctx.is_within(top));
            assert!(m.ctx.st.access(&inner).members.get(&k).is_some());
            let _ = seen.push_within_capacity(k);
        });
        each_mut(&mut inner, top, |k, _| {
            let _ = seen_mut.push_within_capacity(k);
        });
        Ok((seen, seen_mut))
    }

    #[test]
    fn a_subtree_walk_sees_each_of_its_members_once_and_no_other() -> Result {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        let mk = |p: &[u8]| create(&st, &root, &split(p)?, VCTX_CREATE_PARENTS, 0);
        let a = mk(b"/a")?;
        let ab = mk(b"/a/b")?;
        let abd = mk(b"/a/b/d")?;
        let ac = mk(b"/a/c")?;
        let e = mk(b"/e")?;
        let empty = mk(b"/a/b/empty")?;
        // Keys: context number * 16 + member number.
        for (i, c) in [&a, &ab, &abd, &ac, &e].into_iter().enumerate() {
            for j in 0..3 {
                add(&st, c, (i + 1) * 16 + j)?;
            }
        }
        let keys_of = |cs: &[usize]| -> KVec<GroupKey> {
            let mut v = KVec::new();
            for &i in cs {
                for j in 0..3 {
                    let _ = v.push((i + 1) * 16 + j, GFP_KERNEL);
                }
            }
            v
        };
        // Pre-order, children by name: a, a/b, a/b/d, a/c.
        let (seen, seen_mut) = walk(&st, &a)?;
        assert_eq!(&seen[..], &keys_of(&[0, 1, 2, 3])[..]);
        assert_eq!(&seen_mut[..], &seen[..]);
        // A leaf, a middle node, a context without members, the root.
        assert_eq!(&walk(&st, &abd)?.0[..], &keys_of(&[2])[..]);
        assert_eq!(&walk(&st, &ab)?.0[..], &keys_of(&[1, 2])[..]);
        assert!(walk(&st, &empty)?.0.is_empty());
        assert_eq!(&walk(&st, &root)?.0[..], &keys_of(&[0, 1, 2, 3, 4])[..]);
        // collect() skips what it is told to and reports what did not fit.
        let mut out = KVec::with_capacity(4, GFP_KERNEL)?;
        let missed = collect(&st.lock.lock(), &ab, &[], &mut out);
        assert_eq!((out.len(), missed), (4, 2));
        // The state's teardown frees the members with their contexts.
        Ok(())
    }
}
