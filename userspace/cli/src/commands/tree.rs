//! `vctx tree [PATH]`: a context and its whole subtree.

use vctx_lib::{Device, Entry, ctx_flag_names};

use crate::spec::paths::{normalize, preorder_paths};
use crate::view::human;
use crate::view::json::{EntryJson, TreeJson};
use crate::view::output;
use crate::view::treeview::{self, Node};

/// Show a context and all its descendants as a tree
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The root of the tree to show
    #[arg(default_value = "/")]
    pub path: String,
}

pub fn run(path: &str, json: bool) -> anyhow::Result<()> {
    let base = normalize(path);
    let entries = Device::open()?.list(&base, true)?;
    let paths = preorder_paths(&entries, &base);
    let depths: Vec<u32> = entries.iter().map(|e| e.depth).collect();
    let Some(root) = treeview::build(&depths).into_iter().next() else {
        anyhow::bail!("{base}: the module listed nothing");
    };
    if json {
        output::json(&to_json(&root, &entries, &paths))
    } else {
        Ok(output::text(&render(&root, &entries, &base))?)
    }
}

/// "name  (id N, P procs[, flags])".
fn label(name: &str, e: &Entry) -> String {
    let mut details = vec![
        format!("id {}", e.id),
        human::count(e.processes.into(), "proc", "procs"),
    ];
    details.extend(ctx_flag_names(e.flags));
    format!("{name}  ({})", details.join(", "))
}

fn render(root: &Node, entries: &[Entry], base: &str) -> String {
    treeview::render(root, &label(base, &entries[root.index]), &|i| {
        label(&entries[i].name, &entries[i])
    })
}

fn to_json(node: &Node, entries: &[Entry], paths: &[String]) -> TreeJson {
    let children = node
        .children
        .iter()
        .map(|c| to_json(c, entries, paths))
        .collect();
    TreeJson(
        EntryJson::new(&entries[node.index], paths[node.index].clone()).with_children(children),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::paths::tests::entry;

    fn listing() -> Vec<Entry> {
        let mut app = entry("app", 4, 1, 1);
        app.flags = vctx_lib::abi::VCTX_CTX_EPHEMERAL;
        vec![
            entry("web", 3, 0, 2),
            app,
            entry("worker", 6, 2, 3),
            entry("cache", 5, 1, 0),
        ]
    }

    #[test]
    fn text() {
        let entries = listing();
        let root = treeview::build(&[0, 1, 2, 1]).remove(0);
        assert_eq!(
            render(&root, &entries, "/web"),
            "/web  (id 3, 2 procs)\n\
             ├── app  (id 4, 1 proc, ephemeral)\n\
             │   └── worker  (id 6, 3 procs)\n\
             └── cache  (id 5, 0 procs)\n"
        );
    }

    #[test]
    fn json_nests() {
        let entries = listing();
        let paths = preorder_paths(&entries, "/web");
        let root = treeview::build(&[0, 1, 2, 1]).remove(0);
        let v = serde_json::to_value(to_json(&root, &entries, &paths)).unwrap();
        assert_eq!(v["path"], "/web");
        assert_eq!(v["children"][0]["path"], "/web/app");
        assert_eq!(v["children"][0]["children"][0]["path"], "/web/app/worker");
        assert_eq!(
            v["children"][0]["children"][0]["children"],
            serde_json::json!([])
        );
        assert_eq!(v["children"][1]["name"], "cache");
        assert_eq!(v["children"].as_array().map(Vec::len), Some(2));
    }
}
