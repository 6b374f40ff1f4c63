// SPDX-License-Identifier: GPL-2.0

//! Capability masks (VServer's bcaps): what a context's processes can ever
//! hold or use in the initial user namespace.
//!
//! Every context has a mask, a u64 of `1 << CAP_*` bits in the kernel's own
//! numbering; a child's mask is always within its parent's, the root's is
//! every capability. The mask is enforced at three points
//! (`Documentation/security.rst`):
//! - entering: the entering thread's credentials are trimmed to the mask
//!   (`dev/processes.rs`, ENTER), and another process may be moved in only if it
//!   holds nothing outside the mask;
//! - exec: the new credentials of a member are trimmed before they are
//!   committed (`hooks/caps.rs`, `security_bprm_committing_creds`), so a
//!   setuid-root or file-capability binary gains nothing beyond the mask;
//! - use: a member's capability check against the initial user namespace
//!   fails for a capability outside the mask (`hooks/caps.rs`,
//!   `security_capable`), which covers threads that were not trimmed and
//!   processes already inside when the mask narrowed.
//!
//! Capabilities in other user namespaces (ones the context's processes
//! created, or that the context holds) stay the kernel's business.

use kernel::{
    prelude::*,
    sync::atomic::{Relaxed, Release},
};

use crate::abi::uapi::VCTX_CTX_SEALED;
use crate::kern::task::GroupKey;
use crate::model::context::{Context, ALL_CAPS};
use crate::model::state::{Inner, State};

/// EINVAL unless `mask` names only capabilities the kernel knows.
pub(crate) fn check_valid(mask: u64) -> Result {
    if mask & !ALL_CAPS != 0 {
        return Err(EINVAL);
    }
    Ok(())
}

/// Records that some context may now have `mask`: the capable hook's fast
/// path returns at once for a capability every mask holds.
pub(crate) fn note_mask(st: &State, mask: u64) {
    narrow_floor(st, &st.lock.lock(), mask);
}

/// [`note_mask`] with the state lock held (`_inner`): writers of the floor
/// serialize on it, readers (the capable hook) load it without a lock.
fn narrow_floor(st: &State, _inner: &Inner, mask: u64) {
    let floor = st.caps_floor.load(Relaxed);
    st.caps_floor.store(floor & mask, Release);
}

/// Whether the calling process may use capability `cap` in the initial
/// user namespace as far as its context's mask goes. Takes no lock (one
/// lookup in the index); callers have returned earlier when no context has
/// members, when the capability is in every mask, or when the credentials
/// lack it anyway.
pub(crate) fn current_may_use(st: &State, cap: u32) -> bool {
    live_mask_of(st, crate::kern::task::current_key()).is_none_or(|m| m & (1u64 << cap) != 0)
}

/// The mask of the member process whose group key is `key`, or `None` for a
/// process of the root (the host: no mask). Without the lock (the index,
/// `crate::model::index`): for the hooks.
pub(crate) fn live_mask_of(st: &State, key: GroupKey) -> Option<u64> {
    st.with_entry(key, |e| e.filter(|f| !f.exited).map(|f| f.ctx.live.caps()))
}

/// Narrows the masks of `ctx`'s descendants to within `mask`.
/// Recursion is bounded by `DEPTH_MAX`.
fn narrow_below(inner: &mut Inner, ctx: &Context, mask: u64) {
    let n = ctx.st.access(inner).children.iter().count();
    for i in 0..n {
        // Children do not change under the lock; index to avoid holding a
        // borrow of `inner` across the recursion.
        let child = match ctx.st.access(inner).children.values().nth(i) {
            Some(c) => c.clone(),
            None => break,
        };
        let narrowed = child.st.access(inner).caps() & mask;
        child.set_caps(inner, narrowed);
        narrow_below(inner, &child, mask);
    }
}

