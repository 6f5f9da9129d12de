//! Indexes of one top-level declaration, built in one walk and shared by
//! every match in it (see [`super::Facts::sites`]): identifiers by
//! name, the places that assign each name, `close` calls by function and
//! channel, and calls. Rules ask them "where is `ch` used after here?"
//! instead of walking the function again for every match, which keeps a
//! function with thousands of statements linear.

use super::channels;
use super::names::{Decl, Resolver};
use super::reach::Reach;
use super::syntax::{self, text, Parents, Walk};
use crate::analysis::fields::Fields as _;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;
use tree_sitter::Node;

/// Builtins that cannot rebind a variable or field.
const PURE_BUILTINS: &[&str] = &[
    "len", "cap", "append", "copy", "delete", "make", "new", "print", "println", "min", "max",
    "complex", "real", "imag",
];

/// The references of each declaration, by declaring identifier id.
type RefsByDecl<'t> = HashMap<usize, Rc<[Node<'t>]>>;
/// References, each with a rule's tag.
type Tagged<'t> = Rc<[(Node<'t>, u8)]>;
/// A rule's marking of a declaration's references: the declaring
/// identifier's id and the rule's name for the marking.
type MarkKey = (usize, &'static str);
/// Statement lists by id, and the index of each of their statements by id.
type Lists<'t> = (HashMap<usize, Rc<[Node<'t>]>>, HashMap<usize, usize>);

/// The indexes of one top-level declaration.
pub struct Sites<'t> {
    /// Identifiers by name, in document order.
    idents: HashMap<&'t str, Vec<Node<'t>>>,
    /// The spans of the nodes that assign each name (as
    /// [`super::flow::assigned_in`] counts them), in document order.
    assigns: HashMap<&'t str, Vec<Range<usize>>>,
    /// Every `close(x)` call, by the id of its function and the text of `x`
    /// without parentheses, in document order.
    closes: HashMap<usize, HashMap<&'t str, Vec<Node<'t>>>>,
    /// The spans of calls to anything but a pure builtin, in document order.
    calls: Vec<Range<usize>>,
    /// The facts of each function asked about, by id.
    funcs: RefCell<HashMap<usize, Rc<FuncFacts<'t>>>>,
    /// Whether each function body asked about defers a recover, by id.
    recovers: RefCell<HashMap<usize, bool>>,
    /// Resolves identifiers, remembering the declarations of each
    /// statement list it has seen.
    resolver: RefCell<Resolver<'t, 't>>,
    /// The references of every local declaration of each function asked
    /// about, by function id and then declaring identifier id.
    decl_refs: RefCell<HashMap<usize, Rc<RefsByDecl<'t>>>>,
    /// The references of each declaration asked about with a rule's tag
    /// for each, by declaring identifier id and the rule's name for them.
    tagged_refs: RefCell<HashMap<(usize, &'static str), Tagged<'t>>>,
    /// The statements of each statement list asked about, by its id, and
    /// the index of each of those statements, by its id.
    lists: RefCell<Lists<'t>>,
    /// The start bytes of the references of each declaration asked about
    /// that a rule marks, by declaring identifier id and the rule's name
    /// for the marking.
    marked_refs: RefCell<HashMap<MarkKey, Rc<[usize]>>>,
    /// Path questions answered so far, by the marks' declaration and name.
    reach: RefCell<HashMap<MarkKey, Reach<'t, 't>>>,
    /// The source text.
    src: &'t str,
    /// The file's parents.
    up: Rc<Parents<'t>>,
}

