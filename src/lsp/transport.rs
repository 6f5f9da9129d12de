//! The server's input and output (stdio, or any reader and writer),
//! hardened. The framework stops serving at the first message it cannot
//! decode, so a reader thread checks every frame first: bad headers,
//! invalid UTF-8 or JSON and non-JSON-RPC bodies are answered with a
//! JSON-RPC error right here, and only messages the framework decodes reach
//! it. It also notices the `exit` notification, so the process can end on time
//! even when a handler is stuck.

use super::{log, repair};
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Longest header block accepted before it is declared garbage.
const MAX_HEADER: usize = 8 * 1024;
/// Largest message body accepted.
const MAX_BODY: usize = 512 * 1024 * 1024;
/// JSON-RPC "Parse error".
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC "Invalid Request".
const INVALID_REQUEST: i64 = -32600;

/// Starts reading `reader` on its own thread; replies to rejected messages
/// go to `output`. Returns the stream of valid messages for the framework,
/// and a signal fired when `exit` arrives.
pub fn input(reader: impl Read + Send + 'static, output: Output) -> (Input, oneshot::Receiver<()>) {
    let (tx, rx) = mpsc::channel(64);
    let (exit_tx, exit_rx) = oneshot::channel();
    std::thread::spawn(move || read_loop(reader, &tx, &output, exit_tx));
    (
        Input {
            rx,
            chunk: Vec::new(),
            at: 0,
        },
        exit_rx,
    )
}

/// Reads frames from `reader` until it closes.
fn read_loop(
    mut reader: impl Read,
    tx: &mpsc::Sender<Vec<u8>>,
    output: &Output,
    exit: oneshot::Sender<()>,
) {
    let mut exit = Some(exit);
    let mut framer = Framer::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                log::line(format!("gohint: cannot read the client's messages: {e}"));
                return;
            }
        };
        framer.push(&buf[..n]);
        while let Some(frame) = framer.next() {
            match check(frame) {
                Ok((body, is_exit)) => {
                    if tx.blocking_send(body).is_err() {
                        return;
                    }
                    if is_exit {
                        if let Some(signal) = exit.take() {
                            let _ = signal.send(());
                        }
                    }
                }
                Err(rejected) => {
                    log::line(format!(
                        "gohint: rejected a message: {}",
                        rejected.response["error"]["message"]
                    ));
                    output.write_frame(&rejected.body());
                }
            }
        }
    }
}

/// A frame as cut from the input.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A message body.
    Body(Vec<u8>),
    /// A header that cannot be read, and why.
    BadHeader(String),
}

/// Cuts `Content-Length` framed messages out of a byte stream, skipping
/// garbage up to the next `Content-Length` header.
#[derive(Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Where the unread input starts in `buf`.
    at: usize,
    /// Set after a bad header: skip to the next `Content-Length`.
    resync: bool,
}

impl Framer {
    /// Appends input bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.at > 0 && self.at * 2 >= self.buf.len() {
            self.buf.drain(..self.at);
            self.at = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete frame, if the input holds one.
    pub fn next(&mut self) -> Option<Frame> {
        if self.resync {
            let unread = &self.buf[self.at..];
            match find(&unread.to_ascii_lowercase(), b"content-length") {
                Some(skip) => {
                    self.at += skip;
                    self.resync = false;
                }
                None => {
                    self.at += unread.len().saturating_sub(b"content-length".len() - 1);
                    return None;
                }
            }
        }
        let unread = &self.buf[self.at..];
        let Some(end) = find(unread, b"\r\n\r\n") else {
            if unread.len() > MAX_HEADER {
                return Some(self.bad(unread.len(), "no end of header (\\r\\n\\r\\n)".to_string()));
            }
            return None;
        };
        let length = match content_length(&unread[..end]) {
            Ok(length) => length,
            Err(why) => return Some(self.bad(end + 4, why)),
        };
        let body = end + 4;
        if unread.len() < body + length {
            return None;
        }
        let frame = unread[body..body + length].to_vec();
        self.at += body + length;
        Some(Frame::Body(frame))
    }

    /// Drops `consumed` bytes of a bad header and resynchronises.
    fn bad(&mut self, consumed: usize, why: String) -> Frame {
        self.at += consumed;
        self.resync = true;
        Frame::BadHeader(why)
    }
}

/// The `Content-Length` of a header block (header names ignore case).
fn content_length(header: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(header).map_err(|_| "header is not UTF-8".to_string())?;
    let mut length = None;
    for line in text.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("bad header line {line:?}"));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let n: usize = value
                .trim()
                .parse()
                .map_err(|_| format!("bad Content-Length {:?}", value.trim()))?;
            if n > MAX_BODY {
                return Err(format!("Content-Length {n} is too large"));
            }
            length = Some(n);
        }
    }
    length.ok_or_else(|| "missing Content-Length header".to_string())
}

