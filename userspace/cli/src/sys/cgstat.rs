//! The figures of a context's cgroup (issue 13), for `vctx limit`, `vctx
//! stat`, `vctx top` and `--json` (`view::cgtable` draws them): what each controller reports as held, peak, limit
//! and failures (memory.current/peak/max/events, memory.swap.*, cpu.max
//! and cpu.stat, cpu.weight, cpuset.cpus, io.max and io.stat), and the
//! freezer state.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::sys::cgroup::read;

/// A figure that is a number or "max" (None).
fn num(s: &str) -> Option<u64> {
    s.trim().parse().ok()
}

/// The "key value" lines of a flat-keyed file (memory.events, cpu.stat).
pub fn keyed(dir: &Path, file: &str) -> BTreeMap<String, u64> {
    read(dir, file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_owned(), v.trim().parse().ok()?))
        })
        .collect()
}

/// One limit of a controller, beancounter style.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct CgLimit {
    pub held: Option<u64>,
    pub peak: Option<u64>,
    /// None: max.
    pub limit: Option<u64>,
    pub failures: Option<u64>,
}

/// The memory controller's view.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Memory {
    /// memory.current / memory.peak / memory.max / memory.events max.
    pub mem: CgLimit,
    /// memory.high (failures: memory.events high).
    pub high: CgLimit,
    /// memory.swap.current / peak / max / memory.swap.events max.
    pub swap: Option<CgLimit>,
    /// memory.events oom, oom_kill.
    pub oom: u64,
    pub oom_kill: u64,
}

/// The cpu controller's view.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cpu {
    /// The quota in hundredths of a percent of one CPU (15000: 150%); None: max.
    pub quota_pct100: Option<u64>,
    pub weight: Option<u64>,
    pub usage_usec: u64,
    pub nr_throttled: u64,
    pub throttled_usec: u64,
}

/// One device's io.max and io.stat.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Io {
    pub dev: String,
    /// io.max fields (None: max).
    pub rbps: Option<u64>,
    pub wbps: Option<u64>,
    pub riops: Option<u64>,
    pub wiops: Option<u64>,
    /// io.stat figures.
    pub rbytes: u64,
    pub wbytes: u64,
    pub rios: u64,
    pub wios: u64,
}

/// Everything vctx shows of a context's cgroup.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CgroupFigures {
    /// The cgroup's directory.
    pub dir: String,
    /// Whether the cgroup is bound to this very context (else inherited).
    pub own: bool,
    pub frozen: bool,
    pub memory: Option<Memory>,
    pub cpu: Option<Cpu>,
    /// cpuset.cpus (as set; "" inherits) and cpuset.cpus.effective.
    pub cpus: Option<String>,
    pub cpus_effective: Option<String>,
    pub io: Vec<Io>,
}

impl CgroupFigures {
    /// The figures of the cgroup context `path` (id `id`) is in, if any.
    pub fn of(device: &vctx_lib::Device, path: &str, id: u64) -> anyhow::Result<Option<Self>> {
        Ok(crate::sys::cgroup::current_dir(device, path)?
            .map(|(dir, holder)| Self::read(&dir, holder == id)))
    }

    /// Reads the figures of the cgroup at `dir`.
    pub fn read(dir: &Path, own: bool) -> Self {
        let events = keyed(dir, "cgroup.events");
        let memory = read(dir, "memory.max").ok().map(|max| {
            let ev = keyed(dir, "memory.events");
            let swap = read(dir, "memory.swap.max").ok().map(|smax| CgLimit {
                held: read(dir, "memory.swap.current").ok().and_then(|v| num(&v)),
                peak: read(dir, "memory.swap.peak").ok().and_then(|v| num(&v)),
                limit: num(&smax),
                failures: keyed(dir, "memory.swap.events").get("max").copied(),
            });
            let current = read(dir, "memory.current").ok().and_then(|v| num(&v));
            Memory {
                mem: CgLimit {
                    held: current,
                    peak: read(dir, "memory.peak").ok().and_then(|v| num(&v)),
                    limit: num(&max),
                    failures: ev.get("max").copied(),
                },
                high: CgLimit {
                    held: current,
                    peak: None,
                    limit: read(dir, "memory.high").ok().and_then(|v| num(&v)),
                    failures: ev.get("high").copied(),
                },
                swap,
                oom: ev.get("oom").copied().unwrap_or(0),
                oom_kill: ev.get("oom_kill").copied().unwrap_or(0),
            }
        });
        let stat = keyed(dir, "cpu.stat");
        let cpu = read(dir, "cpu.max").ok().map(|max| {
            let mut it = max.split_whitespace();
            let quota = it.next().and_then(num);
            let period = it.next().and_then(num).unwrap_or(100_000).max(1);
            Cpu {
                quota_pct100: quota.map(|q| q * 10_000 / period),
                weight: read(dir, "cpu.weight").ok().and_then(|v| num(&v)),
                usage_usec: stat.get("usage_usec").copied().unwrap_or(0),
                nr_throttled: stat.get("nr_throttled").copied().unwrap_or(0),
                throttled_usec: stat.get("throttled_usec").copied().unwrap_or(0),
            }
        });
        let io = io_figures(
            &read(dir, "io.max").unwrap_or_default(),
            &read(dir, "io.stat").unwrap_or_default(),
        );
        CgroupFigures {
            dir: dir.display().to_string(),
            own,
            frozen: events.get("frozen") == Some(&1),
            memory,
            cpu,
            cpus: read(dir, "cpuset.cpus").ok(),
            cpus_effective: read(dir, "cpuset.cpus.effective").ok(),
            io,
        }
    }
}

