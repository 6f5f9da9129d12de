//! Per-file analysis on small, medium and large real files of the Go
//! standard library, next to the parse alone (the floor the analysis is
//! measured against), and the re-check of one declaration that the
//! language server runs on a keystroke.
//!
//! `cargo bench --bench analysis` (files from `GOHINT_BENCH_GOROOT`,
//! default `/usr/share/go-1.19/src` from Debian's golang-src).

use gohint::analysis::{analyze_tree, check_ranges, top_level_ranges, Analyzer, Options};
use std::path::PathBuf;

fn main() {
    divan::main();
}

/// The files, by size: `sort/search.go` (6 KB), `net/http/request.go`
/// (47 KB), `net/http/server.go` (114 KB).
const FILES: &[&str] = &[
    "sort/search.go",
    "net/http/request.go",
    "net/http/server.go",
];

fn source(file: &str) -> String {
    let root = std::env::var_os("GOHINT_BENCH_GOROOT")
        .map_or_else(|| PathBuf::from("/usr/share/go-1.19/src"), PathBuf::from);
    let path = root.join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (install golang-src or set GOHINT_BENCH_GOROOT)",
            path.display()
        )
    })
}

/// Parsing alone.
#[divan::bench(args = FILES)]
fn parse(bencher: divan::Bencher, file: &str) {
    let src = source(file);
    let mut analyzer = Analyzer::new();
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench_local(|| analyzer.parse(&src, None).map(|t| t.root_node().end_byte()));
}

/// Parsing and every rule, as `gohint --check` runs per file.
#[divan::bench(args = FILES)]
fn analyze(bencher: divan::Bencher, file: &str) {
    let src = source(file);
    let mut analyzer = Analyzer::new();
    let options = Options::default();
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench_local(|| analyzer.analyze(src.as_bytes(), &options).map(|f| f.len()));
}

/// Every rule on an already parsed file.
#[divan::bench(args = FILES)]
fn rules_only(bencher: divan::Bencher, file: &str) {
    let src = source(file);
    let Ok(tree) = Analyzer::new().parse(&src, None) else {
        panic!("{file} does not parse");
    };
    let options = Options::default();
    bencher.bench_local(|| analyze_tree(&tree, &src, &options).len());
}

/// The rules over the largest top-level declaration only: what a keystroke
/// inside it costs the language server, parse aside.
#[divan::bench(args = FILES)]
fn one_declaration(bencher: divan::Bencher, file: &str) {
    let src = source(file);
    let Ok(tree) = Analyzer::new().parse(&src, None) else {
        panic!("{file} does not parse");
    };
    let largest = top_level_ranges(&tree)
        .into_iter()
        .max_by_key(|r| r.len())
        .unwrap_or(0..src.len());
    let options = Options::default();
    bencher.bench_local(|| {
        check_ranges(&tree, &src, &options, Some(std::slice::from_ref(&largest))).len()
    });
}
