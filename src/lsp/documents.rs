//! Open documents. Each edit is applied to the text at once, synchronously,
//! and queued for the tree; analysis runs later off the async reactor, one
//! step at a time per document, and is stamped with the revision it saw so
//! that a stale result is never published.
//!
//! A syntax tree takes 25 to 35 times the memory of its text, so only the
//! documents most recently edited keep theirs ([`Trees`]), for the next
//! edit to reparse incrementally; the others keep their findings, are
//! analysed from scratch at their next edit, and parse a tree for the
//! occasion when a request needs one.

use super::diagnostics;
use super::limits::Limits;
use super::packages::{self, file_path, Packages};
use super::positions::Converter;
use super::settings::{Resolved, Settings};
use crate::analysis::dependencies;
use crate::analysis::incremental::{ByteEdit, Snapshot};
use crate::analysis::lexical::{self, Declaration};
use crate::analysis::package::Package;
use crate::analysis::summary::FileSummary;
use crate::analysis::{self, Analyzer, Finding};
use crate::text::{Encoding, LineIndex};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;
use tokio::sync::watch;
use tower_lsp_server::ls_types::{Diagnostic, Range, TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Parser, Tree};

/// An edited text longer than this many bytes is analysed as one nobody
/// edits (a slice at a time when it is large, keeping no tree): its tree
/// would take some 35 times its size.
const LARGEST_KEPT_TREE: usize = 1024 * 1024;

/// How many requests wait at once for the analysis of one document; more
/// are answered from what is there (the framework works on a bounded
/// number of requests, so requests about one slow document must not hold
/// up those about others, nor the cancellations that would free them).
const MAX_WAITING: usize = 4;

/// How long a request waits for the analysis of the text it was sent for.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// One open document.
pub struct Doc {
    state: Mutex<State>,
    /// The last analysed revision (`u64::MAX` once closed).
    ready: watch::Sender<u64>,
    /// Held while publishing, so publications of one document keep their
    /// order: the last publication's version and diagnostics (a check
    /// again that finds the same is not published again).
    pub publishing: tokio::sync::Mutex<Option<(i32, Vec<Diagnostic>)>>,
    /// Set when the client edits the text or waits for its analysis: the
    /// document is then analysed ahead of those merely opened.
    urgent: watch::Sender<bool>,
    /// How many requests wait for its analysis.
    waiting: AtomicUsize,
}

/// Counts a request waiting for a document's analysis while it lives (a
/// cancelled request drops it).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A document's text and analysis.
pub struct State {
    /// The current text.
    pub text: String,
    /// The client's version of the current text.
    pub version: i32,
    /// Line index of the current text, with LSP's line ends (see [`lines`]).
    pub index: LineIndex,
    /// Whether the text has a lone `\r` line end, which tree-sitter does not
    /// count as one: its edits' points would be off, so every change
    /// reparses from scratch.
    lone_cr: bool,
    /// Bumped by every change of the text or of its configuration.
    pub revision: u64,
    /// Edits since the tree of `analysis`, in order.
    pending: Vec<ByteEdit>,
    /// Whether the next analysis must start from scratch.
    reset: bool,
    /// Whether an analysis task is running or queued.
    scheduled: bool,
    /// Set when the client closed the document.
    pub closed: bool,
    /// The configuration (`None`: look it up again).
    pub resolved: Option<Arc<Resolved>>,
    /// Bumped when the configuration goes stale, so a step that looked up
    /// the old one does not store it.
    configuration: u64,
    /// The latest analysis, of the text at revision `analyzed`.
    pub analysis: Option<Analysis>,
    /// The revision `analysis` and `diagnostics` belong to.
    pub analyzed: u64,
    /// The diagnostics of `analysis`.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the client changed the text since opening it: only such
    /// documents keep their syntax trees.
    edited: bool,
    /// Whether the text was over `maxFileSize` at the last step (the user
    /// is told when it goes over, not at every change).
    pub declined: bool,
    /// How many findings are published (`maxDiagnostics`): a document that
    /// keeps no tree keeps no more, for hovers.
    published: usize,
    /// Where the first finding left out of a document without a tree
    /// starts: hovers from there on check the declaration they are in.
    pub unpublished_from: Option<usize>,
    /// Where the top-level declarations of the analysed text start, when
    /// it keeps no tree: a hover parses only the one under the cursor.
    outline: Vec<Declaration>,
    /// Set when the analysed text is to be checked again, its package
    /// having changed (see [`Doc::recheck`]).
    refresh: bool,
    /// The other files of the package as the latest analysis saw them: a
    /// change there makes the next analysis start from scratch.
    pub package: Option<Package>,
}

