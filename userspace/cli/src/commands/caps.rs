//! `vctx caps PATH [CHANGE...]`: show or change a context's capability mask.

use serde::Serialize;
use vctx_lib::Device;

use crate::spec::capspec;
use crate::spec::paths::normalize;
use crate::view::output;

/// Show a context's capability mask, or change it (+CAP adds, -CAP
/// removes, a bare LIST as for --caps replaces it)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Names as in capabilities(7), any case, with or without CAP_: +SYS_ADMIN -net_raw.
LIST: comma-separated names, 'all', 'default' or 'none', read left to right
(default,-NET_RAW). A mask stays within the parent's; narrowing takes effect at once
for processes inside (their next privileged call), and for the contexts below.")]
pub struct Args {
    /// The context
    pub path: String,
    /// Changes: +CAP, -CAP or a LIST
    #[arg(
        value_name = "CHANGE",
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub changes: Vec<String>,
}

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
