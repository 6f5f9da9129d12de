//! Goroutines started more than once on one receiver, and what the method
//! they run writes of it without a lock.
//!
//! A `go x.m(…)` statement (or a call `x.m(…)` in the func literal a `go`
//! statement starts) runs `m` concurrently with every other goroutine
//! started the same way on the same `x`: in a loop that neither waits for
//! the goroutine nor gives `x` a new value per iteration, or twice in a row
//! in one block. The method's unguarded writes come from the per-method
//! field accesses of [`super::summary`], across the files of the package
//! ([`Methods`]), following calls of the same receiver.

use super::flow;
use super::guards::TypeAccesses;
use super::package::{Hop, HopKind, Methods};
use super::summary::{Access, FieldAccess, FileSummary, MethodSummary};
use super::syntax::{self, text, Parents};
use crate::analysis::fields::Fields as _;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tree_sitter::Node;

/// How deep the search for a write follows calls of the same receiver.
const MAX_DEPTH: usize = 4;

/// Why a goroutine runs alongside another on the same receiver.
#[derive(Clone, Copy, Debug)]
pub enum Repeat<'t> {
    /// Started on each iteration of this loop.
    Loop(Node<'t>),
    /// Started by this earlier `go` statement of the same block too.
    Twice(Node<'t>),
}

/// A method started as a goroutine more than once on one receiver.
#[derive(Clone, Copy, Debug)]
pub struct Start<'t> {
    /// The call `x.m(…)`: the `go` statement's own, or one in the func
    /// literal it starts.
    pub call: Node<'t>,
    /// The receiver expression `x`.
    pub receiver: Node<'t>,
    /// The method's name `m`.
    pub method: &'t str,
    /// Why it runs more than once at a time.
    pub repeat: Repeat<'t>,
}

/// Whether the file `bytes` may start a goroutine: it holds a `go`
/// statement at the start of a gofmt-indented line. Such a file is
/// summarised even when it cannot synchronise: the methods it starts may
/// write their receiver with no lock at all.
pub fn may_start(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"\tgo ").is_some()
}

/// The methods `go` statement `go` starts more than once at a time on one
/// receiver. Linear in the size of the loop or block around it.
pub fn repeated<'t>(go: Node<'t>, src: &'t str, up: &Parents<'t>) -> Vec<Start<'t>> {
    if let Some(loop_) = flow::enclosing_loop(up, go) {
        let calls = started_calls(go, src);
        if calls.is_empty()
            || waits_in(loop_, go, src)
            || flow::leaves_loop_after(up, go, loop_, src)
        {
            return Vec::new();
        }
        let assigned = flow::assigned_names_in(loop_, src);
        return calls
            .into_iter()
            .filter(|(_, recv, _)| !flow::changes_among(*recv, &assigned, src))
            .map(|(call, receiver, method)| Start {
                call,
                receiver,
                method,
                repeat: Repeat::Loop(loop_),
            })
            .collect();
    }
    let Some(list) = up.parent(go) else {
        return Vec::new();
    };
    // The same method on the same receiver, started earlier in the block
    // with nothing between that waits or gives the receiver a new value.
    let mut earlier = Vec::new();
    let mut c = list.walk();
    for stmt in list.named_children(&mut c) {
        if stmt == go {
            break;
        }
        if waits_in(stmt, go, src) {
            earlier.clear();
        } else if syntax::kind(stmt) == "go_statement" {
            earlier.push(stmt);
        }
    }
    if earlier.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (call, receiver, method) in started_calls(go, src) {
        let twin = earlier.iter().rev().find(|e| {
            started_calls(**e, src)
                .iter()
                .any(|(_, r, m)| *m == method && text(*r, src) == text(receiver, src))
        });
        if let Some(&twin) = twin {
            if !flow::changes_in(receiver, list, twin.end_byte(), go.start_byte(), src) {
                out.push(Start {
                    call,
                    receiver,
                    method,
                    repeat: Repeat::Twice(twin),
                });
            }
        }
    }
    out
}

/// The method calls `x.m(…)` that `go` statement `go` runs: its own call,
/// or the calls of a started func literal on a receiver it does not
/// declare, made before the literal takes any lock.
fn started_calls<'t>(go: Node<'t>, src: &'t str) -> Vec<(Node<'t>, Node<'t>, &'t str)> {
    let Some(call) = go
        .named_child(0)
        .filter(|c| syntax::kind(*c) == "call_expression")
    else {
        return Vec::new();
    };
    let Some(function) = call.field("function").map(syntax::unparen) else {
        return Vec::new();
    };
    if syntax::kind(function) != "func_literal" {
        return method_call(call, src).into_iter().collect();
    }
    let Some(body) = function.field("body") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut locked = false;
    syntax::walk(body, |n| {
        if locked || syntax::kind(n) == "func_literal" {
            return syntax::Walk::Skip;
        }
        if let Some(call) = method_call(n, src) {
            if matches!(call.2, "Lock" | "RLock") {
                locked = true;
                return syntax::Walk::Skip;
            }
            found.push(call);
        }
        syntax::Walk::Enter
    });
    if found.is_empty() {
        return found;
    }
    // One walk of the body for the names it assigns, not one per call.
    let assigned = flow::assigned_names_in(body, src);
    found.retain(|(_, recv, _)| {
        !flow::changes_among(*recv, &assigned, src)
            && !declares(function, text(root(*recv), src), src)
    });
    found
}

