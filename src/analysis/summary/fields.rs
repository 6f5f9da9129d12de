//! Which fields of its receiver a method reads and writes, and which of the
//! receiver's mutexes are certainly held at each access: the walk of
//! [`super::walk::block_ops`] records them statement by statement, with the same
//! held locks as its channel operations. An access inside a closure (a `go`
//! or `defer` statement's included) is walked with the locks the closure
//! takes itself, none from the method.

use super::walk::{block_ops, last_mention, names_receiver, receiver_path, Held};
use super::{HeldCall, HeldLock};
use crate::analysis::fields::Fields as _;
use crate::analysis::syntax::{self, text};
use std::ops::Range;
use std::sync::LazyLock;
use tree_sitter::{Language, Node, TreeCursor};

/// How a field is accessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Its value is read.
    Read,
    /// It is assigned (`=`, `op=`), incremented or decremented, or an
    /// element or field of it is.
    Write,
    /// Its address is taken (`&s.n`), other than for a `sync/atomic` call.
    Address,
    /// Through a `sync/atomic` function that may write it:
    /// `atomic.AddInt64(&s.n, 1)`.
    Atomic,
    /// Through a `sync/atomic` load: `atomic.LoadInt64(&s.n)`.
    AtomicLoad,
    /// A method is called on it (`s.buf.Reset()`), a lock method excepted.
    Method,
    /// It is used as a channel: sent to, received from, closed.
    Channel,
}

impl Access {
    /// Whether the access reads or writes the field's own value, neither
    /// through `sync/atomic` nor a method nor as a channel.
    pub fn plain(self) -> bool {
        matches!(self, Access::Read | Access::Write)
    }
}

/// One access of a field of the receiver in a method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldAccess {
    /// The field's path below the receiver (`.count`, `.stats.hits`).
    pub path: String,
    /// How it is accessed.
    pub access: Access,
    /// The field's selector.
    pub range: Range<usize>,
    /// The receiver's mutexes certainly held there.
    pub held: Vec<HeldLock>,
    /// Whether it is inside a closure (a goroutine's included).
    pub closure: bool,
    /// Whether it is inside a closure a `go` statement starts.
    pub goroutine: bool,
    /// Whether it writes an element (`s.m[k] = v`, `s.a[i].n++`), not the
    /// field itself.
    pub element: bool,
}

/// What an expression is, seen from the node above it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Read,
    Write,
    /// A write of an element of it.
    Element,
    Address,
    Atomic,
    AtomicLoad,
    Channel,
    /// The function of a call: `recv.f` is a method call.
    Callee,
}

/// The lock methods, whose calls are not accesses of the mutex field.
const LOCK_METHODS: [&str; 6] = ["Lock", "Unlock", "RLock", "RUnlock", "TryLock", "TryRLock"];

/// Records the field accesses and receiver calls of statement `stmt`
/// outside the blocks it holds (walked on their own by `block_ops`), with
/// `held` held; closures are walked with none.
pub(super) fn own<'t>(
    stmt: Node<'t>,
    recv: &str,
    src: &str,
    held: &[HeldLock],
    out: &mut Held<'_, 't>,
) {
    let mut stack = Vec::new();
    children(
        stmt,
        Role::Read,
        src,
        (out.atomic, &out.mentions),
        &mut stack,
    );
    while let Some((node, role)) = stack.pop() {
        match syntax::kind(node) {
            "block" | "statement_list" => continue,
            "func_literal" => {
                if let Some(body) = node.field("body") {
                    let was = (out.closure, out.goroutine);
                    out.closure = true;
                    out.goroutine |= syntax::kind(stmt) == "go_statement";
                    block_ops(body, recv, src, out);
                    (out.closure, out.goroutine) = was;
                }
                continue;
            }
            "call_expression" => {
                let callee = node.field("function");
                let name = callee
                    .and_then(|f| receiver_path(f, recv, src))
                    .and_then(|p| p.strip_prefix('.'))
                    .filter(|p| !p.contains('.'));
                if let Some(name) = name {
                    out.receiver_calls.push(HeldCall {
                        held: held.to_vec(),
                        name: name.to_string(),
                        range: node.byte_range(),
                    });
                }
                // `once.Do(recv.init)`: the method runs once, before what
                // waits for the Once.
                let once = callee
                    .and_then(|f| f.field("field"))
                    .is_some_and(|f| text(f, src) == "Do");
                if let Some(args) = node.field("arguments").filter(|_| once) {
                    let mut c = args.walk();
                    for arg in args.named_children(&mut c) {
                        if let Some(m) =
                            receiver_path(arg, recv, src).and_then(|p| p.strip_prefix('.'))
                        {
                            out.once.push(m.to_string());
                        }
                    }
                }
            }
            "selector_expression" => {
                if let Some(path) = receiver_path(node, recv, src) {
                    record(node, path, role, held, out);
                    continue;
                }
            }
            _ => {}
        }
        children(node, role, src, (out.atomic, &out.mentions), &mut stack);
    }
}

