// SPDX-License-Identifier: GPL-2.0

//! The ABI of `/dev/vctx`: Rust types generated from `include/uapi/vctx.h`.
//!
//! The generated file is written by the build (`make module`) with bindgen;
//! nothing here is copied by hand. The impls below let the types cross the
//! user boundary, and the asserts pin their sizes to the header's.

#![allow(
    dead_code,
    non_camel_case_types,
    non_upper_case_globals,
    unreachable_pub,
    missing_docs,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    reason = "bindgen output"
)]

include!("../generated/uapi.rs");

use kernel::transmute::{AsBytes, FromBytes};

macro_rules! plain_abi_struct {
    ($($t:ty = $size:expr),* $(,)?) => {$(
        // SAFETY: the struct consists of integers and byte arrays only, with
        // explicit padding fields, so every bit pattern is a valid value.
        unsafe impl FromBytes for $t {}
        // SAFETY: as above, and there is no implicit padding (the size
        // assert below holds only if the explicit fields fill the struct).
        unsafe impl AsBytes for $t {}
        const _: () = assert!(core::mem::size_of::<$t>() == $size);
        const _: () = assert!(core::mem::size_of::<$t>() % 8 == 0);
    )*};
}

plain_abi_struct! {
    vctx_str = 16,
    vctx_version = 32,
    vctx_create = 112,
    vctx_destroy = 24,
    vctx_rename = 88,
    vctx_entry = 128,
    vctx_list = 48,
    vctx_info = 176,
    vctx_enter = 32,
    vctx_pid_entry = 16,
    vctx_pids = 48,
    vctx_kill = 48,
    vctx_wait = 288,
    vctx_counters = 128,
    vctx_limit = 32,
    vctx_stat = 440,
    vctx_snap_entry = 448,
    vctx_snapshot = 56,
    vctx_set_limit = 56,
    vctx_checkpoint = 32,
    vctx_event = 88,
    vctx_set_flags = 40,
    vctx_seal = 32,
    vctx_ns_set = 64,
    vctx_ns_get = 160,
    vctx_ns_open = 40,
    vctx_set_caps = 40,
    vctx_cgroup_set = 32,
    vctx_cgroup_get = 56,
}
