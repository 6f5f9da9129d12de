//! The life of a channel made locally (`ch := make(chan T, n)`), followed in
//! execution order through the rest of its block, in its own goroutine:
//! unconditional sends one by one (constant-count loops unrolled), up to the
//! first statement that uses the channel in any other way.

use super::channels::{self, Use};
use super::sites::Sites;
use super::syntax::{self, text, Parents};
use super::{flow, Fix};
use crate::analysis::fields::Fields as _;
use std::rc::Rc;
use tree_sitter::Node;

/// Loops are unrolled at most this many times; a longer loop ends the trace
/// with [`Step::Unknown`] after that many iterations.
const MAX_UNROLL: u64 = 256;
/// Statements visited before a trace gives up.
const BUDGET: usize = 20_000;

/// A channel made and declared by one statement.
#[derive(Clone, Copy, Debug)]
pub struct MadeChannel<'t> {
    /// The declaring statement (`:=` or `var`).
    pub stmt: Node<'t>,
    /// The declared identifier.
    pub ident: Node<'t>,
    /// The `make(chan T[, n])` call.
    pub make: Node<'t>,
    /// Its capacity when it is a constant (0 for `make(chan T)`).
    pub capacity: Option<u64>,
}

impl<'t> MadeChannel<'t> {
    /// The channel `make` declares in `decl` (a `short_var_declaration` or
    /// `var_spec`), pairing names and values by position.
    pub fn of(decl: Node<'t>, make: Node<'t>, src: &str) -> Option<Self> {
        let (names, values, stmt) = match syntax::kind(decl) {
            "short_var_declaration" => {
                let left = decl.field("left")?;
                let mut c = left.walk();
                let names: Vec<_> = left.named_children(&mut c).collect();
                (names, decl.field("right")?, decl)
            }
            "var_spec" => {
                let mut c = decl.walk();
                let names: Vec<_> = decl.fields("name", &mut c).collect();
                let stmt =
                    syntax::ancestors(decl).find(|a| syntax::kind(*a) == "var_declaration")?;
                (names, decl.field("value")?, stmt)
            }
            _ => return None,
        };
        let mut c = values.walk();
        let index = values.named_children(&mut c).position(|v| v == make)?;
        let ident = *names
            .get(index)
            .filter(|n| syntax::kind(**n) == "identifier" && text(**n, src) != "_")?;
        let args = syntax::call_args(make);
        let capacity = match args.get(1) {
            None => Some(0),
            Some(n) => channels::int_value(*n, src),
        };
        Some(MadeChannel {
            stmt,
            ident,
            make,
            capacity,
        })
    }

    /// A fix giving the channel a buffer of `size`.
    pub fn capacity_fix(&self, size: u64, preferred: bool) -> Option<Fix> {
        let args = syntax::call_args(self.make);
        let title = format!("Give the channel a buffer of {size}");
        Some(match (args.first(), args.get(1)) {
            (_, Some(cap)) => Fix::single(title, cap.byte_range(), size.to_string(), preferred),
            (Some(ty), None) => Fix::single(
                title,
                ty.end_byte()..ty.end_byte(),
                format!(", {size}"),
                preferred,
            ),
            (None, None) => return None,
        })
    }
}

