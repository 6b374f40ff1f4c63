//! Parsing durations such as `5s`, `500ms`, `2m`, `1.5s` or `1m30s`.
//!
//! Units: ns, us (or µs), ms, s, m (or min), h, d. A plain number is
//! seconds. Fractions are exact (no floating point); below a nanosecond
//! they are truncated.

use std::time::Duration;

const NS_PER_SEC: u128 = 1_000_000_000;
const HINT: &str = "expected e.g. 5s, 500ms, 2m, 1.5s or 1m30s";

/// Parses a duration (the clap value parser of --timeout and --grace).
pub fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration ({HINT})"));
    }
    let is_num = |c: char| c.is_ascii_digit() || c == '.';
    let mut rest = s;
    let mut total: u128 = 0;
    let mut first = true;
    while !rest.is_empty() {
        let (num, after) = rest.split_at(rest.find(|c| !is_num(c)).unwrap_or(rest.len()));
        let (unit, next) = after.split_at(after.find(is_num).unwrap_or(after.len()));
        let unit_ns = match unit {
            "" if first => NS_PER_SEC,
            "ns" => 1,
            "us" | "µs" => 1_000,
            "ms" => 1_000_000,
            "s" => NS_PER_SEC,
            "m" | "min" => 60 * NS_PER_SEC,
            "h" => 3_600 * NS_PER_SEC,
            "d" => 86_400 * NS_PER_SEC,
            "" => return Err(format!("'{s}': missing unit after {num} ({HINT})")),
            _ => return Err(format!("'{s}': unknown unit '{unit}' ({HINT})")),
        };
        let ns =
            scaled(num, unit_ns).ok_or_else(|| format!("'{s}': bad number '{num}' ({HINT})"))?;
        total = total
            .checked_add(ns)
            .ok_or_else(|| format!("'{s}': too long"))?;
        rest = next;
        first = false;
    }
    let secs = u64::try_from(total / NS_PER_SEC).map_err(|_| format!("'{s}': too long"))?;
    Ok(Duration::new(secs, (total % NS_PER_SEC) as u32))
}

/// `num` (digits with at most one '.') times `unit_ns`, in nanoseconds.
fn scaled(num: &str, unit_ns: u128) -> Option<u128> {
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') || int.len() > 20 {
        return None;
    }
    let int_val: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut ns = int_val.checked_mul(unit_ns)?;
    // Digits past the 18th are below a nanosecond for every unit up to days
    // (1e-18 * 86400e9 < 1): drop them.
    let frac = &frac[..frac.len().min(18)];
    if !frac.is_empty() {
        let frac_val: u128 = frac.parse().ok()?;
        ns = ns.checked_add(frac_val * unit_ns / 10u128.pow(frac.len() as u32))?;
    }
    Some(ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn units() {
        assert_eq!(parse("5s"), Ok(ms(5_000)));
        assert_eq!(parse("500ms"), Ok(ms(500)));
        assert_eq!(parse("2m"), Ok(ms(120_000)));
        assert_eq!(parse("2min"), Ok(ms(120_000)));
        assert_eq!(parse("1h"), Ok(ms(3_600_000)));
        assert_eq!(parse("1d"), Ok(ms(86_400_000)));
        assert_eq!(parse("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse("250µs"), Ok(Duration::from_micros(250)));
        assert_eq!(parse("7ns"), Ok(Duration::from_nanos(7)));
    }

    #[test]
    fn fractions_are_exact() {
        assert_eq!(parse("1.5s"), Ok(ms(1_500)));
        assert_eq!(parse("0.001s"), Ok(ms(1)));
        assert_eq!(parse(".5s"), Ok(ms(500)));
        assert_eq!(parse("1.s"), Ok(ms(1_000)));
        assert_eq!(parse("0.1m"), Ok(ms(6_000)));
        assert_eq!(parse("1.0000000001s"), Ok(Duration::new(1, 0)));
        assert_eq!(
            parse("2.123456789123456789123s"),
            Ok(Duration::new(2, 123_456_789))
        );
    }

    #[test]
    fn plain_numbers_are_seconds() {
        assert_eq!(parse("5"), Ok(ms(5_000)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert_eq!(parse(" 2.5 "), Ok(ms(2_500)));
    }

    #[test]
    fn compound() {
        assert_eq!(parse("1m30s"), Ok(ms(90_000)));
        assert_eq!(parse("1h2m3s4ms"), Ok(ms(3_723_004)));
    }

    #[test]
    fn rejects() {
        for bad in [
            "", "s", "5x", "5 s", "1..5s", ".s", "1m30", "-1s", "5sec", "ms5", "1e3s",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse("5x").unwrap_err().contains("unknown unit 'x'"));
        assert!(parse("1m30").unwrap_err().contains("missing unit"));
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(parse("99999999999999999999d").is_err());
        assert!(parse("999999999999999999999s").is_err());
        assert_eq!(
            parse("18446744073709551615s"),
            Ok(Duration::from_secs(u64::MAX))
        );
    }
}
