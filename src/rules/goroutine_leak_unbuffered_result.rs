//! `goroutine-leak-unbuffered-result`: a goroutine sends its result on an
//! unbuffered channel whose only receiver is a select that may give up; the
//! sender then blocks forever.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, text, Walk};
use crate::analysis::{flow, Ctx, Edit, Finding, Fix, Match};
use std::collections::HashSet;
use tree_sitter::Node;

/// A send nobody receives blocks its goroutine forever.
pub const RULE: Rule = Rule {
    slug: "goroutine-leak-unbuffered-result",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "explain-the-concept-of-goroutine-leaks-and-how-to-avoid-them",
    topic: Some("Properly handle and close channels"),
    summary: "A goroutine sends its result on an unbuffered channel whose receiver is a select that can time out or be cancelled",
    why: "When the select gives up (a timeout, a timer or ctx.Done()), nobody ever receives from the unbuffered channel, so the goroutine blocks on its send forever and leaks with everything it references.",
    message: "this send can block forever: the channel is unbuffered and its receiver, a select, may give up first",
    fix: Some("Give the channel a buffer of one slot per sender (`make(chan T, 1)`) so the send always completes, or make the goroutine's send a select that also watches ctx.Done()."),
    bad: "ch := make(chan result)\ngo func() { ch <- fetch() }()\nselect {\ncase r := <-ch:\n\treturn r, nil\ncase <-time.After(time.Second):\n\treturn result{}, errTimeout\n}",
    good: "ch := make(chan result, 1)\ngo func() { ch <- fetch() }()\nselect {\ncase r := <-ch:\n\treturn r, nil\ncase <-time.After(time.Second):\n\treturn result{}, errTimeout\n}",
    use_instead: None,
    fix_safety: "The quick fix (preferred) gives the channel a buffer of one, so the goroutine's send completes even when nobody receives any more; the value is then dropped with the channel.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/blog/pipelines",
        "https://go.dev/ref/spec#Select_statements",
        "https://pkg.go.dev/context",
    ],
    query: include_str!("../../queries/goroutine-leak-unbuffered-result.scm"),
    check,
};

/// The name the enclosing function knows a channel named `inner` inside the
/// goroutine literal by: itself, or the argument bound to that parameter.
/// `None` when the literal declares its own `inner`.
fn outer_name<'s>(lit: Node<'_>, inner: &'s str, src: &'s str) -> Option<&'s str> {
    let call = lit.parent()?;
    let params = lit.field("parameters")?;
    let mut c = params.walk();
    let mut index = 0;
    for decl in params.named_children(&mut c) {
        let mut c2 = decl.walk();
        for name in decl.fields("name", &mut c2) {
            if text(name, src) == inner {
                let arg = *syntax::call_args(call).get(index)?;
                return (arg.kind() == "identifier").then(|| text(arg, src));
            }
            index += 1;
        }
    }
    let body = lit.field("body")?;
    (!flow::assigned_in(inner, body, body.start_byte(), body.end_byte(), src)).then_some(inner)
}

/// The value assigned to `name` by an assignment, `:=` or `var` spec, and
/// the identifier assigned.
fn assigned_value<'t>(stmt: Node<'t>, name: &str, src: &str) -> Option<(Node<'t>, Node<'t>)> {
    let (left, right): (Vec<Node<'t>>, Node<'t>) = match stmt.kind() {
        "short_var_declaration" | "assignment_statement" => {
            let l = stmt.field("left")?;
            let mut c = l.walk();
            (l.named_children(&mut c).collect(), stmt.field("right")?)
        }
        "var_spec" => {
            let mut c = stmt.walk();
            (stmt.fields("name", &mut c).collect(), stmt.field("value")?)
        }
        _ => return None,
    };
    let k = left.iter().position(|n| text(*n, src) == name)?;
    let mut c = right.walk();
    let value = right.named_children(&mut c).nth(k)?;
    Some((value, left[k]))
}

/// Whether `value` is `make(chan T)` or `make(chan T, 0)`.
fn is_unbuffered_make(value: Node<'_>, src: &str) -> bool {
    let args = syntax::call_args(value);
    syntax::is_call_to(value, src, "make")
        && args.first().is_some_and(|t| t.kind() == "channel_type")
        && (args.len() == 1 || (args.len() == 2 && text(args[1], src) == "0"))
}

/// Whether a select case gives up waiting: it receives from `time.After`,
/// `time.Tick`, a timer's `.C`, a `Done()` channel, or a channel named as a
/// stop signal (`<-stop`, `<-s.quit`).
fn gives_up(case: Node<'_>, src: &str) -> bool {
    let Some(operand) = receive_operand(case) else {
        return false;
    };
    match operand.kind() {
        "call_expression" => syntax::callee(operand, src).is_some_and(|name| {
            name == "time.After"
                || name == "time.Tick"
                || name.ends_with(".Done")
                || name.ends_with(".After")
        }),
        "selector_expression" => operand.field("field").is_some_and(|f| {
            let field = text(f, src);
            field == "C" || is_stop_signal(field)
        }),
        "identifier" => is_stop_signal(text(operand, src)),
        _ => false,
    }
}

