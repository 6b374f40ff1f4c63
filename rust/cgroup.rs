// SPDX-License-Identifier: GPL-2.0

//! Layer `cgroup`: contexts bound to cgroup v2 and the policy that keeps
//! members in their cgroup.

pub(crate) mod binding;
