//! The other goroutines that may touch the variable a goroutine writes:
//! another goroutine literal of the function, or a function of the file
//! the function starts as a goroutine.

use super::writes::Target;
use super::{first_access, Goroutine, Race};
use crate::analysis::fields::Fields as _;
use crate::analysis::names::{DeclKind, Resolver};
use crate::analysis::syntax::{self, inside};
use crate::analysis::{flow, Ctx};
use tree_sitter::Node;

/// Another goroutine literal of the function touches the variable, and the
/// function does not wait for one before starting the other. A goroutine
/// started by another is ordered after what that one did before the `go`
/// statement (unless a loop repeats it).
pub(super) fn other_goroutine<'t>(
    t: &Target<'t>,
    g: &Goroutine<'t>,
    ctx: &Ctx<'t>,
    res: &mut Resolver<'t, 't>,
) -> Option<Race> {
    let up = ctx.facts.parents();
    let repeated = |launch: Node<'t>, within: Node<'t>| {
        flow::enclosing_loop(up, launch).is_some_and(|l| inside(within, l))
    };
    let nils_closed = nils_closed_channel(t, g, ctx, res);
    for other in g.syncs.other_goroutines(g.lit) {
        let other_launch = up.statement_of(other).unwrap_or(other);
        // Started by this goroutine after its write.
        if inside(g.lit, other_launch)
            && t.stmt.end_byte() <= other_launch.start_byte()
            && !repeated(other_launch, g.lit)
        {
            continue;
        }
        // This goroutine was started by the other: what the other did
        // before starting it happens before.
        let started_by_other = inside(other, g.launch) && !repeated(g.launch, other);
        let candidates = g.syncs.named_values(other, t.name, ctx.src);
        let Some(access) = first_access(t, candidates, ctx, res, |a| {
            let before_launch = started_by_other && a.end_byte() <= g.launch.start_byte();
            !inside(g.lit, a) && !before_launch
        }) else {
            continue;
        };
        if nils_closed && closes(other, t.name, ctx) {
            continue;
        }
        if up.enclosing_function(other_launch) == Some(g.parent) {
            let (a, b) = if other_launch.start_byte() < g.launch.start_byte() {
                (other_launch, g.launch)
            } else {
                (g.launch, other_launch)
            };
            if g.syncs.between(up, a, b, false, ctx.src) {
                continue;
            }
        }
        return Some(Race {
            message: format!("data race: `{}` is written by this goroutine and also accessed by another goroutine", t.shown),
            related: Some((access.byte_range(), "the other goroutine's access".to_string())),
        });
    }
    None
}

/// Whether the write is `ch = nil` under `if !ok`, where `ok` was received
/// from `ch`: the idiom that turns off a closed channel's case. It runs
/// only once the channel is closed, after the closing goroutine's sends.
fn nils_closed_channel<'t>(
    t: &Target<'t>,
    g: &Goroutine<'t>,
    ctx: &Ctx<'t>,
    res: &mut Resolver<'t, 't>,
) -> bool {
    let nil = t.field.is_none()
        && !t.element
        && t.stmt.field("right").is_some_and(|r| ctx.text(r) == "nil");
    if !nil {
        return false;
    }
    let received_from_target = |site: Node<'t>| {
        let mut right = site.field("right");
        if let Some(list) = right.filter(|r| r.kind() == "expression_list") {
            right = (list.named_child_count() == 1)
                .then(|| list.named_child(0))
                .flatten();
        }
        right.is_some_and(|r| {
            r.kind() == "unary_expression"
                && r.field("operator").is_some_and(|o| o.kind() == "<-")
                && r.field("operand").is_some_and(|c| ctx.text(c) == t.name)
        })
    };
    ctx.facts
        .parents()
        .ancestors(t.stmt)
        .take_while(|a| *a != g.lit)
        .filter(|a| a.kind() == "if_statement")
        .filter_map(|i| i.field("condition"))
        .filter_map(|c| {
            let c = syntax::unparen(c);
            (c.kind() == "unary_expression" && ctx.text(c).starts_with('!'))
                .then(|| c.field("operand"))
                .flatten()
        })
        .filter(|ok| ok.kind() == "identifier")
        .filter_map(|ok| res.resolve(ok))
        .any(|d| received_from_target(d.site))
}

/// Whether goroutine literal `lit` closes the channel named `name`.
fn closes(lit: Node<'_>, name: &str, ctx: &Ctx<'_>) -> bool {
    syntax::function_body(lit).is_some_and(|body| {
        syntax::same_function_descendants(body)
            .into_iter()
            .any(|n| {
                syntax::is_builtin_call(n, ctx, "close")
                    && syntax::call_args(n)
                        .first()
                        .is_some_and(|a| ctx.text(*a) == name)
            })
    })
}

/// The top-level function or method a `go f(…)` / `go x.m(…)` statement
/// starts, when the file declares it (a method only when one method of
/// the file has that name).
fn started_function<'t>(go: Node<'t>, ctx: &Ctx<'t>) -> Option<Node<'t>> {
    let call = go
        .named_child(0)
        .filter(|c| c.kind() == "call_expression")?;
    let f = syntax::unparen(call.field("function")?);
    let (name, kind) = match f.kind() {
        "identifier" => (ctx.text(f), "function_declaration"),
        "selector_expression" => (ctx.text(f.field("field")?), "method_declaration"),
        _ => return None,
    };
    let root = ctx.facts.parents().ancestors(go).last()?;
    let mut c = root.walk();
    let mut found = root
        .named_children(&mut c)
        .filter(|d| d.kind() == kind && d.field("name").is_some_and(|n| ctx.text(n) == name));
    let decl = found.next()?;
    found.next().is_none().then_some(decl)
}

/// A package variable the goroutine writes is read or written by a
/// function of the file that the parent starts as another goroutine
/// (`go report()`), with no wait between the two starts: waiting for the
/// writer afterwards orders the write against the waiter only.
pub(super) fn started_function_access<'t>(
    t: &Target<'t>,
    g: &Goroutine<'t>,
    ctx: &Ctx<'t>,
    res: &mut Resolver<'t, 't>,
) -> Option<Race> {
    if t.decl.is_some_and(|d| d.kind != DeclKind::Package) {
        return None;
    }
    let body = syntax::function_body(g.parent)?;
    let up = ctx.facts.parents();
    for go in syntax::same_function_descendants(body) {
        if go.kind() != "go_statement" {
            continue;
        }
        let Some(started) = started_function(go, ctx).and_then(syntax::function_body) else {
            continue;
        };
        let (a, b) = if go.start_byte() < g.launch.start_byte() {
            (go, g.launch)
        } else {
            (g.launch, go)
        };
        if g.syncs.between(up, a, b, false, ctx.src) {
            continue;
        }
        let candidates = syntax::descendants(started)
            .into_iter()
            .filter(|n| n.kind() == "identifier" && ctx.text(*n) == t.name)
            .collect();
        if let Some(access) = first_access(t, candidates, ctx, res, |_| true) {
            return Some(Race {
                message: format!("data race: `{}` is written by this goroutine and also accessed by another goroutine, started from the same function", t.shown),
                related: Some((access.byte_range(), "the other goroutine's access".to_string())),
            });
        }
    }
    None
}