impl<'t> Sites<'t> {
    /// The parents of the file's nodes.
    pub fn parents(&self) -> &Parents<'t> {
        &self.up
    }

    /// The indexes of `decl` (a top-level declaration) of source `src`.
    pub fn new(decl: Node<'t>, src: &'t str, up: &Rc<Parents<'t>>) -> Self {
        let mut sites = Sites {
            idents: HashMap::new(),
            assigns: HashMap::new(),
            closes: HashMap::new(),
            calls: Vec::new(),
            funcs: RefCell::new(HashMap::new()),
            recovers: RefCell::new(HashMap::new()),
            resolver: RefCell::new(Resolver::new(src, Rc::clone(up))),
            decl_refs: RefCell::new(HashMap::new()),
            marked_refs: RefCell::new(HashMap::new()),
            reach: RefCell::new(HashMap::new()),
            tagged_refs: RefCell::new(HashMap::new()),
            lists: RefCell::new((HashMap::new(), HashMap::new())),
            src,
            up: Rc::clone(up),
        };
        syntax::walk(decl, |n| {
            match syntax::kind(n) {
                "identifier" => sites.idents.entry(text(n, src)).or_default().push(n),
                "assignment_statement" | "short_var_declaration" | "var_spec" | "range_clause" => {
                    for name in syntax::assigned_names(n, src) {
                        sites.assigns.entry(name).or_default().push(n.byte_range());
                    }
                }
                "inc_statement" | "dec_statement" => {
                    if let Some(x) = n.named_child(0) {
                        sites
                            .assigns
                            .entry(text(x, src))
                            .or_default()
                            .push(n.byte_range());
                    }
                }
                "unary_expression" => {
                    let address = n.field("operator").is_some_and(|o| text(o, src) == "&");
                    if let Some(x) = n.field("operand").filter(|_| address) {
                        sites
                            .assigns
                            .entry(text(x, src))
                            .or_default()
                            .push(n.byte_range());
                    }
                }
                "call_expression" => sites.call(n, src, up),
                _ => {}
            }
            Walk::Enter
        });
        sites
    }

    /// Files the call `call`.
    fn call(&mut self, call: Node<'t>, src: &'t str, up: &Parents<'t>) {
        let callee = syntax::callee(call, src);
        if !callee.is_some_and(|c| PURE_BUILTINS.contains(&c)) {
            self.calls.push(call.byte_range());
        }
        if callee != Some("close") {
            return;
        }
        let (Some(arg), Some(func)) = (
            syntax::call_args(call).first().copied(),
            up.enclosing_function(call),
        ) else {
            return;
        };
        self.closes
            .entry(func.id())
            .or_default()
            .entry(text(syntax::unparen(arg), src))
            .or_default()
            .push(call);
    }

    /// The identifiers spelled `name` inside `root` that start at or after
    /// byte `from`, in document order (nested func literals included).
    pub fn references(&self, root: Node<'t>, name: &str, from: usize) -> &[Node<'t>] {
        let Some(all) = self.idents.get(name) else {
            return &[];
        };
        let lo = all.partition_point(|n| n.start_byte() < from.max(root.start_byte()));
        let hi = all.partition_point(|n| n.start_byte() < root.end_byte());
        all.get(lo..hi.max(lo)).unwrap_or(&[])
    }

    /// Whether an identifier spelled `name` starts within bytes `from..to`.
    pub fn has_reference_between(&self, name: &str, from: usize, to: usize) -> bool {
        self.idents.get(name).is_some_and(|all| {
            let i = all.partition_point(|n| n.start_byte() < from);
            all.get(i).is_some_and(|n| n.start_byte() < to)
        })
    }

    /// Whether `name` is bound or rebound (see [`channels::binds`]) by a
    /// node inside `root` that starts at or after byte `from`.
    pub fn bound_after(&self, root: Node<'t>, name: &str, from: usize, src: &str) -> bool {
        self.references(root, name, from).iter().any(|r| {
            binding_site(&self.up, *r).is_some_and(|b| {
                b.start_byte() >= from
                    && b.start_byte() >= root.start_byte()
                    && b.end_byte() <= root.end_byte()
                    && channels::binds(b, name, src)
            })
        })
    }

    /// Whether `name` is assigned by a node that overlaps bytes `from..to`
    /// and lies inside `within` ([`super::flow::assigned_in`] on `within`),
    /// `first` being the node that ends at `from`, if any.
    pub fn assigned_in<'n>(
        &self,
        up: &Parents<'n>,
        name: &str,
        within: Node<'n>,
        first: Option<Node<'n>>,
        to: usize,
    ) -> bool {
        let Some(spans) = self.assigns.get(name) else {
            return false;
        };
        let from = first.map_or(within.start_byte(), |f| f.end_byte());
        let lo = within.start_byte().max(from);
        // A node starting in the range overlaps it.
        let i = spans.partition_point(|s| s.start < lo);
        if spans
            .get(i)
            .is_some_and(|s| s.start < to && s.end <= within.end_byte())
        {
            return true;
        }
        // A node starting before `from` and ending after it holds `first`.
        first.is_some_and(|f| {
            up.ancestors(f)
                .take_while(|a| {
                    a.start_byte() >= within.start_byte() && a.end_byte() <= within.end_byte()
                })
                .any(|a| {
                    let k = spans.partition_point(|s| s.start < a.start_byte());
                    spans
                        .get(k..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|s| s.start == a.start_byte())
                        .any(|s| s.end == a.end_byte())
                })
        })
    }

    /// The `close(x)` calls of `func` itself (not of func literals in it)
    /// whose `x` reads `channel` (parentheses aside), in document order.
    pub fn closes(&self, func: Node<'_>, channel: &str) -> &[Node<'t>] {
        self.closes
            .get(&func.id())
            .and_then(|by_channel| by_channel.get(channel))
            .map_or(&[], Vec::as_slice)
    }

    /// The declaration `ident` refers to (see [`Resolver::resolve`]).
    pub fn resolve(&self, ident: Node<'t>) -> Option<Decl<'t>> {
        self.resolver.borrow_mut().resolve(ident)
    }

    /// Every identifier under `within` (a function holding `decl`) that
    /// refers to `decl`, in document order (see [`Resolver::references`]),
    /// worked out for all of `within`'s declarations at once.
    pub fn decl_references(&self, decl: &Decl<'t>, within: Node<'t>) -> Rc<[Node<'t>]> {
        let known = self.decl_refs.borrow().get(&within.id()).cloned();
        let all = known.unwrap_or_else(|| {
            let all: Rc<RefsByDecl<'t>> = Rc::new(
                self.resolver
                    .borrow_mut()
                    .all_references(within)
                    .into_iter()
                    .map(|(id, refs)| (id, Rc::from(refs)))
                    .collect(),
            );
            self.decl_refs
                .borrow_mut()
                .insert(within.id(), Rc::clone(&all));
            all
        });
        all.get(&decl.ident.id())
            .cloned()
            .unwrap_or_else(|| Rc::from(Vec::new()))
    }

    /// [`Sites::decl_references`] with `tag` applied to each reference,
    /// worked out once per declaration and `kind` (the name a rule gives
    /// its tagging; one tagging per name).
    pub fn tagged_references(
        &self,
        decl: &Decl<'t>,
        within: Node<'t>,
        kind: &'static str,
        tag: impl Fn(Node<'t>) -> u8,
    ) -> Tagged<'t> {
        let key = (decl.ident.id(), kind);
        if let Some(refs) = self.tagged_refs.borrow().get(&key) {
            return Rc::clone(refs);
        }
        let refs: Tagged<'t> = self
            .decl_references(decl, within)
            .iter()
            .map(|&r| (r, tag(r)))
            .collect();
        self.tagged_refs.borrow_mut().insert(key, Rc::clone(&refs));
        refs
    }

    /// The statements of the statement list or block holding `stmt` (its
    /// named children, comments included) and the index of `stmt` there.
    pub fn statement_list(&self, stmt: Node<'t>) -> Option<(Rc<[Node<'t>]>, usize)> {
        let list = self
            .up
            .parent(stmt)
            .filter(|p| matches!(syntax::kind(*p), "statement_list" | "block"))?;
        let mut lists = self.lists.borrow_mut();
        let (by_list, index) = &mut *lists;
        let stmts = by_list.entry(list.id()).or_insert_with(|| {
            let mut c = list.walk();
            let stmts: Rc<[Node<'t>]> = list.named_children(&mut c).collect();
            for (i, s) in stmts.iter().enumerate() {
                index.insert(s.id(), i);
            }
            stmts
        });
        let at = *index.get(&stmt.id())?;
        Some((Rc::clone(stmts), at))
    }

    /// The start bytes, in document order, of the references of `decl`
    /// within `within` that `mark` picks, worked out once per declaration
    /// and `kind` (the name a rule gives its marking; one marking per name).
    pub fn marked_references(
        &self,
        decl: &Decl<'t>,
        within: Node<'t>,
        kind: &'static str,
        mark: impl Fn(Node<'t>) -> bool,
    ) -> Rc<[usize]> {
        let key = (decl.ident.id(), kind);
        if let Some(marks) = self.marked_refs.borrow().get(&key) {
            return Rc::clone(marks);
        }
        let marks: Rc<[usize]> = self
            .decl_references(decl, within)
            .iter()
            .filter(|&&r| mark(r))
            .map(Node::start_byte)
            .collect();
        self.marked_refs.borrow_mut().insert(key, Rc::clone(&marks));
        marks
    }

    /// Where a path from `start` leaves its function without passing one of
    /// the references [`Sites::marked_references`] gave for `decl` and
    /// `kind` (see [`Reach::unmarked_exit`]); questions about the same
    /// marks share what they learn.
    pub fn unmarked_exit(
        &self,
        start: Node<'t>,
        decl: &Decl<'t>,
        kind: &'static str,
    ) -> Option<Node<'t>> {
        let key = (decl.ident.id(), kind);
        let marks = self.marked_refs.borrow().get(&key).map(|m| m.to_vec());
        let mut all = self.reach.borrow_mut();
        let src = self.src;
        all.entry(key)
            .or_insert_with(|| Reach::new(marks.unwrap_or_default(), src))
            .unmarked_exit(start)
    }

    /// The facts of `func`, a function, method or func literal of the
    /// declaration.
    pub fn func(&self, func: Node<'t>) -> Rc<FuncFacts<'t>> {
        if let Some(facts) = self.funcs.borrow().get(&func.id()) {
            return Rc::clone(facts);
        }
        let facts = Rc::new(FuncFacts::new(func, self.src));
        self.funcs.borrow_mut().insert(func.id(), Rc::clone(&facts));
        facts
    }

    /// Whether function body `body` defers a call that may recover a
    /// panic, as `defers` works it out, asked once per body.
    pub fn defers_recover(&self, body: Node<'t>, defers: impl FnOnce(Node<'t>) -> bool) -> bool {
        if let Some(found) = self.recovers.borrow().get(&body.id()) {
            return *found;
        }
        let found = defers(body);
        self.recovers.borrow_mut().insert(body.id(), found);
        found
    }

    /// Whether a call other than a pure builtin lies wholly within bytes
    /// `from..to`.
    pub fn calls_between(&self, from: usize, to: usize) -> bool {
        let i = self.calls.partition_point(|c| c.start < from);
        // Calls that start in the range but end after it hold `to`: a few
        // at most, one per level of nesting.
        self.calls
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.start < to)
            .any(|c| c.end <= to)
    }
}

