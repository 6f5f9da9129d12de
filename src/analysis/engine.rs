//! All rule queries compiled once into one tree-sitter query and run in a
//! single pass per file (or per changed declaration), dispatching each match
//! to its rule by pattern index.
//!
//! The pass is one walk of the tree with a tree cursor. The query runs
//! anchored (start depth 0) only at nodes that pass the gate of one of its
//! patterns (see [`super::pattern_gate`]): most nodes cost one table lookup
//! instead of a step of the query cursor's state machine, and most calls a
//! word search instead of a structural match that a text predicate rejects.
//! The walk enters only nodes holding a trigger word (see
//! [`super::triggers`]), going straight to the first child that holds one
//! and leaving a node's last children unseen once none holds one, where
//! their depth needs no look; it checks each function's depth bound on the
//! way, and another declaration's only once it holds a match (see
//! [`Declaration`]).

use super::bounds::{self, Budget};
use super::pattern_gate::{self, Gate, KindGates};
use super::triggers::{Hits, Triggers};
use super::{syntax, Ctx, Finding, Rule};
use std::ops::Range;
use std::sync::OnceLock;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCapture, QueryCursor, TreeCursor};

/// The combined query and, for each of its patterns, the rule it belongs to.
pub struct Engine {
    query: Query,
    pattern_rule: Vec<&'static Rule>,
    /// For each node kind id, the gates of the patterns that start at nodes
    /// of that kind; `None` when some pattern could start anywhere (the
    /// query then runs unanchored over the whole range).
    gates: Option<Vec<Option<KindGates>>>,
    /// For each node kind id, the bare patterns of that kind (see
    /// [`pattern_gate::bare`]) and their capture: disabled in the query,
    /// their rules get every node of the kind the walk visits.
    bare: Vec<Vec<(usize, u32)>>,
    /// The same for the top-level patterns (see [`pattern_gate::top_level`]):
    /// their rules get every child of the root of the kind in the range.
    top: Vec<Vec<(usize, u32)>>,
    /// What marks the nodes worth entering; `None` enters every node.
    triggers: Option<Triggers>,
}

/// The rules an analysis runs, handed to the core by its caller (see
/// [`super::Options::catalogue`]), and their engine, compiled on first use.
pub struct Catalogue {
    rules: &'static [&'static Rule],
    engine: OnceLock<Result<Engine, String>>,
}

impl Catalogue {
    /// The catalogue of `rules`, in the order they are listed and reported.
    pub const fn new(rules: &'static [&'static Rule]) -> Self {
        Catalogue {
            rules,
            engine: OnceLock::new(),
        }
    }

    /// The rule with slug `slug`.
    pub fn find(&self, slug: &str) -> Option<&'static Rule> {
        self.rules.iter().copied().find(|r| r.slug == slug)
    }

    /// The engine of the rules, compiled on first use; an error names the
    /// rule whose query does not compile (a bug caught by the test suite).
    pub fn engine(&self) -> Result<&Engine, String> {
        self.engine
            .get_or_init(|| Engine::compile(self.rules))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Two catalogues are the same when they are one: options compare by the
/// catalogue they run, not by its rules.
impl PartialEq for Catalogue {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Catalogue {}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slugs: Vec<&str> = self.rules.iter().map(|r| r.slug).collect();
        f.debug_tuple("Catalogue").field(&slugs).finish()
    }
}

