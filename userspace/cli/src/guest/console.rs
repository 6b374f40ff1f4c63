//! A guest's console: a pseudo-terminal, as `systemd-nspawn` and LXC give
//! theirs. Its terminal end is the init's stdin, stdout and stderr, so
//! `vctx exec --root` binds it as the guest's `/dev/console` (where
//! systemd, busybox init and getty write and read); the supervisor copies
//! what comes out of the other end into the console log.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::OwnedFd;
use std::path::Path;
use std::process::Stdio;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use nix::sys::termios::{self, OutputFlags, SetArg};

/// The console of one boot.
pub struct Console {
    terminal: OwnedFd,
    pump: JoinHandle<()>,
}

impl Console {
    /// A new pseudo-terminal whose output is appended to `log`.
    pub fn open(log: &Path) -> anyhow::Result<Console> {
        let pty = nix::pty::openpty(None, None).context("a pseudo-terminal for its console")?;
        // The log gets the bytes as the guest wrote them: no "\n" -> "\r\n".
        let mut t = termios::tcgetattr(&pty.slave).context("its console's modes")?;
        t.output_flags.remove(OutputFlags::OPOST);
        termios::tcsetattr(&pty.slave, SetArg::TCSANOW, &t).context("its console's modes")?;
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| log.display().to_string())?;
        let from = File::from(pty.master);
        let pump = std::thread::spawn(move || copy(from, out));
        Ok(Console {
            terminal: pty.slave,
            pump,
        })
    }

    /// The terminal end, for one of the init's standard streams.
    pub fn stdio(&self) -> anyhow::Result<Stdio> {
        Ok(Stdio::from(self.terminal.try_clone()?))
    }

    /// Once the init has ended: lets go of the terminal end and waits a
    /// moment for the rest of its output (the copy ends when no process
    /// holds the terminal any more). A process that keeps it open past
    /// that (one the guest's end did not reach) keeps its copy running in
    /// the background instead.
    pub fn finish(self) {
        drop(self.terminal);
        let until = Instant::now() + Duration::from_secs(2);
        while !self.pump.is_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        if self.pump.is_finished() {
            let _ = self.pump.join();
        }
    }
}

/// Copies the console's output into the log until the terminal is closed
/// on every side (read says EIO then).
fn copy(mut from: File, mut to: File) {
    let mut buf = [0u8; 4096];
    loop {
        match from.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}
