// SPDX-License-Identifier: GPL-2.0

//! Virtualized `/proc` views (issue 6): what `/proc/uptime`,
//! `/proc/loadavg`, `/proc/meminfo` and `sysinfo(2)` say to a process in a
//! context, and the per-context load average behind them
//! (`Documentation/virt.rst`).
//!
//! A process sees its own context's figures unless it is in the root (the
//! host) or its context has `VCTX_CTX_NOVIRT`. The hooks
//! (`hooks/{uptime,loadavg,meminfo,sysinfo}.rs`) ask [`decide`] in their
//! ftrace callback; if it says yes, the call is redirected to a
//! replacement in `hooks/shim_virt.c`, which asks the `vctx_virt_*`
//! functions below for the figures.
//!
//! Load: every `LOAD_FREQ` (5 s) the sampler ([`crate::virt::sampler`]) counts,
//! for every member process, its threads that are runnable or
//! uninterruptible, adds them to its context and every ancestor, and
//! folds each context's count into its 1/5/15-minute averages with the
//! kernel's own `calc_load()` (`kernel/sched/loadavg.c`).

use kernel::{
    bindings,
    prelude::*,
    sync::{atomic::Relaxed, Arc},
};

use crate::abi::uapi::VCTX_CTX_NOVIRT;
use crate::acct::accounting;
use crate::kern::task::{self, PidRef};
use crate::model::context::Context;
use crate::model::members;
use crate::model::state::{self, Inner, State};

#[expect(
    improper_ctypes,
    reason = "only pointers to kernel structs cross; C owns their layout"
)]
extern "C" {
    fn vctx_group_load(tgid: *mut bindings::pid, running: *mut u32, active: *mut u32, threads: *mut u32);
    fn vctx_host_avenrun(avg: *mut u64);
}

/// Bits of fraction of a load figure (`FSHIFT`).
pub(crate) const FSHIFT: u32 = 11;
/// 1.0 as a load figure (`FIXED_1`).
pub(crate) const FIXED_1: u64 = 1 << FSHIFT;
/// `EXP_1`, `EXP_5`, `EXP_15`: 1/exp(5 s / 1, 5, 15 min) in fixed point.
const EXP: [u64; 3] = [1884, 2014, 2037];

/// One step of an exponentially decaying average, exactly as the kernel's
/// `calc_load()`: `load * exp + active * (1 - exp)`, rounded up while the
/// load rises. `active` is a task count times [`FIXED_1`].
pub(crate) fn calc_load(load: u64, exp: u64, active: u64) -> u64 {
    let mut new = load * exp + active * (FIXED_1 - exp);
    if active >= load {
        new += FIXED_1 - 1;
    }
    new / FIXED_1
}

/// A context's load, as `/proc/loadavg` inside it shows it.
#[derive(Default)]
pub(crate) struct LoadAvg {
    /// 1, 5 and 15-minute averages, fixed point: 1.0 is 2048.
    pub(crate) avg: [u64; 3],
    /// Subtree tasks runnable now.
    pub(crate) nr_running: u32,
    /// The latest process created in the subtree (0: none).
    pub(crate) last_pid: i32,
}

/// Threads of one process: (runnable, counted in the load, all).
fn group_load(pid: &PidRef) -> (u32, u32, u32) {
    let (mut running, mut active, mut threads) = (0, 0, 0);
    // SAFETY: `pid` holds a reference to a valid `struct pid`; the shim
    // looks its task up under RCU and only adds to the three counters.
    unsafe { vctx_group_load(pid.as_ptr(), &mut running, &mut active, &mut threads) };
    (running, active, threads)
}

/// Runnable and total tasks of `ctx`'s subtree now.
fn tasks_now(inner: &Inner, ctx: &Context) -> (u32, u32) {
    let (mut running, mut threads) = (0u32, 0u32);
    members::each(inner, ctx, |_, m| {
        let (r, _, t) = group_load(&m.pid);
        running = running.saturating_add(r);
        threads = threads.saturating_add(t);
    });
    (running, threads)
}

