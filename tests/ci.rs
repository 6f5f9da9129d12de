//! CI mode through the real binary: every report format (snapshots of the
//! project under `tests/ci/project`, which only the `double-close` and
//! `unused-ignore` rules fire on), `--output`, `--quiet`, sharding and
//! `merge-reports`.

mod common;

use common::cli::{gohint, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ci/project")
}

/// The report of `--check .` over the project in `format`, with exit code 1.
fn report(format: &str) -> String {
    let out = gohint(&["--check", ".", "--format", format], &project());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).is_empty(),
        "machine formats keep stderr quiet: {}",
        stderr(&out)
    );
    stdout(&out)
}

/// The SARIF log with the machine-specific root and version replaced, and
/// the rule descriptors reduced to the two rules the project exercises.
fn stable_sarif(text: &str) -> Value {
    let root = format!("file://{}/", project().display()).replace(' ', "%20");
    let mut log: Value =
        serde_json::from_str(&text.replace(&root, "file:///SRCROOT/")).expect("SARIF is JSON");
    let driver = &mut log["runs"][0]["tool"]["driver"];
    driver["version"] = "VERSION".into();
    driver["semanticVersion"] = "VERSION".into();
    let rules = driver["rules"].as_array_mut().expect("rules");
    rules.retain(|r| r["id"] == "double-close" || r["id"] == "unused-ignore");
    for r in rules {
        // Checked against the registry and `--explain` in `sarif_describes_every_rule`.
        for key in ["shortDescription", "fullDescription", "help"] {
            r[key] = "…".into();
        }
    }
    for result in log["runs"][0]["results"].as_array_mut().expect("results") {
        result["ruleIndex"] = "…".into();
    }
    log
}

#[test]
fn text_format() {
    let out = gohint(&["--check", "."], &project());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("text", stdout(&out));
}

#[test]
fn json_format() {
    let v: Value = serde_json::from_str(&report("json")).expect("one JSON array");
    insta::assert_json_snapshot!("json", v);
}

#[test]
fn jsonl_format() {
    let text = report("jsonl");
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(v.is_object());
    }
    insta::assert_snapshot!("jsonl", text);
}

#[test]
fn github_format() {
    insta::assert_snapshot!("github", report("github"));
}

#[test]
fn gitlab_format() {
    let v: Value = serde_json::from_str(&report("gitlab")).expect("one JSON array");
    insta::assert_json_snapshot!("gitlab", v);
}

#[test]
fn sarif_format() {
    insta::assert_json_snapshot!("sarif", stable_sarif(&report("sarif")));
}

