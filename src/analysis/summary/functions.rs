//! What the top-level functions and methods of a file do to the package's
//! own mutexes: those declared at file level (`var mu sync.Mutex`,
//! `var ( a, b sync.RWMutex )`, `var cache struct{ sync.Mutex; … }`), in
//! this file or another file of the package.
//!
//! A lock is taken to be of a package-level mutex when the name it starts
//! from is declared neither in the function (a parameter, the receiver, a
//! local) nor anywhere up to the file's top level: which of those names
//! are mutexes is known only once the files of the package are together
//! (see [`crate::analysis::package`]). A function's entry is read as a
//! method's is (see [`super::entry`]); the rest of its body with what
//! [`HeldLocks`] says is certainly held at each statement.

use super::entry::{is_straight, leading, statement_call, uncertain};
use super::shift::moved;
use super::walk::for_blocks;
use super::{Move, Reuse};
use crate::analysis::fields::Fields as _;
use crate::analysis::flow;
use crate::analysis::imports;
use crate::analysis::lock_calls::{LockCall, Op};
use crate::analysis::lock_held::{HeldLocks, Taken};
use crate::analysis::names;
use crate::analysis::syntax::{self, text, Walk};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use tree_sitter::Node;

/// A function or method of the package called by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    /// `f(…)`: a function declared at the top level.
    Func(String),
    /// `recv.name(…)` in a method of type `ty`: a method of the same receiver.
    Method {
        /// The receiver's base type name.
        ty: String,
        /// The method's name.
        name: String,
    },
}

impl Callee {
    /// The function's or method's name.
    pub fn name(&self) -> &str {
        match self {
            Callee::Func(name) | Callee::Method { name, .. } => name,
        }
    }
}

/// A lock method called on a package-level mutex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalLock {
    /// The mutex as written: `mu`, `cache` (embedding one), `cache.mu`.
    pub mutex: String,
    /// The lock method.
    pub op: Op,
    /// The call.
    pub range: Range<usize>,
}

/// One thing a function's entry does, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FnStep {
    /// A lock method on a package-level mutex.
    Lock(GlobalLock),
    /// A call of a function of the package or a method of the receiver, as
    /// a statement or as the whole value of an assignment.
    Call {
        /// What is called.
        callee: Callee,
        /// The call.
        range: Range<usize>,
    },
}

/// A package-level mutex locked while another is certainly held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalNested {
    /// The mutex held.
    pub outer: GlobalLock,
    /// The mutex locked while it is held.
    pub inner: GlobalLock,
}

/// A call made while package-level mutexes are certainly held: not in a
/// closure, a `go` or a `defer` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalCall {
    /// The mutexes held.
    pub held: Vec<GlobalLock>,
    /// What is called.
    pub callee: Callee,
    /// The call.
    pub range: Range<usize>,
}

/// What one top-level function or method does to package-level mutexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSummary {
    /// How it is called.
    pub callee: Callee,
    /// Its name in its declaration.
    pub name_range: Range<usize>,
    /// What its entry does, up to the first statement whose effect on the
    /// locks is not certain.
    pub entry: Vec<FnStep>,
    /// The package-level mutexes it locks while holding another.
    pub nested: Vec<GlobalNested>,
    /// Its calls made while holding package-level mutexes.
    pub held_calls: Vec<GlobalCall>,
}

/// A mutex declared at the top level of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageMutex {
    /// How it is locked: `mu`, `cache` (embedding one), `cache.mu`.
    pub path: String,
    /// The declared name.
    pub range: Range<usize>,
}

/// The package-level lock facts of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Functions {
    /// Its top-level functions and methods.
    pub decls: Vec<FunctionSummary>,
    /// The mutexes it declares at the top level.
    pub mutexes: Vec<PackageMutex>,
    /// Whether the file locks anything (holds `Lock()`): a file that
    /// does not summarises no function.
    locks: bool,
}

impl FunctionSummary {
    /// Moves every byte range it holds by `f` (an edit's shift): `None`
    /// when `f` drops one, and the summary must be worked out again.
    pub fn shift(&mut self, f: Move<'_>) -> Option<()> {
        moved(&mut self.name_range, f)?;
        for step in &mut self.entry {
            match step {
                FnStep::Lock(lock) => moved(&mut lock.range, f)?,
                FnStep::Call { range, .. } => moved(range, f)?,
            }
        }
        for n in &mut self.nested {
            moved(&mut n.outer.range, f)?;
            moved(&mut n.inner.range, f)?;
        }
        for call in &mut self.held_calls {
            moved(&mut call.range, f)?;
            for h in &mut call.held {
                moved(&mut h.range, f)?;
            }
        }
        Some(())
    }
}

