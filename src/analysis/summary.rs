//! What each function of a file does to locks, worked out once per file and
//! kept as plain data (no syntax tree), so that the other files of the same
//! package can ask about it: see [`super::package`].
//!
//! A method's *entry* is its leading straight-line statements: they run
//! every time it is called, before any branch, loop or closure. What a
//! method does there is certain, which is what a rule reporting a deadlock
//! needs: `Lock` of a receiver's mutex, or a call of another method of the
//! same receiver (whose own entry is then read in turn).

mod fields;
mod moved;

pub use fields::{Access, FieldAccess};
pub use moved::MethodFacts;

use super::conds::CondFacts;
use super::flow;
use super::imports;
use super::lock_calls::{self, LockCall, Op};
use super::sync_calls::{self, SyncCall};
use super::syntax::{self, text};
use std::ops::Range;
use std::sync::Arc;
use tree_sitter::Node;

/// One thing a method's entry does, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryStep {
    /// `recv<suffix>.Op()`: a lock method on the receiver or one of its
    /// fields (`suffix` is `""` for the receiver itself, `.mu` for a field).
    Lock {
        /// The mutex's path below the receiver.
        suffix: String,
        /// The lock method.
        op: Op,
        /// The call.
        range: Range<usize>,
    },
    /// `recv.name(…)`: a call of a method of the same receiver, as a
    /// statement or as the whole value of an assignment.
    Call {
        /// The method called.
        name: String,
        /// The call.
        range: Range<usize>,
    },
}

/// A channel operation on a field of the receiver that blocks until
/// another goroutine takes the other side (not in a `select` with another
/// way out, not in a closure or goroutine).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChanOp {
    /// The channel's path below the receiver (`.ch`, `.jobs.in`).
    pub suffix: String,
    /// A send (else a receive, `for range` included).
    pub send: bool,
    /// The operation.
    pub range: Range<usize>,
    /// The receiver's mutexes held there, certainly: locked earlier in the
    /// same block or an enclosing one, with no Unlock in between.
    pub held: Vec<HeldLock>,
}

/// A receiver mutex held at a point, and where it was locked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    /// The mutex's path below the receiver.
    pub suffix: String,
    /// How it was locked.
    pub op: Op,
    /// The lock call.
    pub range: Range<usize>,
}

/// A receiver mutex locked while another is held, in one method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nested {
    /// The mutex held.
    pub outer: HeldLock,
    /// The mutex locked while it is held.
    pub inner: HeldLock,
}

/// A call of a method of the same receiver made while holding some of the
/// receiver's mutexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldCall {
    /// The mutexes held.
    pub held: Vec<HeldLock>,
    /// The method called.
    pub name: String,
    /// The call.
    pub range: Range<usize>,
}

/// What one method does on entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodSummary {
    /// The receiver's base type name (`T` for `*T` and `T[K]`).
    pub receiver_type: String,
    /// The method's name.
    pub name: String,
    /// The method's name in its declaration.
    pub name_range: Range<usize>,
    /// Whether its receiver is a pointer (`*T`): a value receiver's field
    /// writes write a copy.
    pub pointer: bool,
    /// The statement that first gives its receiver variable a new value
    /// (`t = &T{…}`): what it does with the receiver after that is done
    /// to another value.
    pub rebound: Option<Range<usize>>,
    /// What its entry does, in order, up to the first statement whose
    /// effect on the receiver's locks is not certain.
    pub entry: Vec<EntryStep>,
    /// Its blocking operations on the receiver's channels.
    pub chan_ops: Vec<ChanOp>,
    /// The receiver mutexes it locks while holding another.
    pub nested: Vec<Nested>,
    /// Its calls of the receiver's methods while holding a mutex.
    pub held_calls: Vec<HeldCall>,
    /// Its accesses of the receiver's fields, closures included.
    pub accesses: Vec<FieldAccess>,
    /// All its calls of the receiver's methods, in any expression and in
    /// closures, each with the mutexes held there (perhaps none).
    pub receiver_calls: Vec<HeldCall>,
    /// Whether its callers hold the receiver's lock by convention (named
    /// `…Locked`, or documented so).
    pub assumes_held: bool,
    /// The receiver's methods it runs through a `sync.Once`
    /// (`once.Do(recv.init)`).
    pub once: Vec<String>,
    /// Its `Wait`, `Done`, `Signal` and `Broadcast` calls on the
    /// receiver's fields, closures and goroutines included.
    pub syncs: Vec<SyncCall>,
}

