//! `lock-order-inversion`: one method of a type locks the receiver's mutex
//! `b` while holding its mutex `a`, and another method of the type — in
//! any file of the package — locks `a` while holding `b`; or one function
//! or method of the package does so with two package-level mutexes and
//! another does the reverse. Two goroutines running one each can hold one
//! mutex each and wait for the other.

use super::{Rule, Severity};
use crate::analysis::lock_calls;
use crate::analysis::lock_flow::conflicts;
use crate::analysis::package::{self, Hop, Methods};
use crate::analysis::summary::functions::{FunctionSummary, GlobalLock};
use crate::analysis::summary::{self, HeldLock, MethodSummary};
use crate::analysis::{Ctx, Finding, Match};
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;
use tree_sitter::Node;

/// Two goroutines taking two mutexes in opposite orders can each hold the
/// one the other waits for.
pub const RULE: Rule = Rule {
    slug: "lock-order-inversion",
    severity: Severity::Warning,
    group: super::Group::Correctness,
    question: "will-it-wait-indefinitely-if-it-cannot-acquire-the-lock",
    topic: None,
    summary: "Two mutexes of one receiver, or two package-level mutexes, locked in one order by one method or function and in the other order by another",
    why: "A goroutine waiting for a mutex waits as long as its holder keeps it. When one method holds `a` and waits for `b` while another holds `b` and waits for `a`, two goroutines running them at once wait for each other forever: a deadlock that shows only under concurrent load.",
    message: "locks two mutexes in the opposite order of another method: two goroutines running both can each hold one and wait for the other",
    fix: Some("Pick one order for the two mutexes and take them in that order everywhere (document it on the struct), or release the first before taking the second."),
    bad: "func (a *Account) Transfer(n int) {\n\ta.mu.Lock()\n\tdefer a.mu.Unlock()\n\ta.logMu.Lock() // mu, then logMu\n\tdefer a.logMu.Unlock()\n\ta.balance -= n\n}\n\nfunc (a *Account) Audit() {\n\ta.logMu.Lock()\n\tdefer a.logMu.Unlock()\n\ta.mu.Lock() // logMu, then mu: the other order\n\tdefer a.mu.Unlock()\n\tprintln(a.balance)\n}",
    good: "func (a *Account) Transfer(n int) {\n\ta.mu.Lock()\n\tdefer a.mu.Unlock()\n\ta.logMu.Lock()\n\tdefer a.logMu.Unlock()\n\ta.balance -= n\n}\n\nfunc (a *Account) Audit() {\n\ta.mu.Lock() // the same order: mu, then logMu\n\tdefer a.mu.Unlock()\n\ta.logMu.Lock()\n\tdefer a.logMu.Unlock()\n\tprintln(a.balance)\n}",
    use_instead: Some("One lock order per type, written down where the mutexes are declared."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "Only mutexes reached through the receiver (`a.mu`, `a.log.mu`) with methods of the same type, and package-level mutexes with the package's functions and methods, are compared: two objects of different types, or goroutines handed the objects, are not.",
        "Calls are followed only into what the called method or function locks first thing (before any branch); for package-level mutexes, only calls by name of the package's functions and of the same receiver's methods.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &["https://pkg.go.dev/sync#Mutex.Lock"],
    query: include_str!("../../queries/lock-order-inversion.scm"),
    check,
};

/// One ordering of two receiver mutexes in one method: `outer` held while
/// `inner` is locked, directly or through a call.
struct Order {
    /// The file it is in (`None` for the file being checked).
    file: Option<Arc<str>>,
    /// The method.
    method: String,
    /// The mutex held, and where it was locked.
    outer: HeldLock,
    /// The mutex locked while it is held.
    inner: String,
    /// How it is locked.
    inner_op: lock_calls::Op,
    /// Where: the Lock, or the call that leads to it.
    at: Range<usize>,
    /// The calls and lock on the way, when it is locked through a call.
    hops: Vec<Hop>,
}

/// The orderings of the mutexes of type `ty` in `method` (declared in
/// `file`), the mutex paths of the type being `mutexes`.
fn orders(
    methods: &Methods<'_>,
    ty: &str,
    file: &Option<Arc<str>>,
    method: &MethodSummary,
    mutexes: &BTreeSet<&str>,
) -> Vec<Order> {
    let mut out: Vec<Order> = method
        .nested
        .iter()
        .map(|n| Order {
            file: file.clone(),
            method: method.name.clone(),
            outer: n.outer.clone(),
            inner: n.inner.suffix.clone(),
            inner_op: n.inner.op,
            at: n.inner.range.clone(),
            hops: Vec::new(),
        })
        .collect();
    for call in &method.held_calls {
        for &inner in mutexes {
            let Some(hops) = methods.entry_lock(ty, &call.name, inner) else {
                continue;
            };
            let Some(op) = package::lock_op(&hops) else {
                continue;
            };
            for outer in call.held.iter().filter(|h| h.suffix != inner) {
                out.push(Order {
                    file: file.clone(),
                    method: method.name.clone(),
                    outer: outer.clone(),
                    inner: inner.to_string(),
                    inner_op: op,
                    at: call.range.clone(),
                    hops: hops.clone(),
                });
            }
        }
    }
    out
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(decl) = m.node("report") else {
        return;
    };
    if let Some((recv, ty)) = summary::receiver(decl, ctx.src) {
        receiver_check(ctx, decl, recv, ty, out);
    }
    package_check(ctx, decl, out);
}

/// The orderings of the receiver's mutexes in `method`, against those of
/// the other methods of its type.
fn receiver_check(ctx: &Ctx<'_>, method: Node<'_>, recv: &str, ty: &str, out: &mut Vec<Finding>) {
    let Some(this) = ctx.facts.summary().method(method) else {
        return;
    };
    if this.nested.is_empty() && this.held_calls.is_empty() {
        return;
    }
    let methods = ctx.methods();
    let all = methods.of_type(ty);
    let mutexes: BTreeSet<&str> = all.iter().flat_map(|(_, m)| m.mutexes()).collect();
    let mine = orders(&methods, ty, &None, this, &mutexes);
    if mine.is_empty() {
        return;
    }
    let theirs: Vec<Order> = all
        .iter()
        .filter(|(file, m)| !(file.is_none() && m.name_range == this.name_range))
        .flat_map(|(file, m)| orders(&methods, ty, file, m, &mutexes))
        .collect();
    let shown = |suffix: &str| lock_calls::short(&format!("{recv}{suffix}")).into_owned();
    report(&mine, &theirs, shown, out);
}

/// The orderings of package-level mutexes in `decl`, against those of the
/// other functions and methods of the package.
fn package_check(ctx: &Ctx<'_>, decl: Node<'_>, out: &mut Vec<Finding>) {
    if !ctx.may_sync {
        return;
    }
    let Some(this) = ctx.facts.summary().functions.of_decl(decl) else {
        return;
    };
    if this.nested.is_empty() && this.held_calls.is_empty() {
        return;
    }
    let methods = ctx.methods();
    let mutexes = methods.package_mutexes();
    if mutexes.len() < 2 {
        return;
    }
    let mine = package_orders(&methods, &None, this, &mutexes);
    if mine.is_empty() {
        return;
    }
    let theirs: Vec<Order> = methods
        .functions()
        .filter(|(file, f)| !(file.is_none() && f.name_range == this.name_range))
        .filter(|(_, f)| !f.nested.is_empty() || !f.held_calls.is_empty())
        .flat_map(|(file, f)| package_orders(&methods, &file, f, &mutexes))
        .collect();
    let shown = |mutex: &str| lock_calls::short(mutex).into_owned();
    report(&mine, &theirs, shown, out);
}

/// The orderings of the package-level mutexes `mutexes` in function or
/// method `f` (declared in `file`).
fn package_orders(
    methods: &Methods<'_>,
    file: &Option<Arc<str>>,
    f: &FunctionSummary,
    mutexes: &BTreeSet<&str>,
) -> Vec<Order> {
    let held = |l: &GlobalLock| HeldLock {
        suffix: l.mutex.clone(),
        op: l.op,
        range: l.range.clone(),
    };
    let declared = |l: &GlobalLock| mutexes.contains(l.mutex.as_str());
    let name = f.callee.name();
    let mut out: Vec<Order> = f
        .nested
        .iter()
        .filter(|n| declared(&n.outer) && declared(&n.inner))
        .map(|n| Order {
            file: file.clone(),
            method: name.to_string(),
            outer: held(&n.outer),
            inner: n.inner.mutex.clone(),
            inner_op: n.inner.op,
            at: n.inner.range.clone(),
            hops: Vec::new(),
        })
        .collect();
    for call in &f.held_calls {
        for &inner in mutexes {
            let Some(hops) = methods.package_entry_lock(&call.callee, inner) else {
                continue;
            };
            let Some(op) = package::lock_op(&hops) else {
                continue;
            };
            for outer in call.held.iter().filter(|h| declared(h) && h.mutex != inner) {
                out.push(Order {
                    file: file.clone(),
                    method: name.to_string(),
                    outer: held(outer),
                    inner: inner.to_string(),
                    inner_op: op,
                    at: call.range.clone(),
                    hops: hops.clone(),
                });
            }
        }
    }
    out
}

/// Reports each of `mine` that one of `theirs` takes the other way round,
/// showing a mutex by `shown`.
fn report(
    mine: &[Order],
    theirs: &[Order],
    shown: impl Fn(&str) -> String,
    out: &mut Vec<Finding>,
) {
    let mut reported = BTreeSet::new();
    for order in mine {
        // The other order: inner held while outer is locked; each of the
        // two waits must be one the holder's lock keeps out.
        let Some(other) = theirs.iter().find(|o| {
            o.outer.suffix == order.inner
                && o.inner == order.outer.suffix
                && conflicts(order.outer.op, o.inner_op)
                && conflicts(o.outer.op, order.inner_op)
        }) else {
            continue;
        };
        if !reported.insert(order.at.start) {
            continue;
        }
        let (a, b) = (shown(&order.outer.suffix), shown(&order.inner));
        let mut finding = Finding::new(&RULE, order.at.clone())
            .message(format!(
                "locks `{b}` while holding `{a}`, and `{}` locks `{a}` while holding `{b}`: two goroutines running both can each hold one and wait for the other, a deadlock",
                other.method
            ))
            .related(order.outer.range.clone(), format!("`{a}` locked here"));
        for hop in &order.hops {
            finding = finding.related_in(hop.file.clone(), hop.range.clone(), hop.describe());
        }
        finding = finding
            .related_in(
                other.file.clone(),
                other.outer.range.clone(),
                format!("`{}` locks `{b}` here", other.method),
            )
            .related_in(
                other.file.clone(),
                other.at.clone(),
                format!("then `{a}` here"),
            );
        out.push(finding);
    }
}
