//! The system around the module: cgroup v2 files, /proc, namespaces, the
//! network (netlink), the clock. Uses `spec` and vctx-lib; never `view`,
//! `top` or `commands`.

pub mod cgevents;
pub mod cgroup;
pub mod cgstat;
pub mod clock;
pub mod execfail;
pub mod handshake;
pub mod net;
pub mod netlink;
pub mod nsjoin;
pub mod procfs;
pub mod rootfs;
