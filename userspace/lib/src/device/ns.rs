//! Contexts as containers (issue 7): flags, seal and the namespaces a
//! context holds. [`Device`] methods for VCTX_IOC_SET_FLAGS, SEAL, NS_SET,
//! NS_GET and NS_OPEN, and the namespace types.

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::{Device, size};
use crate::abi;
use crate::error::{Error, Op, Result};
use crate::ioctl;
use crate::strings::{check_path, vstr};

/// One namespace type a context can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NsType {
    /// `VCTX_NS_*`: the index into the ABI's arrays.
    pub index: u32,
    /// Its name on the command line and in `/proc/PID/ns` ("uts", "mnt", ...).
    pub name: &'static str,
    /// The `/proc/PID/ns` file of the namespace the process's children get
    /// (differs from `name` for pid and time, whose unshare only affects
    /// children).
    pub for_children: &'static str,
    /// Its `CLONE_NEW*` flag.
    pub clone_flag: i32,
}

/// Every type, in the order namespaces are joined (as nsenter does: the
/// user namespace first, the mount namespace late, pid and time last).
pub const NS_TYPES: [NsType; abi::VCTX_NS_COUNT as usize] = [
    ty(abi::VCTX_NS_USER, "user", "user", libc::CLONE_NEWUSER),
    ty(
        abi::VCTX_NS_CGROUP,
        "cgroup",
        "cgroup",
        libc::CLONE_NEWCGROUP,
    ),
    ty(abi::VCTX_NS_IPC, "ipc", "ipc", libc::CLONE_NEWIPC),
    ty(abi::VCTX_NS_UTS, "uts", "uts", libc::CLONE_NEWUTS),
    ty(abi::VCTX_NS_NET, "net", "net", libc::CLONE_NEWNET),
    ty(
        abi::VCTX_NS_PID,
        "pid",
        "pid_for_children",
        libc::CLONE_NEWPID,
    ),
    ty(abi::VCTX_NS_MNT, "mnt", "mnt", libc::CLONE_NEWNS),
    ty(
        abi::VCTX_NS_TIME,
        "time",
        "time_for_children",
        libc::CLONE_NEWTIME,
    ),
];

const fn ty(index: u32, name: &'static str, for_children: &'static str, clone_flag: i32) -> NsType {
    NsType {
        index,
        name,
        for_children,
        clone_flag,
    }
}

impl NsType {
    /// The type called `name` ("uts", "ipc", "pid", "net", "mnt", "user",
    /// "cgroup", "time").
    pub fn by_name(name: &str) -> Option<NsType> {
        NS_TYPES.iter().copied().find(|t| t.name == name)
    }

    /// The type of `VCTX_NS_*` index `index`.
    pub fn by_index(index: u32) -> Option<NsType> {
        NS_TYPES.iter().copied().find(|t| t.index == index)
    }

    /// Its bit in a `1 << VCTX_NS_*` mask.
    pub fn bit(self) -> u32 {
        1 << self.index
    }
}

/// The namespaces of a context (VCTX_IOC_NS_GET).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Namespaces {
    /// Types the context holds itself (`1 << VCTX_NS_*`).
    pub own: u32,
    /// Types in effect: its own and those inherited from an ancestor.
    pub mask: u32,
    /// Inode number of each type in `mask`, by `VCTX_NS_*` index.
    pub ino: [u64; abi::VCTX_NS_COUNT as usize],
    /// The id of the context holding each.
    pub holder: [u64; abi::VCTX_NS_COUNT as usize],
}

impl Namespaces {
    /// The types in effect, in join order, with their inode numbers and
    /// whether the context holds them itself.
    pub fn entries(&self) -> Vec<(NsType, u64, bool)> {
        NS_TYPES
            .iter()
            .filter(|t| self.mask & t.bit() != 0)
            .map(|t| (*t, self.ino[t.index as usize], self.own & t.bit() != 0))
            .collect()
    }
}

