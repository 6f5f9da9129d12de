//! `append-no-prealloc`: a slice declared empty and then grown by exactly
//! one append per iteration of a range loop whose length is known.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::shape::{self, Shape};
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Fix, Match};
use tree_sitter::Node;

/// Growing a slice one append at a time reallocates and copies it.
pub const RULE: Rule = Rule {
    slug: "append-no-prealloc",
    severity: Severity::Info,
    group: super::Group::Performance,
    question: "how-does-go-handle-slice-growth-when-capacity-is-insufficient",
    topic: Some("Performance implications"),
    summary: "A slice declared empty, then appended one element per iteration of a range over a slice, array or map whose length is known up front",
    why: "Each time an append outgrows the capacity Go allocates a bigger array and copies everything over; when the final length is known, one make with that capacity avoids all of it.",
    message: "slice grown one append per loop iteration: preallocate its capacity",
    fix: Some("Declare it with the capacity the loop needs: `s := make([]T, 0, len(xs))`."),
    bad: "func upper(words []string) []string {\n\tvar out []string\n\tfor _, w := range words {\n\t\tout = append(out, strings.ToUpper(w))\n\t}\n\treturn out\n}",
    good: "func upper(words []string) []string {\n\tout := make([]string, 0, len(words))\n\tfor _, w := range words {\n\t\tout = append(out, strings.ToUpper(w))\n\t}\n\treturn out\n}",
    use_instead: Some("`slices.Grow(s, n)` (Go 1.21) to reserve room on a slice that already exists."),
    fix_safety: "The quick fix replaces the empty declaration with `make([]T, 0, len(xs))` (preferred). When the slice was declared nil (`var s []T`) it is non-nil afterwards even when the loop adds nothing, which changes `s == nil` and `reflect.DeepEqual` for code that checks; that fix says so in its title and is not marked preferred.",
    known_problems: &[
        "On a slice the function returns, preallocating turns a nil result into an empty one, which callers comparing with nil can notice.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::GolangciLint, id: "prealloc", scope: "" },
    ],
    references: &[
        "https://go.dev/ref/spec#Appending_and_copying_slices",
        "https://go.dev/blog/slices-intro",
        "https://pkg.go.dev/slices#Grow",
    ],
    query: include_str!("../../queries/append-no-prealloc.scm"),
    check,
};

/// An empty slice declaration: `var s []T`, `s := []T{}`, `s := make([]T, 0)`.
struct EmptyDecl<'t> {
    /// The declaring statement (reported).
    stmt: Node<'t>,
    /// The `[]T` type.
    slice_type: Node<'t>,
    /// The node the fix replaces: the initial value, or the type of a
    /// `var s []T` with no value.
    replace: Node<'t>,
    /// Whether the slice starts nil (`var s []T`), not empty.
    nil: bool,
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(loop_), Some(range), Some(append), Some(slice)) = (
        m.node("report"),
        m.node("range"),
        m.node("append"),
        m.node("slice"),
    ) else {
        return;
    };
    let name = ctx.text(slice);
    let Some(call) = append.field("right").and_then(|r| r.named_child(0)) else {
        return;
    };
    if syntax::call_args(call)
        .get(1)
        .is_none_or(|a| a.kind() == "variadic_argument")
    {
        return;
    }
    let Some(body) = loop_.field("body") else {
        return;
    };
    // The cheap tests first: the statements before the loop, the loop's
    // body, and last the shape of what it ranges over, which may look up
    // a declaration.
    let up = ctx.facts.parents();
    let Some(decl) = empty_declaration(up, loop_, name, ctx) else {
        return;
    };
    if !once_per_iteration(up, loop_, body, append, name, ctx.src)
        || !shape::of_expr(range, ctx.src).is_some_and(Shape::is_container)
    {
        return;
    }
    let xs = ctx.text(range);
    let make = format!("make({}, 0, len({xs}))", ctx.text(decl.slice_type));
    let mut finding = Finding::new(&RULE, decl.stmt.byte_range())
        .message(format!(
            "`{name}` starts empty and grows by one append per iteration over `{xs}`: preallocate it with {make} to skip the repeated growth and copying"
        ))
        .related(append.byte_range(), "appended once per iteration here");
    let scope = up.parent(loop_).unwrap_or(loop_);
    if is_plain_reference(range)
        && !flow::changes_in(
            range,
            scope,
            decl.stmt.end_byte(),
            loop_.start_byte(),
            ctx.src,
        )
    {
        let text = if decl.replace.kind() == "slice_type" {
            format!("= {make}")
        } else {
            make.clone()
        };
        let title = if decl.nil {
            format!("Preallocate with {make} (the slice is then non-nil even when `{xs}` is empty)")
        } else {
            format!("Preallocate with {make}")
        };
        finding = finding.fix(Fix::single(
            title,
            decl.replace.byte_range(),
            text,
            !decl.nil,
        ));
    }
    out.push(finding);
}

