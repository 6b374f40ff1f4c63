// SPDX-License-Identifier: GPL-2.0

//! The one decision every isolation override makes: may the caller reach
//! the task this call is about? If not, the call returns a verdict.

use kernel::{bindings, ffi::c_long};

use super::ftrace::Call;
use crate::kern::task::TaskRef;
use crate::model::state;
use crate::policy::isolation::{self, Access};

/// Makes the hooked call return `ret` without running unless the calling
/// process may `access` task `t`.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(super) unsafe fn guard(call: &Call, t: *mut bindings::task_struct, access: Access, ret: c_long) {
    let Some(st) = state::get() else { return };
    // SAFETY: valid task, by the function's contract.
    if !unsafe { isolation::allowed(st, t, access) } {
        call.return_value(ret);
    }
}

/// [`guard`] for a hooked function whose argument `n` is the task.
///
/// # Safety
///
/// `fregs` are the registers of an ftrace callback for a function whose
/// argument `n` is a valid `struct task_struct *`.
pub(super) unsafe fn guard_task_arg(
    fregs: *mut bindings::ftrace_regs,
    n: u32,
    access: Access,
    ret: c_long,
) {
    // SAFETY: this invocation's registers, by the function's contract.
    let call = unsafe { Call::new(fregs) };
    let t = call.arg(n) as *mut bindings::task_struct;
    // SAFETY: argument `n` is a valid task, by the function's contract.
    unsafe { guard(&call, t, access, ret) };
}

/// [`guard`] for a hooked function whose task `find` derives from the
/// call's arguments (and holds a reference to); nothing is looked up while
/// no context has members, and the target is not looked for when the
/// caller reaches every process (one index lookup: the host's cost).
///
/// # Safety
///
/// `fregs` are the registers of an ftrace callback, and `find` may rely on
/// what the hooked function's prototype says of its arguments.
pub(super) unsafe fn guard_found(
    fregs: *mut bindings::ftrace_regs,
    find: impl FnOnce(&Call) -> Option<TaskRef>,
    access: Access,
    ret: c_long,
) {
    let Some(st) = state::get() else { return };
    if st.nr_members.load(kernel::sync::atomic::Relaxed) == 0 {
        return;
    }
    // The caller's context, once, under RCU (`crate::model::index`).
    let guard = kernel::sync::rcu::read_lock();
    let Some(mine) = isolation::restricted_caller(st, &guard, access) else { return };
    // SAFETY: this invocation's registers, by the function's contract.
    let call = unsafe { Call::new(fregs) };
    // `find` takes a reference without sleeping (`get_pid_task()`).
    let Some(t) = find(&call) else { return };
    // SAFETY: `t` is valid while its reference is held; the caller's own
    // process is in `mine`, so it always reaches itself.
    if !unsafe { isolation::reaches(st, &guard, mine, t.as_ptr()) } {
        call.return_value(ret);
    }
}
