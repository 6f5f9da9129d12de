//! The locks of one function, worked out once (see
//! [`super::Facts::lock_flow`]) so that the lock rules cost time linear in
//! the function however many locks it takes.
//!
//! One walk indexes where the function (nested func literals included)
//! releases each mutex, calls an unlock helper and assigns each name. Then
//! one forward pass over the function's own statements carries the locks
//! held on the current path: at each acquire it meets the earlier acquire
//! of the same mutex still held, and at each call `recv.m(…)` the locks held
//! across it. "Held" follows [`crate::analysis::flow::same_path`]: the two
//! arms of an `if` or the cases of a `switch`/`select` are exclusive, a
//! `return`, `panic`, labeled jump or `goto` ends the path, and a release of
//! the mutex anywhere between the two places (not deferred) ends the hold.
//! Each loop body is walked a second time with the locks held at its end
//! and at its `continue`s: the path around the loop's back edge.
//!
//! The same pass records the exits of the function (each `return`, and
//! the end of the body when a path falls off it) that a path reaches while
//! an acquire is still held there. A release statement marks the mutex
//! released on its path rather than forgetting it, so that where the
//! branches of an `if` or `switch` meet, one holding the mutex and one
//! having released it (`if locked { mu.Unlock() }`, conditions the pass
//! cannot correlate), the hold becomes uncertain and its exits are not
//! counted; a `break` out of a loop that holds it while the loop's own end
//! released it is no such doubt. `goto`, labeled jumps, `panic`,
//! `os.Exit` and `log.Fatal` end the path without an exit; a `select`,
//! or a `switch` with a `default`, runs one of its cases, and a `for { … }`
//! is left only by a `break`.

use super::lock_calls::{is_unlock_helper, LockCall, Op};
use crate::analysis::fields::Fields as _;
use crate::analysis::flow;
use crate::analysis::pattern_gate::whole_token;
use crate::analysis::syntax::{self, text, Parents, Walk};
use crate::analysis::triggers::Hits;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// Deeper statement nesting than this is not followed: the pass gives up
/// on the statement (as if nothing were held after it).
const MAX_DEPTH: usize = 200;

/// At most this many released marks are kept on a path (see
/// [`Pass::lock`]).
const MAX_RELEASED: usize = 32;

/// What one function does with its locks.
pub struct LockFlow<'t> {
    /// The lock calls that are statements of their own in the function's
    /// own body, in order.
    statements: Vec<LockCall<'t>>,
    /// The deferred lock calls of the function's own body, in order.
    deferred: Vec<LockCall<'t>>,
    /// For each lock statement (by the statement's node id), the two
    /// statements after it in its list, comments skipped.
    following: HashMap<usize, [Option<Node<'t>>; 2]>,
    /// The last statement of the function's body.
    last: Option<Node<'t>>,
    /// Where each mutex (by its text) is released, not deferred: sorted
    /// start bytes of `mu.Unlock`/`mu.RUnlock`, called or not.
    releases: HashMap<&'t str, Vec<usize>>,
    /// Sorted start bytes of calls to functions whose names say they
    /// unlock (`unlockAll()`, `s.unlockShard(i)`), not deferred.
    helpers: Vec<usize>,
    /// Sorted start bytes of the places that assign each name.
    assigns: HashMap<&'t str, Vec<usize>>,
    /// Sorted start bytes of the releases of each mutex that the pass does
    /// not follow as statements of the function's own body (in a func
    /// literal, an expression, a method value), not deferred.
    loose_releases: HashMap<&'t str, Vec<usize>>,
    /// The mutexes a deferred call releases (`defer mu.Unlock()`, an
    /// Unlock in a deferred func literal).
    deferred_releases: HashSet<&'t str>,
    /// Whether a deferred call is an unlock helper.
    deferred_helper: bool,
    /// The mutexes any Unlock/RUnlock of the function names at all.
    released: HashSet<&'t str>,
    /// Whether the function calls an unlock helper anywhere.
    any_helper: bool,
    /// The mutexes whose release escapes the function's path: `mu.Unlock`
    /// taken as a method value, or called in a func literal that does not
    /// run on the spot. A second Lock of such a mutex waits for that
    /// release: the mutex is a one-shot signal.
    escaped: HashSet<&'t str>,
    /// The names of the functions and methods called (`f` of `f(…)` and
    /// `x.f(…)`).
    called: HashSet<&'t str>,
    /// The identifiers in the values of `return` statements.
    returned: HashSet<&'t str>,
    /// The names copied to another variable (`y = l`, `y := l`).
    copied: HashSet<&'t str>,
    /// The names assigned from an `RLocker()` call.
    rlockers: HashSet<&'t str>,
    /// For each acquire (by call id), the nearest earlier acquire of the
    /// same mutex still held on its path that it conflicts with.
    recursive: HashMap<usize, LockCall<'t>>,
    /// For each acquire (by call id), the calls `recv.m(…)` of the method's
    /// receiver `recv` made while it is held (not deferred, not in `go`).
    held_calls: HashMap<usize, Vec<Node<'t>>>,
    /// For each acquire (by call id), the exits reached holding it: `return`
    /// statements, or the function's body when a path falls off its end.
    exits: HashMap<usize, Vec<Node<'t>>>,
}

