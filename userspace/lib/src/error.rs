//! Errors: what was being done, on what, and the errno the module returned.

use std::path::PathBuf;

use nix::errno::Errno;

/// The result of a [`crate::Device`] call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The request that failed; it decides how an errno is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Version,
    Create,
    Destroy,
    Rename,
    List,
    Info,
    Enter,
    Pids,
    Kill,
    Wait,
    Stat,
    Snapshot,
    SetLimit,
    Checkpoint,
    /// read() or poll() of event records.
    Events,
    SetFlags,
    Seal,
    NsSet,
    NsGet,
    NsOpen,
    SetCaps,
    CgroupSet,
    CgroupGet,
}

impl Op {
    /// The lower-case name of the request ("create", "list", ...).
    pub fn name(self) -> &'static str {
        match self {
            Op::Version => "version",
            Op::Create => "create",
            Op::Destroy => "destroy",
            Op::Rename => "rename",
            Op::List => "list",
            Op::Info => "info",
            Op::Enter => "enter",
            Op::Pids => "pids",
            Op::Kill => "kill",
            Op::Wait => "wait",
            Op::Stat => "stat",
            Op::Snapshot => "snapshot",
            Op::SetLimit => "set limit",
            Op::Checkpoint => "checkpoint",
            Op::Events => "events",
            Op::SetFlags => "set flags",
            Op::Seal => "seal",
            Op::NsSet => "record namespaces",
            Op::NsGet => "namespaces",
            Op::NsOpen => "open namespace",
            Op::SetCaps => "set capabilities",
            Op::CgroupSet => "bind cgroup",
            Op::CgroupGet => "cgroup",
        }
    }

    /// Whether the request always needs CAP_SYS_ADMIN (enter only does for
    /// another process, so it is explained apart).
    fn needs_admin(self) -> bool {
        matches!(
            self,
            Op::Create
                | Op::Destroy
                | Op::Rename
                | Op::Kill
                | Op::SetLimit
                | Op::Seal
                | Op::NsOpen
                | Op::CgroupSet
        )
    }
}

/// Everything a [`crate::Device`] call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The device node does not exist (or has no driver behind it).
    #[error("module not loaded: run 'insmod vctx.ko' (or 'modprobe vctx')")]
    NotLoaded { device: PathBuf },
    /// The device exists but could not be opened.
    #[error("{}: {}", device.display(), describe_errno(*errno))]
    Open { device: PathBuf, errno: Errno },
    /// An ioctl failed. `subject` is the path (or "pid N") it was about.
    #[error("{subject}: {}", reason(*op, *errno))]
    Ioctl {
        op: Op,
        subject: String,
        errno: Errno,
    },
    /// An argument was refused before asking the module.
    #[error("{subject}: {what}")]
    Invalid { subject: String, what: String },
}

impl Error {
    /// The errno behind the error, if the module (or open) returned one.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Error::NotLoaded { .. } => Some(Errno::ENOENT),
            Error::Open { errno, .. } | Error::Ioctl { errno, .. } => Some(*errno),
            Error::Invalid { .. } => None,
        }
    }
}

