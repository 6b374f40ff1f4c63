// SPDX-License-Identifier: GPL-2.0

//! Seal (issue 7): the end of a context's setup phase, and setting flags.
//!
//! A sealed context (`VCTX_CTX_SEALED`, set by `VCTX_IOC_SEAL`, never
//! cleared) cannot be loosened by any process inside it, root included:
//! its flags are frozen, no context of its subtree may gain a loosening
//! flag (`VCTX_CTX_LOOSENING`: spectator, novirt), its namespaces cannot
//! change and its limits cannot be raised (checked by the limits code
//! through [`check_may_loosen`]). Processes outside it, that is its
//! ancestors, still can. Everything that only tightens (sealing, creating
//! ordinary children, giving children namespaces of their own) stays
//! allowed inside.

use kernel::{prelude::*, sync::Arc};

use crate::abi::uapi::*;
use crate::model::context::Context;
use crate::model::state::{Inner, State};

/// Whether `ctx` is sealed.
fn sealed(inner: &Inner, ctx: &Context) -> bool {
    ctx.st.access(inner).flags() & VCTX_CTX_SEALED != 0
}

/// EPERM if a process whose context is `view` may not loosen `ctx`: if
/// some sealed context contains both (the caller is inside a sealed
/// context and `ctx` is within it too). For the limits code: raising a
/// limit of `ctx` must pass this.
pub(crate) fn check_may_loosen(inner: &Inner, view: &Context, ctx: &Context) -> Result {
    for s in view.ancestors_and_self() {
        if sealed(inner, s) && ctx.is_within(s) {
            return Err(EPERM);
        }
    }
    Ok(())
}

/// EPERM if `ctx` is sealed and the caller (in `view`) is inside it: the
/// sealed context's own configuration is frozen from inside.
pub(crate) fn check_frozen(inner: &Inner, view: &Context, ctx: &Context) -> Result {
    if sealed(inner, ctx) && view.is_within(ctx) {
        return Err(EPERM);
    }
    Ok(())
}

/// EPERM if a caller in `view` may not create a context with `ctx_flags`
/// below it (a loosening flag inside a sealed context).
pub(crate) fn check_create(st: &State, view: &Context, ctx_flags: u32) -> Result {
    if ctx_flags & VCTX_CTX_LOOSENING == 0 {
        return Ok(());
    }
    check_may_loosen(&st.lock.lock(), view, view)
}

/// `VCTX_IOC_SEAL`: seals `ctx` (no-op if it is sealed already).
pub(crate) fn seal(st: &State, ctx: &Arc<Context>) -> Result {
    let mut inner = st.lock.lock();
    let cst = ctx.st.access(&inner);
    if !cst.linked() {
        return Err(ENOENT);
    }
    let sealed = cst.flags() | VCTX_CTX_SEALED;
    ctx.set_flags(&mut inner, sealed);
    Ok(())
}

/// `VCTX_IOC_SET_FLAGS`: sets `set` and clears `clear` (both within
/// `VCTX_CTX_SETTABLE`, not overlapping) on `ctx` for a caller in `view`;
/// returns the flags afterwards.
pub(crate) fn set_flags(
    st: &State,
    view: &Context,
    ctx: &Arc<Context>,
    set: u32,
    clear: u32,
) -> Result<u32> {
    let mut inner = st.lock.lock();
    if !ctx.st.access(&inner).linked() {
        return Err(ENOENT);
    }
    let old = ctx.st.access(&inner).flags();
    let new = (old | set) & !clear;
    if new != old {
        check_frozen(&inner, view, ctx)?;
        if (new & !old) & VCTX_CTX_LOOSENING != 0 {
            check_may_loosen(&inner, view, ctx)?;
        }
        ctx.set_flags(&mut inner, new);
    }
    Ok(new)
}

#[kunit_tests(vctx_seal)]
mod tests {
    use super::*;
    use crate::abi::name::split;
    use crate::model::registry::create;

    #[test]
    fn sealed_subtree_cannot_be_loosened_from_inside() -> Result {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        let web = create(&st, &root, &split(b"/web")?, 0, 0)?;
        let app = create(&st, &root, &split(b"/web/app")?, 0, 0)?;
        let db = create(&st, &root, &split(b"/db")?, 0, 0)?;
        seal(&st, &web)?;
        // From inside /web: frozen, and nothing below may become a spectator.
        assert_eq!(
            set_flags(&st, &web, &web, VCTX_CTX_EPHEMERAL, 0).err(),
            Some(EPERM)
        );
        assert_eq!(
            set_flags(&st, &web, &app, VCTX_CTX_SPECTATOR, 0).err(),
            Some(EPERM)
        );
        assert_eq!(
            set_flags(&st, &app, &app, VCTX_CTX_NOVIRT, 0).err(),
            Some(EPERM)
        );
        assert_eq!(
            check_create(&st, &web, VCTX_CTX_SPECTATOR).err(),
            Some(EPERM)
        );
        // Tightening and no-ops are fine inside; the host can do anything.
        assert_eq!(
            set_flags(&st, &web, &app, VCTX_CTX_EPHEMERAL, 0)?,
            VCTX_CTX_EPHEMERAL
        );
        assert!(set_flags(&st, &web, &web, 0, VCTX_CTX_SPECTATOR).is_ok());
        assert!(check_create(&st, &web, VCTX_CTX_EPHEMERAL).is_ok());
        let f = set_flags(&st, &root, &web, VCTX_CTX_SPECTATOR, 0)?;
        assert_eq!(f, VCTX_CTX_SPECTATOR | VCTX_CTX_SEALED);
        // An unsealed sibling is not affected.
        assert!(set_flags(&st, &db, &db, VCTX_CTX_SPECTATOR, 0).is_ok());
        let inner = st.lock.lock();
        assert_eq!(check_may_loosen(&inner, &app, &app).err(), Some(EPERM));
        assert!(check_may_loosen(&inner, &root, &app).is_ok());
        assert!(check_frozen(&inner, &web, &app).is_ok());
        assert_eq!(check_frozen(&inner, &app, &web).err(), Some(EPERM));
        Ok(())
    }
}
