//! A guest's network, as `vctx guest create --net` takes it and its
//! configuration stores it (`net = "..."`, `Documentation/guests.rst`):
//!
//! - `none`: a network namespace of its own with only `lo` (up);
//! - `host`: the host's network namespace, shared;
//! - `veth[:BRIDGE][,ip=ADDR/PREFIX][,gw=ADDR][,host=ADDR/PREFIX]`: a veth
//!   pair, `eth0` inside with its address and default route, the host end
//!   attached to BRIDGE, or (routed mode) given the address `host=`.

use std::fmt;
use std::net::IpAddr;

/// An address with its prefix length (`10.77.0.2/24`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `ADDR/PREFIX` (IPv4 or IPv6; the prefix at most 32 or 128).
    pub fn parse(what: &str, s: &str) -> Result<Cidr, String> {
        let Some((a, p)) = s.split_once('/') else {
            return Err(format!(
                "{what}={s}: no prefix length (ADDR/PREFIX, e.g. 10.77.0.2/24)"
            ));
        };
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("{what}={s}: '{a}' is not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p.parse::<u8>() {
            Ok(n) if n <= max => n,
            _ => return Err(format!("{what}={s}: prefix length '{p}' is not 0 to {max}")),
        };
        if addr.is_unspecified() || addr.is_multicast() || addr == broadcast() {
            return Err(format!(
                "{what}={s}: {addr} cannot be an interface's address"
            ));
        }
        Ok(Cidr { addr, prefix })
    }

    /// Whether `other` is in this address's network.
    pub fn contains(&self, other: IpAddr) -> bool {
        match (self.addr, other) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(a) & mask == u32::from(b) & mask
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(a) & mask == u128::from(b) & mask
            }
            _ => false,
        }
    }
}

fn broadcast() -> IpAddr {
    IpAddr::V4(std::net::Ipv4Addr::BROADCAST)
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// A veth network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Veth {
    /// The host's bridge the host end joins.
    pub bridge: Option<String>,
    /// The guest's address on its `eth0`.
    pub ip: Option<Cidr>,
    /// Its default route's gateway.
    pub gw: Option<IpAddr>,
    /// The host end's address (routed mode: no bridge).
    pub host: Option<Cidr>,
}

/// A guest's network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetSpec {
    None,
    Host,
    Veth(Veth),
}

/// The longest interface name (IFNAMSIZ - 1).
pub const IFNAME_MAX: usize = 15;

/// Refuses what the kernel's dev_valid_name() refuses, so a bridge name
/// with a typo is told apart from one that is missing.
fn check_ifname(what: &str, name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= IFNAME_MAX
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == ':' || c == ',' || c.is_whitespace());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} '{name}': not an interface name (1 to {IFNAME_MAX} bytes, no '/', ':', ',' or space)"
        ))
    }
}

impl NetSpec {
    /// Parses a `--net` value (one line saying what is wrong otherwise).
    pub fn parse(s: &str) -> Result<NetSpec, String> {
        let (head, opts) = match s.split_once(',') {
            Some((h, o)) => (h, Some(o)),
            None => (s, None),
        };
        let (mode, bridge) = match head.split_once(':') {
            Some((m, b)) => (m, Some(b)),
            None => (head, None),
        };
        match (mode, bridge, opts) {
            ("none", None, None) => return Ok(NetSpec::None),
            ("host", None, None) => return Ok(NetSpec::Host),
            ("none" | "host", _, _) => {
                return Err(format!("--net {s}: '{mode}' takes no bridge or options"));
            }
            ("veth", _, _) => {}
            _ => {
                return Err(format!(
                    "--net {s}: unknown mode '{mode}' (none, host, veth[:BRIDGE][,ip=ADDR/PREFIX][,gw=ADDR][,host=ADDR/PREFIX])"
                ));
            }
        }
        let mut v = Veth::default();
        if let Some(b) = bridge {
            check_ifname("bridge", b)?;
            v.bridge = Some(b.to_owned());
        }
        for opt in opts.into_iter().flat_map(|o| o.split(',')) {
            let Some((k, val)) = opt.split_once('=') else {
                return Err(format!(
                    "--net {s}: '{opt}' is not KEY=VALUE (ip=, gw=, host=)"
                ));
            };
            let dup = match k {
                "ip" => v.ip.replace(Cidr::parse(k, val)?).is_some(),
                "host" => v.host.replace(Cidr::parse(k, val)?).is_some(),
                "gw" => {
                    let gw: IpAddr = val
                        .parse()
                        .map_err(|_| format!("gw={val}: '{val}' is not an IP address"))?;
                    v.gw.replace(gw).is_some()
                }
                _ => return Err(format!("--net {s}: unknown option '{k}' (ip=, gw=, host=)")),
            };
            if dup {
                return Err(format!("--net {s}: '{k}=' given twice"));
            }
        }
        if let Some(gw) = v.gw {
            let Some(ip) = v.ip else {
                return Err(format!("--net {s}: gw= needs ip= (the guest's address)"));
            };
            if gw.is_ipv4() != ip.addr.is_ipv4() {
                return Err(format!("--net {s}: gw={gw} is not of ip='s family"));
            }
            if !ip.contains(gw) || gw == ip.addr {
                return Err(format!(
                    "--net {s}: gw={gw} is not another address in ip={ip}'s network"
                ));
            }
        }
        if let Some(h) = v.host {
            if v.bridge.is_some() {
                return Err(format!(
                    "--net {s}: host= is for the routed mode (without a bridge: give the bridge the address)"
                ));
            }
            if v.ip.is_some_and(|ip| ip.addr == h.addr) {
                return Err(format!("--net {s}: host= and ip= are the same address"));
            }
        }
        Ok(NetSpec::Veth(v))
    }

