//! The static types of expressions, found without a type checker: the
//! declared types of the variables of one declaration, through this file's
//! type declarations, struct fields (promoted ones too), pointers and
//! containers. Names are those of [`super::names`]: a walk in document
//! order declares them into a [`Scope`] as it meets them, and package-level
//! names are found once per file.
//!
//! The facts about package-level names are computed from the whole file
//! once per run (see [`super::Facts`]), so a declaration's findings never
//! depend on state kept between runs. Types declared in other files of the
//! package are unknown.

mod file;

pub use file::FileTypes;

use super::names::{self, Decl, DeclKind};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax;
use crate::analysis::syntax::{text, unparen, ById};
use std::collections::HashMap;
use tree_sitter::Node;

/// The static type of an expression, as far as syntax tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty<'t> {
    /// Not known.
    Unknown,
    /// A value of the type written by this node.
    Val(Node<'t>),
    /// A pointer to a value of the type written by this node.
    Ptr(Node<'t>),
}

/// What a name in scope stands for, as far as types go.
#[derive(Clone, Copy, Debug)]
pub(super) enum Meaning<'t> {
    /// A variable (or constant, function) of this type.
    Var(Ty<'t>),
    /// A type, written by this node.
    Type(Node<'t>),
    /// A type parameter with this constraint.
    TypeParam(Node<'t>),
}

impl<'t> Meaning<'t> {
    /// What declaration `decl` makes its name stand for, a variable being
    /// of type `ty`; `None` for a type (parameter) whose type is missing.
    fn of(decl: &Decl<'t>, ty: Ty<'t>) -> Option<Self> {
        match decl.kind {
            DeclKind::Type => decl.declared_type().map(Meaning::Type),
            DeclKind::TypeParam => decl.declared_type().map(Meaning::TypeParam),
            _ => Some(Meaning::Var(ty)),
        }
    }
}

/// One local declaration: `name` means `meaning` in bytes `from..end`.
#[derive(Clone, Copy, Debug)]
struct Entry<'t> {
    name: &'t str,
    from: usize,
    end: usize,
    meaning: Meaning<'t>,
}

/// The names a `var`/`const` spec declares, each with its type: the written
/// type, else the value's type by `infer` (when names and values pair up).
fn spec_types<'t>(
    spec: Node<'t>,
    src: &'t str,
    mut infer: impl FnMut(Node<'t>) -> Ty<'t>,
) -> Vec<(&'t str, Ty<'t>)> {
    let mut c = spec.walk();
    let names: Vec<&str> = spec.fields("name", &mut c).map(|n| text(n, src)).collect();
    let values = spec.field("value").map(list_items).unwrap_or_default();
    let written = spec
        .field("type")
        .filter(|_| syntax::kind(spec) == "var_spec");
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let ty = match (written, values.get(i)) {
                (Some(t), _) => Ty::Val(t),
                (None, Some(v)) if values.len() == names.len() => infer(*v),
                _ => Ty::Unknown,
            };
            (*name, ty)
        })
        .collect()
}

/// The type of the `i`th name of a `var`/`const` spec, as [`spec_types`]
/// finds it, inferring no other name's.
fn spec_type<'t>(spec: Node<'t>, i: usize, infer: impl FnOnce(Node<'t>) -> Ty<'t>) -> Ty<'t> {
    if let Some(t) = spec
        .field("type")
        .filter(|_| syntax::kind(spec) == "var_spec")
    {
        return Ty::Val(t);
    }
    let values = spec.field("value").map(list_items).unwrap_or_default();
    let mut c = spec.walk();
    let names = spec.fields("name", &mut c).count();
    match values.get(i) {
        Some(v) if values.len() == names => infer(*v),
        _ => Ty::Unknown,
    }
}

/// The items of an `expression_list` (or the node itself when it is a single
/// expression).
pub(crate) fn list_items(list: Node<'_>) -> Vec<Node<'_>> {
    if syntax::kind(list) != "expression_list" {
        return vec![list];
    }
    let mut c = list.walk();
    list.named_children(&mut c)
        .filter(|n| syntax::kind(*n) != "comment")
        .collect()
}

/// The local declarations visible at the current point of a walk in document
/// order: declare names as they are met, and [`Scope::leave`] before each
/// node.
pub struct Scope<'t> {
    src: &'t str,
    entries: Vec<Entry<'t>>,
    /// The indexes in `entries` of the declarations of each name, in order:
    /// a lookup looks only at the declarations of its name, however many
    /// others are in scope.
    by_name: HashMap<&'t str, Vec<usize>>,
}

