//! `vctx stat [--window DUR] PATH`: a context's counters (self and
//! subtree), its limits, uptime and load.

use std::time::Duration;

use serde::Serialize;
use vctx_lib::{Counters, Device, LOAD_ONE, Stat, ctx_flag_names};

use crate::spec::duration;
use crate::spec::paths::normalize;
use crate::view::acct_json::LimitsJson;
use crate::view::human;
use crate::view::human::flags_cell;
use crate::view::limits::limits_table;
use crate::view::output;
use crate::view::table::{Align, Table, key_values};

/// Show a context's counters (its own and its subtree's), limits, uptime and load
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report the limit peaks over this interval: take a checkpoint, wait, then read
    #[arg(long, value_name = "DUR", value_parser = duration::parse)]
    pub window: Option<Duration>,
    /// The context to show
    pub path: String,
}

#[derive(Debug, Serialize)]
struct StatJson {
    path: String,
    id: u64,
    flags: Vec<String>,
    now_ns: u64,
    created_ns: u64,
    uptime_ns: u64,
    /// 1/5/15-minute load of the subtree (1.0 = one runnable task).
    loadavg: [f64; 3],
    nr_running: u32,
    /// null: no process was created in the subtree yet.
    last_pid: Option<i32>,
    /// The limit peaks are since a checkpoint taken `window_ns` before.
    window_ns: Option<u64>,
    #[serde(rename = "self")]
    self_: Counters,
    subtree: Counters,
    limits: LimitsJson,
    /// The cgroup's figures; null: in no cgroup.
    cgroup: Option<crate::sys::cgstat::CgroupFigures>,
}

impl StatJson {
    fn new(path: &str, s: &Stat, window: Option<Duration>) -> Self {
        StatJson {
            path: path.to_owned(),
            id: s.id,
            flags: ctx_flag_names(s.flags),
            now_ns: s.now_ns,
            created_ns: s.created_ns,
            uptime_ns: s.uptime_ns(),
            // Exact: dividing by a power of two.
            loadavg: s.loadavg.map(|l| l as f64 / LOAD_ONE as f64),
            nr_running: s.nr_running,
            last_pid: s.last_pid,
            window_ns: window.map(|w| u64::try_from(w.as_nanos()).unwrap_or(u64::MAX)),
            self_: s.self_,
            subtree: s.subtree,
            limits: (&s.limits).into(),
            cgroup: None,
        }
    }
}

pub fn run(path: &str, window: Option<Duration>, json: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    let device = Device::open()?;
    if let Some(window) = window {
        device.checkpoint(&path)?;
        std::thread::sleep(window);
    }
    let stat = device.stat(&path, window.is_some())?;
    let cg = crate::sys::cgstat::CgroupFigures::of(&device, &path, stat.id)?;
    if json {
        let mut doc = StatJson::new(&path, &stat, window);
        doc.cgroup = cg;
        output::json(&doc)
    } else {
        let mut text = render(&path, &stat, window);
        if let Some(cg) = cg {
            text.push('\n');
            text.push_str(&crate::view::cgtable::render(&cg));
        }
        Ok(output::text(&text)?)
    }
}

fn render(path: &str, s: &Stat, window: Option<Duration>) -> String {
    let load = s.loadavg.map(|l| human::load(l, LOAD_ONE)).join(" ");
    let mut out = key_values(&[
        ("path", path.to_owned()),
        ("id", s.id.to_string()),
        ("flags", flags_cell(s.flags)),
        ("uptime", human::duration(s.uptime_ns())),
        ("load", load),
        ("running", s.nr_running.to_string()),
        (
            "last pid",
            s.last_pid.map_or_else(|| "-".to_owned(), |p| p.to_string()),
        ),
    ]);
    out.push('\n');
    out.push_str(&counters_table(&s.self_, &s.subtree));
    out.push('\n');
    if let Some(w) = window {
        out.push_str(&format!(
            "peaks over the last {}\n",
            human::duration(u64::try_from(w.as_nanos()).unwrap_or(u64::MAX))
        ));
    }
    out.push_str(&limits_table(&s.limits));
    out
}

