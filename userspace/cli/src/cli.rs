//! The command line (clap derive); the doc comments are the help text.

use std::ffi::OsString;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::limitspec::{self, Assignment};
use crate::topframe::SortKey;
use crate::{duration, signal};

const AFTER_HELP: &str = "\
Paths name contexts relative to your own context: '/' is the context you are in.

Environment:
  VCTX_DEVICE  the device node to open instead of /dev/vctx (for tests)";

/// Manage vctx security contexts (/dev/vctx).
#[derive(Debug, Parser)]
#[command(name = "vctx", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Print a JSON document instead of text (exact numbers, stable keys)
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version of this tool and of the loaded module
    Version,
    /// Create a context
    Create(CreateArgs),
    /// Destroy an empty context that has no children
    Destroy {
        /// The context to destroy
        path: String,
    },
    /// Rename a context within its parent
    Rename {
        /// The context to rename
        path: String,
        /// Its new name (1 to 63 bytes of [A-Za-z0-9._-])
        new_name: String,
    },
    /// List the children of a context
    #[command(visible_alias = "list")]
    Ls {
        /// The context whose children to list
        #[arg(default_value = "/")]
        path: String,
    },
    /// Show a context and all its descendants as a tree
    Tree {
        /// The root of the tree to show
        #[arg(default_value = "/")]
        path: String,
    },
    /// Show the details of one context
    Info {
        /// The context to describe
        path: String,
    },
    /// Print the path of the context a process is in
    Current {
        /// The process to ask about (default: this one, i.e. your shell's context)
        #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
        pid: Option<i32>,
    },
    /// Run a command inside a context
    Exec(ExecArgs),
    /// Move a process (all its threads) into a context; without --pid, start
    /// a shell ($SHELL) in the context and its namespaces
    Enter {
        /// The context to move it into (its current context or a descendant)
        path: String,
        /// The process to move (it joins the context only: a process can only
        /// change its own namespaces)
        #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
        pid: Option<i32>,
        /// Join only the context, not its namespaces
        #[arg(long)]
        no_ns: bool,
    },
    /// Show a context's capability mask, or change it (+CAP adds, -CAP
    /// removes, a bare LIST as for --caps replaces it)
    #[command(after_help = "\
Names as in capabilities(7), any case, with or without CAP_: +SYS_ADMIN -net_raw.
LIST: comma-separated names, 'all', 'default' or 'none', read left to right
(default,-NET_RAW). A mask stays within the parent's; narrowing takes effect at once
for processes inside (their next privileged call), and for the contexts below.")]
    Caps {
        /// The context
        path: String,
        /// Changes: +CAP, -CAP or a LIST
        #[arg(
            value_name = "CHANGE",
            allow_hyphen_values = true,
            trailing_var_arg = true
        )]
        changes: Vec<String>,
    },
    /// End a context's setup phase: nothing inside it, root included, can
    /// loosen it any more (its ancestors still can)
    Seal {
        /// The context to seal
        path: String,
    },
    /// Show, set or clear the flags of a context
    Flags(FlagsArgs),
    /// Stop every process of a context's subtree (cgroup v2 freezer);
    /// 'vctx thaw' resumes them, 'vctx kill' still works
    Freeze {
        /// The context to freeze
        path: String,
    },
    /// Resume the processes of a frozen context
    Thaw {
        /// The context to thaw
        path: String,
    },
    /// List the processes of a context and its descendants
    Ps {
        /// The context whose subtree to list
        #[arg(default_value = "/")]
        path: String,
    },
    /// Signal every process of a context and its descendants
    Kill(KillArgs),
    /// Wait until a context and its descendants have no processes
    Wait {
        /// Give up after this long (e.g. 30s, 500ms, 2m, 1.5s); default: wait for ever
        #[arg(long, value_name = "DUR", value_parser = duration::parse)]
        timeout: Option<Duration>,
        /// The context to wait for
        path: String,
    },
    /// Show a context's counters (its own and its subtree's), limits, uptime and load
    Stat {
        /// Report the limit peaks over this interval: take a checkpoint, wait, then read
        #[arg(long, value_name = "DUR", value_parser = duration::parse)]
        window: Option<Duration>,
        /// The context to show
        path: String,
    },
    /// Show a context's limits, or set some (KEY=VALUE; "max" is unlimited)
    #[command(after_help = "\
