//! Parsing durations such as `5s`, `500ms`, `2m`, `1.5s` or `1m30s`, with
//! the humantime crate.
//!
//! Units are humantime's: ns, us (or µs), ms, s (sec), m (min), h, d, w,
//! M (months) and y, with their long names (`2 minutes`); parts may be
//! separated by spaces (`1m 30s`). A plain number (`5`, `2.5`) is seconds.
//! Fractions are exact to the nanosecond.

use std::time::Duration;

const HINT: &str = "expected e.g. 5s, 500ms, 2m, 1.5s or 1m30s";

/// Parses a duration (the clap value parser of --timeout, --grace,
/// --window and --interval).
pub fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration ({HINT})"));
    }
    if s.starts_with('-') {
        return Err(format!("'{s}': a duration cannot be negative ({HINT})"));
    }
    // humantime wants a unit on every number; ours defaults to seconds.
    let plain = s.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let with_unit = if plain { format!("{s}s") } else { s.to_owned() };
    humantime::parse_duration(&with_unit).map_err(|e| format!("'{s}': {e} ({HINT})"))
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
        // humantime's longer names and spacing.
        assert_eq!(parse("5sec"), Ok(ms(5_000)));
        assert_eq!(parse("5 s"), Ok(ms(5_000)));
        assert_eq!(parse("2 minutes"), Ok(ms(120_000)));
    }

    #[test]
    fn fractions_are_exact() {
        assert_eq!(parse("1.5s"), Ok(ms(1_500)));
        assert_eq!(parse("0.001s"), Ok(ms(1)));
        assert_eq!(parse("0.5s"), Ok(ms(500)));
        assert_eq!(parse("0.1m"), Ok(ms(6_000)));
        assert_eq!(parse("2.123456789s"), Ok(Duration::new(2, 123_456_789)));
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
        assert_eq!(parse("1m 30s"), Ok(ms(90_000)));
        assert_eq!(parse("1h2m3s4ms"), Ok(ms(3_723_004)));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "s",
            "5x",
            "1..5s",
            ".s",
            "1m30",
            "-1s",
            "ms5",
            "1e3s",
            "1.s",
            "5 parsecs",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let err = parse("5x").unwrap_err();
        assert!(
            err.contains("'5x'") && err.contains("unknown time unit"),
            "{err}"
        );
        assert!(parse("-1s").unwrap_err().contains("negative"));
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
