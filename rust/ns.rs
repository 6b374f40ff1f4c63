// SPDX-License-Identifier: GPL-2.0

//! Layer `ns`: the namespaces a context holds.

pub(crate) mod namespaces;
