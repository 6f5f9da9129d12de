//! `close-nil-channel`: closing a channel variable that is never assigned.

use super::{Rule, Severity};
use crate::analysis::channels::{self, NilChannel, Use};
use crate::analysis::fields::Fields as _;
use crate::analysis::{syntax, Ctx, Finding, Fix, Match};

/// Closing a nil channel panics.
pub const RULE: Rule = Rule {
    slug: "close-nil-channel",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "what-issues-can-arise-with-a-closed-channel",
    topic: Some("Nil Channel Behavior"),
    summary: "close(ch) on a channel declared `var ch chan T` and never assigned in the function",
    why: "A channel declared with var and never made is nil, and closing a nil channel panics.",
    message:
        "close of a nil channel panics: this channel is declared without make and never assigned",
    fix: Some("Make the channel (`ch := make(chan T)`) before using and closing it."),
    bad: "var done chan struct{}\ngo worker(done)\nclose(done) // panics: done is nil",
    good: "done := make(chan struct{})\ngo worker(done)\nclose(done)",
    use_instead: None,
    fix_safety: "The quick fix (for a single-name `var ch chan T`) makes the channel where it is declared: `var ch = make(chan T)`. Operations that blocked forever on the nil channel then proceed, which changes behaviour on purpose. Never marked preferred.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Close",
        "https://go.dev/ref/spec#Channel_types",
    ],
    query: include_str!("../../queries/close-nil-channel.scm"),
    check,
};

/// A fix that makes the channel where it is declared: `var ch chan T`
/// becomes `var ch = make(chan T)` (single-name declarations only).
pub(super) fn make_fix(nil: &NilChannel<'_>, src: &str) -> Option<Fix> {
    let ty = nil.spec.field("type")?;
    let mut c = nil.spec.walk();
    if nil.spec.fields("name", &mut c).count() != 1 {
        return None;
    }
    let name = syntax::text(nil.name, src);
    Some(Fix::single(
        format!(
            "Make the channel: var {name} = make({})",
            syntax::text(ty, src)
        ),
        nil.name.end_byte()..ty.end_byte(),
        format!(" = make({})", syntax::text(ty, src)),
        false,
    ))
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(spec) = m.node("report") else {
        return;
    };
    if syntax::in_panic_test_case(spec, ctx) {
        return;
    }
    for nil in channels::nil_channels(spec, &ctx.facts.sites(spec), ctx.src) {
        let name = ctx.text(nil.name);
        for &(ident, how) in &nil.uses {
            if !matches!(how, Use::Close | Use::DeferredClose)
                || channels::handed_off(ctx.facts.parents(), ident)
                || channels::recovered(ident, ctx)
            {
                continue;
            }
            let call = channels::op_node(ctx.facts.parents(), ident, how);
            let mut finding = Finding::new(&RULE, call.byte_range())
                .message(format!(
                    "close of nil channel {name} panics: it is declared without make and never assigned"
                ))
                .related(nil.spec.byte_range(), format!("{name} is declared here and stays nil"));
            if let Some(fix) = make_fix(&nil, ctx.src) {
                finding = finding.fix(fix);
            }
            out.push(finding);
        }
    }
}
