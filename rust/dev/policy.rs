// SPDX-License-Identifier: GPL-2.0

//! The policy commands of `/dev/vctx`: SET_FLAGS, SEAL and SET_CAPS (the
//! seal rules, capability masks), dispatched by [`crate::dev::dispatch`].

use kernel::prelude::*;

use crate::abi::ioctl_arg::Arg;
use crate::abi::uapi::*;
use crate::dev::command::{lookup, require_admin, view};
use crate::model::state::State;
use crate::policy::{caps, seal};

/// `VCTX_IOC_SET_FLAGS`. Needs CAP_SYS_ADMIN; the seal rules of [`seal`].
pub(crate) fn set_flags(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_set_flags = arg.read()?;
    if req.flags != 0
        || req.__pad != 0
        || req.ctx_flags != 0
        || (req.set | req.clear) & !VCTX_CTX_SETTABLE != 0
        || req.set & req.clear != 0
    {
        return Err(EINVAL);
    }
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    req.ctx_flags = seal::set_flags(st, &view, &ctx, req.set, req.clear)?;
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_SEAL`. Needs CAP_SYS_ADMIN.
pub(crate) fn seal(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_seal = arg.read()?;
    if req.flags != 0 || req.id != 0 {
        return Err(EINVAL);
    }
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    seal::seal(st, &ctx)?;
    req.id = ctx.id;
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_SET_CAPS`. Needs CAP_SYS_ADMIN, from above the context.
pub(crate) fn set_caps(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_set_caps = arg.read()?;
    if req.flags != 0 || req.old_caps != 0 {
        return Err(EINVAL);
    }
    caps::check_valid(req.caps)?;
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    req.old_caps = caps::set(st, &view, &ctx, req.caps)?;
    arg.write(&req)?;
    Ok(0)
}
