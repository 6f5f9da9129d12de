//! `loop-var-capture`: before Go 1.22 a loop has one variable for all its
//! iterations, so a goroutine, deferred func, errgroup goroutine or parallel
//! subtest that uses it may see a later iteration's value.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::names;
use crate::analysis::syntax::{self, text, Parents};
use crate::analysis::{flow, Ctx, Finding, Fix, Match};
use tree_sitter::Node;

/// A closure captures the variable, not its value.
pub const RULE: Rule = Rule {
    slug: "loop-var-capture",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "explain-the-concept-of-function-literals-and-closures-in-go",
    topic: Some("Why Closures Can Access Enclosing Variables"),
    summary: "A goroutine, deferred func, errgroup goroutine or parallel subtest in a loop that uses the loop variable, in Go before 1.22",
    why: "A closure holds a reference to the variable, not a copy of its value, and before Go 1.22 all iterations of a loop share one variable: a closure that runs after its iteration (a goroutine, a deferred call, a parallel subtest) sees a later value, usually the last one.",
    message: "loop variable captured by a func literal that may run after its iteration: before Go 1.22 all iterations share it",
    fix: Some("Copy the variable inside the loop before the closure (`v := v`), pass it as an argument (`go func(v T) { … }(v)`), or move the module to Go 1.22 or later."),
    bad: "for _, v := range items {\n\tgo func() {\n\t\tprocess(v)\n\t}()\n}",
    good: "for _, v := range items {\n\tv := v\n\tgo func() {\n\t\tprocess(v)\n\t}()\n}",
    use_instead: Some("Go 1.22 gives each iteration its own loop variable: raise the `go` line of go.mod to 1.22 or later."),
    fix_safety: "The quick fix (preferred) inserts `v := v` before the statement that starts the closure. Each closure then sees its own iteration's value, which is what Go 1.22 does; it is offered only when nothing later in the block writes the variable.",
    known_problems: &[],
    since: "0.1.0",
    go: "before 1.22",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Vet, id: "loopclosure", scope: "go, defer and errgroup calls only as the last statement of the loop body" },
        crate::analysis::Peer { linter: crate::analysis::Linter::Revive, id: "range-val-in-closure", scope: "" },
    ],
    references: &[
        "https://go.dev/blog/loopvar-preview",
        "https://go.dev/doc/go1.22",
        "https://go.dev/ref/spec#For_statements",
    ],
    query: include_str!("../../queries/loop-var-capture.scm"),
    check,
};

/// How the func literal outlives its iteration.
#[derive(Clone, Copy)]
enum Site {
    /// `go func() { … }()`
    Go,
    /// `defer func() { … }()`
    Defer,
    /// `g.Go(func() error { … })` on an errgroup.
    Group,
    /// `t.Run(name, func(t *testing.T) { t.Parallel(); … })`: uses from
    /// this byte on (after the `Parallel` call).
    Subtest(usize),
}

impl Site {
    /// What runs the literal, for messages ("a goroutine").
    fn what(self) -> &'static str {
        match self {
            Site::Go => "a goroutine",
            Site::Defer => "a deferred func",
            Site::Group => "an errgroup goroutine",
            Site::Subtest(_) => "a parallel subtest",
        }
    }
}

