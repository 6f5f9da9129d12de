//! `unlock-missing-on-exit-path`: a `Lock`/`RLock` that the function
//! releases on some paths, and a `return` (or the end of the body) that a
//! path reaches still holding it.
//!
//! The path-sensitive half of `lock-not-unlocked`, which reports a lock
//! released nowhere in the function: this rule reports only mutexes the
//! function does release, so the two never report the same lock. The paths
//! come from [`crate::analysis::lock_flow`]: a `break` or `continue` that
//! jumps out of the locked region is followed to where it lands (a
//! `continue` back to the same Lock is `recursive-lock`'s), while `panic`,
//! `os.Exit`, `log.Fatal`, `t.Fatal`, `goto` and labeled jumps end a path
//! without an exit: a panic that leaves a mutex locked matters only to a
//! `recover`, and only a deferred unlock helps there.

use super::lock_not_unlocked::{aliased, function_names, returned};
use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::lock_calls::{self, LockCall};
use crate::analysis::lock_flow;
use crate::analysis::{flow, syntax, Ctx, Finding, Match};
use tree_sitter::Node;

/// A return that skips the Unlock leaves the mutex locked for good.
pub const RULE: Rule = Rule {
    slug: "unlock-missing-on-exit-path",
    severity: Severity::Warning,
    group: super::Group::Correctness,
    question: "how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go",
    topic: Some("Mutex (sync.Mutex)"),
    summary: "A return (or the end of the function) reached while a mutex the function unlocks on other paths is still locked",
    why: "A mutex is released only by an Unlock on the path that runs: an early return between Lock and Unlock leaves it locked, and every later Lock of it blocks forever. `defer mu.Unlock()` right after the Lock releases it on every path.",
    message: "this path leaves the function with the mutex still locked: the next Lock of it blocks forever",
    fix: Some("Unlock before this return, once the values it returns are read, or release with `defer mu.Unlock()` right after the Lock."),
    bad: "func (c *Cache) Load(k string) (string, error) {\n\tc.mu.Lock()\n\tv, ok := c.m[k]\n\tif !ok {\n\t\treturn \"\", errMissing\n\t}\n\tc.mu.Unlock()\n\treturn v, nil\n}",
    good: "func (c *Cache) Load(k string) (string, error) {\n\tc.mu.Lock()\n\tv, ok := c.m[k]\n\tc.mu.Unlock()\n\tif !ok {\n\t\treturn \"\", errMissing\n\t}\n\treturn v, nil\n}",
    use_instead: Some("`defer mu.Unlock()` right after the Lock, with the locked part moved into its own function when the lock must be released before the function's end."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "An Unlock in a helper declared in another file (`s.release()`) is not seen: the return before it is reported. Helpers whose names say they unlock (`unlockAll`) and functions of the same file that release the mutex are taken into account.",
        "Conditions the analysis cannot correlate are not reported: a return that some paths reach holding the mutex and others having released it (`if locked { mu.Unlock() }`) is skipped, even when it is a bug.",
        "A function whose early returns release the mutex while its main path keeps it to the end is taken to hand the lock on (bbolt's `beginRWTx` returns the transaction that unlocks it): an Unlock forgotten at the end of the main path is not reported.",
        "A path that panics, exits the process or jumps with `goto` or a labeled `break`/`continue` is not followed.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/sync#Mutex.Unlock",
        "https://go.dev/ref/spec#Defer_statements",
    ],
    query: include_str!("../../queries/unlock-missing-on-exit-path.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(lock) = m.node("report").and_then(|n| LockCall::of(n, ctx.src)) else {
        return;
    };
    let Some(stmt) = lock.statement(ctx.facts.parents()) else {
        return;
    };
    let up = ctx.facts.parents();
    let (Some(func), Some(top)) = (
        up.enclosing_function(stmt),
        lock_calls::outermost_function(up, lock.call),
    ) else {
        return;
    };
    let flow = ctx.facts.lock_flow(func);
    let exits = flow.exits_held(&lock);
    if exits.is_empty() || lock.recv_has_call() {
        return;
    }
    let mutex = lock.mutex(ctx.src);
    // A loop that comes back to this Lock still holding it: the skipped
    // Unlock is recursive-lock's finding, at the Lock.
    if flow
        .held_before(&lock, ctx.src)
        .is_some_and(|e| e.call.id() == lock.call.id())
    {
        return;
    }
    // Released nowhere: lock-not-unlocked's. Released by a deferred call, a
    // callback or a method value, held on entry and handed back, or the
    // lock of a helper that acquires it for its caller: by design.
    if !flow.names_release(mutex)
        || flow.releases_deferred(mutex)
        || flow.release_escapes(mutex)
        || flow.entered_locked(mutex, ctx.src)
        || function_names(up, lock.call, ctx.src)
            .iter()
            .any(|n| lock_calls::is_lock_helper(n))
    {
        return;
    }
    let locks = ctx.facts.lock_flow(top);
    let typo = lock_calls::typo_partner(up, &lock, &flow, ctx.src).is_some();
    // A mutex of the method's receiver that another method of the same
    // type releases without taking it (`beginWrite`/`endWrite`).
    let own_type = lock_calls::receiver_type(top, ctx.src);
    let handed = lock_flow::is_receivers(mutex, lock_flow::receiver_name(top, ctx.src))
        && own_type.is_some()
        && ctx
            .facts
            .released_elsewhere(mutex.rsplit_once('.').map_or("", |(_, f)| f))
            .iter()
            .any(|r| r.on_receiver && r.receiver_type == own_type);
    if typo
        || handed
        || returned(&lock, &locks, ctx.src)
        || aliased(&lock, &locks, ctx.src)
        || lock.other_api(ctx)
    {
        return;
    }
    let has_results = func.field("result").is_some();
    let shown = lock_calls::short(mutex);
    let (op, release) = (lock.op.name(), lock.op.release().name());
    for &exit in exits {
        let at_end = exit.kind() != "return_statement" || flow.is_last(exit);
        if at_end && main_path_keeps(&lock, stmt, func, ctx.src) {
            continue;
        }
        let (range, how) = if exit.kind() == "return_statement" {
            (exit.byte_range(), "returns here")
        } else if has_results {
            // A function with results cannot fall off its end: the path
            // is one the analysis could not rule out.
            continue;
        } else {
            (
                exit.end_byte().saturating_sub(1)..exit.end_byte(),
                "ends here",
            )
        };
        out.push(
            Finding::new(&RULE, range)
                .message(format!(
                    "the function {how} with `{shown}` still locked: this path skips `{shown}.{release}()`, so the next Lock of `{shown}` blocks forever; unlock before leaving, or `defer {shown}.{release}()` right after the {op}"
                ))
                .related(lock.call.byte_range(), format!("`{shown}` locked here")),
        );
    }
}

/// Whether the function's main path keeps the lock by design: the acquire
/// is a statement of the function's body itself, and no statement of the
/// body after it releases the mutex (the releases sit in early returns), so
/// that the path straight to the end hands the lock on (`beginTx` returns
/// the transaction that unlocks it, a callee that unlocks).
fn main_path_keeps<'t>(lock: &LockCall<'t>, stmt: Node<'t>, func: Node<'t>, src: &str) -> bool {
    let Some(body) = syntax::function_body(func) else {
        return false;
    };
    let list = flow::statements(body);
    let Some(at) = list.iter().position(|s| *s == stmt) else {
        return false;
    };
    let mutex = lock.mutex(src);
    !list[at + 1..].iter().any(|s| {
        s.kind() == "expression_statement"
            && s.named_child(0)
                .and_then(|c| LockCall::of(c, src))
                .is_some_and(|c| c.mutex(src) == mutex && !c.op.acquires())
    })
}
