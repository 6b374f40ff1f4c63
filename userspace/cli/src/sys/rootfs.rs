//! `vctx exec --root DIR` (and guests): a root file system of its own for a
//! context's first process, in its new mount namespace.
//!
//! [`check`] refuses a bad DIR before anything is created: relative,
//! missing, not a directory, the caller's own `/`, or without the program.
//! [`RootSetup::enter`] runs in the process that becomes the command (PID 1
//! of a new pid namespace: only a process inside it can mount its /proc),
//! before it enters the context (entering trims its capabilities):
//! DIR bind-mounted onto itself, a fresh /proc (filtered and virtualized by
//! the module as any /proc), /sys read-only, a minimal /dev (a tmpfs with
//! the host's null, zero, full, random, urandom and tty bind-mounted in, a
//! devpts instance of its own for ptmx, a tmpfs on /dev/shm: no mknod, no
//! other host device), then `pivot_root` and the old root detached. The
//! mounts live in the new mount namespace only: nothing is left on the host,
//! whatever fails.

use std::ffi::{CString, OsStr};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::bail;
use nix::errno::Errno;
use nix::fcntl::{OFlag, OpenHow, ResolveFlag, openat2};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sys::stat::{Mode, fstat};
use nix::unistd::{chdir, pivot_root};

/// Where a program without a '/' is looked for when PATH is unset.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The host device nodes a root gets (bind-mounted: the default capability
/// mask has no MKNOD).
const DEVICES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

/// Checks `dir` as a root for `program` and returns its canonical path.
pub fn check(dir: &Path, program: &OsStr) -> anyhow::Result<PathBuf> {
    let shown = dir.display();
    if !dir.is_absolute() {
        bail!("--root {shown}: not an absolute path");
    }
    let canon = match std::fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("--root {shown}: no such directory")
        }
        Err(e) => bail!("--root {shown}: {e}"),
    };
    let meta = std::fs::metadata(&canon).map_err(|e| anyhow::anyhow!("--root {shown}: {e}"))?;
    if !meta.is_dir() {
        bail!("--root {shown}: not a directory");
    }
    let host = std::fs::metadata("/").map_err(|e| anyhow::anyhow!("/: {e}"))?;
    if (meta.dev(), meta.ino()) == (host.dev(), host.ino()) {
        bail!(
            "--root {shown}: that is this system's own root directory; give it a root of its own"
        );
    }
    let root = std::fs::File::open(&canon).map_err(|e| anyhow::anyhow!("--root {shown}: {e}"))?;
    if find_program(&root, program).is_none() {
        let name = program.to_string_lossy();
        if program.as_bytes().contains(&b'/') {
            bail!("--root {shown}: it has no executable {name}");
        }
        bail!(
            "--root {shown}: it has no executable {name} in {}",
            search_path()
        );
    }
    Ok(canon)
}

/// The PATH a program name is searched in (the caller's, as execvp does).
fn search_path() -> String {
    std::env::var("PATH").unwrap_or_else(|_| DEFAULT_PATH.to_owned())
}

/// The path of `program` inside the root open as `root`, resolved as if
/// `root` were `/` (absolute symbolic links included), if it is an
/// executable file there.
fn find_program(root: &impl AsFd, program: &OsStr) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = if program.as_bytes().contains(&b'/') {
        vec![PathBuf::from(program)]
    } else {
        search_path()
            .split(':')
            .filter(|d| d.starts_with('/'))
            .map(|d| Path::new(d).join(program))
            .collect()
    };
    candidates.into_iter().find(|c| {
        let how = OpenHow::new()
            .flags(OFlag::O_PATH | OFlag::O_CLOEXEC)
            .resolve(ResolveFlag::RESOLVE_IN_ROOT);
        openat2(root.as_fd(), c.as_path(), how)
            .and_then(|fd| fstat(&fd))
            .is_ok_and(|st| {
                (st.st_mode & nix::libc::S_IFMT) == nix::libc::S_IFREG && st.st_mode & 0o111 != 0
            })
    })
}

