//! Plain Rust views of the accounting ABI: counters, limits, a context's
//! statistics (VCTX_IOC_STAT), a subtree snapshot (VCTX_IOC_SNAPSHOT) and
//! the final record of VCTX_IOC_WAIT.

use crate::abi;
use crate::strings::from_c_name;

/// A resource with a limit (`VCTX_RES_*`), in index order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Processes of the subtree (enforced).
    Nproc,
    /// Tasks of the subtree (enforced).
    Nthreads,
    /// Resident bytes of the subtree (soft).
    Rss,
}

impl Resource {
    /// Every resource, in `VCTX_RES_*` order.
    pub const ALL: [Resource; abi::VCTX_RES_COUNT as usize] =
        [Resource::Nproc, Resource::Nthreads, Resource::Rss];

    /// Its `VCTX_RES_*` index.
    pub fn index(self) -> usize {
        (match self {
            Resource::Nproc => abi::VCTX_RES_NPROC,
            Resource::Nthreads => abi::VCTX_RES_NTHREADS,
            Resource::Rss => abi::VCTX_RES_RSS,
        }) as usize
    }

    /// The resource of a `VCTX_RES_*` index, if known.
    pub fn from_index(index: u32) -> Option<Self> {
        Self::ALL.get(index as usize).copied()
    }

    /// Its bit in `vctx_set_limit.mask`.
    pub fn bit(self) -> u32 {
        1 << self.index()
    }

    /// The name the CLI uses: "nproc", "nthreads", "rss".
    pub fn name(self) -> &'static str {
        match self {
            Resource::Nproc => "nproc",
            Resource::Nthreads => "nthreads",
            Resource::Rss => "rss",
        }
    }

    /// The resource called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Whether its figures are bytes (else counts).
    pub fn is_bytes(self) -> bool {
        self == Resource::Rss
    }
}

/// `struct vctx_counters`: the figures of a context, "self" or "subtree".
/// Serialized (feature `serde`) with the ABI's field names as keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Counters {
    pub processes: u64,
    pub threads: u64,
    pub forks: u64,
    pub execs: u64,
    pub exits: u64,
    pub cpu_user_ns: u64,
    pub cpu_system_ns: u64,
    pub rss_bytes: u64,
    pub rss_peak_bytes: u64,
    pub io_read_bytes: u64,
    pub io_write_bytes: u64,
    pub io_storage_read_bytes: u64,
    pub io_storage_write_bytes: u64,
    pub nvcsw: u64,
    pub nivcsw: u64,
    pub limit_hits: u64,
}

impl Counters {
    /// User plus system CPU time.
    pub fn cpu_ns(&self) -> u64 {
        self.cpu_user_ns.saturating_add(self.cpu_system_ns)
    }

    /// Bytes read plus written (rchar + wchar).
    pub fn io_bytes(&self) -> u64 {
        self.io_read_bytes.saturating_add(self.io_write_bytes)
    }
}

impl From<&abi::vctx_counters> for Counters {
    fn from(c: &abi::vctx_counters) -> Self {
        Counters {
            processes: c.processes,
            threads: c.threads,
            forks: c.forks,
            execs: c.execs,
            exits: c.exits,
            cpu_user_ns: c.cpu_user_ns,
            cpu_system_ns: c.cpu_system_ns,
            rss_bytes: c.rss_bytes,
            rss_peak_bytes: c.rss_peak_bytes,
            io_read_bytes: c.io_read_bytes,
            io_write_bytes: c.io_write_bytes,
            io_storage_read_bytes: c.io_storage_read_bytes,
            io_storage_write_bytes: c.io_storage_write_bytes,
            nvcsw: c.nvcsw,
            nivcsw: c.nivcsw,
            limit_hits: c.limit_hits,
        }
    }
}

/// `struct vctx_limit`: one limit, beancounter style.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limit {
    /// Use now, by the subtree.
    pub held: u64,
    /// Highest `held` (since the reader's checkpoint, with a window).
    pub peak: u64,
    /// `None`: unlimited (VCTX_LIMIT_NONE, shown as "max").
    pub limit: Option<u64>,
    /// Refusals (rss: upward crossings).
    pub failures: u64,
}