/// Whether acquiring with `second` while holding with `first` deadlocks.
pub fn conflicts(first: Op, second: Op) -> bool {
    matches!(
        (first, second),
        (Op::Lock, Op::Lock) | (Op::RLock, Op::Lock) | (Op::Lock, Op::RLock)
    )
}

/// Whether the sorted `at` holds a position in `from..to`.
fn any_in(at: &[usize], from: usize, to: usize) -> bool {
    let i = at.partition_point(|&p| p < from);
    at.get(i).is_some_and(|&p| p < to)
}

impl<'t> LockFlow<'t> {
    /// The locks of `func` (a function, method or func literal); `up` is
    /// the file's parents. For a method, the calls of its receiver while a
    /// lock is held are recorded.
    pub fn of(func: Node<'t>, src: &'t str, up: &Parents<'t>) -> Self {
        let recv = receiver_name(func, src);
        let mut flow = LockFlow {
            statements: Vec::new(),
            deferred: Vec::new(),
            following: HashMap::new(),
            last: None,
            releases: HashMap::new(),
            helpers: Vec::new(),
            assigns: HashMap::new(),
            loose_releases: HashMap::new(),
            deferred_releases: HashSet::new(),
            deferred_helper: false,
            released: HashSet::new(),
            any_helper: false,
            escaped: HashSet::new(),
            copied: HashSet::new(),
            called: HashSet::new(),
            returned: HashSet::new(),
            rlockers: HashSet::new(),
            recursive: HashMap::new(),
            held_calls: HashMap::new(),
            exits: HashMap::new(),
        };
        flow.index(func, src, up);
        if let Some(body) = syntax::function_body(func) {
            let mut pass = Pass {
                flow: &mut flow,
                src,
                recv,
                sinks: Vec::new(),
                seen: HashSet::new(),
                replaying: false,
                depth: 0,
                exited: HashSet::new(),
            };
            if let Some(end) = pass.block(body, Vec::new()) {
                pass.exit(body, &end);
            }
        }
        flow
    }

    /// The one walk over `func` that fills the indexes.
    fn index(&mut self, func: Node<'t>, src: &'t str, up: &Parents<'t>) {
        let body = syntax::function_body(func);
        self.last = body.and_then(|b| flow::statements(b).pop());
        // Open defer statements and func literals around the walk's node.
        let mut defers: Vec<Node<'t>> = Vec::new();
        // With whether each runs later (not on the spot) and the mutexes it
        // acquires itself.
        let mut literals: Vec<(Node<'t>, bool, Vec<&'t str>)> = Vec::new();
        syntax::walk(func, |n| {
            let at = n.start_byte();
            defers.retain(|d| d.end_byte() > at);
            literals.retain(|(l, _, _)| l.end_byte() > at);
            // A node of the body that runs in `func` itself, not in a
            // nested func literal (the body is `func`'s last child, so
            // only empty leaves lie at its edges without being in it).
            let own = literals.is_empty()
                && (n == func || syntax::kind(n) != "func_literal")
                && body.is_some_and(|b| syntax::inside(b, n));
            if own {
                self.own_node(n, src, up);
            }
            match syntax::kind(n) {
                "defer_statement" => defers.push(n),
                "func_literal" if n != func => {
                    literals.push((n, !runs_on_the_spot(up, n), Vec::new()))
                }
                "selector_expression" => {
                    let field = n.field("field").map_or("", |f| text(f, src));
                    let operand = n.field("operand").map_or("", |o| text(o, src));
                    if matches!(field, "Unlock" | "RUnlock") {
                        self.released.insert(operand);
                        let called = up.parent(n).is_some_and(|p| {
                            syntax::kind(p) == "call_expression" && p.field("function") == Some(n)
                        });
                        // Released by a func literal that runs later and
                        // does not take the lock itself: a signal.
                        let signal = literals
                            .iter()
                            .any(|(_, later, own)| *later && !own.contains(&operand));
                        if !called || signal {
                            self.escaped.insert(operand);
                        }
                        // A statement of the function's own body, which the
                        // pass follows on its path.
                        let statement = called
                            && literals.is_empty()
                            && up
                                .parent(n)
                                .and_then(|p| up.parent(p))
                                .is_some_and(|s| syntax::kind(s) == "expression_statement");
                        if defers.is_empty() {
                            self.releases.entry(operand).or_default().push(at);
                            if !statement {
                                self.loose_releases.entry(operand).or_default().push(at);
                            }
                        } else {
                            self.deferred_releases.insert(operand);
                        }
                    } else if matches!(field, "Lock" | "RLock") {
                        for (_, _, own) in literals.iter_mut() {
                            own.push(operand);
                        }
                    } else if is_unlock_helper(field) {
                        self.any_helper = true;
                        if defers.is_empty() {
                            self.helpers.push(at);
                        } else {
                            self.deferred_helper = true;
                        }
                    }
                }
                "call_expression" => {
                    let f = n.field("function");
                    let name = f.and_then(|f| match syntax::kind(f) {
                        "identifier" => Some(f),
                        "selector_expression" => f.field("field"),
                        _ => None,
                    });
                    self.called.extend(name.map(|n| text(n, src)));
                    if f.is_some_and(|f| {
                        syntax::kind(f) == "identifier" && is_unlock_helper(text(f, src))
                    }) {
                        self.any_helper = true;
                        if defers.is_empty() {
                            self.helpers.push(at);
                        } else {
                            self.deferred_helper = true;
                        }
                    }
                }
                "assignment_statement" | "short_var_declaration" | "var_spec" | "range_clause" => {
                    for name in syntax::assigned_names(n, src) {
                        self.assigns.entry(name).or_default().push(at);
                    }
                    let value = n.field("right");
                    if syntax::kind(n) != "range_clause" {
                        for v in value.map(super::types::list_items).unwrap_or_default() {
                            self.copied.insert(text(v, src));
                        }
                    }
                    if syntax::kind(n) != "range_clause" && text(n, src).contains("RLocker()") {
                        self.rlockers.extend(syntax::assigned_names(n, src));
                    }
                }
                "return_statement" => {
                    self.returned.extend(syntax::identifiers(n, src));
                }
                "inc_statement" | "dec_statement" => {
                    if let Some(x) = n.named_child(0) {
                        self.assigns.entry(text(x, src)).or_default().push(at);
                    }
                }
                "unary_expression" if n.field("operator").is_some_and(|o| text(o, src) == "&") => {
                    if let Some(x) = n.field("operand") {
                        self.assigns.entry(text(x, src)).or_default().push(at);
                    }
                }
                _ => {}
            }
            Walk::Enter
        });
    }

