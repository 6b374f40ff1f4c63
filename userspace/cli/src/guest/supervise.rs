//! The supervisor of a running guest (`vctx guest start` leaves it behind,
//! detached; `vctx guest supervise NAME` in the foreground is what the
//! systemd unit runs): it boots the guest (a fresh context `/NAME`, its
//! limits, `vctx exec --root ... -- INIT` as PID 1 of the guest's pid
//! namespace, the console appended to the log), waits for its init to end,
//! and boots it again if the guest asked to reboot; otherwise it records
//! the end and exits.
//!
//! A reboot is told from a power-off or a crash by how the init ended:
//! with a pid namespace of its own, the kernel's `reboot_pid_ns()` ends it
//! with SIGHUP for a restart and SIGINT for a halt or power-off (the guest's
//! root needs CAP_SYS_BOOT in its user namespace: guests have one, and
//! SYS_BOOT in the mask, which in a user namespace reaches only that pid
//! namespace), or the module reports "reboot requested" (`vctx wait`).

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};
use vctx_lib::{CreateOptions, Device, Errno};

use super::config::Config;
use super::console::Console;
use super::{network, state};
use crate::spec::netspec::NetSpec;
use crate::sys::handshake;

/// The environment a guest's init (and `guest enter`) starts with.
pub const ENV: [(&str, &str); 4] = [
    (
        "PATH",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ),
    ("HOME", "/root"),
    ("TERM", "linux"),
    ("container", "vctx"),
];

/// The context a guest runs in.
pub fn context(name: &str) -> String {
    format!("/{name}")
}

/// How one boot ended.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    Reboot,
    Stopped(String),
}

/// Runs guest `name` until it ends for good (the supervisor's main loop).
pub fn run(name: &str, cfg: &Config) -> anyhow::Result<()> {
    let log = cfg.console_log(name);
    if let Some(d) = log.parent() {
        std::fs::create_dir_all(d).with_context(|| d.display().to_string())?;
    }
    std::fs::create_dir_all(state::dir(name))?;
    std::fs::write(
        state::dir(name).join("supervisor.pid"),
        format!("{}\n", std::process::id()),
    )?;
    let mut boots = 0u32;
    loop {
        boots += 1;
        let end = boot(name, cfg, boots, &log);
        let stopping = state::stopping_mark(name).exists();
        let mut rec = state::read(name);
        match end {
            Ok(End::Reboot) if !stopping => {
                note(&log, "reboot requested: starting it again");
                continue;
            }
            Ok(End::Reboot) => {
                rec.insert("end".into(), "reboot requested during stop".into());
            }
            Ok(End::Stopped(how)) => {
                rec.insert("end".into(), how);
            }
            Err(e) => {
                note(&log, &format!("boot failed: {e:#}"));
                rec.insert("end".into(), format!("failed: {e:#}"));
            }
        }
        rec.insert("status".into(), "stopped".into());
        rec.insert("stopped_at".into(), state::now().to_string());
        rec.remove("init_pid");
        state::write(name, &rec)?;
        let _ = std::fs::remove_file(state::stopping_mark(name));
        let _ = std::fs::remove_file(state::dir(name).join("supervisor.pid"));
        return Ok(());
    }
}

/// A line in the console log, from the supervisor.
fn note(log: &std::path::Path, line: &str) {
    if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(log) {
        let _ = writeln!(f, "vctx: {line}");
    }
}

/// The arguments of `vctx exec` that boot guest `name`.
pub fn exec_args(name: &str, cfg: &Config) -> Vec<String> {
    let mut ns: Vec<String> = cfg.namespaces.clone();
    if cfg.net == "host" {
        ns.retain(|n| n != "net");
    }
    let mut a = vec![
        "exec".to_owned(),
        "--ns".to_owned(),
        ns.join(","),
        "--root".to_owned(),
        cfg.root.display().to_string(),
    ];
    if ns.iter().any(|n| n == "uts") {
        a.push("--hostname".into());
        a.push(cfg.hostname.clone().unwrap_or_else(|| name.to_owned()));
    }
    a.push(context(name));
    a.push("--".into());
    a.extend(cfg.init.iter().cloned());
    a
}

