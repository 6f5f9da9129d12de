//! How the function that starts goroutines synchronises with them (read by
//! `shared-var-race`, cached per function in [`super::Facts`]).

use super::names::{self, Decl, Resolver};
use super::syntax::{inside, Parents};
use super::{flow, syntax, Ctx};
use crate::analysis::fields::Fields as _;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::Node;

/// The method name of a call `x.M(…)`, and the receiver text `x`.
pub fn method_call<'s>(call: Node<'_>, ctx: &Ctx<'s>) -> Option<(&'s str, &'s str)> {
    let f = syntax::unparen(call.field("function")?);
    if syntax::kind(f) != "selector_expression" {
        return None;
    }
    Some((ctx.text(f.field("field")?), ctx.text(f.field("operand")?)))
}

/// Whether the variable declared by `decl` holds a channel.
fn is_chan(decl: &Decl<'_>, ctx: &Ctx<'_>) -> bool {
    decl.declared_type()
        .is_some_and(|t| syntax::kind(t) == "channel_type")
        || decl.initial_value().is_some_and(|v| {
            syntax::is_call_to(v, ctx.src, "make")
                && syntax::call_args(v)
                    .first()
                    .is_some_and(|t| syntax::kind(*t) == "channel_type")
        })
}

/// How a statement of the parent synchronises with its goroutines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sync {
    /// Waits for them: `X.Wait()`, a channel receive, ranging over a
    /// channel, reading an `io.Pipe` to its end.
    Wait,
    /// `X.Lock()`/`X.RLock()`: excludes them from a critical section.
    Lock,
}

/// Whether `decl` is the reader half of an `io.Pipe()`: `pr, pw := io.Pipe()`.
fn is_pipe_reader(decl: &Decl<'_>, ctx: &Ctx<'_>) -> bool {
    let site = decl.site;
    syntax::kind(site) == "short_var_declaration"
        && site.field("left").and_then(|l| l.named_child(0)) == Some(decl.ident)
        && site
            .field("right")
            .filter(|r| r.named_child_count() == 1)
            .and_then(|r| r.named_child(0))
            .is_some_and(|v| syntax::is_call_to(v, ctx.src, "io.Pipe"))
}

/// Whether `call` reads an `io.Pipe` reader to its end (`io.ReadAll(pr)`,
/// `io.Copy(w, pr)`): it returns only once the writer is closed, so it
/// waits for the goroutine that closes it.
fn drains_pipe<'t>(call: Node<'t>, ctx: &Ctx<'t>, res: &mut Resolver<'t, 't>) -> bool {
    let at = match syntax::callee(call, ctx.src) {
        Some("io.ReadAll" | "ioutil.ReadAll") => 0,
        Some("io.Copy" | "io.CopyBuffer") => 1,
        _ => return false,
    };
    syntax::call_args(call)
        .get(at)
        .map(|a| syntax::unparen(*a))
        .filter(|a| syntax::kind(*a) == "identifier")
        .and_then(|a| res.resolve(a))
        .is_some_and(|d| is_pipe_reader(&d, ctx))
}

/// How `node` synchronises the parent with its goroutines, if it does.
fn sync_kind<'t>(node: Node<'t>, ctx: &Ctx<'t>, res: &mut Resolver<'t, 't>) -> Option<Sync> {
    if syntax::kind(node) == "call_expression" && drains_pipe(node, ctx, res) {
        return Some(Sync::Wait);
    }
    let wait = match syntax::kind(node) {
        "call_expression" => match method_call(node, ctx)?.0 {
            "Wait" => true,
            "Lock" | "RLock" => false,
            _ => return None,
        },
        "unary_expression" => node
            .field("operator")
            .is_some_and(|o| syntax::kind(o) == "<-"),
        "range_clause" => node
            .field("right")
            .map(syntax::unparen)
            .filter(|r| syntax::kind(*r) == "identifier")
            .and_then(|r| res.resolve(r))
            .is_some_and(|d| is_chan(&d, ctx)),
        _ => false,
    };
    match (wait, syntax::kind(node)) {
        (true, _) => Some(Sync::Wait),
        (false, "call_expression") => Some(Sync::Lock),
        _ => None,
    }
}

