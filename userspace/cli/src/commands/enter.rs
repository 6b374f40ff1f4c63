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
            path: path.to_owned(),
            command: vec![shell],
        });
    };
    let path = normalize(path);
    let device = Device::open()?;
    crate::cgroup::move_before_enter(&device, &path, pid)?;
    device.enter(&path, pid)?;
    if !no_ns && device.ns_get(&path).is_ok_and(|ns| ns.mask != 0) {
        eprintln!(
            "vctx: note: pid {pid} joined {path} but not its namespaces: a process can only \
             change its own (use 'vctx exec {path} -- CMD' to start one inside them)"
        );
    }
    Ok(())
}