impl MethodSummary {
    /// The receiver mutexes it locks anywhere, by their path below the
    /// receiver.
    pub fn mutexes(&self) -> impl Iterator<Item = &str> {
        let entry = self.entry.iter().filter_map(|s| match s {
            EntryStep::Lock { suffix, .. } => Some(suffix.as_str()),
            EntryStep::Call { .. } => None,
        });
        let nested = self
            .nested
            .iter()
            .flat_map(|n| [n.outer.suffix.as_str(), n.inner.suffix.as_str()]);
        entry.chain(nested)
    }
}

/// The lock facts of one file, as the other files of its package see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    /// The file's name, as the caller gave it.
    pub file: Arc<str>,
    /// The package clause's name (`p`, or `p_test` for an external test).
    pub package: String,
    /// The methods declared in the file.
    pub methods: Vec<MethodSummary>,
    /// What it declares, signals and hands elsewhere of `sync.Cond`s.
    pub conds: CondFacts,
}

impl FileSummary {
    /// The summary that tells nothing, for a file that cannot synchronise.
    pub fn empty() -> FileSummary {
        FileSummary {
            file: Arc::from(""),
            package: String::new(),
            methods: Vec::new(),
            conds: CondFacts::default(),
        }
    }

    /// The summary of method declaration `method` of this file.
    pub fn method(&self, method: Node<'_>) -> Option<&MethodSummary> {
        let name = method.child_by_field_name("name")?.byte_range();
        self.methods.iter().find(|m| m.name_range == name)
    }

    /// The summary of the file `src` named `file`, whose syntax tree is
    /// `root`. Linear in the number of top-level declarations and their
    /// leading statements.
    pub fn of(root: Node<'_>, src: &str, file: Arc<str>) -> FileSummary {
        let mut package = String::new();
        let mut methods = Vec::new();
        let atomic = imports::of_file(root, src)
            .into_iter()
            .find(|i| i.path == "sync/atomic" && i.name != "." && i.name != "_")
            .map(|i| i.name);
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            match decl.kind() {
                "package_clause" => {
                    if let Some(name) = decl.named_child(0) {
                        package = text(name, src).to_string();
                    }
                }
                "method_declaration" => methods.extend(method_summary(decl, src, atomic)),
                _ => {}
            }
        }
        FileSummary {
            file,
            package,
            methods,
            conds: CondFacts::of(root, src),
        }
    }
}

/// The receiver name and base type name of a method declaration.
pub fn receiver<'s>(method: Node<'_>, src: &'s str) -> Option<(&'s str, &'s str)> {
    if method.kind() != "method_declaration" {
        return None;
    }
    let param = method.child_by_field_name("receiver")?.named_child(0)?;
    let name = text(param.child_by_field_name("name")?, src);
    Some((name, lock_calls::receiver_type(method, src)?))
}

