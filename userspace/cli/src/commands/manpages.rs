//! `vctx manpages DIR` (hidden, for the build): the man pages generated
//! from the clap definitions (clap_mangen).

use std::path::{Path, PathBuf};

/// Write the man pages (vctx.1 and vctx-COMMAND.1) into a directory
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory (made if missing)
    pub dir: PathBuf,
}

/// Writes vctx.1 and one page per subcommand of `cli` into `dir`.
pub fn run(dir: &Path, cli: clap::Command) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(cli, dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))
}