impl State {
    /// Whether the analysis belongs to the current text.
    pub fn is_current(&self) -> bool {
        self.analyzed == self.revision
    }

    /// Records that the document's analysis task died: the next change
    /// starts a new one.
    pub fn unschedule(&mut self) {
        self.scheduled = false;
    }
}

/// The latest analysis of a document.
pub enum Analysis {
    /// With its syntax tree, and what an edit updates it from.
    Kept(Snapshot),
    /// Its findings alone (see [`Trees`]).
    Dropped(Vec<Finding>),
}

impl Analysis {
    /// The findings, finished and sorted.
    pub fn findings(&self) -> &[Finding] {
        match self {
            Analysis::Kept(snapshot) => &snapshot.findings,
            Analysis::Dropped(findings) => findings,
        }
    }
}

/// A new revision number, unique across documents (so pull-diagnostic
/// result ids never repeat, even after a document is closed and reopened).
fn next_revision() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What one analysis step did.
pub enum Step {
    /// Nothing was left to do; the document's task ends.
    Idle,
    /// A revision was analysed, or declined for its size (then its only
    /// diagnostic says so, as does a warning when it goes over the limit).
    Analyzed {
        /// The client version it was for.
        version: i32,
        /// The revision it was for (stale once the document's moved on).
        revision: u64,
        /// Its diagnostics.
        diagnostics: Vec<Diagnostic>,
        /// Configuration problems the user has not seen yet.
        warnings: Vec<String>,
        /// Whether what the document tells the other files of its package
        /// changed: they are checked again.
        package_changed: bool,
        /// The folder whose files on disk are to be read (see
        /// [`Packages::load`]), then its open documents checked again.
        load: Option<PathBuf>,
    },
    /// The analysis panicked or the parser gave up; the document has no
    /// diagnostics until its next change.
    Failed(String),
}

impl Doc {
    /// A document opened with `text` at `version`.
    pub fn open(text: String, version: i32) -> Doc {
        let (index, lone_cr) = lines(&text);
        let state = State {
            text,
            version,
            index,
            lone_cr,
            revision: next_revision(),
            pending: Vec::new(),
            reset: true,
            scheduled: false,
            closed: false,
            resolved: None,
            configuration: 0,
            analysis: None,
            analyzed: 0,
            diagnostics: Vec::new(),
            edited: false,
            declined: false,
            published: usize::MAX,
            unpublished_from: None,
            outline: Vec::new(),
            refresh: false,
            package: None,
        };
        Doc {
            state: Mutex::new(state),
            ready: watch::Sender::new(0),
            publishing: tokio::sync::Mutex::new(None),
            urgent: watch::Sender::new(false),
            waiting: AtomicUsize::new(0),
        }
    }

