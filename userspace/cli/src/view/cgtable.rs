//! A context's cgroup figures (`sys::cgstat`) as text: the table `vctx
//! limit` and `vctx stat` print under the module's limits.

use crate::sys::cgstat::CgroupFigures;
use crate::view::human;
use crate::view::table::{Align, Table};

/// The limits as a table: CGROUP HELD PEAK MAX FAILURES, then one line of
/// notes (the directory, frozen, OOM kills, time throttled).
pub fn render(cg: &CgroupFigures) -> String {
    let mut t = Table::new(&[
        ("CGROUP", Align::Left),
        ("HELD", Align::Right),
        ("PEAK", Align::Right),
        ("MAX", Align::Right),
        ("FAILURES", Align::Right),
    ]);
    let opt = |v: Option<u64>, f: &dyn Fn(u64) -> String| v.map_or_else(|| "-".to_owned(), f);
    let size = |v: u64| human::size(v);
    let count = |v: u64| v.to_string();
    let lim = |v: Option<u64>, f: &dyn Fn(u64) -> String| v.map_or_else(|| "max".to_owned(), f);
    if let Some(m) = &cg.memory {
        for (name, l) in [("mem", &m.mem), ("mem.high", &m.high)] {
            t.row(vec![
                name.into(),
                opt(l.held, &size),
                opt(l.peak, &size),
                lim(l.limit, &size),
                opt(l.failures, &count),
            ]);
        }
        if let Some(s) = &m.swap {
            t.row(vec![
                "swap".into(),
                opt(s.held, &size),
                opt(s.peak, &size),
                lim(s.limit, &size),
                opt(s.failures, &count),
            ]);
        }
    }
    if let Some(c) = &cg.cpu {
        t.row(vec![
            "cpu".into(),
            human::duration(c.usage_usec * 1000),
            "-".into(),
            lim(c.quota_pct100, &|q| pct(q)),
            c.nr_throttled.to_string(),
        ]);
        if let Some(w) = c.weight {
            t.row(vec![
                "cpu.weight".into(),
                "-".into(),
                "-".into(),
                w.to_string(),
                "-".into(),
            ]);
        }
    }
    if let Some(cpus) = &cg.cpus {
        let eff = cg.cpus_effective.clone().unwrap_or_default();
        let set = if cpus.is_empty() {
            "max".to_owned()
        } else {
            cpus.clone()
        };
        t.row(vec!["cpus".into(), eff, "-".into(), set, "-".into()]);
    }
    for io in &cg.io {
        let rate = |v: u64| format!("{}/s", human::size(v));
        t.row(vec![
            format!("io.read {}", io.dev),
            size(io.rbytes),
            "-".into(),
            lim(io.rbps, &rate),
            "-".into(),
        ]);
        t.row(vec![
            format!("io.write {}", io.dev),
            size(io.wbytes),
            "-".into(),
            lim(io.wbps, &rate),
            "-".into(),
        ]);
        t.row(vec![
            format!("io.riops {}", io.dev),
            io.rios.to_string(),
            "-".into(),
            lim(io.riops, &count),
            "-".into(),
        ]);
        t.row(vec![
            format!("io.wiops {}", io.dev),
            io.wios.to_string(),
            "-".into(),
            lim(io.wiops, &count),
            "-".into(),
        ]);
    }
    let mut out = t.render();
    let mut notes = vec![format!(
        "cgroup {}{}",
        cg.dir,
        if cg.own { "" } else { " (inherited)" }
    )];
    if cg.frozen {
        notes.push("frozen".into());
    }
    if let Some(m) = &cg.memory {
        notes.push(format!("oom {}, oom_kill {}", m.oom, m.oom_kill));
    }
    if let Some(c) = &cg.cpu {
        notes.push(format!(
            "throttled {}",
            human::duration(c.throttled_usec * 1000)
        ));
    }
    out.push_str(&notes.join("; "));
    out.push('\n');
    out
}

/// "150%", "12.5%".
pub fn pct(q: u64) -> String {
    if q % 100 == 0 {
        format!("{}%", q / 100)
    } else {
        format!("{}.{:02}%", q / 100, q % 100).replace("0%", "%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(pct(15000), "150%");
        assert_eq!(pct(1250), "12.5%");
        assert_eq!(pct(5), "0.05%");
    }
}
