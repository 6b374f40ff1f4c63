// SPDX-License-Identifier: GPL-2.0

//! Process lookups by number: a process outside the caller's subtree is
//! not found, exactly as a free number (`Documentation/barriers.rst`).
//!
//! Every syscall that names a process by number finds it through one of
//! these (7.3, `kernel/pid.c`), called from other translation units, so
//! they exist out of line on every build (gcc's too):
//! - `find_task_by_vpid(nr)`: `get/setpriority`, `prlimit64`, every
//!   `sched_*` call, `getsid`, `getpgid`, `setpgid`, `ioprio_*`, `kcmp`,
//!   `get_robust_list`, `migrate_pages`, `perf_event_open`, `capget`, ...
//! - `find_get_task_by_vpid(nr)`: `process_vm_readv/writev`, `move_pages`,
//!   `ptrace`, ... (it may inline `find_task_by_vpid`, so it is hooked too);
//! - `find_vpid(nr)` and `find_get_pid(nr)`: a process group or session by
//!   number (`PRIO_PGRP`, `IOPRIO_WHO_PGRP`, `setpgid`'s group, `kill`,
//!   `waitid`), and `pidfd_open`;
//! - `pidfd_prepare(pid, flags, file)` (`kernel/fork.c`, called from
//!   `pid.c`): the last step of `pidfd_open`, in case the lookups above
//!   are inlined into it; also `SO_PEERPIDFD`, `SCM_PIDFD` and fanotify's
//!   pidfds of an outside process. A pidfd is how `pidfd_getfd`,
//!   `pidfd_send_signal`, `process_madvise` and `setns` name a process:
//!   without one for an outside process, they cannot reach it.
//!
//! Each callback looks the number up itself (through the shim, with
//! functions vctx does not hook) and, for a process the caller may not
//! name, makes the lookup return NULL (or -ESRCH) without running; the
//! syscall then answers what it answers for a free number.

use kernel::{ffi::c_long, prelude::*};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use super::guard::guard_found;
use crate::kern::task::TaskRef;
use crate::policy::isolation::Access;

ftrace_callback! {
    /// `find_task_by_vpid(nr)`, `find_get_task_by_vpid(nr)`: NULL.
    fn on_find_task(fregs) {
        let find = |call: &Call| TaskRef::of_vnr(call.arg(0) as i32);
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::Touch, 0) };
    }
}

ftrace_callback! {
    /// `find_vpid(nr)`, `find_get_pid(nr)`: NULL.
    fn on_find_pid(fregs) {
        let find = |call: &Call| TaskRef::owner_of_vnr(call.arg(0) as i32);
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::Touch, 0) };
    }
}

ftrace_callback! {
    /// `pidfd_prepare(pid, flags, ret_file)`: -ESRCH.
    fn on_pidfd_prepare(fregs) {
        let find = |call: &Call| {
            // SAFETY: arg 0 is the `struct pid` the caller holds a
            // reference to. A child being cloned with CLONE_PIDFD has no
            // task attached yet: nothing to refuse.
            unsafe { TaskRef::owner_of_pid(call.arg(0) as *mut kernel::bindings::pid) }
        };
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::Touch, ESRCH.to_errno() as c_long) };
    }
}

/// The five overrides.
#[pin_data]
pub(crate) struct LookupHooks {
    #[pin]
    find_task: FtraceHook,
    #[pin]
    find_get_task: FtraceHook,
    #[pin]
    find_vpid: FtraceHook,
    #[pin]
    find_get_pid: FtraceHook,
    #[pin]
    pidfd_prepare: FtraceHook,
}

impl LookupHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            find_task <- FtraceHook::new(c"find_task_by_vpid", on_find_task),
            find_get_task <- FtraceHook::new(c"find_get_task_by_vpid", on_find_task),
            find_vpid <- FtraceHook::new(c"find_vpid", on_find_pid),
            find_get_pid <- FtraceHook::new(c"find_get_pid", on_find_pid),
            pidfd_prepare <- FtraceHook::new(c"pidfd_prepare", on_pidfd_prepare),
        })
    }
}