    /// The document's state, locked (never for long, never across `.await`).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies the changes of one `didChange`, in order. Returns whether an
    /// analysis task must be started, and a note for each change whose range
    /// was out of bounds (it was clamped); or, when `version` is older than
    /// the document's, why nothing was changed: such a change was made to
    /// an older text, and the newer text and its diagnostics stay.
    pub fn change(
        &self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> Result<(bool, Vec<String>), String> {
        let mut state = self.lock();
        if version < state.version {
            return Err(format!(
                "ignored a change to version {version}: the document is already at version {}",
                state.version
            ));
        }
        let mut notes = Vec::new();
        for change in changes {
            if let Some(note) = apply(&mut state, change, encoding) {
                notes.push(note);
            }
        }
        state.version = version;
        state.revision = next_revision();
        state.edited = true;
        self.urgent.send_replace(true);
        Ok((schedule(&mut state), notes))
    }

    /// Marks the configuration stale: it is looked up again and the whole
    /// document re-checked. Returns whether an analysis task must be started.
    pub fn reconfigure(&self) -> bool {
        let mut state = self.lock();
        state.resolved = None;
        state.configuration += 1;
        state.reset = true;
        state.revision = next_revision();
        schedule(&mut state)
    }

    /// Marks the document for another analysis: the other files of its
    /// package changed (or were read). Its findings stay current meanwhile:
    /// the text is the same, and a new revision is made only when the
    /// findings change. Returns whether an analysis task must be started.
    pub fn recheck(&self) -> bool {
        let mut state = self.lock();
        state.refresh = true;
        schedule(&mut state)
    }

    /// Marks the document closed and releases everyone waiting for it.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.send_replace(u64::MAX);
    }

    /// Marks an analysis task as needed for a just-opened document.
    pub fn start(&self) -> bool {
        schedule(&mut self.lock())
    }

    /// Whether the client edited the text or waited for its analysis.
    pub fn urgent(&self) -> bool {
        *self.urgent.borrow()
    }

    /// Returns once the client edits the text or waits for its analysis.
    pub async fn until_urgent(&self) {
        let mut rx = self.urgent.subscribe();
        let _ = rx.wait_for(|&urgent| urgent).await;
    }

    /// Waits until the text of `revision` (or a later one) is analysed,
    /// which makes the document urgent; returns at once when
    /// [`MAX_WAITING`] requests wait already.
    pub async fn ready(&self, revision: u64) {
        self.urgent
            .send_if_modified(|urgent| !std::mem::replace(urgent, true));
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        let _waiting = Waiting(&self.waiting);
        let mut rx = self.ready.subscribe();
        let _ = tokio::time::timeout(READY_TIMEOUT, rx.wait_for(|&r| r >= revision)).await;
    }