impl From<&abi::vctx_limit> for Limit {
    fn from(l: &abi::vctx_limit) -> Self {
        Limit {
            held: l.held,
            peak: l.peak,
            limit: limit_value(l.limit),
            failures: l.failures,
        }
    }
}

/// A limit value as the ABI writes it: VCTX_LIMIT_NONE is `None`.
pub fn limit_value(raw: u64) -> Option<u64> {
    (raw != abi::VCTX_LIMIT_NONE).then_some(raw)
}

/// A limit as the ABI takes it: `None` is VCTX_LIMIT_NONE.
pub fn limit_raw(limit: Option<u64>) -> u64 {
    limit.unwrap_or(abi::VCTX_LIMIT_NONE)
}

/// The limits of a context, indexed by [`Resource::index`].
pub type Limits = [Limit; abi::VCTX_RES_COUNT as usize];

fn limits_from(raw: &[abi::vctx_limit; abi::VCTX_RES_COUNT as usize]) -> Limits {
    [
        Limit::from(&raw[0]),
        Limit::from(&raw[1]),
        Limit::from(&raw[2]),
    ]
}

/// VCTX_IOC_STAT: the figures of one context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub id: u64,
    /// CLOCK_BOOTTIME of the reading.
    pub now_ns: u64,
    /// CLOCK_BOOTTIME of the creation.
    pub created_ns: u64,
    /// Subtree 1/5/15-minute load, fixed point: 1.0 is [`LOAD_ONE`].
    pub loadavg: [u64; 3],
    pub nr_running: u32,
    /// The latest process created in the subtree (`None`: none).
    pub last_pid: Option<i32>,
    /// VCTX_CTX_* bits.
    pub flags: u32,
    pub self_: Counters,
    pub subtree: Counters,
    pub limits: Limits,
}

/// 1.0 in `Stat::loadavg` (as the kernel's avenrun, FIXED_1).
pub const LOAD_ONE: u64 = 2048;

impl Stat {
    /// How long the context has existed at the reading.
    pub fn uptime_ns(&self) -> u64 {
        self.now_ns.saturating_sub(self.created_ns)
    }
}

impl From<&abi::vctx_stat> for Stat {
    fn from(s: &abi::vctx_stat) -> Self {
        Stat {
            id: s.id,
            now_ns: s.now_ns,
            created_ns: s.created_ns,
            loadavg: s.loadavg,
            nr_running: s.nr_running,
            last_pid: (s.last_pid != 0).then_some(s.last_pid),
            flags: s.ctx_flags,
            self_: Counters::from(&s.self_),
            subtree: Counters::from(&s.subtree),
            limits: limits_from(&s.limits),
        }
    }
}

/// One context of a snapshot (`struct vctx_snap_entry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapEntry {
    pub id: u64,
    /// `None` for the snapshot's root.
    pub parent_id: Option<u64>,
    /// 0 for the snapshot's root.
    pub depth: u32,
    pub flags: u32,
    pub created_ns: u64,
    /// "" for the caller's own root.
    pub name: String,
    pub self_: Counters,
    pub subtree: Counters,
    pub limits: Limits,
}

impl From<&abi::vctx_snap_entry> for SnapEntry {
    fn from(e: &abi::vctx_snap_entry) -> Self {
        SnapEntry {
            id: e.id,
            parent_id: (e.parent_id != abi::VCTX_ID_NONE).then_some(e.parent_id),
            depth: e.depth,
            flags: e.flags,
            created_ns: e.created_ns,
            name: from_c_name(&e.name),
            self_: Counters::from(&e.self_),
            subtree: Counters::from(&e.subtree),
            limits: limits_from(&e.limits),
        }
    }
}

/// VCTX_IOC_SNAPSHOT: a subtree in pre-order, read at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// CLOCK_BOOTTIME of the reading.
    pub now_ns: u64,
    pub entries: Vec<SnapEntry>,
}

/// The final record of VCTX_IOC_WAIT (since VCTX_FEAT_ACCOUNTING).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FinalRecord {
    /// Lifetime totals of the subtree; the live figures (processes,
    /// threads, rss_bytes) are 0.
    pub totals: Counters,
    /// Lifetime peaks and failures.
    pub limits: Limits,
}

