//! `send-after-close`: a send on a channel the same path already closed.

use super::{Rule, Severity};
use crate::analysis::channels;
use crate::analysis::{flow, syntax, Ctx, Finding, Match};
use tree_sitter::Node;

/// Sending on a closed channel panics.
pub const RULE: Rule = Rule {
    slug: "send-after-close",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "what-issues-can-arise-with-a-closed-channel",
    topic: Some("Panic on Send"),
    summary: "A send (also a `case ch <- v:` in a select) on a channel that close(ch) closed earlier on the same path",
    why: "Sending on a closed channel panics at run time, and so does a select that picks a send case on a closed channel.",
    message: "send on a channel closed earlier on this path: it panics",
    fix: Some("Close the channel only after the last send, in the goroutine that sends."),
    bad: "close(out)\nout <- summary // panics: out is closed",
    good: "out <- summary\nclose(out)",
    query: include_str!("../../queries/send-after-close.scm"),
    check,
};

/// Builtins that cannot rebind a variable or field.
const PURE_BUILTINS: &[&str] = &[
    "len", "cap", "append", "copy", "delete", "make", "new", "print", "println", "min", "max",
    "complex", "real", "imag",
];

/// The prefixes of a channel expression that is a variable or a field
/// path (`ch` → `[ch]`, `s.a.ch` → `[s, s.a, s.a.ch]`), outermost last.
fn path_prefixes<'s>(expr: Node<'_>, src: &'s str) -> Option<Vec<&'s str>> {
    let mut out = Vec::new();
    let mut n = syntax::unparen(expr);
    loop {
        out.push(syntax::text(n, src));
        match n.kind() {
            "identifier" => break,
            "selector_expression" => n = syntax::unparen(n.child_by_field_name("operand")?),
            _ => return None,
        }
    }
    out.reverse();
    Some(out)
}

/// Whether `name` is a parameter or receiver of `func` or declared in its
/// own body (not captured from an enclosing function or the package).
fn is_local(name: &str, func: Node<'_>, body: Node<'_>, src: &str) -> bool {
    let params = ["receiver", "parameters"]
        .into_iter()
        .filter_map(|f| func.child_by_field_name(f))
        .any(|list| {
            syntax::descendants(list)
                .into_iter()
                .any(|n| channels::binds(n, name, src))
        });
    params
        || syntax::same_function_descendants(body)
            .into_iter()
            .any(|n| {
                matches!(
                    n.kind(),
                    "short_var_declaration" | "var_spec" | "range_clause"
                ) && channels::binds(n, name, src)
            })
}

/// Whether something in `body` could rebind `name` behind the function's
/// back: a func literal assigning it, or its address taken.
fn rebindable(name: &str, body: Node<'_>, src: &str) -> bool {
    syntax::descendants(body).into_iter().any(|n| {
        (n.kind() == "unary_expression" && channels::binds(n, name, src))
            || (n.kind() == "func_literal" && channels::bound_after(n, name, n.start_byte(), src))
    })
}

/// Whether a call that is not a pure builtin runs between bytes `from` and
/// `to` of `body`.
fn calls_between(body: Node<'_>, from: usize, to: usize, src: &str) -> bool {
    syntax::descendants(body).into_iter().any(|n| {
        n.kind() == "call_expression"
            && n.start_byte() >= from
            && n.end_byte() <= to
            && !syntax::callee(n, src).is_some_and(|c| PURE_BUILTINS.contains(&c))
    })
}

fn check(ctx: &Ctx<'_>, m: &Match<'_, '_>, out: &mut Vec<Finding>) {
    let (Some(send), Some(channel)) = (m.node("report"), m.node("channel")) else {
        return;
    };
    let Some(prefixes) = path_prefixes(channel, ctx.src) else {
        return;
    };
    let name = syntax::text(syntax::unparen(channel), ctx.src);
    let Some(func) = syntax::enclosing_function(send) else {
        return;
    };
    let Some(body) = syntax::function_body(func) else {
        return;
    };
    let before = ctx.src.get(body.start_byte()..send.start_byte());
    if !before.is_some_and(|t| t.contains("close")) {
        return;
    }
    // The last unconditional close before the send: an expression statement
    // in a block that also holds the send.
    let close = syntax::same_function_descendants(body)
        .into_iter()
        .rev()
        .find(|&n| {
            n.end_byte() <= send.start_byte()
                && syntax::is_builtin_call(n, ctx, "close")
                && syntax::call_args(n)
                    .first()
                    .is_some_and(|a| syntax::text(syntax::unparen(*a), ctx.src) == name)
                && n.parent().is_some_and(|stmt| {
                    stmt.kind() == "expression_statement"
                        && stmt
                            .parent()
                            .is_some_and(|block| syntax::ancestors(send).any(|a| a == block))
                        && flow::same_path(stmt, send, ctx.src)
                })
        });
    let Some(close) = close else {
        return;
    };
    // A panic that a deferred recover expects, or code handed to a helper
    // (a table of crash cases, `shouldPanic(func() {…})`) is deliberate.
    if channels::recovered(send, ctx) || channels::handed_off(send) {
        return;
    }
    let base = prefixes[0];
    let tracked = prefixes.len() == 1 && is_local(base, func, body, ctx.src);
    if tracked && rebindable(base, body, ctx.src) {
        return;
    }
    let (from, to) = (close.end_byte(), send.start_byte());
    if prefixes
        .iter()
        .any(|p| flow::assigned_in(p, body, from, to, ctx.src))
        || (!tracked && calls_between(body, from, to, ctx.src))
    {
        return;
    }
    let in_select = send
        .parent()
        .is_some_and(|p| p.kind() == "communication_case");
    let what = if in_select {
        "this select case sends"
    } else {
        "send"
    };
    out.push(
        Finding::new(&RULE, send.byte_range())
            .message(format!("{what} on {name} after close({name}) on the same path: sending on a closed channel panics"))
            .related(close.byte_range(), format!("{name} is closed here")),
    );
}
