//! `vctx create [-p] [--ephemeral] [--spectator] [--novirt] [--caps LIST] PATH`.

use serde::Serialize;
use vctx_lib::{CreateOptions, Device};

use crate::spec::capspec;
use crate::spec::paths::normalize;
use crate::view::output;

/// Create a context
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Create missing parents too (like mkdir -p); an existing context is not an error
    #[arg(short, long)]
    pub parents: bool,
    /// Destroy the context automatically when its last process leaves
    #[arg(long)]
    pub ephemeral: bool,
    /// A monitoring context: its processes see every process in /proc
    /// (signals and ptrace stay limited to its subtree)
    #[arg(long)]
    pub spectator: bool,
    /// Show its processes the host's /proc/uptime, loadavg, meminfo and
    /// sysinfo instead of the context's own (inherited by contexts below)
    #[arg(long)]
    pub novirt: bool,
    /// Its capability mask: 'default' (Docker's baseline without MKNOD), 'all',
    /// 'none' or comma-separated names, read left to right (default,-NET_RAW)
    #[arg(long, value_name = "LIST", default_value = "default", value_parser = capspec::parse_list)]
    pub caps: u64,
    /// The context to create
    pub path: String,
}

#[derive(Debug, Serialize)]
struct CreatedJson {
    id: u64,
    name: String,
    path: String,
}

pub fn run(args: &Args, json: bool) -> anyhow::Result<()> {
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
