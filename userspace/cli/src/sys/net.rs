//! A guest's network, made by netlink ([`crate::sys::netlink`]) from the
//! host: a veth pair whose host end stays in the caller's network
//! namespace (up, a port of a bridge or with an address of its own) and
//! whose peer is made directly in the guest's namespace as `eth0` (so no
//! host interface is ever renamed or moved); inside, `lo` and `eth0` up,
//! the guest's address and default route.
//!
//! Nothing is left half-made: when a step fails, the host end is deleted,
//! which deletes its peer too.

use std::fs::File;
use std::net::IpAddr;
use std::os::fd::AsFd;

use anyhow::{Context as _, bail};

use crate::spec::netspec::Veth;
use crate::sys::netlink::{Link, Rtnl};

/// The name of the guest's end, inside its namespace.
pub const GUEST_IFNAME: &str = "eth0";

/// Runs `f` with a netlink socket of the network namespace `ns`, in a
/// thread of its own (setns(2) of a network namespace moves only the
/// calling thread; this one ends with `f`).
pub fn in_netns<T: Send>(
    ns: &File,
    f: impl FnOnce(&mut Rtnl) -> anyhow::Result<T> + Send,
) -> anyhow::Result<T> {
    std::thread::scope(|s| {
        s.spawn(|| {
            nix::sched::setns(ns.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET)
                .map_err(|e| anyhow::anyhow!("joining its network namespace: {}", e.desc()))?;
            let mut rtnl = Rtnl::open().context("netlink in its network namespace")?;
            f(&mut rtnl)
        })
        .join()
        .map_err(|_| anyhow::anyhow!("the network thread panicked"))?
    })
}

/// Brings `lo` of the namespace `rtnl` talks to up.
pub fn loopback_up(rtnl: &mut Rtnl) -> anyhow::Result<()> {
    let lo = rtnl
        .link("lo")?
        .context("lo: no loopback device in its network namespace")?;
    rtnl.set_up(lo.index, None).context("lo: setting it up")?;
    Ok(())
}

/// Before anything is made: the bridge `v` names exists on the host and is
/// a bridge, and no interface has the name `host_if` yet. Returns the
/// bridge's index.
pub fn check(host_if: &str, v: &Veth) -> anyhow::Result<Option<u32>> {
    let mut rtnl = Rtnl::open()?;
    if let Some(l) = rtnl.link(host_if)? {
        bail!(
            "interface {host_if} exists already ({}): another guest's, or left by hand; \
             'ip link del {host_if}' if it is no one's",
            l.kind.as_deref().unwrap_or("a device")
        );
    }
    let Some(name) = &v.bridge else {
        return Ok(None);
    };
    match rtnl.link(name)? {
        None => bail!("bridge {name}: no such interface on the host (create it first)"),
        Some(Link {
            kind: Some(k),
            index,
            ..
        }) if k == "bridge" => Ok(Some(index)),
        Some(l) => bail!(
            "bridge {name}: not a bridge (a {})",
            l.kind.as_deref().unwrap_or("plain device")
        ),
    }
}

/// Makes guest networking `v` for the network namespace `ns`: the pair
/// (host end `host_if`, `eth0` inside), both ends configured. On failure
/// the pair is deleted again.
pub fn setup_veth(ns: &File, host_if: &str, v: &Veth) -> anyhow::Result<()> {
    let bridge = check(host_if, v)?;
    let mut rtnl = Rtnl::open()?;
    rtnl.add_veth(host_if, GUEST_IFNAME, ns.as_fd())
        .with_context(|| format!("creating the veth pair {host_if}/{GUEST_IFNAME}"))?;
    let configured = configure(&mut rtnl, ns, host_if, bridge, v);
    if configured.is_err() {
        let _ = remove(host_if);
    }
    configured
}

fn configure(
    rtnl: &mut Rtnl,
    ns: &File,
    host_if: &str,
    bridge: Option<u32>,
    v: &Veth,
) -> anyhow::Result<()> {
    let host = rtnl
        .link(host_if)?
        .with_context(|| format!("{host_if}: gone right after it was made"))?;
    if let Some(h) = v.host {
        rtnl.add_address(host.index, h.addr, h.prefix)
            .with_context(|| format!("{host_if}: adding host={h}"))?;
    }
    rtnl.set_up(host.index, bridge)
        .with_context(|| match &v.bridge {
            Some(b) => format!("{host_if}: setting it up as a port of {b}"),
            None => format!("{host_if}: setting it up"),
        })?;
    let (ip, gw) = (v.ip, v.gw);
    in_netns(ns, move |rtnl| {
        loopback_up(rtnl)?;
        let eth = rtnl
            .link(GUEST_IFNAME)?
            .context("eth0: not in its network namespace")?;
        if let Some(ip) = ip {
            rtnl.add_address(eth.index, ip.addr, ip.prefix)
                .with_context(|| format!("eth0: adding ip={ip}"))?;
        }
        rtnl.set_up(eth.index, None)
            .context("eth0: setting it up")?;
        if let Some(gw) = gw {
            rtnl.add_default_route(gw, eth.index)
                .with_context(|| format!("eth0: the default route via {gw}"))?;
        }
        Ok(())
    })
}

/// Deletes interface `host_if` (a veth end: its peer goes with it).
/// Returns whether there was one.
pub fn remove(host_if: &str) -> anyhow::Result<bool> {
    let mut rtnl = Rtnl::open()?;
    let Some(l) = rtnl.link(host_if)? else {
        return Ok(false);
    };
    match rtnl.delete(l.index) {
        Ok(()) => Ok(true),
        // Gone meanwhile (its namespace ended and took the pair along).
        Err(e) if e.errno() == Some(nix::errno::Errno::ENODEV) => Ok(false),
        Err(e) => Err(anyhow::anyhow!("{host_if}: deleting it: {e}")),
    }
}

/// What `guest status` shows of an interface.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct IfState {
    pub name: String,
    pub up: bool,
    /// The bridge it is a port of.
    pub bridge: Option<String>,
    /// Its addresses, ADDR/PREFIX.
    pub addresses: Vec<String>,
}

/// The state of interface `name` in the namespace `rtnl` talks to.
pub fn if_state(rtnl: &mut Rtnl, name: &str) -> anyhow::Result<Option<IfState>> {
    let Some(l) = rtnl.link(name)? else {
        return Ok(None);
    };
    let bridge = match l.master {
        Some(m) => rtnl
            .links()?
            .into_iter()
            .find(|b| b.index == m)
            .map(|b| b.name),
        None => None,
    };
    let addresses = rtnl
        .addresses(l.index)?
        .into_iter()
        .map(|(a, p): (IpAddr, u8)| format!("{a}/{p}"))
        .collect();
    Ok(Some(IfState {
        name: l.name,
        up: l.up,
        bridge,
        addresses,
    }))
}
