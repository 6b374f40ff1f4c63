//! `vctx limit PATH [KEY=VALUE...]`: show a context's limits, or set some
//! and show the result. The module's own (nproc, nthreads, rss) go to the
//! module; the cgroup ones (cpu, mem, io, cpus, ...: `crate::spec::limitspec`)
//! are written to the context's cgroup, which is made and bound on demand
//! (`crate::sys::cgroup`). Everything is checked before anything is written,
//! and a write the kernel refuses puts the earlier ones back.

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;
use vctx_lib::{Device, Resource};

use crate::spec::limitspec::{self, Assignment, CgroupSetting, check_unique, cpu_list};
use crate::spec::paths::normalize;
use crate::sys::cgroup;
use crate::sys::cgstat::CgroupFigures;
use crate::view::acct_json::LimitsJson;
use crate::view::cgtable;
use crate::view::limits::limits_table;
use crate::view::output;

/// Show a context's limits, or set some (KEY=VALUE; "max" is unlimited)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The module's limits: nproc=N (processes of the subtree), nthreads=N (threads), rss=SIZE
(resident memory, soft: crossing it only counts a hit and sends an event).
The kernel's cgroup v2 controllers (the context gets a cgroup, <cgroup2>/vctx/PATH or below
$VCTX_CGROUP_ROOT): cpu=PCT% (cpu.max: 150% is one and a half CPUs), cpu.weight=1..10000,
cpuunits=N (OpenVZ: weight N/10), mem=SIZE (memory.max: over it the context's own processes
are reclaimed, then OOM-killed), mem.high=SIZE (throttled above), swap=SIZE (memory.swap.max),
io.read=DEV=RATE, io.write=DEV=RATE (bytes/s, e.g. 10M/s), io.riops=DEV=N, io.wiops=DEV=N
(DEV: MAJOR:MINOR or a block device such as /dev/vda), cpus=LIST (cpuset.cpus, e.g. 0-1,3).
A child's limits act within its parent's. SIZE is bytes with an optional K, M, G or T suffix
(powers of 1024); max clears any limit.
Example: vctx limit /web nproc=50 cpu=150% mem=2G io.write=/dev/vda=10M/s cpus=0-1")]
pub struct Args {
    /// The context
    pub path: String,
    /// New limits: nproc, nthreads, rss, cpu, cpu.weight, cpuunits, mem, mem.high, swap,
    /// io.read, io.write, io.riops, io.wiops, cpus (=VALUE or =max)
    #[arg(value_name = "KEY=VALUE", value_parser = limitspec::parse)]
    pub assignments: Vec<Assignment>,
}

#[derive(Debug, Serialize)]
struct LimitDoc {
    path: String,
    id: u64,
    limits: LimitsJson,
    /// null: the context is in no cgroup.
    cgroup: Option<CgroupFigures>,
}

pub fn run(path: &str, assignments: &[Assignment], json: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    check_unique(assignments).map_err(|what| anyhow::anyhow!("{path}: {what}"))?;
    let device = Device::open()?;
    let module: Vec<(Resource, Option<u64>)> = assignments
        .iter()
        .filter_map(|a| match a {
            Assignment::Module(r, v) => Some((*r, *v)),
            Assignment::Cgroup(_) => None,
        })
        .collect();
    let settings: Vec<&CgroupSetting> = assignments
        .iter()
        .filter_map(|a| match a {
            Assignment::Cgroup(c) => Some(c),
            Assignment::Module(..) => None,
        })
        .collect();
    let mut undo = Vec::new();
    if !settings.is_empty() {
        cgroup::require_mount().with_context(|| path.clone())?;
        check_cpus(&settings).with_context(|| path.clone())?;
        // The context must exist before a directory is made for it.
        device.info(&path)?;
        let dir = cgroup::ensure_bound(&device, &path)?;
        undo = apply(&dir, &settings).with_context(|| format!("{path}: nothing changed"))?;
        if !module.is_empty() {
            if let Err(e) = device.set_limits(&path, &module) {
                rollback(&dir, &undo);
                return Err(anyhow::Error::from(e).context(format!("{path}: nothing changed")));
            }
        }
    } else if !module.is_empty() {
        device.set_limits(&path, &module)?;
    }
    drop(undo);
    show(&device, &path, json)
}

