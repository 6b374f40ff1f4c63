//! Sizes and offsets of every ABI struct, computed by hand from vctx.h
//! (natural alignment, __u64 aligned to 8, every struct padded to 8).

use super::*;
use core::mem::{align_of, offset_of, size_of};

/// Asserts `offset_of!(ty, field) == off` for each listed field.
macro_rules! offsets {
    ($ty:ty { $($field:ident: $off:expr),* $(,)? }) => {
        $(assert_eq!(
            offset_of!($ty, $field), $off,
            concat!("offset of ", stringify!($ty), ".", stringify!($field))
        );)*
    };
}

#[test]
fn sizes() {
    assert_eq!(size_of::<vctx_str>(), 16);
    assert_eq!(size_of::<vctx_version>(), 32);
    assert_eq!(size_of::<vctx_create>(), 104);
    assert_eq!(size_of::<vctx_destroy>(), 24);
    assert_eq!(size_of::<vctx_rename>(), 88);
    assert_eq!(size_of::<vctx_entry>(), 120);
    assert_eq!(size_of::<vctx_list>(), 48);
    assert_eq!(size_of::<vctx_info>(), 168);
    assert_eq!(size_of::<vctx_enter>(), 32);
    assert_eq!(size_of::<vctx_pid_entry>(), 16);
    assert_eq!(size_of::<vctx_pids>(), 48);
    assert_eq!(size_of::<vctx_kill>(), 48);
    assert_eq!(size_of::<vctx_wait>(), 280);
}

#[test]
fn alignments_are_eight() {
    for (name, align) in [
        ("vctx_str", align_of::<vctx_str>()),
        ("vctx_version", align_of::<vctx_version>()),
        ("vctx_create", align_of::<vctx_create>()),
        ("vctx_destroy", align_of::<vctx_destroy>()),
        ("vctx_rename", align_of::<vctx_rename>()),
        ("vctx_entry", align_of::<vctx_entry>()),
        ("vctx_list", align_of::<vctx_list>()),
        ("vctx_info", align_of::<vctx_info>()),
        ("vctx_enter", align_of::<vctx_enter>()),
        ("vctx_pid_entry", align_of::<vctx_pid_entry>()),
        ("vctx_pids", align_of::<vctx_pids>()),
        ("vctx_kill", align_of::<vctx_kill>()),
        ("vctx_wait", align_of::<vctx_wait>()),
    ] {
        assert_eq!(align, 8, "alignment of {name}");
    }
}

#[test]
fn offsets() {
    offsets!(vctx_str {
        ptr: 0,
        len: 8,
        __pad: 12
    });
    offsets!(vctx_version {
        size: 0,
        abi_version: 4,
        features: 8,
        name_max: 16,
        path_max: 20,
        depth_max: 24,
        __pad: 28,
    });
    offsets!(vctx_create {
        size: 0,
        flags: 4,
        path: 8,
        ctx_flags: 24,
        __pad: 28,
        id: 32,
        name: 40,
    });
    offsets!(vctx_destroy {
        size: 0,
        flags: 4,
        path: 8
    });
    offsets!(vctx_rename {
        size: 0,
        flags: 4,
        path: 8,
        new_name: 24
    });
    offsets!(vctx_entry {
        id: 0,
        parent_id: 8,
        flags: 16,
        depth: 20,
        created_ns: 24,
        nr_children: 32,
        nr_processes: 36,
        nr_threads: 40,
        subtree_processes: 44,
        total_processes: 48,
        name: 56,
    });
    offsets!(vctx_list {
        size: 0,
        flags: 4,
        path: 8,
        entries: 24,
        entry_size: 32,
        capacity: 36,
        count: 40,
        __pad: 44,
    });
    offsets!(vctx_info {
        size: 0,
        flags: 4,
        path: 8,
        pid: 24,
        path_len: 28,
        path_buf: 32,
        path_buf_len: 40,
        __pad: 44,
        entry: 48,
    });
    offsets!(vctx_enter {
        size: 0,
        flags: 4,
        path: 8,
        pid: 24,
        __pad: 28
    });
    offsets!(vctx_pid_entry {
        pid: 0,
        nr_threads: 4,
        ctx_id: 8
    });
    offsets!(vctx_pids {
        size: 0,
        flags: 4,
        path: 8,
        entries: 24,
        entry_size: 32,
        capacity: 36,
        count: 40,
        __pad: 44,
    });
    offsets!(vctx_kill {
        size: 0,
        flags: 4,
        path: 8,
        signal: 24,
        then_signal: 28,
        grace_ms: 32,
        signalled: 40,
        escalated: 44,
    });
    offsets!(vctx_wait {
        size: 0,
        flags: 4,
        path: 8,
        timeout_ms: 24,
        lifetime_ns: 32,
        total_processes: 40,
        id: 48,
    });
}

