// SPDX-License-Identifier: GPL-2.0

//! The CPUs a context sees (issue 13): `/proc/cpuinfo`, `/proc/stat` and
//! `/sys/devices/system/cpu/online` show only the caller's visible CPUs,
//! the first min(|affinity|, ceil(quota/period)) of its online CPUs
//! (`Documentation/virt.rst`, "The CPUs a context sees").
//!
//! - `show_cpuinfo(m, v)` (static, `arch/x86/kernel/cpu/proc.c`, the
//!   `show` of `cpuinfo_op`, called once per online CPU): for a CPU not
//!   visible, a replacement that prints nothing;
//! - `show_stat(p, v)` (static, `fs/proc/stat.c`, the `single_open` show of
//!   `/proc/stat`): a replacement with the visible CPUs' lines;
//! - `show_cpus_attr(dev, attr, buf)` (static, `drivers/base/cpu.c`, the
//!   `show` of `online`, `possible` and `present`): for `online`, a
//!   replacement listing the visible CPUs.
//!
//! All three are reached through function pointers, so never inlined, and
//! each has one definition on the test kernel and on Debian's. The
//! callback asks [`views::decide`] (a member of a virtualized context
//! bound to a cgroup?); only then does the shim compute the view and
//! redirect if it differs from the host's. The replacements are in
//! `shim_cpuview.c`; they never call the original and never sleep.

use kernel::{bindings, prelude::*};

use super::ftrace::{ftrace_callback, FtraceHook};
use crate::model::state;
use crate::virt::views::{self, View};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_cpuview_redirect(fregs: *mut bindings::ftrace_regs, which: u32);
}

/// `VCTX_CPUVIEW_*` of `shim.h`.
const CPUINFO: u32 = 0;
const STAT: u32 = 1;
const CPUS_ATTR: u32 = 2;

/// Redirects the hooked call (`which`) if the caller sees its CPUs
/// virtualized and they differ from the host's.
///
/// # Safety
///
/// `fregs` are the registers of an ftrace callback for the function
/// `which` names.
unsafe fn redirect_if(fregs: *mut bindings::ftrace_regs, which: u32) {
    let Some(st) = state::get() else { return };
    if !views::decide(st, View::Cpus) {
        return;
    }
    // SAFETY: this invocation's registers, for the function `which`
    // names, by the function's contract.
    unsafe { vctx_cpuview_redirect(fregs, which) };
}

ftrace_callback! {
    /// `show_cpuinfo(m, v)`: nothing for a CPU the caller does not see.
    fn on_cpuinfo(fregs) {
        // SAFETY: the registers of a call of `show_cpuinfo`.
        unsafe { redirect_if(fregs, CPUINFO) };
    }
}

ftrace_callback! {
    /// `show_stat(p, v)`: the visible CPUs' lines.
    fn on_stat(fregs) {
        // SAFETY: the registers of a call of `show_stat`.
        unsafe { redirect_if(fregs, STAT) };
    }
}

ftrace_callback! {
    /// `show_cpus_attr(dev, attr, buf)`: for `online`, the visible CPUs.
    fn on_cpus_attr(fregs) {
        // SAFETY: the registers of a call of `show_cpus_attr`.
        unsafe { redirect_if(fregs, CPUS_ATTR) };
    }
}

/// The three overrides.
#[pin_data]
pub(crate) struct CpuViewHooks {
    #[pin]
    cpuinfo: FtraceHook,
    #[pin]
    stat: FtraceHook,
    #[pin]
    online: FtraceHook,
}

impl CpuViewHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            cpuinfo <- FtraceHook::new(c"show_cpuinfo", on_cpuinfo),
            stat <- FtraceHook::new(c"show_stat", on_stat),
            online <- FtraceHook::new(c"show_cpus_attr", on_cpus_attr),
        })
    }
}
