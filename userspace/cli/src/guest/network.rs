//! A guest's network (`net` in its configuration, `--net` of `guest
//! create`; `Documentation/guests.rst`): what the supervisor sets up in the
//! guest's network namespace between `vctx exec` making it and the init
//! starting (`crate::sys::handshake`), and takes down after each boot.
//!
//! - `none`: `lo` up, nothing else;
//! - `veth...`: also the veth pair `vx-NAME` / `eth0` (`crate::sys::net`);
//! - `host`: nothing (the host's namespace is shared).

use std::fs::File;

use anyhow::Context as _;
use serde::Serialize;
use vctx_lib::{Device, NsType};

use crate::spec::netspec::{self, NetSpec};
use crate::sys::net::{self, IfState};

/// The host end of guest `name`'s veth pair.
pub fn host_ifname(name: &str) -> String {
    netspec::host_ifname(name)
}

/// Before a guest starts (or is created): what can be checked without
/// making anything — its bridge exists, the host end's name is free.
pub fn precheck(name: &str, spec: &NetSpec) -> anyhow::Result<()> {
    if let NetSpec::Veth(v) = spec {
        net::check(&host_ifname(name), v)?;
    }
    Ok(())
}

/// The network namespace the context `path` holds.
fn netns(device: &Device, path: &str) -> anyhow::Result<File> {
    let t = NsType::by_name("net").context("the ABI has no net namespace type")?;
    let (fd, _) = device
        .ns_open(path, t)
        .with_context(|| format!("{path}: its network namespace"))?;
    Ok(File::from(fd))
}

/// Sets up guest `name`'s network in the namespace its context `path`
/// holds (made by its `vctx exec`, nothing running in it yet). On failure
/// nothing of it is left on the host.
pub fn setup(device: &Device, name: &str, path: &str, spec: &NetSpec) -> anyhow::Result<()> {
    match spec {
        NetSpec::Host => Ok(()),
        NetSpec::None => {
            let ns = netns(device, path)?;
            net::in_netns(&ns, net::loopback_up)
        }
        NetSpec::Veth(v) => {
            let ns = netns(device, path)?;
            net::setup_veth(&ns, &host_ifname(name), v)
        }
    }
}

/// Takes guest `name`'s host end down (and so its pair), if it has one.
pub fn teardown(name: &str, spec: &NetSpec) -> anyhow::Result<()> {
    if let NetSpec::Veth(_) = spec {
        net::remove(&host_ifname(name))?;
    }
    Ok(())
}

/// What `guest status` shows of a guest's network.
#[derive(Debug, Default, Serialize)]
pub struct NetStatus {
    /// The configured mode (`net`).
    pub mode: String,
    /// The host end, if the pair exists.
    pub host: Option<IfState>,
    /// `eth0` inside, if it runs.
    pub guest: Option<IfState>,
}

/// The live state of guest `name`'s network (`running`: its context holds
/// namespaces to look into).
pub fn status(device: Option<&Device>, name: &str, path: &str, spec: &NetSpec) -> NetStatus {
    let mut st = NetStatus {
        mode: spec.to_string(),
        ..Default::default()
    };
    if !matches!(spec, NetSpec::Veth(_)) {
        return st;
    }
    let host_if = host_ifname(name);
    st.host = crate::sys::netlink::Rtnl::open()
        .ok()
        .and_then(|mut r| net::if_state(&mut r, &host_if).ok().flatten());
    if let (Some(d), Some(_)) = (device, &st.host) {
        if let Ok(ns) = netns(d, path) {
            st.guest = net::in_netns(&ns, |r| net::if_state(r, net::GUEST_IFNAME))
                .ok()
                .flatten();
        }
    }
    st
}