The module's limits: nproc=N (processes of the subtree), nthreads=N (threads), rss=SIZE
(resident memory, soft: crossing it only counts a hit and sends an event).
The kernel's cgroup v2 controllers (the context gets a cgroup, <cgroup2>/vctx/PATH or below
$VCTX_CGROUP_ROOT): cpu=PCT% (cpu.max: 150% is one and a half CPUs), cpu.weight=1..10000,
cpuunits=N (OpenVZ: weight N/10), mem=SIZE (memory.max: over it the context's own processes
are reclaimed, then OOM-killed), mem.high=SIZE (throttled above), swap=SIZE (memory.swap.max),
io.read=DEV=RATE, io.write=DEV=RATE (bytes/s, e.g. 10M/s), io.riops=DEV=N, io.wiops=DEV=N
(DEV: MAJOR:MINOR or a block device such as /dev/vda), cpus=LIST (cpuset.cpus, e.g. 0-1,3).
A child's limits act within its parent's. SIZE is bytes with an optional K, M, G or T suffix
(powers of 1024); max clears any limit.
Example: vctx limit /web nproc=50 cpu=150% mem=2G io.write=/dev/vda=10M/s cpus=0-1")]
    Limit {
        /// The context
        path: String,
        /// New limits: nproc, nthreads, rss, cpu, cpu.weight, cpuunits, mem, mem.high, swap,
        /// io.read, io.write, io.riops, io.wiops, cpus (=VALUE or =max)
        #[arg(value_name = "KEY=VALUE", value_parser = limitspec::parse)]
        assignments: Vec<Assignment>,
    },
    /// Print the limit events (refused forks, crossed rss limits) as they come
    Events {
        /// Keep reading and print events as they come (until interrupted)
        #[arg(short, long)]
        follow: bool,
    },
    /// Show the contexts of a subtree live: processes, CPU, memory, forks, I/O, limit hits
    #[command(after_help = "\
On a terminal (without --once, --json or -n) top is interactive: c, m, p, f, i, n sort
by cpu, memory, processes, forks, I/O, name; Up/Down select; Enter folds a subtree;
Space pauses; ? lists the keys; q quits.")]
    Top(TopArgs),
    /// Print the counters and limits of every context in the Prometheus text
    /// format, or serve them on /metrics
    #[command(after_help = "\
For node_exporter's textfile collector: vctx metrics > DIR/vctx.prom.tmp && mv ... DIR/vctx.prom
To be scraped: vctx metrics --listen 9187 (127.0.0.1 only; --listen 0.0.0.0:9187 binds every
address: put a firewall or a TLS proxy in front, the endpoint has no authentication).")]
    Metrics {
        /// Serve the metrics over HTTP on /metrics at [ADDR:]PORT (ADDR
        /// defaults to 127.0.0.1) until interrupted
        #[arg(long, value_name = "[ADDR:]PORT", value_parser = crate::commands::parse_listen)]
        listen: Option<std::net::SocketAddr>,
        /// The root of the subtree to export
        #[arg(default_value = "/")]
        path: String,
    },
    /// Guests: whole systems in contexts (a root directory, an init, a
    /// configuration in /etc/vctx/guests)
    Guest(crate::commands::guest::GuestArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell)
    #[command(after_help = "\