impl Functions {
    /// Moves every byte range it holds by `f`, as [`FunctionSummary::shift`].
    pub fn shift(&mut self, f: Move<'_>) -> Option<()> {
        for d in &mut self.decls {
            d.shift(f)?;
        }
        for m in &mut self.mutexes {
            moved(&mut m.range, f)?;
        }
        Some(())
    }

    /// The summary of the top-level function or method declaration `decl`.
    pub fn of_decl(&self, decl: Node<'_>) -> Option<&FunctionSummary> {
        let name = decl.field("name")?.byte_range();
        // In document order.
        let at = self
            .decls
            .binary_search_by_key(&name.start, |d| d.name_range.start)
            .ok()?;
        self.decls.get(at).filter(|d| d.name_range == name)
    }

    /// The facts of the file `src`, whose syntax tree is `root`; after an
    /// edit of the file `old` tells of, a function whose text the edit
    /// left alone keeps its summary there, moved. A file that locks
    /// nothing (holds no `Lock()`) is taken to have no function worth
    /// summarising, and one that never names a `Mutex` to declare none:
    /// most files are read no further than that.
    pub(super) fn of(
        root: Node<'_>,
        src: &str,
        old: Option<(&Functions, &Reuse<'_>)>,
    ) -> Functions {
        let has = |w: &[u8]| memchr::memmem::find(src.as_bytes(), w).is_some();
        let (locks, mutexes) = (has(b"Lock()"), has(b"Mutex"));
        let mut out = Functions {
            locks,
            ..Functions::default()
        };
        if !locks && !mutexes {
            return out;
        }
        // The old summaries, by where their names are now.
        let old = old.filter(|(o, _)| o.locks == locks).map(|(o, reuse)| {
            let decls: HashMap<usize, &FunctionSummary> = o
                .decls
                .iter()
                .filter_map(|d| Some(((reuse.moved)(&d.name_range)?.start, d)))
                .collect();
            (decls, reuse)
        });
        let sync = imports::of_file(root, src)
            .into_iter()
            .find(|i| i.path == "sync" && i.name != "." && i.name != "_")
            .map(|i| i.name);
        let mut from = 0;
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            match (decl.kind(), sync) {
                ("function_declaration" | "method_declaration", _) if locks => {
                    let kept = old.as_ref().and_then(|(decls, reuse)| {
                        if !(reuse.kept)(&(from..decl.end_byte())) {
                            return None;
                        }
                        let name = decl.field("name")?;
                        let mut kept = (*decls.get(&name.start_byte())?).clone();
                        kept.shift(reuse.moved)?;
                        Some(kept)
                    });
                    out.decls.extend(kept.or_else(|| summary(decl, src)))
                }
                ("var_declaration", Some(sync)) if mutexes => {
                    for spec in names::specs(decl) {
                        declared_mutexes(spec, sync, src, &mut out.mutexes);
                    }
                }
                _ => {}
            }
            from = decl.end_byte();
        }
        out
    }
}

/// Whether type `ty` is `sync.Mutex` or `sync.RWMutex` (or a pointer to
/// one), `sync` being the name package `sync` is imported as.
fn is_mutex_type(ty: Node<'_>, sync: &str, src: &str) -> bool {
    let ty = match ty.kind() {
        "pointer_type" => match ty.named_child(0) {
            Some(t) => t,
            None => return false,
        },
        _ => ty,
    };
    let spelled = text(ty, src);
    spelled
        .strip_prefix(sync)
        .and_then(|s| s.strip_prefix('.'))
        .is_some_and(|name| name == "Mutex" || name == "RWMutex")
}

