// SPDX-License-Identifier: GPL-2.0

//! Layer `kern`: raw kernel access, the task, pid, usage and cgroup
//! accessors over the C shim. Uses only `abi`.

pub(crate) mod task;
pub(crate) mod usage;
pub(crate) mod cgroup_ref;
