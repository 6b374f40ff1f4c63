//! `vctx destroy PATH`.

use vctx_lib::Device;

use crate::paths::normalize;

pub fn run(path: &str) -> anyhow::Result<()> {
    Device::open()?.destroy(&normalize(path))?;
    Ok(())
}
