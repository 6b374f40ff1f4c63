//! The one failure with an exit code of its own: CMD could not be executed
//! (`vctx exec`, and the child `sys::nsjoin` runs); main exits 127 or 126.

use vctx_lib::{Errno, describe_errno};

/// CMD could not be executed; exits 127 (not found) or 126, as shells do.
#[derive(Debug)]
pub struct ExecFailed {
    command: String,
    errno: Errno,
}

impl std::error::Error for ExecFailed {}

impl std::fmt::Display for ExecFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.command, describe_errno(self.errno))
    }
}

impl ExecFailed {
    pub fn new(command: String, errno: Errno) -> Self {
        ExecFailed { command, errno }
    }

    pub fn exit_code(&self) -> u8 {
        if self.errno == Errno::ENOENT {
            127
        } else {
            126
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_and_exit_code() {
        let e = ExecFailed::new("nosuchcmd".into(), Errno::ENOENT);
        assert_eq!(e.to_string(), "nosuchcmd: no such file or directory");
        assert_eq!(e.exit_code(), 127);
        let e = ExecFailed::new("/etc/passwd".into(), Errno::EACCES);
        assert_eq!(e.to_string(), "/etc/passwd: permission denied");
        assert_eq!(e.exit_code(), 126);
    }
}
