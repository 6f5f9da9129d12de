//! `test-fatal-in-goroutine`: `t.Fatal` (or `FailNow`, `Skip`…) called
//! from a goroutine the test started, on the test's own `*testing.T`.

use super::{Rule, Severity};
use crate::analysis::syntax::{self, Parents};
use crate::analysis::{Ctx, Finding, Linter, Match, Peer};
use tree_sitter::Node;

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
            .child_by_field_name("function")
            .filter(|f| f.kind() == "selector_expression")
        else {
            continue;
        };
        let (Some(recv), Some(method)) = (
            callee.child_by_field_name("operand"),
            callee.child_by_field_name("field"),
        ) else {
            continue;
        };
        if recv.kind() != "identifier" || !GOEXIT.contains(&ctx.text(method)) {
            continue;
        }
        let name = ctx.text(recv);
        // A func literal inside the goroutine that takes its own `t` (a
        // subtest's `func(t *testing.T)`) runs on the goroutine that value
        // belongs to.
        let up = ctx.facts.parents();
        let shadowed = up
            .ancestors(call)
            .take_while(|n| *n != lit)
            .any(|n| n.kind() == "func_literal" && declares(n, name, ctx.src).is_some());
        // The goroutine's own parameter (`go func(t *testing.T) {…}(t)`) is
        // the test's value handed over; otherwise the name is the test's.
        let testing = match declares(lit, name, ctx.src) {
            Some(ty) => TESTING_TYPES.contains(&ty.as_str()),
            None => runs_the_test(up, go, name, ctx.src),
        };
        if shadowed || !testing {
            continue;
        }
        out.push(Finding::new(&RULE, callee.byte_range()).message(format!(
            "`{}` {}",
            ctx.text(callee),
            RULE.message
        )));
    }
}

/// Whether `name`, used in a goroutine started by `go`, is a parameter of
/// testing type of a function around `go`.
fn runs_the_test<'t>(up: &Parents<'t>, go: Node<'t>, name: &str, src: &str) -> bool {
    up.ancestors(go)
        .filter(|n| syntax::is_function(*n))
        .find_map(|f| declares(f, name, src))
        .is_some_and(|ty| TESTING_TYPES.contains(&ty.as_str()))
}

/// The type (spaces removed) of the parameter `name` of function `func`.
fn declares(func: Node<'_>, name: &str, src: &str) -> Option<String> {
    let params = func.child_by_field_name("parameters")?;
    let mut c = params.walk();
    let found = params.named_children(&mut c).find(|p| {
        let mut pc = p.walk();
        p.kind() == "parameter_declaration"
            && p.children_by_field_name("name", &mut pc)
                .any(|n| syntax::text(n, src) == name)
    })?;
    let ty = found.child_by_field_name("type")?;
    Some(syntax::text(ty, src).split_whitespace().collect())
}
