//! `select-default-busy-loop`: `for { select { …; default: } }` with an empty
//! default spins a CPU while no case is ready.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::{flow, Ctx, Edit, Finding, Fix, Match};
use tree_sitter::Node;

/// An empty default turns a waiting select into a busy loop.
pub const RULE: Rule = Rule {
    slug: "select-default-busy-loop",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "what-is-the-select-statement-used-for",
    topic: Some("Example"),
    summary: "An endless loop around a select whose default case is empty, with nothing else in the loop that waits",
    why: "A select blocks until a case can proceed, but a default case runs at once when none can: with an empty default the loop re-enters the select immediately and burns a whole CPU while it waits.",
    message: "empty default case in an endless for-select loop: the loop spins at full CPU while no case is ready",
    fix: Some("Remove the empty default case so the select blocks until a case is ready; if the loop must also do other work, put that work in the default case or add a timer case."),
    bad: "for {\n\tselect {\n\tcase msg := <-in:\n\t\thandle(msg)\n\tcase <-done:\n\t\treturn\n\tdefault:\n\t}\n}",
    good: "for {\n\tselect {\n\tcase msg := <-in:\n\t\thandle(msg)\n\tcase <-done:\n\t\treturn\n\t}\n}",
    use_instead: None,
    fix_safety: "The quick fix deletes the empty default case, so the select blocks until a case is ready. That is the intended change; when the loop holds other statements they then run only after a case fires, so the fix is marked preferred only when the select is the loop's only statement.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Staticcheck, id: "SA5004", scope: "" },
    ],
    references: &[
        "https://go.dev/ref/spec#Select_statements",
    ],
    query: include_str!("../../queries/select-default-busy-loop.scm"),
    check,
};

/// Whether a default case does nothing: no statements, or a lone
/// unlabeled `continue`.
fn is_empty(default: Node<'_>) -> bool {
    let stmts: Vec<Node<'_>> = {
        let mut c = default.walk();
        default
            .named_children(&mut c)
            .flat_map(|n| {
                if n.kind() == "statement_list" {
                    flow::statements(n)
                } else {
                    vec![n]
                }
            })
            .filter(|n| n.kind() != "comment")
            .collect()
    };
    match stmts.as_slice() {
        [] => true,
        [only] => only.kind() == "continue_statement" && only.named_child(0).is_none(),
        _ => false,
    }
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(default), Some(loop_)) = (m.node("report"), m.node("loop")) else {
        return;
    };
    let select = ctx.facts.parents().parent(default);
    let (Some(select), Some(body)) = (select, loop_.field("body")) else {
        return;
    };
    if !flow::is_infinite(loop_) || !is_empty(default) {
        return;
    }
    let stmts = flow::statements(body);
    if stmts
        .iter()
        .any(|&s| s != select && flow::may_block(s, ctx.src))
    {
        return;
    }
    let mut finding =
        Finding::new(&RULE, default.byte_range()).related(loop_.byte_range(), "the endless loop");
    let mut c = select.walk();
    let cases = select
        .named_children(&mut c)
        .filter(|n| n.kind() == "communication_case")
        .count();
    if cases > 0 {
        finding = finding.fix(Fix {
            title: "Remove the empty default case (let the select wait)".to_string(),
            edits: vec![Edit::delete_statement(default, ctx.src)],
            preferred: stmts.len() == 1,
        });
    }
    out.push(finding);
}