/// The node that would bind the identifier `ident` if it binds anything:
/// the statement whose left side lists it, the spec or parameter that
/// names it, the `++`/`--` or `&` applied to it.
fn binding_site<'t>(up: &Parents<'t>, ident: Node<'t>) -> Option<Node<'t>> {
    let mut e = ident;
    while let Some(p) = up
        .parent(e)
        .filter(|p| syntax::kind(*p) == "parenthesized_expression")
    {
        e = p;
    }
    let p = up.parent(e)?;
    if syntax::kind(p) == "expression_list" {
        up.parent(p)
    } else {
        Some(p)
    }
}

/// Facts about one function, worked out once (see [`Sites::func`]).
#[derive(Debug, Default)]
pub struct FuncFacts<'t> {
    /// The names its receiver, parameters and own statements declare
    /// (`:=`, `var`, range variables; not those of func literals in it).
    pub declared: HashSet<&'t str>,
    /// The names code in it could rebind behind its back: their address is
    /// taken, or a func literal in it binds them.
    pub rebindable: HashSet<&'t str>,
    /// Whether it, or a func literal in it, uses `goto`.
    pub has_goto: bool,
}

impl<'t> FuncFacts<'t> {
    /// The facts of `func`, a function, method or func literal.
    fn new(func: Node<'t>, src: &'t str) -> Self {
        let mut facts = FuncFacts::default();
        for list in ["receiver", "parameters"]
            .into_iter()
            .filter_map(|f| func.field(f))
        {
            syntax::walk(list, |n| {
                facts.declared.extend(channels::bound_names(n, src));
                Walk::Enter
            });
        }
        let Some(body) = syntax::function_body(func) else {
            return facts;
        };
        // Func literals in `body` are walked with a depth count kept by
        // their end offsets: inside one, every binding rebinds.
        let mut literal_ends: Vec<usize> = Vec::new();
        syntax::walk(body, |n| {
            while literal_ends
                .last()
                .is_some_and(|end| *end <= n.start_byte())
            {
                literal_ends.pop();
            }
            match syntax::kind(n) {
                "func_literal" => literal_ends.push(n.end_byte()),
                "goto_statement" => facts.has_goto = true,
                "unary_expression" => facts.rebindable.extend(channels::bound_names(n, src)),
                "short_var_declaration" | "var_spec" | "range_clause"
                    if literal_ends.is_empty() =>
                {
                    facts.declared.extend(channels::bound_names(n, src));
                }
                _ => {}
            }
            if !literal_ends.is_empty() {
                facts.rebindable.extend(channels::bound_names(n, src));
            }
            Walk::Enter
        });
        facts
    }
}

