//! Baselines through the real binary: `--write-baseline` records the
//! findings, `--baseline` reports only new ones and counts the fixed ones,
//! surviving shifted lines, neighbours and renamed files.

use crate::common::cli::{gohint, stderr, write};
use serde_json::Value;
use std::path::Path;

/// Two functions that close twice (lines 5 and 10), one that is fine.
const CODE: &str = "package p

func a(ch chan int) {
\tclose(ch)
\tclose(ch)
}

func b(done chan struct{}) {
\tclose(done)
\tclose(done)
}

func c(x chan int) {
\tclose(x)
}
";

/// `--check --format json` with `extra` arguments (paths default to `.`):
/// exit code, the reported (path, line) pairs and stderr.
fn check(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<(String, u64)>, String) {
    let mut args = vec!["--check", "--format", "json"];
    args.extend(extra);
    let out = gohint(&args, dir);
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON array");
    let found = v
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    (out.status.code(), found, stderr(&out))
}

/// A project with CODE in `p/code.go` and its baseline written.
fn baselined() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "p/code.go", CODE);
    let out = gohint(
        &["--check", ".", "--write-baseline", ".gohint-baseline.json"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "writing a baseline accepts the findings: {}",
        stderr(&out)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("gohint: no findings in 1 files; 2 more already in the baseline"),
        "{text}"
    );
    assert!(
        text.contains("gohint: wrote 2 entries to the baseline .gohint-baseline.json"),
        "{text}"
    );
    dir
}

const BASELINE: &[&str] = &["--baseline", ".gohint-baseline.json"];

#[test]
fn the_baseline_file_records_rule_path_and_hashes_not_positions() {
    let dir = baselined();
    let text = std::fs::read_to_string(dir.path().join(".gohint-baseline.json")).expect("baseline");
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["version"], 1);
    let entries = v["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["rule"], "double-close");
    assert_eq!(entries[0]["path"], "p/code.go");
    assert_eq!(entries[0]["line"], 5);
    assert_eq!(entries[0]["context"].as_str().map(str::len), Some(16));
    assert_ne!(
        entries[0]["text"], entries[1]["text"],
        "close(ch) and close(done) differ"
    );
}

#[test]
fn a_baselined_run_reports_nothing_old() {
    let dir = baselined();
    let (code, found, err) = check(dir.path(), BASELINE);
    assert_eq!((code, found), (Some(0), vec![]), "{err}");
    assert!(err.is_empty(), "nothing fixed, nothing to say: {err}");
}

#[test]
fn lines_shifting_do_not_invalidate_it() {
    let dir = baselined();
    let shifted = CODE.replace(
        "package p\n",
        "package p\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n\n// a comment\n",
    );
    let shifted = shifted.replace("\tclose(ch)\n\tclose(ch)", "\tclose(ch)\n\n\n\tclose(ch)");
    write(dir.path(), "p/code.go", &shifted);
    let (code, found, err) = check(dir.path(), BASELINE);
    assert_eq!((code, found), (Some(0), vec![]), "{err}");
    let reindented = CODE.replace('\t', "    ");
    write(dir.path(), "p/code.go", &reindented);
    let (code, found, err) = check(dir.path(), BASELINE);
    assert_eq!((code, found), (Some(0), vec![]), "{err}");
}

#[test]
fn a_fixed_finding_is_counted_so_the_file_can_shrink() {
    let dir = baselined();
    write(
        dir.path(),
        "p/code.go",
        CODE.replace("\tclose(done)\n\tclose(done)\n", "\tclose(done)\n"),
    );
    let (code, found, err) = check(dir.path(), BASELINE);
    assert_eq!((code, found), (Some(0), vec![]));
    assert!(
        err.contains("gohint: 1 entry of the baseline .gohint-baseline.json is fixed"),
        "{err}"
    );
    let shrink = gohint(
        &[
            "--check",
            ".",
            "--baseline",
            ".gohint-baseline.json",
            "--write-baseline",
            ".gohint-baseline.json",
        ],
        dir.path(),
    );
    assert_eq!(shrink.status.code(), Some(0), "{}", stderr(&shrink));
    assert!(String::from_utf8_lossy(&shrink.stdout).contains(
        "wrote 1 entry to the baseline .gohint-baseline.json, dropping 1 entry now fixed"
    ));
    let (code, found, err) = check(dir.path(), BASELINE);
    assert_eq!((code, found), (Some(0), vec![]));
    assert!(err.is_empty(), "{err}");
}

#[test]
fn a_new_finding_next_to_a_baselined_one_is_reported() {
    let dir = baselined();
    // A third channel closed twice right below the recorded second close.
    let grown = CODE.replace(
        "func a(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}",
        "func a(ch, other chan int) {\n\tclose(ch)\n\tclose(other)\n\tclose(ch)\n\tclose(other)\n}",
    );
    write(dir.path(), "p/code.go", &grown);
    let (code, found, err) = check(dir.path(), BASELINE);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        found,
        vec![("p/code.go".to_string(), 7)],
        "only the new close(other) at line 7"
    );
    // A second, identical finding of a recorded line is new too.
    let twice = CODE.replace(
        "\tclose(done)\n\tclose(done)\n",
        "\tclose(done)\n\tclose(done)\n\tclose(done)\n",
    );
    write(dir.path(), "p/code.go", &twice);
    let (code, found, _) = check(dir.path(), BASELINE);
    assert_eq!(code, Some(1));
    assert_eq!(
        found.len(),
        1,
        "one of the two close(done) is new: {found:?}"
    );
}

