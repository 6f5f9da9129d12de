//! `defer-in-loop`: a `defer` inside a loop of its own function, so every
//! iteration queues another call that only runs when the function returns.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Match};
use tree_sitter::Node;

/// Deferred calls run at function exit, not at the end of an iteration.
pub const RULE: Rule = Rule {
    slug: "defer-in-loop",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "how-does-go-handle-panics",
    topic: Some("defer statement"),
    summary: "A defer inside a loop of the same function (not inside a func literal in the loop)",
    why: "A deferred call runs when the surrounding function returns, not when the iteration ends: files, locks and connections pile up until then.",
    message: "defer in a loop runs only when the function returns: every iteration holds its resource until then",
    fix: Some("Move the loop body into a function (or a func literal called each iteration) so the defer runs per iteration, or release the resource explicitly."),
    bad: "for _, name := range names {\n\tf, err := os.Open(name)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close() // all files stay open until the function returns\n\tprocess(f)\n}",
    good: "for _, name := range names {\n\tif err := processFile(name); err != nil { // defers f.Close() inside\n\t\treturn err\n\t}\n}",
    use_instead: None,
    fix_safety: "No quick fix.",
    known_problems: &[
        "A defer meant to hold every iteration's resource until the function returns: resources the code after the loop needs (registrations, connections), hand-over-hand locks, semaphore-like tokens.",
        "A defer that covers only the early exits of an iteration that also releases the resource itself at its end.",
        "A deferred call that signals a goroutine of the same iteration that the function has returned.",
        "A once-guard on a flag that starts true (`if first { first = false; defer … }`).",
        "Deferring each function of a list on purpose, so all of them run even if one panics.",
        "A one-shot timer reset other than right after a `Stop` that succeeded (`if !t.Stop() { return }`, `if t.Stop() { t.Reset(d) }`).",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Gocritic, id: "deferInLoop", scope: "" },
        crate::analysis::Peer { linter: crate::analysis::Linter::Revive, id: "defer", scope: "its `loop` option" },
        crate::analysis::Peer { linter: crate::analysis::Linter::Staticcheck, id: "SA5003", scope: "only defers in endless loops" },
        crate::analysis::Peer { linter: crate::analysis::Linter::Staticcheck, id: "SA9001", scope: "only defers in a range over a channel" },
    ],
    references: &[
        "https://go.dev/ref/spec#Defer_statements",
        "https://go.dev/blog/defer-panic-and-recover",
    ],
    query: include_str!("../../queries/defer-in-loop.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(defer) = m.node("report") else {
        return;
    };
    let within: Vec<Node<'_>> = ctx
        .facts
        .parents()
        .ancestors(defer)
        .take_while(|n| !syntax::is_function(*n))
        .collect();
    let loops: Vec<Node<'_>> = within
        .iter()
        .copied()
        .filter(|n| n.kind() == "for_statement" && !runs_once(*n, ctx.src))
        .collect();
    let (Some(inner), Some(outer)) = (loops.first(), loops.last()) else {
        return;
    };
    // A defer followed on its path by a statement that leaves every loop
    // (a return, say), guarded by `if x == nil { x = …; defer … }`, or in
    // the select case of a one-shot timer, runs at most once: harmless.
    let guarded = within.iter().take_while(|n| *n != outer).any(|n| {
        once_guard(*n, defer, ctx.src) || timer_fires_once(ctx.facts.parents(), *n, ctx.src)
    });
    if guarded
        || flow::leaves_loop_after(ctx.facts.parents(), defer, *outer, ctx.src)
        || held_on_purpose(ctx.facts.parents(), defer, *inner, ctx.src)
    {
        return;
    }
    let header_end = inner
        .field("body")
        .map_or(inner.end_byte(), |b| b.start_byte());
    out.push(
        Finding::new(&RULE, defer.byte_range()).related(inner.start_byte()..header_end, "the loop"),
    );
}

