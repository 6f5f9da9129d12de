//! Inputs the fuzz targets (`fuzz/`) found bugs with, replayed through the
//! same checks: `tests/fuzz/<target>/*` hold the raw inputs of
//! `analyze_bytes`, `lsp_messages` and `lsp_incremental`, and the mutated
//! Go files of `mutate_go`. Inputs that found races are in
//! `tests/fuzz/<target>/races/`, replayed many times each.

use crate::fuzz_common::{analysis, edits, messages, session};
use serde_json::json;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The inputs saved in `tests/fuzz/<dir>`, sorted.
fn inputs(dir: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(dir);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("a readable input");
            (p, bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs in {}", dir.display());
    out
}

/// Runs `check` on every input in `tests/fuzz/<dir>`, naming the input
/// that fails.
fn replay(dir: &str, check: impl Fn(&[u8])) {
    for (path, bytes) in inputs(dir) {
        eprintln!("replaying {}", path.display());
        check(&bytes);
    }
}

#[test]
fn analyze_bytes() {
    replay("analyze_bytes", |data| {
        if let Some((&first, text)) = data.split_first() {
            analysis::analyze_and_check(text, &analysis::options(first));
        }
    });
}

/// The mutated Go files of `mutate_go`, checked under every set of options
/// the target picks from.
#[test]
fn mutate_go() {
    replay("mutate_go", |text| {
        for options in 0..4 {
            analysis::analyze_and_check(text, &analysis::options(options));
        }
    });
}

#[test]
fn lsp_incremental() {
    replay("lsp_incremental", edits::check);
}

#[test]
fn lsp_messages() {
    replay("lsp_messages", messages::check);
}

/// Found by `lsp_messages` as output cut mid-frame: the server returned
/// right after `exit` while the reader thread was still answering the
/// garbage behind it, and went on writing.
#[test]
fn nothing_is_written_after_serve_on_returns() {
    let mut input = session::frame(&json!({"jsonrpc": "2.0", "method": "exit"}));
    for _ in 0..20_000 {
        input.extend_from_slice(b"Content-Length: 1\r\n\r\nx");
    }
    let sink = session::Sink::default();
    let _ = gohint::lsp::serve_on(Cursor::new(input), sink.clone());
    let at_return = sink.bytes().len();
    std::thread::sleep(Duration::from_millis(300));
    let bytes = sink.bytes();
    assert_eq!(bytes.len(), at_return, "written after serve_on returned");
    let (messages, rest) = session::frames(&bytes);
    assert!(
        rest.is_empty(),
        "a frame cut short: {:?}",
        String::from_utf8_lossy(rest)
    );
    for m in &messages {
        assert_eq!(m["error"]["code"], -32700, "not a parse error reply: {m}");
    }
}

/// Races show up in some runs only: each input is run this many times
/// (300 runs of each passed when the fix went in).
const RACE_RUNS: usize = 10;

/// Found by `lsp_messages`: `gohint.conceptsInFile` ran the concept query
/// on a syntax tree older than the text, and tree-sitter's slice of the
/// text panicked and ended the server.
#[test]
fn concepts_never_read_a_stale_tree() {
    for _ in 0..RACE_RUNS {
        replay("lsp_messages/races", messages::check);
    }
}