/// `VCTX_IOC_SET_CAPS`: gives `ctx` the mask `mask`, for a caller whose
/// context is `view` (which contains `ctx`). Returns the mask before.
///
/// EPERM from inside (the caller's context is `ctx`, which includes the
/// root seen from the host), for a sealed context (unless nothing changes),
/// and for a mask wider than the parent's.
pub(crate) fn set(st: &State, view: &Context, ctx: &Context, mask: u64) -> Result<u64> {
    check_valid(mask)?;
    let mut inner = st.lock.lock();
    let cst = ctx.st.access(&inner);
    if !cst.linked() {
        return Err(ENOENT);
    }
    let old = cst.caps();
    let parent = match &ctx.parent {
        Some(p) if ctx.id != view.id => p.clone(),
        _ => return Err(EPERM),
    };
    if mask == old {
        return Ok(old);
    }
    if cst.flags() & VCTX_CTX_SEALED != 0 {
        return Err(EPERM);
    }
    if mask & !parent.st.access(&inner).caps() != 0 {
        return Err(EPERM);
    }
    ctx.set_caps(&mut inner, mask);
    narrow_below(&mut inner, ctx, mask);
    narrow_floor(st, &inner, mask);
    Ok(old)
}

#[kunit_tests(vctx_caps)]
mod tests {
    use super::*;
    use crate::abi::name::split;
    use crate::abi::uapi::VCTX_CREATE_PARENTS;
    use crate::model::registry::{create, create_with_caps};

    const CHOWN: u64 = 1 << kernel::bindings::CAP_CHOWN;
    const KILL: u64 = 1 << kernel::bindings::CAP_KILL;
    const ADMIN: u64 = 1 << kernel::bindings::CAP_SYS_ADMIN;

    fn caps(st: &State, c: &Context) -> u64 {
        c.st.access(&st.lock.lock()).caps()
    }

    #[test]
    fn masks_nest_and_narrowing_reaches_the_subtree() -> Result {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        assert_eq!(caps(&st, &root), ALL_CAPS);
        // No mask given: the parent's (everything, below the root).
        let old = create(&st, &root, &split(b"/old")?, 0, 0)?;
        assert_eq!(caps(&st, &old), ALL_CAPS);
        let web = create_with_caps(&st, &root, &split(b"/web")?, 0, 0, CHOWN | KILL)?;
        assert_eq!(caps(&st, &web), CHOWN | KILL);
        // A child asks for more than its parent has: the intersection.
        let app = create_with_caps(&st, &root, &split(b"/web/app")?, 0, 0, ADMIN | KILL)?;
        assert_eq!(caps(&st, &app), KILL);
        // Parents made on the way get the request too.
        let d = create_with_caps(&st, &root, &split(b"/web/a/b")?, VCTX_CREATE_PARENTS, 0, CHOWN)?;
        assert_eq!(caps(&st, d.parent.as_ref().ok_or(EINVAL)?), CHOWN);
        assert_eq!(caps(&st, &d), CHOWN);
        // Wider than the parent: EPERM; unknown bits: EINVAL.
        assert_eq!(set(&st, &root, &app, ADMIN).err(), Some(EPERM));
        assert_eq!(set(&st, &root, &app, 1 << 63).err(), Some(EINVAL));
        // From inside: EPERM; the root has no mask to set.
        assert_eq!(set(&st, &app, &app, 0).err(), Some(EPERM));
        assert_eq!(set(&st, &root, &root, 0).err(), Some(EPERM));
        // From the context above: allowed, within its own mask.
        assert_eq!(set(&st, &web, &app, CHOWN)?, KILL);
        // Narrowing reaches every descendant.
        let a = d.parent.clone().ok_or(EINVAL)?;
        assert_eq!(set(&st, &root, &web, KILL)?, CHOWN | KILL);
        assert_eq!((caps(&st, &app), caps(&st, &a), caps(&st, &d)), (0, 0, 0));
        // Widening widens that context only.
        assert_eq!(set(&st, &root, &web, CHOWN | KILL)?, KILL);
        assert_eq!(caps(&st, &app), 0);
        // Sealed: frozen (a no-op is not an error).
        crate::policy::seal::seal(&st, &web)?;
        assert_eq!(set(&st, &root, &web, KILL).err(), Some(EPERM));
        assert_eq!(set(&st, &root, &web, CHOWN | KILL)?, CHOWN | KILL);
        assert_eq!(st.caps_floor.load(Relaxed), 0);
        Ok(())
    }
}
