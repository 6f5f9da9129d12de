//! Fuzzy lookup of rules and corpus questions by words of their names:
//! `closed channel` finds "What issues can arise with a closed channel?".

use crate::analysis::Rule;
use crate::corpus::{self, Question};
use crate::rules::RULES;

/// A rule or corpus question a search found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A rule, by its slug.
    Rule(&'static Rule),
    /// A corpus question, by its heading.
    Question(&'static Question),
}

impl Hit {
    /// The id `gohint --explain` takes.
    pub fn id(&self) -> &'static str {
        match self {
            Hit::Rule(r) => r.slug,
            Hit::Question(q) => q.id.as_str(),
        }
    }

    /// A one-line title.
    pub fn title(&self) -> &'static str {
        match self {
            Hit::Rule(r) => r.summary,
            Hit::Question(q) => q.question.as_str(),
        }
    }
}

/// Words that say nothing about which question is meant.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "can", "do", "does", "go", "how", "in", "is", "it", "of", "on", "or",
    "the", "to", "what", "when", "why", "with",
];

/// The lower-case words of `text`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether query word `q` matches name word `w`: equal, a prefix of at
/// least three letters (`chan`), or a plural of it (`channels`).
fn matches(q: &str, w: &str) -> bool {
    q == w
        || (q.len() >= 3 && w.starts_with(q))
        || q.strip_suffix('s').is_some_and(|s| s == w)
        || q.strip_suffix("es").is_some_and(|s| s == w)
}

/// Every rule and question whose name (rule slug, question heading) holds
/// every meaningful word of `query`, best first: those holding the words
/// exactly, then those with fewer other meaningful words.
pub fn search(query: &str) -> Vec<Hit> {
    let all = words(query);
    let meaningful: Vec<&String> = all.iter().filter(|w| !STOP.contains(&w.as_str())).collect();
    let wanted: Vec<&String> = if meaningful.is_empty() {
        all.iter().collect()
    } else {
        meaningful
    };
    if wanted.is_empty() {
        return Vec::new();
    }
    let rules = RULES.iter().map(|r| (Hit::Rule(r), words(r.slug)));
    let questions = corpus::builtin()
        .questions
        .iter()
        .map(|q| (Hit::Question(q), words(&q.question)));
    let mut hits: Vec<(usize, usize, Hit)> = rules
        .chain(questions)
        .filter(|(_, name)| wanted.iter().all(|q| name.iter().any(|w| matches(q, w))))
        .map(|(hit, name)| {
            let inexact = wanted.iter().filter(|q| !name.contains(q)).count();
            let unasked = name
                .iter()
                .filter(|w| !STOP.contains(&w.as_str()) && !wanted.iter().any(|q| matches(q, w)))
                .count();
            (inexact, unasked, hit)
        })
        .collect();
    hits.sort_by_key(|(inexact, unasked, _)| (*inexact, *unasked));
    hits.into_iter().map(|(_, _, hit)| hit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(query: &str) -> Vec<&'static str> {
        search(query).iter().map(Hit::id).collect()
    }

    #[test]
    fn a_few_words_find_the_question() {
        assert_eq!(
            ids("closed channel"),
            ["what-issues-can-arise-with-a-closed-channel"]
        );
        assert_eq!(ids("What is a MUTEX?")[0], "what-is-a-mutex-in-go");
        assert!(ids("goroutine leaks")
            .contains(&"explain-the-concept-of-goroutine-leaks-and-how-to-avoid-them"));
    }

    #[test]
    fn rules_are_found_by_their_slug_words() {
        assert!(ids("double close").contains(&"double-close"));
        assert!(ids("chan").len() > 3);
    }

    #[test]
    fn nothing_matches_unknown_words() {
        assert!(ids("no-such-rule").is_empty());
        assert!(ids("zebra channel").is_empty());
        assert!(ids("").is_empty());
        assert!(ids("?!").is_empty());
    }
}
