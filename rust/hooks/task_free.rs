// SPDX-License-Identifier: GPL-2.0

//! `security_task_free(struct task_struct *task)`: called for every task
//! freed, and on the error path of `copy_process()` for a task that was
//! admitted but is never born. Releases its limit reservation
//! (`pending.rs`). Observes only: the original always runs.

use kernel::prelude::*;

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::{pending, state};

ftrace_callback! {
    /// `security_task_free(task)`: drop `task`'s reservation, if any.
    fn on_task_free(fregs) {
        let Some(st) = state::get() else { return };
        if st.nr_pending.load(kernel::sync::atomic::Relaxed) == 0 {
            return;
        }
        // SAFETY: `fregs` are this invocation's registers.
        let task = unsafe { Call::new(fregs) }.arg(0);
        pending::on_task_free(st, task);
    }
}

pub(super) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"security_task_free", on_task_free)
}