    /// Indexes node `n` of the function's own body: the two statements
    /// after each lock statement of a list, the lock calls made as
    /// statements or deferred.
    fn own_node(&mut self, n: Node<'t>, src: &'t str, up: &Parents<'t>) {
        if matches!(syntax::kind(n), "block" | "statement_list") {
            let mut c = n.walk();
            let list: Vec<Node<'t>> = n
                .named_children(&mut c)
                .filter(|s| syntax::kind(*s) != "comment")
                .collect();
            for (i, stmt) in list.iter().enumerate() {
                let is_lock = syntax::kind(*stmt) == "expression_statement"
                    && stmt
                        .named_child(0)
                        .and_then(|c| LockCall::of(c, src))
                        .is_some();
                if is_lock {
                    let next = [list.get(i + 1).copied(), list.get(i + 2).copied()];
                    self.following.insert(stmt.id(), next);
                }
            }
        }
        if let Some(lock) = LockCall::of(n, src) {
            if lock.statement(up).is_some() {
                self.statements.push(lock);
            } else if lock.deferred(up).is_some() {
                self.deferred.push(lock);
            }
        }
    }

    /// The lock statements of the function's own body, in order.
    pub fn statements(&self) -> &[LockCall<'t>] {
        &self.statements
    }

    /// The two statements after lock statement `stmt` in its list.
    pub fn following(&self, stmt: Node<'t>) -> [Option<Node<'t>>; 2] {
        self.following.get(&stmt.id()).copied().unwrap_or_default()
    }

    /// Whether `stmt` is the last statement of the function's body.
    pub fn is_last(&self, stmt: Node<'t>) -> bool {
        self.last == Some(stmt)
    }

    /// The deferred lock calls of the function's own body, in order.
    pub fn deferred(&self) -> &[LockCall<'t>] {
        &self.deferred
    }

    /// Whether anything from byte `from` to byte `to` may release `mutex`
    /// (an Unlock/RUnlock of it or an unlock helper, not deferred) or
    /// assign a name in `lock`'s receiver, so that the lock taken by `lock`
    /// need not be held at `to`.
    pub fn released_between(&self, lock: &LockCall<'t>, from: usize, to: usize, src: &str) -> bool {
        self.released_in(&self.releases, lock, from, to, src)
    }

    /// Whether a release of `lock`'s mutex recorded in `releases`, an
    /// unlock helper or an assignment to a name in its receiver lies from
    /// byte `from` to byte `to`.
    fn released_in(
        &self,
        releases: &HashMap<&'t str, Vec<usize>>,
        lock: &LockCall<'t>,
        from: usize,
        to: usize,
        src: &str,
    ) -> bool {
        releases
            .get(lock.mutex(src))
            .is_some_and(|at| any_in(at, from, to))
            || any_in(&self.helpers, from, to)
            || syntax::identifiers(lock.recv, src).into_iter().any(|name| {
                self.assigns
                    .get(name)
                    .is_some_and(|at| any_in(at, from, to))
            })
    }

