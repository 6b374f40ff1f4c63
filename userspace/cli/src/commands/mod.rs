//! One module per subcommand, each owning its clap `Args` and its `run`;
//! `run` here dispatches. A command never imports another: what two share
//! lives in a layer below (`top`, `view`, `sys`, `spec`; the check is
//! `tests/layers.rs`), and where one command is another with fixed
//! arguments (`enter` without --pid is `exec` of a shell) the dispatcher
//! says so.

pub mod caps;
pub mod completions;
pub mod create;
pub mod current;
pub mod destroy;
pub mod enter;
pub mod events;
pub mod exec;
pub mod flags;
pub mod freeze;
pub mod guest;
pub mod info;
pub mod kill;
pub mod limit;
pub mod ls;
pub mod manpages;
pub mod metrics;
pub mod ps;
pub mod rename;
pub mod seal;
pub mod stat;
pub mod top;
pub mod tree;
pub mod version;
pub mod wait;

use clap::CommandFactory;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let json = cli.json;
    match cli.command {
        Command::Version(_) => version::run(json),
        Command::Create(a) => create::run(&a, json),
        Command::Destroy(a) => destroy::run(&a.path),
        Command::Rename(a) => rename::run(&a.path, &a.new_name),
        Command::Ls(a) => ls::run(&a.path, json),
        Command::Tree(a) => tree::run(&a.path, json),
        Command::Info(a) => info::run(&a.path, json),
        Command::Current(a) => current::run(a.pid, json),
        Command::Exec(a) => exec::run(a),
        Command::Enter(a) => match a.pid {
            Some(pid) => enter::run(&a.path, pid, a.no_ns),
            None => exec::run(exec::Args::shell(&a.path, a.no_ns)),
        },
        Command::Caps(a) => caps::run(&a.path, &a.changes, json),
        Command::Seal(a) => seal::run(&a.path, json),
        Command::Flags(a) => flags::run(&a, json),
        Command::Freeze(a) => freeze::run(&a.path, true),
        Command::Thaw(a) => freeze::run(&a.path, false),
        Command::Ps(a) => ps::run(&a.path, json),
        Command::Kill(a) => kill::run(&a, json),
        Command::Wait(a) => wait::run(&a.path, a.timeout, json),
        Command::Stat(a) => stat::run(&a.path, a.window, json),
        Command::Limit(a) => limit::run(&a.path, &a.assignments, json),
        Command::Events(a) => events::run(a.follow, json),
        Command::Top(a) => top::run(&a, json),
        Command::Metrics(_) if json => anyhow::bail!(
            "metrics: no JSON form (the output is the Prometheus text format; see 'vctx --json stat')"
        ),
        Command::Metrics(a) => metrics::run(&a.path, a.listen),
        Command::Guest(a) => guest::run(a, json),
        Command::Completions(a) => completions::run(a.shell, Cli::command()),
        Command::Manpages(a) => manpages::run(&a.dir, Cli::command()),
    }
}
