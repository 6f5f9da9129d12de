//! Which items a quiz asks, and in what order: by topic word, by the
//! constructs of the learner's own code, wrong answers first on review.

use super::{Item, Progress, Rng};
use crate::analysis::{Analyzer, Options};
use crate::concepts;
use crate::corpus;
use std::collections::BTreeSet;

/// What a quiz is drawn from.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only items about this word (a question, its category, a rule or a
    /// construct that mentions it; `channels` matches `channel`).
    pub topic: Option<String>,
    /// Only items about these corpus questions (from [`questions_in`]).
    pub questions: Option<BTreeSet<String>>,
    /// Items whose question was last answered wrong come first.
    pub review: bool,
}

/// The corpus questions that explain the constructs of Go source `src` and
/// the rules it breaks.
pub fn questions_in(src: &str) -> BTreeSet<String> {
    let mut analyzer = Analyzer::new();
    let mut out = BTreeSet::new();
    if let Ok(tree) = analyzer.parse(src, None) {
        for hit in concepts::all(&tree, src) {
            out.extend(hit.concept.cites.iter().map(|c| c.question.to_string()));
        }
    }
    if let Ok(found) = analyzer.analyze(src.as_bytes(), &Options::default()) {
        out.extend(found.iter().map(|f| f.rule.question.to_string()));
    }
    out
}

/// The forms of a topic word to look for: itself, and without a plural
/// ending.
fn forms(word: &str) -> Vec<String> {
    let w = word.trim().to_lowercase();
    let mut out = vec![w.clone()];
    for end in ["es", "s"] {
        if let Some(stem) = w.strip_suffix(end) {
            if stem.len() >= 3 {
                out.push(stem.to_string());
            }
        }
    }
    out
}

/// Whether `item` is about `topic`.
fn about(item: &Item, topic: &str) -> bool {
    let corpus = corpus::builtin();
    let mut text = item.question.replace('-', " ");
    if let Some(q) = corpus.question(item.question) {
        text.push(' ');
        text.push_str(&q.question);
        text.push(' ');
        text.push_str(corpus.category_of(q).unwrap_or_default());
    }
    if let Some(rule) = item.rule {
        text.push_str(&format!(
            " {} {}",
            rule.slug.replace('-', " "),
            rule.summary
        ));
    }
    for c in concepts::every() {
        if c.cites
            .first()
            .is_some_and(|cite| cite.question == item.question)
        {
            text.push_str(&format!(" {} {}", c.name.replace('-', " "), c.label));
        }
    }
    let text = text.to_lowercase();
    forms(topic).iter().any(|f| text.contains(f.as_str()))
}

/// The items of `all` that `filter` admits, shuffled by `seed`, the ones to
/// review first when asked, at most `count` of them.
pub fn select(
    all: Vec<Item>,
    filter: &Filter,
    progress: &Progress,
    seed: u64,
    count: usize,
) -> Vec<Item> {
    let mut items: Vec<Item> = all
        .into_iter()
        .filter(|i| filter.topic.as_deref().is_none_or(|t| about(i, t)))
        .filter(|i| {
            filter
                .questions
                .as_ref()
                .is_none_or(|qs| qs.contains(i.question))
        })
        .collect();
    Rng::new(seed).shuffle(&mut items);
    if filter.review {
        items.sort_by_key(|i| !progress.needs_review(i.question));
    }
    items.truncate(count);
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::every_item;

    #[test]
    fn a_topic_keeps_only_items_about_it_and_plurals_match() {
        let picked = select(
            every_item(1),
            &Filter {
                topic: Some("Mutexes".into()),
                ..Filter::default()
            },
            &Progress::default(),
            1,
            usize::MAX,
        );
        assert!(picked.len() >= 4, "{}", picked.len());
        assert!(picked.iter().any(|i| i.question == "what-is-a-mutex-in-go"));
        assert!(picked.iter().all(|i| about(i, "mutex")));
        assert!(!picked.iter().any(|i| i.question == "what-is-a-goroutine"));
        let none = select(
            every_item(1),
            &Filter {
                topic: Some("zebra".into()),
                ..Filter::default()
            },
            &Progress::default(),
            1,
            usize::MAX,
        );
        assert!(none.is_empty());
    }

    #[test]
    fn review_puts_wrong_answers_first_and_count_caps() {
        let mut progress = Progress::default();
        progress.answer("what-is-a-goroutine", false);
        progress.answer("what-is-a-mutex-in-go", true);
        let picked = select(
            every_item(4),
            &Filter {
                review: true,
                ..Filter::default()
            },
            &progress,
            4,
            3,
        );
        assert_eq!(picked.len(), 3);
        assert_eq!(picked[0].question, "what-is-a-goroutine");
    }

    #[test]
    fn the_same_seed_draws_the_same_quiz() {
        let ids = |seed| -> Vec<String> {
            select(
                every_item(seed),
                &Filter::default(),
                &Progress::default(),
                seed,
                10,
            )
            .into_iter()
            .map(|i| i.id)
            .collect()
        };
        assert_eq!(ids(9), ids(9));
        assert_ne!(ids(9), ids(10));
    }

    #[test]
    fn code_leads_to_the_questions_of_its_constructs_and_findings() {
        let src = "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n";
        let qs = questions_in(src);
        assert!(
            qs.contains("what-issues-can-arise-with-a-closed-channel"),
            "{qs:?}"
        );
        assert!(!qs.contains("what-is-a-mutex-in-go"), "{qs:?}");
        assert!(questions_in("\u{0}not go {{{").len() < 5);
    }
}
