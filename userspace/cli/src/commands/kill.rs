//! `vctx kill [-s SIG] [--grace DUR --then SIG] PATH`.

use std::time::Duration;

use serde::Serialize;
use vctx_lib::{Device, KillReport};

use crate::spec::paths::normalize;
use crate::spec::{duration, signal};
use crate::view::human::count;
use crate::view::output;

/// Signal every process of a context and its descendants
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signal to send: a name (TERM, SIGTERM, KILL, HUP, USR1...) or a number (0 only probes)
    #[arg(short, long, value_name = "SIG", default_value = "TERM", value_parser = signal::parse)]
    pub signal: u32,
    /// How long to wait for the processes to exit before sending the --then signal
    #[arg(long, value_name = "DUR", requires = "then", value_parser = duration::parse)]
    pub grace: Option<Duration>,
    /// The signal for what is left after the --grace period (e.g. KILL)
    #[arg(long, value_name = "SIG", requires = "grace", value_parser = signal::parse)]
    pub then: Option<u32>,
    /// The context whose subtree to signal
    pub path: String,
}

#[derive(Debug, Serialize)]
struct KillJson {
    signalled: u32,
    escalated: u32,
}

pub fn run(args: &Args, json: bool) -> anyhow::Result<()> {
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
