//! Small, iterative helpers over tree-sitter-go syntax trees, shared by rules.
//! Nothing here recurses: trees can be 10,000 levels deep.

use super::fields::Fields as _;
use super::Ctx;
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;
use tree_sitter::{Language, Node, TreeCursor};

/// The source text of `node` (empty if the range is not valid text).
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The name of each node kind, by kind id.
static KIND_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let language = Language::new(tree_sitter_go::LANGUAGE);
    (0..language.node_kind_count())
        .map(|id| {
            u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
                .unwrap_or("")
        })
        .collect()
});

/// `node`'s kind, as [`Node::kind`] names it, looked up by kind id: no
/// call into tree-sitter, string length count or UTF-8 check, which
/// [`Node::kind`] pays on every call.
pub fn kind(node: Node<'_>) -> &'static str {
    match KIND_NAMES.get(usize::from(node.kind_id())) {
        Some(name) if !name.is_empty() => name,
        // `ERROR` and the like lie outside the table.
        _ => node.kind(),
    }
}

/// Node kinds that start a new function body (and so a new goroutine scope
/// for rules that reason about one function at a time).
pub fn is_function(node: Node<'_>) -> bool {
    matches!(
        kind(node),
        "function_declaration" | "method_declaration" | "func_literal"
    )
}

/// A set of node kinds, tested by kind id: cheaper than comparing
/// [`Node::kind`] strings on every node of a walk.
pub struct KindSet(Vec<bool>);

impl KindSet {
    /// The kinds named `names` (every id of each: a kind can have aliases).
    pub fn new(names: &[&str]) -> Self {
        let language = Language::new(tree_sitter_go::LANGUAGE);
        let ids = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .is_some_and(|kind| names.contains(&kind))
            })
            .collect();
        KindSet(ids)
    }

    /// Whether `node` is of one of the kinds.
    pub fn contains(&self, node: Node<'_>) -> bool {
        self.0
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(false)
    }
}

/// Kinds whose subtrees hold no statement, call, declaration or value a
/// rule looks at: types (an array length is a constant), parameter lists
/// (read from their function), string literals and comments. Walks skip
/// them.
pub static OPAQUE: LazyLock<KindSet> = LazyLock::new(|| {
    KindSet::new(&[
        "parameter_list",
        "type_parameter_list",
        "qualified_type",
        "pointer_type",
        "slice_type",
        "map_type",
        "channel_type",
        "struct_type",
        "interface_type",
        "function_type",
        "array_type",
        "implicit_length_array_type",
        "generic_type",
        "type_identifier",
        "interpreted_string_literal",
        "raw_string_literal",
        "comment",
    ])
});

/// Whether `inner` lies within `outer`.
pub fn inside(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// The parents of one file's nodes, without [`Node::parent`]: tree-sitter
/// finds a parent by descending from the root, scanning the root's children
/// up to the one holding the node, so each step up costs the index of the
/// top-level declaration. Here the top-level declarations are listed once
/// (found by binary search on their byte ranges) and a parent is found by
/// descending from its declaration; a declaration asked about more often
/// than its size warrants gets a parent map, built by one walk of it.
pub struct Parents<'t> {
    root: Node<'t>,
    /// The root's children, in order, with their byte ranges.
    tops: OnceCell<Vec<(usize, usize, Node<'t>)>>,
    /// The parent of every node below a mapped top-level node, by node id.
    map: RefCell<HashMap<usize, Node<'t>, ById>>,
    /// The ids of the top-level nodes already mapped.
    mapped: RefCell<HashSet<usize, ById>>,
    /// How many parents were found by descent in each top-level node not
    /// yet mapped, by id.
    descents: RefCell<HashMap<usize, usize, ById>>,
}

/// A top-level node is mapped once parents were found by descent in it
/// more than its number of descendants divided by this, and more than
/// [`DESCENTS_BEFORE_MAP`] times: descents in a small declaration cost less
/// than the memory and time of its map.
const DESCENTS_PER_MAP: usize = 16;

/// See [`DESCENTS_PER_MAP`].
const DESCENTS_BEFORE_MAP: usize = 64;

/// The parent of `node` found by descending from `top` (`None` if `node`
/// is not below it): each step costs the index of the child taken, not of
/// the top-level declaration.
fn descend<'t>(top: Node<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let mut at = top;
    loop {
        let next = at.child_with_descendant(node)?;
        if next == node {
            return Some(at);
        }
        if next == at {
            return None;
        }
        at = next;
    }
}

