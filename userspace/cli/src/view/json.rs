//! The JSON documents shared by several commands.

use serde::Serialize;
use vctx_lib::{Entry, ctx_flag_names};

/// A context. `children` is the number of children (ls, info) or, in a
/// tree, the array of child documents.
#[derive(Debug, Serialize)]
pub struct EntryJson<C> {
    pub id: u64,
    /// null for the caller's own root.
    pub parent_id: Option<u64>,
    pub name: String,
    pub path: String,
    pub flags: Vec<String>,
    pub depth: u32,
    pub created_ns: u64,
    pub children: C,
    pub processes: u32,
    pub threads: u32,
    pub subtree_processes: u32,
    pub total_processes: u64,
}

impl EntryJson<u32> {
    pub fn new(e: &Entry, path: String) -> Self {
        EntryJson {
            id: e.id,
            parent_id: e.parent_id,
            name: e.name.clone(),
            path,
            flags: ctx_flag_names(e.flags),
            depth: e.depth,
            created_ns: e.created_ns,
            children: e.children,
            processes: e.processes,
            threads: e.threads,
            subtree_processes: e.subtree_processes,
            total_processes: e.total_processes,
        }
    }
}

impl<C> EntryJson<C> {
    /// The same document with `children` replaced.
    pub fn with_children<D>(self, children: D) -> EntryJson<D> {
        EntryJson {
            id: self.id,
            parent_id: self.parent_id,
            name: self.name,
            path: self.path,
            flags: self.flags,
            depth: self.depth,
            created_ns: self.created_ns,
            children,
            processes: self.processes,
            threads: self.threads,
            subtree_processes: self.subtree_processes,
            total_processes: self.total_processes,
        }
    }
}

/// A node of `vctx tree --json`: a context whose children are nodes.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct TreeJson(pub EntryJson<Vec<TreeJson>>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::paths::tests::entry;
    use serde_json::json;

    #[test]
    fn entry_shape() {
        let mut e = entry("web", 3, 1, 2);
        e.flags = vctx_lib::abi::VCTX_CTX_EPHEMERAL | vctx_lib::abi::VCTX_CTX_KILLING;
        let v = serde_json::to_value(EntryJson::new(&e, "/web".into())).unwrap();
        assert_eq!(
            v,
            json!({
                "id": 3, "parent_id": 0, "name": "web", "path": "/web",
                "flags": ["ephemeral", "killing"], "depth": 1, "created_ns": 1_000_000_000u64,
                "children": 0, "processes": 2, "threads": 2, "subtree_processes": 2,
                "total_processes": 2
            })
        );
    }

    #[test]
    fn root_has_null_parent() {
        let v = serde_json::to_value(EntryJson::new(&entry("", 0, 0, 0), "/".into())).unwrap();
        assert_eq!(v["parent_id"], serde_json::Value::Null);
        assert_eq!(v["flags"], json!([]));
    }

    #[test]
    fn tree_nests_children() {
        let leaf =
            TreeJson(EntryJson::new(&entry("app", 4, 1, 1), "/app".into()).with_children(vec![]));
        let root =
            TreeJson(EntryJson::new(&entry("", 0, 0, 0), "/".into()).with_children(vec![leaf]));
        let v = serde_json::to_value(root).unwrap();
        assert_eq!(v["children"][0]["name"], "app");
        assert_eq!(v["children"][0]["children"], json!([]));
    }
}