/// One step of a trace.
#[derive(Clone, Debug)]
pub enum Step<'t> {
    /// A send statement that runs now (once per step; a send in an unrolled
    /// loop appears once per iteration).
    Send(Node<'t>),
    /// The first statement that uses the channel otherwise, or only
    /// conditionally; every reference in it with its use (a reference inside
    /// a func literal is [`Use::Other`]). The trace ends here.
    Other {
        /// The statement.
        stmt: Node<'t>,
        /// Each reference and how it is used.
        uses: Vec<(Node<'t>, Use)>,
    },
    /// The trace could not follow the code (a long loop, a huge function).
    Unknown,
}

enum Item<'t> {
    Stmt(Node<'t>),
    /// The statements of a list from an index on.
    Rest(Rc<[Node<'t>]>, usize),
    GiveUp,
}

/// The steps of a channel after its declaration; see the module docs.
pub struct Trace<'t, 's> {
    name: &'s str,
    src: &'s str,
    sites: Rc<Sites<'t>>,
    stack: Vec<Item<'t>>,
    budget: usize,
}

impl<'t, 's> Trace<'t, 's> {
    /// The trace of the channel declared by `made`, or `None` when its
    /// declaration is not a statement of a block or the function uses `goto`;
    /// `sites` indexes the declaration holding it.
    pub fn of(made: &MadeChannel<'t>, sites: Rc<Sites<'t>>, src: &'s str) -> Option<Self> {
        let func = sites.parents().enclosing_function(made.stmt)?;
        if sites.func(func).has_goto {
            return None;
        }
        let (stmts, at) = sites.statement_list(made.stmt)?;
        Some(Trace {
            name: text(made.ident, src),
            src,
            sites,
            stack: vec![Item::Rest(stmts, at + 1)],
            budget: BUDGET,
        })
    }

    /// The uses of the channel in `stmt`.
    fn uses(&self, stmt: Node<'t>) -> Vec<(Node<'t>, Use)> {
        self.sites
            .references(stmt, self.name, stmt.start_byte())
            .iter()
            .map(|&r| {
                let up = self.sites.parents();
                let how = if channels::in_nested_literal(up, r, stmt) || in_loop_update(up, r, stmt)
                {
                    Use::Other
                } else {
                    channels::classify(up, r, self.src)
                };
                (r, how)
            })
            .collect()
    }

    /// Pushes the body of a constant-count loop once per iteration.
    fn unroll(&mut self, body: Node<'t>, count: u64) {
        if count > MAX_UNROLL {
            self.stack.push(Item::GiveUp);
        }
        for _ in 0..count.min(MAX_UNROLL) {
            self.stack.push(Item::Stmt(body));
        }
    }
}

impl<'t> Iterator for Trace<'t, '_> {
    type Item = Step<'t>;

    fn next(&mut self) -> Option<Step<'t>> {
        while let Some(item) = self.stack.pop() {
            let stmt = match item {
                Item::Stmt(stmt) => stmt,
                Item::Rest(stmts, at) => {
                    let (Some(stmt), Some(last)) = (stmts.get(at).copied(), stmts.last()) else {
                        continue;
                    };
                    // Nothing in the rest of the block uses the channel: the
                    // trace ends with the block, whatever it holds.
                    let rest_uses = self.sites.has_reference_between(
                        self.name,
                        stmt.start_byte(),
                        last.end_byte(),
                    );
                    if !rest_uses {
                        self.stack.clear();
                        return None;
                    }
                    self.stack.push(Item::Rest(stmts, at + 1));
                    stmt
                }
                Item::GiveUp => {
                    self.stack.clear();
                    return Some(Step::Unknown);
                }
            };
            if self.budget == 0 {
                self.stack.clear();
                return Some(Step::Unknown);
            }
            self.budget -= 1;
            if matches!(syntax::kind(stmt), "comment" | "empty_statement") {
                continue;
            }
            let uses = self.uses(stmt);
            if uses.is_empty() {
                if ends_path(stmt, self.src) {
                    self.stack.clear();
                    return None;
                }
                continue;
            }
            if uses
                .iter()
                .all(|(_, u)| matches!(u, Use::DeferredClose | Use::LenCap))
            {
                continue;
            }
            if syntax::kind(stmt) == "send_statement" && uses.len() == 1 && uses[0].1 == Use::Send {
                return Some(Step::Send(stmt));
            }
            if matches!(syntax::kind(stmt), "block" | "statement_list") {
                let inner = flow::statements(stmt);
                self.stack.extend(inner.into_iter().rev().map(Item::Stmt));
                continue;
            }
            if syntax::kind(stmt) == "for_statement" {
                if let (Some(count), Some(body)) = (trip_count(stmt, self.src), stmt.field("body"))
                {
                    if uses
                        .iter()
                        .all(|(r, _)| r.start_byte() >= body.start_byte())
                    {
                        self.unroll(body, count);
                        continue;
                    }
                }
            }
            self.stack.clear();
            return Some(Step::Other { stmt, uses });
        }
        None
    }
}

/// Whether `node` sits in the update statement of a `for` clause inside
/// `stmt`: it runs after the loop body, not in the order it is written.
fn in_loop_update<'t>(up: &Parents<'t>, node: Node<'t>, stmt: Node<'t>) -> bool {
    up.ancestors(node)
        .take_while(|a| a.start_byte() >= stmt.start_byte() && *a != stmt)
        .any(|a| {
            up.parent(a)
                .is_some_and(|p| syntax::kind(p) == "for_clause" && p.field("update") == Some(a))
        })
}

/// Whether nothing after `stmt` in its block runs: it returns, panics,
/// jumps, or loops forever (`for { … }` without `break`, `select {}`).
fn ends_path(stmt: Node<'_>, src: &str) -> bool {
    if flow::is_terminator(stmt, src)
        || matches!(
            syntax::kind(stmt),
            "break_statement" | "continue_statement" | "fallthrough_statement"
        )
    {
        return true;
    }
    match syntax::kind(stmt) {
        "for_statement" => {
            stmt.named_child_count() == 1
                && stmt.field("body").is_some_and(|b| {
                    !syntax::same_function_descendants(b)
                        .iter()
                        .any(|n| syntax::kind(*n) == "break_statement")
                })
        }
        "select_statement" => stmt.named_child_count() == 0,
        _ => false,
    }
}