    /// Whether something the pass does not follow on the path may release
    /// the lock taken by `lock` from byte `from` to byte `to`: an
    /// Unlock/RUnlock of its mutex that is not a statement of the function's
    /// own body, an unlock helper, or an assignment to a name in its
    /// receiver.
    fn loosely_released_between(
        &self,
        lock: &LockCall<'t>,
        from: usize,
        to: usize,
        src: &str,
    ) -> bool {
        self.released_in(&self.loose_releases, lock, from, to, src)
    }

    /// Whether a deferred call of the function releases `mutex` (or is an
    /// unlock helper): it runs at every exit after it.
    pub fn releases_deferred(&self, mutex: &str) -> bool {
        self.deferred_helper || self.deferred_releases.contains(mutex)
    }

    /// Whether the function releases `mutex` before it first acquires it:
    /// it runs with the lock held on entry (`mu.Unlock(); wait(); mu.Lock()`)
    /// and hands it back held.
    pub fn entered_locked(&self, mutex: &str, src: &str) -> bool {
        let first_acquire = self
            .statements
            .iter()
            .find(|s| s.op.acquires() && s.mutex(src) == mutex)
            .map(|s| s.call.start_byte());
        let first_release = self.releases.get(mutex).and_then(|r| r.first()).copied();
        match (first_release, first_acquire) {
            (Some(r), Some(a)) => r < a,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// The exits (`return` statements, or the function's body for a path
    /// that falls off its end) that acquire `lock` is still held at, on a
    /// path that released it nowhere, not joined by a branch that released
    /// it, and where no later acquire of the same mutex is held.
    pub fn exits_held(&self, lock: &LockCall<'t>) -> &[Node<'t>] {
        self.exits
            .get(&lock.call.id())
            .map_or(&[], |exits| exits.as_slice())
    }

    /// Whether the mutex's release escapes the function's path: `mu.Unlock`
    /// taken as a method value, or called in a func literal that does not
    /// run on the spot.
    pub fn release_escapes(&self, mutex: &str) -> bool {
        self.escaped.contains(mutex)
    }

    /// Whether anything in the function releases `mutex` (called, deferred,
    /// in a closure, taken as a method value) or calls an unlock helper.
    pub fn releases_anywhere(&self, mutex: &str) -> bool {
        self.any_helper || self.released.contains(mutex)
    }

    /// Whether an Unlock/RUnlock of `mutex` appears in the function.
    pub fn names_release(&self, mutex: &str) -> bool {
        self.released.contains(mutex)
    }

    /// Whether `name` is assigned after byte `at`.
    pub fn assigned_after(&self, name: &str, at: usize) -> bool {
        self.assigns
            .get(name)
            .is_some_and(|sites| sites.last().is_some_and(|&p| p >= at))
    }

    /// Whether a `return` of the function returns a value naming `name`.
    pub fn returns(&self, name: &str) -> bool {
        self.returned.contains(name)
    }

    /// Whether the function calls a function or method named `name`.
    pub fn calls(&self, name: &str) -> bool {
        self.called.contains(name)
    }

    /// Whether `name` is copied to another variable in the function.
    pub fn copied(&self, name: &str) -> bool {
        self.copied.contains(name)
    }

    /// Whether `name` is assigned from an `RLocker()` call in the function.
    pub fn is_rlocker(&self, name: &str) -> bool {
        self.rlockers.contains(name)
    }

    /// The earlier acquire still held where acquire `lock` runs, which
    /// `lock` deadlocks on: none when the mutex's release escapes (a
    /// one-shot signal that another goroutine or a callback releases).
    pub fn held_before(&self, lock: &LockCall<'t>, src: &str) -> Option<&LockCall<'t>> {
        if self.escaped.contains(lock.mutex(src)) {
            return None;
        }
        self.recursive.get(&lock.call.id())
    }

    /// The calls of the method's receiver made while acquire `lock` holds
    /// its mutex.
    pub fn calls_while_held(&self, lock: &LockCall<'t>) -> &[Node<'t>] {
        self.held_calls
            .get(&lock.call.id())
            .map_or(&[], |calls| calls.as_slice())
    }
}

/// Whether func literal `lit` runs where it stands: called on the spot or
/// deferred, not started as a goroutine or handed on.
fn runs_on_the_spot<'t>(up: &Parents<'t>, lit: Node<'t>) -> bool {
    up.parent(lit).is_some_and(|call| {
        syntax::kind(call) == "call_expression"
            && call.field("function") == Some(lit)
            && up
                .parent(call)
                .is_none_or(|p| syntax::kind(p) != "go_statement")
    })
}

/// A lock held on the current path.
#[derive(Clone, Copy)]
struct Held<'t> {
    lock: LockCall<'t>,
    /// From where a release ends the hold: the end of the acquire, or the
    /// start of a loop body reached around its back edge.
    since: usize,
    /// Whether a release statement on this path has released it since.
    released: bool,
    /// Whether branches met here where one had released the mutex and
    /// the other still held it (`if locked { mu.Unlock() }`): conditions
    /// the pass cannot correlate decide whether it is still held.
    uncertain: bool,
}

/// The locks held on one path: the latest acquire of each mutex (several
/// when paths merge).
type State<'t> = Vec<Held<'t>>;

/// Merges the paths `b` into `a`.
fn merge<'t>(a: &mut State<'t>, b: State<'t>) {
    for h in b {
        if !a.iter().any(|x| {
            x.lock.call.id() == h.lock.call.id()
                && x.since == h.since
                && x.released == h.released
                && x.uncertain == h.uncertain
        }) {
            a.push(h);
        }
    }
}

