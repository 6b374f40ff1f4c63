//! `vctx destroy PATH`.

use vctx_lib::Device;

use crate::paths::normalize;

pub fn run(path: &str) -> anyhow::Result<()> {
    let path = normalize(path);
    Device::open()?.destroy(&path)?;
    // Its cgroup goes with it (empty now: the context had no members).
    crate::cgroup::remove_dir(&path);
    Ok(())
}
