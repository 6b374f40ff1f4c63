//! `vctx freeze PATH` / `vctx thaw PATH`: stop and resume every process of
//! a context's subtree with the cgroup v2 freezer (cgroup.freeze of the
//! context's cgroup, made and bound on demand). A frozen context can
//! still be killed: SIGKILL reaches frozen tasks.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use vctx_lib::Device;

use crate::spec::paths::normalize;
use crate::sys::cgroup;
use crate::sys::cgstat::keyed;

/// Stop every process of a context's subtree (cgroup v2 freezer);
/// 'vctx thaw' resumes them, 'vctx kill' still works
#[derive(Debug, clap::Args)]
pub struct FreezeArgs {
    /// The context to freeze
    pub path: String,
}

/// Resume the processes of a frozen context
#[derive(Debug, clap::Args)]
pub struct ThawArgs {
    /// The context to thaw
    pub path: String,
}

/// How long to wait for the kernel to report the whole subtree frozen.
const SETTLE: Duration = Duration::from_secs(10);

pub fn run(path: &str, freeze: bool) -> anyhow::Result<()> {
    let path = normalize(path);
    let device = Device::open()?;
    cgroup::require_mount().with_context(|| path.clone())?;
    device.info(&path)?;
    let dir = if freeze {
        cgroup::ensure_bound(&device, &path)?
    } else {
        match cgroup::current_dir(&device, &path)? {
            Some((dir, holder)) if holder == device.info(&path)?.entry.id => dir,
            // Never bound: never frozen by vctx.
            _ => return Ok(()),
        }
    };
    cgroup::write(&dir, "cgroup.freeze", if freeze { "1\n" } else { "0\n" })?;
    // cgroup.events says "frozen 1" once every task has stopped.
    let want = u64::from(freeze);
    let start = Instant::now();
    while keyed(&dir, "cgroup.events")
        .get("frozen")
        .copied()
        .unwrap_or(0)
        != want
    {
        if start.elapsed() > SETTLE {
            anyhow::bail!(
                "{path}: the kernel did not report the subtree {} within {} s",
                if freeze { "frozen" } else { "thawed" },
                SETTLE.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
