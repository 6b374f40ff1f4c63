// SPDX-License-Identifier: GPL-2.0

#![allow(dead_code, reason = "the interface is in place before its users land")]

//! Virtualized `/proc` views (issue 6). Until they land, only the load
//! figures `VCTX_IOC_STAT` reports are defined here, all zero.

use crate::context::Context;

/// A context's load, as `/proc/loadavg` inside it shows it.
#[derive(Default)]
pub(crate) struct LoadAvg {
    /// 1, 5 and 15-minute averages, fixed point: 1.0 is 2048.
    pub(crate) avg: [u64; 3],
    /// Subtree tasks runnable now.
    pub(crate) nr_running: u32,
    /// The latest process created in the subtree (0: none).
    pub(crate) last_pid: i32,
}

/// The load of `ctx`'s subtree.
pub(crate) fn load_of(_ctx: &Context) -> LoadAvg {
    LoadAvg::default()
}
