//! `waitgroup-copy`: a `sync.WaitGroup` (or a type of this file that holds
//! one by value) passed, received, ranged over or assigned by value.

use super::{Rule, Severity};
use crate::analysis::lock_copy;
use crate::analysis::lock_types::LockKind;
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
    query: include_str!("../../queries/waitgroup-copy.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    lock_copy::report(&RULE, LockKind::WaitGroup, ctx, m, out);
}