/// Merges the branches `b` into `a` where an `if` or a `switch` ends:
/// a mutex held on one branch and released on another is held there
/// only as far as the pass can tell.
fn join<'t>(a: &mut State<'t>, b: State<'t>, src: &str) {
    merge(a, b);
    let released: Vec<&str> = a
        .iter()
        .filter(|h| h.released)
        .map(|h| h.lock.mutex(src))
        .collect();
    for h in a.iter_mut() {
        if !h.released && released.contains(&h.lock.mutex(src)) {
            h.uncertain = true;
        }
    }
}

/// Where `break` and `continue` go: the innermost loop, switch or select.
struct Sink<'t> {
    is_loop: bool,
    /// Whether a `break` reaches it.
    broke: bool,
    brk: State<'t>,
    cont: State<'t>,
}

/// The forward pass.
struct Pass<'f, 't> {
    flow: &'f mut LockFlow<'t>,
    src: &'t str,
    recv: Option<&'t str>,
    sinks: Vec<Sink<'t>>,
    /// The (acquire, call) pairs recorded in `held_calls`, by node ids.
    seen: HashSet<(usize, usize)>,
    /// Walking a loop body around its back edge: inner loops are not
    /// walked twice again, so the pass stays linear in the loop depth.
    replaying: bool,
    depth: usize,
    /// The (acquire, exit) pairs recorded in `exits`, by node ids.
    exited: HashSet<(usize, usize)>,
}

