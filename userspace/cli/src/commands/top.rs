//! `vctx top [--once] [--sort KEY] [--interval DUR] [-n N] [PATH]`: the
//! contexts of a subtree with their CPU, memory, fork and I/O rates,
//! computed between VCTX_IOC_SNAPSHOT readings `--interval` apart, and
//! against the limits of the contexts' own cgroups (cpu.max, memory.max,
//! memory.high: `sys::cgstat::Quota`).
//!
//! On a terminal (and without --once, --json or -n) it is interactive
//! (`top::tui`); otherwise it prints frames as text (or JSON lines).

use std::io::IsTerminal;
use std::time::Duration;

use vctx_lib::{Device, Snapshot};

use crate::spec::duration;
use crate::spec::paths::normalize;
use crate::sys::cgstat::Quota;
use crate::top::frame::{SortKey, frame};
use crate::top::tui::{self, App, Host, Quotas, Source};
use crate::view::output;

/// Show the contexts of a subtree live: processes, CPU, memory, forks, I/O, limit hits
#[derive(Debug, clap::Args)]
#[command(after_help = "\
On a terminal (without --once, --json or -n) top is interactive: c, m, p, f, i, n sort
by cpu, memory, processes, forks, I/O, name; Up/Down select; Enter folds a subtree;
Space pauses; ? lists the keys; q quits.")]
pub struct Args {
    /// Print one frame (rates over one --interval) and exit, for scripts
    #[arg(long)]
    pub once: bool,
    /// Order the children of each context by this, largest first (name: A to Z)
    #[arg(long, value_enum, default_value = "cpu")]
    pub sort: SortKey,
    /// Time between readings (the rates are over this interval)
    #[arg(long, value_name = "DUR", default_value = "1s", value_parser = duration::parse)]
    pub interval: Duration,
    /// Stop after this many frames
    #[arg(short = 'n', long, value_name = "N", conflicts_with = "once")]
    pub iterations: Option<u64>,
    /// The root of the subtree to show
    #[arg(default_value = "/")]
    pub path: String,
}

/// The shortest interval between readings.
const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// The device, read at one subtree, and the cgroups of its contexts.
struct DeviceSource {
    device: Device,
    base: String,
}

impl Source for DeviceSource {
    fn read(&mut self) -> anyhow::Result<(Snapshot, Quotas)> {
        let snap = self.device.snapshot(&self.base)?;
        let quotas = Quota::of_snapshot(&self.device, &snap, &self.base);
        Ok((snap, quotas))
    }
}

pub fn run(args: &Args, json: bool) -> anyhow::Result<()> {
    let base = normalize(&args.path);
    let mut source = DeviceSource {
        device: Device::open()?,
        base: base.clone(),
    };
    let interval = args.interval.max(MIN_INTERVAL);
    let interactive =
        !json && !args.once && args.iterations.is_none() && std::io::stdout().is_terminal();
    let first = source.read()?;
    if interactive {
        let app = App::new(&base, interval, args.sort, Host::read(), first);
        return tui::run(&mut source, app);
    }
    let mut prev = first.0;
    let frames = if args.once { Some(1) } else { args.iterations };
    let mut shown = 0u64;
    while frames.is_none_or(|n| shown < n) {
        std::thread::sleep(interval);
        let (cur, quotas) = source.read()?;
        let f = frame(&prev, &cur, &quotas, &base, args.sort);
        if json {
            // One document per frame, on one line: JSON lines when live.
            output::text(&output::json_line(&f)?)?;
        } else {
            let sep = if shown > 0 { "\n" } else { "" };
            output::text(&format!("{sep}{}", f.render(args.sort)))?;
        }
        prev = cur;
        shown += 1;
    }
    Ok(())
}
