//! `nil-channel-op`: a send, receive or range on a channel variable that is
//! never assigned, so blocks forever.

use super::close_nil_channel::make_fix;
use super::{Rule, Severity};
use crate::analysis::channels::{self, NilChannel, Use};
use crate::analysis::syntax::{self, inside};
use crate::analysis::{flow, Ctx, Finding, Match};
use tree_sitter::Node;

/// Operations on a nil channel block forever.
pub const RULE: Rule = Rule {
    slug: "nil-channel-op",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "what-issues-can-arise-with-a-closed-channel",
    topic: Some("Nil Channel Behavior"),
    summary: "A send, receive or `for range` on a channel declared `var ch chan T` and never assigned in the function",
    why: "A channel declared with var and never made is nil; sending to or receiving from a nil channel blocks forever, and so does ranging over it.",
    message: "operation on a nil channel blocks forever: this channel is declared without make and never assigned",
    fix: Some("Make the channel (`ch := make(chan T)`) before using it; to disable a select case on purpose, set the channel to nil there."),
    bad: "var results chan int\ngo produce(results)\nfor r := range results { // blocks forever: results is nil\n\tuse(r)\n}",
    good: "results := make(chan int)\ngo produce(results)\nfor r := range results {\n\tuse(r)\n}",
    use_instead: None,
    fix_safety: "The quick fix (for a single-name `var ch chan T`) makes the channel where it is declared: `var ch = make(chan T)`. Operations that blocked forever then proceed, and a select case that was disabled by the nil channel becomes live. Never marked preferred.",
    known_problems: &[
        "A goroutine literal that only declares the channel and blocks on it (`go func() { var c chan int; <-c }()`) is taken as parked on purpose and not reported.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Channel_types",
        "https://go.dev/ref/spec#Send_statements",
        "https://go.dev/ref/spec#Receive_operator",
    ],
    query: include_str!("../../queries/nil-channel-op.scm"),
    check,
};

/// Whether the operation at `ident` is all that a goroutine literal does
/// besides declaring the channel (`go func() { var c chan int; <-c }()`):
/// a goroutine parked on purpose, as runtime tests park one to observe it,
/// like `select {}`.
fn parks_goroutine<'t>(ident: Node<'t>, nil: &NilChannel<'t>, ctx: &Ctx<'t>) -> bool {
    let up = ctx.facts.parents();
    let Some(lit) = up
        .enclosing_function(nil.spec)
        .filter(|f| f.kind() == "func_literal")
    else {
        return false;
    };
    let started = up
        .parent(lit)
        .and_then(|call| up.parent(call))
        .is_some_and(|g| g.kind() == "go_statement");
    let body = syntax::function_body(lit).map(flow::statements);
    let (Some([decl, op]), Some(stmt)) = (body.as_deref(), up.statement_of(ident)) else {
        return false;
    };
    let bare = match op.kind() {
        "send_statement" => true,
        "expression_statement" => op
            .named_child(0)
            .is_some_and(|e| flow::received(e).is_some()),
        _ => false,
    };
    started && bare && *op == stmt && inside(*decl, nil.spec)
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(spec) = m.node("report") else {
        return;
    };
    let Some(func) = ctx.facts.parents().enclosing_function(spec) else {
        return;
    };
    for nil in channels::nil_channels(spec, &ctx.facts.sites(spec), ctx.src) {
        let name = ctx.text(nil.name);
        for &(ident, how) in &nil.uses {
            if !how.blocks()
                || !channels::runs_in(ctx.facts.parents(), ident, func)
                || parks_goroutine(ident, &nil, ctx)
            {
                continue;
            }
            let what = match how {
                Use::Send => "send on",
                Use::Recv => "receive from",
                _ => "range over",
            };
            let mut finding = Finding::new(&RULE, channels::op_range(ctx.facts.parents(), ident, how))
                .message(format!(
                    "{what} nil channel {name} blocks forever: it is declared without make and never assigned"
                ))
                .related(nil.spec.byte_range(), format!("{name} is declared here and stays nil"));
            if let Some(fix) = make_fix(&nil, ctx.src) {
                finding = finding.fix(fix);
            }
            out.push(finding);
        }
    }
}
