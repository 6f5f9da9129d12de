//! Name resolution on syntax: which declaration an identifier refers to,
//! following Go's block scoping (a `:=` or `var` is visible from the end of
//! its statement to the end of its block; `if`/`for`/`switch` initializers,
//! range and receive variables, type-switch bindings and parameters have
//! their own scopes). Iterative, like everything that walks trees.

use super::syntax::{self, ancestors, text, Walk};
use std::collections::HashMap;
use tree_sitter::Node;

/// What kind of declaration introduced a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    /// A method receiver.
    Receiver,
    /// A function or func-literal parameter.
    Param,
    /// A named function result.
    Result,
    /// `var x T` / `var x = v` inside a function.
    Var,
    /// `x := v` (also in `if`/`for`/`switch` initializers).
    Short,
    /// A `for … := range` variable or a `for` clause initializer variable.
    Loop,
    /// `v := <-ch` in a select case.
    Receive,
    /// The binding of a type switch, `switch v := x.(type)`.
    TypeSwitch,
    /// A local constant.
    Const,
    /// A variable or constant declared at the top level of the file.
    Package,
}

/// A declaration of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decl<'t> {
    /// The declaring identifier.
    pub ident: Node<'t>,
    /// How it was declared.
    pub kind: DeclKind,
    /// The declaring construct: the `parameter_declaration`, `var_spec`,
    /// `short_var_declaration`, `range_clause`, … that holds `ident`.
    pub site: Node<'t>,
}

impl<'t> Decl<'t> {
    /// The declared type when the declaration spells it (`var m map[K]V`,
    /// a parameter's type).
    pub fn declared_type(&self) -> Option<Node<'t>> {
        match self.site.kind() {
            "var_spec"
            | "parameter_declaration"
            | "variadic_parameter_declaration"
            | "const_spec" => self.site.child_by_field_name("type"),
            _ => None,
        }
    }

    /// The initial value expression, when the declaration pairs each name
    /// with one value (`x := v`, `var x = v`).
    pub fn initial_value(&self) -> Option<Node<'t>> {
        let (names, values) = match self.site.kind() {
            "short_var_declaration" => (
                self.site.child_by_field_name("left")?,
                self.site.child_by_field_name("right")?,
            ),
            "var_spec" => (self.site, self.site.child_by_field_name("value")?),
            _ => return None,
        };
        let mut c = names.walk();
        let named: Vec<Node<'t>> = if self.site.kind() == "var_spec" {
            self.site.children_by_field_name("name", &mut c).collect()
        } else {
            names.named_children(&mut c).collect()
        };
        let at = named.iter().position(|n| *n == self.ident)?;
        let mut c2 = values.walk();
        let vals: Vec<Node<'t>> = values
            .named_children(&mut c2)
            .filter(|n| n.kind() != "comment")
            .collect();
        (vals.len() == named.len())
            .then(|| vals.get(at).copied())
            .flatten()
    }

    /// The function, method or func literal the declaration belongs to
    /// (`None` for package-level declarations).
    pub fn function(&self) -> Option<Node<'t>> {
        syntax::enclosing_function(self.ident)
    }
}

/// Whether the token list of `node` contains an unnamed `:=`.
fn defines(node: Node<'_>) -> bool {
    let mut c = node.walk();
    let found = node
        .children(&mut c)
        .any(|ch| !ch.is_named() && ch.kind() == ":=");
    found
}

