// SPDX-License-Identifier: GPL-2.0

//! Namespaces a context holds (issue 7): the kernel's own namespaces,
//! aggregated by a context so that one handle can create, enter and
//! destroy the whole container.
//!
//! What is held: for each type, a counted reference to a namespace *file*
//! (the nsfs file userspace opened from `/proc/PID/ns/NAME` and passed to
//! `VCTX_IOC_NS_SET`). A namespace file pins its nsfs inode, which holds
//! both a reference and an *active* reference on the namespace, exactly
//! as an open `/proc/PID/ns/NAME` or a bind mount of one does; nothing
//! type-specific (`put_net`, `put_pid_ns`, ...) is needed, and handing the
//! namespace back for `setns(2)` (`VCTX_IOC_NS_OPEN`) is installing one
//! more reference to the same file in the caller's fd table.
//!
//! Lifetime: the references are taken when recorded and dropped when the
//! context's subtree next becomes empty (the exit hook), when it is
//! destroyed, or at unload. They are always taken out under the state
//! lock and dropped after it (`fput` defers the real release anyway).
//! A pid namespace outlives its init only as an object: once its PID 1
//! has exited the kernel lets no new process into it.

use kernel::{
    bindings,
    fs::file::{FileDescriptorReservation, LocalFile},
    prelude::*,
    sync::Arc,
};

use crate::abi::uapi::*;
use crate::model::context::Context;
use crate::model::ns_set::{Held, NsSet, COUNT};
use crate::model::state::{Inner, State};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_nsfs_type(f: *mut bindings::file) -> u32;
    fn vctx_nsfs_ino(f: *mut bindings::file) -> u64;
}

/// The `CLONE_NEW*` flag (and nsfs `ns_type`) of each `VCTX_NS_*` index
/// (`include/uapi/linux/sched.h`; fixed by the kernel's ABI).
const CLONE_FLAGS: [u32; COUNT] = [
    0x0400_0000, // UTS: CLONE_NEWUTS
    0x0800_0000, // IPC: CLONE_NEWIPC
    0x2000_0000, // PID: CLONE_NEWPID
    0x4000_0000, // NET: CLONE_NEWNET
    0x0002_0000, // MNT: CLONE_NEWNS
    0x1000_0000, // USER: CLONE_NEWUSER
    0x0200_0000, // CGROUP: CLONE_NEWCGROUP
    0x0000_0080, // TIME: CLONE_NEWTIME
];

/// Takes a reference to the caller's file `fd` if it is a namespace of
/// type `ty` (`VCTX_NS_*`): EBADF if there is no such fd, EINVAL if it is
/// something else.
fn namespace_file(fd: i32, ty: usize) -> Result<Held> {
    let fd = u32::try_from(fd).map_err(|_| EBADF)?;
    let local = LocalFile::fget(fd)?;
    // SAFETY: `local` holds a reference, so the file and its inode are
    // valid for the call.
    let kind = unsafe { vctx_nsfs_type(local.as_ptr()) };
    if kind != CLONE_FLAGS[ty] {
        return Err(EINVAL);
    }
    // SAFETY: as above.
    let ino = unsafe { vctx_nsfs_ino(local.as_ptr()) };
    // SAFETY: vctx never calls `fdget_pos`, and this runs from an ioctl on
    // /dev/vctx, so there are no active calls to `fdget_pos` on this thread.
    let file = unsafe { LocalFile::assume_no_fdget_pos(local) };
    Ok(Held { file, ino })
}