impl Engine {
    /// Compiles the queries of `rules` into one, with the gates, bare
    /// patterns and triggers that spare most of the query's work.
    pub fn compile(rules: &[&'static Rule]) -> Result<Engine, String> {
        Engine::build(rules, true)
    }

    /// The same engine running its query unanchored over the whole range:
    /// the reference the gates must agree with (see `tests/it/gates.rs`).
    pub fn compile_ungated(rules: &[&'static Rule]) -> Result<Engine, String> {
        Engine::build(rules, false)
    }

    fn build(rules: &[&'static Rule], gated: bool) -> Result<Engine, String> {
        let language = tree_sitter::Language::new(tree_sitter_go::LANGUAGE);
        let mut source = String::new();
        let mut starts = Vec::new();
        for rule in rules.iter().filter(|r| !r.query.trim().is_empty()) {
            starts.push((source.len(), *rule));
            source.push_str(rule.query);
            source.push('\n');
        }
        let mut query = Query::new(&language, &source).map_err(|e| {
            // Compiling is costly: only on failure compile each query alone,
            // so the error names its rule.
            rules
                .iter()
                .find_map(|rule| {
                    Query::new(&language, rule.query)
                        .err()
                        .map(|e| format!("query of rule {}: {e}", rule.slug))
                })
                .unwrap_or_else(|| format!("combined rule query: {e}"))
        })?;
        let pattern_rule = (0..query.pattern_count())
            .map(|i| {
                let at = query.start_byte_for_pattern(i);
                let k = starts.partition_point(|&(s, _)| s <= at).saturating_sub(1);
                starts[k].1
            })
            .collect();
        let mut bare = vec![Vec::new(); language.node_kind_count()];
        let mut top = vec![Vec::new(); language.node_kind_count()];
        let list = pattern_gates(&query, &source).filter(|_| gated);
        let Some(list) = list else {
            return Ok(Engine {
                query,
                pattern_rule,
                gates: None,
                bare,
                top,
                triggers: None,
            });
        };
        let mut queried = Vec::new();
        for (i, gate) in list.iter().enumerate() {
            let pattern = pattern_source(&query, &source, i);
            let (shape, table) = match pattern.and_then(pattern_gate::top_level) {
                Some(shape) => (Some(shape), &mut top),
                None => (pattern.and_then(pattern_gate::bare), &mut bare),
            };
            let found = shape.and_then(|(kind, capture)| {
                let id = language.id_for_node_kind(&kind, true);
                let index = query.capture_index_for_name(&capture)?;
                Some((usize::from(id), index)).filter(|_| id != 0)
            });
            match found.and_then(|(id, index)| Some((table.get_mut(id)?, index))) {
                Some((of_kind, index)) => {
                    of_kind.push((i, index));
                    query.disable_pattern(i);
                }
                None => queried.push(gate.clone()),
            }
        }
        Ok(Engine {
            query,
            pattern_rule,
            gates: by_kind(&language, &queried),
            bare,
            top,
            triggers: Triggers::new(&list),
        })
    }

    /// Runs every rule over the nodes of the file that intersect `range`
    /// (the whole file when `None`), appending findings to `out`. Top-level
    /// declarations nested deeper than [`bounds::MAX_DEPTH`] are left out,
    /// each function or method among them reported as skipped, and a rule
    /// whose work on a declaration runs past [`bounds::MAX_WORK`] skips the
    /// rest of it (see [`Budget`]).
    pub fn run<'t>(&self, ctx: &Ctx<'t>, range: Option<Range<usize>>, out: &mut Vec<Finding>) {
        let range = range.unwrap_or(0..usize::MAX);
        let mut cursor = QueryCursor::new();
        let Some(gates) = &self.gates else {
            for part in checkable(ctx, range, out) {
                cursor.set_byte_range(part);
                let mut budget = Budget::root();
                let mut matches = cursor.matches(&self.query, ctx.root, ctx.src.as_bytes());
                while let Some(m) = matches.next() {
                    self.dispatch(ctx, m.pattern_index, m.captures, &mut budget, out);
                }
            }
            return;
        };
        cursor.set_byte_range(range.clone());
        cursor.set_max_start_depth(Some(0));
        let whole = range.start == 0 && range.end >= ctx.root.end_byte();
        let mut marks = Marks::new(self.triggers.as_ref(), ctx, &range);
        let mut walk = ctx.root.walk();
        let mut below = ctx.root.walk();
        // The cursor's depth, kept here: asking the cursor walks its stack.
        let mut depth = 0usize;
        // The root's matches run last, without what they capture in a
        // declaration found too deep, and their findings go first.
        let mut root = Declaration::new();
        let mut decl = Declaration::new();
        let mut too_deep = Vec::new();
        // Declarations left unchecked that hold no match (see
        // [`Declaration::deferred`]): checked only if a root match captures
        // in one.
        let mut unknown = Vec::new();
        let first = out.len();
        loop {
            let node = walk.node();
            // Its span, read once: each read is a call into the parser.
            let (start, end) = (node.start_byte(), node.end_byte());
            let inside = whole
                || start < range.end && end > range.start
                || start == end && range.contains(&start);
            if depth == 1 {
                decl.settle(&mut below, &mut too_deep, &mut unknown);
                self.flush(ctx, &mut decl, &[], out);
                decl.start(node, inside);
                if inside {
                    let kind = usize::from(node.kind_id());
                    for &(pattern, index) in self.top.get(kind).into_iter().flatten() {
                        root.matched(pattern, &[QueryCapture { node, index }]);
                    }
                }
            }
            // The declaration's depth is checked on the way: the walk's own
            // depth where it goes, the node count of what it leaves out.
            let below_decl = depth.saturating_sub(1);
            let mut deep = decl.checking && below_decl > bounds::MAX_DEPTH;
            if !deep {
                // No pattern starts inside types, parameter lists, literals'
                // text or comments, unless a syntax error put code there.
                let opaque = syntax::OPAQUE.contains(node) && !node.has_error();
                if inside && !opaque && marks.visits(start, end) {
                    let kind = usize::from(node.kind_id());
                    let held = if depth == 0 { &mut root } else { &mut decl };
                    for &(pattern, index) in self.bare.get(kind).into_iter().flatten() {
                        held.matched(pattern, &[QueryCapture { node, index }]);
                    }
                    // Around a syntax error a keyword the gate expects can be
                    // missing: the query decides there.
                    let here = gates.get(kind).and_then(Option::as_ref);
                    if here.is_some_and(|g| node.has_error() || g.admits(ctx.text(node))) {
                        let mut matches = cursor.matches(&self.query, node, ctx.src.as_bytes());
                        while let Some(m) = matches.next() {
                            held.matched(m.pattern_index, m.captures);
                        }
                    }
                    // Children the walk would not visit need no look when
                    // their depth needs none: it may start at the first
                    // holding a hit.
                    let unchecked =
                        !decl.checking || decl.deferred || bounds::surely_shallow(node, below_decl);
                    let (descend, level) = marks.plan(node, start..end, unchecked);
                    let entered = match descend {
                        Descend::Every => walk.goto_first_child(),
                        Descend::From(hit) => walk.goto_first_child_for_byte(hit).is_some(),
                        Descend::No => false,
                    };
                    if entered {
                        depth += 1;
                        marks.enter(level);
                        continue;
                    }
                }
                deep = decl.checking
                    && !decl.deferred
                    && !bounds::surely_shallow(node, below_decl)
                    && !bounds::shallow(node, below_decl, &mut below);
            }
            // The end of the node the cursor is at.
            let mut end = end;
            if deep {
                too_deep.extend(decl.node.map(|n| n.byte_range()));
                decl.too_deep(ctx, out);
                while depth > 1 && walk.goto_parent() {
                    depth -= 1;
                    end = marks.leave();
                }
            }
            while marks.done(end) || !walk.goto_next_sibling() {
                if !walk.goto_parent() {
                    decl.settle(&mut below, &mut too_deep, &mut unknown);
                    self.flush(ctx, &mut decl, &[], out);
                    root.settle_captured(&mut unknown, &mut below, &mut too_deep);
                    let rest = out.len();
                    self.flush(ctx, &mut root, &too_deep, out);
                    let moved = out.len() - rest;
                    if let Some(all) = out.get_mut(first..) {
                        all.rotate_right(moved);
                    }
                    let at = marks.hits.into_vec();
                    // A huge file's buffer is not kept for the next.
                    if at.capacity() <= MAX_KEPT_HITS {
                        HITS.set(at);
                    }
                    return;
                }
                depth -= 1;
                end = marks.leave();
            }
        }
    }

    /// Hands the matches held back in `decl` to their rules, save those
    /// capturing a node below the root within one of the spans `left_out`.
    fn flush<'t>(
        &self,
        ctx: &Ctx<'t>,
        decl: &mut Declaration<'t>,
        left_out: &[Range<usize>],
        out: &mut Vec<Finding>,
    ) {
        let Declaration {
            budget,
            calls,
            captures,
            ..
        } = decl;
        for (pattern, span) in calls.iter() {
            let found = captures.get(span.clone()).unwrap_or_default();
            let within = |c: &QueryCapture<'_>| {
                c.node.id() != ctx.root.id()
                    && left_out
                        .iter()
                        .any(|r| r.start <= c.node.start_byte() && c.node.end_byte() <= r.end)
            };
            if !found.iter().any(within) {
                self.dispatch(ctx, *pattern, found, budget, out);
            }
        }
        calls.clear();
        captures.clear();
    }

