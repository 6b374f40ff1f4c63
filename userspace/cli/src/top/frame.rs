//! One frame of `vctx top`: the rates between two snapshots of a subtree,
//! its contexts sorted within their parents, use shown against the limits
//! of the contexts' own cgroups (cpu.max, memory.max, memory.high), and
//! the frame as a tree table or a JSON document. Pure: the command does the
//! reading and the waiting.

use std::collections::{HashMap, HashSet};

use clap::ValueEnum;
use serde::Serialize;
use vctx_lib::{SnapEntry, Snapshot};

use crate::spec::paths::preorder_paths;
use crate::sys::cgstat::Quota;
use crate::view::human;
use crate::view::table::{Align, Table};
use crate::view::treeview::{self, Node};

/// What `--sort` orders siblings by (largest first; name: A to Z).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Cpu,
    Rss,
    Procs,
    Forks,
    Io,
    Name,
}

/// One context of a frame; figures are of its whole subtree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub id: u64,
    pub path: String,
    #[serde(skip)]
    pub name: String,
    pub depth: u32,
    pub processes: u64,
    /// CPU time over wall time, in percent (100 = one CPU); null for a
    /// context the first snapshot did not have.
    pub cpu_percent: Option<f64>,
    pub rss_bytes: u64,
    pub forks_per_sec: Option<f64>,
    /// Bytes read plus written (rchar + wchar) per second.
    pub io_bytes_per_sec: Option<f64>,
    pub limit_hits: u64,
    /// The limits of the context's own cgroup and its memory use; null
    /// for a context without a cgroup of its own (it runs within its
    /// parent's limits).
    pub cgroup: Option<Quota>,
}

/// A frame: the rows in display order (pre-order, siblings sorted).
#[derive(Debug, Serialize)]
pub struct Frame {
    pub now_ns: u64,
    pub interval_ns: u64,
    pub contexts: Vec<Row>,
    #[serde(skip)]
    prefixes: Vec<String>,
}

/// The rates of `cur` against `prev` (matched by id), sorted by `key`,
/// with the cgroup quotas (by id) read with `cur`. `base` is the path of
/// the snapshot's root.
pub fn frame(
    prev: &Snapshot,
    cur: &Snapshot,
    quotas: &HashMap<u64, Quota>,
    base: &str,
    key: SortKey,
) -> Frame {
    let dt = cur.now_ns.saturating_sub(prev.now_ns);
    let before: HashMap<u64, &SnapEntry> = prev.entries.iter().map(|e| (e.id, e)).collect();
    let per_sec = |delta: u64| (dt > 0).then(|| delta as f64 * 1e9 / dt as f64);
    let paths = preorder_paths(&cur.entries, base);
    let rows: Vec<Row> = cur
        .entries
        .iter()
        .zip(paths)
        .map(|(e, path)| {
            let old = before.get(&e.id).map(|o| &o.subtree);
            let now = &e.subtree;
            let delta =
                |f: fn(&vctx_lib::Counters) -> u64| old.map(|o| f(now).saturating_sub(f(o)));
            Row {
                id: e.id,
                path,
                name: e.name.clone(),
                depth: e.depth,
                processes: now.processes,
                cpu_percent: delta(|c| c.cpu_ns()).and_then(per_sec).map(|r| r / 1e7),
                rss_bytes: now.rss_bytes,
                forks_per_sec: delta(|c| c.forks).and_then(per_sec),
                io_bytes_per_sec: delta(|c| c.io_bytes()).and_then(per_sec),
                limit_hits: now.limit_hits,
                cgroup: quotas.get(&e.id).cloned(),
            }
        })
        .collect();
    let depths: Vec<u32> = rows.iter().map(|r| r.depth).collect();
    let mut order = Vec::new();
    let mut prefixes = Vec::new();
    for mut root in treeview::build(&depths) {
        sort(&mut root, &rows, key);
        order.push(root.index);
        prefixes.push(String::new());
        for (i, prefix) in treeview::prefixes(&root) {
            order.push(i);
            prefixes.push(prefix);
        }
    }
    Frame {
        now_ns: cur.now_ns,
        interval_ns: dt,
        contexts: order.into_iter().map(|i| rows[i].clone()).collect(),
        prefixes,
    }
}

