//! The bounds of the analysis: on the depth, the size and the rule work of
//! one top-level declaration. A declaration past a bound is reported once
//! as a `skipped-declaration` finding (save a deep `var` or `const`: a
//! generated table) and the rest of the file is checked.
//!
//! `Node::parent` costs time proportional to the node's depth, so following
//! every ancestor of a deep node costs its depth squared. The engine checks
//! only top-level declarations that nest at most [`MAX_DEPTH`] levels deep
//! (see [`shallow`]), so every node a rule sees, and every ancestor it walks
//! up to, lies within that bound. Real code stays far below it: the deepest
//! node of the Go standard library's declarations is about 60 levels down.
//!
//! A syntax tree takes 35 to 85 bytes of memory per byte of source, and the
//! parser aborts the process when it cannot allocate, so a declaration of
//! more than [`MAX_DECLARATION_BYTES`] (found lexically) is never parsed.
//!
//! Each rule invocation is charged for the function around its match (see
//! [`Budget`]); past [`MAX_WORK`], the declaration's remaining matches are
//! dropped.

use super::skipped_declaration;
use super::Finding;
use crate::analysis::syntax;
use std::ops::Range;
use tree_sitter::{Node, TreeCursor};

/// The deepest nesting, in syntax-tree levels below a top-level
/// declaration, that the rules analyse.
pub const MAX_DEPTH: usize = 128;

