//! `vctx rename PATH NEWNAME`.

use vctx_lib::Device;

use crate::paths::normalize;

pub fn run(path: &str, new_name: &str) -> anyhow::Result<()> {
    Device::open()?.rename(&normalize(path), new_name)?;
    Ok(())
}
