//! `lock-held-across-blocking-op`: a method blocks on a channel of its
//! receiver while holding the receiver's mutex, and every operation on the
//! other side of that channel — in any method of the type, in any file of
//! the package — runs only while holding that same mutex. Likewise for
//! `wg.Wait()` under a mutex every `Done` caller locks first, and
//! `cond.Wait()` under a mutex (not the Cond's own) every `Signal` and
//! `Broadcast` caller locks first (see `waits`).

use super::{Rule, Severity};
use crate::analysis::lock_calls;
use crate::analysis::lock_flow::conflicts;
use crate::analysis::summary::{self, ChanOp, HeldLock, MethodSummary};
use crate::analysis::{Ctx, Finding, Match};
use std::sync::Arc;

mod waits;

/// The goroutine that would take the other side waits for the lock the
/// blocked goroutine holds: neither moves again.
pub const RULE: Rule = Rule {
    slug: "lock-held-across-blocking-op",
    severity: Severity::Warning,
    group: super::Group::Correctness,
    question: "will-it-wait-indefinitely-if-it-cannot-acquire-the-lock",
    topic: None,
    summary: "A channel send or receive, `wg.Wait()` or `cond.Wait()` that blocks while holding a mutex that every other side must lock first",
    why: "A goroutine blocked on a channel, in `wg.Wait()` or in `cond.Wait()` keeps the mutexes it holds (`cond.Wait()` releases only the Cond's own lock). When the goroutines that would receive what it sends, send what it waits for, call `wg.Done()` or wake the Cond must lock one of those mutexes first, they wait for it forever, and it waits for them: a deadlock the race detector does not report and tests hit only under load.",
    message: "blocks on a channel, a WaitGroup or a Cond while holding a mutex that the other side must lock first: a deadlock",
    fix: Some("Release the mutex before the channel operation (copy what it guards into locals first), or make the other side use the channel without the mutex."),
    bad: "func (q *Queue) Put(j Job) {\n\tq.mu.Lock()\n\tdefer q.mu.Unlock()\n\tq.pending++\n\tq.jobs <- j // blocks holding q.mu\n}\n\nfunc (q *Queue) Next() Job {\n\tq.mu.Lock()\n\tdefer q.mu.Unlock()\n\tj := <-q.jobs // needs q.mu first: never runs while Put waits\n\tq.pending--\n\treturn j\n}",
    good: "func (q *Queue) Put(j Job) {\n\tq.mu.Lock()\n\tq.pending++\n\tq.mu.Unlock()\n\tq.jobs <- j\n}\n\nfunc (q *Queue) Next() Job {\n\tj := <-q.jobs\n\tq.mu.Lock()\n\tq.pending--\n\tq.mu.Unlock()\n\treturn j\n}",
    use_instead: Some("Hold mutexes only around the state they guard, never across a channel operation, `wg.Wait()` or another blocking call."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "Only channels and mutexes reached through the method's receiver (`q.jobs`, `q.mu`) are followed, and only methods of the same type: a channel handed to a goroutine or another type is not.",
        "A buffered channel blocks only when full (or empty): the finding is then a deadlock under load rather than at once.",
        "`wg.Wait()` and `cond.Wait()` are checked when the WaitGroup or Cond is a field of the receiver (its `Done`, `Signal` and `Broadcast` calls are then those of the type's methods, their closures and goroutines, in every file of the package) or a local variable (those of the goroutines the function starts); one handed elsewhere is not followed.",
        "A `Done` caller locks first when it locks before the call, or, for a `defer wg.Done()` at the top of its body, when its leading statements lock before anything may return; a Lock in a branch is not counted.",
        "`cond.Wait()` is checked only when the Cond's own lock is known from `x.cond = sync.NewCond(&x.mu)` or a local `sync.NewCond(&mu)`.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/mem#chan",
        "https://pkg.go.dev/sync#Mutex.Lock",
    ],
    query: include_str!("../../queries/lock-held-across-blocking-op.scm"),
    check,
};

/// The operations on the other side of `op`'s channel, each with its file
/// and method.
type Sides<'a> = Vec<(Option<Arc<str>>, &'a MethodSummary, &'a ChanOp)>;

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(method) = m.node("report") else {
        return;
    };
    let Some((recv, ty)) = summary::receiver(method, ctx.src) else {
        return;
    };
    waits::check(ctx, method, recv, ty, out);
    let Some(this) = ctx.facts.summary().method(method) else {
        return;
    };
    if this.chan_ops.iter().all(|op| op.held.is_empty()) {
        return;
    }
    let methods = ctx.methods();
    let all = methods.of_type(ty);
    // A method that both sends on and receives from a channel uses it as a
    // token (a buffered channel of one, a semaphore): it never waits for
    // another goroutine there.
    let token = |suffix: &str| {
        all.iter().any(|(_, m)| {
            let ops = m.chan_ops.iter().filter(|o| o.suffix == suffix);
            let (mut sends, mut receives) = (false, false);
            for o in ops {
                sends |= o.send;
                receives |= !o.send;
            }
            sends && receives
        })
    };
    for op in this.chan_ops.iter().filter(|op| !op.held.is_empty()) {
        if token(&op.suffix) {
            continue;
        }
        let sides: Sides<'_> = all
            .iter()
            .flat_map(|(file, m)| m.chan_ops.iter().map(move |o| (file.clone(), *m, o)))
            .filter(|(_, _, o)| o.suffix == op.suffix && o.send != op.send)
            .collect();
        let Some(lock) = blocking_lock(op, &sides) else {
            continue;
        };
        let channel = format!("{recv}{}", op.suffix);
        let mutex = lock_calls::short(&format!("{recv}{}", lock.suffix)).into_owned();
        let (doing, other) = if op.send {
            ("sends on", "receive from")
        } else {
            ("receives from", "send on")
        };
        let mut finding = Finding::new(&RULE, op.range.clone())
            .message(format!(
                "{doing} `{channel}` while holding `{mutex}`, and every {other} `{channel}` locks `{mutex}` first: neither goroutine can go on, a deadlock"
            ))
            .related(lock.range.clone(), format!("`{mutex}` locked here"));
        for (file, m, side) in sides.iter().take(3) {
            if let Some(h) = side.held.iter().find(|h| h.suffix == lock.suffix) {
                finding = finding.related_in(
                    file.clone(),
                    h.range.clone(),
                    format!("`{}` locks it first", m.name),
                );
            }
            let verb = if side.send { "sends" } else { "receives" };
            finding = finding.related_in(
                file.clone(),
                side.range.clone(),
                format!("then {verb} here"),
            );
        }
        out.push(finding);
    }
}

/// The mutex held at `op` that every operation of `sides` holds too, in a
/// way that excludes `op`'s hold: none when there is no other side.
fn blocking_lock<'a>(op: &'a ChanOp, sides: &Sides<'_>) -> Option<&'a HeldLock> {
    if sides.is_empty() {
        return None;
    }
    op.held.iter().find(|held| {
        sides.iter().all(|(_, _, side)| {
            side.held
                .iter()
                .any(|h| h.suffix == held.suffix && conflicts(held.op, h.op))
        })
    })
}
