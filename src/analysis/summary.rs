//! What each function of a file does to locks, worked out once per file and
//! kept as plain data (no syntax tree), so that the other files of the same
//! package can ask about it: see [`super::package`].
//!
//! A method's *entry* is its leading straight-line statements: they run
//! every time it is called, before any branch, loop or closure. What a
//! method does there is certain, which is what a rule reporting a deadlock
//! needs: `Lock` of a receiver's mutex, or a call of another method of the
//! same receiver (whose own entry is then read in turn).

mod entry;
mod fields;
pub mod functions;
mod moved;
mod shift;
mod walk;

pub use fields::{Access, FieldAccess};
pub use moved::MethodFacts;
pub use shift::{Move, Reuse};

use super::conds::{CondFacts, CondParts};
use super::fields::Fields as _;
use super::imports;
use super::lock_calls::{self, Op};
use super::lock_held::HeldLocks;
use super::pattern_gate;
use super::sync_calls::{self, SyncCall};
use super::syntax::{self, text};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use tree_sitter::Node;
use walk::{block_ops, Held};

/// One thing a method's entry does, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryStep {
    /// `recv<suffix>.Op()`: a lock method on the receiver or one of its
    /// fields (`suffix` is `""` for the receiver itself, `.mu` for a field).
    Lock {
        /// The mutex's path below the receiver.
        suffix: String,
        /// The lock method.
        op: Op,
        /// The call.
        range: Range<usize>,
    },
    /// `recv.name(…)`: a call of a method of the same receiver, as a
    /// statement or as the whole value of an assignment.
    Call {
        /// The method called.
        name: String,
        /// The call.
        range: Range<usize>,
    },
}

/// A channel operation on a field of the receiver that blocks until
/// another goroutine takes the other side (not in a `select` with another
/// way out, not in a closure or goroutine).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChanOp {
    /// The channel's path below the receiver (`.ch`, `.jobs.in`).
    pub suffix: String,
    /// A send (else a receive, `for range` included).
    pub send: bool,
    /// The operation.
    pub range: Range<usize>,
    /// The receiver's mutexes held there, certainly: locked earlier in the
    /// same block or an enclosing one, with no Unlock in between.
    pub held: Vec<HeldLock>,
}

/// A receiver mutex held at a point, and where it was locked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    /// The mutex's path below the receiver.
    pub suffix: String,
    /// How it was locked.
    pub op: Op,
    /// The lock call.
    pub range: Range<usize>,
}

/// A receiver mutex locked while another is held, in one method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nested {
    /// The mutex held.
    pub outer: HeldLock,
    /// The mutex locked while it is held.
    pub inner: HeldLock,
}

/// A call of a method of the same receiver made while holding some of the
/// receiver's mutexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldCall {
    /// The mutexes held.
    pub held: Vec<HeldLock>,
    /// The method called.
    pub name: String,
    /// The call.
    pub range: Range<usize>,
}

/// What one method does on entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodSummary {
    /// The receiver's base type name (`T` for `*T` and `T[K]`).
    pub receiver_type: String,
    /// The method's name.
    pub name: String,
    /// The method's name in its declaration.
    pub name_range: Range<usize>,
    /// Whether its receiver is a pointer (`*T`): a value receiver's field
    /// writes write a copy.
    pub pointer: bool,
    /// The statement that first gives its receiver variable a new value
    /// (`t = &T{…}`): what it does with the receiver after that is done
    /// to another value.
    pub rebound: Option<Range<usize>>,
    /// What its entry does, in order, up to the first statement whose
    /// effect on the receiver's locks is not certain.
    pub entry: Vec<EntryStep>,
    /// Its blocking operations on the receiver's channels.
    pub chan_ops: Vec<ChanOp>,
    /// The receiver mutexes it locks while holding another.
    pub nested: Vec<Nested>,
    /// Its calls of the receiver's methods while holding a mutex.
    pub held_calls: Vec<HeldCall>,
    /// Its accesses of the receiver's fields, closures included.
    pub accesses: Vec<FieldAccess>,
    /// All its calls of the receiver's methods, in any expression and in
    /// closures, each with the mutexes held there (perhaps none).
    pub receiver_calls: Vec<HeldCall>,
    /// Whether its callers hold the receiver's lock by convention (named
    /// `…Locked`, or documented so).
    pub assumes_held: bool,
    /// The receiver's methods it runs through a `sync.Once`
    /// (`once.Do(recv.init)`).
    pub once: Vec<String>,
    /// Its `Wait`, `Done`, `Signal` and `Broadcast` calls on the
    /// receiver's fields, closures and goroutines included.
    pub syncs: Vec<SyncCall>,
}

