// SPDX-License-Identifier: GPL-2.0

//! `release_task(struct task_struct *p)` (`kernel/exit.c`, also called from
//! `ptrace.c` and `exec.c`): a task is reaped. When it is the leader of a
//! member process that has exited, the process leaves the exited table
//! (`lifecycle::on_reap`): until then its zombie is in its context.
//! Observes only: the original always runs. Runs in task context (the
//! reaper, or the exiting task itself when nobody waits).

use kernel::prelude::*;

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::{lifecycle, model::state, kern::task};

ftrace_callback! {
    /// `release_task(p)`: forget `p`'s zombie, if it was a member's.
    fn on_release_task(fregs) {
        let Some(st) = state::get() else { return };
        if st.nr_exited.load(kernel::sync::atomic::Relaxed) == 0 || !task::in_task() {
            return;
        }
        // SAFETY: `fregs` are this invocation's registers.
        let p = unsafe { Call::new(fregs) }.arg(0) as *mut kernel::bindings::task_struct;
        // SAFETY: arg 0 is the task being released, valid for the call.
        unsafe { lifecycle::on_reap(st, p) };
    }
}

pub(super) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"release_task", on_release_task)
}