    /// Runs one analysis step (blocking: call it off the async reactor).
    pub fn step(
        &self,
        uri: &Uri,
        settings: &Settings,
        packages: &Packages,
        encoding: Encoding,
    ) -> Step {
        let limits = settings.limits();
        let work = {
            let mut state = self.lock();
            // A check again of the analysed text keeps its analysis until
            // the new one is there.
            let refresh = std::mem::take(&mut state.refresh) && state.is_current();
            if state.closed || (state.is_current() && !refresh) {
                state.scheduled = false;
                return Step::Idle;
            }
            if limits.max_file_size.exceeded_by(state.text.len()) {
                return self.decline(state, &limits);
            }
            state.declined = false;
            state.published = limits.max_diagnostics.cap(usize::MAX);
            Work {
                text: state.text.clone(),
                index: state.index.clone(),
                version: state.version,
                revision: state.revision,
                edits: std::mem::take(&mut state.pending),
                reset: std::mem::take(&mut state.reset),
                edited: state.edited,
                previous: match state.analysis.take_if(|_| !refresh) {
                    Some(Analysis::Kept(snapshot)) => Some(snapshot),
                    _ => None,
                },
                refresh,
                resolved: state.resolved.clone(),
                configuration: state.configuration,
                package: state.package.clone(),
            }
        };
        let (version, mut revision, configuration) =
            (work.version, work.revision, work.configuration);
        let refresh = work.refresh;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            work.run(uri, settings, packages, &limits, encoding)
        }));
        let step = {
            let mut state = self.lock();
            if let (true, Ok(Ok(done))) = (refresh, &outcome) {
                // New findings for the same text make a new revision (so
                // pull diagnostics get a new result id), unless the text
                // changed meanwhile (then its own step follows).
                if state.revision == revision && done.diagnostics != state.diagnostics {
                    revision = next_revision();
                    state.revision = revision;
                }
            }
            state.analyzed = revision;
            match outcome {
                Ok(Ok(done)) => {
                    if state.configuration == configuration {
                        state.resolved.get_or_insert(done.resolved);
                    }
                    state.analysis = Some(done.analysis);
                    state.unpublished_from = done.unpublished_from;
                    state.outline = done.outline;
                    state.diagnostics.clone_from(&done.diagnostics);
                    state.package = done.package;
                    Step::Analyzed {
                        version,
                        revision,
                        diagnostics: done.diagnostics,
                        warnings: done.warnings,
                        package_changed: done.package_changed,
                        load: done.load,
                    }
                }
                Ok(Err(e)) => {
                    state.diagnostics.clear();
                    Step::Failed(e)
                }
                Err(panic) => {
                    state.diagnostics.clear();
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".to_string());
                    Step::Failed(format!("analysis panicked: {what}"))
                }
            }
        };
        self.ready.send_replace(revision);
        step
    }

    /// Runs `f` on the state and the syntax tree of an analysed text: the
    /// tree kept, or one parsed for the occasion (blocking: call it off the
    /// async reactor). `None` when the text is not analysed (not yet, or
    /// declined, or the analysis failed).
    pub fn with_tree<R>(&self, f: impl FnOnce(&State, &Tree) -> R) -> Option<R> {
        let state = self.lock();
        match state.analysis.as_ref()? {
            Analysis::Kept(snapshot) => Some(f(&state, &snapshot.tree)),
            Analysis::Dropped(_) => {
                let tree = ANALYZER
                    .with_borrow_mut(|a| a.parse(&state.text, None))
                    .ok()?;
                Some(f(&state, &tree))
            }
        }
    }

    /// Runs `f` on the state, a syntax tree holding the byte offset
    /// `locate` finds in the state, and that offset, once the text is
    /// analysed: the tree kept, or one of the top-level declaration there
    /// (with the package clause and imports) parsed for the occasion, whose
    /// cost does not grow with the rest of the file (blocking: call it off
    /// the async reactor). `None` when the text is not analysed.
    pub fn with_tree_at<R>(
        &self,
        locate: impl FnOnce(&State) -> usize,
        f: impl FnOnce(&State, &Tree, usize) -> R,
    ) -> Option<R> {
        let state = self.lock();
        let offset = locate(&state);
        match state.analysis.as_ref()? {
            Analysis::Kept(snapshot) => Some(f(&state, &snapshot.tree, offset)),
            Analysis::Dropped(_) => {
                let tree = local_tree(&state, offset)?;
                Some(f(&state, &tree, offset))
            }
        }
    }

    /// Runs `f` as [`Doc::with_tree`] does when the tree is kept (then
    /// nothing blocks); gives `f` back when a tree would have to be parsed.
    pub fn with_kept_tree<R, F: FnOnce(&State, &Tree) -> R>(&self, f: F) -> Result<Option<R>, F> {
        let state = self.lock();
        match state.analysis.as_ref() {
            None => Ok(None),
            Some(Analysis::Kept(snapshot)) => Ok(Some(f(&state, &snapshot.tree))),
            Some(Analysis::Dropped(_)) => Err(f),
        }
    }

    /// Whether the analysed text keeps its syntax tree (then nothing a
    /// request does with it blocks).
    pub fn keeps_tree(&self) -> bool {
        matches!(self.lock().analysis, Some(Analysis::Kept(_)))
    }

    /// Drops the syntax tree and what updates it, keeping the findings; the
    /// next edit is analysed from scratch.
    fn drop_tree(&self) {
        let mut state = self.lock();
        if !matches!(state.analysis, Some(Analysis::Kept(_))) {
            return;
        }
        if let Some(Analysis::Kept(snapshot)) = state.analysis.take() {
            let (findings, from) = published(snapshot.findings, state.published);
            state.analysis = Some(Analysis::Dropped(findings));
            state.unpublished_from = from;
            state.outline = lexical::scan(&state.text).declarations;
            state.pending = Vec::new();
            state.reset = true;
        }
    }

    /// The length of the text when its syntax tree is kept and it was
    /// edited.
    fn edited_tree(&self) -> Option<usize> {
        let state = self.lock();
        (state.edited && matches!(state.analysis, Some(Analysis::Kept(_))))
            .then_some(state.text.len())
    }

    /// Settles a text over `maxFileSize` without parsing it: no tree (what
    /// an earlier, smaller text had is dropped) and one diagnostic saying
    /// why. The next step under the limit parses from scratch.
    fn decline(&self, mut state: MutexGuard<'_, State>, limits: &Limits) -> Step {
        let (version, revision) = (state.version, state.revision);
        let message = limits.too_large(state.text.len());
        state.analysis = None;
        state.outline = Vec::new();
        state.pending = Vec::new();
        state.reset = true;
        state.analyzed = revision;
        state.diagnostics = vec![diagnostics::notice(Range::default(), message.clone())];
        let warnings = if std::mem::replace(&mut state.declined, true) {
            Vec::new()
        } else {
            vec![message]
        };
        let diagnostics = state.diagnostics.clone();
        drop(state);
        self.ready.send_replace(revision);
        Step::Analyzed {
            version,
            revision,
            diagnostics,
            warnings,
            package_changed: false,
            load: None,
        }
    }
}

