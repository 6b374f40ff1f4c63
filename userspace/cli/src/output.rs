//! Writing results to stdout (diagnostics go to stderr from main).

use std::io::{self, Write};

use serde::Serialize;

/// Writes `text` to stdout as is.
pub fn text(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `value` as pretty JSON and a newline.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut doc = serde_json::to_string_pretty(value)?;
    doc.push('\n');
    Ok(text(&doc)?)
}
