//! Human-readable numbers for the text output (JSON keeps exact values).

/// A duration in nanoseconds, short: 850ms, 12.3s, 5m07s, 2h05m, 3d04h.
pub fn duration(ns: u64) -> String {
    const US: u64 = 1_000;
    const MS: u64 = 1_000_000;
    const S: u64 = 1_000_000_000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;
    const D: u64 = 24 * H;
    match ns {
        n if n < US => format!("{n}ns"),
        n if n < MS => format!("{}us", n / US),
        n if n < S => format!("{}ms", n / MS),
        n if n < M => format!("{}.{}s", n / S, n % S / (S / 10)),
        n if n < H => format!("{}m{:02}s", n / M, n % M / S),
        n if n < D => format!("{}h{:02}m", n / H, n % H / M),
        n => format!("{}d{:02}h", n / D, n % D / H),
    }
}

/// A context's flags for a table cell: "ephemeral,novirt", or "-".
pub fn flags_cell(flags: u32) -> String {
    let names = vctx_lib::ctx_flag_names(flags);
    if names.is_empty() {
        "-".to_owned()
    } else {
        names.join(",")
    }
}

/// How long ago `created_ns` (CLOCK_BOOTTIME) was, at `now_ns`.
pub fn age(created_ns: u64, now_ns: u64) -> String {
    duration(now_ns.saturating_sub(created_ns))
}

/// A size in bytes, binary units as `ls -h` and `sort -h` write them:
/// 512B, 1.5K, 12.0M, 3.2G (the bytesize crate's short IEC style).
pub fn size(bytes: u64) -> String {
    bytesize::ByteSize::b(bytes)
        .display()
        .iec_short()
        .to_string()
}

/// A rate per second with one decimal below 100 ("2.5", "340").
pub fn rate(per_sec: f64) -> String {
    if per_sec < 99.95 {
        format!("{per_sec:.1}")
    } else {
        format!("{per_sec:.0}")
    }
}

/// A fixed-point load (1.0 = `one`) with two decimals.
pub fn load(raw: u64, one: u64) -> String {
    format!("{:.2}", raw as f64 / one as f64)
}

/// "1 process", "2 processes".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0ns");
        assert_eq!(duration(999), "999ns");
        assert_eq!(duration(1_500), "1us");
        assert_eq!(duration(850_000_000), "850ms");
        assert_eq!(duration(S), "1.0s");
        assert_eq!(duration(12 * S + 399_000_000), "12.3s");
        assert_eq!(duration(59 * S + 999_999_999), "59.9s");
        assert_eq!(duration(60 * S), "1m00s");
        assert_eq!(duration(5 * 60 * S + 7 * S), "5m07s");
        assert_eq!(duration(2 * 3600 * S + 5 * 60 * S + 59 * S), "2h05m");
        assert_eq!(duration(3 * 86400 * S + 4 * 3600 * S), "3d04h");
        assert_eq!(duration(u64::MAX), "213503d23h");
    }

    #[test]
    fn ages() {
        assert_eq!(age(10 * S, 15 * S), "5.0s");
        assert_eq!(age(20 * S, 15 * S), "0ns");
    }

    #[test]
    fn sizes() {
        assert_eq!(size(0), "0B");
        assert_eq!(size(1023), "1023B");
        assert_eq!(size(1024), "1.0K");
        assert_eq!(size(1536), "1.5K");
        // bytesize rounds within a unit: just below 1M is 1024.0K.
        assert_eq!(size(1024 * 1024 - 1), "1024.0K");
        assert_eq!(size(12 * 1024 * 1024 + 100), "12.0M");
        assert_eq!(size(3 << 30), "3.0G");
        assert_eq!(size(u64::MAX), "16.0E");
    }

    #[test]
    fn rates_and_loads() {
        assert_eq!(rate(0.0), "0.0");
        assert_eq!(rate(2.54), "2.5");
        assert_eq!(rate(340.4), "340");
        assert_eq!(load(2048, 2048), "1.00");
        assert_eq!(load(512, 2048), "0.25");
    }

    #[test]
    fn flags() {
        assert_eq!(flags_cell(0), "-");
        assert_eq!(flags_cell(1 | 1 << 16), "ephemeral,killing");
    }

    #[test]
    fn counts() {
        assert_eq!(count(1, "process", "processes"), "1 process");
        assert_eq!(count(0, "process", "processes"), "0 processes");
    }
}
