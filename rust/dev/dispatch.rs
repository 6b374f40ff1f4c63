// SPDX-License-Identifier: GPL-2.0

//! ioctl dispatch for `/dev/vctx`: one small method per command.
//!
//! Each command reads its argument struct once ([`Arg::read`]), validates
//! the kernel copy (flags, padding, output fields zero, names), does its
//! work and writes the answer once. Paths are resolved from the caller's
//! own context; permission is checked per command.

use kernel::{
    alloc::KVVec,
    ioctl::{_IOC_SIZE, _IOW, _IOWR},
    prelude::*,
    time::msecs_to_jiffies,
    transmute::AsBytes,
    uaccess::{UserPtr, UserSlice},
};

use crate::abi::ioctl_arg::Arg;
use crate::abi::name::{self, PATH_MAX};
use crate::abi::uapi::*;
use crate::acct::{accounting, listing, snapshot};
use crate::dev::command::{answer_array, check_entry_size, filled, lookup, read_path, require_admin, view};
use crate::dev::open_file::Reader;
use crate::dev::{cgroup, ns, stat};
use crate::kern::task::{self, TaskRef};
use crate::lifecycle;
use crate::model::context::ALL_CAPS;
use crate::model::{members, registry};
use crate::model::state::{self, State};
use crate::policy::{caps, kill, seal, wait};

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

/// The highest signal number (`_NSIG`).
const SIG_MAX: u32 = 64;