/// Whether `loop_` is `for i := A; i < B; i++` with constants that give at
/// most one iteration.
fn runs_once(loop_: Node<'_>, src: &str) -> bool {
    let Some(clause) = loop_.named_child(0).filter(|c| c.kind() == "for_clause") else {
        return false;
    };
    let int = |n: Option<Node<'_>>| n.and_then(|n| syntax::text(n, src).parse::<i64>().ok());
    let init = clause
        .field("initializer")
        .filter(|i| i.kind() == "short_var_declaration");
    let cond = clause
        .field("condition")
        .filter(|c| c.kind() == "binary_expression");
    let update = clause.field("update").map(|u| syntax::text(u, src));
    let (Some(init), Some(cond)) = (init, cond) else {
        return false;
    };
    let var = init.field("left").map(|l| syntax::text(l, src));
    let start = int(init.field("right"));
    let left = cond.field("left").map(|l| syntax::text(l, src));
    let op = cond.field("operator").map(|o| syntax::text(o, src));
    let end = int(cond.field("right"));
    let (Some(var), Some(start), Some(op), Some(end)) = (var, start, op, end) else {
        return false;
    };
    let trips = match op {
        "<" => end - start,
        "<=" => end - start + 1,
        _ => return false,
    };
    left == Some(var) && update == Some(&format!("{var}++")) && trips <= 1
}

/// Whether the deferred call is meant to run at function exit, not per
/// iteration: it releases a semaphore token taken in the loop (`defer
/// func() { <-sem }()`), cleans up only when the function fails (`defer
/// func() { if err != nil { … } }()` on a named result), or closes a value
/// that outlives the iteration (appended, stored or assigned to a variable
/// declared outside the loop), which a per-iteration close would break.
fn held_on_purpose<'t>(up: &Parents<'t>, defer: Node<'t>, loop_: Node<'t>, src: &str) -> bool {
    let Some(call) = defer.named_child(0) else {
        return false;
    };
    let Some(callee) = call.field("function").map(syntax::unparen) else {
        return false;
    };
    match callee.kind() {
        "func_literal" => {
            let stmts = callee
                .field("body")
                .map(flow::statements)
                .unwrap_or_default();
            match stmts.as_slice() {
                [only] if only.kind() == "expression_statement" => only
                    .named_child(0)
                    .is_some_and(|e| syntax::text(e, src).starts_with("<-")),
                [only] if only.kind() == "if_statement" => failure_only(up, *only, defer, src),
                _ => false,
            }
        }
        "selector_expression" => callee
            .field("operand")
            .filter(|o| o.kind() == "identifier")
            .is_some_and(|r| outlives_iteration(syntax::text(r, src), loop_, src)),
        _ => false,
    }
}

/// Whether `stmt` is `if err != nil { … }` on a named result `err` of the
/// function around `defer`.
fn failure_only<'t>(up: &Parents<'t>, stmt: Node<'t>, defer: Node<'t>, src: &str) -> bool {
    if stmt.field("alternative").is_some() {
        return false;
    }
    let Some(cond) = stmt.field("condition").map(syntax::unparen) else {
        return false;
    };
    let Some(tested) = syntax::text(cond, src).strip_suffix("!= nil") else {
        return false;
    };
    let results = up
        .enclosing_function(defer)
        .and_then(|f| f.field("result"))
        .filter(|r| r.kind() == "parameter_list");
    results.is_some_and(|r| {
        syntax::descendants(r)
            .into_iter()
            .any(|n| n.kind() == "identifier" && syntax::text(n, src) == tested.trim())
    })
}

/// Whether the loop body hands the value `name` on beyond the iteration:
/// appends it, puts it in a composite literal, or assigns it with `=`.
fn outlives_iteration(name: &str, loop_: Node<'_>, src: &str) -> bool {
    let Some(body) = loop_.field("body") else {
        return false;
    };
    syntax::descendants(body).into_iter().any(|n| {
        let uses = |x: Node<'_>| syntax::identifiers(x, src).contains(&name);
        match n.kind() {
            "call_expression" if syntax::is_call_to(n, src, "append") => syntax::call_args(n)
                .iter()
                .skip(1)
                .any(|a| syntax::text(syntax::unparen(*a), src) == name),
            "literal_element" => syntax::text(n, src) == name,
            "assignment_statement" => {
                n.field("operator").is_some_and(|o| o.kind() == "=")
                    && n.field("left").is_some_and(|l| syntax::text(l, src) != "_")
                    && n.field("right").is_some_and(uses)
            }
            _ => false,
        }
    })
}

