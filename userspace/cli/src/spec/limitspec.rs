//! Parsing `vctx limit` assignments.
//!
//! The module's own limits: `nproc=N|max`, `nthreads=N|max`, `rss=SIZE|max`.
//! The cgroup v2 ones (`Documentation/cgroups.rst`): `cpu=150%` (cpu.max),
//! `cpu.weight=N`, `cpuunits=N` (OpenVZ: weight N/10), `mem=SIZE`
//! (memory.max), `mem.high=SIZE`, `swap=SIZE` (memory.swap.max),
//! `io.read=DEV=RATE`, `io.write=DEV=RATE` (bytes/s), `io.riops=DEV=N`,
//! `io.wiops=DEV=N` (io.max; DEV is MAJOR:MINOR or a block device node),
//! `cpus=LIST` (cpuset.cpus, e.g. 0-1,3). `max` clears any of them. SIZE is
//! bytes with an optional binary suffix (K, M, G, T; also KiB, MB...:
//! always powers of 1024).

use std::os::unix::fs::{FileTypeExt, MetadataExt};

use vctx_lib::Resource;

/// The period cpu.max quotas are written with (100 ms, the kernel's default).
pub const CPU_PERIOD_US: u64 = 100_000;

/// One cgroup setting: the interface file and the line to write to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupSetting {
    /// The vctx key ("mem", "io.write", ...), with the device for io keys
    /// ("io.write 254:0"): what must not be given twice.
    pub key: String,
    /// The cgroup interface file ("memory.max").
    pub file: &'static str,
    /// What to write to it ("67108864", "254:0 wbps=1048576").
    pub line: String,
}

/// One assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignment {
    /// A limit the module enforces (`None`: max).
    Module(Resource, Option<u64>),
    /// A cgroup controller setting.
    Cgroup(CgroupSetting),
}

impl Assignment {
    /// The key, for duplicate checks and messages.
    pub fn key(&self) -> String {
        match self {
            Assignment::Module(r, _) => r.name().to_owned(),
            Assignment::Cgroup(c) => c.key.clone(),
        }
    }
}

const HINT: &str = "keys: nproc nthreads rss cpu cpu.weight cpuunits mem mem.high swap \
                    io.read io.write io.riops io.wiops cpus (see 'vctx limit --help')";

/// Parses one `KEY=VALUE` (the clap value parser).
pub fn parse(text: &str) -> Result<Assignment, String> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(format!("'{text}': not an assignment ({HINT})"));
    };
    let bad = |what: &str| format!("'{text}': {what}");
    if let Some(res) = Resource::from_name(key) {
        if value == "max" {
            return Ok(Assignment::Module(res, None));
        }
        let n = if res.is_bytes() {
            size(value)
        } else {
            value
                .parse::<u64>()
                .map_err(|_| "a whole number".to_owned())
        };
        return match n {
            Ok(n) => Ok(Assignment::Module(res, Some(n))),
            Err(what) => Err(bad(&format!("{what} or 'max' expected"))),
        };
    }
    let set = |file: &'static str, line: String| {
        Ok(Assignment::Cgroup(CgroupSetting {
            key: key.to_owned(),
            file,
            line,
        }))
    };
    let max = value == "max";
    match key {
        "cpu" => {
            if max {
                return set("cpu.max", format!("max {CPU_PERIOD_US}"));
            }
            let pct = percent(value).map_err(|w| bad(&w))?;
            // A quota below 1 ms is refused by the kernel: say so here.
            let quota = pct * CPU_PERIOD_US / 10_000;
            if quota < 1000 {
                return Err(bad("at least 1% (a quota of 1 ms per 100 ms period)"));
            }
            set("cpu.max", format!("{quota} {CPU_PERIOD_US}"))
        }
        "cpu.weight" | "cpuunits" => {
            let (lo, hi, div) = if key == "cpuunits" {
                (10, 100_000, 10)
            } else {
                (1, 10_000, 1)
            };
            let n = if max {
                100 * div
            } else {
                value
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (lo..=hi).contains(n))
                    .ok_or_else(|| bad(&format!("a whole number from {lo} to {hi} expected")))?
            };
            let weight = (n / div).clamp(1, 10_000);
            Ok(Assignment::Cgroup(CgroupSetting {
                key: "cpu.weight".to_owned(),
                file: "cpu.weight",
                line: weight.to_string(),
            }))
        }
        "mem" | "mem.high" | "swap" => {
            let file = match key {
                "mem" => "memory.max",
                "mem.high" => "memory.high",
                _ => "memory.swap.max",
            };
            if max {
                return set(file, "max".to_owned());
            }
            let n = size(value).map_err(|w| bad(&format!("{w} or 'max' expected")))?;
            set(file, n.to_string())
        }
        "io.read" | "io.write" | "io.riops" | "io.wiops" => {
            let Some((dev, v)) = value.rsplit_once('=') else {
                return Err(bad(
                    "DEV=VALUE expected (DEV: MAJOR:MINOR or a block device, e.g. io.write=/dev/vda=10M/s)",
                ));
            };
            let dev = device(dev).map_err(|w| bad(&w))?;
            let (field, n) = match key {
                "io.read" | "io.write" => {
                    let n = if v == "max" {
                        None
                    } else {
                        Some(rate(v).map_err(|w| bad(&w))?)
                    };
                    (if key == "io.read" { "rbps" } else { "wbps" }, n)
                }
                _ => {
                    let n = if v == "max" {
                        None
                    } else {
                        Some(v.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| {
                            bad("a positive number of operations per second or 'max' expected")
                        })?)
                    };
                    (if key == "io.riops" { "riops" } else { "wiops" }, n)
                }
            };
            let n = n.map_or_else(|| "max".to_owned(), |n| n.to_string());
            Ok(Assignment::Cgroup(CgroupSetting {
                key: format!("{key} {dev}"),
                file: "io.max",
                line: format!("{dev} {field}={n}"),
            }))
        }
        "cpus" => {
            if max {
                return set("cpuset.cpus", String::new());
            }
            let cpus = cpu_list(value).map_err(|w| bad(&w))?;
            set("cpuset.cpus", format_cpu_list(&cpus))
        }
        _ => Err(format!("'{key}': unknown limit ({HINT})")),
    }
}

