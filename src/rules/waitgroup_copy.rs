//! `waitgroup-copy`: a `sync.WaitGroup` (or a type of this file that holds
//! one by value) passed, received, ranged over or assigned by value.

use super::{Rule, Severity};
use crate::analysis::lock_copy;
use crate::analysis::sync::LockKind;
use crate::analysis::{Ctx, Finding, Match};

/// `Done` on a copy never reaches the `WaitGroup` that `Wait` watches.
pub const RULE: Rule = Rule {
    slug: "waitgroup-copy",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "what-is-the-purpose-of-the-sync-package-in-go",
    topic: Some("`sync.WaitGroup`"),
    summary: "A sync.WaitGroup passed, received, ranged over or assigned by value",
    why: "A WaitGroup's counter lives in the value: `Done` on a copy decrements the copy, so `Wait` on the original blocks forever (or the copy's `Wait` returns early).",
    message: "this copies a sync.WaitGroup: Done on the copy never reaches the original",
    fix: Some("Pass the WaitGroup by pointer (*sync.WaitGroup), or let the caller call Done in a closure."),
    bad: "func worker(id int, wg sync.WaitGroup) {\n\tdefer wg.Done() // decrements a copy\n\tprocess(id)\n}\n\nwg.Add(1)\ngo worker(1, wg)\nwg.Wait() // never returns",
    good: "func worker(id int, wg *sync.WaitGroup) {\n\tdefer wg.Done()\n\tprocess(id)\n}\n\nwg.Add(1)\ngo worker(1, &wg)\nwg.Wait()",
    use_instead: None,
    fix_safety: "For a value receiver the quick fix makes it a pointer receiver (`*T`). That changes the method set: a value of type T no longer has the method, and an interface T satisfied may now only be satisfied by *T. Never marked preferred. Other copies have no quick fix.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Vet, id: "copylocks", scope: "" },
    ],
    references: &[
        "https://pkg.go.dev/sync#WaitGroup",
    ],
    query: include_str!("../../queries/waitgroup-copy.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    lock_copy::report(&RULE, LockKind::WaitGroup, ctx, m, out);
}