    /// Whether the guest gets a network namespace of its own.
    pub fn own_namespace(&self) -> bool {
        !matches!(self, NetSpec::Host)
    }
}

impl fmt::Display for NetSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetSpec::None => f.write_str("none"),
            NetSpec::Host => f.write_str("host"),
            NetSpec::Veth(v) => {
                f.write_str("veth")?;
                if let Some(b) = &v.bridge {
                    write!(f, ":{b}")?;
                }
                if let Some(ip) = v.ip {
                    write!(f, ",ip={ip}")?;
                }
                if let Some(gw) = v.gw {
                    write!(f, ",gw={gw}")?;
                }
                if let Some(h) = v.host {
                    write!(f, ",host={h}")?;
                }
                Ok(())
            }
        }
    }
}

/// The host end of guest `name`'s veth pair: `vx-NAME`, or, when that is
/// longer than an interface name may be, `vx-`, the name's first 7 bytes,
/// `-` and 4 hex digits of a hash of the whole name (FNV-1a), so two long
/// names that share a start still get two interfaces.
pub fn host_ifname(name: &str) -> String {
    let full = format!("vx-{name}");
    if full.len() <= IFNAME_MAX {
        return full;
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("vx-{}-{:04x}", &name[..7], (h ^ (h >> 16)) & 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        NetSpec::parse(s).unwrap_err()
    }

    #[test]
    fn modes() {
        assert_eq!(NetSpec::parse("none"), Ok(NetSpec::None));
        assert_eq!(NetSpec::parse("host"), Ok(NetSpec::Host));
        assert_eq!(NetSpec::parse("veth"), Ok(NetSpec::Veth(Veth::default())));
        for s in [
            "veth:br0",
            "veth,ip=10.77.0.2/24,gw=10.77.0.1,host=10.77.0.1/24",
            "veth:br0,ip=192.168.7.5/16,gw=192.168.0.1",
            "veth,ip=fd00::2/64,gw=fd00::1",
        ] {
            let spec = NetSpec::parse(s).unwrap();
            assert_eq!(spec.to_string(), s);
            assert_eq!(NetSpec::parse(&spec.to_string()).unwrap(), spec);
        }
    }

    #[test]
    fn refusals() {
        assert!(err("bogus").contains("unknown mode 'bogus'"));
        assert!(err("none:br0").contains("takes no bridge"));
        assert!(err("veth,ip=10.77.0.300/24").contains("'10.77.0.300' is not an IP address"));
        assert!(err("veth,ip=10.77.0.2/33").contains("prefix length '33' is not 0 to 32"));
        assert!(err("veth,ip=fd00::2/129").contains("is not 0 to 128"));
        assert!(err("veth,ip=10.77.0.2").contains("no prefix length"));
        assert!(err("veth,ip=0.0.0.0/8").contains("cannot be an interface's address"));
        assert!(err("veth,gw=10.0.0.1").contains("gw= needs ip="));
        assert!(err("veth,ip=10.77.0.2/24,gw=10.78.0.1").contains("not another address"));
        assert!(err("veth,ip=10.77.0.2/24,gw=10.77.0.2").contains("not another address"));
        assert!(err("veth,ip=10.77.0.2/24,gw=fd00::1").contains("family"));
        assert!(err("veth:br0,host=10.77.0.1/24").contains("routed mode"));
        assert!(err("veth,ip=10.77.0.2/24,ip=10.77.0.3/24").contains("twice"));
        assert!(err("veth,mtu=1400").contains("unknown option 'mtu'"));
        assert!(err("veth,ip").contains("not KEY=VALUE"));
        assert!(err("veth:").contains("not an interface name"));
        assert!(err("veth:averyveryverylongbridge").contains("not an interface name"));
        for s in ["bogus", "veth,ip=1.2.3.4/40", "veth:a b"] {
            assert!(!err(s).contains('\n'), "{s}");
        }
    }

    #[test]
    fn contains() {
        let c = Cidr::parse("ip", "10.77.0.2/24").unwrap();
        assert!(c.contains("10.77.0.1".parse().unwrap()));
        assert!(!c.contains("10.77.1.1".parse().unwrap()));
        let all = Cidr::parse("ip", "10.77.0.2/0").unwrap();
        assert!(all.contains("192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn host_names() {
        assert_eq!(host_ifname("g1"), "vx-g1");
        assert_eq!(host_ifname("abcdefghijkl"), "vx-abcdefghijkl");
        let a = host_ifname("webserver-alpha1");
        let b = host_ifname("webserver-alpha2");
        assert_eq!(a.len(), IFNAME_MAX);
        assert!(a.starts_with("vx-webserv-"));
        assert_ne!(a, b);
        assert_eq!(a, host_ifname("webserver-alpha1"));
    }
}
