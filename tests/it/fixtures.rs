//! Every rule's fixture, go-vet style: each line marked `// want "slug"` must
//! be flagged by that rule, and no other line may be. Lines marked `// ok`
//! are look-alikes that must stay silent; each fixture has at least four of
//! each.

use gohint::analysis::{Analyzer, Options};
use gohint::rules::RULES;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture_path(slug: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{slug}.go"))
}

/// The (line, slug) pairs the fixture's `// want` comments expect.
fn wants(src: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in src.lines().enumerate() {
        if let Some(at) = line.find("// want ") {
            for slug in line[at + 8..].split('"').skip(1).step_by(2) {
                out.insert((i + 1, slug.to_string()));
            }
        }
    }
    out
}

/// Options a fixture asks for in a leading `// gohint-options:` comment,
/// e.g. `// gohint-options: go=1.21 test`.
fn options(src: &str) -> Options {
    let mut options = Options::default();
    if let Some(line) = src
        .lines()
        .find_map(|l| l.strip_prefix("// gohint-options:"))
    {
        for word in line.split_whitespace() {
            if let Some(v) = word.strip_prefix("go=") {
                options.go_version = gohint::analysis::GoVersion::parse(v);
            } else if word == "test" {
                options.test_file = true;
            }
        }
    }
    options
}

#[test]
fn every_rule_matches_its_fixture_exactly() {
    let mut failures = Vec::new();
    for rule in RULES {
        let path = fixture_path(rule.slug);
        let Ok(src) = std::fs::read_to_string(&path) else {
            failures.push(format!("{}: missing fixture {}", rule.slug, path.display()));
            continue;
        };
        let expected: BTreeSet<(usize, String)> = wants(&src)
            .into_iter()
            .filter(|(_, s)| s == rule.slug)
            .collect();
        let ok_lines = src.lines().filter(|l| l.contains("// ok")).count();
        if expected.len() < 4 || ok_lines < 4 {
            failures.push(format!(
                "{}: fixture needs >= 4 `// want` and >= 4 `// ok` lines (has {} and {})",
                rule.slug,
                expected.len(),
                ok_lines
            ));
        }
        let found = match Analyzer::new().analyze(src.as_bytes(), &options(&src)) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{}: {e}", rule.slug));
                continue;
            }
        };
        let line_of = |offset: usize| src[..offset].matches('\n').count() + 1;
        let actual: BTreeSet<(usize, String)> = found
            .iter()
            .filter(|f| f.rule.slug == rule.slug && f.suppressed.is_none())
            .map(|f| (line_of(f.range.start), f.rule.slug.to_string()))
            .collect();
        for (line, slug) in expected.difference(&actual) {
            failures.push(format!(
                "{}:{line}: missing finding of {slug}",
                path.display()
            ));
        }
        for (line, slug) in actual.difference(&expected) {
            failures.push(format!(
                "{}:{line}: unexpected finding of {slug}",
                path.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}
