//! `vctx completions SHELL`: a completion script generated from the clap
//! definitions (clap_complete).

/// Print a completion script for a shell (bash, zsh, fish, elvish, powershell)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example: vctx completions bash > /etc/bash_completion.d/vctx (make install does this)")]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Writes the script for `shell` of the command line `cli` to stdout.
pub fn run(shell: clap_complete::Shell, mut cli: clap::Command) -> anyhow::Result<()> {
    clap_complete::generate(shell, &mut cli, "vctx", &mut std::io::stdout());
    Ok(())
}
