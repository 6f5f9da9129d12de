//! The concept map: `queries/concepts.scm` and the concept table agree, every
//! citation resolves in the corpus, and each construct is recognised where a
//! hover lands on it.

use gohint::analysis::Analyzer;
use gohint::concepts::{self, CONCEPTS};
use gohint::corpus;
use std::collections::BTreeSet;

#[test]
fn query_and_table_agree() {
    concepts::validate().expect("concept query compiles and names known concepts");
    let language = tree_sitter::Language::new(tree_sitter_go::LANGUAGE);
    let query = tree_sitter::Query::new(&language, concepts::QUERY).expect("query");
    let captured: BTreeSet<&str> = query
        .capture_names()
        .iter()
        .copied()
        .filter(|n| !n.starts_with('_'))
        .collect();
    let table: BTreeSet<&str> = CONCEPTS.iter().map(|c| c.name).collect();
    assert_eq!(
        captured, table,
        "every concept is captured by the query and every capture is a concept"
    );
    assert_eq!(table.len(), CONCEPTS.len(), "concept names are unique");
}

#[test]
fn citations_resolve_in_the_corpus() {
    let corpus = corpus::builtin();
    for concept in CONCEPTS {
        assert!(!concept.cites.is_empty(), "{} cites nothing", concept.name);
        for cite in concept.cites {
            let q = corpus.question(cite.question).unwrap_or_else(|| {
                panic!("{} cites unknown question {}", concept.name, cite.question)
            });
            if let Some(topic) = cite.topic {
                assert_ne!(
                    q.excerpt(Some(topic)),
                    q.excerpt(None),
                    "{}: topic {topic:?} is not found in {}",
                    concept.name,
                    cite.question
                );
            }
        }
    }
}

const SRC: &str = r#"package p

import (
	"context"
	"sync"
	"sync/atomic"
)

type state struct {
	mu   sync.Mutex
	rw   sync.RWMutex
	wg   sync.WaitGroup
	once sync.Once
	cond *sync.Cond
	n    atomic.Int64
}

func run(parent context.Context, xs []int) {
	ch := make(chan int, len(xs))
	var in <-chan int = ch
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	ctx, cancel := context.WithTimeout(parent, 0)
	defer cancel()
	select {
	case v := <-in:
		xs = append(xs, v)
	case <-ctx.Done():
	}
	var hits int64
	atomic.AddInt64(&hits, 1)
	defer func() {
		if r := recover(); r != nil {
			panic(r)
		}
	}()
}
"#;

#[test]
fn constructs_are_recognised_where_hovers_land() {
    let tree = Analyzer::new().parse(SRC, None).expect("parse");
    let cases = [
        ("go func", 0, "go-statement"),
        ("make(chan", 0, "make-chan"),
        ("chan int, len", 0, "channel-type"),
        ("<-chan int", 0, "channel-type"),
        ("<- x", 0, "channel-send"),
        ("<-in", 0, "channel-receive"),
        ("<-ctx", 0, "channel-receive"),
        ("close(ch)", 0, "close"),
        ("select {", 0, "select"),
        ("defer close", 0, "defer"),
        ("panic(r)", 0, "panic"),
        ("recover()", 0, "recover"),
        ("append(", 0, "append"),
        ("sync.Mutex", 0, "sync-mutex"),
        ("sync.RWMutex", 0, "sync-rwmutex"),
        ("sync.WaitGroup", 0, "sync-waitgroup"),
        ("sync.Once", 0, "sync-once"),
        ("sync.Cond", 0, "sync-cond"),
        ("WithTimeout", 0, "context-with"),
        ("context.WithTimeout", 0, "context-with"),
        ("atomic.Int64", 0, "atomic"),
        ("AddInt64", 0, "atomic"),
    ];
    for (needle, nth, want) in cases {
        let at = SRC
            .match_indices(needle)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("needle in source");
        let hit = concepts::at(&tree, SRC, at)
            .unwrap_or_else(|| panic!("nothing recognised at {needle:?}"));
        assert_eq!(hit.concept.name, want, "at {needle:?}");
        assert!(hit.range.start <= at && at < hit.range.end);
    }
    for quiet in [
        "xs []int",
        "range xs",
        "cancel()",
        "state struct",
        "hits int64",
    ] {
        let at = SRC.find(quiet).expect("needle");
        assert!(
            concepts::at(&tree, SRC, at).is_none(),
            "{quiet:?} is not a concept"
        );
    }
    // Only the keyword of a block construct answers, not its whole body.
    let inside = SRC.find("xs = append").expect("needle");
    assert!(concepts::at(&tree, SRC, inside).is_none());
}

