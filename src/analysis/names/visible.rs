//! Which declarations are in scope where: what a construct brings into
//! scope for the code below it, and the declaration a name refers to,
//! looking up from where it is used.

use super::{declared_in, defines, parameters, Decl, DeclKind};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, text, Parents};
use std::collections::HashMap;
use tree_sitter::Node;

/// Whether `at` lies within `outer`.
fn within(outer: Node<'_>, at: Node<'_>) -> bool {
    syntax::inside(outer, at)
}

/// Whether `at` is among the declaring names on the left of the `:=`
/// statement `stmt` (its right side still sees the names outside).
fn on_left(stmt: Node<'_>, at: Node<'_>) -> bool {
    syntax::kind(stmt) == "short_var_declaration"
        && stmt.field("left").is_some_and(|l| within(l, at))
}

/// Every declaration the construct `scope` brings into scope for its child
/// `child`, on the way up from the node `at` being resolved: earlier
/// statements of a block (the first declaration of a name wins: a later
/// `a, err := …` reuses `err`), an `if`/`switch` initializer, a type switch
/// binding, a select case's receive, a `for` header, a function's
/// parameters, the file's package-level variables and constants.
pub fn visible<'t>(scope: Node<'t>, child: Node<'t>, at: Node<'t>) -> Vec<Decl<'t>> {
    match syntax::kind(scope) {
        "statement_list" => {
            let mut c = scope.walk();
            let mut out: Vec<Decl<'t>> = scope
                .named_children(&mut c)
                .take_while(|s| s.start_byte() < child.start_byte())
                .filter(|s| is_declaring_statement(*s))
                .flat_map(declared_in)
                .collect();
            if on_left(child, at) {
                out.extend(declared_in(child));
            }
            out
        }
        "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
            // The binding is inner to the initializer.
            let mut out = if syntax::kind(scope) == "type_switch_statement"
                && matches!(syntax::kind(child), "type_case" | "default_case")
            {
                declared_in(scope)
            } else {
                Vec::new()
            };
            out.extend(
                scope
                    .field("initializer")
                    .filter(|i| *i != child)
                    .map(declared_in)
                    .unwrap_or_default(),
            );
            out
        }
        "for_statement" => {
            let mut c = scope.walk();
            let clause = scope
                .named_children(&mut c)
                .find(|n| matches!(syntax::kind(*n), "for_clause" | "range_clause"));
            match clause {
                Some(clause) if Some(child) == scope.field("body") => loop_variables(clause),
                _ => Vec::new(),
            }
        }
        // The condition and post statement see the initializer's names.
        "for_clause" => scope
            .field("initializer")
            .filter(|i| *i != child)
            .map(loop_variables_of)
            .unwrap_or_default(),
        // The declaring identifiers on the left resolve to themselves.
        "range_clause" if scope.field("left") == Some(child) => declared_in(scope),
        "communication_case" => {
            let comm = scope.field("communication");
            match comm {
                Some(comm) if comm != child || comm_left(comm).is_some_and(|l| within(l, at)) => {
                    declared_in(comm)
                }
                _ => Vec::new(),
            }
        }
        "function_declaration" | "method_declaration" | "func_literal" => parameters(scope),
        "source_file" => {
            let mut c = scope.walk();
            let top: Vec<Node<'t>> = scope
                .named_children(&mut c)
                .filter(|n| matches!(syntax::kind(*n), "var_declaration" | "const_declaration"))
                .collect();
            top.into_iter()
                .flat_map(declared_in)
                .map(|d| Decl {
                    kind: DeclKind::Package,
                    ..d
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The left side of a receive that defines (`v, ok := <-ch`).
fn comm_left(comm: Node<'_>) -> Option<Node<'_>> {
    comm.field("left").filter(|_| defines(comm))
}

/// Whether a statement of a block declares names into it.
fn is_declaring_statement(stmt: Node<'_>) -> bool {
    matches!(
        syntax::kind(stmt),
        "var_declaration" | "const_declaration" | "short_var_declaration"
    )
}

/// The variables a `for` header declares: a range clause's (with `:=`) or
/// a `for` clause initializer's.
fn loop_variables(clause: Node<'_>) -> Vec<Decl<'_>> {
    match syntax::kind(clause) {
        "range_clause" => declared_in(clause),
        "for_clause" => clause
            .field("initializer")
            .map(loop_variables_of)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The names a `for` clause initializer declares, as loop variables.
fn loop_variables_of(init: Node<'_>) -> Vec<Decl<'_>> {
    declared_in(init)
        .into_iter()
        .map(|d| Decl {
            kind: DeclKind::Loop,
            ..d
        })
        .collect()
}

/// The declaration of `name` that `scope` makes visible to `child` (see
/// [`visible`]), a block's declarations looked up in `lists`.
fn visible_from<'t, 's>(
    scope: Node<'t>,
    child: Node<'t>,
    at: Node<'t>,
    name: &str,
    src: &'s str,
    lists: &mut Lists<'t, 's>,
) -> Option<Decl<'t>> {
    if syntax::kind(scope) != "statement_list" {
        return visible(scope, child, at)
            .into_iter()
            .find(|d| text(d.ident, src) == name);
    }
    let decls = lists
        .entry(scope.id())
        .or_insert_with(|| list_declarations(scope, src));
    let found = decls
        .get(name)
        .filter(|d| d.stmt_start < child.start_byte())
        .map(|d| d.decl);
    found.or_else(|| {
        on_left(child, at)
            .then(|| {
                declared_in(child)
                    .into_iter()
                    .find(|d| text(d.ident, src) == name)
            })
            .flatten()
    })
}

/// A declaration made by a statement of a statement list.
#[derive(Clone, Copy)]
pub(super) struct ListDecl<'t> {
    /// Where the declaring statement starts.
    stmt_start: usize,
    /// The declaration.
    decl: Decl<'t>,
}

/// The first declaration of each name made by the statements of each
/// statement list looked at, by the list's id.
pub(super) type Lists<'t, 's> = HashMap<usize, HashMap<&'s str, ListDecl<'t>>>;

/// The first declaration of each name the statements of `list` make.
fn list_declarations<'t, 's>(list: Node<'t>, src: &'s str) -> HashMap<&'s str, ListDecl<'t>> {
    let mut c = list.walk();
    let stmts: Vec<Node<'t>> = list.named_children(&mut c).collect();
    let mut first = HashMap::new();
    for s in stmts.into_iter().filter(|s| is_declaring_statement(*s)) {
        for decl in declared_in(s) {
            first.entry(text(decl.ident, src)).or_insert(ListDecl {
                stmt_start: s.start_byte(),
                decl,
            });
        }
    }
    first
}

/// The innermost declaration of `name` visible at `at` (or made by `at`
/// itself), going up by `parent`.
pub(super) fn lookup<'t, 's>(
    parent: impl Fn(Node<'t>) -> Option<Node<'t>>,
    at: Node<'t>,
    name: &str,
    src: &'s str,
    lists: &mut Lists<'t, 's>,
) -> Option<Decl<'t>> {
    if let Some(decl) = self_declaration(at, &parent) {
        return Some(decl);
    }
    let mut child = at;
    for scope in std::iter::successors(parent(at), |n| parent(*n)) {
        if let Some(decl) = visible_from(scope, child, at, name, src, lists) {
            return Some(decl);
        }
        child = scope;
    }
    None
}

/// The declaration of `name` in scope at node `at`, walking up the file's
/// parents: `None` when the file does not declare it (another file's
/// package variable, a builtin).
pub fn declaration<'t>(up: &Parents<'t>, at: Node<'t>, name: &str, src: &str) -> Option<Decl<'t>> {
    lookup(|n| up.parent(n), at, name, src, &mut HashMap::new())
}

/// The declaration `ident` itself makes, when it is a declaring name that
/// the scope walk of [`lookup`] would not see: a `var`/`const` name, a `:=`
/// name in an `if`/`for`/`switch` initializer, a type-switch binding.
fn self_declaration<'t>(
    ident: Node<'t>,
    parent_of: &impl Fn(Node<'t>) -> Option<Node<'t>>,
) -> Option<Decl<'t>> {
    let parent = parent_of(ident)?;
    match syntax::kind(parent) {
        "var_spec" | "const_spec" => {
            let mut c = parent.walk();
            let is_name = parent.fields("name", &mut c).any(|n| n == ident);
            // A spec of a declaration at the top of the file.
            let top = std::iter::successors(parent_of(parent), |n| parent_of(*n))
                .find(|n| {
                    !matches!(
                        syntax::kind(*n),
                        "var_declaration" | "const_declaration" | "var_spec_list"
                    )
                })
                .is_some_and(|n| syntax::kind(n) == "source_file");
            let kind = match (top, syntax::kind(parent)) {
                (true, _) => DeclKind::Package,
                (false, "var_spec") => DeclKind::Var,
                _ => DeclKind::Const,
            };
            is_name.then_some(Decl {
                ident,
                kind,
                site: parent,
            })
        }
        "expression_list" => {
            let stmt = parent_of(parent)?;
            match syntax::kind(stmt) {
                "short_var_declaration"
                    if stmt.field("left") == Some(parent)
                        && parent_of(stmt).is_some_and(|p| syntax::kind(p) != "statement_list") =>
                {
                    let in_for = parent_of(stmt).is_some_and(|p| syntax::kind(p) == "for_clause");
                    let kind = if in_for {
                        DeclKind::Loop
                    } else {
                        DeclKind::Short
                    };
                    Some(Decl {
                        ident,
                        kind,
                        site: stmt,
                    })
                }
                "type_switch_statement" if stmt.field("alias") == Some(parent) => Some(Decl {
                    ident,
                    kind: DeclKind::TypeSwitch,
                    site: stmt,
                }),
                _ => None,
            }
        }
        _ => None,
    }
}
