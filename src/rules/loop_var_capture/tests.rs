//! Unit tests of `loop-var-capture`'s Go-version handling.

use crate::analysis::{Analyzer, Finding, GoVersion, Options};

const FIXTURE: &str = include_str!("../../../tests/fixtures/loop-var-capture.go");

fn captures(src: &str, go: Option<&str>) -> Vec<Finding> {
    let options = Options {
        go_version: go.and_then(GoVersion::parse),
        ..Options::default()
    };
    let found = Analyzer::new()
        .analyze(src.as_bytes(), &options)
        .unwrap_or_default();
    found
        .into_iter()
        .filter(|f| f.rule.slug == "loop-var-capture")
        .collect()
}

#[test]
fn reports_before_go_1_22_and_names_the_version() {
    let found = captures(FIXTURE, Some("1.21"));
    let wanted = FIXTURE.matches("// want \"loop-var-capture\"").count();
    assert!(
        wanted >= 4 && found.len() >= wanted,
        "{} findings for {wanted} lines",
        found.len()
    );
    assert!(found.iter().all(|f| f.message.contains("Go 1.21")));
}

#[test]
fn silent_from_go_1_22_and_for_the_newest_go() {
    for go in [Some("1.22"), Some("1.23.4"), None] {
        assert!(captures(FIXTURE, go).is_empty(), "reported with go {go:?}");
    }
}

#[test]
fn a_build_constraint_overrides_the_module_version() {
    let src = "//go:build go1.20\n\npackage p\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n";
    assert_eq!(captures(src, None).len(), 1);
    assert_eq!(captures(src, Some("1.22")).len(), 1);
}