/// The identifiers of an expression list (parentheses removed).
fn list_idents(list: Node<'_>) -> Vec<Node<'_>> {
    let mut c = list.walk();
    list.named_children(&mut c)
        .map(syntax::unparen)
        .filter(|n| n.kind() == "identifier")
        .collect()
}

/// The names a statement (or spec, clause or parameter list) declares into
/// the scope that holds it, with their kind and declaring construct.
fn declared_in(stmt: Node<'_>) -> Vec<(Node<'_>, DeclKind, Node<'_>)> {
    let mut out = Vec::new();
    let mut c = stmt.walk();
    match stmt.kind() {
        "var_declaration" | "const_declaration" => {
            let kind = if stmt.kind() == "var_declaration" {
                DeclKind::Var
            } else {
                DeclKind::Const
            };
            let mut specs = Vec::new();
            for child in stmt.named_children(&mut c) {
                match child.kind() {
                    "var_spec" | "const_spec" => specs.push(child),
                    "var_spec_list" => {
                        let mut c2 = child.walk();
                        specs.extend(
                            child
                                .named_children(&mut c2)
                                .filter(|n| n.kind() == "var_spec"),
                        );
                    }
                    _ => {}
                }
            }
            for spec in specs {
                let mut c3 = spec.walk();
                out.extend(
                    spec.children_by_field_name("name", &mut c3)
                        .filter(|n| n.kind() == "identifier")
                        .map(|n| (n, kind, spec)),
                );
            }
        }
        "short_var_declaration" => {
            if let Some(left) = stmt.child_by_field_name("left") {
                out.extend(
                    list_idents(left)
                        .into_iter()
                        .map(|n| (n, DeclKind::Short, stmt)),
                );
            }
        }
        "range_clause" | "receive_statement" if defines(stmt) => {
            let kind = if stmt.kind() == "range_clause" {
                DeclKind::Loop
            } else {
                DeclKind::Receive
            };
            if let Some(left) = stmt.child_by_field_name("left") {
                out.extend(list_idents(left).into_iter().map(|n| (n, kind, stmt)));
            }
        }
        "parameter_list" => {
            for p in stmt.named_children(&mut c) {
                let mut c2 = p.walk();
                out.extend(
                    p.children_by_field_name("name", &mut c2)
                        .map(|n| (n, DeclKind::Param, p)),
                );
            }
        }
        _ => {}
    }
    out
}

/// The first declaration named `name` among `decls`.
fn named<'t>(
    decls: Vec<(Node<'t>, DeclKind, Node<'t>)>,
    name: &str,
    src: &str,
) -> Option<Decl<'t>> {
    decls
        .into_iter()
        .find(|(n, _, _)| text(*n, src) == name)
        .map(|(ident, kind, site)| Decl { ident, kind, site })
}

/// Declarations that the construct `scope` makes visible to its child
/// `child` (the child on the path to the identifier being resolved).
fn visible_from<'t>(
    scope: Node<'t>,
    child: Node<'t>,
    name: &str,
    src: &'t str,
    lists: &mut HashMap<usize, HashMap<&'t str, ListDecl<'t>>>,
) -> Option<Decl<'t>> {
    match scope.kind() {
        "statement_list" => {
            let decls = lists
                .entry(scope.id())
                .or_insert_with(|| list_declarations(scope, src));
            // The first declaration wins: a later `a, err := …` reuses `err`.
            let found = decls
                .get(name)
                .filter(|d| d.stmt_start < child.start_byte())
                .map(|d| d.decl);
            found.or_else(|| {
                // A `:=` declares its own left-hand names unless redeclared.
                (child.kind() == "short_var_declaration")
                    .then(|| named(declared_in(child), name, src))
                    .flatten()
            })
        }
        "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
            let init = scope.child_by_field_name("initializer");
            let from_init = init
                .filter(|i| *i != child)
                .and_then(|i| named(declared_in(i), name, src));
            let alias = (scope.kind() == "type_switch_statement")
                .then(|| scope.child_by_field_name("alias"))
                .flatten()
                .filter(|_| matches!(child.kind(), "type_case" | "default_case"))
                .and_then(|a| {
                    list_idents(a)
                        .into_iter()
                        .find(|n| text(*n, src) == name)
                        .map(|ident| Decl {
                            ident,
                            kind: DeclKind::TypeSwitch,
                            site: scope,
                        })
                });
            alias.or(from_init)
        }
        "for_statement" => {
            let mut c = scope.walk();
            let clause = scope
                .named_children(&mut c)
                .find(|n| matches!(n.kind(), "for_clause" | "range_clause"))?;
            match clause.kind() {
                "for_clause" => {
                    let init = clause.child_by_field_name("initializer")?;
                    named(declared_in(init), name, src).map(|d| Decl {
                        kind: DeclKind::Loop,
                        ..d
                    })
                }
                _ if Some(child) == scope.child_by_field_name("body") => {
                    named(declared_in(clause), name, src)
                }
                _ => None,
            }
        }
        "for_clause" => {
            let init = scope
                .child_by_field_name("initializer")
                .filter(|i| *i != child)?;
            named(declared_in(init), name, src).map(|d| Decl {
                kind: DeclKind::Loop,
                ..d
            })
        }
        "range_clause" => {
            // The declaring identifiers on the left resolve to themselves.
            scope.child_by_field_name("left").filter(|l| *l == child)?;
            named(declared_in(scope), name, src)
        }
        "communication_case" => {
            let comm = scope.child_by_field_name("communication")?;
            named(declared_in(comm), name, src)
        }
        "function_declaration" | "method_declaration" | "func_literal" => {
            let params = |field: &str, kind: DeclKind| {
                scope
                    .child_by_field_name(field)
                    .filter(|p| p.kind() == "parameter_list")
                    .and_then(|p| named(declared_in(p), name, src))
                    .map(|d| Decl { kind, ..d })
            };
            params("receiver", DeclKind::Receiver)
                .or_else(|| params("parameters", DeclKind::Param))
                .or_else(|| params("result", DeclKind::Result))
        }
        "source_file" => {
            let mut c = scope.walk();
            let top: Vec<Node<'t>> = scope
                .named_children(&mut c)
                .filter(|n| matches!(n.kind(), "var_declaration" | "const_declaration"))
                .collect();
            top.into_iter()
                .find_map(|s| named(declared_in(s), name, src))
                .map(|d| Decl {
                    kind: DeclKind::Package,
                    ..d
                })
        }
        _ => None,
    }
}

