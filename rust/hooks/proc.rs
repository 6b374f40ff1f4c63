// SPDX-License-Identifier: GPL-2.0

//! `/proc` visibility: processes outside the caller's subtree disappear.
//!
//! Four points of `fs/proc/`, each the narrowest that covers one way in,
//! and each a real function on every build of the kernel: non-static and
//! called from another file, or reached only through a function pointer
//! (an `inode_operations` table), so no compiler can inline it away.
//! - `proc_pid_readdir(file, ctx)`: the pid part of a readdir of a procfs
//!   root (from `proc_root_readdir()`), once per getdents. The caller is
//!   decided here, once: in the root (or no member anywhere, or a
//!   spectator), the original runs untouched; a member's call runs
//!   `vctx_proc_pid_readdir()` of `shim_proc.c` instead, a copy that leaves
//!   out the processes outside the caller's subtree before any dentry work
//!   (as `hidepid=invisible` leaves out those it hides): the caller's
//!   context once per stretch of the walk ([`vctx_proc_viewer`]), then one
//!   index lookup per pid ([`vctx_proc_viewer_sees`]).
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
//! no context has members (`guard_found`). A process that becomes a member
//! while its getdents runs gets that call's listing unfiltered (as if the
//! call had finished first); every later call is filtered.

use core::ffi::c_void;

use kernel::{
    bindings,
    ffi::c_long,
    prelude::*,
    sync::{atomic::Relaxed, rcu},
};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use super::guard::guard_found;
use crate::kern::task::TaskRef;
use crate::model::context::Context;
use crate::model::state;
use crate::policy::isolation::{self, Access};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_proc_readdir_redirect(fregs: *mut bindings::ftrace_regs);
}

ftrace_callback! {
    /// `proc_pid_readdir(file, ctx)`: a filtered caller's readdir runs the
    /// shim's copy instead.
    fn on_proc_pid_readdir(fregs) {
        let Some(st) = state::get() else { return };
        // One atomic read while no context has members; one index lookup
        // (under RCU, nothing written) for a caller in the root.
        if st.nr_members.load(Relaxed) == 0 || isolation::sees_all_pids(st) {
            return;
        }
        // SAFETY: this invocation's registers, for `proc_pid_readdir()`,
        // whose prototype the replacement has.
        unsafe { vctx_proc_readdir_redirect(fregs) };
    }
}

/// For the shim's readdir of `/proc`: the caller's context if its view is
/// filtered (null: it sees everything), decided once per stretch of the pid
/// walk that the shim runs under one RCU read-side critical section.
///
/// # Safety
///
/// The caller holds `rcu_read_lock()`; the context returned is valid until
/// it drops it (index entries and the contexts they hold are freed a grace
/// period after they leave the index: `crate::model::index`).
#[no_mangle]
unsafe extern "C" fn vctx_proc_viewer() -> *const c_void {
    let Some(st) = state::get() else { return core::ptr::null() };
    let guard = rcu::read_lock();
    isolation::restricted_caller(st, &guard, Access::See)
        .map_or(core::ptr::null(), |c| core::ptr::from_ref(c).cast())
}

/// For the shim's readdir of `/proc`: whether the caller, whose context
/// [`vctx_proc_viewer`] returned, sees task `t`. One lookup in the index
/// (no lock, nothing shared written) and a walk up `t`'s context's
/// ancestors.
///
/// # Safety
///
/// `viewer` is a non-null result of [`vctx_proc_viewer`] and `t` a task
/// from `pid_task()`, both under the same RCU read-side critical section,
/// which is still held.
#[no_mangle]
unsafe extern "C" fn vctx_proc_viewer_sees(viewer: *const c_void, t: *mut bindings::task_struct) -> bool {
    let Some(st) = state::get() else { return true };
    // SAFETY: a context valid while the caller's RCU read lock is held, by
    // the function's contract.
    let mine = unsafe { &*viewer.cast::<Context>() };
    let guard = rcu::read_lock();
    // SAFETY: `t` is valid under the RCU read lock, by the contract.
    unsafe { isolation::reaches(st, &guard, mine, t) }
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
    readdir: FtraceHook,
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
            readdir <- FtraceHook::new(c"proc_pid_readdir", on_proc_pid_readdir),
            lookup <- FtraceHook::new(c"proc_pid_lookup", on_proc_pid_lookup),
            getattr <- FtraceHook::new(c"pid_getattr", on_pid_getattr),
            permission <- FtraceHook::new(c"proc_pid_permission", on_proc_pid_permission),
        })
    }
}
