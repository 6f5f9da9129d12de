//! The engine runs its query only at nodes that pass the patterns' gates
//! (root kind and required words); the findings must be exactly those of
//! the query run over every node.

use gohint::analysis::{Analyzer, Ctx, Engine, Options};
use gohint::rules::RULES;
use std::path::Path;

/// The raw findings of `src` as (slug, start, end), sorted.
fn raw(engine: &Engine, src: &str) -> Vec<(&'static str, usize, usize)> {
    let tree = Analyzer::new().parse(src, None).expect("parses");
    let options = Options::default();
    let ctx = Ctx::new(src, &tree, &options);
    let mut out = Vec::new();
    engine.run(&ctx, None, &mut out);
    let mut raw: Vec<_> = out
        .into_iter()
        .map(|f| (f.rule.slug, f.range.start, f.range.end))
        .collect();
    raw.sort();
    raw
}

#[test]
fn gates_change_no_finding() {
    let gated = Engine::compile(RULES).expect("the rule queries compile");
    let ungated = Engine::compile(RULES)
        .expect("the rule queries compile")
        .ungated();
    let mut sources = vec![
        // A channel made without a capacity matches through an optional capture.
        "package p\nfunc f() { ch := make(chan int); ch <- 1 }\n".to_string(),
        "package p\nfunc f() { var ch = make(chan int, 0); ch <- 1 }\n".to_string(),
        "package p\nfunc f(c chan int) { for { v := <-c; _ = v } }\n".to_string(),
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
        let expected = raw(&ungated, src);
        findings += expected.len();
        assert_eq!(raw(&gated, src), expected, "in:\n{src}");
    }
    assert!(findings > 100, "only {findings} findings to compare");
}