/// Handles one ioctl on `/dev/vctx`.
pub(crate) fn ioctl(reader: &Reader, cmd: u32, arg: usize) -> Result<isize> {
    let arg = Arg::new(arg, _IOC_SIZE(cmd));
    let st = state::get().ok_or(ENODEV)?;
    match cmd_id(cmd) {
        VERSION => version(&arg),
        CREATE => create(st, &arg),
        DESTROY => destroy(st, &arg),
        RENAME => rename(st, &arg),
        LIST => list(st, &arg),
        INFO => info(st, &arg),
        ENTER => enter(st, &arg),
        PIDS => pids(st, &arg),
        KILL => kill_cmd(st, &arg),
        WAIT => wait_cmd(st, &arg),
        STAT => stat::stat(st, reader, &arg),
        SNAPSHOT => stat::snapshot(st, &arg),
        SET_LIMIT => stat::set_limit(st, &arg),
        CHECKPOINT => stat::checkpoint(st, reader, &arg),
        SET_FLAGS => ns::set_flags(st, &arg),
        SEAL => ns::seal(st, &arg),
        NS_SET => ns::ns_set(st, reader, &arg),
        NS_GET => ns::ns_get(st, &arg),
        NS_OPEN => ns::ns_open(st, &arg),
        SET_CAPS => set_caps(st, &arg),
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

/// `VCTX_IOC_CREATE`. Needs CAP_SYS_ADMIN.
fn create(st: &State, arg: &Arg) -> Result<isize> {
    // `caps` came with VCTX_FEAT_CAPS.
    let mut req: vctx_create = arg.read_grown(core::mem::offset_of!(vctx_create, caps))?;
    if req.flags & !VCTX_CREATE_FLAGS != 0
        || (req.flags & VCTX_CREATE_CAPS == 0 && req.caps != 0)
        || req.ctx_flags & !VCTX_CTX_SETTABLE != 0
        || req.__pad != 0
        || req.id != 0
        || req.name.iter().any(|&c| c != 0)
    {
        return Err(EINVAL);
    }
    let mask = if req.flags & VCTX_CREATE_CAPS != 0 { req.caps } else { ALL_CAPS };
    caps::check_valid(mask)?;
    let names = read_path(&req.path)?;
    require_admin()?;
    let view = view(st)?;
    seal::check_create(st, &view, req.ctx_flags)?;
    caps::note_mask(st, mask);
    let ctx = registry::create_with_caps(st, &view, &names, req.flags, req.ctx_flags, mask)?;
    req.id = ctx.id;
    let inner = st.lock.lock();
    ctx.st.access(&inner).name.to_abi(&mut req.name);
    drop(inner);
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_DESTROY`. Needs CAP_SYS_ADMIN.
fn destroy(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_destroy = arg.read()?;
    if req.flags != 0 {
        return Err(EINVAL);
    }
    let names = read_path(&req.path)?;
    require_admin()?;
    registry::destroy(st, &view(st)?, &names)?;
    Ok(0)
}

/// `VCTX_IOC_RENAME`. Needs CAP_SYS_ADMIN.
fn rename(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_rename = arg.read()?;
    if req.flags != 0 {
        return Err(EINVAL);
    }
    let names = read_path(&req.path)?;
    let new = name::from_abi(&req.new_name)?;
    require_admin()?;
    registry::rename(st, &view(st)?, &names, new)?;
    Ok(0)
}

/// `VCTX_IOC_LIST`. Unprivileged within the caller's subtree.
fn list(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_list = arg.read()?;
    if req.flags & !VCTX_LIST_FLAGS != 0 || req.__pad != 0 || req.count != 0 {
        return Err(EINVAL);
    }
    check_entry_size(req.entry_size)?;
    let recursive = req.flags & VCTX_LIST_RECURSIVE != 0;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let entries = loop {
        let n = listing::count(&st.lock.lock(), &ctx, recursive);
        let mut out = KVVec::with_capacity(n, GFP_KERNEL)?;
        let mut index = KVVec::with_capacity(n, GFP_KERNEL)?;
        let inner = st.lock.lock();
        match listing::fill(&inner, &ctx, &view, 0, recursive, &mut out) {
            Ok(()) => {}
            Err(e) if e == EAGAIN => continue,
            Err(e) => return Err(e),
        }
        listing::add_threads(&inner, &mut out, &mut index);
        break out;
    };
    req.count = entries.len() as u32;
    answer_array(arg, &req, req.capacity, req.entries, req.entry_size, &entries)
}

/// `VCTX_IOC_INFO`. Unprivileged within the caller's subtree.
fn info(st: &State, arg: &Arg) -> Result<isize> {
    // `entry.caps` came with VCTX_FEAT_CAPS.
    let mut req: vctx_info =
        arg.read_grown(core::mem::offset_of!(vctx_info, entry) + core::mem::offset_of!(vctx_entry, caps))?;
    if req.flags & !VCTX_INFO_FLAGS != 0 || req.__pad != 0 || req.path_len != 0 {
        return Err(EINVAL);
    }
    if req.entry.as_bytes().iter().any(|&b| b != 0) {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = if req.flags & VCTX_INFO_BY_PID != 0 {
        if req.path.ptr != 0 || req.path.len != 0 || req.path.__pad != 0 {
            return Err(EINVAL);
        }
        let t = TaskRef::find(req.pid).ok_or(ESRCH)?;
        let inner = st.lock.lock();
        let ctx = members::context_of(&inner, t.key())?;
        if !ctx.is_within(&view) {
            return Err(ESRCH);
        }
        ctx
    } else {
        if req.pid != 0 {
            return Err(EINVAL);
        }
        lookup(st, &view, &req.path)?
    };
    let mut path = KVec::with_capacity(PATH_MAX + 1, GFP_KERNEL)?;
    {
        let inner = st.lock.lock();
        req.entry = listing::entry(&inner, &ctx, &view, 0);
        req.entry.nr_threads = listing::threads_in(&inner, ctx.id);
        registry::path_of(&inner, &ctx, &view, &mut path)?;
    }
    req.path_len = path.len() as u32;
    if req.path_buf != 0 {
        if path.len() + 1 > req.path_buf_len as usize {
            arg.write(&req)?;
            return Err(ERANGE);
        }
        path.push(0, GFP_KERNEL)?;
        UserSlice::new(UserPtr::from_addr(req.path_buf as usize), path.len())
            .writer()
            .write_slice(&path)?;
    }
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_ENTER`. Moving another process needs CAP_SYS_ADMIN.
fn enter(st: &State, arg: &Arg) -> Result<isize> {
    let req: vctx_enter = arg.read()?;
    if req.flags != 0 || req.__pad != 0 || req.pid < 0 {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let to = lookup(st, &view, &req.path)?;
    let target = TaskRef::find(req.pid).ok_or(ESRCH)?;
    let mask = to.st.access(&st.lock.lock()).caps;
    if !target.is_current_group() {
        require_admin()?;
        // Another process's credentials cannot be changed from here: it
        // may come in only if it holds nothing the mask lacks.
        if target.group_caps() & !mask != 0 {
            return Err(EPERM);
        }
        lifecycle::enter(st, &view, &to, &target)?;
        return Ok(0);
    }
    // The caller's own thread is trimmed to the mask (its other threads,
    // if any, are held to it by the capable hook). Prepared first, so that
    // a failure leaves the caller where it was.
    let creds = task::TrimmedCreds::prepare(mask)?;
    lifecycle::enter(st, &view, &to, &target)?;
    creds.commit();
    Ok(0)
}

/// `VCTX_IOC_SET_CAPS`. Needs CAP_SYS_ADMIN, from above the context.
fn set_caps(st: &State, arg: &Arg) -> Result<isize> {
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

/// `VCTX_IOC_PIDS`. Unprivileged within the caller's subtree.
fn pids(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_pids = arg.read()?;
    if req.flags & !VCTX_LIST_FLAGS != 0 || req.__pad != 0 || req.count != 0 {
        return Err(EINVAL);
    }
    check_entry_size(req.entry_size)?;
    let recursive = req.flags & VCTX_LIST_RECURSIVE != 0;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let entries = filled(
        st,
        |_| st.nr_members.load(kernel::sync::atomic::Relaxed) + 1,
        |inner, out| listing::pids(inner, &ctx, recursive, out),
    )?;
    req.count = entries.len() as u32;
    answer_array(arg, &req, req.capacity, req.entries, req.entry_size, &entries)
}

/// `VCTX_IOC_KILL`. Needs CAP_SYS_ADMIN.
fn kill_cmd(st: &State, arg: &Arg) -> Result<isize> {
    let mut req: vctx_kill = arg.read()?;
    if req.flags != 0
        || req.signal > SIG_MAX
        || req.then_signal > SIG_MAX
        || (req.then_signal == 0 && req.grace_ms != 0)
        || req.signalled != 0
        || req.escalated != 0
    {
        return Err(EINVAL);
    }
    require_admin()?;
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    let (signalled, escalated) = kill::kill(st, &ctx, req.signal, req.then_signal, req.grace_ms)?;
    req.signalled = signalled;
    req.escalated = escalated;
    arg.write(&req)?;
    Ok(0)
}

/// `VCTX_IOC_WAIT`. Unprivileged within the caller's subtree.
fn wait_cmd(st: &State, arg: &Arg) -> Result<isize> {
    // The final record (from `totals` on) came with VCTX_FEAT_ACCOUNTING.
    let mut req: vctx_wait = arg.read_grown(core::mem::offset_of!(vctx_wait, totals))?;
    if req.flags != 0
        || req.lifetime_ns != 0
        || req.total_processes != 0
        || req.id != 0
        || req.totals.as_bytes().iter().any(|&b| b != 0)
        || req.limits.iter().any(|l| l.as_bytes().iter().any(|&b| b != 0))
        || req.reason != 0
        || req.__pad != 0
    {
        return Err(EINVAL);
    }
    let view = view(st)?;
    let ctx = lookup(st, &view, &req.path)?;
    if ctx.id == view.id {
        // The caller is a member of its own context: it would wait for ever.
        return Err(EDEADLK);
    }
    let timeout = match req.timeout_ms {
        u64::MAX => None,
        ms => Some(msecs_to_jiffies(ms.min(u64::from(u32::MAX)) as u32)),
    };
    if !wait::until_empty(st, &ctx, timeout)? {
        return Err(ETIMEDOUT);
    }
    // The final record: the subtree's lifetime figures (live ones are
    // zero: it is empty, unless it refilled since the wait returned).
    let (_, sub) = accounting::reading(st, &ctx)?;
    let inner = st.lock.lock();
    let s = ctx.st.access(&inner);
    let end = if s.emptied_ns != 0 { s.emptied_ns } else { state::now_ns() };
    req.id = ctx.id;
    req.lifetime_ns = end.saturating_sub(ctx.created_ns);
    req.total_processes = listing::subtree_total(&inner, &ctx);
    req.totals = sub;
    req.limits = snapshot::limits_of(&inner, &ctx, snapshot::held_of(&sub), None);
    req.reason = s.end_reason;
    drop(inner);
    arg.write(&req)?;
    Ok(0)
}
