//! `redundant-gomaxprocs`: `runtime.GOMAXPROCS(runtime.NumCPU())`, the
//! default since Go 1.5 — and from Go 1.25 a call that turns off the
//! container-aware default.

use super::{Rule, Severity};
use crate::analysis::{syntax, Ctx, Edit, Finding, Fix, Match};

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
    fix_safety: "The quick fix deletes the call statement (or, where its result is used, passes 0 to read the setting without changing it). Behaviour changes where a GOMAXPROCS environment variable was being overridden, and from Go 1.25 the container-aware default then applies. Never marked preferred.",
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

fn check(ctx: &Ctx<'_>, m: &Match<'_, '_>, out: &mut Vec<Finding>) {
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
    let statement = call.parent().filter(|p| p.kind() == "expression_statement");
    let fix = match statement {
        Some(stmt) => Fix {
            title: "Remove the runtime.GOMAXPROCS call".to_string(),
            edits: vec![Edit::delete_statement(stmt, ctx.src)],
            preferred: false,
        },
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
