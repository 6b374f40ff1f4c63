//! `vctx ps [PATH]`: the processes of a context's subtree.

use std::collections::HashMap;

use serde::Serialize;
use vctx_lib::{Device, PidEntry};

use crate::spec::paths::{normalize, preorder_paths};
use crate::sys::procfs;
use crate::view::output;
use crate::view::table::{Align, Table};

/// List the processes of a context and its descendants
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The context whose subtree to list
    #[arg(default_value = "/")]
    pub path: String,
}

/// One process; `context` is null if its context appeared after the listing.
#[derive(Debug, Serialize)]
struct ProcessJson {
    pid: i32,
    context: Option<String>,
    context_id: u64,
    threads: u32,
    command: String,
    /// Its cgroup is frozen (`vctx freeze`).
    frozen: bool,
}

pub fn run(path: &str, json: bool) -> anyhow::Result<()> {
    let device = Device::open()?;
    let mut pids = device.pids(&normalize(path), true)?;
    pids.sort_by_key(|p| p.pid);
    // Name each member's context by its path from the caller's root.
    let all = device.list("/", true)?;
    let names: HashMap<u64, String> = all
        .iter()
        .map(|e| e.id)
        .zip(preorder_paths(&all, "/"))
        .collect();
    let rows = rows(
        &pids,
        &names,
        procfs::command,
        crate::sys::cgroup::process_frozen,
    );
    if json {
        output::json(&PsJson { processes: rows })
    } else {
        Ok(output::text(&render(&rows))?)
    }
}

/// `vctx --json ps`: the member processes.
#[derive(serde::Serialize)]
struct PsJson {
    processes: Vec<ProcessJson>,
}

fn rows(
    pids: &[PidEntry],
    names: &HashMap<u64, String>,
    command: impl Fn(i32) -> String,
    frozen: impl Fn(i32) -> bool,
) -> Vec<ProcessJson> {
    pids.iter()
        .map(|p| ProcessJson {
            pid: p.pid,
            context: names.get(&p.ctx_id).cloned(),
            context_id: p.ctx_id,
            threads: p.threads,
            command: command(p.pid),
            frozen: frozen(p.pid),
        })
        .collect()
}

fn render(rows: &[ProcessJson]) -> String {
    let mut table = Table::new(&[
        ("PID", Align::Right),
        ("CONTEXT", Align::Left),
        ("THREADS", Align::Right),
        ("COMMAND", Align::Left),
    ]);
    for r in rows {
        let context = r
            .context
            .clone()
            .unwrap_or_else(|| format!("? (id {})", r.context_id));
        let context = if r.frozen {
            format!("{context} (frozen)")
        } else {
            context
        };
        table.row(vec![
            r.pid.to_string(),
            context,
            r.threads.to_string(),
            r.command.clone(),
        ]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<ProcessJson> {
        let names = HashMap::from([(0, "/".to_owned()), (3, "/web".to_owned())]);
        let pids = [
            PidEntry {
                pid: 7,
                threads: 1,
                ctx_id: 0,
            },
            PidEntry {
                pid: 1234,
                threads: 12,
                ctx_id: 3,
            },
            PidEntry {
                pid: 99,
                threads: 1,
                ctx_id: 42,
            },
        ];
        rows(
            &pids,
            &names,
            |pid| format!("cmd{pid} --flag"),
            |pid| pid == 99,
        )
    }

    #[test]
    fn table() {
        assert_eq!(
            render(&fixture()),
            " PID  CONTEXT             THREADS  COMMAND\n\
             \x20  7  /                         1  cmd7 --flag\n\
             1234  /web                     12  cmd1234 --flag\n\
             \x20 99  ? (id 42) (frozen)        1  cmd99 --flag\n"
        );
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(fixture()).unwrap();
        assert_eq!(
            v[1],
            serde_json::json!({
                "pid": 1234, "context": "/web", "context_id": 3, "threads": 12,
                "command": "cmd1234 --flag", "frozen": false
            })
        );
        assert_eq!(v[2]["context"], serde_json::Value::Null);
    }
}
