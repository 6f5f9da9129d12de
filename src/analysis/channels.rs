//! How a channel variable is used, syntactically: sends, receives, `range`,
//! `close`, `len`/`cap`, or anything else (a hand-off the channel rules
//! cannot follow), and where a variable is bound or rebound.

use super::sites::Sites;
use super::syntax::{self, text, Parents, Walk};
use super::Ctx;
use crate::analysis::fields::Fields as _;
use tree_sitter::Node;

/// One use of a channel variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// `ch <- v` as a statement.
    Send,
    /// `case ch <- v:` in a `select`.
    SelectSend,
    /// `<-ch` in an expression.
    Recv,
    /// `case <-ch:` / `case v := <-ch:` in a `select`.
    SelectRecv,
    /// `for … range ch`.
    Range,
    /// `close(ch)` run now.
    Close,
    /// `defer close(ch)`.
    DeferredClose,
    /// `len(ch)` or `cap(ch)`.
    LenCap,
    /// Anything else: passed, stored, compared, captured, rebound, …
    Other,
}

impl Use {
    /// Whether the use blocks until another goroutine acts on an unbuffered
    /// or empty channel (a send, receive or range outside a `select`).
    pub fn blocks(self) -> bool {
        matches!(self, Use::Send | Use::Recv | Use::Range)
    }
}

/// `node` with the parentheses around it: the outermost parenthesized
/// expression that is just `node`.
fn with_parens<'t>(up: &Parents<'t>, node: Node<'t>) -> Node<'t> {
    let mut n = node;
    while let Some(p) = up
        .parent(n)
        .filter(|p| syntax::kind(*p) == "parenthesized_expression")
    {
        n = p;
    }
    n
}

/// How the identifier `ident` (a channel variable) is used where it
/// stands; `up` is the file's parents.
pub fn classify<'t>(up: &Parents<'t>, ident: Node<'t>, src: &str) -> Use {
    let e = with_parens(up, ident);
    let Some(p) = up.parent(e) else {
        return Use::Other;
    };
    match syntax::kind(p) {
        "send_statement" if p.field("channel") == Some(e) => {
            if in_select_case(up, p) {
                Use::SelectSend
            } else {
                Use::Send
            }
        }
        "unary_expression"
            if p.field("operand") == Some(e)
                && p.field("operator").is_some_and(|o| text(o, src) == "<-") =>
        {
            let top = with_parens(up, p);
            let in_case = up.parent(top).is_some_and(|r| {
                syntax::kind(r) == "receive_statement"
                    && r.field("right") == Some(top)
                    && in_select_case(up, r)
            });
            if in_case {
                Use::SelectRecv
            } else {
                Use::Recv
            }
        }
        "range_clause" if p.field("right") == Some(e) => Use::Range,
        "argument_list" => {
            let Some(call) = up.parent(p) else {
                return Use::Other;
            };
            if syntax::call_args(call).len() != 1 {
                return Use::Other;
            }
            match syntax::callee(call, src) {
                Some("close")
                    if up
                        .parent(call)
                        .is_some_and(|d| syntax::kind(d) == "defer_statement") =>
                {
                    Use::DeferredClose
                }
                Some("close") => Use::Close,
                Some("len" | "cap") => Use::LenCap,
                _ => Use::Other,
            }
        }
        _ => Use::Other,
    }
}

/// Whether `stmt` is the communication of a `select` case.
fn in_select_case<'t>(up: &Parents<'t>, stmt: Node<'t>) -> bool {
    up.parent(stmt)
        .is_some_and(|c| syntax::kind(c) == "communication_case")
}

/// The node to report for a use: the send statement, the receive
/// expression, the `for` statement of a range, the `close` call.
pub fn op_node<'t>(up: &Parents<'t>, ident: Node<'t>, how: Use) -> Node<'t> {
    let e = with_parens(up, ident);
    let node = match how {
        Use::Send | Use::SelectSend | Use::Recv | Use::SelectRecv => up.parent(e),
        Use::Range => up.parent(e).and_then(|r| up.parent(r)),
        Use::Close | Use::DeferredClose | Use::LenCap => up.parent(e).and_then(|a| up.parent(a)),
        Use::Other => None,
    };
    node.unwrap_or(ident)
}

