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
    assert_eq!(size_of::<vctx_create>(), 112);
    assert_eq!(size_of::<vctx_destroy>(), 24);
    assert_eq!(size_of::<vctx_rename>(), 88);
    assert_eq!(size_of::<vctx_entry>(), 128);
    assert_eq!(size_of::<vctx_list>(), 48);
    assert_eq!(size_of::<vctx_info>(), 176);
    assert_eq!(size_of::<vctx_enter>(), 32);
    assert_eq!(size_of::<vctx_pid_entry>(), 16);
    assert_eq!(size_of::<vctx_pids>(), 48);
    assert_eq!(size_of::<vctx_kill>(), 48);
    assert_eq!(size_of::<vctx_wait>(), 288);
    assert_eq!(size_of::<vctx_counters>(), 128);
    assert_eq!(size_of::<vctx_limit>(), 32);
    assert_eq!(size_of::<vctx_stat>(), 440);
    assert_eq!(size_of::<vctx_snap_entry>(), 448);
    assert_eq!(size_of::<vctx_snapshot>(), 56);
    assert_eq!(size_of::<vctx_set_limit>(), 56);
    assert_eq!(size_of::<vctx_checkpoint>(), 32);
    assert_eq!(size_of::<vctx_event>(), 88);
    assert_eq!(size_of::<vctx_set_flags>(), 40);
    assert_eq!(size_of::<vctx_seal>(), 32);
    assert_eq!(size_of::<vctx_ns_set>(), 64);
    assert_eq!(size_of::<vctx_ns_get>(), 160);
    assert_eq!(size_of::<vctx_ns_open>(), 40);
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
        ("vctx_counters", align_of::<vctx_counters>()),
        ("vctx_limit", align_of::<vctx_limit>()),
        ("vctx_stat", align_of::<vctx_stat>()),
        ("vctx_snap_entry", align_of::<vctx_snap_entry>()),
        ("vctx_snapshot", align_of::<vctx_snapshot>()),
        ("vctx_set_limit", align_of::<vctx_set_limit>()),
        ("vctx_checkpoint", align_of::<vctx_checkpoint>()),
        ("vctx_event", align_of::<vctx_event>()),
        ("vctx_set_flags", align_of::<vctx_set_flags>()),
        ("vctx_seal", align_of::<vctx_seal>()),
        ("vctx_ns_set", align_of::<vctx_ns_set>()),
        ("vctx_ns_get", align_of::<vctx_ns_get>()),
        ("vctx_ns_open", align_of::<vctx_ns_open>()),
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
        caps: 104,
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
        caps: 120,
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
        totals: 56,
        limits: 184,
        reason: 280,
        __pad: 284,
    });
}

/// Issue 12: capability masks and reboot.
#[test]
fn offsets_of_caps() {
    offsets!(vctx_set_caps {
        size: 0,
        flags: 4,
        path: 8,
        caps: 24,
        old_caps: 32,
    });
    assert_eq!((VCTX_FEAT_CAPS, VCTX_FEAT_REBOOT), (1u64 << 12, 1u64 << 13));
    assert_eq!((VCTX_EVENT_REBOOT, VCTX_EVENT_HALT), (3, 4));
    assert_eq!(VCTX_CREATE_CAPS, 1 << 3);
    assert_eq!(VCTX_CAPS_ALL, (1u64 << 41) - 1);
}

/// Issue 7: flags, seal and namespaces.
#[test]
fn offsets_of_namespaces_and_seal() {
    offsets!(vctx_set_flags {
        size: 0,
        flags: 4,
        path: 8,
        set: 24,
        clear: 28,
        ctx_flags: 32,
        __pad: 36,
    });
    offsets!(vctx_seal {
        size: 0,
        flags: 4,
        path: 8,
        id: 24,
    });
    offsets!(vctx_ns_set {
        size: 0,
        flags: 4,
        path: 8,
        mask: 24,
        __pad: 28,
        fds: 32,
    });
    offsets!(vctx_ns_get {
        size: 0,
        flags: 4,
        path: 8,
        own: 24,
        mask: 28,
        ino: 32,
        holder: 96,
    });
    offsets!(vctx_ns_open {
        size: 0,
        flags: 4,
        path: 8,
        type_: 24,
        fd: 28,
        ino: 32,
    });
    let s = vctx_ns_set::default();
    let _: [i32; 8] = s.fds;
    assert_eq!(VCTX_NS_COUNT, 8);
    assert_eq!(VCTX_NS_ALL, 0xff);
    assert_eq!(
        [
            VCTX_NS_UTS,
            VCTX_NS_IPC,
            VCTX_NS_PID,
            VCTX_NS_NET,
            VCTX_NS_MNT,
            VCTX_NS_USER,
            VCTX_NS_CGROUP,
            VCTX_NS_TIME
        ],
        [0, 1, 2, 3, 4, 5, 6, 7]
    );
    assert_eq!(
        (VCTX_FEAT_NAMESPACES, VCTX_FEAT_SEAL),
        (1u64 << 10, 1u64 << 11)
    );
    assert_eq!((VCTX_CTX_NOVIRT, VCTX_CTX_SEALED), (1 << 2, 1 << 17));
    assert_eq!(VCTX_CTX_LOOSENING, VCTX_CTX_SPECTATOR | VCTX_CTX_NOVIRT);
}

