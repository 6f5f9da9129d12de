//! The engine runs its query only at nodes that pass the patterns' gates
//! (root kind and required words), and its walk only enters nodes holding
//! a word or token some pattern needs; the findings must be exactly those
//! of the query run over every node, on the fixtures and on broken code.

use crate::fuzz_common::analysis;
use gohint::analysis::Options;
use std::path::Path;

#[test]
fn gates_change_no_finding() {
    let mut sources = vec![
        // A channel made without a capacity matches through an optional capture.
        "package p\nfunc f() { ch := make(chan int); ch <- 1 }\n".to_string(),
        "package p\nfunc f() { var ch = make(chan int, 0); ch <- 1 }\n".to_string(),
        "package p\nfunc f(c chan int) { for { v := <-c; _ = v } }\n".to_string(),
        // The walk enters only nodes holding a word or token some pattern
        // needs: a select alone in a loop, spaced type assertions, and
        // declarations a syntax error holds.
        "package p\nfunc f() { for { select { default: } } }\n".to_string(),
        "package p\nfunc f(x any) { _ = x. (int); _ = x./* c */(int) }\n".to_string(),
        "package p\nfunc f() { var m map[int]int; m[1] = 2 }\n".to_string(),
        "package p\nfunc f() {\n\tif {\n\tvar m map[int]int\n\tm[1] = 2\n}\n".to_string(),
        "package p\n)\nfunc f(x any) { _ = x.(int) }\n".to_string(),
    ];
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for entry in std::fs::read_dir(fixtures).expect("the fixtures folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "go") {
            sources.push(std::fs::read_to_string(&path).expect("a fixture"));
        }
    }
    let mut findings = 0;
    for src in &sources {
        findings += analysis::gates_agree(src, &Options::default());
    }
    assert!(findings > 100, "only {findings} findings to compare");
}

/// The fixtures with runs of lines deleted, duplicated or moved, and single
/// bytes deleted or doubled: half-typed code whose syntax errors put nodes
/// where the grammar has no place for them.
#[test]
fn gates_change_no_finding_in_broken_code() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(fixtures).expect("the fixtures folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "go") {
            texts.push(std::fs::read_to_string(&path).expect("a fixture"));
        }
    }
    texts.sort();
    // xorshift64: the same mutants on every run.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % n.max(1) as u64).unwrap_or(0)
    };
    let mut findings = 0;
    for round in 0..150 {
        for text in &texts {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            for _ in 0..=round % 4 {
                let at = next(lines.len());
                let len = (next(4) + 1).min(lines.len() - at);
                match next(3) {
                    0 => {
                        lines.drain(at..at + len);
                    }
                    1 => {
                        let copy = lines[at..at + len].to_vec();
                        lines.splice(at..at, copy);
                    }
                    _ => {
                        let moved: Vec<_> = lines.drain(at..at + len).collect();
                        let to = next(lines.len() + 1);
                        lines.splice(to..to, moved);
                    }
                }
            }
            let mut src = lines.concat().into_bytes();
            for _ in 0..round % 3 {
                let at = next(src.len());
                if next(2) == 0 {
                    src.remove(at);
                } else {
                    src.insert(at, src[at]);
                }
            }
            let Ok(src) = String::from_utf8(src) else {
                continue;
            };
            findings += analysis::gates_agree(&src, &Options::default());
        }
    }
    assert!(findings > 1_000, "only {findings} findings to compare");
}
