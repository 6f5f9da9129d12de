//! `unbuffered-send-deadlock`: a send or receive on an unbuffered channel
//! that no other goroutine can reach yet.

use super::{Rule, Severity};
use crate::analysis::chan_trace::{self, MadeChannel, Step, Trace};
use crate::analysis::channels::{self, Use};
use crate::analysis::{flow, syntax, Ctx, Finding, Match};

/// A blocking operation on an unbuffered channel before anyone else has it.
pub const RULE: Rule = Rule {
    slug: "unbuffered-send-deadlock",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "whats-the-difference-between-buffered-and-unbuffered-channels",
    topic: Some("Blocking"),
    summary: "A send or receive on an unbuffered channel made in the same function, before any goroutine that could take the other side has it",
    why: "A send on an unbuffered channel waits for a receiver (and a receive for a sender); when no other goroutine holds the channel yet, it waits forever.",
    message: "this operation on an unbuffered channel blocks forever: no other goroutine has the channel yet",
    fix: Some("Start the goroutine that receives (or sends) before the operation, or give the channel a buffer large enough for the sends that come first."),
    bad: "results := make(chan int)\nresults <- compute() // blocks: nobody receives yet\ngo consume(results)",
    good: "results := make(chan int)\ngo consume(results)\nresults <- compute()",
    use_instead: None,
    fix_safety: "The quick fix (offered when the number of sends that come first is known) gives the channel a buffer of that size. It changes behaviour on purpose: a sender no longer waits for its receiver, so code that relied on the handoff as a synchronisation point loses it. It is marked preferred only when the count is certain.",
    known_problems: &[
        "A lone receive on a channel nothing else touches is taken as the deliberate \"block forever\" idiom and not reported.",
        "In a branch or case, an operation is followed only when it is the channel's first use there and not in a loop: `if ok { go f(ch) } else { ch <- v }` is not reported.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Send_statements",
        "https://go.dev/ref/spec#Channel_types",
        "https://go.dev/ref/mem",
    ],
    query: include_str!("../../queries/unbuffered-send-deadlock.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(decl), Some(make)) = (m.node("report"), m.node("make")) else {
        return;
    };
    let Some(made) = MadeChannel::of(decl, make, ctx.src).filter(|c| c.capacity == Some(0)) else {
        return;
    };
    let Some(mut trace) = Trace::of(&made, ctx.facts.sites(decl), ctx.src) else {
        return;
    };
    let name = ctx.text(made.ident);
    // A `var (…)` block that names the channel again after making it
    // (`next = func() <-chan int { return c }`, `d = c`) hands it on before
    // the trace starts.
    if syntax::descendants(made.stmt).iter().any(|n| {
        n.kind() == "identifier" && n.start_byte() > made.ident.end_byte() && ctx.text(*n) == name
    }) {
        return;
    }
    // A lone receive (or range) on a channel nothing else ever touches is
    // the deliberate "block forever" idiom, like `<-make(chan struct{})`; a
    // lone send is not: it blocks forever for no one.
    let block = ctx.facts.parents().parent(made.stmt).unwrap_or(made.stmt);
    let sites = ctx.facts.sites(decl);
    let later = sites.references(block, name, made.stmt.end_byte());
    let idiom = match later {
        [] => true,
        [only] => channels::classify(ctx.facts.parents(), *only, ctx.src) != Use::Send,
        _ => false,
    };
    if idiom {
        return;
    }
    // The blocking operation, how it uses the channel, and the statement
    // holding it when it runs only conditionally.
    let (op, how, region) = match trace.next() {
        Some(Step::Send(send)) => (send.byte_range(), Use::Send, None),
        Some(Step::Other { stmt, uses }) => {
            let Some(&(first, how)) = uses.first() else {
                return;
            };
            // Every use blocks, or the first one does and runs before the
            // others on every path through the statement (no loop around
            // it there): `if err != nil { ch <- err; return ch }`.
            let first_blocks = how.blocks()
                && flow::enclosing_loop(ctx.facts.parents(), first)
                    .is_none_or(|l| l.start_byte() < stmt.start_byte());
            if !first_blocks && !uses.iter().all(|(_, u)| u.blocks()) {
                return;
            }
            (
                channels::op_range(ctx.facts.parents(), first, how),
                how,
                Some((stmt, uses)),
            )
        }
        Some(Step::Unknown) | None => return,
    };
    let what = match how {
        Use::Send => format!("send on unbuffered channel {name} blocks forever"),
        Use::Recv => format!("receive from unbuffered channel {name} blocks forever"),
        _ => format!("range over unbuffered channel {name} blocks forever"),
    };
    let mut finding = Finding::new(&RULE, op)
        .message(format!(
            "{what}: no other goroutine has the channel yet (start the goroutine that takes the other side first)"
        ))
        .related(made.make.byte_range(), format!("{name} is made unbuffered here"));
    if how == Use::Send {
        let size = match region {
            // Sends in unconditional order: their count, certain unless
            // conditional sends follow.
            None => Trace::of(&made, ctx.facts.sites(decl), ctx.src).map(chan_trace::leading_sends),
            // Conditional sends, each run at most once (none in a loop):
            // at most their number.
            Some((stmt, uses)) => {
                let in_loop = uses.iter().any(|(r, _)| {
                    flow::enclosing_loop(ctx.facts.parents(), *r)
                        .is_some_and(|l| l.start_byte() >= stmt.start_byte())
                });
                let sends = uses.iter().filter(|(_, u)| *u == Use::Send).count();
                (!in_loop).then_some((u64::try_from(sends).unwrap_or(u64::MAX), false))
            }
        };
        if let Some(fix) = size.and_then(|(count, certain)| made.capacity_fix(count, certain)) {
            finding = finding.fix(fix);
        }
    }
    out.push(finding);
}
