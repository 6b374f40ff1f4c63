//! [`Device`]: an open /dev/vctx and one method per ioctl.
//!
//! Every request is zero-initialised (padding and unknown fields must be
//! zero), carries `size = size_of` its struct, and passes strings as
//! `vctx_str {ptr, len}` pointing into borrowed Rust strings that outlive the
//! ioctl.

use std::env;
use std::fs::OpenOptions;
use std::mem::size_of;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;

use crate::abi;
use crate::accounting::FinalRecord;
use crate::error::{Error, Op, Result};
use crate::ioctl;
use crate::retry::fetch_growing;
use crate::strings::{check_path, to_c_name, vstr};
use crate::types::{
    CreateOptions, Created, Entry, Info, KillReport, PidEntry, Version, WaitReport,
};

mod accounting;
pub mod cgroup;
pub mod ns;

/// Where the device node is unless [`DEVICE_ENV`] says otherwise.
pub const DEFAULT_DEVICE: &str = "/dev/vctx";
/// The environment variable naming another device node (for tests).
pub const DEVICE_ENV: &str = "VCTX_DEVICE";

/// First guesses for LIST/PIDS capacities (grown on ERANGE).
const LIST_GUESS: u32 = 64;
const TREE_GUESS: u32 = 256;
const PIDS_GUESS: u32 = 256;

/// The `size` field of a request: its struct's size.
fn size<T>() -> u32 {
    size_of::<T>() as u32
}

/// A duration in whole milliseconds, rounded up (so 1us does not become 0).
fn millis_ceil(d: Duration) -> u64 {
    u64::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}

/// An open /dev/vctx (O_RDWR | O_CLOEXEC), closed on drop.
#[derive(Debug)]
pub struct Device {
    fd: OwnedFd,
    path: PathBuf,
}

