//! vctx: the command-line tool of vctx security contexts.
//!
//! Thin: parse (clap exits 2 on usage errors), run, and on failure print the
//! error chain on one line to stderr, prefixed "vctx: ", and exit 1 (126 or
//! 127 when `vctx exec` cannot execute its command).

// The layers, top down: cli (the parser) and commands, then top, view,
// sys, spec; each uses only those below it (tests/layers.rs checks).
mod cli;
mod commands;
mod guest;
mod spec;
mod sys;
mod top;
mod view;

use std::process::ExitCode;

use clap::Parser;

use crate::sys::execfail::ExecFailed;

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("vctx: {err:#}");
            ExitCode::from(
                err.downcast_ref::<ExecFailed>()
                    .map_or(1, ExecFailed::exit_code),
            )
        }
    }
}

/// Rust ignores SIGPIPE; restore the default so `vctx ps | head` ends
/// quietly instead of failing with EPIPE.
fn restore_sigpipe() {
    use nix::sys::signal::{SigHandler, Signal, signal};
    // SAFETY: called first thing in main, before any other thread exists;
    // SIG_DFL is a valid disposition and no handler of ours is replaced.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
}
