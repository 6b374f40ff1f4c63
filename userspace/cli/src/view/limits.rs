//! The module's limits of a context as text (`vctx limit`, `vctx stat`).

use vctx_lib::{Limit, Limits, Resource};

use crate::view::human;
use crate::view::table::{Align, Table};

/// A figure of `res`: a size for rss, else a count.
fn figure(res: Resource, v: u64) -> String {
    if res.is_bytes() {
        human::size(v)
    } else {
        v.to_string()
    }
}

/// The limits as a table: LIMIT HELD PEAK MAX FAILURES.
pub fn limits_table(limits: &Limits) -> String {
    let mut table = Table::new(&[
        ("LIMIT", Align::Left),
        ("HELD", Align::Right),
        ("PEAK", Align::Right),
        ("MAX", Align::Right),
        ("FAILURES", Align::Right),
    ]);
    for res in Resource::ALL {
        let l: &Limit = &limits[res.index()];
        table.row(vec![
            res.name().to_owned(),
            figure(res, l.held),
            figure(res, l.peak),
            l.limit.map_or_else(|| "max".to_owned(), |v| figure(res, v)),
            l.failures.to_string(),
        ]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let mut limits = Limits::default();
        limits[0] = Limit {
            held: 3,
            peak: 4,
            limit: Some(4),
            failures: 12,
        };
        limits[1].held = 5;
        limits[2] = Limit {
            held: 3 << 20,
            peak: 5 << 20,
            limit: Some(512 << 20),
            failures: 0,
        };
        assert_eq!(
            limits_table(&limits),
            "LIMIT     HELD  PEAK     MAX  FAILURES\n\
             nproc        3     4       4        12\n\
             nthreads     5     0     max         0\n\
             rss       3.0M  5.0M  512.0M         0\n"
        );
    }
}
