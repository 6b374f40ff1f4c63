//! The clock the module stamps contexts with (CLOCK_BOOTTIME).

use nix::time::{ClockId, clock_gettime};

/// CLOCK_BOOTTIME now, in nanoseconds (the clock of `created_ns`).
pub fn boottime_ns() -> u64 {
    clock_gettime(ClockId::CLOCK_BOOTTIME)
        .map(|t| {
            (t.tv_sec() as u64)
                .saturating_mul(1_000_000_000)
                .saturating_add(t.tv_nsec() as u64)
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn boottime_runs() {
        assert!(super::boottime_ns() > 0);
    }
}
