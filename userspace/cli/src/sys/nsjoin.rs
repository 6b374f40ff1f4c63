//! Namespaces for `vctx exec` and `vctx enter` (issue 7): join the
//! namespaces a context is in (setns, like nsenter but addressed by
//! context path), create new ones for its first process (unshare) and
//! record them on the context, and, when a pid or time namespace is
//! involved, run the command as a child (the new namespace is for
//! children only) and wait for it.
//!
//! Everything here runs in the single-threaded CLI before it enters the
//! context (entering trims its capabilities to the context's mask,
//! `Documentation/security.rst`) and executes the command.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

use anyhow::{Context as _, bail};
use nix::fcntl::{OFlag, openat};
use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};
use nix::sys::signal::{SigHandler, Signal, kill, signal};
use nix::sys::stat::Mode;
use nix::unistd::{Pid, sethostname};
use vctx_lib::{Device, Errno, NsType};

use crate::sys::execfail::ExecFailed;
use crate::sys::rootfs::RootSetup;

/// What to ask for: the namespaces to create, the host name to set.
#[derive(Debug, Default)]
pub struct NsRequest<'a> {
    /// New namespaces for the context (`--ns`).
    pub create: Vec<NsType>,
    /// The host name of the new uts namespace (`--hostname`).
    pub hostname: Option<&'a str>,
    /// Join only the context, not its namespaces (`--no-ns`).
    pub no_ns: bool,
}

/// How to start the command once the namespaces are in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// Become the command (execve).
    Exec,
    /// Run it as a child and wait: a pid or time namespace applies to
    /// children only. With `mount_proc`, the child (PID 1 of a new pid
    /// namespace) mounts a fresh /proc in its new mount namespace first.
    Child { mount_proc: bool },
}

