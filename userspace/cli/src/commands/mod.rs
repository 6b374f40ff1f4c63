//! One module per subcommand; `run` dispatches.

mod caps;
mod create;
mod current;
mod destroy;
mod enter;
mod events;
pub mod exec;
mod flags;
pub mod freeze;
pub mod guest;
mod info;
mod kill;
mod limit;
mod ls;
mod metrics;
mod ps;
mod rename;
mod seal;
mod stat;
mod top;
mod tree;
mod version;
mod wait;

use clap::CommandFactory;

use crate::cli::{Cli, Command};

pub use metrics::parse_listen;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let json = cli.json;
    match cli.command {
        Command::Version => version::run(json),
        Command::Create(args) => create::run(&args, json),
        Command::Destroy { path } => destroy::run(&path),
        Command::Rename { path, new_name } => rename::run(&path, &new_name),
        Command::Ls { path } => ls::run(&path, json),
        Command::Tree { path } => tree::run(&path, json),
        Command::Info { path } => info::run(&path, json),
        Command::Current { pid } => current::run(pid, json),
        Command::Exec(args) => exec::run(args),
        Command::Enter { path, pid, no_ns } => enter::run(&path, pid, no_ns),
        Command::Caps { path, changes } => caps::run(&path, &changes, json),
        Command::Seal { path } => seal::run(&path, json),
        Command::Flags(args) => flags::run(&args, json),
        Command::Freeze { path } => freeze::run(&path, true),
        Command::Thaw { path } => freeze::run(&path, false),
        Command::Ps { path } => ps::run(&path, json),
        Command::Kill(args) => kill::run(&args, json),
        Command::Wait { timeout, path } => wait::run(&path, timeout, json),
        Command::Stat { window, path } => stat::run(&path, window, json),
        Command::Limit { path, assignments } => limit::run(&path, &assignments, json),
        Command::Events { follow } => events::run(follow, json),
        Command::Top(args) => top::run(&args, json),
        Command::Metrics { .. } if json => anyhow::bail!(
            "metrics: no JSON form (the output is the Prometheus text format; see 'vctx --json stat')"
        ),
        Command::Metrics { listen, path } => metrics::run(&path, listen),
        Command::Guest(args) => guest::run(args, json),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "vctx", &mut std::io::stdout());
            Ok(())
        }
        Command::Manpages { dir } => {
            std::fs::create_dir_all(&dir)?;
            clap_mangen::generate_to(Cli::command(), &dir)
                .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))
        }
    }
}