    /// Hands a match of `pattern` to its rule, when the rule is on and
    /// `budget` pays for it.
    fn dispatch<'t>(
        &self,
        ctx: &Ctx<'t>,
        pattern: usize,
        captures: &[QueryCapture<'t>],
        budget: &mut Budget,
        out: &mut Vec<Finding>,
    ) {
        let Some(rule) = self.pattern_rule.get(pattern) else {
            return;
        };
        if !ctx.enabled(rule) {
            return;
        }
        let paid = captures
            .first()
            .is_none_or(|capture| budget.charge(rule.slug, capture.node, ctx.src, out));
        if paid {
            let matched = Match {
                query: &self.query,
                captures,
            };
            (rule.check)(ctx, &matched, out);
        }
    }
}

/// The source of pattern `i` of `query`, compiled from `source`.
fn pattern_source<'s>(query: &Query, source: &'s str, i: usize) -> Option<&'s str> {
    let end = if i + 1 < query.pattern_count() {
        query.start_byte_for_pattern(i + 1)
    } else {
        source.len()
    };
    source.get(query.start_byte_for_pattern(i)..end)
}

/// The gate of each pattern of `query` (compiled from `source`); `None`
/// when a pattern is not rooted or has no gate, so it could start anywhere.
fn pattern_gates(query: &Query, source: &str) -> Option<Vec<Gate>> {
    (0..query.pattern_count())
        .map(|i| {
            if !query.is_pattern_rooted(i) {
                return None;
            }
            pattern_gate::gate(pattern_source(query, source, i)?)
        })
        .collect()
}

