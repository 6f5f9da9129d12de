//! `recover-not-deferred`: a `recover()` that cannot stop a panic because
//! the function calling it is not the one a `defer` runs.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Fix, Match};
use tree_sitter::Node;

/// recover only works when called directly by a deferred function.
pub const RULE: Rule = Rule {
    slug: "recover-not-deferred",
    severity: Severity::Error,
    group: super::Group::Correctness,
    question: "how-does-go-handle-panics",
    topic: Some("Recover"),
    summary: "A recover() that cannot stop a panic: `defer recover()`, or recover() in a func literal that is called normally, started with `go`, or nested one call inside the deferred function",
    why: "recover stops a panic only when a deferred function calls it directly; anywhere else it returns nil and the panic keeps unwinding.",
    message: "this recover() is not called directly by a deferred function: it returns nil and stops no panic",
    fix: Some("Call recover() directly in the function that is deferred: `defer func() { if r := recover(); r != nil { … } }()`."),
    bad: "go func() {\n\tif r := recover(); r != nil { // runs once, when the goroutine starts\n\t\tlog.Print(r)\n\t}\n\twork()\n}()",
    good: "go func() {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tlog.Print(r)\n\t\t}\n\t}()\n\twork()\n}()",
    use_instead: None,
    fix_safety: "For `defer recover()` the quick fix (preferred) replaces it with a deferred func literal that calls recover(): the panic is then stopped where it used to crash the program, which is the point but changes behaviour. For a func literal that is called normally, the fix moves its leading recover() statement into a deferred func literal; it is offered only when that statement comes first and contains no return or jump.",
    known_problems: &[],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[
        crate::analysis::Peer { linter: crate::analysis::Linter::Revive, id: "defer", scope: "its `recover` and `immediate-recover` options" },
    ],
    references: &[
        "https://go.dev/ref/spec#Handling_panics",
        "https://go.dev/blog/defer-panic-and-recover",
    ],
    query: include_str!("../../queries/recover-not-deferred.scm"),
    check,
};

/// The body of the deferred literal the `defer recover()` fix writes.
const HANDLER: &str = "if r := recover(); r != nil {\n\t// the panic stops here; r is its value\n}";

/// How a func literal that calls recover() is run.
enum Misuse<'t> {
    /// `func(){…}()`; `nested` when that call sits in a deferred function.
    Called { nested: bool },
    /// `go func(){…}()`.
    Started,
    /// `h := func(){…}` and `h` is only ever called normally, at these calls.
    CalledVar { name: &'t str, calls: Vec<Node<'t>> },
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(call) = m.node("report") else {
        return;
    };
    if m.node("args").is_some_and(|a| a.named_child_count() > 0)
        || !syntax::is_builtin_call(call, ctx, "recover")
    {
        return;
    }
    if let Some(stmt) = call.parent().filter(|p| p.kind() == "defer_statement") {
        // Deferred by a function that is itself run by a defer, recover is
        // called by that deferred function and does stop the panic.
        if !defers_recover_too_early(ctx.facts.parents(), stmt, ctx.src) {
            return;
        }
        let mut finding = Finding::new(&RULE, call.byte_range()).message(
            "`defer recover()` defers recover itself in a function that is not deferred: recover then runs as the deferred call, returns nil and the panic goes on",
        );
        // One call below a deferred function, a deferred literal would not
        // stop the panic either.
        let nested = ctx
            .facts
            .parents()
            .enclosing_function(stmt)
            .filter(|f| f.kind() == "func_literal")
            .and_then(|f| misuse(ctx.facts.parents(), f, ctx.src))
            .is_some_and(|m| matches!(m, Misuse::Called { nested: true }));
        if !nested {
            let indent = syntax::line_indent(ctx.src, stmt.start_byte());
            let text = deferred(HANDLER, indent);
            finding = finding.fix(Fix::single(
                "Call recover() inside a deferred func literal",
                stmt.byte_range(),
                text,
                true,
            ));
        }
        out.push(finding);
        return;
    }
    // Named functions are not judged: only their callers know whether they
    // are deferred.
    let Some(lit) = ctx
        .facts
        .parents()
        .enclosing_function(call)
        .filter(|f| f.kind() == "func_literal")
    else {
        return;
    };
    let Some(misuse) = misuse(ctx.facts.parents(), lit, ctx.src) else {
        return;
    };
    let mut finding = Finding::new(&RULE, call.byte_range());
    let nested = matches!(misuse, Misuse::Called { nested: true });
    match misuse {
        Misuse::Called { nested: true } => {
            finding = finding.message(
                "recover() is one call deeper than the deferred function: only a direct call from the deferred function stops a panic, so this returns nil",
            );
        }
        Misuse::Called { nested: false } => {
            finding = finding.message(
                "recover() in a func literal that is called right away, not deferred: it returns nil and stops no panic",
            );
        }
        Misuse::Started => {
            finding = finding.message(
                "recover() in the goroutine's function itself runs when the goroutine starts and returns nil: defer a func literal that calls it",
            );
        }
        Misuse::CalledVar { name, calls } => {
            finding = finding.message(format!(
                "recover() in `{name}`, which is only called normally (never `defer {name}()`): it returns nil and stops no panic"
            ));
            for c in calls {
                finding = finding.related(
                    c.byte_range(),
                    format!("`{name}` called here, not deferred"),
                );
            }
        }
    }
    if !nested {
        if let Some(fix) = wrap_fix(ctx.facts.parents(), call, lit, ctx.src) {
            finding = finding.fix(fix);
        }
    }
    out.push(finding);
}

