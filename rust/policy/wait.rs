// SPDX-License-Identifier: GPL-2.0

//! Waiting for a context's subtree to empty.

use kernel::{
    prelude::*,
    sync::{Arc, CondVarTimeoutResult},
    time::Jiffies,
};

use crate::model::context::Context;
use crate::model::state::State;

/// Sleeps (interruptibly) until `ctx`'s subtree has no member process.
/// `None` waits for ever. Returns false on timeout; a signal ends the wait
/// with ERESTARTSYS.
pub(crate) fn until_empty(state: &State, ctx: &Arc<Context>, timeout: Option<Jiffies>) -> Result<bool> {
    let mut remaining = timeout;
    let mut inner = state.lock.lock();
    loop {
        if ctx.st.access(&inner).subtree_processes() == 0 {
            return Ok(true);
        }
        match remaining {
            None => {
                if state.emptied.wait_interruptible(&mut inner) {
                    return Err(ERESTARTSYS);
                }
            }
            Some(0) => return Ok(false),
            Some(j) => match state.emptied.wait_interruptible_timeout(&mut inner, j) {
                CondVarTimeoutResult::Timeout => remaining = Some(0),
                CondVarTimeoutResult::Woken { jiffies } => remaining = Some(jiffies),
                CondVarTimeoutResult::Signal { .. } => return Err(ERESTARTSYS),
            },
        }
    }
}