/// The load of `ctx`'s subtree, with the state lock held; the root's is
/// the host's averages (its runnable count and last pid are not kept: 0).
pub(crate) fn load_locked(inner: &Inner, ctx: &Context) -> LoadAvg {
    if ctx.parent.is_none() {
        let mut avg = [0u64; 3];
        // SAFETY: `avg` has room for the three averages the shim writes.
        unsafe { vctx_host_avenrun(avg.as_mut_ptr()) };
        return LoadAvg { avg, ..Default::default() };
    }
    let load = &ctx.st.access(inner).load;
    LoadAvg {
        avg: load.avg(),
        nr_running: tasks_now(inner, ctx).0,
        last_pid: load.last_pid.load(Relaxed),
    }
}

/// The load of `ctx`'s subtree. Takes the state lock: call it without.
#[allow(dead_code, reason = "for VCTX_IOC_STAT (issue 5), merged separately")]
pub(crate) fn load_of(ctx: &Context) -> LoadAvg {
    let Some(st) = state::get() else {
        return LoadAvg::default();
    };
    let inner = st.lock.lock();
    load_locked(&inner, ctx)
}

/// The fork hook's part: `pid` (in the initial pid namespace's numbering)
/// is the latest process of `ctx`'s subtree.
pub(crate) fn record_fork(inner: &Inner, ctx: &Context, pid: i32) {
    for c in ctx.ancestors_and_self().filter(|c| c.parent.is_some()) {
        c.st.access(inner).load.last_pid.store(pid, Relaxed);
    }
}

/// One load sampling round (every `LOAD_FREQ`, from [`crate::virt::sampler`])
/// over `ctxs`, the tree's contexts in pre-order
/// (`crate::model::members::contexts`): count every member process's
/// active tasks into its context and its ancestors, and fold each
/// context's count into its averages.
///
/// No hold of the lock covers the tree: each context takes one of its own
/// (its own members' counts, then its fold), with a resched point between
/// contexts. The walk goes backwards, so a context's descendants, which
/// add to its count, are done before it is folded. A context created
/// during the round waits for the next one; a process moved during it may
/// count in two contexts or in none for that round (the kernel's own
/// `calc_load()` samples per-CPU counts as loosely).
pub(crate) fn sample_load(state: &State, ctxs: &[Arc<Context>]) {
    // The root is neither counted nor folded: its load is the host's.
    for c in ctxs.iter().rev().filter(|c| c.parent.is_some()) {
        {
            let inner = state.lock.lock();
            if c.st.access(&inner).linked() {
                count_active(&inner, c);
                fold(&inner, c);
            }
        }
        task::cond_resched();
    }
}

/// Adds the active tasks of `ctx`'s own members to the round's count of
/// `ctx` and its ancestors (up to, not including, the root).
fn count_active(inner: &Inner, ctx: &Context) {
    for m in ctx.st.access(inner).members.values() {
        let (_, active, _) = group_load(&m.pid);
        if active == 0 {
            continue;
        }
        for c in ctx.ancestors_and_self().filter(|c| c.parent.is_some()) {
            let load = &c.st.access(inner).load;
            let sum = load.active.load(Relaxed).saturating_add(active);
            load.active.store(sum, Relaxed);
        }
    }
}

/// Folds the round's count of `ctx` into its averages and starts the next.
fn fold(inner: &Inner, ctx: &Context) {
    let load = &ctx.st.access(inner).load;
    let active = u64::from(load.active.xchg(0, Relaxed)) * FIXED_1;
    for (a, exp) in load.avg.iter().zip(EXP) {
        a.store(calc_load(a.load(Relaxed), exp, active), Relaxed);
    }
}

/// Which view a hooked function shows.
#[derive(Clone, Copy)]
pub(crate) enum View {
    /// `/proc/uptime`.
    Uptime,
    /// `/proc/loadavg`.
    Loadavg,
    /// `/proc/meminfo`: virtualized only under an rss limit.
    Meminfo,
    /// `sysinfo(2)`.
    Sysinfo,
    /// `/proc/cpuinfo`, `/proc/stat`, `/sys/devices/system/cpu/online`:
    /// virtualized only for a context bound to a cgroup (the CPUs seen
    /// follow its cpuset and cpu.max; `hooks/cpuview.rs`).
    Cpus,
}

/// The context whose figures the caller sees, if any: its own, unless it
/// is the root or has `VCTX_CTX_NOVIRT`.
fn viewer(st: &State, inner: &Inner) -> Option<Arc<Context>> {
    let ctx = members::find(st, inner, task::current_key())?;
    let virt = ctx.parent.is_some() && ctx.st.access(inner).flags() & VCTX_CTX_NOVIRT == 0;
    virt.then_some(ctx)
}

