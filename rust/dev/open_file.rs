// SPDX-License-Identifier: GPL-2.0

//! An open `/dev/vctx`: its event cursor and its peak windows.
//!
//! Each open file is a reader with its own cursor into the event ring
//! (starting at the oldest event kept) and its own checkpoints: a window on
//! each context it took one on, kept in that context (`limits::Window`)
//! and removed when the file is closed.

use kernel::{
    prelude::*,
    sync::{Arc, LockedBy},
    uaccess::{UserPtr, UserSlice},
};

use crate::abi::uapi::vctx_event;
use crate::acct::limits;
use crate::model::context::Context;
use crate::model::registry;
use crate::model::state::{Inner, State};

/// At most this many records per `read` call.
const READ_BATCH: usize = 64;

/// The state of one open file.
pub(crate) struct Reader {
    st: LockedBy<ReaderState, Inner>,
    /// Whoever opened the file had CAP_SYS_ADMIN (in the initial user
    /// namespace) then: see [`Reader::opened_by_admin`].
    admin_at_open: bool,
}

struct ReaderState {
    /// The sequence number of the next event to return.
    cursor: u64,
    /// Contexts this reader has a window on.
    windows: KVec<Arc<Context>>,
}

impl Reader {
    /// A reader whose cursor starts at the oldest event kept that it can
    /// see (or at the next one, if it can see none of them).
    pub(crate) fn new(state: &State) -> Result<KBox<Self>> {
        let cursor = {
            let inner = state.lock.lock();
            let view = registry::caller_context(state, &inner)?;
            inner.events.first_visible(&view)
        };
        let st = LockedBy::new(&state.lock, ReaderState { cursor, windows: KVec::new() });
        let admin_at_open = crate::kern::task::capable_admin();
        Ok(KBox::new(Self { st, admin_at_open }, GFP_KERNEL)?)
    }

    /// Whether the file was opened with CAP_SYS_ADMIN. Recording
    /// namespaces accepts that in place of the caller's own capability,
    /// the way a privilege is checked against a file's opener elsewhere in
    /// the kernel (`file_ns_capable()`): a process that opened
    /// `/dev/vctx` as root and then entered a new user namespace (losing
    /// the capability in the initial one) can still record it.
    pub(crate) fn opened_by_admin(&self) -> bool {
        self.admin_at_open
    }

    /// This reader's identity in windows.
    pub(crate) fn id(&self) -> usize {
        core::ptr::from_ref(self) as usize
    }

    /// Starts (or restarts) this reader's window on `ctx` from `held`.
    pub(crate) fn checkpoint(&self, inner: &mut Inner, ctx: &Arc<Context>, held: [u64; 3]) -> Result {
        let n = self.st.access(inner).windows.len();
        if limits::window(inner, ctx, self.id()).is_none() && n >= crate::abi::uapi::VCTX_CHECKPOINTS_MAX as usize {
            return Err(ENOSPC);
        }
        if limits::checkpoint(inner, ctx, self.id(), held)? {
            let pushed = self.st.access_mut(inner).windows.push(ctx.clone(), GFP_ATOMIC);
            if pushed.is_err() {
                limits::drop_window(inner, ctx, self.id());
                return Err(ENOMEM);
            }
        }
        Ok(())
    }

    /// Removes this reader's windows (the file is being closed).
    pub(crate) fn close(&self, state: &State) {
        let mut inner = state.lock.lock();
        let windows = core::mem::take(&mut self.st.access_mut(&mut inner).windows);
        for ctx in windows.iter() {
            limits::drop_window(&mut inner, ctx, self.id());
        }
        drop(inner);
        drop(windows);
    }

    /// Whether a `read` would return something now.
    pub(crate) fn ready(&self, state: &State) -> bool {
        let inner = state.lock.lock();
        let Ok(view) = registry::caller_context(state, &inner) else { return false };
        inner.events.pending(self.st.access(&inner).cursor, &view)
    }

    /// `read()`: copies whole event records to `buf` (`len` bytes),
    /// waiting for one unless `nonblock`.
    pub(crate) fn read(&self, state: &State, buf: usize, len: usize, nonblock: bool) -> Result<usize> {
        let size = core::mem::size_of::<vctx_event>();
        let n = (len / size).min(READ_BATCH);
        if n == 0 {
            return Err(EINVAL);
        }
        let mut out = KVec::with_capacity(n, GFP_KERNEL)?;
        {
            let mut inner = state.lock.lock();
            loop {
                let view = registry::caller_context(state, &inner)?;
                let mut cursor = self.st.access(&inner).cursor;
                inner.events.read(&mut cursor, &view, &mut out);
                self.st.access_mut(&mut inner).cursor = cursor;
                drop(view);
                if !out.is_empty() {
                    break;
                }
                if nonblock {
                    return Err(EAGAIN);
                }
                if state.events_cv.wait_interruptible(&mut inner) {
                    return Err(ERESTARTSYS);
                }
            }
        }
        let mut w = UserSlice::new(UserPtr::from_addr(buf), out.len() * size).writer();
        for ev in out.iter() {
            w.write(ev)?;
        }
        Ok(out.len() * size)
    }
}
