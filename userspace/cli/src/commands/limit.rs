//! `vctx limit PATH [KEY=VALUE...]`: show a context's limits, or set some
//! and show the result. The module's own (nproc, nthreads, rss) go to the
//! module; the cgroup ones (cpu, mem, io, cpus, ...: `crate::limitspec`)
//! are written to the context's cgroup, which is made and bound on demand
//! (`crate::cgroup`). Everything is checked before anything is written,
//! and a write the kernel refuses puts the earlier ones back.

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;
use vctx_lib::{Device, Limit, Limits, Resource};

use crate::acct_json::LimitsJson;
use crate::cgroup;
use crate::cgstat::CgroupFigures;
use crate::human;
use crate::limitspec::{Assignment, CgroupSetting, check_unique, cpu_list};
use crate::output;
use crate::paths::normalize;
use crate::table::{Align, Table};

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
    let cg = figures(device, path, stat.id)?;
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
            text.push_str(&cg.table());
        }
        Ok(output::text(&text)?)
    }
}

/// The figures of the cgroup `path` (id `id`) is in, if any.
pub fn figures(device: &Device, path: &str, id: u64) -> anyhow::Result<Option<CgroupFigures>> {
    Ok(cgroup::current_dir(device, path)?
        .map(|(dir, holder)| CgroupFigures::read(&dir, holder == id)))
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
            crate::limitspec::format_cpu_list(&online)
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

/// A figure of `res`: a size for rss, else a count.
fn figure(res: Resource, v: u64) -> String {
    if res.is_bytes() {
        human::size(v)
    } else {
        v.to_string()
    }
}

/// The limits as a table: LIMIT HELD PEAK MAX FAILURES.
pub fn limits_table(limits: &Limits) -> String {
    let mut table = Table::new(&[
        ("LIMIT", Align::Left),
        ("HELD", Align::Right),
        ("PEAK", Align::Right),
        ("MAX", Align::Right),
        ("FAILURES", Align::Right),
    ]);
    for res in Resource::ALL {
        let l: &Limit = &limits[res.index()];
        table.row(vec![
            res.name().to_owned(),
            figure(res, l.held),
            figure(res, l.peak),
            l.limit.map_or_else(|| "max".to_owned(), |v| figure(res, v)),
            l.failures.to_string(),
        ]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let mut limits = Limits::default();
        limits[0] = Limit {
            held: 3,
            peak: 4,
            limit: Some(4),
            failures: 12,
        };
        limits[1].held = 5;
        limits[2] = Limit {
            held: 3 << 20,
            peak: 5 << 20,
            limit: Some(512 << 20),
            failures: 0,
        };
        assert_eq!(
            limits_table(&limits),
            "LIMIT     HELD  PEAK     MAX  FAILURES\n\
             nproc        3     4       4        12\n\
             nthreads     5     0     max         0\n\
             rss       3.0M  5.0M  512.0M         0\n"
        );
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(LimitDoc {
            path: "/a".into(),
            id: 2,
            limits: (&Limits::default()).into(),
            cgroup: None,
        })
        .unwrap();
        assert_eq!(v["limits"]["nthreads"]["limit"], "max");
        assert_eq!(v["id"], 2);
    }
}
