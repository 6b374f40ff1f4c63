// SPDX-License-Identifier: GPL-2.0

//! The misc device `/dev/vctx`: its registration and file operations.
//!
//! The kernel crate's `MiscDeviceRegistration` cannot set the node's mode
//! (vctx wants 0666: permission is checked per command) nor poll, so this
//! file registers the `struct miscdevice` itself. The file operations are
//! thin trampolines into [`crate::dev::dispatch`], which holds the logic.

use kernel::{
    bindings,
    error::to_result,
    ffi::{c_char, c_int, c_long, c_uint, c_ulong},
    fs::File,
    prelude::*,
    sync::poll::PollTable,
    types::Opaque,
};

use crate::dev::open_file::Reader;
use crate::{dev::dispatch, model::state};

/// The file operations of `/dev/vctx`, for the module `M` that owns them
/// (the crate root's `module!` type, given by the caller: the device
/// names its owner without this layer naming the root). A `const`, so
/// `&Fops::<M>::TABLE` is a `'static` promoted by the compiler, as the
/// kernel crate's `MiscdeviceVTable` does.
struct Fops<M>(core::marker::PhantomData<M>);

impl<M: kernel::ModuleMetadata> Fops<M> {
    const TABLE: bindings::file_operations = bindings::file_operations {
        owner: kernel::module::this_module::<M>().as_ptr(),
        open: Some(open),
        release: Some(release),
        read: Some(read),
        poll: Some(poll),
        unlocked_ioctl: Some(ioctl),
        // Already an `Option`: `None` without CONFIG_COMPAT (32-bit callers on a
        // 64-bit kernel get the same ioctls, their pointers widened).
        compat_ioctl: bindings::compat_ptr_ioctl,
        // SAFETY: all-zero is a valid `file_operations`: every hook is optional.
        ..unsafe { core::mem::zeroed() }
    };
}

extern "C" {
    fn vctx_file_nonblock(file: *mut core::ffi::c_void) -> bool;
}

/// The reader of an open file.
///
/// # Safety
///
/// `file` must be a file of this device between `open` and `release`.
unsafe fn reader<'a>(file: *mut bindings::file) -> &'a Reader {
    // SAFETY: `open` stored a `KBox<Reader>` in `private_data`, freed only
    // by `release`, after every other file operation has returned.
    unsafe { &*((*file).private_data.cast::<Reader>()) }
}

/// `open` of `/dev/vctx`: a new reader (event cursor, windows).
///
/// # Safety
///
/// Called by the VFS (through `misc_open`) with a valid `file`.
unsafe extern "C" fn open(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    let Some(st) = state::get() else { return ENODEV.to_errno() };
    match Reader::new(st) {
        Ok(r) => {
            // SAFETY: `file` is valid; `misc_open` put the miscdevice in
            // `private_data`, which nothing else of ours uses.
            unsafe { (*file).private_data = KBox::into_raw(r).cast() };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `release`: drops the reader's windows and frees it.
///
/// # Safety
///
/// Called by the VFS once, after every other operation on `file`.
unsafe extern "C" fn release(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: `open` stored a `KBox<Reader>` there; this is its only release.
    let r = unsafe { KBox::from_raw((*file).private_data.cast::<Reader>()) };
    if let Some(st) = state::get() {
        r.close(st);
    }
    0
}

/// `read`: limit events (`dev/open_file.rs`).
///
/// # Safety
///
/// Called by the VFS with a valid `file` of this device.
unsafe extern "C" fn read(file: *mut bindings::file, buf: *mut c_char, len: usize, _pos: *mut bindings::loff_t) -> isize {
    let Some(st) = state::get() else { return ENODEV.to_errno() as isize };
    // SAFETY: `file` is valid.
    let nonblock = unsafe { vctx_file_nonblock(file.cast()) };
    // SAFETY: a file of this device between open and release.
    match unsafe { reader(file) }.read(st, buf as usize, len, nonblock) {
        Ok(n) => n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// `poll`: readable while events wait for this reader.
///
/// # Safety
///
/// Called by the VFS with a valid `file` of this device and poll table.
unsafe extern "C" fn poll(file: *mut bindings::file, pt: *mut bindings::poll_table_struct) -> c_uint {
    let Some(st) = state::get() else { return 0 };
    // SAFETY: `pt` is null or valid for this call, by the VFS.
    let table = unsafe { PollTable::from_raw(pt) };
    // SAFETY: `file` is a valid file for the duration of the call.
    table.register_wait(unsafe { File::from_raw_file(file) }, &st.events_cv);
    // SAFETY: a file of this device between open and release.
    if unsafe { reader(file) }.ready(st) {
        bindings::POLLIN | bindings::POLLRDNORM
    } else {
        0
    }
}

/// `unlocked_ioctl` of `/dev/vctx`.
///
/// # Safety
///
/// Called by the VFS with a valid `file` of this device.
unsafe extern "C" fn ioctl(file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
    // SAFETY: a file of this device between open and release.
    let r = unsafe { reader(file) };
    match dispatch::ioctl(r, cmd, arg) {
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
    /// Registers `/dev/vctx` with mode 0666, owned by the module `M`.
    pub(crate) fn register<M: kernel::ModuleMetadata>() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            inner <- Opaque::try_ffi_init(move |slot: *mut bindings::miscdevice| {
                // SAFETY: all-zero is a valid `miscdevice` to fill in.
                let mut misc: bindings::miscdevice = unsafe { core::mem::zeroed() };
                misc.minor = bindings::MISC_DYNAMIC_MINOR as i32;
                misc.name = c"vctx".as_char_ptr();
                misc.fops = &Fops::<M>::TABLE;
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
