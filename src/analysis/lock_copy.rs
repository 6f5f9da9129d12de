//! Where one top-level declaration copies a lock (the shared core of
//! `mutex-copy` and `waitgroup-copy`), as `go vet`'s copylocks analyzer
//! defines a copy: a parameter or receiver passed by value, a range variable,
//! and a value read out of a variable, field, element or pointer into an
//! assignment, declaration, call argument, return value or literal element.
//! Composite literals and call results are fresh values, not copies; `len`,
//! `cap`, `new` and `unsafe.Sizeof`/`Offsetof`/`Alignof` copy nothing.
//!
//! The walk is one pass over the declaration that keeps the local scope, so
//! each name resolves to its own declaration (shadowing included).

use super::names;
use super::sync::{LockKind, LockPath};
use super::types::{declared_vars, list_items, FileTypes, Scope, Ty, Types};
use super::Rule;
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, text, unparen, KindSet, Walk};
use crate::analysis::{Ctx, Finding, Fix, Match};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use tree_sitter::Node;

/// The way a lock gets copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// A value receiver.
    Receiver,
    /// A parameter passed by value.
    Parameter,
    /// A range variable.
    Range,
    /// The right side of `=` or `:=`.
    Assignment,
    /// The value of a `var` declaration.
    Declaration,
    /// A call argument.
    Argument,
    /// A returned value.
    Return,
    /// An element of a composite literal.
    Literal,
}

/// One copy of a lock.
#[derive(Debug)]
pub struct LockCopy<'t> {
    /// The node to report: the parameter, the range variable or the copied
    /// expression.
    pub node: Node<'t>,
    /// How the lock is copied.
    pub site: Site,
    /// The lock and the types that hold it.
    pub lock: LockPath,
}

/// Every lock copy in top-level declaration `decl` of the file `file`
/// describes (see [`super::Facts::lock_copies`], which keeps the last
/// declaration's).
pub fn copies<'t>(decl: Node<'t>, file: &FileTypes<'t>) -> Vec<LockCopy<'t>> {
    if !file.may_copy_locks(decl) {
        return Vec::new();
    }
    let mut walker = Walker::new(file);
    let mut out = Vec::new();
    syntax::walk(decl, |n| {
        walker.step(n, &mut out);
        descend(n)
    });
    out
}

/// Whether the walk enters `n`: not [`syntax::OPAQUE`] kinds (parameter
/// lists are read by [`function`]).
fn descend(n: Node<'_>) -> Walk {
    if syntax::OPAQUE.contains(n) {
        Walk::Skip
    } else {
        Walk::Enter
    }
}

/// The node kinds [`visit`] acts on.
const VISITED_KINDS: &[&str] = &[
    "function_declaration",
    "method_declaration",
    "func_literal",
    "var_spec",
    "const_spec",
    "short_var_declaration",
    "assignment_statement",
    "range_clause",
    "type_switch_statement",
    "receive_statement",
    "type_spec",
    "type_alias",
    "call_expression",
    "return_statement",
    "literal_value",
];

/// Node kinds whose end closes the scope of a declaration made inside them.
const SCOPE_KINDS: &[&str] = &[
    "block",
    "expression_case",
    "type_case",
    "default_case",
    "communication_case",
    "if_statement",
    "for_statement",
    "expression_switch_statement",
    "type_switch_statement",
    "func_literal",
    "function_declaration",
    "method_declaration",
];

/// A walk over one declaration in document order that keeps its local
/// scope: the declared names, and the open nodes that end a scope (kept
/// here rather than found through parents, which cost the depth each).
struct Walker<'f, 't> {
    file: &'f FileTypes<'t>,
    scope: Scope<'t>,
    open: Vec<Node<'t>>,
    src: &'t str,
}

impl<'f, 't> Walker<'f, 't> {
    fn new(file: &'f FileTypes<'t>) -> Self {
        Walker {
            file,
            scope: Scope::new(file.src()),
            open: Vec::new(),
            src: file.src(),
        }
    }

    /// Closes the scopes that ended before `n`.
    fn enter(&mut self, n: Node<'t>) {
        self.scope.leave(n.start_byte());
        while self
            .open
            .last()
            .is_some_and(|o| o.end_byte() <= n.start_byte())
        {
            self.open.pop();
        }
    }