/// The mutexes var spec `spec` declares: names of a mutex type, or of a
/// struct type embedding one or with mutex fields, or given a new mutex.
fn declared_mutexes(spec: Node<'_>, sync: &str, src: &str, out: &mut Vec<PackageMutex>) {
    let mut c = spec.walk();
    let idents: Vec<Node<'_>> = spec.fields("name", &mut c).collect();
    let mut add = |ident: Node<'_>, path: String| {
        out.push(PackageMutex {
            path,
            range: ident.byte_range(),
        })
    };
    if let Some(ty) = spec.field("type") {
        let mut paths: Vec<Option<&str>> = Vec::new();
        if is_mutex_type(ty, sync, src) {
            paths.push(None);
        } else if ty.kind() == "struct_type" {
            for field in syntax::descendants(ty)
                .into_iter()
                .filter(|f| f.kind() == "field_declaration")
            {
                let Some(fty) = field.field("type") else {
                    continue;
                };
                if !is_mutex_type(fty, sync, src) {
                    continue;
                }
                let mut c = field.walk();
                let named: Vec<Node<'_>> = field.fields("name", &mut c).collect();
                if named.is_empty() {
                    paths.push(None);
                }
                paths.extend(named.into_iter().map(|n| Some(text(n, src))));
            }
        }
        for ident in &idents {
            for path in &paths {
                let name = text(*ident, src);
                add(
                    *ident,
                    path.map_or(name.to_string(), |f| format!("{name}.{f}")),
                );
            }
        }
        return;
    }
    let Some(values) = spec.field("value") else {
        return;
    };
    let mut c = values.walk();
    let values: Vec<Node<'_>> = values.named_children(&mut c).collect();
    for (ident, value) in idents.iter().zip(values) {
        let made = match value.kind() {
            "unary_expression" => value
                .field("operand")
                .filter(|o| o.kind() == "composite_literal")
                .and_then(|o| o.field("type")),
            "composite_literal" => value.field("type"),
            "call_expression" => value
                .field("function")
                .filter(|f| text(*f, src) == "new")
                .and_then(|_| value.field("arguments"))
                .and_then(|a| a.named_child(0)),
            _ => None,
        };
        if made.is_some_and(|t| is_mutex_type(t, sync, src)) {
            add(*ident, text(*ident, src).to_string());
        }
    }
}

/// The identifier a mutex expression starts from: `mu` in `mu`,
/// `cache.mu`; `None` past anything but plain field selections.
fn root_ident(mut e: Node<'_>) -> Option<Node<'_>> {
    while e.kind() == "selector_expression" {
        e = e.field("operand")?;
    }
    (e.kind() == "identifier").then_some(e)
}

/// What call `call` calls, by name, in a method of a receiver `recv` of
/// type `ty` (when a method), with the identifier naming a function.
fn callee_of<'t>(
    call: Node<'t>,
    recv: Option<(&str, &str)>,
    src: &str,
) -> Option<(Callee, Option<Node<'t>>)> {
    let function = call.field("function")?;
    match function.kind() {
        "identifier" => Some((
            Callee::Func(text(function, src).to_string()),
            Some(function),
        )),
        "selector_expression" => {
            let (recv, ty) = recv?;
            let operand = function.field("operand")?;
            if operand.kind() != "identifier" || text(operand, src) != recv {
                return None;
            }
            let name = text(function.field("field")?, src).to_string();
            let ty = ty.to_string();
            Some((Callee::Method { ty, name }, None))
        }
        _ => None,
    }
}

/// The summary of function or method declaration `decl`.
fn summary(decl: Node<'_>, src: &str) -> Option<FunctionSummary> {
    let name = decl.field("name")?;
    let body = syntax::function_body(decl)?;
    let recv = match decl.kind() {
        "method_declaration" => super::receiver(decl, src),
        _ => None,
    };
    let callee = match recv {
        Some((_, ty)) => Callee::Method {
            ty: ty.to_string(),
            name: text(name, src).to_string(),
        },
        None => Callee::Func(text(name, src).to_string()),
    };
    let params = Params {
        decl,
        src,
        names: OnceCell::new(),
    };
    let mut out = FunctionSummary {
        callee,
        name_range: name.byte_range(),
        entry: entry(body, &params, recv, src),
        nested: Vec::new(),
        held_calls: Vec::new(),
    };
    held(body, &params, recv, src, &mut out);
    let empty = out.entry.is_empty() && out.nested.is_empty() && out.held_calls.is_empty();
    (!empty).then_some(out)
}

/// The names a function declares for its receiver, parameters and
/// results, looked up when first asked.
struct Params<'t, 's> {
    decl: Node<'t>,
    src: &'s str,
    names: OnceCell<Vec<&'s str>>,
}

impl Params<'_, '_> {
    /// Whether the function declares `name` so.
    fn contains(&self, name: &str) -> bool {
        let names = self.names.get_or_init(|| {
            let params = names::parameters(self.decl);
            params.iter().map(|d| text(d.ident, self.src)).collect()
        });
        names.contains(&name)
    }
}

