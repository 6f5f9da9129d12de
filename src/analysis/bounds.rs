//! Depth bounds for analyses that walk up the syntax tree.
//!
//! `Node::parent` costs time proportional to the node's depth, so following
//! every ancestor of a deep node costs its depth squared. Rules that resolve
//! names or follow paths first check that the code they look at is not
//! pathologically deep (generated tables, hostile input) and stay silent
//! when it is. Real functions stay far below the bound: the deepest node of
//! the Go standard library's functions is about 60 levels down.

use tree_sitter::Node;

/// The deepest nesting, in syntax-tree levels, that these analyses follow.
pub const MAX_DEPTH: usize = 128;

/// The root node of the tree `node` belongs to.
fn root_of(node: Node<'_>) -> Node<'_> {
    let raw = node.into_raw();
    // SAFETY: `raw.tree` is the tree `node` borrows, alive for the node's
    // lifetime; its root node borrows the same tree for the same lifetime.
    unsafe { Node::from_raw(tree_sitter::ffi::ts_tree_root_node(raw.tree)) }
}

/// Whether `node` lies more than [`MAX_DEPTH`] levels below the root. One
/// descent from the root: time proportional to the depth.
pub fn too_deep(node: Node<'_>) -> bool {
    let mut current = root_of(node);
    let mut depth = 0;
    while current != node && depth <= MAX_DEPTH {
        match current.child_with_descendant(node) {
            Some(next) => current = next,
            None => break,
        }
        depth += 1;
    }
    depth > MAX_DEPTH
}

/// Whether every node of `root`'s subtree lies at most [`MAX_DEPTH`] levels
/// below `root` (one pass over the subtree, no parent lookups).
pub fn shallow(root: Node<'_>) -> bool {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        if depth > MAX_DEPTH {
            return false;
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if depth == 0 {
                return true;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return true;
            }
            depth -= 1;
        }
    }
}
