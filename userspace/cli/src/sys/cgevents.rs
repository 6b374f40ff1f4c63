//! Cgroup events for `vctx events` (issue 13): the memory controller's
//! `max`, `high`, `oom` and `oom_kill` counts (memory.events) and CPU
//! throttling (cpu.stat `nr_throttled`) of every context bound to a cgroup
//! of its own, as lines next to the module's limit events.
//!
//! Why the CLI and not the module: the kernel counts these events in the
//! memcg and cpu controllers and tells userspace through the files
//! themselves (a change of memory.events is a `cgroup_file_notify`,
//! seen by poll/inotify); it exports no notifier or tracepoint a module
//! could attach to for them, and the counts are already exact and
//! per-cgroup. So `vctx events` reads them: without `--follow` it prints
//! the counts that are not zero; with `--follow` it looks again every
//! second and prints what grew, with the time it saw it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use vctx_lib::Device;

use crate::sys::cgroup;
use crate::sys::cgstat::keyed;

/// The counters followed: (file, key, controller name for the line).
const COUNTERS: [(&str, &str, &str); 5] = [
    ("memory.events", "max", "memory"),
    ("memory.events", "high", "memory"),
    ("memory.events", "oom", "memory"),
    ("memory.events", "oom_kill", "memory"),
    ("cpu.stat", "nr_throttled", "cpu"),
];

/// One cgroup event: a counter of a context's cgroup that is not zero, or
/// that grew.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CgEvent {
    pub time_ns: u64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub ctx_id: u64,
    pub ctx_path: String,
    pub controller: &'static str,
    /// "max", "high", "oom", "oom_kill", "nr_throttled".
    pub event: &'static str,
    /// The count now.
    pub count: u64,
    /// How much it grew since the last look (the count, the first time).
    pub new: u64,
}

impl CgEvent {
    /// "[  12.345678] /m: memory oom_kill 1 (+1)".
    pub fn line(&self) -> String {
        format!(
            "[{:5}.{:06}] {}: {} {} {} (+{})\n",
            self.time_ns / 1_000_000_000,
            self.time_ns % 1_000_000_000 / 1000,
            self.ctx_path,
            self.controller,
            self.event,
            self.count,
            self.new
        )
    }
}

/// What was seen last, by context id and counter.
#[derive(Debug, Default)]
pub struct Watch {
    seen: BTreeMap<(u64, &'static str, &'static str), u64>,
}

impl Watch {
    /// The counters of every context in `contexts` (id, path) bound to a
    /// cgroup of its own that are above what was seen last.
    pub fn poll(&mut self, device: &Device, contexts: &[(u64, String)]) -> Vec<CgEvent> {
        let now = crate::sys::clock::boottime_ns();
        let mut out = Vec::new();
        for (id, path) in contexts {
            let Ok(Some((dir, holder))) = cgroup::current_dir(device, path) else {
                continue;
            };
            if holder != *id {
                continue;
            }
            out.extend(self.diff(now, *id, path, &dir));
        }
        out
    }

    fn diff(&mut self, now: u64, id: u64, path: &str, dir: &Path) -> Vec<CgEvent> {
        let mut files: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
        let mut out = Vec::new();
        for (file, key, controller) in COUNTERS {
            let vals = files.entry(file).or_insert_with(|| keyed(dir, file));
            let count = vals.get(key).copied().unwrap_or(0);
            let last = self.seen.insert((id, file, key), count).unwrap_or(0);
            if count > last {
                out.push(CgEvent {
                    time_ns: now,
                    kind: "cgroup",
                    ctx_id: id,
                    ctx_path: path.to_owned(),
                    controller,
                    event: key,
                    count,
                    new: count - last,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format() {
        let e = CgEvent {
            time_ns: 12_345_678_901,
            kind: "cgroup",
            ctx_id: 3,
            ctx_path: "/m".into(),
            controller: "memory",
            event: "oom_kill",
            count: 2,
            new: 1,
        };
        assert_eq!(e.line(), "[   12.345678] /m: memory oom_kill 2 (+1)\n");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["type"], "cgroup");
        assert_eq!(v["event"], "oom_kill");
    }
}
