//! `send-after-close`: a send on a channel the same path already closed.

use super::{Rule, Severity};
use crate::analysis::channels;
use crate::analysis::fields::Fields as _;
use crate::analysis::{flow, syntax, Ctx, Finding, Match};
use tree_sitter::Node;

/// How many earlier closes of a channel a send is compared with: far more
/// than real functions hold, and a bound on the work a function of
/// thousands of closes costs.
const MAX_CANDIDATES: usize = 64;

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
    use_instead: None,
    fix_safety: "No quick fix.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Close",
        "https://go.dev/ref/spec#Send_statements",
    ],
    query: include_str!("../../queries/send-after-close.scm"),
    check,
};

/// The prefixes of a channel expression that is a variable or a field
/// path (`ch` → `[ch]`, `s.a.ch` → `[s, s.a, s.a.ch]`), outermost last.
fn path_prefixes<'s>(expr: Node<'_>, src: &'s str) -> Option<Vec<&'s str>> {
    let mut out = Vec::new();
    let mut n = syntax::unparen(expr);
    loop {
        out.push(syntax::text(n, src));
        match n.kind() {
            "identifier" => break,
            "selector_expression" => n = syntax::unparen(n.field("operand")?),
            _ => return None,
        }
    }
    out.reverse();
    Some(out)
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(send), Some(channel)) = (m.node("report"), m.node("channel")) else {
        return;
    };
    if syntax::in_panic_test_case(send, ctx) {
        return;
    }
    let Some(prefixes) = path_prefixes(channel, ctx.src) else {
        return;
    };
    let name = syntax::text(syntax::unparen(channel), ctx.src);
    let Some(func) = ctx.facts.parents().enclosing_function(send) else {
        return;
    };
    let Some(body) = syntax::function_body(func) else {
        return;
    };
    if ctx.facts.declared_at_package_level("close") {
        return;
    }
    let sites = ctx.facts.sites(send);
    // The last unconditional close before the send: an expression statement
    // in a block that also holds the send.
    let close = sites
        .closes(func, name)
        .iter()
        .rev()
        .copied()
        .skip_while(|n| n.end_byte() > send.start_byte())
        .take(MAX_CANDIDATES)
        .find(|&n| {
            let up = ctx.facts.parents();
            up.parent(n).is_some_and(|stmt| {
                stmt.kind() == "expression_statement"
                    && up.parent(stmt).is_some_and(|block| {
                        ctx.facts.parents().ancestors(send).any(|a| a == block)
                    })
                    && flow::same_path(ctx.facts.parents(), stmt, send, ctx.src)
            })
        });
    let Some(close) = close else {
        return;
    };
    // A panic that a deferred recover expects, or code handed to a helper
    // (a table of crash cases, `shouldPanic(func() {…})`) is deliberate.
    if channels::recovered(send, ctx) || channels::handed_off(ctx.facts.parents(), send) {
        return;
    }
    let base = prefixes[0];
    let facts = sites.func(func);
    // A variable of this function (not captured from an enclosing one or
    // the package) is followed; anything else may change in any call.
    let tracked = prefixes.len() == 1 && facts.declared.contains(base);
    if tracked && facts.rebindable.contains(base) {
        return;
    }
    let (from, to) = (close.end_byte(), send.start_byte());
    if prefixes
        .iter()
        .any(|p| sites.assigned_in(ctx.facts.parents(), p, body, Some(close), to))
        || (!tracked && sites.calls_between(from, to))
    {
        return;
    }
    let in_select = ctx
        .facts
        .parents()
        .parent(send)
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
