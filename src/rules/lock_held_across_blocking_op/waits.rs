//! The `Wait` half of `lock-held-across-blocking-op`: `wg.Wait()` while
//! holding a mutex that every goroutine calling `wg.Done()` locks first,
//! and `cond.Wait()` while holding a mutex other than the Cond's own lock
//! that every `Signal` and `Broadcast` of the Cond locks first.
//!
//! The WaitGroup or Cond is a field of the method's receiver (its `Done`,
//! `Signal` and `Broadcast` calls are then those of the methods of the type
//! in every file of the package, closures and goroutines included) or a
//! local variable (then those of the goroutines the function starts).

use super::RULE;
use crate::analysis::conds::{self, is_sync_type};
use crate::analysis::fields::Fields as _;
use crate::analysis::lock_calls;
use crate::analysis::lock_flow::conflicts;
use crate::analysis::names::{DeclKind, Resolver};
use crate::analysis::sync_calls::{self, Acquired, SyncCall, SyncMethod};
use crate::analysis::syntax::{self, text, unparen};
use crate::analysis::{Ctx, Finding};
use std::sync::Arc;
use tree_sitter::Node;

/// What waits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A `sync.WaitGroup`.
    Group,
    /// A `sync.Cond`, with its own lock's spelling.
    Cond,
}

/// A call on the other side of a `Wait`: its file (`None` for this one),
/// the method it is in (empty for a goroutine of the waiting function),
/// and the call (mutexes as written there, or below
/// the receiver).
type Side = (Option<Arc<str>>, String, SyncCall);

/// Reports the `Wait` calls of method `method` (receiver `recv` of type
/// `ty`) that hold a mutex every other side locks first.
pub(super) fn check<'t>(
    ctx: &Ctx<'t>,
    method: Node<'t>,
    recv: &str,
    ty: &str,
    out: &mut Vec<Finding>,
) {
    let Some(body) = syntax::function_body(method) else {
        return;
    };
    if memchr::memmem::find(text(body, ctx.src).as_bytes(), b"Wait()").is_none() {
        return;
    }
    let calls = sync_calls::of(body, &ctx.facts.lock_held(body), ctx.src);
    for wait in calls
        .iter()
        .filter(|c| c.method == SyncMethod::Wait && !c.held.is_empty())
    {
        let field = wait
            .target
            .strip_prefix(recv)
            .and_then(|s| s.strip_prefix('.'))
            .filter(|f| !f.contains('.'));
        let found = match field {
            Some(field) => field_sides(ctx, method, recv, ty, field, wait),
            None => local_sides(ctx, &calls, wait),
        };
        let Some((kind, lock, sides)) = found else {
            continue;
        };
        out.push(finding(kind, wait, &lock, &sides));
    }
}

/// The finding for `wait`, holding `lock`, against `sides`.
fn finding(kind: Kind, wait: &SyncCall, lock: &Acquired, sides: &[Side]) -> Finding {
    let target = lock_calls::short(&wait.target).into_owned();
    let mutex = lock_calls::short(&lock.mutex).into_owned();
    let message = match kind {
        Kind::Group => format!(
            "waits for `{target}` while holding `{mutex}`, and every goroutine calling `{target}.Done()` locks `{mutex}` first: none can finish, a deadlock"
        ),
        Kind::Cond => format!(
            "`{target}.Wait()` releases only the Cond's own lock, not `{mutex}`, and every Signal or Broadcast of `{target}` locks `{mutex}` first: nothing can wake it, a deadlock"
        ),
    };
    let mut finding = Finding::new(&RULE, wait.range.clone())
        .message(message)
        .related(lock.range.clone(), format!("`{mutex}` locked here"));
    let below = lock.mutex.find('.').map_or("", |i| &lock.mutex[i..]);
    for (file, method, side) in sides.iter().take(3) {
        if let Some(a) = side
            .locked
            .iter()
            .find(|a| a.mutex == lock.mutex || a.mutex == below)
        {
            let who = if method.is_empty() {
                "the goroutine".to_string()
            } else {
                format!("`{method}`")
            };
            finding = finding.related_in(
                file.clone(),
                a.range.clone(),
                format!("{who} locks it first"),
            );
        }
        let verb = if kind == Kind::Group {
            "calls Done"
        } else {
            "wakes it"
        };
        finding = finding.related_in(
            file.clone(),
            side.range.clone(),
            format!("then {verb} here"),
        );
    }
    finding
}

/// The lock held at `wait` (relative to the sides' spelling by
/// `spell`) that every side locks first, except the Cond's own `own`.
fn common_lock(
    wait: &SyncCall,
    sides: &[Side],
    own: Option<&str>,
    spell: impl Fn(&str) -> Option<String>,
) -> Option<Acquired> {
    if sides.is_empty() {
        return None;
    }
    // The Cond's own lock, reached through it (`c.L.Lock()`).
    let through = format!("{}.L", wait.target);
    wait.held.iter().find_map(|h| {
        if h.mutex == through {
            return None;
        }
        let mutex = spell(&h.mutex)?;
        let every = own != Some(mutex.as_str())
            && sides.iter().all(|(_, _, s)| {
                s.locked
                    .iter()
                    .any(|a| a.mutex == mutex && conflicts(h.op, a.op))
            });
        every.then(|| h.clone())
    })
}