#[test]
fn accounting_offsets() {
    offsets!(vctx_counters {
        processes: 0,
        threads: 8,
        forks: 16,
        execs: 24,
        exits: 32,
        cpu_user_ns: 40,
        cpu_system_ns: 48,
        rss_bytes: 56,
        rss_peak_bytes: 64,
        io_read_bytes: 72,
        io_write_bytes: 80,
        io_storage_read_bytes: 88,
        io_storage_write_bytes: 96,
        nvcsw: 104,
        nivcsw: 112,
        limit_hits: 120,
    });
    offsets!(vctx_limit {
        held: 0,
        peak: 8,
        limit: 16,
        failures: 24
    });
    offsets!(vctx_stat {
        size: 0,
        flags: 4,
        path: 8,
        id: 24,
        now_ns: 32,
        created_ns: 40,
        loadavg: 48,
        nr_running: 72,
        last_pid: 76,
        ctx_flags: 80,
        __pad: 84,
        self_: 88,
        subtree: 216,
        limits: 344,
    });
    offsets!(vctx_snap_entry {
        id: 0,
        parent_id: 8,
        depth: 16,
        flags: 20,
        created_ns: 24,
        name: 32,
        self_: 96,
        subtree: 224,
        limits: 352,
    });
    offsets!(vctx_snapshot {
        size: 0,
        flags: 4,
        path: 8,
        entries: 24,
        entry_size: 32,
        capacity: 36,
        count: 40,
        __pad: 44,
        now_ns: 48,
    });
    offsets!(vctx_set_limit {
        size: 0,
        mask: 4,
        path: 8,
        limit: 24,
        __pad: 48
    });
    offsets!(vctx_checkpoint {
        size: 0,
        flags: 4,
        path: 8,
        id: 24
    });
    offsets!(vctx_event {
        seq: 0,
        time_ns: 8,
        type_: 16,
        resource: 20,
        ctx_id: 24,
        origin_id: 32,
        limit: 40,
        attempted: 48,
        lost: 56,
        pid: 64,
        tgid: 68,
        comm: 72,
    });
}

/// The array fields hold what the header says.
#[test]
fn accounting_arrays() {
    let res = VCTX_RES_COUNT as usize;
    assert_eq!(vctx_stat::default().limits.len(), res);
    assert_eq!(vctx_stat::default().loadavg.len(), 3);
    assert_eq!(vctx_snap_entry::default().limits.len(), res);
    assert_eq!(
        vctx_snap_entry::default().name.len(),
        VCTX_NAME_MAX as usize + 1
    );
    assert_eq!(vctx_set_limit::default().limit.len(), res);
    assert_eq!(vctx_wait::default().limits.len(), res);
    assert_eq!(vctx_event::default().comm.len(), 16);
    let e = vctx_event::default();
    let _: (i32, i32, u32, u32) = (e.pid, e.tgid, e.type_, e.resource);
    let s = vctx_stat::default();
    let _: (u32, i32, u32) = (s.nr_running, s.last_pid, s.ctx_flags);
}

#[test]
fn accounting_constants() {
    assert_eq!(
        [VCTX_FEAT_ACCOUNTING, VCTX_FEAT_LIMITS, VCTX_FEAT_EVENTS],
        [1u64 << 6, 1 << 7, 1 << 8]
    );
    assert_eq!(
        (
            VCTX_RES_NPROC,
            VCTX_RES_NTHREADS,
            VCTX_RES_RSS,
            VCTX_RES_COUNT
        ),
        (0, 1, 2, 3)
    );
    assert_eq!(VCTX_LIMIT_NONE, u64::MAX);
    assert_eq!((VCTX_STAT_WINDOW, VCTX_STAT_FLAGS), (1, 1));
    assert_eq!(VCTX_CHECKPOINTS_MAX, 64);
    assert_eq!(VCTX_EVENTS_KEPT, 1024);
    assert_eq!((VCTX_EVENT_LIMIT, VCTX_EVENT_OVERFLOW), (1, 2));
    assert_eq!(VCTX_CTX_NOVIRT, 4);
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
    assert_eq!(VCTX_CREATE_FLAGS, 15);
    assert_eq!((VCTX_LIST_RECURSIVE, VCTX_LIST_FLAGS), (1, 1));
    assert_eq!((VCTX_INFO_BY_PID, VCTX_INFO_FLAGS), (1, 1));
    assert_eq!(VCTX_IOC_MAGIC, 0xE7);
}
