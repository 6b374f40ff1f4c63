//! A pre-order listing (entries with depths) as a tree, drawn with
//! `├──`/`└──` by the termtree crate.

use termtree::Tree;

/// A node: the index of its entry in the listing, and its children.
#[derive(Debug, PartialEq, Eq)]
pub struct Node {
    pub index: usize,
    pub children: Vec<Node>,
}

/// Builds the forest of a pre-order listing from its depths (one root for a
/// well-formed listing).
pub fn build(depths: &[u32]) -> Vec<Node> {
    let mut pos = 0;
    let mut roots = Vec::new();
    while pos < depths.len() {
        roots.extend(nodes(depths, &mut pos, None));
    }
    roots
}

/// The nodes from `pos` on that are deeper than `parent`.
fn nodes(depths: &[u32], pos: &mut usize, parent: Option<u32>) -> Vec<Node> {
    let mut out = Vec::new();
    while *pos < depths.len() && parent.is_none_or(|p| depths[*pos] > p) {
        let index = *pos;
        *pos += 1;
        let children = nodes(depths, pos, Some(depths[index]));
        out.push(Node { index, children });
        if parent.is_none() {
            break;
        }
    }
    out
}

/// Draws `root`: its own line first, then its descendants indented.
pub fn render(root: &Node, root_label: &str, label: &dyn Fn(usize) -> String) -> String {
    let mut tree = Tree::new(root_label.to_owned());
    tree.leaves = root.children.iter().map(|c| draw(c, label)).collect();
    tree.to_string()
}

/// The nodes below `root` in drawing order, each with the prefix that
/// `render` puts before its label ("├── ", "│   └── ", ...).
pub fn prefixes(root: &Node) -> Vec<(usize, String)> {
    let mut order = Vec::new();
    preorder(&root.children, &mut order);
    // Drawn with empty labels, each line below the root is its prefix.
    let text = render(root, "", &|_| String::new());
    order
        .into_iter()
        .zip(text.lines().skip(1).map(str::to_owned))
        .collect()
}

fn preorder(nodes: &[Node], out: &mut Vec<usize>) {
    for node in nodes {
        out.push(node.index);
        preorder(&node.children, out);
    }
}

fn draw(node: &Node, label: &dyn Fn(usize) -> String) -> Tree<String> {
    let mut tree = Tree::new(label(node.index));
    tree.leaves = node.children.iter().map(|c| draw(c, label)).collect();
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(index: usize) -> Node {
        Node {
            index,
            children: vec![],
        }
    }

    #[test]
    fn builds_from_depths() {
        let forest = build(&[0, 1, 2, 1]);
        assert_eq!(
            forest,
            vec![Node {
                index: 0,
                children: vec![
                    Node {
                        index: 1,
                        children: vec![leaf(2)]
                    },
                    leaf(3)
                ],
            }]
        );
        assert_eq!(build(&[]), vec![]);
        assert_eq!(build(&[0]), vec![leaf(0)]);
    }

    #[test]
    fn prefixes_follow_the_drawing() {
        let forest = build(&[0, 1, 2, 1]);
        assert_eq!(
            prefixes(&forest[0]),
            vec![
                (1, "├── ".to_owned()),
                (2, "│   └── ".to_owned()),
                (3, "└── ".to_owned())
            ]
        );
    }

    #[test]
    fn draws() {
        let names = ["/", "web", "app", "db", "cache"];
        let forest = build(&[0, 1, 2, 3, 1]);
        let text = render(&forest[0], "/  (id 0)", &|i| names[i].to_owned());
        assert_eq!(
            text,
            "/  (id 0)\n\
             ├── web\n\
             │   └── app\n\
             │       └── db\n\
             └── cache\n"
        );
    }
}
