//! Intra-procedural path reasoning on syntax: statement order, exclusive
//! branches, statements that end a path, loops (infinite ones, the ways out
//! of a loop, the statement a `break` or `continue` leaves), statements
//! that may block, and reassignments.
//!
//! "Same path" (the notion the channel rules use): both nodes run in one
//! function body (not in different func literals), the first ends before the
//! second starts, they are not in exclusive `if`/`else` or `switch`/`select`
//! branches, and the first is not followed by a statement that leaves its
//! block (return, panic, a `break`/`continue` that skips the second, …).

use super::syntax::{self, text, Parents, Walk};
use crate::analysis::fields::Fields as _;
use std::collections::HashSet;
use tree_sitter::Node;

/// Whether `b` can run after `a` on one path through one function body.
pub fn same_path<'t>(up: &Parents<'t>, a: Node<'t>, b: Node<'t>, src: &str) -> bool {
    a.end_byte() <= b.start_byte()
        && up.enclosing_function(a) == up.enclosing_function(b)
        && !exclusive(up, a, b)
        && !leaves_before(up, a, b, src)
}

/// The child of `ancestor` on the path down to `node`.
fn child_towards<'t>(up: &Parents<'t>, ancestor: Node<'t>, node: Node<'t>) -> Option<Node<'t>> {
    std::iter::once(node)
        .chain(up.ancestors(node))
        .find(|n| up.parent(*n) == Some(ancestor))
}

/// The lowest common ancestor of `a` and `b` (`a` itself if it contains `b`).
pub fn common_ancestor<'t>(up: &Parents<'t>, a: Node<'t>, b: Node<'t>) -> Option<Node<'t>> {
    let lo = a.start_byte().min(b.start_byte());
    let hi = a.end_byte().max(b.end_byte());
    std::iter::once(a)
        .chain(up.ancestors(a))
        .find(|n| n.start_byte() <= lo && n.end_byte() >= hi)
}

/// Whether `a` and `b` sit in branches of which at most one runs: the two
/// arms of an `if`/`else`, or two cases of a `switch` or `select`.
pub fn exclusive<'t>(up: &Parents<'t>, a: Node<'t>, b: Node<'t>) -> bool {
    let Some(lca) = common_ancestor(up, a, b) else {
        return false;
    };
    let (Some(ca), Some(cb)) = (child_towards(up, lca, a), child_towards(up, lca, b)) else {
        return false;
    };
    if ca == cb {
        return false;
    }
    let is_case = |n: Node<'_>| {
        matches!(
            syntax::kind(n),
            "expression_case" | "default_case" | "type_case" | "communication_case"
        )
    };
    match syntax::kind(lca) {
        "if_statement" => {
            let cons = lca.field("consequence");
            let alt = lca.field("alternative");
            (Some(ca) == cons && Some(cb) == alt) || (Some(ca) == alt && Some(cb) == cons)
        }
        "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
            is_case(ca) && is_case(cb)
        }
        _ => false,
    }
}

