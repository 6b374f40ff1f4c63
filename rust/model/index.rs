// SPDX-License-Identifier: GPL-2.0

//! The membership index: which context a process is in, found without a
//! lock. A hash table in the C shim (`hooks/shim_index.c`) from a group key
//! to its context, read under RCU by every hook.
//!
//! # Invariants
//!
//! - It mirrors the state's tables: for every key, the entry is the
//!   member's context if that context's own map (`CtxState::members`)
//!   holds the key, else the zombie's context (marked `exited`) if
//!   `Inner::exited` holds it, else there is none. Every writer of those
//!   tables calls [`sync`] for the key before it releases the state lock,
//!   so a reader never sees a mapping that the locked tables never held. Writers are serialized by the state lock
//!   (the `&mut Inner` they pass proves it).
//! - A reader looks up under an RCU read-side lock ([`rcu::Guard`]) and
//!   writes nothing shared; what it finds borrows the guard.
//! - Each entry owns a reference on its context. An entry taken out of the
//!   table is freed after an RCU grace period, and its reference dropped
//!   then in process context (a work item): the context a reader found
//!   stays valid for as long as the reader's guard lives.
//! - Dropping the index (module unload, after every hook is gone) empties
//!   it and waits for those frees (`rcu_barrier()`, `flush_work()`).

use core::ffi::c_void;

use kernel::{
    prelude::*,
    sync::{rcu, Arc},
};

use crate::kern::task::GroupKey;
use crate::model::context::Context;
use crate::model::state::Inner;

extern "C" {
    fn vctx_index_new() -> *mut c_void;
    fn vctx_index_destroy(ix: *mut c_void);
    fn vctx_index_lookup(ix: *mut c_void, key: usize, exited: *mut bool) -> *const c_void;
    fn vctx_index_entry_alloc(atomic: bool) -> *mut c_void;
    fn vctx_index_entry_free(entry: *mut c_void);
    fn vctx_index_set(ix: *mut c_void, key: usize, ctx: *const c_void, exited: bool, entry: *mut c_void);
    #[cfg(CONFIG_KUNIT)]
    fn vctx_index_barrier();
}

/// The index (owns the C table).
pub(crate) struct Index(*mut c_void);

// SAFETY: the C table is safe to use from any thread: readers under RCU,
// writers serialized by the state lock (the `&mut Inner` of [`Index::set`]).
unsafe impl Send for Index {}
// SAFETY: as above.
unsafe impl Sync for Index {}

/// What a lookup finds: valid for as long as the RCU guard it borrows.
#[derive(Clone, Copy)]
pub(crate) struct Found<'a> {
    /// The context.
    pub(crate) ctx: &'a Context,
    /// Whether the process has exited and is not reaped yet (a zombie).
    pub(crate) exited: bool,
}

/// A preallocated entry, for a writer that may not fail once it holds the
/// lock (`enter`); freed if unused.
pub(crate) struct Spare(*mut c_void);

impl Spare {
    /// An entry allocated with `GFP_KERNEL` (process context, no lock held).
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: no preconditions.
        let e = unsafe { vctx_index_entry_alloc(false) };
        if e.is_null() {
            return Err(ENOMEM);
        }
        Ok(Self(e))
    }

    /// No entry: [`Index::set`] allocates with `GFP_ATOMIC` if it needs one.
    pub(crate) fn none() -> Self {
        Self(core::ptr::null_mut())
    }
}

impl Drop for Spare {
    fn drop(&mut self) {
        // SAFETY: null, or an entry from `vctx_index_entry_alloc` that the
        // table did not take.
        unsafe { vctx_index_entry_free(self.0) };
    }
}

impl Index {
    /// An empty index.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: no preconditions.
        let ix = unsafe { vctx_index_new() };
        if ix.is_null() {
            return Err(ENOMEM);
        }
        Ok(Self(ix))
    }

    /// The entry of `key`, if any.
    pub(crate) fn lookup<'a>(&'a self, _guard: &'a rcu::Guard, key: GroupKey) -> Option<Found<'a>> {
        let mut exited = false;
        // SAFETY: `self.0` is a live table; the RCU read lock is held (the
        // guard) for as long as the result borrows it.
        let ctx = unsafe { vctx_index_lookup(self.0, key, &mut exited) };
        // SAFETY: a non-null result is the context an entry holds a
        // reference on; it stays valid until a grace period after the
        // entry leaves the table, which the guard's lifetime precedes.
        (!ctx.is_null()).then(|| Found { ctx: unsafe { &*ctx.cast::<Context>() }, exited })
    }

    /// Whether the process of `key` is a live member of some context.
    pub(crate) fn is_member(&self, key: GroupKey) -> bool {
        let guard = rcu::read_lock();
        self.lookup(&guard, key).is_some_and(|f| !f.exited)
    }

    /// Makes the entry of `key` `to` (a context, and whether the process
    /// is a zombie), or removes it (`None`). Uses `spare` (else allocates
    /// with `GFP_ATOMIC`) if a new entry is needed; ENOMEM (nothing
    /// changed) if it cannot. Removing never fails.
    pub(crate) fn set(&self, _w: &mut Inner, key: GroupKey, to: Option<(&Arc<Context>, bool)>, spare: &mut Spare) -> Result {
        let cur = {
            let guard = rcu::read_lock();
            self.lookup(&guard, key).map(|f| (core::ptr::from_ref(f.ctx), f.exited))
        };
        let Some((ctx, exited)) = to else {
            if cur.is_some() {
                // SAFETY: a live table; writers are serialized (`_w`).
                unsafe { vctx_index_set(self.0, key, core::ptr::null(), false, core::ptr::null_mut()) };
            }
            return Ok(());
        };
        if cur == Some((Arc::as_ptr(ctx), exited)) {
            return Ok(());
        }
        let mut entry = spare.0;
        spare.0 = core::ptr::null_mut();
        if entry.is_null() {
            // SAFETY: no preconditions.
            entry = unsafe { vctx_index_entry_alloc(true) };
            if entry.is_null() {
                return Err(ENOMEM);
            }
        }
        let r = Arc::into_raw(ctx.clone()).cast::<c_void>();
        // SAFETY: a live table; writers are serialized (`_w`); `entry` is
        // an unused entry and `r` a context reference, both handed over.
        unsafe { vctx_index_set(self.0, key, r, exited, entry) };
        Ok(())
    }
}

