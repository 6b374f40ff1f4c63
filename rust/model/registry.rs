// SPDX-License-Identifier: GPL-2.0

//! The context tree: resolving paths relative to a viewer, creating,
//! destroying, renaming and listing contexts.
//!
//! Every path is resolved from the caller's own context (its "view root"):
//! nothing above it has a name, so nothing above it can be reached.

use kernel::{
    prelude::*,
    rbtree::RBTreeNodeReservation,
    sync::Arc,
};

use crate::abi::name::{Name, DEPTH_MAX};
use crate::abi::uapi::*;
use crate::kern::task;
use crate::model::context::Context;
use crate::model::state::{Inner, State};

/// The context of the calling process: the one its group is a member of,
/// or the root.
pub(crate) fn caller_context(state: &State, inner: &Inner) -> Result<Arc<Context>> {
    crate::model::members::context_of(state, inner, task::current_key())
}

/// Follows `names` down from `from`; ENOENT if any is missing.
pub(crate) fn resolve(inner: &Inner, from: &Arc<Context>, names: &[Name]) -> Result<Arc<Context>> {
    let mut cur = from.clone();
    for name in names {
        let next = cur
            .st
            .access(inner)
            .children
            .get(name)
            .ok_or(ENOENT)?
            .clone();
        cur = next;
    }
    Ok(cur)
}

/// The path of `ctx` as seen from `view` (which must contain it), written
/// into `out` ("/" for the view root itself).
pub(crate) fn path_of(inner: &Inner, ctx: &Context, view: &Context, out: &mut KVec<u8>) -> Result {
    let mut names: [Option<Name>; DEPTH_MAX] = [None; DEPTH_MAX];
    let mut n = 0;
    for c in ctx.ancestors_and_self() {
        if c.id == view.id {
            break;
        }
        if n == DEPTH_MAX {
            return Err(EINVAL);
        }
        names[n] = Some(c.st.access(inner).name);
        n += 1;
    }
    out.clear();
    if n == 0 {
        out.push(b'/', GFP_ATOMIC)?;
    }
    for name in names[..n].iter().rev().flatten() {
        out.push(b'/', GFP_ATOMIC)?;
        out.extend_from_slice(name.as_bytes(), GFP_ATOMIC)?;
    }
    Ok(())
}

/// Whether `ctx` or an ancestor is being killed; the signal of the nearest
/// such kill.
pub(crate) fn kill_in_progress(inner: &Inner, ctx: &Context) -> Option<u32> {
    ctx.ancestors_and_self().find_map(|c| c.st.access(inner).kill())
}

/// [`create_with_caps`] with every capability: what the KUnit tests use
/// (the device always passes a mask).
#[cfg(CONFIG_KUNIT)]
pub(crate) fn create(
    state: &State,
    view: &Arc<Context>,
    names: &[Name],
    flags: u32,
    ctx_flags: u32,
) -> Result<Arc<Context>> {
    create_with_caps(state, view, names, flags, ctx_flags, crate::model::context::ALL_CAPS)
}