/// A percentage of one CPU in hundredths: "150%" is 15000, "12.5%" 1250.
fn percent(text: &str) -> Result<u64, String> {
    let bad = || "a percentage of one CPU such as 50% or 150%, or 'max', expected".to_owned();
    let num = text.strip_suffix('%').ok_or_else(bad)?;
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u64 = int.parse().map_err(|_| bad())?;
    let hundredths: u64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let v = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(hundredths))
        .ok_or_else(bad)?;
    if v == 0 {
        return Err("0% would stop the context: give a positive percentage, or 'max'".to_owned());
    }
    Ok(v)
}

/// A rate in bytes per second: a SIZE with an optional "/s".
fn rate(text: &str) -> Result<u64, String> {
    let n = size(text.strip_suffix("/s").unwrap_or(text))
        .map_err(|_| "a rate such as 10M/s (bytes per second) or 'max' expected".to_owned())?;
    if n == 0 {
        return Err("a rate of 0 would stop all I/O: give a positive rate, or 'max'".to_owned());
    }
    Ok(n)
}

/// A block device: "MAJOR:MINOR" or the path of a block device node.
fn device(text: &str) -> Result<String, String> {
    if let Some((a, b)) = text.split_once(':') {
        if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
            return Ok(format!("{a}:{b}"));
        }
        return Err(format!(
            "'{text}': not a device (MAJOR:MINOR or a block device node)"
        ));
    }
    let meta = std::fs::metadata(text).map_err(|e| format!("{text}: {e}"))?;
    if !meta.file_type().is_block_device() {
        return Err(format!("{text}: not a block device"));
    }
    let rdev = meta.rdev();
    Ok(format!(
        "{}:{}",
        nix::sys::stat::major(rdev),
        nix::sys::stat::minor(rdev)
    ))
}

