//! What the user types, parsed: durations, signals, capability lists,
//! limit assignments, networks and context paths. The lowest layer: it uses only
//! vctx-lib and the crates, nothing else of the CLI.

pub mod capspec;
pub mod duration;
pub mod limitspec;
pub mod netspec;
pub mod paths;
pub mod signal;