/// Whether `stmt` always leaves the current path: `return`, `goto`,
/// `panic(…)`, `os.Exit`, `log.Fatal*`, `runtime.Goexit`, `t.Fatal*`, and
/// the like.
pub fn is_terminator(stmt: Node<'_>, src: &str) -> bool {
    match syntax::kind(stmt) {
        "return_statement" | "goto_statement" => true,
        "expression_statement" => stmt
            .named_child(0)
            .and_then(|call| syntax::callee(call, src))
            .is_some_and(|name| {
                let method = name.rsplit('.').next().unwrap_or(name);
                matches!(
                    name,
                    "panic"
                        | "os.Exit"
                        | "runtime.Goexit"
                        | "log.Fatal"
                        | "log.Fatalf"
                        | "log.Fatalln"
                        | "log.Panic"
                        | "log.Panicf"
                        | "log.Panicln"
                ) || matches!(
                    method,
                    "Fatal" | "Fatalf" | "FailNow" | "Skip" | "Skipf" | "SkipNow"
                )
            }),
        "block" => last_statement(stmt).is_some_and(|s| is_terminator(s, src)),
        "if_statement" => {
            let cons = stmt.field("consequence");
            let alt = stmt.field("alternative");
            match (cons, alt) {
                (Some(c), Some(a)) => is_terminator(c, src) && is_terminator(a, src),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The statements of a block, in order.
pub fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut c = block.walk();
    let mut out = Vec::new();
    for child in block.named_children(&mut c) {
        if syntax::kind(child) == "statement_list" {
            let mut c2 = child.walk();
            out.extend(
                child
                    .named_children(&mut c2)
                    .filter(|n| syntax::kind(*n) != "comment"),
            );
        } else if syntax::kind(child) != "comment" {
            out.push(child);
        }
    }
    out
}

/// The statement a labeled statement labels (`L: for …` is its `for`),
/// labels within labels included; any other statement itself.
pub fn unlabeled(mut stmt: Node<'_>) -> Node<'_> {
    while syntax::kind(stmt) == "labeled_statement" {
        let mut c = stmt.walk();
        let inner = stmt
            .named_children(&mut c)
            .find(|n| syntax::kind(*n) != "label_name");
        match inner {
            Some(s) => stmt = s,
            None => break,
        }
    }
    stmt
}

/// The last statement of a block.
fn last_statement(block: Node<'_>) -> Option<Node<'_>> {
    statements(block).pop()
}

/// Whether, after `a`, a statement in one of `a`'s enclosing blocks that do
/// not also contain `b` leaves that block so that `b` is not reached.
fn leaves_before<'t>(up: &Parents<'t>, a: Node<'t>, b: Node<'t>, src: &str) -> bool {
    let func = up.enclosing_function(a);
    let mut child = a;
    for anc in up.ancestors(a) {
        if Some(anc) == func
            || (anc.start_byte() <= b.start_byte() && anc.end_byte() >= b.end_byte())
        {
            return false;
        }
        if matches!(syntax::kind(anc), "statement_list" | "block") {
            let mut c = anc.walk();
            let later = anc
                .named_children(&mut c)
                .skip_while(|s| *s != child)
                .skip(1);
            for stmt in later {
                if is_terminator(stmt, src) || skips_to_loop(up, stmt, b) {
                    return true;
                }
            }
        }
        child = anc;
    }
    false
}

/// Whether `stmt` is a `break`/`continue` whose target loop or switch
/// contains `b` (so `b` is skipped), or a labeled one (judged unknowable).
fn skips_to_loop<'t>(up: &Parents<'t>, stmt: Node<'t>, b: Node<'t>) -> bool {
    let is_break = syntax::kind(stmt) == "break_statement";
    if !is_break && syntax::kind(stmt) != "continue_statement" {
        return false;
    }
    if stmt.named_child(0).is_some() {
        return true;
    }
    let target = up.ancestors(stmt).find(|n| {
        syntax::kind(*n) == "for_statement"
            || (is_break
                && matches!(
                    syntax::kind(*n),
                    "expression_switch_statement" | "type_switch_statement" | "select_statement"
                ))
    });
    target.is_some_and(|t| t.start_byte() <= b.start_byte() && t.end_byte() >= b.end_byte())
}

/// The innermost `for` loop around `node` within its own function.
pub fn enclosing_loop<'t>(up: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
    up.ancestors(node)
        .take_while(|n| !syntax::is_function(*n))
        .find(|n| syntax::kind(*n) == "for_statement")
}

/// The statement an unlabeled `break` or `continue` leaves: the innermost
/// loop around it, or for a `break` also the innermost switch or select,
/// within its own function.
pub fn jump_target<'t>(up: &Parents<'t>, jump: Node<'t>) -> Option<Node<'t>> {
    let is_break = syntax::kind(jump) == "break_statement";
    up.ancestors(jump)
        .take_while(|n| !syntax::is_function(*n))
        .find(|n| {
            syntax::kind(*n) == "for_statement"
                || (is_break
                    && matches!(
                        syntax::kind(*n),
                        "expression_switch_statement"
                            | "type_switch_statement"
                            | "select_statement"
                    ))
        })
}

/// Whether `node`, inside `loop_`, is followed on its path by a statement
/// that leaves the loop (return, panic, an unlabeled break of this loop, a
/// labeled break or goto), so that it runs at most once.
pub fn leaves_loop_after<'t>(up: &Parents<'t>, node: Node<'t>, loop_: Node<'t>, src: &str) -> bool {
    let mut child = node;
    for anc in up.ancestors(node) {
        if anc == loop_ {
            return false;
        }
        if matches!(syntax::kind(anc), "statement_list" | "block") {
            let mut c = anc.walk();
            let later: Vec<_> = anc
                .named_children(&mut c)
                .skip_while(|s| *s != child)
                .skip(1)
                .collect();
            for stmt in later {
                if is_terminator(stmt, src) {
                    return true;
                }
                if syntax::kind(stmt) == "break_statement"
                    && (stmt.named_child(0).is_some() || jump_target(up, stmt) == Some(loop_))
                {
                    return true;
                }
            }
        }
        child = anc;
    }
    false
}

/// Whether variable `name` is assigned (`=`, `:=`, `var`, `op=`, `++`/`--`,
/// `&name` taken, or a range variable) anywhere within bytes `from..to` of `scope`,
/// nested func literals included.
pub fn assigned_in(name: &str, scope: Node<'_>, from: usize, to: usize, src: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, |n| {
        if n.end_byte() <= from || n.start_byte() >= to {
            return Walk::Skip;
        }
        assigns(n, src, |assigned| found |= assigned == name);
        if found {
            return Walk::Stop;
        }
        Walk::Enter
    });
    found
}

