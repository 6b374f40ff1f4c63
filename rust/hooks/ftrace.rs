// SPDX-License-Identifier: GPL-2.0

//! ftrace overrides: a callback at the entry of one kernel function that
//! may make it return an error without running (see `Documentation/hooks.rst`).
//!
//! Rules (measured on 7.3): decide in the callback; to deny, point the
//! saved instruction pointer at a leaf stub of the shim that returns the
//! error; otherwise return and let the function run untouched. Never call
//! the original. One IPMODIFY user per function: if livepatch, BPF or a
//! kprobe already modifies it, registration fails with EBUSY and the
//! module refuses to load.

use core::ffi::CStr;
use kernel::ffi::{c_long, c_ulong};
use kernel::{bindings, prelude::*, types::Opaque};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_fregs_arg(fregs: *mut bindings::ftrace_regs, n: u32) -> c_ulong;
    fn vctx_fregs_return(fregs: *mut bindings::ftrace_regs, ret: c_long) -> bool;
}

/// An ftrace callback.
pub(crate) type Callback = unsafe extern "C" fn(
    ip: c_ulong,
    parent_ip: c_ulong,
    op: *mut bindings::ftrace_ops,
    fregs: *mut bindings::ftrace_regs,
);

/// Defines an ftrace callback: `fn name(fregs) { body }` becomes the
/// `extern "C"` function ftrace calls, with the registers in `fregs`.
macro_rules! ftrace_callback {
    ($(#[doc = $doc:literal])* fn $name:ident($fregs:ident) $body:block) => {
        $(#[doc = $doc])*
        ///
        /// # Safety
        ///
        /// Called by ftrace at the entry of the hooked function, with that
        /// invocation's registers.
        unsafe extern "C" fn $name(
            _ip: kernel::ffi::c_ulong,
            _parent_ip: kernel::ffi::c_ulong,
            _op: *mut kernel::bindings::ftrace_ops,
            $fregs: *mut kernel::bindings::ftrace_regs,
        ) $body
    };
}
pub(super) use ftrace_callback;

/// The arguments of a hooked call, and the way to fail it.
pub(crate) struct Call {
    fregs: *mut bindings::ftrace_regs,
}

impl Call {
    /// Wraps the registers ftrace passes to a callback.
    ///
    /// # Safety
    ///
    /// `fregs` must be the registers of the current callback invocation.
    pub(crate) unsafe fn new(fregs: *mut bindings::ftrace_regs) -> Self {
        Self { fregs }
    }

    /// Argument `n` (0-based) of the hooked function, as a register value.
    pub(crate) fn arg(&self, n: u32) -> c_ulong {
        // SAFETY: valid registers, by the type's construction.
        unsafe { vctx_fregs_arg(self.fregs, n) }
    }

    /// Makes the hooked function return `err` at once, without running.
    pub(crate) fn fail(&self, err: Error) {
        self.return_value(err.to_errno() as c_long);
    }

    /// Makes the hooked function return `ret` (0, or one of the errors the
    /// shim has a stub for) at once, without running.
    pub(crate) fn return_value(&self, ret: c_long) {
        // SAFETY: valid registers, by the type's construction.
        if !unsafe { vctx_fregs_return(self.fregs, ret) } {
            pr_err!("no deny stub for {}: the call goes through\n", ret);
        }
    }
}

/// One registered ftrace override.
///
/// # Invariants
///
/// `ops` is registered with ftrace, filtered to `symbol`, until `drop`.
#[pin_data(PinnedDrop)]
pub(crate) struct FtraceHook {
    #[pin]
    ops: Opaque<bindings::ftrace_ops>,
    symbol: &'static CStr,
}

// SAFETY: ftrace registrations may be dropped from any thread.
unsafe impl Send for FtraceHook {}
// SAFETY: no `&self` method touches the registration.
unsafe impl Sync for FtraceHook {}

/// `PERMANENT`, as livepatch sets it: while any such ops is registered,
/// `kernel.ftrace_enabled=0` is refused (EBUSY) instead of switching every
/// callback off, and the hooks are the module's guarantees, not tracing.
/// (7.3 refuses the switch for everyone anyway, EOPNOTSUPP: the knob is
/// deprecated; the flag keeps the guarantee on kernels where it works.)
const FLAGS: c_ulong = (bindings::FTRACE_OPS_FL_SAVE_REGS
    | bindings::FTRACE_OPS_FL_IPMODIFY
    | bindings::FTRACE_OPS_FL_RECURSION
    | bindings::FTRACE_OPS_FL_PERMANENT) as c_ulong;

impl FtraceHook {
    /// Hooks the entry of kernel function `symbol` with `func`.
    pub(crate) fn new(symbol: &'static CStr, func: Callback) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            ops <- Opaque::try_ffi_init(move |slot: *mut bindings::ftrace_ops| {
                // SAFETY: all-zero is a valid, unregistered `ftrace_ops`.
                unsafe { slot.write(core::mem::zeroed()) };
                // SAFETY: `slot` is valid and not yet shared with ftrace.
                unsafe {
                    (*slot).func = Some(func);
                    (*slot).flags = FLAGS;
                }
                let len = symbol.to_bytes().len() as i32;
                // SAFETY: `slot` is a valid ops; ftrace only reads `len`
                // bytes of the name.
                let ret = unsafe {
                    bindings::ftrace_set_filter(slot, symbol.as_char_ptr().cast_mut(), len, 1)
                };
                if ret != 0 {
                    pr_err!(
                        "cannot hook {}: not an ftrace-able function in this kernel ({}): \
                         refusing to load\n",
                        symbol.to_str().unwrap_or("?"),
                        ret
                    );
                    return Err(ENOENT);
                }
                // SAFETY: `slot` is pinned and unregistered in `drop`
                // before its memory goes away.
                let ret = unsafe { bindings::register_ftrace_function(slot) };
                if ret != 0 {
                    // SAFETY: the filter was set on this ops above.
                    unsafe { bindings::ftrace_free_filter(slot) };
                    pr_err!(
                        "cannot hook {}: {} (EBUSY: livepatch, BPF or a kprobe already \
                         modifies it): refusing to load\n",
                        symbol.to_str().unwrap_or("?"),
                        ret
                    );
                    return Err(Error::from_errno(ret));
                }
                // INVARIANT: registered.
                Ok(())
            }),
            symbol,
        })
    }
}

#[pinned_drop]
impl PinnedDrop for FtraceHook {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: registered, by the type invariant. Unregistering waits
        // until no callback runs and no task is in the trampoline.
        let ret = unsafe { bindings::unregister_ftrace_function(self.ops.get()) };
        if ret != 0 {
            pr_err!("unhooking {} failed: {}\n", self.symbol.to_str().unwrap_or("?"), ret);
        }
        // SAFETY: no longer registered; frees the filter hash.
        unsafe { bindings::ftrace_free_filter(self.ops.get()) };
    }
}
