// SPDX-License-Identifier: GPL-2.0

//! `reboot(2)` from a member never reaches the machine (`crate::policy::reboot`).
//! The syscall wrapper is hooked, as for `sysinfo(2)` (x86-64: the
//! arguments are in the `pt_regs` its first argument points to). Outside
//! contexts, and in a pid namespace other than the initial one, the call
//! runs untouched; for a member the verdict is a refusal (a deny stub) or
//! the shim's replacement, which ends the context in process context.

use kernel::{bindings, prelude::*, sync::atomic::Relaxed};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::policy::reboot::{verdict, Verdict};
use crate::{model::state, kern::task};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_reboot_args(regs: *const bindings::pt_regs, m1: *mut i32, m2: *mut i32, cmd: *mut u32);
    fn vctx_in_init_pid_ns() -> bool;
    fn vctx_euid_is_root() -> bool;
    fn vctx_reboot_redirect(fregs: *mut bindings::ftrace_regs);
}

ftrace_callback! {
    /// `__x64_sys_reboot(regs)`: a member's call refused or redirected.
    fn on_reboot(fregs) {
        let Some(st) = state::get() else { return };
        if st.nr_members.load(Relaxed) == 0 || !task::in_task() {
            return;
        }
        // SAFETY: no preconditions (reads current's pid namespace).
        if !unsafe { vctx_in_init_pid_ns() } {
            return;
        }
        let key = task::current_key();
        if !st.is_member(key) {
            return;
        }
        // SAFETY: this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        let (mut m1, mut m2, mut cmd) = (0i32, 0i32, 0u32);
        // SAFETY: argument 0 of `__x64_sys_reboot` is the syscall's valid
        // `pt_regs`; the outputs are valid for a write.
        unsafe { vctx_reboot_args(call.arg(0) as *const bindings::pt_regs, &mut m1, &mut m2, &mut cmd) };
        // SAFETY: no preconditions (reads current's credentials).
        let root = unsafe { vctx_euid_is_root() };
        match verdict(m1 as u32, m2 as u32, cmd, root) {
            Verdict::Fail(e) => call.fail(e),
            // SAFETY: this invocation's registers, of `__x64_sys_reboot`,
            // whose replacement has its prototype.
            Verdict::End(_) => unsafe { vctx_reboot_redirect(fregs) },
        }
    }
}

/// Hooks `__x64_sys_reboot`.
pub(crate) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"__x64_sys_reboot", on_reboot)
}
