// SPDX-License-Identifier: GPL-2.0

//! Fork and exit: membership follows processes through the scheduler's
//! process tracepoints.
//!
//! Prototypes (7.3, `include/trace/events/sched.h`), pinned here and
//! exercised by the guest suites (a changed prototype fails them):
//! - `sched_process_fork(struct task_struct *parent, struct task_struct *child)`
//! - `sched_process_exit(struct task_struct *p, bool group_dead)`
//! - `sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)`

use core::ffi::c_void;
use kernel::{bindings, prelude::*};

use super::tracepoint::Probe;
use crate::{lifecycle, model::state};

/// # Safety
///
/// Called by the tracepoint with valid tasks.
unsafe extern "C" fn fork_probe(
    _data: *mut c_void,
    parent: *mut bindings::task_struct,
    child: *mut bindings::task_struct,
) {
    let Some(st) = state::get() else { return };
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return;
    }
    // SAFETY: the tracepoint passes valid tasks.
    unsafe { lifecycle::on_fork(st, parent, child) };
}

/// # Safety
///
/// Called by the tracepoint, in the exiting task `p`.
unsafe extern "C" fn exit_probe(_data: *mut c_void, p: *mut bindings::task_struct, group_dead: bool) {
    let Some(st) = state::get() else { return };
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return;
    }
    // SAFETY: `sched_process_exit` fires in `do_exit()` of `p` itself
    // (current), before `exit_mm()` (7.3: kernel/exit.c).
    unsafe { lifecycle::on_exit(st, p, group_dead) };
}

/// # Safety
///
/// Called by the tracepoint, in the task that has just exec'd.
unsafe extern "C" fn exec_probe(
    _data: *mut c_void,
    _p: *mut bindings::task_struct,
    _old_pid: i32,
    _bprm: *mut c_void,
) {
    let Some(st) = state::get() else { return };
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return;
    }
    lifecycle::on_exec(st);
}

pub(super) fn register_exec() -> Result<Probe> {
    // SAFETY: as below, for `sched_process_exec`.
    unsafe { Probe::register(c"sched_process_exec", exec_probe as *mut c_void) }
}

pub(super) fn register_fork() -> Result<Probe> {
    // SAFETY: `fork_probe` has the tracepoint's prototype after the data
    // pointer, and lives as long as the module.
    unsafe { Probe::register(c"sched_process_fork", fork_probe as *mut c_void) }
}

pub(super) fn register_exit() -> Result<Probe> {
    // SAFETY: as above, for `sched_process_exit`.
    unsafe { Probe::register(c"sched_process_exit", exit_probe as *mut c_void) }
}