/// Records the access of field `path` at selector `node`, in `role`.
fn record(node: Node<'_>, path: &str, role: Role, held: &[HeldLock], out: &mut Held<'_, '_>) {
    let access = match role {
        Role::Read => Access::Read,
        Role::Write | Role::Element => Access::Write,
        Role::Address => Access::Address,
        Role::Atomic => Access::Atomic,
        Role::AtomicLoad => Access::AtomicLoad,
        Role::Channel => Access::Channel,
        Role::Callee => {
            let (base, method) = path.rsplit_once('.').unwrap_or(("", path));
            // `recv.m(…)` is recorded by its call.
            if base.is_empty() || LOCK_METHODS.contains(&method) {
                return;
            }
            return push(out, base, Access::Method, node.byte_range(), held);
        }
    };
    push(out, path, access, node.byte_range(), held);
    if role == Role::Element {
        if let Some(last) = out.accesses.last_mut() {
            last.element = true;
        }
    }
}

fn push(
    out: &mut Held<'_, '_>,
    path: &str,
    access: Access,
    range: Range<usize>,
    held: &[HeldLock],
) {
    out.accesses.push(FieldAccess {
        path: path.to_string(),
        access,
        range,
        held: held.to_vec(),
        closure: out.closure,
        goroutine: out.goroutine,
        element: false,
    });
}

/// The name of each field of the grammar, by field id.
static FIELD_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let language = Language::new(tree_sitter_go::LANGUAGE);
    (0..=language.field_count())
        .map(|id| {
            u16::try_from(id)
                .ok()
                .and_then(|id| language.field_name_for_id(id))
                .unwrap_or("")
        })
        .collect()
});

