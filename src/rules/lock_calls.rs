//! `mu.Lock()`-style calls, shared by the rules about locking: which call
//! locks or unlocks what, what releases a lock between two points, and the
//! `mu.Lock(); defer mu.Lock()` typo.
//!
//! A mutex is named by the text of the receiver expression (`mu`, `s.mu`,
//! `c.locks[i]`); two calls lock the same mutex when the texts are equal and
//! nothing in between reassigns a name in it.

use crate::analysis::syntax::{self, text, Walk};
use crate::analysis::{flow, Ctx};
use tree_sitter::Node;

/// A lock method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `Lock()`.
    Lock,
    /// `RLock()`.
    RLock,
    /// `Unlock()`.
    Unlock,
    /// `RUnlock()`.
    RUnlock,
}

impl Op {
    fn from_name(name: &str) -> Option<Op> {
        match name {
            "Lock" => Some(Op::Lock),
            "RLock" => Some(Op::RLock),
            "Unlock" => Some(Op::Unlock),
            "RUnlock" => Some(Op::RUnlock),
            _ => None,
        }
    }

    /// The method name.
    pub fn name(self) -> &'static str {
        match self {
            Op::Lock => "Lock",
            Op::RLock => "RLock",
            Op::Unlock => "Unlock",
            Op::RUnlock => "RUnlock",
        }
    }

    /// The method that releases what this one acquires (itself for releases).
    pub fn release(self) -> Op {
        match self {
            Op::Lock | Op::Unlock => Op::Unlock,
            Op::RLock | Op::RUnlock => Op::RUnlock,
        }
    }

    /// Whether this method acquires the lock.
    pub fn acquires(self) -> bool {
        matches!(self, Op::Lock | Op::RLock)
    }
}

/// One `recv.Op()` call with no arguments.
#[derive(Clone, Copy, Debug)]
pub struct LockCall<'t> {
    /// The call expression.
    pub call: Node<'t>,
    /// The receiver expression (the mutex).
    pub recv: Node<'t>,
    /// The method name node.
    pub method: Node<'t>,
    /// The method.
    pub op: Op,
}

impl<'t> LockCall<'t> {
    /// `node` as a lock call, if it is one.
    pub fn of(node: Node<'t>, src: &str) -> Option<LockCall<'t>> {
        if node.kind() != "call_expression"
            || node.child_by_field_name("arguments")?.named_child_count() != 0
        {
            return None;
        }
        let f = node.child_by_field_name("function")?;
        if f.kind() != "selector_expression" {
            return None;
        }
        let method = f.child_by_field_name("field")?;
        Some(LockCall {
            call: node,
            recv: f.child_by_field_name("operand")?,
            method,
            op: Op::from_name(text(method, src))?,
        })
    }

    /// The mutex, as written.
    pub fn mutex<'s>(&self, src: &'s str) -> &'s str {
        text(self.recv, src)
    }

    /// The statement this call is, when it stands alone as one.
    pub fn statement(&self) -> Option<Node<'t>> {
        self.call
            .parent()
            .filter(|p| p.kind() == "expression_statement")
    }

    /// The `defer` statement, when the call is deferred.
    pub fn deferred(&self) -> Option<Node<'t>> {
        self.call.parent().filter(|p| p.kind() == "defer_statement")
    }

    /// Whether the receiver's type is declared in this file with a method
    /// of this name that takes parameters or returns results
    /// (`func (f *File) Lock() error`): then this is not a mutex call.
    pub fn other_api(&self, ctx: &Ctx<'t>) -> bool {
        let src = ctx.src;
        let Some(top) = outermost_function(self.call) else {
            return false;
        };
        let file = ctx.facts.lock_types();
        let Some(name) = super::lock_copy::type_at(file, top, self.recv).name else {
            return false;
        };
        let root = ctx.root;
        let mut c = root.walk();
        let found = root.named_children(&mut c).any(|d| {
            d.kind() == "method_declaration"
                && d.child_by_field_name("name")
                    .is_some_and(|n| text(n, src) == self.op.name())
                && receiver_type(d, src) == Some(name)
                && (d.child_by_field_name("result").is_some()
                    || d.child_by_field_name("parameters")
                        .is_some_and(|p| p.named_child_count() > 0))
        });
        found
    }

    /// Whether the receiver involves a call (`m().Lock()`), so two calls may
    /// lock different mutexes.
    pub fn recv_has_call(&self) -> bool {
        syntax::descendants(self.recv)
            .iter()
            .any(|n| n.kind() == "call_expression")
    }
}

/// The lock calls that are statements of their own in the body of `func`
/// (not in nested func literals), in order.
pub fn lock_statements<'t>(func: Node<'t>, src: &str) -> Vec<LockCall<'t>> {
    syntax::function_body(func)
        .map(syntax::same_function_descendants)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| LockCall::of(n, src))
        .filter(|c| c.statement().is_some())
        .collect()
}

