// SPDX-License-Identifier: GPL-2.0

//! The module's state: the context tree and the contexts' member maps,
//! under one lock, and where hooks find them.
//!
//! # Locking
//!
//! One spinlock, [`State::lock`], protects everything that changes: the
//! tree (names, children, flags), every context's counters ([`CtxState`])
//! and every context's member map (`crate::model::members`); outside it
//! only the atomics of `Context::live` (copies written under it) and
//! `Context::unlocked` (`execs`, bumped by the exec hook without it). It is taken
//! from process context only (ioctls, the fork and exit tracepoints, the
//! fork-admission ftrace hook), never from interrupts, and is never held across user copies, allocations with
//! `GFP_KERNEL` or signal delivery: callers allocate before, and signal
//! after. Nothing else nests inside it except the allocator (`GFP_ATOMIC`)
//! and `put_pid`. One lock keeps the order trivial; its cost is measured
//! by `make bench`.
//!
//! Periodic work holds it per context, never across the tree: the sampler
//! lists the contexts under one short hold ([`filled`],
//! `crate::model::members::contexts`) and then takes one short hold per
//! context, with resched points between. How member fork and exit are to
//! leave it (per-context locks, atomic charges along the ancestors, the
//! lock order) is `Documentation/design.rst`, "Next: per-context locks".
//!
//! The hooks' questions (is the caller a member, of which context, is the
//! target within it) are answered without it, from [`State::index`], an
//! RCU-read mirror of the member maps and `exited` that their writers keep
//! in step under the lock (`crate::model::index`, its invariants).
//!
//! [`CtxState`]: crate::model::context::CtxState

use kernel::{
    alloc::KVVec,
    new_condvar, new_poll_condvar, new_spinlock,
    prelude::*,
    rbtree::RBTree,
    sync::{
        atomic::{Acquire, Atomic, Relaxed, Release},
        poll::PollCondVar,
        Arc, CondVar, LockedBy, SpinLock,
    },
};

use crate::abi::name::Name;
use crate::kern::task::{GroupKey, PidRef};
use crate::kern::usage::{Io, Usage};
use crate::model::context::{Context, CtxState};
use crate::model::events::Ring;
use crate::model::index::Found;
use crate::model::pending;

/// A member process: its context and a reference to its tgid (for signals
/// and for reporting its pid).
pub(crate) struct Member {
    pub(crate) ctx: Arc<Context>,
    pub(crate) pid: PidRef,
    /// What the process had used when it joined `ctx` (zero after fork).
    pub(crate) base: Usage,
    /// Its previous reading (keeps its figures monotonic).
    pub(crate) prev: Usage,
    /// I/O of its threads that have exited (`kern/usage.rs`: signal->ioac
    /// also holds reaped children's, so it is not used).
    pub(crate) dead_io: Io,
}

impl Member {
    /// A process that joins `ctx` having used `base` so far.
    pub(crate) fn new(ctx: Arc<Context>, pid: PidRef, base: Usage) -> Self {
        Self { ctx, pid, base, prev: base, dead_io: [0; 4] }
    }
}

/// What [`State::lock`] protects.
pub(crate) struct Inner {
    /// The root context (the host), id 0. Always `Some` after init.
    pub(crate) root: Option<Arc<Context>>,
    /// Limit events, newest last.
    pub(crate) events: Ring,
    /// Admitted tasks not yet born (`model/pending.rs`).
    pub(crate) pending: pending::Table,
    /// Member processes that have exited but are not reaped yet (zombies),
    /// by group key: still in their context for the isolation checks
    /// (their parent waits for them, signals them, sees them in `/proc`),
    /// counted nowhere. Removed when the process is reaped
    /// (`release_task()`), before its `signal_struct` can be reused.
    pub(crate) exited: RBTree<GroupKey, Arc<Context>>,
    /// `set_user_nice()` calls to skip: (calling task, target task) pairs
    /// that `setpriority` is about to make on a process outside the
    /// caller's subtree (`isolation::defer_nice_skip`); 0 is a free slot.
    pub(crate) nice_skips: [(usize, usize); NICE_SKIPS],
}

/// Slots of [`Inner::nice_skips`]: each is used for the few instructions
/// between a check and the change it guards, by one task at a time.
pub(crate) const NICE_SKIPS: usize = 16;

