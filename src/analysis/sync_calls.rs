//! The `Wait`, `Done`, `Signal` and `Broadcast` calls of a function (on a
//! WaitGroup or a Cond), each with the mutexes locked before it: on every
//! path that reaches it (still held or not), and those certainly still
//! held there, as the function's [`HeldLocks`] tells.
//!
//! A function's own body and each func literal in it (a closure, a
//! goroutine) are walked on their own: a literal starts holding nothing.
//! A `defer x.Done()` among a body's statements runs when the body returns:
//! the locks before it are those the body's leading statements take before
//! anything may return.

use super::flow;
use super::lock_calls::{LockCall, Op};
use super::lock_held::{HeldLocks, Taken};
use super::syntax::{self, text};
use crate::analysis::fields::Fields as _;
use std::ops::Range;
use tree_sitter::Node;

/// The call's method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMethod {
    /// `Wait()`: a WaitGroup's or a Cond's.
    Wait,
    /// `WaitGroup.Done()`.
    Done,
    /// `Cond.Signal()` or `Cond.Broadcast()`.
    Wake,
}

/// A mutex locked, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acquired {
    /// The mutex as written (`s.mu`), or its path below the receiver
    /// (`.mu`) in a method summary.
    pub mutex: String,
    /// How it was locked.
    pub op: Op,
    /// The lock call.
    pub range: Range<usize>,
}

/// One call of a WaitGroup's or a Cond's method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncCall {
    /// The WaitGroup or Cond as written (`s.wg`), or its path below the
    /// receiver (`.wg`) in a method summary.
    pub target: String,
    /// The method.
    pub method: SyncMethod,
    /// The call.
    pub range: Range<usize>,
    /// The mutexes locked before it on every path that reaches it.
    pub locked: Vec<Acquired>,
    /// Those certainly still held at it.
    pub held: Vec<Acquired>,
    /// Whether it is in a func literal rather than the function itself.
    pub literal: bool,
}

/// Whether the source `text` of a function may hold a call of interest: a
/// `Done()` on a line without `<-` (not `<-ctx.Done()`), or a `Wait()`,
/// `Signal()` or `Broadcast()`.
pub fn may_hold(text: &str) -> bool {
    let bytes = text.as_bytes();
    let has = |w: &str| memchr::memmem::find(bytes, w.as_bytes()).is_some();
    if has("Wait()") || has("Signal()") || has("Broadcast()") {
        return true;
    }
    memchr::memmem::find_iter(bytes, b"Done()").any(|at| {
        let line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        memchr::memmem::find(&bytes[line..at], b"<-").is_none()
    })
}

/// What is left to walk.
enum Work<'t> {
    /// A function's or literal's body (a literal when `bool`).
    Body(Node<'t>, bool),
    /// A block.
    Block(Node<'t>, bool),
    /// Some other node, inside a block.
    Visit(Node<'t>, bool),
}

/// The calls in function body `body`, with mutexes as written; `held` is
/// the body's [`HeldLocks`]. Linear in the size of the body.
pub fn of<'t>(body: Node<'t>, held: &HeldLocks<'t>, src: &str) -> Vec<SyncCall> {
    let mut out = Vec::new();
    let mut stack = vec![Work::Body(body, false)];
    while let Some(work) = stack.pop() {
        match work {
            Work::Body(b, literal) => {
                // Asked only of a body with a `defer x.Done()` of its own.
                let defers_done = flow::statements(b).into_iter().any(|s| {
                    syntax::kind(s) == "defer_statement"
                        && s.named_child(0)
                            .and_then(|c| sync_call(c, src))
                            .is_some_and(|(_, m)| m == SyncMethod::Done)
                });
                let leading = if defers_done {
                    leading_locks(b, src)
                } else {
                    Vec::new()
                };
                block(b, held, literal, Some(&leading), src, &mut out, &mut stack);
            }
            Work::Block(b, literal) => block(b, held, literal, None, src, &mut out, &mut stack),
            Work::Visit(n, literal) => {
                let mut c = n.walk();
                for child in n.named_children(&mut c) {
                    stack.push(match syntax::kind(child) {
                        "block" | "statement_list" => Work::Block(child, literal),
                        "func_literal" => match child.field("body") {
                            Some(b) => Work::Body(b, true),
                            None => continue,
                        },
                        _ => Work::Visit(child, literal),
                    });
                }
            }
        }
    }
    out.sort_by_key(|c| c.range.start);
    out
}

/// The calls of `body`, a method of receiver `recv`, on the receiver's
/// fields, with only the receiver's mutexes, as paths below it.
pub fn of_method<'t>(body: Node<'t>, recv: &str, held: &HeldLocks<'t>, src: &str) -> Vec<SyncCall> {
    if !may_hold(text(body, src)) {
        return Vec::new();
    }
    let below = |path: &str| {
        path.strip_prefix(recv)
            .filter(|s| s.starts_with('.'))
            .map(str::to_string)
    };
    let relative = |locks: &[Acquired]| -> Vec<Acquired> {
        locks
            .iter()
            .filter_map(|a| below(&a.mutex).map(|mutex| Acquired { mutex, ..a.clone() }))
            .collect()
    };
    of(body, held, src)
        .into_iter()
        .filter_map(|c| {
            Some(SyncCall {
                target: below(&c.target)?,
                locked: relative(&c.locked),
                held: relative(&c.held),
                ..c
            })
        })
        .collect()
}

