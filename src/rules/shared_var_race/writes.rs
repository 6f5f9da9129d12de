//! What a goroutine literal writes, and what protects or publishes a write.

use crate::analysis::fields::Fields as _;
use crate::analysis::names::{Decl, DeclKind, Resolver};
use crate::analysis::sync_points::method_call;
use crate::analysis::syntax::inside;
use crate::analysis::{flow, syntax, Ctx};
use tree_sitter::Node;

/// A write by a goroutine to a variable captured from outside it.
pub struct Target<'t> {
    /// The assignment or `++`/`--` statement.
    pub stmt: Node<'t>,
    /// The written variable (the root of `s.f`), `None` when it is declared
    /// outside the file (a package variable of another file).
    pub decl: Option<Decl<'t>>,
    /// The root identifier's name.
    pub name: &'t str,
    /// For a field write `s.f.g`, the selector text without blanks.
    pub field: Option<String>,
    /// Whether the write is to a map element `m[k]`.
    pub element: bool,
    /// How the write is shown in messages (`total`, `s.count`).
    pub shown: String,
}

impl Target<'_> {
    /// Whether `decl` (the resolution of an identifier named like the
    /// target) is the target's variable.
    pub fn is(&self, decl: Option<&Decl<'_>>) -> bool {
        match (&self.decl, decl) {
            (Some(a), Some(b)) => a.ident.id() == b.ident.id(),
            (None, None) => true,
            _ => false,
        }
    }
}

/// `text` without blanks, to compare selector chains.
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a nested func literal runs in the goroutine that contains it:
/// called on the spot or deferred (not started as another goroutine, nor
/// handed to something that may call it later).
fn runs_inline(lit: Node<'_>) -> bool {
    lit.parent().is_some_and(|call| {
        call.kind() == "call_expression"
            && call.field("function") == Some(lit)
            && call.parent().is_none_or(|p| p.kind() != "go_statement")
    })
}

/// Whether the variable declared by `decl` holds a map.
fn is_map(decl: &Decl<'_>, ctx: &Ctx<'_>) -> bool {
    let by_type = decl.declared_type().is_some_and(|t| t.kind() == "map_type");
    let by_value = decl.initial_value().is_some_and(|v| match v.kind() {
        "composite_literal" => v.field("type").is_some_and(|t| t.kind() == "map_type"),
        "call_expression" => {
            syntax::is_call_to(v, ctx.src, "make")
                && syntax::call_args(v)
                    .first()
                    .is_some_and(|t| t.kind() == "map_type")
        }
        _ => false,
    });
    by_type || by_value
}

/// The variable written by the left-hand expression `lhs` of statement
/// `stmt` in goroutine literal `lit`, when it is captured from outside
/// `lit`. Element writes `out[i] = v` count only for maps: distinct slice
/// indexes do not race.
fn target<'t>(
    lhs: Node<'t>,
    stmt: Node<'t>,
    lit: Node<'t>,
    ctx: &Ctx<'t>,
    res: &mut Resolver<'t, 't>,
) -> Option<Target<'t>> {
    let lhs = syntax::unparen(lhs);
    let (root, field) = match lhs.kind() {
        "identifier" => (lhs, None),
        "selector_expression" => {
            let mut root = lhs;
            while root.kind() == "selector_expression" {
                root = syntax::unparen(root.field("operand")?);
            }
            (root, Some(compact(ctx.text(lhs))))
        }
        "index_expression" => (syntax::unparen(lhs.field("operand")?), None),
        _ => return None,
    };
    if root.kind() != "identifier" || ctx.text(root) == "_" {
        return None;
    }
    let decl = res.resolve(root);
    if decl.is_some_and(|d| inside(lit, d.ident) || d.kind == DeclKind::Const) {
        return None;
    }
    if lhs.kind() == "index_expression" && !decl.is_some_and(|d| is_map(&d, ctx)) {
        return None;
    }
    let name = ctx.text(root);
    Some(Target {
        stmt,
        decl,
        name,
        shown: field.clone().unwrap_or_else(|| name.to_string()),
        field,
        element: lhs.kind() == "index_expression",
    })
}

