// SPDX-License-Identifier: GPL-2.0

//! vctx: security contexts for Linux.
//!
//! Contexts are hierarchical, named groups of processes that a process can
//! enter but never leave. Userspace talks to the module through one misc
//! device, `/dev/vctx`, with the ioctls of `include/uapi/vctx.h`
//! (`Documentation/abi.rst`); the design is in `Documentation/design.rst`.
//!
//! Map of the crate: one folder per layer, lowest first. A file uses only
//! its own layer and the layers before it (`tools/check-layers` fails the
//! build's checks otherwise; `Documentation/design.rst`, "Code map:
//! layers", says why this order):
//! - [`abi`]: the ABI types (bindgen), extensible-struct copy-in/out, names
//!   and paths, the C-vs-Rust layout self-check — the only place raw user
//!   input becomes types;
//! - [`kern`]: raw kernel access over the C shim: tasks and pids, usage
//!   readings, counted cgroup references;
//! - [`model`]: what the state lock guards — the state and its lock, the
//!   context tree (registry), each context's member map and their lock-free index
//!   (RCU), pending forks, the event ring, and each subsystem's
//!   per-context data (counters, held namespaces, load);
//! - [`acct`]: accounting and limits, and what STAT, SNAPSHOT, LIST, INFO
//!   and PIDS report;
//! - [`ns`]: the namespaces a context holds;
//! - [`cgroup`]: contexts bound to cgroup v2 and the policy on them;
//! - [`virt`]: virtualized `/proc` views and `sysinfo(2)`, the per-context
//!   load average and its 5 s sampler;
//! - [`policy`]: isolation (what a member may see, signal, trace, name and
//!   change), capability masks, sealing, kill, wait, reboot(2);
//! - [`lifecycle`]: fork, exec, exit, reap and enter — the one file that
//!   changes several subsystems at once;
//! - [`dev`]: `/dev/vctx` — the misc device, the open file, dispatch and
//!   one file per command group;
//! - [`hooks`]: tracepoints and ftrace overrides, the only code that
//!   attaches to kernel internals.

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