    /// Visits `n`: reports its copies into `out` and declares its names.
    /// Other kinds of nodes are passed over at once: scopes close by
    /// position, so closing them at the next node acted on is the same.
    fn step(&mut self, n: Node<'t>, out: &mut Vec<LockCopy<'t>>) {
        static ACTED_ON: LazyLock<KindSet> =
            LazyLock::new(|| KindSet::new(&[VISITED_KINDS, SCOPE_KINDS].concat()));
        static SCOPES: LazyLock<KindSet> = LazyLock::new(|| KindSet::new(SCOPE_KINDS));
        if !ACTED_ON.contains(n) {
            return;
        }
        self.enter(n);
        let open = self.open.last().copied();
        visit(n, self.file, &mut self.scope, open, self.src, out);
        if SCOPES.contains(n) {
            self.open.push(n);
        }
    }

    fn types(&self) -> Types<'_, 't> {
        Types {
            file: self.file,
            scope: &self.scope,
        }
    }
}

/// What declarations in this file say about a value's type.
#[derive(Clone, Debug, Default)]
pub struct ValueType<'t> {
    /// Whether the type is known exactly.
    pub known: bool,
    /// The lock the value (or, for a pointer, the value it points to) holds.
    pub lock: Option<LockPath>,
    /// The type's name, when it is a named type of this file.
    pub name: Option<&'t str>,
}

/// The types of the receivers of the method calls `x.M(…)` in top-level
/// declaration `decl` of the file `file` describes, by the receiver's node
/// id, looking through one pointer: one walk for every call of the
/// declaration (see [`super::Facts::receiver_type`]).
pub fn receiver_types<'t>(file: &FileTypes<'t>, decl: Node<'t>) -> HashMap<usize, ValueType<'t>> {
    let src = file.src();
    let mut walker = Walker::new(file);
    let mut sink = Vec::new();
    let mut out = HashMap::new();
    // The receivers of the calls entered so far and not yet reached.
    let mut wanted = HashSet::new();
    syntax::walk(decl, |n| {
        if syntax::kind(n) == "call_expression" {
            let operand = n
                .field("function")
                .filter(|f| syntax::kind(*f) == "selector_expression")
                .and_then(|f| f.field("operand"));
            wanted.extend(operand.map(|o| o.id()));
        }
        if wanted.remove(&n.id()) {
            walker.enter(n);
            let types = walker.types();
            if let Ty::Val(t) | Ty::Ptr(t) = types.infer(n) {
                let t = types.pointee_type(t).unwrap_or(t);
                out.insert(
                    n.id(),
                    ValueType {
                        known: types.is_known(t),
                        lock: types.lock_in(t),
                        name: (syntax::kind(t) == "type_identifier").then(|| text(t, src)),
                    },
                );
            }
        }
        walker.step(n, &mut sink);
        descend(n)
    });
    out
}