/// Whether `a` and `b` sit in branches of which at most one runs (as
/// [`super::flow::exclusive`] decides), `b_up` being `b` followed by its
/// ancestors: worked out from positions and `b`'s ancestors alone, without
/// climbing from `a` (finding a node's parent costs a scan of its
/// siblings, and a switch can have thousands of cases).
pub fn exclusive_with(a: Node<'_>, b_up: &[Node<'_>]) -> bool {
    let holds = |n: &Node<'_>| n.start_byte() <= a.start_byte() && n.end_byte() >= a.end_byte();
    let Some(at) = b_up.iter().position(holds) else {
        return false;
    };
    let (Some(lca), Some(cb)) = (b_up.get(at), at.checked_sub(1).and_then(|i| b_up.get(i))) else {
        return false;
    };
    let is_case = |n: &Node<'_>| {
        matches!(
            syntax::kind(*n),
            "expression_case" | "default_case" | "type_case" | "communication_case"
        )
    };
    match syntax::kind(*lca) {
        "if_statement" => {
            let cons = lca.field("consequence");
            let alt = lca.field("alternative");
            (Some(*cb) == cons && alt.as_ref().is_some_and(holds))
                || (Some(*cb) == alt && cons.as_ref().is_some_and(holds))
        }
        "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
            let mut c = lca.walk();
            let first_case = lca.named_children(&mut c).find(|n| is_case(n));
            is_case(cb) && first_case.is_some_and(|f| f.start_byte() <= a.start_byte())
        }
        _ => false,
    }
}
