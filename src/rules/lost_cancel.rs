//! `lost-cancel`: the cancel function of a derived context discarded, never
//! used, or not called on every path out of the function.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::names::{self, DeclKind};
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Edit, Finding, Fix, Match};
use tree_sitter::Node;

/// A context whose cancel function is lost leaks until its parent is done.
pub const RULE: Rule = Rule {
    slug: "lost-cancel",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "what-is-contextcontext-and-when-would-you-use-it",
    topic: None,
    summary: "The cancel function of context.WithCancel, WithTimeout or WithDeadline discarded, never used, or not called on every path",
    why: "Until its cancel function runs, a derived context (and the timer of WithTimeout/WithDeadline) stays attached to its parent: each lost cancel leaks them until the parent is done.",
    message: "the cancel function of this context is lost: the context leaks until its parent is done",
    fix: Some("Keep the cancel function and call it on every path, usually with `defer cancel()` right after the call."),
    bad: "ctx, _ := context.WithTimeout(ctx, time.Second)\nreturn fetch(ctx)",
    good: "ctx, cancel := context.WithTimeout(ctx, time.Second)\ndefer cancel()\nreturn fetch(ctx)",
    use_instead: Some("In tests, `t.Context()` (Go 1.24) is cancelled when the test ends."),
    fix_safety: "The quick fix inserts `defer cancel()` after the call (and names a discarded `_` cancel). The context is then cancelled when the function returns: code that hands the context to work that outlives the function stops that work early. Marked preferred only outside loops.",
    known_problems: &[
        "A cancel function called by a cleanup registered behind a type assertion that always holds (`if c, ok := t.(interface{ Cleanup(func()) }); ok`) is reported.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Vet, id: "lostcancel", scope: "" },
    ],
    references: &[
        "https://pkg.go.dev/context#WithCancel",
        "https://go.dev/blog/context",
    ],
    query: include_str!("../../queries/lost-cancel.scm"),
    check,
};

/// Where the results of the `With…` call go.
struct Assignment<'t> {
    /// The statement (`:=`, `=`, or the `var` declaration).
    stmt: Node<'t>,
    /// What to report: the assignment, or the `var` spec.
    report: Node<'t>,
    /// The expression receiving the cancel function.
    cancel: Node<'t>,
    /// Whether new names are declared (`:=` or `var`), so `_` can be renamed.
    declares: bool,
}

/// The two-value assignment whose only value is `call`.
fn assignment<'t>(up: &Parents<'t>, call: Node<'t>) -> Option<Assignment<'t>> {
    let values = call.parent().filter(|p| p.kind() == "expression_list")?;
    if values.named_child_count() != 1 {
        return None;
    }
    let holder = values.parent()?;
    let (stmt, names, declares) = match holder.kind() {
        "short_var_declaration" if holder.field("right") == Some(values) => {
            let left = holder.field("left")?;
            let mut c = left.walk();
            (
                holder,
                left.named_children(&mut c).collect::<Vec<_>>(),
                true,
            )
        }
        "assignment_statement" if holder.field("right") == Some(values) => {
            let op = holder.field("operator")?;
            if op.kind() != "=" {
                return None;
            }
            let left = holder.field("left")?;
            let mut c = left.walk();
            (
                holder,
                left.named_children(&mut c).collect::<Vec<_>>(),
                false,
            )
        }
        "var_spec" if holder.field("value") == Some(values) => {
            let decl = up
                .ancestors(holder)
                .find(|n| n.kind() == "var_declaration")?;
            let mut c = holder.walk();
            (
                decl,
                holder.fields("name", &mut c).collect::<Vec<_>>(),
                true,
            )
        }
        _ => return None,
    };
    match names.as_slice() {
        [_, cancel] => Some(Assignment {
            stmt,
            report: holder,
            cancel: syntax::unparen(*cancel),
            declares,
        }),
        _ => None,
    }
}

/// Whether `ident` is only discarded by `_ = ident`, which handles nothing.
fn only_discarded(ident: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let Some(right) = ident.parent().filter(|p| p.kind() == "expression_list") else {
        return false;
    };
    let Some(stmt) = right
        .parent()
        .filter(|s| s.kind() == "assignment_statement")
    else {
        return false;
    };
    if stmt.field("right") != Some(right) {
        return false;
    }
    let left = stmt.field("left");
    left.is_some_and(|l| {
        l.named_child_count() == right.named_child_count()
            && l.named_children(&mut l.walk()).all(|n| ctx.text(n) == "_")
    })
}

/// Whether `func` is `main` of package `main`, where returning ends the
/// program and so releases every context.
fn is_program_main(func: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let named_main = func.kind() == "function_declaration"
        && func.field("name").is_some_and(|n| ctx.text(n) == "main");
    let root = func.parent();
    let package_main = root.is_some_and(|r| {
        let mut c = r.walk();
        let found = r
            .named_children(&mut c)
            .find(|n| n.kind() == "package_clause")
            .is_some_and(|p| ctx.text(p).split_whitespace().nth(1) == Some("main"));
        found
    });
    named_main && package_main
}