/// Shows the limits of `path`: the module's and its cgroup's.
fn show(device: &Device, path: &str, json: bool) -> anyhow::Result<()> {
    let stat = device.stat(path, false)?;
    let cg = CgroupFigures::of(device, path, stat.id)?;
    if json {
        output::json(&LimitDoc {
            path: path.to_owned(),
            id: stat.id,
            limits: (&stat.limits).into(),
            cgroup: cg,
        })
    } else {
        let mut text = limits_table(&stat.limits);
        if let Some(cg) = cg {
            text.push('\n');
            text.push_str(&cgtable::render(&cg));
        }
        Ok(output::text(&text)?)
    }
}

/// cpus= must name online CPUs (checked before anything is written).
fn check_cpus(settings: &[&CgroupSetting]) -> anyhow::Result<()> {
    let Some(s) = settings
        .iter()
        .find(|s| s.file == "cpuset.cpus" && !s.line.is_empty())
    else {
        return Ok(());
    };
    let online = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap_or_default();
    let online = cpu_list(online.trim()).unwrap_or_default();
    let want = cpu_list(&s.line).map_err(|e| anyhow::anyhow!(e))?;
    if let Some(bad) = want.iter().find(|c| !online.contains(c)) {
        anyhow::bail!(
            "cpus={}: CPU {bad} is not online (online: {})",
            s.line,
            crate::spec::limitspec::format_cpu_list(&online)
        );
    }
    Ok(())
}

/// What to write back to undo a setting: the file and its old line.
type Undo = Vec<(&'static str, String)>;

/// Writes the settings, after reading what each file held; on a refusal,
/// writes back what was changed and fails with the kernel's reason.
fn apply(dir: &Path, settings: &[&CgroupSetting]) -> anyhow::Result<Undo> {
    // Every file must exist (its controller be there) before any write.
    for s in settings {
        cgroup::read(dir, s.file).map_err(|_| missing(dir, s))?;
    }
    let mut undo: Undo = Vec::new();
    for s in settings {
        let old = old_line(dir, s);
        if let Err(e) = cgroup::write(dir, s.file, &format!("{}\n", s.line)) {
            rollback(dir, &undo);
            return Err(e.context(format!("{}: refused", s.key)));
        }
        undo.push((s.file, old));
    }
    Ok(undo)
}

fn missing(dir: &Path, s: &CgroupSetting) -> anyhow::Error {
    let ctrl = match s.file.split('.').next() {
        Some("memory") if s.file.starts_with("memory.swap") => "memory (with swap accounting)",
        Some(c) => c,
        None => s.file,
    };
    anyhow::anyhow!(
        "{}: the {ctrl} controller is not available in {} (not in the kernel, or not enabled \
         in the parent's cgroup.subtree_control)",
        s.key,
        dir.display()
    )
}

/// What `s.file` holds now, as a line that restores it.
fn old_line(dir: &Path, s: &CgroupSetting) -> String {
    let text = cgroup::read(dir, s.file).unwrap_or_default();
    if s.file == "io.max" {
        let dev = s.line.split_whitespace().next().unwrap_or("");
        return text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(dev))
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{dev} rbps=max wbps=max riops=max wiops=max"));
    }
    text
}

/// Writes back what `undo` recorded, newest first.
fn rollback(dir: &Path, undo: &Undo) {
    for (file, line) in undo.iter().rev() {
        let _ = cgroup::write(dir, file, &format!("{line}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(LimitDoc {
            path: "/a".into(),
            id: 2,
            limits: (&vctx_lib::Limits::default()).into(),
            cgroup: None,
        })
        .unwrap();
        assert_eq!(v["limits"]["nthreads"]["limit"], "max");
        assert_eq!(v["id"], 2);
    }
}
