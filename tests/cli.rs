//! `gohint --check` and `--explain` through the real binary: output, exit
//! codes, hostile files.

mod common;

use common::cli::{gohint, stderr, stdout, write};
use std::path::Path;

const DOUBLE_CLOSE: &str = "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn examples_show_findings_with_corpus_citations() {
    let out = gohint(&["--check", "examples/"], root());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("error[double-close]"), "{text}");
    assert!(
        text.contains("= learn: What issues can arise with a closed channel?"),
        "{text}"
    );
    assert!(text.contains("= why: "), "{text}");
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn text_format_points_at_the_span() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", DOUBLE_CLOSE);
    let out = gohint(&["--check", "a.go"], dir.path());
    let text = stdout(&out);
    assert!(
        text.starts_with("a.go:5:2: error[double-close]: "),
        "{text}"
    );
    assert!(
        text.contains("5 |     close(ch)\n  |     ^^^^^^^^^\n"),
        "{text}"
    );
    assert!(
        text.contains("note: first closed here at a.go:4:2"),
        "{text}"
    );
}

#[test]
fn json_is_one_array_with_one_based_byte_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.go",
        "package p\n\nfunc f(ch chan int) {\n\ts := \"😀\"; close(ch); close(ch)\n\t_ = s\n}\n",
    );
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 1, "{v}");
    let f = &items[0];
    assert_eq!(f["path"], "a.go");
    assert_eq!(f["rule"], "double-close");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], 4);
    // Tab (1) + `s := "` (6) + emoji (4) + `"; ` (3) + `close(ch); ` (11) = 25 bytes before.
    assert_eq!(f["column"], 26);
    assert_eq!(f["end_column"], 35);
    assert_eq!(
        f["concept"]["id"],
        "what-issues-can-arise-with-a-closed-channel"
    );
    assert_eq!(
        f["concept"]["question"],
        "What issues can arise with a closed channel?"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.go",
        "package p\n\n//gohint:ignore double-close -- stale\nfunc f() {}\n",
    );
    assert_eq!(gohint(&["--check", "."], dir.path()).status.code(), Some(0));
    assert_eq!(
        gohint(&["--check", ".", "--fail-on", "hint"], dir.path())
            .status
            .code(),
        Some(1)
    );
    write(dir.path(), "b.go", DOUBLE_CLOSE);
    assert_eq!(
        gohint(&["--check", ".", "--fail-on", "error"], dir.path())
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn clean_code_exits_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.go",
        "package p\n\nfunc f(a, b chan int) {\n\tclose(a)\n\tclose(b)\n}\n",
    );
    let out = gohint(&["--check", "./..."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("no findings in 1 files"));
}

#[test]
fn unreadable_files_exit_two_and_the_rest_is_still_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "bin.go", b"package p\x00\x01\x02");
    write(dir.path(), "latin1.go", b"package p // caf\xe9\n");
    write(dir.path(), "ok.go", DOUBLE_CLOSE);
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bin.go: binary file"), "{err}");
    assert!(
        err.contains("latin1.go: not valid UTF-8 (first bad byte at 1:17)"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(1),
        "ok.go is still reported"
    );
}

#[test]
fn usage_errors_and_missing_paths_exit_two() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        gohint(&["--check", "--format", "yaml"], dir.path())
            .status
            .code(),
        Some(2)
    );
    let out = gohint(&["--check", "nope/"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope/: no such file or folder"));
    assert_eq!(
        gohint(&["--explain", "no-such-rule"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn vendor_testdata_and_hidden_folders_are_skipped_unless_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["vendor/x", "testdata", ".git", "pkg/testdata"] {
        write(dir.path(), &format!("{sub}/a.go"), DOUBLE_CLOSE);
    }
    write(dir.path(), ".gitignore", "ignored/\n");
    write(dir.path(), "ignored/a.go", DOUBLE_CLOSE);
    std::fs::create_dir_all(dir.path().join(".git")).expect("git dir");
    let out = gohint(&["--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = gohint(&["--check", "testdata"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "an explicitly named folder is checked"
    );
}

#[test]
fn explain_prints_the_corpus_answer() {
    let out = gohint(&["--explain", "double-close"], root());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("## Q: What issues can arise with a closed channel?"),
        "{text}"
    );
    assert!(text.contains("> 4. **Double Close**"), "{text}");
    assert!(
        text.contains("Closing an already closed channel causes a panic."),
        "{text}"
    );
    assert!(
        text.contains("## Bad") && text.contains("## Good"),
        "{text}"
    );
    let q = gohint(&["--explain", "how-does-go-handle-panics"], root());
    assert!(stdout(&q).contains("# Q: How does Go handle panics?"));
}

#[test]
fn rule_list_names_every_rule() {
    let out = gohint(&["--explain", "--list"], root());
    let text = stdout(&out);
    for rule in gohint::rules::RULES {
        assert!(
            text.contains(rule.slug),
            "{} missing from {text}",
            rule.slug
        );
    }
    assert_eq!(stdout(&gohint(&["--list-rules"], root())), text);
}

#[test]
fn hostile_sources_do_not_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!(
        "package p\n\nfunc f() {{\n{}{}\n}}\n",
        "{".repeat(10_000),
        "}".repeat(10_000)
    );
    write(dir.path(), "deep.go", deep);
    let chain = format!("package p\n\nvar x = {}1\n", "1 + ".repeat(10_000));
    write(dir.path(), "chain.go", chain);
    write(
        dir.path(),
        "half.go",
        "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n\tif x := \n",
    );
    write(
        dir.path(),
        "bom.go",
        "\u{feff}package p\r\n\r\nfunc f(ch chan int) {\r\n\tclose(ch)\r\n\tclose(ch)\r\n}\r\n",
    );
    write(dir.path(), "cr.go", "package p\rfunc f() {}\r");
    let out = gohint(&["--check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let hits: Vec<_> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap_or(""), f["line"]))
        .collect();
    assert!(
        hits.contains(&"half.go:5".to_string()),
        "half-typed code still reports: {hits:?}"
    );
    assert!(
        hits.contains(&"bom.go:5".to_string()),
        "BOM + CRLF file reports: {hits:?}"
    );
}

#[test]
fn carets_line_up_under_wide_characters_and_tabs() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "wide.go",
        "package p\n\nfunc f(ch chan int) {\n\t_ = \"日本\"; close(ch); close(ch)\n}\n",
    );
    let out = stdout(&gohint(&["--check", "wide.go"], dir.path()));
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("close(ch); close(ch)"))
        .expect("the source line");
    let caret_line = lines[source + 1];
    let caret = caret_line.find('^').expect("a caret");
    let second = lines[source].rfind("close(ch)").expect("second close");
    // Each of the two CJK characters takes two cells, one more than a char.
    let cells_before = lines[source][..second].chars().count() + 2;
    assert_eq!(caret, cells_before, "{out}");
    assert_eq!(
        caret_line[caret..].trim_end(),
        "^".repeat("close(ch)".len())
    );
}