/// Whether func literal `lit` declares `name` as a parameter.
fn declares(lit: Node<'_>, name: &str, src: &str) -> bool {
    lit.field("parameters").is_some_and(|p| {
        syntax::descendants(p)
            .into_iter()
            .any(|n| syntax::kind(n) == "identifier" && text(n, src) == name)
    })
}

/// `node` as a method call `x.m(…)` on a variable or a field path of one:
/// the call, `x`, `m`.
fn method_call<'t>(node: Node<'t>, src: &'t str) -> Option<(Node<'t>, Node<'t>, &'t str)> {
    if syntax::kind(node) != "call_expression" {
        return None;
    }
    let function = syntax::unparen(node.field("function")?);
    if syntax::kind(function) != "selector_expression" {
        return None;
    }
    let receiver = function.field("operand")?;
    let mut r = receiver;
    while syntax::kind(r) == "selector_expression" {
        r = r.field("operand")?;
    }
    let field = function.field("field")?;
    (syntax::kind(r) == "identifier").then(|| (node, receiver, text(field, src)))
}

/// The identifier a field path starts from: `s` for `s.a.b`.
fn root(mut expr: Node<'_>) -> Node<'_> {
    while let Some(op) = expr
        .field("operand")
        .filter(|_| syntax::kind(expr) == "selector_expression")
    {
        expr = op;
    }
    expr
}

/// Whether `node` waits, outside func literals: a `Wait()` call
/// (`wg.Wait()`, `g.Wait()`), a receive whose value is dropped (`<-done`),
/// or a `select` with no `default` that does not hold `go` statement `go`
/// (one that does waits for the work it starts goroutines for).
fn waits_in(node: Node<'_>, go: Node<'_>, src: &str) -> bool {
    syntax::same_function_descendants(node)
        .into_iter()
        .any(|n| {
            (syntax::kind(n) == "call_expression"
                && syntax::callee(n, src).is_some_and(|c| c.ends_with(".Wait")))
                || (syntax::kind(n) == "expression_statement"
                    && n.named_child(0).and_then(flow::received).is_some())
                || (syntax::kind(n) == "select_statement"
                    && !syntax::inside(n, go)
                    && !has_default(n))
        })
}

/// Whether `select` statement `select` has a `default` case.
fn has_default(select: Node<'_>) -> bool {
    let mut c = select.walk();
    let found = select
        .named_children(&mut c)
        .any(|n| syntax::kind(n) == "default_case");
    found
}

/// A write of a receiver field with no receiver mutex held, reached from
/// a started method.
pub struct Write<'a> {
    /// The file it is in: `None` for the file being checked.
    pub file: Option<Arc<str>>,
    /// The method that writes.
    pub method: &'a MethodSummary,
    /// The write.
    pub access: &'a FieldAccess,
    /// The calls of the same receiver from the started method to the one
    /// that writes.
    pub hops: Vec<Hop>,
}

/// The first field write that calling method `name` of a receiver of type
/// `ty` makes with none of the receiver's mutexes held: not in a closure,
/// not of a field also used through `sync/atomic` or as a channel or
/// mutex, not in a method whose callers hold the lock by convention, not
/// after a call of a method that locks on entry or after the receiver
/// variable is given a new value. `None` when some declaration of the
/// method (one per build tag) makes none, or has a value receiver. A
/// write of an element (`s.m[k] = v`) is not counted: without the field's
/// type a map cannot be told from a slice each goroutine writes at its own
/// index.
pub fn unguarded_write<'a>(methods: &Methods<'a>, ty: &str, name: &str) -> Option<Write<'a>> {
    let all = methods.of_type(ty);
    if all.is_empty() {
        return None;
    }
    let search = Search {
        methods,
        ty,
        mutexes: all.iter().flat_map(|(_, m)| m.mutexes()).collect(),
        fields: TypeAccesses::of(methods, ty),
        all,
    };
    search.from(name, MAX_DEPTH, &mut HashSet::new())
}

