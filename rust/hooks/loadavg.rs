// SPDX-License-Identifier: GPL-2.0

//! `/proc/loadavg`: the context subtree's load, task counts and latest pid
//! (`fs/proc/loadavg.c`).
//!
//! `loadavg_proc_show` is the whole of the view: inside a virtualized
//! context the call runs its replacement in `shim_virt.c`
//! (`Documentation/virt.rst`). If the kernel renames or inlines it, the
//! module refuses to load.

use kernel::prelude::*;

use super::ftrace::{ftrace_callback, FtraceHook};
use super::virt_redirect::redirect_if;
use crate::virt::views::View;

ftrace_callback! {
    /// `loadavg_proc_show`: the context's view, or the host's untouched.
    fn on_loadavg(fregs) {
        // SAFETY: the registers of a call of `loadavg_proc_show`, whose replacement
        // View::Loadavg names.
        unsafe { redirect_if(fregs, View::Loadavg) };
    }
}

/// Hooks `loadavg_proc_show`.
pub(crate) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"loadavg_proc_show", on_loadavg)
}
