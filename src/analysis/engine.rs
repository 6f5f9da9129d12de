//! All rule queries compiled once into one tree-sitter query and run in a
//! single pass per file (or per changed declaration), dispatching each match
//! to its rule by pattern index.

use super::{Ctx, Finding};
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
            // Check each query alone first, so an error names its rule.
            Query::new(&language, rule.query)
                .map_err(|e| format!("query of rule {}: {e}", rule.slug))?;
            starts.push((source.len(), *rule));
            source.push_str(rule.query);
            source.push('\n');
        }
        let query =
            Query::new(&language, &source).map_err(|e| format!("combined rule query: {e}"))?;
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

    /// Runs every rule over the nodes of `root` that intersect `range`
    /// (the whole tree when `None`), appending findings to `out`.
    pub fn run(
        &self,
        ctx: &Ctx<'_>,
        root: Node<'_>,
        range: Option<Range<usize>>,
        out: &mut Vec<Finding>,
    ) {
        let mut cursor = QueryCursor::new();
        if let Some(range) = range {
            cursor.set_byte_range(range);
        }
        let mut matches = cursor.matches(&self.query, root, ctx.src.as_bytes());
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