/// A hover's construct, found by the query on the file as a whole: what
/// [`concepts::at`], which runs it on the declaration under the cursor,
/// must agree with.
fn at_by_whole_file(
    tree: &tree_sitter::Tree,
    src: &str,
    offset: usize,
) -> Option<(String, usize, usize)> {
    concepts::in_range(tree, src, offset..(offset + 1).min(src.len()))
        .into_iter()
        .filter(|h| h.range.start <= offset && offset < h.range.end)
        .min_by_key(|h| h.range.len())
        .map(|h| (h.concept.name.to_string(), h.range.start, h.range.end))
}

#[test]
fn a_hover_finds_at_every_byte_what_the_whole_file_query_finds() {
    let comments = "//go:build linux\n\n// Package p has a doc comment.\npackage p\n\n// Two lines,\n// the last one documents.\nfunc f() {}\n/* A block comment */ type t int\n\n// Before a var: not a doc comment here.\nvar v = 1\n\n// Before a method.\n\n// After a blank line.\nfunc (t) m() {}\n// The end.\n";
    let tree = Analyzer::new().parse(comments, None).expect("parse");
    let concept = |needle: &str| {
        let at = comments.find(needle).expect("needle");
        concepts::at(&tree, comments, at).map(|h| h.concept.name)
    };
    assert_eq!(concept("// the last"), Some("doc-comment"));
    assert_eq!(concept("/* A block"), Some("doc-comment"));
    assert_eq!(concept("//go:build"), Some("build-constraint"));
    assert_eq!(concept("// Two lines"), None);
    assert_eq!(concept("// Before a var"), None);
    for src in [SRC, TOUR, comments] {
        let tree = Analyzer::new().parse(src, None).expect("parse");
        for offset in 0..=src.len() {
            let fast = concepts::at(&tree, src, offset)
                .map(|h| (h.concept.name.to_string(), h.range.start, h.range.end));
            assert_eq!(
                fast,
                at_by_whole_file(&tree, src, offset),
                "at byte {offset}"
            );
        }
    }
}

#[test]
fn constructs_of_a_function_are_those_the_whole_file_query_finds_there() {
    let tree = Analyzer::new().parse(TOUR, None).expect("parse");
    let mut functions = Vec::new();
    gohint::analysis::syntax::walk(tree.root_node(), |n| {
        if gohint::analysis::syntax::is_function(n) {
            functions.push(n);
        }
        gohint::analysis::syntax::Walk::Enter
    });
    assert!(functions.len() > 5);
    let names = |hits: Vec<concepts::Hit>| -> Vec<(&str, usize)> {
        hits.iter()
            .map(|h| (h.concept.name, h.range.start))
            .collect()
    };
    for f in functions {
        for end in [
            f.start_byte() + 1,
            (f.start_byte() + f.end_byte()) / 2,
            f.end_byte(),
        ] {
            let bytes = f.start_byte()..end;
            let whole: Vec<concepts::Hit> = concepts::in_range(&tree, TOUR, bytes.clone())
                .into_iter()
                .filter(|h| f.start_byte() <= h.range.start && h.range.start < f.end_byte())
                .collect();
            for concept in CONCEPTS {
                assert_eq!(
                    concepts::any_before(&tree, f, TOUR, concept, end),
                    whole
                        .iter()
                        .any(|h| h.concept.name == concept.name && h.range.start < end),
                    "{} before byte {end} in the function at byte {}",
                    concept.name,
                    f.start_byte()
                );
            }
            assert_eq!(
                names(concepts::in_node(&tree, f, TOUR, bytes)),
                names(whole),
                "in the function at byte {}",
                f.start_byte()
            );
        }
    }
}