/// Whether a channel's name says it signals the receiver to stop waiting
/// (`stop`, `quit`, `done`, `closing`, `shutdownCh`, `exitc`…): a case
/// receiving from it gives up as `ctx.Done()` does.
fn is_stop_signal(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "stop", "quit", "done", "closing", "closed", "shutdown", "exit", "cancel", "abort",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// The channel a select case receives from.
fn receive_operand(case: Node<'_>) -> Option<Node<'_>> {
    let comm = case.field("communication")?;
    let expr = match comm.kind() {
        "receive_statement" => comm.field("right")?,
        "expression_statement" => comm.named_child(0)?,
        _ => comm,
    };
    flow::received(expr).map(syntax::unparen)
}

/// The cases of a select.
fn cases(select: Node<'_>) -> Vec<Node<'_>> {
    let mut c = select.walk();
    select
        .named_children(&mut c)
        .filter(|n| matches!(n.kind(), "communication_case" | "default_case"))
        .collect()
}

/// Whether a select case ends the program or, in a test, fails the test:
/// then a blocked sender no longer matters.
fn fails(case: Node<'_>, ctx: &Ctx<'_>) -> bool {
    syntax::descendants(case).into_iter().any(|n| {
        syntax::callee(n, ctx.src).is_some_and(|name| {
            let method = name.rsplit_once('.').map(|(_, m)| m);
            matches!(
                name,
                "panic"
                    | "os.Exit"
                    | "log.Fatal"
                    | "log.Fatalf"
                    | "log.Fatalln"
                    | "log.Panic"
                    | "log.Panicf"
            ) || (ctx.options.test_file
                && name != "fmt.Errorf"
                && matches!(
                    method,
                    Some("Fatal" | "Fatalf" | "Error" | "Errorf" | "FailNow")
                ))
        })
    })
}

/// A select after `from` in `body` that receives from `channel` in one case
/// and gives up in another (a default, or a timeout or cancellation that
/// leaves the loop the select is in, without failing): those two cases.
fn abandoning_select<'t>(
    body: Node<'t>,
    channel: &str,
    from: usize,
    ctx: &Ctx<'t>,
) -> Option<(Node<'t>, Node<'t>)> {
    syntax::same_function_descendants(body)
        .into_iter()
        .filter(|n| n.kind() == "select_statement" && n.start_byte() >= from)
        .find_map(|select| {
            let cases = cases(select);
            let receive = cases
                .iter()
                .copied()
                .find(|c| receive_operand(*c).is_some_and(|o| text(o, ctx.src) == channel))?;
            let in_loop = flow::enclosing_loop(ctx.facts.parents(), select);
            let give_up = cases.iter().copied().find(|&c| {
                c != receive
                    && (c.kind() == "default_case" || gives_up(c, ctx.src))
                    && in_loop.is_none_or(|l| flow::leaves(ctx.facts.parents(), c, l, ctx.src))
                    && !fails(c, ctx)
            })?;
            Some((receive, give_up))
        })
}

/// Whether a send sits in a select that offers another way on (a receive
/// case such as ctx.Done(), or a default).
fn guarded(send: Node<'_>) -> bool {
    let Some(case) = send.parent().filter(|p| p.kind() == "communication_case") else {
        return false;
    };
    case.parent().is_some_and(|select| {
        cases(select)
            .iter()
            .any(|c| *c != case && (c.kind() == "default_case" || receive_operand(*c).is_some()))
    })
}

/// The sends on `inner` in the goroutine's own body (not nested literals).
fn sends_on<'t>(lit: Node<'t>, inner: &str, src: &str) -> Vec<Node<'t>> {
    let Some(body) = lit.field("body") else {
        return Vec::new();
    };
    syntax::same_function_descendants(body)
        .into_iter()
        .filter(|n| {
            n.kind() == "send_statement"
                && n.field("channel").is_some_and(|c| text(c, src) == inner)
        })
        .collect()
}

/// The byte ranges of the func literals that `go` statements in `body`
/// start.
fn goroutine_literals(body: Node<'_>) -> Vec<std::ops::Range<usize>> {
    syntax::descendants(body)
        .into_iter()
        .filter(|n| n.kind() == "go_statement")
        .filter_map(|g| g.named_child(0)?.field("function"))
        .filter(|f| f.kind() == "func_literal")
        .map(|f| f.byte_range())
        .collect()
}