/// A CPU list such as "0-1,3" (sorted, without duplicates).
pub fn cpu_list(text: &str) -> Result<Vec<u32>, String> {
    let bad = || format!("'{text}': a CPU list such as 0, 0-1 or 0,2-3 expected");
    let mut out = Vec::new();
    for part in text.split(',') {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let a: u32 = a.parse().map_err(|_| bad())?;
        let b: u32 = b.parse().map_err(|_| bad())?;
        if a > b || b > 4095 {
            return Err(bad());
        }
        out.extend(a..=b);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The kernel's list format: "0-1,3".
pub fn format_cpu_list(cpus: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let start = cpus[i];
        let mut end = start;
        while i + 1 < cpus.len() && cpus[i + 1] == end + 1 {
            i += 1;
            end = cpus[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(",")
}

/// A size: digits and an optional K/M/G/T suffix (binary, case-insensitive,
/// optionally followed by "iB" or "B"; a bare "B" is bytes).
pub fn size(text: &str) -> Result<u64, String> {
    let bad = || "a size such as 4096, 64K, 512M or 2G".to_owned();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(split);
    if digits.is_empty() {
        return Err(bad());
    }
    let shift = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| "a size below 16 EiB".to_owned())
}

/// Checks that no key is assigned twice.
pub fn check_unique(assignments: &[Assignment]) -> Result<(), String> {
    for (i, a) in assignments.iter().enumerate() {
        if assignments[..i].iter().any(|b| b.key() == a.key()) {
            return Err(format!("{} is given twice", a.key()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cg(text: &str) -> (String, &'static str, String) {
        match parse(text).unwrap() {
            Assignment::Cgroup(c) => (c.key, c.file, c.line),
            a => panic!("{a:?}"),
        }
    }

    #[test]
    fn counts_and_max() {
        assert_eq!(
            parse("nproc=10"),
            Ok(Assignment::Module(Resource::Nproc, Some(10)))
        );
        assert_eq!(
            parse("nproc=0"),
            Ok(Assignment::Module(Resource::Nproc, Some(0)))
        );
        assert_eq!(
            parse("nthreads=max"),
            Ok(Assignment::Module(Resource::Nthreads, None))
        );
        assert_eq!(
            parse("rss=max"),
            Ok(Assignment::Module(Resource::Rss, None))
        );
    }

    #[test]
    fn sizes_are_binary() {
        assert_eq!(
            parse("rss=64K"),
            Ok(Assignment::Module(Resource::Rss, Some(64 << 10)))
        );
        assert_eq!(
            parse("rss=1GiB"),
            Ok(Assignment::Module(Resource::Rss, Some(1 << 30)))
        );
        assert_eq!(size("100B"), Ok(100));
        assert!(size("16777216T").is_err());
    }

    #[test]
    fn cgroup_keys() {
        assert_eq!(
            cg("cpu=150%"),
            ("cpu".into(), "cpu.max", "150000 100000".into())
        );
        assert_eq!(
            cg("cpu=12.5%"),
            ("cpu".into(), "cpu.max", "12500 100000".into())
        );
        assert_eq!(
            cg("cpu=max"),
            ("cpu".into(), "cpu.max", "max 100000".into())
        );
        assert_eq!(
            cg("cpu.weight=300"),
            ("cpu.weight".into(), "cpu.weight", "300".into())
        );
        assert_eq!(
            cg("cpuunits=1000"),
            ("cpu.weight".into(), "cpu.weight", "100".into())
        );
        assert_eq!(
            cg("mem=512M"),
            ("mem".into(), "memory.max", "536870912".into())
        );
        assert_eq!(
            cg("mem.high=max"),
            ("mem.high".into(), "memory.high", "max".into())
        );
        assert_eq!(cg("swap=0"), ("swap".into(), "memory.swap.max", "0".into()));
        assert_eq!(
            cg("io.write=254:0=10M/s"),
            (
                "io.write 254:0".into(),
                "io.max",
                "254:0 wbps=10485760".into()
            )
        );
        assert_eq!(
            cg("io.riops=8:0=100"),
            ("io.riops 8:0".into(), "io.max", "8:0 riops=100".into())
        );
        assert_eq!(
            cg("io.read=8:0=max"),
            ("io.read 8:0".into(), "io.max", "8:0 rbps=max".into())
        );
        assert_eq!(
            cg("cpus=0-1,3"),
            ("cpus".into(), "cpuset.cpus", "0-1,3".into())
        );
        assert_eq!(
            cg("cpus=3,0,1"),
            ("cpus".into(), "cpuset.cpus", "0-1,3".into())
        );
        assert_eq!(cg("cpus=max"), ("cpus".into(), "cpuset.cpus", "".into()));
    }

    #[test]
    fn rejects() {
        for bad in [
            "nproc",
            "nproc=",
            "nproc=-1",
            "nproc=1K",
            "rss=1.5G",
            "rss=5X",
            "=5",
            "nproc=MAX",
            "cpu=0%",
            "cpu=0.00%",
            "cpu=50",
            "cpu=-5%",
            "cpu=1.234%",
            "cpu=0.5%",
            "cpu.weight=0",
            "cpu.weight=10001",
            "mem=lots",
            "mem=",
            "io.write=10M/s",
            "io.write=8:0=0",
            "io.write=8:x=1M",
            "io.write=/nonexistent=1M",
            "io.write=/dev/null=1M",
            "io.riops=8:0=-1",
            "cpus=",
            "cpus=1-0",
            "cpus=a",
            "cpus=99999",
            "disk=1",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse("disk=1").unwrap_err().contains("unknown limit"));
        assert!(parse("nproc").unwrap_err().contains("not an assignment"));
        assert!(parse("cpu=0%").unwrap_err().contains("0%"));
        assert!(
            parse("io.write=/dev/null=1M")
                .unwrap_err()
                .contains("not a block device")
        );
    }

    #[test]
    fn duplicates() {
        let a = [
            parse("nproc=1").unwrap(),
            parse("mem=1M").unwrap(),
            parse("io.write=8:0=1M").unwrap(),
            parse("io.write=8:16=1M").unwrap(),
        ];
        assert!(check_unique(&a).is_ok());
        let b = [
            parse("cpuunits=100").unwrap(),
            parse("cpu.weight=5").unwrap(),
        ];
        assert_eq!(check_unique(&b), Err("cpu.weight is given twice".into()));
    }
}