/// The position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A message as the framework decodes it (its codec reads the body as
/// UTF-8 text, then tries a response first).
#[derive(Deserialize)]
#[serde(untagged)]
enum Message {
    /// A response to a request of the server.
    Response(#[allow(dead_code)] Response),
    /// A request or notification.
    Request(Request),
}

/// JSON-RPC "Method not found".
const METHOD_NOT_FOUND: i64 = -32601;

/// A message turned away, and the response to write for it.
#[derive(Debug)]
pub struct Rejected {
    /// The JSON-RPC error response.
    pub response: Value,
    /// The id exactly as sent, when it is a number the response's `id`
    /// cannot carry (it does not fit 64 bits, or is fractional).
    raw_id: Option<String>,
}

impl Rejected {
    /// The response to a message whose id is `id`.
    fn new(id: Value, code: i64, message: &str) -> Rejected {
        Rejected {
            response: error(id, code, message),
            raw_id: None,
        }
    }

    /// The response body, with the id as sent.
    pub fn body(&self) -> Vec<u8> {
        match &self.raw_id {
            Some(raw) => format!(
                "{{\"jsonrpc\":\"2.0\",\"id\":{raw},\"error\":{}}}",
                self.response["error"]
            )
            .into_bytes(),
            None => serde_json::to_vec(&self.response).unwrap_or_default(),
        }
    }
}

/// A frame the framework will accept, re-framed, and whether it is `exit`;
/// or the JSON-RPC error response for it. A frame is accepted exactly when
/// the framework decodes it: the first one it cannot decode ends its input.
/// Lone surrogate escapes and out-of-range change positions are repaired
/// first (and logged); `$/` requests, which the framework would leave
/// unanswered, get MethodNotFound.
pub fn check(frame: Frame) -> Result<(Vec<u8>, bool), Rejected> {
    let body = match frame {
        Frame::Body(body) => body,
        Frame::BadHeader(why) => {
            return Err(Rejected::new(
                Value::Null,
                PARSE_ERROR,
                &format!("Parse error: {why}"),
            ))
        }
    };
    let text = std::str::from_utf8(&body).map_err(|e| {
        Rejected::new(
            Value::Null,
            PARSE_ERROR,
            &format!("Parse error: the message is not UTF-8: {e}"),
        )
    })?;
    let is_exit = match serde_json::from_str::<Message>(text) {
        Ok(Message::Request(request)) => {
            let (method, id, _) = request.into_parts();
            if let (Some(id), true) = (id, method.starts_with("$/")) {
                return Err(Rejected::new(
                    serde_json::to_value(id).unwrap_or_default(),
                    METHOD_NOT_FOUND,
                    &format!("Method not found: {method}"),
                ));
            }
            if method == "textDocument/didChange" {
                if let Some(clamped) = clamp_change(text) {
                    return Ok((framed(&clamped), false));
                }
            }
            method == "exit"
        }
        Ok(Message::Response(_)) => false,
        Err(_) => {
            let value: Value = match serde_json::from_str(text) {
                Ok(value) => value,
                Err(e) => {
                    if let Some(fixed) = repair::lone_surrogates(text) {
                        if serde_json::from_str::<Value>(&fixed).is_ok() {
                            log::line("gohint: a message held lone UTF-16 surrogate escapes; each was read as U+FFFD");
                            return check(Frame::Body(fixed.into_bytes()));
                        }
                    }
                    return Err(Rejected::new(
                        Value::Null,
                        PARSE_ERROR,
                        &format!("Parse error: {e}"),
                    ));
                }
            };
            let id = value
                .get("id")
                .filter(|id| id.is_number() || id.is_string())
                .cloned()
                .unwrap_or(Value::Null);
            let why = serde_json::from_value::<Request>(value).err().map_or_else(
                || "not a request or response".to_string(),
                |e| e.to_string(),
            );
            let mut rejected =
                Rejected::new(id, INVALID_REQUEST, &format!("Invalid Request: {why}"));
            if rejected.response["id"].is_f64() {
                rejected.raw_id = repair::raw_numeric_id(text).map(str::to_string);
            }
            return Err(rejected);
        }
    };
    Ok((framed(&body), is_exit))
}

/// A `didChange` message with out-of-range numbers clamped (each logged),
/// or `None` when all are in range.
fn clamp_change(text: &str) -> Option<Vec<u8>> {
    let mut message: Value = serde_json::from_str(text).ok()?;
    let notes = repair::clamp_change(message.get_mut("params")?);
    if notes.is_empty() {
        return None;
    }
    let uri = message["params"]["textDocument"]["uri"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    for note in notes {
        log::line(format!("gohint: {uri}: {note}"));
    }
    serde_json::to_vec(&message).ok()
}

/// `body` with its `Content-Length` header.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

/// A JSON-RPC error response.
fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// The valid messages, as a byte stream for the framework.
pub struct Input {
    rx: mpsc::Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl AsyncRead for Input {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.at >= this.chunk.len() {
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => {
                    this.chunk = chunk;
                    this.at = 0;
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = out.remaining().min(this.chunk.len() - this.at);
        out.put_slice(&this.chunk[this.at..this.at + n]);
        this.at += n;
        Poll::Ready(Ok(()))
    }
}

/// Where the server writes (stdout), shared by the framework and the
/// reader thread's error replies. Each write is written whole under one
/// lock, so frames never interleave.
#[derive(Clone)]
pub struct Output(Arc<Mutex<Option<Box<dyn Write + Send>>>>);

impl Output {
    /// Output to `writer`.
    pub fn new(writer: impl Write + Send + 'static) -> Output {
        Output(Arc::new(Mutex::new(Some(Box::new(writer)))))
    }

    /// Flushes and drops the writer once a frame being written is whole;
    /// later writes fail (the reader thread can outlive the server).
    pub fn close(&self) {
        let writer = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(mut writer) = writer {
            let _ = writer.flush();
        }
    }

    /// Runs `f` on the writer, then flushes it.
    fn with(&self, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
        let mut out = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(out) = out.as_mut() else {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        };
        f(&mut **out).and_then(|()| out.flush())
    }

    /// Writes one framed message, whole.
    fn write_frame(&self, body: &[u8]) {
        let _ = self.with(|out| {
            write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
            out.write_all(body)
        });
    }
}

impl AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.with(|out| out.write_all(buf)).map(|()| buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.with(|_| Ok(())))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.with(|_| Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut f = Framer::default();
        f.push(input);
        std::iter::from_fn(|| f.next()).collect()
    }

    #[test]
    fn cuts_frames_and_resynchronises_after_garbage() {
        let got = frames(b"Content-Length: 2\r\n\r\n{}garbage\r\n\r\nContent-Length: x\r\n\r\n{}content-length: 3\r\n\r\n[1]");
        assert_eq!(
            got,
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::BadHeader("bad header line \"garbage\"".to_string()),
                Frame::BadHeader("bad Content-Length \"x\"".to_string()),
                Frame::Body(b"[1]".to_vec()),
            ]
        );
    }

    #[test]
    fn waits_for_split_input() {
        let mut f = Framer::default();
        f.push(b"Content-Len");
        assert_eq!(f.next(), None);
        f.push(b"gth: 2\r\n\r\n{");
        assert_eq!(f.next(), None);
        f.push(b"}");
        assert_eq!(f.next(), Some(Frame::Body(b"{}".to_vec())));
    }

    #[test]
    fn checks_bodies() {
        let ok = check(Frame::Body(
            br#"{"jsonrpc":"2.0","method":"exit"}"#.to_vec(),
        ));
        assert!(matches!(ok, Ok((_, true))));
        let bad_json = check(Frame::Body(b"{not json".to_vec()))
            .err()
            .map(|r| r.response)
            .unwrap_or_default();
        assert_eq!(bad_json["error"]["code"], PARSE_ERROR);
        assert_eq!(bad_json["id"], Value::Null);
        let bad_rpc = check(Frame::Body(
            br#"{"jsonrpc":"1.0","id":7,"method":"x"}"#.to_vec(),
        ))
        .err()
        .map(|r| r.response)
        .unwrap_or_default();
        assert_eq!(bad_rpc["error"]["code"], INVALID_REQUEST);
        assert_eq!(bad_rpc["id"], 7);
        assert!(check(Frame::Body(
            br#"{"jsonrpc":"2.0","id":1,"result":null}"#.to_vec()
        ))
        .is_ok());
    }

    #[test]
    fn rejects_what_the_framework_cannot_decode() {
        // Invalid UTF-8 in a field a request ignores.
        let bad_utf8 = check(Frame::Body(
            b"{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"parems\":\"\xe0\x84\"}".to_vec(),
        ))
        .err()
        .map(|r| r.response)
        .unwrap_or_default();
        assert_eq!(bad_utf8["error"]["code"], PARSE_ERROR);
        // The framework reads a response first, so this is not `exit`.
        let response = check(Frame::Body(
            br#"{"jsonrpc":"2.0","id":1,"result":0,"method":"exit"}"#.to_vec(),
        ));
        assert!(matches!(response, Ok((_, false))));
    }
}