/// `VCTX_IOC_CREATE`: creates the context at `names` below `view`, with a
/// capability mask for the new context: its parent's,
/// intersected with `caps` (and so for parents created on the way: every
/// context this call makes is within `caps`).
/// The parent's mask is read under the lock that links the new context, so
/// a concurrent narrowing of the parent is never missed.
///
/// Missing parents are created with `VCTX_CREATE_PARENTS`. New contexts
/// are allocated without the lock held and linked under it; if the tree
/// changed in between, the whole operation starts again.
pub(crate) fn create_with_caps(
    state: &State,
    view: &Arc<Context>,
    names: &[Name],
    flags: u32,
    ctx_flags: u32,
    caps: u64,
) -> Result<Arc<Context>> {
    let autoname = flags & VCTX_CREATE_AUTONAME != 0;
    if names.is_empty() && !autoname {
        return Err(EEXIST);
    }
    let want = names.len() + usize::from(autoname);
    if view.depth as usize + want > DEPTH_MAX {
        return Err(ENAMETOOLONG);
    }
    for _attempt in 0..8 {
        // Phase 1: how much of the path exists.
        let (anchor, found) = {
            let inner = state.lock.lock();
            let mut cur = view.clone();
            let mut found = 0;
            for name in names {
                let next = match cur.st.access(&inner).children.get(name) {
                    Some(c) => c.clone(),
                    None => break,
                };
                cur = next;
                found += 1;
            }
            (cur, found)
        };
        if found == names.len() && !autoname {
            return if flags & VCTX_CREATE_EXIST_OK != 0 {
                Ok(anchor)
            } else {
                Err(EEXIST)
            };
        }
        if found + 1 < want && flags & VCTX_CREATE_PARENTS == 0 {
            return Err(ENOENT);
        }

        // Phase 2: allocate the missing chain, unlocked.
        let mut chain = KVec::with_capacity(want - found, GFP_KERNEL)?;
        let mut parent = anchor.clone();
        // Inherited from the parent: NOVIRT (host values below a context
        // that shows them). The anchor's flags cannot change meanwhile in
        // a way that matters: phase 3 relinks only below the same anchor.
        let inherited = anchor.st.access(&state.lock.lock()).flags() & VCTX_CTX_NOVIRT;
        for i in found..want {
            let last = i + 1 == want;
            let name = if i < names.len() { names[i] } else { Name::root() };
            let flags = inherited | if last { ctx_flags } else { 0 };
            let ctx = state.new_context(parent, name, flags)?;
            let slot = RBTreeNodeReservation::new(GFP_KERNEL)?;
            parent = ctx.clone();
            chain.push((ctx, slot), GFP_KERNEL)?;
        }

        // Phase 3: link it, if the anchor is still there and free.
        let mut inner = state.lock.lock();
        if !anchor.st.access(&inner).linked() {
            continue;
        }
        let first_name = names.get(found).copied();
        if let Some(n) = first_name {
            if anchor.st.access(&inner).children.get(&n).is_some() {
                continue;
            }
        }
        let mut parent = anchor;
        let mut last = None;
        for (ctx, slot) in chain.drain_all() {
            let mask = parent.st.access(&inner).caps() & caps;
            ctx.set_caps(&mut inner, mask);
            let mut name = ctx.st.access(&inner).name;
            if name.as_bytes().is_empty() {
                name = auto_name(ctx.id)?;
                ctx.st.access_mut(&mut inner).name = name;
            }
            let st = ctx.st.access_mut(&mut inner);
            st.set_linked(true);
            parent
                .st
                .access_mut(&mut inner)
                .children
                .insert(slot.into_node(name, ctx.clone()));
            parent = ctx.clone();
            last = Some(ctx);
        }
        return last.ok_or(EINVAL);
    }
    Err(EAGAIN)
}

