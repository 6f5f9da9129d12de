//! The facts about one file that types need: its imports, and (lazily)
//! its package-level types, variables, functions and locker types.

use super::super::imports;
use super::super::lock_names::LockNames;
use super::super::names::{self, Decl, DeclKind};
use super::super::sync::locker_method;
use super::StructFields;
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax;
use crate::analysis::syntax::{text, ById};
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use tree_sitter::Node;

/// Package-level names of the file.
#[derive(Default)]
pub(in crate::analysis) struct Package<'t> {
    /// The types, variables and functions declared at the top level.
    pub(super) decls: HashMap<&'t str, Decl<'t>, ById>,
    /// Struct types whose pointer has `Lock()` and `Unlock()` methods.
    pub(in crate::analysis) lockers: HashSet<&'t str>,
    /// The place of each package-level variable's name among the names of
    /// its `var` spec, by the name's node id: found once per spec, so a
    /// spec of thousands of names costs no scan of them per use.
    pub(super) spec_places: HashMap<usize, usize, ById>,
}

/// Facts about one file: its imports and (lazily) its package-level names.
pub struct FileTypes<'t> {
    pub(in crate::analysis) src: &'t str,
    pub(in crate::analysis) root: Node<'t>,
    /// The name `sync` is imported as (`""` for a dot import).
    pub(in crate::analysis) sync_name: Option<&'t str>,
    /// Whether this file is in package `sync` itself.
    pub(in crate::analysis) in_sync: bool,
    /// The names `unsafe` is imported as (`""` for a dot import).
    unsafe_names: Vec<&'t str>,
    /// The names of all imports (the last path element when unnamed).
    pub(super) imports: Vec<&'t str>,
    package: OnceCell<Package<'t>>,
    /// The names leading to locks (see [`super::lock_names`]); `None` when
    /// locks can be named without a qualifier (a dot import of `sync`, or
    /// package `sync` itself), so any declaration may copy one.
    pub(in crate::analysis) lock_names: OnceCell<Option<LockNames<'t>>>,
    /// The (type, method) pairs of the methods named like a mutex method
    /// (`Lock`, `Unlock`, …) that take parameters or return results.
    pub(in crate::analysis) lock_like_methods: OnceCell<HashSet<(&'t str, &'t str)>>,
    /// The fields of each struct type asked about, by the type's node id.
    structs: RefCell<HashMap<usize, Rc<StructFields<'t>>, ById>>,
}

impl<'t> FileTypes<'t> {
    /// The facts of the file `src` whose syntax tree is `root`.
    pub fn new(root: Node<'t>, src: &'t str) -> Self {
        let mut sync_name = None;
        let mut unsafe_names = Vec::new();
        let mut imports = Vec::new();
        let mut c = root.walk();
        let in_sync = root
            .named_children(&mut c)
            .take_while(|n| {
                matches!(
                    syntax::kind(*n),
                    "package_clause" | "import_declaration" | "comment"
                )
            })
            .find(|n| syntax::kind(*n) == "package_clause")
            .and_then(|n| n.named_child(0))
            .is_some_and(|n| text(n, src) == "sync");
        for import in imports::of_file(root, src) {
            let name = if import.name == "." { "" } else { import.name };
            imports.push(name);
            match import.path {
                "sync" if name != "_" => sync_name = Some(name),
                "unsafe" if name != "_" => unsafe_names.push(name),
                _ => {}
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
            structs: RefCell::default(),
        }
    }

    /// The file's source text.
    pub fn src(&self) -> &'t str {
        self.src
    }
    pub(in crate::analysis) fn package(&self) -> &Package<'t> {
        self.package.get_or_init(|| self.scan_package())
    }

    /// One pass over the top-level declarations. Constants are left out:
    /// they hold no locks and shadow no builtin a rule asks about.
    fn scan_package(&self) -> Package<'t> {
        let src = self.src;
        let mut pkg = Package::default();
        let mut locks: HashMap<&str, (bool, bool, bool)> = HashMap::new();
        let mut c = self.root.walk();
        for decl in self.root.named_children(&mut c) {
            match syntax::kind(decl) {
                "type_declaration" | "var_declaration" => {
                    for d in names::declared_in(decl) {
                        if d.kind == DeclKind::Var && !pkg.spec_places.contains_key(&d.ident.id()) {
                            let mut c = d.site.walk();
                            let names = d.site.fields("name", &mut c);
                            for (i, name) in names.enumerate() {
                                pkg.spec_places.insert(name.id(), i);
                            }
                        }
                        let kind = if d.kind == DeclKind::Var {
                            DeclKind::Package
                        } else {
                            d.kind
                        };
                        pkg.decls.insert(text(d.ident, src), Decl { kind, ..d });
                    }
                }
                "function_declaration" => {
                    if let Some(ident) = decl.field("name") {
                        let d = Decl {
                            ident,
                            kind: DeclKind::Func,
                            site: decl,
                        };
                        pkg.decls.insert(text(ident, src), d);
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
            let is_struct = pkg
                .decls
                .get(name)
                .filter(|d| d.kind == DeclKind::Type)
                .and_then(Decl::declared_type)
                .is_some_and(|t| syntax::kind(t) == "struct_type");
            if lock && unlock && pointer && is_struct {
                pkg.lockers.insert(name);
            }
        }
        pkg
    }

    /// The fields of struct type `st`, read once per type.
    pub(super) fn struct_fields(&self, st: Node<'t>) -> Rc<StructFields<'t>> {
        if let Some(fields) = self.structs.borrow().get(&st.id()) {
            return Rc::clone(fields);
        }
        let fields = Rc::new(StructFields::of(st, self.src));
        self.structs
            .borrow_mut()
            .insert(st.id(), Rc::clone(&fields));
        fields
    }

    /// The names `unsafe` is imported as.
    pub fn unsafe_names(&self) -> &[&'t str] {
        &self.unsafe_names
    }
}
