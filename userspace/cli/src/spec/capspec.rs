//! Capability names and masks: `--caps LIST` and `vctx caps PATH +CAP -CAP`.
//!
//! Names are the kernel's (the `caps` crate's table), case-insensitive, with
//! or without `CAP_`: `SYS_ADMIN`, `cap_sys_admin`, `net_raw`. A mask is a
//! u64 of `1 << CAP_*` bits, as the module keeps it.

use std::str::FromStr;

use anyhow::{anyhow, bail};
use caps::Capability;

/// Docker's default capability set (moby `oci/caps/defaults.go`: CHOWN,
/// DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP,
/// SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE) without
/// CAP_MKNOD: vctx has no device barrier (`Documentation/security.rst`).
pub const DEFAULT: &[Capability] = &[
    Capability::CAP_CHOWN,
    Capability::CAP_DAC_OVERRIDE,
    Capability::CAP_FSETID,
    Capability::CAP_FOWNER,
    Capability::CAP_NET_RAW,
    Capability::CAP_SETGID,
    Capability::CAP_SETUID,
    Capability::CAP_SETFCAP,
    Capability::CAP_SETPCAP,
    Capability::CAP_NET_BIND_SERVICE,
    Capability::CAP_SYS_CHROOT,
    Capability::CAP_KILL,
    Capability::CAP_AUDIT_WRITE,
];

/// Every capability the header knows.
pub const ALL: u64 = vctx_lib::abi::VCTX_CAPS_ALL;

/// The default mask of a new context.
pub fn default_mask() -> u64 {
    DEFAULT.iter().fold(0, |m, c| m | c.bitmask())
}

/// One capability by name.
pub fn parse_name(name: &str) -> anyhow::Result<Capability> {
    let upper = name.to_ascii_uppercase();
    let full = if upper.starts_with("CAP_") {
        upper
    } else {
        format!("CAP_{upper}")
    };
    Capability::from_str(&full).map_err(|_| {
        anyhow!(
            "unknown capability '{name}' (names as in capabilities(7): SYS_ADMIN, NET_RAW, ...)"
        )
    })
}

/// A whole-set keyword, or one capability's bit.
fn item_mask(item: &str) -> anyhow::Result<u64> {
    Ok(match item.to_ascii_lowercase().as_str() {
        "all" => ALL,
        "default" => default_mask(),
        "none" => 0,
        _ => parse_name(item)?.bitmask(),
    })
}

/// Applies one change to `mask`: `+ITEM` adds, `-ITEM` removes, a bare
/// ITEM adds (ITEM: a name, `all`, `default` or `none`).
fn apply(mask: u64, change: &str) -> anyhow::Result<u64> {
    if let Some(item) = change.strip_prefix('-') {
        Ok(mask & !item_mask(item)?)
    } else {
        let item = change.strip_prefix('+').unwrap_or(change);
        if item.is_empty() {
            bail!("empty capability name in '{change}'");
        }
        Ok(mask | item_mask(item)?)
    }
}

/// `--caps LIST`: comma-separated items from an empty set, left to right
/// (`all`, `default,-NET_RAW`, `CHOWN,KILL`, `default,+SYS_ADMIN`).
pub fn parse_list(list: &str) -> anyhow::Result<u64> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .try_fold(0, apply)
}

/// `vctx caps PATH CHANGE...`: each `+ITEM` or `-ITEM` changes `current`;
/// a bare list (as for `--caps`) replaces it.
pub fn parse_changes(current: u64, changes: &[String]) -> anyhow::Result<u64> {
    changes.iter().try_fold(current, |mask, c| {
        if c.starts_with('+') || c.starts_with('-') {
            apply(mask, c)
        } else {
            parse_list(c)
        }
    })
}

/// The names of the capabilities in `mask`, without `CAP_`, in bit order;
/// an unknown bit N is "capN".
pub fn names(mask: u64) -> Vec<String> {
    let mut known: Vec<Capability> = caps::all().into_iter().collect();
    known.sort_by_key(Capability::index);
    (0..64)
        .filter(|n| mask & (1u64 << n) != 0)
        .map(|n| match known.iter().find(|c| u32::from(c.index()) == n) {
            Some(c) => c.to_string().trim_start_matches("CAP_").to_owned(),
            None => format!("cap{n}"),
        })
        .collect()
}

/// A mask for a table: `all`, `none`, `default`, or the names.
pub fn describe(mask: u64) -> String {
    if mask & ALL == ALL {
        "all".to_owned()
    } else if mask == 0 {
        "none".to_owned()
    } else if mask == default_mask() {
        format!("default ({})", names(mask).join(","))
    } else {
        names(mask).join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYS_ADMIN: u64 = 1 << 21;
    const NET_RAW: u64 = 1 << 13;
    const CHOWN: u64 = 1;

    #[test]
    fn names_any_case_with_or_without_prefix() {
        for n in ["SYS_ADMIN", "sys_admin", "CAP_SYS_ADMIN", "cap_Sys_Admin"] {
            assert_eq!(parse_name(n).unwrap().bitmask(), SYS_ADMIN, "{n}");
        }
        let err = parse_name("SYS_GOD").unwrap_err().to_string();
        assert!(err.contains("unknown capability 'SYS_GOD'"), "{err}");
    }

    #[test]
    fn default_is_dockers_without_mknod() {
        let d = default_mask();
        assert_eq!(d.count_ones(), 13);
        assert_eq!(d & (1 << 27), 0, "MKNOD"); // CAP_MKNOD
        assert_eq!(d & SYS_ADMIN, 0);
        assert_ne!(d & NET_RAW, 0);
        assert_eq!(
            names(d),
            [
                "CHOWN",
                "DAC_OVERRIDE",
                "FOWNER",
                "FSETID",
                "KILL",
                "SETGID",
                "SETUID",
                "SETPCAP",
                "NET_BIND_SERVICE",
                "NET_RAW",
                "SYS_CHROOT",
                "AUDIT_WRITE",
                "SETFCAP"
            ]
        );
    }

    #[test]
    fn lists() {
        assert_eq!(parse_list("all").unwrap(), ALL);
        assert_eq!(ALL.count_ones(), 41);
        assert_eq!(parse_list("none").unwrap(), 0);
        assert_eq!(parse_list("chown,net_raw").unwrap(), CHOWN | NET_RAW);
        assert_eq!(
            parse_list("default,-NET_RAW").unwrap(),
            default_mask() & !NET_RAW
        );
        assert_eq!(
            parse_list("default,+SYS_ADMIN").unwrap(),
            default_mask() | SYS_ADMIN
        );
        assert!(parse_list("default,+nope").is_err());
        assert!(parse_list("+").is_err());
    }

    #[test]
    fn changes() {
        let d = default_mask();
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_changes(d, &c(&["+SYS_ADMIN", "-NET_RAW"])).unwrap(),
            (d | SYS_ADMIN) & !NET_RAW
        );
        assert_eq!(parse_changes(d, &c(&["chown"])).unwrap(), CHOWN);
        assert_eq!(parse_changes(d, &c(&[])).unwrap(), d);
        assert!(parse_changes(d, &c(&["-bogus"])).is_err());
    }

    #[test]
    fn describe_masks() {
        assert_eq!(describe(ALL), "all");
        assert_eq!(describe(0), "none");
        assert!(describe(default_mask()).starts_with("default (CHOWN,"));
        assert_eq!(describe(CHOWN | SYS_ADMIN), "CHOWN,SYS_ADMIN");
        assert_eq!(names(1 << 50), ["cap50"]);
    }
}
