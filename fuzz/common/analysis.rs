//! What must hold for any analysis result: text that decodes is analysed,
//! every span lies inside the text on character boundaries and converts to
//! positions and back, and fixes have disjoint edits whose result is
//! analysable too. Shared by the fuzz targets and the regression tests.
#![allow(dead_code)]

use gohint::analysis::{decode, Analyzer, Ctx, Engine, Finding, GoVersion, Options};
use gohint::rules::{CATALOGUE, RULES};
use gohint::text::{Encoding, LineIndex};
use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

thread_local! {
    static ANALYZER: RefCell<Analyzer> = RefCell::new(Analyzer::new());
}

/// Options picked by one input byte: a test file or not, Go 1.21 or the
/// newest.
pub fn options(byte: u8) -> Options {
    Options {
        test_file: byte & 1 == 1,
        go_version: (byte & 2 == 2).then(|| GoVersion::parse("1.21")).flatten(),
        ..Options::default()
    }
}

/// Analyses `bytes` under `options` and checks the result; panics with
/// what is wrong.
pub fn analyze_and_check(bytes: &[u8], options: &Options) {
    let result = ANALYZER.with_borrow_mut(|a| a.analyze(bytes, options));
    let findings = match (decode(bytes), result) {
        (Ok(_), Ok(findings)) => findings,
        (Err(want), Err(got)) => {
            assert_eq!(got, want, "the error is not the decoding error");
            return;
        }
        (Ok(_), Err(e)) => panic!("valid Go text was not analysed: {e}"),
        (Err(e), Ok(_)) => panic!("undecodable input was analysed ({e})"),
    };
    let src = std::str::from_utf8(bytes).unwrap_or_default();
    let index = LineIndex::new(src);
    for f in &findings {
        check_finding(f, src, &index, true);
    }
    gates_agree(src, options);
}

/// Checks that the engine's gates, bare patterns and walk triggers change
/// no finding: the raw findings of the whole tree equal those of the rule
/// query run over every node. Returns how many findings were compared.
pub fn gates_agree(src: &str, options: &Options) -> usize {
    static UNGATED: OnceLock<Engine> = OnceLock::new();
    let ungated =
        UNGATED.get_or_init(|| Engine::compile_ungated(RULES).expect("the rule queries compile"));
    let Ok(tree) = ANALYZER.with_borrow_mut(|a| a.parse(src, None)) else {
        return 0;
    };
    let ctx = Ctx::new(src, &tree, options);
    let raw = |engine: &Engine| {
        let mut out = Vec::new();
        engine.run(&ctx, None, &mut out);
        let mut raw: Vec<_> = out
            .into_iter()
            .map(|f| (f.rule.slug, f.range.start, f.range.end))
            .collect();
        raw.sort();
        raw
    };
    let reference = raw(ungated);
    let gated = raw(CATALOGUE.engine().expect("the rule queries compile"));
    assert_eq!(gated, reference, "the gates change the findings of:\n{src}");
    reference.len()
}

/// Checks that `range` is a span of `src` that converts to positions and
/// back in every encoding.
fn check_span(range: &Range<usize>, src: &str, index: &LineIndex, what: &str) {
    assert!(
        range.start <= range.end && range.end <= src.len(),
        "{what} {range:?} outside a text of {} bytes",
        src.len()
    );
    assert!(
        src.is_char_boundary(range.start) && src.is_char_boundary(range.end),
        "{what} {range:?} splits a character"
    );
    for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
        for offset in [range.start, range.end] {
            let at = index.position(src, offset, enc);
            let back = index.offset(src, at, enc);
            // An offset inside a CRLF line ending maps to the end of its line.
            let line_end = index.line_range(src, at.line).end;
            assert!(
                back == offset || (back == line_end && offset > line_end),
                "{what}: offset {offset} -> {at:?} ({enc:?}) -> {back}"
            );
        }
    }
}

/// Checks a finding's spans and, when `fixes` is set, its fix and the
/// findings of the fixed text.
fn check_finding(f: &Finding, src: &str, index: &LineIndex, fixes: bool) {
    check_span(&f.range, src, index, f.rule.slug);
    assert!(!f.message.is_empty(), "{}: empty message", f.rule.slug);
    for r in &f.related {
        check_span(&r.range, src, index, "related span");
    }
    let Some(fix) = f.fix.as_ref().filter(|_| fixes) else {
        return;
    };
    let mut edits: Vec<_> = fix.edits.iter().collect();
    for e in &edits {
        check_span(&e.range, src, index, "fix edit");
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    for pair in edits.windows(2) {
        assert!(
            pair[0].range.end <= pair[1].range.start,
            "{}: overlapping fix edits {:?} and {:?}",
            f.rule.slug,
            pair[0].range,
            pair[1].range
        );
    }
    let mut fixed = src.to_string();
    for e in edits.iter().rev() {
        fixed.replace_range(e.range.clone(), &e.text);
    }
    let again = ANALYZER.with_borrow_mut(|a| a.analyze(fixed.as_bytes(), &Options::default()));
    let again = again.unwrap_or_else(|e| panic!("{}: the fixed text fails: {e}", f.rule.slug));
    let fixed_index = LineIndex::new(&fixed);
    for g in &again {
        check_finding(g, &fixed, &fixed_index, false);
    }
}
