// SPDX-License-Identifier: GPL-2.0

//! A context: one node of the tree, with its immutable identity and the
//! mutable state the global lock protects.

use kernel::{
    alloc::KBox,
    rbtree::RBTree,
    sync::{
        atomic::{Acquire, Atomic, Release},
        Arc, LockedBy,
    },
};

use crate::abi::name::Name;
use crate::abi::uapi::VCTX_CTX_EPHEMERAL;
use crate::model::counters::Acct;
use crate::kern::task::GroupKey;
use crate::model::state::{Inner, Member};

/// Every capability the kernel knows: the mask of a new context unless
/// its creator gives one (`crate::policy::caps` narrows it).
pub(crate) const ALL_CAPS: u64 = (1u64 << (kernel::bindings::CAP_LAST_CAP + 1)) - 1;

/// A context. Shared (`Arc`) by its parent's child list, its member
/// processes, its children (as their parent) and any ioctl or waiter that
/// holds it; it outlives its place in the tree until the last of those.
pub(crate) struct Context {
    /// Unique while the module is loaded, never reused; 0 is the root.
    pub(crate) id: u64,
    /// `None` only for the root.
    pub(crate) parent: Option<Arc<Context>>,
    /// 0 for the root.
    pub(crate) depth: u32,
    /// CLOCK_BOOTTIME at creation, in ns.
    pub(crate) created_ns: u64,
    /// Everything that changes, under the global lock.
    pub(crate) st: LockedBy<CtxState, Inner>,
    /// Copies of `st.flags` and `st.caps` for readers without the lock
    /// (the hooks, through `crate::model::index`): written under the lock right
    /// after the field they copy.
    pub(crate) live: Live,
    /// Counters bumped without the lock (`crate::model::counters::Unlocked`).
    pub(crate) unlocked: crate::model::counters::Unlocked,
}

/// What lock-free readers of a context read ([`Context::live`]).
pub(crate) struct Live {
    flags: Atomic<u32>,
    caps: Atomic<u64>,
    /// Kills in progress on this context itself (a copy of
    /// `CtxState::killing`, written by [`Context::begin_kill`] and
    /// [`Context::end_kill`] under the lock).
    killing: Atomic<u32>,
    /// 1 while this context itself has an nproc or nthreads limit (written
    /// by [`Context::set_task_limited`] under the lock).
    task_limited: Atomic<u32>,
}

impl Live {
    /// For a new context with `flags` and every capability.
    pub(crate) fn new(flags: u32) -> Self {
        Self { flags: Atomic::new(flags), caps: Atomic::new(ALL_CAPS), killing: Atomic::new(0), task_limited: Atomic::new(0) }
    }

    /// Whether fork admission in this context's subtree has to take the
    /// lock because of this context: a kill runs on it, or it limits
    /// processes or tasks (`crate::lifecycle::admit_fork`).
    pub(crate) fn admission_locked(&self) -> bool {
        self.killing.load(Acquire) != 0 || self.task_limited.load(Acquire) != 0
    }

    /// The flags (`VCTX_CTX_*`).
    pub(crate) fn flags(&self) -> u32 {
        self.flags.load(Acquire)
    }

    /// The capability mask.
    pub(crate) fn caps(&self) -> u64 {
        self.caps.load(Acquire)
    }
}

