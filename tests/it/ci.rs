//! CI mode through the real binary: every report format (snapshots of the
//! project under `tests/ci/project`, which only the `double-close` and
//! `unused-ignore` rules fire on), `--output`, `--quiet`, sharding and
//! `merge-reports`.

use crate::common::cli::{gohint, stderr, stdout};
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

/// The names in `dir` that are not `keep`: temporary files left behind.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()) && !n.starts_with("pkg"))
        .collect();
    names.sort();
    names
}

#[test]
fn output_never_overwrites_a_file_being_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    many_files(dir.path(), 2);
    let source = "package p\n\nfunc a(c chan int) { close(c); close(c) }\n";
    std::fs::write(dir.path().join("a.go"), source).expect("write");
    let abs = dir.path().join("a.go");
    for (paths, output) in [
        (&["."][..], "a.go"),
        (&["a.go"], "./a.go"),
        (&["./..."], abs.to_str().expect("utf-8")),
        (&["pkg0", "a.go"], "pkg0/../a.go"),
    ] {
        let mut args = vec!["--check", "--format", "json", "-o", output];
        args.extend(paths);
        let out = gohint(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("--output names a file being checked; it is not overwritten"),
            "{}",
            stderr(&out)
        );
        let now = std::fs::read_to_string(dir.path().join("a.go")).expect("read");
        assert_eq!(now, source, "{args:?}");
    }
    let out = gohint(&["--check", ".", "--write-baseline", "a.go"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a.go: --write-baseline names a file being checked"),
        "{}",
        stderr(&out)
    );
    let now = std::fs::read_to_string(dir.path().join("a.go")).expect("read");
    assert_eq!(now, source);
    assert_eq!(leftovers(dir.path(), &["a.go"]), Vec::<String>::new());
}

#[test]
fn output_is_replaced_whole() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("tempdir");
    many_files(dir.path(), 600);
    let old = "[]\n";
    std::fs::write(dir.path().join("r.json"), old).expect("write");
    let run_on = |path: &str, output: &str| {
        Command::new(crate::common::cli::binary())
            .args(["--check", path, "--format", "json", "-q", "-o", output])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn")
    };
    let run = |output: &str| run_on(".", output);
    // A run killed on its way leaves the previous report as it was, or (if
    // it got to the end) the new one whole: never a part of one.
    for delay in [5, 30, 80] {
        let mut child = run("r.json");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().expect("kill");
        child.wait().expect("wait");
        let text = std::fs::read_to_string(dir.path().join("r.json")).expect("read");
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("killed after {delay} ms: {e}: {} bytes", text.len()));
        assert!(
            matches!(v.as_array().map(Vec::len), Some(0 | 601)),
            "{delay}"
        );
    }
    // A killed run cannot clean up: it may leave its hidden temporary file.
    for name in leftovers(dir.path(), &["r.json"]) {
        assert!(
            name.starts_with(".r.json.") && name.ends_with(".tmp"),
            "{name}"
        );
        std::fs::remove_file(dir.path().join(name)).expect("rm");
    }
    // Runs at the same time, of reports of different sizes, each leave a
    // complete report: one of them whole, never a mix padded with NULs.
    let children: Vec<_> = [".", "pkg1", "."]
        .iter()
        .map(|path| run_on(path, "c.json"))
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(1));
        let text = std::fs::read_to_string(dir.path().join("c.json")).expect("read");
        let v: Value = serde_json::from_str(&text).expect("a whole report");
        assert!(
            matches!(v.as_array().map(Vec::len), Some(120 | 601)),
            "{}",
            text.len()
        );
    }
    let out = gohint(&["--check", ".", "-q", "-o", "r.json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        leftovers(dir.path(), &["r.json", "c.json"]),
        Vec::<String>::new(),
        "no temporary file is left behind"
    );
}

