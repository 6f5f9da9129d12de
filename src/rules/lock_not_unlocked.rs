//! `lock-not-unlocked`: a `Lock`/`RLock` with no matching release anywhere
//! in the function.

use super::lock_calls::{self, LockCall};
use super::{Rule, Severity};
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
    query: include_str!("../../queries/lock-not-unlocked.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(lock) = m.node("report").and_then(|n| LockCall::of(n, ctx.src)) else {
        return;
    };
    let Some(stmt) = lock.statement() else { return };
    let Some(top) = lock_calls::outermost_function(lock.call) else {
        return;
    };
    if function_names(lock.call, ctx.src)
        .iter()
        .any(|n| lock_calls::is_lock_helper(n))
    {
        return;
    }
    // A function that ends by locking acquires the lock for its caller.
    let ends_with_lock = syntax::enclosing_function(stmt)
        .and_then(syntax::function_body)
        .is_some_and(|body| flow::statements(body).last() == Some(&stmt));
    if ends_with_lock || aliased(&lock, top, ctx.src) {
        return;
    }
    let mutex = lock.mutex(ctx.src);
    let release = lock.op.release().name();
    // Any release counts: deferred, in a closure, a method value passed on,
    // or the other kind of release (a mismatch is another bug).
    let released = syntax::descendants(top)
        .into_iter()
        .any(|n| match n.kind() {
            "selector_expression" => {
                let field = n.child_by_field_name("field").map_or("", |f| ctx.text(f));
                lock_calls::is_unlock_helper(field)
                    || (matches!(field, "Unlock" | "RUnlock")
                        && n.child_by_field_name("operand")
                            .is_some_and(|o| ctx.text(o) == mutex))
            }
            "call_expression" => n.child_by_field_name("function").is_some_and(|f| {
                f.kind() == "identifier" && lock_calls::is_unlock_helper(ctx.text(f))
            }),
            _ => false,
        });
    if released || lock_calls::typo_partner(&lock, ctx.src).is_some() || lock.other_api(ctx) {
        return;
    }
    let op = lock.op.name();
    let shown = lock_calls::short(mutex);
    let indent = lock_calls::indentation(stmt, ctx.src);
    let at = stmt.end_byte();
    out.push(
        Finding::new(&RULE, lock.call.byte_range())
            .message(format!(
                "`{shown}.{op}()` is never released in this function: the next Lock of `{shown}` blocks forever; add `defer {shown}.{release}()`"
            ))
            .fix(Fix::single(
                format!("Add `defer {shown}.{release}()`"),
                at..at,
                format!("\n{indent}defer {mutex}.{release}()"),
                false,
            )),
    );
}

/// Whether the variable the mutex is reached through is copied to another
/// variable (`y = l`), which may release it under another name
/// (hand-over-hand locking).
fn aliased(lock: &LockCall<'_>, top: Node<'_>, src: &str) -> bool {
    let mut root = lock.recv;
    while let Some(inner) = root.child_by_field_name("operand").filter(|_| {
        matches!(
            root.kind(),
            "selector_expression" | "index_expression" | "parenthesized_expression"
        )
    }) {
        root = inner;
    }
    if root.kind() != "identifier" {
        return false;
    }
    let name = syntax::text(root, src);
    syntax::descendants(top).into_iter().any(|n| {
        matches!(n.kind(), "assignment_statement" | "short_var_declaration")
            && n.child_by_field_name("right").is_some_and(|r| {
                super::lock_types::list_items(r)
                    .iter()
                    .any(|v| syntax::text(*v, src) == name)
            })
    })
}

/// The names of the functions around `node`: declared names, and the
/// variable or field a func literal is assigned to.
fn function_names<'s>(node: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let mut out = Vec::new();
    for f in syntax::ancestors(node).filter(|n| syntax::is_function(*n)) {
        if let Some(name) = f.child_by_field_name("name") {
            out.push(syntax::text(name, src));
            continue;
        }
        // func literal: `name := func…`, `name = func…`, `var name = func…`, `field: func…`.
        let mut value = f;
        let mut parent = f.parent();
        while let Some(p) =
            parent.filter(|p| matches!(p.kind(), "expression_list" | "literal_element"))
        {
            value = p;
            parent = p.parent();
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
            "keyed_element" => {
                out.extend(p.child_by_field_name("key").map(|k| syntax::text(k, src)))
            }
            _ => {}
        }
    }
    out
}