/// The number of iterations of a loop that always runs to completion a
/// constant number of times: `for i := A; i < B; i++` (or `<=`, `i += 1`)
/// with `i` untouched in the body, `for range N`, or a range over a slice or
/// array literal; and a body without `break`, `continue`, `return`, `goto`,
/// labels or panics.
pub fn trip_count(for_stmt: Node<'_>, src: &str) -> Option<u64> {
    let body = for_stmt.field("body")?;
    let leaves = syntax::same_function_descendants(body)
        .into_iter()
        .any(|n| {
            matches!(
                syntax::kind(n),
                "break_statement"
                    | "continue_statement"
                    | "return_statement"
                    | "goto_statement"
                    | "labeled_statement"
            ) || (syntax::kind(n) == "expression_statement" && flow::is_terminator(n, src))
        });
    if leaves {
        return None;
    }
    let header = for_stmt.named_child(0).filter(|h| *h != body)?;
    match syntax::kind(header) {
        "for_clause" => clause_count(header, body, src),
        "range_clause" => range_count(header.field("right")?, src),
        _ => None,
    }
}

/// The only named child of `list`.
fn single(list: Node<'_>) -> Option<Node<'_>> {
    let mut c = list.walk();
    let all: Vec<_> = list.named_children(&mut c).collect();
    match all[..] {
        [one] => Some(one),
        _ => None,
    }
}

/// The trip count of `for i := A; i < B; i++`.
fn clause_count(clause: Node<'_>, body: Node<'_>, src: &str) -> Option<u64> {
    let init = clause
        .field("initializer")
        .filter(|i| syntax::kind(*i) == "short_var_declaration")?;
    let var = single(init.field("left")?).filter(|v| syntax::kind(*v) == "identifier")?;
    let name = text(var, src);
    let start = channels::int_value(single(init.field("right")?)?, src)?;
    let cond = clause
        .field("condition")
        .filter(|c| syntax::kind(*c) == "binary_expression")?;
    if cond.field("left").map(|l| text(l, src)) != Some(name) {
        return None;
    }
    let end = channels::int_value(cond.field("right")?, src)?;
    let end = match cond.field("operator").map(|o| text(o, src)) {
        Some("<") => end,
        Some("<=") => end.checked_add(1)?,
        _ => return None,
    };
    let update = clause.field("update")?;
    let steps_by_one = match syntax::kind(update) {
        "inc_statement" => update.named_child(0).is_some_and(|v| text(v, src) == name),
        "assignment_statement" => {
            update
                .field("operator")
                .is_some_and(|o| text(o, src) == "+=")
                && update.field("left").is_some_and(|l| text(l, src) == name)
                && update
                    .field("right")
                    .and_then(single)
                    .and_then(|r| channels::int_value(r, src))
                    == Some(1)
        }
        _ => false,
    };
    if !steps_by_one || channels::bound_after(body, name, body.start_byte(), src) {
        return None;
    }
    Some(end.saturating_sub(start))
}

/// The trip count of `range X` for an integer literal or a slice/array
/// literal without keys.
fn range_count(x: Node<'_>, src: &str) -> Option<u64> {
    let x = syntax::unparen(x);
    if syntax::kind(x) == "int_literal" {
        return channels::int_value(x, src);
    }
    if syntax::kind(x) != "composite_literal" {
        return None;
    }
    let ty = x.field("type")?;
    let body = x.field("body")?;
    let mut c = body.walk();
    let elements: Vec<_> = body
        .named_children(&mut c)
        .filter(|n| syntax::kind(*n) != "comment")
        .collect();
    if elements
        .iter()
        .any(|e| syntax::kind(*e) != "literal_element")
    {
        return None;
    }
    match syntax::kind(ty) {
        "slice_type" | "implicit_length_array_type" => u64::try_from(elements.len()).ok(),
        "array_type" => channels::int_value(ty.field("length")?, src),
        _ => None,
    }
}

/// How many sends run, one after the other, from the start of `trace`
/// before the channel is used in any other way, and whether that count is
/// certain (the first other use holds no send, or the block ends).
pub fn leading_sends(trace: Trace<'_, '_>) -> (u64, bool) {
    let mut count = 0;
    for step in trace {
        match step {
            Step::Send(_) => count += 1,
            Step::Other { uses, .. } => {
                return (
                    count,
                    !uses
                        .iter()
                        .any(|(_, u)| matches!(u, Use::Send | Use::SelectSend)),
                )
            }
            Step::Unknown => return (count, false),
        }
    }
    (count, true)
}
