// SPDX-License-Identifier: GPL-2.0

//! A counted reference to a cgroup v2 directory (`struct cgroup`), and what
//! vctx asks of one through the C shim (`rust/hooks/shim_cgroup.c`): its id,
//! whether it is below another, whether a task or pid is in it, its memory
//! limit and usage, its path. What a binding means is `crate::cgroup`.

use core::ffi::c_void;

use kernel::{bindings, prelude::*};

use crate::kern::task::PidRef;

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_cgroup_get_fd(fd: i32) -> *mut c_void;
    fn vctx_cgroup_get(cgrp: *mut c_void);
    fn vctx_cgroup_put(cgrp: *mut c_void);
    fn vctx_cgroup_id(cgrp: *mut c_void) -> u64;
    fn vctx_cgroup_within(cgrp: *mut c_void, ancestor: *mut c_void) -> bool;
    fn vctx_task_in_cgroup(t: *mut bindings::task_struct, ancestor: *mut c_void) -> bool;
    fn vctx_pid_in_cgroup(pid: *mut bindings::pid, ancestor: *mut c_void) -> bool;
    fn vctx_cgroup_path(cgrp: *mut c_void, buf: *mut u8, len: usize) -> i32;
    fn vctx_cgroup_mem(cgrp: *mut c_void, max: *mut u64, usage: *mut u64) -> bool;
}

/// The highest errno `ERR_PTR` encodes (`MAX_ERRNO`).
const MAX_ERRNO: usize = 4095;

/// A counted reference to a cgroup (on the v2 hierarchy).
///
/// # Invariants
///
/// `ptr` is a valid `struct cgroup` on which this value holds a reference.
pub(crate) struct CgroupRef {
    ptr: *mut c_void,
}

// SAFETY: cgroup references may be taken and dropped on any CPU;
// `cgroup_put` is callable from atomic context.
unsafe impl Send for CgroupRef {}
// SAFETY: `&self` methods only read the cgroup through the reference.
unsafe impl Sync for CgroupRef {}

impl CgroupRef {
    /// The cgroup v2 directory open at the caller's `fd`: EBADF if the fd
    /// is not one (`cgroup_get_from_fd`'s errors pass through).
    pub(crate) fn from_fd(fd: i32) -> Result<Self> {
        // SAFETY: no preconditions; any fd number is checked by the callee.
        let ptr = unsafe { vctx_cgroup_get_fd(fd) };
        if ptr.is_null() {
            return Err(EBADF);
        }
        if ptr as usize >= usize::MAX - MAX_ERRNO {
            return Err(Error::from_errno(ptr as isize as i32));
        }
        // INVARIANT: a non-error pointer from `cgroup_get_from_fd` is a
        // cgroup with a reference taken for us.
        Ok(Self { ptr })
    }

    /// Another reference to the same cgroup (atomic: callable under the
    /// state lock).
    pub(crate) fn clone_ref(&self) -> Self {
        // SAFETY: valid by the type invariant.
        unsafe { vctx_cgroup_get(self.ptr) };
        // INVARIANT: one more reference taken, owned by the new value.
        Self { ptr: self.ptr }
    }

    /// The cgroup's id (its directory's inode number).
    pub(crate) fn id(&self) -> u64 {
        // SAFETY: valid by the type invariant.
        unsafe { vctx_cgroup_id(self.ptr) }
    }

    /// Whether `self` is `other` or below it.
    pub(crate) fn within(&self, other: &CgroupRef) -> bool {
        // SAFETY: both valid by the type invariant.
        unsafe { vctx_cgroup_within(self.ptr, other.ptr) }
    }

    /// Whether the raw cgroup `cgrp` is `self` or below it.
    ///
    /// # Safety
    ///
    /// `cgrp` must be a valid cgroup for the duration of the call.
    pub(crate) unsafe fn contains_raw(&self, cgrp: *mut c_void) -> bool {
        // SAFETY: `cgrp` by the function's contract, `self` by invariant.
        unsafe { vctx_cgroup_within(cgrp, self.ptr) }
    }

    /// Whether the raw cgroup `cgrp` is `self`.
    pub(crate) fn is(&self, cgrp: *mut c_void) -> bool {
        self.ptr == cgrp
    }

    /// Whether task `t` is in this cgroup's subtree.
    ///
    /// # Safety
    ///
    /// `t` must be a valid task for the duration of the call.
    pub(crate) unsafe fn holds_task(&self, t: *mut bindings::task_struct) -> bool {
        // SAFETY: `t` by the function's contract, `self` by invariant.
        unsafe { vctx_task_in_cgroup(t, self.ptr) }
    }

    /// Whether the process of `pid` is in this cgroup's subtree (a process
    /// that is gone counts as inside). Takes no task reference: callable
    /// under the state lock.
    pub(crate) fn holds_pid(&self, pid: &PidRef) -> bool {
        // SAFETY: `pid` holds a reference, `self` is valid by invariant.
        unsafe { vctx_pid_in_cgroup(pid.as_ptr(), self.ptr) }
    }

    /// The memory limit in effect (the lowest `memory.max` of the cgroup
    /// and its ancestors) and the usage, in bytes; `None` if unlimited.
    pub(crate) fn memory(&self) -> Option<(u64, u64)> {
        let (mut max, mut usage) = (0, 0);
        // SAFETY: valid by the type invariant; the outputs are locals.
        unsafe { vctx_cgroup_mem(self.ptr, &mut max, &mut usage) }.then_some((max, usage))
    }

    /// The cgroup's path relative to the caller's cgroup namespace root,
    /// into `buf` (NUL-terminated); returns its length without the NUL.
    /// May sleep (takes `cgroup_mutex`): never under the state lock.
    pub(crate) fn path(&self, buf: &mut [u8]) -> Result<usize> {
        // SAFETY: `buf` is writable for its length; valid by invariant.
        let n = unsafe { vctx_cgroup_path(self.ptr, buf.as_mut_ptr(), buf.len()) };
        let n = usize::try_from(n).map_err(|_| Error::from_errno(n))?;
        if n >= buf.len() {
            return Err(ENAMETOOLONG);
        }
        Ok(n)
    }
}

impl Drop for CgroupRef {
    fn drop(&mut self) {
        // SAFETY: valid by the type invariant; this value's reference is
        // dropped once.
        unsafe { vctx_cgroup_put(self.ptr) };
    }
}
