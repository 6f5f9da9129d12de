//! How the function that starts goroutines synchronises with them (read by
//! `shared-var-race`, cached per function in [`super::Facts`]).

use super::names::{self, Decl, Resolver};
use super::syntax::{inside, Parents};
use super::{flow, syntax, Ctx};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::Node;

/// The method name of a call `x.M(…)`, and the receiver text `x`.
pub fn method_call<'s>(call: Node<'_>, ctx: &Ctx<'s>) -> Option<(&'s str, &'s str)> {
    let f = syntax::unparen(call.child_by_field_name("function")?);
    if f.kind() != "selector_expression" {
        return None;
    }
    Some((
        ctx.text(f.child_by_field_name("field")?),
        ctx.text(f.child_by_field_name("operand")?),
    ))
}

/// Whether the variable declared by `decl` holds a channel.
fn is_chan(decl: &Decl<'_>, ctx: &Ctx<'_>) -> bool {
    decl.declared_type()
        .is_some_and(|t| t.kind() == "channel_type")
        || decl.initial_value().is_some_and(|v| {
            syntax::is_call_to(v, ctx.src, "make")
                && syntax::call_args(v)
                    .first()
                    .is_some_and(|t| t.kind() == "channel_type")
        })
}

/// How a statement of the parent synchronises with its goroutines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sync {
    /// Waits for them: `X.Wait()`, a channel receive, ranging over a channel.
    Wait,
    /// `X.Lock()`/`X.RLock()`: excludes them from a critical section.
    Lock,
}

/// How `node` synchronises the parent with its goroutines, if it does.
fn sync_kind<'t>(node: Node<'t>, ctx: &Ctx<'t>, res: &mut Resolver<'t, 't>) -> Option<Sync> {
    let wait = match node.kind() {
        "call_expression" => match method_call(node, ctx)?.0 {
            "Wait" => true,
            "Lock" | "RLock" => false,
            _ => return None,
        },
        "unary_expression" => node
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "<-"),
        "range_clause" => node
            .child_by_field_name("right")
            .map(syntax::unparen)
            .filter(|r| r.kind() == "identifier")
            .and_then(|r| res.resolve(r))
            .is_some_and(|d| is_chan(&d, ctx)),
        _ => false,
    };
    match (wait, node.kind()) {
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
        if let Some(body) = syntax::function_body(func) {
            for node in syntax::same_function_descendants(body) {
                if node.kind() == "defer_statement" {
                    deferred.push(node.byte_range());
                } else if let Some(kind) = sync_kind(node, ctx, res) {
                    let in_defer = deferred.iter().any(|r| r.contains(&node.start_byte()));
                    points.push(Point {
                        node,
                        kind,
                        deferred: in_defer,
                    });
                }
            }
        }
        let mut goroutines = Vec::new();
        syntax::walk(func, |n| {
            if n.kind() == "func_literal" && is_goroutine(n, ctx) {
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
                    && p.node.start_byte() >= from.end_byte()
                    && p.node.end_byte() <= to.start_byte()
                    && flow::same_path(up, from, p.node, src)
            })
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
                && p.node.start_byte() >= from.end_byte()
                && inside(region, p.node)
                && flow::same_path(up, from, p.node, src)
        })
    }
}

/// Whether func literal `lit` is started as a goroutine (`go` or `g.Go`).
pub fn is_goroutine(lit: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let Some(parent) = lit.parent() else {
        return false;
    };
    match parent.kind() {
        "call_expression" => parent.parent().is_some_and(|p| p.kind() == "go_statement"),
        "argument_list" => {
            parent.named_child_count() == 1
                && parent
                    .parent()
                    .and_then(|call| method_call(call, ctx))
                    .is_some_and(|(m, _)| m == "Go")
        }
        _ => false,
    }
}
