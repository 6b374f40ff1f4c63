// SPDX-License-Identifier: GPL-2.0

//! `sysinfo(2)`: uptime, loads, task count and memory as the files show
//! them. `do_sysinfo()` is inlined into the syscall wrapper, so the wrapper
//! is hooked (x86-64: the user pointer is `regs->di`).
//!
//! `__x64_sys_sysinfo` is the whole of the view: inside a virtualized
//! context the call runs its replacement in `shim_virt.c`
//! (`Documentation/virt.rst`). If the kernel renames or inlines it, the
//! module refuses to load.

use kernel::prelude::*;

use super::ftrace::{ftrace_callback, FtraceHook};
use super::virt_redirect::redirect_if;
use crate::virt::views::View;

ftrace_callback! {
    /// `__x64_sys_sysinfo`: the context's view, or the host's untouched.
    fn on_sysinfo(fregs) {
        // SAFETY: the registers of a call of `__x64_sys_sysinfo`, whose replacement
        // View::Sysinfo names.
        unsafe { redirect_if(fregs, View::Sysinfo) };
    }
}

/// Hooks `__x64_sys_sysinfo`.
pub(crate) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"__x64_sys_sysinfo", on_sysinfo)
}
