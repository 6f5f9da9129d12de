//! Locks and the types that hold them, found without a type checker.
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
//! once. What a lock is depends on the file's `type` declarations and
//! `Lock`/`Unlock` methods, so an incremental client must re-check the file's
//! other declarations when one of those changes. Types declared in other
//! files of the package are unknown, and unknown means "no lock": silence,
//! not a guess.

use super::lock_names;
use super::syntax::text;
use super::types::{has_star, struct_fields, FileTypes, Meaning, Types, MAX_STEPS, PREDECLARED};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax;
use std::collections::HashSet;
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
pub(super) fn sync_lock(name: &str) -> Option<LockKind> {
    SYNC_LOCKS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// For `func (x *T) Lock()` / `Unlock()` with no parameters or results: the
/// receiver type name, whether the receiver is a pointer, and the method.
pub(super) fn locker_method<'t>(decl: Node<'t>, src: &'t str) -> Option<(&'t str, bool, &'t str)> {
    let mut c = decl.walk();
    let name = decl
        .named_children(&mut c)
        .find(|n| syntax::kind(*n) == "field_identifier")
        .map(|n| text(n, src))?;
    if !matches!(name, "Lock" | "Unlock") || decl.field("result").is_some() {
        return None;
    }
    if decl.field("parameters")?.named_child_count() != 0 {
        return None;
    }
    let recv = decl.field("receiver")?.named_child(0)?;
    let mut ty = recv.field("type")?;
    let pointer = syntax::kind(ty) == "pointer_type";
    if pointer {
        ty = ty.named_child(0)?;
    }
    if syntax::kind(ty) == "generic_type" {
        ty = ty.field("type")?;
    }
    (syntax::kind(ty) == "type_identifier").then(|| (text(ty, src), pointer, name))
}

impl<'t> FileTypes<'t> {
    /// Whether type `type_name` of this file declares a method `method`
    /// that takes parameters or returns results (`func (f *File) Lock()
    /// error`), so a call of it is not a mutex call.
    pub fn has_other_lock_api(&self, type_name: &str, method: &str) -> bool {
        let methods = self.lock_like_methods.get_or_init(|| {
            let mut c = self.root.walk();
            let src = self.src;
            self.root
                .named_children(&mut c)
                .filter(|d| syntax::kind(*d) == "method_declaration")
                .filter(|d| {
                    d.field("result").is_some()
                        || d.field("parameters")
                            .is_some_and(|p| p.named_child_count() > 0)
                })
                .filter_map(|d| {
                    let name = text(d.field("name")?, src);
                    matches!(name, "Lock" | "RLock" | "Unlock" | "RUnlock")
                        .then_some((super::lock_calls::receiver_type(d, src)?, name))
                })
                .collect()
        });
        methods.contains(&(type_name, method))
    }

    /// Whether any type of this file could hold a lock: it imports `sync`
    /// or is package `sync`.
    pub fn may_hold_locks(&self) -> bool {
        self.sync_name.is_some() || self.in_sync
    }

    /// Whether top-level declaration `decl` may copy a lock: the file may
    /// hold locks and `decl` names `sync`, or a locker type or a
    /// package-level type, variable or field that leads to one as
    /// [`lock_names::may_copy`] reads them.
    pub fn may_copy_locks(&self, decl: Node<'t>) -> bool {
        if !self.may_hold_locks() {
            return false;
        }
        let names = self.lock_names.get_or_init(|| {
            let sync = self.sync_name.filter(|n| !n.is_empty() && !self.in_sync)?;
            let lockers = self.package().lockers.iter().copied();
            Some(lock_names::leading_to_locks(
                self.root, self.src, sync, lockers,
            ))
        });
        names
            .as_ref()
            .is_none_or(|names| lock_names::may_copy(text(decl, self.src), names))
    }
}

impl<'t> Types<'_, 't> {
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
            match syntax::kind(node) {
                "qualified_type" | "selector_expression" => {
                    let (pkg, name) = match syntax::kind(node) {
                        "qualified_type" => (node.field("package"), node.field("name")),
                        _ => (node.field("operand"), node.field("field")),
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
                            Some(Meaning::Type(d)) => next.push((d, Some(name.to_string()))),
                            Some(Meaning::TypeParam(c)) => {
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
                    let inner = match syntax::kind(node) {
                        "generic_type" => node.field("type"),
                        _ => node.named_child(0),
                    };
                    next.extend(inner.map(|n| (n, None)));
                }
                "array_type" | "implicit_length_array_type" => {
                    next.extend(node.field("element").map(|n| (n, None)));
                }
                "struct_type" => {
                    for f in struct_fields(node) {
                        if !has_star(f) {
                            next.extend(f.field("type").map(|n| (n, None)));
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

/// The type terms of a type parameter's constraint: its single type, the
/// terms of a union, or the type elements of an interface.
fn constraint_terms(constraint: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = constraint.walk();
    for child in constraint.named_children(&mut c) {
        if syntax::kind(child) == "interface_type" {
            let mut c2 = child.walk();
            for elem in child
                .named_children(&mut c2)
                .filter(|n| syntax::kind(*n) == "type_elem")
            {
                let mut c3 = elem.walk();
                out.extend(elem.named_children(&mut c3));
            }
        } else if syntax::kind(child) != "comment" {
            out.push(child);
        }
    }
    out
}