/// Whether `node` is `if x == nil { … x = … }` (or `if !done { … done = … }`)
/// holding `defer` in its consequence: the consequence runs once, as the
/// first run sets what the condition tests.
fn once_guard(node: Node<'_>, defer: Node<'_>, src: &str) -> bool {
    if node.kind() != "if_statement" {
        return false;
    }
    let (Some(cond), Some(cons)) = (node.field("condition"), node.field("consequence")) else {
        return false;
    };
    if !(cons.start_byte() <= defer.start_byte() && defer.end_byte() <= cons.end_byte()) {
        return false;
    }
    let cond = syntax::unparen(cond);
    let tested = match cond.kind() {
        "binary_expression"
            if cond
                .field("operator")
                .is_some_and(|o| syntax::text(o, src) == "==") =>
        {
            let (Some(l), Some(r)) = (cond.field("left"), cond.field("right")) else {
                return false;
            };
            let zero = |t: &str| matches!(t, "nil" | "\"\"" | "``" | "0" | "false");
            match (syntax::text(l, src), syntax::text(r, src)) {
                (z, x) | (x, z) if zero(z) => x,
                _ => return false,
            }
        }
        "unary_expression"
            if cond
                .field("operator")
                .is_some_and(|o| syntax::text(o, src) == "!") =>
        {
            match cond.field("operand") {
                Some(x) => syntax::text(x, src),
                None => return false,
            }
        }
        _ => return false,
    };
    flow::assigned_in(tested, cons, cons.start_byte(), cons.end_byte(), src)
}

/// Whether `node` is a select case `case <-t.C:` on a timer made with
/// `time.NewTimer` in the same function and reset only after a `Stop`
/// that succeeded (so before it fired): it fires once.
fn timer_fires_once<'t>(up: &Parents<'t>, node: Node<'t>, src: &str) -> bool {
    if node.kind() != "communication_case" {
        return false;
    }
    let received = node
        .field("communication")
        .filter(|c| c.kind() == "receive_statement")
        .and_then(|c| c.field("right"))
        .map(syntax::unparen)
        .filter(|r| r.kind() == "unary_expression")
        .and_then(|r| r.field("operand"));
    let Some(timer) = received.and_then(|r| syntax::text(r, src).strip_suffix(".C")) else {
        return false;
    };
    let Some(body) = up.enclosing_function(node).and_then(syntax::function_body) else {
        return false;
    };
    let reset = format!("{timer}.Reset");
    let mut made = false;
    for n in syntax::same_function_descendants(body) {
        match n.kind() {
            "short_var_declaration" | "assignment_statement"
                if syntax::assigned_names(n, src).contains(&timer) =>
            {
                let value = n.field("right").and_then(|r| r.named_child(0));
                if !value.is_some_and(|v| syntax::is_call_to(v, src, "time.NewTimer")) {
                    return false;
                }
                made = true;
            }
            "call_expression"
                if syntax::is_call_to(n, src, &reset)
                    && !after_successful_stop(up, n, timer, src) =>
            {
                return false
            }
            _ => {}
        }
    }
    made
}

/// Whether the call `reset` (`t.Reset(…)`) runs only after `t.Stop()`
/// returned true: inside `if t.Stop() { … }`, or after an
/// `if … || !t.Stop() { return }` in the same block.
fn after_successful_stop<'t>(up: &Parents<'t>, reset: Node<'t>, timer: &str, src: &str) -> bool {
    let stop = format!("{timer}.Stop()");
    let negated = format!("!{stop}");
    let Some(stmt) = up.statement_of(reset) else {
        return false;
    };
    let guarded = up
        .ancestors(stmt)
        .take_while(|a| !syntax::is_function(*a))
        .any(|a| {
            a.kind() == "if_statement"
                && a.field("condition")
                    .is_some_and(|c| syntax::text(c, src) == stop)
                && a.field("consequence")
                    .is_some_and(|b| syntax::inside(b, stmt))
        });
    let stopped_before = up
        .parent(stmt)
        .map(|list| flow::statements(list))
        .unwrap_or_default()
        .into_iter()
        .take_while(|s| s.end_byte() <= stmt.start_byte())
        .any(|s| {
            s.kind() == "if_statement"
                && s.field("alternative").is_none()
                && s.field("consequence")
                    .is_some_and(|b| flow::is_terminator(b, src))
                && s.field("condition").is_some_and(|c| {
                    syntax::text(c, src)
                        .split("||")
                        .any(|term| term.trim() == negated)
                })
        });
    guarded || stopped_before
}
