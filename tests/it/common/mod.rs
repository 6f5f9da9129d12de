//! A small LSP client for tests and benchmarks: spawns the real `gohint`
//! binary and speaks JSON-RPC over its stdio. Server-to-client requests
//! (`workspace/configuration`, `client/registerCapability`, …) are answered
//! by a reader thread unless the test holds them.
#![allow(dead_code)]

pub mod cli;

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long to wait for any one expected message: long enough for a debug
/// build analysing megabytes on a loaded two-core machine.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// How the client answers the server's requests.
#[derive(Default)]
pub struct Answers {
    /// The answer to `workspace/configuration` (one item per requested section).
    pub configuration: Value,
    /// When set, server requests are recorded but never answered.
    pub hold: bool,
    /// Every server request seen, in order.
    pub seen: Vec<Value>,
}

/// A running server and the client end of its stdio.
pub struct Client {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    rx: Receiver<Value>,
    backlog: VecDeque<Value>,
    next_id: i64,
    /// How server requests are answered.
    pub answers: Arc<Mutex<Answers>>,
    /// Everything the server wrote to stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

/// Writes one framed message.
fn write_frame(stdin: &Mutex<ChildStdin>, body: &[u8]) {
    let mut stdin = stdin.lock().unwrap_or_else(|e| e.into_inner());
    let _ = write!(stdin, "Content-Length: {}\r\n\r\n", body.len());
    let _ = stdin.write_all(body);
    let _ = stdin.flush();
}

/// Reads one framed message, `None` at end of stream.
fn read_frame(out: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Starts the server with `args`, without initializing it.
    pub fn spawn_with(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gohint"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gohint");
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("stdin")));
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr_pipe = child.stderr.take().expect("stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let answers = Arc::new(Mutex::new(Answers::default()));
        let (tx, rx) = mpsc::channel();
        let (reply_to, answers2) = (Arc::clone(&stdin), Arc::clone(&answers));
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            while let Some(msg) = read_frame(&mut out) {
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    let mut a = answers2.lock().unwrap_or_else(|e| e.into_inner());
                    a.seen.push(msg.clone());
                    if a.hold {
                        continue;
                    }
                    let result = match msg["method"].as_str() {
                        Some("workspace/configuration") => a.configuration.clone(),
                        _ => Value::Null,
                    };
                    let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": result});
                    write_frame(&reply_to, reply.to_string().as_bytes());
                    continue;
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            backlog: VecDeque::new(),
            next_id: 1,
            answers,
            stderr,
        }
    }

    /// Starts `gohint` with no arguments, without initializing it.
    pub fn spawn() -> Client {
        Client::spawn_with(&[])
    }

    /// Starts the server and initializes it with `capabilities`.
    pub fn start(capabilities: Value) -> Client {
        let mut c = Client::spawn();
        c.initialize(capabilities, None);
        c
    }

    /// Sends `initialize` and `initialized`; returns the initialize result.
    pub fn initialize(&mut self, capabilities: Value, options: Option<Value>) -> Value {
        let mut params = json!({"processId": null, "rootUri": null, "capabilities": capabilities});
        if let Some(o) = options {
            params["initializationOptions"] = o;
        }
        let result = self.result("initialize", params);
        self.notify("initialized", json!({}));
        result
    }

    /// Sends raw bytes to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let mut stdin = self.stdin.lock().unwrap_or_else(|e| e.into_inner());
        let _ = stdin.write_all(bytes);
        let _ = stdin.flush();
    }

    /// Sends a message.
    pub fn send(&mut self, msg: &Value) {
        write_frame(&self.stdin, msg.to_string().as_bytes());
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and returns the whole response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Sends a request and returns its result, failing on an error response.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}\nstderr: {}",
            self.stderr()
        );
        response["result"].clone()
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.recv(|m| m.get("method").is_none() && m["id"] == id)
    }

    /// The next message (from the backlog first) matching `pred`; others
    /// stay in the backlog.
    pub fn recv(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        self.try_recv(&pred, TIMEOUT).unwrap_or_else(|| {
            panic!(
                "timed out waiting for a message; backlog {:?}\nstderr: {}",
                self.backlog,
                self.stderr()
            )
        })
    }

    /// Like [`Client::recv`], but gives up after `timeout`.
    pub fn try_recv(&mut self, pred: &impl Fn(&Value) -> bool, timeout: Duration) -> Option<Value> {
        if let Some(i) = self.backlog.iter().position(pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if pred(&m) => return Some(m),
                Ok(m) => self.backlog.push_back(m),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Drops every received `method` notification not yet consumed.
    pub fn drain(&mut self, method: &str) -> Vec<Value> {
        while let Ok(m) = self.rx.try_recv() {
            self.backlog.push_back(m);
        }
        let (hit, keep): (Vec<Value>, Vec<Value>) =
            self.backlog.drain(..).partition(|m| m["method"] == method);
        self.backlog = keep.into();
        hit
    }

    /// Drops the publications of `uri` waiting in the backlog: those after
    /// are the ones to look at.
    pub fn forget_publications(&mut self, uri: &str) {
        self.backlog.retain(|m| {
            !(m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        });
    }

    /// Waits for `publishDiagnostics` of `uri` at `version`; publications
    /// of earlier versions are dropped.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let is_publish = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        self.backlog.retain(|m| {
            !(is_publish(m) && m["params"]["version"].as_i64().is_some_and(|v| v < version))
        });
        loop {
            let msg = self.recv(|m| {
                is_publish(m)
                    && m["params"]["version"]
                        .as_i64()
                        .is_some_and(|v| v <= version)
            });
            if msg["params"]["version"].as_i64() == Some(version) {
                return msg["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    /// Opens a Go document at version 1.
    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "go", "version": 1, "text": text}}),
        );
    }

    /// Sends one `didChange` with `changes`.
    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// The server's view of a document (`gohint/syntaxTree`).
    pub fn syntax_tree(&mut self, uri: &str) -> Value {
        self.result("gohint/syntaxTree", json!({"textDocument": {"uri": uri}}))
    }

    /// Hover at a position.
    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    /// Waits until the server's stderr contains `text`; returns whether it did.
    pub fn wait_stderr(&self, text: &str) -> bool {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if self.stderr().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `timeout` for the process to end.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// Everything the server wrote that was not read yet, in order (the
    /// backlog aside), up to the end of its output; call it once the server
    /// is told to exit.
    pub fn unread(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(m) = self.rx.recv_timeout(TIMEOUT) {
            out.push(m);
        }
        out
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn stop(mut self) -> ExitStatus {
        self.result("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit(Duration::from_secs(5))
            .expect("server exits")
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Client capabilities: UTF-8 positions or not, markdown hovers or not.
pub fn capabilities(utf8: bool, markdown: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    let formats = if markdown {
        json!(["markdown", "plaintext"])
    } else {
        json!(["plaintext"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "textDocument": {
            "hover": {"contentFormat": formats},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}}
        }
    })
}

/// The LSP position of byte `offset` of `text`, computed independently of
/// the server: lines end at `\n`, columns count UTF-8 or UTF-16 units.
pub fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    let col: usize = if utf8 {
        offset - start
    } else {
        before[start..].chars().map(char::len_utf16).sum()
    };
    json!({"line": line, "character": col})
}

/// The LSP range of a byte range of `text`.
pub fn range(text: &str, start: usize, end: usize, utf8: bool) -> Value {
    json!({"start": position(text, start, utf8), "end": position(text, end, utf8)})
}

/// The byte offset of an LSP position in `text` (exact positions only).
pub fn offset(text: &str, pos: &Value, utf8: bool) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let col = pos["character"].as_u64().unwrap_or(0) as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= col || ch == '\n' || ch == '\r' {
            return start + i;
        }
        units += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
    }
    text.len()
}

/// Applies LSP text edits (as JSON) to `text`.
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"], utf8),
                offset(text, &e["range"]["end"], utf8),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

/// `src` with the edits of every fix in `fixes` applied at once, the way
/// an editor applies quick fixes. An edit two fixes share is applied once;
/// insertions at the same place go in the order of their fixes; edits that
/// overlap are an error naming both.
pub fn apply_fixes<'a>(
    src: &str,
    fixes: impl IntoIterator<Item = &'a gohint::analysis::Fix>,
) -> Result<String, String> {
    let mut edits: Vec<&gohint::analysis::Edit> =
        fixes.into_iter().flat_map(|fix| fix.edits.iter()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
    for pair in edits.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.range.end > b.range.start {
            return Err(format!("conflicting edits {a:?} and {b:?}"));
        }
    }
    let mut out = src.to_string();
    for e in edits.iter().rev() {
        let inside = e.range.start <= e.range.end
            && out.is_char_boundary(e.range.start)
            && out.is_char_boundary(e.range.end);
        if !inside {
            return Err(format!("edit {e:?} is outside the source"));
        }
        out.replace_range(e.range.clone(), &e.text);
    }
    Ok(out)
}
