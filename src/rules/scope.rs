//! Go name scoping on syntax, for rules that must know which declaration a
//! name refers to: looking up from a node to the declaration in scope there,
//! and looking down a subtree for the uses of names it does not shadow.
//!
//! Looking down keeps its own ancestor stack instead of asking nodes for
//! their parents, which tree-sitter answers by descending from the root.

use crate::analysis::syntax::{self, text, Parents};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use tree_sitter::Node;

/// Whether `node` has an unnamed child token of kind `token` (e.g. `:=`).
pub(super) fn has_token(node: Node<'_>, token: &str) -> bool {
    let mut c = node.walk();
    let found = node.children(&mut c).any(|n| n.kind() == token);
    found
}

/// The named children of `node`.
fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut c = node.walk();
    node.named_children(&mut c).collect()
}

/// The children of `node` in field `field`.
fn fields<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut c = node.walk();
    node.children_by_field_name(field, &mut c).collect()
}

/// The identifiers a statement declares: the left of `:=`, the names of
/// `var` and `const` specs.
fn declared_identifiers(stmt: Node<'_>) -> Vec<Node<'_>> {
    match stmt.kind() {
        "short_var_declaration" => stmt
            .child_by_field_name("left")
            .map(children)
            .unwrap_or_default(),
        "var_declaration" | "const_declaration" => syntax::descendants(stmt)
            .into_iter()
            .filter(|n| matches!(n.kind(), "var_spec" | "const_spec"))
            .flat_map(|spec| fields(spec, "name"))
            .collect(),
        _ => Vec::new(),
    }
}

/// The identifiers a `for` header declares with `:=`.
fn header_identifiers(loop_: Node<'_>) -> Vec<Node<'_>> {
    children(loop_)
        .into_iter()
        .flat_map(|h| match h.kind() {
            "range_clause" if has_token(h, ":=") => h
                .child_by_field_name("left")
                .map(children)
                .unwrap_or_default(),
            "for_clause" => h
                .child_by_field_name("initializer")
                .map(declared_identifiers)
                .unwrap_or_default(),
            _ => Vec::new(),
        })
        .collect()
}

/// The parameter, receiver and result declarations of a function.
fn parameter_declarations(func: Node<'_>) -> Vec<Node<'_>> {
    ["receiver", "parameters", "result"]
        .iter()
        .filter_map(|f| func.child_by_field_name(f))
        .flat_map(children)
        .collect()
}

/// The parameter, receiver and result names of a function.
fn parameter_identifiers(func: Node<'_>) -> Vec<Node<'_>> {
    parameter_declarations(func)
        .into_iter()
        .flat_map(|decl| fields(decl, "name"))
        .collect()
}

/// The identifiers a type switch's alias or a select case's `v := <-ch`
/// declares.
fn case_identifiers(node: Node<'_>) -> Vec<Node<'_>> {
    match node.kind() {
        "type_switch_statement" => node
            .child_by_field_name("alias")
            .map(children)
            .unwrap_or_default(),
        "communication_case" => node
            .child_by_field_name("communication")
            .filter(|c| c.kind() == "receive_statement" && has_token(*c, ":="))
            .and_then(|c| c.child_by_field_name("left"))
            .map(children)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The names `anc` brings into scope for its child `child` on the way up
/// from `at`, each with the node that declares it (latest last): earlier
/// statements of a block, an `if`/`switch` initializer, a type switch alias,
/// a select case's receive, a `for` header, a function's parameters.
pub(super) fn declared_for<'t, 's>(
    anc: Node<'t>,
    child: Node<'t>,
    at: Node<'t>,
    src: &'s str,
) -> Vec<(&'s str, Node<'t>)> {
    let named =
        |ids: Vec<Node<'t>>, by: Node<'t>| ids.into_iter().map(move |id| (text(id, src), by));
    match anc.kind() {
        "func_literal" | "function_declaration" | "method_declaration" => {
            parameter_declarations(anc)
                .into_iter()
                .flat_map(|decl| named(fields(decl, "name"), decl))
                .collect()
        }
        "statement_list" | "block" => children(anc)
            .into_iter()
            .take_while(|s| *s != child)
            .flat_map(|s| named(declared_identifiers(s), s))
            .collect(),
        "source_file" => children(anc)
            .into_iter()
            .flat_map(|s| named(declared_identifiers(s), s))
            .collect(),
        "for_statement" => {
            // The body, condition and post statement see a `for` clause's
            // variables; its initializer and a range expression do not.
            let in_scope = Some(child) == anc.child_by_field_name("body")
                || (child.kind() == "for_clause"
                    && !child.child_by_field_name("initializer").is_some_and(|i| {
                        i.start_byte() <= at.start_byte() && at.end_byte() <= i.end_byte()
                    }));
            if in_scope {
                named(header_identifiers(anc), anc).collect()
            } else {
                Vec::new()
            }
        }
        "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
            let init = anc
                .child_by_field_name("initializer")
                .filter(|i| *i != child);
            let mut out: Vec<_> = init
                .into_iter()
                .flat_map(|i| named(declared_identifiers(i), anc))
                .collect();
            if child.kind() == "type_case" {
                out.extend(named(case_identifiers(anc), anc));
            }
            out
        }
        "communication_case" if anc.child_by_field_name("communication") != Some(child) => {
            named(case_identifiers(anc), anc).collect()
        }
        _ => Vec::new(),
    }
}

/// The declaration of `name` in scope at `at`: the declaring statement or
/// the function, `for`, `if`, `switch` or select case that declares it.
/// `None` when the file does not declare it (another file's package
/// variable, a builtin).
pub(super) fn declaration<'t>(
    up: &Parents<'t>,
    at: Node<'t>,
    name: &str,
    src: &str,
) -> Option<Node<'t>> {
    let mut child = at;
    for anc in up.ancestors(at) {
        let found = declared_for(anc, child, at, src)
            .into_iter()
            .rev()
            .find(|(n, _)| *n == name);
        if let Some((_, by)) = found {
            return Some(by);
        }
        child = anc;
    }
    None
}

/// What node `n` (with parent `parent` and grandparent `grand`) declares:
/// the declaring identifiers, and the byte range where they are in scope.
fn declares<'t>(
    n: Node<'t>,
    parent: Option<Node<'t>>,
    grand: Option<Node<'t>>,
) -> (Vec<Node<'t>>, Range<usize>) {
    let end_of = |p: Option<Node<'t>>| p.map_or(n.end_byte(), |p| p.end_byte());
    match n.kind() {
        "short_var_declaration" | "var_declaration" | "const_declaration" => {
            let scope_end = match parent.map(|p| p.kind()) {
                Some("for_clause") => end_of(grand),
                _ => end_of(parent),
            };
            (declared_identifiers(n), n.end_byte()..scope_end)
        }
        "range_clause" if has_token(n, ":=") => (
            n.child_by_field_name("left")
                .map(children)
                .unwrap_or_default(),
            n.end_byte()..end_of(parent),
        ),
        "func_literal" => (parameter_identifiers(n), n.start_byte()..n.end_byte()),
        "type_switch_statement" => {
            let from = n
                .child_by_field_name("value")
                .map_or(n.start_byte(), |v| v.end_byte());
            (case_identifiers(n), from..n.end_byte())
        }
        "communication_case" => {
            let from = n
                .child_by_field_name("communication")
                .map_or(n.start_byte(), |c| c.end_byte());
            (case_identifiers(n), from..n.end_byte())
        }
        // Field names of a struct literal `T{v: 1}` name no variable (the
        // keys of map, slice and array literals are expressions).
        "composite_literal"
            if !n
                .child_by_field_name("type")
                .is_some_and(|t| matches!(t.kind(), "map_type" | "slice_type" | "array_type")) =>
        {
            let keys = n
                .child_by_field_name("body")
                .map(children)
                .unwrap_or_default()
                .into_iter()
                .filter(|e| e.kind() == "keyed_element")
                .filter_map(|e| e.child_by_field_name("key"))
                .filter_map(|k| k.named_child(0).filter(|id| id.kind() == "identifier"))
                .collect();
            (keys, 0..0)
        }
        _ => (Vec::new(), 0..0),
    }
}

/// The identifiers in `root` that use one of `names` (rather than declare
/// one) and that no declaration inside `root` shadows, in document order:
/// uses that refer to a declaration outside `root`.
pub(super) fn free_uses<'t>(root: Node<'t>, names: &[&str], src: &str) -> Vec<Node<'t>> {
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
        let (ids, scope) = declares(n, stack.last().copied(), stack.iter().rev().nth(1).copied());
        for id in ids {
            declaring.insert(id.id());
            let name = text(id, src);
            if let Some(name) = names
                .iter()
                .find(|x| **x == name)
                .filter(|_| !scope.is_empty())
            {
                shadows.entry(name).or_default().push(scope.clone());
            }
        }
        if n.kind() == "identifier" && !declaring.contains(&n.id()) {
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
