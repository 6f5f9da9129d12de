//! `shared-var-race`: a goroutine literal writes a captured variable, with
//! no lock held, while another access can run at the same time.

mod others;
mod writes;

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::names::{DeclKind, Resolver};
use crate::analysis::sync_points::SyncPoints;
use crate::analysis::syntax::inside;
use crate::analysis::{flow, syntax, Ctx, Finding, Match};
use others::{other_goroutine, started_function_access};
use std::ops::Range;
use std::rc::Rc;
use tree_sitter::Node;
use writes::{compact, Target};

/// Unsynchronised concurrent access where one side writes is a data race.
pub const RULE: Rule = Rule {
    slug: "shared-var-race",
    severity: Severity::Warning,
    group: super::Group::Suspicious,
    question: "how-does-go-handle-race-conditions",
    topic: Some("Understanding Race Conditions"),
    summary: "A goroutine literal writes a captured variable, without a lock or atomic, while another access can run at the same time",
    why: "Two goroutines touching one variable, at least one writing, without synchronisation is a data race: updates are lost, values tear, and `go test -race` fails.",
    message: "data race: this goroutine writes a shared variable that another access can touch at the same time",
    fix: Some("Guard the variable with a sync.Mutex, use sync/atomic, or let one goroutine own it and send results on a channel; wait (wg.Wait(), a receive) before reading it."),
    bad: "var total int\nfor _, n := range nums {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\ttotal += n // every goroutine writes total\n\t}()\n}\nwg.Wait()",
    good: "var total atomic.Int64\nfor _, n := range nums {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\ttotal.Add(int64(n))\n\t}()\n}\nwg.Wait()",
    use_instead: Some("The typed atomics `atomic.Int64`, `atomic.Bool`, `atomic.Pointer[T]` (Go 1.19) for a counter or flag."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "Happens-before the rule does not see: a request/reply round trip over a connection or a pipe read short of its end; a closed channel seen in any other way than `if _, ok := <-ch; !ok { ch = nil }`.",
        "A goroutine started by another is taken to run after what its starter did before the `go` statement, and each goroutine literal to run once: a function started twice that writes the same variable is not reported.",
        "A `select` gives up waiting, for the rule, only in a `default` or in a case on a call (`time.After`, `ctx.Done()`) or a timer's `.C` that goes on past the select; a case on a stop channel is taken to synchronise, and a timeout that fails the test (`t.Error`) is not followed.",
        "Another goroutine that reads a package variable is seen only when the function starts it from a literal or by the name of a function (or of the only method so named) declared in the same file.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/mem",
        "https://go.dev/doc/articles/race_detector",
        "https://pkg.go.dev/sync/atomic",
    ],
    query: include_str!("../../queries/shared-var-race.scm"),
    check,
};

/// Why a write can race, and the other access when there is one.
struct Race {
    /// The message.
    message: String,
    /// The other access, with what it is.
    related: Option<(Range<usize>, String)>,
}

/// One goroutine literal under examination.
struct Goroutine<'t> {
    /// The func literal.
    lit: Node<'t>,
    /// The statement that starts it (`go …` or `g.Go(…)`).
    launch: Node<'t>,
    /// The function whose code starts it.
    parent: Node<'t>,
    /// That function's synchronisation points.
    syncs: Rc<SyncPoints<'t>>,
}

/// The first access to the target's variable among `candidates` (value
/// identifiers spelled like its root) that satisfies `keep`: for a field
/// target, the access is the matching selector `s.f`.
fn first_access<'t>(
    t: &Target<'t>,
    candidates: Vec<Node<'t>>,
    ctx: &Ctx<'t>,
    res: &mut Resolver<'t, 't>,
    mut keep: impl FnMut(Node<'t>) -> bool,
) -> Option<Node<'t>> {
    for ident in candidates {
        let access = match &t.field {
            None => ident,
            Some(field) => {
                let mut sel = ident;
                while let Some(p) = sel.parent().filter(|p| {
                    p.kind() == "selector_expression" && p.field("operand") == Some(sel)
                }) {
                    sel = p;
                    if compact(ctx.text(sel)) == *field {
                        break;
                    }
                }
                if compact(ctx.text(sel)) != *field {
                    continue;
                }
                sel
            }
        };
        if keep(access) && t.is(res.resolve(ident).as_ref()) {
            return Some(access);
        }
    }
    None
}

