//! `unbounded-goroutines`: a `go` statement in a loop whose trip count is
//! not a small constant, with nothing in the loop limiting concurrency.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, text};
use crate::analysis::{flow, Ctx, Finding, Match};
use tree_sitter::Node;

/// One goroutine per item grows without bound with the input.
pub const RULE: Rule = Rule {
    slug: "unbounded-goroutines",
    severity: Severity::Info,
    group: super::Group::Pedantic,
    question: "why-shouldnt-we-use-a-large-number-of-goroutines",
    topic: None,
    summary: "A goroutine started on every iteration of a loop that is not a small constant, with no semaphore, worker pool or limit",
    why: "Goroutines are cheap but not free: one per input item means memory, scheduler load and pressure on whatever they call (files, connections, APIs) grow with the input instead of staying bounded.",
    message: "a goroutine per loop iteration with no limit: their number grows with the input",
    fix: Some("Bound the concurrency: acquire a slot on a semaphore channel (`sem := make(chan struct{}, n)`; `sem <- struct{}{}` before `go`, `<-sem` when done), start a fixed pool of workers reading from a channel, or use errgroup with SetLimit."),
    bad: "for _, url := range urls {\n\tgo fetch(url)\n}",
    good: "sem := make(chan struct{}, 8)\nfor _, url := range urls {\n\tsem <- struct{}{}\n\tgo func(url string) {\n\t\tdefer func() { <-sem }()\n\t\tfetch(url)\n\t}(url)\n}",
    use_instead: Some("`errgroup.Group` with `SetLimit` (golang.org/x/sync/errgroup)."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "A bound held in a local variable set once to a constant (`n := 10`; `for i := 0; i < n; i++`) is not seen as small.",
        "A goroutine per accepted connection (`for { c, _ := l.Accept(); go handle(c) }`), the idiomatic server loop, is reported.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Go_statements",
        "https://go.dev/blog/pipelines",
    ],
    query: include_str!("../../queries/unbounded-goroutines.scm"),
    check,
};

/// The largest trip count still called small.
const SMALL: u64 = 256;

/// Whether `expr` is a small constant: an integer literal up to [`SMALL`],
/// a constant declared in the file, or the CPU count.
fn small_constant<'t>(expr: Node<'t>, ctx: &Ctx<'t>) -> bool {
    let src = ctx.src;
    let expr = syntax::unparen(expr);
    match expr.kind() {
        "int_literal" => int_value(text(expr, src)).is_some_and(|n| n <= SMALL),
        "identifier" => {
            ctx.facts.constants().contains(text(expr, src)) || foreign_constant(expr, ctx)
        }
        "call_expression" => matches!(
            syntax::callee(expr, src),
            Some("runtime.NumCPU" | "runtime.GOMAXPROCS")
        ),
        _ => false,
    }
}

/// Whether `ident` looks like a constant of another file of the package:
/// nothing in this file declares it and it is capitalised, as exported
/// constants are (`BestCompression`, `MaxWorkers`).
fn foreign_constant<'t>(ident: Node<'t>, ctx: &Ctx<'t>) -> bool {
    text(ident, ctx.src)
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && !ctx.facts.declared_at_package_level(text(ident, ctx.src))
        && ctx.facts.sites(ident).resolve(ident).is_none()
}

/// The value of a Go integer literal (`42`, `1_000`, `0x10`, `0o17`, `0b11`).
fn int_value(literal: &str) -> Option<u64> {
    let digits = literal.replace('_', "").to_ascii_lowercase();
    let (radix, rest) = match digits.get(..2) {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits.as_str()),
    };
    u64::from_str_radix(rest, radix).ok()
}

/// Whether a loop runs a small constant number of times: `i < 4`,
/// `i < runtime.NumCPU()`, `i < workers` (a constant), `range 8`, or a range
/// over a composite literal written out in the code.
fn small_trip_count<'t>(loop_: Node<'t>, ctx: &Ctx<'t>) -> bool {
    let mut c = loop_.walk();
    let Some(header) = loop_
        .named_children(&mut c)
        .find(|n| Some(*n) != loop_.field("body"))
    else {
        return false;
    };
    match header.kind() {
        "for_clause" => header.field("condition").is_some_and(|cond| {
            let op = cond.field("operator").map(|o| o.kind());
            let (left, right) = (cond.field("left"), cond.field("right"));
            let up = match op {
                Some("<" | "<=" | "!=") => right,
                Some(">" | ">=") => left,
                _ => None,
            };
            // Counting down from a small start: `for n := 4; n > 0; n--`.
            let start = header
                .field("initializer")
                .and_then(|i| i.field("right"))
                .and_then(|r| r.named_child(0));
            let down = matches!(op, Some(">" | ">=" | "!="))
                && right.is_some_and(|r| r.kind() == "int_literal");
            up.is_some_and(|b| small_constant(b, ctx))
                || (down && start.is_some_and(|s| small_constant(s, ctx)))
        }),
        "range_clause" => header.field("right").is_some_and(|r| {
            let r = syntax::unparen(r);
            r.kind() == "composite_literal" || small_constant(r, ctx)
        }),
        _ => false,
    }
}