impl MethodSummary {
    /// The receiver mutexes it locks anywhere, by their path below the
    /// receiver.
    pub fn mutexes(&self) -> impl Iterator<Item = &str> {
        let entry = self.entry.iter().filter_map(|s| match s {
            EntryStep::Lock { suffix, .. } => Some(suffix.as_str()),
            EntryStep::Call { .. } => None,
        });
        let nested = self
            .nested
            .iter()
            .flat_map(|n| [n.outer.suffix.as_str(), n.inner.suffix.as_str()]);
        entry.chain(nested)
    }
}

/// The lock facts of one file, as the other files of its package see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    /// The file's name, as the caller gave it.
    pub file: Arc<str>,
    /// The package clause's name (`p`, or `p_test` for an external test).
    pub package: String,
    /// The methods declared in the file.
    pub methods: Vec<MethodSummary>,
    /// What it declares, signals and hands elsewhere of `sync.Cond`s.
    pub conds: CondFacts,
    /// The name `sync/atomic` is imported as, which method summaries read.
    atomic: Option<String>,
    /// The Cond facts of each region of the file, which `conds` merges:
    /// what an edit that left a region alone keeps.
    cond_parts: CondParts,
    /// What its functions and methods do to package-level mutexes.
    pub functions: functions::Functions,
}

impl FileSummary {
    /// The summary that tells nothing, for a file that cannot synchronise.
    pub fn empty() -> FileSummary {
        FileSummary {
            file: Arc::from(""),
            package: String::new(),
            methods: Vec::new(),
            conds: CondFacts::default(),
            atomic: None,
            cond_parts: CondParts::default(),
            functions: functions::Functions::default(),
        }
    }

    /// The summary of method declaration `method` of this file.
    pub fn method(&self, method: Node<'_>) -> Option<&MethodSummary> {
        let name = method.field("name")?.byte_range();
        self.methods.iter().find(|m| m.name_range == name)
    }

    /// The summary of the file `src` named `file`, whose syntax tree is
    /// `root`. Linear in the number of top-level declarations and their
    /// leading statements.
    pub fn of(root: Node<'_>, src: &str, file: Arc<str>) -> FileSummary {
        FileSummary::reusing(root, src, file, None)
    }

    /// The summary of the file `src` named `file` (tree `root`) after an
    /// edit of the file `old` summarises: a method whose text and doc
    /// comment lie in a region the edit left alone keeps its summary in
    /// `old`, moved; so do the Cond facts of such a region. Equal to
    /// [`FileSummary::of`].
    pub fn updated(
        old: &FileSummary,
        root: Node<'_>,
        src: &str,
        file: Arc<str>,
        reuse: &Reuse<'_>,
    ) -> FileSummary {
        FileSummary::reusing(root, src, file, Some((old, reuse)))
    }

    fn reusing(
        root: Node<'_>,
        src: &str,
        file: Arc<str>,
        old: Option<(&FileSummary, &Reuse<'_>)>,
    ) -> FileSummary {
        let mut package = String::new();
        let mut methods = Vec::new();
        let atomic = imports::of_file(root, src)
            .into_iter()
            .find(|i| i.path == "sync/atomic" && i.name != "." && i.name != "_")
            .map(|i| i.name);
        let old_parts = old.map(|(o, reuse)| {
            // The old summaries, by where their names are now, when the
            // import they read has not changed.
            let methods: HashMap<usize, &MethodSummary> = if o.atomic.as_deref() == atomic {
                o.methods
                    .iter()
                    .filter_map(|m| Some(((reuse.moved)(&m.name_range)?.start, m)))
                    .collect()
            } else {
                HashMap::new()
            };
            let conds: HashMap<Range<usize>, usize> = o
                .cond_parts
                .ranges()
                .enumerate()
                .filter_map(|(i, region)| Some(((reuse.moved)(region)?, i)))
                .collect();
            (o, methods, conds, reuse.kept, reuse.moved)
        });
        let mut cond_parts = CondParts::with_capacity(root.named_child_count() + 1);
        // Where the current declaration's doc comment may start, and
        // where its region of the file does.
        let (mut after_code, mut from) = (0, 0);
        // The comments right before the current declaration, in order:
        // a method's doc comment is their tail.
        let mut comments = Vec::new();
        let mut c = root.walk();
        for decl in root.children(&mut c) {
            if !decl.is_named() {
                comments.clear();
                continue;
            }
            match syntax::kind(decl) {
                "package_clause" => {
                    if let Some(name) = decl.named_child(0) {
                        package = text(name, src).to_string();
                    }
                }
                "method_declaration" => {
                    let kept = old_parts.as_ref().and_then(|(_, old, _, kept, moved)| {
                        let name = decl.field("name")?;
                        if !kept(&(after_code..decl.end_byte())) {
                            return None;
                        }
                        let mut summary = (*old.get(&name.start_byte())?).clone();
                        summary.shift(*moved)?;
                        Some(summary)
                    });
                    methods.extend(kept.or_else(|| method_summary(decl, &comments, src, atomic)));
                }
                _ => {}
            }
            if syntax::kind(decl) == "comment" {
                comments.push(decl);
            } else {
                comments.clear();
                after_code = decl.end_byte();
            }
            let region = from..decl.end_byte();
            let kept = old_parts.as_ref().and_then(|(o, _, old, kept, _)| {
                Some((&o.cond_parts, *old.get(&region).filter(|_| kept(&region))?))
            });
            match kept {
                Some((old, i)) => cond_parts.keep(old, i, region),
                None => cond_parts.add(Some(decl), region, src),
            }
            from = decl.end_byte();
        }
        cond_parts.add(None, from..src.len(), src);
        FileSummary {
            file,
            package,
            methods,
            conds: cond_parts.merged(),
            atomic: atomic.map(str::to_string),
            cond_parts,
            functions: functions::Functions::of(
                root,
                src,
                old.map(|(o, reuse)| (&o.functions, reuse)),
            ),
        }
    }
}

/// The receiver name and base type name of a method declaration.
pub fn receiver<'s>(method: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str)> {
    if syntax::kind(method) != "method_declaration" {
        return None;
    }
    let param = method.field("receiver")?.named_child(0)?;
    let name = text(param.field("name")?, src);
    Some((name, lock_calls::receiver_type(method, src)?))
}

