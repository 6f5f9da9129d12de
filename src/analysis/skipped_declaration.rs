//! `skipped-declaration`: a top-level declaration the engine left
//! unanalysed because it is too large, too deep or too costly to check.
//! Reported by the engine itself (see `analysis::bounds`), so it has no
//! query.

use super::{Rule, Severity};

/// The rule's metadata; its findings come from the analysis engine.
pub const RULE: Rule = Rule {
    slug: "skipped-declaration",
    severity: Severity::Info,
    group: super::Group::Pedantic,
    question: "what-is-the-purpose-of-the-go-vet-command",
    topic: None,
    summary: "A top-level declaration too large, too deeply nested or too costly to analyse (generated tables, hostile input): the rules skipped it, or the rest of it",
    why: "A linter that runs on every keystroke bounds the memory and time it spends on one declaration; what lies past that bound is not checked, and saying so keeps a silent result from passing for a clean one.",
    message: "this declaration is too large to analyse: the rules skipped it",
    fix: Some("Split the declaration (a long function into smaller ones), or move generated data into a file read at run time or with `//go:embed`."),
    bad: "var asset = []byte{0x1f, 0x8b, 0x08, /* … 20 MB of bytes … */}",
    good: "//go:embed asset.bin\nvar asset []byte",
    use_instead: None,
    fix_safety: "No quick fix.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[],
    query: "",
    check: |_, _, _| {},
};
