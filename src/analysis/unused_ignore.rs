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
    bad: "//gohint:ignore double-close\nclose(ch)",
    good: "//gohint:ignore double-close -- closed once per worker, guarded by sync.Once in the caller\nclose(ch)",
    query: "",
    check: |_, _, _| {},
};
