//! The other files of a file's package, as the rules see them: their
//! [`FileSummary`]s, and what a call into one of their methods does.
//!
//! The caller (the CLI, the server) reads a Go file's folder and summarises
//! every `.go` file there; [`Package::new`] keeps those a rule may see from
//! the file being checked: the same package clause, and test files only for
//! a test file. A method declared in several files (one per build tag) is
//! taken to do something only when every declaration of it does.

use super::lock_calls::Op;
use super::summary::functions::{Callee, FnStep, FunctionSummary};
use super::summary::{EntryStep, FileSummary, MethodSummary};
use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Whether the file `bytes` may synchronise through a mutex (holds
/// `Lock()`, `RLock()` included), `sync/atomic` (importing it takes its
/// path), or a Cond it waits on (holds `Wait()` and `Cond`). A folder none
/// of whose files may tells its files nothing: every rule asking the
/// package starts from a lock held or an atomic access, in the file it
/// checks or another, or from a `Wait()` on a Cond — which, without the
/// package, is followed only when declared in the file itself.
pub fn may_sync(bytes: &[u8]) -> bool {
    let has = |w: &[u8]| memchr::memmem::find(bytes, w).is_some();
    has(b"Lock()") || has(b"sync/atomic") || (has(b"Wait()") && has(b"Cond"))
}

/// How deep [`Methods::entry_lock`] follows calls of the same receiver,
/// and [`Methods::package_entry_lock`] calls of the package.
const MAX_DEPTH: usize = 5;

/// The summaries of the files of one folder, shared by all its files, as
/// seen from one of them. Two are equal when they answer alike: seen from
/// the same file, with the same summaries of the other files — the rules
/// never ask the package about the file they check (they work its summary
/// out from its current text), so an edit to that file leaves its package
/// as it was.
#[derive(Clone, Default)]
pub struct Package {
    files: Arc<[Arc<FileSummary>]>,
    /// The name of the file being checked.
    this: Arc<str>,
}

impl fmt::Debug for Package {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.files.iter().map(|s| &*s.file).collect();
        f.debug_struct("Package")
            .field("files", &names)
            .field("this", &self.this)
            .finish()
    }
}

impl PartialEq for Package {
    fn eq(&self, other: &Package) -> bool {
        self.this == other.this && self.others().eq(other.others())
    }
}

impl Eq for Package {}

impl Package {
    /// The summaries of the files other than the one it is seen from.
    fn others(&self) -> impl Iterator<Item = &Arc<FileSummary>> {
        self.files.iter().filter(|f| f.file != self.this)
    }

    /// The package made of the summaries of the `.go` files of a folder.
    pub fn new(files: Vec<Arc<FileSummary>>) -> Package {
        Package {
            files: files.into(),
            this: Arc::from(""),
        }
    }

    /// The same package, seen from its file named `file` (whose own
    /// summary the rules work out from its current text).
    pub fn seen_from(&self, file: Arc<str>) -> Package {
        Package {
            files: Arc::clone(&self.files),
            this: file,
        }
    }

    /// The name of the file it is seen from.
    pub fn seen_file(&self) -> &Arc<str> {
        &self.this
    }

    /// The summaries, in the order given.
    pub fn files(&self) -> &[Arc<FileSummary>] {
        &self.files
    }
}

/// The methods a rule checking one file may call: the file's own, and
/// those of the other files of its package.
pub struct Methods<'a> {
    own: &'a FileSummary,
    others: Vec<&'a FileSummary>,
    /// The package's top-level functions and methods by how they are
    /// called, each with its file: gathered when first asked.
    functions: OnceCell<FunctionIndex<'a>>,
    /// What [`Methods::package_entry_lock`] answered, by callee and mutex.
    entry_locks: RefCell<EntryLocks>,
}

/// The answers of [`Methods::package_entry_lock`], by callee and mutex.
type EntryLocks = HashMap<(Callee, String), Option<Vec<Hop>>>;

/// Function summaries by how they are called, each with its file (`None`
/// for the file being checked).
type FunctionIndex<'a> = HashMap<&'a Callee, Vec<(Option<Arc<str>>, &'a FunctionSummary)>>;

/// One step of a call chain: where it is and what happens there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The file it is in: `None` for the file being checked.
    pub file: Option<Arc<str>>,
    /// Its byte range in that file.
    pub range: Range<usize>,
    /// The method it is in.
    pub method: String,
    /// What happens there.
    pub step: HopKind,
}

