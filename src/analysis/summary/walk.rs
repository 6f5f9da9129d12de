//! The walk of a method's statements that records what it does while
//! holding its receiver's mutexes: channel operations on the receiver's
//! fields, mutexes locked while another is held, calls of the receiver's
//! methods, and field accesses (see [`super::fields`]). What is held at
//! each statement is the method's [`HeldLocks`], seen from the receiver.

use super::entry::receiver_call;
use super::fields::{self, FieldAccess};
use super::{ChanOp, HeldCall, HeldLock, Nested};
use crate::analysis::fields::Fields as _;
use crate::analysis::flow;
use crate::analysis::lock_calls::LockCall;
use crate::analysis::lock_held::{HeldLocks, Taken};
use crate::analysis::syntax::{self, text};
use std::ops::Range;
use tree_sitter::Node;

/// The receiver-relative path of `expr` when it is `recv.a.b…` (plain
/// field selections only).
pub(super) fn receiver_path<'s>(expr: Node<'_>, recv: &str, src: &'s str) -> Option<&'s str> {
    // The receiver's name starts the selection's text.
    let named = src
        .as_bytes()
        .get(expr.start_byte()..)
        .is_some_and(|t| t.starts_with(recv.as_bytes()));
    if !named || syntax::kind(expr) != "selector_expression" {
        return None;
    }
    let mut e = expr;
    while syntax::kind(e) == "selector_expression" {
        e = e.field("operand")?;
    }
    if syntax::kind(e) != "identifier" || text(e, src) != recv {
        return None;
    }
    text(expr, src).strip_prefix(recv)
}

/// What a method does while holding its receiver's mutexes.
pub(super) struct Held<'a, 't> {
    /// The locks held at each statement of the method.
    pub(super) locks: &'a HeldLocks<'t>,
    /// Blocking operations on the receiver's channels (held or not).
    pub(super) chan_ops: Vec<ChanOp>,
    /// Mutexes locked while holding another.
    pub(super) nested: Vec<Nested>,
    /// Calls of the receiver's methods while holding a mutex.
    pub(super) calls: Vec<HeldCall>,
    /// Accesses of the receiver's fields.
    pub(super) accesses: Vec<FieldAccess>,
    /// Calls of the receiver's methods.
    pub(super) receiver_calls: Vec<HeldCall>,
    /// The receiver's methods run through a `sync.Once`.
    pub(super) once: Vec<String>,
    /// The name `sync/atomic` is imported as.
    pub(super) atomic: Option<&'a str>,
    /// Where the receiver's name stands as a word in the method, in order.
    pub(super) mentions: Vec<usize>,
    /// Whether the walk is in a closure: only accesses and receiver calls
    /// are recorded there, with the closure's own locks.
    pub(super) closure: bool,
    /// Whether that closure is started by a `go` statement.
    pub(super) goroutine: bool,
}

impl<'a, 't> Held<'a, 't> {
    /// Nothing recorded yet, with the method's `locks`; `atomic` is the
    /// name `sync/atomic` is imported as; `mentions` are where the
    /// receiver's name stands as a word, in order.
    pub(super) fn new(
        locks: &'a HeldLocks<'t>,
        atomic: Option<&'a str>,
        mentions: Vec<usize>,
    ) -> Self {
        Held {
            locks,
            chan_ops: Vec::new(),
            nested: Vec::new(),
            calls: Vec::new(),
            accesses: Vec::new(),
            receiver_calls: Vec::new(),
            once: Vec::new(),
            atomic,
            mentions,
            closure: false,
            goroutine: false,
        }
    }
}

/// Whether the receiver's name stands as a word within `node`, given
/// where it stands in the method (`mentions`, in order): what names it
/// not can neither access its fields nor call its methods.
pub(super) fn names_receiver(mentions: &[usize], node: Node<'_>) -> bool {
    let at = mentions.partition_point(|&m| m < node.start_byte());
    mentions.get(at).is_some_and(|&m| m < node.end_byte())
}

