//! `vctx flags PATH [--set FLAG]... [--clear FLAG]...`: a context's flags.

use anyhow::bail;
use serde::Serialize;
use vctx_lib::{Device, abi, ctx_flag_names};

use crate::spec::paths::normalize;
use crate::view::output;

/// Show, set or clear the flags of a context
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A flag to set: ephemeral, spectator or novirt (repeatable)
    #[arg(long, value_name = "FLAG")]
    pub set: Vec<String>,
    /// A flag to clear (repeatable)
    #[arg(long, value_name = "FLAG")]
    pub clear: Vec<String>,
    /// The context
    pub path: String,
}

/// The flags userspace may set or clear, by name.
const SETTABLE: &[(&str, u32)] = &[
    ("ephemeral", abi::VCTX_CTX_EPHEMERAL),
    ("spectator", abi::VCTX_CTX_SPECTATOR),
    ("novirt", abi::VCTX_CTX_NOVIRT),
];

/// The bits of `names`.
fn bits(names: &[String]) -> anyhow::Result<u32> {
    let mut out = 0;
    for n in names {
        match SETTABLE.iter().find(|(name, _)| name == n) {
            Some((_, bit)) => out |= bit,
            None => bail!("unknown flag '{n}' (ephemeral, spectator, novirt)"),
        }
    }
    Ok(out)
}

#[derive(Debug, Serialize)]
struct FlagsJson<'a> {
    path: &'a str,
    flags: Vec<String>,
}

pub fn run(args: &Args, json: bool) -> anyhow::Result<()> {
    let path = normalize(&args.path);
    let (set, clear) = (bits(&args.set)?, bits(&args.clear)?);
    if set & clear != 0 {
        bail!("a flag cannot be both set and cleared");
    }
    let device = Device::open()?;
    let flags = if set | clear == 0 {
        device.info(&path)?.entry.flags
    } else {
        device.set_flags(&path, set, clear)?
    };
    let names = ctx_flag_names(flags);
    if json {
        output::json(&FlagsJson {
            path: &path,
            flags: names,
        })
    } else if names.is_empty() {
        Ok(output::text("-\n")?)
    } else {
        Ok(output::text(&format!("{}\n", names.join(",")))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_to_bits() {
        let names = ["spectator".to_owned(), "novirt".to_owned()];
        assert_eq!(
            bits(&names).unwrap(),
            abi::VCTX_CTX_SPECTATOR | abi::VCTX_CTX_NOVIRT
        );
        assert!(bits(&["sealed".to_owned()]).is_err());
        assert_eq!(bits(&[]).unwrap(), 0);
    }
}
