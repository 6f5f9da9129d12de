//! `unchecked-type-assertion`: a single-value `x.(T)`, which panics when
//! `x` holds another type.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::{flow, imports, syntax, Ctx, Edit, Finding, Fix, Match};
use tree_sitter::Node;

/// A failed single-value type assertion panics.
pub const RULE: Rule = Rule {
    slug: "unchecked-type-assertion",
    severity: Severity::Info,
    group: super::Group::Pedantic,
    question: "explain-the-concept-of-type-assertions-in-go",
    topic: None,
    summary: "A single-value type assertion x.(T) outside a type switch and not in the `, ok` form",
    why: "A single-value assertion panics when the interface holds another type; the `v, ok := x.(T)` form reports the mismatch instead.",
    message: "x.(T) panics if x holds another type: use `v, ok := x.(T)` or a type switch",
    fix: Some("Use the two-value form and handle the mismatch: `v, ok := x.(T); if !ok { … }`."),
    bad: "func name(v any) string {\n\treturn v.(fmt.Stringer).String() // panics for non-Stringers\n}",
    good: "func name(v any) string {\n\tif s, ok := v.(fmt.Stringer); ok {\n\t\treturn s.String()\n\t}\n\treturn fmt.Sprint(v)\n}",
    use_instead: None,
    fix_safety: "The quick fix (where the function can return the mismatch) rewrites `v := x.(T)` as `v, ok := x.(T)` followed by `if !ok { return … }`. The function then returns instead of panicking on a wrong type, which changes what its callers see. Never marked preferred.",
    known_problems: &[
        "An assertion the surrounding code guarantees (a value stored by the same package under a private key, a registry of one type) is reported like any other; the rule is pedantic for that reason. In generated files it reports nothing unless `generated = \"same\"`.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Revive, id: "unchecked-type-assertion", scope: "" },
        crate::analysis::Peer { linter: crate::analysis::Linter::GolangciLint, id: "forcetypeassert", scope: "" },
    ],
    references: &[
        "https://go.dev/ref/spec#Type_assertions",
        "https://go.dev/ref/spec#Type_switches",
    ],
    query: include_str!("../../queries/unchecked-type-assertion.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(assert), Some(operand), Some(ty)) =
        (m.node("report"), m.node("operand"), m.node("type"))
    else {
        return;
    };
    // The ancestors up to the enclosing function, found in one descent.
    let chain: Vec<Node<'t>> = ctx
        .facts
        .parents()
        .ancestors(assert)
        .take_while(|a| !syntax::is_function(*a))
        .collect();
    let parens = chain
        .iter()
        .take_while(|a| syntax::kind(**a) == "parenthesized_expression")
        .count();
    let bound = binding(chain.get(parens..).unwrap_or_default());
    if bound.is_some_and(|(_, names)| names == 2)
        || guarded(assert, &chain, ctx.text(operand), ctx.text(ty), ctx)
    {
        return;
    }
    // In a chain (`v.(T).x.(U)`) each assertion is reported at its own
    // `.(…)`, so the two findings do not share a column.
    let chained = syntax::descendants(operand)
        .iter()
        .any(|n| n.kind() == "type_assertion_expression");
    let range = if chained {
        operand.end_byte()..assert.end_byte()
    } else {
        assert.byte_range()
    };
    let mut finding = Finding::new(&RULE, range).message(format!(
        "{} panics if {} holds another type: use the `, ok` form or a type switch",
        ctx.text(assert),
        ctx.text(operand)
    ));
    if let Some(fix) = bound.and_then(|b| comma_ok_fix(b, operand, ty, ctx)) {
        finding = finding.fix(fix);
    }
    out.push(finding);
}

/// The statement that binds an expression as the only value of its
/// right-hand side (`:=`, `=`, `var`), and how many names it binds, given
/// the ancestors of the expression (its parentheses included), innermost
/// first.
fn binding<'t>(above: &[Node<'t>]) -> Option<(Node<'t>, usize)> {
    let list = above
        .first()
        .copied()
        .filter(|p| syntax::kind(*p) == "expression_list" && p.named_child_count() == 1)?;
    let stmt = *above.get(1)?;
    let names = match syntax::kind(stmt) {
        "short_var_declaration" | "assignment_statement" if stmt.field("right") == Some(list) => {
            stmt.field("left")?.named_child_count()
        }
        "var_spec" if stmt.field("value") == Some(list) => {
            let mut c = stmt.walk();
            let n = stmt.fields("name", &mut c).count();
            n
        }
        _ => return None,
    };
    Some((stmt, names))
}

