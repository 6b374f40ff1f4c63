// SPDX-License-Identifier: GPL-2.0

//! `/proc/uptime`: the context's age and scaled idle time
//! (`fs/proc/uptime.c`).
//!
//! `uptime_proc_show` is the whole of the view: inside a virtualized
//! context the call runs its replacement in `shim_virt.c`
//! (`Documentation/virt.rst`). If the kernel renames or inlines it, the
//! module refuses to load.

use kernel::prelude::*;

use super::ftrace::{ftrace_callback, FtraceHook};
use super::virt_redirect::redirect_if;
use crate::virt::views::View;

ftrace_callback! {
    /// `uptime_proc_show`: the context's view, or the host's untouched.
    fn on_uptime(fregs) {
        // SAFETY: the registers of a call of `uptime_proc_show`, whose replacement
        // View::Uptime names.
        unsafe { redirect_if(fregs, View::Uptime) };
    }
}

/// Hooks `uptime_proc_show`.
pub(crate) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"uptime_proc_show", on_uptime)
}