#[test]
fn merge_reports_names_a_malformed_shard() {
    let dir = tempfile::tempdir().expect("tempdir");
    many_files(dir.path(), 6);
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let name = format!("s{k}.sarif");
        gohint(
            &[
                "--check", ".", "--format", "sarif", "--shard", &shard, "-o", &name,
            ],
            dir.path(),
        );
    }
    let good: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s1.sarif")).expect("read"))
            .expect("sarif");
    let variant = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        std::fs::write(dir.path().join(name), v.to_string()).expect("write");
    };
    variant("runs.sarif", &|v| v["runs"] = serde_json::json!({}));
    variant("results.sarif", &|v| v["runs"][0]["results"] = Value::Null);
    variant("index.sarif", &|v| {
        v["runs"][0]["results"][0]["ruleIndex"] = Value::from(99_999)
    });
    variant("rules.sarif", &|v| {
        v["runs"][0]["tool"]["driver"]["rules"] = Value::from("none")
    });
    let text = std::fs::read_to_string(dir.path().join("s1.sarif")).expect("read");
    std::fs::write(dir.path().join("cut.sarif"), &text[..text.len() / 2]).expect("write");
    std::fs::write(dir.path().join("empty.sarif"), "").expect("write");
    std::fs::write(dir.path().join("blank.json"), "\n\n").expect("write");
    std::fs::write(
        dir.path().join("mixed.json"),
        "[{\"rule\":\"double-close\",\"path\":\"a.go\"}, 3]",
    )
    .expect("write");
    let index_error = format!(
        "index.sarif: SARIF run 1: result 1 has `ruleIndex` 99999, but the run has {} rules",
        gohint::rules::RULES.len()
    );
    for (bad, why) in [
        (
            "runs.sarif",
            "runs.sarif: a SARIF log whose `runs` is not an array",
        ),
        (
            "results.sarif",
            "results.sarif: SARIF run 1: `results` is not an array",
        ),
        ("index.sarif", index_error.as_str()),
        (
            "rules.sarif",
            "rules.sarif: SARIF run 1: `tool.driver.rules` is not an array",
        ),
        ("cut.sarif", "cut.sarif: line 1: not a gohint"),
        ("empty.sarif", "empty.sarif: empty: not a report"),
        ("blank.json", "blank.json: empty: not a report"),
        ("mixed.json", "mixed.json: item 2 is not a gohint finding"),
        ("/dev/null", "/dev/null: empty: not a report"),
    ] {
        for args in [
            &["merge-reports", bad, "s2.sarif"][..],
            &["merge-reports", "s2.sarif", bad],
        ] {
            let out = gohint(args, dir.path());
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(stdout(&out).is_empty(), "{args:?}");
            assert!(stderr(&out).contains(why), "{args:?}: {}", stderr(&out));
        }
    }
    let ok = gohint(
        &["merge-reports", "s1.sarif", "s2.sarif", "-o", "m.sarif"],
        dir.path(),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("m.sarif")).expect("read"))
            .expect("sarif");
    let whole: Value = serde_json::from_str(&report_of(dir.path(), "sarif")).expect("sarif");
    assert_eq!(
        merged["runs"][0]["results"], whole["runs"][0]["results"],
        "merged shards equal the whole run"
    );
}

/// The `format` report of a run in `dir`.
fn report_of(dir: &Path, format: &str) -> String {
    stdout(&gohint(&["--check", ".", "--format", format], dir))
}

#[test]
fn jsonl_lines_hold_no_line_separator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = "package p\n\nfunc f(c chan int) { close(c); close(c) }\n";
    for name in ["a\u{2028}b.go", "c\u{2029}d.go", "e\u{85}f.go"] {
        std::fs::write(dir.path().join(name), src).expect("write");
    }
    let out = gohint(
        &["--check", ".", "--format", "jsonl", "-o", "r.jsonl"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("r.jsonl")).expect("read");
    let merged = gohint(&["merge-reports", "r.jsonl"], dir.path());
    for text in [text, stdout(&merged)] {
        assert!(!text.contains(['\u{2028}', '\u{2029}', '\u{85}']), "{text}");
        let paths: Vec<String> = text
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("one object per line");
                v["path"].as_str().expect("path").to_string()
            })
            .collect();
        assert_eq!(paths, ["a\u{2028}b.go", "c\u{2029}d.go", "e\u{85}f.go"]);
    }
}

#[cfg(unix)]
#[test]
fn output_to_a_device_or_through_a_link_writes_where_it_points() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    many_files(dir.path(), 2);
    let out = gohint(
        &[
            "--check",
            ".",
            "--format",
            "json",
            "-q",
            "-o",
            "/dev/stdout",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("the report on stdout");
    assert_eq!(v.as_array().map(Vec::len), Some(3));
    let out = gohint(&["--check", ".", "-q", "-o", "/dev/null"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let null = std::fs::symlink_metadata("/dev/null").expect("/dev/null");
    assert!(null.file_type().is_char_device(), "/dev/null is left alone");
    std::fs::create_dir(dir.path().join("reports")).expect("mkdir");
    std::fs::write(dir.path().join("reports/real.json"), "old").expect("write");
    std::os::unix::fs::symlink("reports/real.json", dir.path().join("link.json")).expect("symlink");
    let out = gohint(
        &["--check", ".", "--format", "json", "-q", "-o", "link.json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let link = std::fs::symlink_metadata(dir.path().join("link.json")).expect("link");
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let text = std::fs::read_to_string(dir.path().join("reports/real.json")).expect("read");
    let v: Value = serde_json::from_str(&text).expect("the report");
    assert_eq!(v.as_array().map(Vec::len), Some(3));
    assert_eq!(
        leftovers(&dir.path().join("reports"), &["real.json"]),
        Vec::<String>::new()
    );
}