/// What `method` does, when it has a named receiver; `comments` are the
/// comments right before it, in order; `atomic` is the name `sync/atomic`
/// is imported as.
fn method_summary(
    method: Node<'_>,
    comments: &[Node<'_>],
    src: &str,
    atomic: Option<&str>,
) -> Option<MethodSummary> {
    let param = method.field("receiver")?.named_child(0)?;
    let recv = text(param.field("name")?, src);
    let receiver_type = lock_calls::receiver_type(method, src)?;
    let name = method.field("name")?;
    let body = syntax::function_body(method)?;
    let name_text = text(name, src);
    let mut summary = MethodSummary {
        receiver_type: receiver_type.to_string(),
        name: name_text.to_string(),
        name_range: name.byte_range(),
        pointer: param
            .field("type")
            .is_some_and(|t| syntax::kind(t) == "pointer_type"),
        rebound: None,
        entry: Vec::new(),
        chan_ops: Vec::new(),
        nested: Vec::new(),
        held_calls: Vec::new(),
        accesses: Vec::new(),
        receiver_calls: Vec::new(),
        assumes_held: fields::assumes_held(method, comments, name_text, src),
        once: Vec::new(),
        syncs: Vec::new(),
    };
    let start = body.start_byte();
    let mentions: Vec<usize> =
        memchr::memmem::find_iter(text(body, src).as_bytes(), recv.as_bytes())
            .map(|at| start + at)
            .filter(|&at| pattern_gate::whole_token(src.as_bytes(), at, at + recv.len()))
            .collect();
    // Everything else the summary holds is done to the receiver, by name.
    if mentions.is_empty() {
        return Some(summary);
    }
    let locks = HeldLocks::of(body, src);
    let mut held = Held::new(&locks, atomic, mentions);
    block_ops(body, recv, src, &mut held);
    summary.rebound = rebound(body, recv, &held.mentions, src);
    summary.entry = entry::entry(body, recv, src);
    summary.chan_ops = held.chan_ops;
    summary.nested = held.nested;
    summary.held_calls = held.calls;
    summary.accesses = held.accesses;
    summary.receiver_calls = held.receiver_calls;
    summary.once = held.once;
    summary.syncs = sync_calls::of_method(body, recv, &locks, src);
    Some(summary)
}

/// The first statement of `body` that assigns or declares the name `recv`,
/// which stands as a word at `mentions` (in order). Most bodies never name
/// the receiver before `=`, `:=` or a comma: they are not walked; nor is
/// what does not name it.
fn rebound(body: Node<'_>, recv: &str, mentions: &[usize], src: &str) -> Option<Range<usize>> {
    let text = syntax::text(body, src);
    let assigned = memchr::memmem::find_iter(text.as_bytes(), recv.as_bytes()).any(|at| {
        let after = text[at + recv.len()..].trim_start_matches([' ', '\t']);
        after.starts_with('=') && !after.starts_with("==")
            || after.starts_with(":=")
            || after.starts_with(',')
    });
    if !assigned {
        return None;
    }
    let mut at = None;
    syntax::walk(body, |n| {
        if !walk::names_receiver(mentions, n) {
            return syntax::Walk::Skip;
        }
        if matches!(
            syntax::kind(n),
            "assignment_statement" | "short_var_declaration"
        ) && syntax::assigned_names(n, src).contains(&recv)
        {
            at = Some(n.byte_range());
            return syntax::Walk::Stop;
        }
        syntax::Walk::Enter
    });
    at
}
