//! The accounting requests of [`Device`]: STAT, SNAPSHOT, SET_LIMIT and
//! CHECKPOINT, and reading event records with read()/poll().

use std::os::fd::AsFd;
use std::time::Duration;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::{Device, size};
use crate::abi;
use crate::accounting::{Resource, SnapEntry, Snapshot, Stat, limit_raw};
use crate::error::{Op, Result};
use crate::events::{EVENT_SIZE, Event, decode};
use crate::ioctl;
use crate::retry::fetch_growing;
use crate::strings::{check_path, vstr};

/// First guess for a snapshot's capacity (grown on ERANGE).
const SNAPSHOT_GUESS: u32 = 64;
/// Records fetched per read(): the module keeps at most VCTX_EVENTS_KEPT.
const EVENTS_PER_READ: usize = 64;

impl Device {
    /// VCTX_IOC_STAT: the figures of `path`. With `window`, the limit peaks
    /// are those since this open file's checkpoint on it ([`Device::checkpoint`]).
    pub fn stat(&self, path: &str, window: bool) -> Result<Stat> {
        check_path(path)?;
        let mut req = abi::vctx_stat {
            size: size::<abi::vctx_stat>(),
            flags: if window { abi::VCTX_STAT_WINDOW } else { 0 },
            path: vstr(path),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid vctx_stat
        // whose path points at `path`, borrowed for the whole call.
        unsafe { ioctl::stat(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::Stat, path, errno))?;
        Ok(Stat::from(&req))
    }

    /// VCTX_IOC_SNAPSHOT: `path` and its whole subtree, in pre-order, read
    /// at one moment.
    pub fn snapshot(&self, path: &str) -> Result<Snapshot> {
        check_path(path)?;
        let mut now_ns = 0;
        let raw = fetch_growing(SNAPSHOT_GUESS, |buf: &mut [abi::vctx_snap_entry]| {
            let mut req = abi::vctx_snapshot {
                size: size::<abi::vctx_snapshot>(),
                path: vstr(path),
                entries: buf.as_mut_ptr() as u64,
                entry_size: size::<abi::vctx_snap_entry>(),
                capacity: buf.len() as u32,
                ..Default::default()
            };
            // SAFETY: self.fd is an open /dev/vctx; req is a valid
            // vctx_snapshot; path points at `path` and entries at `buf`,
            // which holds `capacity` vctx_snap_entry of `entry_size` bytes;
            // both outlive the call.
            let res = unsafe { ioctl::snapshot(self.fd(), &mut req) };
            now_ns = req.now_ns;
            (res.map(drop), req.count)
        })
        .map_err(|errno| self.failed(Op::Snapshot, path, errno))?;
        Ok(Snapshot {
            now_ns,
            entries: raw.iter().map(SnapEntry::from).collect(),
        })
    }

    /// VCTX_IOC_SET_LIMIT: sets each listed limit of `path` (`None`: max);
    /// the others are left as they are.
    pub fn set_limits(&self, path: &str, limits: &[(Resource, Option<u64>)]) -> Result<()> {
        check_path(path)?;
        let mut req = abi::vctx_set_limit {
            size: size::<abi::vctx_set_limit>(),
            path: vstr(path),
            ..Default::default()
        };
        for &(res, value) in limits {
            req.mask |= res.bit();
            req.limit[res.index()] = limit_raw(value);
        }
        // SAFETY: self.fd is an open /dev/vctx; req is a valid
        // vctx_set_limit whose path points at `path`, borrowed for the call.
        unsafe { ioctl::set_limit(self.fd(), &req) }
            .map_err(|errno| self.failed(Op::SetLimit, path, errno))?;
        Ok(())
    }

    /// VCTX_IOC_CHECKPOINT: starts this open file's peak window on `path`;
    /// returns the context's id.
    pub fn checkpoint(&self, path: &str) -> Result<u64> {
        check_path(path)?;
        let mut req = abi::vctx_checkpoint {
            size: size::<abi::vctx_checkpoint>(),
            path: vstr(path),
            ..Default::default()
        };
        // SAFETY: self.fd is an open /dev/vctx; req is a valid
        // vctx_checkpoint whose path points at `path`, borrowed for the call.
        unsafe { ioctl::checkpoint(self.fd(), &mut req) }
            .map_err(|errno| self.failed(Op::Checkpoint, path, errno))?;
        Ok(req.id)
    }

    /// Waits up to `timeout` (`None`: for ever) until event records are
    /// waiting for this open file; true if some are. EINTR is an error, so
    /// a signal ends the wait.
    pub fn poll_events(&self, timeout: Option<Duration>) -> Result<bool> {
        let timeout = match timeout {
            None => PollTimeout::NONE,
            Some(d) => PollTimeout::try_from(d).unwrap_or(PollTimeout::MAX),
        };
        let mut fds = [PollFd::new(self.fd.as_fd(), PollFlags::POLLIN)];
        let n = poll(&mut fds, timeout)
            .map_err(|errno| self.failed(Op::Events, self.subject(), errno))?;
        let revents = fds[0].revents().unwrap_or(PollFlags::empty());
        if revents.intersects(PollFlags::POLLERR | PollFlags::POLLNVAL) {
            return Err(self.failed(Op::Events, self.subject(), Errno::EIO));
        }
        Ok(n > 0 && revents.contains(PollFlags::POLLIN))
    }

    /// The event records waiting for this open file, oldest first; empty
    /// if none are. Polls first, so it never blocks.
    pub fn read_events(&self) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        let mut buf = vec![0u8; EVENT_SIZE * EVENTS_PER_READ];
        while self.poll_events(Some(Duration::ZERO))? {
            let n = match nix::unistd::read(&self.fd, &mut buf) {
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                // Nothing after all (another thread of ours read it).
                Err(Errno::EAGAIN) => break,
                Err(errno) => return Err(self.failed(Op::Events, self.subject(), errno)),
            };
            if n == 0 {
                break;
            }
            events.extend(decode(&buf[..n]));
            if n < buf.len() {
                break;
            }
        }
        Ok(events)
    }

    fn subject(&self) -> String {
        self.path.display().to_string()
    }
}