impl FinalRecord {
    pub(crate) fn from_wait(w: &abi::vctx_wait) -> Self {
        FinalRecord {
            totals: Counters::from(&w.totals),
            limits: limits_from(&w.limits),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_match_the_header() {
        for (i, r) in Resource::ALL.into_iter().enumerate() {
            assert_eq!(r.index(), i);
            assert_eq!(Resource::from_index(i as u32), Some(r));
            assert_eq!(Resource::from_name(r.name()), Some(r));
        }
        assert_eq!(Resource::from_index(abi::VCTX_RES_COUNT), None);
        assert_eq!(Resource::from_name("cpu"), None);
        assert_eq!(
            (
                Resource::Nproc.bit(),
                Resource::Nthreads.bit(),
                Resource::Rss.bit()
            ),
            (1, 2, 4)
        );
        assert!(Resource::Rss.is_bytes() && !Resource::Nproc.is_bytes());
    }

    #[test]
    fn limit_none_is_max() {
        let raw = abi::vctx_limit {
            held: 3,
            peak: 5,
            limit: abi::VCTX_LIMIT_NONE,
            failures: 1,
        };
        assert_eq!(
            Limit::from(&raw),
            Limit {
                held: 3,
                peak: 5,
                limit: None,
                failures: 1
            }
        );
        assert_eq!(limit_value(0), Some(0));
        assert_eq!(limit_raw(None), u64::MAX);
        assert_eq!(limit_raw(Some(7)), 7);
    }

    #[test]
    fn counters_every_field() {
        // Distinct values per field catch a field copied into the wrong place.
        let raw = abi::vctx_counters {
            processes: 1,
            threads: 2,
            forks: 3,
            execs: 4,
            exits: 5,
            cpu_user_ns: 6,
            cpu_system_ns: 7,
            rss_bytes: 8,
            rss_peak_bytes: 9,
            io_read_bytes: 10,
            io_write_bytes: 11,
            io_storage_read_bytes: 12,
            io_storage_write_bytes: 13,
            nvcsw: 14,
            nivcsw: 15,
            limit_hits: 16,
        };
        let c = Counters::from(&raw);
        let got = [
            c.processes,
            c.threads,
            c.forks,
            c.execs,
            c.exits,
            c.cpu_user_ns,
            c.cpu_system_ns,
            c.rss_bytes,
            c.rss_peak_bytes,
            c.io_read_bytes,
            c.io_write_bytes,
            c.io_storage_read_bytes,
            c.io_storage_write_bytes,
            c.nvcsw,
            c.nivcsw,
            c.limit_hits,
        ];
        assert_eq!(got, core::array::from_fn(|i| i as u64 + 1));
        assert_eq!((c.cpu_ns(), c.io_bytes()), (13, 21));
    }

    #[test]
    fn stat_from_abi() {
        let mut raw = abi::vctx_stat {
            id: 4,
            now_ns: 100,
            created_ns: 40,
            loadavg: [2048, 1024, 0],
            nr_running: 1,
            last_pid: 0,
            ctx_flags: abi::VCTX_CTX_EPHEMERAL,
            ..Default::default()
        };
        raw.self_.forks = 2;
        raw.subtree.forks = 5;
        raw.limits[abi::VCTX_RES_NPROC as usize].limit = 10;
        raw.limits[abi::VCTX_RES_RSS as usize].limit = abi::VCTX_LIMIT_NONE;
        let s = Stat::from(&raw);
        assert_eq!(s.uptime_ns(), 60);
        assert_eq!(s.last_pid, None);
        assert_eq!((s.self_.forks, s.subtree.forks), (2, 5));
        assert_eq!(s.limits[Resource::Nproc.index()].limit, Some(10));
        assert_eq!(s.limits[Resource::Rss.index()].limit, None);
        raw.last_pid = 77;
        assert_eq!(Stat::from(&raw).last_pid, Some(77));
    }

    #[test]
    fn snap_entry_from_abi() {
        let mut raw = abi::vctx_snap_entry {
            id: 0,
            parent_id: abi::VCTX_ID_NONE,
            ..Default::default()
        };
        raw.name[0] = b'w' as _;
        raw.subtree.rss_bytes = 4096;
        let e = SnapEntry::from(&raw);
        assert_eq!((e.parent_id, e.name.as_str()), (None, "w"));
        assert_eq!(e.subtree.rss_bytes, 4096);
    }
}