/// `VCTX_IOC_NS_SET`: records the namespace files `fds` of the types in
/// `mask` on `ctx`. The caller has checked permission and the seal.
pub(crate) fn set(st: &State, ctx: &Arc<Context>, mask: u32, fds: &[i32; COUNT]) -> Result {
    let mut set = KBox::new(
        NsSet {
            held: Default::default(),
            next: None,
        },
        GFP_KERNEL,
    )?;
    for (ty, slot) in set.held.iter_mut().enumerate() {
        if mask & (1 << ty) != 0 {
            *slot = Some(namespace_file(fds[ty], ty)?);
        }
    }
    let mut leftover = Some(set);
    {
        let mut inner = st.lock.lock();
        let cst = ctx.st.access_mut(&mut inner);
        if !cst.linked() {
            return Err(ENOENT);
        }
        if ctx.parent.is_none() {
            return Err(EPERM);
        }
        match &mut cst.ns {
            None => cst.ns = leftover.take(),
            Some(have) => {
                if have.mask() & mask != 0 {
                    return Err(EBUSY);
                }
                if let Some(new) = leftover.as_mut() {
                    for (slot, add) in have.held.iter_mut().zip(new.held.iter_mut()) {
                        if add.is_some() {
                            *slot = add.take();
                        }
                    }
                }
            }
        }
    }
    // Dropped here, without the lock: on an error return above too.
    drop(leftover);
    Ok(())
}

/// The namespace of type `ty` that `ctx` is in, as seen from `view`: its
/// own or that of its nearest ancestor holding one, up to `view`.
fn effective<'a>(
    inner: &'a Inner,
    ctx: &'a Context,
    view: &Context,
    ty: usize,
) -> Option<(&'a Held, u64)> {
    for c in ctx.ancestors_and_self() {
        if let Some(h) =
            c.st.access(inner)
                .ns
                .as_ref()
                .and_then(|s| s.held[ty].as_ref())
        {
            return Some((h, c.id));
        }
        if c.id == view.id {
            break;
        }
    }
    None
}

/// `VCTX_IOC_NS_GET`: fills in `own`, `mask`, `ino` and `holder`.
pub(crate) fn get(inner: &Inner, ctx: &Context, view: &Context, out: &mut vctx_ns_get) {
    out.own = ctx.st.access(inner).ns.as_ref().map_or(0, |s| s.mask());
    for ty in 0..COUNT {
        if let Some((h, holder)) = effective(inner, ctx, view, ty) {
            out.mask |= 1 << ty;
            out.ino[ty] = h.ino;
            out.holder[ty] = holder;
        }
    }
}

/// `VCTX_IOC_NS_OPEN`: a new close-on-exec fd of the caller for the
/// namespace of type `ty` that `ctx` is in; returns it and its inode number.
pub(crate) fn open(st: &State, ctx: &Context, view: &Context, ty: usize) -> Result<(u32, u64)> {
    let reservation = FileDescriptorReservation::get_unused_fd_flags(bindings::O_CLOEXEC)?;
    let (file, ino) = {
        let inner = st.lock.lock();
        let (h, _) = effective(&inner, ctx, view, ty).ok_or(ENODATA)?;
        // Taking a file reference is an atomic increment: fine under the lock.
        (h.file.clone(), h.ino)
    };
    let fd = reservation.reserved_fd();
    reservation.fd_install(file);
    Ok((fd, ino))
}

#[kunit_tests(vctx_namespaces)]
mod tests {
    use super::*;
    use crate::model::ns_set::Released;

    #[test]
    fn clone_flags_are_distinct_single_bits() {
        for (i, f) in CLONE_FLAGS.iter().enumerate() {
            assert_eq!(f.count_ones(), 1);
            assert!(CLONE_FLAGS[..i].iter().all(|g| g != f));
        }
    }

    #[test]
    fn released_chains_without_allocating() -> Result {
        let mut r = Released::default();
        for _ in 0..3 {
            r.push(KBox::new(
                NsSet {
                    held: Default::default(),
                    next: None,
                },
                GFP_KERNEL,
            )?);
        }
        let mut n = 0;
        let mut cur = r.0.as_deref();
        while let Some(s) = cur {
            assert_eq!(s.mask(), 0);
            n += 1;
            cur = s.next.as_deref();
        }
        assert_eq!(n, 3);
        Ok(())
    }
}
