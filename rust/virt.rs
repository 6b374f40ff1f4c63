// SPDX-License-Identifier: GPL-2.0

//! Layer `virt`: the virtualized `/proc` views and `sysinfo(2)` inside a
//! context, the per-context load average and its sampler.

pub(crate) mod views;
pub(crate) mod sampler;
