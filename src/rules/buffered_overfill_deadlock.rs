//! `buffered-overfill-deadlock`: more sends than a buffered channel holds,
//! with nobody able to receive yet.

use super::{Rule, Severity};
use crate::analysis::chan_trace::{self, MadeChannel, Step, Trace};
use crate::analysis::channels::{self, Use};
use crate::analysis::{Ctx, Finding, Match};

/// A send beyond a constant capacity before any receiver exists.
pub const RULE: Rule = Rule {
    slug: "buffered-overfill-deadlock",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "whats-the-difference-between-buffered-and-unbuffered-channels",
    topic: Some("Send operation only blocks when the buffer is full"),
    summary: "More sends than a buffered channel's constant capacity in one goroutine, with no receive in between and no goroutine holding the channel yet",
    why: "A send on a full buffered channel waits for a receiver; when no other goroutine holds the channel yet, the send that overflows the buffer waits forever.",
    message: "this send overflows the channel's buffer and blocks forever: nothing can receive yet",
    fix: Some("Make the buffer as large as the number of sends, or start the receiving goroutine before sending."),
    bad: "errs := make(chan error, 1)\nerrs <- check(a)\nerrs <- check(b) // blocks: the buffer holds one\ngo report(errs)",
    good: "errs := make(chan error, 2)\nerrs <- check(a)\nerrs <- check(b)\ngo report(errs)",
    use_instead: None,
    fix_safety: "The quick fix raises the buffer to the number of sends. It changes behaviour only in that the sends stop blocking; it is marked preferred only when every send is certain to run.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Send_statements",
        "https://go.dev/ref/spec#Channel_types",
    ],
    query: include_str!("../../queries/buffered-overfill-deadlock.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(decl), Some(make)) = (m.node("report"), m.node("make")) else {
        return;
    };
    let Some(made) = MadeChannel::of(decl, make, ctx.src) else {
        return;
    };
    let Some(capacity) = made.capacity.filter(|c| *c > 0) else {
        return;
    };
    let Some(trace) = Trace::of(&made, ctx.facts.sites(decl), ctx.src) else {
        return;
    };
    let mut count = 0u64;
    let mut overflow = None;
    for step in trace {
        match step {
            Step::Send(send) => {
                count += 1;
                if count > capacity {
                    overflow = Some((send.byte_range(), false));
                    break;
                }
            }
            Step::Other { uses, .. } => {
                // With the buffer full, a statement that only sends blocks
                // at its first send, however it branches or loops.
                if count >= capacity && uses.iter().all(|(_, u)| *u == Use::Send) {
                    overflow = uses
                        .first()
                        .map(|&(r, u)| (channels::op_range(ctx.facts.parents(), r, u), true));
                }
                break;
            }
            Step::Unknown => break,
        }
    }
    let Some((send, conditional)) = overflow else {
        return;
    };
    let name = ctx.text(made.ident);
    let mut finding = Finding::new(&RULE, send)
        .message(format!(
            "send #{} on {name} blocks forever: its buffer holds {capacity} and no other goroutine has the channel yet",
            capacity + 1
        ))
        .related(made.make.byte_range(), format!("{name} is made with capacity {capacity} here"));
    if !conditional {
        let size = Trace::of(&made, ctx.facts.sites(decl), ctx.src).map(chan_trace::leading_sends);
        if let Some(fix) = size.and_then(|(n, certain)| made.capacity_fix(n, certain)) {
            finding = finding.fix(fix);
        }
    }
    out.push(finding);
}
