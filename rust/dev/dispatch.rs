// SPDX-License-Identifier: GPL-2.0

//! ioctl dispatch for `/dev/vctx`: the command numbers, the feature bits,
//! `VCTX_IOC_VERSION`, and the match that hands every other command to
//! its group's file (`contexts`, `processes`, `stat`, `policy`, `ns`,
//! `cgroup`), one small method per command.
//!
//! Each command reads its argument struct once ([`Arg::read`]), validates
//! the kernel copy (flags, padding, output fields zero, names), does its
//! work and writes the answer once. Paths are resolved from the caller's
//! own context; permission is checked per command.

use kernel::{
    ioctl::{_IOC_SIZE, _IOW, _IOWR},
    prelude::*,
};

use crate::abi::ioctl_arg::Arg;
use crate::abi::uapi::*;
use crate::dev::open_file::Reader;
use crate::dev::{cgroup, contexts, ns, policy, processes, stat};
use crate::model::state;

/// The bits of an ioctl number that encode the argument size.
const IOC_SIZE_MASK: u32 = ((1 << 14) - 1) << 16;

/// Strips the size from an ioctl number: commands are matched on
/// direction, type and number, so a struct may grow (`ioctl_arg`).
const fn cmd_id(cmd: u32) -> u32 {
    cmd & !IOC_SIZE_MASK
}

const MAGIC: u32 = VCTX_IOC_MAGIC;
const VERSION: u32 = cmd_id(_IOWR::<vctx_version>(MAGIC, 0x00));
const CREATE: u32 = cmd_id(_IOWR::<vctx_create>(MAGIC, 0x01));
const DESTROY: u32 = cmd_id(_IOW::<vctx_destroy>(MAGIC, 0x02));
const RENAME: u32 = cmd_id(_IOW::<vctx_rename>(MAGIC, 0x03));
const LIST: u32 = cmd_id(_IOWR::<vctx_list>(MAGIC, 0x04));
const INFO: u32 = cmd_id(_IOWR::<vctx_info>(MAGIC, 0x05));
const ENTER: u32 = cmd_id(_IOW::<vctx_enter>(MAGIC, 0x06));
const PIDS: u32 = cmd_id(_IOWR::<vctx_pids>(MAGIC, 0x07));
const KILL: u32 = cmd_id(_IOWR::<vctx_kill>(MAGIC, 0x08));
const WAIT: u32 = cmd_id(_IOWR::<vctx_wait>(MAGIC, 0x09));
const STAT: u32 = cmd_id(_IOWR::<vctx_stat>(MAGIC, 0x0A));
const SNAPSHOT: u32 = cmd_id(_IOWR::<vctx_snapshot>(MAGIC, 0x0B));
const SET_LIMIT: u32 = cmd_id(_IOW::<vctx_set_limit>(MAGIC, 0x0C));
const CHECKPOINT: u32 = cmd_id(_IOWR::<vctx_checkpoint>(MAGIC, 0x0D));
const SET_FLAGS: u32 = cmd_id(_IOWR::<vctx_set_flags>(MAGIC, 0x10));
const SEAL: u32 = cmd_id(_IOWR::<vctx_seal>(MAGIC, 0x11));
const NS_SET: u32 = cmd_id(_IOW::<vctx_ns_set>(MAGIC, 0x12));
const NS_GET: u32 = cmd_id(_IOWR::<vctx_ns_get>(MAGIC, 0x13));
const NS_OPEN: u32 = cmd_id(_IOWR::<vctx_ns_open>(MAGIC, 0x14));
const SET_CAPS: u32 = cmd_id(_IOWR::<vctx_set_caps>(MAGIC, 0x20));
const CGROUP_SET: u32 = cmd_id(_IOW::<vctx_cgroup_set>(MAGIC, 0x30));
const CGROUP_GET: u32 = cmd_id(_IOWR::<vctx_cgroup_get>(MAGIC, 0x31));

/// The features this build of the module implements.
const FEATURES: u64 = (VCTX_FEAT_VERSION
    | VCTX_FEAT_CONTEXTS
    | VCTX_FEAT_MEMBERSHIP
    | VCTX_FEAT_KILL
    | VCTX_FEAT_WAIT
    | VCTX_FEAT_ISOLATION
    | VCTX_FEAT_ACCOUNTING
    | VCTX_FEAT_LIMITS
    | VCTX_FEAT_EVENTS
    | VCTX_FEAT_VIRT
    | VCTX_FEAT_NAMESPACES
    | VCTX_FEAT_SEAL
    | VCTX_FEAT_CAPS
    | VCTX_FEAT_REBOOT
    | VCTX_FEAT_CGROUP
    | VCTX_FEAT_CPUVIEW) as u64;

/// Handles one ioctl on `/dev/vctx`.
pub(crate) fn ioctl(reader: &Reader, cmd: u32, arg: usize) -> Result<isize> {
    let arg = Arg::new(arg, _IOC_SIZE(cmd));
    let st = state::get().ok_or(ENODEV)?;
    match cmd_id(cmd) {
        VERSION => version(&arg),
        CREATE => contexts::create(st, &arg),
        DESTROY => contexts::destroy(st, &arg),
        RENAME => contexts::rename(st, &arg),
        LIST => contexts::list(st, &arg),
        INFO => contexts::info(st, &arg),
        ENTER => processes::enter(st, &arg),
        PIDS => processes::pids(st, &arg),
        KILL => processes::kill(st, &arg),
        WAIT => processes::wait(st, &arg),
        STAT => stat::stat(st, reader, &arg),
        SNAPSHOT => stat::snapshot(st, &arg),
        SET_LIMIT => stat::set_limit(st, &arg),
        CHECKPOINT => stat::checkpoint(st, reader, &arg),
        SET_FLAGS => policy::set_flags(st, &arg),
        SEAL => policy::seal(st, &arg),
        NS_SET => ns::ns_set(st, reader, &arg),
        NS_GET => ns::ns_get(st, &arg),
        NS_OPEN => ns::ns_open(st, &arg),
        SET_CAPS => policy::set_caps(st, &arg),
        CGROUP_SET => cgroup::set(st, &arg),
        CGROUP_GET => cgroup::get(st, &arg),
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
