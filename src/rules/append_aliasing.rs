//! `append-aliasing`: `b := append(a, …)` where `a` lives on, so `a` and
//! `b` may share one backing array.

use super::{Rule, Severity};
use crate::analysis::fields::Fields as _;
use crate::analysis::names::{self, Decl, DeclKind};
use crate::analysis::syntax::Parents;
use crate::analysis::{flow, syntax, Ctx, Finding, Fix, Match};
use tree_sitter::Node;

/// Two slices on one backing array see each other's writes.
pub const RULE: Rule = Rule {
    slug: "append-aliasing",
    severity: Severity::Info,
    group: super::Group::Pedantic,
    question: "how-does-go-handle-slice-growth-when-capacity-is-insufficient",
    topic: Some("Best practices"),
    summary: "`b := append(a, …)` where `a` is a parameter or is used again: while `a` has spare capacity, `b` shares its backing array",
    why: "append only copies when the capacity runs out; until then the result points into the same array, so a later append to `a` (or a write through it) silently changes `b`.",
    message: "the result of append may share its backing array with the slice it appends to",
    fix: Some("Copy explicitly (`b := append(a[:len(a):len(a)], x)` forces a new array), or keep using a single variable (`a = append(a, x)`)."),
    bad: "func withDefault(opts []string) []string {\n\tall := append(opts, \"default\")\n\treturn all\n}",
    good: "func withDefault(opts []string) []string {\n\tall := append(opts[:len(opts):len(opts)], \"default\")\n\treturn all\n}",
    use_instead: Some("`slices.Concat(a, []T{x})` (Go 1.22) or `append(slices.Clip(a), x)` (Go 1.21), which always make a new backing array."),
    fix_safety: "The quick fix limits the capacity of the appended slice (`a[:len(a):len(a)]`), which forces append to copy. Behaviour changes only for code that relied on the two slices sharing memory; it allocates once more. Never marked preferred.",
    known_problems: &[
        "The Append convention is recognised by name only: a helper named `append…` or a parameter named `dst`.",
        "A scratch buffer reused each iteration is recognised only when it starts empty, is never written, and the appended slice is not kept past the iteration; one whose result is stored or sent is reported.",
        "A result stored back where the slice was read from, when a labelled `continue` leaves before the old slice is used again.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/spec#Appending_and_copying_slices",
        "https://go.dev/blog/slices-intro",
        "https://pkg.go.dev/slices#Clip",
    ],
    query: include_str!("../../queries/append-aliasing.scm"),
    check,
};

/// The single target receiving `call` in `target := call` / `target = call`.
fn receiver(call: Node<'_>) -> Option<Node<'_>> {
    let values = call.parent().filter(|p| p.kind() == "expression_list")?;
    let stmt = values.parent()?;
    let ok = match stmt.kind() {
        "short_var_declaration" => true,
        "assignment_statement" => stmt.field("operator").is_some_and(|o| o.kind() == "="),
        _ => false,
    };
    let left = stmt.field("left")?;
    if !ok
        || stmt.field("right") != Some(values)
        || values.named_child_count() != 1
        || left.named_child_count() != 1
    {
        return None;
    }
    left.named_child(0).map(syntax::unparen)
}

/// A reference that writes the slice (see [`names::is_written`]).
const WRITTEN: u8 = 1;
/// A reference that gives the slice a new value (see [`plain_overwrite`]).
const OVERWRITTEN: u8 = 2;

/// How the reference `ident` to the slice uses it; `up` is the file's
/// parents.
fn tag<'t>(up: &Parents<'t>, ident: Node<'t>) -> u8 {
    let written = if names::is_written(up, ident) {
        WRITTEN
    } else {
        0
    };
    let overwritten = if plain_overwrite(up, ident) {
        OVERWRITTEN
    } else {
        0
    };
    written | overwritten
}

