//! A snapshot as Prometheus metrics (the text exposition format 0.0.4):
//! one family per counter, every context a series labelled with its
//! `path` and a `scope` ("self": its own processes, "subtree": with its
//! descendants'), and the limits labelled by `resource`. Pure: the
//! command reads the snapshot and serves or prints the text.

use std::fmt::Write as _;

use vctx_lib::{Counters, Resource, Snapshot};

use crate::spec::paths::preorder_paths;

/// The counters' families: (field, metric name, help, counter?, scale to
/// the base unit). Every field of [`Counters`] is here (a test checks).
const COUNTERS: &[(&str, &str, &str, bool, f64)] = &[
    ("processes", "vctx_processes", "Processes now.", false, 1.0),
    (
        "threads",
        "vctx_threads",
        "Threads (tasks) now.",
        false,
        1.0,
    ),
    (
        "forks",
        "vctx_forks_total",
        "Processes and threads created.",
        true,
        1.0,
    ),
    (
        "execs",
        "vctx_execs_total",
        "Successful execve calls.",
        true,
        1.0,
    ),
    ("exits", "vctx_exits_total", "Tasks that exited.", true, 1.0),
    (
        "cpu_user_ns",
        "vctx_cpu_user_seconds_total",
        "CPU time in user mode.",
        true,
        1e-9,
    ),
    (
        "cpu_system_ns",
        "vctx_cpu_system_seconds_total",
        "CPU time in the kernel.",
        true,
        1e-9,
    ),
    (
        "rss_bytes",
        "vctx_rss_bytes",
        "Resident memory now.",
        false,
        1.0,
    ),
    (
        "rss_peak_bytes",
        "vctx_rss_peak_bytes",
        "Highest resident memory seen.",
        false,
        1.0,
    ),
    (
        "io_read_bytes",
        "vctx_io_read_bytes_total",
        "Bytes read (rchar: any file, pipe or socket).",
        true,
        1.0,
    ),
    (
        "io_write_bytes",
        "vctx_io_write_bytes_total",
        "Bytes written (wchar).",
        true,
        1.0,
    ),
    (
        "io_storage_read_bytes",
        "vctx_io_storage_read_bytes_total",
        "Bytes read from storage.",
        true,
        1.0,
    ),
    (
        "io_storage_write_bytes",
        "vctx_io_storage_write_bytes_total",
        "Bytes written to storage.",
        true,
        1.0,
    ),
    (
        "nvcsw",
        "vctx_voluntary_context_switches_total",
        "Voluntary context switches.",
        true,
        1.0,
    ),
    (
        "nivcsw",
        "vctx_involuntary_context_switches_total",
        "Involuntary context switches.",
        true,
        1.0,
    ),
    (
        "limit_hits",
        "vctx_limit_hits_total",
        "Times a limit refused or was crossed.",
        true,
        1.0,
    ),
];

/// A field of `c` by its name in [`COUNTERS`].
fn field(c: &Counters, name: &str) -> u64 {
    match name {
        "processes" => c.processes,
        "threads" => c.threads,
        "forks" => c.forks,
        "execs" => c.execs,
        "exits" => c.exits,
        "cpu_user_ns" => c.cpu_user_ns,
        "cpu_system_ns" => c.cpu_system_ns,
        "rss_bytes" => c.rss_bytes,
        "rss_peak_bytes" => c.rss_peak_bytes,
        "io_read_bytes" => c.io_read_bytes,
        "io_write_bytes" => c.io_write_bytes,
        "io_storage_read_bytes" => c.io_storage_read_bytes,
        "io_storage_write_bytes" => c.io_storage_write_bytes,
        "nvcsw" => c.nvcsw,
        "nivcsw" => c.nivcsw,
        "limit_hits" => c.limit_hits,
        _ => unreachable!("no counter {name}"),
    }
}