/// Sorts the children of every node by `key`, ties by name.
fn sort(node: &mut Node, rows: &[Row], key: SortKey) {
    let value = |r: &Row| -> f64 {
        match key {
            SortKey::Cpu => r.cpu_percent.unwrap_or(0.0),
            SortKey::Rss => r.rss_bytes as f64,
            SortKey::Procs => r.processes as f64,
            SortKey::Forks => r.forks_per_sec.unwrap_or(0.0),
            SortKey::Io => r.io_bytes_per_sec.unwrap_or(0.0),
            SortKey::Name => 0.0,
        }
    };
    node.children.sort_by(|a, b| {
        let (ra, rb) = (&rows[a.index], &rows[b.index]);
        value(rb)
            .total_cmp(&value(ra))
            .then_with(|| ra.name.cmp(&rb.name))
    });
    for child in &mut node.children {
        sort(child, rows, key);
    }
}

/// A column of top's table: what `vctx top` shows as text and the TUI as a
/// table. New figures are a new variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Context,
    Procs,
    /// CPU%, and against the cgroup's quota where one is set: "45.0/50%".
    Cpu,
    Rss,
    /// The cgroup's memory.current against memory.max: "60.1M/64.0M".
    Mem,
    /// The cgroup's memory.high.
    High,
    Forks,
    Io,
    Hits,
}

impl Column {
    /// The columns, in display order (MEM and HIGH only where a frame
    /// has figures for them: `Frame::columns`).
    pub const ALL: [Column; 9] = [
        Column::Context,
        Column::Procs,
        Column::Cpu,
        Column::Rss,
        Column::Mem,
        Column::High,
        Column::Forks,
        Column::Io,
        Column::Hits,
    ];

    pub fn header(self) -> &'static str {
        match self {
            Column::Context => "CONTEXT",
            Column::Procs => "PROCS",
            Column::Cpu => "CPU%",
            Column::Rss => "RSS",
            Column::Mem => "MEM/MAX",
            Column::High => "MEM.HIGH",
            Column::Forks => "FORKS/s",
            Column::Io => "IO/s",
            Column::Hits => "HITS",
        }
    }

    pub fn align(self) -> Align {
        if self == Column::Context {
            Align::Left
        } else {
            Align::Right
        }
    }

    /// The sort key ordering by this column, if any.
    pub fn sort_key(self) -> Option<SortKey> {
        match self {
            Column::Context => Some(SortKey::Name),
            Column::Procs => Some(SortKey::Procs),
            Column::Cpu => Some(SortKey::Cpu),
            Column::Rss => Some(SortKey::Rss),
            Column::Mem | Column::High => None,
            Column::Forks => Some(SortKey::Forks),
            Column::Io => Some(SortKey::Io),
            Column::Hits => None,
        }
    }

    /// The cell of `row`; `label` is the tree-drawn name (Context only).
    pub fn cell(self, row: &Row, label: &str) -> String {
        let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "-".to_owned(), f);
        let cg = row.cgroup.as_ref();
        match self {
            Column::Context => label.to_owned(),
            Column::Procs => row.processes.to_string(),
            Column::Cpu => {
                let used = opt(row.cpu_percent, &|v| format!("{v:.1}"));
                match cg.and_then(|q| q.cpu_max_percent) {
                    Some(quota) => format!("{used}/{}%", percent(quota)),
                    None => used,
                }
            }
            Column::Rss => human::size(row.rss_bytes),
            Column::Mem => match cg.and_then(|q| q.memory_bytes) {
                Some(used) => format!(
                    "{}/{}",
                    human::size(used),
                    cg.and_then(|q| q.memory_max_bytes)
                        .map_or_else(|| "max".to_owned(), human::size)
                ),
                None => "-".to_owned(),
            },
            Column::High => cg
                .and_then(|q| q.memory_high_bytes)
                .map_or_else(|| "-".to_owned(), human::size),
            Column::Forks => opt(row.forks_per_sec, &|v| human::rate(v)),
            Column::Io => opt(row.io_bytes_per_sec, &|v| human::size(v.round() as u64)),
            Column::Hits => row.limit_hits.to_string(),
        }
    }
}

