//! Facts about the whole file that rules share, worked out at most once per
//! analysis run, on first use. A run checks one file (or the changed
//! declarations of one), so nothing here outlives the tree it describes,
//! and a declaration's findings never depend on an earlier run.

use super::lock_copy::{self, LockCopy, ValueType};
use super::lock_flow::{LockFlow, Releaser};
use super::lock_held::HeldLocks;
use super::names::{ListMemo, Resolver};
use super::summary::FileSummary;
use super::sync_points::SyncPoints;
use super::types::FileTypes;
use crate::analysis::fields::Fields as _;
use crate::analysis::sites::Sites;
use crate::analysis::syntax::{self, text, Parents, Walk};
use crate::analysis::triggers::Hits;
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use tree_sitter::Node;

/// The file-wide facts that tie one declaration's findings to another
/// declaration other than through a name it mentions, each as the word
/// whose mentions read the fact and the fact. Those of one top-level
/// declaration `decl`: a mutex field it releases without taking it
/// (`lock-not-unlocked` leaves the locks of that field alone), a name
/// some `const` declaration in it declares, even one inside a function
/// (rules read such names as constants file-wide). Incremental analysis
/// re-checks the mentions of a word whose facts an edit changed; with
/// [`summary_links`], these are all such facts.
pub fn decl_links(decl: Node<'_>, src: &str) -> Vec<(String, String)> {
    let mut links: Vec<(String, String)> = constants_in(decl, src)
        .iter()
        .map(|name| (name.to_string(), "constant".to_string()))
        .collect();
    for (field, r) in super::lock_flow::releases(decl, src) {
        // An embedded mutex (`d.Unlock()`) is read where it is locked.
        let words: &[&str] = if field.is_empty() {
            &["Lock", "RLock"]
        } else {
            &[field]
        };
        let fact = format!("released by {} {}", r.receiver_type.unwrap_or(""), r.name);
        links.extend(words.iter().map(|w| (w.to_string(), fact.clone())));
    }
    links
}

/// The file-wide facts of the file's own summary (see [`decl_links`]):
/// how the methods access each field of their receiver
/// ([`super::guards::links`]), what a method started as goroutines writes
/// ([`super::go_starts::links`]).
pub fn summary_links(summary: &FileSummary) -> Vec<(String, String)> {
    let mut links = super::guards::links(summary);
    links.extend(super::go_starts::links(summary));
    links
}

/// The names any `const` declaration under `node` declares, at package
/// level or inside a function.
fn constants_in<'t>(node: Node<'t>, src: &'t str) -> HashSet<&'t str> {
    let mut names = HashSet::new();
    // Only nodes that hold the keyword `const`, or a syntax error (which
    // can cut a spec off its keyword), can hold a constant.
    let mut hits = Hits::of_word(node, src, "const");
    let mut declare = |spec: Node<'t>| {
        let mut c = spec.walk();
        names.extend(spec.fields("name", &mut c).map(|id| text(id, src)));
    };
    syntax::walk(node, |n| match syntax::kind(n) {
        "const_declaration" => {
            let mut c = n.walk();
            n.named_children(&mut c).for_each(&mut declare);
            Walk::Skip
        }
        "const_spec" => {
            declare(n);
            Walk::Skip
        }
        _ if syntax::OPAQUE.contains(n) => Walk::Skip,
        _ if hits.within(n) || n.has_error() => Walk::Enter,
        _ => Walk::Skip,
    });
    names
}

