// SPDX-License-Identifier: GPL-2.0

//! Limit events (and the end of a context by reboot(2), `policy/reboot.rs`): a
//! ring of the latest `VCTX_EVENTS_KEPT` records, under the state lock, read by every open file of `/dev/vctx` with its own
//! cursor (`dev/open_file.rs`). Emitting never blocks and never allocates: the
//! oldest record is overwritten, and a reader that falls behind is told
//! how many it lost.

use kernel::{alloc::KVVec, prelude::*, sync::Arc};

use crate::abi::uapi::{vctx_event, VCTX_EVENTS_KEPT, VCTX_EVENT_LIMIT, VCTX_EVENT_OVERFLOW};
use crate::kern::task;
use crate::model::context::Context;
use crate::model::state::{self, Inner};

const KEPT: u64 = VCTX_EVENTS_KEPT as u64;

/// The task an event blames.
pub(crate) struct Who {
    pub(crate) pid: i32,
    pub(crate) tgid: i32,
    pub(crate) comm: [u8; 16],
}

impl Who {
    /// The calling task.
    pub(crate) fn current() -> Self {
        // SAFETY: `current` is valid for the duration of the call.
        unsafe { Self::of(task::current()) }
    }

    /// Task `t`.
    ///
    /// # Safety
    ///
    /// `t` must be a valid task for the duration of the call.
    pub(crate) unsafe fn of(t: *mut kernel::bindings::task_struct) -> Self {
        let mut comm = [0u8; 16];
        // SAFETY: valid task by contract; `comm` has the 16 bytes the shim writes.
        unsafe { task::comm(t, &mut comm) };
        // SAFETY: as above.
        let (pid, tgid) = unsafe { (task::pid_nr(t), task::tgid_nr(t)) };
        Self { pid, tgid, comm }
    }
}

/// A kept record and the context it concerns (for visibility checks).
struct Rec {
    ev: vctx_event,
    ctx: Arc<Context>,
}

/// The ring of kept records.
pub(crate) struct Ring {
    slots: KVVec<Option<Rec>>,
    /// Sequence number of the next record; the first is 1.
    next: u64,
}

impl Ring {
    /// An empty ring with all its slots allocated.
    pub(crate) fn new() -> Result<Self> {
        let mut slots = KVVec::with_capacity(KEPT as usize, GFP_KERNEL)?;
        for _ in 0..KEPT {
            slots.push(None, GFP_KERNEL)?;
        }
        Ok(Self { slots, next: 1 })
    }

    /// The oldest sequence number still kept.
    pub(crate) fn oldest(&self) -> u64 {
        self.next.saturating_sub(KEPT).max(1)
    }

    fn push(&mut self, mut ev: vctx_event, ctx: Arc<Context>) {
        ev.seq = self.next;
        let i = (self.next % KEPT) as usize;
        self.slots[i] = Some(Rec { ev, ctx });
        self.next += 1;
    }

    /// Copies into `out` (within its capacity) the records from `*cursor`
    /// on that concern contexts within `view`, advancing `*cursor` past
    /// what it copied or skipped. A cursor older than what is kept yields
    /// one OVERFLOW record first.
    pub(crate) fn read(&self, cursor: &mut u64, view: &Context, out: &mut KVec<vctx_event>) {
        let oldest = self.oldest();
        if *cursor < oldest {
            let ev = vctx_event {
                seq: oldest,
                time_ns: state::now_ns(),
                type_: VCTX_EVENT_OVERFLOW,
                lost: oldest - *cursor,
                ..zeroed()
            };
            if out.push_within_capacity(ev).is_err() {
                return;
            }
            *cursor = oldest;
        }
        while *cursor < self.next {
            let i = (*cursor % KEPT) as usize;
            if let Some(rec) = &self.slots[i] {
                if rec.ctx.is_within(view) {
                    if out.push_within_capacity(rec.ev).is_err() {
                        return;
                    }
                }
            }
            *cursor += 1;
        }
    }
}

impl Ring {
    /// The oldest kept record visible from `view`, or the next one.
    pub(crate) fn first_visible(&self, view: &Context) -> u64 {
        (self.oldest()..self.next)
            .find(|&seq| self.slots[(seq % KEPT) as usize].as_ref().is_some_and(|r| r.ctx.is_within(view)))
            .unwrap_or(self.next)
    }

    /// Whether a reader at `cursor` seeing from `view` has anything to read.
    pub(crate) fn pending(&self, cursor: u64, view: &Context) -> bool {
        if cursor < self.oldest() {
            return true;
        }
        (cursor..self.next).any(|seq| {
            self.slots[(seq % KEPT) as usize]
                .as_ref()
                .is_some_and(|r| r.ctx.is_within(view))
        })
    }
}

/// An all-zero event.
fn zeroed() -> vctx_event {
    // SAFETY: `vctx_event` is plain integers and bytes: all-zero is valid.
    unsafe { core::mem::zeroed() }
}

/// Emits an event of `type_` (`VCTX_EVENT_REBOOT`, `VCTX_EVENT_HALT`)
/// about `ctx`, caused by `who`, a process of `ctx`.
pub(crate) fn emit_end(inner: &mut Inner, ctx: &Arc<Context>, type_: u32, who: &Who) {
    let ev = vctx_event {
        time_ns: state::now_ns(),
        type_,
        ctx_id: ctx.id,
        origin_id: ctx.id,
        pid: who.pid,
        tgid: who.tgid,
        comm: who.comm,
        ..zeroed()
    };
    inner.events.push(ev, ctx.clone());
    if let Some(st) = state::get() {
        st.events_cv.notify_all();
    }
}

/// Emits a limit event: `res` of `ctx` (limit `limit`) refused or saw
/// `attempted`; the process was in context `origin`; `who` did it.
pub(crate) fn emit(
    inner: &mut Inner,
    ctx: &Arc<Context>,
    origin: u64,
    res: u32,
    limit: u64,
    attempted: u64,
    who: Option<&Who>,
) {
    let mut ev = vctx_event {
        time_ns: state::now_ns(),
        type_: VCTX_EVENT_LIMIT,
        resource: res,
        ctx_id: ctx.id,
        origin_id: origin,
        limit,
        attempted,
        ..zeroed()
    };
    if let Some(w) = who {
        ev.pid = w.pid;
        ev.tgid = w.tgid;
        for (d, s) in ev.comm.iter_mut().zip(w.comm.iter()) {
            *d = *s;
        }
    }
    inner.events.push(ev, ctx.clone());
    if let Some(st) = state::get() {
        st.events_cv.notify_all();
    }
}
