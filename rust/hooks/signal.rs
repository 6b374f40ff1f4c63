// SPDX-License-Identifier: GPL-2.0

//! Signals and ptrace across the boundary fail as if the target did not
//! exist (ESRCH).
//!
//! - `security_task_kill(p, info, sig, cred)`: every user-sent signal
//!   (`kill`, `tgkill`, `pidfd_send_signal`, `kill(-pgrp)`, `kill(-1)`)
//!   passes it in `check_kill_permission()`, for each target.
//! - `security_ptrace_access_check(child, mode)`: ptrace attach and seize,
//!   and every `ptrace_may_access()` (`/proc/<pid>/mem`,
//!   `process_vm_readv`, `pidfd_getfd`, ...), for a target that is not the
//!   caller's own thread group.
//! - `mm_access(task, mode)` (`kernel/fork.c`): where another process's
//!   address space is taken (`process_madvise`, `process_vm_readv`,
//!   `/proc/<pid>/{mem,maps,environ}`). For `PTRACE_MODE_READ` it lets
//!   `perfmon_capable()` (CAP_PERFMON or CAP_SYS_ADMIN) through without
//!   asking `ptrace_may_access()`, so a context's root with those in its
//!   mask and a pidfd of an outside process would reach its memory:
//!   refused with ERR_PTR(-ESRCH) here, whatever the capabilities.
//!
//! - `kill_pid_info_type(sig, info, pid, type)` (static, `kernel/signal.c`):
//!   `kill(pid)`, `rt_sigqueueinfo` and `pidfd_send_signal` go through it.
//!   It retries for ever when `group_send_sig_info()` says ESRCH for a task
//!   that still exists (it takes that for a race with exit), so an invisible
//!   target must be refused here, before the loop, not in the LSM hook.
//!
//! The two `security_*` functions are LSM hooks: overriding their entry is
//! the module-only way to make an LSM decision on an unpatched kernel
//! (`Documentation/hooks.rst`).

use kernel::{ffi::c_long, prelude::*};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use super::guard::{guard_found, guard_task_arg};
use crate::kern::task::TaskRef;
use crate::policy::isolation::Access;

ftrace_callback! {
    /// `security_task_kill(p, info, sig, cred)`: -ESRCH.
    fn on_task_kill(fregs) {
        // SAFETY: arg 0 is the target task.
        unsafe { guard_task_arg(fregs, 0, Access::Touch, ESRCH.to_errno() as c_long) };
    }
}

ftrace_callback! {
    /// `security_ptrace_access_check(child, mode)`: -ESRCH.
    fn on_ptrace_access_check(fregs) {
        // SAFETY: arg 0 is the target task.
        unsafe { guard_task_arg(fregs, 0, Access::Touch, ESRCH.to_errno() as c_long) };
    }
}

ftrace_callback! {
    /// `mm_access(task, mode)`: ERR_PTR(-ESRCH).
    fn on_mm_access(fregs) {
        // SAFETY: arg 0 is the task whose mm the caller (holding a
        // reference to it) wants.
        unsafe { guard_task_arg(fregs, 0, Access::Touch, ESRCH.to_errno() as c_long) };
    }
}

ftrace_callback! {
    /// `kill_pid_info_type(sig, info, pid, type)`: -ESRCH before its loop.
    fn on_kill_pid_info_type(fregs) {
        let find = |call: &Call| {
            // SAFETY: arg 2 is a valid `struct pid` the caller holds.
            unsafe { TaskRef::of_pid(call.arg(2) as *mut kernel::bindings::pid) }
        };
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::Touch, ESRCH.to_errno() as c_long) };
    }
}

/// The four overrides.
#[pin_data]
pub(crate) struct SignalHooks {
    #[pin]
    kill_pid: FtraceHook,
    #[pin]
    kill: FtraceHook,
    #[pin]
    ptrace: FtraceHook,
    #[pin]
    mm: FtraceHook,
}

impl SignalHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            kill_pid <- FtraceHook::new(c"kill_pid_info_type", on_kill_pid_info_type),
            kill <- FtraceHook::new(c"security_task_kill", on_task_kill),
            ptrace <- FtraceHook::new(c"security_ptrace_access_check", on_ptrace_access_check),
            mm <- FtraceHook::new(c"mm_access", on_mm_access),
        })
    }
}
