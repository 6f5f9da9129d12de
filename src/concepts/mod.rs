//! Go constructs the corpus explains: `queries/concepts.scm` tags syntax
//! with concept names, and [`CONCEPTS`] maps each name to the corpus
//! questions that explain it. Pure: a tree and an offset in, questions out.

pub mod gomod;
mod range_channel;
mod table;

pub use table::CONCEPTS;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Query, QueryCursor, Tree};

/// The concept query, as written in `queries/concepts.scm`.
pub const QUERY: &str = include_str!("../../queries/concepts.scm");

/// A corpus passage: a question, and optionally the part of its answer to quote.
#[derive(Debug)]
pub struct Cite {
    /// Corpus question id.
    pub question: &'static str,
    /// The sub-section or list item to quote; `None` quotes the first paragraph.
    pub topic: Option<&'static str>,
}

/// A Go construct the corpus explains.
#[derive(Debug)]
pub struct Concept {
    /// Kebab-case name, also the capture name in `queries/concepts.scm`.
    pub name: &'static str,
    /// What the construct is, in a few words (markdown).
    pub label: &'static str,
    /// The questions that explain it, most specific first.
    pub cites: &'static [Cite],
}

/// A construct found in a file.
#[derive(Clone, Debug)]
pub struct Hit {
    /// What it is.
    pub concept: &'static Concept,
    /// Its span: the keyword, operator, callee or type that names it.
    pub range: Range<usize>,
}

/// Every concept: the Go ones, then the `go.mod` ones.
pub fn every() -> impl Iterator<Item = &'static Concept> {
    CONCEPTS.iter().chain(gomod::CONCEPTS)
}

/// The concept named `name`.
pub fn find(name: &str) -> Option<&'static Concept> {
    every().find(|c| c.name == name)
}

/// The compiled concept query and, per capture index, its concept.
struct Compiled {
    query: Query,
    concepts: Vec<Option<&'static Concept>>,
}

/// The compiled query; an error names the problem (a bug the test suite catches).
fn compiled() -> Result<&'static Compiled, String> {
    static COMPILED: OnceLock<Result<Compiled, String>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            let language = tree_sitter::Language::new(tree_sitter_go::LANGUAGE);
            let query = Query::new(&language, QUERY).map_err(|e| format!("concept query: {e}"))?;
            let mut concepts = Vec::new();
            for name in query.capture_names() {
                if name.starts_with('_') {
                    concepts.push(None);
                    continue;
                }
                let concept = find(name)
                    .ok_or_else(|| format!("concept query captures unknown concept @{name}"))?;
                concepts.push(Some(concept));
            }
            Ok(Compiled { query, concepts })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Checks that the concept query compiles and that every capture names a
/// concept of the table.
pub fn validate() -> Result<(), String> {
    compiled().map(|_| ())
}

/// Every construct found in `src` whose span meets `bytes`, in source
/// order; on the same span only the most specific (latest pattern) one.
pub fn in_range(tree: &Tree, src: &str, bytes: Range<usize>) -> Vec<Hit> {
    let Ok(compiled) = compiled() else {
        return Vec::new();
    };
    let mut cursor = QueryCursor::new();
    cursor.set_byte_range(bytes);
    let mut matches = cursor.matches(&compiled.query, tree.root_node(), src.as_bytes());
    // Per span: the concept of the latest pattern that captured it.
    let mut found: HashMap<(usize, usize), (usize, &'static Concept)> = HashMap::new();
    let up = std::rc::Rc::new(crate::analysis::syntax::Parents::new(tree.root_node()));
    while let Some(m) = matches.next() {
        for capture in m.captures {
            let Some(Some(concept)) = compiled.concepts.get(capture.index as usize) else {
                continue;
            };
            if concept.name == "range-channel"
                && !range_channel::over_channel(capture.node, src, &up)
            {
                continue;
            }
            let span = (capture.node.start_byte(), capture.node.end_byte());
            let slot = found.entry(span).or_insert((m.pattern_index, concept));
            if slot.0 <= m.pattern_index {
                *slot = (m.pattern_index, concept);
            }
        }
    }
    let mut found: Vec<(Range<usize>, &'static Concept)> = found
        .into_iter()
        .map(|((start, end), (_, concept))| (start..end, concept))
        .collect();
    found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    found
        .into_iter()
        .map(|(range, concept)| Hit { concept, range })
        .collect()
}

/// Every construct in `src`, in source order.
pub fn all(tree: &Tree, src: &str) -> Vec<Hit> {
    in_range(tree, src, 0..src.len())
}

/// The most specific construct whose span holds byte `offset` of `src`: the
/// smallest span, and on equal spans the latest pattern.
pub fn at(tree: &Tree, src: &str, offset: usize) -> Option<Hit> {
    let end = offset.saturating_add(1).min(src.len()).max(offset);
    in_range(tree, src, offset..end)
        .into_iter()
        .filter(|h| h.range.start <= offset && offset < h.range.end)
        .min_by_key(|h| h.range.len())
}