impl<'t> Scope<'t> {
    /// No declarations yet, in source `src`.
    pub fn new(src: &'t str) -> Self {
        Scope {
            src,
            entries: Vec::new(),
            by_name: HashMap::new(),
        }
    }

    /// Forgets the declarations whose scope ended before `pos`.
    pub fn leave(&mut self, pos: usize) {
        while let Some(e) = self.entries.last().filter(|e| e.end <= pos) {
            if let Some(indexes) = self.by_name.get_mut(e.name) {
                indexes.pop();
            }
            self.entries.pop();
        }
    }

    /// Declares the name of `decl`, visible in `from..end`: a variable of
    /// type `ty`, a type or a type parameter. The blank name declares
    /// nothing.
    pub fn declare(&mut self, decl: &Decl<'t>, ty: Ty<'t>, from: usize, end: usize) {
        let name = text(decl.ident, self.src);
        let meaning = Meaning::of(decl, ty).filter(|_| name != "_");
        if let Some(meaning) = meaning {
            self.by_name
                .entry(name)
                .or_default()
                .push(self.entries.len());
            self.entries.push(Entry {
                name,
                from,
                end,
                meaning,
            });
        }
    }

    /// What `name` at byte `pos` means, when declared locally.
    pub(super) fn lookup(&self, name: &str, pos: usize) -> Option<Meaning<'t>> {
        self.by_name
            .get(name)?
            .iter()
            .rev()
            .filter_map(|&i| self.entries.get(i))
            .find(|e| e.from <= pos && pos < e.end)
            .map(|e| e.meaning)
    }
}

/// Predeclared type names.
pub(super) const PREDECLARED: &[&str] = &[
    "bool",
    "byte",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "any",
    "comparable",
];

/// Bound on resolution steps, against cycles in invalid code.
pub(super) const MAX_STEPS: usize = 256;

/// Type questions about one point of a walk: the file's facts and the local
/// scope there.
pub struct Types<'a, 't> {
    /// The file's facts.
    pub file: &'a FileTypes<'t>,
    /// The local declarations in scope.
    pub scope: &'a Scope<'t>,
}

