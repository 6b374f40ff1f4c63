// SPDX-License-Identifier: GPL-2.0

//! Tracepoint probes, found by name (`sched_process_fork` and friends are
//! not exported as symbols) and registered from Rust.

use core::ffi::{c_void, CStr};
use kernel::{bindings, error::to_result, prelude::*};

extern "C" {
    fn vctx_tracepoint_sync();
}

/// A registered probe on one tracepoint.
///
/// # Invariants
///
/// `tp` is a kernel tracepoint on which `probe` is registered (with NULL
/// data) until `drop`.
pub(crate) struct Probe {
    tp: *mut bindings::tracepoint,
    probe: *mut c_void,
    name: &'static CStr,
}

// SAFETY: tracepoint registrations may be dropped from any thread.
unsafe impl Send for Probe {}
// SAFETY: no `&self` method touches the registration.
unsafe impl Sync for Probe {}

struct Search {
    name: &'static CStr,
    found: *mut bindings::tracepoint,
}

/// `for_each_kernel_tracepoint` callback: remembers the one named.
///
/// # Safety
///
/// `tp` is a valid tracepoint and `data` the `Search` of `find`.
unsafe extern "C" fn match_name(tp: *mut bindings::tracepoint, data: *mut c_void) {
    // SAFETY: `data` is the `Search` passed by `find`, alive for the call.
    let search = unsafe { &mut *data.cast::<Search>() };
    // SAFETY: `tp` is valid and its name a NUL-terminated static string
    // (the layout check covers `tracepoint.name`).
    let name = unsafe { CStr::from_char_ptr((*tp).name) };
    if name == search.name {
        search.found = tp;
    }
}

impl Probe {
    /// Registers `probe` on the kernel tracepoint `name`.
    ///
    /// # Safety
    ///
    /// `probe` must be an `extern "C"` function whose parameters are a
    /// `*mut c_void` (the data, NULL) followed by the tracepoint's
    /// `TP_PROTO` arguments, and must stay valid until `drop`.
    pub(crate) unsafe fn register(name: &'static CStr, probe: *mut c_void) -> Result<Self> {
        let mut search = Search {
            name,
            found: core::ptr::null_mut(),
        };
        // SAFETY: the callback matches the expected type; `search` lives
        // across the call.
        unsafe {
            bindings::for_each_kernel_tracepoint(
                Some(match_name),
                core::ptr::from_mut(&mut search).cast(),
            )
        };
        if search.found.is_null() {
            pr_err!("tracepoint {} not found: refusing to load\n", name.to_str().unwrap_or("?"));
            return Err(ENOENT);
        }
        // SAFETY: `found` is a kernel tracepoint; `probe` matches its
        // prototype by the function's contract.
        let ret = unsafe {
            bindings::tracepoint_probe_register(search.found, probe, core::ptr::null_mut())
        };
        if let Err(e) = to_result(ret) {
            pr_err!("cannot probe tracepoint {}: {:?}\n", name.to_str().unwrap_or("?"), e);
            return Err(e);
        }
        // INVARIANT: registered just above.
        Ok(Self {
            tp: search.found,
            probe,
            name,
        })
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        // SAFETY: registered, by the type invariant.
        let ret = unsafe {
            bindings::tracepoint_probe_unregister(self.tp, self.probe, core::ptr::null_mut())
        };
        if ret != 0 {
            pr_err!("unregistering {} failed: {}\n", self.name.to_str().unwrap_or("?"), ret);
        }
    }
}

/// Waits, when dropped, until no tracepoint probe of this module runs.
/// Dropped after the probes (it is the last field of `Hooks`).
pub(crate) struct SyncOnDrop;

impl Drop for SyncOnDrop {
    fn drop(&mut self) {
        // SAFETY: no preconditions; may sleep, and module exit may.
        unsafe { vctx_tracepoint_sync() };
    }
}
