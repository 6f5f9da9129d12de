//! Looking down a subtree for the uses of names that no declaration inside
//! it shadows. The walk keeps its own ancestor stack instead of asking
//! nodes for their parents, which tree-sitter answers by descending from
//! the root.

use super::{declared_in, defines, parameters, Decl};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax;
use crate::analysis::syntax::text;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use tree_sitter::Node;

/// What node `n` (with parent `parent` and grandparent `grand`) declares:
/// the declarations, and the byte range where they are in scope.
fn declares<'t>(
    n: Node<'t>,
    parent: Option<Node<'t>>,
    grand: Option<Node<'t>>,
) -> (Vec<Decl<'t>>, Range<usize>) {
    let end_of = |p: Option<Node<'t>>| p.map_or(n.end_byte(), |p| p.end_byte());
    match syntax::kind(n) {
        "short_var_declaration" | "var_declaration" | "const_declaration" => {
            let scope_end = match parent.map(|p| syntax::kind(p)) {
                Some("for_clause") => end_of(grand),
                _ => end_of(parent),
            };
            (declared_in(n), n.end_byte()..scope_end)
        }
        "range_clause" if defines(n) => (declared_in(n), n.end_byte()..end_of(parent)),
        "func_literal" => (parameters(n), n.start_byte()..n.end_byte()),
        "type_switch_statement" => {
            let from = n.field("value").map_or(n.start_byte(), |v| v.end_byte());
            (declared_in(n), from..n.end_byte())
        }
        "communication_case" => {
            let comm = n
                .field("communication")
                .filter(|c| syntax::kind(*c) == "receive_statement");
            let from = comm.map_or(n.start_byte(), |c| c.end_byte());
            (
                comm.map(declared_in).unwrap_or_default(),
                from..n.end_byte(),
            )
        }
        _ => (Vec::new(), 0..0),
    }
}

/// The keys of a struct literal `T{v: 1}`, which name fields, not variables
/// (the keys of map, slice and array literals are expressions).
fn field_keys(n: Node<'_>) -> Vec<Node<'_>> {
    if syntax::kind(n) != "composite_literal"
        || n.field("type")
            .is_some_and(|t| matches!(syntax::kind(t), "map_type" | "slice_type" | "array_type"))
    {
        return Vec::new();
    }
    let Some(body) = n.field("body") else {
        return Vec::new();
    };
    let mut c = body.walk();
    let elements: Vec<Node<'_>> = body.named_children(&mut c).collect();
    elements
        .into_iter()
        .filter(|e| syntax::kind(*e) == "keyed_element")
        .filter_map(|e| e.field("key"))
        .filter_map(|k| {
            k.named_child(0)
                .filter(|id| syntax::kind(*id) == "identifier")
        })
        .collect()
}

/// The identifiers in `root` that use one of `names` (rather than declare
/// one) and that no declaration inside `root` shadows, in document order:
/// uses that refer to a declaration outside `root`.
pub fn free_uses<'t>(root: Node<'t>, names: &[&str], src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut declaring = HashSet::new();
    // Per name, the scopes that shadow it, innermost last. Scopes are nested
    // or disjoint, and the walk goes in document order, so a scope that
    // ended before the current node can be dropped.
    let mut shadows: HashMap<&str, Vec<Range<usize>>> = HashMap::new();
    let mut stack: Vec<Node<'t>> = Vec::new();
    let mut cursor = root.walk();
    loop {
        let n = cursor.node();
        let (decls, scope) = declares(n, stack.last().copied(), stack.iter().rev().nth(1).copied());
        declaring.extend(field_keys(n).into_iter().map(|k| k.id()));
        for d in decls {
            declaring.insert(d.ident.id());
            let name = text(d.ident, src);
            if let Some(name) = names
                .iter()
                .find(|x| **x == name)
                .filter(|_| !scope.is_empty())
            {
                shadows.entry(name).or_default().push(scope.clone());
            }
        }
        if syntax::kind(n) == "identifier" && !declaring.contains(&n.id()) {
            let at = n.start_byte();
            if let Some(scopes) = shadows.get_mut(text(n, src)) {
                while scopes.last().is_some_and(|r| r.end <= at) {
                    scopes.pop();
                }
                if !scopes.iter().rev().any(|r| r.contains(&at)) {
                    out.push(n);
                }
            } else if names.contains(&text(n, src)) {
                out.push(n);
            }
        }
        if cursor.goto_first_child() {
            stack.push(n);
            continue;
        }
        loop {
            if cursor.node() == root {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
            stack.pop();
        }
    }
}
