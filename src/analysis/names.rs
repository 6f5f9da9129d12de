//! Name resolution on syntax: which declaration an identifier refers to,
//! following Go's block scoping (a `:=` or `var` is visible from the end of
//! its statement to the end of its block; `if`/`for`/`switch` initializers,
//! range and receive variables, type-switch bindings and parameters have
//! their own scopes). Iterative, like everything that walks trees.
//!
//! The one place that knows which construct declares which names
//! ([`declared_in`], [`parameters`]) and which of them are in scope where:
//! looking up from an identifier ([`Resolver`], [`declaration`]), listing
//! what a construct brings into scope for the code below it ([`visible`]),
//! and looking down a subtree for the uses of names it does not shadow
//! ([`free_uses`]).

mod free;
mod visible;

pub use free::free_uses;
pub use visible::{declaration, visible};

use super::syntax::{self, text, Parents};
use crate::analysis::fields::Fields as _;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::Node;
use visible::{lookup, Lists};

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
    /// A function declared at the top level of the file.
    Func,
    /// A type (`type T …`, `type A = B`), local or top-level.
    Type,
    /// A type parameter of a generic function or type.
    TypeParam,
}

/// A declaration of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decl<'t> {
    /// The declaring identifier.
    pub ident: Node<'t>,
    /// How it was declared.
    pub kind: DeclKind,
    /// The declaring construct: the `parameter_declaration`, `var_spec`,
    /// `short_var_declaration`, `range_clause`, `type_spec`,
    /// `type_parameter_declaration`, … that holds `ident`.
    pub site: Node<'t>,
}

impl<'t> Decl<'t> {
    /// The declared type when the declaration spells it (`var m map[K]V`,
    /// a parameter's type), the type a type declaration names, or a type
    /// parameter's constraint.
    pub fn declared_type(&self) -> Option<Node<'t>> {
        match self.site.kind() {
            "var_spec"
            | "parameter_declaration"
            | "variadic_parameter_declaration"
            | "const_spec"
            | "type_spec"
            | "type_alias"
            | "type_parameter_declaration" => self.site.field("type"),
            _ => None,
        }
    }

    /// The initial value expression, when the declaration pairs each name
    /// with one value (`x := v`, `var x = v`).
    pub fn initial_value(&self) -> Option<Node<'t>> {
        let (names, values) = match self.site.kind() {
            "short_var_declaration" => (self.site.field("left")?, self.site.field("right")?),
            "var_spec" => (self.site, self.site.field("value")?),
            _ => return None,
        };
        let mut c = names.walk();
        let named: Vec<Node<'t>> = if self.site.kind() == "var_spec" {
            self.site.fields("name", &mut c).collect()
        } else {
            names.named_children(&mut c).collect()
        };
        let at = named.iter().position(|n| *n == self.ident)?;
        let mut c2 = values.walk();
        let vals: Vec<Node<'t>> = values
            .named_children(&mut c2)
            .filter(|n| syntax::kind(*n) != "comment")
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

/// Whether `node` (an assignment, range clause or receive) declares with an
/// unnamed `:=` token.
pub fn defines(node: Node<'_>) -> bool {
    let mut c = node.walk();
    let found = node
        .children(&mut c)
        .any(|ch| !ch.is_named() && syntax::kind(ch) == ":=");
    found
}

/// The identifiers of an expression list (parentheses removed).
fn list_idents(list: Node<'_>) -> Vec<Node<'_>> {
    let mut c = list.walk();
    list.named_children(&mut c)
        .map(syntax::unparen)
        .filter(|n| syntax::kind(*n) == "identifier")
        .collect()
}

/// The specs of a `var`, `const` or `type` declaration (grouped or not).
pub fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for child in decl.named_children(&mut c) {
        match syntax::kind(child) {
            "var_spec" | "const_spec" | "type_spec" | "type_alias" => out.push(child),
            "var_spec_list" | "const_spec_list" => {
                let mut c2 = child.walk();
                out.extend(
                    child
                        .named_children(&mut c2)
                        .filter(|n| matches!(syntax::kind(*n), "var_spec" | "const_spec")),
                );
            }
            _ => {}
        }
    }
    out
}

