// SPDX-License-Identifier: GPL-2.0

//! Layer `dev`: `/dev/vctx` — the misc device, the open file, ioctl
//! dispatch and one file per command group.

pub(crate) mod device;
pub(crate) mod open_file;
pub(crate) mod dispatch;
pub(crate) mod command;
pub(crate) mod contexts;
pub(crate) mod processes;
pub(crate) mod policy;
pub(crate) mod stat;
pub(crate) mod ns;
pub(crate) mod cgroup;
