// SPDX-License-Identifier: GPL-2.0

//! `/proc` visibility: processes outside the caller's subtree disappear.
//!
//! Three points of `fs/proc/base.c` (7.3), each the narrowest that covers
//! one way in, all taking the task (or its inode) as an argument:
//! - `has_pid_permissions(fs_info, task, hide_pid_min)`: asked by readdir
//!   of `/proc` for every pid and by `stat()` of `/proc/<pid>`; returning
//!   false hides the pid from `ls` and makes `stat` ENOENT, as
//!   `hidepid=invisible` does, on every procfs mount.
//! - `proc_pid_instantiate(dentry, task, ptr)`: called by the lookup of
//!   `/proc/<pid>`; failing it with `ERR_PTR(-ENOENT)` makes the lookup,
//!   and so everything under the pid, ENOENT.
//! - `proc_pid_permission(idmap, inode, mask)`: the permission check of a
//!   `/proc/<pid>` directory whose dentry is already cached (looked up
//!   earlier by someone who could see it): ENOENT too, so a cached dentry
//!   does not leak the pid as EPERM.
//!
//! All three are static functions: if the kernel inlines or renames one,
//! the module refuses to load (`Documentation/hooks.rst`).

use kernel::{ffi::c_long, prelude::*};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use super::guard::{guard_found, guard_task_arg};
use crate::isolation::Access;
use crate::task::TaskRef;

ftrace_callback! {
    /// `has_pid_permissions(fs_info, task, hide_pid_min)`: false hides it.
    fn on_has_pid_permissions(fregs) {
        // SAFETY: arg 1 is the task. Returning 0 is returning false.
        unsafe { guard_task_arg(fregs, 1, Access::See, 0) };
    }
}

ftrace_callback! {
    /// `proc_pid_instantiate(dentry, task, ptr)`: ERR_PTR(-ENOENT).
    fn on_proc_pid_instantiate(fregs) {
        // SAFETY: arg 1 is the task.
        unsafe { guard_task_arg(fregs, 1, Access::See, ENOENT.to_errno() as c_long) };
    }
}

ftrace_callback! {
    /// `proc_pid_permission(idmap, inode, mask)`: -ENOENT.
    fn on_proc_pid_permission(fregs) {
        let find = |call: &Call| {
            // SAFETY: arg 1 is a valid inode of a `/proc/<pid>` directory.
            unsafe { TaskRef::of_proc_inode(call.arg(1) as *mut core::ffi::c_void) }
        };
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::See, ENOENT.to_errno() as c_long) };
    }
}

/// The three overrides.
#[pin_data]
pub(crate) struct ProcHooks {
    #[pin]
    has_pid_permissions: FtraceHook,
    #[pin]
    instantiate: FtraceHook,
    #[pin]
    permission: FtraceHook,
}

impl ProcHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            has_pid_permissions <- FtraceHook::new(c"has_pid_permissions", on_has_pid_permissions),
            instantiate <- FtraceHook::new(c"proc_pid_instantiate", on_proc_pid_instantiate),
            permission <- FtraceHook::new(c"proc_pid_permission", on_proc_pid_permission),
        })
    }
}