/// The mounts to make and the root to pivot into, prepared (strings
/// allocated) before the fork.
#[derive(Debug, Clone)]
pub struct RootSetup {
    root: PathBuf,
    /// Mount a fresh /proc (the process is PID 1 of a new pid namespace, or
    /// in the caller's).
    pub mount_proc: bool,
    /// The terminal to show as /dev/console (the caller's, if stdin is one).
    console: Option<PathBuf>,
    /// The caller's cgroup namespace: one the process is in by the time it
    /// enters the root is its own, mounted at /sys/fs/cgroup.
    caller_cgroup_ns: Option<PathBuf>,
}

impl RootSetup {
    pub fn new(root: PathBuf) -> Self {
        let console = std::io::IsTerminal::is_terminal(&std::io::stdin())
            .then(|| std::fs::read_link("/proc/self/fd/0").ok())
            .flatten()
            .filter(|p| p.starts_with("/dev/"));
        RootSetup {
            root,
            mount_proc: true,
            console,
            caller_cgroup_ns: std::fs::read_link("/proc/self/ns/cgroup").ok(),
        }
    }

    /// The directory `rel` ("proc", "dev/pts") below the new root.
    fn at(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Makes the mounts and pivots into the root. The caller is in its new
    /// mount namespace (made private), still with its privileges.
    pub fn enter(&self) -> anyhow::Result<()> {
        let none: Option<&str> = None;
        let step = |what: &str, r: nix::Result<()>| {
            r.map_err(|e| anyhow::anyhow!("--root {}: {what}: {}", self.root.display(), e.desc()))
        };
        step(
            "binding it onto itself",
            mount(
                Some(&self.root),
                &self.root,
                none,
                MsFlags::MS_BIND | MsFlags::MS_REC,
                none,
            ),
        )?;
        let nosuid = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
        for dir in ["proc", "sys", "dev"] {
            mkdir(&self.at(dir), 0o755).map_err(|e| {
                anyhow::anyhow!("--root {}: /{dir}: {}", self.root.display(), e.desc())
            })?;
        }
        if self.mount_proc {
            step(
                "mounting /proc",
                mount(Some("proc"), &self.at("proc"), Some("proc"), nosuid, none),
            )?;
        }
        // sysfs of its own (its network namespace's devices), read-only;
        // where the kernel refuses one (a user namespace without a network
        // namespace of its own), the host's, read-only.
        let sys = self.at("sys");
        if mount(
            Some("sysfs"),
            &sys,
            Some("sysfs"),
            nosuid | MsFlags::MS_RDONLY,
            none,
        )
        .is_err()
        {
            step(
                "binding /sys",
                mount(
                    Some("/sys"),
                    &sys,
                    none,
                    MsFlags::MS_BIND | MsFlags::MS_REC,
                    none,
                ),
            )?;
            step(
                "making /sys read-only",
                mount(
                    none,
                    &sys,
                    none,
                    MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | nosuid,
                    none,
                ),
            )?;
        }
        self.mount_cgroup()?;
        self.make_dev()?;
        step("chdir", chdir(&self.root))?;
        step("pivot_root", pivot_root(".", "."))?;
        step("detaching the old root", umount2(".", MntFlags::MNT_DETACH))?;
        step("chdir /", chdir("/"))?;
        Ok(())
    }

    /// In a cgroup namespace of its own (the context's cgroup at its root:
    /// `Documentation/cgroups.rst`), a cgroup2 mount at /sys/fs/cgroup, as
    /// `systemd-nspawn` gives a container: systemd will not boot without
    /// one, and a guest's root may not mount it itself unless its user
    /// namespace owns the cgroup namespace. Left out where the kernel
    /// refuses it (EPERM: a cgroup namespace made before the user
    /// namespace, owned by the host's); the hooks hold either way.
    fn mount_cgroup(&self) -> anyhow::Result<()> {
        let now = std::fs::read_link("/proc/self/ns/cgroup").ok();
        if now.is_none() || now == self.caller_cgroup_ns {
            return Ok(());
        }
        let none: Option<&str> = None;
        let nosuid = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
        match mount(
            Some("cgroup2"),
            &self.at("sys/fs/cgroup"),
            Some("cgroup2"),
            nosuid,
            none,
        ) {
            Ok(()) | Err(Errno::EPERM) => Ok(()),
            Err(e) => bail!(
                "--root {}: mounting /sys/fs/cgroup: {}",
                self.root.display(),
                e.desc()
            ),
        }
    }

    /// The minimal /dev: a small tmpfs, the host's harmless nodes bound in,
    /// devpts (a new instance) with ptmx, a tmpfs for /dev/shm.
    fn make_dev(&self) -> anyhow::Result<()> {
        let none: Option<&str> = None;
        let dev = self.at("dev");
        let err = |what: &str, e: Errno| {
            anyhow::anyhow!("--root {}: /dev: {what}: {}", self.root.display(), e.desc())
        };
        mount(
            Some("tmpfs"),
            &dev,
            Some("tmpfs"),
            MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
            Some("mode=755,size=64k,nr_inodes=64"),
        )
        .map_err(|e| err("tmpfs", e))?;
        let mut nodes: Vec<(PathBuf, String)> = DEVICES
            .iter()
            .map(|n| (PathBuf::from(format!("/dev/{n}")), (*n).to_owned()))
            .collect();
        if let Some(tty) = &self.console {
            nodes.push((tty.clone(), "console".to_owned()));
        }
        for (host, name) in nodes {
            let target = dev.join(&name);
            std::fs::File::create(&target).map_err(|e| {
                err(
                    &name,
                    Errno::from_raw(e.raw_os_error().unwrap_or(Errno::EIO as i32)),
                )
            })?;
            mount(Some(&host), &target, none, MsFlags::MS_BIND, none)
                .map_err(|e| err(&format!("binding {}", host.display()), e))?;
        }
        let pts = dev.join("pts");
        mkdir(&pts, 0o755).map_err(|e| err("pts", e))?;
        mount(
            Some("devpts"),
            &pts,
            Some("devpts"),
            MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
            Some("newinstance,ptmxmode=0666,mode=0620"),
        )
        .map_err(|e| err("devpts", e))?;
        let shm = dev.join("shm");
        mkdir(&shm, 0o1777).map_err(|e| err("shm", e))?;
        mount(
            Some("shm"),
            &shm,
            Some("tmpfs"),
            MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
            Some("mode=1777"),
        )
        .map_err(|e| err("shm tmpfs", e))?;
        for (link, to) in [
            ("ptmx", "pts/ptmx"),
            ("fd", "/proc/self/fd"),
            ("stdin", "/proc/self/fd/0"),
            ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        ] {
            std::os::unix::fs::symlink(to, dev.join(link)).map_err(|e| {
                err(
                    link,
                    Errno::from_raw(e.raw_os_error().unwrap_or(Errno::EIO as i32)),
                )
            })?;
        }
        Ok(())
    }
}

/// mkdir(2) with `mode`, an existing directory being fine.
fn mkdir(path: &Path, mode: u32) -> nix::Result<()> {
    let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| Errno::EINVAL)?;
    match nix::unistd::mkdir(c.as_c_str(), Mode::from_bits_truncate(mode)) {
        Ok(()) | Err(Errno::EEXIST) => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_roots() {
        let err = |d: &str| {
            check(Path::new(d), OsStr::new("sh"))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err("rel/dir"), "--root rel/dir: not an absolute path");
        assert_eq!(
            err("/no/such/dir/x"),
            "--root /no/such/dir/x: no such directory"
        );
        assert!(err("/").contains("this system's own root directory"));
        let tmp = std::env::temp_dir().join(format!("vctx-rootfs-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("bin")).unwrap();
        let file = tmp.join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(err(file.to_str().unwrap()).ends_with("not a directory"));
        let d = tmp.to_str().unwrap();
        assert!(err(d).contains("it has no executable sh in"));
        // An absolute symbolic link resolves inside the root, not on the host.
        std::os::unix::fs::symlink("/bin/real", tmp.join("bin/sh")).unwrap();
        assert!(check(&tmp, OsStr::new("/bin/sh")).is_err());
        std::fs::write(tmp.join("bin/real"), "#!/bin/sh\n").unwrap();
        assert!(
            check(&tmp, OsStr::new("/bin/sh")).is_err(),
            "not executable"
        );
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.join("bin/real"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        assert!(check(&tmp, OsStr::new("/bin/sh")).is_ok());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