/// The nodes on the way down from `top` to `node`, `top` first and
/// `node`'s parent last (`None` if `node` is not below `top`): the path
/// [`descend`] takes.
fn descent<'t>(top: Node<'t>, node: Node<'t>) -> Option<Vec<Node<'t>>> {
    let mut path = vec![top];
    let mut at = top;
    loop {
        let next = at.child_with_descendant(node)?;
        if next == node {
            return Some(path);
        }
        if next == at {
            return None;
        }
        path.push(next);
        at = next;
    }
}

/// Hashing of node ids (addresses, unique within a tree): one multiply,
/// where the default hasher's resistance to chosen keys buys nothing.
pub type ById = BuildHasherDefault<IdHasher>;

/// The [`Hasher`] of [`ById`]; also a cheap hash of short names.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let x = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

impl<'t> Parents<'t> {
    /// No parents mapped yet in the tree whose root is `root`.
    pub fn new(root: Node<'t>) -> Self {
        Parents {
            root,
            tops: OnceCell::new(),
            map: RefCell::new(HashMap::default()),
            mapped: RefCell::new(HashSet::default()),
            descents: RefCell::new(HashMap::default()),
        }
    }

    /// The root's children and their byte ranges, listed on first use.
    fn tops(&self) -> &[(usize, usize, Node<'t>)] {
        self.tops.get_or_init(|| {
            let mut c = self.root.walk();
            self.root
                .children(&mut c)
                .map(|n| (n.start_byte(), n.end_byte(), n))
                .collect()
        })
    }

    /// `node`'s parent (`None` for the root).
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node == self.root {
            return None;
        }
        if let Some(p) = self.map.borrow().get(&node.id()) {
            return Some(*p);
        }
        let (start, end) = (node.start_byte(), node.end_byte());
        let tops = self.tops();
        let first = tops.partition_point(|t| t.1 < start);
        for &(_, _, top) in tops[first..].iter().take_while(|t| t.0 <= end) {
            if top == node {
                return Some(self.root);
            }
            if self.mapped.borrow().contains(&top.id()) {
                continue;
            }
            if self.worth_mapping(top) {
                self.map_below(top);
                if let Some(p) = self.map.borrow().get(&node.id()) {
                    return Some(*p);
                }
            } else if let Some(p) = descend(top, node) {
                return Some(p);
            }
        }
        // Not below the root this was made for: ask tree-sitter.
        node.parent()
    }

    /// Counts one more descent in `top`: whether its descents now cost
    /// more than mapping it.
    fn worth_mapping(&self, top: Node<'t>) -> bool {
        let mut descents = self.descents.borrow_mut();
        let count = descents.entry(top.id()).or_insert(0);
        *count += 1;
        *count > DESCENTS_BEFORE_MAP.max(top.descendant_count() / DESCENTS_PER_MAP)
    }