/// The counters, one per row, with a SELF and a SUBTREE column.
fn counters_table(own: &Counters, all: &Counters) -> String {
    type Cell = fn(&Counters) -> String;
    let rows: [(&'static str, Cell); 16] = [
        ("processes", |c| c.processes.to_string()),
        ("threads", |c| c.threads.to_string()),
        ("forks", |c| c.forks.to_string()),
        ("execs", |c| c.execs.to_string()),
        ("exits", |c| c.exits.to_string()),
        ("cpu user", |c| human::duration(c.cpu_user_ns)),
        ("cpu system", |c| human::duration(c.cpu_system_ns)),
        ("rss", |c| human::size(c.rss_bytes)),
        ("rss peak", |c| human::size(c.rss_peak_bytes)),
        ("io read", |c| human::size(c.io_read_bytes)),
        ("io write", |c| human::size(c.io_write_bytes)),
        ("storage read", |c| human::size(c.io_storage_read_bytes)),
        ("storage write", |c| human::size(c.io_storage_write_bytes)),
        ("voluntary switches", |c| c.nvcsw.to_string()),
        ("involuntary switches", |c| c.nivcsw.to_string()),
        ("limit hits", |c| c.limit_hits.to_string()),
    ];
    let mut table = Table::new(&[
        ("COUNTER", Align::Left),
        ("SELF", Align::Right),
        ("SUBTREE", Align::Right),
    ]);
    for (name, cell) in rows {
        table.row(vec![name.to_owned(), cell(own), cell(all)]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vctx_lib::{Limit, Limits};

    const S: u64 = 1_000_000_000;

    fn stat() -> Stat {
        let mut limits = Limits::default();
        limits[0] = Limit {
            held: 3,
            peak: 4,
            limit: Some(4),
            failures: 1,
        };
        limits[2].held = 3 << 20;
        limits[2].peak = 5 << 20;
        Stat {
            id: 7,
            now_ns: 125 * S,
            created_ns: 5 * S,
            loadavg: [2048, 1024, 0],
            nr_running: 1,
            last_pid: Some(321),
            flags: 0,
            self_: Counters {
                processes: 1,
                threads: 1,
                forks: 2,
                cpu_user_ns: 1_500_000_000,
                rss_bytes: 1 << 20,
                io_write_bytes: 4 << 20,
                ..Default::default()
            },
            subtree: Counters {
                processes: 3,
                threads: 5,
                forks: 6,
                cpu_user_ns: 2_500_000_000,
                rss_bytes: 3 << 20,
                io_write_bytes: 4 << 20,
                limit_hits: 1,
                ..Default::default()
            },
            limits,
        }
    }

    #[test]
    fn text() {
        let text = render("/web", &stat(), None);
        assert!(
            text.starts_with(
                "path:     /web\n\
             id:       7\n\
             flags:    -\n\
             uptime:   2m00s\n\
             load:     1.00 0.50 0.00\n\
             running:  1\n\
             last pid: 321\n\n\
             COUNTER               SELF  SUBTREE\n\
             processes                1        3\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("\ncpu user              1.5s     2.5s\n"),
            "{text}"
        );
        assert!(
            text.contains("\nrss                   1.0M     3.0M\n"),
            "{text}"
        );
        assert!(
            text.contains("\nlimit hits               0        1\n"),
            "{text}"
        );
        assert!(
            text.contains("\nnproc        3     4    4         1\n"),
            "{text}"
        );
        assert!(!text.contains("peaks over"));
        assert!(
            render("/web", &stat(), Some(Duration::from_secs(2)))
                .contains("peaks over the last 2.0s\n")
        );
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(StatJson::new("/web", &stat(), None)).unwrap();
        assert_eq!(v["path"], "/web");
        assert_eq!(v["uptime_ns"], 120 * S);
        assert_eq!(v["loadavg"], serde_json::json!([1.0, 0.5, 0.0]));
        assert_eq!(v["last_pid"], 321);
        assert_eq!(v["window_ns"], serde_json::Value::Null);
        assert_eq!(v["self"]["forks"], 2);
        assert_eq!(v["subtree"]["processes"], 3);
        assert_eq!(v["subtree"]["limit_hits"], 1);
        assert_eq!(v["limits"]["nproc"]["limit"], 4);
        assert_eq!(v["limits"]["rss"]["limit"], "max");
        assert_eq!(v["limits"]["rss"]["peak"], 5 << 20);
    }
}
