//! `vctx exec [--create] [--new] [--ns LIST [--hostname NAME] | --no-ns]
//! PATH -- CMD [ARG...]`: enter a context and its namespaces (or create
//! them, `--ns`: `crate::nsjoin`), then become CMD (or, with a pid or time
//! namespace, run it as a child and wait).

use std::os::unix::process::CommandExt;
use std::process::Command;

use vctx_lib::{CreateOptions, Device, Errno, describe_errno};

use crate::capspec;
use crate::cgroup;
use crate::cli::ExecArgs;
use crate::nsjoin::{self, Launch, NsRequest};
use crate::paths::{join, normalize};
use crate::rootfs::{self, RootSetup};

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

pub fn run(mut args: ExecArgs) -> anyhow::Result<()> {
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    // Checked before anything is created: nothing to undo if it is refused.
    let root = match &args.root {
        Some(dir) => Some(RootSetup::new(rootfs::check(dir, program)?)),
        None => None,
    };
    if root.is_some() && !args.ns.iter().any(|n| n == "mnt") {
        args.ns.push("mnt".to_owned());
    }
    let ns = NsRequest {
        create: nsjoin::parse_types(&args.ns)?,
        hostname: args.hostname.as_deref(),
        no_ns: args.no_ns,
    };
    let mut path = normalize(&args.path);
    let device = Device::open()?;
    // A context made here gets the default mask unless told otherwise.
    let caps = Some(args.caps.unwrap_or_else(capspec::default_mask));
    if args.create {
        let opts = CreateOptions {
            parents: true,
            exist_ok: true,
            caps,
            ..Default::default()
        };
        device.create(&path, opts)?;
    }
    if args.new {
        let opts = CreateOptions {
            autoname: true,
            ephemeral: true,
            caps,
            ..Default::default()
        };
        let created = device.create(&path, opts)?;
        path = join(&path, &created.name);
    }
    // Namespaces are joined and made with the caller's own privileges,
    // before entering: entering trims them to the context's mask. The
    // process moves into the context's cgroup first (ENTER refuses one
    // that is not in it), so a cgroup namespace made here is rooted there.
    let launched = nsjoin::prepare(&device, &path, &ns)
        .and_then(|mut prepared| {
            cgroup::move_before_enter(&device, &path, 0)?;
            let makes_cgroup_ns = ns
                .create
                .iter()
                .any(|t| t.clone_flag == nix::libc::CLONE_NEWCGROUP);
            // A context bound to a cgroup of its own sees it as its root.
            if !ns.no_ns && !makes_cgroup_ns && cgroup::own_namespace(&device, &path)? {
                prepared.skip(nix::libc::CLONE_NEWCGROUP);
            }
            nsjoin::setup(&device, &path, prepared, &ns)
        })
        .and_then(|launch| match launch {
            Launch::Child { .. } => Ok(launch),
            Launch::Exec => {
                if let Some(root) = &root {
                    root.enter()?;
                }
                Ok(device.enter(&path, 0).map(|()| launch)?)
            }
        });
    let launch = match launched {
        Ok(l) => l,
        Err(err) => {
            if args.new {
                // Never entered, it would never empty: do not leave it behind.
                let _ = device.destroy(&path);
            }
            return Err(err);
        }
    };
    if let Launch::Child { mount_proc } = launch {
        return nsjoin::run_child(device, &path, program, rest, mount_proc, root.as_ref());
    }
    drop(device);
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
