//! `vctx destroy PATH`.

use vctx_lib::Device;

use crate::spec::paths::normalize;

/// Destroy an empty context that has no children
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The context to destroy
    pub path: String,
}

pub fn run(path: &str) -> anyhow::Result<()> {
    let path = normalize(path);
    Device::open()?.destroy(&path)?;
    // Its cgroup goes with it (empty now: the context had no members).
    crate::sys::cgroup::remove_dir(&path);
    Ok(())
}