/// A name for the cancel function that the function does not use yet.
fn fresh_name(func: Node<'_>, ctx: &Ctx<'_>) -> String {
    let mut taken = std::collections::HashSet::new();
    syntax::walk(func, |n| {
        if n.kind() == "identifier" {
            taken.insert(ctx.text(n));
        }
        syntax::Walk::Enter
    });
    std::iter::once("cancel".to_string())
        .chain((2..).map(|i| format!("cancel{i}")))
        .find(|n| !taken.contains(n.as_str()))
        .unwrap_or_else(|| "cancel".to_string())
}

/// The fix: `defer name()` on a new line after the statement (and the `_`
/// renamed when `rename` is given). Only for statements in a block.
fn defer_fix<'t>(
    a: &Assignment<'t>,
    name: &str,
    rename: Option<Node<'_>>,
    ctx: &Ctx<'t>,
) -> Option<Fix> {
    if a.stmt.parent().is_none_or(|p| p.kind() != "statement_list") {
        return None;
    }
    let bytes = ctx.src.as_bytes();
    let line_start = bytes[..a.stmt.start_byte()]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let indent: String = ctx.src[line_start..a.stmt.start_byte()]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let mut edits = vec![Edit {
        range: a.stmt.end_byte()..a.stmt.end_byte(),
        text: format!("\n{indent}defer {name}()"),
    }];
    if let Some(blank) = rename {
        edits.push(Edit {
            range: blank.byte_range(),
            text: name.to_string(),
        });
    }
    Some(Fix {
        title: format!("Add `defer {name}()`"),
        edits,
        // A defer in a loop only runs when the function returns.
        preferred: flow::enclosing_loop(ctx.facts.parents(), a.stmt).is_none(),
    })
}

/// The name of the marking of a cancel variable's calls.
const CALLS: &str = "lost-cancel calls";

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(call) = m.node("report") else { return };
    let Some(a) = assignment(ctx.facts.parents(), call) else {
        return;
    };
    let Some(func) = ctx.facts.parents().enclosing_function(call) else {
        return;
    };
    let with = call.field("function").map_or("context", |f| ctx.text(f));
    if a.cancel.kind() != "identifier" {
        // Stored in a field, map or slice: handled elsewhere.
        return;
    }
    let name = ctx.text(a.cancel);
    if name == "_" {
        let fresh = fresh_name(func, ctx);
        let mut finding = Finding::new(&RULE, a.report.byte_range()).message(format!(
            "the cancel function returned by {with} is discarded: the context leaks until its parent is done; keep it and `defer {fresh}()`"
        ));
        if let Some(fix) = a
            .declares
            .then(|| defer_fix(&a, &fresh, Some(a.cancel), ctx))
            .flatten()
        {
            finding = finding.fix(fix);
        }
        out.push(finding);
        return;
    }
    let sites = ctx.facts.sites(call);
    let Some(decl) = sites.resolve(a.cancel) else {
        return;
    };
    if matches!(decl.kind, DeclKind::Package | DeclKind::Result) || decl.function() != Some(func) {
        // A package variable, a named result or a variable of an outer
        // function: used beyond what this function shows.
        return;
    }
    let uses = sites.marked_references(&decl, func, CALLS, |r| {
        !names::is_written(ctx.facts.parents(), r) && !only_discarded(r, ctx)
    });
    let start = match a.stmt.parent() {
        Some(p) if p.kind() == "statement_list" => a.stmt,
        Some(p)
            if matches!(
                p.kind(),
                "if_statement" | "expression_switch_statement" | "type_switch_statement"
            ) =>
        {
            p
        }
        _ => return,
    };
    // A function that cannot return after the call (it panics, exits or
    // loops forever) leaks nothing.
    let Some(exit) = sites.unmarked_exit(start, &decl, CALLS) else {
        return;
    };
    let fix = defer_fix(&a, name, None, ctx);
    if uses.is_empty() {
        let mut finding = Finding::new(&RULE, a.report.byte_range()).message(format!(
            "`{name}` (the cancel function of {with}) is never called: the context leaks until its parent is done; add `defer {name}()`"
        ));
        if let Some(fix) = fix {
            finding = finding.fix(fix);
        }
        out.push(finding);
        return;
    }
    if is_program_main(func, ctx) {
        return;
    }
    let (range, what) = if exit.kind() == "return_statement" {
        (
            exit.byte_range(),
            format!("this return is reached without calling {name}"),
        )
    } else {
        (
            exit.end_byte().saturating_sub(1)..exit.end_byte(),
            format!("the function ends here without calling {name}"),
        )
    };
    let mut finding = Finding::new(&RULE, a.report.byte_range())
        .message(format!(
            "`{name}` (the cancel function of {with}) is not called on every path: the context leaks on the path that returns without it; `defer {name}()` right after this line covers them all"
        ))
        .related(range, what);
    if let Some(fix) = fix {
        finding = finding.fix(fix);
    }
    out.push(finding);
}
