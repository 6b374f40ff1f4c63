// SPDX-License-Identifier: GPL-2.0

//! A context's load average and latest pid, as data under the state lock;
//! sampling and reporting them is `crate::virt`.

use kernel::sync::atomic::{Atomic, Relaxed};

/// A context's load state, in its [`crate::model::context::CtxState`].
///
/// Atomics because the sampler updates every context while it walks the
/// member maps, which borrows the locked state shared (and `LockedBy`
/// hands out shared access only to `Sync` data). They are reachable only
/// through `LockedBy::access`, that is with the state lock held, so
/// `Relaxed` is enough: the lock orders everything.
pub(crate) struct Load {
    /// Tasks of the subtree counted in this sampling round.
    pub(crate) active: Atomic<u32>,
    /// 1, 5 and 15-minute averages, 1.0 = `crate::virt::views::FIXED_1`.
    pub(crate) avg: [Atomic<u64>; 3],
    /// The latest process created in the subtree (0: none yet).
    pub(crate) last_pid: Atomic<i32>,
}

impl Default for Load {
    fn default() -> Self {
        Self {
            active: Atomic::new(0),
            avg: [Atomic::new(0), Atomic::new(0), Atomic::new(0)],
            last_pid: Atomic::new(0),
        }
    }
}

impl Load {
    /// The 1, 5 and 15-minute averages.
    pub(crate) fn avg(&self) -> [u64; 3] {
        [0, 1, 2].map(|i| self.avg[i].load(Relaxed))
    }
}

