//! Type facts the sync rules need, found without a type checker: which types
//! hold a lock by value, and the declared types of the variables of one
//! declaration.
//!
//! A lock is one of the `sync` types that must not be copied after first use
//! (`Mutex`, `RWMutex`, `Once`, `Cond`, `Map`, `Pool`, `WaitGroup`), or a
//! struct type of a file that imports `sync` whose pointer has `Lock()` and
//! `Unlock()` methods (as `go vet` counts them). A type holds a lock by value when it is one, or is
//! a struct, array or defined type of this file (or a type parameter whose
//! constraint is one) with one inside, not behind a pointer, slice, map,
//! channel, func or interface.
//!
//! Files that neither import `sync` nor are package `sync` are skipped at
//! once. The facts about package-level names are computed from the whole
//! file once per run (see [`super::Facts`]), so a declaration's findings
//! never depend on state kept between runs; they do depend on the file's `type` declarations and
//! `Lock`/`Unlock` methods, so an incremental client must re-check the file's
//! other declarations when one of those changes. Types declared in other
//! files of the package are unknown, and unknown means "no lock": silence,
//! not a guess.

use super::lock_names;
use crate::analysis::syntax::{text, unparen};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// The family a lock belongs to: each has its own rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    /// `sync.Mutex`, `RWMutex`, `Once`, `Cond`, `Map`, `Pool` or a type with
    /// pointer-receiver `Lock`/`Unlock` methods.
    Mutex,
    /// `sync.WaitGroup`.
    WaitGroup,
}

/// A lock held by value inside a type, and the named types leading to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockPath {
    /// The lock's family.
    pub kind: LockKind,
    /// Named types from the outermost down to the lock (`["Cache", "sync.Mutex"]`).
    pub path: Vec<String>,
}

impl LockPath {
    /// `Cache contains sync.Mutex`.
    pub fn describe(&self) -> String {
        self.path.join(" contains ")
    }
}

/// The `sync` types that must not be copied, and their family.
const SYNC_LOCKS: &[(&str, LockKind)] = &[
    ("Mutex", LockKind::Mutex),
    ("RWMutex", LockKind::Mutex),
    ("Once", LockKind::Mutex),
    ("Cond", LockKind::Mutex),
    ("Map", LockKind::Mutex),
    ("Pool", LockKind::Mutex),
    ("WaitGroup", LockKind::WaitGroup),
];