/// The module's state. Lives in the module object, pinned, from before the
/// hooks are registered until after they are gone.
///
/// A linked context and its parent reference each other (the parent's
/// child list, the child's `parent`), so dropping the state takes the
/// tree apart first (`PinnedDrop`); otherwise every context still linked
/// at unload would leak.
#[pin_data(PinnedDrop)]
pub(crate) struct State {
    #[pin]
    pub(crate) lock: SpinLock<Inner>,
    /// Notified when a context's subtree becomes empty (`VCTX_IOC_WAIT`,
    /// kill grace periods).
    #[pin]
    pub(crate) emptied: CondVar,
    /// Notified when an event is emitted (blocking `read`, `poll`).
    #[pin]
    pub(crate) events_cv: PollCondVar,
    /// Number of member processes (the sum of the contexts' member maps),
    /// readable without the lock: hooks return at once while it is 0 (no
    /// process is in any context).
    pub(crate) nr_members: Atomic<usize>,
    /// The next context id.
    pub(crate) next_id: Atomic<u64>,
    /// Number of entries in `pending`, readable without the lock.
    pub(crate) nr_pending: Atomic<usize>,
    /// The capabilities every context's mask holds (an upper bound on the
    /// intersection: bits are cleared as masks are set, never put back):
    /// the capable hook returns at once for these (`policy/caps.rs`).
    pub(crate) caps_floor: Atomic<u64>,
    /// Number of entries in `exited`, readable without the lock.
    pub(crate) nr_exited: Atomic<usize>,
    /// Number of used slots of `nice_skips`, readable without the lock.
    pub(crate) nr_nice_skips: Atomic<usize>,
    /// The member maps and `exited` as the hooks read them, without the lock
    /// (`crate::model::index`): every writer of those tables updates it.
    pub(crate) index: crate::model::index::Index,
}

/// Where the hooks find the state: the address of the pinned [`State`], or
/// 0 outside the window in which the hooks are registered.
static STATE: Atomic<usize> = Atomic::new(0);

/// CLOCK_BOOTTIME now, in ns.
pub(crate) fn now_ns() -> u64 {
    // SAFETY: no preconditions; callable from any context.
    unsafe { kernel::bindings::ktime_get_boot_fast_ns() }
}

impl State {
    /// A state holding only the root context.
    pub(crate) fn new(events: Ring) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            lock <- new_spinlock!(Inner { root: None, events, pending: RBTree::new(), exited: RBTree::new(), nice_skips: [(0, 0); NICE_SKIPS] }, "vctx_state"),
            emptied <- new_condvar!("vctx_emptied"),
            events_cv <- new_poll_condvar!("vctx_events"),
            nr_members: Atomic::new(0),
            next_id: Atomic::new(1),
            nr_pending: Atomic::new(0),
            caps_floor: Atomic::new(crate::model::context::ALL_CAPS),
            nr_exited: Atomic::new(0),
            nr_nice_skips: Atomic::new(0),
            index: crate::model::index::Index::new()?,
        })
    }

    /// Creates the root context; called once, right after `new`.
    pub(crate) fn init_root(&self) -> Result {
        let root = Arc::new(
            Context {
                id: 0,
                parent: None,
                depth: 0,
                created_ns: now_ns(),
                st: LockedBy::new(&self.lock, CtxState::new(Name::root(), 0)),
                live: crate::model::context::Live::new(0),
                unlocked: crate::model::counters::Unlocked::new(),
            },
            GFP_KERNEL,
        )?;
        let mut inner = self.lock.lock();
        root.st.access_mut(&mut inner).set_linked(true);
        inner.root = Some(root);
        Ok(())
    }

    /// A new, unlinked context below `parent`.
    pub(crate) fn new_context(
        &self,
        parent: Arc<Context>,
        name: Name,
        flags: u32,
    ) -> Result<Arc<Context>> {
        Ok(Arc::new(
            Context {
                id: self.next_id.fetch_add(1, Relaxed),
                depth: parent.depth + 1,
                parent: Some(parent),
                created_ns: now_ns(),
                st: LockedBy::new(&self.lock, CtxState::new(name, flags)),
                live: crate::model::context::Live::new(flags),
                unlocked: crate::model::counters::Unlocked::new(),
            },
            GFP_KERNEL,
        )?)
    }

    /// Makes `self` the state the hooks see.
    pub(crate) fn publish(&self) {
        STATE.store(core::ptr::from_ref(self) as usize, Release);
    }

    /// Hides `self` from hooks registered later (none should be).
    pub(crate) fn unpublish(&self) {
        STATE.store(0, Release);
    }
}

