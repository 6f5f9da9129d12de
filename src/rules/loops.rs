//! Loop and channel facts shared by the concurrency rules: infinite loops,
//! the ways out of a loop, and channel receives.

use crate::analysis::flow;
use crate::analysis::syntax::{self, text, Parents, Walk};
use tree_sitter::Node;

/// Whether `loop_` is a `for { … }` loop: no condition, clause or range.
pub(super) fn is_infinite(loop_: Node<'_>) -> bool {
    let mut c = loop_.walk();
    loop_.kind() == "for_statement"
        && loop_
            .named_children(&mut c)
            .all(|n| n.kind() == "comment" || Some(n) == loop_.child_by_field_name("body"))
}

/// The channel operand of a receive expression `<-x`.
pub(super) fn received(node: Node<'_>) -> Option<Node<'_>> {
    let node = syntax::unparen(node);
    (node.kind() == "unary_expression"
        && node
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "<-"))
    .then(|| node.child_by_field_name("operand"))
    .flatten()
}

/// The label of a labeled loop (`outer: for …`).
fn label_of<'s>(loop_: Node<'_>, src: &'s str) -> Option<&'s str> {
    loop_
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.child_by_field_name("label"))
        .map(|l| text(l, src))
}

/// Whether a statement labeled `label` sits inside `scope`.
fn label_inside(label: &str, scope: Node<'_>, src: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, |n| {
        if n.kind() == "labeled_statement"
            && n.child_by_field_name("label")
                .is_some_and(|l| text(l, src) == label)
        {
            found = true;
            return Walk::Stop;
        }
        Walk::Enter
    });
    found
}

/// The statement an unlabeled `break` leaves: the innermost loop, switch or
/// select around it.
fn break_target<'t>(up: &Parents<'t>, stmt: Node<'t>) -> Option<Node<'t>> {
    up.ancestors(stmt)
        .take_while(|n| !syntax::is_function(*n))
        .find(|n| {
            matches!(
                n.kind(),
                "for_statement"
                    | "expression_switch_statement"
                    | "type_switch_statement"
                    | "select_statement"
            )
        })
}

/// Whether anything in the body of `loop_` (in its own function) can leave
/// it: `return`, `goto`, a `break` of this or an outer statement, a
/// `continue` of an outer loop, `panic`, `os.Exit`, `log.Fatal`, ….
pub(super) fn has_exit<'t>(up: &Parents<'t>, loop_: Node<'t>, src: &str) -> bool {
    loop_
        .child_by_field_name("body")
        .is_none_or(|body| leaves(up, body, loop_, src))
}

/// Whether something in `scope`, a part of the body of `loop_`, leaves the
/// loop (see [`has_exit`]).
pub(super) fn leaves<'t>(up: &Parents<'t>, scope: Node<'t>, loop_: Node<'t>, src: &str) -> bool {
    let Some(body) = loop_.child_by_field_name("body") else {
        return true;
    };
    let own = label_of(loop_, src);
    let mut found = false;
    syntax::walk(scope, |n| {
        let exit = match n.kind() {
            "func_literal" => return Walk::Skip,
            "return_statement" | "goto_statement" => true,
            "break_statement" => match n.named_child(0) {
                Some(label) => !label_inside(text(label, src), body, src),
                None => break_target(up, n) == Some(loop_),
            },
            "continue_statement" => n.named_child(0).is_some_and(|label| {
                let label = text(label, src);
                Some(label) != own && !label_inside(label, body, src)
            }),
            "expression_statement" => flow::is_terminator(n, src),
            _ => false,
        };
        if exit {
            found = true;
            return Walk::Stop;
        }
        Walk::Enter
    });
    found
}

/// Calls that return at once: builtins, atomic operations and counters
/// (`atomic.AddInt64`, `n.Load()`, `wg.Add`), formatting into a string.
fn is_quick_call(call: Node<'_>, src: &str) -> bool {
    let Some(name) = syntax::callee(call, src) else {
        return false;
    };
    let method = name.rsplit_once('.').map(|(_, m)| m);
    matches!(
        name,
        "len"
            | "cap"
            | "append"
            | "copy"
            | "delete"
            | "min"
            | "max"
            | "new"
            | "make"
            | "clear"
            | "print"
            | "println"
    ) || name.starts_with("atomic.")
        || name.starts_with("fmt.Sprint")
        || name == "fmt.Errorf"
        || matches!(
            method,
            Some("Load" | "Store" | "Add" | "Swap" | "CompareAndSwap")
        )
}

/// Whether running `stmt` may block or yield: a send, a receive, a select
/// without default, or a call other than a quick one. Func literals it
/// defines and goroutines it starts are not run by it.
pub(super) fn may_block(stmt: Node<'_>, src: &str) -> bool {
    let mut block = false;
    syntax::walk(stmt, |n| {
        block = match n.kind() {
            "func_literal" | "go_statement" => return Walk::Skip,
            "select_statement" => {
                // A select with a default case waits only where its default
                // does.
                let mut c = n.walk();
                let has_default = n.named_children(&mut c).any(|k| k.kind() == "default_case");
                !has_default
            }
            "communication_case" => return Walk::Skip,
            "send_statement" => true,
            "unary_expression" => received(n).is_some(),
            "call_expression" => !is_quick_call(n, src),
            _ => false,
        };
        if block {
            Walk::Stop
        } else {
            Walk::Enter
        }
    });
    block
}