/// The mutable state of a context (protected by [`crate::model::state::State::lock`]).
pub(crate) struct CtxState {
    pub(crate) name: Name,
    /// Children by name (so listings come out sorted).
    pub(crate) children: RBTree<Name, Arc<Context>>,
    /// Its own member processes, by group key (`crate::model::members`:
    /// each tracked process is in exactly its context's map; the root's
    /// stays empty). Changed only by `crate::lifecycle`.
    pub(crate) members: RBTree<GroupKey, Member>,
    /// `VCTX_CTX_*` flags that userspace sets: written only by
    /// [`Context::set_flags`], which keeps [`Context::live`] in step.
    flags: u32,
    /// False once destroyed (unlinked from the tree): [`CtxState::linked`].
    linked: bool,
    /// Kills in progress on this context (each covers the subtree).
    killing: u32,
    /// The signal of the latest kill in progress, sent at birth to any
    /// process that forks into the subtree while it runs.
    kill_sig: u32,
    /// Member processes of this context itself. The four counts below
    /// change only through the `count_*` methods (`crate::lifecycle`).
    processes: u32,
    /// Member processes of this context and all its descendants.
    subtree_processes: u32,
    /// Processes that ever joined (by fork or enter), this context only.
    total_processes: u64,
    /// CLOCK_BOOTTIME when the subtree last became empty, 0 while it has
    /// members (or never had any).
    emptied_ns: u64,
    /// Counters and limits (`acct/accounting.rs`, `acct/limits.rs`).
    pub(crate) acct: Acct,
    /// Namespaces it holds (`crate::ns::namespaces`), if any.
    pub(crate) ns: Option<KBox<crate::model::ns_set::NsSet>>,
    /// The subtree's load average and latest pid (`virt/views.rs`).
    pub(crate) load: crate::model::load::Load,
    /// The capability mask (`policy/caps.rs`): within the parent's;
    /// written only by [`Context::set_caps`], which keeps
    /// [`Context::live`] in step.
    caps: u64,
    /// Why the subtree last ended (`VCTX_EVENT_REBOOT`/`HALT`, `policy/reboot.rs`),
    /// 0 if not by reboot(2); cleared when a process joins it again.
    pub(crate) end_reason: u32,
    /// The cgroup it is bound to (`crate::cgroup::binding`), if any.
    pub(crate) cgroup: Option<crate::kern::cgroup_ref::CgroupRef>,
}

impl CtxState {
    /// The state of a new context called `name`.
    pub(crate) fn new(name: Name, flags: u32) -> Self {
        Self {
            name,
            children: RBTree::new(),
            members: RBTree::new(),
            flags,
            linked: false,
            killing: 0,
            kill_sig: 0,
            processes: 0,
            subtree_processes: 0,
            total_processes: 0,
            emptied_ns: 0,
            acct: Acct::new(),
            ns: None,
            load: Default::default(),
            caps: ALL_CAPS,
            end_reason: 0,
            cgroup: None,
        }
    }

    /// Whether it goes away by itself when it empties.
    pub(crate) fn ephemeral(&self) -> bool {
        self.flags & VCTX_CTX_EPHEMERAL != 0
    }

    /// The flags (`VCTX_CTX_*`).
    pub(crate) fn flags(&self) -> u32 {
        self.flags
    }

    /// The capability mask.
    pub(crate) fn caps(&self) -> u64 {
        self.caps
    }

    /// Member processes of this context itself.
    pub(crate) fn processes(&self) -> u32 {
        self.processes
    }

    /// Member processes of this context and all its descendants.
    pub(crate) fn subtree_processes(&self) -> u32 {
        self.subtree_processes
    }

    /// Processes that ever joined this context itself.
    pub(crate) fn total_processes(&self) -> u64 {
        self.total_processes
    }

    /// CLOCK_BOOTTIME when the subtree last became empty, 0 while it has
    /// members (or never had any).
    pub(crate) fn emptied_ns(&self) -> u64 {
        self.emptied_ns
    }

    /// A process joins this context itself (by fork or enter). If the
    /// subtree was empty it starts again: why it last ended is history.
    pub(crate) fn count_join(&mut self) {
        if self.subtree_processes == 0 {
            self.end_reason = 0;
        }
        self.processes += 1;
        self.total_processes += 1;
    }

    /// A process joins this context's subtree; returns the subtree's count.
    pub(crate) fn count_subtree_join(&mut self) -> u32 {
        self.subtree_processes += 1;
        self.emptied_ns = 0;
        self.subtree_processes
    }

