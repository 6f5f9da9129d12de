//! `gohint --check --stdin-filename PATH -` through the real binary: the
//! buffer on stdin is checked as if it were the file at PATH.

use crate::common::cli::{binary, stderr, stdout, write};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const DOUBLE_CLOSE: &str = "package p\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n";

const LOOP_CAPTURE: &str =
    "package p\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n";

/// Runs `gohint ARGS` in `dir` with `input` on stdin.
fn piped(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gohint");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for gohint");
    feeder.join().expect("stdin writer");
    out
}

/// The JSON findings of buffer `input` checked as `name` from `dir`.
fn json(dir: &Path, name: &str, input: &str) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = piped(
        &["--check", "--stdin-filename", name, "--format", "json", "-"],
        dir,
        input.as_bytes(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(&out), stderr(&out)));
    (out.status.code(), v.as_array().expect("an array").clone())
}

fn rules(items: &[serde_json::Value]) -> Vec<&str> {
    items.iter().filter_map(|i| i["rule"].as_str()).collect()
}

#[test]
fn the_buffer_is_reported_under_the_given_path_which_need_not_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = piped(
        &["--check", "--stdin-filename", "pkg/new.go", "-"],
        dir.path(),
        DOUBLE_CLOSE.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("pkg/new.go:5:2: error[double-close]: "),
        "{text}"
    );
    assert!(
        text.contains("note: first closed here at pkg/new.go:4:2"),
        "{text}"
    );
    assert!(
        text.contains("gohint: 1 findings (1 error) in 1 files"),
        "{text}"
    );
    assert!(!dir.path().join("pkg").exists(), "nothing is written");
}

#[test]
fn the_buffer_wins_over_the_file_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.go", "package p\n");
    let (code, items) = json(dir.path(), "a.go", DOUBLE_CLOSE);
    assert_eq!(code, Some(1));
    assert_eq!(rules(&items), ["double-close"]);
    assert_eq!(items[0]["path"], "a.go");
    assert_eq!(items[0]["line"], 5);

    let (code, items) = json(dir.path(), "a.go", "package p\n\nfunc g() {}\n");
    assert_eq!(code, Some(0));
    assert!(items.is_empty(), "{items:?}");
}

#[test]
fn go_mod_is_the_one_above_the_given_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "old/go.mod", "module old\n\ngo 1.21\n");
    write(dir.path(), "new/go.mod", "module new\n\ngo 1.22\n");
    let (_, old) = json(dir.path(), "old/x/f.go", LOOP_CAPTURE);
    assert!(
        rules(&old).contains(&"loop-var-capture"),
        "Go 1.21 shares the loop variable: {old:?}"
    );
    let (_, new) = json(dir.path(), "new/x/f.go", LOOP_CAPTURE);
    assert!(
        !rules(&new).contains(&"loop-var-capture"),
        "Go 1.22 gives each iteration its own: {new:?}"
    );
}

#[test]
fn gohint_toml_is_the_nearest_to_the_given_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "quiet/gohint.toml",
        "[rules]\ndouble-close = \"off\"\n",
    );
    write(
        dir.path(),
        "soft/gohint.toml",
        "fail_on = \"error\"\n[rules]\ndouble-close = \"warning\"\n",
    );
    let (code, items) = json(dir.path(), "quiet/not/yet/a.go", DOUBLE_CLOSE);
    assert_eq!((code, items.len()), (Some(0), 0), "{items:?}");
    let (code, items) = json(dir.path(), "soft/a.go", DOUBLE_CLOSE);
    assert_eq!(code, Some(0), "a warning under fail_on = error");
    assert_eq!(items[0]["severity"], "warning");
    let (code, items) = json(dir.path(), "elsewhere/a.go", DOUBLE_CLOSE);
    assert_eq!(
        (code, items[0]["severity"].as_str()),
        (Some(1), Some("error"))
    );
}

#[test]
fn suppressions_and_test_files_follow_the_buffer_and_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let silenced = DOUBLE_CLOSE.replace(
        "\tclose(ch)\n}",
        "\tclose(ch) //gohint:ignore double-close -- closed by a test hook\n}",
    );
    let (code, items) = json(dir.path(), "a.go", &silenced);
    assert_eq!((code, items.len()), (Some(0), 0), "{items:?}");

    let gc = "package p\n\nimport \"runtime\"\n\nfunc f() { runtime.GC() }\n";
    let (_, items) = json(dir.path(), "a.go", gc);
    assert_eq!(rules(&items), ["explicit-gc"]);
    let (_, items) = json(dir.path(), "a_test.go", gc);
    assert!(items.is_empty(), "runtime.GC() is fine in tests: {items:?}");
}

#[test]
fn other_formats_name_the_given_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = piped(
        &[
            "--check",
            "--stdin-filename",
            "cmd/main.go",
            "--format",
            "github",
            "-",
        ],
        dir.path(),
        DOUBLE_CLOSE.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("::error file=cmd/main.go,line=5,"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn bad_input_and_usage_exit_2_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = piped(
        &["--check", "--stdin-filename", "a.go", "-"],
        dir.path(),
        b"package p\n\xff\xfe\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a.go: "), "{}", stderr(&out));

    let out = piped(
        &["--check", "--stdin-filename", "a.go", "b.go"],
        dir.path(),
        DOUBLE_CLOSE.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`-`"), "{}", stderr(&out));

    let out = piped(
        &["--check", "--stdin-filename", "a.go", "-"],
        dir.path(),
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "an empty buffer: {}",
        stderr(&out)
    );
}