/// Whether every iteration of `loop_` runs `append` exactly once: it is the
/// only assignment to `name` in the loop, nothing before it skips to the
/// next iteration, and nothing leaves the loop early.
fn once_per_iteration<'t>(
    up: &Parents<'t>,
    loop_: Node<'t>,
    body: Node<'t>,
    append: Node<'t>,
    name: &str,
    src: &str,
) -> bool {
    let assignments = syntax::descendants(body)
        .into_iter()
        .filter(|n| match n.kind() {
            "assignment_statement" | "short_var_declaration" | "var_spec" | "range_clause" => {
                syntax::assigned_names(*n, src).contains(&name)
            }
            "unary_expression" => {
                n.field("operator")
                    .is_some_and(|o| syntax::text(o, src) == "&")
                    && n.field("operand")
                        .is_some_and(|o| syntax::text(o, src) == name)
            }
            _ => false,
        })
        .count();
    if assignments != 1 {
        return false;
    }
    !syntax::same_function_descendants(body)
        .into_iter()
        .any(|n| match n.kind() {
            "return_statement" | "goto_statement" => true,
            "break_statement" => {
                n.named_child(0).is_some() || flow::jump_target(up, n) == Some(loop_)
            }
            "continue_statement" => {
                n.named_child(0).is_some()
                    || (flow::jump_target(up, n) == Some(loop_)
                        && n.start_byte() < append.start_byte())
            }
            _ => false,
        })
}

/// The declaration of `name` as an empty slice among the statements right
/// before `loop_` in its block, with no other use of `name` in between.
fn empty_declaration<'t>(
    up: &Parents<'t>,
    loop_: Node<'t>,
    name: &str,
    ctx: &Ctx<'_>,
) -> Option<EmptyDecl<'t>> {
    let mut stmt = loop_;
    if let Some(label) = up.parent(stmt).filter(|p| p.kind() == "labeled_statement") {
        stmt = label;
    }
    loop {
        stmt = stmt.prev_named_sibling()?;
        if stmt.kind() == "comment" {
            continue;
        }
        match declares(stmt, name, ctx) {
            Declares::Empty(decl) => return Some(decl),
            Declares::Otherwise => return None,
            Declares::No if mentions(stmt, name, ctx.src) => return None,
            Declares::No => {}
        }
    }
}

/// What a statement does with a variable.
enum Declares<'t> {
    /// Declares it, alone, as an empty slice.
    Empty(EmptyDecl<'t>),
    /// Declares it some other way.
    Otherwise,
    /// Does not declare it.
    No,
}

/// Whether `stmt` declares `name` (alone in its spec) as an empty slice.
fn declares<'t>(stmt: Node<'t>, name: &str, ctx: &Ctx<'_>) -> Declares<'t> {
    let src = ctx.src;
    let decl = match stmt.kind() {
        "short_var_declaration" => {
            if syntax::assigned_names(stmt, src) != [name] {
                return if syntax::assigned_names(stmt, src).contains(&name) {
                    Declares::Otherwise
                } else {
                    Declares::No
                };
            }
            only_value(stmt.field("right")).and_then(|value| {
                Some(EmptyDecl {
                    stmt,
                    slice_type: empty_slice_value(value, ctx)?,
                    replace: value,
                    nil: false,
                })
            })
        }
        "var_declaration" => {
            let Some(spec) = syntax::descendants(stmt).into_iter().find(|n| {
                n.kind() == "var_spec" && syntax::assigned_names(*n, src).contains(&name)
            }) else {
                return Declares::No;
            };
            if syntax::assigned_names(spec, src) != [name] {
                return Declares::Otherwise;
            }
            let ty = spec.field("type");
            match (ty, only_value(spec.field("value"))) {
                (Some(ty), None) if ty.kind() == "slice_type" => Some(EmptyDecl {
                    stmt: spec,
                    slice_type: ty,
                    replace: ty,
                    nil: true,
                }),
                (ty, Some(value)) => empty_slice_value(value, ctx)
                    .filter(|_| ty.is_none_or(|t| t.kind() == "slice_type"))
                    .map(|slice_type| EmptyDecl {
                        stmt: spec,
                        slice_type,
                        replace: value,
                        nil: false,
                    }),
                _ => None,
            }
        }
        _ => return Declares::No,
    };
    decl.map_or(Declares::Otherwise, Declares::Empty)
}

/// The single expression of an expression list.
fn only_value(list: Option<Node<'_>>) -> Option<Node<'_>> {
    list.filter(|l| l.named_child_count() == 1)
        .and_then(|l| l.named_child(0))
}

/// The `[]T` of an empty slice value: `[]T{}` or `make([]T, 0)`.
fn empty_slice_value<'t>(value: Node<'t>, ctx: &Ctx<'_>) -> Option<Node<'t>> {
    let src = ctx.src;
    match value.kind() {
        "composite_literal" => {
            let ty = value.field("type").filter(|t| t.kind() == "slice_type")?;
            let body = value.field("body")?;
            let mut c = body.walk();
            let empty = body.named_children(&mut c).all(|n| n.kind() == "comment");
            empty.then_some(ty)
        }
        "call_expression" if syntax::is_builtin_call(value, ctx, "make") => {
            match syntax::call_args(value).as_slice() {
                [ty, zero] if ty.kind() == "slice_type" && syntax::text(*zero, src) == "0" => {
                    Some(*ty)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether identifier `name` occurs in `node`.
fn mentions(node: Node<'_>, name: &str, src: &str) -> bool {
    // A statement whose text lacks the name holds no identifier of it.
    syntax::text(node, src).contains(name)
        && syntax::descendants(node)
            .into_iter()
            .any(|n| n.kind() == "identifier" && syntax::text(n, src) == name)
}

/// Whether `expr` is a variable or a field chain (`xs`, `s.items`), which
/// `len(…)` can repeat without side effects.
fn is_plain_reference(expr: Node<'_>) -> bool {
    let mut e = syntax::unparen(expr);
    while e.kind() == "selector_expression" {
        match e.field("operand") {
            Some(operand) => e = syntax::unparen(operand),
            None => return false,
        }
    }
    e.kind() == "identifier"
}