#[test]
fn a_renamed_file_keeps_its_baseline() {
    let dir = baselined();
    std::fs::create_dir_all(dir.path().join("q")).expect("mkdir");
    std::fs::rename(
        dir.path().join("p/code.go"),
        dir.path().join("q/renamed.go"),
    )
    .expect("rename");
    let (code, found, err) = check(dir.path(), BASELINE);
    assert_eq!((code, found), (Some(0), vec![]), "{err}");
    assert!(err.is_empty(), "nothing is fixed: {err}");
    // A copy (the original still exists) is new code: its findings are reported.
    write(dir.path(), "p/code.go", CODE);
    let (code, found, _) = check(dir.path(), BASELINE);
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        vec![
            ("q/renamed.go".to_string(), 5),
            ("q/renamed.go".to_string(), 10)
        ]
    );
}

#[test]
fn paths_are_relative_to_the_baseline_not_the_working_directory() {
    let dir = baselined();
    let sub = dir.path().join("p");
    let (code, found, err) = check(&sub, &["--baseline", "../.gohint-baseline.json"]);
    assert_eq!((code, found), (Some(0), vec![]), "{err}");
    let out = gohint(
        &[
            "--check",
            "p/code.go",
            "--format",
            "json",
            "--baseline",
            ".gohint-baseline.json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn unchecked_files_keep_their_entries() {
    let dir = baselined();
    write(dir.path(), "r/more.go", CODE);
    let out = gohint(
        &["--check", ".", "--write-baseline", ".gohint-baseline.json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    // Checking only r/ neither reports nor counts p/'s entries as fixed, and
    // a rewrite from that run keeps them.
    let (code, found, err) = check(dir.path(), &["r/", "--baseline", ".gohint-baseline.json"]);
    assert_eq!((code, found), (Some(0), vec![]));
    assert!(err.is_empty(), "{err}");
    let out = gohint(
        &[
            "--check",
            "r",
            "--baseline",
            ".gohint-baseline.json",
            "--write-baseline",
            ".gohint-baseline.json",
        ],
        dir.path(),
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("wrote 4 entries"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn sarif_marks_baselined_results() {
    let dir = baselined();
    write(
        dir.path(),
        "p/new.go",
        "package p\n\nfunc n(c chan int) {\n\tclose(c)\n\tclose(c)\n}\n",
    );
    let out = gohint(
        &[
            "--check",
            ".",
            "--format",
            "sarif",
            "--baseline",
            ".gohint-baseline.json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let states: Vec<(&str, &str, bool)> = results
        .iter()
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or(""),
                r["baselineState"].as_str().unwrap_or(""),
                r["suppressions"][0]["kind"] == "external",
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![
            ("p/code.go", "unchanged", true),
            ("p/code.go", "unchanged", true),
            ("p/new.go", "new", false)
        ]
    );
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = baselined();
    for (text, why) in [
        ("{", "not a gohint baseline"),
        ("{\"version\": 2, \"entries\": []}", "baseline version 2 is not 1"),
        (
            "{\"version\": 1, \"entries\": [{\"rule\":\"x\",\"path\":\"a.go\",\"line\":1,\"context\":\"zz\",\"text\":\"00\",\"message\":\"\"}]}",
            "entry 1 has a malformed hash",
        ),
    ] {
        write(dir.path(), ".gohint-baseline.json", text);
        let out = gohint(&["--check", ".", "--baseline", ".gohint-baseline.json"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(stderr(&out).contains(&format!(".gohint-baseline.json: {why}")), "{}", stderr(&out));
    }
    let missing = gohint(&["--check", ".", "--baseline", "nope.json"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    let nowhere = gohint(
        &["--check", ".", "--write-baseline", "no/such/dir/b.json"],
        dir.path(),
    );
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(
        stderr(&nowhere).contains("no/such/dir/b.json: its folder does not exist"),
        "{}",
        stderr(&nowhere)
    );
}

#[test]
fn a_baseline_with_a_byte_order_mark_is_read_and_one_that_is_no_object_is_not() {
    let dir = baselined();
    let file = dir.path().join(".gohint-baseline.json");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("\u{feff}{text}")).expect("write");
    let (code, _, err) = check(dir.path(), BASELINE);
    assert_eq!(code, Some(0), "{err}");
    for bad in ["[1, []]", "[]", "\u{feff}[1, []]", "\"x\"", "1"] {
        write(dir.path(), ".gohint-baseline.json", bad);
        let out = gohint(
            &["--check", ".", "--baseline", ".gohint-baseline.json"],
            dir.path(),
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            err.contains(".gohint-baseline.json: not a gohint baseline"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn baselines_written_at_the_same_time_all_succeed() {
    use std::process::{Command, Stdio};
    let dir = baselined();
    for _ in 0..5 {
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(crate::common::cli::binary())
                    .args(["--check", ".", "--write-baseline", "wb.json"])
                    .current_dir(dir.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
        let text = std::fs::read_to_string(dir.path().join("wb.json")).expect("read");
        let v: Value = serde_json::from_str(&text).expect("a whole baseline");
        assert!(v["entries"].as_array().is_some_and(|e| !e.is_empty()));
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}