/// Whether `node` lies inside a func literal nested in `outer` (so runs in
/// another function than `outer`'s own statements).
pub fn in_nested_literal<'t>(up: &Parents<'t>, node: Node<'t>, outer: Node<'t>) -> bool {
    up.ancestors(node)
        .take_while(|a| *a != outer)
        .any(|a| syntax::kind(a) == "func_literal")
}

/// Whether `node` binds or rebinds the variable `name`: an assignment,
/// `:=`, `++`/`--`, `var`/`const` spec, range variable, `case v := <-c`,
/// type switch alias, parameter of a func literal, or `&name`.
pub fn binds(node: Node<'_>, name: &str, src: &str) -> bool {
    bound_names(node, src).contains(&name)
}

/// The names `node` binds or rebinds (see [`binds`]).
pub fn bound_names<'s>(node: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let named = |list: Option<Node<'_>>| {
        list.map(|l| {
            let mut c = l.walk();
            let names: Vec<&'s str> = l
                .named_children(&mut c)
                .map(|n| text(syntax::unparen(n), src))
                .collect();
            names
        })
        .unwrap_or_default()
    };
    match syntax::kind(node) {
        "assignment_statement" | "short_var_declaration" | "range_clause" | "receive_statement" => {
            named(node.field("left"))
        }
        "type_switch_statement" => named(node.field("alias")),
        "inc_statement" | "dec_statement" => node
            .named_child(0)
            .map(|n| text(syntax::unparen(n), src))
            .into_iter()
            .collect(),
        "var_spec" | "const_spec" | "parameter_declaration" | "variadic_parameter_declaration" => {
            let mut c = node.walk();
            let names: Vec<&'s str> = node.fields("name", &mut c).map(|n| text(n, src)).collect();
            names
        }
        "unary_expression" if node.field("operator").is_some_and(|o| text(o, src) == "&") => node
            .field("operand")
            .map(|o| text(syntax::unparen(o), src))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `name` is bound or rebound (see [`binds`]) anywhere in `root`
/// at or after byte `from`, nested func literals included.
pub fn bound_after(root: Node<'_>, name: &str, from: usize, src: &str) -> bool {
    let mut found = false;
    syntax::walk(root, |n| {
        if n.end_byte() <= from {
            return Walk::Skip;
        }
        if n.start_byte() >= from && binds(n, name, src) {
            found = true;
            return Walk::Stop;
        }
        Walk::Enter
    });
    found
}

/// The value of a Go integer literal (decimal, hex, octal or binary, with
/// `_` separators), if `node` is one that fits in a `u64`.
pub fn int_value(node: Node<'_>, src: &str) -> Option<u64> {
    if syntax::kind(node) != "int_literal" {
        return None;
    }
    let t: String = text(node, src).chars().filter(|c| *c != '_').collect();
    let lower = t.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(o) = lower.strip_prefix('0').filter(|o| !o.is_empty()) {
        (o.to_string(), 8)
    } else {
        (lower, 10)
    };
    u64::from_str_radix(&digits, radix).ok()
}

/// Whether a panic at `node` is expected and handled: a function around it
/// defers a func literal that calls `recover()`, or a helper named for it
/// (`defer expectPanic(t)`): a test of the panic, typically. A bare
/// `defer recover()` does not count: it recovers nothing.
pub fn recovered<'t>(node: Node<'t>, ctx: &Ctx<'t>) -> bool {
    let sites = ctx.facts.sites(node);
    ctx.facts
        .parents()
        .ancestors(node)
        .filter(|a| syntax::is_function(*a))
        .filter_map(syntax::function_body)
        .any(|body| {
            sites.defers_recover(body, |body| {
                syntax::same_function_descendants(body)
                    .into_iter()
                    .filter(|n| syntax::kind(*n) == "defer_statement")
                    .filter_map(|d| d.named_child(0))
                    .any(|call| deferred_recover(call, ctx))
            })
        })
}