/// Whether the slice declared by `decl` is known to have no spare capacity
/// (a slice literal, `make([]T, n)`) or to be nil (`var a []T`), and is
/// never reassigned: append then always copies.
fn always_copies(decl: &Decl<'_>, refs: &[(Node<'_>, u8)], ctx: &Ctx<'_>) -> bool {
    let copies = match decl.initial_value() {
        Some(v) if v.kind() == "composite_literal" => true,
        Some(v) if syntax::is_call_to(v, ctx.src, "make") => syntax::call_args(v).len() == 2,
        Some(_) => false,
        None => decl.kind == DeclKind::Var && decl.site.field("value").is_none(),
    };
    copies
        && !refs
            .iter()
            .any(|(r, t)| *r != decl.ident && t & WRITTEN != 0)
}

/// A later read of the slice: after the append statement, or anywhere in
/// a loop that repeats the append (the append itself included, unless the
/// loop gives the slice a new value).
fn used_again<'t>(
    up: &Parents<'t>,
    refs: &[(Node<'t>, u8)],
    call: Node<'t>,
    stmt: Node<'t>,
) -> Option<Node<'t>> {
    let inside = |outer: Node<'_>, n: Node<'_>| {
        outer.start_byte() <= n.start_byte() && n.end_byte() <= outer.end_byte()
    };
    let loop_ = flow::enclosing_loop(up, stmt)
        .filter(|l| refs.first().is_some_and(|(d, _)| !inside(*l, *d)));
    let renewed = loop_.is_some_and(|l| {
        refs.iter()
            .any(|(r, t)| inside(l, *r) && t & OVERWRITTEN != 0)
    });
    // Nothing before the loop or the statement can be a later use.
    let from = loop_.map_or(stmt.end_byte(), |l| l.start_byte().min(stmt.end_byte()));
    let first = refs.partition_point(|(r, _)| r.start_byte() < from);
    // Whether a new value was assigned after the statement, before the
    // reference at hand.
    let mut overwritten = false;
    for &(r, t) in refs.get(first..).unwrap_or(&[]) {
        if t & OVERWRITTEN != 0 {
            overwritten |= r.start_byte() >= stmt.end_byte();
            continue;
        }
        // A later read of the same value: no new value assigned in between.
        let later =
            r.start_byte() >= stmt.end_byte() && !overwritten && !flow::exclusive(up, stmt, r);
        let repeated = loop_.is_some_and(|l| inside(l, r) && !(renewed && inside(call, r)));
        if later || repeated {
            return Some(r);
        }
    }
    None
}

/// Whether `ident` is the whole left side of a plain `=`/`:=` (a new value,
/// not a write through the old one).
fn plain_overwrite<'t>(up: &Parents<'t>, ident: Node<'t>) -> bool {
    names::is_written(up, ident)
        && up
            .parent(ident)
            .and_then(|l| up.parent(l))
            .is_some_and(|s| {
                matches!(
                    s.kind(),
                    "short_var_declaration" | "range_clause" | "receive_statement"
                ) || s.field("operator").is_some_and(|o| o.kind() == "=")
            })
}

/// Whether `func` follows the Append convention for `slice`: it is named
/// `append…`/`Append…`, or `slice` is its `dst` parameter — it appends to
/// the caller's buffer and returns the result, like `strconv.AppendInt`
/// (and `strconv.formatBits`, which backs it).
fn is_append_style(func: Node<'_>, decl: &Decl<'_>, ctx: &Ctx<'_>) -> bool {
    let named = func
        .field("name")
        .is_some_and(|n| ctx.text(n).to_ascii_lowercase().starts_with("append"));
    named || (decl.kind == DeclKind::Param && ctx.text(decl.ident) == "dst")
}

