//! The other files of a file's package, as the rules see them: their
//! [`FileSummary`]s, and what a call into one of their methods does.
//!
//! The caller (the CLI, the server) reads a Go file's folder and summarises
//! every `.go` file there; [`Package::new`] keeps those a rule may see from
//! the file being checked: the same package clause, and test files only for
//! a test file. A method declared in several files (one per build tag) is
//! taken to do something only when every declaration of it does.

use super::lock_calls::Op;
use super::summary::{EntryStep, FileSummary, MethodSummary};
use std::collections::HashSet;
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

/// How deep [`Methods::entry_lock`] follows calls of the same receiver.
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
}

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
        Methods { own, others }
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
}
