// SPDX-License-Identifier: GPL-2.0

//! Layer `abi` (lowest): the ABI of `/dev/vctx` and where raw user
//! input becomes typed values. Uses nothing else of the crate.

pub(crate) mod uapi;
pub(crate) mod ioctl_arg;
pub(crate) mod name;
pub(crate) mod layout;
