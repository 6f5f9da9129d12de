//! `concurrent-method-without-lock`: a method that writes its receiver's
//! fields without a lock, started as several goroutines on one receiver.

use super::{Rule, Severity};
use crate::analysis::go_starts::{self, Repeat};
use crate::analysis::summary;
use crate::analysis::syntax::text;
use crate::analysis::{Ctx, Finding, Match};
use tree_sitter::Node;

/// Goroutines running one method on one receiver race on what it writes.
pub const RULE: Rule = Rule {
    slug: "concurrent-method-without-lock",
    severity: Severity::Info,
    group: super::Group::Correctness,
    question: "how-can-concurrent-safety-be-ensured-when-using-shared-memory-in-go",
    topic: None,
    summary: "A method that writes its receiver's fields without a lock, started as several goroutines on the same receiver",
    why: "Every goroutine started on the same receiver runs the method at the same time as the others: its writes of the receiver's fields, with no mutex held and not through `sync/atomic`, are concurrent writes of the same memory — a data race. Counts get lost, maps panic with \"concurrent map writes\", and the race detector reports it only when a test happens to run two at once.",
    message: "started as several goroutines on the same receiver, and writes its fields without a lock: a data race between them",
    fix: Some("Hold a mutex of the receiver around the write (or make the field a `sync/atomic` type), or give each goroutine its own value and merge the results after `Wait`."),
    bad: "type Stats struct {\n\thits int\n}\n\nfunc (s *Stats) record() {\n\ts.hits++\n}\n\nfunc run(s *Stats, n int) {\n\tfor i := 0; i < n; i++ {\n\t\tgo s.record()\n\t}\n}",
    good: "type Stats struct {\n\tmu   sync.Mutex\n\thits int\n}\n\nfunc (s *Stats) record() {\n\ts.mu.Lock()\n\ts.hits++\n\ts.mu.Unlock()\n}\n\nfunc run(s *Stats, n int) {\n\tfor i := 0; i < n; i++ {\n\t\tgo s.record()\n\t}\n}",
    use_instead: Some("A `sync.Mutex` field locked around every write, `atomic.Int64` and friends for a lone counter, or one value per goroutine."),
    fix_safety: "No quick fix.",
    known_problems: &[
        "The receiver's type must be known: the method's own receiver, or a variable declared with a type of this file. A receiver of another package's type is not checked.",
        "Only the started method and the methods of the same receiver it calls are read (up to four calls deep); a write through a pointer handed elsewhere, or in a function that is not a method, is not seen.",
        "A lock taken by a helper that does not lock on entry, or through a pointer to the mutex (`mu := &s.mu`), is not seen, and the write is reported.",
        "Goroutines that take turns another way (a semaphore channel of capacity one, a channel handing the receiver from one to the next) are not told apart.",
        "Writes of an element (`s.m[k] = v`, `s.a[i].n++`) are not counted: without the field's type a map, which goroutines must not write at once, cannot be told from a slice each goroutine writes at its own index.",
        "A package none of whose files locks a mutex (`Lock()`), imports `sync/atomic` or waits on a `sync.Cond` is not summarised: there a method declared in another file than the `go` statement is not followed.",
    ],
    since: "0.1.0",
    go: "all",
    also_reported_by: &[],
    references: &[
        "https://go.dev/ref/mem",
        "https://go.dev/doc/articles/race_detector",
        "https://pkg.go.dev/sync#Mutex",
    ],
    query: include_str!("../../queries/concurrent-method-without-lock.scm"),
    check,
};

fn check<'t>(ctx: &Ctx<'t>, m: &Match<'_, 't>, out: &mut Vec<Finding>) {
    let Some(go) = m.node("report") else {
        return;
    };
    let up = ctx.facts.parents();
    let starts = go_starts::repeated(go, ctx.src, up);
    if starts.is_empty() {
        return;
    }
    let Some(decl) = up.ancestors(go).find(|n| up.parent(*n) == Some(ctx.root)) else {
        return;
    };
    let methods = ctx.methods();
    for start in starts {
        let Some(ty) = receiver_type(ctx, decl, start.receiver) else {
            continue;
        };
        let Some(write) = go_starts::unguarded_write(&methods, ty, start.method) else {
            continue;
        };
        let recv = ctx.text(start.receiver);
        let field = format!("{recv}{}", write.access.path);
        let how = match start.repeat {
            Repeat::Loop(_) => "on every iteration of the loop",
            Repeat::Twice(_) => "twice",
        };
        // The `go` statement itself, or the call in the literal it starts.
        let at = if go.named_child(0) == Some(start.call) {
            go.byte_range()
        } else {
            start.call.byte_range()
        };
        let mut finding = Finding::new(&RULE, at).message(format!(
            "`{recv}.{}` runs as a goroutine {how} on the same `{recv}`, and writes `{field}` without a lock: a data race between the goroutines",
            start.method,
        ));
        if let Repeat::Twice(twin) = start.repeat {
            finding = finding.related(twin.byte_range(), "started here too");
        }
        for hop in &write.hops {
            finding = finding.related_in(hop.file.clone(), hop.range.clone(), hop.describe());
        }
        finding = finding.related_in(
            write.file.clone(),
            write.access.range.clone(),
            format!(
                "`{}` writes `{field}` here with no mutex held",
                write.method.name
            ),
        );
        out.push(finding);
    }
}

/// The name of the type of `recv`, the receiver of a started method call
/// in top-level declaration `decl`: the declaring method's own receiver,
/// or a value whose type the file's declarations give.
fn receiver_type<'t>(ctx: &Ctx<'t>, decl: Node<'t>, recv: Node<'t>) -> Option<&'t str> {
    if recv.kind() == "identifier" {
        if let Some((name, ty)) = summary::receiver(decl, ctx.src) {
            if text(recv, ctx.src) == name {
                return Some(ty);
            }
        }
    }
    ctx.facts.receiver_type(decl, recv).name
}
