//! Open documents. Each edit is applied to the text at once, synchronously,
//! and queued for the tree; analysis runs later on the blocking pool, one
//! step at a time per document, and is stamped with the revision it saw so
//! that a stale result is never published.

use super::dependencies;
use super::diagnostics;
use super::incremental::{ByteEdit, Snapshot};
use super::positions::Converter;
use super::settings::{Resolved, Settings};
use crate::analysis::Analyzer;
use crate::text::{Encoding, LineIndex};
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tower_lsp_server::ls_types::{Diagnostic, TextDocumentContentChangeEvent, Uri};
use tree_sitter::InputEdit;

/// How long a request waits for the analysis of the text it was sent for.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// One open document.
pub struct Doc {
    state: Mutex<State>,
    /// The last analysed revision (`u64::MAX` once closed).
    ready: watch::Sender<u64>,
    /// Held while publishing, so publications of one document keep their order.
    pub publishing: tokio::sync::Mutex<()>,
}

/// A document's text and analysis.
pub struct State {
    /// The current text.
    pub text: String,
    /// The client's version of the current text.
    pub version: i32,
    /// Line index of the current text.
    pub index: LineIndex,
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
    pub analysis: Option<Snapshot>,
    /// The revision `analysis` and `diagnostics` belong to.
    pub analyzed: u64,
    /// The diagnostics of `analysis`.
    pub diagnostics: Vec<Diagnostic>,
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
    /// A revision was analysed.
    Analyzed {
        /// The client version it was for.
        version: i32,
        /// The revision it was for (stale once the document's moved on).
        revision: u64,
        /// Its diagnostics.
        diagnostics: Vec<Diagnostic>,
        /// Configuration problems the user has not seen yet.
        warnings: Vec<String>,
    },
    /// The analysis panicked or the parser gave up; the document has no
    /// diagnostics until its next change.
    Failed(String),
}

impl Doc {
    /// A document opened with `text` at `version`.
    pub fn open(text: String, version: i32) -> Doc {
        let index = LineIndex::new(&text);
        let state = State {
            text,
            version,
            index,
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
        };
        Doc {
            state: Mutex::new(state),
            ready: watch::Sender::new(0),
            publishing: tokio::sync::Mutex::new(()),
        }
    }

    /// The document's state, locked (never for long, never across `.await`).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies the changes of one `didChange`, in order. Returns whether an
    /// analysis task must be started, and a note for each change whose range
    /// was out of bounds (it was clamped).
    pub fn change(
        &self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> (bool, Vec<String>) {
        let mut state = self.lock();
        let mut notes = Vec::new();
        for change in changes {
            if let Some(note) = apply(&mut state, change, encoding) {
                notes.push(note);
            }
        }
        state.version = version;
        state.revision = next_revision();
        (schedule(&mut state), notes)
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

    /// Marks the document closed and releases everyone waiting for it.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.send_replace(u64::MAX);
    }

    /// Marks an analysis task as needed for a just-opened document.
    pub fn start(&self) -> bool {
        schedule(&mut self.lock())
    }

    /// Waits until the text of `revision` (or a later one) is analysed.
    pub async fn ready(&self, revision: u64) {
        let mut rx = self.ready.subscribe();
        let _ = tokio::time::timeout(READY_TIMEOUT, rx.wait_for(|&r| r >= revision)).await;
    }

    /// Runs one analysis step (blocking: call it off the async reactor).
    pub fn step(&self, uri: &Uri, settings: &Settings, encoding: Encoding) -> Step {
        let work = {
            let mut state = self.lock();
            if state.closed || (state.pending.is_empty() && !state.reset && state.is_current()) {
                state.scheduled = false;
                return Step::Idle;
            }
            Work {
                text: state.text.clone(),
                index: state.index.clone(),
                version: state.version,
                revision: state.revision,
                edits: std::mem::take(&mut state.pending),
                reset: std::mem::take(&mut state.reset),
                previous: state.analysis.take(),
                resolved: state.resolved.clone(),
                configuration: state.configuration,
            }
        };
        let (version, revision, configuration) = (work.version, work.revision, work.configuration);
        let outcome = catch_unwind(AssertUnwindSafe(|| work.run(uri, settings, encoding)));
        let step = {
            let mut state = self.lock();
            state.analyzed = revision;
            match outcome {
                Ok(Ok(done)) => {
                    if state.configuration == configuration {
                        state.resolved.get_or_insert(done.resolved);
                    }
                    state.analysis = Some(done.snapshot);
                    state.diagnostics.clone_from(&done.diagnostics);
                    Step::Analyzed {
                        version,
                        revision,
                        diagnostics: done.diagnostics,
                        warnings: done.warnings,
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
        state.index = LineIndex::new(&state.text);
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
    let mut words = dependencies::touched_words(&state.text, start..old_end);
    state.text.replace_range(start..old_end, &change.text);
    state.index = LineIndex::new(&state.text);
    let new_end = start + change.text.len();
    words.extend(dependencies::touched_words(&state.text, start..new_end));
    let new_end_position = Converter::new(&state.text, &state.index, encoding).point(new_end);
    if !state.reset {
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
    }
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
    previous: Option<Snapshot>,
    resolved: Option<Arc<Resolved>>,
    configuration: u64,
}

/// The result of a successful step.
struct Done {
    snapshot: Snapshot,
    resolved: Arc<Resolved>,
    diagnostics: Vec<Diagnostic>,
    warnings: Vec<String>,
}

thread_local! {
    /// One parser per blocking thread.
    static ANALYZER: RefCell<Analyzer> = RefCell::new(Analyzer::new());
}

impl Work {
    /// Parses and checks the text, incrementally when it can.
    fn run(self, uri: &Uri, settings: &Settings, encoding: Encoding) -> Result<Done, String> {
        let (resolved, warnings) = match self.resolved {
            Some(r) => (r, Vec::new()),
            None => settings.resolve(uri),
        };
        let options = &resolved.options;
        let snapshot = ANALYZER.with_borrow_mut(|analyzer| match self.previous {
            Some(previous) if !self.reset => {
                previous.update(analyzer, &self.text, &self.edits, options)
            }
            _ => Snapshot::fresh(analyzer, &self.text, options),
        });
        let snapshot = snapshot.map_err(|e| e.to_string())?;
        let at = Converter::new(&self.text, &self.index, encoding);
        let diagnostics =
            diagnostics::convert(&snapshot.findings, &at, uri, &resolved.docs_base_url);
        Ok(Done {
            snapshot,
            resolved,
            diagnostics,
            warnings,
        })
    }
}