/// A lock taken, as an [`Acquired`].
fn acquired(t: &Taken<'_>, src: &str) -> Acquired {
    Acquired {
        mutex: t.lock.mutex(src).to_string(),
        op: t.lock.op,
        range: t.lock.call.byte_range(),
    }
}

/// Walks the statements of `b`; `leading` is the body's leading locks
/// when `b` is a function's body.
fn block<'t>(
    b: Node<'t>,
    held: &HeldLocks<'t>,
    literal: bool,
    leading: Option<&[Acquired]>,
    src: &str,
    out: &mut Vec<SyncCall>,
    stack: &mut Vec<Work<'t>>,
) {
    for stmt in flow::statements(b) {
        let stmt = flow::unlabeled(stmt);
        let call = stmt
            .named_child(0)
            .filter(|c| syntax::kind(*c) == "call_expression");
        match (syntax::kind(stmt), call) {
            ("expression_statement", Some(call)) => {
                if LockCall::of(call, src).is_some() {
                    continue;
                }
                if let Some((target, method)) = sync_call(call, src) {
                    // A mutex reached through a call may be another one
                    // each time.
                    let taken: Vec<&Taken<'t>> = held
                        .before(stmt)
                        .iter()
                        .filter(|t| !t.lock.recv_has_call())
                        .collect();
                    out.push(SyncCall {
                        target: target.to_string(),
                        method,
                        range: call.byte_range(),
                        locked: taken.iter().map(|t| acquired(t, src)).collect(),
                        held: taken
                            .iter()
                            .filter(|t| t.held)
                            .map(|t| acquired(t, src))
                            .collect(),
                        literal,
                    });
                    continue;
                }
            }
            ("defer_statement", Some(call)) => {
                if let (Some(leading), Some((target, SyncMethod::Done))) =
                    (leading, sync_call(call, src))
                {
                    out.push(SyncCall {
                        target: target.to_string(),
                        method: SyncMethod::Done,
                        range: call.byte_range(),
                        locked: leading.to_vec(),
                        held: Vec::new(),
                        literal,
                    });
                }
                continue;
            }
            _ => {}
        }
        stack.push(Work::Visit(stmt, literal));
    }
}

/// `x.Wait()`, `x.Done()`, `x.Signal()` or `x.Broadcast()` (no arguments,
/// no call in `x`): `x` as written, and the method.
fn sync_call<'s>(call: Node<'_>, src: &'s str) -> Option<(&'s str, SyncMethod)> {
    if syntax::kind(call) != "call_expression" || call.field("arguments")?.named_child_count() != 0
    {
        return None;
    }
    let function = call.field("function")?;
    let operand = function.field("operand")?;
    if syntax::kind(function) != "selector_expression"
        || !matches!(syntax::kind(operand), "identifier" | "selector_expression")
    {
        return None;
    }
    let method = match text(function.field("field")?, src) {
        "Wait" => SyncMethod::Wait,
        "Done" => SyncMethod::Done,
        "Signal" | "Broadcast" => SyncMethod::Wake,
        _ => return None,
    };
    Some((text(operand, src), method))
}

/// The mutexes the leading statements of `body` lock before anything
/// there may return (a `return`, `goto` or `panic` outside a literal).
fn leading_locks(body: Node<'_>, src: &str) -> Vec<Acquired> {
    let mut out = Vec::new();
    for stmt in flow::statements(body) {
        if let Some(lock) = stmt
            .named_child(0)
            .filter(|_| syntax::kind(stmt) == "expression_statement")
            .and_then(|c| LockCall::of(c, src))
            .filter(|l| l.op.acquires() && !l.recv_has_call())
        {
            out.push(Acquired {
                mutex: lock.mutex(src).to_string(),
                op: lock.op,
                range: lock.call.byte_range(),
            });
            continue;
        }
        let exits = syntax::same_function_descendants(stmt)
            .into_iter()
            .any(|n| {
                matches!(syntax::kind(n), "return_statement" | "goto_statement")
                    || (syntax::kind(n) == "call_expression" && syntax::is_call_to(n, src, "panic"))
            });
        if exits {
            break;
        }
    }
    out
}