/// Handles one node of the walk: reports its copies, then declares its
/// names; `open` is the innermost node around it that ends a scope.
fn visit<'t>(
    n: Node<'t>,
    file: &FileTypes<'t>,
    scope: &mut Scope<'t>,
    open: Option<Node<'t>>,
    src: &'t str,
    out: &mut Vec<LockCopy<'t>>,
) {
    let end = open.map_or(usize::MAX, |o| o.end_byte());
    let check = |scope: &Scope<'t>, e: Node<'t>, site: Site, out: &mut Vec<LockCopy<'t>>| {
        if let Some(lock) = copied_lock(e, &Types { file, scope }) {
            out.push(LockCopy {
                node: e,
                site,
                lock,
            });
        }
    };
    match syntax::kind(n) {
        "function_declaration" | "method_declaration" | "func_literal" => {
            function(n, file, scope, out)
        }
        "var_spec" | "const_spec" => {
            if syntax::kind(n) == "var_spec" {
                for v in n.field("value").map(list_items).unwrap_or_default() {
                    check(scope, v, Site::Declaration, out);
                }
            }
            declare(n, file, scope, (n.end_byte(), end));
        }
        "short_var_declaration" | "assignment_statement" => {
            let plain = syntax::kind(n) == "short_var_declaration"
                || n.field("operator").is_some_and(|o| text(o, src) == "=");
            let left = n.field("left").map(list_items).unwrap_or_default();
            let right = n.field("right").map(list_items).unwrap_or_default();
            let tuple = right.len() == 1
                && left.len() == 2
                && unparen(right[0]).kind() == "index_expression";
            if plain && (left.len() == right.len() || tuple) {
                for v in right {
                    check(scope, v, Site::Assignment, out);
                }
            }
            if syntax::kind(n) == "short_var_declaration" {
                declare(n, file, scope, (n.end_byte(), end));
            }
        }
        "range_clause" => {
            let types = Types { file, scope };
            let (k, v) = n.field("right").map_or((Ty::Unknown, Ty::Unknown), |r| {
                types.range_types(types.infer(r))
            });
            let left = n.field("left").map(list_items).unwrap_or_default();
            for (var, ty) in left.into_iter().zip([k, v]) {
                if let (Ty::Val(t), false) = (ty, text(var, src) == "_") {
                    if let Some(lock) = types.lock_in(t) {
                        out.push(LockCopy {
                            node: var,
                            site: Site::Range,
                            lock,
                        });
                    }
                }
            }
            if names::defines(n) {
                // `open` is the for statement: the names live in its body.
                let from = open
                    .and_then(|f| f.field("body"))
                    .map_or(n.end_byte(), |b| b.start_byte());
                declare(n, file, scope, (from, end));
            }
        }
        "type_switch_statement" | "receive_statement" => {
            let end = if syntax::kind(n) == "receive_statement" {
                end
            } else {
                n.end_byte()
            };
            for d in names::declared_in(n) {
                scope.declare(&d, Ty::Unknown, d.ident.end_byte(), end);
            }
        }
        // A local type (package-level ones are found through `FileTypes`).
        "type_spec" | "type_alias" if open.is_some() => {
            for d in names::declared_in(n) {
                scope.declare(&d, Ty::Unknown, n.start_byte(), end);
            }
        }
        "call_expression" if !copies_nothing(n, &Types { file, scope }, src) => {
            for arg in syntax::call_args(n) {
                check(scope, arg, Site::Argument, out);
            }
        }
        "return_statement" => {
            for v in n.named_child(0).map(list_items).unwrap_or_default() {
                check(scope, v, Site::Return, out);
            }
        }
        "literal_value" => {
            let mut c = n.walk();
            for el in n.named_children(&mut c) {
                let value = match syntax::kind(el) {
                    "keyed_element" => el.field("value"),
                    "literal_element" => Some(el),
                    _ => None,
                };
                if let Some(v) = value.and_then(|v| v.named_child(0)) {
                    check(scope, v, Site::Literal, out);
                }
            }
        }
        _ => {}
    }
}

/// Declares the parameters of a function and reports the ones (and the
/// receiver) that take a lock by value.
fn function<'t>(
    f: Node<'t>,
    file: &FileTypes<'t>,
    scope: &mut Scope<'t>,
    out: &mut Vec<LockCopy<'t>>,
) {
    let end = f.end_byte();
    let from = f.field("body").map_or(end, |b| b.start_byte());
    if let Some(tps) = f.field("type_parameters") {
        for d in names::declared_in(tps) {
            scope.declare(&d, Ty::Unknown, f.start_byte(), end);
        }
    }
    for (field, site) in [
        ("receiver", Some(Site::Receiver)),
        ("parameters", Some(Site::Parameter)),
        ("result", None),
    ] {
        let Some(list) = f
            .field(field)
            .filter(|l| syntax::kind(*l) == "parameter_list")
        else {
            continue;
        };
        let mut c = list.walk();
        let params: Vec<Node<'t>> = list.named_children(&mut c).collect();
        for p in params {
            let variadic = syntax::kind(p) == "variadic_parameter_declaration";
            if syntax::kind(p) != "parameter_declaration" && !variadic {
                continue;
            }
            let Some(ty) = p.field("type") else {
                continue;
            };
            if let (Some(site), false) = (site, variadic) {
                if let Some(lock) = (Types { file, scope }).lock_in(ty) {
                    out.push(LockCopy {
                        node: p,
                        site,
                        lock,
                    });
                }
            }
            let ty = if variadic { Ty::Unknown } else { Ty::Val(ty) };
            for d in names::declared_in(p) {
                scope.declare(&d, ty, from, end);
            }
        }
    }
}

/// Declares the names a `var`/`const` spec, `:=` or range clause makes,
/// visible in bytes `from..end`.
fn declare<'t>(
    stmt: Node<'t>,
    file: &FileTypes<'t>,
    scope: &mut Scope<'t>,
    (from, end): (usize, usize),
) {
    let vars = declared_vars(stmt, &Types { file, scope });
    for (d, ty) in vars {
        scope.declare(&d, ty, from, end);
    }
}

