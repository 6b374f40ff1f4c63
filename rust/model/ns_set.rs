// SPDX-License-Identifier: GPL-2.0

//! The namespaces a context holds, as data under the state lock: the set
//! (one counted nsfs file per type) and the sets taken out under the lock
//! to be put after it. Recording and handing them out is `crate::ns`.

use kernel::{fs::file::File, prelude::*, sync::aref::ARef};

use crate::abi::uapi::VCTX_NS_COUNT;
use crate::model::context::Context;
use crate::model::state::Inner;

/// Namespace types (`VCTX_NS_COUNT`).
pub(crate) const COUNT: usize = VCTX_NS_COUNT as usize;


/// One held namespace.
pub(crate) struct Held {
    /// A reference to its nsfs file.
    pub(crate) file: ARef<File>,
    /// Its inode number (the namespace's `inum`).
    pub(crate) ino: u64,
}


/// The namespaces a context holds, at most one of each type. Lives in a
/// box so that taking it out under the lock moves a pointer, and boxes
/// taken from several contexts chain (`next`) without allocating.
pub(crate) struct NsSet {
    pub(crate) held: [Option<Held>; COUNT],
    pub(crate) next: Option<KBox<NsSet>>,
}


impl NsSet {
    /// The types held, as a `1 << VCTX_NS_*` mask.
    pub(crate) fn mask(&self) -> u32 {
        self.held
            .iter()
            .enumerate()
            .filter(|(_, h)| h.is_some())
            .fold(0, |m, (i, _)| m | 1 << i)
    }
}


/// Namespace sets taken out of contexts under the lock, to be dropped
/// (their files put) after it is released.
#[derive(Default)]
pub(crate) struct Released(pub(crate) Option<KBox<NsSet>>);


impl Released {
    pub(crate) fn push(&mut self, mut set: KBox<NsSet>) {
        set.next = self.0.take();
        self.0 = Some(set);
    }
}


/// Takes the namespaces of `ctx` and its ancestors whose subtree is empty
/// now (the exit hook's "emptied" path) into `out`.
pub(crate) fn release_emptied(inner: &mut Inner, ctx: &Context, out: &mut Released) {
    for c in ctx.ancestors_and_self() {
        let cst = c.st.access_mut(inner);
        if cst.subtree_processes() != 0 {
            break;
        }
        if let Some(set) = cst.ns.take() {
            out.push(set);
        }
    }
}

/// Takes the namespaces of `ctx` (destroy) into `out`.
pub(crate) fn release(inner: &mut Inner, ctx: &Context, out: &mut Released) {
    if let Some(set) = ctx.st.access_mut(inner).ns.take() {
        out.push(set);
    }
}