impl Drop for Index {
    fn drop(&mut self) {
        // SAFETY: a live table, dropped once; no hook runs any more (the
        // state is dropped after they are unregistered).
        unsafe { vctx_index_destroy(self.0) };
    }
}

/// Drops a context reference that an index entry held (from the shim's
/// work item, after the entry's grace period).
///
/// # Safety
///
/// `ctx` must be a reference made by [`Index::set`] (`Arc::into_raw`),
/// dropped once.
#[no_mangle]
unsafe extern "C" fn vctx_ctx_put(ctx: *const c_void) {
    // SAFETY: by the function's contract.
    drop(unsafe { Arc::from_raw(ctx.cast::<Context>()) });
}

#[kunit_tests(vctx_index)]
mod tests {
    use super::*;
    use crate::abi::name::split;
    use crate::model::registry::create;
    use crate::model::state::State;

    fn barrier() {
        // SAFETY: no preconditions (process context, KUnit).
        unsafe { vctx_index_barrier() };
    }

    #[test]
    fn lookup_follows_insert_replace_and_remove() -> Result {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        let a = create(&st, &root, &split(b"a")?, 0, 0)?;
        let b = create(&st, &root, &split(b"b")?, 0, 0)?;
        let ix = Index::new()?;
        let mut none = Spare::none();
        // Many keys, so buckets hold chains.
        for k in 1..=5000usize {
            let to = if k % 2 == 0 { &a } else { &b };
            ix.set(&mut st.lock.lock(), k * 64, Some((to, false)), &mut none)?;
        }
        {
            let g = rcu::read_lock();
            for k in 1..=5000usize {
                let f = ix.lookup(&g, k * 64).ok_or(EINVAL)?;
                assert_eq!(f.ctx.id, if k % 2 == 0 { a.id } else { b.id });
                assert!(!f.exited);
            }
            assert!(ix.lookup(&g, 64 * 5001).is_none());
            assert!(ix.lookup(&g, 65).is_none());
        }
        // Churn: replace, mark exited, remove, re-insert.
        for round in 0..4usize {
            for k in 1..=5000usize {
                let key = k * 64;
                match (k + round) % 4 {
                    0 => ix.set(&mut st.lock.lock(), key, None, &mut none)?,
                    1 => ix.set(&mut st.lock.lock(), key, Some((&a, true)), &mut none)?,
                    2 => ix.set(&mut st.lock.lock(), key, Some((&b, false)), &mut none)?,
                    _ => ix.set(&mut st.lock.lock(), key, Some((&a, false)), &mut none)?,
                }
            }
            let g = rcu::read_lock();
            for k in 1..=5000usize {
                let f = ix.lookup(&g, k * 64);
                match (k + round) % 4 {
                    0 => assert!(f.is_none()),
                    1 => assert!(f.is_some_and(|f| f.exited && f.ctx.id == a.id)),
                    2 => assert!(f.is_some_and(|f| !f.exited && f.ctx.id == b.id)),
                    _ => assert!(f.is_some_and(|f| !f.exited && f.ctx.id == a.id)),
                }
            }
        }
        // A spare is used when given, and freed when not.
        let mut spare = Spare::new()?;
        ix.set(&mut st.lock.lock(), 7, Some((&a, false)), &mut spare)?;
        assert!(spare.0.is_null());
        assert!(ix.is_member(7));
        drop(Spare::new()?);
        drop(ix);
        Ok(())
    }

    #[test]
    fn a_removed_context_lives_until_the_grace_period() -> Result {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        let ix = Index::new()?;
        let mut none = Spare::none();
        let c = st.new_context(root, crate::abi::name::Name::root(), 0)?;
        let id = c.id;
        ix.set(&mut st.lock.lock(), 128, Some((&c, false)), &mut none)?;
        // Only the index and `c` hold it now.
        let g = rcu::read_lock();
        let found = ix.lookup(&g, 128).ok_or(EINVAL)?;
        ix.set(&mut st.lock.lock(), 128, None, &mut none)?;
        // Removed, but a reader that found it may still use it.
        assert!(ix.lookup(&g, 128).is_none());
        assert_eq!(found.ctx.id, id);
        drop(g);
        // After the grace period the index's reference is gone: `c` is
        // the only one left.
        barrier();
        assert!(Arc::into_unique_or_drop(c).is_some());
        Ok(())
    }
}
