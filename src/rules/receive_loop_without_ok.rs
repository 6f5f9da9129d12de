//! `receive-loop-without-ok`: `for { v := <-ch … }` with no `, ok` check and
//! no way out of the loop: once `ch` is closed it spins on zero values.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, text, Parents};
use crate::analysis::{flow, Ctx, Edit, Finding, Fix, Match};
use tree_sitter::Node;

/// A receive from a closed channel returns at once, forever.
pub const RULE: Rule = Rule {
    slug: "receive-loop-without-ok",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "what-issues-can-arise-with-a-closed-channel",
    topic: Some("Immediate Return on Receive"),
    summary: "A single-value receive in an endless loop that has no `, ok` check and no way out",
    why: "A receive from a closed channel returns the zero value at once, so after the sender closes the channel this loop spins forever, handling zero values at full CPU.",
    message: "receive without `, ok` in a loop nothing leaves: once the channel is closed this spins on zero values",
    fix: Some("Range over the channel (`for v := range ch`), which ends when it is closed, or use `v, ok := <-ch` and leave the loop when `ok` is false."),
    bad: "func worker(jobs <-chan string) {\n\tfor {\n\t\tjob := <-jobs // after close(jobs): \"\" at once, forever\n\t\tprocess(job)\n\t}\n}",
    good: "func worker(jobs <-chan string) {\n\tfor job := range jobs {\n\t\tprocess(job)\n\t}\n}",
    use_instead: None,
    fix_safety: "The quick fix rewrites the loop as `for v := range ch` and deletes the receive. The loop then ends when the channel is closed instead of spinning on zero values. Before Go 1.22 a range variable is shared by all iterations, so when a func literal in the body captures it the fix is not marked preferred.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Receive_operator",
        "https://go.dev/ref/spec#For_range",
    ],
    query: include_str!("../../queries/receive-loop-without-ok.scm"),
    check,
};

/// Whether a channel expression names a channel that may be closed: a
/// variable or field, but not a timer's or ticker's `.C` (never closed).
fn closable(channel: Node<'_>, src: &str) -> bool {
    match channel.kind() {
        "identifier" => true,
        "selector_expression" => channel.field("field").is_some_and(|f| text(f, src) != "C"),
        _ => false,
    }
}

/// Whether the channel may get closed: it is a parameter of an enclosing
/// function (its owner, the caller, may close it), or the file closes a
/// channel of that name. A package's or struct's channel that nothing in the
/// file closes is taken to live forever, and a loop over it to be a daemon.
fn may_be_closed<'t>(up: &Parents<'t>, channel: Node<'t>, src: &str) -> bool {
    let name = text(channel, src);
    let last = |s: &str| s.rsplit('.').next().unwrap_or(s).trim().to_string();
    let mut root = channel;
    for anc in up.ancestors(channel) {
        let is_param = channel.kind() == "identifier"
            && syntax::is_function(anc)
            && anc.field("parameters").is_some_and(|p| {
                syntax::descendants(p)
                    .iter()
                    .any(|n| n.kind() == "identifier" && text(*n, src) == name)
            });
        if is_param {
            return true;
        }
        root = anc;
    }
    let wanted = last(name);
    syntax::descendants(root).into_iter().any(|n| {
        syntax::is_call_to(n, src, "close")
            && syntax::call_args(n)
                .first()
                .is_some_and(|a| last(text(*a, src)) == wanted)
    })
}

/// `for v := range ch { … }` replacing `for { v := <-ch; … }` when the
/// receive is the loop body's first statement.
fn range_fix(
    ctx: &Ctx<'_>,
    stmt: Node<'_>,
    loop_: Node<'_>,
    name: &str,
    channel: &str,
) -> Option<Fix> {
    let body = loop_.field("body")?;
    let first = flow::statements(body).into_iter().next()?;
    let op = match stmt.kind() {
        "short_var_declaration" => ":=",
        "assignment_statement" if stmt.field("operator").is_some_and(|o| o.kind() == "=") => "=",
        _ => return None,
    };
    if first != stmt {
        return None;
    }
    // Before Go 1.22 a range variable is shared by all iterations, unlike the
    // fresh `v :=` of each iteration: only safe when nothing captures it.
    let captured = syntax::descendants(body)
        .iter()
        .any(|n| n.kind() == "func_literal");
    Some(Fix {
        title: format!("Use `for {name} {op} range {channel}`"),
        edits: vec![
            Edit {
                range: loop_.start_byte()..body.start_byte(),
                text: format!("for {name} {op} range {channel} "),
            },
            Edit::delete_statement(stmt, ctx.src),
        ],
        preferred: !(captured && ctx.go_before(22)),
    })
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(stmt), Some(receive)) = (m.node("report"), m.node("receive")) else {
        return;
    };
    let Some(channel) = flow::received(receive).map(syntax::unparen) else {
        return;
    };
    let Some(var) = stmt.field("left").and_then(|l| l.named_child(0)) else {
        return;
    };
    let name = ctx.text(var);
    if name == "_" || !closable(channel, ctx.src) {
        return;
    }
    let Some(loop_) = flow::enclosing_loop(ctx.facts.parents(), stmt) else {
        return;
    };
    if !flow::is_infinite(loop_) || flow::has_exit(ctx.facts.parents(), loop_, ctx.src) {
        return;
    }
    // A channel replaced inside the loop (e.g. set to nil once drained) is
    // managed by hand.
    let chan_text = ctx.text(channel);
    if flow::assigned_in(
        chan_text,
        loop_,
        loop_.start_byte(),
        loop_.end_byte(),
        ctx.src,
    ) {
        return;
    }
    if !may_be_closed(ctx.facts.parents(), channel, ctx.src) {
        return;
    }
    let mut finding = Finding::new(&RULE, receive.byte_range())
        .message(format!(
            "receive from {chan_text} without `, ok` in a loop nothing leaves: once {chan_text} is closed this spins on zero values; use `for {name} := range {chan_text}`"
        ))
        .related(loop_.byte_range(), "the endless loop");
    if stmt.kind() != "receive_statement" {
        if let Some(fix) = range_fix(ctx, stmt, loop_, name, chan_text) {
            finding = finding.fix(fix);
        }
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analyzer, Options};

    #[test]
    fn the_fix_ranges_over_the_channel() {
        let src = "package p\n\nfunc worker(jobs chan int) {\n\tfor {\n\t\tjob := <-jobs\n\t\tprintln(job)\n\t}\n}\n";
        let found = Analyzer::new()
            .analyze(src.as_bytes(), &Options::default())
            .unwrap_or_default();
        let Some(finding) = found
            .iter()
            .find(|f| f.rule.slug == "receive-loop-without-ok")
        else {
            panic!("no finding in {found:?}");
        };
        assert!(finding.message.contains("for job := range jobs"));
        let Some(fix) = finding.fix.clone() else {
            panic!("no fix for {finding:?}");
        };
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut fixed = src.to_string();
        for edit in edits {
            fixed.replace_range(edit.range.clone(), &edit.text);
        }
        assert_eq!(fixed, "package p\n\nfunc worker(jobs chan int) {\n\tfor job := range jobs {\n\t\tprintln(job)\n\t}\n}\n");
    }
}