/// The field name of the cursor's node, as [`TreeCursor::field_name`]
/// but looked up by id: no string length count or UTF-8 check per call.
fn field_name(cursor: &TreeCursor<'_>) -> Option<&'static str> {
    let id = usize::from(cursor.field_id()?.get());
    FIELD_NAMES.get(id).copied().filter(|n| !n.is_empty())
}

/// Pushes the named children of `node` on `out`, each with its role,
/// `node` being in `role`; `atomic` is the name `sync/atomic` is imported
/// as.
fn children<'t>(
    node: Node<'t>,
    role: Role,
    src: &str,
    (atomic, mentions): (Option<&str>, &[usize]),
    out: &mut Vec<(Node<'t>, Role)>,
) {
    // What a child passes on of its parent's role: writing `s.a[i].b`
    // writes `s.a`.
    let inherit = match role {
        Role::Write
        | Role::Element
        | Role::Address
        | Role::Atomic
        | Role::AtomicLoad
        | Role::Channel => role,
        Role::Read | Role::Callee => Role::Read,
    };
    // The children after the last that names the receiver are not read.
    let Some(last) = last_mention(mentions, node) else {
        return;
    };
    let kind = syntax::kind(node);
    let call = |function: &str| {
        node.field("function")
            .is_some_and(|f| text(f, src) == function)
    };
    // `atomic.F(&x, …)`: a load when F is `Load…`.
    let atomic_call = Some(node)
        .filter(|_| kind == "call_expression")
        .and_then(|n| n.field("function"))
        .filter(|f| syntax::kind(*f) == "selector_expression")
        .filter(|f| {
            f.field("operand")
                .is_some_and(|o| syntax::kind(o) == "identifier" && Some(text(o, src)) == atomic)
        })
        .and_then(|f| f.field("field"))
        .map(|f| {
            if text(f, src).starts_with("Load") {
                Role::AtomicLoad
            } else {
                Role::Atomic
            }
        });
    // The children before the first that names the receiver are not read
    // either (but for an argument list's, which tell its first argument).
    let first = mentions.get(mentions.partition_point(|&m| m < node.start_byte()));
    let mut cursor = node.walk();
    let jumped = kind != "argument_list"
        && first.is_some_and(|&at| cursor.goto_first_child_for_byte(at).is_some());
    if !jumped && !cursor.goto_first_child() {
        return;
    }
    let mut first_arg = true;
    loop {
        let child = cursor.node();
        if child.start_byte() > last {
            break;
        }
        // Only what names the receiver can access its fields or call its
        // methods.
        if child.is_named() && !names_receiver(mentions, child) {
            if kind == "argument_list" && syntax::kind(child) != "comment" {
                first_arg = false;
            }
        } else if child.is_named() {
            let field = field_name(&cursor);
            let role = match (kind, field) {
                ("assignment_statement", Some("left")) => Role::Write,
                ("inc_statement" | "dec_statement", _) => Role::Write,
                ("expression_list" | "parenthesized_expression", _) => inherit,
                // `&s.counts[i]` for sync/atomic reads the slice plainly.
                ("index_expression" | "slice_expression", Some("operand"))
                    if matches!(inherit, Role::Atomic | Role::AtomicLoad) =>
                {
                    Role::Read
                }
                ("index_expression", Some("operand")) if inherit == Role::Write => Role::Element,
                (
                    "selector_expression" | "index_expression" | "slice_expression",
                    Some("operand"),
                ) => inherit,
                ("unary_expression", Some("operand")) => {
                    match node.field("operator").map(|o| text(o, src)) {
                        Some("&") if matches!(role, Role::Atomic | Role::AtomicLoad) => role,
                        Some("&") => Role::Address,
                        Some("<-") => Role::Channel,
                        Some("*") => inherit,
                        _ => Role::Read,
                    }
                }
                ("send_statement", Some("channel")) => Role::Channel,
                ("call_expression", Some("function")) => Role::Callee,
                ("call_expression", Some("arguments")) => match atomic_call {
                    Some(role) => role,
                    None if call("close") => Role::Channel,
                    None => Role::Read,
                },
                ("argument_list", _) if first_arg && syntax::kind(child) != "comment" => {
                    first_arg = false;
                    inherit
                }
                _ => Role::Read,
            };
            out.push((child, role));
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
}

/// Whether the callers of method `method` (named `name`) hold its
/// receiver's lock, by convention: its name ends in `Locked`/`_locked`, or
/// its doc comment says its callers hold the lock ("c.mu must be held",
/// "called with the lock held"). `comments` are the comments right before
/// it, in order: its doc comment is their tail of adjacent lines.
pub(super) fn assumes_held(method: Node<'_>, comments: &[Node<'_>], name: &str, src: &str) -> bool {
    if name.ends_with("Locked") || name.ends_with("_locked") {
        return true;
    }
    let mut doc = String::new();
    let mut next = method;
    for &prev in comments.iter().rev() {
        if prev.end_position().row + 1 != next.start_position().row {
            break;
        }
        doc.push_str(&text(prev, src).to_lowercase());
        next = prev;
    }
    if doc.is_empty() {
        return false;
    }
    [
        "must hold",
        "must be held",
        "should hold",
        "should be held",
        "needs to be held",
        "need to be held",
        "should already",
        "hold the lock",
        "holds the lock",
        "assumes the lock",
        "assumes lock",
        "needs the lock",
        "requires the lock",
        "under the lock",
        "under lock",
        "must already hold",
        "caller holds",
        "callers hold",
        "caller must lock",
        "called with",
        "while holding",
        "lock is held",
        "lock held",
        "mu held",
        "already held",
        "assumed held",
        "assumed to be held",
        "already locked",
        "is held by the caller",
    ]
    .iter()
    .any(|w| doc.contains(w))
}