/// The concept tour: a Go file using every construct of the map, each line
/// marked `// concept: name…` with the constructs found on it.
const TOUR: &str = include_str!("../fixtures/concepts/tour.go");

/// Questions no Go construct reaches, and why. Keep in sync with the README.
const LEFT_OUT: &[&str] = &[];

/// The fewest questions the concept map must reach.
const MIN_COVERAGE: usize = 65;

#[test]
fn the_tour_shows_every_concept_where_it_is_marked() {
    let tree = Analyzer::new().parse(TOUR, None).expect("parse");
    let hits = concepts::all(&tree, TOUR);
    let line_of = |offset: usize| TOUR[..offset].matches('\n').count() + 1;
    let mut failures = Vec::new();
    let mut marked = BTreeSet::new();
    for (i, line) in TOUR.lines().enumerate() {
        let Some((_, names)) = line.split_once("// concept: ") else {
            continue;
        };
        for name in names.split_whitespace() {
            marked.insert(name);
            let found = hits
                .iter()
                .any(|h| h.concept.name == name && line_of(h.range.start) == i + 1);
            if !found {
                failures.push(format!("line {}: {name} not recognised", i + 1));
            }
        }
    }
    for concept in CONCEPTS {
        if !marked.contains(concept.name) {
            failures.push(format!(
                "{} has no `// concept:` line in the tour",
                concept.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn coverage_every_question_is_reachable_from_go_code() {
    let tree = Analyzer::new().parse(TOUR, None).expect("parse");
    let seen: BTreeSet<&str> = concepts::all(&tree, TOUR)
        .iter()
        .map(|h| h.concept.name)
        .collect();
    let corpus = corpus::builtin();
    let mut report = Vec::new();
    let mut reachable = 0;
    let mut unreachable = Vec::new();
    for q in &corpus.questions {
        let reached_by: Vec<&str> = CONCEPTS
            .iter()
            .filter(|c| seen.contains(c.name))
            .filter(|c| c.cites.iter().any(|cite| cite.question == q.id))
            .map(|c| c.name)
            .collect();
        report.push(format!("{:<90} {}", q.id, reached_by.join(", ")));
        if reached_by.is_empty() {
            unreachable.push(q.id.as_str());
        } else {
            reachable += 1;
        }
    }
    println!("{}", report.join("\n"));
    println!("coverage: {reachable}/{}", corpus.questions.len());
    assert_eq!(
        unreachable, LEFT_OUT,
        "questions no construct reaches (update the concept map, or LEFT_OUT and the README)"
    );
    assert!(
        reachable >= MIN_COVERAGE,
        "coverage {reachable}/{} is below {MIN_COVERAGE}",
        corpus.questions.len()
    );
}

/// The concept hover of `name`, without team questions.
fn hover(name: &str) -> String {
    let concept = concepts::find(name).unwrap_or_else(|| panic!("no concept {name}"));
    gohint::explain::concept_markdown(concept, &[])
}

#[test]
fn concept_hovers_show_their_own_passage_and_only_go_examples() {
    for name in CONCEPTS.iter().map(|c| c.name) {
        let text = hover(name);
        assert!(
            !text.contains("graph TD") && !text.contains("graph LR") && !text.contains("flowchart"),
            "{name}: a mermaid diagram is no Go example:\n{text}"
        );
    }
    let pool = hover("sync-pool");
    assert!(pool.contains("bufferPool.Get()"), "{pool}");
    assert!(!pool.contains("type Mutex struct"), "{pool}");
    let map = hover("sync-map");
    assert!(map.contains("m.Store(\"key\", \"value\")"), "{map}");
    let make = hover("make");
    assert!(make.contains("make([]int, 10, 100)"), "{make}");
    assert!(!make.contains("new(int)"), "{make}");
}

#[test]
fn a_quote_never_ends_on_a_lead_in() {
    for q in &corpus::builtin().questions {
        let first = q.excerpt(None);
        assert!(
            !first.lines().any(|l| l.starts_with('#')),
            "{}: the first paragraph swallowed a heading:\n{first}",
            q.id
        );
        let last = first.lines().last().unwrap_or_default().trim_end();
        assert!(
            !last.ends_with(':'),
            "{}: the quote ends on a lead-in:\n{first}",
            q.id
        );
    }
}
