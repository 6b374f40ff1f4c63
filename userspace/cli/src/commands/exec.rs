//! `vctx exec [--create] [--new] [--ns LIST [--hostname NAME] | --no-ns]
//! PATH -- CMD [ARG...]`: enter a context and its namespaces (or create
//! them, `--ns`: `crate::sys::nsjoin`), then become CMD (or, with a pid or time
//! namespace, run it as a child and wait).

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

use vctx_lib::{CreateOptions, Device, Errno};

use crate::spec::capspec;
use crate::spec::paths::{join, normalize};
use crate::sys::cgroup;
use crate::sys::execfail::ExecFailed;
use crate::sys::handshake;
use crate::sys::nsjoin::{self, Launch, NsRequest};
use crate::sys::rootfs::{self, RootSetup};

/// Run a command inside a context
#[derive(Debug, clap::Args)]
#[command(override_usage = "vctx exec [OPTIONS] <PATH> -- <CMD> [ARG]...")]
pub struct Args {
    /// Create the context (and missing parents) if it does not exist
    #[arg(short = 'p', long)]
    pub create: bool,
    /// Run in a new ephemeral context, named by the module, under PATH
    #[arg(long)]
    pub new: bool,
    /// Create these namespaces for the context and run CMD as its first
    /// process (PID 1 with pid, and a fresh /proc with pid and mnt): a
    /// comma-separated list of uts, ipc, pid, net, mnt, cgroup, time (user: not yet)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "no_ns"
    )]
    pub ns: Vec<String>,
    /// The host name in the new uts namespace (needs --ns uts)
    #[arg(long, value_name = "NAME", requires = "ns")]
    pub hostname: Option<String>,
    /// Join only the context, not the namespaces it holds
    #[arg(long)]
    pub no_ns: bool,
    /// Run CMD in this root directory (an absolute path; implies --ns mnt):
    /// pivot_root into it, a fresh /proc, /sys read-only, a minimal /dev
    #[arg(long, value_name = "DIR", conflicts_with = "no_ns")]
    pub root: Option<std::path::PathBuf>,
    /// With --create or --new: the new context's capability mask (as for
    /// 'vctx create --caps'; default: 'default')
    #[arg(long, value_name = "LIST", value_parser = capspec::parse_list)]
    pub caps: Option<u64>,
    /// For a guest's supervisor: once the namespaces are made, say so on
    /// this socket and wait for its go before starting CMD
    /// (`crate::sys::handshake`)
    #[arg(long, value_name = "FD", hide = true)]
    pub sync_fd: Option<i32>,
    /// The context to run in (with --new: the parent of the new context)
    pub path: String,
    /// The command and its arguments (put them after --)
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<OsString>,
}

impl Args {
    /// A shell ($SHELL, else /bin/sh) in the context `path` and (unless
    /// `no_ns`) its namespaces: what `vctx enter PATH` without --pid runs,
    /// like nsenter with no command.
    pub fn shell(path: &str, no_ns: bool) -> Self {
        let shell = std::env::var_os("SHELL").unwrap_or_else(|| OsString::from("/bin/sh"));
        Args {
            create: false,
            new: false,
            ns: Vec::new(),
            hostname: None,
            no_ns,
            root: None,
            caps: None,
            sync_fd: None,
            path: path.to_owned(),
            command: vec![shell],
        }
    }
}

pub fn run(mut args: Args) -> anyhow::Result<()> {
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
        .and_then(|launch| {
            // The supervisor sets up what lives in the namespaces (the
            // guest's network) before anything runs in them.
            if let Some(fd) = args.sync_fd {
                handshake::child(fd)?;
            }
            Ok(launch)
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
    Err(ExecFailed::new(
        program.to_string_lossy().into_owned(),
        Errno::from_raw(err.raw_os_error().unwrap_or(Errno::ENOEXEC as i32)),
    )
    .into())
}
