//! Driving the language server in-process: framed messages in, and every
//! message it wrote out, checked to be framed JSON-RPC 2.0. Shared by the
//! fuzz targets and the regression tests.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{Cursor, Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// One `Content-Length` framed message.
pub fn frame(msg: &Value) -> Vec<u8> {
    let body = msg.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// How long the server gets to answer `initialize`.
const INITIALIZE_TIMEOUT: Duration = Duration::from_secs(10);

/// The `initialize` request (id 0): UTF-8 positions or UTF-16, pull
/// diagnostics or pushed ones.
fn initialize(utf8: bool, pull: bool) -> Vec<u8> {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    let mut text = json!({"hover": {"contentFormat": ["markdown"]}});
    if pull {
        text["diagnostic"] = json!({});
    }
    frame(&json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"processId": null, "rootUri": null,
            "capabilities": {"general": {"positionEncodings": encodings}, "textDocument": text}}}))
}

/// What the server wrote so far, and a signal for each write.
#[derive(Clone, Default)]
pub struct Sink(Arc<(Mutex<Vec<u8>>, Condvar)>);

impl Sink {
    /// The bytes written so far.
    pub fn bytes(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0 .0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes().extend_from_slice(buf);
        self.0 .1.notify_all();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The client's side: `initialize`, then (once the server answered it, as
/// clients must wait) `initialized` and the rest of the input.
struct Client {
    initialize: Cursor<Vec<u8>>,
    rest: Cursor<Vec<u8>>,
    sink: Sink,
}

impl Read for Client {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.initialize.position() < self.initialize.get_ref().len() as u64 {
            return self.initialize.read(buf);
        }
        if self.rest.position() == 0 {
            let deadline = Instant::now() + INITIALIZE_TIMEOUT;
            let mut out = self.sink.bytes();
            while !frames(&out).0.iter().any(|m| m["id"] == 0) {
                let left = deadline.saturating_duration_since(Instant::now());
                assert!(!left.is_zero(), "initialize was not answered");
                out = self
                    .sink
                    .0
                     .1
                    .wait_timeout(out, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
        self.rest.read(buf)
    }
}

/// Runs a whole session: `initialize` with UTF-8 or UTF-16 positions and
/// pull or pushed diagnostics, `initialized`, then `input`; the server stops
/// at `exit` or at the end of the input. Returns every message the server
/// wrote, after checking each one is a framed JSON-RPC 2.0 request,
/// notification or response. Panics with what is wrong.
pub fn run(utf8: bool, pull: bool, input: &[u8]) -> Vec<Value> {
    let sink = Sink::default();
    let mut rest = frame(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    rest.extend_from_slice(input);
    let client = Client {
        initialize: Cursor::new(initialize(utf8, pull)),
        rest: Cursor::new(rest),
        sink: sink.clone(),
    };
    let _ = gohint::lsp::serve_on(client, sink.clone());
    let bytes = std::mem::take(&mut *sink.bytes());
    let (messages, rest) = frames(&bytes);
    assert!(
        rest.is_empty(),
        "unframed output: {:?}",
        String::from_utf8_lossy(rest)
    );
    for msg in &messages {
        check_message(msg);
    }
    messages
}

/// The framed JSON messages at the start of `bytes`, and what follows them.
/// Panics on a frame that is not JSON.
pub fn frames(mut bytes: &[u8]) -> (Vec<Value>, &[u8]) {
    let mut out = Vec::new();
    while let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        let Some(length) = std::str::from_utf8(&bytes[..end])
            .ok()
            .and_then(|h| h.strip_prefix("Content-Length: "))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            break;
        };
        let Some(body) = bytes.get(end + 4..end + 4 + length) else {
            break;
        };
        let msg: Value = serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(body)));
        out.push(msg);
        bytes = &bytes[end + 4 + length..];
    }
    (out, bytes)
}

/// Checks the shape of one JSON-RPC 2.0 message.
fn check_message(msg: &Value) {
    assert_eq!(msg["jsonrpc"], "2.0", "not JSON-RPC 2.0: {msg}");
    let id = msg.get("id");
    assert!(
        id.is_none_or(|id| id.is_null() || id.is_number() || id.is_string()),
        "bad id: {msg}"
    );
    if msg.get("method").is_some() {
        assert!(msg["method"].is_string(), "bad method: {msg}");
        return;
    }
    assert!(id.is_some(), "neither a request nor a response: {msg}");
    let (result, error) = (msg.get("result"), msg.get("error"));
    assert!(
        result.is_some() != error.is_some(),
        "a response needs exactly one of result and error: {msg}"
    );
    if let Some(error) = error {
        assert!(
            error["code"].is_i64() && error["message"].is_string(),
            "bad error object: {msg}"
        );
    }
}

/// The response to request `id` among `messages`.
pub fn response(messages: &[Value], id: i64) -> &Value {
    messages
        .iter()
        .find(|m| m["id"] == id && m.get("method").is_none())
        .unwrap_or_else(|| panic!("no response to request {id}"))
}