/// Calls `each` with every name node `n` assigns, as [`assigned_in`]
/// counts assignments.
fn assigns<'s>(n: Node<'_>, src: &'s str, mut each: impl FnMut(&'s str)) {
    match syntax::kind(n) {
        "assignment_statement" | "short_var_declaration" | "var_spec" | "range_clause" => {
            syntax::assigned_names(n, src).into_iter().for_each(each)
        }
        "inc_statement" | "dec_statement" => {
            if let Some(x) = n.named_child(0) {
                each(text(x, src));
            }
        }
        "unary_expression" if n.field("operator").is_some_and(|o| text(o, src) == "&") => {
            if let Some(o) = n.field("operand") {
                each(text(o, src));
            }
        }
        _ => {}
    }
}

/// Every name assigned anywhere in `scope` (as [`assigned_in`] counts
/// assignments): one walk that answers [`changes_among`] for any number
/// of expressions.
pub fn assigned_names_in<'s>(scope: Node<'_>, src: &'s str) -> HashSet<&'s str> {
    let (from, to) = (scope.start_byte(), scope.end_byte());
    let mut names = HashSet::new();
    syntax::walk(scope, |n| {
        if n.end_byte() <= from || n.start_byte() >= to {
            return Walk::Skip;
        }
        assigns(n, src, |name| {
            names.insert(name);
        });
        Walk::Enter
    });
    names
}

/// Whether expression `expr` may denote something else within a scope
/// whose assigned names are `assigned` ([`assigned_names_in`]):
/// [`changes_in`] over the whole scope.
pub fn changes_among(expr: Node<'_>, assigned: &HashSet<&str>, src: &str) -> bool {
    assigned.contains(text(expr, src))
        || syntax::identifiers(expr, src)
            .into_iter()
            .any(|name| assigned.contains(name))
}

/// Whether expression `expr` may denote something else between bytes
/// `from..to` of `scope`: the expression itself or any identifier it reads
/// (an index, a receiver) is assigned there.
pub fn changes_in(expr: Node<'_>, scope: Node<'_>, from: usize, to: usize, src: &str) -> bool {
    let whole = text(expr, src);
    std::iter::once(whole)
        .chain(syntax::identifiers(expr, src))
        .any(|name| assigned_in(name, scope, from, to, src))
}

/// Whether `loop_` is a `for { … }` loop: no condition, clause or range.
pub fn is_infinite(loop_: Node<'_>) -> bool {
    let mut c = loop_.walk();
    syntax::kind(loop_) == "for_statement"
        && loop_
            .named_children(&mut c)
            .all(|n| syntax::kind(n) == "comment" || Some(n) == loop_.field("body"))
}

