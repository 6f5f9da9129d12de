//! `nil-channel-op`: a send, receive or range on a channel variable that is
//! never assigned, so blocks forever.

use super::close_nil_channel::make_fix;
use super::{Rule, Severity};
use crate::analysis::channels::{self, NilChannel, Use};
use crate::analysis::syntax::Parents;
use crate::analysis::{Ctx, Finding, Match};

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
    known_problems: &[],
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

/// Whether the channel is meant to carry values between goroutines: it is
/// handed on (passed, stored, captured), closed, or used from two functions
/// or in both directions. A lone operation on a channel nobody else sees is
/// the deliberate "block forever" idiom and stays silent.
fn meant_to_communicate<'t>(up: &Parents<'t>, nil: &NilChannel<'t>) -> bool {
    let handed_on = nil.uses.iter().any(|&(ident, how)| match how {
        Use::Other => ident
            .parent()
            .is_none_or(|p| p.kind() != "binary_expression"),
        Use::Close | Use::DeferredClose => true,
        _ => false,
    });
    let ops: Vec<_> = nil.uses.iter().filter(|(_, how)| how.blocks()).collect();
    let functions = ops
        .iter()
        .map(|(ident, _)| up.enclosing_function(*ident))
        .collect::<Vec<_>>();
    let two_functions = functions.windows(2).any(|w| w[0] != w[1]);
    let both_ways =
        ops.iter().any(|(_, h)| *h == Use::Send) && ops.iter().any(|(_, h)| *h != Use::Send);
    handed_on || two_functions || both_ways
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(spec) = m.node("report") else {
        return;
    };
    let Some(func) = ctx.facts.parents().enclosing_function(spec) else {
        return;
    };
    for nil in channels::nil_channels(spec, &ctx.facts.sites(spec), ctx.src) {
        if !meant_to_communicate(ctx.facts.parents(), &nil) {
            continue;
        }
        let name = ctx.text(nil.name);
        for &(ident, how) in &nil.uses {
            if !how.blocks() || !channels::runs_in(ident, func) {
                continue;
            }
            let what = match how {
                Use::Send => "send on",
                Use::Recv => "receive from",
                _ => "range over",
            };
            let mut finding = Finding::new(&RULE, channels::op_range(ident, how))
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