/// What `method` does, when it has a named receiver; `atomic` is the name
/// `sync/atomic` is imported as.
fn method_summary(method: Node<'_>, src: &str, atomic: Option<&str>) -> Option<MethodSummary> {
    let (recv, receiver_type) = receiver(method, src)?;
    let name = method.child_by_field_name("name")?;
    let body = syntax::function_body(method)?;
    let mut held = Held {
        atomic,
        ..Held::default()
    };
    block_ops(body, recv, src, &[], &mut held);
    let name_text = text(name, src);
    Some(MethodSummary {
        receiver_type: receiver_type.to_string(),
        name: name_text.to_string(),
        name_range: name.byte_range(),
        pointer: method
            .child_by_field_name("receiver")
            .and_then(|r| r.named_child(0))
            .and_then(|p| p.child_by_field_name("type"))
            .is_some_and(|t| t.kind() == "pointer_type"),
        rebound: rebound(body, recv, src),
        entry: entry(body, recv, src),
        chan_ops: held.chan_ops,
        nested: held.nested,
        held_calls: held.calls,
        accesses: held.accesses,
        receiver_calls: held.receiver_calls,
        assumes_held: fields::assumes_held(method, name_text, src),
        once: held.once,
        syncs: sync_calls::of_method(body, recv, src),
    })
}

/// The first statement of `body` that assigns or declares the name `recv`.
fn rebound(body: Node<'_>, recv: &str, src: &str) -> Option<Range<usize>> {
    let mut at = None;
    syntax::walk(body, |n| {
        if matches!(n.kind(), "assignment_statement" | "short_var_declaration")
            && syntax::assigned_names(n, src).contains(&recv)
        {
            at = Some(n.byte_range());
            return syntax::Walk::Stop;
        }
        syntax::Walk::Enter
    });
    at
}

/// The receiver-relative path of `expr` when it is `recv.a.b…` (plain
/// field selections only).
fn receiver_path<'s>(expr: Node<'_>, recv: &str, src: &'s str) -> Option<&'s str> {
    let mut e = expr;
    while e.kind() == "selector_expression" {
        e = e.child_by_field_name("operand")?;
    }
    if e.kind() != "identifier" || text(e, src) != recv || expr.kind() != "selector_expression" {
        return None;
    }
    text(expr, src).strip_prefix(recv)
}

/// What a method does while holding its receiver's mutexes.
#[derive(Default)]
struct Held<'s> {
    /// Blocking operations on the receiver's channels (held or not).
    chan_ops: Vec<ChanOp>,
    /// Mutexes locked while holding another.
    nested: Vec<Nested>,
    /// Calls of the receiver's methods while holding a mutex.
    calls: Vec<HeldCall>,
    /// Accesses of the receiver's fields.
    accesses: Vec<FieldAccess>,
    /// Calls of the receiver's methods.
    receiver_calls: Vec<HeldCall>,
    /// The receiver's methods run through a `sync.Once`.
    once: Vec<String>,
    /// The name `sync/atomic` is imported as.
    atomic: Option<&'s str>,
    /// Whether the walk is in a closure: only accesses and receiver calls
    /// are recorded there, with the closure's own locks.
    closure: bool,
    /// Whether that closure is started by a `go` statement.
    goroutine: bool,
}

/// The operations of block `block`, entered holding `held`.
fn block_ops(block: Node<'_>, recv: &str, src: &str, held: &[HeldLock], out: &mut Held<'_>) {
    let mut held = held.to_vec();
    for stmt in flow::statements(block) {
        if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, src)) {
            if stmt.kind() == "expression_statement" {
                if let Some(suffix) = receiver_lock_suffix(&lock, recv, src) {
                    held.retain(|h| h.suffix != suffix);
                    if lock.op.acquires() {
                        let inner = HeldLock {
                            suffix: suffix.to_string(),
                            op: lock.op,
                            range: lock.call.byte_range(),
                        };
                        for outer in held.iter().filter(|_| !out.closure) {
                            out.nested.push(Nested {
                                outer: outer.clone(),
                                inner: inner.clone(),
                            });
                        }
                        held.push(inner);
                    }
                }
                continue;
            }
        }
        if stmt.kind() == "defer_statement" || stmt.kind() == "go_statement" {
            fields::own(stmt, recv, src, &held, out);
            continue;
        }
        // Held from here on only while nothing in the statement unlocks
        // (asked only while something is held: the walk is the
        // statement's size).
        let inside: Vec<HeldLock> = if held.is_empty() {
            Vec::new()
        } else {
            let releases = releases(stmt, recv, src);
            held.iter()
                .filter(|h| !releases.contains(&h.suffix))
                .cloned()
                .collect()
        };
        // A condition or case is evaluated before the blocks that may unlock.
        let header = match stmt.kind() {
            "if_statement"
            | "expression_switch_statement"
            | "type_switch_statement"
            | "select_statement" => &held,
            _ => &inside,
        };
        fields::own(stmt, recv, src, header, out);
        // A branch unlocks on its own path: its statements before that
        // run holding what the header holds (a loop's body, run again
        // after it unlocks, does not).
        statement_ops(stmt, recv, src, header, out);
        held = inside;
    }
}

