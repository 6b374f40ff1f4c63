// SPDX-License-Identifier: GPL-2.0

//! The hook layer: the only code that attaches to kernel internals.
//!
//! Each hook is one file holding its callback; the mechanisms (tracepoint
//! probes, ftrace overrides) are in their own files. Callbacks run in
//! atomic context: no sleeping, `GFP_ATOMIC` only. They find the module
//! state through [`crate::model::state::get`].
//!
//! | hook                          | mechanism  | file                  |
//! |-------------------------------|------------|-----------------------|
//! | `sched_process_fork`          | tracepoint | `hooks/sched.rs`      |
//! | `sched_process_exit`          | tracepoint | `hooks/sched.rs`      |
//! | `sched_process_exec`          | tracepoint | `hooks/sched.rs`      |
//! | `security_task_alloc` (deny: kill, limits) | ftrace | `hooks/fork_admission.rs` |
//! | `security_task_free` (observe)| ftrace     | `hooks/task_free.rs`  |
//! | `proc_pid_readdir` (members: filtered copy) | ftrace | `hooks/proc.rs` |
//! | `proc_pid_lookup`             | ftrace     | `hooks/proc.rs`       |
//! | `pid_getattr`                 | ftrace     | `hooks/proc.rs`       |
//! | `proc_pid_permission`         | ftrace     | `hooks/proc.rs`       |
//! | `security_task_kill`          | ftrace     | `hooks/signal.rs`     |
//! | `security_ptrace_access_check`| ftrace     | `hooks/signal.rs`     |
//! | `mm_access`                   | ftrace     | `hooks/signal.rs`     |
//! | `uptime_proc_show`            | ftrace     | `hooks/uptime.rs`     |
//! | `loadavg_proc_show`           | ftrace     | `hooks/loadavg.rs`    |
//! | `meminfo_proc_show`           | ftrace     | `hooks/meminfo.rs`    |
//! | `__x64_sys_sysinfo`           | ftrace     | `hooks/sysinfo.rs`    |
//! | `security_capable` (deny: mask) | ftrace   | `hooks/caps.rs`       |
//! | `security_bprm_committing_creds` (trim) | ftrace | `hooks/caps.rs` |
//! | `__x64_sys_reboot`            | ftrace     | `hooks/reboot.rs`     |
//! | `find_task_by_vpid`, `find_get_task_by_vpid` (NULL) | ftrace | `hooks/lookup.rs` |
//! | `find_vpid`, `find_get_pid` (NULL) | ftrace | `hooks/lookup.rs`     |
//! | `pidfd_prepare` (-ESRCH)      | ftrace     | `hooks/lookup.rs`     |
//! | `security_task_setnice` (0, then `set_user_nice` skipped) | ftrace | `hooks/prio.rs` |
//! | `set_user_nice` (skipped after the above) | ftrace | `hooks/prio.rs` |
//! | `security_task_getioprio` (-ESRCH) | ftrace | `hooks/prio.rs` |
//! | `set_task_ioprio` (0, skipped)| ftrace     | `hooks/prio.rs`       |
//! | `__x64_sys_getpriority` (members: filtered copy) | ftrace | `hooks/prio.rs` |
//! | `release_task` (observe)      | ftrace     | `hooks/reap.rs`       |
//! | `proc_sys_write` (-EPERM)     | ftrace     | `hooks/machine.rs`    |
//! | `write_sysrq_trigger` (-EPERM)| ftrace     | `hooks/machine.rs`    |
//! | `security_syslog` (-EPERM)    | ftrace     | `hooks/machine.rs`    |
//! | `devkmsg_write` (-EPERM)      | ftrace     | `hooks/machine.rs`    |
//! | `cgroup_attach_task` (deny)   | ftrace     | `hooks/cgroup.rs`     |
//! | `cgroup_file_write` (deny)    | ftrace     | `hooks/cgroup.rs`     |
//! | `cgroup_mkdir`, `cgroup_rmdir` (deny) | ftrace | `hooks/cgroup.rs` |
//! | `show_cpuinfo` (skip a CPU)   | ftrace     | `hooks/cpuview.rs`    |
//! | `show_stat`                   | ftrace     | `hooks/cpuview.rs`    |
//! | `show_cpus_attr` (`online`)   | ftrace     | `hooks/cpuview.rs`    |
//!
//! Teardown order (fields drop in declaration order): ftrace overrides
//! first (`unregister_ftrace_function` waits for callbacks and for tasks
//! preempted in the trampolines), then the tracepoint probes, then one
//! `tracepoint_synchronize_unregister()`; only then may the state go.

use kernel::prelude::*;

mod caps;
mod cgroup;
mod cpuview;
mod fork_admission;
mod ftrace;
mod guard;
mod loadavg;
mod lookup;
mod machine;
mod meminfo;
mod prio;
mod proc;
mod reboot;
mod reap;
mod sched;
mod signal;
mod task_free;
mod sysinfo;
mod tracepoint;
mod uptime;
mod virt_redirect;

/// All registered hooks. Dropping it removes them and waits for callbacks
/// in flight.
#[pin_data]
pub(crate) struct Hooks {
    #[pin]
    fork_admission: ftrace::FtraceHook,
    #[pin]
    task_free: ftrace::FtraceHook,
    #[pin]
    proc: proc::ProcHooks,
    #[pin]
    signal: signal::SignalHooks,
    #[pin]
    lookup: lookup::LookupHooks,
    #[pin]
    prio: prio::PrioHooks,
    #[pin]
    reap: ftrace::FtraceHook,
    #[pin]
    machine: machine::MachineHooks,
    #[pin]
    uptime: ftrace::FtraceHook,
    #[pin]
    loadavg: ftrace::FtraceHook,
    #[pin]
    meminfo: ftrace::FtraceHook,
    #[pin]
    sysinfo: ftrace::FtraceHook,
    #[pin]
    caps: caps::CapsHooks,
    #[pin]
    reboot: ftrace::FtraceHook,
    #[pin]
    cgroup: cgroup::CgroupHooks,
    #[pin]
    cpuview: cpuview::CpuViewHooks,
    fork: tracepoint::Probe,
    exit: tracepoint::Probe,
    exec: tracepoint::Probe,
    sync: tracepoint::SyncOnDrop,
}

impl Hooks {
    /// Registers every hook; on failure, what was registered is removed
    /// and the module refuses to load with the reason in the log.
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            sync: tracepoint::SyncOnDrop,
            exec: sched::register_exec()?,
            exit: sched::register_exit()?,
            fork: sched::register_fork()?,
            fork_admission <- fork_admission::register(),
            task_free <- task_free::register(),
            proc <- proc::ProcHooks::register(),
            signal <- signal::SignalHooks::register(),
            lookup <- lookup::LookupHooks::register(),
            prio <- prio::PrioHooks::register(),
            reap <- reap::register(),
            machine <- machine::MachineHooks::register(),
            uptime <- uptime::register(),
            loadavg <- loadavg::register(),
            meminfo <- meminfo::register(),
            sysinfo <- sysinfo::register(),
            caps <- caps::CapsHooks::register(),
            reboot <- reboot::register(),
            cgroup <- cgroup::CgroupHooks::register(),
            cpuview <- cpuview::CpuViewHooks::register(),
        })
    }
}