/// The family of `sync.<name>`, if it is a lock.
fn sync_lock(name: &str) -> Option<LockKind> {
    SYNC_LOCKS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

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

/// What a name in scope stands for.
#[derive(Clone, Copy, Debug)]
enum Decl<'t> {
    /// A variable (or constant, function) of this type.
    Var(Ty<'t>),
    /// The `index`th name of a package-level `var` spec, typed on use.
    Spec(Node<'t>, usize),
    /// A type, written by this node.
    Type(Node<'t>),
    /// A type parameter with this constraint.
    TypeParam(Node<'t>),
}

/// One local declaration: `name` means `decl` in bytes `from..end`.
#[derive(Clone, Copy, Debug)]
struct Entry<'t> {
    name: &'t str,
    from: usize,
    end: usize,
    decl: Decl<'t>,
}

/// Package-level names of the file.
#[derive(Default)]
struct Package<'t> {
    decls: HashMap<&'t str, Decl<'t>>,
    /// Struct types whose pointer has `Lock()` and `Unlock()` methods.
    lockers: HashSet<&'t str>,
}

/// Facts about one file: its imports and (lazily) its package-level names.
pub struct FileTypes<'t> {
    src: &'t str,
    root: Node<'t>,
    /// The name `sync` is imported as (`""` for a dot import).
    sync_name: Option<&'t str>,
    /// Whether this file is in package `sync` itself.
    in_sync: bool,
    /// The names `unsafe` is imported as (`""` for a dot import).
    unsafe_names: Vec<&'t str>,
    /// The names of all imports (the last path element when unnamed).
    imports: Vec<&'t str>,
    package: OnceCell<Package<'t>>,
    /// The names leading to locks (see [`super::lock_names`]); `None` when
    /// locks can be named without a qualifier (a dot import of `sync`, or
    /// package `sync` itself), so any declaration may copy one.
    lock_names: OnceCell<Option<HashSet<&'t str>>>,
    /// The (type, method) pairs of the methods named like a mutex method
    /// (`Lock`, `Unlock`, …) that take parameters or return results.
    lock_like_methods: OnceCell<HashSet<(&'t str, &'t str)>>,
}

impl<'t> FileTypes<'t> {
    /// The facts of the file `src` whose syntax tree is `root`.
    pub fn new(root: Node<'t>, src: &'t str) -> Self {
        let mut sync_name = None;
        let mut unsafe_names = Vec::new();
        let mut imports = Vec::new();
        let mut in_sync = false;
        let mut c = root.walk();
        for child in root.named_children(&mut c) {
            match child.kind() {
                "package_clause" => {
                    in_sync = child.named_child(0).is_some_and(|n| text(n, src) == "sync");
                }
                "import_declaration" => {
                    for spec in import_specs(child) {
                        // `[name] path`, read by position: this runs once per declaration.
                        let count = spec.named_child_count();
                        let Some(path) = count.checked_sub(1).and_then(|i| spec.named_child(i))
                        else {
                            continue;
                        };
                        let path = text(path, src).trim_matches(|c| c == '"' || c == '`');
                        let name = match spec.named_child(0).filter(|_| count == 2) {
                            Some(n) if text(n, src) == "." => "",
                            Some(n) => text(n, src),
                            None => path.rsplit('/').next().unwrap_or(path),
                        };
                        imports.push(name);
                        match path {
                            "sync" if name != "_" => sync_name = Some(name),
                            "unsafe" if name != "_" => unsafe_names.push(name),
                            _ => {}
                        }
                    }
                }
                "comment" => {}
                _ => break,
            }
        }
        FileTypes {
            src,
            root,
            sync_name,
            in_sync,
            unsafe_names,
            imports,
            package: OnceCell::new(),
            lock_names: OnceCell::new(),
            lock_like_methods: OnceCell::new(),
        }
    }

    /// Whether type `type_name` of this file declares a method `method`
    /// that takes parameters or returns results (`func (f *File) Lock()
    /// error`), so a call of it is not a mutex call.
    pub fn has_other_lock_api(&self, type_name: &str, method: &str) -> bool {
        let methods = self.lock_like_methods.get_or_init(|| {
            let mut c = self.root.walk();
            let src = self.src;
            self.root
                .named_children(&mut c)
                .filter(|d| d.kind() == "method_declaration")
                .filter(|d| {
                    d.child_by_field_name("result").is_some()
                        || d.child_by_field_name("parameters")
                            .is_some_and(|p| p.named_child_count() > 0)
                })
                .filter_map(|d| {
                    let name = text(d.child_by_field_name("name")?, src);
                    matches!(name, "Lock" | "RLock" | "Unlock" | "RUnlock")
                        .then_some((super::lock_calls::receiver_type(d, src)?, name))
                })
                .collect()
        });
        methods.contains(&(type_name, method))
    }

    /// The file's source text.
    pub fn src(&self) -> &'t str {
        self.src
    }

    /// Whether any type of this file could hold a lock: it imports `sync`
    /// or is package `sync`.
    pub fn may_hold_locks(&self) -> bool {
        self.sync_name.is_some() || self.in_sync
    }

    /// Whether top-level declaration `decl` may copy a lock: the file may
    /// hold locks and `decl` names `sync`, a locker type, or a package-level
    /// type or variable that leads to one.
    pub fn may_copy_locks(&self, decl: Node<'t>) -> bool {
        if !self.may_hold_locks() {
            return false;
        }
        let names = self.lock_names.get_or_init(|| {
            let sync = self.sync_name.filter(|n| !n.is_empty() && !self.in_sync)?;
            let mut seeds = vec![sync];
            seeds.extend(self.package().lockers.iter().copied());
            Some(lock_names::leading_to_locks(self.root, self.src, &seeds))
        });
        names
            .as_ref()
            .is_none_or(|names| lock_names::mentions(text(decl, self.src), names))
    }

    fn package(&self) -> &Package<'t> {
        self.package.get_or_init(|| self.scan_package())
    }

    /// One pass over the top-level declarations, reading names by position
    /// (cheaper than field lookups, and this runs once per declaration).
    /// Constants are left out: they hold no locks and shadow no builtin a
    /// rule asks about.
    fn scan_package(&self) -> Package<'t> {
        let src = self.src;
        let mut pkg = Package::default();
        let mut locks: HashMap<&str, (bool, bool, bool)> = HashMap::new();
        let mut c = self.root.walk();
        for decl in self.root.named_children(&mut c) {
            match decl.kind() {
                "type_declaration" => {
                    let mut c2 = decl.walk();
                    for spec in decl.named_children(&mut c2) {
                        let name = spec
                            .named_child(0)
                            .filter(|n| n.kind() == "type_identifier");
                        let count = spec.named_child_count();
                        let ty = (count >= 2).then(|| spec.named_child(count - 1)).flatten();
                        if let (Some(name), Some(ty)) = (name, ty) {
                            pkg.decls.insert(text(name, src), Decl::Type(ty));
                        }
                    }
                }
                "var_declaration" => {
                    for spec in specs(decl) {
                        let mut c2 = spec.walk();
                        let names = spec
                            .named_children(&mut c2)
                            .take_while(|n| n.kind() == "identifier");
                        for (i, name) in names.enumerate() {
                            pkg.decls.insert(text(name, src), Decl::Spec(spec, i));
                        }
                    }
                }
                "function_declaration" => {
                    if let Some(name) = decl.named_child(0).filter(|n| n.kind() == "identifier") {
                        pkg.decls.insert(text(name, src), Decl::Var(Ty::Unknown));
                    }
                }
                "method_declaration" => {
                    // (has Lock, has Unlock, one of them has a pointer receiver)
                    if let Some((ty, pointer, which)) = locker_method(decl, src) {
                        let e = locks.entry(ty).or_default();
                        if which == "Lock" {
                            e.0 = true;
                        } else {
                            e.1 = true;
                        }
                        e.2 |= pointer;
                    }
                }
                _ => {}
            }
        }
        // As vet: *T is a sync.Locker and T is not.
        for (name, (lock, unlock, pointer)) in locks {
            let is_struct =
                matches!(pkg.decls.get(name), Some(Decl::Type(t)) if t.kind() == "struct_type");
            if lock && unlock && pointer && is_struct {
                pkg.lockers.insert(name);
            }
        }
        pkg
    }

    /// The names `unsafe` is imported as.
    pub fn unsafe_names(&self) -> &[&'t str] {
        &self.unsafe_names
    }
}