/// For each node kind id, the gates of the patterns that start at nodes of
/// that kind; `None` when a gate names a kind the grammar lacks.
fn by_kind(language: &tree_sitter::Language, list: &[Gate]) -> Option<Vec<Option<KindGates>>> {
    let mut gates = vec![Vec::new(); language.node_kind_count()];
    for gate in list {
        let id = language.id_for_node_kind(&gate.kind, true);
        gates
            .get_mut(usize::from(id))
            .filter(|_| id != 0)?
            .push(gate.clone());
    }
    let compiled = gates
        .iter()
        .map(|g: &Vec<Gate>| (!g.is_empty()).then(|| KindGates::new(g)))
        .collect();
    Some(compiled)
}

/// The top-level declaration the walk is in: its matches, held back until
/// the walk has seen that it nests no deeper than [`bounds::MAX_DEPTH`]
/// (rules walk up from what they match), and its budget.
struct Declaration<'t> {
    /// The declaration; `None` at the root.
    node: Option<Node<'t>>,
    /// Whether its depth is still being checked: it intersects the range
    /// and was not found too deep.
    checking: bool,
    /// Whether the check waits for the end of its walk: a declaration
    /// other than a function or method, never reported when too deep,
    /// whose depth needs no look unless it holds a match (generated tables
    /// mostly hold none). The walk still stops past [`bounds::MAX_DEPTH`].
    deferred: bool,
    budget: Budget,
    /// Each match held back: its pattern and its captures in `captures`.
    calls: Vec<(usize, Range<usize>)>,
    captures: Vec<QueryCapture<'t>>,
}

impl<'t> Declaration<'t> {
    /// The root of the file, before the first declaration.
    fn new() -> Self {
        Declaration {
            node: None,
            checking: false,
            deferred: false,
            budget: Budget::root(),
            calls: Vec::new(),
            captures: Vec::new(),
        }
    }

    /// The walk entered the declaration `node`, which intersects the range
    /// when `inside`.
    fn start(&mut self, node: Node<'t>, inside: bool) {
        self.node = Some(node);
        self.checking = inside;
        self.deferred = !is_function(node);
        self.budget = Budget::new(node);
    }