/// The line index of `text` with the line ends of LSP (`\n`, `\r\n` and a
/// lone `\r`), so that positions mean what they mean to the client; and
/// whether there is a lone `\r`. [`LineIndex`] ends lines at `\n`: a lone
/// `\r` is indexed as a `\n`, which takes the same single byte.
fn lines(text: &str) -> (LineIndex, bool) {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !text.contains('\r') || !(0..bytes.len()).any(lone) {
        return (LineIndex::new(text), false);
    }
    let ends: String = text
        .char_indices()
        .map(|(i, c)| if lone(i) { '\n' } else { c })
        .collect();
    (LineIndex::new(&ends), true)
}

/// The documents that keep their syntax trees: those edited since they were
/// opened, the most recently analysed first, as many as a budget of text
/// bytes holds (and always the latest).
pub struct Trees {
    /// Bytes of text whose trees may be kept.
    budget: usize,
    /// The documents keeping their trees and their text lengths, the most
    /// recently analysed last.
    kept: Mutex<VecDeque<(Weak<Doc>, usize)>>,
}

impl Trees {
    /// Keeps the trees of up to `budget` bytes of text.
    pub fn new(budget: usize) -> Trees {
        Trees {
            budget,
            kept: Mutex::new(VecDeque::new()),
        }
    }

    /// Records that `doc` was just analysed: it keeps its tree if it was
    /// edited, and the least recently analysed documents past the budget
    /// drop theirs.
    pub fn analysed(&self, doc: &Arc<Doc>) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let this = Arc::downgrade(doc);
        kept.retain(|(d, _)| d.strong_count() > 0 && !d.ptr_eq(&this));
        match doc.edited_tree() {
            Some(len) => kept.push_back((this, len)),
            None => doc.drop_tree(),
        }
        let mut total: usize = kept.iter().map(|(_, len)| len).sum();
        while total > self.budget && kept.len() > 1 {
            let Some((victim, len)) = kept.pop_front() else {
                break;
            };
            total -= len;
            if let Some(victim) = victim.upgrade() {
                victim.drop_tree();
            }
        }
    }
}

