//! `lock-not-unlocked`: a `Lock`/`RLock` with no matching release anywhere
//! in the function.

use super::recursive_lock;
use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::lock_calls::{self, LockCall};
use crate::analysis::lock_flow::{self, LockFlow};
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Fix, Match};
use tree_sitter::Node;

/// A lock that is never released blocks every other user of the mutex.
pub const RULE: Rule = Rule {
    slug: "lock-not-unlocked",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go",
    topic: Some("Mutex (sync.Mutex)"),
    summary: "mu.Lock() or mu.RLock() with no Unlock/RUnlock of the same mutex anywhere in the function",
    why: "A mutex gives one goroutine at a time access to a section of code; if the holder never unlocks it, every later Lock blocks forever.",
    message: "this lock is never released in this function: the next Lock of it blocks forever",
    fix: Some("Release it on every path, usually with `defer mu.Unlock()` right after the Lock."),
    bad: "func (c *Cache) Put(k, v string) {\n\tc.mu.Lock()\n\tc.m[k] = v\n}",
    good: "func (c *Cache) Put(k, v string) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.m[k] = v\n}",
    use_instead: None,
    fix_safety: "The quick fix inserts `defer mu.Unlock()` after the Lock. The lock is then released when the function returns rather than never, which changes behaviour if another function was meant to unlock it (see known problems). Not offered in a loop; never marked preferred.",
    known_problems: &[
        "A goroutine that holds the lock until the process kills itself (restores the signal handler and re-sends the signal) is reported.",
        "A lock whose Close releases it (a file lock closed instead of unlocked) is reported.",
        "A Lock that a loop comes back to while it is still held is left to `recursive-lock`, which reports the deadlock; with that rule off, neither reports it.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/sync#Mutex.Lock",
    ],
    query: include_str!("../../queries/lock-not-unlocked.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(lock) = m.node("report").and_then(|n| LockCall::of(n, ctx.src)) else {
        return;
    };
    let Some(stmt) = lock.statement(ctx.facts.parents()) else {
        return;
    };
    let Some(top) = lock_calls::outermost_function(ctx.facts.parents(), lock.call) else {
        return;
    };
    if function_names(ctx.facts.parents(), lock.call, ctx.src)
        .iter()
        .any(|n| lock_calls::is_lock_helper(n))
    {
        return;
    }
    // A function that ends by locking acquires the lock for its caller.
    let own = ctx
        .facts
        .parents()
        .enclosing_function(stmt)
        .map(|f| ctx.facts.lock_flow(f));
    let ends_with_lock = own.as_ref().is_some_and(|f| f.is_last(stmt));
    let locks = ctx.facts.lock_flow(top);
    if ends_with_lock || aliased(&lock, &locks, ctx.src) {
        return;
    }
    let mutex = lock.mutex(ctx.src);
    let release = lock.op.release().name();
    // Any release counts: deferred, in a closure, a method value passed on,
    // or the other kind of release (a mismatch is another bug).
    let typo = own.as_ref().is_some_and(|f| {
        lock_calls::typo_partner(ctx.facts.parents(), &lock, f, ctx.src).is_some()
    });
    if locks.releases_anywhere(mutex) || typo || lock.other_api(ctx) {
        return;
    }
    // The process ends right after, or the lock belongs to another function
    // of the file that releases it, or the object holding the mutex is
    // dropped (the Lock waited for a background holder).
    let [next, after] = own.as_ref().map(|f| f.following(stmt)).unwrap_or_default();
    let exits = [next, after]
        .into_iter()
        .flatten()
        .any(|s| s.kind() == "expression_statement" && flow::is_terminator(s, ctx.src));
    // The field of the mutex, or "" for a method's receiver itself.
    let field = match mutex.rsplit_once('.') {
        Some((_, field)) => Some(field),
        None => (lock_flow::receiver_name(top, ctx.src) == Some(mutex)).then_some(""),
    };
    let handed =
        field.is_some_and(|field| handed_over(top, field, ctx)) || returned(&lock, &locks, ctx.src);
    let dropped = mutex
        .char_indices()
        .filter(|&(_, c)| c == '.')
        .any(|(i, _)| locks.assigned_after(&mutex[..i], stmt.end_byte()));
    if exits || handed || dropped {
        return;
    }
    let op = lock.op.name();
    let shown = lock_calls::short(mutex);
    let indent = lock_calls::indentation(stmt, ctx.src);
    let at = stmt.end_byte();
    let message = |advice: String| {
        format!("`{shown}.{op}()` is never released in this function: the next Lock of `{shown}` blocks forever; {advice}")
    };
    // A deferred unlock in a loop would hold the lock into the next
    // iteration, whose Lock then blocks forever.
    if flow::enclosing_loop(ctx.facts.parents(), stmt)
        .is_some_and(|l| !flow::leaves_loop_after(ctx.facts.parents(), stmt, l, ctx.src))
    {
        // A Lock the loop brings back to itself is the deadlock that
        // `recursive-lock` reports.
        if recursive_lock::held_before(ctx, &lock).is_some_and(|f| f.call.id() == lock.call.id()) {
            return;
        }
        out.push(
            Finding::new(&RULE, lock.call.byte_range()).message(message(format!(
                "call `{shown}.{release}()` before the loop's next iteration"
            ))),
        );
        return;
    }
    let finding = Finding::new(&RULE, lock.call.byte_range())
        .message(message(format!("add `defer {shown}.{release}()`")));
    out.push(finding.fix(Fix::single(
        format!("Add `defer {shown}.{release}()`"),
        at..at,
        format!("\n{indent}defer {mutex}.{release}()"),
        false,
    )));
}

