//! `inconsistent-field-locking`: a field that the methods of its type —
//! across the files of the package — read and write holding a mutex, read
//! or written without it in another method.

use super::{Rule, Severity};
use crate::analysis::guards::{self, TypeAccesses};
use crate::analysis::lock_calls;
use crate::analysis::summary::Access;
use crate::analysis::{Ctx, Finding, Match};
use std::collections::HashSet;

/// The share of a field's accesses that must hold its mutex for the mutex
/// to count as guarding it.
const MIN_SHARE: f64 = 0.75;

/// How many guarded accesses a finding shows as related locations.
const SHOWN: usize = 3;

/// A field guarded by a mutex everywhere else races where it is not.
pub const RULE: Rule = Rule {
    slug: "inconsistent-field-locking",
    severity: Severity::Info,
    group: super::Group::Correctness,
    question: "how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go",
    topic: None,
    summary: "A field read or written without the mutex that guards it in the type's other methods",
    why: "A mutex protects a field only if every access holds it: the methods that lock it show the field is shared between goroutines, and one access without the lock races with them. The race detector reports it only when a test happens to run both at once.",
    message: "accessed without the mutex that guards it in the type's other methods: a data race with them",
    fix: Some("Lock the mutex around this access too (or call a `…Locked` helper from a method that holds it)."),
    bad: "type Counter struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (c *Counter) Inc() {\n\tc.mu.Lock()\n\tc.n++\n\tc.mu.Unlock()\n}\n\nfunc (c *Counter) Add(d int) {\n\tc.mu.Lock()\n\tc.n += d\n\tc.mu.Unlock()\n}\n\nfunc (c *Counter) Reset() {\n\tc.mu.Lock()\n\tc.n = 0\n\tc.mu.Unlock()\n}\n\nfunc (c *Counter) Value() int {\n\treturn c.n // without c.mu\n}",
    good: "type Counter struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (c *Counter) Inc() {\n\tc.mu.Lock()\n\tc.n++\n\tc.mu.Unlock()\n}\n\nfunc (c *Counter) Reset() {\n\tc.mu.Lock()\n\tc.n = 0\n\tc.mu.Unlock()\n}\n\nfunc (c *Counter) Value() int {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\treturn c.n\n}",
    use_instead: Some("The mutex held around every access of the field, or a `sync/atomic` type when the field stands alone."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "Which mutex guards a field is inferred from the methods of its type: at least two methods must access it holding the mutex, one of them writing it, and 75% of its accesses must hold it. Accesses outside methods (functions taking the value) are not counted.",
        "A method is taken to run under the lock when its name ends in `Locked`/`_locked`, its doc comment says the lock is held, or every call of it by the type's methods holds a lock; other callers (functions, other packages) are not seen.",
        "A method that runs before the value is shared (an `init` helper called by a constructor) cannot be told apart and is reported.",
        "Accesses in a closure not started by `go` count neither way: it may run under the caller's lock.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/mem",
        "https://pkg.go.dev/sync#Mutex",
        "https://go.dev/doc/articles/race_detector",
    ],
    query: include_str!("../../queries/inconsistent-field-locking.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(method) = m
        .node("report")
        .and_then(|n| guards::checked_method(ctx, n))
    else {
        return;
    };
    if method.accesses.is_empty() {
        return;
    }
    let methods = ctx.methods();
    // Without a field access holding a lock somewhere, no field has a
    // guard: the scan is cheaper than the index.
    let others = methods.of_type(&method.receiver_type);
    if !others
        .iter()
        .any(|(_, m)| m.accesses.iter().any(|a| !a.held.is_empty()))
    {
        return;
    }
    let ty = TypeAccesses::of(&methods, &method.receiver_type);
    if ty.assumed(&method.name) {
        return;
    }
    let mut seen = HashSet::new();
    for access in &method.accesses {
        if !access.access.plain()
            || (access.closure && !access.goroutine && access.held.is_empty())
            || !seen.insert(access.path.as_str())
        {
            continue;
        }
        let Some(guard) = ty.guard(&access.path, MIN_SHARE) else {
            continue;
        };
        if access.held.iter().any(|h| h.suffix == guard.mutex) {
            continue;
        }
        let recv = ctx.src[access.range.clone()]
            .split('.')
            .next()
            .unwrap_or("");
        let mutex = lock_calls::short(&format!("{recv}{}", guard.mutex)).to_string();
        let field = format!("{recv}{}", access.path);
        let verb = match access.access {
            Access::Write => "written",
            _ => "read",
        };
        let place = if access.goroutine {
            " in a goroutine"
        } else {
            ""
        };
        let mut finding = Finding::new(&RULE, access.range.clone()).message(format!(
            "`{field}` is {verb}{place} without `{mutex}`, which is held at {} of its {} accesses in the methods of `{}`: a data race with them",
            guard.guarded.len(),
            guard.total,
            method.receiver_type,
        ));
        for site in guard.guarded.iter().take(SHOWN) {
            let how = if site.access.access == Access::Write {
                "written"
            } else {
                "read"
            };
            finding = finding.related_in(
                site.file.clone(),
                site.access.range.clone(),
                format!("{how} holding `{mutex}` in `{}`", site.method.name),
            );
        }
        out.push(finding);
    }
}
