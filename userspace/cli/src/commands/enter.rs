//! `vctx enter PATH [--pid PID] [--no-ns]`: move a process into a context,
//! or, without `--pid`, start a shell in the context and its namespaces
//! (that is `vctx exec PATH -- $SHELL`: the dispatcher, `commands::run`,
//! runs `exec::Args::shell` for it).

use vctx_lib::Device;

use crate::spec::paths::normalize;

/// Move a process (all its threads) into a context; without --pid, start
/// a shell ($SHELL) in the context and its namespaces
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The context to move it into (its current context or a descendant)
    pub path: String,
    /// The process to move (it joins the context only: a process can only
    /// change its own namespaces)
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pub pid: Option<i32>,
    /// Join only the context, not its namespaces
    #[arg(long)]
    pub no_ns: bool,
}

/// Moves process `pid` into the context `path` (and its cgroup). Without
/// --pid, the dispatcher runs `exec::Args::shell` instead: a process can
/// only change its own namespaces.
pub fn run(path: &str, pid: i32, no_ns: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    let device = Device::open()?;
    // Refused by the module anyway; said first, before anything moved.
    if let Some(extra) = caps_beyond(&device, &path, pid) {
        anyhow::bail!(
            "pid {pid} holds capabilities outside {path}'s mask ({extra}): it cannot \
             enter; start it inside with 'vctx exec {path} -- CMD' (trimmed to the \
             mask), or widen the mask with 'vctx caps {path} +CAP'"
        );
    }
    let before = crate::sys::cgroup::dir_of(pid);
    crate::sys::cgroup::move_before_enter(&device, &path, pid)?;
    if let Err(err) = device.enter(&path, pid) {
        // Nothing half-applied: back into the cgroup it came from.
        if let Some(dir) = before {
            crate::sys::cgroup::move_back(pid, &dir);
        }
        return Err(err.into());
    }
    if !no_ns && device.ns_get(&path).is_ok_and(|ns| ns.mask != 0) {
        eprintln!(
            "vctx: note: pid {pid} joined {path} but not its namespaces: a process can only \
             change its own (use 'vctx exec {path} -- CMD' to start one inside them)"
        );
    }
    Ok(())
}

/// The capabilities process `pid` holds (permitted or effective, as
/// /proc/PID/status shows them) that the mask of `path` lacks, if any.
fn caps_beyond(device: &Device, path: &str, pid: i32) -> Option<String> {
    let mask = device.info(path).ok()?.entry.caps;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let held = ["CapPrm:", "CapEff:"]
        .iter()
        .filter_map(|key| {
            let line = status.lines().find(|l| l.starts_with(key))?;
            u64::from_str_radix(line[key.len()..].trim(), 16).ok()
        })
        .fold(0, |a, b| a | b);
    let extra = held & !mask;
    (extra != 0).then(|| crate::spec::capspec::names(extra).join(","))
}