/// Every write in goroutine literal `lit` to a variable captured from
/// outside it (nested literals that run inline included).
pub fn writes<'t>(lit: Node<'t>, ctx: &Ctx<'t>, res: &mut Resolver<'t, 't>) -> Vec<Target<'t>> {
    let mut out = Vec::new();
    let Some(body) = syntax::function_body(lit) else {
        return out;
    };
    let mut sites = Vec::new();
    syntax::walk(body, |n| {
        match n.kind() {
            "func_literal" if !runs_inline(n) => return syntax::Walk::Skip,
            "assignment_statement" => {
                if let Some(left) = n.field("left") {
                    let mut c = left.walk();
                    sites.extend(left.named_children(&mut c).map(|e| (e, n)));
                }
            }
            "inc_statement" | "dec_statement" => sites.extend(n.named_child(0).map(|e| (e, n))),
            _ => {}
        }
        syntax::Walk::Enter
    });
    for (lhs, stmt) in sites {
        out.extend(target(lhs, stmt, lit, ctx, res));
    }
    out
}

/// Whether the write `stmt` runs with a mutex held: on its path in its own
/// function, the last `X.Lock()` / `X.Unlock()` of some `X` before it is a
/// Lock.
pub fn locked<'t>(stmt: Node<'t>, ctx: &Ctx<'t>) -> bool {
    let Some(body) = ctx
        .facts
        .parents()
        .enclosing_function(stmt)
        .and_then(syntax::function_body)
    else {
        return false;
    };
    let mut state: Vec<(&str, bool)> = Vec::new();
    for call in syntax::same_function_descendants(body) {
        if call.start_byte() >= stmt.start_byte() {
            break;
        }
        if call.kind() != "call_expression"
            || call.parent().is_some_and(|p| p.kind() == "defer_statement")
        {
            continue;
        }
        let Some((method, recv)) = method_call(call, ctx) else {
            continue;
        };
        let held = match method {
            "Lock" => true,
            "Unlock" => false,
            _ => continue,
        };
        if !flow::same_path(ctx.facts.parents(), call, stmt, ctx.src) {
            continue;
        }
        state.retain(|(r, _)| *r != recv);
        state.push((recv, held));
    }
    state.iter().any(|(_, held)| *held)
}

/// Whether the function holding the write `stmt` performs an atomic store
/// after it (`atomic.Store…`, `x.Store(…)`, `CompareAndSwap`, `Swap`): the
/// write is published by an explicit atomic protocol.
pub fn atomic_release_after<'t>(stmt: Node<'t>, ctx: &Ctx<'t>) -> bool {
    let Some(body) = ctx
        .facts
        .parents()
        .enclosing_function(stmt)
        .and_then(syntax::function_body)
    else {
        return false;
    };
    syntax::same_function_descendants(body)
        .into_iter()
        .any(|n| {
            n.start_byte() >= stmt.end_byte()
                && syntax::callee(n, ctx.src).is_some_and(|c| {
                    let name = c.rsplit('.').next().unwrap_or(c);
                    c.starts_with("atomic.")
                        || ["Store", "CompareAndSwap", "Swap"]
                            .iter()
                            .any(|p| name.starts_with(p))
                })
        })
}

/// Whether the goroutine publishes its writes: a `close(…)`, channel send,
/// `X.Done()`, `X.Unlock()`, `X.Signal()` or `X.Broadcast()` after the write
/// or deferred. Readers that wait for that see the write.
pub fn publishes_after(lit: Node<'_>, write: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let Some(body) = syntax::function_body(lit) else {
        return false;
    };
    let mut deferred_ranges = Vec::new();
    let mut signals = Vec::new();
    for n in syntax::same_function_descendants(body) {
        match n.kind() {
            "defer_statement" => deferred_ranges.push(n.byte_range()),
            "send_statement" => signals.push(n),
            "call_expression"
                if syntax::is_call_to(n, ctx.src, "close")
                    || method_call(n, ctx).is_some_and(|(m, _)| {
                        matches!(m, "Done" | "Unlock" | "Signal" | "Broadcast")
                    }) =>
            {
                signals.push(n)
            }
            _ => {}
        }
    }
    signals.into_iter().any(|n| {
        n.start_byte() >= write.end_byte()
            || deferred_ranges.iter().any(|r| r.contains(&n.start_byte()))
    })
}

/// The channels (as written) that the goroutine receives from before the
/// write `stmt`: the write waits for whoever sends on or closes them.
pub fn gates<'s>(lit: Node<'_>, stmt: Node<'_>, ctx: &Ctx<'s>) -> Vec<&'s str> {
    let Some(body) = syntax::function_body(lit) else {
        return Vec::new();
    };
    syntax::same_function_descendants(body)
        .into_iter()
        .filter(|n| n.end_byte() <= stmt.start_byte() && n.kind() == "unary_expression")
        .filter(|n| n.field("operator").is_some_and(|o| o.kind() == "<-"))
        .filter_map(|n| n.field("operand"))
        .map(|c| ctx.text(c))
        .collect()
}