impl<'t> Pass<'_, 't> {
    /// Whether `h` still holds its mutex at byte `at`.
    fn holds(&self, h: &Held<'t>, at: usize) -> bool {
        !h.released && !self.flow.released_between(&h.lock, h.since, at, self.src)
    }

    /// An exit of the function, `node`, reached from `state`: for each
    /// mutex held there on this path, its latest acquire, unless branches
    /// that released it joined the path (see [`join`]) or something the
    /// pass does not follow may have released it.
    fn exit(&mut self, node: Node<'t>, state: &State<'t>) {
        let src = self.src;
        let at = node.end_byte();
        for h in state.iter().filter(|h| !h.released) {
            let mutex = h.lock.mutex(src);
            let latest = state
                .iter()
                .filter(|x| !x.released && x.lock.mutex(src) == mutex)
                .all(|x| x.lock.call.start_byte() <= h.lock.call.start_byte());
            if !latest
                || h.uncertain
                || self
                    .flow
                    .loosely_released_between(&h.lock, h.since, at, src)
                || !self.exited.insert((h.lock.call.id(), node.id()))
            {
                continue;
            }
            self.flow
                .exits
                .entry(h.lock.call.id())
                .or_default()
                .push(node);
        }
    }

    /// The statements of `block` (a block or statement list), from `state`;
    /// `None` when no path falls off their end.
    fn block(&mut self, block: Node<'t>, state: State<'t>) -> Option<State<'t>> {
        let mut state = Some(state);
        for stmt in flow::statements(block) {
            state = Some(self.statement(stmt, state?)?);
        }
        state
    }

    /// One statement from `state`.
    fn statement(&mut self, stmt: Node<'t>, state: State<'t>) -> Option<State<'t>> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = self.statement_inner(stmt, state);
        self.depth -= 1;
        out
    }

    fn statement_inner(&mut self, stmt: Node<'t>, mut state: State<'t>) -> Option<State<'t>> {
        match syntax::kind(stmt) {
            "block" | "statement_list" => self.block(stmt, state),
            "expression_statement" => {
                self.calls(stmt, &state);
                if let Some(lock) = stmt.named_child(0).and_then(|c| LockCall::of(c, self.src)) {
                    self.lock(lock, &mut state);
                }
                (!flow::is_terminator(stmt, self.src)).then_some(state)
            }
            "if_statement" => {
                let cons = stmt.field("consequence");
                let alt = stmt.field("alternative");
                if let Some(init) = stmt.field("initializer") {
                    state = self.statement(init, state)?;
                }
                self.header(stmt, &[cons, alt], &state);
                // `if false { … }` never runs (code kept for a linter or
                // for later).
                let never = stmt
                    .field("condition")
                    .is_some_and(|c| text(c, self.src) == "false");
                let mut out = match cons {
                    _ if never => None,
                    Some(c) => self.block(c, state.clone()),
                    None => Some(state.clone()),
                };
                let other = match alt {
                    Some(a) => self.statement(a, state),
                    None => Some(state),
                };
                match (&mut out, other) {
                    (Some(o), Some(b)) => join(o, b, self.src),
                    (None, b) => out = b,
                    _ => {}
                }
                out
            }
            "for_statement" => self.for_loop(stmt, state),
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                self.switch(stmt, state)
            }
            "labeled_statement" => {
                let mut c = stmt.walk();
                let inner = stmt
                    .named_children(&mut c)
                    .find(|n| syntax::kind(*n) != "label_name");
                match inner {
                    Some(s) => self.statement(s, state),
                    None => Some(state),
                }
            }
            "break_statement" | "continue_statement" | "fallthrough_statement" => {
                if stmt.named_child(0).is_some() {
                    return None;
                }
                let to_loop = syntax::kind(stmt) == "continue_statement";
                if to_loop {
                    // Around the back edge from here: what is still held.
                    let at = stmt.start_byte();
                    let held: State<'t> = state
                        .into_iter()
                        .filter(|h| h.released || self.holds(h, at))
                        .collect();
                    let sink = self.sinks.iter_mut().rev().find(|s| s.is_loop)?;
                    merge(&mut sink.cont, held);
                } else {
                    let sink = self.sinks.last_mut()?;
                    sink.broke = true;
                    merge(&mut sink.brk, state);
                }
                None
            }
            "return_statement" => {
                self.calls(stmt, &state);
                self.exit(stmt, &state);
                None
            }
            "goto_statement" => {
                self.calls(stmt, &state);
                None
            }
            "defer_statement" | "go_statement" | "comment" => Some(state),
            _ => {
                self.calls(stmt, &state);
                Some(state)
            }
        }
    }

    /// An acquire or release statement.
    fn lock(&mut self, lock: LockCall<'t>, state: &mut State<'t>) {
        let mutex = lock.mutex(self.src);
        let at = lock.call.start_byte();
        if lock.op.acquires() && !lock.recv_has_call() {
            let earlier = state
                .iter()
                .filter(|h| !h.released)
                .filter(|h| h.lock.mutex(self.src) == mutex && conflicts(h.lock.op, lock.op))
                .filter(|h| self.holds(h, at))
                .max_by_key(|h| h.lock.call.start_byte())
                .map(|h| h.lock);
            if let Some(e) = earlier {
                self.flow.recursive.entry(lock.call.id()).or_insert(e);
            }
        }
        if lock.op.acquires() {
            state.retain(|h| h.lock.mutex(self.src) != mutex);
            state.push(Held {
                lock,
                since: lock.call.end_byte(),
                released: false,
                uncertain: false,
            });
        } else {
            let (same, mut out): (State<'t>, State<'t>) = std::mem::take(state)
                .into_iter()
                .partition(|h| h.lock.mutex(self.src) == mutex);
            let released = same
                .into_iter()
                .map(|h| Held {
                    released: true,
                    ..h
                })
                .collect();
            merge(&mut out, released);
            // The released marks of many other mutexes (a generated
            // function that takes hundreds) would make every step cost the
            // number of mutexes: the oldest marks go first.
            let marks = out.iter().filter(|h| h.released).count();
            if marks > MAX_RELEASED {
                let mut starts: Vec<usize> = out
                    .iter()
                    .filter(|h| h.released)
                    .map(|h| h.lock.call.start_byte())
                    .collect();
                starts.sort_unstable();
                let keep_from = starts[marks - MAX_RELEASED];
                out.retain(|h| !h.released || h.lock.call.start_byte() >= keep_from);
            }
            *state = out;
        }
    }

    /// The parts of `stmt` outside `skip` (its nested blocks): their calls.
    fn header(&mut self, stmt: Node<'t>, skip: &[Option<Node<'t>>], state: &State<'t>) {
        let mut c = stmt.walk();
        let parts: Vec<Node<'t>> = stmt
            .children(&mut c)
            .filter(|n| !skip.contains(&Some(*n)))
            .collect();
        for p in parts {
            self.calls(p, state);
        }
    }

    /// Records the calls `recv.m(…)` in `node` (not in nested blocks,
    /// func literals, `defer` or `go`) made while locks of `recv` are held.
    fn calls(&mut self, node: Node<'t>, state: &State<'t>) {
        let Some(recv) = self.recv else { return };
        if state.is_empty() {
            return;
        }
        let src = self.src;
        let mut found = Vec::new();
        syntax::walk(node, |n| {
            if matches!(
                syntax::kind(n),
                "func_literal" | "block" | "defer_statement" | "go_statement"
            ) {
                return Walk::Skip;
            }
            let operand = (syntax::kind(n) == "call_expression")
                .then(|| n.field("function"))
                .flatten()
                .filter(|f| syntax::kind(*f) == "selector_expression")
                .and_then(|f| f.field("operand"));
            if operand.is_some_and(|o| text(o, src) == recv) {
                found.push(n);
            }
            Walk::Enter
        });
        for call in found {
            for h in state.iter().filter(|h| !h.released) {
                let of_recv = h
                    .lock
                    .mutex(src)
                    .strip_prefix(recv)
                    .is_some_and(|s| s.is_empty() || s.starts_with('.'));
                if of_recv
                    && self.holds(h, call.start_byte())
                    && self.seen.insert((h.lock.call.id(), call.id()))
                {
                    let calls = self.flow.held_calls.entry(h.lock.call.id()).or_default();
                    calls.push(call);
                }
            }
        }
    }

    /// A `for` loop: its header, its body, and its body again around the
    /// back edge. Like `same_path`, a loop may always be left.
    fn for_loop(&mut self, stmt: Node<'t>, state: State<'t>) -> Option<State<'t>> {
        let body = stmt.field("body");
        self.header(stmt, &[body], &state);
        let Some(body) = body else { return Some(state) };
        let (end, sink) = self.in_sink(true, |p| p.block(body, state.clone()));
        let at = body.end_byte();
        let mut back: State<'t> = end
            .unwrap_or_default()
            .into_iter()
            .filter(|h| h.released || self.holds(h, at))
            .collect();
        merge(&mut back, sink.cont);
        // A `for { … }` is left only by a `break`.
        let mut out = if flow::is_infinite(stmt) {
            sink.broke.then(Vec::new)
        } else {
            let mut out = state;
            merge(&mut out, back.clone());
            Some(out)
        };
        if let Some(out) = out.as_mut() {
            merge(out, sink.brk);
        }
        if !self.replaying {
            // Not released or reassigned by the loop's header (`parent =
            // parent.next`, a range clause) either.
            let head = stmt.start_byte()..body.start_byte();
            let back: State<'t> = back
                .into_iter()
                .filter(|h| {
                    !self
                        .flow
                        .released_between(&h.lock, head.start, head.end, self.src)
                })
                .map(|h| Held {
                    since: body.start_byte(),
                    ..h
                })
                .collect();
            if back.iter().any(|h| !h.released) {
                self.replaying = true;
                self.in_sink(true, |p| p.block(body, back));
                self.replaying = false;
            }
        }
        out
    }

    /// Runs `f` with a new innermost break/continue target.
    fn in_sink<R>(&mut self, is_loop: bool, f: impl FnOnce(&mut Self) -> R) -> (R, Sink<'t>) {
        self.sinks.push(Sink {
            is_loop,
            broke: false,
            brk: Vec::new(),
            cont: Vec::new(),
        });
        let r = f(self);
        let sink = self.sinks.pop().unwrap_or(Sink {
            is_loop,
            broke: false,
            brk: Vec::new(),
            cont: Vec::new(),
        });
        (r, sink)
    }

    /// A `switch` or `select`: each case from `state`. Like `same_path`,
    /// the code after a `switch` without a `default` is reached even when
    /// no case falls through; a `select`, or a `switch` with a `default`,
    /// runs one of its cases.
    fn switch(&mut self, stmt: Node<'t>, state: State<'t>) -> Option<State<'t>> {
        let mut c = stmt.walk();
        let children: Vec<Node<'t>> = stmt.named_children(&mut c).collect();
        let is_case = |n: &Node<'_>| {
            matches!(
                syntax::kind(*n),
                "expression_case" | "default_case" | "type_case" | "communication_case"
            )
        };
        let mut state = state;
        for part in children.iter().filter(|n| !is_case(n)) {
            if syntax::kind(*part) == "short_var_declaration"
                || syntax::kind(*part) == "expression_statement"
                || syntax::kind(*part) == "assignment_statement"
            {
                state = self.statement(*part, state)?;
            } else {
                self.calls(*part, &state);
            }
        }
        let cases: Vec<Node<'t>> = children.into_iter().filter(is_case).collect();
        let one_runs = syntax::kind(stmt) == "select_statement"
            || cases.iter().any(|c| syntax::kind(*c) == "default_case");
        let (out, sink) = self.in_sink(false, |p| {
            let mut out = (!one_runs).then(|| state.clone());
            for case in &cases {
                let mut c = case.walk();
                let parts: Vec<Node<'t>> = case.named_children(&mut c).collect();
                let mut s = Some(state.clone());
                for part in parts {
                    let Some(cur) = s else { break };
                    s = if syntax::kind(part) == "statement_list" {
                        p.block(part, cur)
                    } else {
                        p.calls(part, &cur);
                        Some(cur)
                    };
                }
                if let Some(s) = s {
                    match out.as_mut() {
                        Some(o) => join(o, s, p.src),
                        None => out = Some(s),
                    }
                }
            }
            out
        });
        let mut out = out;
        if sink.broke {
            match out.as_mut() {
                Some(o) => merge(o, sink.brk),
                None => out = Some(sink.brk),
            }
        }
        out
    }
}

