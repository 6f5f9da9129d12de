//! `mutex-copy`: a `sync.Mutex`, `RWMutex`, `Once`, `Cond`, `Map` or `Pool`
//! (or a type of this file that holds one by value) passed, received, ranged
//! over or assigned by value.

use super::{Rule, Severity};
use crate::analysis::lock_copy;
use crate::analysis::sync::LockKind;
use crate::analysis::{Ctx, Finding, Match};

/// Copying a lock copies its state: the copy and the original no longer
/// exclude each other.
pub const RULE: Rule = Rule {
    slug: "mutex-copy",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "what-is-a-mutex-in-go",
    topic: None,
    summary: "A mutex (or a struct holding one) passed, received, ranged over or assigned by value",
    why: "A mutex works only where it lives: a copy has its own state, so code that locks the copy does not exclude code that locks the original, and a copy of a locked mutex starts out locked.",
    message: "this copies a lock: the copy and the original no longer exclude each other",
    fix: Some("Share the lock through a pointer: a pointer receiver, a *T parameter, ranging over indices and taking &s[i]."),
    bad: "type Counter struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (c Counter) Inc() { // c is a copy: its mutex guards nothing\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.n++\n}",
    good: "type Counter struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (c *Counter) Inc() {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.n++\n}",
    use_instead: None,
    fix_safety: "For a value receiver the quick fix makes it a pointer receiver (`*T`). That changes the method set: a value of type T no longer has the method, and an interface T satisfied may now only be satisfied by *T; callers on addressable values are unaffected. Never marked preferred. Other copies have no quick fix.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Vet, id: "copylocks", scope: "" },
    ],
    references: &[
        "https://pkg.go.dev/sync#Mutex",
        "https://pkg.go.dev/sync#Locker",
    ],
    query: include_str!("../../queries/mutex-copy.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    lock_copy::report(&RULE, LockKind::Mutex, ctx, m, out);
}