/// The outermost function around `node` (a top-level function, method or
/// func literal of a package-level variable).
pub fn outermost_function(node: Node<'_>) -> Option<Node<'_>> {
    syntax::ancestors(node)
        .filter(|n| syntax::is_function(*n))
        .last()
}

/// Whether something in `scope` between bytes `from` and `to` may release
/// `mutex` before `to` runs: an `Unlock`/`RUnlock` of it that is not
/// deferred (called, or taken as a method value), or a call to a function
/// whose name says it unlocks (`unlockAndWait()`). Deferred releases run at
/// return, not in between.
pub fn released_between(scope: Node<'_>, mutex: &str, from: usize, to: usize, src: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, |n| {
        if n.end_byte() <= from || n.start_byte() >= to || n.kind() == "defer_statement" {
            return Walk::Skip;
        }
        if n.kind() == "selector_expression" {
            let field = n.child_by_field_name("field").map_or("", |f| text(f, src));
            let operand = n
                .child_by_field_name("operand")
                .map_or("", |o| text(o, src));
            let releases = matches!(field, "Unlock" | "RUnlock") && operand == mutex;
            if releases || is_unlock_helper(field) {
                found = true;
                return Walk::Stop;
            }
        }
        if n.kind() == "call_expression" {
            let f = n.child_by_field_name("function");
            if f.is_some_and(|f| f.kind() == "identifier" && is_unlock_helper(text(f, src))) {
                found = true;
                return Walk::Stop;
            }
        }
        Walk::Enter
    });
    found
}

/// Whether a function name says it releases a lock (`unlock`, `unlockAndRun`,
/// `releaseLocked` does not).
pub fn is_unlock_helper(name: &str) -> bool {
    name != "Unlock" && name != "RUnlock" && name.to_ascii_lowercase().contains("unlock")
}

/// Whether a function name says the function acquires a lock for its caller
/// or runs with one held: `lock`, `Lock`, `RLock`, `lockSlow`, `mustLock`,
/// `fooLocked`.
pub fn is_lock_helper(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("lock")
        || lower.starts_with("rlock")
        || name.ends_with("Lock")
        || name.ends_with("Locked")
}

/// Whether any name in `lock`'s receiver is reassigned in `scope` between
/// bytes `from` and `to` (so the text may name another mutex).
pub fn recv_reassigned(
    lock: &LockCall<'_>,
    scope: Node<'_>,
    from: usize,
    to: usize,
    src: &str,
) -> bool {
    syntax::descendants(lock.recv)
        .into_iter()
        .filter(|n| n.kind() == "identifier")
        .any(|n| flow::assigned_in(text(n, src), scope, from, to, src))
}

/// Whether `defer_call` (a deferred `Lock`/`RLock`) repeats the acquire of
/// `lock` where its release was meant: same mutex and method, on the same
/// path after it, with no release in between.
pub fn is_typo_pair(lock: &LockCall<'_>, defer_call: &LockCall<'_>, src: &str) -> bool {
    let (Some(stmt), Some(defer)) = (lock.statement(), defer_call.deferred()) else {
        return false;
    };
    let Some(func) = syntax::enclosing_function(stmt) else {
        return false;
    };
    lock.op.acquires()
        && lock.op == defer_call.op
        && lock.mutex(src) == defer_call.mutex(src)
        && flow::same_path(stmt, defer, src)
        && !released_between(
            func,
            lock.mutex(src),
            stmt.end_byte(),
            defer.start_byte(),
            src,
        )
        && !recv_reassigned(lock, func, stmt.end_byte(), defer.start_byte(), src)
}

/// The deferred lock call that is the typo partner of `lock`, if any.
pub fn typo_partner<'t>(lock: &LockCall<'t>, src: &str) -> Option<LockCall<'t>> {
    let func = syntax::enclosing_function(lock.call)?;
    syntax::same_function_descendants(syntax::function_body(func)?)
        .into_iter()
        .filter(|n| n.start_byte() >= lock.call.end_byte())
        .filter_map(|n| LockCall::of(n, src))
        .find(|d| is_typo_pair(lock, d, src))
}

/// The whitespace that starts the line of `node`.
pub fn indentation<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    let before = src.get(..node.start_byte()).unwrap_or("");
    let line = &before[before.rfind('\n').map_or(0, |p| p + 1)..];
    &line[..line.len() - line.trim_start().len()]
}

/// The base type name of a method's receiver: `T` for `T`, `*T`, `*T[K]`.
pub fn receiver_type<'s>(method: Node<'_>, src: &'s str) -> Option<&'s str> {
    let param = method.child_by_field_name("receiver")?.named_child(0)?;
    let mut ty = param.child_by_field_name("type")?;
    if ty.kind() == "pointer_type" {
        ty = ty.named_child(0)?;
    }
    if ty.kind() == "generic_type" {
        ty = ty.child_by_field_name("type")?;
    }
    (ty.kind() == "type_identifier").then(|| text(ty, src))
}

/// `text` for a message: at most 60 characters, cut with `…`.
pub fn short(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(60) {
        None => text.into(),
        Some((at, _)) => format!("{}…", &text[..at]).into(),
    }
}