/// What happens at a [`Hop`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HopKind {
    /// The method calls another method of the same receiver.
    Calls(String),
    /// The method locks the mutex.
    Locks(Op),
}

impl Hop {
    /// What happens at the hop, for a related location: "`flush` calls
    /// `write` here", "`write` locks it here".
    pub fn describe(&self) -> String {
        match &self.step {
            HopKind::Calls(name) => format!("`{}` calls `{name}` here", self.method),
            HopKind::Locks(Op::RLock) => format!("`{}` read-locks it here", self.method),
            HopKind::Locks(_) => format!("`{}` locks it here", self.method),
        }
    }
}

/// How the last of `hops` (as [`Methods::entry_lock`] gives them) locks
/// the mutex.
pub fn lock_op(hops: &[Hop]) -> Option<Op> {
    match hops.last()?.step {
        HopKind::Locks(op) => Some(op),
        HopKind::Calls(_) => None,
    }
}

impl<'a> Methods<'a> {
    /// The methods visible from the file summarised as `own` (a test file
    /// when `test_file`), with the other files of `package`.
    pub fn new(own: &'a FileSummary, package: Option<&'a Package>, test_file: bool) -> Self {
        let others = package
            .map(|p| {
                p.others()
                    .map(|f| &**f)
                    .filter(|f| {
                        f.package == own.package && (test_file || !f.file.ends_with("_test.go"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Methods {
            own,
            others,
            functions: OnceCell::new(),
            entry_locks: RefCell::new(HashMap::new()),
        }
    }

    /// The summaries of the file being checked and of the other files of
    /// its package.
    pub fn files(&self) -> impl Iterator<Item = &'a FileSummary> + '_ {
        std::iter::once(self.own).chain(self.others.iter().copied())
    }

    /// Every declaration of method `name` of type `ty`, with its file
    /// (`None` for the file being checked).
    fn declarations(&self, ty: &str, name: &str) -> Vec<(Option<Arc<str>>, &'a MethodSummary)> {
        let mut found = self.of_type(ty);
        found.retain(|(_, m)| m.name == name);
        found
    }

    /// Every method of type `ty` in the package, with its file (`None` for
    /// the file being checked).
    pub fn of_type(&self, ty: &str) -> Vec<(Option<Arc<str>>, &'a MethodSummary)> {
        let own = std::iter::once((None, self.own));
        let others = self.others.iter().map(|f| (Some(Arc::clone(&f.file)), *f));
        let mut found = Vec::new();
        for (file, summary) in own.chain(others) {
            for m in summary.methods.iter() {
                if m.receiver_type == ty {
                    found.push((file.clone(), m));
                }
            }
        }
        found
    }

    /// How calling method `name` of a receiver of type `ty` locks the
    /// receiver's mutex at `suffix` (`.mu`, or `""` for the receiver
    /// itself) on entry, following calls of the same receiver up to a
    /// bounded depth: the hops from the called method to the lock. `None`
    /// when some declaration of the method does not certainly lock it.
    pub fn entry_lock(&self, ty: &str, name: &str, suffix: &str) -> Option<Vec<Hop>> {
        let mut visiting = HashSet::new();
        self.entry_lock_from(ty, name, suffix, MAX_DEPTH, &mut visiting)
    }

    fn entry_lock_from(
        &self,
        ty: &str,
        name: &str,
        suffix: &str,
        depth: usize,
        visiting: &mut HashSet<String>,
    ) -> Option<Vec<Hop>> {
        if depth == 0 || !visiting.insert(name.to_string()) {
            return None;
        }
        let declarations = self.declarations(ty, name);
        let mut first = None;
        for (file, method) in &declarations {
            let chain = self.method_entry_lock(ty, file, method, suffix, depth, visiting);
            match chain {
                Some(chain) => {
                    first.get_or_insert(chain);
                }
                None => {
                    first = None;
                    break;
                }
            }
        }
        visiting.remove(name);
        first
    }

    fn method_entry_lock(
        &self,
        ty: &str,
        file: &Option<Arc<str>>,
        method: &MethodSummary,
        suffix: &str,
        depth: usize,
        visiting: &mut HashSet<String>,
    ) -> Option<Vec<Hop>> {
        let hop = |range: &Range<usize>, step: HopKind| Hop {
            file: file.clone(),
            range: range.clone(),
            method: method.name.clone(),
            step,
        };
        for step in &method.entry {
            match step {
                EntryStep::Lock {
                    suffix: s,
                    op,
                    range,
                } if s == suffix => {
                    return op.acquires().then(|| vec![hop(range, HopKind::Locks(*op))]);
                }
                EntryStep::Lock { .. } => {}
                EntryStep::Call { name, range } => {
                    if let Some(rest) = self.entry_lock_from(ty, name, suffix, depth - 1, visiting)
                    {
                        let mut chain = vec![hop(range, HopKind::Calls(name.clone()))];
                        chain.extend(rest);
                        return Some(chain);
                    }
                }
            }
        }
        None
    }
    /// Whether `mutex`, as written (`mu`, `cache.mu`), is a mutex declared
    /// at the top level of a file of the package.
    pub fn is_package_mutex(&self, mutex: &str) -> bool {
        self.files()
            .any(|f| f.functions.mutexes.iter().any(|m| m.path == mutex))
    }

    /// The mutexes declared at the top level of the files of the package.
    pub fn package_mutexes(&self) -> BTreeSet<&'a str> {
        self.files()
            .flat_map(|f| f.functions.mutexes.iter().map(|m| m.path.as_str()))
            .collect()
    }

    /// Every top-level function and method summary of the package, with
    /// its file (`None` for the file being checked).
    pub fn functions(&self) -> impl Iterator<Item = (Option<Arc<str>>, &'a FunctionSummary)> + '_ {
        let own = std::iter::once((None, self.own));
        let others = self.others.iter().map(|f| (Some(Arc::clone(&f.file)), *f));
        own.chain(others)
            .flat_map(|(file, s)| s.functions.decls.iter().map(move |d| (file.clone(), d)))
    }

    /// Every declaration of `callee` in the package, with its file.
    fn function_declarations(&self, callee: &Callee) -> &[(Option<Arc<str>>, &'a FunctionSummary)] {
        let index = self.functions.get_or_init(|| {
            let mut index: FunctionIndex<'a> = HashMap::new();
            for (file, f) in self.functions() {
                index.entry(&f.callee).or_default().push((file, f));
            }
            index
        });
        index.get(callee).map_or(&[], |v| v.as_slice())
    }

    /// How calling `callee` locks package-level mutex `mutex` on entry,
    /// following further calls up to a bounded depth: the hops from the
    /// called function to the lock. `None` when some declaration of it
    /// does not certainly lock it. Each answer is worked out once.
    pub fn package_entry_lock(&self, callee: &Callee, mutex: &str) -> Option<Vec<Hop>> {
        let key = (callee.clone(), mutex.to_string());
        if let Some(found) = self.entry_locks.borrow().get(&key) {
            return found.clone();
        }
        let mut visiting = HashSet::new();
        let found = self.package_entry_lock_from(callee, mutex, MAX_DEPTH, &mut visiting);
        self.entry_locks.borrow_mut().insert(key, found.clone());
        found
    }

    fn package_entry_lock_from(
        &self,
        callee: &Callee,
        mutex: &str,
        depth: usize,
        visiting: &mut HashSet<Callee>,
    ) -> Option<Vec<Hop>> {
        if depth == 0 || !visiting.insert(callee.clone()) {
            return None;
        }
        let mut first = None;
        for (file, f) in self.function_declarations(callee) {
            match self.function_entry_lock(file, f, mutex, depth, visiting) {
                Some(chain) => {
                    first.get_or_insert(chain);
                }
                None => {
                    first = None;
                    break;
                }
            }
        }
        visiting.remove(callee);
        first
    }

    fn function_entry_lock(
        &self,
        file: &Option<Arc<str>>,
        f: &FunctionSummary,
        mutex: &str,
        depth: usize,
        visiting: &mut HashSet<Callee>,
    ) -> Option<Vec<Hop>> {
        let hop = |range: &Range<usize>, step: HopKind| Hop {
            file: file.clone(),
            range: range.clone(),
            method: f.callee.name().to_string(),
            step,
        };
        for step in &f.entry {
            match step {
                FnStep::Lock(lock) if lock.mutex == mutex => {
                    let op = lock.op;
                    return op
                        .acquires()
                        .then(|| vec![hop(&lock.range, HopKind::Locks(op))]);
                }
                FnStep::Lock(_) => {}
                FnStep::Call { callee, range } => {
                    if let Some(rest) =
                        self.package_entry_lock_from(callee, mutex, depth - 1, visiting)
                    {
                        let name = callee.name().to_string();
                        let mut chain = vec![hop(range, HopKind::Calls(name))];
                        chain.extend(rest);
                        return Some(chain);
                    }
                }
            }
        }
        None
    }
}
