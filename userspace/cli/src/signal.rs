//! Parsing signal names and numbers: TERM, SIGTERM, term, 15, KILL, 0...

/// Signal names (without "SIG") and numbers on this architecture.
const SIGNALS: &[(&str, i32)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("IOT", libc::SIGIOT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("STKFLT", libc::SIGSTKFLT),
    ("CHLD", libc::SIGCHLD),
    ("CLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("WINCH", libc::SIGWINCH),
    ("IO", libc::SIGIO),
    ("POLL", libc::SIGPOLL),
    ("PWR", libc::SIGPWR),
    ("SYS", libc::SIGSYS),
];

/// The highest signal number the module accepts (VCTX_IOC_KILL: 0..64).
const MAX_SIGNAL: u32 = 64;

/// Parses a signal (the clap value parser of --signal and --then).
pub fn parse(text: &str) -> Result<u32, String> {
    let s = text.trim();
    if let Ok(n) = s.parse::<u32>() {
        return if n <= MAX_SIGNAL {
            Ok(n)
        } else {
            Err(format!(
                "signal number {n} out of range (0 to {MAX_SIGNAL})"
            ))
        };
    }
    let upper = s.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, num)| num as u32)
        .ok_or_else(|| {
            format!("unknown signal '{s}' (e.g. TERM, KILL, HUP, USR1, INT or a number)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse("TERM"), Ok(15));
        assert_eq!(parse("SIGTERM"), Ok(15));
        assert_eq!(parse("term"), Ok(15));
        assert_eq!(parse("sigkill"), Ok(9));
        assert_eq!(parse("KILL"), Ok(9));
        assert_eq!(parse("HUP"), Ok(1));
        assert_eq!(parse("USR1"), Ok(10));
        assert_eq!(parse("CONT"), Ok(18));
        assert_eq!(parse("SYS"), Ok(31));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse("9"), Ok(9));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("64"), Ok(64));
        assert!(parse("65").unwrap_err().contains("out of range"));
    }

    #[test]
    fn rejects() {
        for bad in ["", "SIG", "TERMINATE", "-9", "SIGSIGTERM", "1.5", "USR3"] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
