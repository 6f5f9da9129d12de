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