/// Parses `--ns uts,ipc,...` names.
pub fn parse_types(names: &[String]) -> anyhow::Result<Vec<NsType>> {
    let mut out: Vec<NsType> = Vec::new();
    for n in names {
        let t = NsType::by_name(n).with_context(|| {
            format!("--ns: unknown namespace '{n}' (uts, ipc, pid, net, mnt, user, cgroup, time)")
        })?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// The inode of this process's namespace file `name` (/proc/self/ns/NAME).
fn own_ino(name: &str) -> Option<u64> {
    fs::metadata(format!("/proc/self/ns/{name}"))
        .ok()
        .map(|m| m.ino())
}

/// CLONE_NEWTIME (<linux/sched.h>), which nix does not name.
const CLONE_NEWTIME: CloneFlags = CloneFlags::from_bits_retain(0x0000_0080);

/// The CLONE_NEW* flag of `t`.
fn clone_flag(t: NsType) -> CloneFlags {
    CloneFlags::from_bits_retain(t.clone_flag)
}

/// setns(2) into `t`'s namespace behind `fd`.
fn setns(fd: &impl AsFd, t: NsType) -> anyhow::Result<()> {
    nix::sched::setns(fd, clone_flag(t))
        .map_err(|e| anyhow::anyhow!("cannot join its {} namespace: {}", t.name, e.desc()))
}

/// The namespaces to join, opened before entering the context: from
/// inside, a context's inherited namespaces are above the caller's own
/// context and cannot be named (or opened) any more.
///
/// It also keeps the caller's own /proc open: once the caller has joined
/// a container's mount namespace, the /proc there belongs to the
/// container's pid namespace, in which the caller (born outside) has no
/// pid, so "/proc/self" would not resolve.
#[derive(Debug)]
pub struct Prepared {
    join: Vec<(NsType, OwnedFd)>,
    proc: OwnedFd,
}

impl Prepared {
    /// Leaves the namespace of type `clone_flag` out of the joins (the
    /// caller made a new one of its own).
    pub fn skip(&mut self, clone_flag: i32) {
        self.join.retain(|(t, _)| t.clone_flag != clone_flag);
    }
}

/// Opens `rel` (e.g. "self/ns/net") below the directory `dir`.
fn open_at(dir: &OwnedFd, rel: &str, flags: OFlag) -> anyhow::Result<File> {
    openat(dir, rel, flags | OFlag::O_CLOEXEC, Mode::empty())
        .map(File::from)
        .map_err(|e| anyhow::anyhow!("/proc/{rel}: {}", e.desc()))
}

/// Before entering `path`: checks the request against what the context
/// holds and opens the namespaces to join (all it is in, unless `no_ns`;
/// those the caller is in already are skipped).
pub fn prepare(device: &Device, path: &str, req: &NsRequest<'_>) -> anyhow::Result<Prepared> {
    let proc = File::open("/proc").context("/proc")?.into();
    let mut out = Prepared {
        join: Vec::new(),
        proc,
    };
    if req.no_ns {
        return Ok(out);
    }
    let ns = match device.ns_get(path) {
        Ok(ns) => ns,
        // A module without namespaces: nothing to join.
        Err(e) if e.errno() == Some(Errno::ENOTTY) && req.create.is_empty() => return Ok(out),
        Err(e) => return Err(e.into()),
    };
    if let Some(t) = req.create.iter().find(|t| ns.own & t.bit() != 0) {
        bail!(
            "{path}: already holds a {} namespace; run 'vctx exec {path} -- CMD' to join it, \
             or make a child context for new namespaces",
            t.name
        );
    }
    for (t, ino, _own) in ns.entries() {
        if own_ino(t.for_children) != Some(ino) {
            out.join.push((t, device.ns_open(path, t)?.0));
        }
    }
    Ok(out)
}

/// Before the caller enters `path`: joins the namespaces `prepared`
/// opened, creates those of `req.create` and records them on the context
/// (with the caller's own privileges, which entering trims to the
/// context's mask). Returns how to start the command.
pub fn setup(
    device: &Device,
    path: &str,
    prepared: Prepared,
    req: &NsRequest<'_>,
) -> anyhow::Result<Launch> {
    let mut child = false;
    for (t, fd) in &prepared.join {
        let t = *t;
        setns(&fd, t).with_context(|| path.to_owned())?;
        if clone_flag(t) == CloneFlags::CLONE_NEWNS {
            std::env::set_current_dir("/").context("chdir / in the new mount namespace")?;
        }
        if clone_flag(t).intersects(CloneFlags::CLONE_NEWPID | CLONE_NEWTIME) {
            child = true;
        }
    }
    if req.create.is_empty() {
        return Ok(if child {
            Launch::Child { mount_proc: false }
        } else {
            Launch::Exec
        });
    }
    let has = |flag: CloneFlags| req.create.iter().any(|t| clone_flag(*t) == flag);
    // With a new user namespace this process has no CAP_SYS_ADMIN in the
    // initial one once it has unshared; recording still works because
    // `device` was opened before, with it (the module accepts the opener's
    // privilege for VCTX_IOC_NS_SET).
    if req.hostname.is_some() && !has(CloneFlags::CLONE_NEWUTS) {
        bail!("--hostname needs a new uts namespace (--ns uts,...)");
    }
    let flags = req
        .create
        .iter()
        .fold(CloneFlags::empty(), |f, t| f | clone_flag(*t));
    if let Err(e) = unshare(flags) {
        bail!("{path}: cannot create namespaces: {}", e.desc());
    }
    if has(CloneFlags::CLONE_NEWUSER) {
        map_root(&prepared.proc).context("mapping root in the new user namespace")?;
    }
    if let Some(name) = req.hostname {
        if let Err(e) = sethostname(name) {
            bail!("--hostname {name}: {}", e.desc());
        }
    }
    if has(CloneFlags::CLONE_NEWNS) {
        // Nothing mounted in the container propagates back to the host.
        let none: Option<&str> = None;
        if let Err(e) = mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none) {
            bail!("making / private in the new mount namespace: {}", e.desc());
        }
    }
    let files = req
        .create
        .iter()
        .map(|t| {
            open_at(
                &prepared.proc,
                &format!("self/ns/{}", t.for_children),
                OFlag::O_RDONLY,
            )
            .map(|f| (*t, f))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let borrowed: Vec<_> = files.iter().map(|(t, f)| (*t, f.as_fd())).collect();
    device.ns_set(path, &borrowed)?;
    if has(CloneFlags::CLONE_NEWPID) || has(CLONE_NEWTIME) {
        child = true;
    }
    Ok(if child {
        Launch::Child {
            mount_proc: has(CloneFlags::CLONE_NEWPID) && has(CloneFlags::CLONE_NEWNS),
        }
    } else {
        Launch::Exec
    })
}

/// Maps root to root (one id) in a user namespace this process just made.
fn map_root(proc: &OwnedFd) -> anyhow::Result<()> {
    for (file, text) in [
        ("setgroups", "deny"),
        ("uid_map", "0 0 1\n"),
        ("gid_map", "0 0 1\n"),
    ] {
        open_at(proc, &format!("self/{file}"), OFlag::O_WRONLY)?
            .write_all(text.as_bytes())
            .with_context(|| format!("/proc/self/{file}"))?;
    }
    Ok(())
}

/// The child signals are forwarded to (0: none yet).
static FORWARD_TO: AtomicI32 = AtomicI32::new(0);

/// The signals a supervisor is asked to pass on: what service managers
/// send (SIGINT and SIGQUIT come from the terminal, which reaches the
/// child itself).
const FORWARDED: [Signal; 4] = [
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
];

extern "C" fn forward(sig: std::ffi::c_int) {
    let pid = FORWARD_TO.load(Ordering::Relaxed);
    if let (true, Ok(sig)) = (pid > 0, Signal::try_from(sig)) {
        // kill(2) is async-signal-safe (nix's wrapper only adds the errno
        // read); `pid` is our child. Nothing to do if it is gone.
        let _ = kill(Pid::from_raw(pid), sig);
    }
}

/// From now on the signals in [`FORWARDED`] sent to this process go to
/// `pid` instead (the command: PID 1 of the container, which a signal from
/// the parent namespace reaches with its default action).
fn forward_signals_to(pid: u32) {
    FORWARD_TO.store(pid as i32, Ordering::Relaxed);
    for sig in FORWARDED {
        // SAFETY: `forward` is an async-signal-safe handler (an atomic load
        // and kill(2)); no other handler of ours is replaced.
        let _ = unsafe { signal(sig, SigHandler::Handler(forward)) };
    }
}

/// Runs `program` as a child (PID 1 of a new pid namespace, if one was
/// made) and exits with its status (128 + signal if it was killed),
/// passing on SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 sent to it meanwhile.
///
/// Neither is in the context yet: the child enters it (and so is trimmed to
/// its capability mask) after mounting /proc, just before it executes
/// `program`; this process enters it once the child runs.
pub fn run_child(
    device: Device,
    path: &str,
    program: &OsString,
    args: &[OsString],
    mount_proc: bool,
    root: Option<&RootSetup>,
) -> anyhow::Result<()> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let child_device = device.try_clone()?;
    let child_path = path.to_owned();
    let root = root.cloned();
    // Why the root could not be set up, from the child (close-on-exec).
    let (report_r, report_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).context("pipe")?;
    // SAFETY: the closure calls mount(2) on constant C strings (nix passes
    // a &CStr as it is, allocating nothing) and one ioctl on an open
    // descriptor, and reads errno: what a single-threaded program may do
    // between fork and exec. With a root it also allocates (paths, the
    // error message): this program has no other thread, so no lock of the
    // allocator is held by one that the fork left behind.
    unsafe {
        cmd.pre_exec(move || {
            if let Some(root) = &root {
                if let Err(e) = root.enter() {
                    let _ = nix::unistd::write(&report_w, format!("{e:#}").as_bytes());
                    return Err(std::io::Error::from_raw_os_error(Errno::EIO as i32));
                }
            } else if mount_proc {
                let none: Option<&std::ffi::CStr> = None;
                mount(
                    Some(c"proc"),
                    c"/proc",
                    Some(c"proc"),
                    MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
                    none,
                )
                .map_err(std::io::Error::from)?;
            }
            child_device.enter(&child_path, 0).map_err(|e| {
                std::io::Error::from_raw_os_error(
                    e.errno().map_or(Errno::EPERM as i32, |e| e as i32),
                )
            })
        });
    }
    let spawned = cmd.spawn();
    // The parent's copy of the write end went with `cmd`'s closure.
    drop(cmd);
    let mut report = String::new();
    let _ = std::io::Read::read_to_string(&mut File::from(report_r), &mut report);
    if !report.is_empty() {
        bail!("{report}");
    }
    let mut child = match spawned {
        Ok(c) => c,
        Err(err) if err.raw_os_error() == Some(Errno::ENOMEM as i32) => {
            bail!(
                "cannot start a process in the context's pid namespace: its init (PID 1) has exited"
            )
        }
        Err(err) => {
            return Err(ExecFailed::new(
                program.to_string_lossy().into_owned(),
                Errno::from_raw(err.raw_os_error().unwrap_or(Errno::ENOEXEC as i32)),
            )
            .into());
        }
    };
    forward_signals_to(child.id());
    if let Err(err) = device.enter(path, 0) {
        eprintln!("vctx: {path}: this supervisor could not enter the context: {err}");
    }
    drop(device);
    let status = child.wait().context("waiting for the command")?;
    let code = status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ns_names() {
        let names: Vec<String> = ["uts", "pid", "uts", "mnt"].map(String::from).into();
        let types = parse_types(&names).unwrap();
        let got: Vec<_> = types.iter().map(|t| t.name).collect();
        assert_eq!(got, ["uts", "pid", "mnt"]);
        let err = parse_types(&["mount".to_owned()]).unwrap_err();
        assert!(err.to_string().contains("unknown namespace 'mount'"));
    }
}