    /// Holds back a match of `pattern`.
    fn matched(&mut self, pattern: usize, captures: &[QueryCapture<'t>]) {
        let from = self.captures.len();
        self.captures.extend_from_slice(captures);
        self.calls.push((pattern, from..self.captures.len()));
    }

    /// The declaration nests too deep: its matches are dropped and, for a
    /// function or method, a `skipped-declaration` finding goes to `out`.
    /// Deep `var` and `const` declarations are generated tables (long `+`
    /// chains of strings, nested literals): nothing to report.
    fn too_deep(&mut self, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
        self.checking = false;
        self.calls.clear();
        self.captures.clear();
        let Some(decl) = self.node else {
            return;
        };
        if is_function(decl) {
            out.push(skipped_deep(ctx, decl));
        }
    }

    /// The walk of a deferred declaration ended: when it holds a match, its
    /// depth is checked now, its matches dropped and its span added to
    /// `too_deep` when it nests too deep; else it joins `unknown`. `below`
    /// is a cursor of the tree.
    fn settle(
        &mut self,
        below: &mut TreeCursor<'t>,
        too_deep: &mut Vec<Range<usize>>,
        unknown: &mut Vec<(Node<'t>, bool)>,
    ) {
        let Some(node) = self.node.filter(|_| self.checking && self.deferred) else {
            return;
        };
        self.checking = false;
        if self.calls.is_empty() {
            unknown.push((node, false));
        } else if !bounds::shallow(node, 0, below) {
            too_deep.push(node.byte_range());
            self.calls.clear();
            self.captures.clear();
        }
    }

    /// Checks the depth of each declaration in `unknown` (in document
    /// order, each marked once checked) that a match held here captures a
    /// node of, adding the span of those nesting too deep to `too_deep`.
    fn settle_captured(
        &self,
        unknown: &mut [(Node<'t>, bool)],
        below: &mut TreeCursor<'t>,
        too_deep: &mut Vec<Range<usize>>,
    ) {
        for capture in &self.captures {
            let at = capture.node.start_byte();
            let k = unknown.partition_point(|(d, _)| d.end_byte() <= at);
            let Some((decl, checked)) = unknown.get_mut(k) else {
                continue;
            };
            let span = decl.byte_range();
            if *checked || at < span.start || capture.node.end_byte() > span.end {
                continue;
            }
            *checked = true;
            if !bounds::shallow(*decl, 0, below) {
                too_deep.push(span);
            }
        }
    }
}

/// Whether `decl` is a function or method declaration.
fn is_function(decl: Node<'_>) -> bool {
    matches!(
        syntax::kind(decl),
        "function_declaration" | "method_declaration"
    )
}

/// The `skipped-declaration` finding of `decl`, nested deeper than
/// [`bounds::MAX_DEPTH`].
fn skipped_deep(ctx: &Ctx<'_>, decl: Node<'_>) -> Finding {
    let message = format!(
        "this declaration nests more than {} syntax levels deep: the rules skipped it",
        bounds::MAX_DEPTH
    );
    bounds::skipped(ctx.src, decl.byte_range(), message)
}

/// The most hits whose buffer a thread keeps for its next walk.
const MAX_KEPT_HITS: usize = 1 << 16;

thread_local! {
    /// The hits buffer of the thread's last walk, reused by the next.
    static HITS: std::cell::Cell<Vec<usize>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The triggers of one run of the walk (see [`Triggers`]) and the nodes
/// the walk is inside of.
struct Marks<'e> {
    triggers: Option<&'e Triggers>,
    hits: Hits,
    levels: Vec<Level>,
}

/// A node the walk is inside of.
#[derive(Clone, Copy)]
struct Level {
    /// Whether the walk visits all the node's children.
    all: bool,
    /// Whether the walk may leave out the children it does not visit
    /// without a look (their depth needs no check).
    unseen: bool,
    /// The node's end.
    end: usize,
}

/// How the walk goes down into a node's children.
enum Descend {
    /// Through every child.
    Every,
    /// From the first child that ends after this hit.
    From(usize),
    /// Not at all: none would be visited.
    No,
}

impl<'e> Marks<'e> {
    /// The hits of the top-level declarations that intersect `range`.
    fn new(triggers: Option<&'e Triggers>, ctx: &Ctx<'_>, range: &Range<usize>) -> Self {
        let hits = match triggers {
            Some(t) => {
                let mut c = ctx.root.walk();
                let mut span = range.clone();
                for decl in ctx.root.children(&mut c) {
                    if decl.start_byte() < range.end && decl.end_byte() > range.start {
                        span.start = span.start.min(decl.start_byte());
                        span.end = span.end.max(decl.end_byte());
                    }
                }
                let mut at = HITS.take();
                at.clear();
                t.hits_into(ctx.src, span, &mut at);
                at
            }
            None => Vec::new(),
        };
        Marks {
            triggers,
            hits: Hits::new(hits),
            levels: Vec::new(),
        }
    }

    /// Whether the walk visits the node spanning `start..end`: the root, a
    /// child of a node passed through, and any node holding a hit. Asked in
    /// document order.
    fn visits(&mut self, start: usize, end: usize) -> bool {
        self.triggers.is_none()
            || self.levels.last().is_none_or(|level| level.all)
            || self.hits.within_span(start, end)
    }

    /// How the walk goes down into the children of `node` (spanning
    /// `span`), and the level it enters then; `unchecked` when the
    /// children's depth needs no look.
    fn plan(&mut self, node: Node<'_>, span: Range<usize>, unchecked: bool) -> (Descend, Level) {
        let all = self.triggers.is_none_or(|t| t.passes_through(node));
        let end = span.end;
        let level = Level {
            all,
            unseen: unchecked && !all,
            end,
        };
        if !level.unseen {
            return (Descend::Every, level);
        }
        match self.hits.first_from(span.start) {
            Some(hit) if hit < end => (Descend::From(hit), level),
            _ => (Descend::No, level),
        }
    }

    /// The walk went down into the children of a node, at `level`.
    fn enter(&mut self, level: Level) {
        self.levels.push(level);
    }

    /// The walk went back up to the parent; its end.
    fn leave(&mut self) -> usize {
        self.levels.pop().map_or(usize::MAX, |level| level.end)
    }

    /// Whether the walk is done with the children of the node it is in,
    /// the child it is at ending at `end`: the rest would not be visited
    /// and need no look.
    fn done(&mut self, end: usize) -> bool {
        match self.levels.last() {
            Some(level) if level.unseen => self.hits.first_from(end).is_none_or(|h| h >= level.end),
            _ => false,
        }
    }
}

/// The parts of `range` a query run unanchored over the file checks:
/// `range` without the top-level declarations that nest deeper than
/// [`bounds::MAX_DEPTH`], each function or method among them reported as
/// skipped in `out` (see [`Declaration`]).
fn checkable(ctx: &Ctx<'_>, range: Range<usize>, out: &mut Vec<Finding>) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut from = range.start;
    let root = ctx.root;
    let mut c = root.walk();
    let mut below = root.walk();
    for decl in root.children(&mut c) {
        if decl.end_byte() <= range.start || decl.start_byte() >= range.end {
            continue;
        }
        if !bounds::shallow(decl, 0, &mut below) {
            if is_function(decl) {
                out.push(skipped_deep(ctx, decl));
            }
            if decl.start_byte() > from {
                parts.push(from..decl.start_byte());
            }
            from = from.max(decl.end_byte());
        }
    }
    if from < range.end {
        parts.push(from..range.end);
    }
    parts
}

/// One match of a rule's query: its captures, looked up by name.
pub struct Match<'q, 'tree> {
    query: &'q Query,
    captures: &'q [QueryCapture<'tree>],
}

impl<'tree> Match<'_, 'tree> {
    /// The first node captured as `@name`.
    pub fn node(&self, name: &str) -> Option<Node<'tree>> {
        self.nodes(name).next()
    }

    /// Every node captured as `@name`.
    pub fn nodes<'a>(&'a self, name: &str) -> impl Iterator<Item = Node<'tree>> + 'a {
        let index = self.query.capture_index_for_name(name);
        self.captures
            .iter()
            .filter(move |c| Some(c.index) == index)
            .map(|c| c.node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_pattern_is_gated() {
        let options = super::super::Options::default();
        let engine = options
            .catalogue
            .engine()
            .expect("the rule queries compile");
        let gates = engine.gates.as_ref().expect("every pattern has a gate");
        let gated: usize = gates.iter().flatten().map(KindGates::len).sum();
        let bare: usize = engine.bare.iter().chain(&engine.top).map(Vec::len).sum();
        assert!(bare > 0, "no bare pattern");
        assert_eq!(gated + bare, engine.query.pattern_count());
        assert!(engine.triggers.is_some(), "the walk enters every node");
    }
}
