//! `vctx version`: this tool, the module's ABI, features and limits.

use serde::Serialize;
use vctx_lib::{Device, Version, abi, feature_names};

use crate::view::output;
use crate::view::table::key_values;

/// Show the version of this tool and of the loaded module
#[derive(Debug, clap::Args)]
pub struct Args {}

const CLI_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Serialize)]
struct VersionJson {
    cli_version: &'static str,
    cli_abi_version: u32,
    abi_version: u32,
    features: Vec<String>,
    feature_bits: u64,
    name_max: u32,
    path_max: u32,
    depth_max: u32,
}

impl VersionJson {
    fn new(v: &Version) -> Self {
        VersionJson {
            cli_version: CLI_VERSION,
            cli_abi_version: abi::VCTX_ABI_VERSION,
            abi_version: v.abi_version,
            features: feature_names(v.features),
            feature_bits: v.features,
            name_max: v.name_max,
            path_max: v.path_max,
            depth_max: v.depth_max,
        }
    }
}

/// The module part of the text output.
fn module_text(v: &Version) -> String {
    let features = feature_names(v.features);
    key_values(&[
        ("module abi", v.abi_version.to_string()),
        (
            "features",
            if features.is_empty() {
                "-".to_owned()
            } else {
                features.join(", ")
            },
        ),
        ("name max", v.name_max.to_string()),
        ("path max", v.path_max.to_string()),
        ("depth max", v.depth_max.to_string()),
    ])
}

pub fn run(json: bool) -> anyhow::Result<()> {
    if !json {
        // Printed before opening the device, so it shows without the module.
        output::text(&format!(
            "vctx {CLI_VERSION} (abi {})\n",
            abi::VCTX_ABI_VERSION
        ))?;
    }
    let version = Device::open()?.version()?;
    if version.abi_version != abi::VCTX_ABI_VERSION {
        eprintln!(
            "vctx: warning: the module speaks abi {}, this tool abi {}",
            version.abi_version,
            abi::VCTX_ABI_VERSION
        );
    }
    if json {
        output::json(&VersionJson::new(&version))
    } else {
        Ok(output::text(&module_text(&version))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: Version = Version {
        abi_version: 1,
        features: 0x1f,
        name_max: 63,
        path_max: 1024,
        depth_max: 32,
    };

    #[test]
    fn text() {
        assert_eq!(
            module_text(&V),
            "module abi: 1\n\
             features:   version, contexts, membership, kill, wait\n\
             name max:   63\n\
             path max:   1024\n\
             depth max:  32\n"
        );
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(VersionJson::new(&V)).unwrap();
        assert_eq!(v["cli_version"], CLI_VERSION);
        assert_eq!(v["abi_version"], 1);
        assert_eq!(
            v["features"],
            serde_json::json!(["version", "contexts", "membership", "kill", "wait"])
        );
        assert_eq!(v["feature_bits"], 31);
        assert_eq!(
            (
                v["name_max"].as_u64(),
                v["path_max"].as_u64(),
                v["depth_max"].as_u64()
            ),
            (Some(63), Some(1024), Some(32))
        );
    }
}