/// A declaration made by a statement of a statement list.
#[derive(Clone, Copy)]
struct ListDecl<'t> {
    /// Where the declaring statement starts.
    stmt_start: usize,
    /// The declaration.
    decl: Decl<'t>,
}

/// The first declaration of each name the statements of `list` make.
fn list_declarations<'t>(list: Node<'t>, src: &'t str) -> HashMap<&'t str, ListDecl<'t>> {
    let mut c = list.walk();
    let stmts: Vec<Node<'t>> = list.named_children(&mut c).collect();
    let mut first = HashMap::new();
    for s in stmts.into_iter().filter(|s| {
        matches!(
            s.kind(),
            "var_declaration" | "const_declaration" | "short_var_declaration"
        )
    }) {
        for (ident, kind, site) in declared_in(s) {
            first.entry(text(ident, src)).or_insert(ListDecl {
                stmt_start: s.start_byte(),
                decl: Decl { ident, kind, site },
            });
        }
    }
    first
}

/// Resolves identifiers of one file, remembering the declarations of each
/// statement list it has looked at (so resolving many identifiers of a long
/// function scans each list once).
pub struct Resolver<'t, 's> {
    src: &'s str,
    lists: HashMap<usize, HashMap<&'t str, ListDecl<'t>>>,
}

impl<'t, 's: 't> Resolver<'t, 's> {
    /// A resolver for identifiers of source `src`.
    pub fn new(src: &'s str) -> Self {
        Resolver {
            src,
            lists: HashMap::new(),
        }
    }

    /// The declaration `ident` refers to: the innermost visible one,
    /// searching enclosing blocks and functions up to the file's top level.
    /// `None` when the name is declared elsewhere (another file of the
    /// package, a builtin).
    pub fn resolve(&mut self, ident: Node<'t>) -> Option<Decl<'t>> {
        if ident.kind() != "identifier" {
            return None;
        }
        if let Some(decl) = self_declaration(ident) {
            return Some(decl);
        }
        let name = text(ident, self.src);
        let mut child = ident;
        for scope in ancestors(ident) {
            if let Some(decl) = visible_from(scope, child, name, self.src, &mut self.lists) {
                return Some(decl);
            }
            child = scope;
        }
        None
    }

    /// Every value identifier under `within` that refers to a declaration
    /// made inside `within`, grouped by the id of the declaring identifier,
    /// each group in document order: [`Resolver::references`] of every
    /// such declaration at once.
    pub fn all_references(&mut self, within: Node<'t>) -> HashMap<usize, Vec<Node<'t>>> {
        let src = self.src;
        let mut declared = std::collections::HashSet::new();
        let mut idents = Vec::new();
        syntax::walk(within, |n| {
            if is_value(n) {
                idents.push(n);
            }
            let alias = (n.kind() == "type_switch_statement")
                .then(|| n.child_by_field_name("alias"))
                .flatten();
            declared.extend(
                declared_in(n)
                    .into_iter()
                    .map(|(ident, _, _)| ident)
                    .chain(alias.map(list_idents).unwrap_or_default())
                    .map(|ident| text(ident, src)),
            );
            Walk::Enter
        });
        let mut out: HashMap<usize, Vec<Node<'t>>> = HashMap::new();
        for n in idents {
            if !declared.contains(text(n, src)) {
                continue;
            }
            if let Some(d) = self.resolve(n) {
                out.entry(d.ident.id()).or_default().push(n);
            }
        }
        out
    }

    /// Every identifier under `within` that refers to `decl` (its declaring
    /// identifier included), in document order.
    pub fn references(&mut self, decl: &Decl<'t>, within: Node<'t>) -> Vec<Node<'t>> {
        let name = text(decl.ident, self.src);
        named_values(within, name, self.src)
            .into_iter()
            .filter(|n| self.resolve(*n).is_some_and(|d| d.ident == decl.ident))
            .collect()
    }
}