/// The capability mask of the guest: the configured one, plus SYS_BOOT
/// when it has a user namespace (there it is a capability over its own pid
/// namespace only: its reboot(2) ends its init, never the machine).
pub fn mask(cfg: &Config) -> anyhow::Result<u64> {
    let mut m = crate::spec::capspec::parse_list(&cfg.caps)?;
    if cfg.namespaces.iter().any(|n| n == "user") {
        m |= 1u64 << crate::spec::capspec::parse_name("SYS_BOOT")?.index();
    }
    Ok(m)
}

/// Makes a fresh context for guest `name` with its mask and limits (one
/// left empty by the last boot is destroyed first: its namespaces are gone).
pub fn make_context(device: &Device, name: &str, cfg: &Config) -> anyhow::Result<()> {
    let path = context(name);
    match device.destroy(&path) {
        Ok(()) => {}
        Err(e) if e.errno() == Some(Errno::ENOENT) => {}
        Err(e) => bail!("{path}: the guest's context is in use ({e})"),
    }
    // The cgroups the last boot's init made below its own.
    crate::sys::cgroup::remove_dir(&path);
    device.create(
        &path,
        CreateOptions {
            caps: Some(mask(cfg)?),
            ..Default::default()
        },
    )?;
    if cfg.limits.is_empty() {
        // A cgroup of its own all the same, where the host has cgroup2: its
        // init (systemd) manages the subtree below it.
        if crate::sys::cgroup::mount_point().is_some() {
            if let Err(e) = crate::sys::cgroup::ensure_bound(device, &path) {
                destroy(device, &path);
                return Err(e.context("its cgroup"));
            }
        }
    } else {
        let out = Command::new("/proc/self/exe")
            .arg("limit")
            .arg(&path)
            .args(&cfg.limits)
            .stdout(Stdio::null())
            .output()
            .context("running vctx limit")?;
        if !out.status.success() {
            destroy(device, &path);
            bail!(
                "limits: {}",
                String::from_utf8_lossy(&out.stderr)
                    .trim()
                    .trim_start_matches("vctx: ")
            );
        }
    }
    Ok(())
}

/// Destroys the guest's context and removes its cgroup directory (with
/// what its init made below it).
fn destroy(device: &Device, path: &str) {
    let _ = device.destroy(path);
    crate::sys::cgroup::remove_dir(path);
}

/// One boot of the guest: returns how it ended. Its network (a veth
/// pair) is taken down again whichever way it ends.
fn boot(name: &str, cfg: &Config, boots: u32, log: &std::path::Path) -> anyhow::Result<End> {
    let spec = cfg.net_spec()?;
    let ended = boot_once(name, cfg, &spec, boots, log);
    if let Err(e) = network::teardown(name, &spec) {
        note(log, &format!("taking its network down: {e:#}"));
    }
    ended
}

