//! `cond-never-signalled`: `Wait()` on a `sync.Cond` — a local variable,
//! an unexported package-level variable, or an unexported field of the
//! method's receiver — that nothing in its function (a local) or its
//! package (the others) ever signals or broadcasts, and that never leaves
//! for code that could.

use super::{Rule, Severity};
use crate::analysis::conds::{fresh, is_cond_type};
use crate::analysis::fields::Fields as _;
use crate::analysis::names::{Decl, DeclKind, Resolver};
use crate::analysis::summary;
use crate::analysis::{Ctx, Finding, Match};
use tree_sitter::Node;

/// `Wait` returns only after a `Signal` or `Broadcast`: with none, the
/// waiting goroutine sleeps forever.
pub const RULE: Rule = Rule {
    slug: "cond-never-signalled",
    severity: Severity::Warning,
    group: super::Group::Correctness,
    question: "what-is-the-purpose-of-the-sync-package-in-go",
    topic: Some("`sync.Cond`"),
    summary: "Wait on a sync.Cond that nothing in its package ever signals or broadcasts",
    why: "`Cond.Wait` releases the lock and sleeps until another goroutine calls `Signal` or `Broadcast` on the same Cond. When no code that can reach the Cond ever does, the waiting goroutine never wakes: a goroutine leak, or a deadlock when others wait for it.",
    message: "waits on a sync.Cond that nothing in the package signals or broadcasts: the goroutine never wakes",
    fix: Some("Call `Signal` (one waiter) or `Broadcast` (all waiters) wherever the condition the waiters loop on may become true, holding the Cond's lock; or replace the Cond with a channel that is closed or sent on."),
    bad: "type Queue struct {\n\tmu    sync.Mutex\n\tready *sync.Cond\n\titems []int\n}\n\nfunc (q *Queue) Put(v int) {\n\tq.mu.Lock()\n\tq.items = append(q.items, v) // no waiter is woken\n\tq.mu.Unlock()\n}\n\nfunc (q *Queue) Take() int {\n\tq.mu.Lock()\n\tdefer q.mu.Unlock()\n\tfor len(q.items) == 0 {\n\t\tq.ready.Wait() // sleeps forever\n\t}\n\tv := q.items[0]\n\tq.items = q.items[1:]\n\treturn v\n}",
    good: "type Queue struct {\n\tmu    sync.Mutex\n\tready *sync.Cond\n\titems []int\n}\n\nfunc (q *Queue) Put(v int) {\n\tq.mu.Lock()\n\tq.items = append(q.items, v)\n\tq.ready.Signal()\n\tq.mu.Unlock()\n}\n\nfunc (q *Queue) Take() int {\n\tq.mu.Lock()\n\tdefer q.mu.Unlock()\n\tfor len(q.items) == 0 {\n\t\tq.ready.Wait()\n\t}\n\tv := q.items[0]\n\tq.items = q.items[1:]\n\treturn v\n}",
    use_instead: Some("A channel closed (or sent on) when the condition becomes true, which a `select` can also time out of."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "Only a Cond named directly is followed: a local or package-level variable, or a field of the method's receiver (`q.ready`). A Cond reached through another variable, an embedded `sync.Cond` (`t.Wait()`), a parameter or an exported name is left alone.",
        "Names are matched across the package's files by spelling: a `Signal` or `Broadcast` on any field or variable of the same name, or such a name handed elsewhere, keeps the rule silent.",
        "A field is taken to leave wherever its text shows it selected as a value or used as a key (a superset: silence, not noise); a package-level Cond handed elsewhere by a declaration that names no Cond, WaitGroup, `Wait()`, `Done()`, `Signal` or `Broadcast` is not seen leaving.",
        "Without the other files of the package (a lone file from standard input, say) the file is taken to be the whole package.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://pkg.go.dev/sync#Cond.Wait",
        "https://pkg.go.dev/sync#Cond.Signal",
    ],
    query: include_str!("../../queries/cond-never-signalled.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(call), Some(cond)) = (m.node("report"), m.node("cond")) else {
        return;
    };
    if call
        .field("arguments")
        .is_some_and(|a| a.named_child_count() != 0)
    {
        return;
    }
    let mut resolver = Resolver::new(ctx.src, ctx.facts.shared_parents());
    let silent = match cond.kind() {
        "identifier" => match resolver.resolve(cond) {
            Some(decl) if decl.kind == DeclKind::Package => {
                package_silent(ctx, ctx.text(cond), true)
            }
            Some(decl) => local_silent(ctx, &mut resolver, &decl),
            None => package_silent(ctx, ctx.text(cond), false),
        },
        "selector_expression" => field_silent(ctx, &mut resolver, cond),
        _ => true,
    };
    if silent {
        return;
    }
    let name = ctx.text(cond);
    out.push(Finding::new(&RULE, call.byte_range()).message(format!(
        "waits on `{name}`, but nothing that can reach `{name}` ever calls its Signal or Broadcast: this goroutine never wakes"
    )));
}

