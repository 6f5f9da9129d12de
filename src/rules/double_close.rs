//! `double-close`: closing a channel that the same path already closed.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, sites, syntax, Ctx, Edit, Finding, Fix, Match};
use tree_sitter::Node;

/// Closing a closed channel panics.
pub const RULE: Rule = Rule {
    slug: "double-close",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "what-issues-can-arise-with-a-closed-channel",
    topic: Some("Double Close"),
    summary: "A channel closed twice on the same path (also a deferred close plus an explicit one, or a close in a loop)",
    why: "Closing an already closed channel panics at run time; only one party, the sender, should close a channel, exactly once.",
    message: "channel closed a second time on this path: closing a closed channel panics",
    fix: Some("Close the channel in one place only; when several goroutines may close it, guard the close with sync.Once."),
    bad: "defer close(ch)\nfor _, v := range vs {\n\tch <- v\n}\nclose(ch) // panics when the deferred close runs",
    good: "defer close(ch)\nfor _, v := range vs {\n\tch <- v\n}",
    use_instead: Some("`sync.OnceFunc(func() { close(ch) })` (Go 1.21) when several places may close the channel."),
    fix_safety: "The quick fix deletes the second close statement, leaving the first as the only one. When the first close is deferred, the channel now closes only when the function returns: code after the deleted close that waits for the receivers to finish would block. Never marked preferred.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Close",
        "https://pkg.go.dev/sync#OnceFunc",
    ],
    query: include_str!("../../queries/double-close.scm"),
    check,
};

/// How many earlier closes of a channel a close is compared with: far more
/// than real functions hold, and a bound on the work a function of
/// thousands of closes costs.
const MAX_CANDIDATES: usize = 64;

/// The `close(x)` call and, when deferred, its `defer` statement.
fn close_site<'t>(up: &Parents<'t>, call: Node<'t>) -> Node<'t> {
    up.parent(call)
        .filter(|p| p.kind() == "defer_statement")
        .unwrap_or(call)
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(call), Some(channel)) = (m.node("report"), m.node("channel")) else {
        return;
    };
    let name = ctx.text(channel);
    if ctx.facts.declared_at_package_level("close") {
        return;
    }
    let Some(func) = ctx.facts.parents().enclosing_function(call) else {
        return;
    };
    let Some(body) = syntax::function_body(func) else {
        return;
    };
    let site = close_site(ctx.facts.parents(), call);
    let sites = ctx.facts.sites(call);
    let names: Vec<&str> = std::iter::once(name)
        .chain(syntax::identifiers(channel, ctx.src))
        .collect();
    let site_up: Vec<Node<'_>> = std::iter::once(site)
        .chain(ctx.facts.parents().ancestors(site))
        .collect();
    // An earlier close of the same channel on the same path, among the
    // first few earlier closes of it.
    let earlier = sites
        .closes(func, ctx.text(syntax::unparen(channel)))
        .iter()
        .copied()
        .take_while(|n| n.end_byte() <= call.start_byte())
        .filter(|n| {
            syntax::call_args(*n)
                .first()
                .is_some_and(|a| ctx.text(*a) == name)
        })
        .take(MAX_CANDIDATES)
        .find(|&n| {
            !sites::exclusive_with(n, &site_up)
                && flow::same_path(
                    ctx.facts.parents(),
                    close_site(ctx.facts.parents(), n),
                    site,
                    ctx.src,
                )
                && !names.iter().any(|v| {
                    sites.assigned_in(ctx.facts.parents(), v, body, Some(n), call.start_byte())
                })
        });
    let stmt = ctx.facts.parents().statement_of(site).unwrap_or(site);
    let fix = Fix {
        title: format!("Remove the second close({name})"),
        edits: vec![Edit::delete_statement(stmt, ctx.src)],
        preferred: false,
    };
    if syntax::in_panic_test_case(call, ctx) {
        return;
    }
    if let Some(first) = earlier {
        if guarded_by_flag(first, site, ctx) {
            return;
        }
        let what = if ctx
            .facts
            .parents()
            .parent(first)
            .is_some_and(|p| p.kind() == "defer_statement")
        {
            "the deferred close here runs again when the function returns"
        } else {
            "first closed here"
        };
        out.push(
            Finding::new(&RULE, call.byte_range())
                .related(first.byte_range(), what)
                .fix(fix),
        );
        return;
    }
    // A close repeated by a loop: unconditional in the loop body, the channel
    // not reassigned in the loop, and nothing leaving the loop after it.
    if site.kind() == "defer_statement" {
        return;
    }
    let Some(loop_) = flow::enclosing_loop(ctx.facts.parents(), call) else {
        return;
    };
    let conditional = ctx
        .facts
        .parents()
        .ancestors(call)
        .take_while(|n| *n != loop_)
        .any(|n| {
            matches!(
                n.kind(),
                "if_statement"
                    | "expression_switch_statement"
                    | "type_switch_statement"
                    | "select_statement"
                    | "for_statement"
            )
        });
    if !conditional
        && !names
            .iter()
            .any(|v| sites.assigned_in(ctx.facts.parents(), v, loop_, None, loop_.end_byte()))
        && !flow::leaves_loop_after(ctx.facts.parents(), call, loop_, ctx.src)
    {
        out.push(
            Finding::new(&RULE, call.byte_range())
                .message(format!("close({name}) runs on every iteration of this loop: the second iteration panics"))
                .related(loop_.byte_range(), "the loop"),
        );
    }
}

/// Whether a guard flag keeps the second close from running after the
/// first: the second sits under `if !flag {` (in this function) and the
/// first close's block sets `flag = true`.
fn guarded_by_flag<'t>(first: Node<'t>, second: Node<'t>, ctx: &Ctx<'t>) -> bool {
    let flags: Vec<&str> = ctx
        .facts
        .parents()
        .ancestors(second)
        .take_while(|n| !syntax::is_function(*n))
        .filter(|n| n.kind() == "if_statement")
        .filter_map(|n| n.field("condition"))
        .map(syntax::unparen)
        .filter(|c| {
            c.kind() == "unary_expression"
                && c.field("operator").is_some_and(|o| ctx.text(o) == "!")
        })
        .filter_map(|c| c.field("operand"))
        .filter(|o| o.kind() == "identifier")
        .map(|o| ctx.text(o))
        .collect();
    if flags.is_empty() {
        return false;
    }
    let Some(block) = ctx
        .facts
        .parents()
        .statement_of(close_site(ctx.facts.parents(), first))
        .and_then(|s| ctx.facts.parents().parent(s))
    else {
        return false;
    };
    let mut cursor = block.walk();
    let sets_flag = block.named_children(&mut cursor).any(|stmt| {
        stmt.kind() == "assignment_statement"
            && stmt
                .field("left")
                .is_some_and(|l| flags.contains(&ctx.text(l)))
            && stmt.field("right").is_some_and(|r| ctx.text(r) == "true")
    });
    sets_flag
}
