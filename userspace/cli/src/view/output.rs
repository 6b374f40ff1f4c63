//! Writing results to stdout (diagnostics go to stderr from main).
//!
//! Every JSON document carries `"format_version"` (first key): the version
//! of the documents' shapes (Documentation/json.rst). It changes only when
//! a key is renamed or removed or its meaning changes; new keys may appear
//! within a version.

use std::io::{self, Write};

use serde::Serialize;

/// The version of the JSON documents' shapes.
pub const FORMAT_VERSION: u32 = 1;

/// A document with the format version in front of its own keys.
#[derive(Serialize)]
struct Versioned<'a, T: Serialize> {
    format_version: u32,
    #[serde(flatten)]
    doc: &'a T,
}

fn versioned<T: Serialize>(doc: &T) -> Versioned<'_, T> {
    Versioned {
        format_version: FORMAT_VERSION,
        doc,
    }
}

/// Writes `text` to stdout as is.
pub fn text(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `value` (a struct: a JSON object) as pretty JSON and a newline,
/// with the format version.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut doc = serde_json::to_string_pretty(&versioned(value))?;
    doc.push('\n');
    Ok(text(&doc)?)
}

/// `value` (a struct) as one line of JSON with the format version, and a
/// newline: a record of a JSON-lines stream (top, events).
pub fn json_line<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let mut doc = serde_json::to_string(&versioned(value))?;
    doc.push('\n');
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc {
        id: u64,
        name: &'static str,
    }

    #[test]
    fn the_version_comes_first() {
        let line = json_line(&Doc { id: 3, name: "web" }).unwrap();
        assert_eq!(line, "{\"format_version\":1,\"id\":3,\"name\":\"web\"}\n");
        let pretty = serde_json::to_string_pretty(&versioned(&Doc { id: 3, name: "web" })).unwrap();
        assert!(pretty.starts_with("{\n  \"format_version\": 1,\n  \"id\": 3,"));
    }
}