/// Whether the rule stays silent on the package-level variable `name`
/// (declared in this file when `here`): silent unless some file declares
/// it an unexported Cond and none signals it or hands it elsewhere.
fn package_silent(ctx: &Ctx<'_>, name: &str, here: bool) -> bool {
    let methods = ctx.methods();
    let declared = if here {
        ctx.facts.summary().conds.globals.iter().any(|g| g == name)
    } else {
        methods
            .files()
            .any(|f| f.conds.globals.iter().any(|g| g == name))
    };
    !declared || touched(ctx, name)
}

/// Whether some file of the package signals a Cond named `name` or hands
/// a value of that name elsewhere.
fn touched(ctx: &Ctx<'_>, name: &str) -> bool {
    let methods = ctx.methods();
    let touched = methods
        .files()
        .any(|f| f.conds.signalled.iter().any(|s| s.name == name) || f.conds.escapes(name));
    touched
}

/// Whether the rule stays silent on `recv.field`: silent unless `recv` is
/// the method's receiver, `field` an unexported Cond field of its type,
/// untouched elsewhere.
fn field_silent<'t>(ctx: &Ctx<'t>, resolver: &mut Resolver<'t, 't>, sel: Node<'t>) -> bool {
    let (Some(operand), Some(field)) = (sel.field("operand"), sel.field("field")) else {
        return true;
    };
    let Some(decl) = resolver
        .resolve(operand)
        .filter(|d| d.kind == DeclKind::Receiver)
    else {
        return true;
    };
    let Some((_, ty)) = decl.function().and_then(|f| summary::receiver(f, ctx.src)) else {
        return true;
    };
    let field = ctx.text(field);
    let declared = ctx.methods().files().any(|f| {
        f.conds
            .fields
            .iter()
            .any(|c| c.owner == ty && c.field == field)
    });
    !declared || touched(ctx, field)
}

/// Whether the rule stays silent on a local variable: silent unless it is
/// declared a new Cond and every use in its function is a `Wait` or its
/// `L`.
fn local_silent<'t>(ctx: &Ctx<'t>, resolver: &mut Resolver<'t, 't>, decl: &Decl<'t>) -> bool {
    if !matches!(decl.kind, DeclKind::Var | DeclKind::Short) {
        return true;
    }
    let cond = decl
        .declared_type()
        .is_some_and(|t| is_cond_type(t, ctx.src))
        || decl.initial_value().is_some_and(|v| fresh(v, ctx.src));
    let Some(func) = decl.function().filter(|_| cond) else {
        return true;
    };
    let parents = ctx.facts.parents();
    resolver
        .references(decl, func)
        .into_iter()
        .filter(|r| *r != decl.ident)
        .any(|r| {
            let used = parents
                .parent(r)
                .filter(|p| p.kind() == "selector_expression")
                .and_then(|p| p.field("field"))
                .map(|f| ctx.text(f));
            !matches!(used, Some("Wait" | "L"))
        })
}