/// The import specs of an import declaration.
fn import_specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for child in decl.named_children(&mut c) {
        match child.kind() {
            "import_spec" => out.push(child),
            "import_spec_list" => {
                let mut c2 = child.walk();
                out.extend(
                    child
                        .named_children(&mut c2)
                        .filter(|n| n.kind() == "import_spec"),
                );
            }
            _ => {}
        }
    }
    out
}

/// The specs of a `var`/`const` declaration (grouped or not).
fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for child in decl.named_children(&mut c) {
        match child.kind() {
            "var_spec" | "const_spec" => out.push(child),
            "var_spec_list" | "const_spec_list" => {
                let mut c2 = child.walk();
                out.extend(
                    child
                        .named_children(&mut c2)
                        .filter(|n| matches!(n.kind(), "var_spec" | "const_spec")),
                );
            }
            _ => {}
        }
    }
    out
}

/// The names a `var`/`const` spec declares, each with its type: the written
/// type, else the value's type by `infer` (when names and values pair up).
fn spec_types<'t>(
    spec: Node<'t>,
    src: &'t str,
    mut infer: impl FnMut(Node<'t>) -> Ty<'t>,
) -> Vec<(&'t str, Ty<'t>)> {
    let mut c = spec.walk();
    let names: Vec<&str> = spec
        .children_by_field_name("name", &mut c)
        .map(|n| text(n, src))
        .collect();
    let values = spec
        .child_by_field_name("value")
        .map(list_items)
        .unwrap_or_default();
    let written = spec
        .child_by_field_name("type")
        .filter(|_| spec.kind() == "var_spec");
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

/// The items of an `expression_list` (or the node itself when it is a single
/// expression).
pub(crate) fn list_items(list: Node<'_>) -> Vec<Node<'_>> {
    if list.kind() != "expression_list" {
        return vec![list];
    }
    let mut c = list.walk();
    list.named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// For `func (x *T) Lock()` / `Unlock()` with no parameters or results: the
/// receiver type name, whether the receiver is a pointer, and the method.
fn locker_method<'t>(decl: Node<'t>, src: &'t str) -> Option<(&'t str, bool, &'t str)> {
    let mut c = decl.walk();
    let name = decl
        .named_children(&mut c)
        .find(|n| n.kind() == "field_identifier")
        .map(|n| text(n, src))?;
    if !matches!(name, "Lock" | "Unlock") || decl.child_by_field_name("result").is_some() {
        return None;
    }
    if decl.child_by_field_name("parameters")?.named_child_count() != 0 {
        return None;
    }
    let recv = decl.child_by_field_name("receiver")?.named_child(0)?;
    let mut ty = recv.child_by_field_name("type")?;
    let pointer = ty.kind() == "pointer_type";
    if pointer {
        ty = ty.named_child(0)?;
    }
    if ty.kind() == "generic_type" {
        ty = ty.child_by_field_name("type")?;
    }
    (ty.kind() == "type_identifier").then(|| (text(ty, src), pointer, name))
}

/// The local declarations visible at the current point of a walk in document
/// order: push declarations as they are met, and [`Scope::leave`] before each
/// node.
#[derive(Default)]
pub struct Scope<'t> {
    entries: Vec<Entry<'t>>,
}

impl<'t> Scope<'t> {
    /// Forgets the declarations whose scope ended before `pos`.
    pub fn leave(&mut self, pos: usize) {
        while self.entries.last().is_some_and(|e| e.end <= pos) {
            self.entries.pop();
        }
    }

    /// Declares variable `name` of type `ty`, visible in `from..end`.
    pub fn var(&mut self, name: &'t str, ty: Ty<'t>, from: usize, end: usize) {
        if name != "_" {
            self.push(name, Decl::Var(ty), from, end);
        }
    }

    /// Declares type `name`, written by `ty`, visible in `from..end`.
    pub fn type_(&mut self, name: &'t str, ty: Node<'t>, from: usize, end: usize) {
        self.push(name, Decl::Type(ty), from, end);
    }

    /// Declares type parameter `name` with `constraint`, visible in `from..end`.
    pub fn type_param(&mut self, name: &'t str, constraint: Node<'t>, from: usize, end: usize) {
        self.push(name, Decl::TypeParam(constraint), from, end);
    }

    fn push(&mut self, name: &'t str, decl: Decl<'t>, from: usize, end: usize) {
        self.entries.push(Entry {
            name,
            from,
            end,
            decl,
        });
    }

    fn lookup(&self, name: &str, pos: usize) -> Option<Decl<'t>> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.name == name && e.from <= pos && pos < e.end)
            .map(|e| e.decl)
    }
}

