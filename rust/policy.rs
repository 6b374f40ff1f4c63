// SPDX-License-Identifier: GPL-2.0

//! Layer `policy`: what a member may do — isolation, capability masks,
//! sealing — and the commands that end processes: kill, wait, reboot.

pub(crate) mod isolation;
pub(crate) mod caps;
pub(crate) mod seal;
pub(crate) mod kill;
pub(crate) mod wait;
pub(crate) mod reboot;
