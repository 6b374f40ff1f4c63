// SPDX-License-Identifier: GPL-2.0

//! Layer `model`: what the state lock guards — the context tree, each
//! context's data and its own member map, their lock-free index, pending
//! forks, the event ring — and the operations on the tree alone. Uses
//! `abi` and `kern`, no subsystem: each subsystem's per-context data is a
//! small type defined here, its logic lives in the subsystem.

pub(crate) mod context;
pub(crate) mod state;
pub(crate) mod index;
pub(crate) mod pending;
pub(crate) mod events;
pub(crate) mod registry;
pub(crate) mod counters;
pub(crate) mod ns_set;
pub(crate) mod load;
pub(crate) mod members;