/// Predeclared type names.
const PREDECLARED: &[&str] = &[
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
const MAX_STEPS: usize = 256;

/// Type questions about one point of a walk: the file's facts and the local
/// scope there.
pub struct Types<'a, 't> {
    /// The file's facts.
    pub file: &'a FileTypes<'t>,
    /// The local declarations in scope.
    pub scope: &'a Scope<'t>,
}

impl<'t> Types<'_, 't> {
    fn src(&self) -> &'t str {
        self.file.src
    }

    /// What `name`, used at byte `pos`, is declared as.
    fn decl(&self, name: &str, pos: usize) -> Option<Decl<'t>> {
        match self.raw_decl(name, pos)? {
            // A package-level variable: its written type, or a fresh value's.
            Decl::Spec(spec, i) => {
                let ty = spec_types(spec, self.src(), |v| self.fresh_type(v));
                Some(Decl::Var(ty.get(i).map_or(Ty::Unknown, |(_, t)| *t)))
            }
            d => Some(d),
        }
    }

    /// What `name` at `pos` is declared as, package-level variables untyped.
    fn raw_decl(&self, name: &str, pos: usize) -> Option<Decl<'t>> {
        if let Some(d) = self.scope.lookup(name, pos) {
            return Some(d);
        }
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
        match v.kind() {
            "composite_literal" => v.child_by_field_name("type").map_or(Ty::Unknown, Ty::Val),
            "unary_expression" => match (
                v.child_by_field_name("operator"),
                v.child_by_field_name("operand"),
            ) {
                (Some(op), Some(x))
                    if text(op, self.src()) == "&" && unparen(x).kind() == "composite_literal" =>
                {
                    unparen(x)
                        .child_by_field_name("type")
                        .map_or(Ty::Unknown, Ty::Ptr)
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
        self.raw_decl(name, pos).is_some()
    }

    /// The type of a name used as a type (`type_identifier` or `identifier`).
    fn named_type(&self, node: Node<'t>) -> Option<Decl<'t>> {
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
            match e.kind() {
                "parenthesized_expression" => match e.named_child(0) {
                    Some(inner) => e = inner,
                    None => return Ty::Unknown,
                },
                "unary_expression" => {
                    let (Some(op), Some(operand)) = (
                        e.child_by_field_name("operator"),
                        e.child_by_field_name("operand"),
                    ) else {
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
                    let (Some(operand), Some(field)) = (
                        e.child_by_field_name("operand"),
                        e.child_by_field_name("field"),
                    ) else {
                        return Ty::Unknown;
                    };
                    ops.push(Op::Field(text(field, src)));
                    e = operand;
                }
                "index_expression" => {
                    let Some(operand) = e.child_by_field_name("operand") else {
                        return Ty::Unknown;
                    };
                    ops.push(Op::Index);
                    e = operand;
                }
                "type_assertion_expression" => {
                    break e.child_by_field_name("type").map_or(Ty::Unknown, Ty::Val)
                }
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
        match e.kind() {
            "identifier" | "type_identifier" => {
                match self.decl(text(e, self.src()), e.start_byte()) {
                    Some(Decl::Var(ty)) => ty,
                    _ => Ty::Unknown,
                }
            }
            "composite_literal" => e.child_by_field_name("type").map_or(Ty::Unknown, Ty::Val),
            "call_expression" => {
                let Some(f) = e.child_by_field_name("function").map(unparen) else {
                    return Ty::Unknown;
                };
                let arg = e
                    .child_by_field_name("arguments")
                    .and_then(|a| a.named_child(0));
                let name = text(f, self.src());
                match (f.kind(), name, arg) {
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
        match (t.kind(), how) {
            ("array_type" | "implicit_length_array_type" | "slice_type", "index") => {
                t.child_by_field_name("element")
            }
            ("map_type", "index") => t.child_by_field_name("value"),
            ("channel_type", "channel") => t.child_by_field_name("value"),
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
        match t.kind() {
            "array_type" | "implicit_length_array_type" | "slice_type" => {
                (Ty::Unknown, val(t.child_by_field_name("element")))
            }
            "map_type" => (
                val(t.child_by_field_name("key")),
                val(t.child_by_field_name("value")),
            ),
            "channel_type" => (val(t.child_by_field_name("value")), Ty::Unknown),
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
            if st.kind() != "struct_type" {
                continue;
            }
            for f in struct_fields(st) {
                let Some(fty) = f.child_by_field_name("type") else {
                    continue;
                };
                let star = has_star(f);
                let mut c = f.walk();
                let names: Vec<&str> = f
                    .children_by_field_name("name", &mut c)
                    .map(|n| text(n, self.src()))
                    .collect();
                let embedded = names.is_empty();
                let own = if embedded {
                    type_name(fty, self.src())
                } else {
                    ""
                };
                if names.contains(&name) || (embedded && own == name) {
                    return if star { Ty::Ptr(fty) } else { Ty::Val(fty) };
                }
                if embedded {
                    if let Some(inner) = self.resolve(fty) {
                        queue.push(inner);
                    }
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
            match t.kind() {
                "type_identifier" | "identifier" => match self.named_type(t)? {
                    Decl::Type(d) => t = d,
                    _ => return None,
                },
                "generic_type" => t = t.child_by_field_name("type")?,
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
        match t.kind() {
            "type_identifier" | "identifier" | "generic_type" | "parenthesized_type" => {
                self.resolve(t).is_some() || PREDECLARED.contains(&text(t, self.src()))
            }
            _ => true,
        }
    }

    /// The lock a value of type `ty` holds by value, if any; a mutex-family
    /// lock is preferred over a `WaitGroup`.
    pub fn lock_in(&self, ty: Node<'t>) -> Option<LockPath> {
        struct Item<'t> {
            node: Node<'t>,
            parent: Option<usize>,
            label: Option<String>,
        }
        let src = self.src();
        let mut items = vec![Item {
            node: ty,
            parent: None,
            label: None,
        }];
        let mut seen = HashSet::new();
        let mut found: Option<(usize, LockKind)> = None;
        let mut i = 0;
        while i < items.len() && i < MAX_STEPS * 4 {
            let node = items[i].node;
            let at = i;
            i += 1;
            if !seen.insert(node.id()) {
                continue;
            }
            let mut next: Vec<(Node<'t>, Option<String>)> = Vec::new();
            let mut lock: Option<(LockKind, String)> = None;
            match node.kind() {
                "qualified_type" | "selector_expression" => {
                    let (pkg, name) = match node.kind() {
                        "qualified_type" => (
                            node.child_by_field_name("package"),
                            node.child_by_field_name("name"),
                        ),
                        _ => (
                            node.child_by_field_name("operand"),
                            node.child_by_field_name("field"),
                        ),
                    };
                    let (Some(pkg), Some(name)) = (pkg, name) else {
                        continue;
                    };
                    let (pkg, name) = (text(pkg, src), text(name, src));
                    if self.file.sync_name == Some(pkg) && !self.declared(pkg, node.start_byte()) {
                        lock = sync_lock(name).map(|k| (k, format!("sync.{name}")));
                    }
                }
                "type_identifier" | "identifier" => {
                    let name = text(node, src);
                    let local = self.scope.lookup(name, node.start_byte());
                    if local.is_none() && PREDECLARED.contains(&name) {
                        continue;
                    }
                    let sync_own = self.file.in_sync && local.is_none();
                    let dot_sync = self.file.sync_name == Some("")
                        && self.decl(name, node.start_byte()).is_none();
                    if sync_own && name == "noCopy" {
                        lock = Some((LockKind::Mutex, "sync.noCopy".into()));
                    } else if let Some(k) = sync_lock(name).filter(|_| sync_own || dot_sync) {
                        lock = Some((k, format!("sync.{name}")));
                    } else if local.is_none() && self.file.package().lockers.contains(name) {
                        lock = Some((LockKind::Mutex, name.to_string()));
                    } else {
                        match self.decl(name, node.start_byte()) {
                            Some(Decl::Type(d)) => next.push((d, Some(name.to_string()))),
                            Some(Decl::TypeParam(c)) => {
                                next.extend(
                                    constraint_terms(c)
                                        .into_iter()
                                        .map(|t| (t, Some(name.to_string()))),
                                );
                            }
                            _ => {}
                        }
                    }
                }
                "generic_type" | "parenthesized_type" | "negated_type" => {
                    let inner = match node.kind() {
                        "generic_type" => node.child_by_field_name("type"),
                        _ => node.named_child(0),
                    };
                    next.extend(inner.map(|n| (n, None)));
                }
                "array_type" | "implicit_length_array_type" => {
                    next.extend(node.child_by_field_name("element").map(|n| (n, None)));
                }
                "struct_type" => {
                    for f in struct_fields(node) {
                        if !has_star(f) {
                            next.extend(f.child_by_field_name("type").map(|n| (n, None)));
                        }
                    }
                }
                _ => {}
            }
            if let Some((kind, label)) = lock {
                items.push(Item {
                    node,
                    parent: Some(at),
                    label: Some(label),
                });
                let index = items.len() - 1;
                // Keep searching only for a mutex when a WaitGroup was found.
                if kind == LockKind::Mutex {
                    found = Some((index, kind));
                    break;
                }
                if found.is_none() {
                    found = Some((index, kind));
                }
                continue;
            }
            for (n, label) in next {
                items.push(Item {
                    node: n,
                    parent: Some(at),
                    label,
                });
            }
        }
        let (mut k, kind) = found?;
        let mut path = Vec::new();
        loop {
            if let Some(l) = &items[k].label {
                if path.last() != Some(l) {
                    path.push(l.clone());
                }
            }
            match items[k].parent {
                Some(p) => k = p,
                None => break,
            }
        }
        path.reverse();
        Some(LockPath { kind, path })
    }
}

/// Whether a resolved type is a pointer type.
fn is_pointer(t: Node<'_>) -> bool {
    t.kind() == "pointer_type"
}

/// The field declarations of a struct type.
fn struct_fields(st: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = st.walk();
    for list in st
        .named_children(&mut c)
        .filter(|n| n.kind() == "field_declaration_list")
    {
        let mut c2 = list.walk();
        out.extend(
            list.named_children(&mut c2)
                .filter(|n| n.kind() == "field_declaration"),
        );
    }
    out
}

/// Whether an embedded field is a pointer (`*T`): the grammar keeps the star
/// as an anonymous child of the field declaration.
fn has_star(field: Node<'_>) -> bool {
    let mut c = field.walk();
    let star = field
        .children(&mut c)
        .any(|n| !n.is_named() && n.kind() == "*");
    star
}

/// The name an embedded type gives its field: `T`, `pkg.T` → `T`, `G[int]` → `G`.
fn type_name<'t>(mut t: Node<'t>, src: &'t str) -> &'t str {
    if t.kind() == "generic_type" {
        match t.child_by_field_name("type") {
            Some(inner) => t = inner,
            None => return "",
        }
    }
    match t.kind() {
        "qualified_type" => t.child_by_field_name("name").map_or("", |n| text(n, src)),
        _ => text(t, src),
    }
}

/// The type terms of a type parameter's constraint: its single type, the
/// terms of a union, or the type elements of an interface.
fn constraint_terms(constraint: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = constraint.walk();
    for child in constraint.named_children(&mut c) {
        if child.kind() == "interface_type" {
            let mut c2 = child.walk();
            for elem in child
                .named_children(&mut c2)
                .filter(|n| n.kind() == "type_elem")
            {
                let mut c3 = elem.walk();
                out.extend(elem.named_children(&mut c3));
            }
        } else if child.kind() != "comment" {
            out.push(child);
        }
    }
    out
}

/// The declarations a `var`/`const` spec, `:=` or range clause makes, each
/// with its type as `types` infers it.
pub fn declared_vars<'t>(stmt: Node<'t>, types: &Types<'_, 't>) -> Vec<(Node<'t>, Ty<'t>)> {
    let src = types.src();
    match stmt.kind() {
        "var_spec" | "const_spec" => {
            let mut c = stmt.walk();
            let names: Vec<Node<'t>> = stmt.children_by_field_name("name", &mut c).collect();
            let tys = spec_types(stmt, src, |v| types.infer(v));
            names
                .into_iter()
                .zip(tys.into_iter().map(|(_, t)| t))
                .collect()
        }
        "short_var_declaration" => {
            let left = stmt
                .child_by_field_name("left")
                .map(list_items)
                .unwrap_or_default();
            let right = stmt
                .child_by_field_name("right")
                .map(list_items)
                .unwrap_or_default();
            left.iter()
                .enumerate()
                .filter(|(_, n)| n.kind() == "identifier")
                .map(|(i, n)| {
                    let ty = if left.len() == right.len() {
                        types.infer(right[i])
                    } else if i == 0 && right.len() == 1 && right[0].kind() == "index_expression" {
                        // v, ok := m[k]
                        types.infer(right[0])
                    } else {
                        Ty::Unknown
                    };
                    (*n, ty)
                })
                .collect()
        }
        "range_clause" => {
            let left = stmt
                .child_by_field_name("left")
                .map(list_items)
                .unwrap_or_default();
            let (k, v) = stmt
                .child_by_field_name("right")
                .map_or((Ty::Unknown, Ty::Unknown), |r| {
                    types.range_types(types.infer(r))
                });
            left.into_iter()
                .zip([k, v])
                .filter(|(n, _)| n.kind() == "identifier")
                .collect()
        }
        _ => Vec::new(),
    }
}