/// A label value, escaped as the format wants (\\, \", \n).
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A sample value: integers as they are, the rest in Go's float syntax.
fn number(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn family(out: &mut String, name: &str, help: &str, counter: bool) {
    let kind = if counter { "counter" } else { "gauge" };
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The metrics of `snap`, whose root is at `base`.
pub fn render(snap: &Snapshot, base: &str) -> String {
    let paths: Vec<String> = preorder_paths(&snap.entries, base)
        .iter()
        .map(|p| escape(p))
        .collect();
    let rows: Vec<_> = snap.entries.iter().zip(&paths).collect();
    let mut out = String::new();

    family(
        &mut out,
        "vctx_contexts",
        "Contexts in the exported subtree, its root included.",
        false,
    );
    let _ = writeln!(out, "vctx_contexts {}", snap.entries.len());
    family(
        &mut out,
        "vctx_context_info",
        "A context: its id and name (value 1).",
        false,
    );
    for (e, path) in &rows {
        let _ = writeln!(
            out,
            "vctx_context_info{{path=\"{path}\",id=\"{}\",name=\"{}\"}} 1",
            e.id,
            escape(&e.name)
        );
    }
    family(
        &mut out,
        "vctx_context_uptime_seconds",
        "Time since the context was created.",
        false,
    );
    for (e, path) in &rows {
        let up = snap.now_ns.saturating_sub(e.created_ns) as f64 * 1e-9;
        let _ = writeln!(
            out,
            "vctx_context_uptime_seconds{{path=\"{path}\"}} {}",
            number(up)
        );
    }
    for &(key, name, help, counter, scale) in COUNTERS {
        let help = format!(
            "{help} Scope self: the context's own processes; subtree: with its descendants'."
        );
        family(&mut out, name, &help, counter);
        for (e, path) in &rows {
            for (scope, c) in [("self", &e.self_), ("subtree", &e.subtree)] {
                let v = field(c, key) as f64 * scale;
                let _ = writeln!(
                    out,
                    "{name}{{path=\"{path}\",scope=\"{scope}\"}} {}",
                    number(v)
                );
            }
        }
    }
    let limits: [(&str, &str, bool); 4] = [
        (
            "vctx_limit",
            "The limit of the subtree (+Inf: none).",
            false,
        ),
        (
            "vctx_limit_held",
            "What the subtree holds of the resource now.",
            false,
        ),
        ("vctx_limit_peak", "The highest the subtree held.", false),
        (
            "vctx_limit_failures_total",
            "Refusals (rss: upward crossings).",
            true,
        ),
    ];
    for (name, help, counter) in limits {
        family(
            &mut out,
            name,
            &format!("{help} Per resource (bytes for rss, else a count)."),
            counter,
        );
        for (e, path) in &rows {
            for r in Resource::ALL {
                let l = &e.limits[r.index()];
                let v = match name {
                    "vctx_limit" => l.limit.map_or(f64::INFINITY, |v| v as f64),
                    "vctx_limit_held" => l.held as f64,
                    "vctx_limit_peak" => l.peak as f64,
                    _ => l.failures as f64,
                };
                let _ = writeln!(
                    out,
                    "{name}{{path=\"{path}\",resource=\"{}\"}} {}",
                    r.name(),
                    number(v)
                );
            }
        }
    }
    out
}

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;
    use vctx_lib::{Limit, SnapEntry};

    fn snap() -> Snapshot {
        let mut root = SnapEntry {
            id: 0,
            parent_id: None,
            depth: 0,
            flags: 0,
            created_ns: 0,
            name: String::new(),
            self_: Counters::default(),
            subtree: Counters {
                processes: 3,
                forks: 7,
                cpu_user_ns: 1_500_000_000,
                ..Default::default()
            },
            limits: Default::default(),
        };
        root.self_.processes = 1;
        let mut web = root.clone();
        web.id = 4;
        web.parent_id = Some(0);
        web.depth = 1;
        web.name = "web".into();
        web.created_ns = 2_000_000_000;
        web.limits[Resource::Nproc.index()] = Limit {
            held: 2,
            peak: 3,
            limit: Some(10),
            failures: 1,
        };
        Snapshot {
            now_ns: 5_000_000_000,
            entries: vec![root, web],
        }
    }

    #[test]
    fn every_counter_is_exported() {
        let fields = serde_json::to_value(Counters::default()).unwrap();
        let fields = fields.as_object().unwrap();
        assert_eq!(fields.len(), COUNTERS.len());
        for (key, name, _, counter, _) in COUNTERS {
            assert!(fields.contains_key(*key), "{key} is not a counter");
            assert_eq!(name.ends_with("_total"), *counter, "{name}");
            field(&Counters::default(), key);
        }
    }

    #[test]
    fn families_and_series() {
        let text = render(&snap(), "/");
        assert!(text.contains("# HELP vctx_forks_total Processes and threads created."));
        assert!(text.contains("# TYPE vctx_forks_total counter\n"));
        assert!(text.contains("# TYPE vctx_rss_bytes gauge\n"));
        assert!(text.contains("vctx_forks_total{path=\"/web\",scope=\"subtree\"} 7\n"));
        assert!(text.contains("vctx_processes{path=\"/\",scope=\"self\"} 1\n"));
        assert!(text.contains("vctx_cpu_user_seconds_total{path=\"/\",scope=\"subtree\"} 1.5\n"));
        assert!(text.contains("vctx_limit{path=\"/web\",resource=\"nproc\"} 10\n"));
        assert!(text.contains("vctx_limit{path=\"/web\",resource=\"rss\"} +Inf\n"));
        assert!(text.contains("vctx_limit_failures_total{path=\"/web\",resource=\"nproc\"} 1\n"));
        assert!(text.contains("vctx_context_info{path=\"/web\",id=\"4\",name=\"web\"} 1\n"));
        assert!(text.contains("vctx_context_uptime_seconds{path=\"/web\"} 3\n"));
        assert!(text.contains("vctx_contexts 2\n"));
        // One HELP and one TYPE per family, before its samples.
        let helps = text.lines().filter(|l| l.starts_with("# HELP ")).count();
        let types = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
        assert_eq!((helps, types), (COUNTERS.len() + 7, COUNTERS.len() + 7));
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn promtool_accepts_it() {
        use std::io::Write;
        use std::process::{Command, Stdio};
        // The guest's real output is checked too (tools/run-tests); here a
        // fixed snapshot, wherever promtool (Debian's prometheus) is.
        let Ok(mut child) = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        else {
            eprintln!("promtool not installed: skipped (tools/deps installs prometheus)");
            return;
        };
        let text = render(&snap(), "/");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && said.trim().is_empty(),
            "promtool: {said}\n{text}"
        );
    }

    #[test]
    fn paths_from_a_subtree_root() {
        let text = render(&snap(), "/srv");
        assert!(text.contains("vctx_processes{path=\"/srv/web\",scope=\"self\"} 1\n"));
    }

    #[test]
    fn escapes_and_numbers() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(1e20), "100000000000000000000");
    }
}
