//! The other goroutines that may touch the variable a goroutine writes:
//! another goroutine literal of the function, or a function of the file
//! the function starts as a goroutine.

use super::writes::Target;
use super::{first_access, Goroutine, Race};
use crate::analysis::names::{DeclKind, Resolver};
use crate::analysis::syntax::{self, inside};
use crate::analysis::Ctx;
use tree_sitter::Node;

/// Another goroutine literal of the function touches the variable, and the
/// function does not wait for one before starting the other.
pub(super) fn other_goroutine<'t>(
    t: &Target<'t>,
    g: &Goroutine<'t>,
    ctx: &Ctx<'t>,
    res: &mut Resolver<'t, 't>,
) -> Option<Race> {
    for other in g.syncs.other_goroutines(g.lit) {
        let candidates = g.syncs.named_values(other, t.name, ctx.src);
        let Some(access) = first_access(t, candidates, ctx, res, |a| !inside(g.lit, a)) else {
            continue;
        };
        let other_launch = ctx.facts.parents().statement_of(other).unwrap_or(other);
        if ctx.facts.parents().enclosing_function(other_launch) == Some(g.parent) {
            let (a, b) = if other_launch.start_byte() < g.launch.start_byte() {
                (other_launch, g.launch)
            } else {
                (g.launch, other_launch)
            };
            if g.syncs.between(ctx.facts.parents(), a, b, false, ctx.src) {
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

/// The top-level function or method a `go f(…)` / `go x.m(…)` statement
/// starts, when the file declares it (a method only when one method of
/// the file has that name).
fn started_function<'t>(go: Node<'t>, ctx: &Ctx<'t>) -> Option<Node<'t>> {
    let call = go
        .named_child(0)
        .filter(|c| c.kind() == "call_expression")?;
    let f = syntax::unparen(call.child_by_field_name("function")?);
    let (name, kind) = match f.kind() {
        "identifier" => (ctx.text(f), "function_declaration"),
        "selector_expression" => (
            ctx.text(f.child_by_field_name("field")?),
            "method_declaration",
        ),
        _ => return None,
    };
    let root = ctx.facts.parents().ancestors(go).last()?;
    let mut c = root.walk();
    let mut found = root.named_children(&mut c).filter(|d| {
        d.kind() == kind
            && d.child_by_field_name("name")
                .is_some_and(|n| ctx.text(n) == name)
    });
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