/// The ftrace callbacks' decision: does the caller see `view` virtualized?
/// Takes the state lock only for a member (a process of the root: one
/// lookup in the index); allocates and frees nothing.
pub(crate) fn decide(st: &State, view: View) -> bool {
    if st.nr_members.load(Relaxed) == 0 || !st.is_member(task::current_key()) {
        return false;
    }
    let inner = st.lock.lock();
    match (viewer(st, &inner), view) {
        (None, _) => false,
        (Some(ctx), View::Meminfo) => {
            accounting::rss_limit(&inner, &ctx).is_some() || crate::cgroup::binding::effective(&inner, &ctx).is_some()
        }
        (Some(ctx), View::Cpus) => crate::cgroup::binding::effective(&inner, &ctx).is_some(),
        (Some(_), _) => true,
    }
}

/// For the shim: the caller's context's creation time (CLOCK_BOOTTIME, ns);
/// false if the caller sees the host's.
///
/// # Safety
///
/// `created_ns` must be valid for a write.
#[no_mangle]
unsafe extern "C" fn vctx_virt_uptime(created_ns: *mut u64) -> bool {
    let Some(st) = state::get() else { return false };
    let inner = st.lock.lock();
    let Some(ctx) = viewer(st, &inner) else { return false };
    // SAFETY: valid for a write, by the function's contract.
    unsafe { created_ns.write(ctx.created_ns) };
    true
}

/// For the shim: the caller's context's load averages (`avg`, three of
/// them), runnable and total tasks and the latest pid of its subtree;
/// false (and nothing written) if the caller sees the host's.
///
/// # Safety
///
/// `avg` must be valid for three writes, the others for one.
#[no_mangle]
unsafe extern "C" fn vctx_virt_loadavg(
    avg: *mut u64,
    running: *mut u32,
    threads: *mut u32,
    last_pid: *mut i32,
) -> bool {
    let Some(st) = state::get() else { return false };
    let inner = st.lock.lock();
    let Some(ctx) = viewer(st, &inner) else { return false };
    let load = load_locked(&inner, &ctx);
    let (_, nr_threads) = tasks_now(&inner, &ctx);
    // SAFETY: valid for these writes, by the function's contract.
    unsafe {
        for (i, a) in load.avg.iter().enumerate() {
            avg.add(i).write(*a);
        }
        running.write(load.nr_running);
        threads.write(nr_threads);
        last_pid.write(load.last_pid);
    }
    true
}

/// For the shim: the caller's context's memory, in bytes: its tightest
/// limit (`total`) — the rss limit, or the memory.max in effect for its
/// cgroup (issue 13) if that is lower — and what that limit counts
/// (`used`: its rss, or its cgroup's memory.current); false if it has no
/// limit or the caller sees the host's.
///
/// # Safety
///
/// `total` and `used` must be valid for a write.
#[no_mangle]
unsafe extern "C" fn vctx_virt_mem(total: *mut u64, used: *mut u64) -> bool {
    let Some(st) = state::get() else { return false };
    let (ctx, limit, cg) = {
        let inner = st.lock.lock();
        let Some(ctx) = viewer(st, &inner) else { return false };
        let cg = crate::cgroup::binding::effective(&inner, &ctx).map(|(g, _)| g.clone_ref());
        let limit = accounting::rss_limit(&inner, &ctx);
        (ctx, limit, cg)
    };
    // Read without the state lock; the reference is put here too.
    let mem = cg.and_then(|g| g.memory());
    let (t, u) = match (limit, mem) {
        (Some(l), Some((max, _))) if l < max => (l, accounting::rss_bytes(st, &ctx)),
        (_, Some((max, usage))) => (max, usage),
        (Some(l), None) => (l, accounting::rss_bytes(st, &ctx)),
        (None, None) => return false,
    };
    // SAFETY: valid for a write, by the function's contract.
    unsafe {
        total.write(t);
        used.write(u);
    }
    true
}

#[kunit_tests(vctx_virt)]
mod tests {
    use super::*;
    use crate::abi::name::split;
    use crate::abi::uapi::VCTX_CREATE_PARENTS;
    use crate::model::registry;

    /// The kernel's load after `n` rounds of `tasks` active from 0.
    fn after(n: u32, tasks: u64, exp: u64) -> u64 {
        (0..n).fold(0, |load, _| calc_load(load, exp, tasks * FIXED_1))
    }