#[test]
fn name_buffers_hold_name_max_plus_nul() {
    let name_len = VCTX_NAME_MAX as usize + 1;
    assert_eq!(vctx_create::default().name.len(), name_len);
    assert_eq!(vctx_rename::default().new_name.len(), name_len);
    assert_eq!(vctx_entry::default().name.len(), name_len);
}

/// Pins the Rust type bindgen chose for each field whose width matters.
#[test]
fn field_types() {
    let e = vctx_entry::default();
    let _: (u64, u64, u32, u32, u64) = (e.id, e.parent_id, e.flags, e.depth, e.created_ns);
    let _: (u32, u32, u32, u32, u64) = (
        e.nr_children,
        e.nr_processes,
        e.nr_threads,
        e.subtree_processes,
        e.total_processes,
    );
    let p = vctx_pid_entry::default();
    let _: (i32, u32, u64) = (p.pid, p.nr_threads, p.ctx_id);
    let i = vctx_info::default();
    let _: (i32, u64) = (i.pid, i.path_buf);
    let k = vctx_kill::default();
    let _: (u32, u32, u64) = (k.signal, k.then_signal, k.grace_ms);
    let s = vctx_str::default();
    let _: (u64, u32) = (s.ptr, s.len);
}

#[test]
fn constants() {
    assert_eq!(VCTX_ABI_VERSION, 1);
    assert_eq!(VCTX_DEVICE_NAME, b"vctx\0");
    assert_eq!(
        (VCTX_NAME_MAX, VCTX_PATH_MAX, VCTX_DEPTH_MAX),
        (63, 1024, 32)
    );
    assert_eq!(VCTX_ROOT_ID, 0u64);
    assert_eq!(VCTX_ID_NONE, u64::MAX);
    assert_eq!(
        [
            VCTX_FEAT_VERSION,
            VCTX_FEAT_CONTEXTS,
            VCTX_FEAT_MEMBERSHIP,
            VCTX_FEAT_KILL,
            VCTX_FEAT_WAIT,
            VCTX_FEAT_ISOLATION,
            VCTX_FEAT_VIRT
        ],
        [1u64, 2, 4, 8, 16, 32, 512]
    );
    assert_eq!(
        (
            VCTX_CTX_EPHEMERAL,
            VCTX_CTX_SPECTATOR,
            VCTX_CTX_NOVIRT,
            VCTX_CTX_KILLING,
            VCTX_CTX_SETTABLE
        ),
        (1, 2, 4, 1 << 16, 7)
    );
    assert_eq!(
        (
            VCTX_CREATE_PARENTS,
            VCTX_CREATE_AUTONAME,
            VCTX_CREATE_EXIST_OK
        ),
        (1, 2, 4)
    );
    assert_eq!(VCTX_CREATE_FLAGS, 7);
    assert_eq!((VCTX_LIST_RECURSIVE, VCTX_LIST_FLAGS), (1, 1));
    assert_eq!((VCTX_INFO_BY_PID, VCTX_INFO_FLAGS), (1, 1));
    assert_eq!(VCTX_IOC_MAGIC, 0xE7);
}
