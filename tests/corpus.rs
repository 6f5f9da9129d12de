//! The embedded corpus parses into the user's 72 questions with stable ids.

use gohint::corpus;

#[test]
fn corpus_has_72_questions_with_stable_ids() {
    let c = corpus::builtin();
    assert_eq!(c.questions.len(), 72);
    assert!(c
        .front_matter
        .as_deref()
        .is_some_and(|f| f.contains("title: Golang Interview Questions")));
    for id in [
        "how-does-go-handle-dependencies",
        "what-is-the-difference-between-go-build-and-go-run-",
        "whats-the-difference-between-buffered-and-unbuffered-channels",
        "what-is-the-difference-between-unbuffered-and-buffered-channels",
        "what-issues-can-arise-with-a-closed-channel",
        "how-does-go-handle-panics",
        "how-does-go-handle-slice-growth-when-capacity-is-insufficient",
        "what-is-the-select-statement-used-for",
        "what-is-the-purpose-of-the-select-statement-in-go",
    ] {
        assert!(c.question(id).is_some(), "missing question id {id}");
    }
    let ids: std::collections::HashSet<_> = c.questions.iter().map(|q| &q.id).collect();
    assert_eq!(ids.len(), 72, "ids are unique");
}

#[test]
fn answers_keep_subsections_and_code() {
    let q = corpus::builtin()
        .question("how-does-go-handle-panics")
        .expect("question");
    assert!(q.answer.contains("#### Key Concepts"));
    assert!(q.answer.contains("```go"));
    let closed = corpus::builtin()
        .question("what-issues-can-arise-with-a-closed-channel")
        .expect("question");
    let excerpt = closed.excerpt(Some("Double Close"));
    assert!(excerpt.starts_with("4. **Double Close**"), "{excerpt}");
    assert!(excerpt.contains("close(ch) // This will panic"));
    assert!(!excerpt.contains("Race Conditions"));
}

#[test]
fn repeated_headings_get_unique_ids() {
    let c = corpus::parse("## A\n### Same?\none\n### Same?\ntwo\n```\n### not a heading\n```\n");
    let ids: Vec<_> = c.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["same", "same-1"]);
    assert!(c.questions[1].answer.contains("### not a heading"));
}