/// Started in a loop, and the variable outlives an iteration: goroutines of
/// different iterations write it together (unless each iteration waits).
fn started_in_loop<'t>(t: &Target<'_>, g: &Goroutine<'t>, ctx: &Ctx<'t>) -> Option<Race> {
    let lp = flow::enclosing_loop(ctx.facts.parents(), g.launch)?;
    if flow::leaves_loop_after(ctx.facts.parents(), g.launch, lp, ctx.src)
        || g.syncs
            .waits_later_in(ctx.facts.parents(), g.launch, lp, ctx.src)
    {
        return None;
    }
    // Range variables are per iteration from Go 1.22; a three-clause loop
    // variable is copied into the next iteration, a read that races too.
    let per_iteration = t.decl.is_some_and(|d| {
        let in_body = lp.field("body").is_some_and(|b| inside(b, d.ident));
        let range_var = d.site.kind() == "range_clause" && d.site.parent() == Some(lp);
        in_body || (range_var && !ctx.go_before(22))
    });
    if per_iteration {
        return None;
    }
    Some(Race {
        message: format!(
            "data race: `{}` is written by a goroutine started in a loop, so the goroutines of different iterations write it at the same time",
            t.shown
        ),
        related: Some((lp.byte_range(), "the loop that starts the goroutines".to_string())),
    })
}

/// Whether the parent sends on or closes one of the `gates` after
/// `access`, releasing the goroutine's write only then.
fn releases_after(body: Node<'_>, access: Node<'_>, gates: &[&str], ctx: &Ctx<'_>) -> bool {
    !gates.is_empty()
        && syntax::same_function_descendants(body)
            .into_iter()
            .any(|n| {
                let channel = match n.kind() {
                    "send_statement" => n.field("channel"),
                    "call_expression" if syntax::is_call_to(n, ctx.src, "close") => {
                        syntax::call_args(n).first().copied()
                    }
                    _ => None,
                };
                n.start_byte() >= access.end_byte()
                    && channel.is_some_and(|c| gates.contains(&ctx.text(c)))
            })
}

/// The parent reads or writes the variable after starting the goroutine,
/// with no synchronisation in between.
fn parent_access<'t>(
    t: &Target<'t>,
    g: &Goroutine<'t>,
    ctx: &Ctx<'t>,
    res: &mut Resolver<'t, 't>,
) -> Option<Race> {
    let body = syntax::function_body(g.parent)?;
    let gates = writes::gates(g.lit, t.stmt, ctx);
    let candidates: Vec<Node<'t>> = g
        .syncs
        .named_values(body, t.name, ctx.src)
        .into_iter()
        .filter(|a| a.start_byte() >= g.launch.end_byte())
        .collect();
    let access = first_access(t, candidates, ctx, res, |a| {
        ctx.facts.parents().enclosing_function(a) == Some(g.parent)
            && flow::same_path(ctx.facts.parents(), g.launch, a, ctx.src)
            && !g
                .syncs
                .between(ctx.facts.parents(), g.launch, a, true, ctx.src)
            && !releases_after(body, a, &gates, ctx)
    });
    if let Some(access) = access {
        return Some(Race {
            message: format!(
                "data race: `{}` is written by this goroutine while the function that started it still uses it, with no wg.Wait(), channel receive or Lock in between",
                t.shown
            ),
            related: Some((access.byte_range(), "accessed here, concurrently with the goroutine".to_string())),
        });
    }
    let ret = bare_return(t, g, body, &gates, ctx)?;
    Some(Race {
        message: format!(
            "data race: `{}` is a named result this goroutine writes, and the bare return hands it to the caller with no wg.Wait(), channel receive or Lock in between",
            t.shown
        ),
        related: Some((ret.byte_range(), "the caller reads the result from here, concurrently with the goroutine".to_string())),
    })
}

