//! `vctx exec [--create] [--new] [--ns LIST [--hostname NAME] | --no-ns]
//! PATH -- CMD [ARG...]`: enter a context and its namespaces (or create
//! them, `--ns`: `crate::nsjoin`), then become CMD (or, with a pid or time
//! namespace, run it as a child and wait).

use std::os::unix::process::CommandExt;
use std::process::Command;

use vctx_lib::{CreateOptions, Device, Errno, describe_errno};

use crate::cli::ExecArgs;
use crate::nsjoin::{self, Launch, NsRequest};
use crate::paths::{join, normalize};

/// CMD could not be executed; exits 127 (not found) or 126, as shells do.
#[derive(Debug)]
pub struct ExecFailed {
    command: String,
    errno: Errno,
}

impl std::error::Error for ExecFailed {}

impl std::fmt::Display for ExecFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.command, describe_errno(self.errno))
    }
}

impl ExecFailed {
    pub fn new(command: String, errno: Errno) -> Self {
        ExecFailed { command, errno }
    }

    pub fn exit_code(&self) -> u8 {
        if self.errno == Errno::ENOENT {
            127
        } else {
            126
        }
    }
}

pub fn run(args: ExecArgs) -> anyhow::Result<()> {
    let ns = NsRequest {
        create: nsjoin::parse_types(&args.ns)?,
        hostname: args.hostname.as_deref(),
        no_ns: args.no_ns,
    };
    let mut path = normalize(&args.path);
    let device = Device::open()?;
    let prepared;
    if args.create {
        let opts = CreateOptions {
            parents: true,
            exist_ok: true,
            ..Default::default()
        };
        device.create(&path, opts)?;
    }
    if args.new {
        let opts = CreateOptions {
            autoname: true,
            ephemeral: true,
            ..Default::default()
        };
        let created = device.create(&path, opts)?;
        path = join(&path, &created.name);
        let entered = nsjoin::prepare(&device, &path, &ns)
            .and_then(|prepared| Ok((prepared, device.enter(&path, 0)?)));
        match entered {
            Ok((p, ())) => prepared = p,
            Err(err) => {
                // Never entered, it would never empty: do not leave it behind.
                let _ = device.destroy(&path);
                return Err(err);
            }
        }
    } else {
        prepared = nsjoin::prepare(&device, &path, &ns)?;
        device.enter(&path, 0)?;
    }
    let launch = nsjoin::setup(&device, &path, prepared, &ns)?;
    drop(device);

    let (program, rest) = args.command.split_first().expect("clap requires a command");
    if let Launch::Child { mount_proc } = launch {
        return nsjoin::run_child(program, rest, mount_proc);
    }
    // Searches PATH like execvp; returns only on failure.
    let err = Command::new(program).args(rest).exec();
    Err(ExecFailed {
        command: program.to_string_lossy().into_owned(),
        errno: Errno::from_raw(err.raw_os_error().unwrap_or(Errno::ENOEXEC as i32)),
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_and_exit_code() {
        let e = ExecFailed {
            command: "nosuchcmd".into(),
            errno: Errno::ENOENT,
        };
        assert_eq!(e.to_string(), "nosuchcmd: no such file or directory");
        assert_eq!(e.exit_code(), 127);
        let e = ExecFailed {
            command: "/etc/passwd".into(),
            errno: Errno::EACCES,
        };
        assert_eq!(e.to_string(), "/etc/passwd: permission denied");
        assert_eq!(e.exit_code(), 126);
    }
}
