//! Incremental edits against a fresh parse, through the language server
//! in-process. The input spells a base document and a sequence of
//! `didChange` notifications (inserts, deletes, replacements, whole-text
//! replacements, several changes per notification, multi-line and
//! non-ASCII text, UTF-8 or UTF-16 positions); then the server's text,
//! syntax tree and diagnostics of the edited document must equal those of a
//! second document opened with the expected text. Shared by the fuzz target
//! and the regression tests.
#![allow(dead_code)]

use super::session::{self, frame, response};
use serde_json::{json, Value};

/// Documents to start from.
const BASES: &[&str] = &[
    include_str!("../../tests/fixtures/double-close.go"),
    include_str!("../../tests/fixtures/defer-in-loop.go"),
    include_str!("../../tests/fixtures/unbuffered-send-deadlock.go"),
    include_str!("../../tests/fixtures/recover-not-deferred.go"),
    include_str!("../../tests/fixtures/unused-ignore.go"),
    "package p\r\n\r\nfunc f(ch chan int) {\r\n\tclose(ch)\r\n\ts := \"é😀\"\r\n\tclose(ch)\r\n}\r\n",
    "",
];

/// Text an edit inserts.
const PIECES: &[&str] = &[
    "",
    "x",
    "\n",
    "\r\n",
    "\r",
    "}",
    "{",
    "(",
    ")",
    "\"",
    "`",
    "// ",
    "/*",
    "\t",
    "é",
    "😀",
    "日本",
    "close(ch)\n",
    "defer close(ch)\n",
    "go func() {\n\tch <- 1\n}()\n",
    "for _, v := range xs {\n",
    "select {\ncase <-ch:\n}\n",
    "func g() {}\n",
    "v := x.(int)\n",
    "mu.Lock()\n",
    "//gohint:ignore double-close -- test\n",
    "package q\n",
];

/// The LSP position of byte `offset` of `text`, counted in UTF-8 or UTF-16
/// (computed here independently of the server's line index). Lines end at
/// `\n`, `\r\n` and a lone `\r`, as LSP has it.
fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let bytes = text.as_bytes();
    let (mut line, mut start) = (0, 0);
    for (i, &b) in bytes[..offset].iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
    }
    let col: usize = if utf8 {
        offset - start
    } else {
        text[start..offset].encode_utf16().count()
    };
    json!({"line": line, "character": col})
}

/// `offset` moved back to a character boundary and out of a CRLF pair
/// (LSP positions cannot point between `\r` and `\n`).
fn snap(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if offset > 0
        && text.as_bytes()[offset - 1] == b'\r'
        && text.as_bytes().get(offset) == Some(&b'\n')
    {
        offset -= 1;
    }
    offset
}

/// Runs the session `data` spells and checks the edited document against
/// a fresh one; panics with what differs.
pub fn check(data: &[u8]) {
    let Some((&[mode, base], ops)) = data.split_first_chunk::<2>() else {
        return;
    };
    let utf8 = mode & 1 == 1;
    let mut text = BASES[usize::from(base) % BASES.len()].to_string();
    let (a, b) = ("file:///fuzz/a.go", "file:///fuzz/b.go");
    let mut input = frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": a, "languageId": "go", "version": 1, "text": text}}}));
    let mut version = 1;
    let mut changes = Vec::new();
    for op in ops.chunks_exact(5) {
        let at = snap(
            &text,
            usize::from(u16::from_le_bytes([op[1], op[2]])) % (text.len() + 1),
        );
        let end = snap(&text, at + usize::from(op[3] % 24));
        let piece = PIECES[usize::from(op[4]) % PIECES.len()];
        if op[0] % 8 == 7 {
            // The whole text replaced: the piece inserted at `at`.
            text.insert_str(at, piece);
            changes.push(json!({ "text": text }));
        } else {
            let (start, stop, insert) = match op[0] % 3 {
                0 => (at, at, piece),
                1 => (at, end, ""),
                _ => (at, end, piece),
            };
            let range = json!({
                "start": position(&text, start, utf8),
                "end": position(&text, stop, utf8),
            });
            changes.push(json!({ "range": range, "text": insert }));
            text.replace_range(start..stop, insert);
        }
        // Several changes go in one notification unless the op says send.
        if op[0] & 0x80 == 0 {
            version += 1;
            input.extend(frame(
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": a, "version": version},
                    "contentChanges": std::mem::take(&mut changes)}}),
            ));
        }
    }
    if !changes.is_empty() {
        version += 1;
        input.extend(frame(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": a, "version": version}, "contentChanges": changes}}),
        ));
    }
    input.extend(frame(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": b, "languageId": "go", "version": 1, "text": text}}}),
    ));
    for (id, uri) in [(100, a), (101, b)] {
        input.extend(frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": "gohint/syntaxTree",
            "params": {"textDocument": {"uri": uri}}}),
        ));
    }
    for (id, uri) in [(102, a), (103, b)] {
        input.extend(frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic",
            "params": {"textDocument": {"uri": uri}}}),
        ));
    }
    let messages = session::run(utf8, true, &input);
    let tree = |id| {
        let r = response(&messages, id);
        assert!(r["result"].is_object(), "no syntax tree: {r}");
        &r["result"]
    };
    let (ta, tb) = (tree(100), tree(101));
    assert_eq!(ta["text"].as_str(), Some(text.as_str()), "edited text");
    assert_eq!(ta["version"], version, "edited version");
    assert_eq!(
        ta["tree"], tb["tree"],
        "incremental tree != fresh tree\ntext: {text:?}"
    );
    let diagnostics = |id| {
        let r = response(&messages, id);
        assert!(r["result"]["items"].is_array(), "no diagnostics: {r}");
        r["result"]["items"].to_string().replace(b, a)
    };
    assert_eq!(
        diagnostics(102),
        diagnostics(103),
        "incremental diagnostics != fresh\ntext: {text:?}"
    );
}
