//! Context paths as the CLI shows them: "/" for the caller's context,
//! "/a/b" below it.

use vctx_lib::{Entry, SnapEntry};

/// The form the CLI sends and shows: a leading '/' and no trailing '/'
/// ("web/app/" -> "/web/app", "" -> "/"). Empty components are kept
/// ("/a//b"): the module refuses them with EINVAL, as the ABI says.
pub fn normalize(path: &str) -> String {
    if path.is_empty() || path == "/" {
        return "/".to_owned();
    }
    let mut p = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    // One trailing slash is harmless ("/web/"); anything else malformed
    // ("//", "/a//b") goes to the module as it is, to be refused there.
    if p.len() > 1 && p.ends_with('/') && !p[..p.len() - 1].ends_with('/') {
        p.pop();
    }
    p
}

/// The path of child `name` of the context at (normalised) `parent`.
pub fn join(parent: &str, name: &str) -> String {
    if parent == "/" {
        format!("/{name}")
    } else {
        format!("{parent}/{name}")
    }
}

/// An entry of a pre-order listing: a name at a depth.
pub trait Preorder {
    fn depth(&self) -> u32;
    fn name(&self) -> &str;
}

impl Preorder for Entry {
    fn depth(&self) -> u32 {
        self.depth
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Preorder for SnapEntry {
    fn depth(&self) -> u32 {
        self.depth
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// The path of each entry of a pre-order listing (depth 0 is `base`).
pub fn preorder_paths<E: Preorder>(entries: &[E], base: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    entries
        .iter()
        .map(|e| {
            stack.truncate(e.depth() as usize);
            let path = match stack.last() {
                Some(parent) if e.depth() > 0 => join(parent, e.name()),
                _ => base.to_owned(),
            };
            stack.push(path.clone());
            path
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An entry for tests: name, id, depth, processes.
    pub fn entry(name: &str, id: u64, depth: u32, processes: u32) -> Entry {
        Entry {
            id,
            parent_id: if id == 0 { None } else { Some(0) },
            flags: 0,
            depth,
            created_ns: 1_000_000_000,
            children: 0,
            processes,
            threads: processes,
            subtree_processes: processes,
            total_processes: u64::from(processes),
            name: name.to_owned(),
            caps: 0,
        }
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/"), "/");
        assert_eq!(normalize(""), "/");
        assert_eq!(normalize("web"), "/web");
        assert_eq!(normalize("/web/app/"), "/web/app");
        // Malformed paths are passed on unchanged, for the module to refuse.
        assert_eq!(normalize("//"), "//");
        assert_eq!(normalize("/a//b"), "/a//b");
        assert_eq!(normalize("//web//app/"), "//web//app");
    }

    #[test]
    fn joins() {
        assert_eq!(join("/", "web"), "/web");
        assert_eq!(join("/web", "app"), "/web/app");
    }

    #[test]
    fn preorder() {
        let entries = [
            entry("", 0, 0, 1),
            entry("a", 1, 1, 0),
            entry("b", 2, 2, 0),
            entry("c", 3, 3, 0),
            entry("d", 4, 1, 0),
        ];
        assert_eq!(
            preorder_paths(&entries, "/"),
            ["/", "/a", "/a/b", "/a/b/c", "/d"]
        );
        let rooted = [entry("web", 5, 0, 0), entry("app", 6, 1, 0)];
        assert_eq!(preorder_paths(&rooted, "/web"), ["/web", "/web/app"]);
    }
}
