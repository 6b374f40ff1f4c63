// SPDX-License-Identifier: GPL-2.0

//! Questions to the membership table ([`Inner::members`]), under the state
//! lock: which context a process is in, and the member processes of a
//! subtree. Joining and leaving are `crate::lifecycle`.

use kernel::{prelude::*, sync::Arc};

use crate::kern::task::{GroupKey, PidRef};
use crate::model::context::Context;
use crate::model::state::Inner;

/// The context of the process whose group key is `key` (the root if none).
pub(crate) fn context_of(inner: &Inner, key: GroupKey) -> Result<Arc<Context>> {
    match inner.members.get(&key) {
        Some(m) => Ok(m.ctx.clone()),
        None => Ok(inner.root()?.clone()),
    }
}

/// Appends to `out` (within its capacity) a reference to every member
/// process in `ctx`'s subtree that is not in `skip`; returns how many did
/// not fit.
pub(crate) fn collect(inner: &Inner, ctx: &Context, skip: &[PidRef], out: &mut KVec<PidRef>) -> usize {
    let mut missed = 0;
    for m in inner.members.values() {
        if !m.ctx.is_within(ctx) || skip.iter().any(|p| p.same(&m.pid)) {
            continue;
        }
        if out.push_within_capacity(m.pid.clone_ref()).is_err() {
            missed += 1;
        }
    }
    missed
}
