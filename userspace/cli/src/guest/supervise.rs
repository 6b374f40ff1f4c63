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
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};
use vctx_lib::{CreateOptions, Device, Errno};

use super::config::Config;
use super::state;

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
    device.create(
        &path,
        CreateOptions {
            caps: Some(mask(cfg)?),
            ..Default::default()
        },
    )?;
    if !cfg.limits.is_empty() {
        let out = Command::new("/proc/self/exe")
            .arg("limit")
            .arg(&path)
            .args(&cfg.limits)
            .stdout(Stdio::null())
            .output()
            .context("running vctx limit")?;
        if !out.status.success() {
            let _ = device.destroy(&path);
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

/// One boot of the guest: returns how it ended.
fn boot(name: &str, cfg: &Config, boots: u32, log: &std::path::Path) -> anyhow::Result<End> {
    let device = Device::open()?;
    let path = context(name);
    make_context(&device, name, cfg)?;
    let console = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| log.display().to_string())?;
    let mut child = Command::new("/proc/self/exe")
        .args(exec_args(name, cfg))
        .env_clear()
        .envs(ENV)
        .stdin(Stdio::null())
        .stdout(console.try_clone()?)
        .stderr(console)
        .spawn()
        .context("starting vctx exec")?;
    let mut rec = BTreeMap::new();
    rec.insert("status".to_owned(), "running".to_owned());
    rec.insert("started_at".to_owned(), state::now().to_string());
    rec.insert("boots".to_owned(), boots.to_string());
    rec.insert("supervisor".to_owned(), std::process::id().to_string());
    // Its init, once it runs (PID 1 inside).
    for _ in 0..100 {
        if let Some(pid) = init_pid(&device, &path) {
            rec.insert("init_pid".to_owned(), pid.to_string());
            if cfg.net != "host" && cfg.namespaces.iter().any(|n| n == "net") {
                if let Err(e) = loopback_up(pid) {
                    note(log, &format!("cannot bring up lo: {e:#}"));
                }
            }
            break;
        }
        if child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    state::write(name, &rec)?;
    let status = child.wait().context("waiting for the guest")?;
    // The module's reason, if it ended the context for a reboot(2).
    let reason = device
        .wait(&path, Some(std::time::Duration::from_secs(5)))
        .map_or(0, |w| w.reason);
    let _ = device.destroy(&path);
    let code = status.code().unwrap_or(128 + status.signal().unwrap_or(0));
    let hup = 128 + nix::libc::SIGHUP;
    if code == hup || reason == vctx_lib::abi::VCTX_EVENT_REBOOT {
        return Ok(End::Reboot);
    }
    Ok(End::Stopped(match code {
        c if c == 128 + nix::libc::SIGINT => "halt or power-off requested".to_owned(),
        c if c > 128 => format!(
            "init killed by {}",
            nix::sys::signal::Signal::try_from(c - 128).map_or("a signal", |s| s.as_str())
        ),
        c => format!("init exited with status {c}"),
    }))
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

/// Brings up the loopback device of the network namespace of process
/// `pid` (a guest's own namespace starts with lo down, and its root has no
/// NET_ADMIN with the default mask). In a thread of its own: setns(2) of a
/// network namespace moves only the calling thread.
pub fn loopback_up(pid: i32) -> anyhow::Result<()> {
    let ns = std::fs::File::open(format!("/proc/{pid}/ns/net")).context("its network namespace")?;
    std::thread::spawn(move || -> anyhow::Result<()> {
        nix::sched::setns(&ns, nix::sched::CloneFlags::CLONE_NEWNET)
            .map_err(|e| anyhow::anyhow!("setns: {}", e.desc()))?;
        // SAFETY: socket(2) with constant arguments; the result is checked.
        let fd = unsafe {
            nix::libc::socket(
                nix::libc::AF_INET,
                nix::libc::SOCK_DGRAM | nix::libc::SOCK_CLOEXEC,
                0,
            )
        };
        if fd < 0 {
            bail!("socket: {}", std::io::Error::last_os_error());
        }
        // SAFETY: `fd` is the socket just opened, owned from here on.
        let sock = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        let raw = std::os::fd::AsRawFd::as_raw_fd(&sock);
        // SAFETY: an all-zero ifreq is valid (a name and a union of plain
        // integers).
        let mut req: nix::libc::ifreq = unsafe { std::mem::zeroed() };
        for (d, s) in req.ifr_name.iter_mut().zip(b"lo") {
            *d = *s as nix::libc::c_char;
        }
        // SAFETY: SIOCGIFFLAGS and SIOCSIFFLAGS read and write the ifreq
        // `req` points to, which lives across both calls; the union member
        // used is ifru_flags, the one these requests use.
        unsafe {
            if nix::libc::ioctl(raw, nix::libc::SIOCGIFFLAGS as _, &mut req) < 0 {
                bail!("lo: {}", std::io::Error::last_os_error());
            }
            req.ifr_ifru.ifru_flags |= nix::libc::IFF_UP as i16;
            if nix::libc::ioctl(raw, nix::libc::SIOCSIFFLAGS as _, &req) < 0 {
                bail!("lo up: {}", std::io::Error::last_os_error());
            }
        }
        Ok(())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the loopback thread panicked"))?
}