/// The operand, type and `ok` name of a `v, ok := x.(T)` statement.
fn ok_assertion<'s>(stmt: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str, &'s str)> {
    if stmt.kind() != "short_var_declaration" {
        return None;
    }
    let right = stmt.field("right")?;
    let value = syntax::unparen(right.named_child(0)?);
    let (left, single) = (
        stmt.field("left")?,
        syntax::kind(right) == "expression_list" && right.named_child_count() == 1,
    );
    if value.kind() != "type_assertion_expression" || !single || left.named_child_count() != 2 {
        return None;
    }
    let ok = left.named_child(1)?;
    Some((
        syntax::text(value.field("operand")?, src),
        syntax::text(value.field("type")?, src),
        syntax::text(ok, src),
    ))
}

/// Whether the assertion cannot fail because the code already checked the
/// same operand and type: inside `if _, ok := x.(T); ok { … }`, after
/// `if _, ok := x.(T); !ok { return }`, or in `case T:` of `switch x.(type)`.
fn guarded<'t>(
    assert: Node<'t>,
    chain: &[Node<'t>],
    operand: &str,
    ty: &str,
    ctx: &Ctx<'t>,
) -> bool {
    let src = ctx.src;
    let same = |stmt: Option<Node<'t>>| {
        stmt.and_then(|s| ok_assertion(s, src))
            .filter(|(o, t, _)| *o == operand && *t == ty)
            .map(|(_, _, ok)| ok)
    };
    let mut child = assert;
    for &anc in chain {
        match anc.kind() {
            "if_statement" if anc.field("consequence") == Some(child) => {
                let cond = anc.field("condition").map_or("", |c| syntax::text(c, src));
                if same(anc.field("initializer"))
                    .is_some_and(|ok| cond == ok || cond.starts_with(&format!("{ok} &&")))
                {
                    return true;
                }
            }
            "type_case" => {
                let switch = anc.parent();
                let value = switch
                    .and_then(|s| s.field("value"))
                    .map(|v| syntax::text(v, src));
                let mut c = anc.walk();
                let listed = anc
                    .fields("type", &mut c)
                    .any(|t| syntax::text(t, src) == ty);
                if value == Some(operand) && listed {
                    return true;
                }
            }
            "statement_list" | "block" => {
                let ifs = ctx.facts.plain_ifs(anc);
                let earlier = ifs
                    .iter()
                    .take_while(|s| s.end_byte() <= child.start_byte());
                let checked = earlier.copied().any(|s| {
                    s.field("consequence")
                        .is_some_and(|b| flow::is_terminator(b, src))
                        && same(s.field("initializer")).is_some_and(|ok| {
                            s.field("condition")
                                .is_some_and(|c| syntax::text(c, src) == format!("!{ok}"))
                        })
                });
                if checked {
                    return true;
                }
            }
            _ => {}
        }
        child = anc;
    }
    false
}

/// `v := x.(T)` → `v, ok := x.(T)` followed by `if !ok { return … }`, when
/// the function's results let the check return mechanically.
fn comma_ok_fix<'t>(
    (bind, names): (Node<'t>, usize),
    operand: Node<'t>,
    ty: Node<'t>,
    ctx: &Ctx<'t>,
) -> Option<Fix> {
    let src = ctx.src;
    if names != 1 {
        return None;
    }
    let name_end = match bind.kind() {
        "short_var_declaration" => bind.field("left")?.end_byte(),
        "var_spec" if bind.field("type").is_none() => bind.field("name")?.end_byte(),
        _ => return None,
    };
    let stmt = ctx.facts.parents().statement_of(bind)?;
    if stmt != bind && stmt.kind() != "var_declaration" {
        return None;
    }
    let func = ctx.facts.parents().enclosing_function(stmt)?;
    let body = syntax::function_body(func)?;
    if may_name_ok(ctx.text(body)) && ctx.facts.identifiers(body).contains("ok") {
        return None;
    }
    let ret = mismatch_return(func, operand, ty, ctx)?;
    let indent = syntax::line_indent(src, stmt.start_byte());
    Some(Fix {
        title: "Check the assertion with the `, ok` form".to_string(),
        edits: vec![
            Edit {
                range: name_end..name_end,
                text: ", ok".to_string(),
            },
            Edit {
                range: stmt.end_byte()..stmt.end_byte(),
                text: format!("\n{indent}if !ok {{\n{indent}\t{ret}\n{indent}}}"),
            },
        ],
        preferred: false,
    })
}

