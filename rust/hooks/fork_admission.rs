// SPDX-License-Identifier: GPL-2.0

//! Fork admission: `security_task_alloc(struct task_struct *task, u64
//! clone_flags)` runs in the parent early in `copy_process()`, before the
//! child is visible. Failing it fails the fork with that error and nothing
//! to undo (copy_process skips `security_task_free` for it).
//!
//! Denied (EAGAIN): any task creation by a process whose context subtree
//! is being killed, so that nothing escapes the sweep; and a task that
//! would take a context or an ancestor beyond its nproc (new processes:
//! no `CLONE_THREAD`) or nthreads limit (`acct/limits.rs`). Denied (EPERM):
//! `clone3(CLONE_INTO_CGROUP)` by a member (`cgroup/binding.rs`).

use kernel::{bindings, ffi::c_ulong, prelude::*};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::{cgroup::binding, lifecycle, model::state, kern::task};

ftrace_callback! {
    /// `security_task_alloc(task, clone_flags)`: -EAGAIN during a kill.
    fn on_task_alloc(fregs) {
        let Some(st) = state::get() else { return };
        if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
            return;
        }
        // SAFETY: `fregs` are this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        let process = call.arg(1) & bindings::CLONE_THREAD as c_ulong == 0;
        let child = call.arg(0);
        // SAFETY: arg 0 is the task being created, valid for the call.
        let worker = unsafe { task::is_worker(child as *mut bindings::task_struct) };
        let into_cgroup = call.arg(1) as u64 & binding::CLONE_INTO_CGROUP != 0;
        if let Err(e) = lifecycle::admit_fork(st, child, process, !worker, into_cgroup) {
            call.fail(e);
        }
    }
}

pub(super) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"security_task_alloc", on_task_alloc)
}