/// The names a statement (or spec, clause or parameter list) declares, each
/// with its kind and declaring construct: a `var`/`const`/`type`
/// declaration or spec, a `:=`, a range clause or receive that defines, a
/// parameter (list) or type parameter list, a type switch's binding (in
/// scope in its cases only; the others in the scope that holds them). Kinds are the
/// local ones (a caller at the top level of the file, or over a receiver
/// or result list, says otherwise).
pub fn declared_in(stmt: Node<'_>) -> Vec<Decl<'_>> {
    let mut out = Vec::new();
    /// Pushes the names of `spec`'s `name` field as declarations of `kind`.
    fn names<'t>(spec: Node<'t>, kind: DeclKind, out: &mut Vec<Decl<'t>>) {
        let mut c = spec.walk();
        let idents: Vec<Node<'t>> = spec.fields("name", &mut c).collect();
        out.extend(idents.into_iter().map(|ident| Decl {
            ident,
            kind,
            site: spec,
        }));
    }
    match syntax::kind(stmt) {
        "var_declaration" | "const_declaration" | "type_declaration" => {
            for spec in specs(stmt) {
                out.extend(declared_in(spec));
            }
        }
        "var_spec" | "const_spec" => {
            let kind = if syntax::kind(stmt) == "var_spec" {
                DeclKind::Var
            } else {
                DeclKind::Const
            };
            let mut c = stmt.walk();
            let idents: Vec<Node<'_>> = stmt
                .fields("name", &mut c)
                .filter(|n| syntax::kind(*n) == "identifier")
                .collect();
            out.extend(idents.into_iter().map(|ident| Decl {
                ident,
                kind,
                site: stmt,
            }));
        }
        "type_spec" | "type_alias" => names(stmt, DeclKind::Type, &mut out),
        "short_var_declaration" => {
            if let Some(left) = stmt.field("left") {
                out.extend(list_idents(left).into_iter().map(|ident| Decl {
                    ident,
                    kind: DeclKind::Short,
                    site: stmt,
                }));
            }
        }
        "range_clause" | "receive_statement" if defines(stmt) => {
            let kind = if syntax::kind(stmt) == "range_clause" {
                DeclKind::Loop
            } else {
                DeclKind::Receive
            };
            if let Some(left) = stmt.field("left") {
                out.extend(list_idents(left).into_iter().map(|ident| Decl {
                    ident,
                    kind,
                    site: stmt,
                }));
            }
        }
        "parameter_list" => {
            let mut c = stmt.walk();
            for p in stmt.named_children(&mut c) {
                names(p, DeclKind::Param, &mut out);
            }
        }
        "parameter_declaration" | "variadic_parameter_declaration" => {
            names(stmt, DeclKind::Param, &mut out);
        }
        "type_switch_statement" => {
            out.extend(
                stmt.field("alias")
                    .map(list_idents)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|ident| Decl {
                        ident,
                        kind: DeclKind::TypeSwitch,
                        site: stmt,
                    }),
            );
        }
        "type_parameter_list" => {
            let mut c = stmt.walk();
            for p in stmt.named_children(&mut c) {
                names(p, DeclKind::TypeParam, &mut out);
            }
        }
        _ => {}
    }
    out
}