/// The variables a loop changes every iteration: those of its range
/// clause, or those its `for` clause's post statement assigns.
fn loop_vars<'s>(loop_: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let mut c = loop_.walk();
    let Some(header) = loop_
        .named_children(&mut c)
        .find(|n| Some(*n) != loop_.field("body"))
    else {
        return Vec::new();
    };
    let names: Vec<Node<'_>> = match header.kind() {
        "range_clause" => header
            .field("left")
            .map(|l| {
                let mut c = l.walk();
                l.named_children(&mut c).collect()
            })
            .unwrap_or_default(),
        "for_clause" => match header.field("update") {
            Some(u) if matches!(u.kind(), "inc_statement" | "dec_statement") => {
                u.named_child(0).into_iter().collect()
            }
            Some(u) if u.kind() == "assignment_statement" => u
                .field("left")
                .map(|l| {
                    let mut c = l.walk();
                    l.named_children(&mut c).collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    names
        .into_iter()
        .filter(|n| n.kind() == "identifier")
        .map(|n| text(n, src))
        .filter(|n| *n != "_")
        .collect()
}

/// The leftmost identifier of a receiver chain (`g` of `g.a.Go`).
fn base_identifier(mut expr: Node<'_>) -> Option<Node<'_>> {
    loop {
        expr = syntax::unparen(expr);
        match expr.kind() {
            "identifier" => return Some(expr),
            "selector_expression" => expr = expr.field("operand")?,
            _ => return None,
        }
    }
}

/// The end of `P.Parallel()` among the top-level statements of the
/// subtest literal (P its `*testing.T` parameter), after its last label
/// (a jump to a later label could skip the call).
fn parallel_end(lit: Node<'_>, src: &str) -> Option<usize> {
    let params = lit.field("parameters")?;
    let decl = params.named_child(0)?;
    let is_test = decl
        .field("type")
        .is_some_and(|t| text(t, src) == "*testing.T");
    if !is_test {
        return None;
    }
    let param = text(decl.field("name")?, src);
    let stmts = flow::statements(lit.field("body")?);
    let last_label = stmts
        .iter()
        .rposition(|s| s.kind() == "labeled_statement")
        .unwrap_or(0);
    let callee = format!("{param}.Parallel");
    stmts[last_label..].iter().find_map(|&s| {
        let inner = std::iter::successors(Some(s), |n| {
            (n.kind() == "labeled_statement")
                .then(|| n.named_child(1))
                .flatten()
        })
        .last()?;
        (inner.kind() == "expression_statement"
            && inner
                .named_child(0)
                .is_some_and(|c| syntax::is_call_to(c, src, &callee)))
        .then(|| s.end_byte())
    })
}

/// What kind of site `site` is, or `None` when it does not outlive the
/// iteration (a plain method named Go/Run, a serial subtest).
fn classify<'t>(up: &Parents<'t>, site: Node<'t>, lit: Node<'t>, src: &str) -> Option<Site> {
    match site.kind() {
        "go_statement" => return Some(Site::Go),
        "defer_statement" => return Some(Site::Defer),
        _ => {}
    }
    let function = site.field("function")?;
    let receiver = base_identifier(function.field("operand")?)?;
    let declared =
        names::declaration(up, receiver, text(receiver, src), src).map(|d| text(d.site, src))?;
    let args = syntax::call_args(site);
    match text(function.field("field")?, src) {
        "Go" if args.len() == 1 && declared.contains("errgroup") => Some(Site::Group),
        "Run" if args.len() == 2 && args[1] == lit && declared.contains("*testing.T") => {
            parallel_end(lit, src).map(Site::Subtest)
        }
        _ => None,
    }
}

/// A loop around the statement that starts the literal.
struct Enclosing<'t, 's> {
    /// The `for` statement.
    loop_: Node<'t>,
    /// The variables it changes every iteration that the statement can see
    /// (not redeclared between the loop and the statement).
    vars: Vec<&'s str>,
    /// Whether its iteration may wait after the statement (a receive, a
    /// `wg.Wait()`, reading a pipe the goroutine writes, …) before the
    /// variables change.
    waits: bool,
}

/// The loops around `stmt` in its function, innermost first. One walk up;
/// the statements after `stmt` on its path are scanned once, and exclusive
/// branches (the `else` of its `if`, other cases) are not.
fn enclosing_loops<'t, 's>(
    up: &Parents<'t>,
    stmt: Node<'t>,
    src: &'s str,
) -> Vec<Enclosing<'t, 's>> {
    let mut out = Vec::new();
    let mut waits = false;
    let mut hidden: Vec<&'s str> = Vec::new();
    let mut child = stmt;
    for anc in up.ancestors(stmt).take_while(|n| !syntax::is_function(*n)) {
        match anc.kind() {
            "statement_list" | "block" if !waits => {
                let mut c = anc.walk();
                let later: Vec<Node<'t>> = anc
                    .named_children(&mut c)
                    .skip_while(|s| *s != child)
                    .skip(1)
                    .collect();
                waits = later.into_iter().any(|s| flow::may_block(s, src));
            }
            "for_statement" if anc.field("body") == Some(child) => {
                let vars = loop_vars(anc, src)
                    .into_iter()
                    .filter(|v| !hidden.contains(v))
                    .collect();
                out.push(Enclosing {
                    loop_: anc,
                    vars,
                    waits,
                });
            }
            _ => {}
        }
        hidden.extend(
            names::visible(anc, child, stmt)
                .into_iter()
                .map(|d| text(d.ident, src)),
        );
        child = anc;
    }
    out
}

/// Whether `node` writes variable `name` (assigns, declares, increments or
/// takes its address).
fn writes<'t>(up: &Parents<'t>, node: Node<'t>, name: &str, src: &str) -> bool {
    let mut found = false;
    syntax::walk(node, |n| {
        found = n.kind() == "identifier"
            && text(n, src) == name
            && (names::is_written(up, n)
                || up.parent(n).is_some_and(|p| {
                    p.kind() == "var_spec"
                        || p.kind() == "unary_expression"
                            && p.field("operator").is_some_and(|o| text(o, src) == "&")
                }));
        if found {
            syntax::Walk::Stop
        } else {
            syntax::Walk::Enter
        }
    });
    found
}

/// How many statements of a block [`copy_fix`] reads each way: it runs for
/// every capture, so a longer block gets no fix rather than quadratic time.
const MAX_SCANNED: usize = 64;

/// `v := v` before the statement that starts the literal, or earlier in its
/// block where nothing in between writes `v`: every capture in one block
/// then shares one copy, so their fixes apply together. None when the
/// block writes `v` from there on, which would then change the copy
/// instead of the loop's variable.
fn copy_fix<'t>(up: &Parents<'t>, stmt: Node<'t>, name: &str, src: &str) -> Option<Fix> {
    let mut at = stmt;
    for _ in 0..MAX_SCANNED {
        match at.prev_named_sibling() {
            Some(prev) if !writes(up, prev, name, src) => at = prev,
            _ => break,
        }
    }
    let mut rest = Some(at);
    for _ in 0..2 * MAX_SCANNED {
        match rest {
            Some(s) if writes(up, s, name, src) => return None,
            Some(s) => rest = s.next_named_sibling(),
            None => break,
        }
    }
    if rest.is_some() {
        return None;
    }
    let start = at.start_byte();
    let line_start = src[..start].rfind('\n').map_or(0, |p| p + 1);
    let indent = &src[line_start..start];
    let text = if indent.trim().is_empty() {
        format!("{name} := {name}\n{indent}")
    } else {
        format!("{name} := {name}; ")
    };
    Some(Fix::single(
        format!("Copy the loop variable first: `{name} := {name}`"),
        start..start,
        text,
        true,
    ))
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(version) = ctx.go_version.filter(|_| ctx.go_before(22)) else {
        return;
    };
    let (Some(site), Some(lit)) = (m.node("report"), m.node("lit")) else {
        return;
    };
    let (Some(kind), Some(body), Some(stmt)) = (
        classify(ctx.facts.parents(), site, lit, ctx.src),
        lit.field("body"),
        ctx.facts.parents().statement_of(site),
    ) else {
        return;
    };
    let from = match kind {
        Site::Subtest(end) => end,
        _ => body.start_byte(),
    };
    let loops = enclosing_loops(ctx.facts.parents(), stmt, ctx.src);
    let names: Vec<&str> = loops.iter().flat_map(|l| l.vars.iter().copied()).collect();
    if names.is_empty() {
        return;
    }
    let may_wait_for_it = matches!(kind, Site::Go | Site::Group);
    // One fix per variable, however often the literal uses it.
    let mut fixes: Vec<(&str, Option<Fix>)> = Vec::new();
    for use_ in names::free_uses(lit, &names, ctx.src) {
        let name = ctx.text(use_);
        // The innermost loop with a variable of that name owns it.
        let Some(owner) = loops.iter().find(|l| l.vars.contains(&name)) else {
            continue;
        };
        if use_.start_byte() < from || (may_wait_for_it && owner.waits) {
            continue;
        }
        let mut finding = Finding::new(&RULE, use_.byte_range())
            .message(format!(
                "loop variable {name} captured by {what}: assuming Go {version}, before 1.22 every iteration shares one {name}, so the literal may run with a later value; copy it first (`{name} := {name}`)",
                what = kind.what()
            ))
            .related(owner.loop_.byte_range(), "the loop");
        finding.fix = match fixes.iter().find(|(n, _)| *n == name) {
            Some((_, fix)) => fix.clone(),
            None => {
                let fix = copy_fix(ctx.facts.parents(), stmt, name, ctx.src);
                fixes.push((name, fix.clone()));
                fix
            }
        };
        out.push(finding);
    }
}

#[cfg(test)]
mod tests;