impl Device {
    /// The device node to open: `$VCTX_DEVICE` if set and non-empty, else
    /// /dev/vctx.
    pub fn default_path() -> PathBuf {
        env::var_os(DEVICE_ENV)
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from(DEFAULT_DEVICE), PathBuf::from)
    }

    /// Opens [`Device::default_path`].
    pub fn open() -> Result<Self> {
        Self::open_path(Self::default_path())
    }

    /// Opens the device node at `path`. A missing node (or one with no driver
    /// behind it) is [`Error::NotLoaded`].
    pub fn open_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        // std opens with O_CLOEXEC.
        match OpenOptions::new().read(true).write(true).open(&path) {
            Ok(file) => Ok(Device {
                fd: file.into(),
                path,
            }),
            Err(err) => {
                let errno = Errno::from_raw(err.raw_os_error().unwrap_or(libc::EIO));
                match errno {
                    Errno::ENOENT | Errno::ENXIO | Errno::ENODEV => {
                        Err(Error::NotLoaded { device: path })
                    }
                    _ => Err(Error::Open {
                        device: path,
                        errno,
                    }),
                }
            }
        }
    }

    /// A second handle on the same open file (dup): works after this
    /// process has moved to a root where the node's path means nothing, and
    /// keeps the opener's privilege (checked at open).
    pub fn try_clone(&self) -> Result<Self> {
        let fd = self.fd.try_clone().map_err(|err| Error::Open {
            device: self.path.clone(),
            errno: Errno::from_raw(err.raw_os_error().unwrap_or(libc::EIO)),
        })?;
        Ok(Device {
            fd,
            path: self.path.clone(),
        })
    }

    /// The device node this was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// VCTX_IOC_VERSION.
    pub fn version(&self) -> Result<Version> {
        let mut req = abi::vctx_version {
            size: size::<abi::vctx_version>(),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid, initialised
        // vctx_version, the type VCTX_IOC_VERSION encodes, and outlives the call.
        unsafe { ioctl::version(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::Version, self.path.display().to_string(), errno))?;
        Ok(Version {
            abi_version: req.abi_version,
            features: req.features,
            name_max: req.name_max,
            path_max: req.path_max,
            depth_max: req.depth_max,
        })
    }

    /// VCTX_IOC_CREATE: creates `path` (with `autoname`, a child of `path`).
    pub fn create(&self, path: &str, opts: CreateOptions) -> Result<Created> {
        check_path(path)?;
        let mut req = abi::vctx_create {
            size: size::<abi::vctx_create>(),
            flags: opts.flags(),
            path: vstr(path),
            ctx_flags: opts.ctx_flags(),
            caps: opts.caps.unwrap_or(0),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_create
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::create(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::Create, path, errno))?;
        Ok(Created {
            id: req.id,
            name: crate::strings::from_c_name(&req.name),
        })
    }

    /// VCTX_IOC_DESTROY: destroys an empty context with no children.
    pub fn destroy(&self, path: &str) -> Result<()> {
        check_path(path)?;
        let req = abi::vctx_destroy {
            size: size::<abi::vctx_destroy>(),
            path: vstr(path),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_destroy
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::destroy(self.fd(), &req) }
            .map_err(|errno| self.failed(Op::Destroy, path, errno))?;
        Ok(())
    }

    /// VCTX_IOC_RENAME: renames `path` to `new_name` within its parent.
    pub fn rename(&self, path: &str, new_name: &str) -> Result<()> {
        check_path(path)?;
        let mut req = abi::vctx_rename {
            size: size::<abi::vctx_rename>(),
            path: vstr(path),
            ..Default::default()
        };
        to_c_name(new_name, &mut req.new_name)?;
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_rename
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::rename(self.fd(), &req) }
            .map_err(|errno| self.failed(Op::Rename, path, errno))?;
        Ok(())
    }

    /// VCTX_IOC_LIST: the context at `path` (depth 0) and its children, or
    /// with `recursive` its whole subtree in pre-order.
    pub fn list(&self, path: &str, recursive: bool) -> Result<Vec<Entry>> {
        check_path(path)?;
        let (flags, guess) = if recursive {
            (abi::VCTX_LIST_RECURSIVE, TREE_GUESS)
        } else {
            (0, LIST_GUESS)
        };
        let raw = fetch_growing(guess, |buf: &mut [abi::vctx_entry]| {
            let mut req = abi::vctx_list {
                size: size::<abi::vctx_list>(),
                flags,
                path: vstr(path),
                entries: buf.as_mut_ptr() as u64,
                entry_size: size::<abi::vctx_entry>(),
                capacity: buf.len() as u32,
                ..Default::default()
            };
            // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_list;
            // path points at `path` and entries at `buf`, which holds
            // `capacity` vctx_entry of `entry_size` bytes; both outlive the call.
            let res = unsafe { ioctl::list(self.fd(), &mut req) };
            (res.map(drop), req.count)
        })
        .map_err(|errno| self.failed(Op::List, path, errno))?;
        Ok(raw.iter().map(Entry::from).collect())
    }

    /// VCTX_IOC_INFO by path.
    pub fn info(&self, path: &str) -> Result<Info> {
        check_path(path)?;
        self.info_request(0, vstr(path), 0, || path.to_owned())
    }

    /// VCTX_IOC_INFO of the context of process `pid` (0: the caller).
    pub fn info_by_pid(&self, pid: i32) -> Result<Info> {
        self.info_request(abi::VCTX_INFO_BY_PID, abi::vctx_str::default(), pid, || {
            pid_subject(pid)
        })
    }

    fn info_request(
        &self,
        flags: u32,
        path: abi::vctx_str,
        pid: i32,
        subject: impl Fn() -> String,
    ) -> Result<Info> {
        let mut buf = vec![0u8; abi::VCTX_PATH_MAX as usize + 1];
        let mut tries = 0;
        loop {
            let mut req = abi::vctx_info {
                size: size::<abi::vctx_info>(),
                flags,
                path,
                pid,
                path_buf: buf.as_mut_ptr() as u64,
                path_buf_len: buf.len() as u32,
                ..Default::default()
            };
            // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_info;
            // its path (if any) points at a string the caller borrows for
            // this call, and path_buf at `buf` of path_buf_len bytes.
            match unsafe { ioctl::info(self.fd(), &mut req) } {
                Ok(_) => {
                    let len = (req.path_len as usize).min(buf.len());
                    let text = buf[..len].strip_suffix(&[0]).unwrap_or(&buf[..len]);
                    return Ok(Info {
                        path: String::from_utf8_lossy(text).into_owned(),
                        entry: Entry::from(&req.entry),
                    });
                }
                // A path longer than the ABI allows; take the module's word.
                Err(Errno::ERANGE) if tries == 0 && req.path_len as usize >= buf.len() => {
                    buf.resize(req.path_len as usize + 1, 0);
                    tries += 1;
                }
                Err(errno) => return Err(self.failed(Op::Info, subject(), errno)),
            }
        }
    }

    /// VCTX_IOC_ENTER: moves process `pid` (0: the caller) into `path`.
    pub fn enter(&self, path: &str, pid: i32) -> Result<()> {
        check_path(path)?;
        let req = abi::vctx_enter {
            size: size::<abi::vctx_enter>(),
            path: vstr(path),
            pid,
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_enter
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::enter(self.fd(), &req) }.map_err(|errno| {
            let subject = if errno == Errno::ESRCH {
                pid_subject(pid)
            } else {
                path.to_owned()
            };
            self.failed(Op::Enter, subject, errno)
        })?;
        Ok(())
    }

    /// VCTX_IOC_PIDS: the member processes of `path` (and, `recursive`, of
    /// its subtree).
    pub fn pids(&self, path: &str, recursive: bool) -> Result<Vec<PidEntry>> {
        check_path(path)?;
        let flags = if recursive {
            abi::VCTX_LIST_RECURSIVE
        } else {
            0
        };
        let raw = fetch_growing(PIDS_GUESS, |buf: &mut [abi::vctx_pid_entry]| {
            let mut req = abi::vctx_pids {
                size: size::<abi::vctx_pids>(),
                flags,
                path: vstr(path),
                entries: buf.as_mut_ptr() as u64,
                entry_size: size::<abi::vctx_pid_entry>(),
                capacity: buf.len() as u32,
                ..Default::default()
            };
            // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_pids;
            // path points at `path` and entries at `buf`, which holds
            // `capacity` vctx_pid_entry; both outlive the call.
            let res = unsafe { ioctl::pids(self.fd(), &mut req) };
            (res.map(drop), req.count)
        })
        .map_err(|errno| self.failed(Op::Pids, path, errno))?;
        Ok(raw.iter().map(PidEntry::from).collect())
    }

    /// VCTX_IOC_KILL: sends `signal` to the subtree of `path`; with
    /// `escalate = Some((then, grace))`, waits up to `grace` for it to empty
    /// and then sends `then` to what is left.
    pub fn kill(
        &self,
        path: &str,
        signal: u32,
        escalate: Option<(u32, Duration)>,
    ) -> Result<KillReport> {
        check_path(path)?;
        let (then_signal, grace_ms) =
            escalate.map_or((0, 0), |(sig, grace)| (sig, millis_ceil(grace)));
        let mut req = abi::vctx_kill {
            size: size::<abi::vctx_kill>(),
            path: vstr(path),
            signal,
            then_signal,
            grace_ms,
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_kill
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::kill(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::Kill, path, errno))?;
        Ok(KillReport {
            signalled: req.signalled,
            escalated: req.escalated,
        })
    }

    /// VCTX_IOC_WAIT: blocks until the subtree of `path` has no members, or
    /// `timeout` passes (ETIMEDOUT); `None` waits for ever. The final record
    /// is only meaningful if the module has VCTX_FEAT_ACCOUNTING (an older
    /// module leaves it zero).
    pub fn wait(&self, path: &str, timeout: Option<Duration>) -> Result<WaitReport> {
        check_path(path)?;
        let mut req = abi::vctx_wait {
            size: size::<abi::vctx_wait>(),
            path: vstr(path),
            timeout_ms: timeout.map_or(u64::MAX, millis_ceil),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_wait
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::wait(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::Wait, path, errno))?;
        Ok(WaitReport {
            id: req.id,
            lifetime_ns: req.lifetime_ns,
            total_processes: req.total_processes,
            record: FinalRecord::from_wait(&req),
            reason: req.reason,
        })
    }

    /// VCTX_IOC_SET_CAPS: gives `path` the capability mask `caps`; returns
    /// the mask it had.
    pub fn set_caps(&self, path: &str, caps: u64) -> Result<u64> {
        check_path(path)?;
        let mut req = abi::vctx_set_caps {
            size: size::<abi::vctx_set_caps>(),
            path: vstr(path),
            caps,
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_set_caps
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::set_caps(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::SetCaps, path, errno))?;
        Ok(req.old_caps)
    }

    fn failed(&self, op: Op, subject: impl Into<String>, errno: Errno) -> Error {
        Error::Ioctl {
            op,
            subject: subject.into(),
            errno,
        }
    }
}

/// How errors name a process.
fn pid_subject(pid: i32) -> String {
    if pid == 0 {
        "this process".to_owned()
    } else {
        format!("pid {pid}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_device_is_not_loaded() {
        let err = Device::open_path("/nonexistent/vctx").unwrap_err();
        assert!(matches!(err, Error::NotLoaded { .. }), "{err:?}");
    }

    #[test]
    fn other_open_errors_name_the_device() {
        // A directory cannot be opened for writing.
        let err = Device::open_path("/").unwrap_err();
        assert_eq!(err.to_string(), "/: is a directory");
    }

    #[test]
    fn millis_round_up() {
        assert_eq!(millis_ceil(Duration::ZERO), 0);
        assert_eq!(millis_ceil(Duration::from_micros(1)), 1);
        assert_eq!(millis_ceil(Duration::from_millis(1500)), 1500);
        assert_eq!(millis_ceil(Duration::MAX), u64::MAX);
    }
}