/// Whether `a` in `target := append(a, …)` is a scratch buffer reused on
/// purpose each iteration of a loop: it starts empty with room to spare
/// (`make([]T, 0, n)`, `buf[:0]`) and is never written, this append is the
/// only one reading it, and `target` is declared afresh in the loop and
/// never kept past its iteration (only indexed, sliced, measured, ranged
/// over or passed to a call). Nothing can then see one iteration's bytes
/// through another's.
fn reused_scratch<'t>(
    decl: &Decl<'t>,
    refs: &[(Node<'t>, u8)],
    call: Node<'t>,
    target: Node<'t>,
    ctx: &Ctx<'t>,
) -> bool {
    let empty = decl.initial_value().is_some_and(|v| match v.kind() {
        "call_expression" => {
            let args = syntax::call_args(v);
            syntax::is_call_to(v, ctx.src, "make")
                && args.len() == 3
                && args.get(1).is_some_and(|n| ctx.text(*n) == "0")
        }
        "slice_expression" => {
            v.field("start").is_none()
                && v.field("end").is_some_and(|e| ctx.text(e) == "0")
                && v.field("capacity").is_none()
        }
        _ => false,
    });
    let up = ctx.facts.parents();
    let appended_from = |r: Node<'t>| {
        up.parent(r)
            .filter(|l| l.kind() == "argument_list" && l.named_child(0) == Some(r))
            .and_then(|l| up.parent(l))
            .is_some_and(|c| syntax::is_call_to(c, ctx.src, "append"))
    };
    let only_append = refs.iter().all(|(r, t)| {
        *r == decl.ident
            || (t & WRITTEN == 0
                && (!appended_from(*r) || up.parent(*r).and_then(|l| up.parent(l)) == Some(call)))
    });
    let Some(loop_) = flow::enclosing_loop(up, call) else {
        return false;
    };
    let fresh = up
        .parent(target)
        .and_then(|l| up.parent(l))
        .is_some_and(|s| s.kind() == "short_var_declaration")
        && !(loop_.start_byte() <= decl.ident.start_byte()
            && decl.ident.end_byte() <= loop_.end_byte());
    if !(empty && only_append && fresh) {
        return false;
    }
    let sites = ctx.facts.sites(call);
    let (Some(kept), Some(func)) = (sites.resolve(target), decl.function()) else {
        return false;
    };
    let uses = sites.decl_references(&kept, func);
    uses.iter().filter(|u| **u != target).all(|u| {
        let Some(p) = up.parent(*u) else { return false };
        match p.kind() {
            "index_expression" | "slice_expression" | "range_clause" => true,
            "argument_list" => up.parent(p).is_some_and(|c| {
                !syntax::is_call_to(c, ctx.src, "append")
                    && !up
                        .parent(c)
                        .is_some_and(|g| matches!(g.kind(), "go_statement" | "defer_statement"))
            }),
            _ => false,
        }
    })
}

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let (Some(call), Some(slice)) = (m.node("report"), m.node("slice")) else {
        return;
    };
    let Some(target) = receiver(call) else { return };
    let (name, target_text) = (ctx.text(slice), ctx.text(target));
    if target_text == name || target_text == "_" || syntax::call_args(call).len() < 2 {
        return;
    }
    let sites = ctx.facts.sites(call);
    let Some(decl) = sites.resolve(slice) else {
        return;
    };
    let Some(func) = decl.function() else {
        return;
    };
    if is_append_style(func, &decl, ctx) {
        return;
    }
    let Some(stmt) = ctx.facts.parents().statement_of(call) else {
        return;
    };
    let up = ctx.facts.parents();
    let refs = sites.tagged_references(&decl, func, "append-aliasing writes", |r| tag(up, r));
    if always_copies(&decl, &refs, ctx) {
        return;
    }
    let again = used_again(ctx.facts.parents(), &refs, call, stmt);
    if again.is_some() && reused_scratch(&decl, &refs, call, target, ctx) {
        return;
    }
    let why = match (decl.kind, again) {
        (DeclKind::Param | DeclKind::Receiver, _) => {
            format!("`{name}` is a parameter: the caller's slice")
        }
        (_, Some(_)) => format!("`{name}` is used again"),
        _ => return,
    };
    let fix = Fix::single(
        format!("Force a copy: append({name}[:len({name}):len({name})], …)"),
        slice.byte_range(),
        format!("{name}[:len({name}):len({name})]"),
        false,
    );
    let mut finding = Finding::new(&RULE, call.byte_range())
        .message(format!(
            "`{target_text}` may share its backing array with `{name}` ({why}): while `{name}` has spare capacity, appending to or writing through one changes the other"
        ))
        .fix(fix);
    if let Some(again) = again {
        finding = finding.related(again.byte_range(), format!("`{name}` is used again here"));
    }
    out.push(finding);
}