/// The sides of `wait` on field `field` of the receiver, and the lock
/// they all take first.
fn field_sides(
    ctx: &Ctx<'_>,
    method: Node<'_>,
    recv: &str,
    ty: &str,
    field: &str,
    wait: &SyncCall,
) -> Option<(Kind, Acquired, Vec<Side>)> {
    let methods = ctx.methods();
    let declared = |list: fn(&conds::CondFacts) -> &Vec<conds::CondField>| {
        methods.files().any(|f| {
            list(&f.conds)
                .iter()
                .any(|c| c.owner == ty && c.field == field)
        })
    };
    let kind = if declared(|c| &c.wait_groups) {
        Kind::Group
    } else if declared(|c| &c.fields) {
        Kind::Cond
    } else {
        return None;
    };
    if methods.files().any(|f| f.conds.escapes(field)) {
        return None;
    }
    let want = match kind {
        Kind::Group => SyncMethod::Done,
        Kind::Cond => SyncMethod::Wake,
    };
    let this = method.field("name")?.byte_range();
    let suffix = format!(".{field}");
    let mut sides = Vec::new();
    for (file, m) in methods.of_type(ty) {
        for c in m
            .syncs
            .iter()
            .filter(|c| c.target == suffix && c.method == want)
        {
            // Called by the waiting method itself, not by another goroutine.
            if file.is_none() && m.name_range == this && !c.literal {
                return None;
            }
            sides.push((file.clone(), m.name.clone(), c.clone()));
        }
    }
    // Every such call on a field of that name in the package is on a
    // method's receiver (this type's are the sides).
    let on_receivers: usize = methods
        .files()
        .flat_map(|f| f.methods.iter())
        .map(|m| {
            m.syncs
                .iter()
                .filter(|c| c.target == suffix && c.method == want)
                .count()
        })
        .sum();
    let named: usize = methods
        .files()
        .map(|f| match kind {
            Kind::Group => f.conds.dones.iter().filter(|d| *d == field).count(),
            Kind::Cond => {
                let signalled = f.conds.signalled.iter();
                signalled.filter(|s| s.field && s.name == field).count()
            }
        })
        .sum();
    if named != on_receivers {
        return None;
    }
    // The Cond's own lock: the one every `x.<field> = sync.NewCond(&x.mu)`
    // of the package gives it (fields of other types spelled alike too).
    let own = match kind {
        Kind::Cond => {
            let mut locks = methods
                .files()
                .flat_map(|f| f.conds.cond_locks.iter())
                .filter(|(c, _)| c == field)
                .map(|(_, l)| l);
            let first = locks.next()?;
            if locks.any(|l| l != first) {
                return None;
            }
            Some(first.clone())
        }
        Kind::Group => None,
    };
    let spell = |m: &str| {
        m.strip_prefix(recv)
            .filter(|s| s.starts_with('.'))
            .map(str::to_string)
    };
    let lock = common_lock(wait, &sides, own.as_deref(), spell)?;
    Some((kind, lock, sides))
}

/// The sides of `wait` on a local variable: the calls in the goroutines
/// and closures of the same function.
fn local_sides(
    ctx: &Ctx<'_>,
    calls: &[SyncCall],
    wait: &SyncCall,
) -> Option<(Kind, Acquired, Vec<Side>)> {
    let call = ctx
        .root
        .descendant_for_byte_range(wait.range.start, wait.range.end)?;
    let operand = call.field("function")?.field("operand")?;
    let mut resolver = Resolver::new(ctx.src, ctx.facts.shared_parents());
    let decl = resolver
        .resolve(operand)
        .filter(|d| matches!(d.kind, DeclKind::Var | DeclKind::Short))?;
    let value = decl.initial_value().map(unparen);
    let is = |name: &str| {
        decl.declared_type()
            .is_some_and(|t| is_sync_type(t, ctx.src, name))
            || value.is_some_and(|v| conds::makes(v, ctx.src, name))
    };
    let (kind, want, uses): (Kind, SyncMethod, &[&str]) = if is("WaitGroup") {
        (Kind::Group, SyncMethod::Done, &["Add", "Done", "Wait"])
    } else if is("Cond") {
        (
            Kind::Cond,
            SyncMethod::Wake,
            &["Wait", "Signal", "Broadcast", "L"],
        )
    } else {
        return None;
    };
    let func = decl.function()?;
    let parents = ctx.facts.parents();
    let mut wakes = 0;
    for r in resolver.references(&decl, func) {
        if r == decl.ident {
            continue;
        }
        let used = parents
            .parent(r)
            .filter(|p| p.kind() == "selector_expression")
            .and_then(|p| p.field("field"))
            .map(|f| text(f, ctx.src))?;
        if !uses.contains(&used) {
            return None;
        }
        wakes += usize::from(matches!(used, "Done" | "Signal" | "Broadcast"));
    }
    let sides: Vec<Side> = calls
        .iter()
        .filter(|c| c.target == wait.target && c.method == want)
        .map(|c| (None, String::new(), c.clone()))
        .collect();
    if sides.len() != wakes || sides.iter().any(|(_, _, c)| !c.literal) {
        return None;
    }
    // The Cond's own lock, `sync.NewCond(&mu)`.
    let own = match kind {
        Kind::Cond => {
            let arg = value?.field("arguments")?.named_child(0)?;
            let arg = arg.field("operand").unwrap_or(arg);
            Some(text(arg, ctx.src))
        }
        Kind::Group => None,
    };
    let lock = common_lock(wait, &sides, own, |m| Some(m.to_string()))?;
    Some((kind, lock, sides))
}