    /// A process leaves this context itself (exit, or moved down).
    pub(crate) fn count_leave(&mut self) {
        self.processes = self.processes.saturating_sub(1);
    }

    /// A process leaves this context's subtree; returns the subtree's count.
    pub(crate) fn count_subtree_leave(&mut self) -> u32 {
        self.subtree_processes = self.subtree_processes.saturating_sub(1);
        self.subtree_processes
    }

    /// Records that the subtree became empty at `now` (CLOCK_BOOTTIME, ns).
    pub(crate) fn mark_emptied(&mut self, now: u64) {
        self.emptied_ns = now;
    }

    /// The signal of the latest kill in progress on this context itself,
    /// if one is (`crate::policy::kill`; ancestors' kills:
    /// `registry::kill_in_progress`).
    pub(crate) fn kill(&self) -> Option<u32> {
        (self.killing > 0).then_some(self.kill_sig)
    }

    /// A kill with `sig` starts on this context ([`Context::begin_kill`]).
    fn begin_kill(&mut self, sig: u32) {
        self.killing += 1;
        self.kill_sig = sig;
    }

    /// The kill in progress escalates to `sig`.
    pub(crate) fn escalate_kill(&mut self, sig: u32) {
        self.kill_sig = sig;
    }

    /// A kill on this context ends ([`Context::end_kill`]).
    fn end_kill(&mut self) {
        self.killing -= 1;
    }

    /// Whether it is in the tree (not destroyed, not torn down).
    pub(crate) fn linked(&self) -> bool {
        self.linked
    }

    /// Records that it was put into the tree (create, the root at init)
    /// or taken out of it (destroy, unload): the registry's and the
    /// state's teardown's only.
    pub(crate) fn set_linked(&mut self, linked: bool) {
        self.linked = linked;
    }
}

impl Context {
    /// Whether `self` is `other` or one of its descendants.
    pub(crate) fn is_within(&self, other: &Context) -> bool {
        let mut c = self;
        loop {
            if c.id == other.id {
                return true;
            }
            if c.depth <= other.depth {
                return false;
            }
            match &c.parent {
                Some(p) => c = p,
                None => return false,
            }
        }
    }

    /// Sets the flags (`VCTX_CTX_*`), with the state lock held (`inner`).
    pub(crate) fn set_flags(&self, inner: &mut Inner, flags: u32) {
        self.st.access_mut(inner).flags = flags;
        self.live.flags.store(flags, Release);
    }

    /// Sets the capability mask, with the state lock held (`inner`).
    pub(crate) fn set_caps(&self, inner: &mut Inner, caps: u64) {
        self.st.access_mut(inner).caps = caps;
        self.live.caps.store(caps, Release);
    }

    /// A kill with `sig` starts on this context, with the state lock held
    /// (`inner`); the lock-free copy follows (fork admission reads it).
    pub(crate) fn begin_kill(&self, inner: &mut Inner, sig: u32) {
        let st = self.st.access_mut(inner);
        st.begin_kill(sig);
        self.live.killing.store(st.killing, Release);
    }

    /// A kill on this context ends, with the state lock held (`inner`).
    pub(crate) fn end_kill(&self, inner: &mut Inner) {
        let st = self.st.access_mut(inner);
        st.end_kill();
        self.live.killing.store(st.killing, Release);
    }

    /// Records whether this context limits processes or tasks (nproc,
    /// nthreads), with the state lock held (`inner`) right after its
    /// limits changed: fork admission below it takes the lock while one
    /// does (`crate::acct::limits::set`).
    pub(crate) fn set_task_limited(&self, _inner: &mut Inner, limited: bool) {
        self.live.task_limited.store(u32::from(limited), Release);
    }

    /// Iterates over `self` and its ancestors up to the root.
    pub(crate) fn ancestors_and_self(&self) -> impl Iterator<Item = &Context> {
        core::iter::successors(Some(self), |c| c.parent.as_deref())
    }
}