/// The package-mutex lock steps and calls of the leading straight-line
/// statements of `body`, whose parameters are `params`.
fn entry(
    body: Node<'_>,
    params: &Params<'_, '_>,
    recv: Option<(&str, &str)>,
    src: &str,
) -> Vec<FnStep> {
    let mut steps = Vec::new();
    // Names the statements so far declared, which shadow the package's.
    let mut declared: Vec<&str> = Vec::new();
    let global = |ident: Node<'_>, declared: &[&str]| {
        let name = text(ident, src);
        !params.contains(name) && !declared.contains(&name)
    };
    leading(body, |stmt| {
        if !is_straight(stmt) {
            return false;
        }
        if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, src)) {
            if root_ident(lock.recv).is_some_and(|r| global(r, &declared)) {
                steps.push(FnStep::Lock(GlobalLock {
                    mutex: lock.mutex(src).to_string(),
                    op: lock.op,
                    range: lock.call.byte_range(),
                }));
            }
            return true;
        }
        if uncertain(stmt, src) {
            return false;
        }
        if let Some(call) = statement_call(stmt) {
            if let Some((callee, ident)) = callee_of(call, recv, src) {
                if ident.is_none_or(|i| global(i, &declared)) {
                    steps.push(FnStep::Call {
                        callee,
                        range: call.byte_range(),
                    });
                }
            }
        }
        if matches!(stmt.kind(), "short_var_declaration" | "var_declaration") {
            declared.extend(names::declared_in(stmt).iter().map(|d| text(d.ident, src)));
        }
        true
    });
    steps
}

/// A call made while locks are held, before its names are resolved.
struct RawCall<'t> {
    held: Vec<LockCall<'t>>,
    callee: Callee,
    ident: Option<Node<'t>>,
    call: Node<'t>,
}

/// The walk of a body for what it does while holding locks on names other
/// than its parameters.
struct Walker<'a, 'p, 'q, 't> {
    locks: &'a HeldLocks<'t>,
    params: &'a Params<'p, 'q>,
    recv: Option<(&'a str, &'a str)>,
    src: &'a str,
    nested: Vec<(LockCall<'t>, LockCall<'t>)>,
    calls: Vec<RawCall<'t>>,
}

impl<'t> Walker<'_, '_, '_, 't> {
    /// Whether `lock` locks a mutex named from outside the function's
    /// parameters (a package-level name, or a local: told apart later).
    fn candidate(&self, lock: &LockCall<'t>) -> bool {
        root_ident(lock.recv).is_some_and(|r| !self.params.contains(text(r, self.src)))
    }

    /// The candidate locks among `taken` still held.
    fn held(&self, taken: &[Taken<'t>]) -> Vec<LockCall<'t>> {
        taken
            .iter()
            .filter(|t| t.held && self.candidate(&t.lock))
            .map(|t| t.lock)
            .collect()
    }

    /// Walks the statements of `block`, not entering closures.
    fn block(&mut self, block: Node<'t>) {
        for stmt in flow::statements(block) {
            let stmt = flow::unlabeled(stmt);
            let before = self.held(self.locks.before(stmt));
            if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, self.src)) {
                if stmt.kind() == "expression_statement"
                    && lock.op.acquires()
                    && self.candidate(&lock)
                {
                    let mutex = lock.mutex(self.src);
                    for outer in before.into_iter().filter(|o| o.mutex(self.src) != mutex) {
                        self.nested.push((outer, lock));
                    }
                }
                continue;
            }
            if matches!(stmt.kind(), "defer_statement" | "go_statement") {
                continue;
            }
            // A condition or case is evaluated before the blocks that may unlock.
            let held = match stmt.kind() {
                "if_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "select_statement" => before,
                _ => self.held(self.locks.within(stmt)),
            };
            if !held.is_empty() {
                self.header_calls(stmt, &held);
            }
            for_blocks(stmt, |b| self.block(b));
        }
    }

    /// Records the calls by name in statement `stmt` outside its blocks,
    /// closures, `go` and `defer`, made while `held` are held.
    fn header_calls(&mut self, stmt: Node<'t>, held: &[LockCall<'t>]) {
        let mut found = Vec::new();
        syntax::walk(stmt, |n| {
            if n != stmt
                && matches!(
                    n.kind(),
                    "block"
                        | "statement_list"
                        | "func_literal"
                        | "go_statement"
                        | "defer_statement"
                        | "expression_case"
                        | "type_case"
                        | "default_case"
                        | "communication_case"
                )
            {
                return Walk::Skip;
            }
            if n.kind() == "call_expression" {
                found.push(n);
            }
            Walk::Enter
        });
        for call in found {
            let Some((callee, ident)) = callee_of(call, self.recv, self.src) else {
                continue;
            };
            if ident.is_none_or(|i| !self.params.contains(text(i, self.src))) {
                self.calls.push(RawCall {
                    held: held.to_vec(),
                    callee,
                    ident,
                    call,
                });
            }
        }
    }
}

