//! `vctx current [--pid PID]`: the path of a process's context.

use serde::Serialize;
use vctx_lib::Device;

use crate::view::output;

/// Print the path of the context a process is in
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The process to ask about (default: this one, i.e. your shell's context)
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pub pid: Option<i32>,
}

#[derive(Debug, Serialize)]
struct CurrentJson {
    path: String,
    id: u64,
}

pub fn run(pid: Option<i32>, json: bool) -> anyhow::Result<()> {
    // pid 0 asks about this process, which is in its parent's context.
    let info = Device::open()?.info_by_pid(pid.unwrap_or(0))?;
    if json {
        output::json(&CurrentJson {
            path: info.path,
            id: info.entry.id,
        })
    } else {
        Ok(output::text(&format!("{}\n", info.path))?)
    }
}
