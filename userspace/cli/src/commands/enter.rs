//! `vctx enter PATH [--pid PID] [--no-ns]`: move a process into a context,
//! or, without `--pid`, start a shell in the context and its namespaces.

use std::ffi::OsString;

use vctx_lib::Device;

use crate::cli::ExecArgs;
use crate::commands::exec;
use crate::paths::normalize;

pub fn run(path: &str, pid: Option<i32>, no_ns: bool) -> anyhow::Result<()> {
    let Some(pid) = pid else {
        // Like nsenter with no command: a shell, in the context and its namespaces.
        let shell = std::env::var_os("SHELL").unwrap_or_else(|| OsString::from("/bin/sh"));
        return exec::run(ExecArgs {
            create: false,
            new: false,
            ns: Vec::new(),
            hostname: None,
            no_ns,
            root: None,
            caps: None,
            path: path.to_owned(),
            command: vec![shell],
        });
    };
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
    let before = crate::cgroup::dir_of(pid);
    crate::cgroup::move_before_enter(&device, &path, pid)?;
    if let Err(err) = device.enter(&path, pid) {
        // Nothing half-applied: back into the cgroup it came from.
        if let Some(dir) = before {
            crate::cgroup::move_back(pid, &dir);
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
    (extra != 0).then(|| crate::capspec::names(extra).join(","))
}
