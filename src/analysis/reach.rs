//! "Must pass" reasoning on syntax: from a statement, can a path reach the
//! end of its function (a `return` or the closing brace) without going
//! through one of a set of marked places? Used for "the cancel function is
//! not called on every path".
//!
//! Statements are summarised bottom-up with an explicit stack (no recursion):
//! whether they can return unmarked, complete normally unmarked, or `break`
//! / `continue` unmarked. Anything this cannot follow (labeled jumps, `goto`,
//! `fallthrough` out of the starting case) counts as marked, so the answer
//! errs towards "every path is marked".

use super::flow::{is_terminator, statements};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax;
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::Node;

/// How control can leave a statement without passing a mark.
#[derive(Clone, Copy, Debug, Default)]
struct Flow<'t> {
    /// A `return` (or the function end) reached unmarked.
    exit: Option<Node<'t>>,
    /// Completes normally, unmarked.
    fall: bool,
    /// Reaches an unlabeled `break` unmarked.
    brk: bool,
    /// Reaches an unlabeled `continue` unmarked.
    cont: bool,
}

/// Every path is marked (or cannot be followed).
const STOP: Flow<'static> = Flow {
    exit: None,
    fall: false,
    brk: false,
    cont: false,
};

/// Completes normally, unmarked.
const FALL: Flow<'static> = Flow {
    exit: None,
    fall: true,
    brk: false,
    cont: false,
};

impl<'t> Flow<'t> {
    /// `self` followed by `next`.
    fn then(self, next: Flow<'t>) -> Flow<'t> {
        if !self.fall {
            return self;
        }
        Flow {
            exit: self.exit.or(next.exit),
            fall: next.fall,
            brk: self.brk || next.brk,
            cont: self.cont || next.cont,
        }
    }

    /// Either `self` or `other` runs.
    fn or(self, other: Flow<'t>) -> Flow<'t> {
        Flow {
            exit: self.exit.or(other.exit),
            fall: self.fall || other.fall,
            brk: self.brk || other.brk,
            cont: self.cont || other.cont,
        }
    }
}

/// Sorted byte offsets of the marked places.
struct Marks<'a> {
    at: Vec<usize>,
    src: &'a str,
}

impl Marks<'_> {
    /// Whether a mark lies within `node`.
    fn within(&self, node: Node<'_>) -> bool {
        let i = self.at.partition_point(|&p| p < node.start_byte());
        self.at.get(i).is_some_and(|&p| p < node.end_byte())
    }
}

