// SPDX-License-Identifier: GPL-2.0

//! Task and pid glue: the few kernel accessors vctx needs, over the C shim
//! (static inlines and field reads stay in C, where the compiler knows the
//! layout). Raw task pointers come from hooks and are valid for the call.

use core::ffi::c_void;
use kernel::bindings;

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_task_group(t: *mut bindings::task_struct) -> *mut c_void;
    fn vctx_group_alive(t: *mut bindings::task_struct) -> bool;
    fn vctx_task_tgid_get(t: *mut bindings::task_struct) -> *mut bindings::pid;
    fn vctx_pid_get(pid: *mut bindings::pid) -> *mut bindings::pid;
    fn vctx_find_process(nr: i32) -> *mut bindings::task_struct;
    fn vctx_task_put(t: *mut bindings::task_struct);
    fn vctx_proc_inode_task(inode: *mut c_void) -> *mut bindings::task_struct;
    fn vctx_proc_path_task(path: *const c_void) -> *mut bindings::task_struct;
    fn vctx_proc_lookup_task(dentry: *const c_void) -> *mut bindings::task_struct;
    fn vctx_pid_task_get(pid: *mut bindings::pid) -> *mut bindings::task_struct;
    fn vctx_capable_admin() -> bool;
    fn vctx_fatal_signal_pending(t: *mut bindings::task_struct) -> bool;
    fn vctx_task_comm(t: *mut bindings::task_struct, buf16: *mut u8);
    fn vctx_task_is_worker(t: *mut bindings::task_struct) -> bool;
    fn vctx_in_task() -> bool;
    fn vctx_cond_resched();
    fn vctx_task_pid(t: *mut bindings::task_struct) -> i32;
    fn vctx_task_tgid(t: *mut bindings::task_struct) -> i32;
    fn vctx_group_caps(t: *mut bindings::task_struct) -> u64;
    fn vctx_creds_trimmed(mask: u64) -> *mut bindings::cred;
    fn vctx_creds_commit(c: *mut bindings::cred);
    fn vctx_creds_abort(c: *mut bindings::cred);
    fn vctx_vnr_task_get(nr: i32) -> *mut bindings::task_struct;
    fn vctx_vnr_owner_get(nr: i32) -> *mut bindings::task_struct;
    fn vctx_pid_owner_get(pid: *mut bindings::pid) -> *mut bindings::task_struct;
    fn vctx_task_is_leader(t: *mut bindings::task_struct) -> bool;
    fn vctx_pid_nr(pid: *mut bindings::pid) -> i32;
}

/// Whether `t`'s thread group still has live threads.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn group_alive(t: *mut bindings::task_struct) -> bool {
    // SAFETY: valid task by contract.
    unsafe { vctx_group_alive(t) }
}

/// Whether `t` has a fatal signal pending: SIGKILL, or its group is
/// exiting (a fatal signal without a handler becomes both).
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn fatal_signal_pending(t: *mut bindings::task_struct) -> bool {
    // SAFETY: valid task by contract.
    unsafe { vctx_fatal_signal_pending(t) }
}

/// Whether `t` leads its thread group.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn is_leader(t: *mut bindings::task_struct) -> bool {
    // SAFETY: valid task by contract.
    unsafe { vctx_task_is_leader(t) }
}

/// Whether `t` is an io_uring or user (vhost) worker thread.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn is_worker(t: *mut bindings::task_struct) -> bool {
    // SAFETY: valid task by contract.
    unsafe { vctx_task_is_worker(t) }
}

/// Whether the caller runs in task context (not in an interrupt or softirq).
pub(crate) fn in_task() -> bool {
    // SAFETY: no preconditions.
    unsafe { vctx_in_task() }
}

/// Copies `t`'s name (`comm`), NUL-padded, into `buf`.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn comm(t: *mut bindings::task_struct, buf: &mut [u8; 16]) {
    // SAFETY: valid task by contract; `buf` holds the 16 bytes written.
    unsafe { vctx_task_comm(t, buf.as_mut_ptr()) };
}

/// `t`'s thread id in the initial pid namespace.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn pid_nr(t: *mut bindings::task_struct) -> i32 {
    // SAFETY: valid task by contract.
    unsafe { vctx_task_pid(t) }
}

/// `t`'s process id in the initial pid namespace.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn tgid_nr(t: *mut bindings::task_struct) -> i32 {
    // SAFETY: valid task by contract.
    unsafe { vctx_task_tgid(t) }
}

/// The key of a thread group: the address of its `signal_struct`, shared by
/// all its threads and stable across exec.
pub(crate) type GroupKey = usize;

/// The group key of task `t`.
///
/// # Safety
///
/// `t` must be a valid task for the duration of the call.
pub(crate) unsafe fn group_key(t: *mut bindings::task_struct) -> GroupKey {
    // SAFETY: valid task, by the function's contract.
    unsafe { vctx_task_group(t) as GroupKey }
}

/// The calling task.
pub(crate) fn current() -> *mut bindings::task_struct {
    kernel::task::Task::current_raw()
}

