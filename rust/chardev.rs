// SPDX-License-Identifier: GPL-2.0

//! The misc device `/dev/vctx`: its registration and file operations.
//!
//! The kernel crate's `MiscDeviceRegistration` cannot set the node's mode
//! (vctx wants 0666: permission is checked per command) nor poll, so this
//! file registers the `struct miscdevice` itself. The file operations are
//! thin trampolines into [`crate::device`], which holds the logic.

use kernel::{
    bindings,
    error::to_result,
    ffi::{c_long, c_uint, c_ulong},
    prelude::*,
    types::Opaque,
};

use crate::device;

/// A `file_operations` table that may live in a `static`.
struct Fops(bindings::file_operations);

// SAFETY: the table is immutable; its raw pointers (the module) are only
// read by the VFS.
unsafe impl Sync for Fops {}

/// The file operations of `/dev/vctx`.
static FOPS: Fops = Fops(bindings::file_operations {
    owner: <crate::VctxModule as kernel::ModuleMetadata>::THIS_MODULE.as_ptr(),
    unlocked_ioctl: Some(ioctl),
    #[cfg(CONFIG_COMPAT)]
    compat_ioctl: Some(bindings::compat_ptr_ioctl),
    // SAFETY: all-zero is a valid `file_operations`: every hook is optional.
    ..unsafe { core::mem::zeroed() }
});

/// `unlocked_ioctl` of `/dev/vctx`.
///
/// # Safety
///
/// Called by the VFS with a valid `file` of this device.
unsafe extern "C" fn ioctl(_file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
    match device::ioctl(cmd, arg) {
        Ok(ret) => ret as c_long,
        Err(err) => err.to_errno() as c_long,
    }
}

/// A registered `/dev/vctx`.
///
/// # Invariants
///
/// `inner` holds a `struct miscdevice` registered with `misc_register()`,
/// deregistered exactly once, in `drop`.
#[pin_data(PinnedDrop)]
pub(crate) struct Registration {
    #[pin]
    inner: Opaque<bindings::miscdevice>,
}

// SAFETY: `misc_deregister` may be called from any thread.
unsafe impl Send for Registration {}
// SAFETY: no `&self` method touches the registration.
unsafe impl Sync for Registration {}

impl Registration {
    /// Registers `/dev/vctx` with mode 0666.
    pub(crate) fn register(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            inner <- Opaque::try_ffi_init(move |slot: *mut bindings::miscdevice| {
                // SAFETY: all-zero is a valid `miscdevice` to fill in.
                let mut misc: bindings::miscdevice = unsafe { core::mem::zeroed() };
                misc.minor = bindings::MISC_DYNAMIC_MINOR as i32;
                misc.name = c"vctx".as_char_ptr();
                misc.fops = &FOPS.0;
                misc.mode = 0o666;
                // SAFETY: the initializer may write to `slot`.
                unsafe { slot.write(misc) };
                // SAFETY: `slot` holds a filled-in miscdevice; it is pinned and
                // deregistered in `drop` before its memory goes away.
                // INVARIANT: on success the device is registered.
                to_result(unsafe { bindings::misc_register(slot) })
            }),
        })
    }
}

#[pinned_drop]
impl PinnedDrop for Registration {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: registered, by the type invariant.
        unsafe { bindings::misc_deregister(self.inner.get()) };
    }
}