/// The receiver, parameters and named results of a function, method or
/// func literal, in that order.
pub fn parameters(func: Node<'_>) -> Vec<Decl<'_>> {
    let mut out = Vec::new();
    for (field, kind) in [
        ("receiver", DeclKind::Receiver),
        ("parameters", DeclKind::Param),
        ("result", DeclKind::Result),
    ] {
        let Some(list) = func
            .field(field)
            .filter(|p| syntax::kind(*p) == "parameter_list")
        else {
            continue;
        };
        out.extend(declared_in(list).into_iter().map(|d| Decl { kind, ..d }));
    }
    out
}

/// The declarations of each statement list of one file that resolvers
/// have looked at: shared by the resolvers of a file (see
/// [`super::Facts::resolver`]), so the rule invocations of a long function
/// scan each of its lists once between them, not once each.
#[derive(Default)]
pub struct ListMemo<'t, 's>(RefCell<Lists<'t, 's>>);

/// Resolves identifiers of one file, remembering the declarations of each
/// statement list it has looked at (so resolving many identifiers of a long
/// function scans each list once). It goes up by asking tree-sitter for
/// parents, which suits the many short-lived resolvers of the rules; a
/// one-off question with the file's parents at hand is [`declaration`]'s.
/// Both look up through the same scoping.
pub struct Resolver<'t, 's> {
    src: &'s str,
    /// The way up the file's tree.
    up: Rc<Parents<'t>>,
    lists: Rc<ListMemo<'t, 's>>,
}

impl<'t, 's: 't> Resolver<'t, 's> {
    /// A resolver for identifiers of source `src`, walking up with `up`.
    pub fn new(src: &'s str, up: Rc<Parents<'t>>) -> Self {
        Self::sharing(src, up, Rc::default())
    }

    /// A resolver that remembers the statement lists it looks at in
    /// `lists`, with every other resolver of the file given the same.
    pub fn sharing(src: &'s str, up: Rc<Parents<'t>>, lists: Rc<ListMemo<'t, 's>>) -> Self {
        Resolver { src, up, lists }
    }

    /// The declaration `ident` refers to: the innermost visible one,
    /// searching enclosing blocks and functions up to the file's top level.
    /// `None` when the name is declared elsewhere (another file of the
    /// package, a builtin).
    pub fn resolve(&mut self, ident: Node<'t>) -> Option<Decl<'t>> {
        if syntax::kind(ident) != "identifier" {
            return None;
        }
        let name = text(ident, self.src);
        let up = Rc::clone(&self.up);
        let mut lists = self.lists.0.borrow_mut();
        lookup(|n| up.parent(n), ident, name, self.src, &mut lists)
    }

    /// Every value identifier under `within` that refers to a declaration
    /// made inside `within`, grouped by the id of the declaring identifier,
    /// each group in document order: [`Resolver::references`] of every
    /// such declaration at once.
    pub fn all_references(&mut self, within: Node<'t>) -> HashMap<usize, Vec<Node<'t>>> {
        let src = self.src;
        let mut declared = std::collections::HashSet::new();
        let mut idents = Vec::new();
        walk_values(within, |n, value| {
            if value {
                idents.push(n);
            }
            declared.extend(declared_in(n).into_iter().map(|d| text(d.ident, src)));
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
    walk_values(within, |n, value| {
        if value && text(n, src) == name {
            out.push(n);
        }
    });
    out
}

/// Visits `within` and its descendants in document order, each with
/// whether it is an identifier used as a value, not the key of a struct
/// literal's element naming a field (`T{x: 1}`; a map's or slice's key is
/// a value). The walk knows each node's parent, so none is asked of
/// tree-sitter.
fn walk_values<'t>(within: Node<'t>, mut visit: impl FnMut(Node<'t>, bool)) {
    /// What a node on the walk's path tells its children.
    #[derive(Clone, Copy)]
    struct Frame {
        /// Whether the keys of the elements of the innermost composite
        /// literal around (or at) it are values.
        keys_values: bool,
        /// Whether it is a keyed element.
        keyed: bool,
        /// Whether it is the key of a keyed element.
        key: bool,
    }
    let mut cursor = within.walk();
    // The frames of the current node's ancestors, from `within` down.
    let mut path: Vec<Frame> = Vec::new();
    loop {
        let node = cursor.node();
        let parent = path.last().copied();
        let value =
            syntax::kind(node) == "identifier" && !parent.is_some_and(|p| p.key && !p.keys_values);
        visit(node, value);
        let frame = Frame {
            keys_values: if syntax::kind(node) == "composite_literal" {
                node.field("type").is_some_and(|t| {
                    matches!(
                        syntax::kind(t),
                        "map_type" | "slice_type" | "array_type" | "implicit_length_array_type"
                    )
                })
            } else {
                parent.is_some_and(|p| p.keys_values)
            },
            keyed: syntax::kind(node) == "keyed_element",
            key: syntax::kind(node) == "literal_element"
                && parent.is_some_and(|p| p.keyed)
                && node != within
                && cursor.field_name() == Some("key"),
        };
        if cursor.goto_first_child() {
            path.push(frame);
            continue;
        }
        loop {
            if cursor.node() == within {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            path.pop();
        }
    }
}

/// Whether `ident` is written by its statement rather than read: an element
/// of the left side of `=`, `op=`, `:=`, a `++`/`--` operand, or a range or
/// receive variable.
/// `up` is the file's parents.
pub fn is_written<'t>(up: &Parents<'t>, ident: Node<'t>) -> bool {
    let Some(parent) = up.parent(ident) else {
        return false;
    };
    match syntax::kind(parent) {
        "inc_statement" | "dec_statement" => true,
        "expression_list" => up.parent(parent).is_some_and(|stmt| {
            matches!(
                syntax::kind(stmt),
                "assignment_statement"
                    | "short_var_declaration"
                    | "range_clause"
                    | "receive_statement"
            ) && stmt.field("left") == Some(parent)
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{declaration, DeclKind, Resolver};
    use crate::analysis::fields::Fields as _;
    use crate::analysis::syntax::{self, text, Parents, Walk};
    use crate::analysis::Analyzer;

    /// For each use of `x` in `body` (a function body), the line of the
    /// declaration it resolves to (0: none in the file) and its kind, by
    /// both ways up: the resolver and [`declaration`] over the file's
    /// parents, which must agree.
    fn resolved(body: &str) -> Vec<(usize, Option<DeclKind>)> {
        let src = format!("package p\n\nvar x int\n\nfunc f(y int) {{\n{body}\n}}\n");
        let tree = Analyzer::new().parse(&src, None).expect("parse");
        let up = Parents::new(tree.root_node());
        let mut res = Resolver::new(&src, std::rc::Rc::new(Parents::new(tree.root_node())));
        let mut out = Vec::new();
        syntax::walk(tree.root_node(), |n| {
            let declaring = up.parent(n).is_some_and(|p| {
                matches!(p.kind(), "var_spec" | "parameter_declaration")
                    || p.kind() == "expression_list"
                        && up.parent(p).and_then(|s| s.field("left")) == Some(p)
            });
            if n.kind() == "identifier" && text(n, &src) == "x" && !declaring {
                let d = res.resolve(n);
                assert_eq!(
                    d,
                    declaration(&up, n, "x", &src),
                    "at byte {}",
                    n.start_byte()
                );
                out.push((
                    d.map_or(0, |d| d.ident.start_position().row + 1),
                    d.map(|d| d.kind),
                ));
            }
            Walk::Enter
        });
        out
    }

    #[test]
    fn a_short_declaration_right_side_sees_the_outer_name() {
        // line 6: `x := x + 1`, line 7: `_ = x`
        assert_eq!(
            resolved("\tx := x + 1\n\t_ = x"),
            [(3, Some(DeclKind::Package)), (6, Some(DeclKind::Short))]
        );
    }

    #[test]
    fn a_for_initializer_right_side_sees_the_outer_name() {
        assert_eq!(
            resolved("\tfor x := x; x < 3; x++ {\n\t\t_ = x\n\t}"),
            [
                (3, Some(DeclKind::Package)),
                (6, Some(DeclKind::Loop)),
                (6, Some(DeclKind::Loop)),
                (6, Some(DeclKind::Loop))
            ]
        );
    }

    #[test]
    fn a_declaration_in_a_closed_block_does_not_reach_later_code() {
        assert_eq!(
            resolved("\tif y > 0 {\n\t\tx := y\n\t\t_ = x\n\t}\n\t_ = x"),
            [(7, Some(DeclKind::Short)), (3, Some(DeclKind::Package))]
        );
    }

    #[test]
    fn type_switch_bindings_and_select_receives_are_scoped_to_their_case() {
        let body = "\tswitch x := any(y).(type) {\n\tcase int:\n\t\t_ = x\n\t}\n\tselect {\n\tcase x := <-make(chan int):\n\t\t_ = x\n\t}\n\t_ = x";
        // The binding itself first: it declares itself.
        assert_eq!(
            resolved(body),
            [
                (6, Some(DeclKind::TypeSwitch)),
                (6, Some(DeclKind::TypeSwitch)),
                (11, Some(DeclKind::Receive)),
                (3, Some(DeclKind::Package))
            ]
        );
    }
}
