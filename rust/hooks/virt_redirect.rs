// SPDX-License-Identifier: GPL-2.0

//! The one decision every virtualized-view override makes: does the
//! caller see this view virtualized? If so, the call runs its replacement
//! in `shim_virt.c` instead (a complete function of the same prototype that
//! never calls the original); otherwise the original runs untouched.

use kernel::bindings;

use crate::model::state;
use crate::virt::views::{self, View};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_virt_redirect(fregs: *mut bindings::ftrace_regs, which: u32) -> bool;
}

/// `VCTX_VIRT_*` of `shim.h`: which replacement the shim redirects to.
fn shim_id(view: View) -> u32 {
    match view {
        View::Uptime => 0,
        View::Loadavg => 1,
        View::Meminfo => 2,
        View::Sysinfo => 3,
        // Not a whole-file replacement: `hooks/cpuview.rs` redirects.
        View::Cpus => u32::MAX,
    }
}

/// Redirects the hooked call to the replacement for `view` if the caller
/// sees it virtualized.
///
/// # Safety
///
/// `fregs` are the registers of an ftrace callback for the function whose
/// replacement `view` names (same prototype).
pub(super) unsafe fn redirect_if(fregs: *mut bindings::ftrace_regs, view: View) {
    let Some(st) = state::get() else { return };
    if !views::decide(st, view) {
        return;
    }
    // SAFETY: this invocation's registers, for the function `view` names,
    // by the function's contract.
    if !unsafe { vctx_virt_redirect(fregs, shim_id(view)) } {
        kernel::pr_err!("no replacement for a virtualized view: the host's shows\n");
    }
}