/// The group key of the calling task.
pub(crate) fn current_key() -> GroupKey {
    // SAFETY: the current task is valid while it runs this code.
    unsafe { group_key(current()) }
}

/// Whether the caller has CAP_SYS_ADMIN in the initial user namespace.
pub(crate) fn capable_admin() -> bool {
    // SAFETY: no preconditions.
    unsafe { vctx_capable_admin() }
}

/// A counted reference to a `struct pid`: a process, by its thread group id.
///
/// # Invariants
///
/// `ptr` is a valid `struct pid` on which this value holds one reference.
pub(crate) struct PidRef {
    ptr: *mut bindings::pid,
}

// SAFETY: `struct pid` references may be taken and dropped on any CPU.
unsafe impl Send for PidRef {}
// SAFETY: all methods take `&self` and only read through the reference.
unsafe impl Sync for PidRef {}

impl PidRef {
    /// A reference to `t`'s thread group id.
    ///
    /// # Safety
    ///
    /// `t` must be a valid task for the duration of the call.
    pub(crate) unsafe fn tgid_of(t: *mut bindings::task_struct) -> Self {
        // SAFETY: valid task by contract; `task_tgid()` is never NULL for a
        // task that passed fork.
        let ptr = unsafe { vctx_task_tgid_get(t) };
        // INVARIANT: the shim took one reference.
        Self { ptr }
    }

    /// The process id as the calling task sees it (0 if it is invisible,
    /// in another pid namespace).
    pub(crate) fn vnr(&self) -> i32 {
        // SAFETY: valid by the type invariant.
        unsafe { bindings::pid_vnr(self.ptr) }
    }

    /// The process id in the initial pid namespace.
    pub(crate) fn nr(&self) -> i32 {
        // SAFETY: valid by the type invariant.
        unsafe { vctx_pid_nr(self.ptr) }
    }

    /// Sends `sig` to the process (with kernel privilege: the caller has
    /// checked permission). Returns false if it no longer exists.
    pub(crate) fn signal(&self, sig: u32) -> bool {
        // SAFETY: valid by the type invariant; `kill_pid` copes with a pid
        // whose task is gone (ESRCH).
        unsafe { bindings::kill_pid(self.ptr, sig as i32, 1) == 0 }
    }

    /// The `struct pid`, for the shim (the reference stays with `self`).
    pub(crate) fn as_ptr(&self) -> *mut bindings::pid {
        self.ptr
    }

    /// Whether two references name the same process.
    pub(crate) fn same(&self, other: &PidRef) -> bool {
        self.ptr == other.ptr
    }

    /// Another reference to the same pid.
    pub(crate) fn clone_ref(&self) -> Self {
        // SAFETY: valid by the type invariant.
        let ptr = unsafe { vctx_pid_get(self.ptr) };
        // INVARIANT: the shim took one more reference, owned by the new value.
        Self { ptr }
    }
}

impl Drop for PidRef {
    fn drop(&mut self) {
        // SAFETY: we own one reference, by the type invariant.
        unsafe { bindings::put_pid(self.ptr) };
    }
}

/// A counted reference to a task, found by process id.
///
/// # Invariants
///
/// `ptr` is a valid task on which this value holds one reference.
pub(crate) struct TaskRef {
    ptr: *mut bindings::task_struct,
}

