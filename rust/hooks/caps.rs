// SPDX-License-Identifier: GPL-2.0

//! Capability masks, enforced (`crate::policy::caps`, `Documentation/security.rst`):
//!
//! - `security_capable(cred, ns, cap, opts)`: every capability check
//!   (`capable`, `ns_capable`, `file_ns_capable`, `has_capability`, ...).
//!   A member's check against the initial user namespace of a capability
//!   outside its context's mask fails with EPERM. Fast paths, in order: no
//!   context has members; every mask holds the capability; the check is
//!   not against the initial user namespace, not in task context, or the
//!   credentials lack the capability anyway (the kernel refuses then).
//!   Only then is the caller's context looked up (no lock: `crate::model::index`).
//! - `security_bprm_committing_creds(bprm)`: an exec by a member has its
//!   new credentials trimmed to the mask before they are committed, so a
//!   setuid-root or file-capability binary gains nothing beyond it.
//!
//! Both are LSM hooks: overriding their entry is the module-only way to
//! make an LSM decision on an unpatched kernel (`Documentation/hooks.rst`).

use kernel::{
    bindings,
    prelude::*,
    sync::atomic::{Acquire, Relaxed},
};

use super::ftrace::{ftrace_callback, Call, FtraceHook};
use crate::{policy::caps, model::state, kern::task};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_cap_check_applies(
        cred: *const bindings::cred,
        ns: *mut bindings::user_namespace,
        cap: i32,
    ) -> bool;
    fn vctx_bprm_trim(bprm: *const bindings::linux_binprm, mask: u64);
}

ftrace_callback! {
    /// `security_capable(cred, ns, cap, opts)`: -EPERM for a member's
    /// capability outside its mask, in the initial user namespace.
    fn on_capable(fregs) {
        let Some(st) = state::get() else { return };
        if st.nr_members.load(Relaxed) == 0 {
            return;
        }
        // SAFETY: this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        let cap = call.arg(2) as i32;
        if !(0..64).contains(&cap) || st.caps_floor.load(Acquire) & (1u64 << cap) != 0 {
            return;
        }
        let cred = call.arg(0) as *const bindings::cred;
        let ns = call.arg(1) as *mut bindings::user_namespace;
        // SAFETY: `cred` and `ns` are the valid credentials and namespace
        // of this security_capable() call, which its caller holds.
        if !unsafe { vctx_cap_check_applies(cred, ns, cap) } {
            return;
        }
        if !caps::current_may_use(st, cap as u32) {
            call.fail(EPERM);
        }
    }
}

ftrace_callback! {
    /// `security_bprm_committing_creds(bprm)`: a member's new credentials
    /// trimmed to its mask.
    fn on_bprm_committing_creds(fregs) {
        let Some(st) = state::get() else { return };
        if st.nr_members.load(Relaxed) == 0 {
            return;
        }
        // SAFETY: this invocation's registers.
        let call = unsafe { Call::new(fregs) };
        let bprm = call.arg(0) as *const bindings::linux_binprm;
        let key = task::current_key();
        let mask = caps::live_mask_of(st, key);
        if let Some(mask) = mask {
            // SAFETY: `bprm` is the exec's valid binprm, whose `cred` is
            // the private, not yet committed new credentials.
            unsafe { vctx_bprm_trim(bprm, mask) };
        }
    }
}

/// The two overrides.
#[pin_data]
pub(crate) struct CapsHooks {
    #[pin]
    capable: FtraceHook,
    #[pin]
    bprm: FtraceHook,
}

impl CapsHooks {
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            capable <- FtraceHook::new(c"security_capable", on_capable),
            bprm <- FtraceHook::new(c"security_bprm_committing_creds", on_bprm_committing_creds),
        })
    }
}