thread_local! {
    /// One parser per thread for the declarations hovers look at.
    static LOCAL: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// A syntax tree of the top-level declaration holding byte `offset` of an
/// analysed text that keeps no tree, parsed with the package clause and
/// imports as tree-sitter included ranges (so offsets are the text's).
fn local_tree(state: &State, offset: usize) -> Option<Tree> {
    let text = &state.text;
    let outline = &state.outline;
    let body = outline.iter().position(|d| !d.header);
    let header_end = body.map_or(text.len(), |b| outline[b].at);
    let at = |d: &Declaration| d.at;
    let next = outline.partition_point(|d| at(d) <= offset);
    let here = (next > 0 && !outline[next - 1].header).then(|| {
        let start = outline[next - 1].at;
        let end = outline.get(next).map_or(text.len(), at);
        start..end
    });
    let convert = Converter::new(text, &state.index, Encoding::Utf8);
    let range = |r: std::ops::Range<usize>| tree_sitter::Range {
        start_byte: r.start,
        start_point: convert.point(r.start),
        end_byte: r.end,
        end_point: convert.point(r.end),
    };
    let parts: Vec<std::ops::Range<usize>> = std::iter::once(0..header_end)
        .filter(|h| !h.is_empty())
        .chain(here)
        .collect();
    if parts.iter().map(std::ops::Range::len).sum::<usize>() > LARGEST_KEPT_TREE {
        return None;
    }
    let ranges: Vec<tree_sitter::Range> = parts.into_iter().map(range).collect();
    LOCAL.with_borrow_mut(|parser| {
        let parser = parser.get_or_insert_with(|| {
            let mut p = Parser::new();
            let _ = p.set_language(&tree_sitter::Language::new(tree_sitter_go::LANGUAGE));
            p
        });
        parser.set_included_ranges(&ranges).ok()?;
        parser.parse(text, None)
    })
}

/// The first `cap` unsuppressed `findings`, those published: all a
/// document without a tree keeps (suppressed findings show nowhere); and
/// where the first one left out starts.
fn published(mut findings: Vec<Finding>, cap: usize) -> (Vec<Finding>, Option<usize>) {
    findings.retain(|f| f.suppressed.is_none());
    let from = findings.get(cap).map(|f| f.range.start);
    findings.truncate(cap);
    findings.shrink_to_fit();
    (findings, from)
}

/// Sets the scheduled flag; true when it was not set (a task must start).
fn schedule(state: &mut State) -> bool {
    !std::mem::replace(&mut state.scheduled, true)
}

/// Applies one content change to the text and queues it for the tree.
fn apply(
    state: &mut State,
    change: TextDocumentContentChangeEvent,
    encoding: Encoding,
) -> Option<String> {
    let Some(range) = change.range else {
        state.text = change.text;
        (state.index, state.lone_cr) = lines(&state.text);
        state.pending.clear();
        state.reset = true;
        return None;
    };
    let at = Converter::new(&state.text, &state.index, encoding);
    let (a, exact_a) = at.offset(range.start);
    let (b, exact_b) = at.offset(range.end);
    let (start, old_end) = (a.min(b), a.max(b));
    let note = (!exact_a || !exact_b || a > b).then(|| {
        format!(
            "change range {}:{}-{}:{} is outside the text or reversed; clamped to bytes {start}..{old_end}",
            range.start.line, range.start.character, range.end.line, range.end.character
        )
    });
    let (start_position, old_end_position) = (at.point(start), at.point(old_end));
    let incremental = !state.reset && !state.lone_cr;
    let removed = if incremental {
        dependencies::touched_words(&state.text, start..old_end)
    } else {
        Vec::new()
    };
    state.text.replace_range(start..old_end, &change.text);
    (state.index, state.lone_cr) = lines(&state.text);
    let new_end = start + change.text.len();
    if !incremental || state.lone_cr {
        state.pending.clear();
        state.reset = true;
        return note;
    }
    let mut words = removed;
    words.extend(dependencies::touched_words(&state.text, start..new_end));
    let new_end_position = Converter::new(&state.text, &state.index, encoding).point(new_end);
    state.pending.push(ByteEdit {
        input: InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position,
        },
        words,
    });
    note
}

/// A snapshot of what one analysis step works on.
struct Work {
    text: String,
    index: LineIndex,
    version: i32,
    revision: u64,
    edits: Vec<ByteEdit>,
    reset: bool,
    /// Whether the client edited the text (then its tree is kept).
    edited: bool,
    previous: Option<Snapshot>,
    resolved: Option<Arc<Resolved>>,
    configuration: u64,
    /// The package the previous analysis saw.
    package: Option<Package>,
    /// Whether it checks the analysed text again (see [`Doc::recheck`]).
    refresh: bool,
}