/// Whether every node of `root`'s subtree, `root` lying `depth` levels
/// below its top-level declaration, lies at most [`MAX_DEPTH`] levels below
/// the declaration. No parent lookups, and a subtree of `k` nodes is less
/// than `k` levels deep, so the walk only enters subtrees large enough to
/// reach past the bound: on real code a few nodes per declaration. The walk
/// moves `cursor` (any cursor of the tree): one cursor reused for every
/// declaration of a file keeps the stack it grew on the first.
pub fn shallow<'t>(root: Node<'t>, depth: usize, cursor: &mut TreeCursor<'t>) -> bool {
    cursor.reset(root);
    let top = depth;
    let mut depth = depth;
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
            if depth == top {
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

/// Whether the subtree of `node`, lying `depth` levels below its top-level
/// declaration, surely lies within [`MAX_DEPTH`] by its node count alone:
/// a subtree of `k` nodes is at most `k - 1` levels deep.
pub fn surely_shallow(node: Node<'_>, depth: usize) -> bool {
    depth + node.descendant_count() <= MAX_DEPTH + 1
}

/// The largest top-level declaration, in bytes of source, that is parsed.
/// The largest real ones are generated tables: 4 MB in
/// `golang.org/x/text/collate`, 1.4 MB in the standard library.
pub const MAX_DECLARATION_BYTES: usize = 8 * 1024 * 1024;

/// The work each rule may spend on one top-level declaration, in syntax
/// nodes: see [`Budget`].
pub const MAX_WORK: u64 = 20_000_000_000;

/// Rules whose invocation costs at most the size of its scope, not its
/// square: the work budget charges them linearly. A rule joins the list once
/// `benches/scaling.rs` shows it linear in the statements of one function.
pub const LINEAR_RULES: &[&str] = &[
    "unchecked-type-assertion",
    "explicit-gc",
    "redundant-gomaxprocs",
];

/// The rule work spent on one top-level declaration, rule by rule. A rule
/// invocation looks at the function around its match, and a rule that is
/// not linear looks at it once per statement or per pair of statements, so
/// an invocation is charged the square of its scope's node count (the scope
/// alone for [`LINEAR_RULES`]): the whole declaration when it is a function
/// or method, else the outermost function literal around the match, else
/// the matched node. Past [`MAX_WORK`], the rule's remaining matches in the
/// declaration are dropped, which bounds the time of any rule whose
/// invocations cost at most the square of their scope; the declaration is
/// reported once. The charge depends only on the declaration's own text, so
/// a whole-file check, a slice and an incremental re-check agree.
pub struct Budget {
    /// The declaration's span.
    range: Range<usize>,
    /// The node count of the declaration when every invocation's scope is
    /// the whole of it (a function or method, or the root of the file,
    /// whose patterns cost nothing).
    scope: Option<u64>,
    /// The work spent so far, by rule slug.
    spent: Vec<(&'static str, u64)>,
    /// Whether a rule ran out (and the declaration was reported).
    reported: bool,
}

impl Budget {
    /// The budget of the top-level declaration `decl`.
    pub fn new(decl: Node<'_>) -> Self {
        let function = matches!(
            syntax::kind(decl),
            "function_declaration" | "method_declaration"
        );
        Budget {
            range: decl.byte_range(),
            scope: function.then(|| decl.descendant_count() as u64),
            spent: Vec::new(),
            reported: false,
        }
    }

    /// The budget of the matches at the root of a file: their patterns
    /// match a top-level declaration each, which bounds their cost.
    pub fn root() -> Self {
        Budget {
            range: 0..0,
            scope: Some(0),
            spent: Vec::new(),
            reported: false,
        }
    }

    /// Charges one invocation of rule `slug` at `node`; `false` (and, the
    /// first time in the declaration, a `skipped-declaration` finding in
    /// `out`) when the rule's work would exceed [`MAX_WORK`].
    pub fn charge(
        &mut self,
        slug: &'static str,
        node: Node<'_>,
        src: &str,
        out: &mut Vec<Finding>,
    ) -> bool {
        let nodes = self.scope.unwrap_or_else(|| literal_scope(node));
        let cost = if LINEAR_RULES.contains(&slug) {
            nodes
        } else {
            nodes.saturating_mul(nodes)
        };
        let at = match self.spent.iter().position(|&(s, _)| s == slug) {
            Some(at) => at,
            None => {
                self.spent.push((slug, 0));
                self.spent.len() - 1
            }
        };
        let spent = &mut self.spent[at].1;
        if *spent == u64::MAX {
            return false;
        }
        if spent.saturating_add(cost) <= MAX_WORK {
            *spent += cost;
            return true;
        }
        *spent = u64::MAX;
        if !self.reported {
            self.reported = true;
            let message = format!(
                "checking this declaration would cost the rule {slug} more than a rule may spend on \
                 one ({nodes} syntax nodes in the function around its matches): it skipped the rest \
                 of it, and so may other rules; split it into smaller functions"
            );
            out.push(skipped(src, self.range.clone(), message));
        }
        false
    }
}

/// The node count of the outermost function literal around `node` (in a
/// declaration that is not a function), else of `node` itself. At most
/// [`MAX_DEPTH`] steps up, each costing the depth.
fn literal_scope(node: Node<'_>) -> u64 {
    let mut scope = node;
    let mut at = node;
    while let Some(parent) = at.parent() {
        if syntax::kind(at) == "func_literal" {
            scope = at;
        }
        at = parent;
    }
    scope.descendant_count() as u64
}

/// A `skipped-declaration` finding with `message` on the first line of the
/// declaration spanning `decl` in `src`.
pub fn skipped(src: &str, decl: Range<usize>, message: String) -> Finding {
    Finding::new(&skipped_declaration::RULE, head(src, decl)).message(message)
}

/// The start of the declaration spanning `decl`: its first line, at most 80
/// bytes of it, ending on a character boundary.
fn head(src: &str, decl: Range<usize>) -> Range<usize> {
    let start = decl.start.min(src.len());
    let end = decl.end.clamp(start, src.len());
    let mut stop = src.as_bytes()[start..end]
        .iter()
        .take(80)
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or((end - start).min(80), |p| p)
        + start;
    while !src.is_char_boundary(stop) {
        stop -= 1;
    }
    let text = src.get(start..stop).unwrap_or_default();
    start..start + text.trim_end().len()
}

/// `bytes` in the largest unit that keeps it at least 1, with one decimal.
pub fn size_text(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes as f64 >= MB {
        format!("{:.1} MB", bytes as f64 / MB)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
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
            assert_eq!(
                shallow(decl, 0, &mut decl.walk()),
                expected,
                "{levels} nested blocks"
            );
        }
    }
}
