//! `redundant-gomaxprocs`: `runtime.GOMAXPROCS(runtime.NumCPU())`, the
//! default since Go 1.5 — and from Go 1.25 a call that turns off the
//! container-aware default.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::{flow, imports, syntax, Ctx, Edit, Finding, Fix, Match};
use tree_sitter::Node;

/// Setting GOMAXPROCS to the CPU count restates (or overrides) the default.
pub const RULE: Rule = Rule {
    slug: "redundant-gomaxprocs",
    severity: Severity::Info,
    group: super::Group::Pedantic,
    question: "how-can-parallel-goroutines-be-implemented",
    topic: Some("Using GOMAXPROCS"),
    summary: "runtime.GOMAXPROCS(runtime.NumCPU()): the default since Go 1.5; from Go 1.25 it also turns off the container-aware default",
    why: "Go already runs goroutines on every CPU by default; from Go 1.25 the default also follows the container's CPU limit, which this call replaces with the machine's CPU count.",
    message: "runtime.GOMAXPROCS(runtime.NumCPU()) restates the default",
    fix: Some("Remove the call; to read the setting without changing it, call runtime.GOMAXPROCS(0)."),
    bad: "func main() {\n\truntime.GOMAXPROCS(runtime.NumCPU())\n\tserve()\n}",
    good: "func main() {\n\tserve()\n}",
    use_instead: Some("`runtime.SetDefaultGOMAXPROCS()` (Go 1.25) returns to the default after a change."),
    fix_safety: "The quick fix deletes the call statement — with the `if` around it when it was that `if`'s only statement and the condition calls nothing, and with `import \"runtime\"` when it was the last use — or, where its result is used, passes 0 to read the setting without changing it. Behaviour changes where a GOMAXPROCS environment variable was being overridden, and from Go 1.25 the container-aware default then applies. Never marked preferred.",
    known_problems: &[
        "Set-and-restore in a test that wants every CPU even under `go test -cpu 1` is reported.",
    ],
    since: "0.1.0",
    go: "1.5 and later",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/runtime#GOMAXPROCS",
        "https://go.dev/blog/container-aware-gomaxprocs",
        "https://go.dev/doc/go1.25",
    ],
    query: include_str!("../../queries/redundant-gomaxprocs.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(call), Some(arg)) = (m.node("report"), m.node("arg")) else {
        return;
    };
    let cpus = syntax::unparen(arg);
    if !syntax::is_call_to(cpus, ctx.src, "runtime.NumCPU") || !syntax::call_args(cpus).is_empty() {
        return;
    }
    let message = if ctx.go_before(25) {
        "runtime.GOMAXPROCS(runtime.NumCPU()) is redundant: GOMAXPROCS defaults to the number of CPUs since Go 1.5 (the call only overrides a GOMAXPROCS environment variable)"
    } else {
        "runtime.GOMAXPROCS(runtime.NumCPU()) is not just redundant: from Go 1.25 the default follows the container's CPU limit and updates when it changes, and this call pins GOMAXPROCS to the machine's CPU count instead"
    };
    let parents = ctx.facts.parents();
    let statement = parents
        .parent(call)
        .filter(|p| p.kind() == "expression_statement");
    let fix = match statement {
        Some(stmt) => {
            let gone = removed(stmt, ctx);
            let mut edits = vec![Edit::delete_statement(gone, ctx.src)];
            let runtime = imports::of_file(ctx.root, ctx.src)
                .into_iter()
                .find(|i| i.path == "runtime" && i.name != "." && i.name != "_");
            if let Some(runtime) = runtime {
                if !imports::used_outside(ctx.root, ctx.src, runtime.name, &gone.byte_range()) {
                    edits.push(imports::removal(&runtime, ctx.src));
                }
            }
            Fix {
                title: "Remove the runtime.GOMAXPROCS call".to_string(),
                edits,
                preferred: false,
            }
        }
        None => Fix::single(
            "Read GOMAXPROCS without changing it: runtime.GOMAXPROCS(0)",
            arg.byte_range(),
            "0",
            false,
        ),
    };
    out.push(
        Finding::new(&RULE, call.byte_range())
            .message(message)
            .fix(fix),
    );
}

/// What removing the call statement `stmt` removes: the statement, or the
/// whole `if` it is the only statement of, when that `if` has no `else` and
/// a condition that calls nothing (`if all { runtime.GOMAXPROCS(…) }`).
fn removed<'t>(stmt: Node<'t>, ctx: &Ctx<'t>) -> Node<'t> {
    let parents = ctx.facts.parents();
    let mut block = parents.parent(stmt);
    if block.is_some_and(|b| b.kind() == "statement_list") {
        block = block.and_then(|b| parents.parent(b));
    }
    let Some(block) = block.filter(|b| b.kind() == "block") else {
        return stmt;
    };
    let lone = flow::statements(block).len() == 1;
    let whole_if = parents.parent(block).filter(|i| {
        i.kind() == "if_statement"
            && i.field("alternative").is_none()
            && i.field("initializer").is_none()
            && i.field("condition").is_some_and(|c| {
                !syntax::descendants(c)
                    .iter()
                    .any(|n| n.kind() == "call_expression" || n.kind() == "receive_expression")
            })
    });
    match whole_if {
        Some(i) if lone => i,
        _ => stmt,
    }
}