#[test]
fn sarif_describes_every_rule() {
    let log: Value = serde_json::from_str(&report("sarif")).expect("SARIF is JSON");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), gohint::rules::RULES.len());
    for (rule, desc) in gohint::rules::RULES.iter().zip(rules) {
        assert_eq!(desc["id"], rule.slug);
        let ci = gohint::rules::preset::Preset::Ci.level(rule);
        assert_eq!(
            desc["defaultConfiguration"]["level"],
            gohint::output::sarif::level(ci)
        );
        assert_eq!(desc["properties"]["group"], rule.group.name());
        assert_eq!(desc["properties"]["presets"]["ci"], ci.name());
        let help = gohint::explain::rule_markdown(rule);
        assert_eq!(desc["help"]["markdown"], help.as_str());
        assert_eq!(desc["help"]["text"], help.as_str());
        assert!(
            desc["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")),
            "{desc}"
        );
        assert!(desc["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with(rule.why)));
    }
    let explained = stdout(&gohint(&["--explain", "double-close"], &project()));
    let double_close = rules
        .iter()
        .find(|r| r["id"] == "double-close")
        .expect("double-close");
    assert_eq!(
        double_close["help"]["markdown"],
        explained.as_str(),
        "the same explanation as --explain"
    );
    assert!(
        explained.contains("Closing an already closed channel causes a panic."),
        "corpus answer included"
    );
    for result in run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn output_file_gets_the_report_and_the_terminal_the_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.sarif");
    let file_arg = file.to_str().expect("utf-8 path");
    let out = gohint(
        &["--check", ".", "--format", "sarif", "--output", file_arg],
        &project(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("gohint: 4 findings (3 error, 1 hint) in 4 files"),
        "{err}"
    );
    assert!(
        err.contains(&format!("report written to {file_arg}")),
        "{err}"
    );
    let written = std::fs::read_to_string(&file).expect("report written");
    assert_eq!(stable_sarif(&written), stable_sarif(&report("sarif")));

    let quiet = gohint(
        &[
            "--check", ".", "--format", "sarif", "--output", file_arg, "--quiet",
        ],
        &project(),
    );
    assert_eq!(quiet.status.code(), Some(1));
    assert!(
        stderr(&quiet).is_empty() && stdout(&quiet).is_empty(),
        "{}",
        stderr(&quiet)
    );

    let bad = gohint(
        &["--check", ".", "--output", "/nonexistent/dir/r.txt"],
        &project(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("/nonexistent/dir/r.txt"),
        "{}",
        stderr(&bad)
    );
}

/// Writes `count` Go files under `dir`, in nested folders, each with one
/// double close (and every third with a suppressed one too).
fn many_files(dir: &Path, count: usize) {
    for i in 0..count {
        let sub = dir.join(format!("pkg{}/sub{}", i % 5, i % 2));
        std::fs::create_dir_all(&sub).expect("mkdir");
        let mut src =
            format!("package p\n\nfunc f{i}(ch chan int) {{\n\tclose(ch)\n\tclose(ch)\n}}\n");
        if i % 3 == 0 {
            src.push_str("\nfunc g(ch chan int) {\n\tclose(ch)\n\tclose(ch) //gohint:ignore double-close -- on purpose\n}\n");
        }
        std::fs::write(sub.join(format!("f{i}.go")), src).expect("write");
    }
    std::fs::write(
        dir.join("pkg0/sub0-x.go"),
        "package p\n\nfunc h(c chan int) { close(c); close(c) }\n",
    )
    .expect("write");
}

#[test]
fn shards_partition_the_files_and_merge_into_the_unsharded_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    many_files(dir.path(), 40);
    for format in ["json", "sarif", "jsonl", "gitlab"] {
        let whole = gohint(&["--check", ".", "--format", format], dir.path());
        assert_eq!(whole.status.code(), Some(1));
        let mut names = Vec::new();
        for k in 1..=3 {
            let shard = format!("{k}/3");
            let name = format!("shard{k}.{format}");
            let out = gohint(
                &[
                    "--check", ".", "--format", format, "--shard", &shard, "-o", &name, "-q",
                ],
                dir.path(),
            );
            assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
            names.push(name);
        }
        let mut args = vec!["merge-reports"];
        args.extend(names.iter().map(String::as_str));
        let merged = gohint(&args, dir.path());
        assert_eq!(merged.status.code(), Some(0), "{}", stderr(&merged));
        assert_eq!(
            stdout(&merged),
            stdout(&whole),
            "merged {format} shards differ from the unsharded report"
        );
        // Merging a shard twice does not duplicate its findings.
        let again = gohint(
            &["merge-reports", &names[0], &names[0], &names[1], &names[2]],
            dir.path(),
        );
        assert_eq!(stdout(&again), stdout(&whole));
    }
    let count = |shard: &str| {
        let out = gohint(
            &["--check", ".", "--format", "json", "--shard", shard],
            dir.path(),
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        v.as_array().map_or(0, Vec::len)
    };
    let sizes: Vec<usize> = ["1/3", "2/3", "3/3"].iter().map(|s| count(s)).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 41, "{sizes:?}");
    assert!(sizes.iter().all(|&n| n > 0), "{sizes:?}");
}

#[test]
fn merge_reports_refuses_what_does_not_fit() {
    let dir = tempfile::tempdir().expect("tempdir");
    many_files(dir.path(), 3);
    gohint(
        &["--check", ".", "--format", "json", "-o", "a.json"],
        dir.path(),
    );
    gohint(
        &["--check", ".", "--format", "sarif", "-o", "b.sarif"],
        dir.path(),
    );
    std::fs::write(dir.path().join("c.txt"), "not a report\n").expect("write");
    let mixed = gohint(&["merge-reports", "a.json", "b.sarif"], dir.path());
    assert_eq!(mixed.status.code(), Some(2));
    assert!(
        stderr(&mixed).contains("b.sarif: a SARIF report, but the first is JSON"),
        "{}",
        stderr(&mixed)
    );
    let junk = gohint(&["merge-reports", "a.json", "c.txt"], dir.path());
    assert_eq!(junk.status.code(), Some(2));
    assert!(
        stderr(&junk).contains("c.txt: line 1: not a gohint"),
        "{}",
        stderr(&junk)
    );
    assert_eq!(
        gohint(&["merge-reports", "missing.json"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        gohint(&["merge-reports"], dir.path()).status.code(),
        Some(2)
    );
}

#[test]
fn shard_arguments_are_checked() {
    for bad in ["0/3", "4/3", "x"] {
        let out = gohint(&["--check", ".", "--shard", bad], &project());
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let out = gohint(
        &[
            "--check",
            ".",
            "--shard",
            "1/2",
            "--write-baseline",
            "b.json",
        ],
        &project(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a baseline is written from an unsharded run"
    );
}