/// The receiver's mutexes among `taken` still held.
fn receiver_held(taken: &[Taken<'_>], recv: &str, src: &str) -> Vec<HeldLock> {
    taken
        .iter()
        .filter(|t| t.held)
        .filter_map(|t| {
            Some(HeldLock {
                suffix: receiver_lock_suffix(&t.lock, recv, src)?.to_string(),
                op: t.lock.op,
                range: t.lock.call.byte_range(),
            })
        })
        .collect()
}

/// Where the receiver's name last stands as a word within `node`, given
/// where it stands in the method (`mentions`, in order).
pub(super) fn last_mention(mentions: &[usize], node: Node<'_>) -> Option<usize> {
    let end = mentions.partition_point(|&m| m < node.end_byte());
    let last = *mentions.get(end.checked_sub(1)?)?;
    (last >= node.start_byte()).then_some(last)
}

/// The operations of block `block`.
pub(super) fn block_ops<'t>(block: Node<'t>, recv: &str, src: &str, out: &mut Held<'_, 't>) {
    // The statements after the last that names the receiver are not read.
    let Some(last) = last_mention(&out.mentions, block) else {
        return;
    };
    each_statement(block, last, |stmt| stmt_ops(stmt, recv, src, out));
}

/// Calls `f` on the statements of `block` in order, as
/// [`flow::statements`] lists them, up to the last that starts at or
/// before `until`.
fn each_statement<'t>(block: Node<'t>, until: usize, mut f: impl FnMut(Node<'t>)) {
    let mut c = block.walk();
    if !c.goto_first_child() {
        return;
    }
    // Whether the cursor is in the block's statement list.
    let mut listed = false;
    loop {
        let n = c.node();
        if n.start_byte() > until {
            return;
        }
        if !listed && syntax::kind(n) == "statement_list" {
            if c.goto_first_child() {
                listed = true;
                continue;
            }
        } else if n.is_named() && syntax::kind(n) != "comment" {
            f(n);
        }
        while !c.goto_next_sibling() {
            if !listed || !c.goto_parent() {
                return;
            }
            listed = false;
        }
    }
}

/// The operations of statement `stmt` of a block.
fn stmt_ops<'t>(stmt: Node<'t>, recv: &str, src: &str, out: &mut Held<'_, 't>) {
    // A statement that does not name the receiver records nothing.
    if !names_receiver(&out.mentions, stmt) {
        return;
    }
    let stmt = flow::unlabeled(stmt);
    let before = receiver_held(out.locks.before(stmt), recv, src);
    if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, src)) {
        if syntax::kind(stmt) == "expression_statement" {
            let suffix = receiver_lock_suffix(&lock, recv, src);
            if let Some(suffix) = suffix.filter(|_| lock.op.acquires() && !out.closure) {
                let inner = HeldLock {
                    suffix: suffix.to_string(),
                    op: lock.op,
                    range: lock.call.byte_range(),
                };
                for outer in before.into_iter().filter(|h| h.suffix != suffix) {
                    out.nested.push(Nested {
                        outer,
                        inner: inner.clone(),
                    });
                }
            }
            return;
        }
    }
    if syntax::kind(stmt) == "defer_statement" || syntax::kind(stmt) == "go_statement" {
        fields::own(stmt, recv, src, &before, out);
        return;
    }
    let within = receiver_held(out.locks.within(stmt), recv, src);
    // A condition or case is evaluated before the blocks that may unlock.
    let header = match syntax::kind(stmt) {
        "if_statement"
        | "expression_switch_statement"
        | "type_switch_statement"
        | "select_statement" => &before,
        _ => &within,
    };
    fields::own(stmt, recv, src, header, out);
    statement_ops(stmt, recv, src, &within, out);
}

/// The mutex path below the receiver that `lock` locks or unlocks.
fn receiver_lock_suffix<'s>(lock: &LockCall<'_>, recv: &str, src: &'s str) -> Option<&'s str> {
    let mutex = lock.mutex(src);
    mutex
        .strip_prefix(recv)
        .filter(|s| s.is_empty() || s.starts_with('.'))
}