/// A bare `return` of the parent after the launch, with nothing ordering
/// the goroutine's write before it, when the target is one of the parent's
/// named results written whole (not a field or a map element, which the
/// return does not read): the caller reads the result the goroutine
/// writes. A deferred wait runs before the caller reads and orders the
/// write.
fn bare_return<'t>(
    t: &Target<'t>,
    g: &Goroutine<'t>,
    body: Node<'t>,
    gates: &[&str],
    ctx: &Ctx<'t>,
) -> Option<Node<'t>> {
    let whole = t.field.is_none() && !t.element;
    let result = t
        .decl
        .is_some_and(|d| d.kind == DeclKind::Result && d.function() == Some(g.parent));
    if !whole || !result || g.syncs.defers_wait() {
        return None;
    }
    let up = ctx.facts.parents();
    syntax::same_function_descendants(body)
        .into_iter()
        .find(|n| {
            n.kind() == "return_statement"
                && n.named_child_count() == 0
                && n.start_byte() >= g.launch.end_byte()
                && flow::same_path(up, g.launch, *n, ctx.src)
                && !g.syncs.between(up, g.launch, *n, true, ctx.src)
                && !releases_after(body, *n, gates, ctx)
        })
}

/// The variable is shared beyond the function (a package variable, a field
/// of a pointer receiver or pointer parameter) and nothing waits for the
/// goroutine or is signalled by it.
fn shared_beyond(t: &Target<'_>, g: &Goroutine<'_>, ctx: &Ctx<'_>) -> Option<Race> {
    let what = match &t.decl {
        None => "a package variable",
        Some(d) if d.kind == DeclKind::Package => "a package variable",
        Some(d)
            if t.field.is_some()
                && d.declared_type()
                    .is_some_and(|ty| ty.kind() == "pointer_type") =>
        {
            match d.kind {
                DeclKind::Receiver => "a field of the receiver",
                DeclKind::Param => "a field of a pointer parameter",
                _ => return None,
            }
        }
        _ => return None,
    };
    if g.syncs.any_after(g.launch) || writes::publishes_after(g.lit, t.stmt, ctx) {
        return None;
    }
    Some(Race {
        message: format!(
            "data race: `{}` is {what}, shared beyond this function, and this goroutine writes it with no lock while nothing waits for it",
            t.shown
        ),
        related: None,
    })
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(start), Some(lit)) = (m.node("report"), m.node("lit")) else {
        return;
    };
    let Some(parent) = ctx.facts.parents().enclosing_function(start) else {
        return;
    };
    let mut res = ctx.facts.resolver();
    let targets: Vec<Target<'_>> = writes::writes(lit, ctx, &mut res)
        .into_iter()
        .filter(|t| !writes::locked(t.stmt, ctx) && !writes::atomic_release_after(t.stmt, ctx))
        .collect();
    if targets.is_empty() {
        return;
    }
    let g = Goroutine {
        lit,
        launch: ctx.facts.parents().statement_of(start).unwrap_or(start),
        parent,
        syncs: ctx
            .facts
            .sync_points(parent, || SyncPoints::of(parent, ctx, &mut res)),
    };
    for t in &targets {
        let race = started_in_loop(t, &g, ctx)
            .or_else(|| other_goroutine(t, &g, ctx, &mut res))
            .or_else(|| started_function_access(t, &g, ctx, &mut res))
            .or_else(|| parent_access(t, &g, ctx, &mut res))
            .or_else(|| shared_beyond(t, &g, ctx));
        let Some(race) = race else { continue };
        let mut finding = Finding::new(&RULE, t.stmt.byte_range()).message(race.message);
        if let Some((range, what)) = race.related {
            finding = finding.related(range, what);
        }
        out.push(finding);
    }
}
