//! `vctx top [--once] [--sort KEY] [--interval DUR] [PATH]`: a live tree of
//! the subtree's contexts with their CPU, memory, fork and I/O rates,
//! computed between VCTX_IOC_SNAPSHOT readings `--interval` apart.

use std::io::IsTerminal;
use std::time::Duration;

use vctx_lib::Device;

use crate::cli::TopArgs;
use crate::output;
use crate::paths::normalize;
use crate::topframe::frame;

/// Clears a terminal and puts the cursor home, so a frame replaces the last.
const CLEAR: &str = "\x1b[H\x1b[2J";

pub fn run(args: &TopArgs, json: bool) -> anyhow::Result<()> {
    let base = normalize(&args.path);
    let device = Device::open()?;
    let frames = if args.once { Some(1) } else { args.iterations };
    let tty = !json && std::io::stdout().is_terminal();
    let mut prev = device.snapshot(&base)?;
    let mut shown = 0u64;
    while frames.is_none_or(|n| shown < n) {
        std::thread::sleep(args.interval.max(Duration::from_millis(10)));
        let cur = device.snapshot(&base)?;
        let f = frame(&prev, &cur, &base, args.sort);
        if json {
            // One document per frame, on one line: JSON lines when live.
            let mut doc = serde_json::to_string(&f)?;
            doc.push('\n');
            output::text(&doc)?;
        } else {
            let clear = if tty && !args.once { CLEAR } else { "" };
            let sep = if !tty && shown > 0 { "\n" } else { "" };
            output::text(&format!("{clear}{sep}{}", f.render(args.sort)))?;
        }
        prev = cur;
        shown += 1;
    }
    Ok(())
}