/// The statements of a case clause (`case …:` / `default:`).
fn case_statements(case: Node<'_>) -> Vec<Node<'_>> {
    let mut c = case.walk();
    let list = case
        .named_children(&mut c)
        .find(|n| syntax::kind(*n) == "statement_list");
    list.map(statements_of_list).unwrap_or_default()
}

/// The statements of a `statement_list`.
fn statements_of_list(list: Node<'_>) -> Vec<Node<'_>> {
    let mut c = list.walk();
    list.named_children(&mut c)
        .filter(|n| syntax::kind(*n) != "comment")
        .collect()
}

/// The case clauses of a switch or select.
fn cases(stmt: Node<'_>) -> Vec<Node<'_>> {
    let mut c = stmt.walk();
    stmt.named_children(&mut c)
        .filter(|n| {
            matches!(
                syntax::kind(*n),
                "expression_case" | "default_case" | "type_case" | "communication_case"
            )
        })
        .collect()
}

/// The statements directly nested in `stmt` whose summaries its own needs.
fn nested(stmt: Node<'_>) -> Vec<Node<'_>> {
    match syntax::kind(stmt) {
        "block" => statements(stmt),
        "if_statement" => {
            let mut out = stmt
                .field("consequence")
                .map(statements)
                .unwrap_or_default();
            match stmt.field("alternative") {
                Some(alt) if syntax::kind(alt) == "block" => out.extend(statements(alt)),
                Some(alt) => out.push(alt),
                None => {}
            }
            out
        }
        "for_statement" => stmt.field("body").map(statements).unwrap_or_default(),
        "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
            cases(stmt).into_iter().flat_map(case_statements).collect()
        }
        "labeled_statement" => {
            let mut c = stmt.walk();
            stmt.named_children(&mut c)
                .filter(|n| syntax::kind(*n) != "label_name")
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Summaries of statements, computed on demand and remembered.
struct Summaries<'t, 'a> {
    marks: Marks<'a>,
    memo: HashMap<usize, Flow<'t>>,
    /// The summary of the statements after each statement of a list asked
    /// about, by its id.
    rest: HashMap<usize, Flow<'t>>,
    /// The statements of each list asked about, by its id.
    lists: HashMap<usize, Rc<[Node<'t>]>>,
    /// The index of each statement of those lists, by its id.
    index: HashMap<usize, usize>,
}

impl<'t> Summaries<'t, '_> {
    /// The summary of `stmt`, computing its nested statements first.
    fn of(&mut self, stmt: Node<'t>) -> Flow<'t> {
        let mut stack = vec![(stmt, false)];
        while let Some((n, ready)) = stack.pop() {
            if self.memo.contains_key(&n.id()) {
                continue;
            }
            if ready {
                let flow = self.combine(n);
                self.memo.insert(n.id(), flow);
            } else {
                stack.push((n, true));
                stack.extend(nested(n).into_iter().map(|c| (c, false)));
            }
        }
        self.memo.get(&stmt.id()).copied().unwrap_or(STOP)
    }

    /// The summary of the statements after `cur` in `list`, remembering it
    /// and that of every statement in between, so that asking for each
    /// statement of a long list in turn costs the list once.
    fn rest_after(&mut self, list: Node<'t>, cur: Node<'t>) -> Flow<'t> {
        if let Some(flow) = self.rest.get(&cur.id()) {
            return *flow;
        }
        let stmts = match self.lists.get(&list.id()) {
            Some(stmts) => Rc::clone(stmts),
            None => {
                let stmts: Rc<[Node<'t>]> = statements_of_list(list).into();
                for (i, s) in stmts.iter().enumerate() {
                    self.index.insert(s.id(), i);
                }
                self.lists.insert(list.id(), Rc::clone(&stmts));
                stmts
            }
        };
        let Some(&at) = self.index.get(&cur.id()) else {
            return FALL;
        };
        // The summaries from `at + 1` up to one that does not fall through,
        // a remembered rest, or the end; then folded from the right.
        let mut flows = Vec::new();
        let mut tail = FALL;
        for s in stmts.iter().skip(at + 1) {
            let flow = self.of(*s);
            flows.push((*s, flow));
            if !flow.fall {
                break;
            }
            if let Some(rest) = self.rest.get(&s.id()) {
                tail = *rest;
                break;
            }
        }
        let mut acc = tail;
        for (i, (_, flow)) in flows.iter().enumerate().rev() {
            acc = flow.then(acc);
            let before = if i == 0 { cur } else { flows[i - 1].0 };
            self.rest.insert(before.id(), acc);
        }
        acc
    }

    /// The remembered summary of a nested statement.
    fn get(&self, stmt: Node<'t>) -> Flow<'t> {
        self.memo.get(&stmt.id()).copied().unwrap_or(STOP)
    }

    /// A sequence of already summarised statements.
    fn seq(&self, list: &[Node<'t>]) -> Flow<'t> {
        list.iter().fold(FALL, |acc, s| acc.then(self.get(*s)))
    }

    /// Whether a mark lies in `stmt` outside its nested blocks and clauses.
    fn header_marked(&self, stmt: Node<'t>, skip: &[Node<'t>]) -> bool {
        let mut c = stmt.walk();
        let parts: Vec<Node<'t>> = stmt
            .children(&mut c)
            .filter(|n| !skip.contains(n))
            .collect();
        parts.into_iter().any(|p| self.marks.within(p))
    }

    /// The summary of one case clause, `next` being the summary of the
    /// clause a trailing `fallthrough` continues into.
    fn case(&self, case: Node<'t>, next: Flow<'t>) -> Flow<'t> {
        let mut c = case.walk();
        let head_marked = case
            .children(&mut c)
            .filter(|n| syntax::kind(*n) != "statement_list")
            .any(|n| self.marks.within(n));
        if head_marked {
            return STOP;
        }
        let stmts = case_statements(case);
        match stmts.split_last() {
            Some((last, rest)) if syntax::kind(*last) == "fallthrough_statement" => {
                self.seq(rest).then(next)
            }
            _ => self.seq(&stmts),
        }
    }

    /// The summary of `stmt` from those of its nested statements.
    fn combine(&self, stmt: Node<'t>) -> Flow<'t> {
        match syntax::kind(stmt) {
            "block" => self.seq(&statements(stmt)),
            "if_statement" => {
                let cons = stmt.field("consequence");
                let alt = stmt.field("alternative");
                let skip: Vec<Node<'t>> = cons.into_iter().chain(alt).collect();
                if self.header_marked(stmt, &skip) {
                    return STOP;
                }
                let c = cons.map_or(FALL, |b| self.seq(&statements(b)));
                let a = match alt {
                    Some(b) if syntax::kind(b) == "block" => self.seq(&statements(b)),
                    Some(elif) => self.get(elif),
                    None => FALL,
                };
                c.or(a)
            }
            "for_statement" => {
                let body = stmt.field("body");
                if self.header_marked(stmt, &body.into_iter().collect::<Vec<_>>()) {
                    return STOP;
                }
                let b = body.map_or(FALL, |b| self.seq(&statements(b)));
                let infinite = stmt.named_child_count() == 1;
                Flow {
                    exit: b.exit,
                    fall: !infinite || b.brk,
                    brk: false,
                    cont: false,
                }
            }
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                let cs = cases(stmt);
                if self.header_marked(stmt, &cs) {
                    return STOP;
                }
                let mut total = STOP;
                let mut next = FALL;
                for case in cs.iter().rev() {
                    let flow = self.case(*case, next);
                    total = total.or(flow);
                    next = flow;
                }
                let has_default = cs.iter().any(|c| syntax::kind(*c) == "default_case");
                let is_select = syntax::kind(stmt) == "select_statement";
                Flow {
                    exit: total.exit,
                    fall: total.fall || total.brk || (!is_select && !has_default),
                    brk: false,
                    cont: total.cont,
                }
            }
            "labeled_statement" => nested(stmt).first().map_or(FALL, |s| self.get(*s)),
            _ if self.marks.within(stmt) => STOP,
            "return_statement" => Flow {
                exit: Some(stmt),
                ..STOP
            },
            "break_statement" | "continue_statement" if stmt.named_child(0).is_some() => STOP,
            "break_statement" => Flow { brk: true, ..STOP },
            "continue_statement" => Flow { cont: true, ..STOP },
            "goto_statement" => STOP,
            "expression_statement" if is_terminator(stmt, self.marks.src) => STOP,
            _ => FALL,
        }
    }
}

/// Path questions for one set of marks, asked from many starting points:
/// what it learns about each statement serves every later question.
pub struct Reach<'t, 'a> {
    sums: Summaries<'t, 'a>,
}

impl<'t, 'a> Reach<'t, 'a> {
    /// Paths of source `src` marked at the sorted byte offsets `marks`.
    pub fn new(marks: Vec<usize>, src: &'a str) -> Self {
        Reach {
            sums: Summaries {
                marks: Marks { at: marks, src },
                memo: HashMap::new(),
                rest: HashMap::new(),
                lists: HashMap::new(),
                index: HashMap::new(),
            },
        }
    }

    /// Where a path that starts right after statement `start` (or, for an
    /// `if` or `switch` whose initializer holds the starting point, through
    /// `start`) leaves its function without passing a mark: the `return`
    /// statement, or the function's body block when control falls off its
    /// end. `None` when every path passes a mark, ends in a panic or exit,
    /// loops forever, or cannot be followed.
    pub fn unmarked_exit(&mut self, start: Node<'t>) -> Option<Node<'t>> {
        let sums = &mut self.sums;
        let mut state = if matches!(
            syntax::kind(start),
            "if_statement" | "expression_switch_statement" | "type_switch_statement"
        ) {
            sums.of(start)
        } else {
            FALL
        };
        let mut cur = start;
        loop {
            if state.exit.is_some() {
                return state.exit;
            }
            if !(state.fall || state.brk || state.cont) {
                return None;
            }
            let parent = cur.parent()?;
            match syntax::kind(parent) {
                "statement_list" => {
                    if state.fall {
                        state = state.then(sums.rest_after(parent, cur));
                    }
                }
                "block" | "if_statement" | "labeled_statement" => {}
                "expression_case" | "default_case" | "type_case" | "communication_case" => {
                    let ends_in_fallthrough = case_statements(parent)
                        .last()
                        .is_some_and(|s| syntax::kind(*s) == "fallthrough_statement");
                    if ends_in_fallthrough && state.fall {
                        return None;
                    }
                    state.fall = state.fall || state.brk;
                    state.brk = false;
                    cur = parent.parent()?;
                    continue;
                }
                "for_statement" => {
                    // A mark earlier in the loop may run on the next iteration.
                    let marks = &sums.marks.at;
                    let i = marks.partition_point(|m| *m < parent.start_byte());
                    if marks.get(i).is_some_and(|m| *m < start.start_byte()) {
                        return None;
                    }
                    let infinite = parent.named_child_count() == 1;
                    state.fall = (!infinite && (state.fall || state.cont)) || state.brk;
                    state.brk = false;
                    state.cont = false;
                }
                "function_declaration" | "method_declaration" | "func_literal" => {
                    return state.fall.then_some(cur);
                }
                _ => return None,
            }
            cur = parent;
        }
    }
}