/// `lock` as a package-level lock, when the name it starts from is free.
fn global(lock: &LockCall<'_>, free: &HashSet<usize>, src: &str) -> Option<GlobalLock> {
    let root = root_ident(lock.recv)?;
    free.contains(&root.id()).then(|| GlobalLock {
        mutex: lock.mutex(src).to_string(),
        op: lock.op,
        range: lock.call.byte_range(),
    })
}

/// Whether the text `body` may lock a mutex named from outside the
/// function's parameters: some `x.Lock()` or `x.RLock()` whose `x` is a
/// name or a selection from one (`mu`, `cache.mu`) other than a parameter.
/// Most bodies lock through their receiver or a parameter, or not at all:
/// they are not walked.
fn may_lock_outside(body: &str, params: &Params<'_, '_>) -> bool {
    let bytes = body.as_bytes();
    memchr::memmem::find_iter(bytes, b"Lock()").any(|at| {
        let before = &body[..at];
        let Some(before) = before
            .strip_suffix('.')
            .or_else(|| before.strip_suffix(".R"))
        else {
            return false;
        };
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        // `f().mu`, `m[k].mu` start with a dot here: no name to look up.
        let root = before[start..].split('.').next().unwrap_or_default();
        !root.is_empty() && !params.contains(root) && !declares(body, root)
    })
}

/// Whether the text `body` seems to declare the name `name` somewhere
/// (`name :=`, `name, err :=`, `var name`): a local, most likely the one
/// locked. A body that declares it in one block and locks the package's
/// in another is not walked.
fn declares(body: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    memchr::memmem::find_iter(body.as_bytes(), name.as_bytes()).any(|at| {
        let (before, after) = (&body[..at], &body[at + name.len()..]);
        if before.ends_with(word) || after.starts_with(word) {
            return false;
        }
        if before.ends_with("var ") {
            return true;
        }
        // Names and commas up to `:=`.
        let rest = after.trim_start_matches(|c: char| word(c) || c == ',' || c == ' ');
        rest.starts_with(":=")
    })
}

/// Fills in `out`'s nested locks and held calls, from `body`. Bodies that
/// lock nothing but through their parameters are not walked.
fn held(
    body: Node<'_>,
    params: &Params<'_, '_>,
    recv: Option<(&str, &str)>,
    src: &str,
    out: &mut FunctionSummary,
) {
    if !may_lock_outside(text(body, src), params) {
        return;
    }
    let locks = HeldLocks::of(body, src);
    let mut w = Walker {
        locks: &locks,
        params,
        recv,
        src,
        nested: Vec::new(),
        calls: Vec::new(),
    };
    w.block(body);
    if w.nested.is_empty() && w.calls.is_empty() {
        return;
    }
    // Which names the body itself declares, where: one walk of the body
    // for the names at stake.
    let mut wanted: Vec<&str> = Vec::new();
    let locks_named = w.nested.iter().flat_map(|(a, b)| [*a, *b]);
    let held_named = w.calls.iter().flat_map(|c| c.held.iter().copied());
    for lock in locks_named.chain(held_named) {
        wanted.extend(root_ident(lock.recv).map(|r| text(r, src)));
    }
    wanted.extend(w.calls.iter().filter_map(|c| c.ident.map(|i| text(i, src))));
    wanted.sort_unstable();
    wanted.dedup();
    let free: HashSet<usize> = names::free_uses(body, &wanted, src)
        .into_iter()
        .map(|n| n.id())
        .collect();
    for (outer, inner) in &w.nested {
        if let (Some(outer), Some(inner)) = (global(outer, &free, src), global(inner, &free, src)) {
            out.nested.push(GlobalNested { outer, inner });
        }
    }
    for call in w.calls {
        if call.ident.is_some_and(|i| !free.contains(&i.id())) {
            continue;
        }
        let held: Vec<GlobalLock> = call
            .held
            .iter()
            .filter_map(|l| global(l, &free, src))
            .collect();
        if !held.is_empty() {
            out.held_calls.push(GlobalCall {
                held,
                callee: call.callee,
                range: call.call.byte_range(),
            });
        }
    }
}
