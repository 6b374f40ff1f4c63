//! `vctx seal PATH`: end a context's setup phase.

use serde::Serialize;
use vctx_lib::Device;

use crate::spec::paths::normalize;
use crate::view::output;

/// End a context's setup phase: nothing inside it, root included, can
/// loosen it any more (its ancestors still can)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The context to seal
    pub path: String,
}

#[derive(Debug, Serialize)]
struct SealJson<'a> {
    path: &'a str,
    id: u64,
    sealed: bool,
}

pub fn run(path: &str, json: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    let id = Device::open()?.seal(&path)?;
    if json {
        output::json(&SealJson {
            path: &path,
            id,
            sealed: true,
        })
    } else {
        Ok(output::text(&format!("{path}: sealed\n"))?)
    }
}
