//! Every rule's fixture, go-vet style: each line marked `// want "slug"` must
//! be flagged by that rule, and no other line may be. Lines marked `// ok`
//! are look-alikes that must stay silent; each fixture has at least four of
//! each. The fixture of a rule that offers quick fixes has a golden
//! `<slug>.fixed.go`: the fixture with every fix of that rule applied; and
//! the whole output on each fixture is snapshotted (`tests/it/snapshots/`).
//! `GOHINT_BLESS=1 cargo test --test it fixtures::` rewrites the fixed goldens;
//! `cargo insta review` (or `INSTA_UPDATE=always`) the snapshots.

use gohint::analysis::Rule;
use gohint::analysis::{Analyzer, Finding, Fix, Options};
use gohint::rules::RULES;
use gohint::text::{Encoding, LineIndex};
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::PathBuf;

/// `tests/fixtures/<slug><suffix>`.
fn fixture_path(slug: &str, suffix: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{slug}{suffix}"))
}

/// Whether goldens are to be rewritten rather than compared.
fn bless() -> bool {
    std::env::var("GOHINT_BLESS").is_ok_and(|v| v == "1")
}

/// The (line, slug) pairs the fixture's `// want` comments expect.
fn wants(src: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in src.lines().enumerate() {
        if let Some(at) = line.find("// want ") {
            for slug in line[at + 8..].split('"').skip(1).step_by(2) {
                out.insert((i + 1, slug.to_string()));
            }
        }
    }
    out
}

/// Options a fixture asks for in a leading `// gohint-options:` comment,
/// e.g. `// gohint-options: go=1.21 test`.
fn options(src: &str) -> Options {
    let mut options = Options::default();
    if let Some(line) = src
        .lines()
        .find_map(|l| l.strip_prefix("// gohint-options:"))
    {
        for word in line.split_whitespace() {
            if let Some(v) = word.strip_prefix("go=") {
                options.go_version = gohint::analysis::GoVersion::parse(v);
            } else if word == "test" {
                options.test_file = true;
            }
        }
    }
    options
}

/// The fixture of `rule` and the findings on it (all rules, suppressed
/// ones too).
fn analyzed(rule: &Rule) -> Result<(String, Vec<Finding>), String> {
    let path = fixture_path(rule.slug, ".go");
    let src = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: missing fixture {}: {e}", rule.slug, path.display()))?;
    let found = Analyzer::new()
        .analyze(src.as_bytes(), &options(&src))
        .map_err(|e| format!("{}: {e}", rule.slug))?;
    Ok((src, found))
}

