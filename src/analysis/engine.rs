//! All rule queries compiled once into one tree-sitter query and run in a
//! single pass per file (or per changed declaration), dispatching each match
//! to its rule by pattern index.

use super::{bounds, Ctx, Finding};
use crate::rules::{Rule, RULES};
use std::ops::Range;
use std::sync::OnceLock;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCapture, QueryCursor};

/// The combined query and, for each of its patterns, the rule it belongs to.
pub struct Engine {
    query: Query,
    pattern_rule: Vec<&'static Rule>,
}

/// The engine, compiled on first use; an error names the rule whose query
/// does not compile (a bug caught by the test suite).
pub fn engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::compile(RULES))
        .as_ref()
        .map_err(Clone::clone)
}

impl Engine {
    /// Compiles the queries of `rules` into one.
    pub fn compile(rules: &[&'static Rule]) -> Result<Engine, String> {
        let language = tree_sitter::Language::new(tree_sitter_go::LANGUAGE);
        let mut source = String::new();
        let mut starts = Vec::new();
        for rule in rules.iter().filter(|r| !r.query.trim().is_empty()) {
            starts.push((source.len(), *rule));
            source.push_str(rule.query);
            source.push('\n');
        }
        let query = Query::new(&language, &source).map_err(|e| {
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
        Ok(Engine {
            query,
            pattern_rule,
        })
    }

    /// Runs every rule over the nodes of the file that intersect `range`
    /// (the whole file when `None`), appending findings to `out`. Top-level
    /// declarations nested deeper than [`bounds::MAX_DEPTH`] are left out:
    /// see [`checkable`].
    pub fn run<'t>(&self, ctx: &Ctx<'t>, range: Option<Range<usize>>, out: &mut Vec<Finding>) {
        let range = range.unwrap_or(0..usize::MAX);
        for part in checkable(ctx.root, range) {
            self.run_part(ctx, part, out);
        }
    }

    /// Runs every rule over the nodes that intersect `range`.
    fn run_part<'t>(&self, ctx: &Ctx<'t>, range: Range<usize>, out: &mut Vec<Finding>) {
        let mut cursor = QueryCursor::new();
        cursor.set_byte_range(range);
        let mut matches = cursor.matches(&self.query, ctx.root, ctx.src.as_bytes());
        while let Some(m) = matches.next() {
            let Some(rule) = self.pattern_rule.get(m.pattern_index) else {
                continue;
            };
            if !ctx.enabled(rule) {
                continue;
            }
            let matched = Match {
                query: &self.query,
                captures: m.captures,
            };
            (rule.check)(ctx, &matched, out);
        }
    }
}

/// The parts of `range` to check: `range` without the top-level
/// declarations that nest deeper than [`bounds::MAX_DEPTH`]. Rules walk up
/// from the nodes they match, and each step up costs the node's depth, so
/// such declarations (generated tables, hostile input) would cost time
/// quadratic in their depth; the rules stay silent there instead. No real
/// code comes near the bound.
fn checkable(root: Node<'_>, range: Range<usize>) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut from = range.start;
    let mut c = root.walk();
    for decl in root.children(&mut c) {
        if decl.end_byte() <= range.start || decl.start_byte() >= range.end {
            continue;
        }
        if !bounds::shallow(decl) {
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
