//! `vctx caps PATH [CHANGE...]`: show or change a context's capability mask.

use serde::Serialize;
use vctx_lib::Device;

use crate::capspec;
use crate::output;
use crate::paths::normalize;

#[derive(Debug, Serialize)]
struct CapsJson<'a> {
    path: &'a str,
    /// The mask (bits 1 << CAP_*).
    caps: u64,
    /// Its capabilities, without CAP_.
    names: Vec<String>,
}

pub fn run(path: &str, changes: &[String], json: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    let device = Device::open()?;
    let current = device.info(&path)?.entry.caps;
    let mask = if changes.is_empty() {
        current
    } else {
        let wanted = capspec::parse_changes(current, changes)?;
        device.set_caps(&path, wanted)?;
        // What the module keeps (the same, unless it changed meanwhile).
        device.info(&path)?.entry.caps
    };
    if json {
        output::json(&CapsJson {
            path: &path,
            caps: mask,
            names: capspec::names(mask),
        })
    } else {
        Ok(output::text(&format!(
            "{path}: {}\n",
            capspec::describe(mask)
        ))?)
    }
}
