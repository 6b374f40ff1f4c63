//! Contexts bound to cgroup v2 (issue 13): [`Device`] methods for
//! VCTX_IOC_CGROUP_SET and CGROUP_GET.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::{Device, size};
use crate::abi;
use crate::error::{Op, Result};
use crate::ioctl;
use crate::strings::{check_path, vstr};

/// The cgroup a context is in (VCTX_IOC_CGROUP_GET).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupBinding {
    /// The cgroup's path below the caller's cgroup namespace root
    /// ("/vctx/web"; join it to the cgroup2 mount point).
    pub path: String,
    /// The cgroup's id (the inode number of its directory).
    pub cgroup_id: u64,
    /// The id of the context bound to it (the context itself or the
    /// nearest bound ancestor).
    pub holder: u64,
}

impl Device {
    /// VCTX_IOC_CGROUP_SET: binds `path` to the cgroup v2 directory open
    /// at `dir`, or (None) unbinds it.
    pub fn cgroup_set(&self, path: &str, dir: Option<BorrowedFd<'_>>) -> Result<()> {
        check_path(path)?;
        let req = abi::vctx_cgroup_set {
            size: size::<abi::vctx_cgroup_set>(),
            flags: if dir.is_none() {
                abi::VCTX_CGROUP_CLEAR
            } else {
                0
            },
            path: vstr(path),
            fd: dir.map_or(-1, |d| d.as_raw_fd()),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid
        // vctx_cgroup_set whose path points at `path` and whose fd (if
        // any) is open, both borrowed for the whole call.
        unsafe { ioctl::cgroup_set(self.fd(), &req) }
            .map_err(|errno| self.failed(Op::CgroupSet, path, errno))?;
        Ok(())
    }

    /// VCTX_IOC_CGROUP_GET: the cgroup `path` is in, or None if it is in
    /// none (ENODATA).
    pub fn cgroup_get(&self, path: &str) -> Result<Option<CgroupBinding>> {
        check_path(path)?;
        let mut buf = vec![0u8; 4096];
        let mut req = abi::vctx_cgroup_get {
            size: size::<abi::vctx_cgroup_get>(),
            path: vstr(path),
            path_buf: buf.as_mut_ptr() as u64,
            path_buf_len: buf.len() as u32,
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid
        // vctx_cgroup_get whose path points at `path` and whose path_buf
        // at `buf` of path_buf_len bytes, borrowed for the call.
        match unsafe { ioctl::cgroup_get(self.fd(), &mut req) } {
            Ok(_) => {}
            Err(nix::errno::Errno::ENODATA) => return Ok(None),
            Err(errno) => return Err(self.failed(Op::CgroupGet, path, errno)),
        }
        let len = (req.path_len as usize).min(buf.len());
        Ok(Some(CgroupBinding {
            path: String::from_utf8_lossy(&buf[..len]).into_owned(),
            cgroup_id: req.cgroup_id,
            holder: req.holder,
        }))
    }
}
