//! `vctx guest create|start|stop|restart|enter|status|list|destroy`: a
//! whole system in a context (`crate::guest`, `Documentation/guests.rst`).

use std::time::Duration;

use clap::{Args, Subcommand};

use crate::guest::{self, CreateArgs};
use crate::spec::duration;

/// Guests: whole systems in contexts (a root directory, an init, a
/// configuration in /etc/vctx/guests)
#[derive(Debug, Args)]
#[command(after_help = "\
Configurations: /etc/vctx/guests/NAME.toml ($VCTX_ETC moves /etc/vctx); run-time state:
/run/vctx/guests/NAME ($VCTX_RUN). A guest runs in the context /NAME. See guests.rst.")]
pub struct GuestArgs {
    #[command(subcommand)]
    pub command: GuestCommand,
}

#[derive(Debug, Subcommand)]
pub enum GuestCommand {
    /// Write a guest's configuration (NAME.toml)
    Create(CreateArgs),
    /// Boot a guest: its init as PID 1, detached, with a supervisor that
    /// restarts it when it reboots
    Start {
        /// The guest (or --all)
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        name: Option<String>,
        /// Every guest whose configuration says autostart = true
        #[arg(long)]
        all: bool,
    },
    /// Shut a guest down: its init's power-off signal, the grace, then KILL
    Stop {
        /// The guest
        name: String,
        /// How long to wait for the init before SIGKILL (default: the
        /// configuration's stop_timeout)
        #[arg(long, value_name = "DUR", value_parser = duration::parse)]
        timeout: Option<Duration>,
    },
    /// Stop a guest, then start it
    Restart {
        /// The guest
        name: String,
    },
    /// Run a command (default: a login shell) in a running guest, in all
    /// its namespaces and its root, with a clean environment
    Enter {
        /// The guest
        name: String,
        /// The command and its arguments (after --)
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "CMD"
        )]
        command: Vec<String>,
    },
    /// Show whether a guest runs: its init, uptime, processes, memory
    Status {
        /// The guest
        name: String,
    },
    /// List the configured guests and their state
    #[command(visible_alias = "ls")]
    List,
    /// Remove a stopped guest's configuration (its root directory stays)
    Destroy {
        /// The guest
        name: String,
    },
    /// Run a guest's supervisor in the foreground (what start leaves
    /// behind; for service managers: the systemd unit runs this)
    Supervise {
        /// The guest
        name: String,
    },
}

pub fn run(args: GuestArgs, json: bool) -> anyhow::Result<()> {
    match args.command {
        GuestCommand::Create(c) => guest::create(&c),
        GuestCommand::Start { name: Some(n), .. } => guest::start(&n),
        GuestCommand::Start { name: None, .. } => guest::start_all(),
        GuestCommand::Stop { name, timeout } => guest::stop(&name, timeout),
        GuestCommand::Restart { name } => {
            guest::stop(&name, None)?;
            guest::start(&name)
        }
        GuestCommand::Enter { name, command } => guest::enter(&name, &command),
        GuestCommand::Status { name } => guest::status(&name, json),
        GuestCommand::List => guest::list(json),
        GuestCommand::Destroy { name } => guest::destroy(&name),
        GuestCommand::Supervise { name } => guest::supervise(&name),
    }
}
