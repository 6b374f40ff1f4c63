//! The handshake between a guest's supervisor and the `vctx exec` that
//! boots the guest (`vctx exec --sync-fd FD`, hidden): once exec has made
//! the guest's namespaces and recorded them on the context, it says
//! "ready" and waits; the supervisor sets up what lives in them (the
//! network: `crate::sys::net`) and says "go", and only then does exec start
//! the guest's init. If the supervisor fails, it closes its end instead and
//! exec ends without starting anything.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use anyhow::{Context as _, bail};

const READY: u8 = b'R';
const GO: u8 = b'G';

/// The supervisor's end.
pub struct Parent {
    sock: UnixStream,
}

/// Makes the pair: the supervisor's end and the descriptor the child
/// inherits (close-on-exec is cleared on it in the child, see
/// [`inheritable`]).
pub fn pair() -> anyhow::Result<(Parent, OwnedFd)> {
    let (a, b) = UnixStream::pair().context("socketpair")?;
    Ok((Parent { sock: a }, OwnedFd::from(b)))
}

/// In a child between fork and exec: lets `fd` survive the exec.
/// Async-signal-safe (one fcntl(2)).
pub fn inheritable(fd: RawFd) -> std::io::Result<()> {
    // SAFETY: the descriptor is the child's copy of the pair's end, open
    // across fork; fcntl changes only its flags.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    nix::fcntl::fcntl(
        borrowed,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::empty()),
    )
    .map(drop)
    .map_err(std::io::Error::from)
}

impl Parent {
    /// Waits (up to `limit`) for the child's "ready": false if it ended
    /// (or closed its end) before saying it.
    pub fn wait_ready(&mut self, limit: Duration) -> anyhow::Result<bool> {
        self.sock.set_read_timeout(Some(limit))?;
        let mut b = [0u8; 1];
        match self.sock.read(&mut b) {
            Ok(1) if b[0] == READY => Ok(true),
            Ok(_) => Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                bail!("the guest's exec did not make its namespaces within {limit:?}")
            }
            Err(e) => Err(e).context("waiting for the guest's exec"),
        }
    }

    /// Lets the child go on (dropping the parent without it stops it).
    pub fn go(mut self) -> anyhow::Result<()> {
        self.sock
            .write_all(&[GO])
            .context("telling the guest's exec to go on")
    }
}

/// The child's side: says "ready" on `fd` and waits for "go". The
/// descriptor is closed either way (the guest's init must not inherit it).
pub fn child(fd: RawFd) -> anyhow::Result<()> {
    // The descriptor must be an open socket, ours alone from here on.
    nix::fcntl::fcntl(
        // SAFETY: only probed: F_GETFD on a number that may not be open.
        unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) },
        nix::fcntl::FcntlArg::F_GETFD,
    )
    .map_err(|e| anyhow::anyhow!("--sync-fd {fd}: {}", e.desc()))?;
    // SAFETY: `fd` is open (checked above) and was handed to this process
    // for this handshake alone: owning it here closes it when done.
    let mut sock = UnixStream::from(unsafe { OwnedFd::from_raw_fd(fd) });
    sock.write_all(&[READY])
        .context("--sync-fd: telling the supervisor")?;
    let mut b = [0u8; 1];
    match sock.read(&mut b) {
        Ok(1) if b[0] == GO => Ok(()),
        _ => bail!("the supervisor did not finish the guest's setup (see its console log)"),
    }
}