impl<'t> Types<'_, 't> {
    pub(super) fn src(&self) -> &'t str {
        self.file.src
    }

    /// What `name`, used at byte `pos`, is declared as.
    pub(super) fn decl(&self, name: &str, pos: usize) -> Option<Meaning<'t>> {
        if let Some(m) = self.scope.lookup(name, pos) {
            return Some(m);
        }
        let decl = self.package_decl(name)?;
        match decl.kind {
            // A package-level variable: its written type, or a fresh value's.
            DeclKind::Package => {
                let i = self.file.package().spec_places.get(&decl.ident.id());
                let ty = i.map_or(Ty::Unknown, |&i| {
                    spec_type(decl.site, i, |v| self.fresh_type(v))
                });
                Some(Meaning::Var(ty))
            }
            _ => Meaning::of(&decl, Ty::Unknown),
        }
    }

    /// The package-level declaration of `name`, when this file makes one.
    fn package_decl(&self, name: &str) -> Option<Decl<'t>> {
        // Imported package names and predeclared types need no file scan.
        if self.file.imports.contains(&name) || PREDECLARED.contains(&name) {
            return None;
        }
        self.file.package().decls.get(name).copied()
    }

    /// The type of a value that makes a new value without reading a variable:
    /// `T{…}`, `&T{…}`, `new(T)`, `make(T, …)`.
    fn fresh_type(&self, v: Node<'t>) -> Ty<'t> {
        let v = unparen(v);
        match syntax::kind(v) {
            "composite_literal" => v.field("type").map_or(Ty::Unknown, Ty::Val),
            "unary_expression" => match (v.field("operator"), v.field("operand")) {
                (Some(op), Some(x))
                    if text(op, self.src()) == "&" && unparen(x).kind() == "composite_literal" =>
                {
                    unparen(x).field("type").map_or(Ty::Unknown, Ty::Ptr)
                }
                _ => Ty::Unknown,
            },
            "call_expression" => self.base_type(v),
            _ => Ty::Unknown,
        }
    }

    /// Whether `name` at `pos` is declared in this file (so it is not a
    /// builtin or an imported package name).
    pub fn declared(&self, name: &str, pos: usize) -> bool {
        self.scope.lookup(name, pos).is_some() || self.package_decl(name).is_some()
    }

    /// The type of a name used as a type (`type_identifier` or `identifier`).
    fn named_type(&self, node: Node<'t>) -> Option<Meaning<'t>> {
        self.decl(text(node, self.src()), node.start_byte())
    }

    /// The type an expression has, when declarations in this file say.
    pub fn infer(&self, expr: Node<'t>) -> Ty<'t> {
        enum Op<'s> {
            Deref,
            Addr,
            Recv,
            Index,
            Field(&'s str),
        }
        let src = self.src();
        let mut ops = Vec::new();
        let mut e = expr;
        let base = loop {
            if ops.len() > MAX_STEPS {
                return Ty::Unknown;
            }
            match syntax::kind(e) {
                "parenthesized_expression" => match e.named_child(0) {
                    Some(inner) => e = inner,
                    None => return Ty::Unknown,
                },
                "unary_expression" => {
                    let (Some(op), Some(operand)) = (e.field("operator"), e.field("operand"))
                    else {
                        return Ty::Unknown;
                    };
                    ops.push(match text(op, src) {
                        "*" => Op::Deref,
                        "&" => Op::Addr,
                        "<-" => Op::Recv,
                        _ => return Ty::Unknown,
                    });
                    e = operand;
                }
                "selector_expression" => {
                    let (Some(operand), Some(field)) = (e.field("operand"), e.field("field"))
                    else {
                        return Ty::Unknown;
                    };
                    ops.push(Op::Field(text(field, src)));
                    e = operand;
                }
                "index_expression" => {
                    let Some(operand) = e.field("operand") else {
                        return Ty::Unknown;
                    };
                    ops.push(Op::Index);
                    e = operand;
                }
                "type_assertion_expression" => break e.field("type").map_or(Ty::Unknown, Ty::Val),
                _ => break self.base_type(e),
            }
        };
        let mut ty = base;
        for op in ops.into_iter().rev() {
            ty = match op {
                Op::Addr => match ty {
                    Ty::Val(t) => Ty::Ptr(t),
                    _ => Ty::Unknown,
                },
                Op::Deref => self.pointee(ty),
                Op::Recv => self.element(ty, "channel").map_or(Ty::Unknown, Ty::Val),
                Op::Index => self.element(ty, "index").map_or(Ty::Unknown, Ty::Val),
                Op::Field(name) => self.field(ty, name),
            };
            if ty == Ty::Unknown {
                break;
            }
        }
        ty
    }

    /// The type of an expression that is not a selector, index or unary op.
    fn base_type(&self, e: Node<'t>) -> Ty<'t> {
        match syntax::kind(e) {
            "identifier" | "type_identifier" => {
                match self.decl(text(e, self.src()), e.start_byte()) {
                    Some(Meaning::Var(ty)) => ty,
                    _ => Ty::Unknown,
                }
            }
            "composite_literal" => e.field("type").map_or(Ty::Unknown, Ty::Val),
            "call_expression" => {
                let Some(f) = e.field("function").map(unparen) else {
                    return Ty::Unknown;
                };
                let arg = e.field("arguments").and_then(|a| a.named_child(0));
                let name = text(f, self.src());
                match (syntax::kind(f), name, arg) {
                    ("identifier", "new", Some(t)) if !self.declared("new", f.start_byte()) => {
                        Ty::Ptr(t)
                    }
                    ("identifier", "make", Some(t)) if !self.declared("make", f.start_byte()) => {
                        Ty::Val(t)
                    }
                    _ => Ty::Unknown,
                }
            }
            _ => Ty::Unknown,
        }
    }

    /// What `*x` has for `x` of type `ty`.
    fn pointee(&self, ty: Ty<'t>) -> Ty<'t> {
        match ty {
            Ty::Ptr(t) => Ty::Val(t),
            Ty::Val(t) => match self.resolve(t) {
                Some(p) if is_pointer(p) => p.named_child(0).map_or(Ty::Unknown, Ty::Val),
                _ => Ty::Unknown,
            },
            Ty::Unknown => Ty::Unknown,
        }
    }

    /// The element type of a container: `"index"` for `x[i]` (array, slice,
    /// map value, pointer to array), `"channel"` for `<-x`.
    fn element(&self, ty: Ty<'t>, how: &str) -> Option<Node<'t>> {
        let t = match ty {
            Ty::Val(t) => {
                let t = self.resolve(t)?;
                if is_pointer(t) && how == "index" {
                    self.resolve(t.named_child(0)?)?
                } else {
                    t
                }
            }
            Ty::Ptr(t) if how == "index" => self.resolve(t)?,
            _ => return None,
        };
        match (syntax::kind(t), how) {
            ("array_type" | "implicit_length_array_type" | "slice_type", "index") => {
                t.field("element")
            }
            ("map_type", "index") => t.field("value"),
            ("channel_type", "channel") => t.field("value"),
            _ => None,
        }
    }

    /// The key and value types a `range` over a value of type `ty` yields.
    pub fn range_types(&self, ty: Ty<'t>) -> (Ty<'t>, Ty<'t>) {
        let t = match ty {
            Ty::Val(t) => self.resolve(t).and_then(|t| {
                if is_pointer(t) {
                    t.named_child(0).and_then(|p| self.resolve(p))
                } else {
                    Some(t)
                }
            }),
            Ty::Ptr(t) => self.resolve(t),
            Ty::Unknown => None,
        };
        let Some(t) = t else {
            return (Ty::Unknown, Ty::Unknown);
        };
        let val = |n: Option<Node<'t>>| n.map_or(Ty::Unknown, Ty::Val);
        match syntax::kind(t) {
            "array_type" | "implicit_length_array_type" | "slice_type" => {
                (Ty::Unknown, val(t.field("element")))
            }
            "map_type" => (val(t.field("key")), val(t.field("value"))),
            "channel_type" => (val(t.field("value")), Ty::Unknown),
            _ => (Ty::Unknown, Ty::Unknown),
        }
    }

    /// The type of field (or promoted field) `name` of a value of type `ty`.
    fn field(&self, ty: Ty<'t>, name: &str) -> Ty<'t> {
        let start = match ty {
            Ty::Val(t) => match self.resolve(t) {
                Some(p) if is_pointer(p) => p.named_child(0).and_then(|t| self.resolve(t)),
                other => other,
            },
            Ty::Ptr(t) => self.resolve(t),
            Ty::Unknown => None,
        };
        // Breadth-first through embedded fields, for promoted fields.
        let mut queue: Vec<Node<'t>> = start.into_iter().collect();
        let mut i = 0;
        while i < queue.len() && i < MAX_STEPS {
            let st = queue[i];
            i += 1;
            if syntax::kind(st) != "struct_type" {
                continue;
            }
            let fields = self.file.struct_fields(st);
            if let Some(f) = fields.by_name.get(name).and_then(|&at| fields.all.get(at)) {
                return if f.star { Ty::Ptr(f.ty) } else { Ty::Val(f.ty) };
            }
            for f in fields.all.iter().filter(|f| f.embedded) {
                if let Some(inner) = self.resolve(f.ty) {
                    queue.push(inner);
                }
            }
        }
        Ty::Unknown
    }

    /// The type literal a type node stands for: names resolved through this
    /// file's type declarations; `None` for types of other packages, type
    /// parameters and unknown names.
    fn resolve(&self, mut t: Node<'t>) -> Option<Node<'t>> {
        for _ in 0..MAX_STEPS {
            match syntax::kind(t) {
                "type_identifier" | "identifier" => match self.named_type(t)? {
                    Meaning::Type(d) => t = d,
                    _ => return None,
                },
                "generic_type" => t = t.field("type")?,
                "parenthesized_type" | "parenthesized_expression" => t = t.named_child(0)?,
                "qualified_type" | "selector_expression" => return None,
                _ => return Some(t),
            }
        }
        None
    }

    /// The type a pointer type `t` points to (through this file's type names).
    pub fn pointee_type(&self, t: Node<'t>) -> Option<Node<'t>> {
        self.resolve(t)
            .filter(|p| is_pointer(*p))
            .and_then(|p| p.named_child(0))
    }

    /// Whether type `t` is known exactly: a type of another package, a
    /// predeclared type, a type literal, or a name declared in this file.
    pub fn is_known(&self, t: Node<'t>) -> bool {
        match syntax::kind(t) {
            "type_identifier" | "identifier" | "generic_type" | "parenthesized_type" => {
                self.resolve(t).is_some() || PREDECLARED.contains(&text(t, self.src()))
            }
            _ => true,
        }
    }
}

/// Whether a resolved type is a pointer type.
fn is_pointer(t: Node<'_>) -> bool {
    syntax::kind(t) == "pointer_type"
}

/// The field declarations of a struct type.
pub(super) fn struct_fields(st: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = st.walk();
    for list in st
        .named_children(&mut c)
        .filter(|n| syntax::kind(*n) == "field_declaration_list")
    {
        let mut c2 = list.walk();
        out.extend(
            list.named_children(&mut c2)
                .filter(|n| syntax::kind(*n) == "field_declaration"),
        );
    }
    out
}

/// One field declaration of a struct type, as field lookups read it.
pub(super) struct FieldDecl<'t> {
    /// The declared type (for an embedded field, the embedded type).
    ty: Node<'t>,
    /// Whether the field is embedded.
    embedded: bool,
    /// Whether it is embedded as a pointer (`*T`).
    star: bool,
}

/// The field declarations of a struct type, read once per type (see
/// [`FileTypes::struct_fields`]): a struct of many fields costs one scan of
/// its declarations, not one per field selected.
pub(super) struct StructFields<'t> {
    /// The declarations with a type, in order.
    all: Vec<FieldDecl<'t>>,
    /// The first declaration of each name (an embedded field's being its
    /// type's name), by name.
    by_name: HashMap<&'t str, usize, ById>,
}

impl<'t> StructFields<'t> {
    /// The fields of struct type `st` of source `src`.
    pub(super) fn of(st: Node<'t>, src: &'t str) -> Self {
        let mut fields = StructFields {
            all: Vec::new(),
            by_name: HashMap::default(),
        };
        for f in struct_fields(st) {
            let Some(ty) = f.field("type") else {
                continue;
            };
            let at = fields.all.len();
            let mut c = f.walk();
            let mut embedded = true;
            for n in f.fields("name", &mut c) {
                embedded = false;
                fields.by_name.entry(text(n, src)).or_insert(at);
            }
            if embedded {
                fields.by_name.entry(type_name(ty, src)).or_insert(at);
            }
            fields.all.push(FieldDecl {
                ty,
                embedded,
                star: has_star(f),
            });
        }
        fields
    }
}

/// Whether an embedded field is a pointer (`*T`): the grammar keeps the star
/// as an anonymous child of the field declaration.
pub(super) fn has_star(field: Node<'_>) -> bool {
    let mut c = field.walk();
    let star = field
        .children(&mut c)
        .any(|n| !n.is_named() && syntax::kind(n) == "*");
    star
}

/// The name an embedded type gives its field: `T`, `pkg.T` → `T`, `G[int]` → `G`.
fn type_name<'t>(mut t: Node<'t>, src: &'t str) -> &'t str {
    if syntax::kind(t) == "generic_type" {
        match t.field("type") {
            Some(inner) => t = inner,
            None => return "",
        }
    }
    match syntax::kind(t) {
        "qualified_type" => t.field("name").map_or("", |n| text(n, src)),
        _ => text(t, src),
    }
}

/// The declarations a `var`/`const` spec, `:=` or range clause makes (see
/// [`names::declared_in`]), each with its type as `types` infers it.
pub fn declared_vars<'t>(stmt: Node<'t>, types: &Types<'_, 't>) -> Vec<(Decl<'t>, Ty<'t>)> {
    let items = |field: &str| stmt.field(field).map(list_items).unwrap_or_default();
    // The type of the name at each position of the declaring list.
    let (names, tys): (Vec<Node<'t>>, Vec<Ty<'t>>) = match syntax::kind(stmt) {
        "var_spec" | "const_spec" => {
            let mut c = stmt.walk();
            let names = stmt.fields("name", &mut c).collect();
            let tys = spec_types(stmt, types.src(), |v| types.infer(v));
            (names, tys.into_iter().map(|(_, t)| t).collect())
        }
        "short_var_declaration" => {
            let (left, right) = (items("left"), items("right"));
            let tys = (0..left.len())
                .map(|i| {
                    if left.len() == right.len() {
                        types.infer(right[i])
                    } else if i == 0 && right.len() == 1 && right[0].kind() == "index_expression" {
                        // v, ok := m[k]
                        types.infer(right[0])
                    } else {
                        Ty::Unknown
                    }
                })
                .collect();
            (left, tys)
        }
        "range_clause" => {
            let (k, v) = stmt.field("right").map_or((Ty::Unknown, Ty::Unknown), |r| {
                types.range_types(types.infer(r))
            });
            (items("left"), vec![k, v])
        }
        _ => return Vec::new(),
    };
    names::declared_in(stmt)
        .into_iter()
        .map(|d| {
            let at = names.iter().position(|n| *n == d.ident);
            let ty = at.and_then(|i| tys.get(i)).copied();
            (d, ty.unwrap_or(Ty::Unknown))
        })
        .collect()
}