/// A quota as a percentage: "50", "150", "12.5".
fn percent(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

impl SortKey {
    /// Its name on the command line ("cpu", "rss", ...).
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_owned())
    }
}

impl Frame {
    /// The columns this frame shows: all but MEM/MAX and MEM.HIGH unless
    /// some context has a cgroup with memory figures (resp. a memory.high).
    pub fn columns(&self) -> Vec<Column> {
        let cgs = || self.contexts.iter().filter_map(|r| r.cgroup.as_ref());
        let mem = cgs().any(|q| q.memory_bytes.is_some());
        let high = cgs().any(|q| q.memory_high_bytes.is_some());
        Column::ALL
            .into_iter()
            .filter(|c| match c {
                Column::Mem => mem,
                Column::High => high,
                _ => true,
            })
            .collect()
    }

    /// The tree-drawn label of each row ("/web", "├── app", ...), in order.
    pub fn labels(&self) -> impl Iterator<Item = (&Row, String)> {
        self.contexts
            .iter()
            .zip(&self.prefixes)
            .map(|(row, prefix)| {
                let label = if prefix.is_empty() {
                    row.path.clone()
                } else {
                    format!("{prefix}{}", row.name)
                };
                (row, label)
            })
    }

    /// The rows shown when the subtrees below the contexts in `collapsed`
    /// (ids) are folded away: indexes into `contexts`.
    pub fn visible(&self, collapsed: &HashSet<u64>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut hide_below: Option<u32> = None;
        for (i, row) in self.contexts.iter().enumerate() {
            if let Some(depth) = hide_below {
                if row.depth > depth {
                    continue;
                }
                hide_below = None;
            }
            out.push(i);
            if collapsed.contains(&row.id) {
                hide_below = Some(row.depth);
            }
        }
        out
    }

    /// Whether the row at `index` has children (rows right after it, deeper).
    pub fn has_children(&self, index: usize) -> bool {
        self.contexts
            .get(index + 1)
            .is_some_and(|next| next.depth > self.contexts[index].depth)
    }

    /// The totals line: the subtree root's figures.
    pub fn summary(&self) -> String {
        let head = self.contexts.first();
        format!(
            "{} contexts, {} processes, cpu {}%, rss {}",
            self.contexts.len(),
            head.map_or(0, |r| r.processes),
            head.and_then(|r| r.cpu_percent)
                .map_or_else(|| "-".to_owned(), |v| format!("{v:.1}")),
            human::size(head.map_or(0, |r| r.rss_bytes)),
        )
    }

    /// The frame as text: a summary line, then the tree table.
    pub fn render(&self, key: SortKey) -> String {
        let shown = self.columns();
        let columns: Vec<_> = shown.iter().map(|c| (c.header(), c.align())).collect();
        let mut table = Table::new(&columns);
        for (row, label) in self.labels() {
            table.row(shown.iter().map(|c| c.cell(row, &label)).collect());
        }
        format!(
            "{}  (over {}, sorted by {})\n{}",
            self.summary(),
            human::duration(self.interval_ns),
            key.name(),
            table.render()
        )
    }
}

