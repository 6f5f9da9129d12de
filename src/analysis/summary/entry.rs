//! A method's *entry*: its leading straight-line statements, which run
//! every time it is called, before any branch, loop or closure, and what
//! they certainly do to the receiver's locks.

use super::EntryStep;
use crate::analysis::fields::Fields as _;
use crate::analysis::lock_calls::{self, LockCall};
use crate::analysis::syntax::{self, text, Walk};
use tree_sitter::Node;

/// The lock steps and same-receiver calls of the leading straight-line
/// statements of `body`, whose receiver is named `recv`.
pub(super) fn entry(body: Node<'_>, recv: &str, src: &str) -> Vec<EntryStep> {
    let mut steps = Vec::new();
    leading(body, |stmt| {
        if !is_straight(stmt) {
            return false;
        }
        if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, src)) {
            let mutex = lock.mutex(src);
            if let Some(suffix) = mutex
                .strip_prefix(recv)
                .filter(|s| s.is_empty() || s.starts_with('.'))
            {
                steps.push(EntryStep::Lock {
                    suffix: suffix.to_string(),
                    op: lock.op,
                    range: lock.call.byte_range(),
                });
            }
            return true;
        }
        if uncertain(stmt, src) {
            return false;
        }
        if let Some((name, call)) = receiver_call(stmt, recv, src) {
            steps.push(EntryStep::Call {
                name: name.to_string(),
                range: call.byte_range(),
            });
        }
        true
    });
    steps
}

/// Whether statement `stmt` holds a closure or an unlock helper's call,
/// either of which may do anything to the locks.
pub(super) fn uncertain(stmt: Node<'_>, src: &str) -> bool {
    // Most statements spell neither: they are not walked.
    let bytes = text(stmt, src).as_bytes();
    let spelled = memchr::memmem::find(bytes, b"func").is_some()
        || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"unlock"));
    if !spelled {
        return false;
    }
    let mut found = false;
    syntax::walk(stmt, |n| {
        found = syntax::kind(n) == "func_literal"
            || (syntax::kind(n) == "selector_expression"
                && n.field("field")
                    .is_some_and(|f| lock_calls::is_unlock_helper(text(f, src))));
        if found {
            Walk::Stop
        } else {
            Walk::Enter
        }
    });
    found
}

/// Calls `f` on the statements of `block` in order, as long as it asks
/// for the next: the leading ones are read without listing the rest.
pub(super) fn leading<'t>(block: Node<'t>, mut f: impl FnMut(Node<'t>) -> bool) {
    let mut c = block.walk();
    if !c.goto_first_child() {
        return;
    }
    loop {
        let n = c.node();
        if syntax::kind(n) == "statement_list" {
            if !c.goto_first_child() {
                return;
            }
            continue;
        }
        if n.is_named() && syntax::kind(n) != "comment" && !f(n) {
            return;
        }
        if !c.goto_next_sibling() {
            return;
        }
    }
}

/// Whether statement `stmt` is of a kind a function's entry may hold:
/// straight-line, without branches.
pub(super) fn is_straight(stmt: Node<'_>) -> bool {
    matches!(
        syntax::kind(stmt),
        "expression_statement"
            | "short_var_declaration"
            | "assignment_statement"
            | "var_declaration"
            | "inc_statement"
            | "dec_statement"
    )
}

/// The call that statement `stmt` is, or whose result it assigns:
/// `f(…)`, `x := f(…)`, `x, err = f(…)`.
pub(super) fn statement_call(stmt: Node<'_>) -> Option<Node<'_>> {
    let call = match syntax::kind(stmt) {
        "expression_statement" => stmt.named_child(0)?,
        "short_var_declaration" | "assignment_statement" => {
            let right = stmt.field("right")?;
            (right.named_child_count() == 1).then(|| right.named_child(0))??
        }
        _ => return None,
    };
    (syntax::kind(call) == "call_expression").then_some(call)
}

/// The same-receiver method call that statement `stmt` is, or whose result
/// it assigns: `recv.name(…)`, `x := recv.name(…)`, `x, err = recv.name(…)`.
pub(super) fn receiver_call<'t, 's>(
    stmt: Node<'t>,
    recv: &str,
    src: &'s str,
) -> Option<(&'s str, Node<'t>)> {
    let call = statement_call(stmt)?;
    let function = call.field("function")?;
    if syntax::kind(function) != "selector_expression" {
        return None;
    }
    let operand = function.field("operand")?;
    if syntax::kind(operand) != "identifier" || text(operand, src) != recv {
        return None;
    }
    let field = function.field("field")?;
    Some((text(field, src), call))
}
