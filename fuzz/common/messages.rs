//! The language server's message loop on hostile input after a valid
//! `initialize`. The first input byte picks UTF-8 or UTF-16 positions, pull
//! or pushed diagnostics, and how the rest is sent: as raw bytes (bad
//! frames, bad headers, truncated bodies) or as NUL-separated message
//! bodies, each framed correctly (bad JSON, unknown methods, wrong params,
//! out-of-range positions, documents never opened), followed by a
//! `shutdown` request that must be answered unless a body was `exit`.
//! Every message the server writes must be framed JSON-RPC 2.0, and nothing
//! may panic. Shared by the fuzz target and the regression tests.
#![allow(dead_code)]

use super::session::{self, frame};
use serde_json::{json, Value};

/// The id of the final `shutdown` request.
const LAST: &str = "last";

/// Runs the session `data` spells; panics with what is wrong.
pub fn check(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (utf8, pull) = (mode & 1 == 1, mode & 2 == 2);
    if mode & 4 == 0 {
        session::run(utf8, pull, rest);
        return;
    }
    let mut input = Vec::new();
    let mut exits = false;
    for body in rest.split(|&b| b == 0) {
        exits |= serde_json::from_slice::<Value>(body).is_ok_and(|v| v["method"] == "exit");
        input.extend(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
        input.extend_from_slice(body);
    }
    input.extend(frame(
        &json!({"jsonrpc": "2.0", "id": LAST, "method": "shutdown"}),
    ));
    let messages = session::run(utf8, pull, &input);
    assert!(
        exits
            || messages
                .iter()
                .any(|m| m["id"] == LAST && m.get("method").is_none()),
        "the final shutdown request was not answered; the server wrote:\n{}",
        messages
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