/// A snapshot entry for the tests of the views (this file's and toptui's).
#[cfg(test)]
pub(crate) fn snap_entry(
    id: u64,
    depth: u32,
    name: &str,
    subtree: vctx_lib::Counters,
) -> SnapEntry {
    SnapEntry {
        id,
        parent_id: None,
        depth,
        flags: 0,
        created_ns: 0,
        name: name.into(),
        self_: vctx_lib::Counters::default(),
        subtree,
        limits: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vctx_lib::Counters;

    const S: u64 = 1_000_000_000;

    fn entry(
        id: u64,
        depth: u32,
        name: &str,
        cpu_ns: u64,
        forks: u64,
        rss: u64,
        io: u64,
    ) -> SnapEntry {
        let subtree = Counters {
            processes: id,
            cpu_user_ns: cpu_ns,
            forks,
            rss_bytes: rss,
            io_read_bytes: io,
            limit_hits: id * 10,
            ..Default::default()
        };
        snap_entry(id, depth, name, subtree)
    }

    fn snaps() -> (Snapshot, Snapshot) {
        let prev = Snapshot {
            now_ns: 10 * S,
            entries: vec![
                entry(0, 0, "", 0, 0, 0, 0),
                entry(1, 1, "b", 0, 0, 0, 0),
                entry(2, 2, "x", 0, 0, 0, 0),
                entry(3, 1, "c", 0, 10, 0, 0),
            ],
        };
        let cur = Snapshot {
            now_ns: 12 * S,
            entries: vec![
                entry(0, 0, "", 3 * S, 14, 5 << 20, 4 << 20),
                entry(1, 1, "b", S / 2, 4, 1 << 20, 0),
                entry(2, 2, "x", S / 2, 4, 1 << 20, 0),
                entry(3, 1, "c", 2 * S, 20, 4 << 20, 4 << 20),
                entry(4, 1, "a", S, 0, 0, 0),
            ],
        };
        (prev, cur)
    }

    #[test]
    fn rates() {
        let (prev, cur) = snaps();
        let f = frame(&prev, &cur, &HashMap::new(), "/", SortKey::Name);
        assert_eq!(f.interval_ns, 2 * S);
        let c = f.contexts.iter().find(|r| r.path == "/c").unwrap();
        assert_eq!(c.cpu_percent, Some(100.0));
        assert_eq!(c.forks_per_sec, Some(5.0));
        assert_eq!(c.io_bytes_per_sec, Some(2.0 * 1024.0 * 1024.0));
        let root = &f.contexts[0];
        assert_eq!((root.path.as_str(), root.cpu_percent), ("/", Some(150.0)));
        // New since the first snapshot: no rates.
        let a = f.contexts.iter().find(|r| r.path == "/a").unwrap();
        assert_eq!((a.cpu_percent, a.forks_per_sec), (None, None));
    }

    #[test]
    fn sorts_siblings_keeping_the_tree() {
        let (prev, cur) = snaps();
        let order = |key| -> Vec<String> {
            frame(&prev, &cur, &HashMap::new(), "/", key)
                .contexts
                .into_iter()
                .map(|r| r.path)
                .collect()
        };
        assert_eq!(order(SortKey::Name), ["/", "/a", "/b", "/b/x", "/c"]);
        assert_eq!(order(SortKey::Cpu), ["/", "/c", "/b", "/b/x", "/a"]);
        assert_eq!(order(SortKey::Rss), ["/", "/c", "/b", "/b/x", "/a"]);
        assert_eq!(order(SortKey::Procs), ["/", "/a", "/c", "/b", "/b/x"]);
        assert_eq!(order(SortKey::Forks), ["/", "/c", "/b", "/b/x", "/a"]);
    }

    #[test]
    fn text() {
        let (prev, cur) = snaps();
        let text = frame(&prev, &cur, &HashMap::new(), "/", SortKey::Cpu).render(SortKey::Cpu);
        assert_eq!(
            text,
            "5 contexts, 0 processes, cpu 150.0%, rss 5.0M  (over 2.0s, sorted by cpu)\n\
             CONTEXT    PROCS   CPU%   RSS  FORKS/s  IO/s  HITS\n\
             /              0  150.0  5.0M      7.0  2.0M     0\n\
             ├── c          3  100.0  4.0M      5.0  2.0M    30\n\
             ├── b          1   25.0  1.0M      2.0    0B    10\n\
             │   └── x      2   25.0  1.0M      2.0    0B    20\n\
             └── a          4      -    0B        -     -    40\n"
        );
    }

    /// /c has a cgroup with cpu=150%, mem=64M and mem.high=48M; /b one
    /// with no limits (memory figures only).
    fn quotas() -> HashMap<u64, Quota> {
        HashMap::from([
            (
                3,
                Quota {
                    cpu_max_percent: Some(150.0),
                    memory_bytes: Some(3 << 20),
                    memory_max_bytes: Some(64 << 20),
                    memory_high_bytes: Some(48 << 20),
                },
            ),
            (
                1,
                Quota {
                    memory_bytes: Some(1 << 20),
                    ..Default::default()
                },
            ),
        ])
    }

    #[test]
    fn text_against_the_cgroup_limits() {
        let (prev, cur) = snaps();
        let text = frame(&prev, &cur, &quotas(), "/", SortKey::Cpu).render(SortKey::Cpu);
        assert_eq!(
            text,
            "5 contexts, 0 processes, cpu 150.0%, rss 5.0M  (over 2.0s, sorted by cpu)\n\
             CONTEXT    PROCS        CPU%   RSS     MEM/MAX  MEM.HIGH  FORKS/s  IO/s  HITS\n\
             /              0       150.0  5.0M           -         -      7.0  2.0M     0\n\
             ├── c          3  100.0/150%  4.0M  3.0M/64.0M     48.0M      5.0  2.0M    30\n\
             ├── b          1        25.0  1.0M    1.0M/max         -      2.0    0B    10\n\
             │   └── x      2        25.0  1.0M           -         -      2.0    0B    20\n\
             └── a          4           -    0B           -         -        -     -    40\n"
        );
    }

    #[test]
    fn limits_keep_the_cpu_order_and_show_in_json() {
        let (prev, cur) = snaps();
        let f = frame(&prev, &cur, &quotas(), "/", SortKey::Cpu);
        let order: Vec<&str> = f.contexts.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(order, ["/", "/c", "/b", "/b/x", "/a"]);
        let v = serde_json::to_value(&f).unwrap();
        let c = &v["contexts"][1];
        assert_eq!(c["cpu_percent"], 100.0);
        assert_eq!(c["cgroup"]["cpu_max_percent"], 150.0);
        assert_eq!(c["cgroup"]["memory_bytes"], 3 << 20);
        assert_eq!(c["cgroup"]["memory_max_bytes"], 64 << 20);
        assert_eq!(c["cgroup"]["memory_high_bytes"], 48 << 20);
        assert_eq!(
            v["contexts"][2]["cgroup"]["cpu_max_percent"],
            serde_json::Value::Null
        );
        assert_eq!(
            v["contexts"][2]["cgroup"]["memory_max_bytes"],
            serde_json::Value::Null
        );
        assert_eq!(v["contexts"][0]["cgroup"], serde_json::Value::Null);
        assert_eq!(percent(50.0), "50");
        assert_eq!(percent(12.5), "12.5");
    }

    #[test]
    fn folding_hides_the_subtree_only() {
        let (prev, cur) = snaps();
        let f = frame(&prev, &cur, &HashMap::new(), "/", SortKey::Name);
        let paths = |ids: &[u64]| -> Vec<&str> {
            f.visible(&ids.iter().copied().collect())
                .into_iter()
                .map(|i| f.contexts[i].path.as_str())
                .collect()
        };
        assert_eq!(paths(&[]), ["/", "/a", "/b", "/b/x", "/c"]);
        assert_eq!(paths(&[1]), ["/", "/a", "/b", "/c"]);
        assert_eq!(paths(&[0]), ["/"]);
        assert_eq!(paths(&[2]), ["/", "/a", "/b", "/b/x", "/c"]);
        assert!(f.has_children(2) && !f.has_children(3) && !f.has_children(4));
    }

    #[test]
    fn json_shape() {
        let (prev, cur) = snaps();
        let v = serde_json::to_value(frame(&prev, &cur, &HashMap::new(), "/web", SortKey::Name))
            .unwrap();
        assert_eq!(v["interval_ns"], 2 * S);
        assert_eq!(v["contexts"][0]["path"], "/web");
        assert_eq!(v["contexts"][1]["path"], "/web/a");
        assert_eq!(v["contexts"][1]["cpu_percent"], serde_json::Value::Null);
        assert_eq!(v["contexts"][4]["forks_per_sec"], 5.0);
        assert_eq!(v["contexts"][4]["rss_bytes"], 4 << 20);
        assert!(v["contexts"][0].get("name").is_none());
    }
}