/// The channel operand of a receive expression `<-x`.
pub fn received(node: Node<'_>) -> Option<Node<'_>> {
    let node = syntax::unparen(node);
    (syntax::kind(node) == "unary_expression"
        && node
            .field("operator")
            .is_some_and(|o| syntax::kind(o) == "<-"))
    .then(|| node.field("operand"))
    .flatten()
}

/// The label of a labeled loop (`outer: for …`).
fn label_of<'t, 's>(up: &Parents<'t>, loop_: Node<'t>, src: &'s str) -> Option<&'s str> {
    up.parent(loop_)
        .filter(|p| syntax::kind(*p) == "labeled_statement")
        .and_then(|p| p.field("label"))
        .map(|l| text(l, src))
}

/// Whether a statement labeled `label` sits inside `scope`.
fn label_inside(label: &str, scope: Node<'_>, src: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, |n| {
        if syntax::kind(n) == "labeled_statement"
            && n.field("label").is_some_and(|l| text(l, src) == label)
        {
            found = true;
            return Walk::Stop;
        }
        Walk::Enter
    });
    found
}

/// Whether anything in the body of `loop_` (in its own function) can leave
/// it: `return`, `goto`, a `break` of this or an outer statement, a
/// `continue` of an outer loop, `panic`, `os.Exit`, `log.Fatal`, ….
pub fn has_exit<'t>(up: &Parents<'t>, loop_: Node<'t>, src: &str) -> bool {
    loop_
        .field("body")
        .is_none_or(|body| leaves(up, body, loop_, src))
}

/// Whether something in `scope`, a part of the body of `loop_`, leaves the
/// loop (see [`has_exit`]).
pub fn leaves<'t>(up: &Parents<'t>, scope: Node<'t>, loop_: Node<'t>, src: &str) -> bool {
    let Some(body) = loop_.field("body") else {
        return true;
    };
    let own = label_of(up, loop_, src);
    let mut found = false;
    syntax::walk(scope, |n| {
        let exit = match syntax::kind(n) {
            "func_literal" => return Walk::Skip,
            "return_statement" | "goto_statement" => true,
            "break_statement" => match n.named_child(0) {
                Some(label) => !label_inside(text(label, src), body, src),
                None => jump_target(up, n) == Some(loop_),
            },
            "continue_statement" => n.named_child(0).is_some_and(|label| {
                let label = text(label, src);
                Some(label) != own && !label_inside(label, body, src)
            }),
            "expression_statement" => is_terminator(n, src),
            _ => false,
        };
        if exit {
            found = true;
            return Walk::Stop;
        }
        Walk::Enter
    });
    found
}

/// Calls that return at once: builtins, atomic operations and counters
/// (`atomic.AddInt64`, `n.Load()`, `wg.Add`), formatting into a string.
fn is_quick_call(call: Node<'_>, src: &str) -> bool {
    let Some(name) = syntax::callee(call, src) else {
        return false;
    };
    let method = name.rsplit_once('.').map(|(_, m)| m);
    matches!(
        name,
        "len"
            | "cap"
            | "append"
            | "copy"
            | "delete"
            | "min"
            | "max"
            | "new"
            | "make"
            | "clear"
            | "print"
            | "println"
    ) || name.starts_with("atomic.")
        || name.starts_with("fmt.Sprint")
        || name == "fmt.Errorf"
        || matches!(
            method,
            Some("Load" | "Store" | "Add" | "Swap" | "CompareAndSwap")
        )
}

/// Whether running `stmt` may block or yield: a send, a receive, a select
/// without default, or a call other than a quick one. Func literals it
/// defines and goroutines it starts are not run by it.
pub fn may_block(stmt: Node<'_>, src: &str) -> bool {
    let mut block = false;
    syntax::walk(stmt, |n| {
        block = match syntax::kind(n) {
            "func_literal" | "go_statement" => return Walk::Skip,
            "select_statement" => {
                // A select with a default case waits only where its default
                // does.
                let mut c = n.walk();
                let has_default = n
                    .named_children(&mut c)
                    .any(|k| syntax::kind(k) == "default_case");
                !has_default
            }
            "communication_case" => return Walk::Skip,
            "send_statement" => true,
            "unary_expression" => received(n).is_some(),
            "call_expression" => !is_quick_call(n, src),
            _ => false,
        };
        if block {
            Walk::Stop
        } else {
            Walk::Enter
        }
    });
    block
}
