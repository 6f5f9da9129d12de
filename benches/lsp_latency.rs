//! Language-server latency over stdio, against the release binary:
//! didOpen → first `publishDiagnostics`, edit → `publishDiagnostics` for
//! one-character edits typed into the function bodies of a large file, and
//! hover round trips on constructs and on random identifiers, both before
//! any edit (the document keeps no syntax tree: a hover parses the
//! declaration under the cursor) and after (the tree is kept). Targets for
//! hovers: p50 ≤ 0.5 ms, p99 ≤ 2 ms.
//!
//! `cargo bench --bench lsp_latency` (file: `GOHINT_BENCH_FILE`, default
//! the Go standard library's `net/http/server.go`; edits:
//! `GOHINT_BENCH_EDITS`, default 600).

#[path = "../tests/it/common/mod.rs"]
mod common;

use common::{capabilities, position, Client};
use gohint::analysis::syntax::GO_KEYWORDS;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The file to open.
fn file() -> Option<String> {
    if let Ok(path) = std::env::var("GOHINT_BENCH_FILE") {
        return Some(path);
    }
    let mut found: Vec<String> = std::fs::read_dir("/usr/share")
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("go-"))
        .map(|e| e.path().join("src/net/http/server.go"))
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    found.sort();
    found.pop()
}

/// Where typing goes: the end of each identifier inside a function body
/// (keywords excluded), so every edit keeps the file valid Go.
fn sites(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with('\t') {
            let mut start = None;
            for (i, c) in line
                .char_indices()
                .chain(std::iter::once((line.len(), ' ')))
            {
                let word = c.is_alphanumeric() || c == '_';
                match (start, word) {
                    (None, true) => start = Some(i),
                    (Some(s), false) => {
                        let token = &line[s..i];
                        if !GO_KEYWORDS.contains(&token)
                            && !token.starts_with(|c: char| c.is_ascii_digit())
                        {
                            out.push(offset + i);
                        }
                        start = None;
                    }
                    _ => {}
                }
            }
        }
        offset += line.len();
    }
    out
}

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{name:<34} n={:<5} p50 {:>7.2} ms   p90 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.9).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
    );
}

/// Hover round trips at each of `targets` (byte offsets of `text`),
/// `rounds` times over; and how many hovers of the first round had content.
fn hovers(
    c: &mut Client,
    uri: &str,
    text: &str,
    targets: &[usize],
    rounds: usize,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut answered = 0;
    for round in 0..rounds {
        for &at in targets {
            let p = position(text, at, false);
            let sent = Instant::now();
            let hover = c.hover(
                uri,
                p["line"].as_u64().unwrap_or(0) as u32,
                p["character"].as_u64().unwrap_or(0) as u32,
            );
            times.push(sent.elapsed());
            answered += usize::from(round == 0 && !hover.is_null());
        }
    }
    (times, answered)
}

/// The hover targets of `text`: constructs the corpus explains and the
/// starts of `diagnostics`; and `n` random identifiers.
fn targets(text: &str, diagnostics: &[Value], n: usize) -> (Vec<usize>, Vec<usize>) {
    let constructs = [
        "go func",
        "defer ",
        "select {",
        "close(",
        "sync.Mutex",
        "append(",
        "atomic.",
    ]
    .iter()
    .flat_map(|needle| text.match_indices(needle).map(|(i, _)| i).take(20))
    .chain(
        diagnostics
            .iter()
            .map(|d| common::offset(text, &d["range"]["start"], false)),
    )
    .collect();
    let ends = sites(text);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let identifiers = (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            ends[(seed % ends.len() as u64) as usize] - 1
        })
        .collect();
    (constructs, identifiers)
}

fn main() {
    let Some(path) = file() else {
        eprintln!("lsp_latency: no Go source found; set GOHINT_BENCH_FILE");
        return;
    };
    let edits: usize = std::env::var("GOHINT_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let mut text = std::fs::read_to_string(&path).expect("read the Go file");
    let uri = format!("file://{path}");
    println!(
        "{path}: {} bytes, {} lines",
        text.len(),
        text.lines().count()
    );

    let mut c = Client::start(capabilities(false, true));
    let started = Instant::now();
    c.open(&uri, &text);
    let initial = c.diagnostics(&uri, 1);
    println!(
        "didOpen → publishDiagnostics: {:.1} ms ({} diagnostics)",
        started.elapsed().as_secs_f64() * 1e3,
        initial.len()
    );

    let (constructs, identifiers) = targets(&text, &initial, 200);
    let (times, answered) = hovers(&mut c, &uri, &text, &constructs, 5);
    println!(
        "hover targets: {} constructs ({answered} with content)",
        constructs.len()
    );
    percentiles("hover, no tree kept: constructs", times);
    let (times, _) = hovers(&mut c, &uri, &text, &identifiers, 5);
    percentiles("hover, no tree kept: identifiers", times);

    let sites = sites(&text);
    let mut latencies = Vec::with_capacity(edits);
    let mut version = 1;
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..edits {
        // Type a character at the end of an identifier, then delete it.
        let insert = i % 2 == 0;
        if insert {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
        }
        let at = sites[(seed % sites.len() as u64) as usize];
        let change = if insert {
            let p = position(&text, at, false);
            text.insert(at, 'x');
            json!({"range": {"start": p, "end": p}, "text": "x"})
        } else {
            let range =
                json!({"start": position(&text, at, false), "end": position(&text, at + 1, false)});
            text.remove(at);
            json!({"range": range, "text": ""})
        };
        version += 1;
        let sent = Instant::now();
        c.change(&uri, version, Value::Array(vec![change]));
        c.diagnostics(&uri, version);
        latencies.push(sent.elapsed());
    }
    percentiles("edit → publishDiagnostics", latencies);

    let (constructs, identifiers) = targets(&text, &initial, 200);
    let (times, _) = hovers(&mut c, &uri, &text, &constructs, 5);
    percentiles("hover, tree kept: constructs", times);
    let (times, _) = hovers(&mut c, &uri, &text, &identifiers, 5);
    percentiles("hover, tree kept: identifiers", times);
    c.stop();
}
