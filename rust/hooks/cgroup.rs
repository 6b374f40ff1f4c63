// SPDX-License-Identifier: GPL-2.0

//! The cgroup hooks (issue 13): members stay in their context's cgroup and
//! do not change cgroups outside it (`crate::cgroup::binding` decides).
//!
//! - `cgroup_attach_task(struct cgroup *dst, struct task_struct *leader,
//!   bool threadgroup)`: every migration by `cgroup.procs`/`cgroup.threads`
//!   (v2 and v1) and `cgroup_attach_task_all`; called with `cgroup_mutex`
//!   held, from `kernel/cgroup/cgroup.c` and `cgroup-v1.c` (non-static).
//! - `cgroup_file_write(struct kernfs_open_file *of, ...)`: every write of
//!   a cgroup interface file. Static, but only ever called through
//!   `cgroup_kf_ops`/`cgroup_kf_single_ops` (its address is taken), so it
//!   is never inlined and exists on every build.
//! - `cgroup_mkdir(struct kernfs_node *parent, ...)`, `cgroup_rmdir(struct
//!   kernfs_node *kn)`: kernfs syscall ops (non-static, cgroup-internal.h).
//!
//! All run in task context with no spinlock held; the callbacks take only
//! the state lock.

use core::ffi::c_void;

use kernel::{bindings, prelude::*};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::{cgroup::binding, model::state};

extern "C" {
    fn vctx_kof_cgroup(of: *mut c_void, delegatable: *mut bool) -> *mut c_void;
    fn vctx_kn_cgroup(kn: *mut c_void) -> *mut c_void;
}

/// Whether there is anything to decide: some process is in a context.
fn active() -> Option<&'static state::State> {
    state::get().filter(|st| st.nr_members.load(kernel::sync::atomic::Relaxed) != 0)
}

ftrace_callback! {
    /// `cgroup_attach_task(dst, leader, threadgroup)`.
    fn on_attach(fregs) {
        let Some(st) = active() else { return };
        // SAFETY: `fregs` are this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        let dst = call.arg(0) as *mut c_void;
        let leader = call.arg(1) as *mut bindings::task_struct;
        // SAFETY: by the prototype, `dst` is a live cgroup and `leader` a
        // task, both pinned by the caller (cgroup_mutex, a task reference).
        if let Err(e) = unsafe { binding::may_attach(st, dst, leader) } {
            call.fail(e);
        }
    }
}

ftrace_callback! {
    /// `cgroup_file_write(of, buf, nbytes, off)`.
    fn on_file_write(fregs) {
        let Some(st) = active() else { return };
        // SAFETY: `fregs` are this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        let mut delegatable = false;
        // SAFETY: by the prototype, arg 0 is the open file of a cgroup
        // interface file, active for the call (kernfs holds it).
        let cgrp = unsafe { vctx_kof_cgroup(call.arg(0) as *mut c_void, &mut delegatable) };
        if cgrp.is_null() {
            return;
        }
        // SAFETY: the file's cgroup lives while the file is active.
        if let Err(e) = unsafe { binding::may_change(st, cgrp, delegatable) } {
            call.fail(e);
        }
    }
}

ftrace_callback! {
    /// `cgroup_mkdir(parent_kn, name, mode)`: a child of the parent cgroup.
    fn on_mkdir(fregs) {
        let Some(st) = active() else { return };
        // SAFETY: `fregs` are this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        // SAFETY: by the prototype, arg 0 is a live cgroup directory node.
        let cgrp = unsafe { vctx_kn_cgroup(call.arg(0) as *mut c_void) };
        if cgrp.is_null() {
            return;
        }
        // SAFETY: the node's cgroup lives while the node is active.
        if let Err(e) = unsafe { binding::may_change(st, cgrp, true) } {
            call.fail(e);
        }
    }
}

ftrace_callback! {
    /// `cgroup_rmdir(kn)`: the cgroup itself.
    fn on_rmdir(fregs) {
        let Some(st) = active() else { return };
        // SAFETY: `fregs` are this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        // SAFETY: by the prototype, arg 0 is a live cgroup directory node.
        let cgrp = unsafe { vctx_kn_cgroup(call.arg(0) as *mut c_void) };
        if cgrp.is_null() {
            return;
        }
        // SAFETY: the node's cgroup lives while the node is active.
        if let Err(e) = unsafe { binding::may_change(st, cgrp, false) } {
            call.fail(e);
        }
    }
}

/// The four cgroup overrides.
#[pin_data]
pub(super) struct CgroupHooks {
    #[pin]
    attach: FtraceHook,
    #[pin]
    file_write: FtraceHook,
    #[pin]
    mkdir: FtraceHook,
    #[pin]
    rmdir: FtraceHook,
}

impl CgroupHooks {
    pub(super) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            attach <- FtraceHook::new(c"cgroup_attach_task", on_attach),
            file_write <- FtraceHook::new(c"cgroup_file_write", on_file_write),
            mkdir <- FtraceHook::new(c"cgroup_mkdir", on_mkdir),
            rmdir <- FtraceHook::new(c"cgroup_rmdir", on_rmdir),
        })
    }
}
