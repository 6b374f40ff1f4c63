//! `vctx wait [--timeout DUR] PATH`: block until a subtree is empty.

use std::time::Duration;

use serde::Serialize;
use vctx_lib::{Device, WaitReport};

use crate::human;
use crate::output;
use crate::paths::normalize;

#[derive(Debug, Serialize)]
struct WaitJson {
    id: u64,
    lifetime_ns: u64,
    total_processes: u64,
}

pub fn run(path: &str, timeout: Option<Duration>, json: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    let report = Device::open()?.wait(&path, timeout)?;
    if json {
        output::json(&WaitJson {
            id: report.id,
            lifetime_ns: report.lifetime_ns,
            total_processes: report.total_processes,
        })
    } else {
        Ok(output::text(&render(&path, &report))?)
    }
}

fn render(path: &str, r: &WaitReport) -> String {
    let ran = human::count(r.total_processes, "process", "processes");
    format!(
        "{path}: empty after {} ({ran} ran)\n",
        human::duration(r.lifetime_ns)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text() {
        let r = WaitReport {
            id: 3,
            lifetime_ns: 12_345_000_000,
            total_processes: 4,
        };
        assert_eq!(
            render("/web", &r),
            "/web: empty after 12.3s (4 processes ran)\n"
        );
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(WaitJson {
            id: 3,
            lifetime_ns: 5,
            total_processes: 1,
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": 3, "lifetime_ns": 5, "total_processes": 1})
        );
    }
}