/// Explains `errno` as returned by `op`, in the words of the ABI.
pub fn reason(op: Op, errno: Errno) -> String {
    let text = match errno {
        Errno::ENOENT => "no such context (see 'vctx ls')",
        Errno::EEXIST => "already exists",
        Errno::EBUSY if op == Op::NsSet => "the context already holds a namespace of that type",
        Errno::EBUSY if op == Op::CgroupSet => {
            "some member or bound child context is not in that cgroup (move them first)"
        }
        Errno::EINVAL if op == Op::CgroupSet => {
            "not a cgroup v2 directory within its parent context's cgroup"
        }
        Errno::EBADF if op == Op::CgroupSet => "not a cgroup v2 directory",
        Errno::ENODATA if op == Op::CgroupGet => "the context is in no cgroup (see 'vctx limit')",
        Errno::EXDEV if op == Op::Enter => {
            "the process is not in the context's cgroup (move it there first)"
        }
        Errno::EBUSY => "context is busy (it has members or children)",
        Errno::EPERM | Errno::EACCES if op == Op::Enter => {
            "not permitted (a process may only move down into its own context's subtree; \
             moving another process needs CAP_SYS_ADMIN)"
        }
        Errno::EPERM | Errno::EACCES if matches!(op, Op::SetFlags | Op::NsSet) => {
            "permission denied (needs CAP_SYS_ADMIN; inside a sealed context only its \
             ancestors can loosen it)"
        }
        Errno::EPERM | Errno::EACCES if op == Op::SetCaps => {
            "not permitted (needs CAP_SYS_ADMIN from outside the context; the mask must be \
             within the parent's, and a sealed context's is frozen)"
        }
        Errno::EINVAL if op == Op::SetCaps => "capability unknown to the kernel",
        Errno::ENODATA if op == Op::NsOpen => "the context has no namespace of that type",
        Errno::EPERM | Errno::EACCES if op.needs_admin() => {
            "permission denied (needs CAP_SYS_ADMIN)"
        }
        Errno::EPERM | Errno::EACCES => "permission denied",
        Errno::EINVAL if op == Op::Events => {
            "the module has no limit events (is it older than this tool?)"
        }
        Errno::EINVAL => "invalid name or argument",
        Errno::EAGAIN => "context is being killed or at a limit",
        Errno::ETIMEDOUT => "timed out",
        Errno::ESRCH => "no such process",
        Errno::EINTR => "interrupted",
        Errno::ENAMETOOLONG => "name or path too long",
        Errno::E2BIG => "request not understood by the module (is it older than this tool?)",
        Errno::ENOTTY | Errno::EOPNOTSUPP => {
            "request not supported by the module (is it older than this tool?)"
        }
        Errno::ERANGE => "the result kept growing while it was read; try again",
        Errno::ENOSPC if op == Op::Checkpoint => {
            "too many checkpoints on this open file (at most VCTX_CHECKPOINTS_MAX)"
        }
        _ => return describe_errno(errno),
    };
    text.to_owned()
}

/// strerror, starting lower-case as the rest of the messages do.
pub fn describe_errno(errno: Errno) -> String {
    let desc = errno.desc();
    let mut chars = desc.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => format!("error {}", errno as i32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ioctl(op: Op, subject: &str, errno: Errno) -> String {
        Error::Ioctl {
            op,
            subject: subject.into(),
            errno,
        }
        .to_string()
    }

    #[test]
    fn messages_name_the_path_and_reason() {
        assert_eq!(
            ioctl(Op::Info, "/web", Errno::ENOENT),
            "/web: no such context (see 'vctx ls')"
        );
        assert_eq!(
            ioctl(Op::Destroy, "/web", Errno::EBUSY),
            "/web: context is busy (it has members or children)"
        );
        assert_eq!(
            ioctl(Op::Destroy, "/web", Errno::EPERM),
            "/web: permission denied (needs CAP_SYS_ADMIN)"
        );
        assert_eq!(ioctl(Op::Create, "/a", Errno::EEXIST), "/a: already exists");
        assert_eq!(ioctl(Op::Wait, "/a", Errno::ETIMEDOUT), "/a: timed out");
        assert_eq!(
            ioctl(Op::Enter, "pid 7", Errno::ESRCH),
            "pid 7: no such process"
        );
        assert!(ioctl(Op::Enter, "/a", Errno::EPERM).contains("only move down"));
        assert_eq!(ioctl(Op::List, "/", Errno::EPERM), "/: permission denied");
        assert_eq!(
            ioctl(Op::SetLimit, "/a", Errno::EPERM),
            "/a: permission denied (needs CAP_SYS_ADMIN)"
        );
        assert_eq!(
            ioctl(Op::Events, "/dev/vctx", Errno::EINVAL),
            "/dev/vctx: the module has no limit events (is it older than this tool?)"
        );
        assert_eq!(
            ioctl(Op::Stat, "/a", Errno::ENOTTY),
            "/a: request not supported by the module (is it older than this tool?)"
        );
        assert_eq!(
            ioctl(Op::Kill, "/a", Errno::EAGAIN),
            "/a: context is being killed or at a limit"
        );
        assert_eq!(
            ioctl(Op::Create, "/a b", Errno::EINVAL),
            "/a b: invalid name or argument"
        );
    }

    #[test]
    fn not_loaded_message() {
        let e = Error::NotLoaded {
            device: "/dev/vctx".into(),
        };
        assert_eq!(
            e.to_string(),
            "module not loaded: run 'insmod vctx.ko' (or 'modprobe vctx')"
        );
        assert_eq!(e.errno(), Some(Errno::ENOENT));
    }

    #[test]
    fn other_errnos_use_strerror() {
        assert_eq!(reason(Op::List, Errno::EFAULT), "bad address");
        let e = Error::Open {
            device: "/dev/vctx".into(),
            errno: Errno::EACCES,
        };
        assert_eq!(e.to_string(), "/dev/vctx: permission denied");
    }
}