impl TaskRef {
    /// The task of process `nr` in the caller's pid namespace (0: the caller).
    pub(crate) fn find(nr: i32) -> Option<Self> {
        let ptr = if nr == 0 {
            let cur = current();
            // SAFETY: the current task is valid; take a reference to it.
            unsafe { bindings::get_task_struct(cur) };
            cur
        } else {
            // SAFETY: no preconditions; returns a referenced task or NULL.
            unsafe { vctx_find_process(nr) }
        };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// The thread or process `nr` names in the caller's pid namespace, as
    /// `find_task_by_vpid()` finds it (without calling it: it is hooked).
    pub(crate) fn of_vnr(nr: i32) -> Option<Self> {
        // SAFETY: no preconditions; returns a referenced task or NULL.
        let ptr = unsafe { vctx_vnr_task_get(nr) };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// The task behind number `nr` in the caller's pid namespace, whatever
    /// it names: a thread or process, else the first member of the process
    /// group or session of that number.
    pub(crate) fn owner_of_vnr(nr: i32) -> Option<Self> {
        // SAFETY: no preconditions; returns a referenced task or NULL.
        let ptr = unsafe { vctx_vnr_owner_get(nr) };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// [`TaskRef::owner_of_vnr`] for a `struct pid` (NULL: none).
    ///
    /// # Safety
    ///
    /// `pid` must be NULL or a valid `struct pid`.
    pub(crate) unsafe fn owner_of_pid(pid: *mut bindings::pid) -> Option<Self> {
        // SAFETY: NULL or a valid pid, by the function's contract; the shim
        // returns the task with a reference, or NULL.
        let ptr = unsafe { vctx_pid_owner_get(pid) };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// The task of a `/proc/<pid>` inode, if it still exists.
    ///
    /// # Safety
    ///
    /// `inode` must be a valid inode of a `/proc/<pid>` directory.
    pub(crate) unsafe fn of_proc_inode(inode: *mut c_void) -> Option<Self> {
        // SAFETY: a `/proc/<pid>` inode, by the function's contract; the
        // shim returns the task with a reference, or NULL.
        let ptr = unsafe { vctx_proc_inode_task(inode) };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// The task of the `/proc/<pid>/...` file `path` names, if it still exists.
    ///
    /// # Safety
    ///
    /// `path` must be a valid `struct path` of a procfs file whose inode
    /// belongs to a pid (a `getattr` of procfs's pid inodes).
    pub(crate) unsafe fn of_proc_path(path: *const c_void) -> Option<Self> {
        // SAFETY: by the function's contract; a referenced task or NULL.
        let ptr = unsafe { vctx_proc_path_task(path) };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// The process a lookup of `dentry`'s name in a procfs root finds, as
    /// `proc_pid_lookup()` finds it (`None`: not a pid, or no such process).
    ///
    /// # Safety
    ///
    /// `dentry` must be a valid dentry being looked up in a procfs root.
    pub(crate) unsafe fn of_proc_lookup(dentry: *const c_void) -> Option<Self> {
        // SAFETY: by the function's contract; a referenced task or NULL.
        let ptr = unsafe { vctx_proc_lookup_task(dentry) };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// The task of `pid`, if it still has one.
    ///
    /// # Safety
    ///
    /// `pid` must be a valid `struct pid`.
    pub(crate) unsafe fn of_pid(pid: *mut bindings::pid) -> Option<Self> {
        // SAFETY: valid pid, by the function's contract; the shim returns
        // the task with a reference, or NULL.
        let ptr = unsafe { vctx_pid_task_get(pid) };
        // INVARIANT: a non-NULL `ptr` carries one reference.
        (!ptr.is_null()).then(|| Self { ptr })
    }

    /// The raw task, valid while `self` lives.
    pub(crate) fn as_ptr(&self) -> *mut bindings::task_struct {
        self.ptr
    }

    /// Its thread group's key.
    pub(crate) fn key(&self) -> GroupKey {
        // SAFETY: valid by the type invariant.
        unsafe { group_key(self.ptr) }
    }

    /// Whether its thread group still has live threads.
    pub(crate) fn group_alive(&self) -> bool {
        // SAFETY: valid by the type invariant.
        unsafe { vctx_group_alive(self.ptr) }
    }

    /// A reference to its thread group id.
    pub(crate) fn tgid(&self) -> PidRef {
        // SAFETY: valid by the type invariant.
        unsafe { PidRef::tgid_of(self.ptr) }
    }

    /// The capabilities any of its threads holds (permitted or effective).
    pub(crate) fn group_caps(&self) -> u64 {
        // SAFETY: valid by the type invariant; the shim walks the threads
        // under RCU.
        unsafe { vctx_group_caps(self.ptr) }
    }

    /// Whether this is the calling process.
    pub(crate) fn is_current_group(&self) -> bool {
        self.key() == current_key()
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: we own one reference, by the type invariant.
        unsafe { vctx_task_put(self.ptr) };
    }
}

/// New credentials for the calling thread, its capabilities trimmed to a
/// mask: installed by [`TrimmedCreds::commit`], dropped unused otherwise.
///
/// # Invariants
///
/// `ptr` is a `struct cred` from `prepare_creds()` of the current task,
/// neither committed nor aborted yet; the value never leaves the task.
pub(crate) struct TrimmedCreds {
    ptr: *mut bindings::cred,
}

impl TrimmedCreds {
    /// Prepares a copy of the caller's credentials with every capability
    /// set (bounding, permitted, effective, inheritable, ambient) within
    /// `mask`.
    pub(crate) fn prepare(mask: u64) -> kernel::error::Result<Self> {
        // SAFETY: no preconditions; may sleep (ioctl context).
        let ptr = unsafe { vctx_creds_trimmed(mask) };
        if ptr.is_null() {
            return Err(kernel::error::code::ENOMEM);
        }
        // INVARIANT: fresh from prepare_creds() of the current task.
        Ok(Self { ptr })
    }

    /// Installs them as the calling thread's credentials.
    pub(crate) fn commit(self) {
        let ptr = self.ptr;
        core::mem::forget(self);
        // SAFETY: prepared by this task and not yet used, by the type
        // invariant; commit_creds() takes over the reference.
        unsafe { vctx_creds_commit(ptr) };
    }
}

impl Drop for TrimmedCreds {
    fn drop(&mut self) {
        // SAFETY: prepared and unused, by the type invariant.
        unsafe { vctx_creds_abort(self.ptr) };
    }
}

/// A resched point (`cond_resched()`): for long walks that take the state
/// lock in short holds (the sampler). Process context, no lock held.
pub(crate) fn cond_resched() {
    // SAFETY: no preconditions beyond the caller's (may sleep: it holds no
    // spinlock and runs in process context).
    unsafe { vctx_cond_resched() };
}
