//! `vctx top`'s frames (`frame`: rates between two snapshots, as rows) and
//! its interactive terminal (`tui`, ratatui). Uses `view`, `sys` and
//! `spec`; never `commands`.

pub mod frame;
pub mod tui;