/// The lock that evaluating `e` copies: `e` reads an existing value (not a
/// composite literal, call result or `*` of one) whose type holds a lock.
fn copied_lock<'t>(e: Node<'t>, types: &Types<'_, 't>) -> Option<LockPath> {
    let e = unparen(e);
    let fresh = |n: Node<'_>| {
        matches!(
            unparen(n).kind(),
            "composite_literal" | "call_expression" | "func_literal"
        )
    };
    if fresh(e) {
        return None;
    }
    if syntax::kind(e) == "unary_expression" && e.field("operand").is_some_and(fresh) {
        return None;
    }
    match types.infer(e) {
        Ty::Val(t) => types.lock_in(t),
        _ => None,
    }
}

/// Whether `call` is to a builtin that reads no value of its arguments:
/// `len`, `cap`, `new`, or `unsafe.Sizeof`/`Offsetof`/`Alignof` (also
/// dot-imported), none of them shadowed.
fn copies_nothing(call: Node<'_>, types: &Types<'_, '_>, src: &str) -> bool {
    let Some(f) = call.field("function").map(unparen) else {
        return false;
    };
    let unsafe_fn = |name: &str| matches!(name, "Sizeof" | "Offsetof" | "Alignof");
    match syntax::kind(f) {
        "identifier" => {
            let name = text(f, src);
            let builtin = matches!(name, "len" | "cap" | "new")
                || (unsafe_fn(name) && types.file.unsafe_names().contains(&""));
            builtin && !types.declared(name, f.start_byte())
        }
        "selector_expression" => {
            let (Some(pkg), Some(name)) = (f.field("operand"), f.field("field")) else {
                return false;
            };
            syntax::kind(pkg) == "identifier"
                && unsafe_fn(text(name, src))
                && types.file.unsafe_names().contains(&text(pkg, src))
                && !types.declared(text(pkg, src), pkg.start_byte())
        }
        _ => false,
    }
}

/// Reports the copies in the declaration matched as `@report` whose lock is
/// of `kind`, as findings of `rule`.
pub fn report<'t>(
    rule: &'static Rule,
    kind: LockKind,
    ctx: &Ctx<'t>,
    m: &Match<'_, 't>,
    out: &mut Vec<Finding>,
) {
    let Some(decl) = m.node("report") else { return };
    for copy in ctx.facts.lock_copies(decl).iter() {
        if copy.lock.kind != kind {
            continue;
        }
        let what = copy.lock.describe();
        let name = match copy.site {
            Site::Parameter | Site::Receiver => param_names(copy.node, ctx.src),
            _ => super::lock_calls::short(ctx.text(copy.node)).into_owned(),
        };
        let (noun, effect) = match kind {
            LockKind::Mutex => (
                "a lock",
                "locking the copy does not exclude users of the original",
            ),
            LockKind::WaitGroup => (
                "a WaitGroup",
                "Add, Done and Wait on the copy never reach the original",
            ),
        };
        let message = match copy.site {
            Site::Receiver => format!("value receiver{name} copies {noun} ({what}): {effect}; use a pointer receiver"),
            Site::Parameter => format!("parameter{name} passes {noun} by value ({what}): {effect}; pass a pointer"),
            Site::Range => format!("range variable `{name}` copies {noun} ({what}) on every iteration: {effect}; range over the index and take a pointer"),
            Site::Assignment => format!("assignment copies {noun}: `{name}` is {what}; copy a pointer instead"),
            Site::Declaration => format!("variable declaration copies {noun}: `{name}` is {what}; copy a pointer instead"),
            Site::Argument => format!("call copies {noun}: `{name}` is {what}; pass a pointer"),
            Site::Return => format!("return copies {noun}: `{name}` is {what}; return a pointer"),
            Site::Literal => format!("composite literal copies {noun}: `{name}` is {what}; store a pointer"),
        };
        let mut finding = Finding::new(rule, copy.node.byte_range()).message(message);
        if copy.site == Site::Receiver {
            if let Some(ty) = copy.node.field("type") {
                let at = ty.start_byte();
                finding = finding.fix(Fix::single("Use a pointer receiver", at..at, "*", false));
            }
        }
        out.push(finding);
    }
}

/// ` `a`, `b`` for a parameter declaration naming `a` and `b`; empty when it
/// names none.
fn param_names(param: Node<'_>, src: &str) -> String {
    let mut c = param.walk();
    let names: Vec<String> = param
        .fields("name", &mut c)
        .map(|n| format!("`{}`", text(n, src)))
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" {}", names.join(", "))
    }
}
