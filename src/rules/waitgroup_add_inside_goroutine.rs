//! `waitgroup-add-inside-goroutine`: `wg.Add(n)` as a statement of the
//! `go func() { … }()` it is meant to count.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::lock_calls;
use crate::analysis::sync::LockKind;
use crate::analysis::{syntax, Ctx, Edit, Finding, Fix, Match};
use tree_sitter::Node;

/// `Wait` can run before the goroutine gets to `Add`, see a zero counter and
/// return early.
pub const RULE: Rule = Rule {
    slug: "waitgroup-add-inside-goroutine",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "how-can-parallel-goroutines-be-implemented",
    topic: Some("Using WaitGroups"),
    summary: "wg.Add called inside the goroutine it counts instead of before the go statement",
    why: "Nothing orders the goroutine's Add before the parent's Wait: if Wait runs first it sees a zero counter and returns while the goroutine is still running.",
    message: "wg.Add inside the goroutine it counts: Wait may run before it and return early",
    fix: Some("Call wg.Add(1) before the go statement, and only wg.Done() inside the goroutine."),
    bad: "for _, job := range jobs {\n\tgo func() {\n\t\twg.Add(1)\n\t\tdefer wg.Done()\n\t\trun(job)\n\t}()\n}\nwg.Wait() // may return before any job started",
    good: "for _, job := range jobs {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\trun(job)\n\t}()\n}\nwg.Wait()",
    use_instead: Some("`wg.Go(func() { … })` (Go 1.25) counts and starts the goroutine in one call."),
    fix_safety: "The quick fix moves the `wg.Add(n)` call from the goroutine to just before the go statement, which is what makes Wait reliable. It is offered only when the arguments are integer literals and the WaitGroup is not a parameter of the func literal; never marked preferred.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Staticcheck, id: "SA2000", scope: "" },
    ],
    references: &[
        "https://pkg.go.dev/sync#WaitGroup.Add",
        "https://pkg.go.dev/sync#WaitGroup.Go",
    ],
    query: include_str!("../../queries/waitgroup-add-inside-goroutine.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let add = m.node("report");
    let (Some(add), Some(go)) = (add, m.node("go")) else {
        return;
    };
    let Some(lit) = ctx
        .facts
        .parents()
        .enclosing_function(add)
        .filter(|f| f.kind() == "func_literal")
    else {
        return;
    };
    let Some(recv) = add.field("function").and_then(|f| f.field("operand")) else {
        return;
    };
    let wg = ctx.text(recv);
    let calls = |scope: Node<'_>, method: &str| {
        syntax::descendants(scope).into_iter().any(|n| {
            n.kind() == "call_expression"
                && n.field("function").is_some_and(|f| {
                    f.kind() == "selector_expression"
                        && f.field("field").is_some_and(|x| ctx.text(x) == method)
                        && f.field("operand").is_some_and(|o| ctx.text(o) == wg)
                })
        })
    };
    // The goroutine marks itself done on the same WaitGroup: the Add counts it.
    // A goroutine that starts goroutines of its own may be counting those.
    if !calls(lit, "Done")
        || syntax::same_function_descendants(lit)
            .iter()
            .any(|n| n.kind() == "go_statement")
    {
        return;
    }
    // Already counted by an Add right before the go statement.
    let counted = go.prev_named_sibling().is_some_and(|p| {
        p.kind() == "expression_statement"
            && p.named_child(0)
                .is_some_and(|c| syntax::callee(c, ctx.src) == Some(&format!("{wg}.Add")))
    });
    if counted {
        return;
    }
    let Some(top) = lock_calls::outermost_function(ctx.facts.parents(), go) else {
        return;
    };
    let ty = ctx.facts.receiver_type(top, recv);
    let is_waitgroup = match (ty.known, ty.lock) {
        (_, Some(lock)) => lock.kind == LockKind::WaitGroup && lock.path.len() == 1,
        (true, None) => false,
        // Type unknown here: a Wait on it by the code that starts the goroutine.
        (false, None) => calls(top, "Wait"),
    };
    if !is_waitgroup {
        return;
    }
    let mut finding = Finding::new(&RULE, add.byte_range()).message(format!(
        "`{}` runs inside the goroutine it counts: `{}.Wait()` may run first and return early; call it before the go statement",
        lock_calls::short(ctx.text(add)),
        lock_calls::short(wg)
    ));
    if let Some(fix) = move_before(add, recv, lit, go, ctx.src) {
        finding = finding.fix(fix);
    }
    out.push(finding);
}

/// Moves the `Add` statement before the `go` statement, when it uses only
/// constants and names that are not the literal's parameters.
fn move_before(
    add: Node<'_>,
    recv: Node<'_>,
    lit: Node<'_>,
    go: Node<'_>,
    src: &str,
) -> Option<Fix> {
    let stmt = add.parent()?;
    let constant_args = syntax::call_args(add)
        .iter()
        .all(|a| a.kind() == "int_literal");
    let params = lit
        .field("parameters")
        .map(|p| syntax::descendants(p))
        .unwrap_or_default();
    let uses_param = syntax::descendants(recv)
        .into_iter()
        .filter(|n| n.kind() == "identifier")
        .any(|id| {
            params
                .iter()
                .any(|p| p.kind() == "identifier" && syntax::text(*p, src) == syntax::text(id, src))
        });
    if !constant_args || uses_param {
        return None;
    }
    let indent = lock_calls::indentation(go, src);
    let at = go.start_byte();
    Some(Fix {
        title: format!(
            "Move `{}` before the go statement",
            lock_calls::short(syntax::text(add, src))
        ),
        edits: vec![
            Edit {
                range: at..at,
                text: format!("{}\n{indent}", syntax::text(add, src)),
            },
            Edit::delete_statement(stmt, src),
        ],
        preferred: false,
    })
}