/// A top-level function that releases a mutex field without acquiring
/// it: the lock is taken in another function (`Begin`/`End`, a `…Locked`
/// callee that unlocks, a value returned holding the lock).
pub struct Releaser<'t> {
    /// The function's name.
    pub name: &'t str,
    /// The receiver's type name, for a method.
    pub receiver_type: Option<&'t str>,
    /// Whether the mutex released is the method's receiver's own
    /// (`recv.mu`, or `recv` itself), not one reached otherwise (`mb.mu`).
    pub on_receiver: bool,
}

/// The functions of the file under `root` that release a mutex field
/// without acquiring that mutex, by the field's name (`mu` of `t.s.mu`).
pub fn released_elsewhere<'t>(root: Node<'t>, src: &'t str) -> HashMap<&'t str, Vec<Releaser<'t>>> {
    let mut out: HashMap<&'t str, Vec<Releaser<'t>>> = HashMap::new();
    let mut c = root.walk();
    for decl in root.named_children(&mut c) {
        for (field, releaser) in releases(decl, src) {
            out.entry(field).or_default().push(releaser);
        }
    }
    out
}

/// The mutex fields top-level declaration `decl`, when a function,
/// releases without acquiring them, each with the field's name (`mu` of
/// `t.s.mu`, or `""` for the receiver itself: an embedded mutex).
pub fn releases<'t>(decl: Node<'t>, src: &'t str) -> Vec<(&'t str, Releaser<'t>)> {
    // Only a function whose text says `Unlock` (or `RUnlock`) can
    // release anything: the others are not walked.
    if !matches!(
        syntax::kind(decl),
        "function_declaration" | "method_declaration"
    ) || memchr::memmem::find(text(decl, src).as_bytes(), b"Unlock").is_none()
    {
        return Vec::new();
    }
    let Some(name) = decl.field("name").map(|n| text(n, src)) else {
        return Vec::new();
    };
    let (mut acquired, mut released) = (HashSet::new(), Vec::new());
    for (method, operand) in lock_selections(decl, src) {
        match method {
            "Lock" | "RLock" => {
                acquired.insert(operand);
            }
            _ => released.push(operand),
        }
    }
    let recv = receiver_name(decl, src);
    let mut out = Vec::new();
    for mutex in released.into_iter().filter(|m| !acquired.contains(m)) {
        let field = match mutex.rsplit_once('.') {
            Some((_, field)) => Some(field),
            None => (Some(mutex) == recv).then_some(""),
        };
        if let Some(field) = field {
            out.push((
                field,
                Releaser {
                    name,
                    receiver_type: super::lock_calls::receiver_type(decl, src),
                    on_receiver: is_receivers(mutex, recv),
                },
            ));
        }
    }
    out
}