/// `unnamed<id>`: the name of a context created with `VCTX_CREATE_AUTONAME`.
fn auto_name(id: u64) -> Result<Name> {
    let mut buf = [0u8; 32];
    let prefix = b"unnamed";
    buf[..prefix.len()].copy_from_slice(prefix);
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut v = id;
    loop {
        digits[n] = b'0' + (v % 10) as u8;
        n += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in 0..n {
        buf[prefix.len() + i] = digits[n - 1 - i];
    }
    Name::new(&buf[..prefix.len() + n])
}

/// `VCTX_IOC_DESTROY`: unlinks an empty, childless context.
pub(crate) fn destroy(state: &State, view: &Arc<Context>, names: &[Name]) -> Result {
    if names.is_empty() {
        return Err(EBUSY);
    }
    let removed;
    let mut released = crate::model::ns_set::Released::default();
    let cgroup;
    {
        let mut inner = state.lock.lock();
        let ctx = resolve(&inner, view, names)?;
        let st = ctx.st.access(&inner);
        if st.subtree_processes() != 0 || st.children.iter().next().is_some() {
            return Err(EBUSY);
        }
        removed = unlink(&mut inner, &ctx);
        crate::model::ns_set::release(&mut inner, &ctx, &mut released);
        cgroup = ctx.st.access_mut(&mut inner).cgroup.take();
    }
    drop(removed);
    drop(released);
    drop(cgroup);
    Ok(())
}

/// Takes `ctx` out of its parent's children. The caller drops the returned
/// reference after releasing the lock.
pub(crate) fn unlink(inner: &mut Inner, ctx: &Context) -> Option<Arc<Context>> {
    let st = ctx.st.access_mut(inner);
    if !st.linked() {
        return None;
    }
    st.set_linked(false);
    let name = st.name;
    let parent = ctx.parent.as_ref()?;
    parent.st.access_mut(inner).children.remove(&name)
}

/// `VCTX_IOC_RENAME`: renames a context within its parent.
pub(crate) fn rename(state: &State, view: &Arc<Context>, names: &[Name], new: Name) -> Result {
    if names.is_empty() {
        return Err(EBUSY);
    }
    let mut inner = state.lock.lock();
    let ctx = resolve(&inner, view, names)?;
    let parent = ctx.parent.clone().ok_or(EBUSY)?;
    let old = ctx.st.access(&inner).name;
    if old == new {
        return Ok(());
    }
    let children = &mut parent.st.access_mut(&mut inner).children;
    if children.get(&new).is_some() {
        return Err(EEXIST);
    }
    // Reuse the node: no allocation under the lock. Dropping the old
    // value only drops the tree's reference; `ctx` holds another.
    let slot = children.remove_node(&old).ok_or(ENOENT)?.into_reservation();
    children.insert(slot.into_node(new, ctx.clone()));
    ctx.st.access_mut(&mut inner).name = new;
    Ok(())
}

#[kunit_tests(vctx_registry)]
mod tests {
    use super::*;
    use crate::abi::name::split;

    fn tree() -> Result<Pin<KBox<State>>> {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        Ok(st)
    }

    fn mk(st: &State, view: &Arc<Context>, path: &[u8], flags: u32) -> Result<Arc<Context>> {
        create(st, view, &split(path)?, flags, 0)
    }

    fn find(st: &State, view: &Arc<Context>, path: &[u8]) -> Result<Arc<Context>> {
        let names = split(path)?;
        let inner = st.lock.lock();
        resolve(&inner, view, &names)
    }

    #[test]
    fn resolve_is_relative_to_the_viewer() -> Result {
        let st = tree()?;
        let root = st.lock.lock().root()?.clone();
        let web = mk(&st, &root, b"/web", 0)?;
        let worker = mk(&st, &root, b"/web/worker", 0)?;
        let db = mk(&st, &root, b"/db", 0)?;
        // From inside /web, "/worker" is /web/worker and "/" is /web.
        assert_eq!(find(&st, &web, b"/worker")?.id, worker.id);
        assert_eq!(find(&st, &web, b"/")?.id, web.id);
        // Nothing above /web has a name from there.
        assert_eq!(find(&st, &web, b"/db").err(), Some(ENOENT));
        assert_eq!(find(&st, &web, b"/web").err(), Some(ENOENT));
        assert_eq!(find(&st, &web, b"/..").err(), Some(EINVAL));
        assert_eq!(find(&st, &root, b"/db")?.id, db.id);
        assert!(worker.is_within(&web) && !web.is_within(&worker) && !db.is_within(&web));
        Ok(())
    }

    #[test]
    fn create_destroy_rename_rules() -> Result {
        let st = tree()?;
        let root = st.lock.lock().root()?.clone();
        assert_eq!(mk(&st, &root, b"/a/b", 0).err(), Some(ENOENT));
        let b = mk(&st, &root, b"/a/b", VCTX_CREATE_PARENTS)?;
        assert_eq!(mk(&st, &root, b"/a/b", 0).err(), Some(EEXIST));
        assert_eq!(mk(&st, &root, b"/a/b", VCTX_CREATE_EXIST_OK)?.id, b.id);
        let auto = mk(&st, &root, b"/a", VCTX_CREATE_AUTONAME)?;
        {
            let inner = st.lock.lock();
            let name = auto.st.access(&inner).name;
            assert!(name.as_bytes().starts_with(b"unnamed"));
        }
        assert_eq!(destroy(&st, &root, &split(b"/a")?).err(), Some(EBUSY));
        assert_eq!(destroy(&st, &root, &split(b"/")?).err(), Some(EBUSY));
        rename(&st, &root, &split(b"/a/b")?, Name::new(b"c")?)?;
        assert_eq!(find(&st, &root, b"/a/b").err(), Some(ENOENT));
        assert_eq!(find(&st, &root, b"/a/c")?.id, b.id);
        let taken = auto.st.access(&st.lock.lock()).name;
        assert_eq!(rename(&st, &root, &split(b"/a/c")?, taken).err(), Some(EEXIST));
        destroy(&st, &root, &split(b"/a/c")?)?;
        assert_eq!(find(&st, &root, b"/a/c").err(), Some(ENOENT));
        Ok(())
    }

    #[test]
    fn depth_is_bounded() -> Result {
        let st = tree()?;
        let root = st.lock.lock().root()?.clone();
        let mut path = KVec::new();
        for _ in 0..DEPTH_MAX {
            path.extend_from_slice(b"/d", GFP_KERNEL)?;
        }
        let deepest = mk(&st, &root, &path, VCTX_CREATE_PARENTS)?;
        assert_eq!(deepest.depth as usize, DEPTH_MAX);
        assert_eq!(mk(&st, &deepest, b"/x", 0).err(), Some(ENAMETOOLONG));
        Ok(())
    }
}
