//! `vctx rename PATH NEWNAME`.

use vctx_lib::Device;

use crate::spec::paths::normalize;

/// Rename a context within its parent
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The context to rename
    pub path: String,
    /// Its new name (1 to 63 bytes of [A-Za-z0-9._-])
    pub new_name: String,
}

pub fn run(path: &str, new_name: &str) -> anyhow::Result<()> {
    Device::open()?.rename(&normalize(path), new_name)?;
    Ok(())
}
