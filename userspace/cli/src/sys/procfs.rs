//! What /proc says about a process, for `vctx ps`.

use std::fs;

/// The command line of `pid` (arguments joined by spaces), else its name in
/// brackets as ps shows kernel threads ("[kworker/0:1]"), else "-" if it is
/// gone.
pub fn command(pid: i32) -> String {
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    if let Some(cmd) = from_cmdline(&cmdline) {
        return cmd;
    }
    match fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(comm) => format!("[{}]", comm.trim_end_matches('\n')),
        Err(_) => "-".to_owned(),
    }
}

/// NUL-separated arguments as one line; None if there are none.
fn from_cmdline(raw: &[u8]) -> Option<String> {
    let args: Vec<String> = raw
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    (!args.is_empty()).then(|| args.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdline() {
        assert_eq!(from_cmdline(b"sleep\x00100\x00"), Some("sleep 100".into()));
        assert_eq!(from_cmdline(b""), None);
        assert_eq!(from_cmdline(b"\x00"), None);
    }

    #[test]
    fn own_process() {
        let me = command(std::process::id() as i32);
        assert!(!me.is_empty() && me != "-", "{me}");
        assert_eq!(command(i32::MAX), "-");
    }
}