/// The `return` statement a failed check can make in `func`: a bare return
/// when it has no or named results, else zero values and an error from
/// fmt.Errorf when the last result is an error and fmt is imported.
fn mismatch_return(
    func: Node<'_>,
    operand: Node<'_>,
    ty: Node<'_>,
    ctx: &Ctx<'_>,
) -> Option<String> {
    let src = ctx.src;
    let Some(result) = func.field("result") else {
        return Some("return".to_string());
    };
    let types: Vec<Node<'_>> = if result.kind() == "parameter_list" {
        let mut c = result.walk();
        let params: Vec<Node<'_>> = result
            .named_children(&mut c)
            .filter(|n| n.kind() != "comment")
            .collect();
        if params.iter().any(|p| p.field("name").is_some()) {
            return Some("return".to_string());
        }
        params.iter().filter_map(|p| p.field("type")).collect()
    } else {
        vec![result]
    };
    let (last, rest) = types.split_last()?;
    if syntax::text(*last, src) != "error" || !imports_fmt(ctx.root, src) {
        return None;
    }
    let mut values = rest
        .iter()
        .map(|t| zero_value(*t, src))
        .collect::<Option<Vec<_>>>()?;
    let want = syntax::text(ty, src);
    let plain = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*' | '[' | ']'))
    };
    let stable = syntax::descendants(operand).iter().all(|n| {
        matches!(
            n.kind(),
            "identifier" | "selector_expression" | "field_identifier" | "."
        )
    });
    let err = match (stable, plain(want)) {
        (true, true) => format!(
            "fmt.Errorf(\"unexpected type %T, want {want}\", {})",
            syntax::text(operand, src)
        ),
        (true, false) => format!(
            "fmt.Errorf(\"unexpected type %T\", {})",
            syntax::text(operand, src)
        ),
        (false, true) => format!("fmt.Errorf(\"unexpected type, want {want}\")"),
        (false, false) => "fmt.Errorf(\"unexpected type\")".to_string(),
    };
    values.push(err);
    Some(format!("return {}", values.join(", ")))
}

/// The zero value of a type whose zero value the syntax tells.
fn zero_value(ty: Node<'_>, src: &str) -> Option<String> {
    let zero = match ty.kind() {
        "pointer_type" | "slice_type" | "map_type" | "channel_type" | "function_type"
        | "interface_type" => "nil",
        "type_identifier" => match syntax::text(ty, src) {
            "string" => "\"\"",
            "bool" => "false",
            "error" | "any" => "nil",
            "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16"
            | "uint32" | "uint64" | "uintptr" | "float32" | "float64" | "complex64"
            | "complex128" | "byte" | "rune" => "0",
            _ => return None,
        },
        _ => return None,
    };
    Some(zero.to_string())
}

/// Whether the file whose syntax tree is `root` imports "fmt" under its
/// own name.
fn imports_fmt(root: Node<'_>, src: &str) -> bool {
    imports::of_file(root, src)
        .iter()
        .any(|i| i.path == "fmt" && i.name == "fmt")
}

/// Whether `code` may hold an identifier `ok`: the word `ok` between bytes
/// that are not ASCII letters, digits or `_` (comments and strings count).
fn may_name_ok(code: &str) -> bool {
    let word = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let bytes = code.as_bytes();
    code.match_indices("ok").any(|(at, _)| {
        !word(at.checked_sub(1).and_then(|i| bytes.get(i))) && !word(bytes.get(at + 2))
    })
}
