// SPDX-License-Identifier: GPL-2.0

//! Layer `acct`: resource accounting and limits, and what STAT,
//! SNAPSHOT, LIST, INFO and PIDS report.

pub(crate) mod accounting;
pub(crate) mod limits;
pub(crate) mod snapshot;
pub(crate) mod listing;
