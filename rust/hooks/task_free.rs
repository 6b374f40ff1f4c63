// SPDX-License-Identifier: GPL-2.0

//! `security_task_free(struct task_struct *task)`: called for every task
//! freed (often from an RCU callback, in softirq context), and on the
//! error path of `copy_process()`, in the forking task, for a task that
//! was admitted but is never born. Only that second case has a limit
//! reservation to release (`model/pending.rs`); the hook does nothing outside
//! task context, where the state lock must not be taken. Observes only:
//! the original always runs.

use kernel::prelude::*;

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::{model::pending, model::state, kern::task};

ftrace_callback! {
    /// `security_task_free(task)`: drop `task`'s reservation, if any.
    fn on_task_free(fregs) {
        let Some(st) = state::get() else { return };
        // Tasks freed from a softirq (RCU) were born and have no
        // reservation; the state lock is never taken there.
        if st.nr_pending.load(kernel::sync::atomic::Relaxed) == 0 || !task::in_task() {
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