/// The shared facts of one file.
pub struct Facts<'t> {
    root: Node<'t>,
    src: &'t str,
    types: OnceCell<FileTypes<'t>>,
    constants: OnceCell<HashSet<&'t str>>,
    package_level: OnceCell<HashSet<&'t str>>,
    /// The lock copies of the last declaration asked about: the two copy
    /// rules match the same declarations one right after the other.
    lock_copies: RefCell<Option<(usize, Rc<Vec<LockCopy<'t>>>)>>,
    /// The `if` statements without `else` of each statement list asked
    /// about, by the list's node id.
    plain_ifs: RefCell<HashMap<usize, Rc<[Node<'t>]>>>,
    /// The identifiers of each node asked about, by node id.
    identifiers: RefCell<HashMap<usize, Rc<HashSet<&'t str>>>>,
    /// The types of the method-call receivers of each top-level
    /// declaration asked about, by the declaration's node id.
    receiver_types: RefCell<HashMap<usize, Rc<HashMap<usize, ValueType<'t>>>>>,
    /// The locks of each function asked about, by the function's node id.
    lock_flows: RefCell<HashMap<usize, Rc<LockFlow<'t>>>>,
    /// The locks held at the statements of each function body asked
    /// about, by the body's node id.
    lock_held: RefCell<HashMap<usize, Rc<HeldLocks<'t>>>>,
    /// How each function asked about synchronises with the goroutines it
    /// starts, by the function's node id.
    sync_points: RefCell<HashMap<usize, Rc<SyncPoints<'t>>>>,
    /// The mutex fields some function releases without acquiring them.
    released_elsewhere: OnceCell<HashMap<&'t str, Vec<Releaser<'t>>>>,
    /// The site indexes of each top-level declaration asked about, by id.
    sites: RefCell<HashMap<usize, Rc<Sites<'t>>>>,
    /// The parents of the nodes of the declarations walked up from.
    parents: Rc<Parents<'t>>,
    /// The statement lists the file's resolvers have looked at.
    resolved: Rc<ListMemo<'t, 't>>,
    /// What the file's methods do to locks on entry.
    summary: OnceCell<Arc<FileSummary>>,
}

impl<'t> Facts<'t> {
    /// No facts yet about the file `src` whose syntax tree is `root`.
    pub fn new(root: Node<'t>, src: &'t str) -> Self {
        Facts {
            root,
            src,
            types: OnceCell::new(),
            constants: OnceCell::new(),
            package_level: OnceCell::new(),
            lock_copies: RefCell::new(None),
            plain_ifs: RefCell::new(HashMap::new()),
            identifiers: RefCell::new(HashMap::new()),
            receiver_types: RefCell::new(HashMap::new()),
            lock_flows: RefCell::new(HashMap::new()),
            lock_held: RefCell::new(HashMap::new()),
            released_elsewhere: OnceCell::new(),
            sync_points: RefCell::new(HashMap::new()),
            sites: RefCell::new(HashMap::new()),
            parents: Rc::new(Parents::new(root)),
            resolved: Rc::default(),
            summary: OnceCell::new(),
        }
    }

    /// What the file's methods do to locks and fields (see
    /// [`FileSummary`]), worked out once unless already known.
    pub fn summary(&self) -> &FileSummary {
        self.summary
            .get_or_init(|| Arc::new(FileSummary::of(self.root, self.src, Arc::from(""))))
    }

    /// Gives the file's summary, worked out elsewhere from the same text.
    pub fn know_summary(&self, summary: Arc<FileSummary>) {
        // Already known (asked for first) is as good.
        let _ = self.summary.set(summary);
    }

    /// The way up from any node of the file: parents without asking
    /// tree-sitter, which descends from the root for each.
    pub fn parents(&self) -> &Parents<'t> {
        &self.parents
    }

    /// The same parents, shared (for a resolver that outlives a borrow).
    pub fn shared_parents(&self) -> Rc<Parents<'t>> {
        Rc::clone(&self.parents)
    }

    /// A name resolver for the file that shares what every other one got
    /// from [`Facts::resolver`] has learnt of its statement lists.
    pub fn resolver(&self) -> Resolver<'t, 't> {
        Resolver::sharing(self.src, self.shared_parents(), Rc::clone(&self.resolved))
    }

    /// The names of the identifiers anywhere in `node` (a function body,
    /// say), worked out once per node.
    pub fn identifiers(&self, node: Node<'t>) -> Rc<HashSet<&'t str>> {
        if let Some(names) = self.identifiers.borrow().get(&node.id()) {
            return Rc::clone(names);
        }
        let names: Rc<HashSet<&'t str>> = Rc::new(
            syntax::descendants(node)
                .into_iter()
                .filter(|n| syntax::kind(*n) == "identifier")
                .map(|n| text(n, self.src))
                .collect(),
        );
        self.identifiers
            .borrow_mut()
            .insert(node.id(), Rc::clone(&names));
        names
    }

    /// The site indexes (identifiers, assignments, closes, calls) of the
    /// top-level declaration holding `node`, built once per declaration.
    pub fn sites(&self, node: Node<'t>) -> Rc<Sites<'t>> {
        let decl = std::iter::once(node)
            .chain(self.parents.ancestors(node))
            .find(|n| self.parents.parent(*n).is_none_or(|p| p == self.root))
            .unwrap_or(node);
        if let Some(sites) = self.sites.borrow().get(&decl.id()) {
            return Rc::clone(sites);
        }
        let sites = Rc::new(Sites::new(decl, self.src, &self.parents));
        self.sites.borrow_mut().insert(decl.id(), Rc::clone(&sites));
        sites
    }

    /// The `if` statements without `else` directly in `list` (a block or
    /// statement list), in order: where rules look for an earlier guard,
    /// once per list rather than once per statement that needs one.
    pub fn plain_ifs(&self, list: Node<'t>) -> Rc<[Node<'t>]> {
        if let Some(ifs) = self.plain_ifs.borrow().get(&list.id()) {
            return Rc::clone(ifs);
        }
        let mut c = list.walk();
        let ifs: Rc<[Node<'t>]> = list
            .named_children(&mut c)
            .filter(|s| syntax::kind(*s) == "if_statement" && s.field("alternative").is_none())
            .collect();
        self.plain_ifs
            .borrow_mut()
            .insert(list.id(), Rc::clone(&ifs));
        ifs
    }

    /// The file's imports, package-level types and lock types.
    pub fn types(&self) -> &FileTypes<'t> {
        self.types
            .get_or_init(|| FileTypes::new(self.root, self.src))
    }

    /// The names any `const` declaration of the file declares, at package
    /// level or inside a function.
    pub fn constants(&self) -> &HashSet<&'t str> {
        self.constants
            .get_or_init(|| constants_in(self.root, self.src))
    }

    /// Whether the file declares a package-level func, var or const named
    /// `name` (which then shadows a predeclared identifier).
    pub fn declared_at_package_level(&self, name: &str) -> bool {
        self.package_level
            .get_or_init(|| {
                let mut names = HashSet::new();
                let mut c = self.root.walk();
                for decl in self.root.named_children(&mut c) {
                    match syntax::kind(decl) {
                        "function_declaration" => {
                            names.extend(decl.field("name").map(|n| text(n, self.src)))
                        }
                        "var_declaration" | "const_declaration" => {
                            syntax::walk(decl, |n| match syntax::kind(n) {
                                "var_spec" | "const_spec" => {
                                    let mut c2 = n.walk();
                                    names.extend(
                                        n.fields("name", &mut c2).map(|id| text(id, self.src)),
                                    );
                                    Walk::Skip
                                }
                                _ => Walk::Enter,
                            })
                        }
                        _ => {}
                    }
                }
                names
            })
            .contains(name)
    }

    /// The type of `recv`, the receiver of a method call `recv.M(…)` in
    /// top-level declaration `decl`, as the declarations of the file say:
    /// the receivers of the whole declaration are typed in one walk, on
    /// first use.
    pub fn receiver_type(&self, decl: Node<'t>, recv: Node<'t>) -> ValueType<'t> {
        let known = self.receiver_types.borrow().get(&decl.id()).cloned();
        let types = known.unwrap_or_else(|| {
            let types = Rc::new(lock_copy::receiver_types(self.types(), decl));
            self.receiver_types
                .borrow_mut()
                .insert(decl.id(), Rc::clone(&types));
            types
        });
        types.get(&recv.id()).cloned().unwrap_or_default()
    }

    /// What function `func` does with its locks, worked out once per
    /// function.
    pub fn lock_flow(&self, func: Node<'t>) -> Rc<LockFlow<'t>> {
        if let Some(flow) = self.lock_flows.borrow().get(&func.id()) {
            return Rc::clone(flow);
        }
        let flow = Rc::new(LockFlow::of(func, self.src, &self.parents));
        self.lock_flows
            .borrow_mut()
            .insert(func.id(), Rc::clone(&flow));
        flow
    }

    /// The locks certainly held at each statement of function body
    /// `body` (see [`super::lock_held`]), worked out once per body.
    pub fn lock_held(&self, body: Node<'t>) -> Rc<HeldLocks<'t>> {
        if let Some(held) = self.lock_held.borrow().get(&body.id()) {
            return Rc::clone(held);
        }
        let held = Rc::new(HeldLocks::of(body, self.src));
        self.lock_held
            .borrow_mut()
            .insert(body.id(), Rc::clone(&held));
        held
    }

    /// The top-level functions of the file that release a mutex field
    /// named `field` without acquiring it (see
    /// [`super::lock_flow::released_elsewhere`]).
    pub fn released_elsewhere(&self, field: &str) -> &[Releaser<'t>] {
        self.released_elsewhere
            .get_or_init(|| super::lock_flow::released_elsewhere(self.root, self.src))
            .get(field)
            .map_or(&[], |r| r.as_slice())
    }

    /// The synchronisation points of function `func`, made by `make` on
    /// first use.
    pub fn sync_points(
        &self,
        func: Node<'t>,
        make: impl FnOnce() -> SyncPoints<'t>,
    ) -> Rc<SyncPoints<'t>> {
        if let Some(points) = self.sync_points.borrow().get(&func.id()) {
            return Rc::clone(points);
        }
        let points = Rc::new(make());
        self.sync_points
            .borrow_mut()
            .insert(func.id(), Rc::clone(&points));
        points
    }

    /// Every copy of a lock in top-level declaration `decl`.
    pub fn lock_copies(&self, decl: Node<'t>) -> Rc<Vec<LockCopy<'t>>> {
        let mut last = self.lock_copies.borrow_mut();
        if let Some((_, copies)) = last.as_ref().filter(|(id, _)| *id == decl.id()) {
            return Rc::clone(copies);
        }
        let copies = Rc::new(lock_copy::copies(decl, self.types()));
        *last = Some((decl.id(), Rc::clone(&copies)));
        copies
    }
}
