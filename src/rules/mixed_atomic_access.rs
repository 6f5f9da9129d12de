//! `mixed-atomic-access`: a field accessed through `sync/atomic` in one
//! method of its type and by a plain read or write in another (in any file
//! of the package).

use super::{Rule, Severity};
use crate::analysis::guards::{self, Site, TypeAccesses};
use crate::analysis::summary::{Access, FieldAccess};
use crate::analysis::{Ctx, Finding, Match};
use std::collections::HashSet;

/// Atomic operations synchronise only with other atomic operations.
pub const RULE: Rule = Rule {
    slug: "mixed-atomic-access",
    severity: Severity::Info,
    group: super::Group::Correctness,
    question: "how-does-go-handle-race-conditions",
    topic: None,
    summary: "A field accessed through sync/atomic elsewhere, read or written plainly here",
    why: "sync/atomic makes an access atomic only when every concurrent access is atomic: a plain read next to atomic.AddInt64 may see a torn or stale value, and a plain write may be lost. The Go memory model calls the mix a data race.",
    message: "read or written plainly while another method accesses it through sync/atomic: a data race",
    fix: Some("Use the matching atomic function here too (`atomic.LoadInt64(&s.n)`, `atomic.StoreInt64(&s.n, v)`), or make the field an `atomic.Int64` (Go 1.19) so that no plain access compiles."),
    bad: "type Stats struct {\n\thits int64\n}\n\nfunc (s *Stats) Hit() {\n\tatomic.AddInt64(&s.hits, 1)\n}\n\nfunc (s *Stats) Hits() int64 {\n\treturn s.hits // plain read\n}",
    good: "type Stats struct {\n\thits int64\n}\n\nfunc (s *Stats) Hit() {\n\tatomic.AddInt64(&s.hits, 1)\n}\n\nfunc (s *Stats) Hits() int64 {\n\treturn atomic.LoadInt64(&s.hits)\n}",
    use_instead: Some("The typed atomics of Go 1.19 (`atomic.Int64`, `atomic.Bool`, `atomic.Pointer[T]`), whose values cannot be accessed plainly."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "Only fields accessed through the receiver in methods are compared; package-level variables and accesses in functions are not.",
        "A method that runs before the value is shared (a reset called by a constructor) cannot be told apart and is reported.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/mem",
        "https://pkg.go.dev/sync/atomic",
    ],
    query: include_str!("../../queries/mixed-atomic-access.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(method) = m
        .node("report")
        .and_then(|n| guards::checked_method(ctx, n))
    else {
        return;
    };
    if !method.accesses.iter().any(|a| a.access.plain()) {
        return;
    }
    let methods = ctx.methods();
    // Most types have no atomic access: the scan is cheaper than the index.
    let atomic = |a: &FieldAccess| matches!(a.access, Access::Atomic | Access::AtomicLoad);
    let others = methods.of_type(&method.receiver_type);
    if !others.iter().any(|(_, m)| m.accesses.iter().any(atomic)) {
        return;
    }
    let ty = TypeAccesses::of(&methods, &method.receiver_type);
    let mut seen = HashSet::new();
    for access in &method.accesses {
        if !access.access.plain() || !seen.insert(access.path.as_str()) {
            continue;
        }
        let Some(atomic) = ty
            .sites(&access.path)
            .find(|s| matches!(s.access.access, Access::Atomic | Access::AtomicLoad))
        else {
            continue;
        };
        // A plain read under a lock, of a field every write of which is
        // under a lock, sees no concurrent write. (A method whose callers
        // hold the lock holds it.)
        let locked = |s: &Site<'_>| !s.access.held.is_empty() || ty.assumed(&s.method.name);
        let this = Site {
            file: &None,
            method,
            access,
        };
        if access.access == Access::Read
            && locked(&this)
            && ty
                .sites(&access.path)
                .filter(|s| matches!(s.access.access, Access::Write | Access::Atomic))
                .all(|s| locked(&s))
        {
            continue;
        }
        let field = &ctx.src[access.range.clone()];
        let verb = match access.access {
            Access::Write => "written",
            _ => "read",
        };
        out.push(
            Finding::new(&RULE, access.range.clone())
                .message(format!(
                    "`{field}` is {verb} plainly here, but `{}` accesses it through sync/atomic: atomic operations synchronise only with other atomic operations, so this is a data race",
                    atomic.method.name
                ))
                .related_in(
                    atomic.file.clone(),
                    atomic.access.range.clone(),
                    format!("accessed through sync/atomic in `{}`", atomic.method.name),
                ),
        );
    }
}
