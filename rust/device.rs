// SPDX-License-Identifier: GPL-2.0

//! ioctl dispatch for `/dev/vctx`: one small method per command.
//!
//! Each command reads its argument struct once ([`Arg::read`]), validates
//! the kernel copy, does its work and writes the answer once.

use kernel::{
    ioctl::{_IOC_SIZE, _IOWR},
    prelude::*,
};

use crate::ioctl_arg::Arg;
use crate::uapi::*;

/// The bits of an ioctl number that encode the argument size.
const IOC_SIZE_MASK: u32 = ((1 << 14) - 1) << 16;

/// Strips the size from an ioctl number: commands are matched on
/// direction, type and number, so a struct may grow (`ioctl_arg`).
const fn cmd_id(cmd: u32) -> u32 {
    cmd & !IOC_SIZE_MASK
}

const MAGIC: u32 = VCTX_IOC_MAGIC;
const VERSION: u32 = cmd_id(_IOWR::<vctx_version>(MAGIC, 0x00));

/// The features this build of the module implements.
const FEATURES: u64 = VCTX_FEAT_VERSION as u64;

/// Handles one ioctl on `/dev/vctx`.
pub(crate) fn ioctl(cmd: u32, arg: usize) -> Result<isize> {
    let arg = Arg::new(arg, _IOC_SIZE(cmd));
    match cmd_id(cmd) {
        VERSION => version(&arg),
        _ => Err(ENOTTY),
    }
}

/// `VCTX_IOC_VERSION`: the ABI version and feature bits. Unprivileged.
fn version(arg: &Arg) -> Result<isize> {
    let req: vctx_version = arg.read()?;
    if req.__pad != 0 || req.abi_version != 0 || req.features != 0 {
        return Err(EINVAL);
    }
    let out = vctx_version {
        size: req.size,
        abi_version: VCTX_ABI_VERSION,
        features: FEATURES,
        name_max: VCTX_NAME_MAX,
        path_max: VCTX_PATH_MAX,
        depth_max: VCTX_DEPTH_MAX,
        __pad: 0,
    };
    arg.write(&out)?;
    Ok(0)
}
