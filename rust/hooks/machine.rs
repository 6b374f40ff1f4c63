// SPDX-License-Identifier: GPL-2.0

//! Machine-wide state that file permissions alone guard is closed to
//! members: root in a context is not root of the machine
//! (`Documentation/barriers.rst`). Each hook is the function that does the
//! change, so every way in (an fd opened on the host and passed in,
//! `splice`, io_uring) meets it; none is on a hot path.
//!
//! - `proc_sys_write(iocb, iter)` (static, `fs/proc/proc_sysctl.c`, the
//!   `write_iter` of every `/proc/sys` file, so never inlined): -EPERM,
//!   unless the entry belongs to a non-initial namespace
//!   (`vctx_sysctl_write_is_ns` in the shim: net.* of its own net
//!   namespace, the ipc and mqueue ones of its ipc namespace, hostname and
//!   domainname with its own uts namespace);
//! - `write_sysrq_trigger(file, buf, count, ppos)` (static,
//!   `drivers/tty/sysrq.c`, the `proc_write` of `/proc/sysrq-trigger`):
//!   -EPERM;
//! - `security_syslog(type)` (LSM hook): every `syslog(2)` action, the
//!   open and read of `/proc/kmsg`, and the open of `/dev/kmsg` for
//!   reading: -EPERM, so a member reads nothing of the kernel log;
//! - `devkmsg_write(iocb, from)` (static, `kernel/printk/printk.c`, the
//!   `write_iter` of `/dev/kmsg`): -EPERM, so a member cannot put lines in
//!   the host's log.

use kernel::{ffi::c_long, prelude::*};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::{policy::isolation, model::state};

extern "C" {
    fn vctx_sysctl_write_is_ns(iocb: *mut core::ffi::c_void) -> bool;
}

/// Fails the hooked call with -EPERM if the caller is a member and `open`
/// (asked only then) does not say the change is its own.
///
/// # Safety
///
/// `fregs` are the registers of an ftrace callback; `open` may rely on
/// what the hooked function's prototype says of its arguments.
unsafe fn refuse_members(fregs: *mut kernel::bindings::ftrace_regs, open: impl FnOnce(&Call) -> bool) {
    let Some(st) = state::get() else { return };
    if !isolation::caller_is_member(st) {
        return;
    }
    // SAFETY: this invocation's registers, by the function's contract.
    let call = unsafe { Call::new(fregs) };
    if !open(&call) {
        call.return_value(EPERM.to_errno() as c_long);
    }
}

ftrace_callback! {
    /// `proc_sys_write(iocb, iter)`: -EPERM outside the member's namespaces.
    fn on_proc_sys_write(fregs) {
        let own = |call: &Call| {
            // SAFETY: arg 0 is the kiocb of a write to a /proc/sys file.
            unsafe { vctx_sysctl_write_is_ns(call.arg(0) as *mut core::ffi::c_void) }
        };
        // SAFETY: `own` reads the argument the prototype says it is.
        unsafe { refuse_members(fregs, own) };
    }
}

ftrace_callback! {
    /// `write_sysrq_trigger(...)`, `security_syslog(type)`,
    /// `devkmsg_write(...)`: -EPERM for every member.
    fn on_machine_only(fregs) {
        // SAFETY: the closure reads nothing.
        unsafe { refuse_members(fregs, |_| false) };
    }
}

/// The four overrides.
#[pin_data]
pub(crate) struct MachineHooks {
    #[pin]
    sysctl: FtraceHook,
    #[pin]
    sysrq: FtraceHook,
    #[pin]
    syslog: FtraceHook,
    #[pin]
    kmsg_write: FtraceHook,
}

impl MachineHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            sysctl <- FtraceHook::new(c"proc_sys_write", on_proc_sys_write),
            sysrq <- FtraceHook::new(c"write_sysrq_trigger", on_machine_only),
            syslog <- FtraceHook::new(c"security_syslog", on_machine_only),
            kmsg_write <- FtraceHook::new(c"devkmsg_write", on_machine_only),
        })
    }
}