/// Whether every use of `channel` in `body`, outside the goroutine literal
/// `lit`, is one of `allowed` or a send from another goroutine literal;
/// `senders` counts those other sends.
fn only_known_uses(
    body: Node<'_>,
    lit: Node<'_>,
    channel: &str,
    allowed: &HashSet<usize>,
    senders: &mut usize,
    src: &str,
) -> bool {
    let goroutines = goroutine_literals(body);
    let mut ok = true;
    syntax::walk(body, |n| {
        if n == lit {
            return Walk::Skip;
        }
        if n.kind() == "send_statement"
            && n.field("channel").is_some_and(|c| text(c, src) == channel)
            && goroutines.iter().any(|r| r.contains(&n.start_byte()))
        {
            *senders += 1;
            return Walk::Skip;
        }
        if n.kind() == "identifier" && text(n, src) == channel && !allowed.contains(&n.start_byte())
        {
            ok = false;
            return Walk::Stop;
        }
        Walk::Enter
    });
    ok
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(go), Some(lit)) = (m.node("report"), m.node("lit")) else {
        return;
    };
    let mut inners: Vec<&str> = sends_on_any(lit, ctx.src);
    if inners.is_empty() {
        return;
    }
    inners.sort_unstable();
    inners.dedup();
    let Some(body) = ctx
        .facts
        .parents()
        .enclosing_function(go)
        .and_then(syntax::function_body)
    else {
        return;
    };
    for inner in inners {
        let Some(outer) = outer_name(lit, inner, ctx.src) else {
            continue;
        };
        // The channel's latest assignment before the goroutine starts.
        let Some((value, decl)) = syntax::same_function_descendants(body)
            .into_iter()
            .filter(|n| n.end_byte() <= go.start_byte())
            .filter_map(|n| assigned_value(n, outer, ctx.src))
            .next_back()
        else {
            continue;
        };
        if !is_unbuffered_make(value, ctx.src) {
            continue;
        }
        let Some((receive, give_up)) = abandoning_select(body, outer, go.end_byte(), ctx) else {
            continue;
        };
        let mut allowed: HashSet<usize> = HashSet::from([decl.start_byte()]);
        allowed.extend(receive_operand(receive).map(|o| o.start_byte()));
        if let Some(call) = lit.parent() {
            allowed.extend(
                syntax::call_args(call)
                    .iter()
                    .filter(|a| text(**a, ctx.src) == outer)
                    .map(|a| a.start_byte()),
            );
        }
        let mut other_senders = 0;
        if !only_known_uses(body, lit, outer, &allowed, &mut other_senders, ctx.src) {
            continue;
        }
        let sends: Vec<Node<'_>> = sends_on(lit, inner, ctx.src)
            .into_iter()
            .filter(|s| !guarded(*s))
            .collect();
        let single = matches!(sends.as_slice(), [only] if other_senders == 0
            && flow::enclosing_loop(ctx.facts.parents(), go).is_none()
            && flow::enclosing_loop(ctx.facts.parents(), *only).is_none());
        let why = if give_up.kind() == "default_case" {
            "the receiver does not wait: its select has a default case"
        } else {
            "the receiver may give up here"
        };
        for send in sends {
            let mut finding = Finding::new(&RULE, send.byte_range())
                .message(format!(
                    "this send on unbuffered {outer} blocks forever if the select receiving it gives up first (a goroutine leak); make it `make(chan T, 1)`"
                ))
                .related(give_up.byte_range(), why)
                .related(value.byte_range(), "unbuffered channel made here");
            if let Some(fix) = capacity_fix(value, outer).filter(|_| single) {
                finding = finding.fix(fix);
            }
            out.push(finding);
        }
    }
}

/// The channel names the goroutine literal sends on.
fn sends_on_any<'s>(lit: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let Some(body) = lit.field("body") else {
        return Vec::new();
    };
    syntax::same_function_descendants(body)
        .into_iter()
        .filter(|n| n.kind() == "send_statement")
        .filter_map(|n| n.field("channel"))
        .filter(|c| c.kind() == "identifier")
        .map(|c| text(c, src))
        .collect()
}

/// Gives the `make(chan T)` call a buffer of one.
fn capacity_fix(make: Node<'_>, name: &str) -> Option<Fix> {
    let edit = match syntax::call_args(make).as_slice() {
        [_, size] => Edit {
            range: size.byte_range(),
            text: "1".to_string(),
        },
        [ty] => Edit {
            range: ty.end_byte()..ty.end_byte(),
            text: ", 1".to_string(),
        },
        _ => return None,
    };
    Some(Fix {
        title: format!("Give {name} a buffer of 1 so the send never blocks"),
        edits: vec![edit],
        preferred: true,
    })
}
