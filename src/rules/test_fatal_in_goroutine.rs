//! `test-fatal-in-goroutine`: `t.Fatal` (or `FailNow`, `Skip`…) called
//! from a goroutine the test started, on the test's own `*testing.T`.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::names::{self, DeclKind};
use crate::analysis::syntax;
use crate::analysis::{Ctx, Finding, Linter, Match, Peer};

/// FailNow ends only the goroutine that calls it: from another goroutine the
/// test goes on, or panics once it has finished.
pub const RULE: Rule = Rule {
    slug: "test-fatal-in-goroutine",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "how-do-you-write-tests-in-go",
    topic: None,
    summary: "t.Fatal, t.FailNow or t.Skip on the test's *testing.T from a goroutine the test started",
    why: "FailNow (behind Fatal, Fatalf, Skip, SkipNow, Skipf) stops a test by ending the goroutine that calls it, so it must be called from the goroutine running the test: from another one it ends only that goroutine, the test goes on as if nothing failed, and once the test has returned the call panics.",
    message: "called from a goroutine the test started: it ends only this goroutine and the test goes on; report with t.Error and return, or send the error back to the test's goroutine",
    fix: Some("Call t.Error/t.Errorf and return from the goroutine, or send the error on a channel and call t.Fatal in the test's own goroutine after receiving it."),
    bad: "func TestWorkers(t *testing.T) {\n\tvar wg sync.WaitGroup\n\tfor _, in := range inputs {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tif err := work(in); err != nil {\n\t\t\t\tt.Fatal(err)\n\t\t\t}\n\t\t}()\n\t}\n\twg.Wait()\n}",
    good: "func TestWorkers(t *testing.T) {\n\tvar wg sync.WaitGroup\n\tfor _, in := range inputs {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tif err := work(in); err != nil {\n\t\t\t\tt.Error(err)\n\t\t\t\treturn\n\t\t\t}\n\t\t}()\n\t}\n\twg.Wait()\n}",
    use_instead: Some("`t.Error` and `return` in the goroutine; `golang.org/x/sync/errgroup` to collect the first error and `t.Fatal` it after `Wait`."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "A helper started as `go helper(t)` that calls `t.Fatal` is not seen: only the calls written in the goroutine's func literal are.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        Peer { linter: Linter::Vet, id: "testinggoroutine", scope: "" },
        Peer { linter: Linter::Staticcheck, id: "SA2002", scope: "" },
    ],
    references: &[
        "https://pkg.go.dev/testing#T.FailNow",
        "https://pkg.go.dev/testing#T",
    ],
    query: include_str!("../../queries/test-fatal-in-goroutine.scm"),
    check,
};

/// The methods that end the calling goroutine with `runtime.Goexit`.
const GOEXIT: [&str; 6] = ["Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"];

/// The parameter types whose value runs a test, benchmark or fuzz target.
const TESTING_TYPES: [&str; 4] = ["*testing.T", "*testing.B", "*testing.F", "testing.TB"];

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(go), Some(lit)) = (m.node("report"), m.node("lit")) else {
        return;
    };
    for call in syntax::descendants(lit) {
        if call.kind() != "call_expression" {
            continue;
        }
        let Some(callee) = call
            .field("function")
            .filter(|f| f.kind() == "selector_expression")
        else {
            continue;
        };
        let (Some(recv), Some(method)) = (callee.field("operand"), callee.field("field")) else {
            continue;
        };
        if recv.kind() != "identifier" || !GOEXIT.contains(&ctx.text(method)) {
            continue;
        }
        let up = ctx.facts.parents();
        let decl = names::declaration(up, recv, ctx.text(recv), ctx.src);
        // A parameter, and the function that takes it.
        let param = decl
            .filter(|d| d.kind == DeclKind::Param)
            .and_then(|d| Some((d, up.parent(up.parent(d.site)?)?)));
        let Some((param, func)) = param else {
            continue;
        };
        // The goroutine's own parameter (`go func(t *testing.T) {…}(t)`) is
        // the test's value handed over; a parameter of a function around
        // `go` is the test's. A func literal inside the goroutine that takes
        // its own `t` (a subtest's `func(t *testing.T)`) runs on the
        // goroutine that value belongs to.
        let testing = param.declared_type().is_some_and(|ty| {
            let ty: String = ctx.text(ty).split_whitespace().collect();
            TESTING_TYPES.contains(&ty.as_str())
        });
        if !testing || (func != lit && !syntax::inside(func, go)) {
            continue;
        }
        out.push(Finding::new(&RULE, callee.byte_range()).message(format!(
            "`{}` {}",
            ctx.text(callee),
            RULE.message
        )));
    }
}
