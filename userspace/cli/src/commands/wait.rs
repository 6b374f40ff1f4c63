//! `vctx wait [--timeout DUR] PATH`: block until a subtree is empty, then
//! print its final record (lifetime, CPU, peaks, forks, I/O, limit hits).

use std::time::Duration;

use serde::Serialize;
use vctx_lib::{Device, FinalRecord, Resource, WaitReport, abi};

use crate::spec::duration;
use crate::spec::paths::normalize;
use crate::view::acct_json::FinalJson;
use crate::view::human;
use crate::view::output;

/// Wait until a context and its descendants have no processes
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Give up after this long (e.g. 30s, 500ms, 2m, 1.5s); default: wait for ever
    #[arg(long, value_name = "DUR", value_parser = duration::parse)]
    pub timeout: Option<Duration>,
    /// The context to wait for
    pub path: String,
}

#[derive(Debug, Serialize)]
struct WaitJson {
    id: u64,
    lifetime_ns: u64,
    total_processes: u64,
    /// "reboot" or "halt" when a process inside asked for it (reboot(2));
    /// absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    /// The final record; absent from a module without accounting.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    record: Option<FinalJson>,
}

impl WaitJson {
    fn new(r: &WaitReport, accounting: bool) -> Self {
        WaitJson {
            id: r.id,
            lifetime_ns: r.lifetime_ns,
            total_processes: r.total_processes,
            reason: reason_word(r.reason),
            record: accounting.then(|| (&r.record).into()),
        }
    }
}

pub fn run(path: &str, timeout: Option<Duration>, json: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    let device = Device::open()?;
    let accounting = device
        .version()
        .is_ok_and(|v| v.features & abi::VCTX_FEAT_ACCOUNTING != 0);
    let report = device.wait(&path, timeout)?;
    if json {
        output::json(&WaitJson::new(&report, accounting))
    } else {
        Ok(output::text(&render(&path, &report, accounting))?)
    }
}

/// Why a context ended, as a word: VCTX_EVENT_REBOOT / HALT.
fn reason_word(reason: u32) -> Option<&'static str> {
    match reason {
        abi::VCTX_EVENT_REBOOT => Some("reboot"),
        abi::VCTX_EVENT_HALT => Some("halt"),
        _ => None,
    }
}

fn render(path: &str, r: &WaitReport, accounting: bool) -> String {
    let ran = human::count(r.total_processes, "process", "processes");
    let why = reason_word(r.reason).map_or_else(String::new, |w| format!(", {w} requested"));
    let mut out = format!(
        "{path}: empty after {} ({ran} ran{why})\n",
        human::duration(r.lifetime_ns)
    );
    if accounting {
        out.push_str(&record_lines(&r.record));
    }
    out
}

/// The final record as three indented lines.
fn record_lines(rec: &FinalRecord) -> String {
    let t = &rec.totals;
    let nproc = &rec.limits[Resource::Nproc.index()];
    format!(
        "  cpu {} user, {} system; peak rss {}; peak processes {}\n  \
         {} forks, {} execs, {} exits; io {} read, {} written\n  \
         limit hits {} (nproc {}, nthreads {}, rss {})\n",
        human::duration(t.cpu_user_ns),
        human::duration(t.cpu_system_ns),
        human::size(t.rss_peak_bytes),
        nproc.peak,
        t.forks,
        t.execs,
        t.exits,
        human::size(t.io_read_bytes),
        human::size(t.io_write_bytes),
        t.limit_hits,
        nproc.failures,
        rec.limits[Resource::Nthreads.index()].failures,
        rec.limits[Resource::Rss.index()].failures,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use vctx_lib::Counters;

    fn report() -> WaitReport {
        let mut record = FinalRecord {
            totals: Counters {
                forks: 5,
                execs: 2,
                exits: 6,
                cpu_user_ns: 1_200_000_000,
                cpu_system_ns: 300_000_000,
                rss_peak_bytes: 12 << 20,
                io_read_bytes: 1 << 20,
                io_write_bytes: 2 << 20,
                limit_hits: 2,
                ..Default::default()
            },
            ..Default::default()
        };
        record.limits[0].peak = 4;
        record.limits[0].failures = 2;
        WaitReport {
            id: 3,
            lifetime_ns: 12_345_000_000,
            total_processes: 4,
            record,
            reason: 0,
        }
    }

    #[test]
    fn reboot_reason() {
        let mut r = report();
        r.reason = abi::VCTX_EVENT_REBOOT;
        assert_eq!(
            render("/web", &r, false),
            "/web: empty after 12.3s (4 processes ran, reboot requested)\n"
        );
        r.reason = abi::VCTX_EVENT_HALT;
        let v = serde_json::to_value(WaitJson::new(&r, false)).unwrap();
        assert_eq!(v["reason"], "halt");
    }

    #[test]
    fn text_without_accounting() {
        assert_eq!(
            render("/web", &report(), false),
            "/web: empty after 12.3s (4 processes ran)\n"
        );
    }

    #[test]
    fn text_with_the_final_record() {
        assert_eq!(
            render("/web", &report(), true),
            "/web: empty after 12.3s (4 processes ran)\n  \
             cpu 1.2s user, 300ms system; peak rss 12.0M; peak processes 4\n  \
             5 forks, 2 execs, 6 exits; io 1.0M read, 2.0M written\n  \
             limit hits 2 (nproc 2, nthreads 0, rss 0)\n"
        );
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(WaitJson::new(&report(), false)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": 3, "lifetime_ns": 12_345_000_000u64, "total_processes": 4})
        );
        let v = serde_json::to_value(WaitJson::new(&report(), true)).unwrap();
        assert_eq!(v["totals"]["forks"], 5);
        assert_eq!(v["totals"]["rss_peak_bytes"], 12 << 20);
        assert_eq!(v["limits"]["nproc"]["peak"], 4);
        assert_eq!(v["limits"]["nproc"]["failures"], 2);
        assert_eq!(v["limits"]["rss"]["limit"], "max");
        assert_eq!(v["lifetime_ns"], 12_345_000_000u64);
    }
}