Example: vctx completions bash > /etc/bash_completion.d/vctx (make install does this)")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man pages (vctx.1 and vctx-COMMAND.1) into a directory
    #[command(hide = true)]
    Manpages {
        /// The directory (made if missing)
        dir: std::path::PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct TopArgs {
    /// Print one frame (rates over one --interval) and exit, for scripts
    #[arg(long)]
    pub once: bool,
    /// Order the children of each context by this, largest first (name: A to Z)
    #[arg(long, value_enum, default_value = "cpu")]
    pub sort: SortKey,
    /// Time between readings (the rates are over this interval)
    #[arg(long, value_name = "DUR", default_value = "1s", value_parser = duration::parse)]
    pub interval: Duration,
    /// Stop after this many frames
    #[arg(short = 'n', long, value_name = "N", conflicts_with = "once")]
    pub iterations: Option<u64>,
    /// The root of the subtree to show
    #[arg(default_value = "/")]
    pub path: String,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Create missing parents too (like mkdir -p); an existing context is not an error
    #[arg(short, long)]
    pub parents: bool,
    /// Destroy the context automatically when its last process leaves
    #[arg(long)]
    pub ephemeral: bool,
    /// A monitoring context: its processes see every process in /proc
    /// (signals and ptrace stay limited to its subtree)
    #[arg(long)]
    pub spectator: bool,
    /// Show its processes the host's /proc/uptime, loadavg, meminfo and
    /// sysinfo instead of the context's own (inherited by contexts below)
    #[arg(long)]
    pub novirt: bool,
    /// Its capability mask: 'default' (Docker's baseline without MKNOD), 'all',
    /// 'none' or comma-separated names, read left to right (default,-NET_RAW)
    #[arg(long, value_name = "LIST", default_value = "default", value_parser = capspec_list)]
    pub caps: u64,
    /// The context to create
    pub path: String,
}

fn capspec_list(s: &str) -> anyhow::Result<u64> {
    crate::capspec::parse_list(s)
}

#[derive(Debug, Args)]
#[command(override_usage = "vctx exec [OPTIONS] <PATH> -- <CMD> [ARG]...")]
pub struct ExecArgs {
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
    #[arg(long, value_name = "LIST", value_parser = capspec_list)]
    pub caps: Option<u64>,
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

#[derive(Debug, Args)]
pub struct FlagsArgs {
    /// A flag to set: ephemeral, spectator or novirt (repeatable)
    #[arg(long, value_name = "FLAG")]
    pub set: Vec<String>,
    /// A flag to clear (repeatable)
    #[arg(long, value_name = "FLAG")]
    pub clear: Vec<String>,
    /// The context
    pub path: String,
}

#[derive(Debug, Args)]
pub struct KillArgs {
    /// The signal to send: a name (TERM, SIGTERM, KILL, HUP, USR1...) or a number (0 only probes)
    #[arg(short, long, value_name = "SIG", default_value = "TERM", value_parser = signal::parse)]
    pub signal: u32,
    /// How long to wait for the processes to exit before sending the --then signal
    #[arg(long, value_name = "DUR", requires = "then", value_parser = duration::parse)]
    pub grace: Option<Duration>,
    /// The signal for what is left after the --grace period (e.g. KILL)
    #[arg(long, value_name = "SIG", requires = "grace", value_parser = signal::parse)]
    pub then: Option<u32>,
    /// The context whose subtree to signal
    pub path: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn exec_takes_the_command_after_dashes() {
        let cli = Cli::parse_from(["vctx", "exec", "-p", "/web", "--", "sh", "-c", "true"]);
        let Command::Exec(args) = cli.command else {
            panic!("not exec")
        };
        assert!(args.create && !args.new);
        assert_eq!(args.path, "/web");
        assert_eq!(args.command, ["sh", "-c", "true"]);
    }

    #[test]
    fn kill_grace_needs_then() {
        assert!(Cli::try_parse_from(["vctx", "kill", "--grace", "5s", "/a"]).is_err());
        let cli = Cli::try_parse_from([
            "vctx", "kill", "-s", "HUP", "--grace", "1.5s", "--then", "KILL", "/a",
        ])
        .unwrap();
        let Command::Kill(k) = cli.command else {
            panic!("not kill")
        };
        assert_eq!((k.signal, k.then), (1, Some(9)));
        assert_eq!(k.grace, Some(Duration::from_millis(1500)));
    }

    #[test]
    fn caps_arguments() {
        let cli = Cli::parse_from(["vctx", "caps", "/a", "+SYS_ADMIN", "-NET_RAW"]);
        let Command::Caps { path, changes } = cli.command else {
            panic!("not caps")
        };
        assert_eq!(
            (path.as_str(), changes),
            ("/a", vec!["+SYS_ADMIN".to_owned(), "-NET_RAW".to_owned()])
        );
        let cli = Cli::parse_from(["vctx", "create", "/a"]);
        let Command::Create(c) = cli.command else {
            panic!("not create")
        };
        assert_eq!(c.caps, crate::capspec::default_mask());
        let cli = Cli::parse_from(["vctx", "create", "--caps", "all", "/a"]);
        let Command::Create(c) = cli.command else {
            panic!("not create")
        };
        assert_eq!(c.caps, crate::capspec::ALL);
        assert!(Cli::try_parse_from(["vctx", "create", "--caps", "bogus", "/a"]).is_err());
    }

    #[test]
    fn json_is_global() {
        let cli = Cli::parse_from(["vctx", "ls", "--json"]);
        assert!(cli.json);
        assert!(matches!(cli.command, Command::Ls { ref path } if path == "/"));
    }

    #[test]
    fn limit_takes_assignments() {
        let cli = Cli::parse_from(["vctx", "limit", "/a", "nproc=5", "rss=1G"]);
        let Command::Limit { path, assignments } = cli.command else {
            panic!("not limit")
        };
        assert_eq!(path, "/a");
        assert_eq!(
            assignments,
            [
                Assignment::Module(vctx_lib::Resource::Nproc, Some(5)),
                Assignment::Module(vctx_lib::Resource::Rss, Some(1 << 30))
            ]
        );
        assert!(Cli::try_parse_from(["vctx", "limit", "/a", "cpu=5"]).is_err());
        assert!(Cli::try_parse_from(["vctx", "limit", "/a", "cpu=50%"]).is_ok());
        assert!(Cli::try_parse_from(["vctx", "limit", "/a"]).is_ok());
    }

    #[test]
    fn top_defaults() {
        let cli = Cli::parse_from(["vctx", "top", "--once"]);
        let Command::Top(t) = cli.command else {
            panic!("not top")
        };
        assert!(t.once);
        assert_eq!(
            (t.sort, t.interval, t.path.as_str()),
            (SortKey::Cpu, Duration::from_secs(1), "/")
        );
        let cli = Cli::parse_from([
            "vctx",
            "top",
            "--sort",
            "rss",
            "--interval",
            "200ms",
            "/web",
        ]);
        let Command::Top(t) = cli.command else {
            panic!("not top")
        };
        assert_eq!(
            (t.sort, t.interval, t.path.as_str()),
            (SortKey::Rss, Duration::from_millis(200), "/web")
        );
        assert!(Cli::try_parse_from(["vctx", "top", "--sort", "mem"]).is_err());
        assert!(Cli::try_parse_from(["vctx", "top", "--once", "-n", "3"]).is_err());
    }

    #[test]
    fn enter_pid_is_optional_and_positive() {
        assert!(Cli::try_parse_from(["vctx", "enter", "/a"]).is_ok());
        assert!(Cli::try_parse_from(["vctx", "enter", "/a", "--pid", "0"]).is_err());
        assert!(Cli::try_parse_from(["vctx", "enter", "/a", "--pid", "42"]).is_ok());
        assert!(Cli::try_parse_from(["vctx", "enter", "/a", "--no-ns"]).is_ok());
    }

    #[test]
    fn exec_ns_list() {
        let cli = Cli::parse_from([
            "vctx",
            "exec",
            "--ns",
            "uts,pid",
            "--ns",
            "mnt",
            "--hostname",
            "web1",
            "/c",
            "--",
            "sh",
        ]);
        let Command::Exec(args) = cli.command else {
            panic!("not exec")
        };
        assert_eq!(args.ns, ["uts", "pid", "mnt"]);
        assert_eq!(args.hostname.as_deref(), Some("web1"));
        assert!(
            Cli::try_parse_from(["vctx", "exec", "--hostname", "x", "/c", "--", "sh"]).is_err()
        );
        assert!(
            Cli::try_parse_from(["vctx", "exec", "--ns", "uts", "--no-ns", "/c", "--", "sh"])
                .is_err()
        );
    }
}
