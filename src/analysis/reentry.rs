//! Calls made while a method holds its receiver's mutex to methods of the
//! same receiver — declared in this file or in another file of the
//! package — that lock that mutex again on entry, directly or through
//! further calls of the receiver; and calls made while a function or
//! method holds a package-level mutex to functions of the package (or
//! methods of its receiver) that lock it again on entry.

use super::lock_calls::{self, LockCall, Op};
use super::package::{self, Hop, HopKind};
use super::summary::{self, functions::Callee};
use super::{syntax, Ctx, Finding};
use crate::analysis::fields::Fields as _;
use std::ops::Range;
use tree_sitter::Node;

/// A call that locks again the mutex a held lock holds.
pub struct Reentry {
    /// The call, while the lock is held.
    pub call: Range<usize>,
    /// The method called, as written (`s.flush`).
    pub callee: String,
    /// The hops from the called method to the second lock.
    pub hops: Vec<Hop>,
}

impl Reentry {
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
pub fn of<'t>(ctx: &Ctx<'t>, func: Node<'t>, lock: &LockCall<'t>) -> Vec<Reentry> {
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
        let Some(function) = call.field("function") else {
            continue;
        };
        let Some(name) = function.field("field") else {
            continue;
        };
        let Some(hops) = methods.entry_lock(type_name, ctx.text(name), suffix) else {
            continue;
        };
        out.push(Reentry {
            call: call.byte_range(),
            callee: lock_calls::short(syntax::text(function, ctx.src)).into_owned(),
            hops,
        });
    }
    out
}

/// The calls made while acquire `lock` certainly holds a package-level
/// mutex, in the top-level function or method it is in (not in a closure),
/// whose callee locks that mutex again on entry: a function of the
/// package called by name, or a method of the same receiver.
pub fn of_package<'t>(ctx: &Ctx<'t>, lock: &LockCall<'t>) -> Vec<Reentry> {
    let Some(top) = lock_calls::outermost_function(ctx.facts.parents(), lock.call) else {
        return Vec::new();
    };
    let Some(summary) = ctx.facts.summary().functions.of_decl(top) else {
        return Vec::new();
    };
    let range = lock.call.byte_range();
    let holding = summary
        .held_calls
        .iter()
        .filter(|c| c.held.iter().any(|h| h.range == range));
    let mut holding = holding.peekable();
    if holding.peek().is_none() {
        return Vec::new();
    }
    let mutex = lock.mutex(ctx.src);
    let methods = ctx.methods();
    if !methods.is_package_mutex(mutex) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for call in holding {
        let Some(hops) = methods.package_entry_lock(&call.callee, mutex) else {
            continue;
        };
        let callee = match &call.callee {
            Callee::Func(name) => name.clone(),
            Callee::Method { name, .. } => {
                let recv = summary::receiver(top, ctx.src).map(|(r, _)| r);
                format!("{}.{name}", recv.unwrap_or_default())
            }
        };
        out.push(Reentry {
            call: call.range.clone(),
            callee,
            hops,
        });
    }
    out
}
