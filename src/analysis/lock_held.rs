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
use super::syntax::text;
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, Walk};
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
        // Every lock method is named so: a body without the word holds none.
        if memchr::memmem::find(text(body, src).as_bytes(), b"Lock").is_none() {
            return out;
        }
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
                .filter(|_| syntax::kind(stmt) == "expression_statement")
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
            let stays = matches!(syntax::kind(stmt), "defer_statement" | "go_statement");
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
            let entry = if syntax::kind(stmt) == "for_statement" {
                &within
            } else {
                &state
            };
            inner(stmt, entry, src, work);
            state = within;
        }
    }
}

/// Queues the blocks directly inside statement `stmt` on `work`, entered
/// with `entry`, and the bodies of its func literals, entered with nothing.
/// One cursor walks the statement, when its text holds a `{`, as every
/// block does.
fn inner<'t>(
    stmt: Node<'t>,
    entry: &[Taken<'t>],
    src: &str,
    work: &mut Vec<(Node<'t>, Vec<Taken<'t>>)>,
) {
    if memchr::memchr(b'{', text(stmt, src).as_bytes()).is_none() {
        return;
    }
    syntax::walk(stmt, |n| {
        if n == stmt {
            return Walk::Enter;
        }
        if !n.is_named() {
            return Walk::Skip;
        }
        match syntax::kind(n) {
            "block" | "statement_list" => work.push((n, entry.to_vec())),
            "func_literal" => {
                if let Some(body) = n.field("body") {
                    work.push((body, Vec::new()));
                }
            }
            _ => return Walk::Enter,
        }
        Walk::Skip
    });
}

/// The mutexes, as written, that statement `stmt` may leave released for
/// the statements after it: those it unlocks, except in a block that then
/// leaves the function and in a func literal. Every such call is named
/// `Unlock` or `RUnlock`: a statement without the word releases none.
fn releases<'s>(stmt: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let mut out = Vec::new();
    if memchr::memmem::find(text(stmt, src).as_bytes(), b"Unlock").is_none() {
        return out;
    }
    syntax::walk(stmt, |n| {
        if !n.is_named() {
            return Walk::Skip;
        }
        if n != stmt
            && (syntax::kind(n) == "func_literal"
                || (matches!(syntax::kind(n), "block" | "statement_list")
                    && flow::statements(n)
                        .last()
                        .is_some_and(|last| flow::is_terminator(*last, src))))
        {
            return Walk::Skip;
        }
        if let Some(l) = LockCall::of(n, src).filter(|l| !l.op.acquires()) {
            out.push(l.mutex(src));
        }
        Walk::Enter
    });
    out
}

#[cfg(test)]
mod tests {
    use super::HeldLocks;
    use crate::analysis::syntax::{self, text};
    use crate::analysis::Analyzer;

    /// For the statement of `body` (a function body) marked `// at`, the
    /// mutexes certainly held before it and once it may have released
    /// some.
    fn held(body: &str) -> (Vec<String>, Vec<String>) {
        let src = format!("package p\n\nfunc f() {{\n{body}\n}}\n");
        let tree = Analyzer::new().parse(&src, None).expect("parses");
        let root = tree.root_node();
        let func = syntax::descendants(root)
            .into_iter()
            .find(|n| n.kind() == "function_declaration")
            .expect("a function");
        let body_node = syntax::function_body(func).expect("a body");
        let locks = HeldLocks::of(body_node, &src);
        let at = src.find("// at").expect("a marked statement");
        let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
        let stmt = syntax::descendants(body_node)
            .into_iter()
            .filter(|n| n.start_byte() >= line_start && n.end_byte() <= at)
            .find(|n| n.kind().ends_with("statement") || n.kind() == "short_var_declaration")
            .expect("a statement on the marked line");
        let names = |taken: &[super::Taken<'_>]| {
            taken
                .iter()
                .filter(|t| t.held)
                .map(|t| text(t.lock.recv, &src).to_string())
                .collect::<Vec<_>>()
        };
        (names(locks.before(stmt)), names(locks.within(stmt)))
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_label_does_not_hide_the_lock_it_labels() {
        let (before, _) =
            held("RESET:\n\tmu.RLock()\n\tx := 1 // at\n\tmu.RUnlock()\n\tgoto RESET");
        assert_eq!(before, strings(&["mu"]));
    }

    #[test]
    fn a_literal_unlock_releases_nothing_where_it_stands() {
        let (before, _) =
            held("mu.Lock()\n\trelease := func() { mu.Unlock() }\n\tx := 1 // at\n\trelease()");
        assert_eq!(before, strings(&["mu"]));
    }

    #[test]
    fn an_unlock_in_a_block_that_returns_releases_nothing_after_it() {
        let (before, _) =
            held("mu.Lock()\n\tif x {\n\t\tmu.Unlock()\n\t\treturn\n\t}\n\ty := 1 // at");
        assert_eq!(before, strings(&["mu"]));
        let (before, _) = held("mu.Lock()\n\tif x {\n\t\tmu.Unlock()\n\t}\n\ty := 1 // at");
        assert!(before.is_empty(), "{before:?}");
    }

    #[test]
    fn a_case_starts_with_what_its_select_started_with_and_a_loop_with_what_it_leaves() {
        let (before, _) =
            held("mu.Lock()\n\tselect {\n\tcase <-c:\n\t\tx := 1 // at\n\t\tmu.Unlock()\n\tdefault:\n\t\tmu.Unlock()\n\t}");
        assert_eq!(before, strings(&["mu"]));
        let (before, _) =
            held("mu.Lock()\n\tfor range c {\n\t\tx := 1 // at\n\t\tmu.Unlock()\n\t}");
        assert!(before.is_empty(), "{before:?}");
    }

    #[test]
    fn a_literal_starts_holding_nothing() {
        let (before, _) = held("mu.Lock()\n\tgo func() {\n\t\tx := 1 // at\n\t}()\n\tmu.Unlock()");
        assert!(before.is_empty(), "{before:?}");
    }
}