/// One synchronisation point of the parent.
struct Point<'t> {
    node: Node<'t>,
    kind: Sync,
    /// Inside a `defer` statement: runs at return.
    deferred: bool,
    /// For a receive in a `select` one of whose cases can time out and go
    /// on past it: the receive's own case, the only code it orders.
    only_in: Option<Node<'t>>,
}

/// The `select` case whose communication `node` is part of.
fn select_case_of<'t>(node: Node<'t>, up: &Parents<'t>) -> Option<Node<'t>> {
    let case = up
        .ancestors(node)
        .take(3)
        .find(|a| syntax::kind(*a) == "communication_case")?;
    case.field("communication")
        .is_some_and(|c| inside(c, node))
        .then_some(case)
}

/// Whether a `select` case gives up waiting and goes on past the select: a
/// `default`, or a receive from a call (`time.After(…)`, `ctx.Done()`) or
/// a timer's `.C`, whose body neither leaves the path nor, in a test,
/// fails the test (`t.Error`): a path that is not the code's normal one.
fn times_out_and_goes_on(case: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let src = ctx.src;
    let gives_up = match syntax::kind(case) {
        "default_case" => true,
        "communication_case" => case.field("communication").is_some_and(|comm| {
            syntax::descendants(comm)
                .into_iter()
                .filter_map(flow::received)
                .map(syntax::unparen)
                .any(|ch| {
                    syntax::kind(ch) == "call_expression"
                        || (syntax::kind(ch) == "selector_expression"
                            && ch
                                .field("field")
                                .is_some_and(|f| syntax::text(f, src) == "C"))
                })
        }),
        _ => false,
    };
    if !gives_up {
        return false;
    }
    let ends = flow::statements(case)
        .last()
        .is_some_and(|s| flow::is_terminator(*s, src) || syntax::kind(*s) == "continue_statement");
    let fails_test = ctx.options.test_file
        && syntax::descendants(case).into_iter().any(|n| {
            syntax::kind(n) == "call_expression"
                && method_call(n, ctx).is_some_and(|(m, _)| matches!(m, "Error" | "Errorf"))
        });
    !ends && !fails_test
}

/// The case that scopes a receive `node` (see [`Point::only_in`]);
/// `selects` remembers, by node id, whether a select has a case that times
/// out and goes on.
fn scoped_receive<'t>(
    node: Node<'t>,
    ctx: &Ctx<'t>,
    selects: &mut HashMap<usize, bool>,
) -> Option<Node<'t>> {
    let up = ctx.facts.parents();
    let case = select_case_of(node, up)?;
    let select = up.parent(case)?;
    let goes_on = *selects.entry(select.id()).or_insert_with(|| {
        let mut c = select.walk();
        let cases: Vec<_> = select.named_children(&mut c).collect();
        cases.into_iter().any(|any| times_out_and_goes_on(any, ctx))
    });
    goes_on.then_some(case)
}

/// The sync points of one function body (its own code, not nested func
/// literals), in document order.
pub struct SyncPoints<'t> {
    points: Vec<Point<'t>>,
    /// The function the points are of.
    func: Node<'t>,
    /// The goroutine literals started anywhere in the function, in order.
    goroutines: Vec<Node<'t>>,
    /// The value identifiers of the function by name, in document order,
    /// indexed on first use of each name.
    values: RefCell<HashMap<&'t str, Rc<[Node<'t>]>>>,
}

impl<'t> SyncPoints<'t> {
    /// The sync points of `func`.
    pub fn of(func: Node<'t>, ctx: &Ctx<'t>, res: &mut Resolver<'t, 't>) -> Self {
        let mut points = Vec::new();
        let mut deferred = Vec::new();
        let mut selects = HashMap::new();
        if let Some(body) = syntax::function_body(func) {
            for node in syntax::same_function_descendants(body) {
                if syntax::kind(node) == "defer_statement" {
                    deferred.push(node.byte_range());
                } else if let Some(kind) = sync_kind(node, ctx, res) {
                    let in_defer = deferred.iter().any(|r| r.contains(&node.start_byte()));
                    let only_in = (syntax::kind(node) == "unary_expression")
                        .then(|| scoped_receive(node, ctx, &mut selects))
                        .flatten();
                    points.push(Point {
                        node,
                        kind,
                        deferred: in_defer,
                        only_in,
                    });
                }
            }
        }
        let mut goroutines = Vec::new();
        syntax::walk(func, |n| {
            if syntax::kind(n) == "func_literal" && is_goroutine(n, ctx) {
                goroutines.push(n);
            }
            syntax::Walk::Enter
        });
        SyncPoints {
            points,
            func,
            goroutines,
            values: RefCell::new(HashMap::new()),
        }
    }

