// SPDX-License-Identifier: GPL-2.0

//! reboot(2) inside a context (VServer's vshelper): it never reaches the
//! machine. A member in the initial pid namespace (a context without a pid
//! namespace of its own) that asks to restart or halt ends its context
//! instead: the context's subtree gets SIGTERM, then SIGKILL after
//! [`GRACE_MS`] (as `vctx kill --grace 2s --then KILL`), an event says
//! "reboot requested" or "halt requested", and `VCTX_IOC_WAIT` reports the
//! reason. Who may: a member whose effective uid is 0 in its own user
//! namespace (the guest's root; the default mask has no CAP_SYS_BOOT).
//! CAD_ON/CAD_OFF, KEXEC and SW_SUSPEND are refused (EPERM), bad magic is
//! EINVAL, as the kernel answers. In a pid namespace the kernel's own
//! behaviour stays (`reboot_pid_ns()` ends the namespace's init).
//!
//! The hook (`hooks/reboot.rs`) decides in atomic context with
//! [`verdict`]; an ending runs the shim's replacement of the syscall, in
//! process context, which calls [`vctx_reboot_request`]; the kill runs in a
//! kernel thread ([`vctx_reboot_run`]), so the caller's own death does not
//! cut it short.

use kernel::{
    ffi::{c_long, c_void},
    prelude::*,
    sync::Arc,
};

use crate::abi::uapi::{VCTX_EVENT_HALT, VCTX_EVENT_REBOOT};
use crate::kern::task;
use crate::model::context::Context;
use crate::model::events::{self, Who};
use crate::model::state;

/// How long the subtree has between SIGTERM and SIGKILL.
pub(crate) const GRACE_MS: u64 = 2000;

const MAGIC1: u32 = 0xfee1_dead;
const MAGIC2: [u32; 4] = [672_274_793, 85_072_278, 369_367_448, 537_993_216];
const CMD_RESTART: u32 = 0x0123_4567;
const CMD_HALT: u32 = 0xCDEF_0123;
const CMD_CAD_ON: u32 = 0x89AB_CDEF;
const CMD_CAD_OFF: u32 = 0x0000_0000;
const CMD_POWER_OFF: u32 = 0x4321_FEDC;
const CMD_RESTART2: u32 = 0xA1B2_C3D4;
const CMD_SW_SUSPEND: u32 = 0xD000_FCE2;
const CMD_KEXEC: u32 = 0x4558_4543;

extern "C" {
    fn vctx_reboot_spawn(data: *mut c_void) -> i32;
}

/// What a member's reboot(2) gets.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The call fails at once with this error.
    Fail(Error),
    /// The context ends; the event type says why.
    End(u32),
}

/// The event type a command ends a context with, if it is one that does.
fn end_reason(cmd: u32) -> Option<u32> {
    match cmd {
        CMD_RESTART | CMD_RESTART2 => Some(VCTX_EVENT_REBOOT),
        CMD_HALT | CMD_POWER_OFF => Some(VCTX_EVENT_HALT),
        _ => None,
    }
}

/// The answer to reboot(`magic1`, `magic2`, `cmd`) from a member (in the
/// initial pid namespace) that is (`root`) or is not the root of its user
/// namespace. Checked in the kernel's order: privilege, magic, command.
pub(crate) fn verdict(magic1: u32, magic2: u32, cmd: u32, root: bool) -> Verdict {
    if !root {
        return Verdict::Fail(EPERM);
    }
    if magic1 != MAGIC1 || !MAGIC2.contains(&magic2) {
        return Verdict::Fail(EINVAL);
    }
    match cmd {
        CMD_CAD_ON | CMD_CAD_OFF | CMD_SW_SUSPEND | CMD_KEXEC => Verdict::Fail(EPERM),
        c => end_reason(c).map_or(Verdict::Fail(EINVAL), Verdict::End),
    }
}

