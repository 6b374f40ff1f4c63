//! A guest's run-time state: `/run/vctx/guests/NAME/` (`$VCTX_RUN` moves
//! `/run/vctx/guests`): the supervisor's pid, its record of the guest
//! (`state`, one `key=value` a line) and the `stopping` mark `stop` leaves
//! so the supervisor does not restart what is being stopped.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;

/// `$VCTX_RUN`, default `/run/vctx/guests`.
pub fn run_dir() -> PathBuf {
    std::env::var_os("VCTX_RUN").map_or_else(|| PathBuf::from("/run/vctx/guests"), PathBuf::from)
}

/// Where console logs go by default: `/var/log/vctx/guests`, or
/// `$VCTX_RUN/logs` when `$VCTX_RUN` is set (tests).
pub fn log_dir() -> PathBuf {
    match std::env::var_os("VCTX_RUN") {
        Some(r) => PathBuf::from(r).join("logs"),
        None => PathBuf::from("/var/log/vctx/guests"),
    }
}

/// The state directory of guest `name`.
pub fn dir(name: &str) -> PathBuf {
    run_dir().join(name)
}

/// The supervisor of guest `name`, if one is alive.
pub fn supervisor(name: &str) -> Option<i32> {
    let text = std::fs::read_to_string(dir(name).join("supervisor.pid")).ok()?;
    let pid: i32 = text.trim().parse().ok()?;
    // Alive, and a vctx guest supervisor (not a recycled pid).
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let ours = args
        .windows(2)
        .any(|w| w[0] == b"supervise" && w[1] == name.as_bytes());
    ours.then_some(pid)
}

/// The last record of guest `name` (empty if none).
pub fn read(name: &str) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir(name).join("state"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Replaces the record of guest `name`.
pub fn write(name: &str, record: &BTreeMap<String, String>) -> anyhow::Result<()> {
    let d = dir(name);
    std::fs::create_dir_all(&d).with_context(|| d.display().to_string())?;
    let text: String = record.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    let tmp = d.join("state.tmp");
    std::fs::write(&tmp, text).with_context(|| tmp.display().to_string())?;
    std::fs::rename(&tmp, d.join("state")).context("state")?;
    Ok(())
}

/// The `stopping` mark of guest `name`.
pub fn stopping_mark(name: &str) -> PathBuf {
    dir(name).join("stopping")
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
