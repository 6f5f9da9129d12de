//! `docs/rules/` holds one page per rule, generated from the registry with
//! the text `gohint --explain <slug>` prints, and an index. The diagnostics'
//! `codeDescription.href` links there. Regenerate with
//! `GOHINT_BLESS=1 cargo test --test it docs::`.

use gohint::explain;
use gohint::rules::RULES;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules")
}

/// Every generated file: name → content.
fn pages() -> BTreeMap<String, String> {
    let mut pages: BTreeMap<String, String> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.slug), explain::rule_markdown(r)))
        .collect();
    let mut index = String::from(
        "# gohint rules\n\nGenerated from the rule registry (`GOHINT_BLESS=1 cargo test --test it docs::`); \
         each page is what `gohint --explain <rule>` prints.\n\n| Rule | Severity | What it flags |\n|---|---|---|\n",
    );
    for r in RULES {
        index.push_str(&format!(
            "| [{0}]({0}.md) | {1} | {2} |\n",
            r.slug,
            r.severity.name(),
            r.summary
        ));
    }
    pages.insert("README.md".to_string(), index);
    pages
}

#[test]
fn rule_pages_are_up_to_date() {
    let dir = docs_dir();
    let pages = pages();
    if std::env::var("GOHINT_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).expect("create docs/rules");
        for entry in std::fs::read_dir(&dir).expect("read docs/rules").flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(".md") && !pages.contains_key(&name) {
                std::fs::remove_file(entry.path()).expect("remove a stale page");
            }
        }
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).expect("write a page");
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &pages {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => problems.push(format!("docs/rules/{name} is stale")),
            Err(_) => problems.push(format!("docs/rules/{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".md") && !pages.contains_key(&name) {
            problems.push(format!("docs/rules/{name} documents no rule"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nregenerate with: GOHINT_BLESS=1 cargo test --test it docs::",
        problems.join("\n")
    );
}

#[test]
fn pages_match_the_explain_command() {
    for rule in RULES {
        assert_eq!(
            explain::markdown(rule.slug),
            Some(explain::rule_markdown(rule))
        );
    }
}