impl Device {
    /// VCTX_IOC_SET_FLAGS: sets and clears VCTX_CTX_SETTABLE flags of
    /// `path`; returns its flags afterwards.
    pub fn set_flags(&self, path: &str, set: u32, clear: u32) -> Result<u32> {
        check_path(path)?;
        let mut req = abi::vctx_set_flags {
            size: size::<abi::vctx_set_flags>(),
            path: vstr(path),
            set,
            clear,
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_set_flags
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::set_flags(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::SetFlags, path, errno))?;
        Ok(req.ctx_flags)
    }

    /// VCTX_IOC_SEAL: ends the setup phase of `path`; returns its id.
    pub fn seal(&self, path: &str) -> Result<u64> {
        check_path(path)?;
        let mut req = abi::vctx_seal {
            size: size::<abi::vctx_seal>(),
            path: vstr(path),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_seal
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::seal(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::Seal, path, errno))?;
        Ok(req.id)
    }

    /// VCTX_IOC_NS_SET: records the namespace files `files` (type, open
    /// /proc/PID/ns file) on `path`.
    pub fn ns_set(&self, path: &str, files: &[(NsType, BorrowedFd<'_>)]) -> Result<()> {
        check_path(path)?;
        let mut req = abi::vctx_ns_set {
            size: size::<abi::vctx_ns_set>(),
            path: vstr(path),
            ..Default::default()
        };
        for (t, fd) in files {
            req.mask |= t.bit();
            req.fds[t.index as usize] = fd.as_raw_fd();
        }
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_ns_set
        // whose path points at `path`, and whose fds are open for the call
        // (borrowed).
        unsafe { ioctl::ns_set(self.fd(), &req) }
            .map_err(|errno| self.failed(Op::NsSet, path, errno))?;
        Ok(())
    }

    /// VCTX_IOC_NS_GET: the namespaces `path` holds or inherits.
    pub fn ns_get(&self, path: &str) -> Result<Namespaces> {
        check_path(path)?;
        let mut req = abi::vctx_ns_get {
            size: size::<abi::vctx_ns_get>(),
            path: vstr(path),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_ns_get
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::ns_get(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::NsGet, path, errno))?;
        Ok(Namespaces {
            own: req.own,
            mask: req.mask,
            ino: req.ino,
            holder: req.holder,
        })
    }

    /// VCTX_IOC_NS_OPEN: a close-on-exec fd for the namespace of type `t`
    /// that `path` is in, and its inode number.
    pub fn ns_open(&self, path: &str, t: NsType) -> Result<(OwnedFd, u64)> {
        check_path(path)?;
        let mut req = abi::vctx_ns_open {
            size: size::<abi::vctx_ns_open>(),
            path: vstr(path),
            type_: t.index,
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_ns_open
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::ns_open(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::NsOpen, format!("{path} ({})", t.name), errno))?;
        if req.fd < 0 {
            return Err(Error::Invalid {
                subject: path.to_owned(),
                what: format!("the module returned fd {}", req.fd),
            });
        }
        // SAFETY: on success the module installed a new fd in our table
        // that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(req.fd) };
        Ok((fd, req.ino))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_cover_every_index_once() {
        let mut seen = 0u32;
        for t in NS_TYPES {
            assert_eq!(seen & t.bit(), 0, "{} twice", t.name);
            seen |= t.bit();
            assert_eq!(NsType::by_name(t.name), Some(t));
            assert_eq!(NsType::by_index(t.index), Some(t));
        }
        assert_eq!(seen, abi::VCTX_NS_ALL);
        assert_eq!(NS_TYPES[0].name, "user");
        assert_eq!(
            NsType::by_name("pid").unwrap().for_children,
            "pid_for_children"
        );
        assert_eq!(NsType::by_name("mount"), None);
    }

    #[test]
    fn entries_in_join_order() {
        let mut n = Namespaces::default();
        for t in ["uts", "mnt", "user"] {
            let t = NsType::by_name(t).unwrap();
            n.mask |= t.bit();
            n.ino[t.index as usize] = 4_026_531_000 + u64::from(t.index);
        }
        n.own = NsType::by_name("uts").unwrap().bit();
        let names: Vec<_> = n
            .entries()
            .iter()
            .map(|(t, _, own)| (t.name, *own))
            .collect();
        assert_eq!(names, [("user", false), ("uts", true), ("mnt", false)]);
    }
}
