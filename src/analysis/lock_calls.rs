//! `mu.Lock()`-style calls, shared by the rules about locking: which call
//! locks or unlocks what, what releases a lock between two points, and the
//! `mu.Lock(); defer mu.Lock()` typo.
//!
//! A mutex is named by the text of the receiver expression (`mu`, `s.mu`,
//! `c.locks[i]`); two calls lock the same mutex when the texts are equal and
//! nothing in between reassigns a name in it.

use super::lock_flow::LockFlow;
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, text, Parents};
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
        if syntax::kind(node) != "call_expression"
            || node.field("arguments")?.named_child_count() != 0
        {
            return None;
        }
        let f = node.field("function")?;
        if syntax::kind(f) != "selector_expression" {
            return None;
        }
        let method = f.field("field")?;
        Some(LockCall {
            call: node,
            recv: f.field("operand")?,
            method,
            op: Op::from_name(text(method, src))?,
        })
    }

    /// The mutex, as written.
    pub fn mutex<'s>(&self, src: &'s str) -> &'s str {
        text(self.recv, src)
    }

    /// The statement this call is, when it stands alone as one; `up` is
    /// the file's parents.
    pub fn statement(&self, up: &Parents<'t>) -> Option<Node<'t>> {
        up.parent(self.call)
            .filter(|p| syntax::kind(*p) == "expression_statement")
    }

    /// The `defer` statement, when the call is deferred; `up` is the
    /// file's parents.
    pub fn deferred(&self, up: &Parents<'t>) -> Option<Node<'t>> {
        up.parent(self.call)
            .filter(|p| syntax::kind(*p) == "defer_statement")
    }

    /// Whether the receiver's type is declared in this file with a method
    /// of this name that takes parameters or returns results
    /// (`func (f *File) Lock() error`): then this is not a mutex call.
    pub fn other_api(&self, ctx: &Ctx<'t>) -> bool {
        let Some(top) = outermost_function(ctx.facts.parents(), self.call) else {
            return false;
        };
        let Some(name) = ctx.facts.receiver_type(top, self.recv).name else {
            return false;
        };
        ctx.facts.types().has_other_lock_api(name, self.op.name())
    }

    /// Whether the receiver involves a call (`m().Lock()`), so two calls may
    /// lock different mutexes.
    pub fn recv_has_call(&self) -> bool {
        syntax::descendants(self.recv)
            .iter()
            .any(|n| syntax::kind(*n) == "call_expression")
    }
}

/// The outermost function around `node` (a top-level function, method or
/// func literal of a package-level variable).
pub fn outermost_function<'t>(up: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
    up.ancestors(node)
        .filter(|n| syntax::is_function(*n))
        .last()
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

/// Whether `defer_call` (a deferred `Lock`/`RLock`) repeats the acquire of
/// `lock` where its release was meant: same mutex and method, on the same
/// path after it, with no release in between. `locks` is what the function
/// of `lock` does with its locks.
pub fn is_typo_pair<'t>(
    up: &Parents<'t>,
    lock: &LockCall<'t>,
    defer_call: &LockCall<'t>,
    locks: &LockFlow<'t>,
    src: &str,
) -> bool {
    let (Some(stmt), Some(defer)) = (lock.statement(up), defer_call.deferred(up)) else {
        return false;
    };
    lock.op.acquires()
        && lock.op == defer_call.op
        && lock.mutex(src) == defer_call.mutex(src)
        && flow::same_path(up, stmt, defer, src)
        && !locks.released_between(lock, stmt.end_byte(), defer.start_byte(), src)
}

/// The deferred lock call that is the typo partner of `lock`, if any.
pub fn typo_partner<'t>(
    up: &Parents<'t>,
    lock: &LockCall<'t>,
    locks: &LockFlow<'t>,
    src: &str,
) -> Option<LockCall<'t>> {
    locks
        .deferred()
        .iter()
        .filter(|d| d.call.start_byte() >= lock.call.end_byte())
        .find(|d| is_typo_pair(up, lock, d, locks, src))
        .copied()
}

/// The whitespace that starts the line of `node`.
pub fn indentation<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    let before = src.get(..node.start_byte()).unwrap_or("");
    let line = &before[before.rfind('\n').map_or(0, |p| p + 1)..];
    &line[..line.len() - line.trim_start().len()]
}

/// The base type name of a method's receiver: `T` for `T`, `*T`, `*T[K]`.
pub fn receiver_type<'s>(method: Node<'_>, src: &'s str) -> Option<&'s str> {
    let param = method.field("receiver")?.named_child(0)?;
    let mut ty = param.field("type")?;
    if syntax::kind(ty) == "pointer_type" {
        ty = ty.named_child(0)?;
    }
    if syntax::kind(ty) == "generic_type" {
        ty = ty.field("type")?;
    }
    (syntax::kind(ty) == "type_identifier").then(|| text(ty, src))
}

/// `text` for a message: at most 60 characters, cut with `…`.
pub fn short(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(60) {
        None => text.into(),
        Some((at, _)) => format!("{}…", &text[..at]).into(),
    }
}
