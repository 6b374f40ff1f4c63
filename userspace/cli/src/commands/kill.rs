//! `vctx kill [-s SIG] [--grace DUR --then SIG] PATH`.

use serde::Serialize;
use vctx_lib::{Device, KillReport};

use crate::cli::KillArgs;
use crate::human::count;
use crate::output;
use crate::paths::normalize;

#[derive(Debug, Serialize)]
struct KillJson {
    signalled: u32,
    escalated: u32,
}

pub fn run(args: &KillArgs, json: bool) -> anyhow::Result<()> {
    let escalate = args.then.zip(args.grace);
    let report = Device::open()?.kill(&normalize(&args.path), args.signal, escalate)?;
    if json {
        output::json(&KillJson {
            signalled: report.signalled,
            escalated: report.escalated,
        })
    } else {
        Ok(output::text(&render(&report, escalate.is_some()))?)
    }
}

fn render(report: &KillReport, escalating: bool) -> String {
    let mut line = format!(
        "signalled {}",
        count(report.signalled.into(), "process", "processes")
    );
    if escalating {
        line.push_str(&format!(", escalated {}", report.escalated));
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text() {
        let r = KillReport {
            signalled: 3,
            escalated: 1,
        };
        assert_eq!(render(&r, false), "signalled 3 processes\n");
        assert_eq!(render(&r, true), "signalled 3 processes, escalated 1\n");
        assert_eq!(
            render(
                &KillReport {
                    signalled: 1,
                    escalated: 0
                },
                false
            ),
            "signalled 1 process\n"
        );
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(KillJson {
            signalled: 3,
            escalated: 1,
        })
        .unwrap();
        assert_eq!(v, serde_json::json!({"signalled": 3, "escalated": 1}));
    }
}
