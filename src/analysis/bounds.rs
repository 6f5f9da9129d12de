//! The depth bound of the analysis.
//!
//! `Node::parent` costs time proportional to the node's depth, so following
//! every ancestor of a deep node costs its depth squared. The engine checks
//! only top-level declarations that nest at most [`MAX_DEPTH`] levels deep
//! (see [`shallow`]), so every node a rule sees, and every ancestor it walks
//! up to, lies within that bound. Real code stays far below it: the deepest
//! node of the Go standard library's declarations is about 60 levels down.

use tree_sitter::Node;

/// The deepest nesting, in syntax-tree levels below a top-level
/// declaration, that the rules analyse.
pub const MAX_DEPTH: usize = 128;

/// Whether every node of `root`'s subtree lies at most [`MAX_DEPTH`] levels
/// below `root`. No parent lookups, and a subtree of `k` nodes is less than
/// `k` levels deep, so the walk only enters subtrees large enough to
/// reach past the bound: on real code a few nodes per declaration.
pub fn shallow(root: Node<'_>) -> bool {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        let reach = depth + cursor.node().descendant_count();
        if reach > MAX_DEPTH && cursor.goto_first_child() {
            depth += 1;
            if depth > MAX_DEPTH {
                return false;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        let language = tree_sitter::Language::new(tree_sitter_go::LANGUAGE);
        assert!(parser.set_language(&language).is_ok());
        parser.parse(src, None).expect("parses")
    }

    fn nested(levels: usize) -> String {
        format!(
            "package p\nfunc f() {{\n{}{}}}\n",
            "{\n".repeat(levels),
            "}\n".repeat(levels)
        )
    }

    #[test]
    fn bounds_the_depth_below_the_declaration() {
        for (levels, expected) in [(10, true), (60, true), (200, false), (5_000, false)] {
            let tree = parse(&nested(levels));
            let decl = tree.root_node().named_child(1).expect("a function");
            assert_eq!(shallow(decl), expected, "{levels} nested blocks");
        }
    }
}
