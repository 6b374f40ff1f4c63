// SPDX-License-Identifier: GPL-2.0

//! Priorities of a process group or a user's processes: the loops of
//! `setpriority`, `ioprio_set` and `ioprio_get` over `PRIO_PGRP` /
//! `PRIO_USER` (`IOPRIO_WHO_PGRP` / `IOPRIO_WHO_USER`) meet every process
//! of the group or user, inside the caller's subtree or not; the ones
//! outside are left alone (`Documentation/barriers.rst`). A single process
//! by number is refused earlier, by the lookup (`hooks/lookup.rs`).
//!
//! - `security_task_setnice(p, nice)` (LSM hook, `set_one_prio()` in
//!   `kernel/sys.c`) and `set_user_nice(p, nice)` (`kernel/sched/`, called
//!   from `sys.c` right after it): for an outside `p` the first answers 0
//!   without running and records (caller, `p`); the second, finding the
//!   record, returns without running. `p` keeps its nice value and the
//!   loop's answer is what the caller's own processes make it (an error
//!   from the first would be the call's answer whenever `p` came last).
//!   Kernel-internal `set_user_nice()` calls (workqueue workers, binder)
//!   have no record and run untouched;
//! - `set_task_ioprio(p, ioprio)` (`block/blk-ioc.c`, called from
//!   `block/ioprio.c`): 0 without running, so the loop goes on to the next
//!   process and `p` keeps its I/O priority (an error would end the loop);
//! - `security_task_getioprio(p)` (LSM hook): -ESRCH, which the loops of
//!   `ioprio_get` skip;
//! - `__x64_sys_getpriority(regs)`: its loops read `task_nice()` inline,
//!   with nothing out of line to hook, so for a member the whole call runs
//!   the shim's copy (`shim_barrier.c`), which skips each process the
//!   caller may not name. The host's calls run the kernel's untouched.

use kernel::{ffi::c_long, prelude::*};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use super::guard::guard_task_arg;
use crate::model::state;
use crate::policy::isolation::{self, Access};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_getpriority_redirect(fregs: *mut kernel::bindings::ftrace_regs);
}

ftrace_callback! {
    /// `__x64_sys_getpriority(regs)`: a member's runs the filtered copy.
    fn on_getpriority(fregs) {
        let Some(st) = state::get() else { return };
        if isolation::caller_is_member(st) {
            // SAFETY: the registers of a call of `__x64_sys_getpriority`,
            // whose replacement has the same prototype.
            unsafe { vctx_getpriority_redirect(fregs) };
        }
    }
}

ftrace_callback! {
    /// `security_task_setnice(p, nice)`: for an outside `p`, 0 without
    /// running and the `set_user_nice(p)` that follows skipped; -ESRCH if
    /// that cannot be arranged.
    fn on_setnice(fregs) {
        let Some(st) = state::get() else { return };
        // SAFETY: `fregs` are this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        let p = call.arg(0) as *mut kernel::bindings::task_struct;
        // SAFETY: arg 0 is the target task, valid for the call.
        if unsafe { isolation::allowed(st, p, Access::Touch) } {
            return;
        }
        if isolation::defer_nice_skip(st, p) {
            call.return_value(0);
        } else {
            call.fail(ESRCH);
        }
    }
}

ftrace_callback! {
    /// `set_user_nice(p, nice)`: skipped if `on_setnice` said so.
    fn on_set_user_nice(fregs) {
        let Some(st) = state::get() else { return };
        // SAFETY: `fregs` are this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        if isolation::take_nice_skip(st, call.arg(0) as *mut kernel::bindings::task_struct) {
            // A void function: the stub only returns.
            call.return_value(0);
        }
    }
}

ftrace_callback! {
    /// `set_task_ioprio(p, ioprio)`: 0, unchanged.
    fn on_set_ioprio(fregs) {
        // SAFETY: arg 0 is the target task.
        unsafe { guard_task_arg(fregs, 0, Access::Touch, 0) };
    }
}

ftrace_callback! {
    /// `security_task_getioprio(p)`: -ESRCH.
    fn on_getioprio(fregs) {
        // SAFETY: arg 0 is the target task.
        unsafe { guard_task_arg(fregs, 0, Access::Touch, ESRCH.to_errno() as c_long) };
    }
}

/// The five overrides.
#[pin_data]
pub(crate) struct PrioHooks {
    #[pin]
    getpriority: FtraceHook,
    #[pin]
    set_user_nice: FtraceHook,
    #[pin]
    setnice: FtraceHook,
    #[pin]
    set_ioprio: FtraceHook,
    #[pin]
    getioprio: FtraceHook,
}

impl PrioHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            getpriority <- FtraceHook::new(c"__x64_sys_getpriority", on_getpriority),
            setnice <- FtraceHook::new(c"security_task_setnice", on_setnice),
            set_user_nice <- FtraceHook::new(c"set_user_nice", on_set_user_nice),
            set_ioprio <- FtraceHook::new(c"set_task_ioprio", on_set_ioprio),
            getioprio <- FtraceHook::new(c"security_task_getioprio", on_getioprio),
        })
    }
}
