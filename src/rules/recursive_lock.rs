//! `recursive-lock`: locking a mutex that this path already holds, directly
//! or by calling a method of the same receiver that locks it first thing.
//!
//! The second form reads what the called method does on entry (see
//! [`crate::analysis::summary`]), in this file or another file of the
//! package, following further calls of the same receiver; for a mutex
//! declared at the top level of the package, what the called function
//! does on entry, following further calls of the package's functions.

use super::{Rule, Severity};
use crate::analysis::lock_calls::{self, LockCall};
use crate::analysis::lock_flow::conflicts;
use crate::analysis::{reentry, Ctx, Finding, Match};

/// Go mutexes are not reentrant: the second Lock waits for the first, which
/// waits for the code after the second: a deadlock.
pub const RULE: Rule = Rule {
    slug: "recursive-lock",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "are-locks-in-go-reentrant",
    topic: Some("Go's Mutex Behavior"),
    summary: "A mutex locked again on a path that already holds it (also Lock after RLock, or through a method or function that locks it)",
    why: "Go's sync.Mutex and RWMutex are not reentrant: a goroutine that locks a mutex it already holds blocks forever.",
    message: "this locks a mutex that this path already holds: Go mutexes are not reentrant, so it deadlocks",
    fix: Some("Unlock before locking again, or split the method into a locked wrapper and a `…Locked` helper that assumes the lock is held."),
    bad: "func (c *Cache) Put(k, v string) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.m[k] = v\n\tc.Evict() // Evict locks c.mu again: deadlock\n}\n\nfunc (c *Cache) Evict() {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.m = make(map[string]string)\n}",
    good: "func (c *Cache) Put(k, v string) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.m[k] = v\n\tc.evictLocked()\n}\n\nfunc (c *Cache) Evict() {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.evictLocked()\n}\n\n// evictLocked needs c.mu held.\nfunc (c *Cache) evictLocked() {\n\tc.m = make(map[string]string)\n}",
    use_instead: None,
    fix_safety: "No quick fix.",
    known_problems: &[
        "For a mutex declared at the top level of the package, only calls by name of the package's functions (and of the same receiver's methods) made outside closures, `go` and `defer` statements are followed, into what the called function locks first thing; a function in a file that calls no `Lock()` is not read, so a chain through it is not seen.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/sync#Mutex",
        "https://pkg.go.dev/sync#RWMutex",
    ],
    query: include_str!("../../queries/recursive-lock.scm"),
    check,
};

/// The Lock of the same mutex that the path reaching `lock` already holds
/// (the finding this rule reports at `lock`), if any. `lock-not-unlocked`
/// leaves a Lock that a loop brings back to itself to this rule.
pub(super) fn held_before<'t>(ctx: &Ctx<'t>, lock: &LockCall<'t>) -> Option<LockCall<'t>> {
    let stmt = lock.statement(ctx.facts.parents())?;
    let func = ctx.facts.parents().enclosing_function(stmt)?;
    if lock.recv_has_call() {
        return None;
    }
    let flow = ctx.facts.lock_flow(func);
    let mutex = lock.mutex(ctx.src);
    // Around a loop's back edge, a lock that another function of the
    // declaration releases (the goroutine that started this one) is
    // handed over, not held.
    let handed_over = |first: &LockCall<'_>| {
        first.call.start_byte() >= lock.call.start_byte()
            && !flow.names_release(mutex)
            && lock_calls::outermost_function(ctx.facts.parents(), func)
                .is_some_and(|top| ctx.facts.lock_flow(top).names_release(mutex))
    };
    flow.held_before(lock, ctx.src)
        .copied()
        .filter(|e| !handed_over(e))
        .filter(|_| is_mutex(lock, ctx))
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(lock) = m.node("report").and_then(|n| LockCall::of(n, ctx.src)) else {
        return;
    };
    let Some(func) = lock
        .statement(ctx.facts.parents())
        .and_then(|stmt| ctx.facts.parents().enclosing_function(stmt))
    else {
        return;
    };
    if lock.recv_has_call() {
        return;
    }
    let mutex = lock.mutex(ctx.src);
    let shown = lock_calls::short(mutex);
    if let Some(first) = held_before(ctx, &lock) {
        let (a, b) = (first.op.name(), lock.op.name());
        let finding = if first.call.id() == lock.call.id() {
            let release = lock.op.release().name();
            Finding::new(&RULE, lock.call.byte_range()).message(format!(
                "`{shown}.{b}()` runs again on the loop's next iteration while `{shown}` is still held: Go mutexes are not reentrant, so this deadlocks; call `{shown}.{release}()` on every path to the next iteration"
            ))
        } else {
            Finding::new(&RULE, lock.call.byte_range())
                .message(format!(
                    "`{shown}.{b}()` while this path already holds `{shown}` ({a} above): Go mutexes are not reentrant, so this deadlocks"
                ))
                .related(first.call.byte_range(), format!("`{shown}` locked here"))
        };
        out.push(finding);
    }
    // Calls, while the lock is held, to a method of the same receiver
    // (in any file of the package) that locks it again.
    let mut mutex_checked = None;
    for again in reentry::of(ctx, func, &lock) {
        let Some(op) = again.op() else { continue };
        if !conflicts(lock.op, op) || !*mutex_checked.get_or_insert_with(|| is_mutex(&lock, ctx)) {
            continue;
        }
        let finding = Finding::new(&RULE, again.call.clone())
            .message(format!(
                "`{}` locks `{shown}` again{} while this method holds it: Go mutexes are not reentrant, so this deadlocks",
                again.callee,
                again.through()
            ))
            .related(lock.call.byte_range(), format!("`{shown}` locked here"));
        out.push(again.related(finding));
    }
    // Calls, while a package-level mutex is held, to a function of the
    // package (or a method of the receiver) that locks it again.
    for again in reentry::of_package(ctx, &lock) {
        let Some(op) = again.op() else { continue };
        if !conflicts(lock.op, op) {
            continue;
        }
        let finding = Finding::new(&RULE, again.call.clone())
            .message(format!(
                "`{}` locks the package-level `{shown}` again{} while this function holds it: Go mutexes are not reentrant, so this deadlocks",
                again.callee,
                again.through()
            ))
            .related(lock.call.byte_range(), format!("`{shown}` locked here"));
        out.push(again.related(finding));
    }
}

/// Whether the locked value may be a mutex that a second Lock blocks on:
/// not a value of a known type that holds no lock (an interface such as
/// `sync.Locker` may be a read locker, which can be locked twice), nor a
/// variable assigned from `RLocker()`, nor a type of this file with its
/// own `Lock` API.
fn is_mutex<'t>(lock: &LockCall<'t>, ctx: &Ctx<'t>) -> bool {
    let src = ctx.src;
    let mutex = lock.mutex(src);
    let Some(top) = lock_calls::outermost_function(ctx.facts.parents(), lock.call) else {
        return false;
    };
    let rlocker = ctx.facts.lock_flow(top).is_rlocker(mutex);
    let ty = ctx.facts.receiver_type(top, lock.recv);
    !rlocker && (ty.lock.is_some() || !ty.known) && !lock.other_api(ctx)
}
