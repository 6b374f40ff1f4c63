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

use std::ffi::{CString, OsString};
use std::fs::{self, File};
use std::io::Write;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

use anyhow::{Context as _, bail};
use vctx_lib::{Device, Errno, NsType};

use crate::commands::exec::ExecFailed;

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

fn errno() -> Errno {
    Errno::last()
}

/// setns(2) into `t`'s namespace behind `fd`.
fn setns(fd: &impl AsFd, t: NsType) -> anyhow::Result<()> {
    // SAFETY: setns takes an open fd and a CLONE_NEW* flag; it changes only
    // this (single-threaded) process's namespaces.
    if unsafe { libc::setns(fd.as_fd().as_raw_fd(), t.clone_flag) } != 0 {
        bail!("cannot join its {} namespace: {}", t.name, errno().desc());
    }
    Ok(())
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
fn open_at(dir: &OwnedFd, rel: &str, flags: i32) -> anyhow::Result<File> {
    let c = CString::new(rel).expect("no NUL in a /proc path");
    // SAFETY: `dir` is an open directory, `c` a NUL-terminated path; the
    // fd returned (if any) is new and owned by the File below.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), c.as_ptr(), flags | libc::O_CLOEXEC) };
    if fd < 0 {
        bail!("/proc/{rel}: {}", errno().desc());
    }
    // SAFETY: a new fd nothing else owns.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
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
        if t.clone_flag == libc::CLONE_NEWNS {
            std::env::set_current_dir("/").context("chdir / in the new mount namespace")?;
        }
        if matches!(t.clone_flag, libc::CLONE_NEWPID | libc::CLONE_NEWTIME) {
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
    let has = |flag: i32| req.create.iter().any(|t| t.clone_flag == flag);
    // With a new user namespace this process has no CAP_SYS_ADMIN in the
    // initial one once it has unshared; recording still works because
    // `device` was opened before, with it (the module accepts the opener's
    // privilege for VCTX_IOC_NS_SET).
    if req.hostname.is_some() && !has(libc::CLONE_NEWUTS) {
        bail!("--hostname needs a new uts namespace (--ns uts,...)");
    }
    let flags = req.create.iter().fold(0, |f, t| f | t.clone_flag);
    // SAFETY: unshare only changes this (single-threaded) process.
    if unsafe { libc::unshare(flags) } != 0 {
        bail!("{path}: cannot create namespaces: {}", errno().desc());
    }
    if has(libc::CLONE_NEWUSER) {
        map_root(&prepared.proc).context("mapping root in the new user namespace")?;
    }
    if let Some(name) = req.hostname {
        // SAFETY: the pointer and length describe `name`'s bytes.
        if unsafe { libc::sethostname(name.as_ptr().cast(), name.len()) } != 0 {
            bail!("--hostname {name}: {}", errno().desc());
        }
    }
    if has(libc::CLONE_NEWNS) {
        // Nothing mounted in the container propagates back to the host.
        let root = CString::new("/").expect("no NUL");
        // SAFETY: valid NUL-terminated path; NULL source, type and data are
        // allowed for a propagation change.
        let r = unsafe {
            libc::mount(
                std::ptr::null(),
                root.as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            )
        };
        if r != 0 {
            bail!(
                "making / private in the new mount namespace: {}",
                errno().desc()
            );
        }
    }
    let files = req
        .create
        .iter()
        .map(|t| {
            open_at(
                &prepared.proc,
                &format!("self/ns/{}", t.for_children),
                libc::O_RDONLY,
            )
            .map(|f| (*t, f))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let borrowed: Vec<_> = files.iter().map(|(t, f)| (*t, f.as_fd())).collect();
    device.ns_set(path, &borrowed)?;
    if has(libc::CLONE_NEWPID) || has(libc::CLONE_NEWTIME) {
        child = true;
    }
    Ok(if child {
        Launch::Child {
            mount_proc: has(libc::CLONE_NEWPID) && has(libc::CLONE_NEWNS),
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
        open_at(proc, &format!("self/{file}"), libc::O_WRONLY)?
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
const FORWARDED: [libc::c_int; 4] = [libc::SIGTERM, libc::SIGHUP, libc::SIGUSR1, libc::SIGUSR2];

extern "C" fn forward(sig: libc::c_int) {
    let pid = FORWARD_TO.load(Ordering::Relaxed);
    if pid > 0 {
        // SAFETY: kill(2) is async-signal-safe; `pid` is our child.
        unsafe { libc::kill(pid, sig) };
    }
}

/// From now on the signals in [`FORWARDED`] sent to this process go to
/// `pid` instead (the command: PID 1 of the container, which a signal from
/// the parent namespace reaches with its default action).
fn forward_signals_to(pid: u32) {
    FORWARD_TO.store(pid as i32, Ordering::Relaxed);
    for sig in FORWARDED {
        // SAFETY: `forward` is an async-signal-safe handler with the
        // signature signal(2) expects.
        unsafe { libc::signal(sig, forward as *const () as libc::sighandler_t) };
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
) -> anyhow::Result<()> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let child_device = Device::open_path(device.path())?;
    let child_path = path.to_owned();
    // SAFETY: the closure calls mount(2) on constant strings and one ioctl
    // on an open descriptor, and reads errno: what a single-threaded
    // program may do between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if mount_proc {
                let r = libc::mount(
                    c"proc".as_ptr(),
                    c"/proc".as_ptr(),
                    c"proc".as_ptr(),
                    libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                    std::ptr::null(),
                );
                if r != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            child_device.enter(&child_path, 0).map_err(|e| {
                std::io::Error::from_raw_os_error(e.errno().map_or(libc::EPERM, |e| e as i32))
            })
        });
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(err) if err.raw_os_error() == Some(libc::ENOMEM) => {
            bail!(
                "cannot start a process in the context's pid namespace: its init (PID 1) has exited"
            )
        }
        Err(err) => {
            return Err(ExecFailed::new(
                program.to_string_lossy().into_owned(),
                Errno::from_raw(err.raw_os_error().unwrap_or(libc::ENOEXEC)),
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