/// The value identifiers spelled `name` under `within`, in document order.
pub fn named_values<'t>(within: Node<'t>, name: &str, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    syntax::walk(within, |n| {
        if n.kind() == "identifier" && text(n, src) == name && is_value(n) {
            out.push(n);
        }
        Walk::Enter
    });
    out
}

/// The declaration `ident` itself makes, when it is a declaring name that
/// the scope walk of [`Resolver::resolve`] would not see: a `var`/`const` name, a `:=`
/// name in an `if`/`for`/`switch` initializer, a type-switch binding.
fn self_declaration(ident: Node<'_>) -> Option<Decl<'_>> {
    let parent = ident.parent()?;
    match parent.kind() {
        "var_spec" | "const_spec" => {
            let mut c = parent.walk();
            let is_name = parent
                .children_by_field_name("name", &mut c)
                .any(|n| n == ident);
            let top = syntax::enclosing_function(parent).is_none();
            let kind = match (top, parent.kind()) {
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
            let stmt = parent.parent()?;
            match stmt.kind() {
                "short_var_declaration"
                    if stmt.child_by_field_name("left") == Some(parent)
                        && stmt.parent().is_some_and(|p| p.kind() != "statement_list") =>
                {
                    let in_for = stmt.parent().is_some_and(|p| p.kind() == "for_clause");
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
                "type_switch_statement" if stmt.child_by_field_name("alias") == Some(parent) => {
                    Some(Decl {
                        ident,
                        kind: DeclKind::TypeSwitch,
                        site: stmt,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether `ident` is an identifier used as a value, not the key of a
/// struct literal's keyed element (`T{name: v}`).
fn is_value(ident: Node<'_>) -> bool {
    if ident.kind() != "identifier" {
        return false;
    }
    let Some(elem) = ident.parent().filter(|p| p.kind() == "literal_element") else {
        return true;
    };
    let Some(keyed) = elem.parent().filter(|p| p.kind() == "keyed_element") else {
        return true;
    };
    if keyed.child_by_field_name("key") != Some(elem) {
        return true;
    }
    // A key names a field unless the literal is a map (or slice index).
    let literal = ancestors(keyed).find(|n| n.kind() == "composite_literal");
    literal
        .and_then(|l| l.child_by_field_name("type"))
        .is_some_and(|t| {
            matches!(
                t.kind(),
                "map_type" | "slice_type" | "array_type" | "implicit_length_array_type"
            )
        })
}

/// Whether `ident` is written by its statement rather than read: an element
/// of the left side of `=`, `op=`, `:=`, a `++`/`--` operand, or a range or
/// receive variable.
pub fn is_written(ident: Node<'_>) -> bool {
    let Some(parent) = ident.parent() else {
        return false;
    };
    match parent.kind() {
        "inc_statement" | "dec_statement" => true,
        "expression_list" => parent.parent().is_some_and(|stmt| {
            matches!(
                stmt.kind(),
                "assignment_statement"
                    | "short_var_declaration"
                    | "range_clause"
                    | "receive_statement"
            ) && stmt.child_by_field_name("left") == Some(parent)
        }),
        _ => false,
    }
}
