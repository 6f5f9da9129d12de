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

#[test]
fn every_rule_has_a_full_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in RULES {
        let slug = rule.slug;
        assert!(!rule.fix_safety.trim().is_empty(), "{slug}: fix_safety");
        // A rule offers a quick fix exactly when its fixture has a fixed
        // version, which the fixture tests check the fixes produce.
        let fixed = root
            .join("tests/fixtures")
            .join(format!("{slug}.fixed.go"))
            .exists();
        assert_eq!(
            rule.fix_safety != "No quick fix.",
            fixed,
            "{slug}: fix_safety must say \"No quick fix.\" exactly when the rule offers none"
        );
        assert!(
            rule.since.split('.').count() == 3
                && rule.since.split('.').all(|p| p.parse::<u32>().is_ok()),
            "{slug}: since {:?} is not a version",
            rule.since
        );
        assert!(
            rule.go == "all" || go_range(rule.go),
            "{slug}: go {:?} is not `all`, `before 1.N` or `1.N and later`",
            rule.go
        );
        if let Some(newer) = rule.use_instead {
            assert!(!newer.trim().is_empty(), "{slug}: empty use_instead");
        }
        for problem in rule.known_problems {
            assert!(!problem.trim().is_empty(), "{slug}: empty known problem");
        }
        assert!(
            rule.query.is_empty() || !rule.references.is_empty(),
            "{slug}: a rule about Go code cites the Go documentation"
        );
        for url in rule.references {
            assert!(
                url.starts_with("https://go.dev/") || url.starts_with("https://pkg.go.dev/"),
                "{slug}: {url} is not an official Go page"
            );
        }
    }
}

/// `before 1.22` or `1.5 and later`.
fn go_range(text: &str) -> bool {
    let version = |v: &str| {
        v.split_once('.')
            .is_some_and(|(a, b)| a == "1" && b.parse::<u32>().is_ok())
    };
    text.strip_prefix("before ").is_some_and(version)
        || text.strip_suffix(" and later").is_some_and(version)
}

/// The `.go` files (tests excluded) under `dir`, recursively.
fn go_sources(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() && name != "testdata" {
                stack.push(path);
            } else if name.ends_with(".go") && !name.ends_with("_test.go") {
                out.extend(std::fs::read_to_string(&path));
            }
        }
    }
    out
}

/// The go vet analyzers of the installed x/tools: the `Name` each analyzer
/// under `passes/` declares (`copylocks` lives in `passes/copylock`).
fn vet_analyzers(passes: &Path) -> HashSet<String> {
    go_sources(passes)
        .iter()
        .flat_map(|text| {
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("Name:"))
                .filter_map(|rest| {
                    let rest = rest.trim().strip_prefix('"')?;
                    Some(rest.split('"').next()?.to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `SA2001`, `S1000`, `ST1003`, `QF1001`.
fn staticcheck_id(id: &str) -> bool {
    let digits = id.trim_start_matches(|c: char| c.is_ascii_uppercase());
    matches!(&id[..id.len() - digits.len()], "SA" | "S" | "ST" | "QF")
        && digits.len() == 4
        && digits.chars().all(|c| c.is_ascii_digit())
}

#[test]
fn other_linters_checks_exist() {
    use gohint::analysis::Linter;
    let gocode = Path::new("/usr/share/gocode/src");
    let passes = gocode.join("golang.org/x/tools/go/analysis/passes");
    let vet = passes.is_dir().then(|| vet_analyzers(&passes));
    let honnef = gocode.join("honnef.co/go/tools");
    let staticcheck = honnef.is_dir().then(|| go_sources(&honnef).concat());
    for rule in RULES {
        let mut seen = HashSet::new();
        for peer in rule.also_reported_by {
            let slug = rule.slug;
            let id = peer.id;
            assert!(seen.insert((peer.linter, id)), "{slug}: {id} twice");
            assert!(
                !id.is_empty() && !id.contains(char::is_whitespace),
                "{slug}: {id:?}"
            );
            match peer.linter {
                Linter::Vet => {
                    if let Some(vet) = &vet {
                        assert!(vet.contains(id), "{slug}: no go vet analyzer {id}");
                    }
                }
                Linter::Staticcheck => {
                    assert!(staticcheck_id(id), "{slug}: {id} is not a staticcheck id");
                    if let Some(text) = &staticcheck {
                        assert!(
                            text.contains(&format!("\"{id}\"")),
                            "{slug}: staticcheck has no {id}"
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

#[test]
fn the_linter_checks_reject_what_does_not_exist() {
    assert!(staticcheck_id("SA2001") && staticcheck_id("S1000") && staticcheck_id("QF1001"));
    assert!(!staticcheck_id("SA201") && !staticcheck_id("XX1000") && !staticcheck_id("SA20011"));
    assert!(go_range("before 1.22") && go_range("1.5 and later"));
    assert!(!go_range("before 2.0") && !go_range("1.22"));
    let passes = Path::new("/usr/share/gocode/src/golang.org/x/tools/go/analysis/passes");
    if passes.is_dir() {
        let vet = vet_analyzers(passes);
        assert!(vet.contains("copylocks") && vet.contains("lostcancel"));
        assert!(
            !vet.contains("copylock"),
            "directory names are not analyzer names"
        );
    }
}