/// The facts [`unguarded_write`] reads of one type.
struct Search<'a, 'm> {
    methods: &'m Methods<'a>,
    ty: &'m str,
    all: Vec<(Option<Arc<str>>, &'a MethodSummary)>,
    mutexes: HashSet<&'a str>,
    fields: TypeAccesses<'a>,
}

impl<'a> Search<'a, '_> {
    fn from(&self, name: &str, depth: usize, visiting: &mut HashSet<String>) -> Option<Write<'a>> {
        if depth == 0 || !visiting.insert(name.to_string()) {
            return None;
        }
        let mut first = None;
        for (file, m) in self.all.iter().filter(|(_, m)| m.name == name) {
            match self.in_method(file, m, depth, visiting) {
                Some(w) => {
                    first.get_or_insert(w);
                }
                None => {
                    first = None;
                    break;
                }
            }
        }
        visiting.remove(name);
        first
    }

    fn in_method(
        &self,
        file: &Option<Arc<str>>,
        m: &'a MethodSummary,
        depth: usize,
        visiting: &mut HashSet<String>,
    ) -> Option<Write<'a>> {
        // The goroutine calls it with no lock: only a convention saying
        // its callers hold one (another mutex, say) holds it back.
        if !m.pointer || m.assumes_held {
            return None;
        }
        // A call of a method that locks on entry guards what follows it;
        // once the receiver variable has a new value, nothing is of it.
        let lock_at = m
            .receiver_calls
            .iter()
            .filter(|c| {
                self.mutexes
                    .iter()
                    .any(|s| self.methods.entry_lock(self.ty, &c.name, s).is_some())
            })
            .map(|c| c.range.start)
            .chain(m.rebound.as_ref().map(|r| r.start))
            .min()
            .unwrap_or(usize::MAX);
        let write = m.accesses.iter().find(|a| {
            a.access == Access::Write
                && a.held.is_empty()
                && !a.closure
                && !a.element
                && a.range.start < lock_at
                && !self.mutexes.contains(a.path.as_str())
                && !self.fields.sites(&a.path).any(|s| {
                    matches!(
                        s.access.access,
                        Access::Atomic | Access::AtomicLoad | Access::Channel
                    )
                })
        });
        if let Some(access) = write {
            return Some(Write {
                file: file.clone(),
                method: m,
                access,
                hops: Vec::new(),
            });
        }
        m.receiver_calls
            .iter()
            .filter(|c| c.held.is_empty() && c.range.start < lock_at)
            .find_map(|c| {
                let mut w = self.from(&c.name, depth - 1, visiting)?;
                w.hops.insert(
                    0,
                    Hop {
                        file: file.clone(),
                        range: c.range.clone(),
                        method: m.name.clone(),
                        step: HopKind::Calls(c.name.clone()),
                    },
                );
                Some(w)
            })
    }
}

/// What [`unguarded_write`] reads of the file summarised as `summary`, as
/// links for incremental analysis (see [`super::facts::file_links`]): for
/// each method's name, the writes, calls and locks of the methods of its
/// type it reaches in the file. An edit that changes them re-checks the
/// `go` statements that start the method.
pub fn links(summary: &FileSummary) -> Vec<(String, String)> {
    let mut own: HashMap<(&str, &str), String> = HashMap::new();
    for m in &summary.methods {
        let writes: Vec<String> = m
            .accesses
            .iter()
            .filter(|a| a.access == Access::Write && a.held.is_empty() && !a.closure && !a.element)
            .map(|a| a.path.clone())
            .collect();
        let calls: Vec<String> = m
            .receiver_calls
            .iter()
            .map(|c| format!("{}{}", c.name, if c.held.is_empty() { "" } else { " held" }))
            .collect();
        let locks: Vec<&str> = m.mutexes().collect();
        let fact = format!(
            "{}.{} {} {} {}: writes {writes:?} calls {calls:?} locks {locks:?}",
            m.receiver_type,
            m.name,
            m.pointer,
            m.assumes_held,
            m.rebound.is_some()
        );
        own.entry((&m.receiver_type, &m.name))
            .or_default()
            .push_str(&fact);
    }
    let mut out = Vec::new();
    for m in &summary.methods {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut next = vec![m.name.as_str()];
        for _ in 0..MAX_DEPTH {
            let names = std::mem::take(&mut next);
            for name in names.into_iter().filter(|n| seen.insert(n)) {
                for callee in summary
                    .methods
                    .iter()
                    .filter(|c| c.name == name && c.receiver_type == m.receiver_type)
                {
                    next.extend(callee.receiver_calls.iter().map(|c| c.name.as_str()));
                }
            }
        }
        let mut facts: Vec<&str> = seen
            .iter()
            .filter_map(|n| own.get(&(m.receiver_type.as_str(), *n)).map(String::as_str))
            .collect();
        facts.sort_unstable();
        out.push((m.name.clone(), format!("started {}", facts.join("; "))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{links, FileSummary};
    use crate::analysis::Analyzer;
    use std::sync::Arc;

    /// The link of method name `word` in the file `src`.
    fn link(src: &str, word: &str) -> String {
        let tree = Analyzer::new().parse(src, None).expect("parse");
        let summary = FileSummary::of(tree.root_node(), src, Arc::from(""));
        links(&summary)
            .into_iter()
            .find(|(w, _)| w == word)
            .map(|(_, fact)| fact)
            .unwrap_or_default()
    }

    #[test]
    fn a_started_method_s_link_follows_what_its_helpers_write() {
        let src = "package p\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (s *S) work() {\n\ts.add()\n}\n\nfunc (s *S) add() {\n\ts.n++\n}\n";
        let before = link(src, "work");
        assert!(before.contains("[\".n\"]"), "{before}");
        let locked = src.replace("\ts.n++\n", "\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n");
        assert_ne!(before, link(&locked, "work"));
        let moved = src.replace("package p\n", "package p\n\n// moved\n");
        assert_eq!(before, link(&moved, "work"));
    }
}
