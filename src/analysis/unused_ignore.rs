//! `unused-ignore`: suppression comments that silence nothing or give no
//! reason. Reported by the engine's suppression pass, so it has no query.

use super::{Rule, Severity};

/// The rule's metadata; its findings come from `analysis::suppress`.
pub const RULE: Rule = Rule {
    slug: "unused-ignore",
    severity: Severity::Hint,
    group: super::Group::Pedantic,
    question: "what-is-the-purpose-of-the-go-vet-command",
    topic: None,
    summary: "A //gohint:ignore comment that silences nothing, names an unknown rule, or gives no reason",
    why: "A suppression is a claim that a finding is safe; without a reason, or once the code changed, it only hides the next real problem.",
    message: "this gohint:ignore silences nothing: remove it",
    fix: Some("Remove the comment, or add `-- <reason>` naming why the flagged code is safe."),
    bad: "for _, s := range shards {\n\t//gohint:ignore unbounded-goroutines\n\tgo serve(s)\n}",
    good: "for _, s := range shards {\n\t//gohint:ignore unbounded-goroutines -- one goroutine per shard, and there are 16\n\tgo serve(s)\n}",
    use_instead: None,
    fix_safety: "No quick fix.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::GolangciLint, id: "nolintlint", scope: "" },
    ],
    references: &[],
    query: "",
    check: |_, _, _| {},
};
