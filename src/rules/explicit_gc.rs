//! `explicit-gc`: `runtime.GC()` in program code (test files excepted).

use super::{Rule, Severity};
use crate::analysis::{syntax, Ctx, Finding, Match};
use tree_sitter::Node;

/// A forced collection blocks the caller and duplicates the runtime's own pacing.
pub const RULE: Rule = Rule {
    slug: "explicit-gc",
    severity: Severity::Info,
    group: super::Group::Pedantic,
    question: "how-does-garbage-collection-work-in-go",
    topic: Some("GC Triggers"),
    summary: "runtime.GC() outside _test.go files",
    why: "The runtime already collects when the heap grows (GOGC, GOMEMLIMIT); a forced collection blocks the caller until a full cycle finishes and usually only costs CPU.",
    message: "runtime.GC() forces a full, blocking collection: the runtime already collects as the heap grows",
    fix: Some("Remove the call and tune GOGC or GOMEMLIMIT (runtime/debug.SetGCPercent, SetMemoryLimit) instead; to hand memory back to the OS use debug.FreeOSMemory."),
    bad: "for _, batch := range batches {\n\tprocess(batch)\n\truntime.GC()\n}",
    good: "debug.SetMemoryLimit(limit)\nfor _, batch := range batches {\n\tprocess(batch)\n}",
    use_instead: Some("A memory limit, `debug.SetMemoryLimit` or `GOMEMLIMIT` (Go 1.19), instead of forcing collections."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "`runtime.GC()` under a debug or test flag, or in a benchmark harness clearing garbage before timing, is reported.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/runtime#GC",
        "https://go.dev/doc/gc-guide",
        "https://pkg.go.dev/runtime/debug#SetMemoryLimit",
    ],
    query: include_str!("../../queries/explicit-gc.scm"),
    check,
};

/// Calls (by their last name) that report on the heap: a collection
/// before them makes the report exact, which is what their documentation
/// advises.
const HEAP_REPORTS: [&str; 5] = [
    "ReadMemStats",
    "ReadGCStats",
    "WriteHeapProfile",
    "MemProfile",
    "WriteHeapDump",
];

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(call) = m.node("report") else {
        return;
    };
    if ctx.options.test_file || m.node("args").is_some_and(|a| a.named_child_count() > 0) {
        return;
    }
    let body = ctx
        .facts
        .parents()
        .enclosing_function(call)
        .and_then(syntax::function_body);
    if !body.is_some_and(|b| measures_heap(b, ctx.src)) {
        out.push(Finding::new(&RULE, call.byte_range()));
    }
}

/// Whether function body `body` reads heap statistics or writes a heap
/// profile (`runtime.ReadMemStats`, `pprof.WriteHeapProfile`, a profile
/// named "heap" or "allocs").
fn measures_heap(body: Node<'_>, src: &str) -> bool {
    syntax::same_function_descendants(body)
        .into_iter()
        .any(|n| match n.kind() {
            "call_expression" => syntax::callee(n, src)
                .is_some_and(|c| HEAP_REPORTS.contains(&c.rsplit('.').next().unwrap_or(c))),
            "interpreted_string_literal" => {
                matches!(syntax::text(n, src), "\"heap\"" | "\"allocs\"")
            }
            _ => false,
        })
}
