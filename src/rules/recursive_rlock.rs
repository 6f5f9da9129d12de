//! `recursive-rlock`: a method that holds its receiver's read lock calls a
//! method of the same receiver — in this file or another file of the
//! package — that read-locks it again on entry; or a function or method
//! that read-holds a package-level mutex calls a function of the package
//! that read-locks it again on entry.

use super::{Rule, Severity};
use crate::analysis::lock_calls::{self, LockCall, Op};
use crate::analysis::{reentry, Ctx, Finding, Match};

/// A second RLock waits behind any writer queued since the first: the
/// writer waits for the first reader, which waits for the second RLock.
pub const RULE: Rule = Rule {
    slug: "recursive-rlock",
    severity: Severity::Warning,
    group: super::Group::Correctness,
    question: "are-locks-in-go-reentrant",
    topic: Some("Go's Mutex Behavior"),
    summary: "A read lock taken again, through a method of the same receiver or a function of the package, while this path holds it",
    why: "RLock blocks while a writer waits in Lock, and that writer waits for every reader to leave: a goroutine that read-locks an RWMutex it already read-holds deadlocks as soon as a writer queues between its two RLocks. The sync documentation forbids recursive read locking for this reason.",
    message: "read-locks again a mutex this method already read-holds: once a writer waits in Lock, the second RLock waits for it and it waits for the first, a deadlock",
    fix: Some("Split the called method into an exported wrapper that takes the read lock and an unexported `…Locked` helper that assumes it is held, and call the helper here."),
    bad: "func (c *Config) Get(k string) string {\n\tc.mu.RLock()\n\tdefer c.mu.RUnlock()\n\tif !c.Has(k) { // Has read-locks c.mu again\n\t\treturn \"\"\n\t}\n\treturn c.m[k]\n}\n\nfunc (c *Config) Has(k string) bool {\n\tc.mu.RLock()\n\tdefer c.mu.RUnlock()\n\t_, ok := c.m[k]\n\treturn ok\n}",
    good: "func (c *Config) Get(k string) string {\n\tc.mu.RLock()\n\tdefer c.mu.RUnlock()\n\tif !c.hasLocked(k) {\n\t\treturn \"\"\n\t}\n\treturn c.m[k]\n}\n\nfunc (c *Config) Has(k string) bool {\n\tc.mu.RLock()\n\tdefer c.mu.RUnlock()\n\treturn c.hasLocked(k)\n}\n\n// hasLocked needs c.mu held.\nfunc (c *Config) hasLocked(k string) bool {\n\t_, ok := c.m[k]\n\treturn ok\n}",
    use_instead: Some("A `…Locked` helper that assumes the read lock is held, called by both methods."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "Only calls of the same receiver (and, for a package-level mutex, calls of the package's functions by name) are followed, and only the read locks a method takes among its leading statements (before any branch): a later or conditional RLock is not seen.",
        "A second `RLock` written in the same function is not reported by this rule.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/sync#RWMutex",
        "https://go.dev/ref/mem#locks",
    ],
    query: include_str!("../../queries/recursive-rlock.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(lock) = m.node("report").and_then(|n| LockCall::of(n, ctx.src)) else {
        return;
    };
    if lock.op != Op::RLock || lock.statement(ctx.facts.parents()).is_none() || lock.recv_has_call()
    {
        return;
    }
    let Some(func) = ctx.facts.parents().enclosing_function(lock.call) else {
        return;
    };
    let shown = lock_calls::short(lock.mutex(ctx.src));
    let of_receiver = reentry::of(ctx, func, &lock)
        .into_iter()
        .map(|a| (a, "method"));
    let of_package = reentry::of_package(ctx, &lock)
        .into_iter()
        .map(|a| (a, "function"));
    for (again, holder) in of_receiver.chain(of_package) {
        if again.op() != Some(Op::RLock) {
            continue;
        }
        let finding = Finding::new(&RULE, again.call.clone())
            .message(format!(
                "`{}` read-locks `{shown}` again{} while this {holder} read-holds it: once a writer waits in Lock, the second RLock waits for the writer and the writer for the first, a deadlock",
                again.callee,
                again.through()
            ))
            .related(lock.call.byte_range(), format!("`{shown}` read-locked here"));
        out.push(again.related(finding));
    }
}
