//! `vctx create [-p] [--ephemeral] [--spectator] [--novirt] [--caps LIST] PATH`.

use serde::Serialize;
use vctx_lib::{CreateOptions, Device};

use crate::cli::CreateArgs;
use crate::output;
use crate::paths::normalize;

#[derive(Debug, Serialize)]
struct CreatedJson {
    id: u64,
    name: String,
    path: String,
}

pub fn run(args: &CreateArgs, json: bool) -> anyhow::Result<()> {
    let path = normalize(&args.path);
    let opts = CreateOptions {
        parents: args.parents,
        exist_ok: args.parents,
        ephemeral: args.ephemeral,
        spectator: args.spectator,
        novirt: args.novirt,
        caps: Some(args.caps),
        ..Default::default()
    };
    let created = Device::open()?.create(&path, opts)?;
    if json {
        output::json(&CreatedJson {
            id: created.id,
            name: created.name,
            path,
        })?;
    }
    Ok(())
}