/// For the shim's reboot(2) replacement, in the caller's process context:
/// ends the caller's context for `cmd` (which [`verdict`] let through).
/// 0, or a negative errno if nothing was started.
#[no_mangle]
extern "C" fn vctx_reboot_request(cmd: u32) -> c_long {
    let Some(reason) = end_reason(cmd) else {
        return EINVAL.to_errno() as c_long;
    };
    let Some(st) = state::get() else {
        return EPERM.to_errno() as c_long;
    };
    let key = task::current_key();
    let ctx = {
        let mut inner = st.lock.lock();
        let Some(ctx) = crate::model::members::find(st, &inner, key) else {
            return EPERM.to_errno() as c_long;
        };
        if crate::model::registry::kill_in_progress(&inner, &ctx).is_some() {
            // Ending already: that kill reaches the caller too.
            return 0;
        }
        ctx.st.access_mut(&mut inner).end_reason = reason;
        ctx
    };
    let data = Arc::into_raw(ctx.clone()).cast_mut().cast::<c_void>();
    // SAFETY: `data` is a reference to a context, handed to the thread
    // (`vctx_reboot_run`) or, if none starts, back to `vctx_reboot_drop`.
    let ret = unsafe { vctx_reboot_spawn(data) };
    let mut inner = st.lock.lock();
    if ret != 0 {
        ctx.st.access_mut(&mut inner).end_reason = 0;
        return ret as c_long;
    }
    events::emit_end(&mut inner, &ctx, reason, &Who::current());
    0
}

/// For the shim's kernel thread: kills the subtree of the context `data`
/// holds a reference to (SIGTERM, then SIGKILL after the grace).
///
/// # Safety
///
/// `data` must come from `Arc::into_raw` in [`vctx_reboot_request`], and
/// be passed here once.
#[no_mangle]
unsafe extern "C" fn vctx_reboot_run(data: *mut c_void) {
    // SAFETY: a reference made by `Arc::into_raw`, by the function's contract.
    let ctx = unsafe { Arc::<Context>::from_raw(data.cast_const().cast()) };
    if let Some(st) = state::get() {
        let term = kernel::bindings::SIGTERM;
        let kill = kernel::bindings::SIGKILL;
        if let Err(e) = crate::policy::kill::kill(st, &ctx, term, kill, GRACE_MS) {
            pr_warn!("vctx: ending context {} after reboot(2) failed: {:?}\n", ctx.id, e);
        }
    }
    drop(ctx);
}

/// For the shim, when no thread could start: drops the reference.
///
/// # Safety
///
/// As for [`vctx_reboot_run`].
#[no_mangle]
unsafe extern "C" fn vctx_reboot_drop(data: *mut c_void) {
    // SAFETY: a reference made by `Arc::into_raw`, by the function's contract.
    drop(unsafe { Arc::<Context>::from_raw(data.cast_const().cast()) });
}

#[kunit_tests(vctx_reboot)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_kernel_order() {
        let m2 = MAGIC2[0];
        assert_eq!(verdict(MAGIC1, m2, CMD_RESTART, false), Verdict::Fail(EPERM));
        assert_eq!(verdict(1, m2, CMD_RESTART, true), Verdict::Fail(EINVAL));
        assert_eq!(verdict(MAGIC1, 7, CMD_RESTART, true), Verdict::Fail(EINVAL));
        assert_eq!(verdict(MAGIC1, m2, CMD_CAD_OFF, true), Verdict::Fail(EPERM));
        assert_eq!(verdict(MAGIC1, MAGIC2[3], CMD_CAD_ON, true), Verdict::Fail(EPERM));
        assert_eq!(verdict(MAGIC1, m2, CMD_KEXEC, true), Verdict::Fail(EPERM));
        assert_eq!(verdict(MAGIC1, m2, 42, true), Verdict::Fail(EINVAL));
        assert_eq!(verdict(MAGIC1, m2, CMD_RESTART, true), Verdict::End(VCTX_EVENT_REBOOT));
        assert_eq!(verdict(MAGIC1, MAGIC2[2], CMD_RESTART2, true), Verdict::End(VCTX_EVENT_REBOOT));
        assert_eq!(verdict(MAGIC1, m2, CMD_HALT, true), Verdict::End(VCTX_EVENT_HALT));
        assert_eq!(verdict(MAGIC1, m2, CMD_POWER_OFF, true), Verdict::End(VCTX_EVENT_HALT));
    }
}