#[pinned_drop]
impl PinnedDrop for State {
    fn drop(self: Pin<&mut Self>) {
        let mut inner = self.lock.lock();
        let mut members = KVec::new();
        let pending = core::mem::take(&mut inner.pending);
        let exited = core::mem::take(&mut inner.exited);
        if let Some(root) = inner.root.take() {
            detach_subtree(&mut inner, &root, &mut members);
        }
        drop(inner);
        drop(members);
        drop(pending);
        drop(exited);
    }
}

/// Empties the child lists and member maps of `ctx` and all its
/// descendants, breaking the parent/child and context/member reference
/// cycles; the maps go to `members`, to be dropped after the lock (a
/// member holds a `struct pid` and its context). Recursion is bounded by
/// `DEPTH_MAX`.
fn detach_subtree(inner: &mut Inner, ctx: &Context, members: &mut KVec<RBTree<GroupKey, Member>>) {
    let st = ctx.st.access_mut(inner);
    let children = core::mem::take(&mut st.children);
    let own = core::mem::take(&mut st.members);
    // If `members` cannot grow, `push` drops the map here, under the lock:
    // still safe, as no member holds the last reference on its context
    // (the tree's `children` do, until after the walk) and `put_pid` may
    // be called under a spinlock.
    if !own.is_empty() {
        let _ = members.push(own, GFP_ATOMIC);
    }
    for child in children.values() {
        child.st.access_mut(inner).set_linked(false);
        detach_subtree(inner, child, members);
    }
}

/// The state, for hooks and ioctls; `None` before init and after teardown.
pub(crate) fn get() -> Option<&'static State> {
    let addr = STATE.load(Acquire);
    // SAFETY: a non-zero address is the pinned `State` published by
    // `publish`. It stays valid until `unpublish`, which module teardown
    // calls only after unregistering every hook and synchronizing with
    // callbacks in flight, and after the device is gone (no ioctl runs:
    // an open file holds a module reference).
    (addr != 0).then(|| unsafe { &*(addr as *const State) })
}

impl State {
    /// Runs `f` with the index entry of the process whose group key is
    /// `key` (`None`: a process of the root), without the lock
    /// (`crate::model::index`).
    pub(crate) fn with_entry<R>(&self, key: GroupKey, f: impl FnOnce(Option<Found<'_>>) -> R) -> R {
        let guard = kernel::sync::rcu::read_lock();
        f(self.index.lookup(&guard, key))
    }

    /// Whether the process whose group key is `key` is a live member of a
    /// context, without the lock.
    pub(crate) fn is_member(&self, key: GroupKey) -> bool {
        self.index.is_member(key)
    }
}

impl Inner {
    /// The root context (`ENODEV` only before `init_root`, which runs
    /// before the state is published).
    pub(crate) fn root(&self) -> Result<&Arc<Context>> {
        self.root.as_ref().ok_or(ENODEV)
    }
}

/// Fills a buffer under the lock: sized by `size` under it, allocated
/// without it, filled by `fill` under it again; if the tree grew in
/// between (`fill` says EAGAIN), once more. The one helper for that
/// pattern (ioctl answers, the sampler's lists).
pub(crate) fn filled<T>(
    st: &State,
    size: impl Fn(&Inner) -> usize,
    fill: impl Fn(&Inner, &mut KVVec<T>) -> Result,
) -> Result<KVVec<T>> {
    loop {
        let n = size(&st.lock.lock());
        let mut out = KVVec::with_capacity(n, GFP_KERNEL)?;
        match fill(&st.lock.lock(), &mut out) {
            Ok(()) => return Ok(out),
            Err(e) if e == EAGAIN => continue,
            Err(e) => return Err(e),
        }
    }
}