    /// Records the parent of every node below `top`, once.
    fn map_below(&self, top: Node<'t>) {
        if !self.mapped.borrow_mut().insert(top.id()) {
            return;
        }
        let mut map = self.map.borrow_mut();
        let mut cursor = top.walk();
        let mut stack = vec![top];
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            let node = cursor.node();
            if let Some(parent) = stack.last() {
                map.insert(node.id(), *parent);
            }
            if cursor.goto_first_child() {
                stack.push(node);
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() || stack.len() <= 1 {
                    return;
                }
                stack.pop();
            }
        }
    }

    /// `node`'s parent, its parent, and so on up to the root. Below a
    /// top-level node not mapped, one descent finds them all: asking
    /// [`Self::parent`] for each would descend once per ancestor.
    pub fn ancestors(&self, node: Node<'t>) -> impl Iterator<Item = Node<'t>> + '_ {
        let mut chain = self.chain(node);
        chain.reverse();
        // Past the chain (or without one), parent by parent.
        let next = match chain.last() {
            Some(last) => self.parent(*last),
            None => self.parent(node),
        };
        chain
            .into_iter()
            .chain(std::iter::successors(next, |n| self.parent(*n)))
    }

    /// The ancestors of `node` found by one descent from the top-level
    /// node holding it, outermost first: from that top-level node (or the
    /// root, when `node` is one) to `node`'s parent. Empty when a map
    /// holds `node`'s parent or `node` lies elsewhere: [`Self::parent`]
    /// answers those.
    fn chain(&self, node: Node<'t>) -> Vec<Node<'t>> {
        if node == self.root || self.map.borrow().contains_key(&node.id()) {
            return Vec::new();
        }
        let (start, end) = (node.start_byte(), node.end_byte());
        let tops = self.tops();
        let first = tops.partition_point(|t| t.1 < start);
        for &(_, _, top) in tops[first..].iter().take_while(|t| t.0 <= end) {
            if top == node {
                return vec![self.root];
            }
            if self.mapped.borrow().contains(&top.id()) {
                continue;
            }
            if self.worth_mapping(top) {
                self.map_below(top);
                return Vec::new();
            }
            if let Some(path) = descent(top, node) {
                return path;
            }
        }
        Vec::new()
    }

    /// The nearest function declaration, method or func literal around
    /// `node`. In half-typed code whose function lost its body to a parse
    /// error, the top-level `ERROR` region holding the recovered statements
    /// stands in for the function, so rules still see them.
    pub fn enclosing_function(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.ancestors(node).find(|n| {
            is_function(*n)
                || (n.is_error() && self.parent(*n).is_some_and(|p| kind(p) == "source_file"))
        })
    }

    /// The statement that directly contains `node` (the ancestor whose
    /// parent is a `statement_list` or `block`), or `node` itself if it is
    /// one.
    pub fn statement_of(&self, node: Node<'t>) -> Option<Node<'t>> {
        std::iter::once(node).chain(self.ancestors(node)).find(|n| {
            self.parent(*n)
                .is_some_and(|p| matches!(kind(p), "statement_list" | "block"))
        })
    }

    /// The call that invokes func literal `lit` directly (`func(){…}()`,
    /// `(func(){…})()`), if any.
    pub fn invoking_call(&self, lit: Node<'t>) -> Option<Node<'t>> {
        let mut callee = lit;
        while let Some(p) = self
            .parent(callee)
            .filter(|p| kind(*p) == "parenthesized_expression")
        {
            callee = p;
        }
        self.parent(callee)
            .filter(|p| kind(*p) == "call_expression" && p.field("function") == Some(callee))
    }
}

/// `node`'s parent, its parent, and so on up to the root, each asked of
/// tree-sitter (a descent from the root): for code without the file's
/// [`Parents`] at hand, off the per-declaration paths of the rules.
pub fn ancestors(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    std::iter::successors(node.parent(), |n| n.parent())
}

/// [`Parents::enclosing_function`] asked of tree-sitter, for code without
/// the file's [`Parents`] at hand.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    ancestors(node).find(|n| is_function(*n) || is_recovered_body(*n))
}

/// Whether `node` is a top-level `ERROR` region: statements the parser
/// recovered outside any complete function.
fn is_recovered_body(node: Node<'_>) -> bool {
    node.is_error() && node.parent().is_some_and(|p| kind(p) == "source_file")
}

/// The body block of a function, method or func literal (a recovered
/// `ERROR` region is its own body).
pub fn function_body(func: Node<'_>) -> Option<Node<'_>> {
    if is_recovered_body(func) {
        return Some(func);
    }
    func.field("body")
}

/// Go's keywords.
pub const GO_KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// What to do after visiting a node in [`walk`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    /// Visit its children next.
    Enter,
    /// Skip its children.
    Skip,
    /// End the walk.
    Stop,
}

/// Visits `root` and its descendants in document order, iteratively.
pub fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> Walk) {
    let mut cursor: TreeCursor<'t> = root.walk();
    loop {
        let enter = match visit(cursor.node()) {
            Walk::Stop => return,
            Walk::Enter => true,
            Walk::Skip => false,
        };
        if enter && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == root {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Every descendant of `root` (itself included) in document order.
pub fn descendants(root: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    walk(root, |n| {
        out.push(n);
        Walk::Enter
    });
    out
}

/// Descendants of `root` that run in the same function as `root`: the walk
/// does not enter nested func literals.
pub fn same_function_descendants(root: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    walk(root, |n| {
        if n != root && kind(n) == "func_literal" {
            return Walk::Skip;
        }
        out.push(n);
        Walk::Enter
    });
    out
}

/// `node` with any parentheses around it removed.
pub fn unparen(mut node: Node<'_>) -> Node<'_> {
    while kind(node) == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The callee text of a call (`close`, `time.After`, `mu.Lock`), if the
/// callee is an identifier or selector chain.
pub fn callee<'s>(call: Node<'_>, src: &'s str) -> Option<&'s str> {
    if kind(call) != "call_expression" {
        return None;
    }
    let f = unparen(call.field("function")?);
    matches!(kind(f), "identifier" | "selector_expression").then(|| text(f, src))
}

/// The argument expressions of a call.
pub fn call_args(call: Node<'_>) -> Vec<Node<'_>> {
    call.field("arguments")
        .map(|args| {
            let mut c = args.walk();
            args.named_children(&mut c)
                .filter(|n| kind(*n) != "comment")
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `node` is a call whose callee is exactly `name`.
pub fn is_call_to(node: Node<'_>, src: &str, name: &str) -> bool {
    callee(node, src) == Some(name)
}

/// Whether `node` calls the predeclared function `name` (`close`, `recover`,
/// `append`, …): the callee is that identifier and the file does not declare
/// a package-level function or variable of the same name.
pub fn is_builtin_call(node: Node<'_>, ctx: &Ctx<'_>, name: &str) -> bool {
    is_call_to(node, ctx.src, name) && !ctx.facts.declared_at_package_level(name)
}

/// The identifiers an expression reads (`a[i].ch` → `a`, `i`; field names
/// after a dot are not identifiers of their own).
pub fn identifiers<'s>(expr: Node<'_>, src: &'s str) -> Vec<&'s str> {
    descendants(expr)
        .into_iter()
        .filter(|n| kind(*n) == "identifier")
        .map(|n| text(n, src))
        .collect()
}

/// The identifiers named on the left of an assignment, `:=` or `var` spec.
pub fn assigned_names<'s>(stmt: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let left = match kind(stmt) {
        "assignment_statement" | "short_var_declaration" => stmt.field("left"),
        "var_spec" | "range_clause" => Some(stmt),
        _ => None,
    };
    let Some(left) = left else { return Vec::new() };
    let mut out = Vec::new();
    let mut c = left.walk();
    match kind(stmt) {
        "var_spec" => {
            for n in stmt.fields("name", &mut c) {
                out.push(text(n, src));
            }
        }
        "range_clause" => {
            if let Some(l) = stmt.field("left") {
                let mut c2 = l.walk();
                out.extend(l.named_children(&mut c2).map(|n| text(unparen(n), src)));
            }
        }
        _ => {
            out.extend(left.named_children(&mut c).map(|n| text(unparen(n), src)));
        }
    }
    out
}

/// The leading blanks of the line holding byte `offset`.
pub fn line_indent(src: &str, offset: usize) -> &str {
    let offset = offset.min(src.len());
    let start = src.as_bytes()[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = src.get(start..).unwrap_or("");
    let blanks = line
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    &line[..blanks]
}

/// Whether `root` (nested func literals included) calls the builtin
/// `recover()`.
pub fn calls_recover(root: Node<'_>, ctx: &Ctx<'_>) -> bool {
    let mut found = false;
    walk(root, |n| {
        if is_builtin_call(n, ctx, "recover") {
            found = true;
            return Walk::Stop;
        }
        Walk::Enter
    });
    found
}

/// Whether `node` sits in a test file's parameterless function literal that
/// is a value of a table or an argument (`{0: func() { … }}`,
/// `assert.Panics(t, func() { … })`): a test case written to panic, not code
/// that panics by mistake.
pub fn in_panic_test_case<'t>(node: Node<'t>, ctx: &Ctx<'t>) -> bool {
    if !ctx.options.test_file {
        return false;
    }
    let parents = ctx.facts.parents();
    let Some(func) = parents
        .enclosing_function(node)
        .filter(|f| kind(*f) == "func_literal")
    else {
        return false;
    };
    let no_parameters = func
        .field("parameters")
        .is_some_and(|p| p.named_child_count() == 0);
    let mut up = parents.parent(func);
    while let Some(p) = up.filter(|p| kind(*p) == "parenthesized_expression") {
        up = parents.parent(p);
    }
    no_parameters
        && up.is_some_and(|p| {
            matches!(
                kind(p),
                "literal_element" | "keyed_element" | "argument_list"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        let language = Language::new(tree_sitter_go::LANGUAGE);
        assert!(parser.set_language(&language).is_ok());
        parser.parse(src, None).expect("parses")
    }

    /// Checks that [`Parents`] answers as tree-sitter does for every node of
    /// `src`, asked in an order that maps declarations out of order.
    fn agrees_with_tree_sitter(src: &str) -> usize {
        let tree = parse(src);
        let root = tree.root_node();
        let parents = Parents::new(root);
        let mut nodes = descendants(root);
        nodes.reverse();
        for node in &nodes {
            assert_eq!(kind(*node), node.kind(), "{node:?} in {src:?}");
            assert!(
                parents.ancestors(*node).eq(ancestors(*node)),
                "{node:?} in {src:?}"
            );
            assert_eq!(parents.parent(*node), node.parent(), "{node:?} in {src:?}");
            assert_eq!(
                parents.enclosing_function(*node),
                enclosing_function(*node),
                "{node:?}"
            );
        }
        nodes.len()
    }

    #[test]
    fn parents_are_tree_sitters_on_the_fixtures() {
        let checked: usize = [
            include_str!("../../tests/fixtures/double-close.go"),
            include_str!("../../tests/fixtures/recover-not-deferred.go"),
            include_str!("../../tests/fixtures/loop-var-capture.go"),
            include_str!("../../tests/fixtures/shared-var-race.go"),
            include_str!("../../tests/fixtures/lock-not-unlocked.go"),
            include_str!("../../tests/fixtures/goroutine-leak-unbuffered-result.go"),
        ]
        .into_iter()
        .map(agrees_with_tree_sitter)
        .sum();
        assert!(checked > 5_000, "{checked} nodes");
    }

    #[test]
    fn parents_are_tree_sitters_in_broken_code() {
        for src in [
            "",
            "package p",
            "package p\nfunc f() {\n\tx := \n\tclose(ch)\n",
            "package p\nfunc f() {\n\tgo func() { ch <- 1 \n}\nfunc g() {}\n",
            "package p\n\tclose(ch)\n\tclose(ch)\nfunc g() { if x { } else }\n",
            "package p\nfunc f() { a[ = b; c.(; }\nvar x = []int{1, 2,\ntype T struct{ mu sync.Mutex ",
            "package p;func a(){};func b(){};;;func c(){}",
        ] {
            agrees_with_tree_sitter(src);
        }
    }
}
