//! `goroutine-missing-recover`: a goroutine literal that panics itself and
//! defers no recover, so its panic ends the whole program.

use super::{Rule, Severity};
use crate::analysis::{syntax, Ctx, Finding, Match};
use tree_sitter::Node;

/// A panic in a goroutine nobody recovers crashes the process.
pub const RULE: Rule = Rule {
    slug: "goroutine-missing-recover",
    severity: Severity::Info,
    group: super::Group::Pedantic,
    question: "how-does-go-handle-panics",
    topic: Some("Panic"),
    summary: "A `go func(){…}()` whose own body panics (panic, log.Panic*) and defers no recover",
    why: "A panic unwinds only its own goroutine; if no deferred function there recovers it, the whole program exits, whatever the parent deferred.",
    message: "this goroutine panics and defers no recover(): the panic ends the whole program, not just the goroutine",
    fix: Some("Return the error to the parent (a channel, errgroup) instead of panicking, or defer a func literal that recovers and reports the panic."),
    bad: "go func() {\n\tif err := step(); err != nil {\n\t\tpanic(err) // kills the process\n\t}\n}()",
    good: "go func() {\n\terrc <- step()\n}()",
    use_instead: None,
    fix_safety: "No quick fix.",
    known_problems: &[
        "A watchdog goroutine in a test whose panic is the timeout is reported.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Handling_panics",
        "https://go.dev/blog/defer-panic-and-recover",
    ],
    query: include_str!("../../queries/goroutine-missing-recover.scm"),
    check,
};

/// The log functions that panic.
const LOG_PANICS: [&str; 3] = ["log.Panic", "log.Panicf", "log.Panicln"];

fn check(ctx: &Ctx<'_>, m: &Match<'_, '_>, out: &mut Vec<Finding>) {
    let (Some(stmt), Some(body)) = (m.node("report"), m.node("body")) else {
        return;
    };
    let own = syntax::same_function_descendants(body);
    let panics: Vec<Node<'_>> = own
        .iter()
        .copied()
        .filter(|n| {
            syntax::is_builtin_call(*n, ctx, "panic")
                || syntax::callee(*n, ctx.src).is_some_and(|c| LOG_PANICS.contains(&c))
        })
        .collect();
    if panics.is_empty()
        || own
            .iter()
            .any(|n| n.kind() == "defer_statement" && recovers(*n, ctx))
    {
        return;
    }
    let mut finding = Finding::new(&RULE, stmt.start_byte()..body.start_byte() + 1);
    for p in panics {
        finding = finding.related(p.byte_range(), "panics here");
    }
    out.push(finding);
}

/// Whether deferred statement `defer` may recover: its literal calls
/// recover(), or it defers a named helper whose name says it recovers or
/// handles panics (`defer handlePanic()`, `defer r.Recover()`).
fn recovers(defer: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let src = ctx.src;
    let Some(call) = defer.named_child(0) else {
        return false;
    };
    match syntax::callee(call, src) {
        Some(name) => {
            let name = name.to_ascii_lowercase();
            name.contains("recover") || name.contains("panic")
        }
        None => syntax::calls_recover(call, ctx),
    }
}