/// The limits `vctx top` shows use against: a cgroup's cpu.max and its
/// memory (memory.current against memory.max and memory.high). Four files,
/// read every frame for every context bound to a cgroup of its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quota {
    /// cpu.max as a percentage of one CPU (150.0: one and a half CPUs);
    /// None: no quota (max) or no cpu controller.
    pub cpu_max_percent: Option<f64>,
    /// memory.current; None: no memory controller.
    pub memory_bytes: Option<u64>,
    /// memory.max; None: max (or no memory controller).
    pub memory_max_bytes: Option<u64>,
    /// memory.high; None: max (or no memory controller).
    pub memory_high_bytes: Option<u64>,
}

impl Quota {
    /// Reads the quota of the cgroup at `dir`.
    pub fn read(dir: &Path) -> Self {
        let file = |f: &str| read(dir, f).ok();
        Quota {
            cpu_max_percent: file("cpu.max").and_then(|m| cpu_max_percent(&m)),
            memory_bytes: file("memory.current").and_then(|v| num(&v)),
            memory_max_bytes: file("memory.max").and_then(|v| num(&v)),
            memory_high_bytes: file("memory.high").and_then(|v| num(&v)),
        }
    }

    /// The quotas of the contexts of `snap` (whose root is at `base`) that
    /// are bound to a cgroup of their own, by id. Empty without a cgroup2
    /// mount or a module with cgroups.
    pub fn of_snapshot(
        device: &vctx_lib::Device,
        snap: &vctx_lib::Snapshot,
        base: &str,
    ) -> HashMap<u64, Quota> {
        let Some(mount) = crate::sys::cgroup::mount_point() else {
            return HashMap::new();
        };
        let paths = crate::spec::paths::preorder_paths(&snap.entries, base);
        let mut out = HashMap::new();
        for (e, path) in snap.entries.iter().zip(paths) {
            match device.cgroup_get(&path) {
                Ok(Some(b)) if b.holder == e.id => {
                    let dir = mount.join(b.path.trim_start_matches('/'));
                    out.insert(e.id, Quota::read(&dir));
                }
                Ok(_) => {}
                // A module without cgroups: nothing is bound anywhere.
                Err(err) if err.errno() == Some(vctx_lib::Errno::ENOTTY) => break,
                // Gone since the snapshot: no figures for it this frame.
                Err(_) => {}
            }
        }
        out
    }
}

/// cpu.max ("QUOTA PERIOD" or "max PERIOD") as a percentage of one CPU.
fn cpu_max_percent(line: &str) -> Option<f64> {
    let mut it = line.split_whitespace();
    let quota = it.next().and_then(num)?;
    let period = it.next().and_then(num).unwrap_or(100_000).max(1);
    Some(quota as f64 * 100.0 / period as f64)
}

/// io.max and io.stat, by device (only devices io.max names).
fn io_figures(max: &str, stat: &str) -> Vec<Io> {
    let field = |line: &str, key: &str| -> Option<String> {
        line.split_whitespace().find_map(|kv| {
            kv.strip_prefix(key)
                .and_then(|v| v.strip_prefix('='))
                .map(str::to_owned)
        })
    };
    max.lines()
        .filter_map(|l| {
            let dev = l.split_whitespace().next()?.to_owned();
            let s = stat
                .lines()
                .find(|s| s.split_whitespace().next() == Some(dev.as_str()))
                .unwrap_or("");
            let n = |k: &str| field(s, k).and_then(|v| num(&v)).unwrap_or(0);
            Some(Io {
                rbps: field(l, "rbps").and_then(|v| num(&v)),
                wbps: field(l, "wbps").and_then(|v| num(&v)),
                riops: field(l, "riops").and_then(|v| num(&v)),
                wiops: field(l, "wiops").and_then(|v| num(&v)),
                rbytes: n("rbytes"),
                wbytes: n("wbytes"),
                rios: n("rios"),
                wios: n("wios"),
                dev,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_of_a_cgroup_dir() {
        let dir = std::env::temp_dir().join(format!("vctx-quota-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (f, v) in [
            ("cpu.max", "50000 100000\n"),
            ("memory.current", "1048576\n"),
            ("memory.max", "67108864\n"),
            ("memory.high", "max\n"),
        ] {
            std::fs::write(dir.join(f), v).unwrap();
        }
        let q = Quota::read(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            q,
            Quota {
                cpu_max_percent: Some(50.0),
                memory_bytes: Some(1 << 20),
                memory_max_bytes: Some(64 << 20),
                memory_high_bytes: None,
            }
        );
        assert_eq!(cpu_max_percent("max 100000"), None);
        assert_eq!(cpu_max_percent("150000 100000"), Some(150.0));
        assert_eq!(cpu_max_percent("25000 50000"), Some(50.0));
        assert_eq!(Quota::read(Path::new("/nonexistent")), Quota::default());
    }

    #[test]
    fn io_by_device() {
        let v = io_figures(
            "254:0 rbps=max wbps=1048576 riops=max wiops=100",
            "254:0 rbytes=10 wbytes=2048 rios=1 wios=2 dbytes=0 dios=0\n8:0 rbytes=5",
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].dev, "254:0");
        assert_eq!(v[0].wbps, Some(1 << 20));
        assert_eq!(v[0].rbps, None);
        assert_eq!(v[0].wiops, Some(100));
        assert_eq!(v[0].wbytes, 2048);
    }
}
