//! `vctx enter PATH --pid PID`.

use vctx_lib::Device;

use crate::paths::normalize;

pub fn run(path: &str, pid: i32) -> anyhow::Result<()> {
    Device::open()?.enter(&normalize(path), pid)?;
    Ok(())
}