/// Whether `defer recover()` at `stmt` defers recover in a function that
/// no defer runs: a func literal called normally or started with `go`, or a
/// named function that this file never defers nor passes around as a value
/// (one that is deferred runs recover as its own deferred call, which does
/// stop the panic).
fn defers_recover_too_early<'t>(up: &Parents<'t>, stmt: Node<'t>, src: &'t str) -> bool {
    let Some(func) = up.enclosing_function(stmt) else {
        return false;
    };
    if func.kind() == "func_literal" {
        return misuse(up, func, src).is_some();
    }
    let (Some(name), Some(root)) = (
        func.field("name").map(|n| syntax::text(n, src)),
        up.ancestors(func).last(),
    ) else {
        return false;
    };
    syntax::descendants(root).into_iter().all(|n| {
        if !matches!(n.kind(), "identifier" | "field_identifier")
            || syntax::text(n, src) != name
            || n.parent() == Some(func)
        {
            return true;
        }
        let callee = n
            .parent()
            .filter(|p| p.kind() == "selector_expression")
            .unwrap_or(n);
        callee
            .parent()
            .filter(|p| p.kind() == "call_expression" && p.field("function") == Some(callee))
            .is_some_and(|call| call.parent().is_none_or(|p| p.kind() != "defer_statement"))
    })
}

/// Whether func literal `lit` is run other than by a `defer`, and how;
/// `None` when it is deferred or its use cannot be followed.
fn misuse<'t>(up: &Parents<'t>, lit: Node<'t>, src: &'t str) -> Option<Misuse<'t>> {
    if let Some(call) = up.invoking_call(lit) {
        return match call.parent().map(|p| p.kind()) {
            Some("defer_statement") => None,
            Some("go_statement") => Some(Misuse::Started),
            _ => Some(Misuse::Called {
                nested: up
                    .enclosing_function(call)
                    .is_some_and(|f| is_deferred_literal(up, f)),
            }),
        };
    }
    let (name, decl) = bound_name(lit, src)?;
    let scope = up
        .enclosing_function(decl)
        .and_then(syntax::function_body)?;
    let mut calls = Vec::new();
    for n in syntax::descendants(scope) {
        if n.end_byte() <= decl.end_byte() && n.start_byte() >= decl.start_byte() {
            continue;
        }
        if matches!(
            n.kind(),
            "assignment_statement" | "short_var_declaration" | "var_spec" | "range_clause"
        ) && syntax::assigned_names(n, src).contains(&name)
        {
            return None;
        }
        if n.kind() != "identifier" || syntax::text(n, src) != name {
            continue;
        }
        let call = n
            .parent()
            .filter(|p| p.kind() == "call_expression" && p.field("function") == Some(n))?;
        if call.parent().is_some_and(|p| p.kind() == "defer_statement") {
            return None;
        }
        calls.push(call);
    }
    (!calls.is_empty()).then_some(Misuse::CalledVar { name, calls })
}

