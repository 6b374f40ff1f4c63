//! The command line: the top-level clap parser, its global options and the
//! list of subcommands. Each subcommand's arguments and help text live in
//! its own file, `commands/<name>.rs` (`Args`); `commands::run` dispatches.

use clap::{Parser, Subcommand};

use crate::commands::{
    caps, completions, create, current, destroy, enter, events, exec, flags, freeze, guest, info,
    kill, limit, ls, manpages, metrics, ps, rename, seal, stat, top, tree, version, wait,
};

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

/// The subcommands, in the order `vctx --help` lists them.
#[derive(Debug, Subcommand)]
pub enum Command {
    Version(version::Args),
    Create(create::Args),
    Destroy(destroy::Args),
    Rename(rename::Args),
    Ls(ls::Args),
    Tree(tree::Args),
    Info(info::Args),
    Current(current::Args),
    Exec(exec::Args),
    Enter(enter::Args),
    Caps(caps::Args),
    Seal(seal::Args),
    Flags(flags::Args),
    Freeze(freeze::FreezeArgs),
    Thaw(freeze::ThawArgs),
    Ps(ps::Args),
    Kill(kill::Args),
    Wait(wait::Args),
    Stat(stat::Args),
    Limit(limit::Args),
    Events(events::Args),
    Top(top::Args),
    Metrics(metrics::Args),
    Guest(guest::GuestArgs),
    Completions(completions::Args),
    #[command(hide = true)]
    Manpages(manpages::Args),
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clap::CommandFactory;

    use super::*;
    use crate::spec::limitspec::Assignment;
    use crate::top::frame::SortKey;

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
        let Command::Caps(caps::Args { path, changes }) = cli.command else {
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
        assert_eq!(c.caps, crate::spec::capspec::default_mask());
        let cli = Cli::parse_from(["vctx", "create", "--caps", "all", "/a"]);
        let Command::Create(c) = cli.command else {
            panic!("not create")
        };
        assert_eq!(c.caps, crate::spec::capspec::ALL);
        assert!(Cli::try_parse_from(["vctx", "create", "--caps", "bogus", "/a"]).is_err());
    }

    #[test]
    fn json_is_global() {
        let cli = Cli::parse_from(["vctx", "ls", "--json"]);
        assert!(cli.json);
        assert!(matches!(cli.command, Command::Ls(ref a) if a.path == "/"));
    }

    #[test]
    fn limit_takes_assignments() {
        let cli = Cli::parse_from(["vctx", "limit", "/a", "nproc=5", "rss=1G"]);
        let Command::Limit(limit::Args { path, assignments }) = cli.command else {
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
