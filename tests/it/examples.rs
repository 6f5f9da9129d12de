//! Every rule's `bad` and `good` examples (shown in docs, hovers and
//! `--explain`) are checked as code: wrapped into a Go file, both must
//! parse, `bad` must be flagged by its rule and `good` must not be, nor
//! hold an error-level finding of any rule.

use gohint::analysis::{Analyzer, Finding, GoVersion, Options};
use gohint::analysis::{Rule, Severity};
use gohint::learn::example::as_file;
use gohint::rules::RULES;

/// Rules whose examples cannot show the problem in a file of their own.
const NEEDS_MORE_CONTEXT: &[(&str, &str)] = &[(
    "skipped-declaration",
    "it flags declarations too large to analyse; the example elides the megabytes that make it one",
)];

/// The unsuppressed findings in `src` under Go `version` (`None`: the
/// newest), with `rule` on at its own severity.
fn findings(rule: &Rule, src: &str, version: Option<&str>) -> Vec<Finding> {
    let mut options = Options {
        go_version: version.and_then(GoVersion::parse),
        ..Options::default()
    };
    options
        .severities
        .insert(rule.slug.to_string(), Some(rule.severity));
    let found = Analyzer::new()
        .analyze(src.as_bytes(), &options)
        .unwrap_or_else(|e| panic!("{}: the example is not analysable: {e}", rule.slug));
    found
        .into_iter()
        .filter(|f| f.suppressed.is_none())
        .collect()
}

/// A Go version before per-iteration loop variables, where every rule
/// applies; examples of version-dependent rules show that Go.
const OLDER_GO: &str = "1.21";

#[test]
fn bad_examples_are_flagged_and_good_ones_are_not() {
    let mut failures = Vec::new();
    for rule in RULES {
        if NEEDS_MORE_CONTEXT
            .iter()
            .any(|(slug, _)| *slug == rule.slug)
        {
            continue;
        }
        let bad = as_file(rule.bad);
        let good = as_file(rule.good);
        for (kind, src) in [("bad", &bad), ("good", &good)] {
            let tree = Analyzer::new()
                .parse(src, None)
                .unwrap_or_else(|e| panic!("{}: {e}", rule.slug));
            if tree.root_node().has_error() {
                failures.push(format!("{}: `{kind}` is not valid Go:\n{src}", rule.slug));
            }
        }
        if !findings(rule, &bad, Some(OLDER_GO))
            .iter()
            .any(|f| f.rule.slug == rule.slug)
        {
            failures.push(format!("{}: `bad` is not flagged:\n{bad}", rule.slug));
        }
        for version in [Some(OLDER_GO), None] {
            let wrong: Vec<String> = findings(rule, &good, version)
                .iter()
                .filter(|f| f.rule.slug == rule.slug || f.severity == Severity::Error)
                .map(|f| format!("{} at {:?}: {}", f.rule.slug, f.range, f.message))
                .collect();
            if !wrong.is_empty() {
                failures.push(format!(
                    "{}: `good` is flagged (Go {}): {}\n{good}",
                    rule.slug,
                    version.unwrap_or("newest"),
                    wrong.join("; ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rules_left_out_still_cannot_flag_their_example() {
    for (slug, _) in NEEDS_MORE_CONTEXT {
        let rule = gohint::rules::CATALOGUE
            .find(slug)
            .unwrap_or_else(|| panic!("unknown rule {slug}"));
        let flagged = findings(rule, &as_file(rule.bad), Some(OLDER_GO))
            .iter()
            .any(|f| f.rule.slug == rule.slug);
        assert!(
            !flagged,
            "{slug}: its example is flagged now; check it with the others"
        );
    }
}

#[test]
fn examples_are_wrapped_with_the_imports_they_use() {
    let src = as_file("type T struct{ mu sync.Mutex }\n\nctx, cancel := context.WithTimeout(ctx, time.Second)\ndefer cancel()\nwg.Wait()");
    assert_eq!(
        src,
        "package example\n\nimport (\n\t\"context\"\n\t\"sync\"\n\t\"time\"\n)\n\n\
         type T struct{ mu sync.Mutex }\n\n\
         func example() {\n\tctx, cancel := context.WithTimeout(ctx, time.Second)\n\tdefer cancel()\n\twg.Wait()\n}\n"
    );
}
