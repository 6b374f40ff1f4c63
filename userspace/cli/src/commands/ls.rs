//! `vctx ls [PATH]`: the children of a context, as a table.

use vctx_lib::{Device, Entry};

use crate::spec::paths::{normalize, preorder_paths};
use crate::view::human::{self, flags_cell};
use crate::view::json::EntryJson;
use crate::view::output;
use crate::view::table::{Align, Table};

/// List the children of a context
#[derive(Debug, clap::Args)]
#[command(visible_alias = "list")]
pub struct Args {
    /// The context whose children to list
    #[arg(default_value = "/")]
    pub path: String,
}

pub fn run(path: &str, json: bool) -> anyhow::Result<()> {
    let base = normalize(path);
    let entries = Device::open()?.list(&base, false)?;
    let paths = preorder_paths(&entries, &base);
    // The module lists the context itself first (depth 0): show its children.
    let children: Vec<(&Entry, &String)> = entries
        .iter()
        .zip(&paths)
        .filter(|(e, _)| e.depth > 0)
        .collect();
    if json {
        let docs: Vec<EntryJson<u32>> = children
            .iter()
            .map(|(e, p)| EntryJson::new(e, (*p).clone()))
            .collect();
        output::json(&LsJson { contexts: docs })
    } else {
        let entries: Vec<&Entry> = children.iter().map(|(e, _)| *e).collect();
        Ok(output::text(&render(
            &entries,
            crate::sys::clock::boottime_ns(),
        ))?)
    }
}

/// `vctx --json ls`: the children.
#[derive(serde::Serialize)]
struct LsJson {
    contexts: Vec<EntryJson<u32>>,
}

/// A context's flags for a table cell: "ephemeral,killing", or "-".
/// The table of `children` as of `now_ns` (CLOCK_BOOTTIME).
fn render(children: &[&Entry], now_ns: u64) -> String {
    let mut table = Table::new(&[
        ("NAME", Align::Left),
        ("ID", Align::Right),
        ("PROCS", Align::Right),
        ("THREADS", Align::Right),
        ("CHILDREN", Align::Right),
        ("FLAGS", Align::Left),
        ("AGE", Align::Right),
    ]);
    for e in children {
        table.row(vec![
            e.name.clone(),
            e.id.to_string(),
            e.processes.to_string(),
            e.threads.to_string(),
            e.children.to_string(),
            flags_cell(e.flags),
            human::age(e.created_ns, now_ns),
        ]);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::paths::tests::entry;

    #[test]
    fn table() {
        let mut web = entry("web", 3, 1, 2);
        web.threads = 17;
        web.children = 1;
        web.flags = vctx_lib::abi::VCTX_CTX_EPHEMERAL;
        let db = entry("database", 12, 1, 0);
        let now = 1_000_000_000 + 125 * 1_000_000_000;
        assert_eq!(
            render(&[&web, &db], now),
            "NAME      ID  PROCS  THREADS  CHILDREN  FLAGS        AGE\n\
             web        3      2       17         1  ephemeral  2m05s\n\
             database  12      0        0         0  -          2m05s\n"
        );
    }
}