    /// The value identifiers spelled `name` within `node` (a part of the
    /// function), in document order.
    pub fn named_values(&self, node: Node<'t>, name: &'t str, src: &str) -> Vec<Node<'t>> {
        let known = self.values.borrow().get(name).cloned();
        let all = known.unwrap_or_else(|| {
            let all: Rc<[Node<'t>]> = names::named_values(self.func, name, src).into();
            self.values.borrow_mut().insert(name, Rc::clone(&all));
            all
        });
        let from = all.partition_point(|n| n.start_byte() < node.start_byte());
        let to = all.partition_point(|n| n.start_byte() < node.end_byte());
        all.get(from..to)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|n| n.end_byte() <= node.end_byte())
            .collect()
    }

    /// The goroutine literals started in the function other than `lit`.
    pub fn other_goroutines(&self, lit: Node<'t>) -> impl Iterator<Item = Node<'t>> + '_ {
        self.goroutines.iter().copied().filter(move |g| *g != lit)
    }

    /// Whether any sync point follows `launch` (deferred ones included).
    pub fn any_after(&self, launch: Node<'t>) -> bool {
        self.points
            .iter()
            .any(|p| p.node.start_byte() >= launch.end_byte())
    }

    /// Whether a sync point that is not deferred runs on the path from
    /// `from` to `to` (both in this function), after `from` and before
    /// `to`; a Lock counts only when `locks` is set.
    pub fn between(
        &self,
        up: &Parents<'t>,
        from: Node<'t>,
        to: Node<'t>,
        locks: bool,
        src: &str,
    ) -> bool {
        let first = self
            .points
            .partition_point(|p| p.node.start_byte() < from.end_byte());
        let after = self.points.get(first..).unwrap_or_default();
        after
            .iter()
            .take_while(|p| p.node.start_byte() < to.start_byte())
            .any(|p| {
                !p.deferred
                    && (locks || p.kind == Sync::Wait)
                    && p.only_in.is_none_or(|case| inside(case, to))
                    && p.node.start_byte() >= from.end_byte()
                    && p.node.end_byte() <= to.start_byte()
                    && flow::same_path(up, from, p.node, src)
            })
    }

    /// Whether the function defers a wait (`defer wg.Wait()`): it runs
    /// before the caller sees the function's named results.
    pub fn defers_wait(&self) -> bool {
        self.points
            .iter()
            .any(|p| p.deferred && p.kind == Sync::Wait)
    }

    /// Whether the parent waits (not merely locks) after `from`, on its
    /// path within `region` (the rest of a loop iteration).
    pub fn waits_later_in(
        &self,
        up: &Parents<'t>,
        from: Node<'t>,
        region: Node<'t>,
        src: &str,
    ) -> bool {
        self.points.iter().any(|p| {
            !p.deferred
                && p.kind == Sync::Wait
                && p.only_in.is_none()
                && p.node.start_byte() >= from.end_byte()
                && inside(region, p.node)
                && flow::same_path(up, from, p.node, src)
        })
    }
}

/// Whether func literal `lit` is started as a goroutine (`go` or `g.Go`).
pub fn is_goroutine<'t>(lit: Node<'t>, ctx: &Ctx<'t>) -> bool {
    let up = ctx.facts.parents();
    let Some(parent) = up.parent(lit) else {
        return false;
    };
    match syntax::kind(parent) {
        "call_expression" => up
            .parent(parent)
            .is_some_and(|p| syntax::kind(p) == "go_statement"),
        "argument_list" => {
            parent.named_child_count() == 1
                && up
                    .parent(parent)
                    .and_then(|call| method_call(call, ctx))
                    .is_some_and(|(m, _)| m == "Go")
        }
        _ => false,
    }
}
