// SPDX-License-Identifier: GPL-2.0

//! `/proc` visibility: processes outside the caller's subtree disappear.
//!
//! Four points of `fs/proc/`, each the narrowest that covers one way in,
//! and each a real function on every build of the kernel: non-static and
//! called from another file, or reached only through a function pointer
//! (an `inode_operations` table), so no compiler can inline it away.
//! - `proc_fill_cache(file, ctx, name, len, instantiate, task, ptr)`: in
//!   the root of a procfs mount it is called by `proc_pid_readdir()` once
//!   per pid; returning true without running skips the pid and goes on, so
//!   `ls /proc` does not show it (as `hidepid=invisible` would).
//! - `proc_pid_lookup(dentry, flags)`: the lookup of `/proc/<pid>` (from
//!   `proc_root_lookup()`); `ERR_PTR(-ENOENT)` makes the pid and everything
//!   under it ENOENT.
//! - `pid_getattr(idmap, path, stat, mask, flags)`: `stat()` of
//!   `/proc/<pid>` and of everything under it whose dentry is cached:
//!   ENOENT.
//! - `proc_pid_permission(idmap, inode, mask)` (static, only ever called
//!   through the `.permission` of the pid and task directories): a
//!   `/proc/<pid>` dentry already cached (looked up earlier by someone who
//!   could see it) skips the lookup: ENOENT too, not EPERM, which would
//!   leak the pid.
//!
//! The caller is decided once per call and the checks stop at once while
//! no context has members (`guard_found`).

use core::ffi::c_void;

use kernel::{bindings, ffi::c_long, prelude::*, sync::atomic::Relaxed};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use super::guard::{guard, guard_found};
use crate::kern::task::TaskRef;
use crate::model::state;
use crate::policy::isolation::Access;

extern "C" {
    fn vctx_proc_is_root_dir(file: *const c_void) -> bool;
}

ftrace_callback! {
    /// `proc_fill_cache(...)` in a procfs root: true (go on) skips the pid.
    fn on_proc_fill_cache(fregs) {
        // Every entry of every `/proc/<pid>/...` listing passes here too:
        // nothing is looked at while no context has members.
        if state::get().is_none_or(|st| st.nr_members.load(Relaxed) == 0) {
            return;
        }
        // SAFETY: this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        // SAFETY: arg 0 is the directory being read (a procfs file).
        if !unsafe { vctx_proc_is_root_dir(call.arg(0) as *const c_void) } {
            return;
        }
        // SAFETY: arg 5 is the pid's task, which `proc_pid_readdir()` holds
        // a reference to for the call.
        unsafe { guard(&call, call.arg(5) as *mut bindings::task_struct, Access::See, 1) };
    }
}

ftrace_callback! {
    /// `proc_pid_lookup(dentry, flags)`: ERR_PTR(-ENOENT).
    fn on_proc_pid_lookup(fregs) {
        let find = |call: &Call| {
            // SAFETY: arg 0 is the dentry looked up in a procfs root.
            unsafe { TaskRef::of_proc_lookup(call.arg(0) as *const c_void) }
        };
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::See, ENOENT.to_errno() as c_long) };
    }
}

ftrace_callback! {
    /// `pid_getattr(idmap, path, stat, mask, flags)`: -ENOENT.
    fn on_pid_getattr(fregs) {
        let find = |call: &Call| {
            // SAFETY: arg 1 is the path of a procfs pid inode.
            unsafe { TaskRef::of_proc_path(call.arg(1) as *const c_void) }
        };
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::See, ENOENT.to_errno() as c_long) };
    }
}

ftrace_callback! {
    /// `proc_pid_permission(idmap, inode, mask)`: -ENOENT.
    fn on_proc_pid_permission(fregs) {
        let find = |call: &Call| {
            // SAFETY: arg 1 is a valid inode of a `/proc/<pid>` directory.
            unsafe { TaskRef::of_proc_inode(call.arg(1) as *mut c_void) }
        };
        // SAFETY: `find` reads the argument the prototype says it is.
        unsafe { guard_found(fregs, find, Access::See, ENOENT.to_errno() as c_long) };
    }
}

/// The four overrides.
#[pin_data]
pub(crate) struct ProcHooks {
    #[pin]
    fill_cache: FtraceHook,
    #[pin]
    lookup: FtraceHook,
    #[pin]
    getattr: FtraceHook,
    #[pin]
    permission: FtraceHook,
}

impl ProcHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            fill_cache <- FtraceHook::new(c"proc_fill_cache", on_proc_fill_cache),
            lookup <- FtraceHook::new(c"proc_pid_lookup", on_proc_pid_lookup),
            getattr <- FtraceHook::new(c"pid_getattr", on_pid_getattr),
            permission <- FtraceHook::new(c"proc_pid_permission", on_proc_pid_permission),
        })
    }
}