/// Whether another function of the file releases mutex field `field` of
/// the lock in `top` without taking it: a method of the same type
/// (`Begin`/`Finish`), one `top` calls (a `…Locked` callee that unlocks),
/// or, when `top` returns results, any (the value returned holds the lock).
fn handed_over<'t>(top: Node<'t>, field: &str, ctx: &Ctx<'t>) -> bool {
    let own_type = lock_calls::receiver_type(top, ctx.src);
    let returns = top.field("result").is_some();
    let locks = ctx.facts.lock_flow(top);
    ctx.facts.released_elsewhere(field).iter().any(|r| {
        returns || (own_type.is_some() && r.receiver_type == own_type) || locks.calls(r.name)
    })
}

/// Whether the locked variable itself is returned (`ftd.Lock(); return
/// ftd`, `return &txn{tx: tx}`): the caller gets it locked.
pub(super) fn returned(lock: &LockCall<'_>, locks: &LockFlow<'_>, src: &str) -> bool {
    lock.recv.kind() == "identifier" && locks.returns(syntax::text(lock.recv, src))
}

/// The identifier an expression `a.b[i].c` starts from.
fn root_identifier(expr: Node<'_>) -> Node<'_> {
    let mut root = expr;
    while let Some(inner) = root.field("operand").filter(|_| {
        matches!(
            root.kind(),
            "selector_expression" | "index_expression" | "parenthesized_expression"
        )
    }) {
        root = inner;
    }
    root
}

/// Whether the variable the mutex is reached through is copied to another
/// variable (`y = l`), which may release it under another name
/// (hand-over-hand locking).
pub(super) fn aliased(lock: &LockCall<'_>, locks: &LockFlow<'_>, src: &str) -> bool {
    let root = root_identifier(lock.recv);
    root.kind() == "identifier" && locks.copied(syntax::text(root, src))
}

/// The names of the functions around `node`: declared names, and the
/// variable or field a func literal is assigned to.
pub(super) fn function_names<'t, 's>(
    up: &Parents<'t>,
    node: Node<'t>,
    src: &'s str,
) -> Vec<&'s str> {
    let mut out = Vec::new();
    for f in up.ancestors(node).filter(|n| syntax::is_function(*n)) {
        if let Some(name) = f.field("name") {
            out.push(syntax::text(name, src));
            continue;
        }
        // func literal: `name := func…`, `name = func…`, `var name = func…`, `field: func…`.
        let mut value = f;
        let mut parent = up.parent(f);
        while let Some(p) =
            parent.filter(|p| matches!(p.kind(), "expression_list" | "literal_element"))
        {
            value = p;
            parent = up.parent(p);
        }
        let Some(p) = parent else { continue };
        match p.kind() {
            "short_var_declaration" | "assignment_statement" | "var_spec" => {
                let index = if value.kind() == "expression_list" {
                    let mut c = value.walk();
                    let at = value
                        .named_children(&mut c)
                        .position(|n| n.byte_range().contains(&f.start_byte()));
                    at
                } else {
                    Some(0)
                };
                let names = syntax::assigned_names(p, src);
                out.extend(index.and_then(|i| names.get(i).copied()));
            }
            "keyed_element" => out.extend(p.field("key").map(|k| syntax::text(k, src))),
            _ => {}
        }
    }
    out
}