fn boot_once(
    name: &str,
    cfg: &Config,
    spec: &NetSpec,
    boots: u32,
    log: &std::path::Path,
) -> anyhow::Result<End> {
    let device = Device::open()?;
    let path = context(name);
    network::precheck(name, spec)?;
    make_context(&device, name, cfg)?;
    let console = match Console::open(log) {
        Ok(c) => c,
        Err(e) => {
            destroy(&device, &path);
            return Err(e);
        }
    };
    // With a network namespace of its own, its exec waits (after making
    // the namespaces) until the network in it is set up.
    let sync = if spec.own_namespace() {
        Some(handshake::pair()?)
    } else {
        None
    };
    let mut args = exec_args(name, cfg);
    let mut cmd = Command::new("/proc/self/exe");
    if let Some((_, fd)) = &sync {
        let raw = fd.as_raw_fd();
        args.insert(1, format!("--sync-fd={raw}"));
        // SAFETY: one fcntl(2) in the child, async-signal-safe.
        unsafe {
            cmd.pre_exec(move || handshake::inheritable(raw));
        }
    }
    let spawned = cmd
        .args(&args)
        .env_clear()
        .envs(ENV)
        .stdin(console.stdio()?)
        .stdout(console.stdio()?)
        .stderr(console.stdio()?)
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            destroy(&device, &path);
            return Err(e).context("starting vctx exec");
        }
    };

    if let Some((parent, fd)) = sync {
        drop(fd);
        if let Err(e) = set_up_network(parent, &device, name, &path, spec) {
            // Its exec sees the handshake closed and ends without starting
            // the init; nothing of the network is left (setup undoes).
            let _ = child.wait();
            console.finish();
            destroy(&device, &path);
            return Err(e.context("its network"));
        }
    }
    let mut rec = BTreeMap::new();
    rec.insert("status".to_owned(), "running".to_owned());
    rec.insert("started_at".to_owned(), state::now().to_string());
    rec.insert("boots".to_owned(), boots.to_string());
    rec.insert("supervisor".to_owned(), std::process::id().to_string());
    // Its init, once it runs (PID 1 inside).
    for _ in 0..100 {
        if let Some(pid) = init_pid(&device, &path) {
            rec.insert("init_pid".to_owned(), pid.to_string());
            break;
        }
        if child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    state::write(name, &rec)?;
    let status = child.wait().context("waiting for the guest")?;
    console.finish();
    // The module's reason, if it ended the context for a reboot(2).
    let reason = device
        .wait(&path, Some(std::time::Duration::from_secs(5)))
        .map_or(0, |w| w.reason);
    destroy(&device, &path);
    let code = status.code().unwrap_or(128 + status.signal().unwrap_or(0));
    let hup = 128 + nix::libc::SIGHUP;
    if code == hup || reason == vctx_lib::abi::VCTX_EVENT_REBOOT {
        return Ok(End::Reboot);
    }
    // vctx exec says 128+N for an init killed by signal N; 255 (systemd's
    // EXIT_EXCEPTION in a container) is no signal.
    let signal = (code > 128)
        .then(|| nix::sys::signal::Signal::try_from(code - 128).ok())
        .flatten();
    Ok(End::Stopped(match (code, signal) {
        (c, _) if c == 128 + nix::libc::SIGINT => "halt or power-off requested".to_owned(),
        (_, Some(s)) => format!("init killed by {}", s.as_str()),
        (c, None) => format!("init exited with status {c}"),
    }))
}

/// Waits for the guest's exec to make its namespaces, sets up its network
/// in them and lets it go on. The handshake is closed when this returns,
/// so on failure the exec ends without starting the init.
fn set_up_network(
    mut parent: handshake::Parent,
    device: &Device,
    name: &str,
    path: &str,
    spec: &NetSpec,
) -> anyhow::Result<()> {
    if !parent.wait_ready(std::time::Duration::from_secs(30))? {
        // Its exec ended before making the namespaces: its error is in the
        // console log, its exit status is the boot's end.
        return Ok(());
    }
    network::setup(device, name, path, spec)?;
    parent.go()
}

/// The host pid of the PID 1 of the guest in `path`, if it runs.
pub fn init_pid(device: &Device, path: &str) -> Option<i32> {
    device.pids(path, false).ok()?.iter().find_map(|p| {
        let status = std::fs::read_to_string(format!("/proc/{}/status", p.pid)).ok()?;
        let line = status.lines().find(|l| l.starts_with("NSpid:"))?;
        let ids: Vec<&str> = line["NSpid:".len()..].split_whitespace().collect();
        (ids.len() > 1 && ids.last() == Some(&"1")).then_some(p.pid)
    })
}
