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
    gohint::rules::CATALOGUE
        .engine()
        .expect("rule queries compile");
}

#[test]
fn the_assumed_go_version_note_names_every_version_dependent_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut reading = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/rules") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if !(text.contains("go_before(") || text.contains("ctx.go_version")) {
            continue;
        }
        let slug = RULES
            .iter()
            .find(|r| text.contains(&format!("slug: \"{}\"", r.slug)))
            .unwrap_or_else(|| panic!("{} reads the Go version outside a rule", path.display()));
        reading.push(slug.slug);
    }
    reading.sort_unstable();
    let mut listed: Vec<&str> = gohint::config::VERSION_DEPENDENT
        .iter()
        .map(|(rule, _)| *rule)
        .collect();
    listed.sort_unstable();
    assert_eq!(reading, listed);
}

#[test]
fn every_group_has_rules_and_presets_never_raise_a_rule() {
    use gohint::analysis::Group;
    use gohint::rules::preset::Preset;
    for group in Group::ALL {
        assert!(RULES.iter().any(|r| r.group == group), "{group:?} is empty");
    }
    for rule in RULES {
        for preset in Preset::ALL {
            assert!(preset.level(rule) <= rule.severity, "{}", rule.slug);
        }
    }
}