/// Whether `func` is a func literal run by a `defer` statement.
fn is_deferred_literal<'t>(up: &Parents<'t>, func: Node<'t>) -> bool {
    func.kind() == "func_literal"
        && up
            .invoking_call(func)
            .and_then(|c| c.parent())
            .is_some_and(|p| p.kind() == "defer_statement")
}

/// The local variable `lit` is assigned to (`h := func…`, `h = func…`,
/// `var h = func…`) and the declaring statement.
fn bound_name<'t>(lit: Node<'t>, src: &'t str) -> Option<(&'t str, Node<'t>)> {
    let list = lit.parent().filter(|p| p.kind() == "expression_list")?;
    let stmt = list.parent()?;
    let left: Vec<Node<'t>> = match stmt.kind() {
        "short_var_declaration" | "assignment_statement" => {
            if stmt.kind() == "assignment_statement"
                && stmt
                    .field("operator")
                    .is_none_or(|o| syntax::text(o, src) != "=")
            {
                return None;
            }
            let l = stmt.field("left")?;
            let mut c = l.walk();
            l.named_children(&mut c).collect()
        }
        "var_spec" => {
            let mut c = stmt.walk();
            stmt.fields("name", &mut c).collect()
        }
        _ => return None,
    };
    let mut c = list.walk();
    let index = list.named_children(&mut c).position(|n| n == lit)?;
    let target = left.get(index).filter(|n| n.kind() == "identifier")?;
    let name = syntax::text(*target, src);
    (name != "_").then_some((name, stmt))
}

/// Moves the statement holding `call` into a deferred func literal, when it
/// is the first statement of `lit`, more statements follow for it to guard,
/// and it can be moved as is (`recover()` or an `if` whose header calls it,
/// with no return or jump inside).
fn wrap_fix<'t>(up: &Parents<'t>, call: Node<'t>, lit: Node<'t>, src: &str) -> Option<Fix> {
    let stmt = up.statement_of(call)?;
    let body = syntax::function_body(lit)?;
    let stmts = flow::statements(body);
    if stmts.first() != Some(&stmt) || stmts.len() < 2 {
        return None;
    }
    let movable = match stmt.kind() {
        "expression_statement" => stmt.named_child(0) == Some(call),
        "if_statement" => {
            let cons = stmt.field("consequence")?;
            !(cons.start_byte() <= call.start_byte() && call.end_byte() <= cons.end_byte())
        }
        _ => false,
    };
    let jumps = syntax::descendants(stmt).into_iter().any(|n| {
        matches!(
            n.kind(),
            "return_statement"
                | "break_statement"
                | "continue_statement"
                | "goto_statement"
                | "fallthrough_statement"
        ) || (n.kind() == "raw_string_literal" && syntax::text(n, src).contains('\n'))
    });
    if !movable || jumps {
        return None;
    }
    let indent = syntax::line_indent(src, stmt.start_byte());
    let text = syntax::text(stmt, src);
    let relative = text.replace(&format!("\n{indent}"), "\n");
    Some(Fix::single(
        "Defer the recover",
        stmt.byte_range(),
        deferred(&relative, indent),
        false,
    ))
}

/// `defer func() { <body> }()` indented at `indent`, `body` given with
/// lines relative to the statement's own indentation.
fn deferred(body: &str, indent: &str) -> String {
    let inner: Vec<String> = body
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{indent}\t{l}")
            }
        })
        .collect();
    format!("defer func() {{\n{}\n{indent}}}()", inner.join("\n"))
}