/// Whether the deferred call `call` may recover a panic.
fn deferred_recover(call: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let src = ctx.src;
    let Some(callee) = call.field("function").map(syntax::unparen) else {
        return false;
    };
    if syntax::kind(callee) == "func_literal" {
        return syntax::descendants(callee)
            .into_iter()
            .any(|c| syntax::is_builtin_call(c, ctx, "recover"));
    }
    let name = text(callee, src).to_ascii_lowercase();
    syntax::kind(callee) == "identifier"
        && !syntax::is_builtin_call(call, ctx, "recover")
        && (name.contains("panic") || name.contains("recover"))
}

/// A function-local `var ch chan T` without a value that nothing ever
/// assigns, rebinds, shadows or takes the address of after it: `ch` is a nil
/// channel wherever it is used.
#[derive(Clone, Debug)]
pub struct NilChannel<'t> {
    /// The `var` spec.
    pub spec: Node<'t>,
    /// The declared name.
    pub name: Node<'t>,
    /// Every later reference to it, with its use.
    pub uses: Vec<(Node<'t>, Use)>,
}

/// The nil channels declared by `spec`, a `var_spec`; `sites` indexes the
/// declaration holding it.
pub fn nil_channels<'t>(spec: Node<'t>, sites: &Sites<'t>, src: &str) -> Vec<NilChannel<'t>> {
    let typed_chan = spec
        .field("type")
        .is_some_and(|t| syntax::kind(t) == "channel_type");
    if syntax::kind(spec) != "var_spec" || !typed_chan || spec.field("value").is_some() {
        return Vec::new();
    }
    let up = sites.parents();
    let Some(decl) = up
        .ancestors(spec)
        .find(|a| syntax::kind(*a) == "var_declaration")
    else {
        return Vec::new();
    };
    let Some(scope) = up
        .parent(decl)
        .filter(|p| matches!(syntax::kind(*p), "statement_list" | "block"))
    else {
        return Vec::new();
    };
    let mut c = spec.walk();
    let names: Vec<_> = spec.fields("name", &mut c).collect();
    names
        .into_iter()
        .filter(|n| {
            text(*n, src) != "_" && !sites.bound_after(scope, text(*n, src), decl.end_byte(), src)
        })
        .map(|name| NilChannel {
            spec,
            name,
            uses: sites
                .references(scope, text(name, src), decl.end_byte())
                .iter()
                .map(|&r| (r, classify(up, r, src)))
                .collect(),
        })
        .collect()
}

/// Whether code at `node` may run at a time only a helper decides: some
/// func literal around it, up to the file's top level, is not called on the
/// spot (see [`runs_in`]) but stored, returned or passed to a call.
pub fn handed_off<'t>(up: &Parents<'t>, node: Node<'t>) -> bool {
    up.ancestors(node)
        .last()
        .is_some_and(|root| !runs_in(up, node, root))
}

/// Whether code at `node` runs as part of `func` itself, in one of its own
/// goroutines: every func literal between them is called on the spot (`go`,
/// `defer` or a direct call), not handed to a helper that decides when, or
/// whether, to run it.
pub fn runs_in<'t>(up: &Parents<'t>, node: Node<'t>, func: Node<'t>) -> bool {
    up.ancestors(node)
        .take_while(|a| *a != func)
        .filter(|a| syntax::kind(*a) == "func_literal")
        .all(|lit| {
            let called = up
                .parent(lit)
                .filter(|p| syntax::kind(*p) == "parenthesized_expression")
                .unwrap_or(lit);
            up.parent(called).is_some_and(|call| {
                syntax::kind(call) == "call_expression" && call.field("function") == Some(called)
            })
        })
}

/// The span to report for a use: that of [`op_node`], except for a range,
/// whose span is the loop header (`for v := range ch`), not the whole loop.
pub fn op_range<'t>(up: &Parents<'t>, ident: Node<'t>, how: Use) -> std::ops::Range<usize> {
    let node = op_node(up, ident, how);
    match (how, up.parent(with_parens(up, ident))) {
        (Use::Range, Some(clause)) => node.start_byte()..clause.end_byte(),
        _ => node.byte_range(),
    }
}
