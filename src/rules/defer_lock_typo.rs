//! `defer-lock-typo`: `mu.Lock(); defer mu.Lock()` where `defer mu.Unlock()`
//! was meant.

use super::{Rule, Severity};
use crate::analysis::lock_calls::{self, LockCall};
use crate::analysis::{Ctx, Finding, Fix, Match};

/// The deferred Lock never releases the mutex and, at return, blocks on it.
pub const RULE: Rule = Rule {
    slug: "defer-lock-typo",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "are-locks-in-go-reentrant",
    topic: Some("Go's Mutex Behavior"),
    summary: "`mu.Lock()` followed by `defer mu.Lock()` (or RLock twice): the deferred call should be the Unlock",
    why: "The mutex is never released, and when the function returns the deferred Lock tries to lock a mutex this goroutine still holds: Go mutexes are not reentrant, so it deadlocks.",
    message: "deferred Lock of a mutex this path just locked: did you mean Unlock?",
    fix: Some("Defer the matching release: `defer mu.Unlock()` (or `defer mu.RUnlock()` after RLock)."),
    bad: "mu.Lock()\ndefer mu.Lock()",
    good: "mu.Lock()\ndefer mu.Unlock()",
    use_instead: None,
    fix_safety: "The quick fix (preferred) renames the deferred method to the matching release (`Lock` → `Unlock`, `RLock` → `RUnlock`). The program then unlocks where it used to deadlock.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Staticcheck, id: "SA2003", scope: "" },
    ],
    references: &[
        "https://pkg.go.dev/sync#Mutex",
        "https://go.dev/ref/spec#Defer_statements",
    ],
    query: include_str!("../../queries/defer-lock-typo.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(defer), Some(deferred)) = (
        m.node("report"),
        m.node("call").and_then(|n| LockCall::of(n, ctx.src)),
    ) else {
        return;
    };
    let Some(func) = ctx.facts.parents().enclosing_function(defer) else {
        return;
    };
    let locks = ctx.facts.lock_flow(func);
    let partner = locks
        .statements()
        .iter()
        .rev()
        .filter(|l| l.call.end_byte() <= defer.start_byte())
        .find(|l| lock_calls::is_typo_pair(ctx.facts.parents(), l, &deferred, &locks, ctx.src));
    let Some(lock) = partner else { return };
    if deferred.other_api(ctx) {
        return;
    }
    let mutex = lock_calls::short(deferred.mutex(ctx.src));
    let (op, release) = (deferred.op.name(), deferred.op.release().name());
    out.push(
        Finding::new(&RULE, defer.byte_range())
            .message(format!(
                "`defer {mutex}.{op}()` right after locking `{mutex}`: it never releases the mutex and deadlocks at return; did you mean `defer {mutex}.{release}()`?"
            ))
            .related(lock.call.byte_range(), format!("`{mutex}` locked here"))
            .fix(Fix::single(format!("Change to `defer {mutex}.{release}()`"), deferred.method.byte_range(), release, true)),
    );
}