/// The selections `x.Lock`, `x.RLock`, `x.Unlock` and `x.RUnlock` in
/// `decl`, as the method and the operand's text: the walk enters only the
/// nodes that hold one of those words.
fn lock_selections<'t>(decl: Node<'t>, src: &'t str) -> Vec<(&'t str, &'t str)> {
    let (start, bytes) = (decl.start_byte(), syntax::text(decl, src).as_bytes());
    let mut at: Vec<usize> = ["Lock", "RLock", "Unlock", "RUnlock"]
        .into_iter()
        .flat_map(|w| {
            memchr::memmem::find_iter(bytes, w.as_bytes())
                .filter(move |&i| whole_token(bytes, i, i + w.len()))
        })
        .map(|i| start + i)
        .collect();
    at.sort_unstable();
    let mut hits = Hits::new(at);
    let mut out = Vec::new();
    syntax::walk(decl, |n| {
        if !hits.within(n) {
            return Walk::Skip;
        }
        if syntax::kind(n) == "selector_expression" {
            let field = n.field("field").map_or("", |f| text(f, src));
            if matches!(field, "Lock" | "RLock" | "Unlock" | "RUnlock") {
                let operand = n.field("operand");
                out.push((field, operand.map_or("", |o| text(o, src))));
            }
        }
        Walk::Enter
    });
    out
}

/// Whether `mutex` is the receiver `recv` itself or its field `recv.f`.
pub fn is_receivers(mutex: &str, recv: Option<&str>) -> bool {
    recv.is_some_and(|r| mutex == r || mutex.rsplit_once('.').is_some_and(|(owner, _)| owner == r))
}

/// The receiver's name of a method declaration.
pub fn receiver_name<'t>(func: Node<'t>, src: &'t str) -> Option<&'t str> {
    (syntax::kind(func) == "method_declaration")
        .then(|| func.field("receiver"))
        .flatten()
        .and_then(|r| r.named_child(0))
        .and_then(|p| p.field("name"))
        .map(|n| text(n, src))
}