/// The variables a counting loop declares in its `for` clause.
fn counter_names<'s>(loop_: Node<'_>, src: &'s str) -> Option<Vec<&'s str>> {
    let mut c = loop_.walk();
    let clause = loop_
        .named_children(&mut c)
        .find(|n| n.kind() == "for_clause")?;
    let init = clause.field("initializer")?;
    Some(syntax::assigned_names(init, src))
}

/// Whether the goroutine (`nodes`, all of its nodes) is a worker of a pool:
/// started from a counting loop and either not told which iteration
/// started it, or itself looping over a channel.
fn is_worker(loop_: Node<'_>, nodes: &[Node<'_>], src: &str) -> bool {
    let Some(counters) = counter_names(loop_, src) else {
        return false;
    };
    let uses_counter = nodes
        .iter()
        .any(|n| n.kind() == "identifier" && counters.contains(&text(*n, src)));
    !uses_counter || nodes.iter().any(|n| is_receive_loop(*n))
}

/// A loop that keeps taking work from a channel: `for … range ch` over a
/// variable, `for <-work { … }`, or `for { … }` around a receive or select.
fn is_receive_loop(n: Node<'_>) -> bool {
    if n.kind() != "for_statement" {
        return false;
    }
    let receives = |scope: Node<'_>| {
        syntax::descendants(scope)
            .iter()
            .any(|d| d.kind() == "select_statement" || flow::received(*d).is_some())
    };
    if flow::is_infinite(n) {
        return receives(n);
    }
    let mut c = n.walk();
    let header = n
        .named_children(&mut c)
        .find(|h| Some(*h) != n.field("body"));
    header.is_some_and(|h| match h.kind() {
        "range_clause" => h
            .field("right")
            .is_some_and(|r| matches!(r.kind(), "identifier" | "selector_expression")),
        "for_clause" => false,
        _ => receives(h),
    })
}

/// Whether the method name of a call is one of `names` (`sem.Acquire`).
fn calls_method(n: Node<'_>, src: &str, names: &[&str]) -> bool {
    syntax::callee(n, src)
        .and_then(|c| c.rsplit_once('.'))
        .is_some_and(|(_, m)| names.contains(&m))
}

/// Whether the loop body throttles the goroutines it starts: a semaphore
/// send or token receive before the `go`, a wait or receive after it in
/// the same iteration, or a weighted semaphore or rate limiter.
fn throttled(loop_: Node<'_>, go: Node<'_>, src: &str) -> bool {
    let Some(body) = loop_.field("body") else {
        return false;
    };
    syntax::same_function_descendants(body)
        .into_iter()
        .any(|n| {
            let before = n.end_byte() <= go.start_byte();
            let after = n.start_byte() >= go.end_byte();
            match n.kind() {
                "send_statement" => before,
                "expression_statement" => {
                    before
                        && n.named_child(0)
                            .is_some_and(|e| flow::received(e).is_some())
                }
                "unary_expression" => after && flow::received(n).is_some(),
                "call_expression" => calls_method(n, src, &["Acquire", "Wait"]),
                _ => false,
            }
        })
}

/// Whether the goroutine (`nodes`) takes a slot itself before working: it
/// acquires a weighted semaphore, or sends to and receives from the same
/// channel (`sem <- struct{}{}` … `<-sem`).
fn self_throttled(nodes: &[Node<'_>], src: &str) -> bool {
    let sent: Vec<&str> = nodes
        .iter()
        .filter(|n| n.kind() == "send_statement")
        .filter_map(|n| n.field("channel"))
        .map(|c| text(c, src))
        .collect();
    nodes.iter().any(|n| {
        calls_method(*n, src, &["Acquire"])
            || flow::received(*n).is_some_and(|ch| sent.contains(&text(ch, src)))
    })
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(go) = m.node("report") else {
        return;
    };
    let mut loops = Vec::new();
    let mut func_body = None;
    for anc in ctx.facts.parents().ancestors(go) {
        if syntax::is_function(anc) {
            func_body = syntax::function_body(anc);
            break;
        }
        if anc.kind() == "for_statement" {
            loops.push(anc);
        }
    }
    loops.retain(|l| !small_trip_count(*l, ctx));
    if loops.is_empty() || func_body.is_some_and(|b| ctx.text(b).contains(".SetLimit(")) {
        return;
    }
    let nodes = syntax::descendants(go);
    if self_throttled(&nodes, ctx.src) {
        return;
    }
    // Innermost loop first. A throttle in a loop's body also throttles every
    // loop around it, so the first loop that matters decides.
    for loop_ in loops {
        if is_worker(loop_, &nodes, ctx.src)
            || flow::leaves_loop_after(ctx.facts.parents(), go, loop_, ctx.src)
        {
            continue;
        }
        if !throttled(loop_, go, ctx.src) {
            out.push(Finding::new(&RULE, go.byte_range()).related(loop_.byte_range(), "the loop"));
        }
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::int_value;

    #[test]
    fn reads_go_integer_literals() {
        assert_eq!(int_value("42"), Some(42));
        assert_eq!(int_value("1_000"), Some(1000));
        assert_eq!(int_value("0x10"), Some(16));
        assert_eq!(int_value("0o17"), Some(15));
        assert_eq!(int_value("017"), Some(15));
        assert_eq!(int_value("0b11"), Some(3));
        assert_eq!(int_value("0"), Some(0));
        assert_eq!(int_value("99999999999999999999999"), None);
    }
}
