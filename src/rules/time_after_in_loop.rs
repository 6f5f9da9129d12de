//! `time-after-in-loop`: `case <-time.After(d):` in a select inside a loop
//! makes a new timer on every iteration and restarts the timeout.

use super::{Rule, Severity};
use crate::analysis::{flow, Ctx, Finding, Match};
use tree_sitter::Node;

/// A timer per iteration; before Go 1.23 each also lives until it fires.
pub const RULE: Rule = Rule {
    slug: "time-after-in-loop",
    severity: Severity::Info,
    group: super::Group::Performance,
    question: "how-does-go-utilize-channels-for-communication",
    topic: Some("Timeouts"),
    summary: "`time.After` as a select case inside a loop: a new timer every iteration and a timeout that restarts",
    why: "The select evaluates time.After anew each time round the loop, so the timeout restarts whenever another case fires and every iteration allocates a timer; before Go 1.23 each of those timers stays in memory until it fires.",
    message: "time.After in a select inside a loop creates a new timer on every iteration and restarts the timeout",
    fix: Some("Create one timer before the loop (`t := time.NewTimer(d)`, `defer t.Stop()`) and select on `t.C`; for an idle timeout, `t.Reset(d)` after each other case. For an overall deadline, put it on a context with context.WithTimeout."),
    bad: "for {\n\tselect {\n\tcase msg := <-in:\n\t\thandle(msg)\n\tcase <-time.After(time.Minute):\n\t\treturn errIdle\n\t}\n}",
    good: "idle := time.NewTimer(time.Minute)\ndefer idle.Stop()\nfor {\n\tselect {\n\tcase msg := <-in:\n\t\thandle(msg)\n\t\tidle.Reset(time.Minute) // Go 1.23+: no stale expiry survives Reset\n\tcase <-idle.C:\n\t\treturn errIdle\n\t}\n}",
    use_instead: Some("One `time.NewTimer` reused with `Timer.Reset`; from Go 1.23 an unstopped timer is collected once unreferenced, and Reset never leaves a stale value in its channel."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "A per-iteration timeout by design (each step gets its own time) is reported, although restarting is the point.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/time#After",
        "https://pkg.go.dev/time#NewTimer",
        "https://pkg.go.dev/time#Timer.Reset",
    ],
    query: include_str!("../../queries/time-after-in-loop.scm"),
    check,
};

/// Whether every case of a select ends its path (return, panic, …), so the
/// loop around it runs it at most once.
fn always_leaves(select: Node<'_>, src: &str) -> bool {
    let mut c = select.walk();
    let leaves = select
        .named_children(&mut c)
        .filter(|n| matches!(n.kind(), "communication_case" | "default_case"))
        .all(|case| {
            let mut c2 = case.walk();
            let body = case
                .named_children(&mut c2)
                .find(|n| n.kind() == "statement_list");
            body.and_then(|b| flow::statements(b).pop())
                .is_some_and(|last| flow::is_terminator(last, src))
        });
    leaves
}

/// Whether `case`, the select case of the `time.After` call, is a
/// cancellable sleep: it does nothing but wait, and another case of the
/// select ends the path (`case <-stop: return`). The timer then always fires
/// or the loop ends, so no timeout restarts.
fn cancellable_sleep(select: Node<'_>, case: Node<'_>, src: &str) -> bool {
    fn statements(c: Node<'_>) -> Vec<Node<'_>> {
        let mut cur = c.walk();
        let list = c
            .named_children(&mut cur)
            .find(|n| n.kind() == "statement_list");
        list.map(flow::statements).unwrap_or_default()
    }
    if !statements(case).is_empty() {
        return false;
    }
    let mut c = select.walk();
    let exits = select
        .named_children(&mut c)
        .filter(|n| n.kind() == "communication_case" && *n != case)
        .any(|other| {
            statements(other)
                .pop()
                .is_some_and(|last| flow::is_terminator(last, src))
        });
    exits
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(call) = m.node("report") else {
        return;
    };
    let Some(select) = ctx
        .facts
        .parents()
        .ancestors(call)
        .find(|n| n.kind() == "select_statement")
    else {
        return;
    };
    let Some(loop_) = flow::enclosing_loop(ctx.facts.parents(), select) else {
        return;
    };
    let case = ctx
        .facts
        .parents()
        .ancestors(call)
        .find(|n| n.kind() == "communication_case");
    if always_leaves(select, ctx.src)
        || flow::leaves_loop_after(ctx.facts.parents(), select, loop_, ctx.src)
        || case.is_some_and(|c| cancellable_sleep(select, c, ctx.src))
    {
        return;
    }
    let leak = match ctx.go_version {
        Some(v) if ctx.go_before(23) => format!(
            "with Go {v} (before 1.23) each of those timers also stays in memory until it fires"
        ),
        Some(v) => format!("with Go {v} unfired timers are collected, so only the restarting timeout and the allocation remain"),
        None => "assuming the newest Go (1.23+), unfired timers are collected, so only the restarting timeout and the allocation remain".to_string(),
    };
    out.push(
        Finding::new(&RULE, call.byte_range())
            .message(format!("{}; {leak}", RULE.message))
            .related(loop_.byte_range(), "the loop"),
    );
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analyzer, GoVersion, Options};

    const SRC: &str = "package p\n\nimport \"time\"\n\nfunc f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(time.Second):\n\t\t}\n\t}\n}\n";

    fn message(go: Option<&str>) -> String {
        let options = Options {
            go_version: go.and_then(GoVersion::parse),
            ..Options::default()
        };
        let found = Analyzer::new()
            .analyze(SRC.as_bytes(), &options)
            .unwrap_or_default();
        found
            .into_iter()
            .find(|f| f.rule.slug == "time-after-in-loop")
            .map(|f| f.message)
            .unwrap_or_default()
    }

    #[test]
    fn says_whether_the_pre_1_23_timer_leak_applies() {
        assert!(message(Some("1.22")).contains("Go 1.22 (before 1.23)"));
        assert!(message(Some("1.23")).contains("with Go 1.23 unfired timers are collected"));
        assert!(message(None).contains("assuming the newest Go"));
    }
}