/// The result of a successful step.
struct Done {
    analysis: Analysis,
    unpublished_from: Option<usize>,
    outline: Vec<Declaration>,
    resolved: Arc<Resolved>,
    diagnostics: Vec<Diagnostic>,
    warnings: Vec<String>,
    /// The package this analysis saw.
    package: Option<Package>,
    /// Whether what the document tells its package changed.
    package_changed: bool,
    /// The folder whose files on disk are to be read.
    load: Option<PathBuf>,
}

thread_local! {
    /// One parser per blocking thread.
    static ANALYZER: RefCell<Analyzer> = RefCell::new(Analyzer::new());
}

impl Work {
    /// Parses and checks the text, incrementally when it can.
    fn run(
        self,
        uri: &Uri,
        settings: &Settings,
        packages: &Packages,
        limits: &Limits,
        encoding: Encoding,
    ) -> Result<Done, String> {
        let (resolved, warnings) = match self.resolved {
            Some(r) => (r, Vec::new()),
            None => settings.resolve(uri),
        };
        let path = file_path(uri);
        let (package, load) = path
            .as_deref()
            .map_or((None, None), |p| packages.known(p, &self.text));
        // Findings of unchanged declarations may depend on the package.
        let reset = self.reset || package != self.package;
        let mut options = resolved.options.clone();
        options.package.clone_from(&package);
        let options = &options;
        let keep_tree = self.edited && self.text.len() <= LARGEST_KEPT_TREE;
        // What the document tells its package (in a folder where some file
        // may synchronise, as the folder's files on disk are): the summary
        // the analysis worked out, named by the package.
        let analysis = ANALYZER.with_borrow_mut(|analyzer| match self.previous {
            Some(previous) if !reset && keep_tree => previous
                .update(analyzer, &self.text, &self.edits, options)
                .map(|s| {
                    let summary = package.as_ref().map(|_| Arc::clone(&s.summary));
                    (Analysis::Kept(s), summary)
                }),
            // A large text nobody edits, or too large to keep a tree, is
            // checked a slice at a time and keeps no tree: its whole tree
            // would take ~35 times its size.
            _ if !keep_tree && analysis::sliced(&self.text) => analyzer
                .analyze(self.text.as_bytes(), options)
                .map(|f| (Analysis::Dropped(f), None)),
            // Another text nobody edits keeps its findings alone: it is
            // checked once, without what only a next edit would compare.
            _ if !keep_tree => analyzer.parse(&self.text, None).map(|tree| {
                let summary = match (&package, path.as_deref()) {
                    (Some(_), Some(p)) => Some(Arc::new(FileSummary::of(
                        tree.root_node(),
                        &self.text,
                        packages::name_of(p),
                    ))),
                    _ => None,
                };
                let mut options = options.clone();
                options.own_summary.clone_from(&summary);
                let findings = analysis::analyze_tree(&tree, &self.text, &options);
                (Analysis::Dropped(findings), summary)
            }),
            _ => Snapshot::fresh(analyzer, &self.text, options).map(|s| {
                let summary = package.as_ref().map(|_| Arc::clone(&s.summary));
                (Analysis::Kept(s), summary)
            }),
        });
        let (analysis, own_summary) = analysis.map_err(|e| e.to_string())?;
        let at = Converter::new(&self.text, &self.index, encoding);
        let diagnostics = diagnostics::convert(
            analysis.findings(),
            &at,
            uri,
            &resolved.docs_base_url,
            limits,
            &|name| packages.text_of(name),
        );
        let package_changed = path.as_deref().is_some_and(|p| {
            packages.analysed(p, Arc::from(self.text.as_str()), own_summary.clone())
        });
        let (analysis, unpublished_from, outline) = match analysis {
            Analysis::Dropped(findings) => {
                let (kept, from) = published(findings, limits.max_diagnostics.cap(usize::MAX));
                (
                    Analysis::Dropped(kept),
                    from,
                    lexical::scan(&self.text).declarations,
                )
            }
            kept => (kept, None, Vec::new()),
        };
        Ok(Done {
            analysis,
            unpublished_from,
            outline,
            resolved,
            diagnostics,
            warnings,
            package,
            package_changed,
            load,
        })
    }
}
