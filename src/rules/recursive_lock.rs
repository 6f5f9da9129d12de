//! `recursive-lock`: locking a mutex that this path already holds, directly
//! or by calling a method of the same receiver that locks it first thing.
//!
//! The second form reads the called method's declaration: its findings
//! depend on the other methods of the file, which the check reads from the
//! whole tree on every run.

use super::{Rule, Severity};
use crate::analysis::lock_calls::{self, LockCall};
use crate::analysis::lock_flow::conflicts;
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Match};
use tree_sitter::Node;

/// Go mutexes are not reentrant: the second Lock waits for the first, which
/// waits for the code after the second: a deadlock.
pub const RULE: Rule = Rule {
    slug: "recursive-lock",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "are-locks-in-go-reentrant",
    topic: Some("Go's Mutex Behavior"),
    summary: "A mutex locked again on a path that already holds it (also Lock after RLock, or through a method that locks it)",
    why: "Go's sync.Mutex and RWMutex are not reentrant: a goroutine that locks a mutex it already holds blocks forever.",
    message: "this locks a mutex that this path already holds: Go mutexes are not reentrant, so it deadlocks",
    fix: Some("Unlock before locking again, or split the method into a locked wrapper and a `…Locked` helper that assumes the lock is held."),
    bad: "func (c *Cache) Put(k, v string) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.m[k] = v\n\tc.Evict() // Evict locks c.mu again: deadlock\n}\n\nfunc (c *Cache) Evict() {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.m = make(map[string]string)\n}",
    good: "func (c *Cache) Put(k, v string) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.m[k] = v\n\tc.evictLocked()\n}\n\nfunc (c *Cache) Evict() {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.evictLocked()\n}\n\n// evictLocked needs c.mu held.\nfunc (c *Cache) evictLocked() {\n\tc.m = make(map[string]string)\n}",
    use_instead: None,
    fix_safety: "No quick fix.",
    known_problems: &[],
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

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(lock) = m.node("report").and_then(|n| LockCall::of(n, ctx.src)) else {
        return;
    };
    let Some(stmt) = lock.statement() else { return };
    let Some(func) = ctx.facts.parents().enclosing_function(stmt) else {
        return;
    };
    if lock.recv_has_call() {
        return;
    }
    let flow = ctx.facts.lock_flow(func);
    let mutex = lock.mutex(ctx.src);
    let shown = lock_calls::short(mutex);
    // Around a loop's back edge, a lock that another function of the
    // declaration releases (the goroutine that started this one) is
    // handed over, not held.
    let handed_over = |first: &LockCall<'_>| {
        first.call.start_byte() >= lock.call.start_byte()
            && !flow.names_release(mutex)
            && lock_calls::outermost_function(ctx.facts.parents(), func)
                .is_some_and(|top| ctx.facts.lock_flow(top).names_release(mutex))
    };
    let earlier = flow.held_before(&lock, ctx.src).filter(|e| !handed_over(e));
    if let Some(first) = earlier.filter(|_| is_mutex(&lock, ctx)) {
        let (a, b) = (first.op.name(), lock.op.name());
        out.push(
            Finding::new(&RULE, lock.call.byte_range())
                .message(format!(
                    "`{shown}.{b}()` while this path already holds `{shown}` ({a} above): Go mutexes are not reentrant, so this deadlocks"
                ))
                .related(first.call.byte_range(), format!("`{shown}` locked here")),
        );
    }
    // Calls, while the lock is held, to a method of the same receiver that locks it again.
    let Some((recv, type_name)) = receiver(func, ctx.src) else {
        return;
    };
    let Some(suffix) = mutex
        .strip_prefix(recv)
        .filter(|s| s.is_empty() || s.starts_with('.'))
    else {
        return;
    };
    let mut mutex_checked = None;
    for &call in flow.calls_while_held(&lock) {
        let Some(name) = call
            .child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("field"))
        else {
            continue;
        };
        let Some((method, inner)) = method_lock(
            ctx.facts.parents(),
            func,
            type_name,
            ctx.text(name),
            suffix,
            ctx.src,
        ) else {
            continue;
        };
        if !conflicts(lock.op, inner.op)
            || !*mutex_checked.get_or_insert_with(|| is_mutex(&lock, ctx))
        {
            continue;
        }
        let name = ctx.text(name);
        out.push(
            Finding::new(&RULE, call.byte_range())
                .message(format!(
                    "`{recv}.{name}` locks `{shown}` again while this method holds it: Go mutexes are not reentrant, so this deadlocks"
                ))
                .related(lock.call.byte_range(), format!("`{shown}` locked here"))
                .related(inner.call.byte_range(), format!("`{}` locks it here", syntax::text(method, ctx.src))),
        );
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

/// The receiver name and type name of a method declaration.
fn receiver<'s>(func: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str)> {
    if func.kind() != "method_declaration" {
        return None;
    }
    let param = func.child_by_field_name("receiver")?.named_child(0)?;
    let name = syntax::text(param.child_by_field_name("name")?, src);
    Some((name, lock_calls::receiver_type(func, src)?))
}

/// The method `name` of type `type_name` declared in this file, and the
/// lock of `<its receiver><suffix>` it takes first thing: among its leading
/// straight-line statements, before anything else touches that mutex.
fn method_lock<'t>(
    up: &Parents<'t>,
    from: Node<'t>,
    type_name: &str,
    name: &str,
    suffix: &str,
    src: &str,
) -> Option<(Node<'t>, LockCall<'t>)> {
    let root = up.ancestors(from).last()?;
    let mut c = root.walk();
    let method = root.named_children(&mut c).find(|d| {
        d.kind() == "method_declaration"
            && d.child_by_field_name("name")
                .is_some_and(|n| syntax::text(n, src) == name)
            && lock_calls::receiver_type(*d, src) == Some(type_name)
    })?;
    let (recv, _) = receiver(method, src)?;
    let mutex = format!("{recv}{suffix}");
    let body = syntax::function_body(method)?;
    for stmt in flow::statements(body) {
        if !matches!(
            stmt.kind(),
            "expression_statement"
                | "short_var_declaration"
                | "assignment_statement"
                | "var_declaration"
                | "inc_statement"
                | "dec_statement"
        ) {
            return None;
        }
        if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, src)) {
            if lock.mutex(src) == mutex {
                return lock
                    .op
                    .acquires()
                    .then_some((method.child_by_field_name("name")?, lock));
            }
        }
        let touches = syntax::descendants(stmt).into_iter().any(|n| {
            n.kind() == "func_literal"
                || (n.kind() == "selector_expression"
                    && n.child_by_field_name("field")
                        .is_some_and(|f| lock_calls::is_unlock_helper(syntax::text(f, src))))
        });
        if touches {
            return None;
        }
    }
    None
}