#[test]
fn every_rule_matches_its_fixture_exactly() {
    let mut failures = Vec::new();
    for rule in RULES {
        let (src, found) = match analyzed(rule) {
            Ok(a) => a,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let path = fixture_path(rule.slug, ".go");
        let expected: BTreeSet<(usize, String)> = wants(&src)
            .into_iter()
            .filter(|(_, s)| s == rule.slug)
            .collect();
        let ok_lines = src.lines().filter(|l| l.contains("// ok")).count();
        if expected.len() < 4 || ok_lines < 4 {
            failures.push(format!(
                "{}: fixture needs >= 4 `// want` and >= 4 `// ok` lines (has {} and {})",
                rule.slug,
                expected.len(),
                ok_lines
            ));
        }
        let line_of = |offset: usize| src[..offset].matches('\n').count() + 1;
        let actual: BTreeSet<(usize, String)> = found
            .iter()
            .filter(|f| f.rule.slug == rule.slug && f.suppressed.is_none())
            .map(|f| (line_of(f.range.start), f.rule.slug.to_string()))
            .collect();
        for (line, slug) in expected.difference(&actual) {
            failures.push(format!(
                "{}:{line}: missing finding of {slug}",
                path.display()
            ));
        }
        for (line, slug) in actual.difference(&expected) {
            failures.push(format!(
                "{}:{line}: unexpected finding of {slug}",
                path.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

/// The lines of `expected` missing from `actual` (`-`) and those added
/// (`+`), numbered, by a longest common subsequence of lines.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || common[i][j + 1] >= common[i + 1][j]) {
            out.push_str(&format!("+{:4} {}\n", j + 1, b[j]));
            j += 1;
        } else {
            out.push_str(&format!("-{:4} {}\n", i + 1, a[i]));
            i += 1;
        }
    }
    if out.is_empty() {
        out.push_str("(the lines are equal; line endings or the final newline differ)\n");
    }
    out
}

#[test]
fn every_fix_applied_to_its_fixture_gives_the_fixed_golden() {
    let mut failures = Vec::new();
    for rule in RULES {
        let (src, found) = match analyzed(rule) {
            Ok(a) => a,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let fixes: Vec<&Fix> = found
            .iter()
            .filter(|f| f.rule.slug == rule.slug && f.suppressed.is_none())
            .filter_map(|f| f.fix.as_ref())
            .collect();
        let golden = fixture_path(rule.slug, ".fixed.go");
        if fixes.is_empty() {
            if bless() {
                let _ = std::fs::remove_file(&golden);
            } else if golden.exists() {
                failures.push(format!(
                    "{}: the rule offers no fix on its fixture, but {} exists",
                    rule.slug,
                    golden.display()
                ));
            }
            continue;
        }
        let fixed = match crate::common::apply_fixes(&src, fixes) {
            Ok(fixed) => fixed,
            Err(e) => {
                failures.push(format!("{}: {e}", rule.slug));
                continue;
            }
        };
        let parses = |text: &str| {
            Analyzer::new()
                .parse(text, None)
                .is_ok_and(|tree| !tree.root_node().has_error())
        };
        if parses(&src) && !parses(&fixed) {
            failures.push(format!(
                "{}: its fixes turn the fixture into invalid Go",
                rule.slug
            ));
        }
        if bless() {
            std::fs::write(&golden, &fixed).expect("write a fixed golden");
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(on_disk) if on_disk == fixed => {}
            Ok(on_disk) => failures.push(format!(
                "{} differs from the fixture with its fixes applied:\n{}",
                golden.display(),
                diff(&on_disk, &fixed)
            )),
            Err(_) => failures.push(format!("{} is missing", golden.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nregenerate with: GOHINT_BLESS=1 cargo test --test it fixtures::",
        failures.join("\n")
    );
}

/// `range` as `line:col-line:col`, one-based, columns in bytes.
fn span(index: &LineIndex, src: &str, range: &Range<usize>) -> String {
    let a = index.position(src, range.start, Encoding::Utf8);
    let b = index.position(src, range.end, Encoding::Utf8);
    format!("{}:{}-{}:{}", a.line + 1, a.col + 1, b.line + 1, b.col + 1)
}

/// Every finding on a fixture, one block each: where, severity, rule,
/// message, related locations, the fix's title and whether a suppression
/// silences it.
fn render(src: &str, found: &[Finding]) -> String {
    let index = LineIndex::new(src);
    let mut out = String::new();
    for f in found {
        out.push_str(&format!(
            "{} {}[{}] {}\n",
            span(&index, src, &f.range),
            f.severity.name(),
            f.rule.slug,
            f.message
        ));
        for r in &f.related {
            out.push_str(&format!(
                "    related {}: {}\n",
                span(&index, src, &r.range),
                r.message
            ));
        }
        if let Some(fix) = &f.fix {
            let kind = if fix.preferred {
                "fix (preferred)"
            } else {
                "fix"
            };
            out.push_str(&format!("    {kind}: {}\n", fix.title));
        }
        if let Some(reason) = &f.suppressed {
            out.push_str(&format!("    suppressed: {reason}\n"));
        }
    }
    out
}

#[test]
fn every_fixture_output_matches_its_snapshot() {
    for rule in RULES {
        let (src, found) = analyzed(rule).unwrap_or_else(|e| panic!("{e}"));
        insta::assert_snapshot!(rule.slug, render(&src, &found));
    }
}

#[test]
fn every_fixed_golden_is_go_that_gofmt_accepts() {
    // Go's own parser, where the toolchain is installed (CI installs it).
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let goldens: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".fixed.go"))
        .collect();
    assert!(goldens.len() >= 20, "{goldens:?}");
    let Ok(out) = std::process::Command::new("gofmt")
        .arg("-e")
        .arg("-l")
        .args(&goldens)
        .output()
    else {
        eprintln!("gofmt is not installed: skipped");
        return;
    };
    assert!(
        out.status.success(),
        "gofmt -e rejects a fixed golden:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a fixture leaves to another file of its package: the type-check
/// test adds it beside the fixed golden.
const COMPANIONS: &[(&str, &str)] = &[(
    "waitgroup-add-inside-goroutine",
    "package fixtures\n\nimport \"sync\"\n\ntype pool struct{ wg sync.WaitGroup }\n",
)];

/// The API of `golang.org/x/sync/errgroup` (which the fixtures import), so
/// the type-check needs no network.
const ERRGROUP: &str = "package errgroup\n\nimport \"context\"\n\ntype Group struct{}\n\nfunc WithContext(ctx context.Context) (*Group, context.Context) { return &Group{}, ctx }\nfunc (g *Group) Go(f func() error)                            {}\nfunc (g *Group) Wait() error                                   { return nil }\nfunc (g *Group) SetLimit(n int)                                {}\nfunc (g *Group) TryGo(f func() error) bool                     { return true }\n";

#[test]
fn every_fixed_golden_type_checks_with_the_go_compiler() {
    // Every quick fix leaves code that compiles: each golden is built as a
    // package of its own by the installed toolchain (CI installs it).
    if std::process::Command::new("go")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("go is not installed: skipped");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let module = tempfile::tempdir().expect("a temporary folder");
    let root = module.path();
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(path, text).expect("a file");
    };
    write(
        root.join("go.mod"),
        "module fixtures\n\ngo 1.19\n\nrequire golang.org/x/sync v0.0.0\n\nreplace golang.org/x/sync => ./xsync\n",
    );
    write(
        root.join("xsync/go.mod"),
        "module golang.org/x/sync\n\ngo 1.19\n",
    );
    write(root.join("xsync/errgroup/errgroup.go"), ERRGROUP);
    let mut built = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(slug) = name.strip_suffix(".fixed.go") else {
            continue;
        };
        let golden = std::fs::read_to_string(entry.path()).expect("a golden");
        write(root.join(slug).join("fixed.go"), &golden);
        if let Some((_, other)) = COMPANIONS.iter().find(|(s, _)| *s == slug) {
            write(root.join(slug).join("other.go"), other);
        }
        built += 1;
    }
    assert!(built >= 20, "only {built} goldens");
    let out = std::process::Command::new("go")
        .args(["build", "./..."])
        .current_dir(root)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off")
        .output()
        .expect("go build runs");
    assert!(
        out.status.success(),
        "a fixed golden does not compile (folder = rule):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
