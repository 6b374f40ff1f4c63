// SPDX-License-Identifier: GPL-2.0

//! `/proc/meminfo`: under an rss limit, the limit as MemTotal and the rest
//! as free (`fs/proc/meminfo.c`).
//!
//! `meminfo_proc_show` is the whole of the view: inside a virtualized
//! context the call runs its replacement in `shim_virt.c`
//! (`Documentation/virt.rst`). If the kernel renames or inlines it, the
//! module refuses to load.

use kernel::prelude::*;

use super::ftrace::{ftrace_callback, FtraceHook};
use super::virt_redirect::redirect_if;
use crate::virt::views::View;

ftrace_callback! {
    /// `meminfo_proc_show`: the context's view, or the host's untouched.
    fn on_meminfo(fregs) {
        // SAFETY: the registers of a call of `meminfo_proc_show`, whose replacement
        // View::Meminfo names.
        unsafe { redirect_if(fregs, View::Meminfo) };
    }
}

/// Hooks `meminfo_proc_show`.
pub(crate) fn register() -> impl PinInit<FtraceHook, Error> {
    FtraceHook::new(c"meminfo_proc_show", on_meminfo)
}
