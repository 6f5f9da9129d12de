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
         each page is what `gohint --explain <rule>` prints.\n\n| Rule | Severity | What it flags | Also reported by |\n|---|---|---|---|\n",
    );
    for r in RULES {
        let peers: Vec<String> = r
            .also_reported_by
            .iter()
            .map(|p| format!("{} `{}`", p.linter.name(), p.id))
            .collect();
        index.push_str(&format!(
            "| [{0}]({0}.md) | {1} | {2} | {3} |\n",
            r.slug,
            r.severity.name(),
            r.summary.replace('|', "\\|"),
            peers.join(", ")
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

/// The sections of a rule page, in order; the last two only when the rule
/// has something to list.
const SECTIONS: [&str; 9] = [
    "## What it does",
    "## Why it matters",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## Known problems",
    "## Since",
    "## Also reported by",
    "## References",
];

#[test]
fn explain_prints_every_section_in_order() {
    use crate::common::cli::{gohint, stdout};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in RULES {
        let out = gohint(&["--explain", rule.slug], dir);
        assert_eq!(out.status.code(), Some(0), "{}", rule.slug);
        let text = stdout(&out);
        let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
        let expected: Vec<&str> = SECTIONS
            .iter()
            .copied()
            .filter(|s| match *s {
                "## Also reported by" => !rule.also_reported_by.is_empty(),
                "## References" => !rule.references.is_empty(),
                _ => true,
            })
            .collect();
        assert_eq!(headings, expected, "{}:\n{text}", rule.slug);
        assert!(text.contains(rule.fix_safety), "{}", rule.slug);
        assert!(
            text.contains(&format!("gohint {}", rule.since)),
            "{}",
            rule.slug
        );
        for part in rule
            .known_problems
            .iter()
            .chain(rule.references)
            .chain(rule.use_instead.iter())
        {
            assert!(text.contains(part), "{}: {part:?} missing", rule.slug);
        }
        for peer in rule.also_reported_by {
            assert!(
                text.contains(&format!("{} `{}`", peer.linter.name(), peer.id))
                    || text.contains(&format!("{} [`{}`]", peer.linter.name(), peer.id)),
                "{}: {} missing:\n{text}",
                rule.slug,
                peer.id
            );
        }
    }
}

#[test]
fn a_finding_hover_names_the_newer_alternative_in_one_line() {
    use crate::common::{capabilities, Client};
    const URI: &str = "file:///tmp/gohint-test/pages.go";
    const SRC: &str = "package pages\n\nimport \"sync\"\n\nfunc run(jobs []func()) {\n\tvar wg sync.WaitGroup\n\tfor _, job := range jobs {\n\t\tgo func(job func()) {\n\t\t\twg.Add(1)\n\t\t\tdefer wg.Done()\n\t\t\tjob()\n\t\t}(job)\n\t}\n\twg.Wait()\n}\n";
    let rule = gohint::rules::CATALOGUE
        .find("waitgroup-add-inside-goroutine")
        .expect("rule");
    let newer = rule.use_instead.expect("a newer alternative");
    let mut c = Client::start(capabilities(false, true));
    c.open(URI, SRC);
    let diags = c.diagnostics(URI, 1);
    let d = diags
        .iter()
        .find(|d| d["code"] == rule.slug)
        .unwrap_or_else(|| panic!("no {} finding: {diags:?}", rule.slug));
    let at = &d["range"]["start"];
    let hover = c.hover(
        URI,
        at["line"].as_u64().unwrap_or(0) as u32,
        at["character"].as_u64().unwrap_or(0) as u32 + 1,
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(newer)).collect();
    assert_eq!(lines, [format!("**Use instead:** {newer}")], "{text}");
    assert!(
        !text.contains("## "),
        "no page sections in a hover:\n{text}"
    );
    assert!(c.stop().success());
}
