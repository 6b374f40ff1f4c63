//! Generates the ABI types and constants from include/uapi/vctx.h.
//!
//! bindgen runs on the build host (libclang), so this works the same for the
//! static musl build. `clang_macro_fallback` lets clang itself evaluate the
//! `_IOWR(...)` ioctl numbers, which the library then cross-checks against
//! the numbers it computes with nix.

use std::env;
use std::path::PathBuf;

use bindgen::callbacks::{IntKind, ParseCallbacks};

/// Gives the macros the width of the fields they are used with.
#[derive(Debug)]
struct MacroTypes;

impl ParseCallbacks for MacroTypes {
    fn int_macro(&self, name: &str, _value: i64) -> Option<IntKind> {
        if name == "VCTX_ROOT_ID"
            || name == "VCTX_ID_NONE"
            || name == "VCTX_LIMIT_NONE"
            || name.starts_with("VCTX_FEAT_")
            || name == "VCTX_CAPS_ALL"
        {
            Some(IntKind::U64)
        } else if name.starts_with("VCTX_") {
            Some(IntKind::U32)
        } else {
            None
        }
    }
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let header = manifest.join("../../include/uapi/vctx.h");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed={}", header.display());

    // The header only uses fixed-width kernel types, whose layout is the same
    // for every libc on an architecture: parse it for the glibc triple of the
    // target architecture, whose kernel headers (asm/types.h) the host has.
    let arch = env::var("CARGO_CFG_TARGET_ARCH").expect("CARGO_CFG_TARGET_ARCH");
    let clang_target = format!("--target={arch}-unknown-linux-gnu");

    let bindings = bindgen::Builder::default()
        .header(header.to_str().expect("header path is UTF-8"))
        .clang_arg(clang_target)
        .allowlist_type("vctx_.*")
        .allowlist_var("VCTX_.*")
        .clang_macro_fallback()
        .clang_macro_fallback_build_dir(&out)
        .parse_callbacks(Box::new(MacroTypes))
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()))
        .derive_default(true)
        .derive_debug(true)
        .layout_tests(true)
        .generate()
        .expect("bindgen could not parse include/uapi/vctx.h");
    bindings
        .write_to_file(out.join("vctx_abi.rs"))
        .expect("write vctx_abi.rs");
}
