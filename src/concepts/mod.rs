//! Go constructs the corpus explains: `queries/concepts.scm` tags syntax
//! with concept names, and [`CONCEPTS`] maps each name to the corpus
//! questions that explain it. Pure: a tree and an offset in, questions out.

pub mod gomod;
mod range_channel;
mod table;

pub use table::CONCEPTS;

use crate::analysis::syntax::Parents;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::OnceLock;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

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

/// The one pattern of the query rooted at the file (whitespace folded):
/// [`at`] reads it from the tree itself, since running it steps over every
/// top-level declaration of the file.
const FILE_PATTERN: &str = "(source_file (comment) @doc-comment . [(function_declaration) (method_declaration) (type_declaration) (package_clause)])";

/// The declarations a comment of [`FILE_PATTERN`] comes right before.
const DOCUMENTED: &[&str] = &[
    "function_declaration",
    "method_declaration",
    "type_declaration",
    "package_clause",
];

/// The compiled concept query and, per capture index, its concept.
struct Compiled {
    query: Query,
    concepts: Vec<Option<&'static Concept>>,
    /// The index of [`FILE_PATTERN`] and its concept.
    file_pattern: Option<(usize, &'static Concept)>,
}

/// The index of [`FILE_PATTERN`] in `query` and its concept; an error when
/// another pattern is rooted at the file.
fn file_pattern(query: &Query) -> Result<Option<(usize, &'static Concept)>, String> {
    let mut found = None;
    for i in 0..query.pattern_count() {
        let text = QUERY
            .get(query.start_byte_for_pattern(i)..query.end_byte_for_pattern(i))
            .unwrap_or_default();
        if !text.trim_start_matches('(').starts_with("source_file") {
            continue;
        }
        if text.split_whitespace().collect::<Vec<_>>().join(" ") != FILE_PATTERN {
            return Err(format!(
                "concept query: a pattern rooted at the file other than {FILE_PATTERN} (hovers read that one from the tree: see concepts::at)"
            ));
        }
        found = find("doc-comment").map(|c| (i, c));
    }
    Ok(found)
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
            let file_pattern = file_pattern(&query)?;
            Ok(Compiled {
                query,
                concepts,
                file_pattern,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Checks that the concept query compiles and that every capture names a
/// concept of the table.
pub fn validate() -> Result<(), String> {
    compiled().map(|_| ())
}

/// Per span, the latest pattern that captured it and its concept.
type Found = HashMap<(usize, usize), (usize, &'static Concept)>;

/// Records that pattern `pattern` captured `span` as `concept`: the latest
/// pattern on a span answers.
fn record(found: &mut Found, span: (usize, usize), pattern: usize, concept: &'static Concept) {
    let slot = found.entry(span).or_insert((pattern, concept));
    if slot.0 <= pattern {
        *slot = (pattern, concept);
    }
}

/// Adds to `found` the constructs of the subtree of `node` whose span meets
/// `bytes`; `up` walks up the file's tree. A `range` keyword is a hit only
/// when the loop is over a channel, which is looked up only when
/// `check_range` is set: otherwise no `range` keyword is a hit (a caller
/// asking about another concept loses nothing: no other pattern captures
/// the keyword).
fn collect<'t>(
    compiled: &Compiled,
    node: Node<'t>,
    src: &'t str,
    bytes: Range<usize>,
    check_range: bool,
    up: &Rc<Parents<'t>>,
    found: &mut Found,
) {
    let mut cursor = QueryCursor::new();
    cursor.set_byte_range(bytes);
    let mut matches = cursor.matches(&compiled.query, node, src.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures {
            let Some(Some(concept)) = compiled.concepts.get(capture.index as usize) else {
                continue;
            };
            if concept.name == "range-channel"
                && !(check_range && range_channel::over_channel(capture.node, src, up))
            {
                continue;
            }
            let span = (capture.node.start_byte(), capture.node.end_byte());
            record(found, span, m.pattern_index, concept);
        }
    }
}

/// The hits of `found`, in source order (an outer span before the spans
/// it holds).
fn sorted(found: Found) -> Vec<Hit> {
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

/// Every construct found in `src` whose span meets `bytes`, in source
/// order; on the same span only the most specific (latest pattern) one.
pub fn in_range(tree: &Tree, src: &str, bytes: Range<usize>) -> Vec<Hit> {
    in_node(tree, tree.root_node(), src, bytes)
}

/// Every construct inside `node` (a node of `tree`, itself included) whose
/// span meets `bytes`, as [`in_range`] finds them but matching only the
/// patterns that start at `node` or below it: the cost is that of the
/// part of `node` that `bytes` covers, not of the file.
pub fn in_node(tree: &Tree, node: Node<'_>, src: &str, bytes: Range<usize>) -> Vec<Hit> {
    let Ok(compiled) = compiled() else {
        return Vec::new();
    };
    let up = Rc::new(Parents::new(tree.root_node()));
    let mut found = Found::new();
    collect(compiled, node, src, bytes, true, &up, &mut found);
    sorted(found)
}

/// Whether a construct of `concept` starts inside `node` (a node of
/// `tree`) before byte `before`, matching only the patterns that start at
/// `node` or below it, as [`in_node`] does. The scan stops at the first
/// one: a capture of `concept` is confirmed by asking the query about its
/// span alone (a later pattern may answer there).
pub fn any_before(
    tree: &Tree,
    node: Node<'_>,
    src: &str,
    concept: &Concept,
    before: usize,
) -> bool {
    let Ok(compiled) = compiled() else {
        return false;
    };
    let up = Rc::new(Parents::new(tree.root_node()));
    let check_range = concept.name == "range-channel";
    let mut cursor = QueryCursor::new();
    cursor.set_byte_range(node.start_byte()..before);
    let mut matches = cursor.matches(&compiled.query, node, src.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures {
            let start = capture.node.start_byte();
            let captures_concept = compiled
                .concepts
                .get(capture.index as usize)
                .is_some_and(|c| c.is_some_and(|c| c.name == concept.name));
            if !captures_concept || start >= before {
                continue;
            }
            let span = (start, capture.node.end_byte());
            let mut found = Found::new();
            collect(
                compiled,
                node,
                src,
                span.0..span.1,
                check_range,
                &up,
                &mut found,
            );
            if found
                .get(&span)
                .is_some_and(|(_, c)| c.name == concept.name)
            {
                return true;
            }
        }
    }
    false
}

/// Every construct in `src`, in source order.
pub fn all(tree: &Tree, src: &str) -> Vec<Hit> {
    in_range(tree, src, 0..src.len())
}

/// The most specific construct whose span holds byte `offset` of `src`: the
/// smallest span, and on equal spans the latest pattern.
///
/// The query runs on the top-level declaration holding `offset`, so its
/// cost does not grow with the rest of the file; the one pattern rooted at
/// the file ([`FILE_PATTERN`]) is read from the tree around a top-level
/// comment. No pattern captures the whole file.
pub fn at(tree: &Tree, src: &str, offset: usize) -> Option<Hit> {
    let compiled = compiled().ok()?;
    let root = tree.root_node();
    let top = root
        .first_child_for_byte(offset)
        .filter(|top| top.start_byte() <= offset && offset < top.end_byte())?;
    let bytes = offset..offset.saturating_add(1).min(src.len()).max(offset);
    let up = Rc::new(Parents::new(root));
    let mut found = Found::new();
    collect(compiled, top, src, bytes, true, &up, &mut found);
    if let Some((pattern, concept)) = compiled.file_pattern {
        let documents = || {
            top.next_named_sibling()
                .is_some_and(|next| DOCUMENTED.contains(&next.kind()))
        };
        if top.kind() == "comment" && documents() {
            record(
                &mut found,
                (top.start_byte(), top.end_byte()),
                pattern,
                concept,
            );
        }
    }
    sorted(found)
        .into_iter()
        .filter(|h| h.range.start <= offset && offset < h.range.end)
        .min_by_key(|h| h.range.len())
}
