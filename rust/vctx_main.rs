// SPDX-License-Identifier: GPL-2.0

//! vctx: security contexts for Linux.
//!
//! Contexts are hierarchical, named groups of processes that a process can
//! enter but never leave. Userspace talks to the module through one misc
//! device, `/dev/vctx`, with the ioctls of `include/uapi/vctx.h`
//! (`Documentation/abi.rst`); the design is in `Documentation/design.rst`.
//!
//! Map of the crate:
//! - [`uapi`]: the ABI types, generated from the C header by bindgen;
//! - [`ioctl_arg`]: copy-in and copy-out of extensible ioctl structs;
//! - [`chardev`]: the misc device registration and its file operations;
//! - [`device`]: ioctl dispatch, one small method per command;
//! - [`state`]: the global state and its one lock;
//! - [`context`], [`name`], [`registry`]: the tree of named contexts;
//! - [`membership`]: which process is in which context;
//! - [`index`]: the same, read by the hooks without a lock (RCU);
//! - [`isolation`]: what a process may see, signal, trace and name in a
//!   syscall, and what machine-wide state a member may not change;
//! - [`kill`], [`wait`], [`listing`]: what the commands do;
//! - [`namespaces`], [`seal`], [`ns_ioctl`]: contexts as containers —
//!   the namespaces a context holds, sealing, flag changes;
//! - [`caps`]: capability masks, what a context's processes can hold;
//! - [`reboot`]: reboot(2) inside a context ends the context;
//! - [`cgroup`], [`cgroup_ioctl`]: contexts bound to cgroup v2 and the
//!   policy that keeps members in their cgroup;
//! - [`task`]: the task and pid accessors (over the C shim);
//! - [`hooks`]: tracepoints and ftrace overrides, the only code that
//!   attaches to kernel internals;
//! - [`virt`]: virtualized `/proc/uptime`, `loadavg`, `meminfo` and
//!   `sysinfo(2)` inside a context, and the per-context load average;
//! - [`sampler`]: the periodic (5 s) tick that samples the load;
//! - [`layout`]: the C-vs-Rust layout self-check run before anything else.

use kernel::prelude::*;

// The layers, lowest first: each uses only itself and the ones above
// this line of it (tools/check-layers enforces the order).
mod abi;
mod kern;
mod model;
mod acct;
mod ns;
mod cgroup;
mod virt;
mod policy;
mod lifecycle;
mod dev;
mod hooks;

module! {
    type: VctxModule,
    name: "vctx",
    authors: ["vctx developers"],
    description: "vctx: hierarchical, inescapable security contexts",
    license: "GPL",
}

/// The state, published to the hooks for as long as it lives.
struct Published(Pin<KBox<model::state::State>>);

impl Drop for Published {
    fn drop(&mut self) {
        self.0.unpublish();
    }
}

/// The module. Fields are dropped in declaration order: the device first
/// (no new ioctl), then the hooks (no callback runs after), then the
/// sampler (no tick runs after), then the state.
#[pin_data]
struct VctxModule {
    #[pin]
    dev: dev::device::Registration,
    #[pin]
    hooks: hooks::Hooks,
    sampler: virt::sampler::Sampler,
    state: Published,
}

impl kernel::InPlaceModule for VctxModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            state: {
                abi::layout::check()?;
                let st = KBox::pin_init(model::state::State::new(model::events::Ring::new()?), GFP_KERNEL)?;
                st.init_root()?;
                st.publish();
                Published(st)
            },
            sampler: virt::sampler::Sampler::start()?,
            hooks <- hooks::Hooks::register(),
            dev <- dev::device::Registration::register::<Self>(),
        })
    }
}
