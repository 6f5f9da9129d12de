//! Which mutexes are certainly held at each statement of a function: the
//! one answer that the method summaries (channel operations, nested locks,
//! calls and field accesses under a lock) and the `Wait`/`Done` facts ask,
//! worked out in one walk per function (see [`super::Facts::lock_held`]).
//!
//! A mutex is held from a lock statement (`mu.Lock()`) to the next
//! statement of the same or an enclosing block that may release it: one
//! that unlocks it anywhere inside, except in a block that then leaves the
//! function (`if closed { mu.Unlock(); return }`), and except in a func
//! literal (its unlock runs later, or in another goroutine). The blocks of
//! an `if`, `switch` or `select` are entered with what is held before the
//! statement (their own unlocks are met statement by statement); a loop's
//! body with what is held after it (the body runs again after its own
//! unlocks). A labeled statement is its statement. Each func literal
//! starts holding nothing. `go` and `defer` statements release nothing
//! where they stand.
//!
//! This is straight-line knowledge, certain whatever path is taken;
//! [`super::lock_flow`] follows paths for the questions that need them
//! (exits reached holding a lock, an acquire that meets its own hold).

use super::flow;
use super::lock_calls::LockCall;
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::Node;

/// A mutex locked on the way to a statement.
#[derive(Clone, Copy, Debug)]
pub struct Taken<'t> {
    /// The lock call.
    pub lock: LockCall<'t>,
    /// Whether it is certainly still held there.
    pub held: bool,
}

/// The locks taken before each statement of one function.
#[derive(Default)]
pub struct HeldLocks<'t> {
    /// By statement id: the locks taken before it in its block and the
    /// enclosing ones (of the same function or literal), in order; absent
    /// when none.
    before: HashMap<usize, Rc<[Taken<'t>]>>,
    /// By statement id, where it differs from `before`: what is still held
    /// after the statement may have released some (and inside it, but for
    /// the blocks of an `if`, `switch` or `select`).
    within: HashMap<usize, Rc<[Taken<'t>]>>,
}

impl<'t> HeldLocks<'t> {
    /// The locks of function body `body` and of the func literals in it.
    /// Linear in the size of the body times its block depth.
    pub fn of(body: Node<'t>, src: &str) -> Self {
        let mut out = HeldLocks::default();
        let mut work = vec![(body, Vec::new())];
        while let Some((block, state)) = work.pop() {
            out.block(block, state, src, &mut work);
        }
        out
    }

    /// The locks taken before statement `stmt` (labels seen through),
    /// each marked whether it is still held.
    pub fn before(&self, stmt: Node<'t>) -> &[Taken<'t>] {
        self.before
            .get(&flow::unlabeled(stmt).id())
            .map_or(&[], |t| t)
    }

    /// The locks taken before statement `stmt`, marked whether they are
    /// still held once `stmt` may have released them: what holds after
    /// it, in its header (a `for` loop's) and in a loop's body.
    pub fn within(&self, stmt: Node<'t>) -> &[Taken<'t>] {
        let id = flow::unlabeled(stmt).id();
        match self.within.get(&id) {
            Some(t) => t,
            None => self.before(stmt),
        }
    }

    /// Walks the statements of `block`, entered with `state`, and queues
    /// the blocks and literals inside them on `work`.
    fn block(
        &mut self,
        block: Node<'t>,
        mut state: Vec<Taken<'t>>,
        src: &str,
        work: &mut Vec<(Node<'t>, Vec<Taken<'t>>)>,
    ) {
        for stmt in flow::statements(block) {
            let stmt = flow::unlabeled(stmt);
            if !state.is_empty() {
                self.before.insert(stmt.id(), Rc::from(state.as_slice()));
            }
            let lock = stmt
                .named_child(0)
                .filter(|_| stmt.kind() == "expression_statement")
                .and_then(|c| LockCall::of(c, src));
            if let Some(lock) = lock {
                let mutex = lock.mutex(src);
                for t in state.iter_mut().filter(|t| t.lock.mutex(src) == mutex) {
                    t.held = false;
                }
                if lock.op.acquires() {
                    state.push(Taken { lock, held: true });
                }
                continue;
            }
            let stays = matches!(stmt.kind(), "defer_statement" | "go_statement");
            let mut within = state.clone();
            if !stays && state.iter().any(|t| t.held) {
                let released = releases(stmt, src);
                for t in within.iter_mut() {
                    if released.contains(&t.lock.mutex(src)) {
                        t.held = false;
                    }
                }
                if within.iter().zip(&state).any(|(a, b)| a.held != b.held) {
                    self.within.insert(stmt.id(), Rc::from(within.as_slice()));
                }
            }
            let entry = if stmt.kind() == "for_statement" {
                &within
            } else {
                &state
            };
            inner(stmt, entry, work);
            state = within;
        }
    }
}

/// Queues the blocks directly inside statement `stmt` on `work`, entered
/// with `entry`, and the bodies of its func literals, entered with nothing.
fn inner<'t>(stmt: Node<'t>, entry: &[Taken<'t>], work: &mut Vec<(Node<'t>, Vec<Taken<'t>>)>) {
    let mut stack = vec![stmt];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        for child in n.named_children(&mut c) {
            match child.kind() {
                "block" | "statement_list" => work.push((child, entry.to_vec())),
                "func_literal" => {
                    if let Some(body) = child.child_by_field_name("body") {
                        work.push((body, Vec::new()));
                    }
                }
                _ => stack.push(child),
            }
        }
    }
}

/// The mutexes, as written, that statement `stmt` may leave released for
/// the statements after it: those it unlocks, except in a block that then
/// leaves the function and in a func literal.
fn releases<'s>(stmt: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let mut out = Vec::new();
    let mut stack = vec![stmt];
    while let Some(n) = stack.pop() {
        if n != stmt
            && (n.kind() == "func_literal"
                || (matches!(n.kind(), "block" | "statement_list")
                    && flow::statements(n)
                        .last()
                        .is_some_and(|last| flow::is_terminator(*last, src))))
        {
            continue;
        }
        if let Some(l) = LockCall::of(n, src).filter(|l| !l.op.acquires()) {
            out.push(l.mutex(src));
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}
