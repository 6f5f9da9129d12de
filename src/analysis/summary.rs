//! What each function of a file does to locks, worked out once per file and
//! kept as plain data (no syntax tree), so that the other files of the same
//! package can ask about it: see [`super::package`].
//!
//! A method's *entry* is its leading straight-line statements: they run
//! every time it is called, before any branch, loop or closure. What a
//! method does there is certain, which is what a rule reporting a deadlock
//! needs: `Lock` of a receiver's mutex, or a call of another method of the
//! same receiver (whose own entry is then read in turn).

use super::flow;
use super::lock_calls::{self, LockCall, Op};
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

/// What one method does on entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodSummary {
    /// The receiver's base type name (`T` for `*T` and `T[K]`).
    pub receiver_type: String,
    /// The method's name.
    pub name: String,
    /// The method's name in its declaration.
    pub name_range: Range<usize>,
    /// What its entry does, in order, up to the first statement whose
    /// effect on the receiver's locks is not certain.
    pub entry: Vec<EntryStep>,
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
}

impl FileSummary {
    /// The summary of the file `src` named `file`, whose syntax tree is
    /// `root`. Linear in the number of top-level declarations and their
    /// leading statements.
    pub fn of(root: Node<'_>, src: &str, file: Arc<str>) -> FileSummary {
        let mut package = String::new();
        let mut methods = Vec::new();
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            match decl.kind() {
                "package_clause" => {
                    if let Some(name) = decl.named_child(0) {
                        package = text(name, src).to_string();
                    }
                }
                "method_declaration" => methods.extend(method_summary(decl, src)),
                _ => {}
            }
        }
        FileSummary {
            file,
            package,
            methods,
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

/// What `method` does on entry, when it has a named receiver.
fn method_summary(method: Node<'_>, src: &str) -> Option<MethodSummary> {
    let (recv, receiver_type) = receiver(method, src)?;
    let name = method.child_by_field_name("name")?;
    let body = syntax::function_body(method)?;
    Some(MethodSummary {
        receiver_type: receiver_type.to_string(),
        name: text(name, src).to_string(),
        name_range: name.byte_range(),
        entry: entry(body, recv, src),
    })
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
