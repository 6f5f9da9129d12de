//! `empty-critical-section`: `mu.Lock()` directly followed by `mu.Unlock()`.

use super::{Rule, Severity};
use crate::analysis::lock_calls::{self, LockCall};
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Fix, Match};
use tree_sitter::Node;

/// A lock released right away protects nothing; usually the Unlock was
/// meant to be deferred.
pub const RULE: Rule = Rule {
    slug: "empty-critical-section",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "what-is-a-mutex-in-go",
    topic: None,
    summary: "mu.Lock() immediately followed by mu.Unlock() (or RLock/RUnlock): a critical section with nothing in it",
    why: "The point of a mutex is the code between Lock and Unlock; with nothing there, the code after the Unlock runs unprotected, most often because `defer` was forgotten.",
    message: "empty critical section: the mutex is released before anything runs under it",
    fix: Some("Defer the unlock (`defer mu.Unlock()`), or move it after the code it should protect; if the pair only waits for other holders, say so in a comment."),
    bad: "func (c *Cache) Get(k string) string {\n\tc.mu.Lock()\n\tc.mu.Unlock()\n\treturn c.m[k]\n}",
    good: "func (c *Cache) Get(k string) string {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\treturn c.m[k]\n}",
    use_instead: None,
    fix_safety: "The quick fix turns the unlock into `defer mu.Unlock()`, so the lock is held until the function returns. That protects what follows, but also holds the lock across it: slow calls or a second Lock of the same mutex later in the function now wait or deadlock. Not offered in a loop; never marked preferred.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Staticcheck, id: "SA2001", scope: "" },
    ],
    references: &[
        "https://pkg.go.dev/sync#Mutex",
    ],
    query: include_str!("../../queries/empty-critical-section.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(lock) = m.node("report").and_then(|n| LockCall::of(n, ctx.src)) else {
        return;
    };
    let Some(stmt) = lock.statement(ctx.facts.parents()) else {
        return;
    };
    let Some(func) = ctx.facts.parents().enclosing_function(stmt) else {
        return;
    };
    let [next, after] = ctx.facts.lock_flow(func).following(stmt);
    let Some(next) = next else {
        return;
    };
    let Some(unlock) = next
        .named_child(0)
        .and_then(|c| LockCall::of(c, ctx.src))
        .filter(|u| u.statement(ctx.facts.parents()).is_some())
    else {
        return;
    };
    let mutex = lock.mutex(ctx.src);
    if unlock.op != lock.op.release() || unlock.mutex(ctx.src) != mutex {
        return;
    }
    // A commented pair, one in a loop (polling, stress) or one a goroutine
    // runs to wait for the holder: a deliberate barrier, not a lost defer.
    if commented(stmt, next, mutex, ctx.src)
        || yields_in_loop(ctx.facts.parents(), stmt, after, mutex, ctx.src)
        || in_goroutine(ctx.facts.parents(), stmt)
    {
        return;
    }
    // Lock, Unlock, Unlock: a test of misuse, not a lost defer.
    let after = after
        .and_then(|s| s.named_child(0))
        .and_then(|c| LockCall::of(c, ctx.src));
    if after.is_some_and(|a| a.mutex(ctx.src) == mutex && !a.op.acquires()) {
        return;
    }
    if lock.other_api(ctx) || unlock.other_api(ctx) {
        return;
    }
    let (op, release) = (lock.op.name(), unlock.op.name());
    let mutex = lock_calls::short(mutex);
    let finding = Finding::new(&RULE, unlock.call.byte_range())
        .message(format!(
            "empty critical section: `{mutex}.{release}()` right after `{mutex}.{op}()` protects nothing; was it meant to be deferred?"
        ))
        .related(lock.call.byte_range(), format!("`{mutex}` locked here"));
    // A deferred unlock in a loop would hold the lock into the next
    // iteration, whose Lock then blocks forever.
    if flow::enclosing_loop(ctx.facts.parents(), stmt)
        .is_some_and(|l| !flow::leaves_loop_after(ctx.facts.parents(), stmt, l, ctx.src))
    {
        out.push(finding);
        return;
    }
    let at = next.start_byte();
    out.push(finding.fix(Fix::single(
        format!("Defer `{mutex}.{release}()`"),
        at..at,
        "defer ",
        false,
    )));
}

/// Whether a comment explains the pair: on the line above `first`, between
/// the two statements, or a few lines above naming the mutex (`// hold
/// closemu so no query is active`).
fn commented(first: Node<'_>, second: Node<'_>, mutex: &str, src: &str) -> bool {
    let is_comment = |t: &str| {
        let t = t.trim();
        t.starts_with("//") || t.starts_with("/*") || t.ends_with("*/")
    };
    let before = src.get(..first.start_byte()).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let mut lines = before[..line_start].lines().rev();
    let above = lines.clone().next().is_some_and(is_comment);
    let name = mutex
        .rsplit(['.', ']', ')'])
        .find(|s| !s.is_empty())
        .unwrap_or(mutex);
    let names_it = |line: &str| {
        line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == name)
    };
    let nearby = lines.by_ref().take(6).any(|l| is_comment(l) && names_it(l));
    // A comment trailing the Lock (`mu.Lock() // wait here`) does not
    // explain the pair: only one on a line of its own does.
    let between = src
        .get(first.end_byte()..second.start_byte())
        .and_then(|t| t.split_once('\n'))
        .is_some_and(|(_, t)| t.contains("//") || t.contains("/*"));
    above || nearby || between
}

/// Whether the pair started by `stmt` sits in a loop without guarding
/// what follows it there (polling, yielding to other holders, a stress
/// test): unless the statement after the pair, `after`, touches the value
/// that holds the mutex (`r.names` after `r.mu`), the state it was meant to
/// protect.
fn yields_in_loop<'t>(
    up: &Parents<'t>,
    stmt: Node<'t>,
    after: Option<Node<'t>>,
    mutex: &str,
    src: &str,
) -> bool {
    if flow::enclosing_loop(up, stmt).is_none() {
        return false;
    }
    let owner = mutex.split_once('.').map(|(root, _)| root);
    let guards = after
        .zip(owner)
        .is_some_and(|(a, owner)| syntax::identifiers(a, src).contains(&owner));
    !guards
}

/// Whether `stmt` runs in a func literal started with `go`.
fn in_goroutine<'t>(up: &Parents<'t>, stmt: Node<'t>) -> bool {
    up.enclosing_function(stmt)
        .filter(|f| f.kind() == "func_literal")
        .and_then(|f| up.parent(f))
        .and_then(|call| up.parent(call))
        .is_some_and(|p| p.kind() == "go_statement")
}
