//! The rule registry is consistent: unique slugs, a query file per rule, a
//! corpus question that exists, and a quoted topic that the answer has.

use gohint::corpus;
use gohint::rules::RULES;
use std::collections::HashSet;
use std::path::Path;

#[test]
fn slugs_are_unique_kebab_case() {
    let mut seen = HashSet::new();
    for rule in RULES {
        assert!(seen.insert(rule.slug), "duplicate slug {}", rule.slug);
        assert!(
            rule.slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "slug {} is not kebab-case",
            rule.slug
        );
    }
}

#[test]
fn every_rule_cites_a_real_question_and_topic() {
    let corpus = corpus::builtin();
    for rule in RULES {
        let q = corpus
            .question(rule.question)
            .unwrap_or_else(|| panic!("{} cites unknown question {}", rule.slug, rule.question));
        if let Some(topic) = rule.topic {
            let excerpt = q.excerpt(Some(topic));
            assert!(
                excerpt
                    .to_lowercase()
                    .contains(&topic.to_lowercase().replace('`', ""))
                    || excerpt.len() < q.answer.len(),
                "{}: topic {topic:?} not found in {}",
                rule.slug,
                rule.question
            );
            assert_ne!(
                excerpt,
                q.excerpt(None),
                "{}: topic {topic:?} falls back to the first paragraph",
                rule.slug
            );
        }
    }
}

#[test]
fn every_query_lives_in_its_own_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in RULES.iter().filter(|r| !r.query.is_empty()) {
        let file = root.join("queries").join(format!("{}.scm", rule.slug));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("missing {}", file.display()));
        assert_eq!(
            text, rule.query,
            "{} must include_str! its own query file",
            rule.slug
        );
        assert!(
            rule.query.contains("@report"),
            "{}: the query must capture @report",
            rule.slug
        );
    }
}

#[test]
fn all_queries_compile_together() {
    gohint::analysis::engine().expect("rule queries compile");
}
