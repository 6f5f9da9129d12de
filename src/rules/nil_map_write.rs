//! `nil-map-write`: writing to a map that was declared with `var` and never
//! made.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::names::{self, DeclKind};
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Fix, Match};
use tree_sitter::Node;

/// A write to a nil map panics.
pub const RULE: Rule = Rule {
    slug: "nil-map-write",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "how-do-you-create-a-map-in-go",
    topic: None,
    summary: "A write to a map declared `var m map[K]V` before anything made it (make or a literal)",
    why: "The zero value of a map is nil: reading it works, but `m[k] = v` on a nil map panics with \"assignment to entry in nil map\".",
    message: "write to a nil map: this map was declared with `var` and never made, so the write panics",
    fix: Some("Create the map before writing: `m := make(map[K]V)` or a map literal."),
    bad: "var counts map[string]int\nfor _, w := range words {\n\tcounts[w]++\n}",
    good: "counts := make(map[string]int)\nfor _, w := range words {\n\tcounts[w]++\n}",
    use_instead: None,
    fix_safety: "The quick fix (preferred; for a single-name `var m map[K]V`) makes the map where it is declared: `var m = make(map[K]V)`. The write then succeeds instead of panicking; code that tested `m == nil` sees a non-nil map.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Staticcheck, id: "SA5000", scope: "" },
    ],
    references: &[
        "https://go.dev/ref/spec#Map_types",
        "https://go.dev/blog/maps",
    ],
    query: include_str!("../../queries/nil-map-write.scm"),
    check,
};

/// How an identifier naming the map is used.
enum Use {
    /// `m[k] = v`, `m[k] op= v`, `m[k]++`: a write to an entry.
    EntryWrite,
    /// `m = …`, `m, ok = …`, `&m`: may give the map a value.
    Assign,
    /// Anything else (reads, `len(m)`, `delete(m, k)`).
    Read,
}

/// Classifies a reference to the map variable.
fn classify<'t>(ident: Node<'t>, ctx: &Ctx<'t>) -> Use {
    let up = ctx.facts.parents();
    let mut node = ident;
    while let Some(p) = up
        .parent(node)
        .filter(|p| p.kind() == "parenthesized_expression")
    {
        node = p;
    }
    if names::is_written(up, node) {
        return Use::Assign;
    }
    let Some(parent) = up.parent(node) else {
        return Use::Read;
    };
    match parent.kind() {
        "unary_expression" if parent.field("operator").is_some_and(|o| ctx.text(o) == "&") => {
            Use::Assign
        }
        "index_expression" if parent.field("operand") == Some(node) => {
            let mut entry = parent;
            while let Some(p) = up
                .parent(entry)
                .filter(|p| p.kind() == "parenthesized_expression")
            {
                entry = p;
            }
            if names::is_written(up, entry) {
                Use::EntryWrite
            } else {
                Use::Read
            }
        }
        _ => Use::Read,
    }
}

/// Whether an assignment at `assign` may run before the write at `write`:
/// it comes earlier in the text, shares a loop with it, or runs in another
/// function (a closure may run at any time).
fn may_precede<'t>(up: &Parents<'t>, assign: Node<'t>, write: Node<'t>) -> bool {
    let func = up.enclosing_function(write);
    up.enclosing_function(assign) != func
        || assign.start_byte() < write.start_byte()
        || std::iter::successors(flow::enclosing_loop(up, write), |l| {
            flow::enclosing_loop(up, *l)
        })
        .any(|l| l.start_byte() <= assign.start_byte() && assign.end_byte() <= l.end_byte())
}

/// The assignment or `++`/`--` statement that writes through `ident`.
fn write_statement<'t>(up: &Parents<'t>, ident: Node<'t>) -> Node<'t> {
    up.ancestors(ident)
        .find(|n| {
            matches!(
                n.kind(),
                "assignment_statement"
                    | "inc_statement"
                    | "dec_statement"
                    | "range_clause"
                    | "receive_statement"
            )
        })
        .unwrap_or(ident)
}

/// The fix: `var m = make(map[K]V)` for a single-name spec.
fn make_fix(spec: Node<'_>, name: &str, ctx: &Ctx<'_>) -> Option<Fix> {
    let ty = spec.field("type")?;
    let type_text = ctx.text(ty);
    Some(Fix::single(
        format!("Make the map: `var {name} = make({type_text})`"),
        spec.byte_range(),
        format!("{name} = make({type_text})"),
        true,
    ))
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(spec) = m.node("report") else { return };
    if syntax::in_panic_test_case(spec, ctx) {
        return;
    }
    let Some(func) = ctx.facts.parents().enclosing_function(spec) else {
        return;
    };
    let mut resolver = ctx.facts.resolver();
    let mut c = spec.walk();
    let names: Vec<Node<'_>> = spec.fields("name", &mut c).collect();
    // `goto` can jump back over anything: stay silent.
    let mut has_goto = false;
    syntax::walk(func, |n| {
        has_goto |= n.kind() == "goto_statement";
        if has_goto {
            syntax::Walk::Stop
        } else {
            syntax::Walk::Enter
        }
    });
    if has_goto {
        return;
    }
    for name_node in &names {
        let Some(decl) = resolver
            .resolve(*name_node)
            .filter(|d| d.kind == DeclKind::Var)
        else {
            continue;
        };
        let name = ctx.text(*name_node);
        let refs = resolver.references(&decl, func);
        let mut writes = Vec::new();
        let mut assigns = Vec::new();
        for r in refs.into_iter().filter(|r| *r != decl.ident) {
            match classify(r, ctx) {
                Use::EntryWrite => writes.push(r),
                Use::Assign => assigns.push(r),
                Use::Read => {}
            }
        }
        for write in writes {
            if assigns
                .iter()
                .any(|a| may_precede(ctx.facts.parents(), *a, write))
            {
                continue;
            }
            let mut finding = Finding::new(&RULE, write_statement(ctx.facts.parents(), write).byte_range())
                .message(format!(
                    "write to nil map `{name}`: it was declared with `var` and nothing made it before this line, so the write panics"
                ))
                .related(spec.byte_range(), format!("`{name}` is declared here without a value: a nil map"));
            if let Some(fix) = (names.len() == 1)
                .then(|| make_fix(spec, name, ctx))
                .flatten()
            {
                finding = finding.fix(fix);
            }
            out.push(finding);
        }
    }
}