/// The receiver mutexes that statement `stmt` may leave released for the
/// statements after it: those it unlocks, except in a block that then
/// leaves the function (`if closed { mu.Unlock(); return }`).
fn releases(stmt: Node<'_>, recv: &str, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![stmt];
    while let Some(n) = stack.pop() {
        if n != stmt
            && matches!(n.kind(), "block" | "statement_list")
            && flow::statements(n)
                .last()
                .is_some_and(|last| flow::is_terminator(*last, src))
        {
            continue;
        }
        if let Some(l) = LockCall::of(n, src).filter(|l| !l.op.acquires()) {
            out.extend(receiver_lock_suffix(&l, recv, src).map(str::to_string));
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

/// The mutex path below the receiver that `lock` locks or unlocks.
fn receiver_lock_suffix<'s>(lock: &LockCall<'_>, recv: &str, src: &'s str) -> Option<&'s str> {
    let mutex = lock.mutex(src);
    mutex
        .strip_prefix(recv)
        .filter(|s| s.is_empty() || s.starts_with('.'))
}

/// The operations of statement `stmt` (and the blocks it holds), entered
/// holding `held`.
fn statement_ops(stmt: Node<'_>, recv: &str, src: &str, held: &[HeldLock], out: &mut Held<'_>) {
    if !held.is_empty() && !out.closure {
        if let Some((name, call)) = receiver_call(stmt, recv, src) {
            out.calls.push(HeldCall {
                held: held.to_vec(),
                name: name.to_string(),
                range: call.byte_range(),
            });
        }
    }
    let closure = out.closure;
    let mut push = |suffix: &str, send: bool, range: Range<usize>| {
        if closure {
            return;
        }
        out.chan_ops.push(ChanOp {
            suffix: suffix.to_string(),
            send,
            range,
            held: held.to_vec(),
        });
    };
    match stmt.kind() {
        "send_statement" => {
            if let Some(suffix) = stmt
                .child_by_field_name("channel")
                .and_then(|c| receiver_path(c, recv, src))
            {
                push(suffix, true, stmt.byte_range());
            }
            return;
        }
        "expression_statement" | "short_var_declaration" | "assignment_statement" => {
            let value = match stmt.kind() {
                "expression_statement" => stmt.named_child(0),
                _ => stmt
                    .child_by_field_name("right")
                    .filter(|r| r.named_child_count() == 1)
                    .and_then(|r| r.named_child(0)),
            };
            if let Some(v) = value.filter(|v| {
                v.kind() == "unary_expression"
                    && v.child_by_field_name("operator")
                        .is_some_and(|o| text(o, src) == "<-")
            }) {
                if let Some(suffix) = v
                    .child_by_field_name("operand")
                    .and_then(|c| receiver_path(c, recv, src))
                {
                    push(suffix, false, v.byte_range());
                }
            }
            return;
        }
        "for_statement" => {
            let range = stmt
                .named_child(0)
                .filter(|c| c.kind() == "range_clause")
                .and_then(|c| c.child_by_field_name("right"));
            if let Some(suffix) = range.and_then(|r| receiver_path(r, recv, src)) {
                if let Some(r) = range {
                    push(suffix, false, r.byte_range());
                }
            }
        }
        // A select blocks on one case only when it has no other way out.
        "select_statement" => {
            let mut c = stmt.walk();
            let cases: Vec<Node<'_>> = stmt
                .named_children(&mut c)
                .filter(|n| matches!(n.kind(), "communication_case" | "default_case"))
                .collect();
            if let [case] = cases.as_slice() {
                if let Some(comm) = case.child_by_field_name("communication") {
                    statement_ops(comm, recv, src, held, out);
                }
            }
            for case in cases {
                for_blocks(case, |b| block_ops(b, recv, src, held, out));
            }
            return;
        }
        "receive_statement" => {
            if let Some(v) = stmt.child_by_field_name("right") {
                if let Some(suffix) = v
                    .child_by_field_name("operand")
                    .and_then(|c| receiver_path(c, recv, src))
                {
                    push(suffix, false, v.byte_range());
                }
            }
            return;
        }
        _ => {}
    }
    for_blocks(stmt, |b| block_ops(b, recv, src, held, out));
}

/// Calls `f` on each block directly under `node` (through `if`/`else`,
/// `for`, `switch` cases, labels), not entering closures.
fn for_blocks<'t>(node: Node<'t>, mut f: impl FnMut(Node<'t>)) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        for child in n.named_children(&mut c) {
            match child.kind() {
                "block" | "statement_list" => f(child),
                "func_literal" | "go_statement" | "defer_statement" => {}
                "if_statement"
                | "else_clause"
                | "for_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "expression_case"
                | "type_case"
                | "default_case"
                | "communication_case"
                | "labeled_statement"
                | "select_statement" => stack.push(child),
                _ => {}
            }
        }
    }
}

/// The lock steps and same-receiver calls of the leading straight-line
/// statements of `body`, whose receiver is named `recv`.
fn entry(body: Node<'_>, recv: &str, src: &str) -> Vec<EntryStep> {
    let mut steps = Vec::new();
    for stmt in flow::statements(body) {
        if !matches!(
            stmt.kind(),
            "expression_statement"
                | "short_var_declaration"
                | "assignment_statement"
                | "var_declaration"
                | "inc_statement"
                | "dec_statement"
        ) {
            break;
        }
        if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, src)) {
            let mutex = lock.mutex(src);
            if let Some(suffix) = mutex
                .strip_prefix(recv)
                .filter(|s| s.is_empty() || s.starts_with('.'))
            {
                steps.push(EntryStep::Lock {
                    suffix: suffix.to_string(),
                    op: lock.op,
                    range: lock.call.byte_range(),
                });
            }
            continue;
        }
        // A closure or an unlock helper may do anything to the locks.
        let uncertain = syntax::descendants(stmt).into_iter().any(|n| {
            n.kind() == "func_literal"
                || (n.kind() == "selector_expression"
                    && n.child_by_field_name("field")
                        .is_some_and(|f| lock_calls::is_unlock_helper(text(f, src))))
        });
        if uncertain {
            break;
        }
        if let Some((name, call)) = receiver_call(stmt, recv, src) {
            steps.push(EntryStep::Call {
                name: name.to_string(),
                range: call.byte_range(),
            });
        }
    }
    steps
}

/// The same-receiver method call that statement `stmt` is, or whose result
/// it assigns: `recv.name(…)`, `x := recv.name(…)`, `x, err = recv.name(…)`.
fn receiver_call<'t, 's>(stmt: Node<'t>, recv: &str, src: &'s str) -> Option<(&'s str, Node<'t>)> {
    let call = match stmt.kind() {
        "expression_statement" => stmt.named_child(0)?,
        "short_var_declaration" | "assignment_statement" => {
            let right = stmt.child_by_field_name("right")?;
            (right.named_child_count() == 1).then(|| right.named_child(0))??
        }
        _ => return None,
    };
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    if function.kind() != "selector_expression" {
        return None;
    }
    let operand = function.child_by_field_name("operand")?;
    if operand.kind() != "identifier" || text(operand, src) != recv {
        return None;
    }
    let field = function.child_by_field_name("field")?;
    Some((text(field, src), call))
}
