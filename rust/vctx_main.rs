// SPDX-License-Identifier: GPL-2.0

//! vctx: security contexts for Linux.
//!
//! Contexts are hierarchical, named groups of processes that a process can
//! enter but never leave. Userspace talks to the module through one misc
//! device, `/dev/vctx`, with the ioctls of `include/uapi/vctx.h`
//! (`Documentation/abi.rst`).
//!
//! Map of the crate:
//! - [`uapi`]: the ABI types, generated from the C header by bindgen;
//! - [`ioctl_arg`]: copy-in and copy-out of extensible ioctl structs;
//! - [`chardev`]: the misc device registration and its file operations;
//! - [`device`]: ioctl dispatch, one small method per command;
//! - [`layout`]: the C-vs-Rust layout self-check run before anything else.

use kernel::prelude::*;

mod chardev;
mod device;
mod ioctl_arg;
mod layout;
mod name;
mod uapi;

module! {
    type: VctxModule,
    name: "vctx",
    authors: ["vctx developers"],
    description: "vctx: hierarchical, inescapable security contexts",
    license: "GPL",
}

#[pin_data]
struct VctxModule {
    #[pin]
    dev: chardev::Registration,
}

impl kernel::InPlaceModule for VctxModule {
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            dev <- {
                layout::check()?;
                chardev::Registration::register(module)
            },
        })
    }
}
