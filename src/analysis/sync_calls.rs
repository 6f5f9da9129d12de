//! The `Wait`, `Done`, `Signal` and `Broadcast` calls of a function (on a
//! WaitGroup or a Cond), each with the mutexes locked before it: on every
//! path that reaches it (still held or not), and those certainly still
//! held there.
//!
//! A function's own body and each func literal in it (a closure, a
//! goroutine) are walked on their own: a literal starts holding nothing.
//! A `defer x.Done()` among a body's statements runs when the body returns:
//! the locks before it are those the body's leading statements take before
//! anything may return.

use super::flow;
use super::lock_calls::{LockCall, Op};
use super::syntax::{self, text};
use std::ops::Range;
use std::rc::Rc;
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

/// One mutex locked before a point, and whether it is still held there.
#[derive(Clone)]
struct Lock {
    taken: Acquired,
    held: bool,
}

/// What is left to walk.
enum Work<'t> {
    /// A function's or literal's body (a literal when `bool`).
    Body(Node<'t>, bool),
    /// A block entered with these locks taken.
    Block(Node<'t>, Rc<Vec<Lock>>, bool),
    /// Some other node, inside a block entered with these locks.
    Visit(Node<'t>, Rc<Vec<Lock>>, bool),
}

/// The calls in function body `body`, with mutexes as written. Linear in
/// the size of the body.
pub fn of(body: Node<'_>, src: &str) -> Vec<SyncCall> {
    let mut out = Vec::new();
    let mut stack = vec![Work::Body(body, false)];
    while let Some(work) = stack.pop() {
        match work {
            Work::Body(b, literal) => {
                // Asked only of a body with a `defer x.Done()` of its own.
                let defers_done = flow::statements(b).into_iter().any(|s| {
                    s.kind() == "defer_statement"
                        && s.named_child(0)
                            .and_then(|c| sync_call(c, src))
                            .is_some_and(|(_, m)| m == SyncMethod::Done)
                });
                let leading = if defers_done {
                    leading_locks(b, src)
                } else {
                    Vec::new()
                };
                block(
                    b,
                    Vec::new(),
                    literal,
                    Some(&leading),
                    src,
                    &mut out,
                    &mut stack,
                );
            }
            Work::Block(b, locks, literal) => {
                block(b, locks.to_vec(), literal, None, src, &mut out, &mut stack);
            }
            Work::Visit(n, locks, literal) => {
                let mut c = n.walk();
                for child in n.named_children(&mut c) {
                    stack.push(match child.kind() {
                        "block" | "statement_list" => {
                            Work::Block(child, Rc::clone(&locks), literal)
                        }
                        "func_literal" => match child.child_by_field_name("body") {
                            Some(b) => Work::Body(b, true),
                            None => continue,
                        },
                        _ => Work::Visit(child, Rc::clone(&locks), literal),
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
pub fn of_method(body: Node<'_>, recv: &str, src: &str) -> Vec<SyncCall> {
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
    of(body, src)
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

/// Walks the statements of `b`, entered with `locks` taken; `leading` is
/// the body's leading locks when `b` is a function's body.
fn block<'t>(
    b: Node<'t>,
    mut locks: Vec<Lock>,
    literal: bool,
    leading: Option<&[Acquired]>,
    src: &str,
    out: &mut Vec<SyncCall>,
    stack: &mut Vec<Work<'t>>,
) {
    for stmt in flow::statements(b) {
        let call = stmt
            .named_child(0)
            .filter(|c| c.kind() == "call_expression");
        match (stmt.kind(), call) {
            ("expression_statement", Some(call)) => {
                if let Some(lock) = LockCall::of(call, src).filter(|l| !l.recv_has_call()) {
                    let mutex = lock.mutex(src);
                    if lock.op.acquires() {
                        locks.push(Lock {
                            taken: Acquired {
                                mutex: mutex.to_string(),
                                op: lock.op,
                                range: call.byte_range(),
                            },
                            held: true,
                        });
                    } else {
                        release(&mut locks, mutex);
                    }
                    continue;
                }
                if let Some((target, method)) = sync_call(call, src) {
                    out.push(SyncCall {
                        target: target.to_string(),
                        method,
                        range: call.byte_range(),
                        locked: locks.iter().map(|l| l.taken.clone()).collect(),
                        held: locks
                            .iter()
                            .filter(|l| l.held)
                            .map(|l| l.taken.clone())
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
        stack.push(Work::Visit(stmt, Rc::new(locks.clone()), literal));
        // Held after the statement only while nothing in it unlocks (a
        // literal's unlock is another goroutine's, or runs later).
        if locks.iter().any(|l| l.held) {
            for n in syntax::same_function_descendants(stmt) {
                if let Some(l) = LockCall::of(n, src).filter(|l| !l.op.acquires()) {
                    release(&mut locks, l.mutex(src));
                }
            }
        }
    }
}

/// Marks `mutex` as no longer held.
fn release(locks: &mut [Lock], mutex: &str) {
    for l in locks.iter_mut().filter(|l| l.taken.mutex == mutex) {
        l.held = false;
    }
}

/// `x.Wait()`, `x.Done()`, `x.Signal()` or `x.Broadcast()` (no arguments,
/// no call in `x`): `x` as written, and the method.
fn sync_call<'s>(call: Node<'_>, src: &'s str) -> Option<(&'s str, SyncMethod)> {
    if call.kind() != "call_expression"
        || call.child_by_field_name("arguments")?.named_child_count() != 0
    {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let operand = function.child_by_field_name("operand")?;
    if function.kind() != "selector_expression"
        || !matches!(operand.kind(), "identifier" | "selector_expression")
    {
        return None;
    }
    let method = match text(function.child_by_field_name("field")?, src) {
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
            .filter(|_| stmt.kind() == "expression_statement")
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
                matches!(n.kind(), "return_statement" | "goto_statement")
                    || (n.kind() == "call_expression" && syntax::is_call_to(n, src, "panic"))
            });
        if exits {
            break;
        }
    }
    out
}
