//! The language server: LSP requests and notifications in, analysis tasks
//! out. Handlers never block on analysis and never await the client: they
//! change document state synchronously and spawn the rest.

use super::actions::{self, CONCEPTS_IN_FILE, EXPLAIN, QUIZ, QUIZ_KIND};
use super::documents::{Doc, State, Step, Trees};
use super::hover;
use super::log;
use super::packages::{file_path, Packages};
use super::positions::{self, Converter};
use super::settings::Settings;
use super::team;
use crate::config::FILE_NAME;
use crate::text::Encoding;
use crate::{concepts, explain};
use dashmap::DashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use tokio::sync::Semaphore;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tree_sitter::Tree;

/// Bytes of text of the edited documents whose syntax trees are kept (25
/// to 35 times as many bytes of memory): the few files being worked on.
const TREE_BUDGET: usize = 256 * 1024;

/// Lines of an explanation shown in `window/showMessage`.
const EXPLANATION_LINES: usize = 6;

/// What was negotiated with the client at `initialize`.
#[derive(Clone, Debug)]
struct Session {
    encoding: Encoding,
    /// Hovers in markdown (else plain text).
    markdown: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`); the server
    /// then does not push them, so they are not shown twice.
    pull: bool,
    /// The client answers `workspace/configuration`.
    configuration: bool,
    /// The client takes `workspace/diagnostic/refresh`.
    refresh: bool,
    /// The client lets the server register file watchers.
    watch_files: bool,
    /// The client lets the server register for configuration changes.
    register_configuration: bool,
    /// The client shows `gohint.explain` results itself: it says so with
    /// the experimental capability `gohint.explainCommand`.
    explains: bool,
    /// The client opens URIs on `window/showDocument`.
    show_document: bool,
}

impl Session {
    /// What `capabilities` let the server do.
    fn new(caps: &ClientCapabilities) -> Session {
        let (encoding, _) = positions::negotiate(caps);
        let text = caps.text_document.as_ref();
        let workspace = caps.workspace.as_ref();
        Session {
            encoding,
            markdown: text
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_some_and(|f| f.contains(&MarkupKind::Markdown)),
            pull: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            register_configuration: workspace
                .and_then(|w| w.did_change_configuration.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            explains: caps
                .experimental
                .as_ref()
                .and_then(|e| e.pointer("/gohint/explainCommand"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            show_document: caps
                .window
                .as_ref()
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
        }
    }
}

/// State shared by handlers and analysis tasks.
struct Inner {
    client: Client,
    docs: DashMap<Uri, Arc<Doc>>,
    settings: Settings,
    session: OnceLock<Session>,
    /// Settings warnings from `initialize`, shown once the client is ready.
    early_warnings: Mutex<Vec<String>>,
    /// Set by `shutdown`: the exit code is then 0, and no analysis starts.
    shutdown: Arc<AtomicBool>,
    /// One permit per analysis step of an urgent document that may run at
    /// once: as many as there are cores (an edit may touch hundreds of
    /// documents).
    steps: Semaphore,
    /// Where the documents the client merely opened are analysed, one at a
    /// time, behind those it edits or asks about.
    background: Queue,
    /// Which documents keep their syntax trees.
    trees: Trees,
    /// The other files of the open documents' packages.
    packages: Packages,
}

/// A step on the background queue that has not started.
const QUEUED: u8 = 0;
/// A step on the background queue that started, or was withdrawn.
const TAKEN: u8 = 1;

/// A job for a [`Queue`].
type Job = Box<dyn FnOnce() + Send>;

/// Runs jobs one at a time, in order, on a thread of its own. Analysing a
/// file allocates mostly its syntax tree, freed again unless the file is
/// being edited; on one thread, each analysis reuses the memory of the last
/// instead of growing another thread's allocator arena.
struct Queue(Option<std::sync::mpsc::Sender<Job>>);

impl Queue {
    /// Starts the thread, named `name`.
    fn new(name: &str) -> Queue {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let worker = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                for job in rx {
                    // A job that panics must not take the queue down with it.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            });
        match worker {
            Ok(_) => Queue(Some(tx)),
            Err(e) => {
                log::line(format!("gohint: cannot start the {name} thread: {e}"));
                Queue(None)
            }
        }
    }

    /// Whether its thread started.
    fn started(&self) -> bool {
        self.0.is_some()
    }

    /// Runs `f` after the jobs queued before it; its result, or why there
    /// is none.
    async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> std::result::Result<R, String> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.0
            .as_ref()
            .ok_or("the analysis thread did not start")?
            .send(job)
            .map_err(|_| "the analysis thread is gone")?;
        rx.await
            .map_err(|_| "the analysis job panicked".to_string())
    }
}

/// A reference to a server's state that keeps it alive; nothing else.
pub struct Held {
    _inner: Arc<Inner>,
}

/// The gohint language server.
pub struct Backend {
    inner: Arc<Inner>,
}

/// Parameters of `gohint/syntaxTree`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyntaxTreeParams {
    /// The document.
    pub text_document: TextDocumentIdentifier,
}

/// Result of `gohint/syntaxTree`: the server's view of a document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyntaxTree {
    /// The client version of the text.
    pub version: i32,
    /// The text.
    pub text: String,
    /// The tree as an S-expression.
    pub tree: String,
}

impl Backend {
    /// A server talking to `client`; `shutdown` is set when the client asks
    /// it to shut down.
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Backend {
        Backend {
            inner: Arc::new(Inner {
                client,
                docs: DashMap::new(),
                settings: Settings::new(),
                session: OnceLock::new(),
                early_warnings: Mutex::new(Vec::new()),
                shutdown,
                steps: Semaphore::new(
                    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
                ),
                background: Queue::new("gohint-analysis"),
                trees: Trees::new(TREE_BUDGET),
                packages: Packages::default(),
            }),
        }
    }

    /// The server's state, for the caller to hold past the server's end.
    pub fn held(&self) -> Held {
        Held {
            _inner: Arc::clone(&self.inner),
        }
    }

    /// `gohint/syntaxTree`: the text and syntax tree the server holds for
    /// a document, once analysed (for debugging rules and editors).
    pub async fn syntax_tree(&self, params: SyntaxTreeParams) -> Result<SyntaxTree> {
        let uri = params.text_document.uri;
        let found = self
            .inner
            .with_tree(&uri, |state, tree| {
                state.is_current().then(|| SyntaxTree {
                    version: state.version,
                    text: state.text.clone(),
                    tree: tree.root_node().to_sexp(),
                })
            })
            .await?;
        found.flatten().ok_or_else(|| {
            let declined = self.inner.doc(&uri).is_ok_and(|d| d.lock().declined);
            Error::invalid_params(if declined {
                "the document is larger than gohint.maxFileSize: it is not analysed"
            } else {
                "the document is not analysed yet"
            })
        })
    }
}

impl Inner {
    /// The negotiated session (defaults before `initialize`).
    fn session(&self) -> Session {
        self.session
            .get()
            .cloned()
            .unwrap_or_else(|| Session::new(&ClientCapabilities::default()))
    }

    /// The open document at `uri`, or an invalid-params error.
    fn doc(&self, uri: &Uri) -> Result<Arc<Doc>> {
        self.docs
            .get(uri)
            .map(|d| Arc::clone(d.value()))
            .ok_or_else(|| Error::invalid_params(format!("{} is not open", uri.as_str())))
    }

    /// Runs `f` on an open document's state and syntax tree once the text
    /// it had when asked is analysed (off the async reactor when a tree has
    /// to be parsed); `None` when the text is not analysed.
    async fn with_tree<R: Send + 'static>(
        &self,
        uri: &Uri,
        f: impl FnOnce(&State, &Tree) -> R + Send + 'static,
    ) -> Result<Option<R>> {
        let doc = self.doc(uri)?;
        let revision = doc.lock().revision;
        doc.ready(revision).await;
        let f = match doc.with_kept_tree(f) {
            Ok(done) => return Ok(done),
            Err(f) => f,
        };
        tokio::task::spawn_blocking(move || doc.with_tree(f))
            .await
            .map_err(|e| {
                log::line(format!("gohint: a request on {} failed: {e}", uri.as_str()));
                Error::internal_error()
            })
    }

    /// Runs `f` on an open document's state, a syntax tree holding the
    /// offset `locate` finds, and that offset, once the text it had when
    /// asked is analysed (see [`Doc::with_tree_at`]); `None` when the text
    /// is not analysed.
    async fn with_tree_at<R: Send + 'static>(
        &self,
        uri: &Uri,
        locate: impl FnOnce(&State) -> usize + Send + 'static,
        f: impl FnOnce(&State, &Tree, usize) -> R + Send + 'static,
    ) -> Result<Option<R>> {
        let doc = self.doc(uri)?;
        let revision = doc.lock().revision;
        doc.ready(revision).await;
        if doc.keeps_tree() {
            return Ok(doc.with_tree_at(locate, f));
        }
        tokio::task::spawn_blocking(move || doc.with_tree_at(locate, f))
            .await
            .map_err(|e| {
                log::line(format!("gohint: a request on {} failed: {e}", uri.as_str()));
                Error::internal_error()
            })
    }

    /// Starts the analysis task of a document.
    fn analyze(self: &Arc<Self>, uri: Uri, doc: Arc<Doc>) {
        let inner = Arc::clone(self);
        tokio::spawn(async move {
            let session = inner.session();
            loop {
                if inner.shutdown.load(Ordering::SeqCst) {
                    doc.lock().unschedule();
                    break;
                }
                match inner.step(&uri, &doc, session.encoding).await {
                    Ok(Step::Idle) => break,
                    Ok(Step::Analyzed {
                        version,
                        revision,
                        diagnostics,
                        warnings,
                        package_changed,
                        load,
                    }) => {
                        if package_changed {
                            inner.recheck_folder(&uri);
                        }
                        if let Some(dir) = load {
                            inner.load_folder(dir);
                        }
                        for w in warnings {
                            inner
                                .client
                                .show_message(MessageType::WARNING, format!("gohint: {w}"))
                                .await;
                        }
                        inner.trees.analysed(&doc);
                        if !session.pull {
                            inner
                                .publish(&uri, &doc, diagnostics, version, revision)
                                .await;
                        }
                    }
                    Ok(Step::Failed(why)) => {
                        inner.trees.analysed(&doc);
                        let message = format!("gohint: cannot analyse {}: {why}", uri.as_str());
                        log::line(message.clone());
                        inner.client.log_message(MessageType::ERROR, message).await;
                    }
                    Err(e) => {
                        log::line(format!(
                            "gohint: the analysis task of {} failed: {e}",
                            uri.as_str()
                        ));
                        doc.lock().unschedule();
                        break;
                    }
                }
            }
        });
    }

    /// Runs one analysis step of a document: at once (as cores allow) if
    /// the client edited it or waits for it, else on the background queue
    /// (if its thread could start), unless the client comes to need it
    /// while it waits there.
    async fn step(
        self: &Arc<Self>,
        uri: &Uri,
        doc: &Arc<Doc>,
        encoding: Encoding,
    ) -> std::result::Result<Step, String> {
        let job = || {
            let (inner, uri, doc) = (Arc::clone(self), uri.clone(), Arc::clone(doc));
            move || doc.step(&uri, &inner.settings, &inner.packages, encoding)
        };
        if !doc.urgent() && self.background.started() {
            let ticket = Arc::new(AtomicU8::new(QUEUED));
            let claim = Arc::clone(&ticket);
            let step = job();
            let queued = self.background.run(move || {
                claim
                    .compare_exchange(QUEUED, TAKEN, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                    .then(step)
            });
            tokio::pin!(queued);
            tokio::select! {
                done = &mut queued => return done?.ok_or_else(|| "the step was withdrawn".to_string()),
                () = doc.until_urgent() => {}
            }
            // Urgent now: withdraw the step from the queue, unless it started.
            if ticket
                .compare_exchange(QUEUED, TAKEN, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
            {
                return queued
                    .await?
                    .ok_or_else(|| "the step was withdrawn".to_string());
            }
        }
        let _permit = self.steps.acquire().await.map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(job())
            .await
            .map_err(|e| e.to_string())
    }

    /// Publishes a document's diagnostics, unless they are stale or were
    /// the last published for the same version.
    async fn publish(
        &self,
        uri: &Uri,
        doc: &Doc,
        diagnostics: Vec<Diagnostic>,
        version: i32,
        revision: u64,
    ) {
        let mut last = doc.publishing.lock().await;
        {
            let state = doc.lock();
            if state.closed || state.revision != revision || self.shutdown.load(Ordering::SeqCst) {
                return;
            }
        }
        if last
            .as_ref()
            .is_some_and(|(v, d)| *v == version && *d == diagnostics)
        {
            return;
        }
        self.client
            .publish_diagnostics(uri.clone(), diagnostics.clone(), Some(version))
            .await;
        *last = Some((version, diagnostics));
    }

    /// Applies new editor settings (or fetches them when `value` is empty),
    /// then re-checks every document.
    async fn apply_settings(self: &Arc<Self>, value: Option<Value>) {
        let value = match value {
            Some(v) => v,
            None => {
                let item = ConfigurationItem {
                    scope_uri: None,
                    section: Some("gohint".to_string()),
                };
                match self.client.configuration(vec![item]).await {
                    Ok(mut values) if !values.is_empty() => values.swap_remove(0),
                    Ok(_) => Value::Null,
                    Err(e) => {
                        log::line(format!("gohint: workspace/configuration failed: {e}"));
                        return;
                    }
                }
            }
        };
        for w in self.settings.set_editor(&value) {
            self.client
                .show_message(MessageType::WARNING, format!("gohint: {w}"))
                .await;
        }
        self.reconfigure_all().await;
    }

    /// Checks again the open documents in the folder of `uri` other than
    /// it: what a file of their package tells them changed.
    fn recheck_folder(self: &Arc<Self>, uri: &Uri) {
        let Some(dir) = file_path(uri).and_then(|p| p.parent().map(Path::to_path_buf)) else {
            return;
        };
        let docs: Vec<(Uri, Arc<Doc>)> = self
            .docs
            .iter()
            .filter(|e| {
                e.key() != uri
                    && file_path(e.key()).is_some_and(|p| p.parent() == Some(dir.as_path()))
            })
            .map(|e| (e.key().clone(), Arc::clone(e.value())))
            .collect();
        for (uri, doc) in docs {
            if doc.recheck() {
                self.analyze(uri, doc);
            }
        }
    }

    /// Reads the files on disk of folder `dir` off the async runtime, then
    /// checks its open documents again with them (publishing only what
    /// changes).
    fn load_folder(self: &Arc<Self>, dir: PathBuf) {
        let inner = Arc::clone(self);
        tokio::spawn(async move {
            let reader = Arc::clone(&inner);
            let read = dir.clone();
            let loaded = tokio::task::spawn_blocking(move || {
                reader
                    .packages
                    .load(&read, &mut crate::analysis::Analyzer::new());
            })
            .await;
            if let Err(e) = loaded {
                log::line(format!("gohint: reading {} failed: {e}", dir.display()));
                inner.packages.failed(&dir);
            }
            let docs: Vec<(Uri, Arc<Doc>)> = inner
                .docs
                .iter()
                .filter(|e| file_path(e.key()).is_some_and(|p| p.parent() == Some(dir.as_path())))
                .map(|e| (e.key().clone(), Arc::clone(e.value())))
                .collect();
            for (uri, doc) in docs {
                let outdated = file_path(&uri).is_some_and(|path| {
                    inner.packages.outdated(&path, doc.lock().package.as_ref())
                });
                if outdated && doc.recheck() {
                    inner.analyze(uri, doc);
                }
            }
        });
    }

    /// Looks every document's configuration up again and re-checks it.
    async fn reconfigure_all(self: &Arc<Self>) {
        let docs: Vec<(Uri, Arc<Doc>)> = self
            .docs
            .iter()
            .map(|e| (e.key().clone(), Arc::clone(e.value())))
            .collect();
        for (uri, doc) in docs {
            if doc.reconfigure() {
                self.analyze(uri, doc);
            }
        }
        let session = self.session();
        if session.pull && session.refresh {
            if let Err(e) = self.client.workspace_diagnostic_refresh().await {
                log::line(format!("gohint: workspace/diagnostic/refresh failed: {e}"));
            }
        }
    }

    /// Shows the explanation `md` of `id` in a client that does not run
    /// `gohint.explain` itself: a rule's documentation page (under the
    /// `docsBaseUrl` of the document at `uri`) on `window/showDocument`, or,
    /// when the client cannot open it, the explanation's first lines.
    async fn show_explanation(&self, id: &str, md: &str, uri: Option<&Uri>) {
        let session = self.session();
        if session.show_document && crate::rules::CATALOGUE.find(id).is_some() {
            let base = uri
                .and_then(|u| self.docs.get(u))
                .and_then(|d| d.lock().resolved.as_ref().map(|r| r.docs_base_url.clone()))
                .unwrap_or_else(|| crate::config::Config::default().docs_base_url().to_string());
            if let Ok(page) = crate::config::docs_url(&base, id).parse::<Uri>() {
                let shown = self
                    .client
                    .show_document(ShowDocumentParams {
                        uri: page,
                        external: Some(true),
                        take_focus: Some(true),
                        selection: None,
                    })
                    .await;
                if shown.unwrap_or(false) {
                    return;
                }
            }
        }
        let text: Vec<&str> = md
            .lines()
            .map(|l| l.trim_start_matches(['#', '>', ' ']))
            .filter(|l| !l.is_empty())
            .take(EXPLANATION_LINES)
            .collect();
        self.client
            .show_message(MessageType::INFO, format!("gohint: {}", text.join("\n")))
            .await;
    }

    /// Registers file watchers and configuration changes with the client.
    async fn register(&self) {
        let session = self.session();
        let mut registrations = Vec::new();
        if session.watch_files {
            let watchers = ["**/go.mod", &format!("**/{FILE_NAME}"), "**/*.go"]
                .iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.to_string()),
                    kind: None,
                })
                .collect();
            registrations.push(Registration {
                id: "gohint-watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            });
        }
        if session.register_configuration {
            registrations.push(Registration {
                id: "gohint-configuration".to_string(),
                method: "workspace/didChangeConfiguration".to_string(),
                register_options: Some(serde_json::json!({ "section": "gohint" })),
            });
        }
        if !registrations.is_empty() {
            if let Err(e) = self.client.register_capability(registrations).await {
                log::line(format!("gohint: client/registerCapability failed: {e}"));
            }
        }
    }
}

impl Backend {
    /// The corpus concepts of an open document: each construct's name,
    /// label, range and the question ids that explain it (most specific
    /// first, team questions last), in source order; the first construct
    /// of each concept also carries the question's short answer.
    async fn concepts_in_file(&self, uri: &Uri) -> Result<Value> {
        let session = self.inner.session();
        let module_file = is_module_file(uri);
        let items = self
            .inner
            .with_tree(uri, move |state, tree| {
                // A tree of an older text would give spans outside this one.
                if !state.is_current() {
                    return Vec::new();
                }
                let hits = if module_file {
                    concepts::gomod::all(&state.text)
                } else {
                    concepts::all(tree, &state.text)
                };
                concepts(state, hits, session.encoding)
            })
            .await?;
        Ok(Value::Array(items.unwrap_or_default()))
    }
}

impl Backend {
    /// "Quiz me on this" for the construct at the start of the range of a
    /// code action request that the user made (not the automatic ones a
    /// client sends as the cursor moves, which would offer it on every
    /// keyword), in a Go file.
    async fn quiz_action(&self, params: &CodeActionParams) -> Option<CodeActionOrCommand> {
        let invoked = params.context.trigger_kind == Some(CodeActionTriggerKind::INVOKED);
        let uri = &params.text_document.uri;
        if !invoked
            || is_module_file(uri)
            || !actions::wanted(
                params.context.only.as_deref(),
                &CodeActionKind::new(QUIZ_KIND),
            )
        {
            return None;
        }
        let session = self.inner.session();
        let position = params.range.start;
        let locate = move |state: &State| {
            Converter::new(&state.text, &state.index, session.encoding)
                .offset(position)
                .0
        };
        let concept = self
            .inner
            .with_tree_at(uri, locate, |state, tree, offset| {
                if !state.is_current() {
                    return None;
                }
                concepts::at(tree, &state.text, offset).map(|hit| hit.concept)
            })
            .await
            .ok()
            .flatten()
            .flatten()?;
        Some(actions::quiz_action(concept))
    }
}

/// A seed from the clock, so that each quiz asked for differs.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The folder of the client's first workspace folder (else its root URI),
/// which relative team corpus paths of the editor settings start from.
fn workspace_root(params: &InitializeParams) -> Option<std::path::PathBuf> {
    #[allow(deprecated)]
    let root = params.root_uri.as_ref();
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(root)
        .filter(|u| u.scheme().as_str() == "file")
        .and_then(|u| u.to_file_path())
        .map(|p| p.into_owned())
}

/// Whether `uri` names a `go.mod` file: hovers on its directives, no rules.
fn is_module_file(uri: &Uri) -> bool {
    concepts::gomod::is_gomod(uri.path().as_str())
}

/// The corpus concepts `hits` of an analysed text, for the client, with the
/// text and short answer of each one's most specific question.
fn concepts(state: &State, hits: Vec<concepts::Hit>, encoding: Encoding) -> Vec<Value> {
    let convert = Converter::new(&state.text, &state.index, encoding);
    let team = state
        .resolved
        .as_ref()
        .map_or(&[][..], |r| r.team.as_slice());
    let mut firsts: std::collections::HashMap<&str, Option<(String, String)>> =
        std::collections::HashMap::new();
    hits.into_iter()
        .map(|hit| {
            let builtin = hit.concept.cites.iter().map(|c| c.question.to_string());
            let claimed = team
                .iter()
                .filter(|t| t.concepts.iter().any(|c| c == hit.concept.name))
                .map(|t| t.question.id.clone());
            // Once per concept: a file has many constructs of few concepts,
            // so the answer travels with the concept's first item only.
            let first = !firsts.contains_key(hit.concept.name);
            let cited = firsts.entry(hit.concept.name).or_insert_with(|| {
                hit.concept.cites.first().and_then(|c| {
                    let q = crate::corpus::builtin().question(c.question)?;
                    Some((q.question.clone(), q.excerpt(c.topic)))
                })
            });
            let question = cited.as_ref().map(|(q, _)| q.clone());
            let answer = cited.as_ref().filter(|_| first).map(|(_, a)| a.clone());
            let mut item = serde_json::json!({
                "concept": hit.concept.name,
                "label": hit.concept.label,
                "questions": builtin.chain(claimed).collect::<Vec<_>>(),
                "question": question,
                "range": convert.range(&hit.range),
            });
            if first {
                item["answer"] = answer.into();
            }
            item
        })
        .collect()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        // Compile the rule and concept queries and parse the corpus now,
        // while the client reads the answer and opens its first document,
        // not on the first keystroke.
        tokio::task::spawn_blocking(|| {
            let _ = crate::rules::CATALOGUE.engine();
            let _ = crate::concepts::validate();
            let _ = crate::corpus::builtin();
        });
        let session = Session::new(&params.capabilities);
        let (_, encoding) = positions::negotiate(&params.capabilities);
        if let Some(options) = &params.initialization_options {
            let warnings = self.inner.settings.set_editor(options);
            self.inner
                .early_warnings
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(warnings);
        }
        if let Some(root) = workspace_root(&params) {
            team::set_root(root);
        }
        let pull = session.pull;
        let _ = self.inner.session.set(session);
        let capabilities = ServerCapabilities {
            position_encoding: Some(encoding),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                resolve_provider: Some(false),
                ..CodeActionOptions::default()
            })),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![
                    EXPLAIN.to_string(),
                    CONCEPTS_IN_FILE.to_string(),
                    QUIZ.to_string(),
                ],
                ..ExecuteCommandOptions::default()
            }),
            diagnostic_provider: pull.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("gohint".to_string()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: false,
                    ..DiagnosticOptions::default()
                })
            }),
            ..ServerCapabilities::default()
        };
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "gohint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let warnings = std::mem::take(
            &mut *self
                .inner
                .early_warnings
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for w in warnings {
            self.inner
                .client
                .show_message(MessageType::WARNING, format!("gohint: {w}"))
                .await;
        }
        let inner = Arc::clone(&self.inner);
        tokio::spawn(async move {
            inner.register().await;
            if inner.session().configuration {
                inner.apply_settings(None).await;
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.inner.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let doc = Arc::new(Doc::open(item.text, item.version));
        if let Some(old) = self.inner.docs.insert(item.uri.clone(), Arc::clone(&doc)) {
            old.close();
        }
        if doc.start() {
            self.inner.analyze(item.uri, doc);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Ok(doc) = self.inner.doc(&uri) else {
            log::line(format!(
                "gohint: ignored a change to {}, which is not open",
                uri.as_str()
            ));
            return;
        };
        let encoding = self.inner.session().encoding;
        match doc.change(
            params.text_document.version,
            params.content_changes,
            encoding,
        ) {
            Ok((start, notes)) => {
                for note in notes {
                    log::line(format!("gohint: {}: {note}", uri.as_str()));
                }
                if start {
                    self.inner.analyze(uri, doc);
                }
            }
            Err(why) => {
                let message = format!("gohint: {}: {why}", uri.as_str());
                log::line(message.clone());
                let client = self.inner.client.clone();
                tokio::spawn(
                    async move { client.log_message(MessageType::WARNING, message).await },
                );
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some((_, doc)) = self.inner.docs.remove(&uri) else {
            return;
        };
        doc.close();
        // The file on disk stands for it again in its package.
        if let Some(path) = file_path(&uri) {
            self.inner.packages.forget(&path, true);
            self.inner.recheck_folder(&uri);
        }
        if !self.inner.session().pull {
            let _order = doc.publishing.lock().await;
            self.inner
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let inner = Arc::clone(&self.inner);
        let value = params.settings;
        let pushed = !(value.is_null() || value.as_object().is_some_and(|o| o.is_empty()));
        if pushed {
            for w in inner.settings.set_editor(&value) {
                inner
                    .client
                    .show_message(MessageType::WARNING, format!("gohint: {w}"))
                    .await;
            }
            tokio::spawn(async move { inner.reconfigure_all().await });
        } else if inner.session().configuration {
            tokio::spawn(async move { inner.apply_settings(None).await });
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in &params.changes {
            let go = change.uri.path().as_str().ends_with(".go");
            if let Some(path) = file_path(&change.uri).filter(|_| go) {
                self.inner.packages.forget(&path, false);
                self.inner.recheck_folder(&change.uri);
            }
        }
        let relevant = params.changes.iter().any(|c| {
            let path = c.uri.path().as_str();
            path.ends_with("/go.mod") || path.ends_with(&format!("/{FILE_NAME}"))
        });
        if relevant {
            self.inner.settings.files_changed();
            let inner = Arc::clone(&self.inner);
            tokio::spawn(async move { inner.reconfigure_all().await });
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let session = self.inner.session();
        let module_file = is_module_file(&at.text_document.uri);
        let concept_hovers = self.inner.settings.concept_hovers();
        let position = at.position;
        let locate = move |state: &State| {
            Converter::new(&state.text, &state.index, session.encoding)
                .offset(position)
                .0
        };
        let hover = self
            .inner
            .with_tree_at(&at.text_document.uri, locate, move |state, tree, offset| {
                if !state.is_current() {
                    return None;
                }
                let convert = Converter::new(&state.text, &state.index, session.encoding);
                let (value, range) = if module_file {
                    hover::module_file(state, offset, session.markdown)?
                } else {
                    hover::at(state, tree, offset, session.markdown, concept_hovers)?
                };
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: if session.markdown {
                            MarkupKind::Markdown
                        } else {
                            MarkupKind::PlainText
                        },
                        value,
                    }),
                    range: Some(convert.range(&range)),
                })
            })
            .await?;
        Ok(hover.flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = &params.text_document.uri;
        let doc = self.inner.doc(uri).ok();
        let mut actions = {
            let state = doc.as_ref().map(|d| d.lock());
            let current = state
                .as_ref()
                .filter(|s| s.is_current())
                .map(|s| actions::Current {
                    version: s.version,
                    diagnostics: &s.diagnostics,
                });
            actions::actions(
                uri,
                &params.context.diagnostics,
                params.context.only.as_deref(),
                current.as_ref(),
                self.inner.session().explains,
            )
        };
        actions.extend(self.quiz_action(&params).await);
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let first = params.arguments.first();
        match params.command.as_str() {
            EXPLAIN => {
                let id = first.and_then(Value::as_str).unwrap_or_default();
                let md = explain::markdown(id).ok_or_else(|| {
                    Error::invalid_params(format!("no rule or corpus question named `{id}`"))
                })?;
                let show = params.arguments.get(1);
                if show
                    .and_then(|o| o.get(actions::SHOW))
                    .and_then(Value::as_bool)
                    == Some(true)
                {
                    let uri = show
                        .and_then(|o| o.get("uri"))
                        .and_then(Value::as_str)
                        .and_then(|u| u.parse::<Uri>().ok());
                    self.inner.show_explanation(id, &md, uri.as_ref()).await;
                }
                Ok(Some(Value::String(md)))
            }
            CONCEPTS_IN_FILE => {
                let uri = first
                    .and_then(|a| a.as_str().or_else(|| a.get("uri").and_then(Value::as_str)))
                    .and_then(|u| u.parse::<Uri>().ok())
                    .ok_or_else(|| {
                        Error::invalid_params("gohint.conceptsInFile takes a document URI")
                    })?;
                self.concepts_in_file(&uri).await.map(Some)
            }
            QUIZ => {
                let arguments = params.arguments.clone();
                tokio::task::spawn_blocking(move || actions::quiz(&arguments, clock_seed()))
                    .await
                    .map_err(|_| Error::internal_error())?
                    .map(Some)
                    .map_err(Error::invalid_params)
            }
            other => Err(Error::invalid_params(format!("unknown command {other}"))),
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let doc = self.inner.doc(&params.text_document.uri)?;
        let revision = doc.lock().revision;
        doc.ready(revision).await;
        let state = doc.lock();
        let result_id = state.analyzed.to_string();
        let report = if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id,
                },
            })
        } else {
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(result_id),
                    items: state.diagnostics.clone(),
                },
            })
        };
        Ok(DocumentDiagnosticReportResult::Report(report))
    }
}