/// The operations of statement `stmt` (and the blocks it holds), with
/// `held` held after it may have released some.
fn statement_ops<'t>(
    stmt: Node<'t>,
    recv: &str,
    src: &str,
    held: &[HeldLock],
    out: &mut Held<'_, 't>,
) {
    if !held.is_empty() && !out.closure {
        if let Some((name, call)) = receiver_call(stmt, recv, src) {
            out.calls.push(HeldCall {
                held: held.to_vec(),
                name: name.to_string(),
                range: call.byte_range(),
            });
        }
    }
    let closure = out.closure;
    let mut push = |suffix: &str, send: bool, range: Range<usize>| {
        if closure {
            return;
        }
        out.chan_ops.push(ChanOp {
            suffix: suffix.to_string(),
            send,
            range,
            held: held.to_vec(),
        });
    };
    match syntax::kind(stmt) {
        "send_statement" => {
            if let Some(suffix) = stmt
                .field("channel")
                .and_then(|c| receiver_path(c, recv, src))
            {
                push(suffix, true, stmt.byte_range());
            }
            return;
        }
        "expression_statement" | "short_var_declaration" | "assignment_statement" => {
            let value = match syntax::kind(stmt) {
                "expression_statement" => stmt.named_child(0),
                _ => stmt
                    .field("right")
                    .filter(|r| r.named_child_count() == 1)
                    .and_then(|r| r.named_child(0)),
            };
            if let Some(v) = value.filter(|v| {
                syntax::kind(*v) == "unary_expression"
                    && v.field("operator").is_some_and(|o| text(o, src) == "<-")
            }) {
                if let Some(suffix) = v.field("operand").and_then(|c| receiver_path(c, recv, src)) {
                    push(suffix, false, v.byte_range());
                }
            }
            return;
        }
        "for_statement" => {
            let range = stmt
                .named_child(0)
                .filter(|c| syntax::kind(*c) == "range_clause")
                .and_then(|c| c.field("right"));
            if let Some(suffix) = range.and_then(|r| receiver_path(r, recv, src)) {
                if let Some(r) = range {
                    push(suffix, false, r.byte_range());
                }
            }
        }
        // A select blocks on one case only when it has no other way out;
        // its cases are evaluated before their bodies may unlock.
        "select_statement" => {
            let mut c = stmt.walk();
            let cases: Vec<Node<'_>> = stmt
                .named_children(&mut c)
                .filter(|n| matches!(syntax::kind(*n), "communication_case" | "default_case"))
                .collect();
            if let [case] = cases.as_slice() {
                if let Some(comm) = case.field("communication") {
                    let before = receiver_held(out.locks.before(stmt), recv, src);
                    statement_ops(comm, recv, src, &before, out);
                }
            }
            for case in cases {
                for_blocks(case, |b| block_ops(b, recv, src, out));
            }
            return;
        }
        _ => {}
    }
    // Every block is braced: a statement without `{` holds none.
    if memchr::memchr(b'{', text(stmt, src).as_bytes()).is_some() {
        for_blocks(stmt, |b| block_ops(b, recv, src, out));
    }
}

/// Calls `f` on each block directly under `node` (through `if`/`else`,
/// `for`, `switch` cases, labels), not entering closures.
pub(super) fn for_blocks<'t>(node: Node<'t>, mut f: impl FnMut(Node<'t>)) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        for child in n.named_children(&mut c) {
            match syntax::kind(child) {
                "block" | "statement_list" => f(child),
                "func_literal" | "go_statement" | "defer_statement" => {}
                "if_statement"
                | "else_clause"
                | "for_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "expression_case"
                | "type_case"
                | "default_case"
                | "communication_case"
                | "labeled_statement"
                | "select_statement" => stack.push(child),
                _ => {}
            }
        }
    }
}