    #[test]
    fn calc_load_matches_the_kernel() {
        // One active task for one round: 2048 * (2048 - 1884) / 2048,
        // rounded up while rising.
        assert_eq!(calc_load(0, EXP[0], FIXED_1), 164);
        // Steady state is exact.
        assert_eq!(calc_load(3 * FIXED_1, EXP[0], 3 * FIXED_1), 3 * FIXED_1);
        // 30 s (6 rounds) of 3 tasks: 3 * (1 - e^-0.5) = 1.18.
        let l = after(6, 3, EXP[0]);
        assert!(l > 115 * FIXED_1 / 100 && l < 122 * FIXED_1 / 100);
        // Decays towards 0 and reaches it (no stuck rounding).
        let mut l = FIXED_1;
        for _ in 0..400 {
            l = calc_load(l, EXP[0], 0);
        }
        assert_eq!(l, 0);
        // The 15-minute average moves slowest.
        assert!(after(6, 3, EXP[2]) < after(6, 3, EXP[1]));
    }

    #[test]
    fn novirt_is_inherited_and_loads_decay() -> Result {
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        let nv = registry::create(&st, &root, &split(b"/nv")?, 0, VCTX_CTX_NOVIRT)?;
        let child = registry::create(&st, &root, &split(b"/nv/c")?, 0, 0)?;
        let deep = registry::create(&st, &root, &split(b"/nv/c/d/e")?, VCTX_CREATE_PARENTS, 0)?;
        let plain = registry::create(&st, &root, &split(b"/p")?, 0, 0)?;
        {
            let inner = st.lock.lock();
            for c in [&nv, &child, &deep] {
                assert_ne!(c.st.access(&inner).flags() & VCTX_CTX_NOVIRT, 0);
            }
            assert_eq!(plain.st.access(&inner).flags() & VCTX_CTX_NOVIRT, 0);
            // A load with nobody active decays by one kernel step a round.
            plain.st.access(&inner).load.avg[0].store(FIXED_1, Relaxed);
            record_fork(&inner, &deep, 42);
        }
        sample_load(&st, &members::contexts(&st, &root)?);
        let inner = st.lock.lock();
        assert_eq!(load_locked(&inner, &plain).avg[0], calc_load(FIXED_1, EXP[0], 0));
        // The latest pid is the subtree's: the context and its ancestors.
        assert_eq!(load_locked(&inner, &deep).last_pid, 42);
        assert_eq!(load_locked(&inner, &nv).last_pid, 42);
        assert_eq!(load_locked(&inner, &plain).last_pid, 0);
        Ok(())
    }

    #[test]
    fn a_member_counts_in_its_context_and_each_ancestor_in_the_same_round() -> Result {
        use crate::kern::usage::Usage;
        use crate::model::state::Member;
        let st = KBox::pin_init(State::new(crate::model::events::Ring::new()?), GFP_KERNEL)?;
        st.init_root()?;
        let root = st.lock.lock().root()?.clone();
        let a = registry::create(&st, &root, &split(b"/a")?, 0, 0)?;
        let deep = registry::create(&st, &root, &split(b"/a/b/c")?, VCTX_CREATE_PARENTS, 0)?;
        let other = registry::create(&st, &root, &split(b"/o")?, 0, 0)?;
        // The running test thread, as a member of /a/b/c under a key that
        // nothing looks up: it is runnable now, so it counts as active.
        // SAFETY: the current task is valid.
        let pid = unsafe { PidRef::tgid_of(task::current()) };
        let node = kernel::rbtree::RBTreeNode::new(1, Member::new(deep.clone(), pid, Usage::default()), GFP_KERNEL)?;
        deep.st.access_mut(&mut st.lock.lock()).members.insert(node);
        sample_load(&st, &members::contexts(&st, &root)?);
        let inner = st.lock.lock();
        let one = calc_load(0, EXP[0], FIXED_1);
        // Folded after its descendants added to it: the same in each.
        for c in [&deep, deep.parent.as_ref().ok_or(EINVAL)?, &a] {
            assert_eq!(load_locked(&inner, c).avg[0], one);
        }
        assert_eq!(load_locked(&inner, &other).avg[0], 0);
        // And the count starts again from 0 for the next round.
        assert_eq!(deep.st.access(&inner).load.active.load(Relaxed), 0);
        assert_eq!(a.st.access(&inner).load.active.load(Relaxed), 0);
        Ok(())
    }
}
