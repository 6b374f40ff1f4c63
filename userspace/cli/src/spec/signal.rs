//! Parsing signal names and numbers: TERM, SIGTERM, term, 15, KILL, 0...
//! The names are nix's (this architecture's signals).

use std::str::FromStr;

use nix::sys::signal::Signal;

/// The highest signal number the module accepts (VCTX_IOC_KILL: 0..64).
const MAX_SIGNAL: u32 = 64;

/// SIGRTMIN as glibc programs (systemd, kill(1)) number it: the kernel's
/// 32 and 33 are glibc's own. musl's SIGRTMIN() says 35, which would make
/// RTMIN+4 (systemd's power-off) its RTMIN+5 (reboot).
pub const RTMIN: u32 = 34;

/// Old names nix knows only by their other name.
const ALIASES: &[(&str, &str)] = &[("IOT", "ABRT"), ("CLD", "CHLD"), ("POLL", "IO")];

/// Parses a signal (the clap value parser of --signal and --then).
pub fn parse(text: &str) -> Result<u32, String> {
    let s = text.trim();
    if let Ok(n) = s.parse::<u32>() {
        return if n <= MAX_SIGNAL {
            Ok(n)
        } else {
            Err(format!(
                "signal number {n} out of range (0 to {MAX_SIGNAL})"
            ))
        };
    }
    let upper = s.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some(n) = realtime(name) {
        return n;
    }
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, real)| real);
    // "SIG" + a name only: Signal::from_str would take "SIGSIGTERM" apart
    // no further, but an empty name must not become "SIG".
    (!name.is_empty())
        .then(|| Signal::from_str(&format!("SIG{name}")).ok())
        .flatten()
        .map(|sig| sig as i32 as u32)
        .ok_or_else(|| {
            format!("unknown signal '{s}' (e.g. TERM, KILL, HUP, USR1, INT or a number)")
        })
}

/// RTMIN, RTMIN+N, RTMAX, RTMAX-N (None: not a realtime signal's name).
fn realtime(name: &str) -> Option<Result<u32, String>> {
    let (base, rest, add) = if let Some(r) = name.strip_prefix("RTMIN") {
        (RTMIN, r, true)
    } else if let Some(r) = name.strip_prefix("RTMAX") {
        (MAX_SIGNAL, r, false)
    } else {
        return None;
    };
    let off = match rest {
        "" => Some(0),
        r if add => r.strip_prefix('+').and_then(|n| n.parse::<u32>().ok()),
        r => r.strip_prefix('-').and_then(|n| n.parse::<u32>().ok()),
    };
    let n = off.and_then(|o| if add { base.checked_add(o) } else { base.checked_sub(o) });
    Some(match n {
        Some(n) if (RTMIN..=MAX_SIGNAL).contains(&n) => Ok(n),
        _ => Err(format!(
            "signal '{name}' out of range (RTMIN+0 to RTMIN+{}, RTMAX-N)",
            MAX_SIGNAL - RTMIN
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realtime_names() {
        assert_eq!(parse("RTMIN+4"), Ok(38));
        assert_eq!(parse("SIGRTMIN+4"), Ok(38));
        assert_eq!(parse("rtmin"), Ok(34));
        assert_eq!(parse("RTMAX"), Ok(64));
        assert_eq!(parse("RTMAX-1"), Ok(63));
        assert!(parse("RTMIN+31").is_err());
        assert!(parse("RTMIN-1").is_err());
        assert!(parse("RTMINX").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(parse("TERM"), Ok(15));
        assert_eq!(parse("SIGTERM"), Ok(15));
        assert_eq!(parse("term"), Ok(15));
        assert_eq!(parse("sigkill"), Ok(9));
        assert_eq!(parse("KILL"), Ok(9));
        assert_eq!(parse("HUP"), Ok(1));
        assert_eq!(parse("USR1"), Ok(10));
        assert_eq!(parse("CONT"), Ok(18));
        assert_eq!(parse("SYS"), Ok(31));
        assert_eq!(parse("IOT"), Ok(6));
        assert_eq!(parse("SIGCLD"), Ok(17));
        assert_eq!(parse("poll"), Ok(29));
        assert_eq!(parse("STKFLT"), Ok(16));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse("9"), Ok(9));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("64"), Ok(64));
        assert!(parse("65").unwrap_err().contains("out of range"));
    }

    #[test]
    fn rejects() {
        for bad in ["", "SIG", "TERMINATE", "-9", "SIGSIGTERM", "1.5", "USR3"] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
