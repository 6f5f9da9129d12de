//! Calls made while a method holds its receiver's mutex to methods of the
//! same receiver — declared in this file or in another file of the
//! package — that lock that mutex again on entry, directly or through
//! further calls of the receiver.

use super::lock_calls::{self, LockCall, Op};
use super::package::{self, Hop, HopKind};
use super::summary;
use super::{syntax, Ctx, Finding};
use tree_sitter::Node;

/// A call that locks again the mutex a held lock holds.
pub struct Reentry<'t> {
    /// The call, while the lock is held.
    pub call: Node<'t>,
    /// The method called, as written (`s.flush`).
    pub callee: String,
    /// The hops from the called method to the second lock.
    pub hops: Vec<Hop>,
}

impl Reentry<'_> {
    /// How the second lock is taken: its lock method.
    pub fn op(&self) -> Option<Op> {
        package::lock_op(&self.hops)
    }

    /// `finding` with one related location per hop.
    pub fn related(&self, mut finding: Finding) -> Finding {
        for hop in &self.hops {
            finding = finding.related_in(hop.file.clone(), hop.range.clone(), hop.describe());
        }
        finding
    }

    /// The methods on the way, after the one called: ` (through `a` → `b`)`
    /// when the lock is not taken by the called method itself.
    pub fn through(&self) -> String {
        let names: Vec<&str> = self
            .hops
            .iter()
            .filter_map(|h| match &h.step {
                HopKind::Calls(name) => Some(name.as_str()),
                HopKind::Locks(_) => None,
            })
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!(" (through `{}`)", names.join("` → `"))
        }
    }
}

/// The calls of method `func`'s receiver made while acquire `lock` holds a
/// mutex of that receiver (`recv.mu`), whose method locks it again on entry.
pub fn of<'t>(ctx: &Ctx<'t>, func: Node<'t>, lock: &LockCall<'t>) -> Vec<Reentry<'t>> {
    let Some((recv, type_name)) = summary::receiver(func, ctx.src) else {
        return Vec::new();
    };
    let mutex = lock.mutex(ctx.src);
    let Some(suffix) = mutex
        .strip_prefix(recv)
        .filter(|s| s.is_empty() || s.starts_with('.'))
    else {
        return Vec::new();
    };
    let flow = ctx.facts.lock_flow(func);
    let calls = flow.calls_while_held(lock);
    if calls.is_empty() {
        return Vec::new();
    }
    let methods = ctx.methods();
    let mut out = Vec::new();
    for &call in calls {
        let Some(function) = call.child_by_field_name("function") else {
            continue;
        };
        let Some(name) = function.child_by_field_name("field") else {
            continue;
        };
        let Some(hops) = methods.entry_lock(type_name, ctx.text(name), suffix) else {
            continue;
        };
        out.push(Reentry {
            call,
            callee: lock_calls::short(syntax::text(function, ctx.src)).into_owned(),
            hops,
        });
    }
    out
}
