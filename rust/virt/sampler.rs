// SPDX-License-Identifier: GPL-2.0

//! The periodic sampler: one tick every `LOAD_FREQ` (5 s, as the kernel
//! samples its own load average), in process context, from a delayed work
//! item of the C shim (`hooks/shim_virt.c`: the Rust workqueue API of 7.3
//! has `DelayedWork` but no cancel, and unload must cancel synchronously).
//!
//! The tick takes the state lock like any ioctl, in short holds (one per
//! context, with resched points between); it never runs from a timer or
//! softirq. It starts after the state is published and is
//! cancelled, waiting for a tick in flight, before the state goes away
//! ([`Sampler`] is dropped before it).

use kernel::prelude::*;

use crate::model::state::{self, State};

extern "C" {
    fn vctx_sampler_start();
    fn vctx_sampler_stop();
}

/// One sampling round over the whole state.
///
/// The tree's contexts are listed under one short hold of the lock; each
/// sampler then visits them one by one, each context under a short hold
/// of its own, with resched points between (no hold covers the tree: with
/// thousands of contexts one would be the module's longest).
pub(crate) fn tick(state: &State) {
    let Ok(root) = state.lock.lock().root().cloned() else { return };
    // Out of memory: nothing sampled this round; the next tick retries.
    let Ok(ctxs) = crate::model::members::contexts(state, &root) else { return };
    crate::virt::views::sample_load(state, &ctxs);
    // RSS peaks and soft rss-limit crossings between readings.
    crate::acct::snapshot::sample(state, &ctxs);
    // More samplers go here: each takes the lock itself, in process
    // context, every LOAD_FREQ, per context.
}

/// Called by the shim's delayed work, then it re-arms itself.
#[no_mangle]
extern "C" fn vctx_sampler_run() {
    if let Some(st) = state::get() {
        tick(st);
    }
}

/// The running sampler; dropping it stops it and waits for a tick in
/// flight.
pub(crate) struct Sampler(());

impl Sampler {
    /// Starts ticking (the state must be published already).
    pub(crate) fn start() -> Result<Self> {
        // SAFETY: no preconditions; the work is static in the shim, and
        // `drop` cancels it before the module goes.
        unsafe { vctx_sampler_start() };
        Ok(Self(()))
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        // SAFETY: no preconditions; waits until no tick runs or is queued.
        unsafe { vctx_sampler_stop() };
    }
}
